package tfimport

import (
	"fmt"
	"regexp"
	"sort"
	"strings"

	"github.com/trip-assistant/stack/reconcile"
	"github.com/trip-assistant/stack/reconcile/spec"
	"github.com/trip-assistant/stack/tfstate"
)

// Resource is one resource Terraform manages, in a kind's terms, with the
// instances that are fields of it merged in.
type Resource struct {
	// Address is the Terraform address of the instance.
	Address string
	// Parts are the addresses of the instances merged into it
	// (aws_ecr_lifecycle_policy, aws_iam_role_policy_attachment).
	Parts []string
	// Type is our kind's type name; Key its tfstate.Importer.ImportKey.
	Type string
	Key  string
	tfstate.Imported
	inst *tfstate.Instance
}

// Skipped is an instance that is not imported, and why.
type Skipped struct {
	Address string
	Reason  string
}

// Set is what a Terraform state holds that our kinds can take over.
type Set struct {
	// Resources in state order.
	Resources []*Resource
	// Skipped: managed instances of types no kind takes (left to
	// Terraform), instances a kind refused, parts whose resource is not
	// in the state. Data sources and deposed objects are not listed.
	Skipped []Skipped
	// AccountID and Region of the resources, from the state's
	// aws_caller_identity and aws_region data sources or else from the
	// ARNs; "" when the state tells neither.
	AccountID, Region string
}

// Importers returns the kinds that implement tfstate.Importer by the
// Terraform types they take.
func Importers(kinds map[string]reconcile.Kind) (map[string]tfstate.Importer, map[string]string, error) {
	byTF := map[string]tfstate.Importer{}
	kindOf := map[string]string{}
	names := make([]string, 0, len(kinds))
	for n := range kinds {
		names = append(names, n)
	}
	sort.Strings(names)
	for _, n := range names {
		imp, ok := kinds[n].(tfstate.Importer)
		if !ok {
			continue
		}
		for _, t := range imp.TerraformTypes() {
			if other, dup := kindOf[t]; dup {
				return nil, nil, fmt.Errorf("terraform type %s is taken by both %s and %s", t, other, n)
			}
			byTF[t], kindOf[t] = imp, n
		}
	}
	return byTF, kindOf, nil
}

// Convert turns the managed instances of st into resources of kinds.
// It reads nothing but st.
func Convert(st *tfstate.State, kinds map[string]reconcile.Kind) (*Set, error) {
	byTF, kindOf, err := Importers(kinds)
	if err != nil {
		return nil, err
	}
	set := &Set{}
	type part struct {
		addr string
		kind string
		imp  tfstate.Imported
	}
	var parts []part
	for _, inst := range st.Instances {
		if inst.Mode != tfstate.Managed {
			set.observeData(inst)
			continue
		}
		imp, ok := byTF[inst.Type]
		if !ok {
			reason := "no kind manages " + inst.Type + ": left to Terraform"
			if !strings.HasPrefix(inst.Type, "aws_") {
				reason = "not an AWS resource: left to Terraform"
			}
			set.Skipped = append(set.Skipped, Skipped{inst.Address, reason})
			continue
		}
		got, err := imp.FromTerraform(inst)
		if err != nil {
			set.Skipped = append(set.Skipped, Skipped{inst.Address, err.Error()})
			continue
		}
		if got.PartOf != nil {
			parts = append(parts, part{inst.Address, kindOf[inst.Type], got})
			continue
		}
		key, ok := imp.ImportKey(got.Props)
		if !ok {
			set.Skipped = append(set.Skipped, Skipped{inst.Address, "its identity is not in the state"})
			continue
		}
		set.Resources = append(set.Resources, &Resource{Address: inst.Address, Type: kindOf[inst.Type], Key: key, Imported: got, inst: inst})
	}
	for _, p := range parts {
		owner, err := set.find(p.kind, kinds[p.kind].(tfstate.Importer), p.imp.PartOf)
		if err != nil {
			set.Skipped = append(set.Skipped, Skipped{p.addr, err.Error()})
			continue
		}
		if err := merge(owner.Props, p.imp.Props); err != nil {
			set.Skipped = append(set.Skipped, Skipped{p.addr, fmt.Sprintf("cannot merge into %s: %v", owner.Address, err)})
			continue
		}
		owner.Parts = append(owner.Parts, p.addr)
	}
	set.guessAccount()
	return set, nil
}

