package lambdapolicy_test

import (
	"context"
	"errors"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/trip-assistant/stack/reconcile"
	"github.com/trip-assistant/stack/reconcile/spec"
	"github.com/trip-assistant/stack/resources/internal/lambdapolicy"
	"github.com/trip-assistant/stack/resources/lambdaalias"
	"github.com/trip-assistant/stack/resources/lambdafn"
	"github.com/trip-assistant/stack/resources/lambdaperm"
)

// lambdaKinds are the three kinds reading policies, sharing one reader as
// kinds.All wires them.
type lambdaKinds struct {
	fn    *lambdafn.Kind
	alias *lambdaalias.Kind
	perm  *lambdaperm.Kind
}

func newKinds(a *account) lambdaKinds {
	r := lambdapolicy.NewWithAPI(a)
	return lambdaKinds{
		fn:    lambdafn.NewWithAPI(a, lambdafn.WithPolicies(r)),
		alias: lambdaalias.NewWithAPI(a, lambdaalias.WithPolicies(r)),
		perm:  lambdaperm.NewWithAPI(a, lambdaperm.WithPolicies(r)),
	}
}

// beginPlan does what the engine does before a plan: every kind hears it.
func (k lambdaKinds) beginPlan() {
	k.fn.BeginPlan()
	k.alias.BeginPlan()
	k.perm.BeginPlan()
}

// apiAccount holds function api with alias live.
func apiAccount() *account {
	a := newAccount()
	a.functions["api"] = true
	a.aliases["api:live"] = true
	return a
}

var ctx = context.Background()

func observe(t *testing.T, k reconcile.Kind, id string) reconcile.Observation {
	t.Helper()
	ob, err := k.Observe(ctx, reconcile.ObserveRequest{ID: id})
	if err != nil {
		t.Fatalf("observe %s %s: %v", k.Type(), id, err)
	}
	return ob
}

func permissions(t *testing.T, ob reconcile.Observation) []string {
	t.Helper()
	if !ob.Exists {
		t.Fatalf("%s does not exist", ob.ID)
	}
	return ob.Props.StringList("permissions")
}

func checkReads(t *testing.T, a *account, target string, want int) {
	t.Helper()
	if got := a.readsOf(target); got != want {
		t.Errorf("GetPolicy %s called %d times, want %d", target, got, want)
	}
}

// TestAliasAndItsPermissionShareARead: in spec.yaml the alias kind reads
// the policy of api:live, and the permission on it reads it again at a
// later level; in one plan that is one GetPolicy.
func TestAliasAndItsPermissionShareARead(t *testing.T) {
	a := apiAccount()
	a.grant("api", "live", "apigw")
	k := newKinds(a)
	k.beginPlan()

	if d := cmp.Diff([]string{"apigw"}, permissions(t, observe(t, k.alias, "api:live"))); d != "" {
		t.Errorf("alias permissions (-want +got):\n%s", d)
	}
	if !observe(t, k.perm, "api:live:apigw").Exists {
		t.Error("the permission on the alias is not seen")
	}
	checkReads(t, a, "api:live", 1)
}

// TestFunctionAndItsPermissionShareARead: the function's exclusive set and
// a permission without qualifier read the same unqualified policy.
func TestFunctionAndItsPermissionShareARead(t *testing.T) {
	a := apiAccount()
	a.grant("api", "", "invoke")
	k := newKinds(a)
	k.beginPlan()

	obs, err := k.fn.ObserveBatch(ctx, []reconcile.ObserveRequest{{ID: "api"}})
	if err != nil {
		t.Fatal(err)
	}
	if d := cmp.Diff([]string{"invoke"}, permissions(t, obs[0])); d != "" {
		t.Errorf("function permissions (-want +got):\n%s", d)
	}
	if !observe(t, k.perm, "api::invoke").Exists {
		t.Error("the permission on the function is not seen")
	}
	checkReads(t, a, "api", 1)
}

// TestNoPolicyIsSharedToo: "no policy" (ResourceNotFoundException) is an
// answer like a document: the permission missing from it is not read for
// again.
func TestNoPolicyIsSharedToo(t *testing.T) {
	a := apiAccount()
	k := newKinds(a)
	k.beginPlan()

	if got := permissions(t, observe(t, k.alias, "api:live")); len(got) != 0 {
		t.Errorf("alias permissions = %v, want none", got)
	}
	if observe(t, k.perm, "api:live:apigw").Exists {
		t.Error("a permission is seen in no policy")
	}
	checkReads(t, a, "api:live", 1)
}

