package render_test

import (
	"bytes"
	"encoding/json"
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/trip-assistant/stack/reconcile"
	"github.com/trip-assistant/stack/reconcile/internal/fakekind"
	"github.com/trip-assistant/stack/reconcile/render"
)

var update = flag.Bool("update", false, "rewrite the golden files")

const before = `project: demo
region: us-east-2
inputs:
  token: {env: TOKEN, sensitive: true}
resources:
  role:
    type: fake.role
    properties:
      name: demo-role
  fn:
    type: fake.function
    properties:
      name: demo-fn
      role: ${role.arn}
      memory_size: 256
  live:
    type: fake.alias
    properties:
      name: demo-live
      function_version: ${fn.version}
  fn2:
    type: fake.function
    properties:
      name: demo-fn2
      role: ${role.arn}
      zone: a
  secret:
    type: fake.secret
    properties:
      name: demo-secret
      value: ${input.token}
  gone:
    type: fake.role
    properties:
      name: demo-gone
  old:
    type: fake.role
    properties:
      name: demo-old
`

const secretValue = "hunter2-do-not-print"
const liveSecret = "changed-by-hand-do-not-print"

// everyClassPlan plans a stack with one change of every class: new in
// spec, spec changed (in place and forcing replacement), out of band (one
// sensitive), deleted out of band, removed from spec, adopted, a
// dependency changed, and an unmanaged resource.
func everyClassPlan(t *testing.T) *reconcile.Plan {
	t.Helper()
	ctx := t.Context()
	h := fakekind.NewHarness()
	h.Env["TOKEN"] = secretValue
	h.Kinds[fakekind.Role] = fakekind.Listing{Kind: h.Fakes[fakekind.Role]}
	h.Apply(ctx, t, h.Load(t, before, ""), false)

	after := strings.Replace(before, "memory_size: 256", "memory_size: 512", 1)
	after = strings.Replace(after, "zone: a", "zone: b", 1)
	after = after[:strings.Index(after, "  old:")] + `  extra:
    type: fake.role
    properties:
      name: demo-extra
  adopt:
    type: fake.role
    properties:
      name: demo-adopt
`
	h.Cloud.Set(fakekind.Secret, "demo-secret", "value", liveSecret)
	h.Cloud.Set(fakekind.Role, "demo-role", "tags", map[string]any{reconcile.TagStack: "demo/dev", reconcile.TagName: "role", "owner": "someone"})
	h.Cloud.Remove(fakekind.Role, "demo-gone")
	h.Cloud.Put(fakekind.Role, "demo-adopt", map[string]any{"name": "demo-adopt", "tags": map[string]any{reconcile.TagStack: "demo/dev", reconcile.TagName: "adopt"}})
	h.Cloud.Put(fakekind.Role, "demo-stray", map[string]any{"name": "demo-stray"})
	return h.Plan(ctx, t, h.Load(t, after, ""), false)
}

