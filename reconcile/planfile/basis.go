package planfile

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"maps"
	"slices"
	"strings"
	"time"

	"github.com/trip-assistant/stack/reconcile"
	"github.com/trip-assistant/stack/reconcile/spec"
)

// Basis is what a plan was made from. Applying the plan is only the apply
// that was reviewed while all of it still holds.
type Basis struct {
	// SpecFile is the spec's path as the plan command was given it.
	SpecFile   string `json:"spec_file"`
	SpecDigest string `json:"spec_digest"`
	// Resources are the digests of each managed resource's props as the
	// spec and its inputs give them, to name the resources a spec edit
	// touched.
	Resources map[string]string `json:"resource_digests"`
	// Inputs are the digests of the inputs' values by input name; "" for
	// an input that was unset.
	Inputs map[string]string `json:"input_digests"`
	// AccountID is the account ${account_id} stood for, "" if unused.
	AccountID   string `json:"account_id,omitempty"`
	StateSerial int64  `json:"state_serial"`
	// Observations hold, by change name, a digest of each part of what
	// Observe read: "exists", "id", "props.FIELD" and "attrs.NAME".
	Observations map[string]map[string]string `json:"observations"`
}

// New records p with what it was made from: sp, the state st it was
// planned against, and the kinds of eng (for the resources' digests).
func New(p *reconcile.Plan, sp *spec.Spec, st *reconcile.State, eng *reconcile.Engine, toolVersion string) *File {
	b := Basis{
		SpecFile: sp.File, SpecDigest: sp.Digest, Resources: eng.ResourceDigests(sp),
		Inputs: inputDigests(sp), AccountID: sp.AccountID, StateSerial: st.Serial,
		Observations: map[string]map[string]string{},
	}
	for _, c := range p.Changes {
		b.Observations[c.Name] = ObservationDigests(c.Live)
	}
	f := &File{ToolVersion: toolVersion, Created: time.Now().UTC(), Basis: b, Plan: p}
	for _, in := range sp.Inputs {
		if in.Sensitive && in.Set {
			f.secrets = append(f.secrets, secretValue{input: in.Name, value: in.Value})
		}
	}
	return f
}

// secretValue is a sensitive input's value, held in memory by a File being
// made so that Encode can prove the document does not hold it.
type secretValue struct{ input, value string }

func inputDigests(sp *spec.Spec) map[string]string {
	out := make(map[string]string, len(sp.Inputs))
	for name, in := range sp.Inputs {
		out[name] = ""
		if in.Set {
			out[name] = reconcile.SecretDigest(in.Value)
		}
	}
	return out
}

// ObservationDigests digests each part of an observation (redacted as a
// plan keeps it), so a later read that differs names the field that moved.
func ObservationDigests(ob reconcile.Observation) map[string]string {
	out := map[string]string{"exists": fmt.Sprint(ob.Exists)}
	if !ob.Exists {
		return out
	}
	out["id"] = digestOf(ob.ID)
	for k, v := range ob.Props {
		ev, err := encodeValue(k, v)
		if err != nil {
			// Not saveable: the plan itself fails to encode with the
			// same error; digest what can be printed meanwhile.
			out["props."+k] = digestOf(fmt.Sprintf("%T %v", v, v))
			continue
		}
		out["props."+k] = digestOf(ev)
	}
	for k, v := range ob.Attrs {
		out["attrs."+k] = digestOf(v)
	}
	return out
}

func digestOf(v any) string {
	b, _ := json.Marshal(v) // maps marshal with sorted keys
	sum := sha256.Sum256(b)
	return hex.EncodeToString(sum[:16])
}

// StaleError says why a saved plan no longer applies. Nothing was written
// to AWS when it is returned.
type StaleError struct {
	Moved []string
}

func (e *StaleError) Error() string {
	return "the saved plan no longer applies, so nothing was changed; since it was made:\n  - " +
		strings.Join(e.Moved, "\n  - ") +
		"\nPlan again (reconcile plan --out FILE), review the new plan and apply that."
}

// Check refuses the saved plan, with a *StaleError naming everything that
// moved, unless sp, its inputs, the state st and every planned resource's
// live value are what the plan was made from. It reads AWS (through eng's
// kinds), never writes to it.
func (f *File) Check(ctx context.Context, eng *reconcile.Engine, sp *spec.Spec, st *reconcile.State) error {
	moved := f.staticMoves(sp, st, eng.ResourceDigests(sp))
	if f.Plan.Stack == sp.Project+"/"+sp.Environment && f.Plan.Region == sp.Region {
		obs, err := eng.Reobserve(ctx, f.Plan, sp, st)
		if err != nil {
			return fmt.Errorf("cannot read the planned resources again: %w", err)
		}
		moved = append(moved, f.liveMoves(obs)...)
	}
	if len(moved) > 0 {
		return &StaleError{Moved: moved}
	}
	return nil
}

