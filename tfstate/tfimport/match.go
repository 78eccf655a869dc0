package tfimport

import (
	"fmt"
	"sort"
	"strings"

	"github.com/trip-assistant/stack/reconcile"
	"github.com/trip-assistant/stack/reconcile/spec"
	"github.com/trip-assistant/stack/tfstate"
)

// Finding is a Terraform instance or a spec resource that an import leaves
// out, why, and what to do about it.
type Finding struct {
	Address string // the Terraform address, for an instance
	Name    string // the spec's name, for a spec resource
	Type    string // our kind, when known
	Reason  string
	Action  string
}

// Matched pairs a spec resource with the Terraform instance it is.
type Matched struct {
	Name    string
	Address string
	Parts   []string // instances merged into it
	// Record is what the state records: Digest is empty, which the plan
	// reads as imported and not applied yet.
	Record reconcile.StateResource
}

// Result is a match of a Terraform state against a spec.
type Result struct {
	Matched            []Matched // in spec order
	UnmatchedInstances []Finding // in state order
	UnmatchedSpec      []Finding // in spec order
}

// State returns the state records of the matched resources by logical name.
func (r *Result) State() map[string]reconcile.StateResource {
	out := make(map[string]reconcile.StateResource, len(r.Matched))
	for _, m := range r.Matched {
		out[m.Name] = m.Record
	}
	return out
}

// Match finds, for every spec resource, the imported resource of the same
// kind and identity (its ImportKey, with the spec's references resolved
// from the attributes of the resources matched before it). It calls no
// AWS API. The spec's region must be the state's.
func Match(set *Set, s *spec.Spec, kinds map[string]reconcile.Kind) (*Result, error) {
	return match(set, viewOf(s), kinds)
}

func match(set *Set, sv specView, kinds map[string]reconcile.Kind) (*Result, error) {
	if set.Region != "" && sv.Region != "" && set.Region != sv.Region {
		return nil, fmt.Errorf("the Terraform state's resources are in %s and the spec's region is %s: import into the spec of that region", set.Region, sv.Region)
	}
	matched := map[string]*Resource{}   // spec name → resource
	claimedBy := map[*Resource]string{} // resource → spec name
	lookup := func(expr string) (string, bool) {
		switch expr {
		case "project":
			return sv.Project, true
		case "environment":
			return sv.Environment, true
		case "region":
			return sv.Region, true
		case "account_id":
			return set.AccountID, set.AccountID != ""
		}
		if name, ok := strings.CutPrefix(expr, "input."); ok {
			in, ok := sv.Inputs[name]
			// A sensitive input is never part of an identity.
			return in.Value, ok && in.Set && !in.Sensitive
		}
		name, attr, _ := strings.Cut(expr, ".")
		r, ok := matched[name]
		if !ok {
			return "", false
		}
		v, ok := r.Attrs[attr]
		return v, ok && v != ""
	}
	res := &Result{}
	var findings = map[string]Finding{}
	pending := map[string]bool{}
	for _, r := range sv.Resources {
		pending[r.Name] = true
	}
	for progress := true; progress && len(pending) > 0; {
		progress = false
		for _, r := range sv.Resources {
			if !pending[r.Name] {
				continue
			}
			imp, ok := kinds[r.Type].(tfstate.Importer)
			if !ok {
				findings[r.Name] = Finding{Name: r.Name, Type: r.Type, Reason: "its kind cannot take a resource over from Terraform",
					Action: "the plan treats it as not in the state"}
				delete(pending, r.Name)
				progress = true
				continue
			}
			key, ok := imp.ImportKey(resolve(r.Props, lookup))
			if !ok {
				if waitsOn(r, pending) {
					continue
				}
				findings[r.Name] = unresolved(r, matched)
				delete(pending, r.Name)
				progress = true
				continue
			}
			delete(pending, r.Name)
			progress = true
			var found []*Resource
			for _, c := range set.Resources {
				if c.Type == r.Type && c.Key == key {
					found = append(found, c)
				}
			}
			switch {
			case len(found) == 0:
				findings[r.Name] = Finding{Name: r.Name, Type: r.Type, Reason: "no instance in the Terraform state has its identity (" + describeKey(key) + ")",
					Action: "the plan shows it as new in the spec: the next apply creates it"}
			case len(found) > 1:
				findings[r.Name] = Finding{Name: r.Name, Type: r.Type, Reason: fmt.Sprintf("%d instances in the Terraform state have its identity: %s", len(found), addresses(found)),
					Action: "keep one of them in the Terraform state (terraform state rm the others) and import again"}
			case claimedBy[found[0]] != "":
				findings[r.Name] = Finding{Name: r.Name, Type: r.Type, Reason: found[0].Address + " is already matched to " + claimedBy[found[0]],
					Action: "two spec resources describe the same AWS resource: remove one from the spec"}
			default:
				matched[r.Name] = found[0]
				claimedBy[found[0]] = r.Name
			}
		}
	}
	for _, r := range sv.Resources {
		if c, ok := matched[r.Name]; ok {
			res.Matched = append(res.Matched, Matched{Name: r.Name, Address: c.Address, Parts: c.Parts,
				Record: reconcile.StateResource{Type: r.Type, ID: c.ID, Protect: r.Protect, Deps: append([]string(nil), r.Deps...)}})
			continue
		}
		if f, ok := findings[r.Name]; ok {
			res.UnmatchedSpec = append(res.UnmatchedSpec, f)
		}
	}
	for _, c := range set.Resources {
		if claimedBy[c] == "" {
			res.UnmatchedInstances = append(res.UnmatchedInstances, Finding{Address: c.Address, Type: c.Type,
				Reason: "no resource of the spec has its identity (" + describeKey(c.Key) + ")",
				Action: "add it to spec.yaml (import --write-spec shows it in spec form), or leave it to Terraform"})
		}
	}
	for _, sk := range set.Skipped {
		res.UnmatchedInstances = append(res.UnmatchedInstances, Finding{Address: sk.Address, Reason: sk.Reason, Action: "left to Terraform: reconcile does not take it over"})
	}
	return res, nil
}

// waitsOn reports whether r refers to a resource not yet matched or
// given up on, whose attributes may still tell r's identity.
func waitsOn(r specResource, pending map[string]bool) bool {
	for _, d := range r.Deps {
		if pending[d] {
			return true
		}
	}
	return false
}

func unresolved(r specResource, matched map[string]*Resource) Finding {
	var missing []string
	for _, d := range r.Deps {
		if _, ok := matched[d]; !ok {
			missing = append(missing, d)
		}
	}
	reason := "its identity depends on a value only known after apply (an input or a resource's attribute)"
	if len(missing) > 0 {
		reason = "its identity depends on " + strings.Join(missing, ", ") + ", which matched no instance"
	}
	return Finding{Name: r.Name, Type: r.Type, Reason: reason,
		Action: "the plan shows it as new in the spec: the next apply creates it"}
}

func describeKey(k string) string { return strings.ReplaceAll(k, "\x00", ", ") }

func addresses(rs []*Resource) string {
	a := make([]string, len(rs))
	for i, r := range rs {
		a[i] = r.Address
	}
	sort.Strings(a)
	return strings.Join(a, ", ")
}
