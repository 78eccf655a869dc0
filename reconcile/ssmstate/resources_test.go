package ssmstate

import (
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"time"

	"github.com/trip-assistant/stack/reconcile"
)

// realisticState returns n resources shaped like the stack's: ARNs of about
// 90 characters, sha256 digests, dependencies, a few extras.
func realisticState(n int) *reconcile.State {
	st := reconcile.NewState()
	st.Serial = 42
	st.SpecDigest = digestOf("spec")
	st.ToolVersion = "v0.3.1-dev+4904e97"
	st.Time = time.Date(2026, 3, 14, 10, 42, 7, 0, time.UTC)
	for i := range n {
		name, r := realisticResource(i)
		st.Resources[name] = r
	}
	return st
}

func realisticResource(i int) (string, reconcile.StateResource) {
	const acct, region = "123456789012", "us-east-2"
	var name string
	var r reconcile.StateResource
	switch i % 5 {
	case 0:
		name = fmt.Sprintf("agent_fn_%03d", i)
		r = reconcile.StateResource{Type: "lambda.function",
			ID:   fmt.Sprintf("arn:aws:lambda:%s:%s:function:trip-assistant-agent-worker-%03d-dev", region, acct, i),
			Deps: []string{fmt.Sprintf("agent_role_%03d", i+1), fmt.Sprintf("agent_logs_%03d", i+2)},
			Extra: map[string]string{
				"image":   fmt.Sprintf("%s.dkr.ecr.%s.amazonaws.com/trip-assistant-agent@sha256:%s", acct, region, digestOf(fmt.Sprint("img", i))[7:]),
				"version": fmt.Sprint(i % 17),
			}}
	case 1:
		name = fmt.Sprintf("agent_role_%03d", i)
		r = reconcile.StateResource{Type: "iam.role",
			ID: fmt.Sprintf("arn:aws:iam::%s:role/trip-assistant/trip-assistant-agent-execution-role-%03d-dev", acct, i)}
	case 2:
		name = fmt.Sprintf("agent_logs_%03d", i)
		r = reconcile.StateResource{Type: "logs.log_group",
			ID: fmt.Sprintf("arn:aws:logs:%s:%s:log-group:/aws/lambda/trip-assistant-agent-worker-%03d-dev", region, acct, i), Protect: i%4 == 0}
	case 3:
		name = fmt.Sprintf("api_route_%03d", i)
		r = reconcile.StateResource{Type: "apigatewayv2.route",
			ID:   fmt.Sprintf("arn:aws:apigateway:%s::/apis/a1b2c3d4e5/routes/r%06d-%s", region, i*7919%1000000, "trips"),
			Deps: []string{fmt.Sprintf("agent_fn_%03d", i-3)}}
	default:
		name = fmt.Sprintf("config_param_%03d", i)
		r = reconcile.StateResource{Type: "ssm.parameter",
			ID: fmt.Sprintf("arn:aws:ssm:%s:%s:parameter/trip-assistant/dev/agent/worker-%03d/openai-model", region, acct, i)}
	}
	r.Digest = digestOf(name)
	return name, r
}

func digestOf(s string) string {
	sum := sha256.Sum256([]byte(s))
	return "sha256:" + hex.EncodeToString(sum[:])
}
