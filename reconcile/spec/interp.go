package spec

import (
	"fmt"
	"sort"
	"strings"
)

// A template is a string that may hold ${...} expressions:
//
//	${project} ${environment} ${region}   the stack's own values
//	${account_id}                          the AWS account, asked of STS once
//	${input.NAME}                          an input (environment variable)
//	${RESOURCE.ATTR}                       an attribute of another resource
//
// "$${" writes a literal "${".

// ref is one ${...} expression in a template.
type ref struct {
	Expr  string // "agent_role.arn"
	Start int    // byte offset of "${"
	End   int    // byte offset after "}"
}

// resourceRef splits "name.attr"; ok is false for the stack's own values
// and inputs.
func (r ref) resourceRef() (name, attr string, ok bool) {
	if isStackValue(r.Expr) || strings.HasPrefix(r.Expr, "input.") {
		return "", "", false
	}
	name, attr, ok = strings.Cut(r.Expr, ".")
	return name, attr, ok
}

// isStackValue reports whether expr names one of the stack's own values.
func isStackValue(expr string) bool {
	switch expr {
	case "project", "environment", "region", "account_id":
		return true
	}
	return false
}

// parseRefs finds the ${...} expressions in s.
func parseRefs(s string) ([]ref, error) {
	var out []ref
	for i := 0; i < len(s); i++ {
		if s[i] != '$' || i+1 >= len(s) {
			continue
		}
		if s[i+1] == '$' && i+2 < len(s) && s[i+2] == '{' {
			i += 2 // escaped "$${"
			continue
		}
		if s[i+1] != '{' {
			continue
		}
		end := strings.IndexByte(s[i:], '}')
		if end < 0 {
			return nil, fmt.Errorf("unterminated ${ in %q", s)
		}
		expr := strings.TrimSpace(s[i+2 : i+end])
		if expr == "" {
			return nil, fmt.Errorf("empty ${} in %q", s)
		}
		for _, c := range expr {
			if !(c == '.' || c == '_' || c == '-' || c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9') {
				return nil, fmt.Errorf("invalid expression ${%s}: only ${project}, ${environment}, ${region}, ${account_id}, ${input.NAME} and ${RESOURCE.ATTRIBUTE} are allowed", expr)
			}
		}
		out = append(out, ref{Expr: expr, Start: i, End: i + end + 1})
		i += end
	}
	return out, nil
}

// Lookup resolves one expression; known is false while the value is
// only known after apply.
type Lookup func(expr string) (value string, known bool)

// Expand replaces every expression in s. If any is unknown the result is
// Unknown{Ref: s}.
func Expand(s string, lookup Lookup) (any, error) {
	refs, err := parseRefs(s)
	if err != nil {
		return nil, err
	}
	if len(refs) == 0 {
		return strings.ReplaceAll(s, "$${", "${"), nil
	}
	var b strings.Builder
	last := 0
	for _, r := range refs {
		v, known := lookup(r.Expr)
		if !known {
			return Unknown{Ref: s}, nil
		}
		b.WriteString(strings.ReplaceAll(s[last:r.Start], "$${", "${"))
		b.WriteString(v)
		last = r.End
	}
	b.WriteString(strings.ReplaceAll(s[last:], "$${", "${"))
	return b.String(), nil
}

// ExpandValue walks a JSON-like value and expands every string in it. A
// value holding any Unknown string becomes Unknown as a whole, so a partly
// known policy is never sent.
func ExpandValue(v any, lookup Lookup) (any, error) {
	switch t := v.(type) {
	case string:
		return Expand(t, lookup)
	case []any:
		out := make([]any, len(t))
		for i, e := range t {
			x, err := ExpandValue(e, lookup)
			if err != nil {
				return nil, err
			}
			if u, ok := x.(Unknown); ok {
				return u, nil
			}
			out[i] = x
		}
		return out, nil
	case map[string]any:
		out := make(map[string]any, len(t))
		for k, e := range t {
			x, err := ExpandValue(e, lookup)
			if err != nil {
				return nil, err
			}
			if u, ok := x.(Unknown); ok {
				return u, nil
			}
			out[k] = x
		}
		return out, nil
	}
	return v, nil
}

// WalkStrings calls fn for every string in a JSON-like value.
func WalkStrings(v any, fn func(string)) {
	switch t := v.(type) {
	case string:
		fn(t)
	case []any:
		for _, e := range t {
			WalkStrings(e, fn)
		}
	case map[string]any:
		keys := make([]string, 0, len(t))
		for k := range t {
			keys = append(keys, k)
		}
		sort.Strings(keys)
		for _, k := range keys {
			WalkStrings(t[k], fn)
		}
	}
}

// levenshtein is the edit distance, for "did you mean" hints.
func levenshtein(a, b string) int {
	prev := make([]int, len(b)+1)
	cur := make([]int, len(b)+1)
	for j := range prev {
		prev[j] = j
	}
	for i := 1; i <= len(a); i++ {
		cur[0] = i
		for j := 1; j <= len(b); j++ {
			cost := 1
			if a[i-1] == b[j-1] {
				cost = 0
			}
			cur[j] = min(prev[j]+1, cur[j-1]+1, prev[j-1]+cost)
		}
		prev, cur = cur, prev
	}
	return prev[len(b)]
}

// closest returns the candidate nearest to s, if near enough to suggest.
func closest(s string, candidates []string) string {
	best, bestD := "", len(s)/2+2
	for _, c := range candidates {
		if d := levenshtein(s, c); d < bestD {
			best, bestD = c, d
		}
	}
	return best
}