// find returns the resource of kind a part belongs to.
func (s *Set) find(kind string, imp tfstate.Importer, identity spec.Props) (*Resource, error) {
	key, ok := imp.ImportKey(identity)
	if !ok {
		return nil, fmt.Errorf("the %s it belongs to is not named", kind)
	}
	for _, r := range s.Resources {
		if r.Type == kind && r.Key == key {
			return r, nil
		}
	}
	return nil, fmt.Errorf("the %s it belongs to (%s) is not in the Terraform state: add that resource to the spec with this field", kind, describe(identity))
}

func describe(p spec.Props) string {
	keys := make([]string, 0, len(p))
	for k := range p {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	var parts []string
	for _, k := range keys {
		parts = append(parts, fmt.Sprintf("%s %v", k, p[k]))
	}
	return strings.Join(parts, ", ")
}

// merge adds a part's props to its resource's: lists are joined as sets
// (managed policy ARNs), other fields may be set once.
func merge(into, part spec.Props) error {
	for k, v := range part {
		cur, ok := into[k]
		if !ok || cur == nil || isEmpty(cur) {
			into[k] = v
			continue
		}
		if l, isList := v.([]any); isList {
			have := map[string]bool{}
			out := append([]any{}, cur.([]any)...)
			for _, e := range out {
				have[fmt.Sprint(e)] = true
			}
			for _, e := range l {
				if !have[fmt.Sprint(e)] {
					out = append(out, e)
				}
			}
			sort.Slice(out, func(i, j int) bool { return fmt.Sprint(out[i]) < fmt.Sprint(out[j]) })
			into[k] = out
			continue
		}
		return fmt.Errorf("%s is set twice", k)
	}
	return nil
}

func isEmpty(v any) bool {
	switch x := v.(type) {
	case []any:
		return len(x) == 0
	case map[string]any:
		return len(x) == 0
	case string:
		return x == ""
	}
	return false
}

func (s *Set) observeData(inst *tfstate.Instance) {
	switch inst.Type {
	case "aws_caller_identity":
		if a := inst.String("account_id"); a != "" && s.AccountID == "" {
			s.AccountID = a
		}
	case "aws_region":
		// name until provider v6, region since.
		r := inst.String("name")
		if r == "" {
			r = inst.String("region")
		}
		if r != "" && s.Region == "" {
			s.Region = r
		}
	}
}

var arnRE = regexp.MustCompile(`^arn:aws[a-z-]*:[a-z0-9-]+:([a-z]{2}(?:-[a-z]+)+-\d)?:(\d{12})?:`)

// guessAccount takes the account and region from the resources' ARNs when
// no data source gave them: the most frequent wins.
func (s *Set) guessAccount() {
	if s.AccountID != "" && s.Region != "" {
		return
	}
	accounts, regions := map[string]int{}, map[string]int{}
	for _, r := range s.Resources {
		for _, v := range r.Attrs {
			if m := arnRE.FindStringSubmatch(v); m != nil {
				if m[1] != "" {
					regions[m[1]]++
				}
				if m[2] != "" {
					accounts[m[2]]++
				}
			}
		}
	}
	if s.AccountID == "" {
		s.AccountID = most(accounts)
	}
	if s.Region == "" {
		s.Region = most(regions)
	}
}

func most(m map[string]int) string {
	best, n := "", 0
	for k, c := range m {
		if c > n || c == n && k < best {
			best, n = k, c
		}
	}
	return best
}
