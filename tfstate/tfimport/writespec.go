package tfimport

import (
	"bytes"
	"fmt"
	"reflect"
	"regexp"
	"sort"
	"strings"

	"gopkg.in/yaml.v3"

	"github.com/trip-assistant/stack/reconcile"
	"github.com/trip-assistant/stack/reconcile/spec"
	"github.com/trip-assistant/stack/tfstate"
)

// WriteOptions tune WriteSpec.
type WriteOptions struct {
	// Source names the state in the file's header comment.
	Source string
	// Project and Environment of the stack; inferred from the resources'
	// names when empty (the team's ${project}-NAME-${environment}).
	Project, Environment string
}

// Written is a spec made from a Terraform state.
type Written struct {
	YAML []byte
	// Names maps each resource's logical name to its Terraform address.
	Names map[string]string
	// Notes say what the user must do or know before the first apply
	// (inputs to set, values left out).
	Notes []string
}

// Attributes that are names or versions: many resources share them
// (a function, its role and its repository are all trip-assistant-api-dev),
// so a value equal to one becomes a reference only where the field's name
// says which kind it refers to, or to a resource the value already refers
// to. ARNs, ids and URLs are distinctive, and replaced wherever they
// appear.
var weakAttrs = map[string]bool{"name": true, "version": true, "function_version": true, "role": true, "statement_id": true, "registry_id": true}

// Fields a resource is known by: its own, never a reference to another's
// equal value.
var ownFields = map[string]bool{"name": true, "statement_id": true, "route_key": true, "url": true}

// kindHints: words in a field's path (lowercased) and the kind they name.
var kindHints = []struct{ word, kind string }{
	{"function", "lambda.function"}, {"role", "iam.role"}, {"parameter", "ssm.parameter"},
	{"ssm", "ssm.parameter"}, {"repo", "ecr.repository"}, {"log", "logs.log_group"}, {"api_id", "apigw.api"},
	{"qualifier", "lambda.alias"},
}

type candidate struct {
	value string
	res   int // index in the set's resources
	attr  string
	weak  bool
}

// WriteSpec writes a spec describing set's resources, meant to be kept:
// logical names from the Terraform addresses, references rebuilt where a
// value equals another resource's attribute, the account and region as
// ${account_id} and ${region}, names as ${project} and ${environment}, and
// each secret as a sensitive input. Values equal to the kind's default are
// left out. Nothing secret is written.
func WriteSpec(set *Set, kinds map[string]reconcile.Kind, o WriteOptions) (*Written, error) {
	if len(set.Resources) == 0 {
		return nil, fmt.Errorf("the Terraform state holds no resource reconcile can manage")
	}
	if set.Region == "" {
		return nil, fmt.Errorf("the Terraform state does not tell the region: no aws_region data source and no ARN with a region")
	}
	project, env := o.Project, o.Environment
	if project == "" || env == "" {
		p, e := inferStack(set)
		if project == "" {
			project = p
		}
		if env == "" {
			env = e
		}
	}
	if project == "" || env == "" {
		return nil, fmt.Errorf("cannot tell the project and environment from the resources' names: name them")
	}
	insts := make([]*tfstate.Instance, len(set.Resources))
	for i, r := range set.Resources {
		insts[i] = r.inst
		if insts[i] == nil {
			insts[i] = &tfstate.Instance{Type: r.Type, Name: sanitize(r.Address)}
		}
	}
	names := logicalNames(insts)
	w := &writer{set: set, kinds: kinds, names: names, project: project, env: env,
		refs: make([]map[int]bool, len(set.Resources)), inputs: map[string]string{}}
	for i, r := range set.Resources {
		for attr, v := range r.Attrs {
			if v == "" || (attr == "registry_id" && v == set.AccountID) {
				continue
			}
			w.cands = append(w.cands, candidate{value: v, res: i, attr: attr, weak: weakAttrs[attr]})
		}
		w.refs[i] = map[int]bool{}
	}
	// Longest first: an ARN before the id it ends with.
	sort.SliceStable(w.cands, func(a, b int) bool {
		if len(w.cands[a].value) != len(w.cands[b].value) {
			return len(w.cands[a].value) > len(w.cands[b].value)
		}
		if w.cands[a].res != w.cands[b].res {
			return w.cands[a].res < w.cands[b].res
		}
		return w.cands[a].attr < w.cands[b].attr
	})
	return w.write(o.Source)
}

