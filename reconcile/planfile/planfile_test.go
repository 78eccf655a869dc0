package planfile_test

import (
	"bytes"
	"compress/gzip"
	"context"
	"errors"
	"fmt"
	"io"
	"reflect"
	"slices"
	"strings"
	"sync"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"

	"github.com/trip-assistant/stack/reconcile"
	"github.com/trip-assistant/stack/reconcile/internal/fakekind"
	"github.com/trip-assistant/stack/reconcile/planfile"
	"github.com/trip-assistant/stack/reconcile/spec"
)

// stackSpec: a role, a function using its ARN (unknown until the role
// exists), an alias following the function's version, and a secret from a
// sensitive input.
const stackSpec = `project: demo
region: us-east-2
inputs:
  token: {env: TOKEN, sensitive: true}
  zone: {env: ZONE, default: a}
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
      zone: ${input.zone}
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
outputs:
  role: ${role.arn}
`

const token = "hunter2-do-not-save"

func newHarness() *fakekind.Harness {
	h := fakekind.NewHarness()
	h.Env["TOKEN"] = token
	return h
}

// save plans sp against the stored state and returns the plan file's bytes.
func save(t *testing.T, h *fakekind.Harness, sp *spec.Spec) []byte {
	t.Helper()
	st, err := h.Store.Load(t.Context())
	if err != nil {
		t.Fatal(err)
	}
	p, err := h.Engine.Plan(t.Context(), sp, st, reconcile.PlanOptions{})
	if err != nil {
		t.Fatal(err)
	}
	var buf bytes.Buffer
	if err := planfile.Encode(&buf, planfile.New(p, sp, st, h.Engine, "test")); err != nil {
		t.Fatalf("Encode() = %v", err)
	}
	return buf.Bytes()
}

func decode(t *testing.T, b []byte) *planfile.File {
	t.Helper()
	f, err := planfile.Decode(bytes.NewReader(b))
	if err != nil {
		t.Fatalf("Decode() = %v", err)
	}
	return f
}

func gunzip(t *testing.T, b []byte) string {
	t.Helper()
	zr, err := gzip.NewReader(bytes.NewReader(b))
	if err != nil {
		t.Fatal(err)
	}
	out, err := io.ReadAll(zr)
	if err != nil {
		t.Fatal(err)
	}
	return string(out)
}

// TestRoundTrip: the decoded plan is the planned one, value types
// included (int64, Unknown, Secret), from an empty account and after an
// out-of-band change, and applying it converges.
func TestRoundTrip(t *testing.T) {
	ctx := t.Context()
	h := newHarness()
	sp := h.Load(t, stackSpec, "")
	for _, step := range []string{"from empty", "after an out-of-band change"} {
		t.Run(step, func(t *testing.T) {
			st, err := h.Store.Load(ctx)
			if err != nil {
				t.Fatal(err)
			}
			p, err := h.Engine.Plan(ctx, sp, st, reconcile.PlanOptions{})
			if err != nil {
				t.Fatal(err)
			}
			if !p.HasChanges() {
				t.Fatal("the plan has no changes: the test would prove nothing")
			}
			var buf bytes.Buffer
			if err := planfile.Encode(&buf, planfile.New(p, sp, st, h.Engine, "test")); err != nil {
				t.Fatal(err)
			}
			f := decode(t, buf.Bytes())
			if diff := cmp.Diff(p, f.Plan, cmpopts.EquateEmpty()); diff != "" {
				t.Fatalf("decoded plan (-planned +decoded):\n%s", diff)
			}
			if err := f.Check(ctx, h.Engine, sp, st); err != nil {
				t.Fatalf("Check() of an unchanged world = %v", err)
			}
			res, err := h.Engine.Apply(ctx, f.Plan, sp, st)
			if err != nil || res.Err() != nil {
				t.Fatalf("Apply(decoded) = %v, %v", err, res.Err())
			}
			if p := h.Plan(ctx, t, sp, false); p.HasChanges() {
				t.Errorf("after applying the decoded plan, the plan still has changes: %+v", p.Changes)
			}
			h.Cloud.Set(fakekind.Function, "demo-fn", "memory_size", int64(1024))
			h.Cloud.Set(fakekind.Secret, "demo-secret", "value", "changed-by-hand")
		})
	}
}

