package spec_test

import (
	"os"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"

	"github.com/trip-assistant/stack/reconcile"
	"github.com/trip-assistant/stack/reconcile/internal/fakekind"
	"github.com/trip-assistant/stack/reconcile/spec"
)

func TestLoadGood(t *testing.T) {
	data, err := os.ReadFile("testdata/good.yaml")
	if err != nil {
		t.Fatal(err)
	}
	type summary struct {
		Environment, Region string
		Order               []string
		AgentMemory         any
		AgentDeps           []string
		Inputs              map[string]spec.Input
	}
	cases := map[string]struct {
		env  string
		vars map[string]string
		want summary
	}{
		"dev takes the defaults": {
			vars: map[string]string{"TEST_API_TOKEN": "s3cret"},
			want: summary{
				Environment: "dev", Region: "us-east-2",
				Order:       []string{"agent_role", "agent", "agent_live", "debug"},
				AgentMemory: int64(512), AgentDeps: []string{"agent_role"},
				Inputs: map[string]spec.Input{
					"api_token": {Name: "api_token", Env: "TEST_API_TOKEN", Sensitive: true, Value: "s3cret", Set: true},
					"team":      {Name: "team", Env: "TEST_TEAM", Value: "core", Set: true},
				},
			},
		},
		"prod overrides region and a property, and disables a resource": {
			env:  "prod",
			vars: map[string]string{"TEST_API_TOKEN": "s3cret", "TEST_TEAM": "platform"},
			want: summary{
				Environment: "prod", Region: "eu-west-1",
				Order:       []string{"agent_role", "agent", "agent_live"},
				AgentMemory: int64(1024), AgentDeps: []string{"agent_role"},
				Inputs: map[string]spec.Input{
					"api_token": {Name: "api_token", Env: "TEST_API_TOKEN", Sensitive: true, Value: "s3cret", Set: true},
					"team":      {Name: "team", Env: "TEST_TEAM", Value: "platform", Set: true},
				},
			},
		},
	}
	for name, tc := range cases {
		t.Run(name, func(t *testing.T) {
			s, err := spec.Load("good.yaml", data, loadOpts(tc.env, tc.vars))
			if err != nil {
				t.Fatalf("spec.Load() = %v", err)
			}
			got := summary{
				Environment: s.Environment, Region: s.Region, Order: s.Order,
				AgentMemory: s.Resources["agent"].Props["memory_size"], AgentDeps: s.Resources["agent"].Deps,
				Inputs: s.Inputs,
			}
			if diff := cmp.Diff(tc.want, got, ignoreInputPos); diff != "" {
				t.Errorf("spec.Load() mismatch (-want +got):\n%s", diff)
			}
		})
	}
}

// TestLoadInterpolation checks what templates resolve to in a plan: the
// stack's own values, inputs, and "$${" as a literal.
func TestLoadInterpolation(t *testing.T) {
	sp := `project: demo
region: us-east-2
inputs:
  team: {env: TEAM}
resources:
  r:
    type: fake.role
    properties:
      name: ${project}-r-${environment}
      tags:
        where: "${region}"
        team: "${input.team}"
        literal: "$${not.a_ref} and $${project}"
`
	cases := map[string]struct {
		env  string
		want map[string]any
	}{
		"dev": {want: map[string]any{"name": "demo-r-dev", "tags": map[string]any{
			"where": "us-east-2", "team": "core", "literal": "${not.a_ref} and ${project}",
			reconcile.TagStack: "demo/dev", reconcile.TagName: "r",
		}}},
		"prod": {env: "prod", want: map[string]any{"name": "demo-r-prod", "tags": map[string]any{
			"where": "us-east-2", "team": "core", "literal": "${not.a_ref} and ${project}",
			reconcile.TagStack: "demo/prod", reconcile.TagName: "r",
		}}},
	}
	for name, tc := range cases {
		t.Run(name, func(t *testing.T) {
			h := fakekind.NewHarness()
			h.Env["TEAM"] = "core"
			h.Apply(t.Context(), t, h.Load(t, sp, tc.env), false)
			got := h.Cloud.Get("fake.role", tc.want["name"].(string))
			if diff := cmp.Diff(tc.want, got); diff != "" {
				t.Errorf("created props mismatch (-want +got):\n%s", diff)
			}
		})
	}
}

func TestLoadInputs(t *testing.T) {
	sp := `project: demo
region: us-east-2
inputs:
  used: {env: USED}
  unused: {env: UNUSED}
resources:
  r:
    type: fake.role
    properties:
      name: demo-${input.used}
`
	cases := map[string]struct {
		vars    map[string]string
		wantErr string
		want    map[string]spec.Input
	}{
		"set, and an unset input nothing uses": {
			vars: map[string]string{"USED": "a"},
			want: map[string]spec.Input{
				"used":   {Name: "used", Env: "USED", Value: "a", Set: true},
				"unused": {Name: "unused", Env: "UNUSED"},
			},
		},
		"an unset input is an error where it is used": {
			wantErr: "spec.yaml:10:13: resources.r.properties.name: ${input.used} needs the environment variable USED, which is not set\n1 error; nothing was sent to AWS.",
		},
	}
	for name, tc := range cases {
		t.Run(name, func(t *testing.T) {
			s, err := spec.Load("spec.yaml", []byte(sp), loadOpts("", tc.vars))
			if tc.wantErr != "" {
				if err == nil || err.Error() != tc.wantErr {
					t.Fatalf("spec.Load() error = %v, want %q", err, tc.wantErr)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if diff := cmp.Diff(tc.want, s.Inputs, ignoreInputPos); diff != "" {
				t.Errorf("inputs mismatch (-want +got):\n%s", diff)
			}
		})
	}
}

var ignoreInputPos = cmpopts.IgnoreFields(spec.Input{}, "Pos")