type writer struct {
	set          *Set
	kinds        map[string]reconcile.Kind
	names        []string
	project, env string
	cands        []candidate
	refs         []map[int]bool    // resource → resources it refers to
	inputs       map[string]string // input name → env variable
	inputOrder   []string
	notes        []string
}

func (w *writer) write(source string) (*Written, error) {
	root := &yaml.Node{Kind: yaml.MappingNode}
	header := "Written by `reconcile import --write-spec`"
	if source != "" {
		header += " from " + source
	}
	root.HeadComment = header + ".\nReview it, then `reconcile --spec FILE --dry-run`: only the stack's ownership tags should be added."
	addScalar(root, "project", w.project)
	addScalar(root, "environment", w.env)
	addScalar(root, "region", w.set.Region)

	resources := &yaml.Node{Kind: yaml.MappingNode}
	out := &Written{Names: map[string]string{}}
	// Weak references prefer resources a value already refers to: the
	// strong references of every resource are found first.
	props := make([]spec.Props, len(w.set.Resources))
	for i := range w.set.Resources {
		props[i] = w.pruned(i)
		w.scan(i, props[i], "")
	}
	for i, r := range w.set.Resources {
		name := w.names[i]
		out.Names[name] = r.Address
		body := &yaml.Node{Kind: yaml.MappingNode}
		addScalar(body, "type", r.Type)
		p := w.rewrite(i, props[i])
		pn := &yaml.Node{Kind: yaml.MappingNode}
		for _, k := range fieldOrder(p) {
			v := &yaml.Node{}
			if err := v.Encode(p[k]); err != nil {
				return nil, fmt.Errorf("cannot write %s.%s: %w", name, k, err)
			}
			pn.Content = append(pn.Content, scalar(k), v)
		}
		body.Content = append(body.Content, scalar("properties"), pn)
		key := scalar(name)
		key.HeadComment = r.Address
		if len(r.Parts) > 0 {
			key.HeadComment += "\nwith " + strings.Join(r.Parts, ", ")
		}
		resources.Content = append(resources.Content, key, body)
	}
	if len(w.inputOrder) > 0 {
		in := &yaml.Node{Kind: yaml.MappingNode}
		for _, name := range w.inputOrder {
			def := &yaml.Node{Kind: yaml.MappingNode}
			addScalar(def, "env", w.inputs[name])
			def.Content = append(def.Content, scalar("sensitive"), &yaml.Node{Kind: yaml.ScalarNode, Tag: "!!bool", Value: "true"})
			in.Content = append(in.Content, scalar(name), def)
		}
		root.Content = append(root.Content, scalar("inputs"), in)
	}
	root.Content = append(root.Content, scalar("resources"), resources)
	var buf bytes.Buffer
	enc := yaml.NewEncoder(&buf)
	enc.SetIndent(2)
	if err := enc.Encode(root); err != nil {
		return nil, fmt.Errorf("cannot write the spec: %w", err)
	}
	out.YAML = buf.Bytes()
	out.Notes = w.notes
	return out, nil
}

// pruned returns the props of resource i without the values its kind
// would fill in anyway (defaults), and with each secret turned into a
// sensitive input, or left out where the field cannot keep it secret.
func (w *writer) pruned(i int) spec.Props {
	r := w.set.Resources[i]
	schema := w.kinds[r.Type].Schema()
	out := spec.Props{}
	for k, v := range r.Props {
		f := schema[k]
		if isEmpty(v) && f.Default == nil && v != nil {
			if _, isStr := v.(string); isStr {
				continue // an unset string field is left alone: "" says nothing
			}
		}
		if f.Default != nil && reflect.DeepEqual(normal(v), normal(f.Default)) {
			continue
		}
		if f.Type == spec.Object {
			if o, ok := v.(map[string]any); ok {
				v = pruneObject(f.Fields, o)
			}
		}
		if _, ok := v.(tfstate.Secret); ok {
			if !f.Sensitive {
				w.notes = append(w.notes, fmt.Sprintf("%s.%s was sensitive in Terraform and %s cannot keep it secret: left out, set it yourself", w.names[i], k, r.Type))
				continue
			}
			out[k] = rawTemplate("${input." + w.input(i, k) + "}")
			continue
		}
		if hasSecret(v) {
			w.notes = append(w.notes, fmt.Sprintf("%s.%s holds a value that was sensitive in Terraform, and %s cannot keep it secret: left out, set it yourself", w.names[i], k, r.Type))
			continue
		}
		out[k] = v
	}
	return out
}

