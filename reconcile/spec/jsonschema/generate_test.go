package jsonschema_test

import (
	"encoding/json"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/trip-assistant/stack/reconcile/spec"
	"github.com/trip-assistant/stack/reconcile/spec/jsonschema"
)

type kind spec.Schema

func (k kind) Schema() spec.Schema  { return spec.Schema(k) }
func (k kind) Attributes() []string { return nil }

// TestFieldSchemas: each field type reads as the loader decodes it.
func TestFieldSchemas(t *testing.T) {
	k := kind{
		"name":    {Type: spec.String, Required: true, ForceNew: true, Doc: "the name."},
		"tier":    {Type: spec.String, Enum: []string{"a", "b"}, Default: "a"},
		"size":    {Type: spec.Int},
		"on":      {Type: spec.Bool},
		"list":    {Type: spec.StringList},
		"tags":    {Type: spec.StringMap},
		"policy":  {Type: spec.Document},
		"secret":  {Type: spec.String, Sensitive: true},
		"members": {Type: spec.StringList, DeclaredBy: "x.member"},
		"block":   {Type: spec.Object, Fields: spec.Schema{"mode": {Type: spec.String, Required: true}}},
	}
	b, err := jsonschema.Generate(map[string]spec.TypeSchema{"x.thing": k})
	if err != nil {
		t.Fatal(err)
	}
	var doc struct {
		Defs map[string]struct {
			Properties map[string]any `json:"properties"`
		} `json:"$defs"`
	}
	if err := json.Unmarshal(b, &doc); err != nil {
		t.Fatal(err)
	}
	ref := map[string]any{"type": "string", "pattern": `^\$\{[^}]+\}$`}
	scalar := []any{"string", "number"}
	want := map[string]any{
		"name":    map[string]any{"type": scalar, "description": "the name. Changing it replaces the resource."},
		"tier":    map[string]any{"anyOf": []any{map[string]any{"enum": []any{"a", "b"}}, map[string]any{"type": "string", "pattern": `\$\{`}}, "default": "a"},
		"size":    map[string]any{"anyOf": []any{map[string]any{"type": "integer"}, ref}},
		"on":      map[string]any{"anyOf": []any{map[string]any{"type": "boolean"}, ref}},
		"list":    map[string]any{"type": "array", "items": map[string]any{"type": scalar}},
		"tags":    map[string]any{"type": "object", "additionalProperties": map[string]any{"type": scalar}},
		"policy":  map[string]any{},
		"secret":  map[string]any{"type": scalar, "description": "Sensitive: never shown in plans, state or tags."},
		"members": map[string]any{"not": map[string]any{}, "description": "cannot be set: the set of x.member resources that reference this one (ignore it to leave the set alone)"},
		// The loader requires the fields of a resource, not of a block.
		"block": map[string]any{"type": "object", "additionalProperties": false, "properties": map[string]any{"mode": map[string]any{"type": scalar}}},
	}
	if diff := cmp.Diff(want, doc.Defs["properties.x.thing"].Properties); diff != "" {
		t.Errorf("field schemas (-want +got):\n%s", diff)
	}
}

func TestGenerateRefusesAFieldWithoutType(t *testing.T) {
	_, err := jsonschema.Generate(map[string]spec.TypeSchema{"x.thing": kind{"bad": {}}})
	if err == nil || err.Error() != "x.thing.bad: field has no type" {
		t.Fatalf("error %v, want one naming x.thing.bad", err)
	}
}