// TestAFailedReadIsShared: the kinds of a plan report the one failure, not
// a call each.
func TestAFailedReadIsShared(t *testing.T) {
	a := apiAccount()
	a.policyErr = errors.New("AccessDeniedException: not allowed")
	k := newKinds(a)
	k.beginPlan()

	_, aliasErr := k.alias.Observe(ctx, reconcile.ObserveRequest{ID: "api:live"})
	_, permErr := k.perm.Observe(ctx, reconcile.ObserveRequest{ID: "api:live:apigw"})
	for name, err := range map[string]error{"alias": aliasErr, "permission": permErr} {
		if !errors.Is(err, a.policyErr) {
			t.Errorf("%s: error %v, want the GetPolicy error", name, err)
		}
	}
	checkReads(t, a, "api:live", 1)
}

// TestOutsideAPlanEveryObservationReads: kinds no engine told of a plan
// (used on their own) read the account as it is each time.
func TestOutsideAPlanEveryObservationReads(t *testing.T) {
	a := apiAccount()
	k := newKinds(a)
	observe(t, k.alias, "api:live")
	a.grant("api", "live", "apigw")
	if !observe(t, k.perm, "api:live:apigw").Exists {
		t.Error("a statement added since the alias was read is not seen")
	}
	checkReads(t, a, "api:live", 2)
}

// TestEachKindsBeginPlanReadsAgain: whichever kind hears BeginPlan, the
// next plan reads each policy again and sees a statement added by hand
// since the last one.
func TestEachKindsBeginPlanReadsAgain(t *testing.T) {
	for name, begin := range map[string]func(lambdaKinds){
		"lambda.function":   func(k lambdaKinds) { k.fn.BeginPlan() },
		"lambda.alias":      func(k lambdaKinds) { k.alias.BeginPlan() },
		"lambda.permission": func(k lambdaKinds) { k.perm.BeginPlan() },
	} {
		t.Run(name, func(t *testing.T) {
			a := apiAccount()
			k := newKinds(a)
			begin(k)
			if observe(t, k.perm, "api:live:apigw").Exists {
				t.Fatal("the statement exists before it is added")
			}
			a.grant("api", "live", "apigw")
			if observe(t, k.perm, "api:live:apigw").Exists {
				t.Error("within one plan the policy was read again (the statement added since shows)")
			}
			begin(k)
			if !observe(t, k.perm, "api:live:apigw").Exists {
				t.Error("the next plan does not see the statement added by hand")
			}
			checkReads(t, a, "api:live", 2)
		})
	}
}