func pruneObject(s spec.Schema, o map[string]any) map[string]any {
	out := map[string]any{}
	for k, v := range o {
		if f, ok := s[k]; ok && f.Default != nil && reflect.DeepEqual(normal(v), normal(f.Default)) {
			continue
		}
		out[k] = v
	}
	return out
}

// rawTemplate marks a value WriteSpec wrote itself: it is not rewritten.
type rawTemplate string

func (w *writer) input(i int, field string) string {
	name := sanitize(w.names[i] + "_" + field)
	w.inputs[name] = strings.ToUpper(name)
	w.inputOrder = append(w.inputOrder, name)
	w.notes = append(w.notes, fmt.Sprintf("set %s to the value of %s's %s before the first apply (Terraform kept it in its state; this file does not)", strings.ToUpper(name), w.names[i], field))
	return name
}

func hasSecret(v any) bool {
	switch x := v.(type) {
	case tfstate.Secret:
		return true
	case []any:
		for _, e := range x {
			if hasSecret(e) {
				return true
			}
		}
	case map[string]any:
		for _, e := range x {
			if hasSecret(e) {
				return true
			}
		}
	}
	return false
}

// normal makes values comparable with reflect.DeepEqual: numbers as
// int64, empty lists and maps alike.
func normal(v any) any {
	switch x := v.(type) {
	case int:
		return int64(x)
	case []any:
		if len(x) == 0 {
			return []any{}
		}
	case map[string]any:
		if len(x) == 0 {
			return map[string]any{}
		}
	}
	return v
}

// scan records the strong references of resource i's values, so that
// weak ones can prefer the resources already referred to.
func (w *writer) scan(i int, v any, path string) {
	walkStrings(v, path, func(p, s string) {
		t := literal(s)
		for _, c := range w.cands {
			if c.res == i || c.weak {
				continue
			}
			if nt, ok := t.replace(c.value, "", idBounded); ok {
				t = nt
				w.refs[i][c.res] = true
			}
		}
	})
}

func walkStrings(v any, path string, fn func(path, s string)) {
	switch x := v.(type) {
	case string:
		fn(path, x)
	case []any:
		for _, e := range x {
			walkStrings(e, path, fn)
		}
	case map[string]any:
		for k, e := range x {
			walkStrings(e, join(path, k), fn)
		}
	case spec.Props:
		for k, e := range x {
			walkStrings(e, join(path, k), fn)
		}
	}
}

func join(path, k string) string {
	if path == "" {
		return k
	}
	return path + "." + k
}

// rewrite turns the values of resource i into templates.
func (w *writer) rewrite(i int, p spec.Props) map[string]any {
	schema := w.kinds[w.set.Resources[i].Type].Schema()
	out := map[string]any{}
	for _, k := range fieldOrder(p) {
		out[k] = w.rewriteValue(i, k, p[k], schema[k].Type == spec.Document)
	}
	return out
}

// rewriteValue turns the strings of v into templates. In a document (a
// policy) the project's name may stand for something else (a GitHub
// repository trip-assistant/trip-assistant), so names are left as they are
// there; ARNs still become references.
func (w *writer) rewriteValue(i int, path string, v any, doc bool) any {
	switch x := v.(type) {
	case rawTemplate:
		return string(x)
	case string:
		return w.template(i, path, x, doc).String()
	case []any:
		out := make([]any, len(x))
		for n, e := range x {
			out[n] = w.rewriteValue(i, path, e, doc)
		}
		return out
	case map[string]any:
		out := make(map[string]any, len(x))
		for k, e := range x {
			out[k] = w.rewriteValue(i, join(path, k), e, doc)
		}
		return out
	}
	return v
}

var accountRE = regexp.MustCompile(`^\d{12}$`)

func (w *writer) template(i int, path, s string, doc bool) template {
	t := literal(s)
	if !ownFields[path] {
		t = w.references(i, path, t)
	}
	if a := w.set.AccountID; accountRE.MatchString(a) {
		t, _ = t.replace(a, "account_id", partBounded)
	}
	t, _ = t.replace(w.set.Region, "region", partBounded)
	if doc {
		return t
	}
	var hadProject bool
	t, hadProject = t.replace(w.project, "project", partBounded)
	if hadProject || t.whole(w.env) {
		t, _ = t.replace(w.env, "environment", partBounded)
	}
	return t
}

