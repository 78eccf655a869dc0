package reconcile_test

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"maps"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/trip-assistant/stack/reconcile"
	"github.com/trip-assistant/stack/reconcile/internal/fakekind"
	"github.com/trip-assistant/stack/reconcile/spec"
)

// baseSpec is a small stack: a role, a function using its ARN, an alias
// following the function's version, and a secret from a sensitive input.
const baseSpec = `project: demo
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
      zone: a
  live:
    type: fake.alias
    properties:
      name: demo-live
      function_version: ${fn.version}
  secret:
    type: fake.secret
    properties:
      name: demo-secret
      value: ${input.token}
`

const secretValue = "hunter2-do-not-print"

func newHarness() *fakekind.Harness {
	h := fakekind.NewHarness()
	h.Env["TOKEN"] = secretValue
	return h
}

// change is what a test checks of one planned change.
type change struct {
	Action reconcile.Action
	Class  reconcile.Class
	Paths  []string
}

// changes summarizes a plan by resource, leaving out no-ops.
func changes(p *reconcile.Plan) map[string]change {
	out := map[string]change{}
	for _, c := range p.Changes {
		if c.Action == reconcile.NoOp {
			continue
		}
		var paths []string
		if len(c.Diff) > 0 {
			paths = c.Diff.Paths()
		}
		out[c.Name] = change{c.Action, c.Class, paths}
	}
	return out
}

func opIndex(ops []fakekind.Op, verb, id string) int {
	return slices.IndexFunc(ops, func(o fakekind.Op) bool { return o.Verb == verb && o.ID == id })
}

func TestApplyFromEmpty(t *testing.T) {
	ctx := t.Context()
	h := newHarness()
	var (
		mu       sync.Mutex
		received = map[string]spec.Props{}
	)
	for _, f := range h.Fakes {
		f.Received = func(verb, id string, desired spec.Props) {
			mu.Lock()
			defer mu.Unlock()
			received[verb+" "+id] = desired
		}
	}
	sp := h.Load(t, baseSpec, "")
	p := h.Plan(ctx, t, sp, false)

	want := map[string]change{
		"role":   {reconcile.Create, reconcile.NewInSpec, nil},
		"fn":     {reconcile.Create, reconcile.NewInSpec, nil},
		"live":   {reconcile.Create, reconcile.NewInSpec, nil},
		"secret": {reconcile.Create, reconcile.NewInSpec, nil},
	}
	if diff := cmp.Diff(want, changes(p)); diff != "" {
		t.Errorf("plan mismatch (-want +got):\n%s", diff)
	}

	r, err := h.ApplyPlan(ctx, p)
	if err != nil || r.Err() != nil {
		t.Fatalf("Apply() = %v, %v", err, r.Err())
	}
	wantDone := map[string]reconcile.Action{"role": reconcile.Create, "fn": reconcile.Create, "live": reconcile.Create, "secret": reconcile.Create}
	if diff := cmp.Diff(wantDone, r.Done); diff != "" {
		t.Errorf("Result.Done mismatch (-want +got):\n%s", diff)
	}

	ops := h.Cloud.Ops()
	role, fn, live := opIndex(ops, "create", "demo-role"), opIndex(ops, "create", "demo-fn"), opIndex(ops, "create", "demo-live")
	if !(role >= 0 && role < fn && fn < live) {
		t.Errorf("creates out of dependency order: %v", ops)
	}

	// A reference to a resource being created is resolved at apply.
	if got, want := received["create demo-fn"]["role"], "arn:fake:fake.role:demo-role"; got != want {
		t.Errorf("fn created with role %v, want %q", got, want)
	}
	if got, want := received["create demo-live"]["function_version"], "1"; got != want {
		t.Errorf("alias created with function_version %v, want %q", got, want)
	}

	// Ownership tags go to kinds with tags, and only to them.
	wantTags := map[string]any{reconcile.TagStack: "demo/dev", reconcile.TagName: "fn"}
	if diff := cmp.Diff(wantTags, received["create demo-fn"]["tags"]); diff != "" {
		t.Errorf("fn tags mismatch (-want +got):\n%s", diff)
	}
	if tags, ok := received["create demo-secret"]["tags"]; ok {
		t.Errorf("secret (no tags field) got tags %v", tags)
	}

	// The state is saved, and lists every resource with its digest.
	if h.Store.Saves() < 1 {
		t.Errorf("Save called %d times, want at least 1", h.Store.Saves())
	}
	saved := h.Store.State()
	for _, name := range []string{"role", "fn", "live", "secret"} {
		sr, ok := saved.Resources[name]
		if !ok || sr.ID == "" || sr.Digest == "" {
			t.Errorf("saved state for %s = %+v (present %v), want an ID and a digest", name, sr, ok)
		}
	}
	if diff := cmp.Diff([]string{"role"}, saved.Resources["fn"].Deps); diff != "" {
		t.Errorf("fn deps in state mismatch (-want +got):\n%s", diff)
	}
	if saved.Serial < 1 || saved.SpecDigest != sp.Digest {
		t.Errorf("saved state serial %d, spec digest %q; want >= 1 and %q", saved.Serial, saved.SpecDigest, sp.Digest)
	}

	// Converged: a second plan changes nothing.
	again := h.Plan(ctx, t, sp, false)
	if diff := cmp.Diff(map[string]change{}, changes(again)); diff != "" {
		t.Errorf("re-plan is not all no-op (-want +got):\n%s", diff)
	}
	if again.HasChanges() {
		t.Error("re-plan HasChanges() = true")
	}
}

