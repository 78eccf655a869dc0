package tfimport

import (
	"strings"
)

// A template under construction: literal text and ${...} expressions.
// Each pass of WriteSpec rewrites only the literal parts, so a value is
// never replaced inside an expression an earlier pass made.
type segment struct {
	text string
	expr bool
}

type template []segment

func literal(s string) template { return template{{text: s}} }

// replace turns every bounded occurrence of value in the literal parts
// into ${expr}. bounded tells whether the bytes before and after an
// occurrence (0 at either end of the string) let it stand alone.
func (t template) replace(value, expr string, bounded func(before, after byte) bool) (template, bool) {
	if value == "" {
		return t, false
	}
	var out template
	changed := false
	for _, seg := range t {
		if seg.expr {
			out = append(out, seg)
			continue
		}
		s := seg.text
		for {
			i := indexBounded(s, value, bounded)
			if i < 0 {
				break
			}
			if i > 0 {
				out = append(out, segment{text: s[:i]})
			}
			out = append(out, segment{text: expr, expr: true})
			s = s[i+len(value):]
			changed = true
		}
		if s != "" {
			out = append(out, segment{text: s})
		}
	}
	return out, changed
}

func indexBounded(s, value string, bounded func(before, after byte) bool) int {
	for off := 0; off <= len(s)-len(value); {
		i := strings.Index(s[off:], value)
		if i < 0 {
			return -1
		}
		i += off
		var before, after byte
		if i > 0 {
			before = s[i-1]
		}
		if j := i + len(value); j < len(s) {
			after = s[j]
		}
		if bounded(before, after) {
			return i
		}
		off = i + 1
	}
	return -1
}

// whole reports whether the template is one literal equal to s.
func (t template) whole(s string) bool { return len(t) == 1 && !t[0].expr && t[0].text == s }

// String writes the template in the spec's syntax: literal "${" is
// escaped as "$${".
func (t template) String() string {
	var b strings.Builder
	for _, seg := range t {
		if seg.expr {
			b.WriteString("${" + seg.text + "}")
		} else {
			b.WriteString(strings.ReplaceAll(seg.text, "${", "$${"))
		}
	}
	return b.String()
}

func isAlnum(c byte) bool {
	return c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9'
}

// idBounded: an ARN, id or URL stands alone between separators such as
// ":" "/" "*", not inside a longer name (arn:...:function:a is not in
// arn:...:function:a-b).
func idBounded(before, after byte) bool {
	word := func(c byte) bool { return isAlnum(c) || c == '-' || c == '_' || c == '.' }
	return !word(before) && !word(after)
}

// partBounded: a project or environment name is a part of a name, between
// "-", "/", "_" or the ends.
func partBounded(before, after byte) bool { return !isAlnum(before) && !isAlnum(after) }