// references replaces values equal to other resources' attributes.
func (w *writer) references(i int, path string, t template) template {
	hint := ""
	lower := strings.ToLower(path)
	for _, h := range kindHints {
		if strings.Contains(lower, h.word) {
			hint = h.kind
			break
		}
	}
	for n := 0; n < len(w.cands); {
		// The candidates of one value, best first.
		m := n
		for m < len(w.cands) && w.cands[m].value == w.cands[n].value {
			m++
		}
		group := w.cands[n:m]
		n = m
		var pick *candidate
		best, tied := -1, false
		for k := range group {
			c := &group[k]
			if c.res == i || !w.acyclic(i, c.res) {
				continue
			}
			if c.weak && !t.whole(c.value) {
				continue // a weak value stands only for a whole field
			}
			r := w.rank(i, hint, c)
			if c.weak && r == 0 {
				continue // nothing says this name is that resource's
			}
			switch {
			case r > best:
				pick, best, tied = c, r, false
			case r == best && c.res != pick.res:
				tied = true
			}
		}
		// Two resources equally likely: a name could be either's, and a
		// wrong reference is worse than none. Distinctive values (ARNs)
		// are equal whichever is picked.
		if pick == nil || (tied && pick.weak) {
			continue
		}
		nt, ok := t.replace(pick.value, w.names[pick.res]+"."+pick.attr, idBounded)
		if ok {
			t = nt
			w.refs[i][pick.res] = true
		}
	}
	return t
}

// rank says how likely a value of resource i is candidate c's: c is a
// resource i already refers to (4), of the kind the field's name says
// (2), one that refers to something i refers to (1: the alias of the
// function a permission names). The kind a field names outweighs a shared
// reference, which depends on the order resources are written in.
func (w *writer) rank(i int, hint string, c *candidate) int {
	r := 0
	if w.refs[i][c.res] {
		r += 4
	}
	if w.set.Resources[c.res].Type == hint {
		r += 2
	}
	for k := range w.refs[c.res] {
		if w.refs[i][k] {
			r++
			break
		}
	}
	return r
}

// acyclic reports whether i may refer to j: j must not refer to i,
// directly or not.
func (w *writer) acyclic(i, j int) bool {
	seen := map[int]bool{}
	var reaches func(from int) bool
	reaches = func(from int) bool {
		if from == i {
			return true
		}
		if seen[from] {
			return false
		}
		seen[from] = true
		for next := range w.refs[from] {
			if reaches(next) {
				return true
			}
		}
		return false
	}
	return !reaches(j)
}

// fieldOrder: name first (what a reader looks for), then the rest sorted.
func fieldOrder(p map[string]any) []string {
	keys := make([]string, 0, len(p))
	for k := range p {
		if k != "name" {
			keys = append(keys, k)
		}
	}
	sort.Strings(keys)
	if _, ok := p["name"]; ok {
		keys = append([]string{"name"}, keys...)
	}
	return keys
}

func scalar(s string) *yaml.Node { return &yaml.Node{Kind: yaml.ScalarNode, Tag: "!!str", Value: s} }

func addScalar(m *yaml.Node, k, v string) { m.Content = append(m.Content, scalar(k), scalar(v)) }

// inferStack reads the project and environment from the names of the
// resources: the team names them PROJECT-WHAT-ENVIRONMENT.
func inferStack(set *Set) (project, env string) {
	var names [][]string
	ends := map[string]int{}
	for _, r := range set.Resources {
		n, _ := r.Props["name"].(string)
		if n == "" || strings.ContainsAny(n, "/:") {
			continue
		}
		parts := strings.Split(n, "-")
		if len(parts) < 2 {
			continue
		}
		names = append(names, parts)
		ends[parts[len(parts)-1]]++
	}
	env = most(ends)
	if env == "" {
		return "", ""
	}
	var prefix []string
	first := true
	for _, parts := range names {
		if parts[len(parts)-1] != env {
			continue
		}
		parts = parts[:len(parts)-1]
		if first {
			prefix, first = parts, false
			continue
		}
		k := 0
		for k < len(prefix) && k < len(parts) && prefix[k] == parts[k] {
			k++
		}
		prefix = prefix[:k]
	}
	return strings.Join(prefix, "-"), env
}