func TestPlanClasses(t *testing.T) {
	cases := map[string]struct {
		spec    string // after the base was applied; baseSpec when empty
		live    func(c *fakekind.Cloud)
		noState bool // forget the state after the base apply
		want    map[string]change
		wantErr string // in Plan.Errors
	}{
		"spec changed": {
			spec: strings.Replace(baseSpec, "memory_size: 256", "memory_size: 512", 1),
			want: map[string]change{
				"fn": {reconcile.Update, reconcile.SpecChanged, []string{"memory_size"}},
				// fn's version moves when it is updated.
				"live": {reconcile.Update, reconcile.DependencyChanged, []string{"function_version"}},
			},
		},
		"out-of-band change": {
			live: func(c *fakekind.Cloud) { c.Set(fakekind.Function, "demo-fn", "memory_size", int64(1024)) },
			want: map[string]change{
				"fn":   {reconcile.Update, reconcile.OutOfBand, []string{"memory_size"}},
				"live": {reconcile.Update, reconcile.DependencyChanged, []string{"function_version"}},
			},
		},
		"out-of-band change of a secret": {
			live: func(c *fakekind.Cloud) { c.Set(fakekind.Secret, "demo-secret", "value", "changed") },
			want: map[string]change{"secret": {reconcile.Update, reconcile.OutOfBand, []string{"value"}}},
		},
		"deleted out of band": {
			live: func(c *fakekind.Cloud) { c.Remove(fakekind.Secret, "demo-secret") },
			want: map[string]change{"secret": {reconcile.Create, reconcile.DeletedOutOfBand, nil}},
		},
		"removed from spec": {
			spec: baseSpec[:strings.Index(baseSpec, "  secret:")],
			want: map[string]change{"secret": {reconcile.Delete, reconcile.RemovedFromSpec, nil}},
		},
		"a force-new field replaces": {
			spec: strings.Replace(baseSpec, "zone: a", "zone: b", 1),
			want: map[string]change{
				"fn":   {reconcile.Replace, reconcile.SpecChanged, []string{"zone"}},
				"live": {reconcile.Update, reconcile.DependencyChanged, []string{"function_version"}},
			},
		},
		"exists but not in state: adopted": {
			noState: true,
			want: map[string]change{
				"role":   {reconcile.Import, reconcile.Adopted, nil},
				"fn":     {reconcile.Import, reconcile.Adopted, nil},
				"live":   {reconcile.Import, reconcile.Adopted, nil},
				"secret": {reconcile.Import, reconcile.Adopted, nil},
			},
		},
		"adopted with a difference": {
			noState: true,
			live:    func(c *fakekind.Cloud) { c.Set(fakekind.Function, "demo-fn", "memory_size", int64(1024)) },
			want: map[string]change{
				"role":   {reconcile.Import, reconcile.Adopted, nil},
				"fn":     {reconcile.Update, reconcile.Adopted, []string{"memory_size"}},
				"live":   {reconcile.Update, reconcile.Adopted, []string{"function_version"}},
				"secret": {reconcile.Import, reconcile.Adopted, nil},
			},
		},
	}
	for name, tc := range cases {
		t.Run(name, func(t *testing.T) {
			ctx := t.Context()
			h := newHarness()
			h.Apply(ctx, t, h.Load(t, baseSpec, ""), false)
			if tc.noState {
				h.Store = fakekind.NewStore()
				h.Engine.Store = h.Store
			}
			if tc.live != nil {
				tc.live(h.Cloud)
			}
			text := tc.spec
			if text == "" {
				text = baseSpec
			}
			sp := h.Load(t, text, "")
			p := h.Plan(ctx, t, sp, false)
			if diff := cmp.Diff(tc.want, changes(p)); diff != "" {
				t.Errorf("plan mismatch (-want +got):\n%s", diff)
			}
			if len(p.Errors) > 0 {
				t.Fatalf("plan errors: %v", p.Errors)
			}
			// Applying converges whatever the class.
			h.Cloud.ResetOps()
			if r, err := h.ApplyPlan(ctx, p); err != nil || r.Err() != nil {
				t.Fatalf("Apply() = %v, %v", err, r.Err())
			}
			if tc.noState {
				for _, op := range h.Cloud.Ops() {
					if op.Verb == "create" {
						t.Errorf("adopting made a new resource: %v", op)
					}
				}
			}
			if diff := cmp.Diff(map[string]change{}, changes(h.Plan(ctx, t, sp, false))); diff != "" {
				t.Errorf("plan after apply is not all no-op (-want +got):\n%s", diff)
			}
			for _, n := range sp.Order {
				if _, ok := h.Store.State().Resources[n]; !ok {
					t.Errorf("%s is not in the saved state", n)
				}
			}
		})
	}
}

