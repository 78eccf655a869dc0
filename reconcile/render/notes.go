package render

import (
	"fmt"
	"strings"

	"github.com/trip-assistant/stack/reconcile"
)

// ScopeLine says what a targeted plan covers and leaves out, "" for a plan
// of the whole stack.
func ScopeLine(p *reconcile.Plan) string {
	if len(p.Targets) == 0 {
		return ""
	}
	line := "Targeted plan (--target " + strings.Join(p.Targets, ", --target ") + "): "
	if len(p.Excluded) == 0 {
		return line + "it covers every resource."
	}
	return line + fmt.Sprintf("%d resource(s) left out, neither read nor changed: %s. The plan may be incomplete; plan without --target to see everything.",
		len(p.Excluded), strings.Join(p.Excluded, ", "))
}

// NotComparedLines names every field the plan did not compare, and why:
// "ssm.parameter openai_key  value: not compared (OPENAI_API_KEY unset)".
func NotComparedLines(p *reconcile.Plan) []string {
	var out []string
	for _, c := range p.Changes {
		for _, n := range c.NotCompared {
			out = append(out, fmt.Sprintf("%s %s  %s: %s", c.Type, c.Name, n.Path, n))
		}
	}
	return out
}
