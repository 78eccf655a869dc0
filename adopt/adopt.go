package adopt

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"time"

	"github.com/trip-assistant/stack/reconcile"
	"github.com/trip-assistant/stack/reconcile/spec"
	"github.com/trip-assistant/stack/tfstate"
	"github.com/trip-assistant/stack/tfstate/tfimport"
)

// Importer records live resources in one stack's state.
type Importer struct {
	Kinds map[string]reconcile.Kind
	Store reconcile.StateStore
	// Lock is the lock the import takes; its Operation is set here.
	Lock reconcile.LockInfo
}

// Report is what an import did.
type Report struct {
	// Match is the Terraform state matched against the spec (Terraform only).
	Match *tfimport.Result
	// Recorded are the names newly recorded, in spec order.
	Recorded []string
	// Kept are matched names the state already recorded with the same id:
	// their records are left as they are (an applied record keeps its digest).
	Kept []string
	// Refused are matched names the state records with another id, or ids
	// the state records under another name: left alone.
	Refused []tfimport.Finding
	// Serial is the state serial written, 0 when nothing was written.
	Serial int64
}

// Terraform records every spec resource that matches an instance of tf.
// Nothing but the state is written: no AWS resource is created, changed
// or deleted.
func (im *Importer) Terraform(ctx context.Context, sp *spec.Spec, tf *tfstate.State) (*Report, error) {
	set, err := tfimport.Convert(tf, im.Kinds)
	if err != nil {
		return nil, fmt.Errorf("cannot read the Terraform state's resources: %w", err)
	}
	if set.AccountID != "" && sp.AccountID != "" && set.AccountID != sp.AccountID {
		return nil, fmt.Errorf("the Terraform state's resources are in account %s and the credentials are of account %s: import with the credentials of that account", set.AccountID, sp.AccountID)
	}
	m, err := tfimport.Match(set, sp, im.Kinds)
	if err != nil {
		return nil, err
	}
	rep := &Report{Match: m}
	records := make([]named, 0, len(m.Matched))
	for _, mm := range m.Matched {
		records = append(records, named{mm.Name, mm.Record, mm.Address})
	}
	err = im.locked(ctx, "import --terraform-state", func(ctx context.Context) error {
		return im.record(ctx, rep, records)
	})
	return rep, err
}

type named struct {
	name   string
	rec    reconcile.StateResource
	source string // the Terraform address, or the id given
}

// record writes the records the state does not hold yet, once.
func (im *Importer) record(ctx context.Context, rep *Report, records []named) error {
	st, err := im.Store.Load(ctx)
	if err != nil {
		return err
	}
	byID := map[string]string{}
	for name, r := range st.Resources {
		byID[r.Type+"\x00"+r.ID] = name
	}
	for _, n := range records {
		if old, ok := st.Resources[n.name]; ok {
			if old.Type == n.rec.Type && old.ID == n.rec.ID {
				rep.Kept = append(rep.Kept, n.name)
				continue
			}
			rep.Refused = append(rep.Refused, tfimport.Finding{Address: n.source, Name: n.name, Type: n.rec.Type,
				Reason: fmt.Sprintf("the state already records %s as %s %s", n.name, old.Type, old.ID),
				Action: "if that record is wrong, forget it with `reconcile state rm " + n.name + "` and import again"})
			continue
		}
		if other, ok := byID[n.rec.Type+"\x00"+n.rec.ID]; ok {
			rep.Refused = append(rep.Refused, tfimport.Finding{Address: n.source, Name: n.name, Type: n.rec.Type,
				Reason: fmt.Sprintf("the state already records %s %s as %s", n.rec.Type, n.rec.ID, other),
				Action: "rename " + other + " in the spec with moved: instead, or forget it with `reconcile state rm " + other + "`"})
			continue
		}
		st.Resources[n.name] = n.rec
		byID[n.rec.Type+"\x00"+n.rec.ID] = n.name
		rep.Recorded = append(rep.Recorded, n.name)
	}
	if len(rep.Recorded) == 0 {
		return nil
	}
	st.Serial++
	st.Time = time.Now().UTC()
	if err := im.Store.Save(ctx, st); err != nil {
		return err
	}
	rep.Serial = st.Serial
	return nil
}

// One records the live resource id as the spec's resource name: it is
// read through its kind (by id alone, as a resource removed from the spec
// is) and refused when it does not exist or another stack owns it.
func (im *Importer) One(ctx context.Context, sp *spec.Spec, name, id string) (*Report, error) {
	r, ok := sp.Resources[name]
	switch {
	case !ok:
		return nil, fmt.Errorf("%s: no resource of that name in %s (the spec's resource to import into)", name, sp.File)
	case r.Data:
		return nil, fmt.Errorf("%s is a data source: the stack only reads it, there is nothing to import", name)
	case id == "":
		return nil, fmt.Errorf("%s: the id to import is empty", name)
	}
	k := im.Kinds[r.Type]
	if k == nil {
		return nil, fmt.Errorf("%s: type %s is not known to this version of reconcile", name, r.Type)
	}
	if ps, ok := k.(reconcile.PlanScoped); ok {
		ps.BeginPlan()
	}
	ob, err := k.Observe(ctx, reconcile.ObserveRequest{Name: name, ID: id})
	if err != nil {
		return nil, fmt.Errorf("cannot read %s %s: %w", r.Type, id, err)
	}
	if !ob.Exists {
		return nil, fmt.Errorf("no %s with id %s exists (nothing recorded): check the id, in the form `reconcile state list` shows for this type", r.Type, id)
	}
	stack := sp.Project + "/" + sp.Environment
	if owner := reconcile.Owner(ob.Props); owner != "" && owner != stack {
		return nil, fmt.Errorf("%s %s belongs to the stack %s (its %s tag says so): this stack will not adopt it (nothing recorded)", r.Type, id, owner, reconcile.TagStack)
	}
	if ob.ID == "" {
		ob.ID = id
	}
	rep := &Report{}
	rec := reconcile.StateResource{Type: r.Type, ID: ob.ID, Protect: r.Protect, Deps: slices.Clone(r.Deps)}
	err = im.locked(ctx, "import "+name, func(ctx context.Context) error {
		return im.record(ctx, rep, []named{{name, rec, id}})
	})
	if err == nil && len(rep.Refused) > 0 {
		err = errors.New(rep.Refused[0].Reason + ": " + rep.Refused[0].Action)
	}
	return rep, err
}

func (im *Importer) locked(ctx context.Context, op string, f func(context.Context) error) (err error) {
	info := im.Lock
	info.Operation = op
	if info.Since.IsZero() {
		info.Since = time.Now().UTC()
	}
	if err := im.Store.Lock(ctx, info); err != nil {
		return err
	}
	defer func() {
		uctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), 30*time.Second)
		defer cancel()
		if uerr := im.Store.Unlock(uctx, info.ID); uerr != nil {
			err = errors.Join(err, fmt.Errorf("cannot release the lock %s: %w (clear it with: reconcile unlock %s)", info.ID, uerr, info.ID))
		}
	}()
	return f(ctx)
}