func TestProtectedRemoval(t *testing.T) {
	ctx := t.Context()
	h := newHarness()
	protected := strings.Replace(baseSpec, "    type: fake.secret\n", "    type: fake.secret\n    protect: true\n", 1)
	h.Apply(ctx, t, h.Load(t, protected, ""), false)
	if !h.Store.State().Resources["secret"].Protect {
		t.Fatal("protect is not recorded in the state")
	}

	p := h.Plan(ctx, t, h.Load(t, baseSpec[:strings.Index(baseSpec, "  secret:")], ""), false)
	if len(p.Errors) != 1 || !strings.Contains(p.Errors[0], "secret (fake.secret) is protected") {
		t.Errorf("Plan.Errors = %q, want one naming the protected secret", p.Errors)
	}
	if _, err := h.ApplyPlan(ctx, p); err == nil {
		t.Error("Apply() of a plan with errors succeeded")
	}
	if h.Cloud.Get(fakekind.Secret, "demo-secret") == nil {
		t.Error("the protected secret was deleted")
	}
}

func TestDestroyOrder(t *testing.T) {
	ctx := t.Context()
	h := newHarness()
	sp := h.Load(t, baseSpec, "")
	h.Apply(ctx, t, sp, false)
	h.Cloud.ResetOps()

	p, r := h.Apply(ctx, t, sp, true)
	for _, c := range p.Changes {
		if c.Action != reconcile.Delete || c.Class != reconcile.Destroying {
			t.Errorf("%s: %s %s, want delete destroy", c.Name, c.Action, c.Class)
		}
	}
	ops := h.Cloud.Ops()
	role, fn, live := opIndex(ops, "delete", "demo-role"), opIndex(ops, "delete", "demo-fn"), opIndex(ops, "delete", "demo-live")
	if !(live >= 0 && live < fn && fn < role) {
		t.Errorf("deletes not in reverse dependency order: %v", ops)
	}
	if len(r.Done) != 4 {
		t.Errorf("Result.Done = %v, want 4 deletes", r.Done)
	}
	if got := h.Store.State().Resources; len(got) != 0 {
		t.Errorf("state after destroy = %v, want empty", got)
	}
}