// TestWritesAreSeenInTheSamePlanScope: after a kind adds or removes a
// statement, what it reports and every observation after it in the same
// plan scope (the engine does not observe between Apply's writes, but a
// caller may) show the policy as the write left it, not as the plan read
// it.
func TestWritesAreSeenInTheSamePlanScope(t *testing.T) {
	perm := spec.Props{"function_name": "api", "qualifier": "live", "statement_id": "apigw", "principal": "apigateway.amazonaws.com"}
	fnPerm := spec.Props{"function_name": "api", "statement_id": "invoke", "principal": "apigateway.amazonaws.com"}
	cases := map[string]struct {
		setup func(*account)
		write func(t *testing.T, k lambdaKinds) reconcile.Observation
		// want: the alias's and the function's statements afterwards.
		aliasWant, fnWant []string
	}{
		"permission added to the alias": {
			write: func(t *testing.T, k lambdaKinds) reconcile.Observation {
				ob, err := k.perm.Create(ctx, perm)
				if err != nil {
					t.Fatal(err)
				}
				return ob
			},
			aliasWant: []string{"apigw"}, fnWant: []string{},
		},
		"permission removed from the alias": {
			setup: func(a *account) { a.grant("api", "live", "apigw") },
			write: func(t *testing.T, k lambdaKinds) reconcile.Observation {
				if err := k.perm.Delete(ctx, "api:live:apigw"); err != nil {
					t.Fatal(err)
				}
				return reconcile.Observation{}
			},
			aliasWant: []string{}, fnWant: []string{},
		},
		"permission added to the function": {
			write: func(t *testing.T, k lambdaKinds) reconcile.Observation {
				ob, err := k.perm.Create(ctx, fnPerm)
				if err != nil {
					t.Fatal(err)
				}
				return ob
			},
			aliasWant: []string{}, fnWant: []string{"invoke"},
		},
		"undeclared statement removed by the alias": {
			setup: func(a *account) { a.grant("api", "live", "stray") },
			write: func(t *testing.T, k lambdaKinds) reconcile.Observation {
				live := observe(t, k.alias, "api:live")
				desired := spec.Props{"function_name": "api", "name": "live", "function_version": "1", "permissions": []any{}}
				ob, err := k.alias.Update(ctx, reconcile.UpdateRequest{ID: "api:live", Desired: desired, Live: live,
					Diff: reconcile.Diff{{Path: "permissions", Before: live.Props["permissions"], After: []any{}}}})
				if err != nil {
					t.Fatal(err)
				}
				return ob
			},
			aliasWant: []string{}, fnWant: []string{},
		},
		"undeclared statement removed by the function": {
			setup: func(a *account) { a.grant("api", "", "stray") },
			write: func(t *testing.T, k lambdaKinds) reconcile.Observation {
				live := observe(t, k.fn, "api")
				desired := spec.Props{"name": "api", "permissions": []any{}}
				ob, err := k.fn.Update(ctx, reconcile.UpdateRequest{ID: "api", Desired: desired, Live: live,
					Diff: reconcile.Diff{{Path: "permissions", Before: live.Props["permissions"], After: []any{}}}})
				if err != nil {
					t.Fatal(err)
				}
				// What Update reports is read after its write.
				if d := cmp.Diff([]string{}, permissions(t, ob)); d != "" {
					t.Errorf("Update reports permissions (-want +got):\n%s", d)
				}
				return ob
			},
			aliasWant: []string{}, fnWant: []string{},
		},
	}
	for name, c := range cases {
		t.Run(name, func(t *testing.T) {
			a := apiAccount()
			if c.setup != nil {
				c.setup(a)
			}
			k := newKinds(a)
			k.beginPlan()
			// The plan reads both policies first, as it does before applying.
			observe(t, k.alias, "api:live")
			observe(t, k.fn, "api")
			observe(t, k.perm, "api:live:apigw")
			observe(t, k.perm, "api::invoke")

			c.write(t, k)

			if d := cmp.Diff(c.aliasWant, permissions(t, observe(t, k.alias, "api:live"))); d != "" {
				t.Errorf("alias permissions after the write (-want +got):\n%s", d)
			}
			if d := cmp.Diff(c.fnWant, permissions(t, observe(t, k.fn, "api"))); d != "" {
				t.Errorf("function permissions after the write (-want +got):\n%s", d)
			}
			if got, want := observe(t, k.perm, "api:live:apigw").Exists, len(c.aliasWant) > 0; got != want {
				t.Errorf("permission on the alias exists = %v after the write, want %v", got, want)
			}
			if got, want := observe(t, k.perm, "api::invoke").Exists, len(c.fnWant) > 0; got != want {
				t.Errorf("permission on the function exists = %v after the write, want %v", got, want)
			}
		})
	}
}

// TestCreateConflictReadsAWS: a permission whose AddPermission finds the
// statement already there (added since the plan read the policy) is
// adopted from what AWS holds now, not replaced on the strength of the
// plan's read that had no such statement.
func TestCreateConflictReadsAWS(t *testing.T) {
	a := apiAccount()
	k := newKinds(a)
	k.beginPlan()
	if observe(t, k.perm, "api:live:apigw").Exists {
		t.Fatal("the statement exists before it is added")
	}
	a.grant("api", "live", "apigw")
	ob, err := k.perm.Create(ctx, spec.Props{"function_name": "api", "qualifier": "live", "statement_id": "apigw", "principal": "apigateway.amazonaws.com"})
	if err != nil {
		t.Fatal(err)
	}
	if !ob.Exists {
		t.Error("Create reports no statement")
	}
	checkReads(t, a, "api:live", 2) // the plan's, and Create's own after the conflict
}
