package fakekind

import (
	"fmt"
	"strings"
)

// GenerateSpec writes a spec of n resources of the Registry kinds, in
// groups of five: a role, then four functions that use the role's ARN and
// each reference the previous one, so the graph is five levels deep and
// wide. Names are "<project>-<logical>-<environment>".
func GenerateSpec(n int) []byte {
	var b strings.Builder
	b.WriteString("project: bench\nregion: us-east-2\nresources:\n")
	for i := range n {
		if i%5 == 0 {
			fmt.Fprintf(&b, "  r%d:\n    type: %s\n    properties:\n", i, Role)
			fmt.Fprintf(&b, "      name: ${project}-r%d-${environment}\n", i)
			b.WriteString("      tags: {team: bench}\n")
			b.WriteString("      policy:\n        Version: \"2012-10-17\"\n        Statement:\n")
			b.WriteString("          - {Effect: Allow, Action: [\"logs:PutLogEvents\"], Resource: \"*\"}\n")
			continue
		}
		fmt.Fprintf(&b, "  f%d:\n    type: %s\n    properties:\n", i, Function)
		fmt.Fprintf(&b, "      name: ${project}-f%d-${environment}\n", i)
		fmt.Fprintf(&b, "      role: ${r%d.arn}\n", i-i%5)
		fmt.Fprintf(&b, "      memory_size: %d\n", 128+64*(i%8))
		b.WriteString("      handlers: [a, b, c]\n")
		b.WriteString("      config: {timeout: 30, mode: fast}\n")
		if i%5 > 1 {
			fmt.Fprintf(&b, "      environment: {PREV: \"${f%d.arn}\", STAGE: \"${environment}\"}\n", i-1)
		}
	}
	return []byte(b.String())
}