// TestDestroyWithResourceAlreadyGone: a resource deleted out of band is
// dropped from the state on destroy, and nothing tries to update it.
func TestDestroyWithResourceAlreadyGone(t *testing.T) {
	ctx := t.Context()
	h := newHarness()
	sp := h.Load(t, baseSpec, "")
	h.Apply(ctx, t, sp, false)
	h.Cloud.Remove(fakekind.Secret, "demo-secret")
	h.Cloud.ResetOps()

	p := h.Plan(ctx, t, sp, true)
	r, err := h.ApplyPlan(ctx, p)
	if err != nil || r.Err() != nil {
		t.Fatalf("destroy = %v, %v", err, r.Err())
	}
	for _, op := range h.Cloud.Ops() {
		if op.Verb != "delete" {
			t.Errorf("destroy made a %v", op)
		}
	}
	if got := h.Store.State().Resources; len(got) != 0 {
		t.Errorf("state after destroy = %v, want empty", got)
	}
}

func TestFailureSkipsDependents(t *testing.T) {
	ctx := t.Context()
	h := newHarness()
	boom := errors.New("access denied")
	h.Fakes[fakekind.Role].OnCreate = func(context.Context, spec.Props) error { return boom }

	p := h.Plan(ctx, t, h.Load(t, baseSpec, ""), false)
	r, err := h.ApplyPlan(ctx, p)
	if err != nil {
		t.Fatalf("Apply() = %v", err)
	}
	if diff := cmp.Diff(map[string]reconcile.Action{"secret": reconcile.Create}, r.Done); diff != "" {
		t.Errorf("Result.Done mismatch (-want +got):\n%s", diff)
	}
	if !errors.Is(r.Failed["role"], boom) {
		t.Errorf("Result.Failed[role] = %v, want %v", r.Failed["role"], boom)
	}
	wantSkipped := []string{"fn", "live"}
	if diff := cmp.Diff(wantSkipped, slices.Sorted(maps.Keys(r.Skipped))); diff != "" {
		t.Errorf("skipped mismatch (-want +got):\n%s", diff)
	}
	msg := fmt.Sprint(r.Err())
	for _, want := range []string{"role: access denied", "fn: not applied: role failed", "live: not applied: fn was not applied"} {
		if !strings.Contains(msg, want) {
			t.Errorf("Result.Err() = %q, want it to contain %q", msg, want)
		}
	}
	if _, ok := h.Store.State().Resources["secret"]; !ok {
		t.Error("the secret that was created is not in the saved state")
	}
}

// TestUpdateMovesDependentAttrs: a function's version is only known after
// its update; the alias that follows it gets the new version at apply.
func TestUpdateMovesDependentAttrs(t *testing.T) {
	ctx := t.Context()
	h := newHarness()
	h.Apply(ctx, t, h.Load(t, baseSpec, ""), false)
	var got reconcile.UpdateRequest
	h.Fakes[fakekind.Alias].OnUpdate = func(_ context.Context, req reconcile.UpdateRequest) error {
		got = req
		return nil
	}

	sp := h.Load(t, strings.Replace(baseSpec, "memory_size: 256", "memory_size: 512", 1), "")
	p := h.Plan(ctx, t, sp, false)
	live := p.Change("live")
	if live == nil || len(live.Diff) != 1 {
		t.Fatalf("plan for live = %+v, want one field diff", live)
	}
	if want := (spec.Unknown{Ref: "${fn.version}"}); live.Diff[0].After != want {
		t.Errorf("plan: live.function_version = %#v, want %#v", live.Diff[0].After, want)
	}
	if r, err := h.ApplyPlan(ctx, p); err != nil || r.Err() != nil {
		t.Fatalf("Apply() = %v, %v", err, r.Err())
	}
	if got.Desired["function_version"] != "2" {
		t.Errorf("alias updated with function_version %v, want \"2\"", got.Desired["function_version"])
	}
	if diff := cmp.Diff([]string{"function_version"}, got.Diff.Paths()); diff != "" {
		t.Errorf("alias update diff mismatch (-want +got):\n%s", diff)
	}
	if diff := cmp.Diff(map[string]change{}, changes(h.Plan(ctx, t, sp, false))); diff != "" {
		t.Errorf("plan after apply is not all no-op (-want +got):\n%s", diff)
	}
}

