package spec_test

import (
	"errors"
	"strconv"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/trip-assistant/stack/reconcile"
	"github.com/trip-assistant/stack/reconcile/internal/fakekind"
	"github.com/trip-assistant/stack/reconcile/spec"
)

// specErr is one expected error: where, which field, and a part of the
// message that a person needs to act on.
type specErr struct {
	Loc, Path, Msg string
}

func env(vars map[string]string) func(string) (string, bool) {
	return func(k string) (string, bool) {
		v, ok := vars[k]
		return v, ok
	}
}

func loadOpts(environment string, vars map[string]string) spec.LoadOptions {
	return spec.LoadOptions{Environment: environment, Types: reconcile.Schemas(fakekind.Registry(fakekind.NewCloud())), LookupEnv: env(vars)}
}

// got turns the loader's errors into specErrs, keeping want's message when
// it is part of the real one, so cmp shows only what is wrong.
func gotErrs(t *testing.T, err error, want []specErr) []specErr {
	t.Helper()
	var errs spec.Errors
	if !errors.As(err, &errs) {
		t.Fatalf("spec.Load() error = %v (%T), want SpecErrors", err, err)
	}
	var out []specErr
	for i, e := range errs {
		loc := e.File
		if e.Pos.Line > 0 {
			loc = e.File + ":" + strconv.Itoa(e.Pos.Line) + ":" + strconv.Itoa(e.Pos.Col)
		}
		got := specErr{Loc: loc, Path: e.Path, Msg: e.Msg}
		if i < len(want) && strings.Contains(e.Msg, want[i].Msg) {
			got.Msg = want[i].Msg
		}
		out = append(out, got)
	}
	return out
}