func TestNoSecretInTheFile(t *testing.T) {
	h := newHarness()
	sp := h.Load(t, stackSpec, "")
	h.Apply(t.Context(), t, sp, false)
	h.Cloud.Set(fakekind.Secret, "demo-secret", "value", "rotated-by-hand-secret")
	body := gunzip(t, save(t, h, sp))
	for _, s := range []string{token, "rotated-by-hand-secret"} {
		if strings.Contains(body, s) {
			t.Errorf("the plan file holds a secret value %q:\n%s", s, body)
		}
	}
	if !strings.Contains(body, reconcile.SecretDigest(token)) {
		t.Errorf("the plan file lacks the secret's digest, which apply checks the input against:\n%s", body)
	}
}

// TestEncodeRefusesASecret: were a plan ever to hold a sensitive input's
// value (a kind reporting it as an attribute), it is not written.
func TestEncodeRefusesASecret(t *testing.T) {
	h := newHarness()
	sp := h.Load(t, stackSpec, "")
	h.Apply(t.Context(), t, sp, false)
	st, _ := h.Store.Load(t.Context())
	p := h.Plan(t.Context(), t, sp, false)
	p.Change("secret").Live.Attrs = map[string]string{"leak": "x" + token + "y"}
	err := planfile.Encode(io.Discard, planfile.New(p, sp, st, h.Engine, "test"))
	if err == nil || !strings.Contains(err.Error(), "sensitive input token") {
		t.Fatalf("Encode() = %v, want a refusal naming the input", err)
	}
}

func TestCheckNamesWhatMoved(t *testing.T) {
	cases := map[string]struct {
		spec  string            // the spec at apply time; stackSpec when empty
		env   map[string]string // inputs at apply time, over the planned ones
		world func(t *testing.T, h *fakekind.Harness, sp *spec.Spec)
		want  []string
	}{
		"spec edited": {
			spec: strings.Replace(stackSpec, "memory_size: 256", "memory_size: 512", 1),
			want: []string{"spec.yaml changed (resources changed: fn)"},
		},
		"resource added to the spec": {
			spec: strings.Replace(stackSpec, "outputs:", "  extra:\n    type: fake.role\n    properties:\n      name: demo-extra\noutputs:", 1),
			want: []string{"spec.yaml changed (resources added: extra)"},
		},
		"output edited": {
			spec: strings.Replace(stackSpec, "outputs:\n  role: ${role.arn}", "outputs:\n  role: ${role.name}", 1),
			want: []string{"spec.yaml changed (no resource's properties: outputs, inputs' declarations or layout)"},
		},
		"secret input changed": {
			env:  map[string]string{"TOKEN": "another"},
			want: []string{"input token ($TOKEN) has another value than the one planned with"},
		},
		"plain input set": {
			env: map[string]string{"ZONE": "b"},
			want: []string{
				"input zone ($ZONE) has another value than the one planned with",
			},
		},
		"state moved on": {
			world: func(t *testing.T, h *fakekind.Harness, sp *spec.Spec) {
				h.Apply(t.Context(), t, sp, false)
			},
			want: []string{"the state moved on from serial {planned} to {now}"},
		},
		"changed out of band": {
			world: func(_ *testing.T, h *fakekind.Harness, _ *spec.Spec) {
				h.Cloud.Set(fakekind.Function, "demo-fn", "memory_size", int64(2048))
			},
			want: []string{"fn (fake.function demo-fn) changed in AWS: memory_size"},
		},
		"secret changed out of band": {
			world: func(_ *testing.T, h *fakekind.Harness, _ *spec.Spec) {
				h.Cloud.Set(fakekind.Secret, "demo-secret", "value", "by hand")
			},
			want: []string{"secret (fake.secret demo-secret) changed in AWS: value"},
		},
		"deleted out of band": {
			world: func(_ *testing.T, h *fakekind.Harness, _ *spec.Spec) { h.Cloud.Remove(fakekind.Role, "demo-role") },
			want:  []string{"role (fake.role demo-role) was deleted in AWS"},
		},
	}
	for name, tc := range cases {
		t.Run(name, func(t *testing.T) {
			ctx := t.Context()
			h := newHarness()
			sp := h.Load(t, stackSpec, "")
			h.Apply(ctx, t, sp, false)
			// An out-of-band change, so the saved plan has work to do.
			h.Cloud.Set(fakekind.Function, "demo-fn", "memory_size", int64(1024))
			f := decode(t, save(t, h, sp))
			planned := f.Basis.StateSerial
			if tc.world != nil {
				tc.world(t, h, sp)
			}
			for k, v := range tc.env {
				h.Env[k] = v
			}
			text := tc.spec
			if text == "" {
				text = stackSpec
			}
			now := h.Load(t, text, "")
			st, err := h.Store.Load(ctx)
			if err != nil {
				t.Fatal(err)
			}
			h.Cloud.ResetOps()
			err = f.Check(ctx, h.Engine, now, st)
			var stale *planfile.StaleError
			if !errors.As(err, &stale) {
				t.Fatalf("Check() = %v, want a *StaleError", err)
			}
			got := stale.Moved
			// The state case also moved the function back: both are named.
			if name == "state moved on" {
				got = got[:1]
			}
			for i := range got {
				got[i], _, _ = strings.Cut(got[i], " (written at")
			}
			want := make([]string, len(tc.want))
			for i, w := range tc.want {
				want[i] = strings.NewReplacer("{planned}", fmt.Sprint(planned), "{now}", fmt.Sprint(st.Serial)).Replace(w)
			}
			if diff := cmp.Diff(want, got); diff != "" {
				t.Errorf("moved (-want +got):\n%s\nerror:\n%v", diff, err)
			}
			if ops := h.Cloud.Ops(); len(ops) > 0 {
				t.Errorf("Check() wrote to the cloud: %v", ops)
			}
		})
	}
}