func independentSecrets(n int) string {
	var b strings.Builder
	b.WriteString("project: demo\nregion: us-east-2\nresources:\n")
	for i := range n {
		fmt.Fprintf(&b, "  s%02d:\n    type: fake.secret\n    properties:\n      name: demo-s%02d\n      value: v%d\n", i, i, i)
	}
	return b.String()
}

func TestInterruptedApply(t *testing.T) {
	h := newHarness()
	h.Engine.Parallelism = 1
	sp := h.Load(t, independentSecrets(6), "")
	ctx, cancel := context.WithCancel(t.Context())
	defer cancel()
	var (
		mu      sync.Mutex
		skipped []string
	)
	h.Engine.Events = func(ev reconcile.Event) {
		switch ev.Phase {
		case reconcile.Succeeded:
			cancel()
		case reconcile.Skipped:
			mu.Lock()
			skipped = append(skipped, ev.Name)
			mu.Unlock()
		}
	}
	p := h.Plan(ctx, t, sp, false)
	r, err := h.ApplyPlan(ctx, p)
	if err != nil {
		t.Fatalf("Apply() = %v", err)
	}
	if len(r.Done) != 1 || len(r.Skipped) != 5 {
		t.Fatalf("interrupted apply: done %v, skipped %v; want 1 done, 5 skipped", r.Done, r.Skipped)
	}
	for name, why := range r.Skipped {
		if !strings.Contains(why, "interrupted") {
			t.Errorf("%s skipped because %q, want interrupted", name, why)
		}
	}
	mu.Lock()
	slices.Sort(skipped)
	if diff := cmp.Diff(slices.Sorted(maps.Keys(r.Skipped)), skipped); diff != "" {
		t.Errorf("skipped events mismatch (-want +got):\n%s", diff)
	}
	mu.Unlock()
	saved := h.Store.State()
	for name := range r.Done {
		if _, ok := saved.Resources[name]; !ok {
			t.Errorf("%s was created but is not in the saved state", name)
		}
	}

	h.Engine.Events = nil
	h.Apply(t.Context(), t, sp, false)
	for id, n := range h.Cloud.Creates() {
		if n != 1 {
			t.Errorf("%s created %d times, want 1", id, n)
		}
	}
	if got := len(h.Store.State().Resources); got != 6 {
		t.Errorf("state lists %d resources after the second apply, want 6", got)
	}
}

func TestParallelismBound(t *testing.T) {
	cases := map[string]int{"one": 1, "three": 3, "default": 0}
	for name, parallelism := range cases {
		t.Run(name, func(t *testing.T) {
			h := newHarness()
			h.Engine.Parallelism = parallelism
			for _, f := range h.Fakes {
				f.Delay = 5 * time.Millisecond
			}
			h.Apply(t.Context(), t, h.Load(t, independentSecrets(24), ""), false)
			limit := parallelism
			if limit == 0 {
				limit = 10
			}
			if got := h.Cloud.MaxConcurrent(); got > limit || got < 1 {
				t.Errorf("max concurrent operations = %d, want 1..%d", got, limit)
			}
		})
	}
}

// TestSecretsStayOut: a sensitive value is in no plan JSON and no state.
func TestSecretsStayOut(t *testing.T) {
	ctx := t.Context()
	h := newHarness()
	h.Apply(ctx, t, h.Load(t, baseSpec, ""), false)
	h.Env["TOKEN"] = "rotated-" + secretValue
	p := h.Plan(ctx, t, h.Load(t, baseSpec, ""), false)
	if diff := cmp.Diff(map[string]change{"secret": {reconcile.Update, reconcile.SpecChanged, []string{"value"}}}, changes(p)); diff != "" {
		t.Fatalf("plan mismatch (-want +got):\n%s", diff)
	}
	planJSON, err := json.Marshal(p)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := h.ApplyPlan(ctx, p); err != nil {
		t.Fatal(err)
	}
	stateJSON, err := json.Marshal(h.Store.State())
	if err != nil {
		t.Fatal(err)
	}
	for what, text := range map[string]string{"plan JSON": string(planJSON), "state": string(stateJSON)} {
		if strings.Contains(text, secretValue) {
			t.Errorf("%s holds the secret: %s", what, text)
		}
	}
	if !strings.Contains(string(planJSON), reconcile.Sensitive) {
		t.Errorf("plan JSON does not say %s: %s", reconcile.Sensitive, planJSON)
	}
}