func golden(t *testing.T, name string, got []byte) {
	t.Helper()
	path := filepath.Join("testdata", name)
	if *update {
		if err := os.WriteFile(path, got, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	want, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("%v (run go test -update to create it)", err)
	}
	if diff := cmp.Diff(string(want), string(got)); diff != "" {
		t.Errorf("%s mismatch (-want +got):\n%s", path, diff)
	}
}

func TestGolden(t *testing.T) {
	p := everyClassPlan(t)
	cases := map[string]struct {
		file   string
		render func(*bytes.Buffer)
	}{
		"text":     {"plan.golden", func(b *bytes.Buffer) { render.Text(b, p, render.Style{}) }},
		"markdown": {"plan.md.golden", func(b *bytes.Buffer) { render.Markdown(b, p) }},
	}
	for name, tc := range cases {
		t.Run(name, func(t *testing.T) {
			var b bytes.Buffer
			tc.render(&b)
			golden(t, tc.file, b.Bytes())
		})
	}
}

func TestJSON(t *testing.T) {
	p := everyClassPlan(t)
	var b bytes.Buffer
	if err := render.JSON(&b, render.NewDocument(p, nil, nil)); err != nil {
		t.Fatal(err)
	}
	var doc struct {
		FormatVersion string            `json:"format_version"`
		HasChanges    bool              `json:"has_changes"`
		Summary       reconcile.Summary `json:"summary"`
		Changes       []struct {
			Name   string `json:"name"`
			Action string `json:"action"`
			Class  string `json:"class"`
		} `json:"changes"`
		Unmanaged []reconcile.Unmanaged `json:"unmanaged"`
	}
	if err := json.Unmarshal(b.Bytes(), &doc); err != nil {
		t.Fatalf("invalid JSON: %v\n%s", err, b.String())
	}
	if doc.FormatVersion != "1" || !doc.HasChanges {
		t.Errorf("format_version %q, has_changes %v; want \"1\", true", doc.FormatVersion, doc.HasChanges)
	}
	wantSummary := reconcile.Summary{Add: 3, Change: 4, Destroy: 2, Import: 1, Drift: 3}
	if diff := cmp.Diff(wantSummary, doc.Summary); diff != "" {
		t.Errorf("summary mismatch (-want +got):\n%s", diff)
	}
	classes := map[string]string{}
	for _, c := range doc.Changes {
		classes[c.Name] = c.Action + " " + c.Class
	}
	wantClasses := map[string]string{
		"old":    "delete removed_from_spec",
		"role":   "update out_of_band_change",
		"fn":     "update spec_changed",
		"fn2":    "replace spec_changed",
		"live":   "update dependency_changed",
		"secret": "update out_of_band_change",
		"gone":   "create deleted_out_of_band",
		"extra":  "create new_in_spec",
		"adopt":  "import adopted",
	}
	if diff := cmp.Diff(wantClasses, classes); diff != "" {
		t.Errorf("classes mismatch (-want +got):\n%s", diff)
	}
	if diff := cmp.Diff([]reconcile.Unmanaged{{Type: fakekind.Role, ID: "demo-stray"}}, doc.Unmanaged); diff != "" {
		t.Errorf("unmanaged mismatch (-want +got):\n%s", diff)
	}
}

// TestNoSecrets: neither the desired nor the live secret appears in any
// rendering of a plan that changes it.
func TestNoSecrets(t *testing.T) {
	p := everyClassPlan(t)
	if c := p.Change("secret"); c == nil || len(c.Diff) != 1 || !c.Diff[0].Sensitive {
		t.Fatalf("plan for the secret = %+v, want one sensitive field diff", c)
	}
	renders := map[string]func(*bytes.Buffer){
		"text":     func(b *bytes.Buffer) { render.Text(b, p, render.Style{Color: true}) },
		"markdown": func(b *bytes.Buffer) { render.Markdown(b, p) },
		"json": func(b *bytes.Buffer) {
			if err := render.JSON(b, render.NewDocument(p, nil, nil)); err != nil {
				t.Fatal(err)
			}
		},
	}
	for name, r := range renders {
		t.Run(name, func(t *testing.T) {
			var b bytes.Buffer
			r(&b)
			for _, secret := range []string{secretValue, liveSecret, reconcile.SecretDigest(secretValue), reconcile.SecretDigest(liveSecret)} {
				if strings.Contains(b.String(), secret) {
					t.Errorf("%s output holds %q:\n%s", name, secret, b.String())
				}
			}
			if !strings.Contains(b.String(), reconcile.Sensitive) {
				t.Errorf("%s output does not say %s", name, reconcile.Sensitive)
			}
		})
	}
}

func BenchmarkRenderText(b *testing.B) {
	ctx := b.Context()
	h := fakekind.NewHarness()
	spec := h.Load(b, string(fakekind.GenerateSpec(500)), "")
	h.Apply(ctx, b, spec, false)
	for _, id := range h.Cloud.IDs(fakekind.Function) {
		h.Cloud.Set(fakekind.Function, id, "memory_size", int64(10240))
	}
	p := h.Plan(ctx, b, spec, false)
	if got := p.Summary().Change; got != 400 {
		b.Fatalf("%d changes, want 400", got)
	}
	var buf bytes.Buffer
	b.ReportAllocs()
	for b.Loop() {
		buf.Reset()
		render.Text(&buf, p, render.Style{})
	}
}

// TestPlanHoldsNoSecret: the plan itself, everything apply needs included,
// holds secrets only as digests, so it can be kept in a file.
func TestPlanHoldsNoSecret(t *testing.T) {
	p := everyClassPlan(t)
	dump := fmt.Sprintf("%#v", *p)
	for _, c := range p.Changes {
		dump += fmt.Sprintf("%#v", *c)
	}
	for _, secret := range []string{secretValue, liveSecret} {
		if strings.Contains(dump, secret) {
			t.Errorf("the plan holds %q:\n%s", secret, dump)
		}
	}
	if c := p.Change("secret"); c == nil || c.Desired["value"] != (reconcile.Secret{Digest: reconcile.SecretDigest(secretValue)}) {
		t.Errorf("the plan's desired secret = %#v, want its digest", c.Desired["value"])
	}
}
