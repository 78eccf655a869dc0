package spec_test

import (
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/trip-assistant/stack/reconcile/spec"
)

// laughs returns YAML anchors a0..a(depth-1), each a list of nine of the
// one before: a few hundred bytes that stand for 9^depth strings.
func laughs(depth int) string {
	var b strings.Builder
	b.WriteString("x0: &a0 [lol, lol, lol, lol, lol, lol, lol, lol, lol]\n")
	for i := 1; i < depth; i++ {
		p := fmt.Sprintf("*a%d", i-1)
		fmt.Fprintf(&b, "x%d: &a%d [%s]\n", i, i, strings.Join([]string{p, p, p, p, p, p, p, p, p}, ", "))
	}
	return b.String()
}

func indent(s, by string) string {
	return by + strings.ReplaceAll(strings.TrimSuffix(s, "\n"), "\n", "\n"+by) + "\n"
}

// TestLoadExpandingAnchors: nested anchors neither hang nor exhaust memory.
func TestLoadExpandingAnchors(t *testing.T) {
	cases := map[string]struct {
		spec string
		want string
	}{
		"in a document": {
			spec: "project: demo\nregion: us-east-2\ninputs:\n  junk:\n    env: JUNK\n    default: x\n" +
				"resources:\n  r:\n    type: fake.role\n    properties:\n      name: demo-r\n      policy:\n" + indent(laughs(10), "        ") +
				"        all: *a9\n",
			want: "the document holds more than 100000 values once its anchors are expanded",
		},
		"in an anchored resource an environment overrides": {
			spec: "project: demo\nregion: us-east-2\nresources:\n  r: &r\n    type: fake.role\n    properties:\n      name: demo-r\n      policy:\n" +
				indent(laughs(10), "        ") + "        all: *a9\n  s: *r\n" +
				"environments:\n  dev:\n    resources:\n      s:\n        properties:\n          name: demo-s\n",
			want: "the document holds more than 100000 values once its anchors are expanded",
		},
	}
	for name, tc := range cases {
		t.Run(name, func(t *testing.T) {
			start := time.Now()
			_, err := spec.Load("spec.yaml", []byte(tc.spec), loadOpts("", nil))
			if took := time.Since(start); took > 2*time.Second {
				t.Errorf("spec.Load() took %v", took)
			}
			if err == nil || !strings.Contains(err.Error(), tc.want) {
				t.Errorf("spec.Load() = %v, want an error containing %q", err, tc.want)
			}
		})
	}
}