// TestTypeChange: a resource that keeps its name but changes type has the
// old one deleted and the new one made, and a failed create leaves a state
// the next run finishes from, with no perpetual change.
func TestTypeChange(t *testing.T) {
	ctx := t.Context()
	h := newHarness()
	before := `project: demo
region: us-east-2
resources:
  x:
    type: fake.role
    properties: {name: demo-x}
`
	after := `project: demo
region: us-east-2
resources:
  x:
    type: fake.secret
    properties: {name: demo-x-secret, value: v}
`
	h.Apply(ctx, t, h.Load(t, before, ""), false)

	h.Fakes[fakekind.Secret].OnCreate = func(context.Context, spec.Props) error { return errors.New("boom") }
	p := h.Plan(ctx, t, h.Load(t, after, ""), false)
	r, err := h.ApplyPlan(ctx, p)
	if err != nil || r.Err() == nil {
		t.Fatalf("Apply() = %v, %v; want the create to fail", r, err)
	}
	if h.Cloud.Get(fakekind.Role, "demo-x") != nil {
		t.Error("the old resource of the old type still exists")
	}
	if got, ok := h.Store.State().Resources["x"]; ok {
		t.Errorf("state still records the deleted %s as x", got.Type)
	}

	h.Fakes[fakekind.Secret].OnCreate = nil
	h.Apply(ctx, t, h.Load(t, after, ""), false)
	if got := h.Store.State().Resources["x"].Type; got != fakekind.Secret {
		t.Errorf("state type of x = %q, want %q", got, fakekind.Secret)
	}
	if p := h.Plan(ctx, t, h.Load(t, after, ""), false); p.HasChanges() {
		t.Errorf("re-plan has changes: %v", changes(p))
	}
}

// scopedRole is the fake role kind with a per-plan cache: it counts the
// observations made since the last BeginPlan.
type scopedRole struct {
	*fakekind.Kind
	begins, observedBeforeBegin int
	sinceBegin                  int
}

func (k *scopedRole) BeginPlan() { k.begins++; k.sinceBegin = 0 }

func (k *scopedRole) Observe(ctx context.Context, req reconcile.ObserveRequest) (reconcile.Observation, error) {
	if k.begins == 0 {
		k.observedBeforeBegin++
	}
	k.sinceBegin++
	return k.Kind.Observe(ctx, req)
}

// TestBeginPlan: a kind keeping per-plan listings hears of every plan
// before the plan observes anything with it.
func TestBeginPlan(t *testing.T) {
	ctx := context.Background()
	h := newHarness()
	role := &scopedRole{Kind: h.Fakes[fakekind.Role]}
	h.Kinds[fakekind.Role] = role
	sp := h.Load(t, baseSpec, "")
	h.Apply(ctx, t, sp, false)
	h.Plan(ctx, t, sp, false)
	if role.observedBeforeBegin != 0 {
		t.Errorf("%d observations before the first BeginPlan", role.observedBeforeBegin)
	}
	if role.begins < 2 {
		t.Errorf("BeginPlan called %d times over two plans, want at least once per plan", role.begins)
	}
	if role.sinceBegin != 1 {
		t.Errorf("the second plan observed the role %d times after its BeginPlan, want 1", role.sinceBegin)
	}
}

// batchRole is the fake role kind read in batches: it records the size of
// every batch and answers each request with Observe.
type batchRole struct {
	*fakekind.Kind
	mu      sync.Mutex
	batches []int
}

func (k *batchRole) ObserveBatch(ctx context.Context, reqs []reconcile.ObserveRequest) ([]reconcile.Observation, error) {
	k.mu.Lock()
	k.batches = append(k.batches, len(reqs))
	k.mu.Unlock()
	out := make([]reconcile.Observation, len(reqs))
	for i, r := range reqs {
		obs, err := k.Kind.Observe(ctx, r)
		if err != nil {
			return nil, err
		}
		out[i] = obs
	}
	return out, nil
}

