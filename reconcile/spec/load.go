package spec

import (
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"maps"
	"os"
	"regexp"
	"slices"
	"sort"
	"strconv"
	"strings"

	"gopkg.in/yaml.v3"
)

// LoadOptions tune Load.
type LoadOptions struct {
	// Environment overrides the spec's default environment.
	Environment string
	// Types by type name: what resources the spec may declare.
	Types map[string]TypeSchema
	// AllowUnsetInputs accepts references to inputs whose variable is
	// unset (they stay unknown), for commands that only need the spec's
	// structure.
	AllowUnsetInputs bool
	// LookupEnv reads inputs; os.LookupEnv when nil.
	LookupEnv func(string) (string, bool)
}

// LoadFile reads and validates a spec file.
func LoadFile(path string, o LoadOptions) (*Spec, error) {
	data, err := os.ReadFile(path)
	if err != nil {
		return nil, fmt.Errorf("cannot read spec: %w", err)
	}
	return Load(path, data, o)
}

var (
	nameRE    = regexp.MustCompile(`^[a-z][a-z0-9_]*$`)
	projectRE = regexp.MustCompile(`^[a-z][a-z0-9-]{0,30}[a-z0-9]$`)
	regionRE  = regexp.MustCompile(`^[a-z]{2}(-[a-z]+)+-\d$`)
)

type loader struct {
	file string
	errs Errors
	o    LoadOptions
	s    *Spec
}

func (l *loader) errf(n *yaml.Node, path, format string, args ...any) {
	e := &Error{File: l.file, Path: path, Msg: fmt.Sprintf(format, args...)}
	if n != nil {
		e.Pos = Pos{n.Line, n.Column}
	}
	l.errs = append(l.errs, e)
}

// Load validates spec text. Every problem is reported at once, as
// Errors, before anything talks to AWS.
//
// Every environment the spec declares is validated, whichever is loaded: a
// mistake in prod's overrides fails a dev plan too.
func Load(file string, data []byte, o LoadOptions) (*Spec, error) {
	if o.LookupEnv == nil {
		o.LookupEnv = os.LookupEnv
	}
	s, errs := loadOne(file, data, o)
	chosen := o.Environment
	if s != nil {
		chosen = s.Environment
	}
	seen := map[string]bool{}
	for _, e := range errs {
		seen[e.Error()] = true
	}
	for _, env := range declaredEnvironments(data) {
		if env == chosen {
			continue
		}
		other := o
		other.Environment, other.AllowUnsetInputs = env, true
		_, more := loadOne(file, data, other)
		for _, e := range more {
			if !seen[e.Error()] {
				seen[e.Error()] = true
				e.Msg += fmt.Sprintf(" (in environment %s)", env)
				errs = append(errs, e)
			}
		}
	}
	if len(errs) > 0 {
		sortErrors(errs)
		return nil, errs
	}
	return s, nil
}

// declaredEnvironments lists the names under environments:, nil when the
// text is not a spec that has them.
func declaredEnvironments(data []byte) []string {
	var doc yaml.Node
	if yaml.Unmarshal(data, &doc) != nil || len(doc.Content) == 0 {
		return nil
	}
	root := resolveAlias(doc.Content[0])
	if root.Kind != yaml.MappingNode {
		return nil
	}
	envs := resolveAlias(mappingChild(root, "environments"))
	if envs == nil || envs.Kind != yaml.MappingNode {
		return nil
	}
	var out []string
	for i := 0; i+1 < len(envs.Content); i += 2 {
		out = append(out, envs.Content[i].Value)
	}
	return out
}

func mappingChild(n *yaml.Node, key string) *yaml.Node {
	for i := 0; i+1 < len(n.Content); i += 2 {
		if n.Content[i].Value == key {
			return n.Content[i+1]
		}
	}
	return nil
}

func sortErrors(errs Errors) {
	sort.SliceStable(errs, func(i, j int) bool {
		a, b := errs[i].Pos, errs[j].Pos
		return a.Line < b.Line || a.Line == b.Line && a.Col < b.Col
	})
}

// loadOne loads the spec for one environment.
func loadOne(file string, data []byte, o LoadOptions) (*Spec, Errors) {
	l := &loader{file: file, o: o, s: &Spec{File: file, Inputs: map[string]Input{}, Resources: map[string]*Resource{}, Outputs: map[string]Output{}}}
	var doc yaml.Node
	if err := yaml.Unmarshal(data, &doc); err != nil {
		return nil, Errors{yamlError(file, err)}
	}
	if doc.Kind == 0 || len(doc.Content) == 0 {
		return nil, Errors{{File: file, Msg: "the spec is empty"}}
	}
	root := resolveAlias(doc.Content[0])
	if root.Kind != yaml.MappingNode {
		return nil, Errors{{File: file, Pos: Pos{root.Line, root.Column}, Msg: "the spec must be a mapping with project, region and resources"}}
	}
	l.load(root)
	if len(l.errs) > 0 {
		sortErrors(l.errs)
		return nil, l.errs
	}
	sum := sha256.Sum256(append(append([]byte{}, data...), "\x00"+l.s.Environment...))
	l.s.Digest = hex.EncodeToString(sum[:8])
	return l.s, nil
}

