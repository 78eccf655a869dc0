package absorb

import (
	"bytes"
	"fmt"
	"slices"
	"sort"
	"strconv"
	"strings"

	"github.com/pmezard/go-difflib/difflib"
	"gopkg.in/yaml.v3"

	"github.com/trip-assistant/stack/reconcile"
)

// Edit is one value written into the spec.
type Edit struct {
	Resource, Path string
	// Where is the YAML path edited: resources.NAME.properties.PATH, or
	// environments.ENV.resources.NAME.properties.PATH for an override.
	Where    string
	Line     int
	Old, New string
}

// Skipped is an out-of-band change the spec cannot take as a simple
// edit, and what to do instead.
type Skipped struct {
	Resource, Path, Reason string
}

// Result is the spec's text before and after.
type Result struct {
	Before, After []byte
	Edits         []Edit
	Skipped       []Skipped
}

// Options say which spec and which changes.
type Options struct {
	File string
	// Environment is the one planned. The base values are those of the
	// spec's own environment (its top-level environment:, dev when unset).
	Environment string
	// Names limits the changes taken; all out-of-band changes when empty.
	Names []string
}

// Absorb writes into data the live values of the plan's out-of-band
// changes. A value the environment overrides is written in the override;
// a base value is written in place when the environment is the spec's
// default one. Anything else is Skipped with its reason: a sensitive
// value, a value computed from a template, one shared through an alias,
// or a value of this environment only with no override to write it in.
func Absorb(data []byte, changes []*reconcile.Change, o Options) (*Result, error) {
	var doc yaml.Node
	if err := yaml.Unmarshal(data, &doc); err != nil {
		return nil, fmt.Errorf("cannot read %s: %w", o.File, err)
	}
	if len(doc.Content) == 0 || doc.Content[0].Kind != yaml.MappingNode {
		return nil, fmt.Errorf("%s is not a spec", o.File)
	}
	root := doc.Content[0]
	def := "dev"
	if _, n, _ := lookup(root, []string{"environment"}); n != nil {
		def = n.Value
	}
	res := &Result{Before: data}
	known := map[string]bool{}
	for _, c := range changes {
		known[c.Name] = true
	}
	for _, n := range o.Names {
		if !known[n] {
			return nil, fmt.Errorf("%s: no resource of that name in the plan of %s", n, o.File)
		}
	}
	type splice struct {
		start, end int
		text       string
	}
	var splices []splice
	for _, c := range changes {
		if c.Class != reconcile.OutOfBand || (len(o.Names) > 0 && !slices.Contains(o.Names, c.Name)) {
			continue
		}
		for _, d := range c.Diff {
			skip := func(reason string) { res.Skipped = append(res.Skipped, Skipped{c.Name, d.Path, reason}) }
			if d.Sensitive {
				skip("a secret: set its input to the value you want instead")
				continue
			}
			text, ok := scalarText(d.Before)
			if !ok {
				skip(fmt.Sprintf("the live value %s is not a single value: edit it by hand", reconcileValue(d.Before)))
				continue
			}
			parts := append([]string{"resources", c.Name, "properties"}, strings.Split(d.Path, ".")...)
			where, node, err := lookup(root, append([]string{"environments", o.Environment}, parts...))
			if node == nil && err == "" {
				if o.Environment != def {
					skip(fmt.Sprintf("the value differs in %s only, whose overrides do not set %s yet: add it under environments.%s.resources.%s.properties", o.Environment, d.Path, o.Environment, c.Name))
					continue
				}
				where, node, err = lookup(root, parts)
			}
			if err != "" {
				skip(err)
				continue
			}
			if node == nil {
				skip(fmt.Sprintf("the spec does not set %s (it takes its default): add %s: %s under resources.%s.properties", d.Path, d.Path[strings.LastIndex(d.Path, ".")+1:], text, c.Name))
				continue
			}
			if strings.Contains(node.Value, "${") {
				skip(fmt.Sprintf("the spec computes it (%s): writing the live value would replace the template; change what it refers to instead", node.Value))
				continue
			}
			start, end, ok := extent(data, node)
			if !ok {
				skip("its text in the file is not a one-line scalar: edit it by hand")
				continue
			}
			if node.Style&(yaml.DoubleQuotedStyle|yaml.SingleQuotedStyle) != 0 {
				if _, isString := d.Before.(string); isString {
					text = strconv.Quote(d.Before.(string))
				}
			}
			splices = append(splices, splice{start, end, text})
			res.Edits = append(res.Edits, Edit{Resource: c.Name, Path: d.Path, Where: where, Line: node.Line, Old: string(data[start:end]), New: text})
		}
	}
	sort.Slice(splices, func(i, j int) bool { return splices[i].start > splices[j].start })
	out := bytes.Clone(data)
	for _, s := range splices {
		out = slices.Concat(out[:s.start], []byte(s.text), out[s.end:])
	}
	res.After = out
	return res, nil
}