// TestObserveBatchRouting: a batch-reading kind gets every ready request of
// a level in one ObserveBatch, a lone one included (it may answer it from a
// listing shared with List).
func TestObserveBatchRouting(t *testing.T) {
	const twoRoles = `project: demo
region: us-east-2
resources:
  a: {type: fake.role, properties: {name: demo-a}}
  b: {type: fake.role, properties: {name: demo-b}}
`
	ctx := context.Background()
	for _, tc := range []struct {
		name, spec string
		want       []int
	}{
		{"one role", baseSpec, []int{1}},
		{"two roles on one level", twoRoles, []int{2}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			h := newHarness()
			role := &batchRole{Kind: h.Fakes[fakekind.Role]}
			h.Kinds[fakekind.Role] = role
			sp := h.Load(t, tc.spec, "")
			h.Apply(ctx, t, sp, false)
			role.batches = nil
			if got := changes(h.Plan(ctx, t, sp, false)); len(got) != 0 {
				t.Fatalf("re-plan after apply has changes: %v", got)
			}
			if !slices.Equal(role.batches, tc.want) {
				t.Errorf("ObserveBatch sizes = %v, want %v", role.batches, tc.want)
			}
		})
	}
}

// failingListing is a fake kind whose listing fails.
type failingListing struct{ *fakekind.Kind }

func (failingListing) List(context.Context, string) ([]string, error) {
	return nil, errors.New("AccessDenied")
}

// TestUnmanagedListings: every listing kind is listed (at once), resources
// the state or spec knows are left out, the report is in a fixed order,
// and a failed listing fails the plan naming the kind and prefix.
func TestUnmanagedListings(t *testing.T) {
	ctx := context.Background()
	h := newHarness()
	h.Kinds[fakekind.Role] = fakekind.Listing{Kind: h.Fakes[fakekind.Role]}
	h.Kinds[fakekind.Function] = fakekind.Listing{Kind: h.Fakes[fakekind.Function]}
	sp := h.Load(t, baseSpec, "")
	h.Apply(ctx, t, sp, false)
	h.Cloud.Put(fakekind.Role, "demo-zz-debug", map[string]any{"name": "demo-zz-debug"})
	h.Cloud.Put(fakekind.Role, "demo-aa-debug", map[string]any{"name": "demo-aa-debug"})
	h.Cloud.Put(fakekind.Function, "demo-old-fn", map[string]any{"name": "demo-old-fn"})
	h.Cloud.Put(fakekind.Function, "other-fn", map[string]any{"name": "other-fn"})

	want := []reconcile.Unmanaged{
		{Type: fakekind.Function, ID: "demo-old-fn"},
		{Type: fakekind.Role, ID: "demo-aa-debug"},
		{Type: fakekind.Role, ID: "demo-zz-debug"},
	}
	for range 5 { // the listings run at once: the order must not depend on it
		if diff := cmp.Diff(want, h.Plan(ctx, t, sp, false).Unmanaged); diff != "" {
			t.Fatalf("unmanaged (-want +got):\n%s", diff)
		}
	}

	h.Kinds[fakekind.Role] = failingListing{h.Fakes[fakekind.Role]}
	sp = h.Load(t, baseSpec, "")
	st, err := h.Store.Load(ctx)
	if err != nil {
		t.Fatal(err)
	}
	_, err = h.Engine.Plan(ctx, sp, st, reconcile.PlanOptions{})
	if err == nil || !strings.Contains(err.Error(), "cannot list fake.role resources named demo*") || !strings.Contains(err.Error(), "AccessDenied") {
		t.Errorf("a failed listing: Plan() = %v, want it to name the kind, the prefix and the cause", err)
	}
}

// TestApplyRefusesAnotherBasis: a plan is applied only to the spec and
// state it was made from.
func TestApplyRefusesAnotherBasis(t *testing.T) {
	ctx := t.Context()
	h := newHarness()
	sp := h.Load(t, baseSpec, "")
	p := h.Plan(ctx, t, sp, false)
	edited := h.Load(t, strings.Replace(baseSpec, "memory_size: 256", "memory_size: 512", 1), "")
	if _, err := h.Engine.Apply(ctx, p, edited, reconcile.NewState()); err == nil || !strings.Contains(err.Error(), "plan again") {
		t.Errorf("Apply() with an edited spec = %v, want a refusal", err)
	}
	moved := reconcile.NewState()
	moved.Serial = 7
	if _, err := h.Engine.Apply(ctx, p, sp, moved); err == nil || !strings.Contains(err.Error(), "plan again") {
		t.Errorf("Apply() with a state that moved on = %v, want a refusal", err)
	}
	if n := len(h.Cloud.IDs(fakekind.Role)); n != 0 {
		t.Errorf("a refused apply made %d roles", n)
	}
}