func TestDecodeErrors(t *testing.T) {
	gz := func(s string) []byte {
		var b bytes.Buffer
		zw := gzip.NewWriter(&b)
		_, _ = zw.Write([]byte(s))
		_ = zw.Close()
		return b.Bytes()
	}
	cases := map[string]struct {
		in   []byte
		want string
	}{
		"a text file":      {[]byte("# Plan: 1 to add, 0 to change, 0 to destroy.\n"), "not a saved plan (reconcile plan --out writes one): gzip: invalid header"},
		"truncated":        {gz(`{"format":"reconcile-plan"`)[:20], "the saved plan is damaged: unexpected EOF"},
		"not JSON":         {gz("plan"), "the saved plan is damaged: invalid character 'p' looking for beginning of value"},
		"another format":   {gz(`{"format":"terraform"}`), `not a saved plan: its format is "terraform", not "reconcile-plan"`},
		"a newer version":  {gz(`{"format":"reconcile-plan","format_version":2,"tool_version":"v9"}`), "the saved plan is in format version 2 (written by reconcile v9); this reconcile reads version 1: apply it with the reconcile that made it, or plan again"},
		"an unknown field": {gz(`{"format":"reconcile-plan","format_version":1,"plan":{"shrubbery":["x"]}}`), `the saved plan is damaged: json: unknown field "shrubbery"`},
		"a bad value":      {gz(`{"format":"reconcile-plan","format_version":1,"plan":{"changes":[{"name":"x","desired":{"a":{"t":"int64","v":"7"}},"live":{}}]}}`), "the saved plan is damaged: x.desired.a: a int64 value: json: cannot unmarshal string into Go value of type int64"},
	}
	for name, tc := range cases {
		t.Run(name, func(t *testing.T) {
			_, err := planfile.Decode(bytes.NewReader(tc.in))
			if err == nil || err.Error() != tc.want {
				t.Errorf("Decode() = %v\nwant %s", err, tc.want)
			}
		})
	}
}