// mapping returns a mapping's keys and values in order.
func (l *loader) mapping(n *yaml.Node, path string) ([]*yaml.Node, []*yaml.Node, bool) {
	n = resolveAlias(n)
	if n == nil || n.Kind != yaml.MappingNode {
		l.errf(n, path, "expected a mapping, got %s", describe(n))
		return nil, nil, false
	}
	var keys, vals []*yaml.Node
	seen := map[string]bool{}
	for i := 0; i+1 < len(n.Content); i += 2 {
		k, v := n.Content[i], resolveAlias(n.Content[i+1])
		if k.Value == "<<" {
			l.errf(k, path, "merge keys (<<) are not supported; use environments: for overrides")
			continue
		}
		if seen[k.Value] {
			l.errf(k, join(path, k.Value), "duplicate key")
			continue
		}
		seen[k.Value] = true
		keys, vals = append(keys, k), append(vals, v)
	}
	return keys, vals, true
}

func (l *loader) str(n *yaml.Node, path string) (string, bool) {
	n = resolveAlias(n)
	if n == nil || n.Kind != yaml.ScalarNode || n.Tag == "!!null" || n.Tag == "!!bool" || n.Tag == "!!map" {
		l.errf(n, path, "expected a string, got %s", describe(n))
		return "", false
	}
	return n.Value, true
}

func (l *loader) boolean(n *yaml.Node, path string) bool {
	n = resolveAlias(n)
	if n == nil || n.Kind != yaml.ScalarNode || n.Tag != "!!bool" {
		l.errf(n, path, "expected true or false, got %s", describe(n))
		return false
	}
	return n.Value == "true"
}

func (l *loader) strList(n *yaml.Node, path string) []string {
	n = resolveAlias(n)
	if n == nil || n.Kind != yaml.SequenceNode {
		l.errf(n, path, "expected a list of strings, got %s", describe(n))
		return nil
	}
	var out []string
	for i, e := range n.Content {
		if s, ok := l.str(e, fmt.Sprintf("%s[%d]", path, i)); ok {
			out = append(out, s)
		}
	}
	return out
}

func (l *loader) load(root *yaml.Node) {
	keys, vals, _ := l.mapping(root, "")
	top := map[string]*yaml.Node{}
	for i, k := range keys {
		switch k.Value {
		case "project", "environment", "region", "inputs", "resources", "data", "moved", "outputs", "environments":
			top[k.Value] = vals[i]
		default:
			l.errf(k, k.Value, "unknown field (expected project, environment, region, inputs, resources, data, moved, outputs, environments)")
		}
	}
	s := l.s
	if n := top["project"]; n == nil {
		l.errf(root, "project", "required field is missing")
	} else if v, ok := l.str(n, "project"); ok {
		if !projectRE.MatchString(v) {
			l.errf(n, "project", "must be 2 to 32 lowercase letters, digits and hyphens, starting with a letter (it prefixes AWS names), got %q", v)
		}
		s.Project = v
	}
	s.Environment = "dev"
	if n := top["environment"]; n != nil {
		if v, ok := l.str(n, "environment"); ok {
			s.Environment = v
		}
	}
	if l.o.Environment != "" {
		s.Environment = l.o.Environment
	}
	if !projectRE.MatchString(s.Environment) {
		l.errf(top["environment"], "environment", "must be 2 to 32 lowercase letters, digits and hyphens, got %q", s.Environment)
	}
	// Environment overrides are merged into the tree before decoding, so
	// every error still points at the line that set the value.
	if n := top["environments"]; n != nil {
		l.applyOverrides(n, top)
	}
	if n := top["region"]; n == nil {
		l.errf(root, "region", "required field is missing")
	} else if v, ok := l.str(n, "region"); ok {
		if !regionRE.MatchString(v) {
			l.errf(n, "region", "not an AWS region name: %q", v)
		}
		s.Region = v
	}
	if n := top["inputs"]; n != nil {
		l.loadInputs(n)
	}
	if n := top["resources"]; n == nil {
		l.errf(root, "resources", "required field is missing")
	} else {
		l.loadResources(n, "resources")
	}
	if n := top["data"]; n != nil {
		l.loadResources(n, "data")
	}
	if n := top["moved"]; n != nil {
		l.loadMoved(n, top["resources"], top["data"])
	}
	if n := top["outputs"]; n != nil {
		keys, vals, _ := l.mapping(n, "outputs")
		for i, k := range keys {
			if v, ok := l.str(vals[i], "outputs."+k.Value); ok {
				s.Outputs[k.Value] = Output{Template: v, Pos: Pos{vals[i].Line, vals[i].Column}}
			}
		}
	}
	// References and field checks run even after errors above, so one run
	// reports every problem.
	l.checkRefs()
	l.checkCycles()
}