// lookup walks a path of mapping keys. An alias on the way is refused:
// its anchor is shared, and an edit there would change every use.
func lookup(root *yaml.Node, path []string) (string, *yaml.Node, string) {
	n := root
	for i, key := range path {
		if n.Kind != yaml.MappingNode {
			return "", nil, ""
		}
		var next *yaml.Node
		for j := 0; j+1 < len(n.Content); j += 2 {
			if n.Content[j].Value == key {
				next = n.Content[j+1]
			}
		}
		if next == nil {
			return "", nil, ""
		}
		if next.Kind == yaml.AliasNode {
			return "", nil, fmt.Sprintf("%s is an alias of &%s, shared with other uses: edit it by hand", strings.Join(path[:i+1], "."), next.Value)
		}
		n = next
	}
	if n.Kind != yaml.ScalarNode {
		return "", nil, fmt.Sprintf("%s is not a single value in the spec: edit it by hand", strings.Join(path, "."))
	}
	if n.Anchor != "" {
		return "", nil, fmt.Sprintf("%s carries the anchor &%s, shared with other uses: edit it by hand", strings.Join(path, "."), n.Anchor)
	}
	return strings.Join(path, "."), n, ""
}

// extent finds a scalar's bytes from its node's line and column.
func extent(data []byte, n *yaml.Node) (int, int, bool) {
	off := 0
	for line := 1; line < n.Line; line++ {
		i := bytes.IndexByte(data[off:], '\n')
		if i < 0 {
			return 0, 0, false
		}
		off += i + 1
	}
	lineEnd := bytes.IndexByte(data[off:], '\n')
	if lineEnd < 0 {
		lineEnd = len(data) - off
	}
	lineText := data[off : off+lineEnd]
	col := n.Column - 1
	if col < 0 || col > len(lineText) {
		return 0, 0, false
	}
	rest := lineText[col:]
	switch {
	case n.Style&yaml.DoubleQuotedStyle != 0:
		for i := 1; i < len(rest); i++ {
			if rest[i] == '\\' {
				i++
				continue
			}
			if rest[i] == '"' {
				return off + col, off + col + i + 1, true
			}
		}
	case n.Style&yaml.SingleQuotedStyle != 0:
		for i := 1; i < len(rest); i++ {
			if rest[i] == '\'' {
				if i+1 < len(rest) && rest[i+1] == '\'' {
					i++
					continue
				}
				return off + col, off + col + i + 1, true
			}
		}
	case n.Style == 0 || n.Style == yaml.TaggedStyle:
		if bytes.HasPrefix(rest, []byte(n.Value)) {
			return off + col, off + col + len(n.Value), true
		}
	}
	return 0, 0, false
}

// scalarText is a live value as a YAML scalar on one line.
func scalarText(v any) (string, bool) {
	switch v.(type) {
	case string, int, int64, float64, bool:
	default:
		return "", false
	}
	b, err := yaml.Marshal(v)
	if err != nil {
		return "", false
	}
	s := strings.TrimSuffix(string(b), "\n")
	return s, !strings.Contains(s, "\n")
}

func reconcileValue(v any) string {
	b, _ := yaml.Marshal(v)
	return strings.TrimSpace(string(b))
}

// Diff is the edit as a unified diff of the spec file.
func (r *Result) Diff(file string) string {
	d, err := difflib.GetUnifiedDiffString(difflib.UnifiedDiff{
		A: difflib.SplitLines(string(r.Before)), B: difflib.SplitLines(string(r.After)),
		FromFile: file, ToFile: file + " (absorbed)", Context: 3,
	})
	if err != nil {
		return ""
	}
	return d
}
