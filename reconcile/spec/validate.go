package spec

import (
	"fmt"
	"maps"
	"slices"
	"sort"
	"strings"

	"github.com/trip-assistant/stack/reconcile/internal/graph"
)

// checkRefs validates every ${...} expression, records the dependency edges
// and runs each field's own checks on values known before apply.
func (l *loader) checkRefs() {
	s := l.s
	for _, name := range s.Order {
		r := s.Resources[name]
		deps := map[string]bool{}
		for _, d := range r.DependsOn {
			if _, ok := s.Resources[d]; !ok {
				l.errs = append(l.errs, &Error{File: l.file, Pos: r.Pos, Path: r.section + "." + name + ".depends_on", Msg: l.unknownResource(d)})
				continue
			}
			deps[d] = true
		}
		l.checkProps(r, l.o.Types[r.Type].Schema(), r.Props, "", deps)
		delete(deps, name)
		r.Deps = slices.AppendSeq([]string{}, maps.Keys(deps)) // [] for none, as recorded in the state
		slices.Sort(r.Deps)
	}
	for _, name := range slices.Sorted(maps.Keys(s.Outputs)) {
		o := s.Outputs[name]
		l.checkTemplate(o.Template, "outputs."+name, o.Pos, nil, false)
	}
}

func (l *loader) checkProps(r *Resource, schema Schema, props Props, prefix string, deps map[string]bool) {
	for _, key := range slices.Sorted(maps.Keys(props)) {
		f := schema[key]
		rel := join(prefix, key)
		path := r.section + "." + r.Name + ".properties." + rel
		pos := r.fieldPos[rel]
		v := props[key]
		if f.Type == Object {
			if m, ok := v.(map[string]any); ok {
				l.checkProps(r, f.Fields, Props(m), rel, deps)
			}
			continue
		}
		var sensitive bool
		WalkStrings(v, func(str string) {
			if l.checkTemplate(str, path, pos, deps, true) {
				sensitive = true
			}
		})
		if sensitive && !f.Sensitive {
			l.errs = append(l.errs, &Error{File: l.file, Pos: pos, Path: path, Msg: "a sensitive input may only be used in a sensitive field; this one would show in plans and tags"})
		}
		// Checks run on values that are known before apply. A document
		// (a policy) is checked with its references left as written, so a
		// trust policy naming ${github_oidc.arn} is still checked.
		lookup := l.staticLookup
		if f.Type == Document {
			lookup = l.documentLookup
		}
		known, err := ExpandValue(v, lookup)
		if err != nil {
			continue // reported by checkTemplate
		}
		if _, unknown := known.(Unknown); unknown {
			continue
		}
		if f.Type == Int || f.Type == Bool {
			if s, ok := known.(string); ok {
				if known, err = ConvertScalar(f.Type, s); err != nil {
					l.errs = append(l.errs, &Error{File: l.file, Pos: pos, Path: path, Msg: err.Error()})
					continue
				}
			}
		}
		if len(f.Enum) > 0 {
			if s, ok := known.(string); ok && !slices.Contains(f.Enum, s) {
				l.errs = append(l.errs, &Error{File: l.file, Pos: pos, Path: path, Msg: fmt.Sprintf("expected one of %s, got %q", strings.Join(f.Enum, ", "), s)})
				continue
			}
		}
		if f.Check != nil && !f.Sensitive {
			if err := f.Check(known); err != nil {
				l.errs = append(l.errs, &Error{File: l.file, Pos: pos, Path: path, Msg: err.Error()})
			}
		}
	}
}

// staticLookup knows the stack's own values and inputs; resources are
// unknown until observed.
func (l *loader) staticLookup(expr string) (string, bool) {
	switch expr {
	case "project":
		return l.s.Project, true
	case "environment":
		return l.s.Environment, true
	case "region":
		return l.s.Region, true
	}
	if name, ok := strings.CutPrefix(expr, "input."); ok {
		in := l.s.Inputs[name]
		return in.Value, in.Set
	}
	return "", false
}