func (l *loader) loadInputs(n *yaml.Node) {
	keys, vals, _ := l.mapping(n, "inputs")
	for i, k := range keys {
		path := "inputs." + k.Value
		if !nameRE.MatchString(k.Value) {
			l.errf(k, path, "input names are lowercase letters, digits and underscores")
		}
		in := Input{Name: k.Value, Pos: Pos{k.Line, k.Column}}
		var def *string
		fkeys, fvals, _ := l.mapping(vals[i], path)
		for j, fk := range fkeys {
			fp := path + "." + fk.Value
			switch fk.Value {
			case "env":
				in.Env, _ = l.str(fvals[j], fp)
			case "sensitive":
				in.Sensitive = l.boolean(fvals[j], fp)
			case "default":
				if v, ok := l.str(fvals[j], fp); ok {
					def = &v
				}
			default:
				l.errf(fk, fp, "unknown field (expected env, sensitive, default)")
			}
		}
		if in.Env == "" {
			l.errf(vals[i], path+".env", "required field is missing: the environment variable to read")
		} else if v, ok := l.o.LookupEnv(in.Env); ok && v != "" {
			in.Value, in.Set = v, true
		} else if def != nil {
			in.Value, in.Set = *def, true
		}
		if in.Sensitive && def != nil {
			l.errf(vals[i], path+".default", "a sensitive input cannot have a default written in the spec")
		}
		l.s.Inputs[k.Value] = in
	}
}

// loadResources loads the resources of a section: "resources", or "data"
// for read-only references, which share one namespace.
func (l *loader) loadResources(n *yaml.Node, section string) {
	keys, vals, _ := l.mapping(n, section)
	for i, k := range keys {
		path := section + "." + k.Value
		if _, dup := l.s.Resources[k.Value]; dup {
			l.errf(k, path, "a resource of that name is already declared")
			continue
		}
		if !nameRE.MatchString(k.Value) {
			l.errf(k, path, "resource names are lowercase letters, digits and underscores, starting with a letter")
			continue
		}
		r := &Resource{Name: k.Value, Pos: Pos{k.Line, k.Column}, fieldPos: map[string]Pos{}, section: section, Data: section == "data"}
		enabled := true
		var props *yaml.Node
		fkeys, fvals, ok := l.mapping(vals[i], path)
		if !ok {
			continue
		}
		for j, fk := range fkeys {
			fp := path + "." + fk.Value
			switch fk.Value {
			case "type":
				r.Type, _ = l.str(fvals[j], fp)
				if r.Type != "" && l.o.Types[r.Type] == nil {
					var known []string
					for t := range l.o.Types {
						known = append(known, t)
					}
					sort.Strings(known)
					hint := ""
					if c := closest(r.Type, known); c != "" {
						hint = fmt.Sprintf(" (did you mean %s?)", c)
					}
					l.errf(fvals[j], fp, "unknown resource type %q%s", r.Type, hint)
				}
			case "properties":
				props = fvals[j]
			case "depends_on":
				r.DependsOn = l.strList(fvals[j], fp)
			case "ignore":
				r.Ignore = l.strList(fvals[j], fp)
			case "manage":
				r.Manage = l.strList(fvals[j], fp)
			case "protect":
				r.Protect = l.boolean(fvals[j], fp)
			case "enabled":
				enabled = l.boolean(fvals[j], fp)
			default:
				l.errf(fk, fp, "unknown field (expected type, properties, depends_on, ignore, manage, protect, enabled)")
			}
		}
		if r.Type == "" {
			if !slices.ContainsFunc(fkeys, func(n *yaml.Node) bool { return n.Value == "type" }) {
				l.errf(k, path+".type", "required field is missing")
			}
			continue
		}
		t := l.o.Types[r.Type]
		if t == nil || !enabled {
			continue
		}
		schema := t.Schema()
		if props == nil {
			r.Props = Props{}
		} else {
			r.Props = Props(l.decodeObject(props, schema, path+".properties", r))
		}
		if !r.Data {
			// A data source names what identifies it; the rest is read.
			l.checkRequired(r, schema, r.Props, path+".properties", Pos{k.Line, k.Column})
		}
		for _, list := range [][]string{r.Ignore, r.Manage} {
			for _, f := range list {
				if _, ok := LookupField(schema, f); !ok {
					l.errf(vals[i], path, "ignore/manage names %q, which is not a field of %s", f, r.Type)
				}
			}
		}
		l.s.Resources[r.Name] = r
		l.s.Order = append(l.s.Order, r.Name)
	}
}

