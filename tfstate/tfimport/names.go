package tfimport

import (
	"fmt"
	"strings"

	"github.com/trip-assistant/stack/tfstate"
)

// Names a module gives its only resource of a type, which say nothing on
// their own: the module's name says what the resource is for.
var generic = map[string]bool{"this": true, "main": true, "default": true, "primary": true, "current": true, "self": true, "resource": true}

// short names for Terraform types, to tell apart the resources of one
// module (module.agent_lambda's role, function and log group).
var typeWord = map[string]string{
	"aws_ssm_parameter":               "parameter",
	"aws_ecr_repository":              "repo",
	"aws_iam_role":                    "role",
	"aws_iam_role_policy":             "policy",
	"aws_cloudwatch_log_group":        "logs",
	"aws_lambda_function":             "function",
	"aws_lambda_alias":                "alias",
	"aws_lambda_permission":           "permission",
	"aws_apigatewayv2_api":            "api",
	"aws_apigatewayv2_integration":    "integration",
	"aws_apigatewayv2_route":          "route",
	"aws_apigatewayv2_stage":          "stage",
	"aws_iam_openid_connect_provider": "oidc",
}

// logicalNames gives each instance a spec name from its address, the
// shortest that is unique: the resource's own name, else prefixed by its
// module's, else with a word for its type, else with its whole path.
// A count or for_each key is part of every candidate.
func logicalNames(insts []*tfstate.Instance) []string {
	cands := make([][]string, len(insts))
	for i, inst := range insts {
		cands[i] = candidates(inst)
	}
	out := make([]string, len(insts))
	taken := map[string]bool{}
	for level := 0; ; level++ {
		count := map[string]int{}
		left := 0
		for i := range insts {
			if out[i] == "" {
				count[cands[i][min(level, len(cands[i])-1)]]++
				left++
			}
		}
		if left == 0 {
			return out
		}
		last := true
		for i := range insts {
			if out[i] != "" {
				continue
			}
			if level < len(cands[i])-1 {
				last = false
			}
			c := cands[i][min(level, len(cands[i])-1)]
			if count[c] == 1 && !taken[c] {
				out[i], taken[c] = c, true
			}
		}
		if last {
			// Even the whole path collides (it cannot within one state,
			// but sanitising may merge two): number what is left.
			for i := range insts {
				if out[i] == "" {
					base := cands[i][len(cands[i])-1]
					for n := 2; ; n++ {
						if c := fmt.Sprintf("%s_%d", base, n); !taken[c] {
							out[i], taken[c] = c, true
							break
						}
					}
				}
			}
			return out
		}
	}
}

func candidates(inst *tfstate.Instance) []string {
	key := ""
	switch k := inst.Key.(type) {
	case int64:
		// count = 1 ([0]) is how modules make a resource optional: the
		// index says nothing then. Other indexes are kept.
		if k != 0 {
			key = fmt.Sprint(k)
		}
	case string:
		key = k
	}
	var modules []string
	for _, part := range strings.Split(inst.Module, ".") {
		if part != "" && part != "module" {
			name, _, _ := strings.Cut(part, "[")
			modules = append(modules, name)
		}
	}
	mod := ""
	if len(modules) > 0 {
		mod = modules[len(modules)-1]
	}
	word := typeWord[inst.Type]
	if word == "" {
		word = inst.Type[strings.LastIndex(inst.Type, "_")+1:]
	}
	name := inst.Name
	// module.api_gateway's aws_lambda_permission.api_gateway: the name
	// repeats the module's and says no more than "this".
	isGeneric := generic[name] || sanitize(name) == sanitize(mod)
	var out []string
	add := func(parts ...string) {
		var keep []string
		for _, p := range parts {
			if p != "" {
				keep = append(keep, p)
			}
		}
		c := sanitize(strings.Join(keep, "_"))
		if c != "" && (len(out) == 0 || out[len(out)-1] != c) {
			out = append(out, c)
		}
	}
	// A for_each key usually says more than the resource's name
	// (aws_ecr_repository.this["agent"] is the agent's repository); a
	// count index says less.
	_, isString := inst.Key.(string)
	switch {
	case isGeneric && isString:
		add(key, word)
	case isGeneric:
		add(mod, key)
		add(mod, word, key)
	case isString:
		add(key, name)
		add(mod, key, name)
	default:
		add(name, key)
		add(mod, name, key)
	}
	add(mod, key, word, name)
	add(append(modules, key, word, name)...)
	return out
}

// sanitize makes a spec name: lowercase letters, digits and underscores,
// starting with a letter.
func sanitize(s string) string {
	var b strings.Builder
	for _, r := range strings.ToLower(s) {
		switch {
		case r >= 'a' && r <= 'z', r >= '0' && r <= '9':
			b.WriteRune(r)
		default:
			if b.Len() > 0 && !strings.HasSuffix(b.String(), "_") {
				b.WriteByte('_')
			}
		}
	}
	out := strings.TrimSuffix(b.String(), "_")
	if out != "" && (out[0] < 'a' || out[0] > 'z') {
		out = "r_" + out
	}
	return out
}
