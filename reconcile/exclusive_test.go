package reconcile_test

import (
	"slices"
	"testing"

	"github.com/trip-assistant/stack/reconcile"
	"github.com/trip-assistant/stack/reconcile/internal/fakekind"
	"github.com/trip-assistant/stack/reconcile/spec"
)

// member is a fake kind whose resources are members of a holder's
// exclusive set, named by their recorded id (like an integration, whose id
// AWS assigns): a member not yet recorded cannot be told apart.
type member struct{ *fakekind.Kind }

func (member) AttachmentKey(id string, _ spec.Props) (string, bool) { return id, id != "" }

const exclusiveSpec = `project: demo
region: us-east-2
resources:
  holder: {type: fake.holder, properties: {name: demo-holder}}
  one: {type: fake.member, properties: {name: demo-one, holder: "${holder.name}"}}
`

// TestExclusiveSets: a member of a holder's exclusive set that no resource
// declares is drift that apply removes; while a declared member cannot be
// told apart yet, the set is not enforced, so the one being made or
// adopted is never taken for an extra.
func TestExclusiveSets(t *testing.T) {
	ctx := t.Context()
	h := fakekind.NewHarness()
	h.Kinds["fake.holder"] = &fakekind.Kind{TypeName: "fake.holder", Cloud: h.Cloud, Attrs: []string{"name"}, Fields: spec.Schema{
		"name":    {Type: spec.String, Required: true, ForceNew: true},
		"members": {Type: spec.StringList, Unordered: true, DeclaredBy: "fake.member"},
	}}
	h.Kinds["fake.member"] = member{&fakekind.Kind{TypeName: "fake.member", Cloud: h.Cloud, Attrs: []string{"name"}, Fields: spec.Schema{
		"name":   {Type: spec.String, Required: true, ForceNew: true},
		"holder": {Type: spec.String, Required: true},
	}}}
	sp := h.Load(t, exclusiveSpec, "")

	// From empty, demo-one has no id yet: a member made by hand before is
	// left alone, since it could be the one being made.
	h.Cloud.Put("fake.holder", "demo-holder", map[string]any{"name": "demo-holder", "members": []any{"by-hand"}})
	p := h.Plan(ctx, t, sp, false)
	if c := p.Change("holder"); c.Diff.Has("members") {
		t.Errorf("with a member not yet told apart, the set was compared: %+v", c.Diff)
	}
	h.Apply(ctx, t, sp, false)

	// Once demo-one is recorded, anything else in the set is drift.
	h.Cloud.Set("fake.holder", "demo-holder", "members", []any{"demo-one", "by-hand"})
	p = h.Plan(ctx, t, sp, false)
	c := p.Change("holder")
	if c.Class != reconcile.OutOfBand || !c.Diff.Has("members") {
		t.Fatalf("an undeclared member: holder is %s/%s %+v, want an out-of-band change of members", c.Action, c.Class, c.Diff)
	}
	h.Apply(ctx, t, sp, false)
	if got := spec.ToStringList(h.Cloud.Get("fake.holder", "demo-holder")["members"]); slices.Contains(got, "by-hand") || !slices.Contains(got, "demo-one") {
		t.Errorf("after apply the holder's members are %v, want demo-one only", got)
	}
	if p := h.Plan(ctx, t, sp, false); p.HasChanges() {
		t.Errorf("re-plan after apply has changes: %+v", p.Change("holder"))
	}
}