func TestValueTypesRoundTrip(t *testing.T) {
	props := spec.Props{
		"s": "text", "i": int64(7), "n": 3, "f": 1.5, "b": true, "null": nil,
		"list": []any{"a", int64(1), map[string]any{"k": "v"}}, "strings": []string{"x"},
		"map": map[string]any{"deep": []any{spec.Unknown{Ref: "${a.b}"}}}, "strmap": map[string]string{"k": "v"},
		"props": spec.Props{"x": reconcile.Secret{Digest: "sha256:00"}}, "unknown": spec.Unknown{Ref: "${r.arn}"},
		"secret": reconcile.Secret{Digest: reconcile.SecretDigest("v")}, "empty": []any{},
	}
	p := &reconcile.Plan{FormatVersion: reconcile.FormatVersion, Stack: "demo/dev", Outputs: map[string]any{},
		Targets: []string{"x"}, Excluded: []string{"z"},
		Changes: []*reconcile.Change{{Name: "x", Type: "fake.role", Action: reconcile.Update, Desired: props, MovedFrom: "old_x", NotCompared: []reconcile.NotCompared{{Path: "value", Reason: "TOKEN unset"}}, Data: true, Deps: []string{"y"}, Protect: true, StateStale: true, InSpec: true, Class: reconcile.SpecChanged, ID: "x-id",
			Live: reconcile.Observation{Exists: true, ID: "x", Props: props, Attrs: map[string]string{"arn": "a"}},
			Diff: reconcile.Diff{{Path: "i", Before: int64(1), After: spec.Unknown{Ref: "${r.arn}"}}}}}}
	// Every field of the change is set: one added to reconcile.Change that
	// the file does not carry fails here, not in an apply.
	cv := reflect.ValueOf(*p.Changes[0])
	for i := range cv.NumField() {
		if cv.Field(i).IsZero() {
			t.Errorf("the test's change leaves %s unset: set it, and carry it in the plan file", cv.Type().Field(i).Name)
		}
	}
	var buf bytes.Buffer
	if err := planfile.Encode(&buf, &planfile.File{Plan: p}); err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff(p, decode(t, buf.Bytes()).Plan); diff != "" {
		t.Errorf("(-want +got):\n%s", diff)
	}
	p.Changes[0].Desired = spec.Props{"odd": int32(1)}
	if err := planfile.Encode(io.Discard, &planfile.File{Plan: p}); err == nil || err.Error() != "cannot save the plan: x.desired.odd: a value of type int32 cannot be saved in a plan file" {
		t.Errorf("Encode(int32) = %v", err)
	}
}

// TestReobserveAsksWhatPlanAsked: the check reads every resource with the
// very request the plan made (id, desired props, ignored fields), so a
// kind reads the same fields and an unchanged resource digests the same.
// A field added to ObserveRequest that Reobserve does not fill fails here.
func TestReobserveAsksWhatPlanAsked(t *testing.T) {
	ctx := t.Context()
	h := newHarness()
	text := strings.Replace(stackSpec, "      zone: ${input.zone}\n", "      zone: ${input.zone}\n    ignore: [zone]\n", 1)
	sp := h.Load(t, text, "")
	h.Apply(ctx, t, sp, false)
	h.Cloud.Set(fakekind.Function, "demo-fn", "memory_size", int64(1024))
	var mu sync.Mutex
	asked := map[string][]reconcile.ObserveRequest{}
	record := func(phase string) {
		for _, k := range h.Fakes {
			k.OnObserve = func(_ context.Context, req reconcile.ObserveRequest) error {
				mu.Lock()
				defer mu.Unlock()
				asked[phase] = append(asked[phase], req)
				return nil
			}
		}
	}
	record("plan")
	st, err := h.Store.Load(ctx)
	if err != nil {
		t.Fatal(err)
	}
	p, err := h.Engine.Plan(ctx, sp, st, reconcile.PlanOptions{})
	if err != nil {
		t.Fatal(err)
	}
	record("check")
	if _, err := h.Engine.Reobserve(ctx, p, sp, st); err != nil {
		t.Fatal(err)
	}
	if len(asked["plan"]) == 0 || !slices.ContainsFunc(asked["plan"], func(r reconcile.ObserveRequest) bool { return len(r.Ignore) > 0 }) {
		t.Fatalf("the plan asked %v: the test would prove nothing", asked["plan"])
	}
	byName := cmpopts.SortSlices(func(a, b reconcile.ObserveRequest) bool { return a.Name < b.Name })
	// Plan asks before it redacts; the check asks with the plan's redacted
	// props: the secret's value is its digest there, which no kind needs.
	redacted := cmpopts.IgnoreMapEntries(func(k string, _ any) bool { return k == "value" })
	if diff := cmp.Diff(asked["plan"], asked["check"], byName, redacted); diff != "" {
		t.Errorf("requests (-plan +check):\n%s", diff)
	}
}
