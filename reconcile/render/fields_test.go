package render_test

import (
	"bytes"
	"strings"
	"testing"

	"github.com/trip-assistant/stack/reconcile"
	"github.com/trip-assistant/stack/reconcile/internal/fakekind"
	"github.com/trip-assistant/stack/reconcile/render"
)

const fieldsBefore = `project: demo
region: us-east-2
inputs:
  token: {env: TOKEN, sensitive: true}
resources:
  role:
    type: fake.role
    properties:
      name: demo-role
      policy:
        Version: "2012-10-17"
        Statement:
          - {Sid: Logs, Effect: Allow, Action: ["logs:CreateLogStream", "logs:PutLogEvents"], Resource: "arn:aws:logs:us-east-2:123456789012:log-group:/demo:*"}
          - {Sid: Read, Effect: Allow, Action: "s3:GetObject", Resource: "arn:aws:s3:::demo-bucket/*"}
  fn2:
    type: fake.function
    properties:
      name: demo-fn2
      role: ${role.arn}
      zone: a
`

// fieldsPlan plans, against an applied stack, a create whose values come
// from the spec, an input secret and a resource made in the same apply; an
// update that changes one statement of a policy; and a replace.
func fieldsPlan(t *testing.T) *reconcile.Plan {
	t.Helper()
	ctx := t.Context()
	h := fakekind.NewHarness()
	h.Env["TOKEN"] = secretValue
	h.Apply(ctx, t, h.Load(t, fieldsBefore, ""), false)

	after := strings.Replace(fieldsBefore, "arn:aws:s3:::demo-bucket/*", "arn:aws:s3:::demo-bucket/trips/*", 1)
	after = strings.Replace(after, "zone: a", "zone: b", 1)
	after += `  agent_role:
    type: fake.role
    properties:
      name: demo-agent-role
  agent:
    type: fake.function
    properties:
      name: demo-agent
      role: ${agent_role.arn}
      memory_size: 512
      token: ${input.token}
      environment:
        MODEL: gpt-4o-mini
        TABLE: demo-trips
      config: {timeout: 30, mode: fast}
`
	return h.Plan(ctx, t, h.Load(t, after, ""), false)
}

func TestGoldenFields(t *testing.T) {
	p := fieldsPlan(t)
	cases := map[string]struct {
		file   string
		render func(*bytes.Buffer)
	}{
		"text":     {"fields.golden", func(b *bytes.Buffer) { render.Text(b, p, render.Style{}) }},
		"markdown": {"fields.md.golden", func(b *bytes.Buffer) { render.Markdown(b, p) }},
		"json": {"fields.json.golden", func(b *bytes.Buffer) {
			if err := render.JSON(b, render.NewDocument(p, nil, nil)); err != nil {
				t.Fatal(err)
			}
		}},
	}
	for name, tc := range cases {
		t.Run(name, func(t *testing.T) {
			var b bytes.Buffer
			tc.render(&b)
			golden(t, tc.file, b.Bytes())
			for _, secret := range []string{secretValue, reconcile.SecretDigest(secretValue)} {
				if strings.Contains(b.String(), secret) {
					t.Errorf("%s shows %q", name, secret)
				}
			}
		})
	}
}
