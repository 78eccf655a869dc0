package reconcile

import (
	"context"
	"fmt"

	"github.com/trip-assistant/stack/reconcile/spec"
)

// A saved plan (reconcile/planfile) is applied only while what it was made
// from still holds. These two views let it check that without knowing how
// the engine plans: what each resource of a spec digests to, and what AWS
// answers now to the very requests the plan observed.

// ResourceDigests returns, by logical name, the digest the state would
// record of each managed resource of sp (its props as the spec and its
// inputs give them): two specs differ for a resource exactly where these
// differ. Resources of unknown types are left out (the plan reports them).
func (e *Engine) ResourceDigests(sp *spec.Spec) map[string]string {
	out := make(map[string]string, len(sp.Resources))
	for name, r := range sp.Resources {
		k := e.Kinds[r.Type]
		if k == nil || r.Data {
			continue
		}
		out[name] = specDigest(k.Schema(), sp, r, name)
	}
	return out
}

// Reobserve reads again every resource p observed, with the request the
// plan made for it (the recorded id from st, the planned desired props,
// whose sensitive values are digests the kinds never need to find a
// resource, the fields sp ignores), and returns the observations by change
// name, redacted as a plan keeps them. sp and st must be the spec and state
// p was planned from. It changes nothing.
//
// The requests are the ones Plan makes (observeRequest builds both).
func (e *Engine) Reobserve(ctx context.Context, p *Plan, sp *spec.Spec, st *State) (map[string]Observation, error) {
	e.beginPlan()
	// As Plan does: records the spec's moved: renames are under their new
	// names (the errors of a bad move are the plan's already).
	st, _ = movedState(sp, st, &Plan{})
	reqs := map[string][]ObserveRequest{}
	kinds := map[string]Kind{}
	for _, c := range p.Changes {
		k := e.Kinds[c.Type]
		if k == nil {
			return nil, fmt.Errorf("%s: the plan names type %q, which this version of reconcile does not know", c.Name, c.Type)
		}
		var res *spec.Resource
		if c.InSpec {
			res = sp.Resources[logicalName(c.Name)]
		}
		// As Plan does: the record is this node's only if it is of its type
		// (a type change plans the old record under name#old).
		var rec *StateResource
		if sr, ok := st.Resources[logicalName(c.Name)]; ok && sr.Type == c.Type {
			rec = &sr
		}
		reqs[c.Type] = append(reqs[c.Type], observeRequest(c.Name, rec, res, c.Desired))
		kinds[c.Type] = k
	}
	obs, err := e.observe(ctx, kinds, reqs)
	if err != nil {
		return nil, err
	}
	out := make(map[string]Observation, len(p.Changes))
	for _, c := range p.Changes {
		ob := obs[typed{c.Type, logicalName(c.Name)}]
		ob.Props = redact(e.Kinds[c.Type].Schema(), ob.Props)
		out[c.Name] = ob
	}
	return out, nil
}