// TestNeighbours: a resource another stack's tag claims is never adopted
// or changed, and a data source is read, never written.
func TestNeighbours(t *testing.T) {
	ctx := t.Context()
	h := newHarness()
	h.Cloud.Put(fakekind.Role, "demo-role", map[string]any{"name": "demo-role", "tags": map[string]any{reconcile.TagStack: "demo/prod", reconcile.TagName: "role"}})
	p := h.Plan(ctx, t, h.Load(t, `project: demo
region: us-east-2
resources:
  role: {type: fake.role, properties: {name: demo-role}}
`, ""), false)
	if err := p.Err(); err == nil || !strings.Contains(err.Error(), "belongs to the stack demo/prod") || !strings.Contains(err.Error(), "data:") {
		t.Fatalf("plan error = %v, want one naming the owner and how to share", err)
	}
	if _, err := h.ApplyPlan(ctx, p); err == nil {
		t.Fatal("a plan touching another stack's resource was applied")
	}
	if got := h.Cloud.Get(fakekind.Role, "demo-role")["tags"]; !cmp.Equal(got, map[string]any{reconcile.TagStack: "demo/prod", reconcile.TagName: "role"}) {
		t.Errorf("the neighbour's tags are now %v", got)
	}

	data := `project: demo
region: us-east-2
data:
  shared: {type: fake.role, properties: {name: demo-role}}
resources:
  user: {type: fake.role, properties: {name: "${shared.name}-user"}}
`
	sp := h.Load(t, data, "")
	p, _ = h.Apply(ctx, t, sp, false)
	if c := p.Change("shared"); c == nil || !c.Data || c.Action != reconcile.NoOp {
		t.Errorf("data source change = %+v, want a no-op read", c)
	}
	if h.Cloud.Get(fakekind.Role, "demo-role-user") == nil {
		t.Error("a reference to a data source did not resolve")
	}
	st, _ := h.Store.Load(ctx)
	if _, ok := st.Resources["shared"]; ok {
		t.Error("the state records a data source")
	}
	h.Apply(ctx, t, sp, true)
	if h.Cloud.Get(fakekind.Role, "demo-role") == nil {
		t.Error("destroy deleted a data source")
	}
	h.Cloud.Remove(fakekind.Role, "demo-role")
	if err := h.Plan(ctx, t, sp, false).Err(); err == nil || !strings.Contains(err.Error(), "names nothing that exists") {
		t.Errorf("a missing data source: plan error = %v", err)
	}
}

// TestSkipUnmanaged: --skip-unmanaged leaves the report out and says so; a
// stray resource with the stack's prefix is reported only without it.
func TestSkipUnmanaged(t *testing.T) {
	ctx := t.Context()
	h := newHarness()
	h.Kinds[fakekind.Role] = fakekind.Listing{Kind: h.Fakes[fakekind.Role]}
	sp := h.Load(t, baseSpec, "")
	h.Apply(ctx, t, sp, false)
	h.Cloud.Put(fakekind.Role, "demo-stray", map[string]any{"name": "demo-stray"})
	p, err := h.PlanWith(ctx, sp, reconcile.PlanOptions{SkipUnmanaged: true})
	if err != nil {
		t.Fatal(err)
	}
	if !p.UnmanagedSkipped || len(p.Unmanaged) != 0 {
		t.Errorf("skipped plan: UnmanagedSkipped=%v Unmanaged=%v", p.UnmanagedSkipped, p.Unmanaged)
	}
	p = h.Plan(ctx, t, sp, false)
	if p.UnmanagedSkipped || len(p.Unmanaged) != 1 || p.Unmanaged[0].ID != "demo-stray" {
		t.Errorf("full plan: UnmanagedSkipped=%v Unmanaged=%v, want demo-stray", p.UnmanagedSkipped, p.Unmanaged)
	}
}