// documentLookup is staticLookup that keeps references to resources as
// written, for checks that look at a document's shape.
func (l *loader) documentLookup(expr string) (string, bool) {
	if v, ok := l.staticLookup(expr); ok {
		return v, true
	}
	return "${" + expr + "}", true
}

// checkTemplate validates the expressions in one string and adds resource
// references to deps. It reports whether the string uses a sensitive input.
func (l *loader) checkTemplate(str, path string, pos Pos, deps map[string]bool, allowInputs bool) (sensitive bool) {
	refs, err := parseRefs(str)
	if err != nil {
		l.errs = append(l.errs, &Error{File: l.file, Pos: pos, Path: path, Msg: err.Error()})
		return false
	}
	for _, rf := range refs {
		if name, ok := strings.CutPrefix(rf.Expr, "input."); ok {
			in, found := l.s.Inputs[name]
			switch {
			case !found:
				l.errs = append(l.errs, &Error{File: l.file, Pos: pos, Path: path, Msg: fmt.Sprintf("unknown input ${%s}%s", rf.Expr, hint("input.", name, slices.Sorted(maps.Keys(l.s.Inputs))))})
			case !in.Set && !l.o.AllowUnsetInputs:
				l.errs = append(l.errs, &Error{File: l.file, Pos: pos, Path: path, Msg: fmt.Sprintf("${%s} needs the environment variable %s, which is not set", rf.Expr, in.Env)})
			case in.Sensitive && !allowInputs:
				l.errs = append(l.errs, &Error{File: l.file, Pos: pos, Path: path, Msg: fmt.Sprintf("${%s} is sensitive and cannot be an output", rf.Expr)})
			case in.Sensitive:
				sensitive = true
			}
			continue
		}
		name, attr, isRes := rf.resourceRef()
		if !isRes {
			if rf.Expr == "account_id" {
				l.s.NeedsAccountID = true
			} else if !isStackValue(rf.Expr) {
				l.errs = append(l.errs, &Error{File: l.file, Pos: pos, Path: path, Msg: fmt.Sprintf("unknown reference ${%s}: expected ${project}, ${environment}, ${region}, ${account_id}, ${input.NAME} or ${RESOURCE.ATTRIBUTE}", rf.Expr)})
			}
			continue
		}
		target, ok := l.s.Resources[name]
		if !ok {
			l.errs = append(l.errs, &Error{File: l.file, Pos: pos, Path: path, Msg: fmt.Sprintf("unknown reference ${%s}: %s", rf.Expr, l.unknownResource(name))})
			continue
		}
		attrs := l.o.Types[target.Type].Attributes()
		if !slices.Contains(attrs, attr) {
			l.errs = append(l.errs, &Error{File: l.file, Pos: pos, Path: path, Msg: fmt.Sprintf("unknown reference ${%s}: %s (%s) has no attribute %q; it has %s%s", rf.Expr, name, target.Type, attr, strings.Join(attrs, ", "), hint(name+".", attr, attrs))})
			continue
		}
		if deps != nil {
			deps[name] = true
		}
	}
	return sensitive
}

func hint(prefix, s string, candidates []string) string {
	if c := closest(s, candidates); c != "" {
		return fmt.Sprintf(" (did you mean ${%s%s}?)", prefix, c)
	}
	return ""
}

func (l *loader) unknownResource(name string) string {
	var names []string
	for n := range l.s.Resources {
		names = append(names, n)
	}
	sort.Strings(names)
	msg := fmt.Sprintf("no resource named %q", name)
	if c := closest(name, names); c != "" {
		msg += fmt.Sprintf(" (did you mean %s?)", c)
	}
	return msg
}

// checkCycles reports every dependency cycle with its path.
func (l *loader) checkCycles() {
	g := map[string][]string{}
	for n, r := range l.s.Resources {
		g[n] = r.Deps
	}
	for _, cycle := range graph.Cycles(g) {
		r := l.s.Resources[cycle[0]]
		l.errs = append(l.errs, &Error{File: l.file, Pos: r.Pos, Path: "resources." + cycle[0], Msg: "dependency cycle: " + strings.Join(append(cycle, cycle[0]), " → ")})
	}
}