func TestLoadErrors(t *testing.T) {
	cases := map[string]struct {
		spec string
		env  string
		vars map[string]string
		want []specErr
	}{
		"unknown top-level field": {
			spec: `project: demo
region: us-east-2
regoin: us-east-1
resources: {}
`,
			want: []specErr{{"spec.yaml:3:1", "regoin", "unknown field (expected project, environment, region"}},
		},
		"unknown property with did you mean": {
			spec: `project: demo
region: us-east-2
resources:
  fn:
    type: fake.function
    properties:
      name: demo-fn
      role: arn
      memroy_size: 256
`,
			want: []specErr{{"spec.yaml:9:7", "resources.fn.properties.memroy_size", "unknown field (did you mean memory_size?)"}},
		},
		"wrong type": {
			spec: `project: demo
region: us-east-2
resources:
  fn:
    type: fake.function
    properties:
      name: demo-fn
      role: arn
      memory_size: lots
`,
			want: []specErr{{"spec.yaml:9:20", "resources.fn.properties.memory_size", `expected an integer, got "lots"`}},
		},
		"unknown reference with did you mean": {
			spec: `project: demo
region: us-east-2
resources:
  agent_role:
    type: fake.role
    properties:
      name: demo-role
  fn:
    type: fake.function
    properties:
      name: demo-fn
      role: ${agnet_role.arn}
`,
			want: []specErr{{"spec.yaml:12:13", "resources.fn.properties.role", `unknown reference ${agnet_role.arn}: no resource named "agnet_role" (did you mean agent_role?)`}},
		},
		"unknown attribute": {
			spec: `project: demo
region: us-east-2
resources:
  agent_role:
    type: fake.role
    properties:
      name: demo-role
  fn:
    type: fake.function
    properties:
      name: demo-fn
      role: ${agent_role.arm}
`,
			want: []specErr{{"spec.yaml:12:13", "resources.fn.properties.role", `has no attribute "arm"; it has arn, name (did you mean ${agent_role.arn}?)`}},
		},
		"cycle": {
			spec: `project: demo
region: us-east-2
resources:
  a:
    type: fake.function
    properties:
      name: demo-a
      role: ${b.arn}
  b:
    type: fake.function
    properties:
      name: demo-b
      role: ${a.arn}
`,
			want: []specErr{{"spec.yaml:4:3", "resources.a", "dependency cycle: a → b → a"}},
		},
		"name failing the field's check": {
			spec: `project: demo
region: us-east-2
resources:
  r:
    type: fake.role
    properties:
      name: "has spaces ${environment}"
`,
			want: []specErr{{"spec.yaml:7:13", "resources.r.properties.name", `must be 1 to 64 letters, digits and _+=,.@-, got "has spaces dev"`}},
		},
		"missing required": {
			spec: `project: demo
region: us-east-2
resources:
  fn:
    type: fake.function
    properties:
      name: demo-fn
`,
			want: []specErr{{"spec.yaml:4:3", "resources.fn.properties.role", "required field is missing"}},
		},
		"sensitive input in a non-sensitive field": {
			spec: `project: demo
region: us-east-2
inputs:
  key:
    env: KEY
    sensitive: true
resources:
  fn:
    type: fake.function
    properties:
      name: demo-fn
      role: arn
      environment:
        KEY: ${input.key}
`,
			vars: map[string]string{"KEY": "hunter2"},
			want: []specErr{{"spec.yaml:14:9", "resources.fn.properties.environment", "a sensitive input may only be used in a sensitive field"}},
		},
		"unknown environment": {
			spec: `project: demo
region: us-east-2
resources: {}
environments:
  dev:
  prod:
`,
			env:  "staging",
			want: []specErr{{"spec.yaml:5:3", "environments", `environment "staging" is not declared (declared: dev, prod)`}},
		},
		"override for an undeclared resource": {
			spec: `project: demo
region: us-east-2
resources: {}
environments:
  dev:
    resources:
      ghost:
        enabled: false
`,
			want: []specErr{{"spec.yaml:7:7", "environments.dev.resources.ghost", "override for a resource that is not declared"}},
		},
		"a bad override in prod fails a dev load": {
			spec: `project: demo
region: us-east-2
resources:
  fn:
    type: fake.function
    properties:
      name: demo-fn
      role: arn
environments:
  dev:
  prod:
    resources:
      ghost:
        enabled: false
      fn:
        properties:
          memroy_size: 1024
`,
			env: "dev",
			want: []specErr{
				{"spec.yaml:13:7", "environments.prod.resources.ghost", "override for a resource that is not declared in resources (in environment prod)"},
				{"spec.yaml:17:11", "resources.fn.properties.memroy_size", "unknown field (did you mean memory_size?)"},
			},
		},
		"a data source shares the resources' names": {
			spec: `project: demo
region: us-east-2
resources:
  fn:
    type: fake.function
    properties:
      name: demo-fn
      role: arn
data:
  fn:
    type: fake.role
`,
			want: []specErr{{"spec.yaml:10:3", "data.fn", "a resource of that name is already declared"}},
		},
		"bad yaml, a scanner error": {
			spec: "project: demo\nregion: us-east-2\nresources:\n\t- x\n",
			want: []specErr{{"spec.yaml:4:1", "", "found character that cannot start any token"}},
		},
		"bad yaml, a parser error": {
			spec: "project: demo\nregion: us-east-2\n- x\n",
			want: []specErr{{"spec.yaml:3:1", "", "did not find expected key"}},
		},
		"bad yaml": {
			spec: "project: demo\nregion: [us-east-2\nresources: {}\n",
			want: []specErr{{"spec.yaml:2:1", "", "did not find expected ',' or ']'"}},
		},
		"enum violation": {
			spec: `project: demo
region: us-east-2
resources:
  fn:
    type: fake.function
    properties:
      name: demo-fn
      role: arn
      runtime: nodejs
`,
			want: []specErr{{"spec.yaml:9:16", "resources.fn.properties.runtime", `expected one of provided.al2023, python3.12, got "nodejs"`}},
		},
		"unknown input": {
			spec: `project: demo
region: us-east-2
inputs:
  team: {env: TEAM, default: core}
resources:
  r:
    type: fake.role
    properties:
      name: demo-${input.taem}
`,
			want: []specErr{{"spec.yaml:9:13", "resources.r.properties.name", "unknown input ${input.taem} (did you mean ${input.team}?)"}},
		},
		"every error at once, in file order": {
			spec: `project: demo
region: us-east-2
resources:
  fn:
    type: fake.function
    properties:
      name: demo-fn
      memory_size: lots
      runtime: nodejs
      memroy: 1
  bad:
    type: fake.funtcion
`,
			want: []specErr{
				{"spec.yaml:4:3", "resources.fn.properties.role", "required field is missing"},
				{"spec.yaml:8:20", "resources.fn.properties.memory_size", "expected an integer"},
				{"spec.yaml:9:16", "resources.fn.properties.runtime", `expected one of provided.al2023, python3.12, got "nodejs"`},
				{"spec.yaml:10:7", "resources.fn.properties.memroy", "unknown field; fake.function has: config, environment, handlers, image, memory_size, name"},
				{"spec.yaml:12:11", "resources.bad.type", `unknown resource type "fake.funtcion" (did you mean fake.function?)`},
			},
		},
	}
	for name, tc := range cases {
		t.Run(name, func(t *testing.T) {
			_, err := spec.Load("spec.yaml", []byte(tc.spec), loadOpts(tc.env, tc.vars))
			if err == nil {
				t.Fatal("spec.Load() succeeded, want errors")
			}
			if diff := cmp.Diff(tc.want, gotErrs(t, err, tc.want)); diff != "" {
				t.Errorf("spec.Load() errors mismatch (-want +got):\n%s\nfull error:\n%v", diff, err)
			}
			lines := strings.Split(err.Error(), "\n")
			wantLast := strconv.Itoa(len(tc.want)) + " errors; nothing was sent to AWS."
			if len(tc.want) == 1 {
				wantLast = "1 error; nothing was sent to AWS."
			}
			if got := lines[len(lines)-1]; got != wantLast {
				t.Errorf("last line = %q, want %q", got, wantLast)
			}
			for _, l := range lines[:len(lines)-1] {
				if !strings.HasPrefix(l, "spec.yaml:") {
					t.Errorf("error line %q does not start with file:line:col", l)
				}
			}
		})
	}
}