// CheckSerial refuses the plan with a *StaleError when st is not the state
// it was planned from: for the check made again once the lock is held.
func (f *File) CheckSerial(st *reconcile.State) error {
	if m := serialMove(f.Basis.StateSerial, st); m != "" {
		return &StaleError{Moved: []string{m}}
	}
	return nil
}

func serialMove(planned int64, st *reconcile.State) string {
	if st.Serial == planned {
		return ""
	}
	m := fmt.Sprintf("the state moved on from serial %d to %d", planned, st.Serial)
	if !st.Time.IsZero() {
		m += fmt.Sprintf(" (written at %s", st.Time.UTC().Format(time.RFC3339))
		if st.ToolVersion != "" {
			m += " by reconcile " + st.ToolVersion
		}
		m += "): another run applied to the stack"
	}
	return m
}

func (f *File) staticMoves(sp *spec.Spec, st *reconcile.State, resources map[string]string) []string {
	var moved []string
	b := f.Basis
	if stack := sp.Project + "/" + sp.Environment; stack != f.Plan.Stack {
		moved = append(moved, fmt.Sprintf("the spec is for stack %s, the plan for %s", stack, f.Plan.Stack))
	}
	if sp.Region != f.Plan.Region {
		moved = append(moved, fmt.Sprintf("the region is %s, the plan's %s", sp.Region, f.Plan.Region))
	}
	if sp.AccountID != b.AccountID && b.AccountID != "" {
		moved = append(moved, fmt.Sprintf("the account is %s, the plan's %s", sp.AccountID, b.AccountID))
	}
	if sp.Digest != b.SpecDigest {
		moved = append(moved, specMove(sp.File, b.Resources, resources))
	}
	now := inputDigests(sp)
	for _, name := range slices.Sorted(maps.Keys(union(b.Inputs, now))) {
		was, is := b.Inputs[name], now[name]
		if was == is {
			continue
		}
		in := sp.Inputs[name]
		what := "input " + name
		if in.Env != "" {
			what += " ($" + in.Env + ")"
		}
		_, declared := sp.Inputs[name]
		switch {
		case !declared:
			moved = append(moved, what+" is no longer declared")
		case was == "":
			moved = append(moved, what+" is set now; it was unset when the plan was made")
		case is == "":
			moved = append(moved, what+" is unset; the plan was made with a value")
		default:
			moved = append(moved, what+" has another value than the one planned with")
		}
	}
	if m := serialMove(b.StateSerial, st); m != "" {
		moved = append(moved, m)
	}
	return moved
}

// specMove names the resources whose spec changed.
func specMove(file string, planned, now map[string]string) string {
	var changed, added, removed []string
	for _, name := range slices.Sorted(maps.Keys(union(planned, now))) {
		p, inPlan := planned[name]
		n, inNow := now[name]
		switch {
		case inPlan && !inNow:
			removed = append(removed, name)
		case !inPlan && inNow:
			added = append(added, name)
		case p != n:
			changed = append(changed, name)
		}
	}
	m := file + " changed"
	var parts []string
	for _, g := range []struct {
		label string
		names []string
	}{{"changed", changed}, {"added", added}, {"removed", removed}} {
		if len(g.names) > 0 {
			parts = append(parts, g.label+": "+strings.Join(g.names, ", "))
		}
	}
	if len(parts) == 0 {
		return m + " (no resource's properties: outputs, inputs' declarations or layout)"
	}
	return m + " (resources " + strings.Join(parts, "; ") + ")"
}

func (f *File) liveMoves(obs map[string]reconcile.Observation) []string {
	var moved []string
	for _, c := range f.Plan.Changes {
		was := f.Basis.Observations[c.Name]
		ob := obs[c.Name]
		is := ObservationDigests(ob)
		what := c.Name + " (" + c.Type
		if id := c.DisplayID(); id != "" {
			what += " " + id
		}
		what += ")"
		switch {
		case was == nil:
			moved = append(moved, what+": the plan holds no observation of it")
			continue
		case was["exists"] == "true" && !ob.Exists:
			moved = append(moved, what+" was deleted in AWS")
			continue
		case was["exists"] != "true" && ob.Exists:
			moved = append(moved, what+" now exists in AWS; it did not when planned")
			continue
		}
		var fields []string
		for _, k := range slices.Sorted(maps.Keys(union(was, is))) {
			if was[k] != is[k] {
				fields = append(fields, strings.TrimPrefix(strings.Replace(k, "attrs.", "attribute ", 1), "props."))
			}
		}
		if len(fields) > 0 {
			moved = append(moved, fmt.Sprintf("%s changed in AWS: %s", what, strings.Join(fields, ", ")))
		}
	}
	return moved
}

func union(a, b map[string]string) map[string]string {
	out := make(map[string]string, len(a)+len(b))
	for k, v := range a {
		out[k] = v
	}
	for k, v := range b {
		out[k] = v
	}
	return out
}
