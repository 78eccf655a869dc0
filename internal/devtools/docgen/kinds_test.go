package docgen

import (
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/trip-assistant/stack/reconcile/spec"
)

type fakeType struct {
	schema spec.Schema
	attrs  []string
}

func (f fakeType) Schema() spec.Schema  { return f.schema }
func (f fakeType) Attributes() []string { return f.attrs }

func TestMarkdown(t *testing.T) {
	types := map[string]spec.TypeSchema{
		"z.thing": fakeType{attrs: []string{"id"}, schema: spec.Schema{
			"b": {Type: spec.String, Doc: "B."},
		}},
		"a.thing": fakeType{attrs: []string{"name", "arn"}, schema: spec.Schema{
			"zone":   {Type: spec.String, Required: true, ForceNew: true, Doc: "Where <it> lives | pipe, not *bold*."},
			"secret": {Type: spec.String, Required: true, Sensitive: true, Doc: "Kept secret."},
			"kind":   {Type: spec.String, Default: "$default", Enum: []string{"$default", "other"}, Doc: "Which."},
			"ids":    {Type: spec.StringList, Unordered: true, SpecOnly: true, Default: []any{}, Doc: "Ids."},
			"image":  {Type: spec.String, CreateOnly: true, Doc: "Image."},
			"opts": {Type: spec.Object, Default: map[string]any{}, Doc: "Options.", Fields: spec.Schema{
				"max": {Type: spec.Int, Default: int64(30000), Doc: "Max."},
				"on":  {Type: spec.Bool, Default: false, Doc: "On."},
			}},
			"tags": {Type: spec.StringMap, Doc: "Tags."},
			"doc":  {Type: spec.Document, Doc: "A document."},
			"pol":  {Type: spec.Document, Default: map[string]any{}, Exclusive: true, Doc: "A policy."},
		}},
		"m.thing": fakeType{attrs: []string{"id"}, schema: spec.Schema{
			"policies": {Type: spec.StringList, Unordered: true, DeclaredBy: "m.policy", Doc: "Inline policies."},
		}},
	}
	got, err := Markdown(Kinds(types))
	if err != nil {
		t.Fatal(err)
	}
	want := strings.Join([]string{
		"| type | fields (`*` required) | attributes |",
		"|---|---|---|",
		"| `a.thing` | secret\\*, zone\\*, doc, ids, image, kind, opts, pol, tags | name, arn |",
		"| `m.thing` | policies | id |",
		"| `z.thing` | b | id |",
		"",
		"#### `a.thing`",
		"",
		"Attributes: `name`, `arn`.",
		"",
		"Owns exclusively: `pol` (as the spec sets it; unset means none), `tags` (the spec's and the stack's ownership tags; a tag added by hand is drift); any other AWS holds under it is drift that apply removes.",
		"",
		"| field | type | default | notes | description |",
		"|---|---|---|---|---|",
		"| `secret` | string |  | required; sensitive: never shown or recorded, compared by digest | Kept secret. |",
		"| `zone` | string |  | required; a change replaces the resource | Where &lt;it&gt; lives \\| pipe, not \\*bold\\*. |",
		"| `doc` | document |  |  | A document. |",
		"| `ids` | list of strings | `[]` | compared as a set; never reported as drift | Ids. |",
		"| `image` | string |  | set on create only, unless listed in `manage` | Image. |",
		"| `kind` | string | `\"$default\"` | one of `$default`, `other` | Which. |",
		"| `opts` | object | `{}` |  | Options. |",
		"| `opts.max` | integer | `30000` |  | Max. |",
		"| `opts.on` | boolean | `false` |  | On. |",
		"| `pol` | document | `{}` |  | A policy. |",
		"| `tags` | map of strings |  |  | Tags. |",
		"",
		"#### `m.thing`",
		"",
		"Attributes: `id`.",
		"",
		"Owns exclusively: `policies` (declared by `m.policy` resources); any other AWS holds under it is drift that apply removes.",
		"",
		"| field | type | default | notes | description |",
		"|---|---|---|---|---|",
		"| `policies` | list of strings |  | compared as a set; exclusive set, filled from the `m.policy` resources that depend on it: the spec may only `ignore` it | Inline policies. |",
		"",
		"#### `z.thing`",
		"",
		"Attributes: `id`.",
		"",
		"| field | type | default | notes | description |",
		"|---|---|---|---|---|",
		"| `b` | string |  |  | B. |",
		"",
	}, "\n")
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("Markdown (-want +got):\n%s", diff)
	}
}

func TestMarkdownUnknownFieldType(t *testing.T) {
	types := map[string]spec.TypeSchema{
		"a.thing": fakeType{schema: spec.Schema{"x": {Type: spec.FieldType(99)}}},
	}
	_, err := Markdown(Kinds(types))
	if err == nil || !strings.Contains(err.Error(), "field x of a.thing") {
		t.Fatalf("err = %v, want one naming field x of a.thing", err)
	}
}