func (l *loader) checkRequired(r *Resource, schema Schema, props Props, path string, pos Pos) {
	for _, name := range slices.Sorted(maps.Keys(schema)) {
		f := schema[name]
		if f.Required && f.Default == nil && !props.Has(name) {
			l.errs = append(l.errs, &Error{File: l.file, Pos: pos, Path: join(path, name), Msg: "required field is missing"})
		}
	}
}

func (l *loader) decodeObject(n *yaml.Node, schema Schema, path string, r *Resource) map[string]any {
	keys, vals, ok := l.mapping(n, path)
	if !ok {
		return map[string]any{}
	}
	out := map[string]any{}
	for i, k := range keys {
		fp := join(path, k.Value)
		f, ok := schema[k.Value]
		if !ok {
			hint := ""
			if c := closest(k.Value, slices.Sorted(maps.Keys(schema))); c != "" {
				hint = fmt.Sprintf(" (did you mean %s?)", c)
			}
			l.errf(k, fp, "unknown field%s; %s has: %s", hint, r.Type, strings.Join(slices.Sorted(maps.Keys(schema)), ", "))
			continue
		}
		if f.DeclaredBy != "" {
			l.errf(k, fp, "is the set of %s resources that reference this one; declare those instead (or ignore: [%s] to leave the set alone)", f.DeclaredBy, k.Value)
			continue
		}
		rel := strings.TrimPrefix(fp, r.section+"."+r.Name+".properties.")
		r.fieldPos[rel] = Pos{vals[i].Line, vals[i].Column}
		if v, ok := l.decodeField(vals[i], f, fp, r); ok {
			out[k.Value] = v
		}
	}
	return out
}

func isWholeRef(s string) bool {
	refs, err := parseRefs(s)
	return err == nil && len(refs) == 1 && refs[0].Start == 0 && refs[0].End == len(s)
}

func (l *loader) decodeField(n *yaml.Node, f Field, path string, r *Resource) (any, bool) {
	n = resolveAlias(n)
	switch f.Type {
	case String:
		s, ok := l.str(n, path)
		return s, ok
	case Int:
		if n.Kind == yaml.ScalarNode && n.Tag == "!!int" {
			v, err := strconv.ParseInt(n.Value, 0, 64)
			if err != nil {
				l.errf(n, path, "expected an integer, got %s", n.Value)
				return nil, false
			}
			return v, true
		}
		if n.Kind == yaml.ScalarNode && n.Tag == "!!str" && isWholeRef(n.Value) {
			return n.Value, true
		}
		l.errf(n, path, "expected an integer, got %s", describe(n))
	case Bool:
		if n.Kind == yaml.ScalarNode && n.Tag == "!!bool" {
			return n.Value == "true", true
		}
		if n.Kind == yaml.ScalarNode && n.Tag == "!!str" && isWholeRef(n.Value) {
			return n.Value, true
		}
		l.errf(n, path, "expected true or false, got %s", describe(n))
	case StringList:
		if n.Kind != yaml.SequenceNode {
			l.errf(n, path, "expected a list of strings, got %s", describe(n))
			return nil, false
		}
		out := []any{}
		for i, e := range n.Content {
			if s, ok := l.str(e, fmt.Sprintf("%s[%d]", path, i)); ok {
				out = append(out, s)
			}
		}
		return out, true
	case StringMap:
		keys, vals, ok := l.mapping(n, path)
		if !ok {
			return nil, false
		}
		out := map[string]any{}
		for i, k := range keys {
			if s, ok := l.str(vals[i], join(path, k.Value)); ok {
				out[k.Value] = s
			}
		}
		return out, true
	case Document:
		if countValues(n, 0, maxDocumentValues) > maxDocumentValues {
			l.errf(n, path, "the document holds more than %d values once its anchors are expanded", maxDocumentValues)
			return nil, false
		}
		v, err := nodeValue(n, 0)
		if err != nil {
			l.errf(n, path, "%v", err)
			return nil, false
		}
		return v, true
	case Object:
		return l.decodeObject(n, f.Fields, path, r), true
	default:
		l.errf(n, path, "field has no type (a bug in the %s kind)", r.Type)
	}
	return nil, false
}
