package deploy

import (
	"context"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/trip-assistant/stack/reconcile"
	"github.com/trip-assistant/stack/reconcile/spec"
)

// testSpec declares function api with alias api_live, function agent
// with two aliases, and function lone with none.
func testSpec() *spec.Spec {
	s := &spec.Spec{File: "spec.yaml", Project: "trip", Environment: "dev", Resources: map[string]*spec.Resource{}}
	add := func(name, typ string, deps ...string) {
		s.Order = append(s.Order, name)
		s.Resources[name] = &spec.Resource{Name: name, Type: typ, Deps: deps}
	}
	add("api", "lambda.function")
	add("api_live", "lambda.alias", "api")
	add("agent", "lambda.function")
	add("agent_live", "lambda.alias", "agent")
	add("agent_canary", "lambda.alias", "agent")
	add("lone", "lambda.function")
	add("api_repo", "ecr.repository")
	return s
}

func TestFindTarget(t *testing.T) {
	cases := map[string]struct {
		function string
		want     target
		wantErr  string
	}{
		"one alias":      {function: "api", want: target{fn: "api", alias: "api_live"}},
		"not a function": {function: "api_repo", wantErr: `"api_repo" is not a lambda.function of spec.yaml; --function takes one of: api, agent, lone`},
		"unknown":        {function: "nope", wantErr: `"nope" is not a lambda.function`},
		"no alias":       {function: "lone", wantErr: `function "lone" has no lambda.alias in spec.yaml`},
		"two aliases":    {function: "agent", wantErr: `function "agent" has several aliases in spec.yaml (agent_live, agent_canary)`},
	}
	for name, tc := range cases {
		t.Run(name, func(t *testing.T) {
			got, err := findTarget(testSpec(), tc.function)
			if tc.wantErr != "" {
				if err == nil || !strings.Contains(err.Error(), tc.wantErr) {
					t.Fatalf("error = %v, want one containing %q", err, tc.wantErr)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if diff := cmp.Diff(tc.want, got, cmp.AllowUnexported(target{})); diff != "" {
				t.Errorf("target (-want +got):\n%s", diff)
			}
		})
	}
}

// memStore serves one state and fails every other call.
type memStore struct {
	reconcile.StateStore
	state *reconcile.State
}

func (s memStore) Load(context.Context) (*reconcile.State, error) { return s.state.Clone(), nil }

func TestRunRefusesAnAliasIDItCannotRead(t *testing.T) {
	st := reconcile.NewState()
	st.Resources["api"] = reconcile.StateResource{Type: "lambda.function", ID: "trip-api-dev"}
	st.Resources["api_live"] = reconcile.StateResource{Type: "lambda.alias", ID: "live"}
	released := false
	d := &Deployer{
		Spec:  testSpec(),
		Store: memStore{state: st},
		// A nil Lambda client: any call would panic, none may be made.
		Lock: func(context.Context) (func(), error) { return func() { released = true }, nil },
	}
	err := d.Run(context.Background(), "api", "repo:v2")
	if err == nil || !strings.Contains(err.Error(), `the state records alias "api_live": invalid lambda alias id "live": want function:alias`) {
		t.Fatalf("error = %v, want one naming the alias and its id", err)
	}
	if !released {
		t.Error("the lock was not released")
	}
}
