package fakekind

import (
	"context"
	"fmt"
	"time"

	"github.com/trip-assistant/stack/reconcile"
	"github.com/trip-assistant/stack/reconcile/spec"
)

// Kind is a fake resource kind whose resources live in a Cloud, keyed by
// their "name" property. Hooks run before each call and may fail it or
// delay it; a nil hook does nothing.
type Kind struct {
	TypeName string
	Fields   spec.Schema
	Attrs    []string
	Cloud    *Cloud
	// ChangedByUpdate is what AttrsChangedByUpdate returns; "version" moves
	// on every update.
	ChangedByUpdate []string

	OnObserve func(ctx context.Context, req reconcile.ObserveRequest) error
	OnCreate  func(ctx context.Context, desired spec.Props) error
	OnUpdate  func(ctx context.Context, req reconcile.UpdateRequest) error
	OnDelete  func(ctx context.Context, id string) error
	// Delay makes every mutating call take this long.
	Delay time.Duration

	// Received records the desired props of every Create and Update, by id.
	Received func(verb, id string, desired spec.Props)
}

var (
	_ reconcile.Kind                 = (*Kind)(nil)
	_ reconcile.AttrsChangedByUpdate = (*Kind)(nil)
)

func (k *Kind) Type() string                   { return k.TypeName }
func (k *Kind) Schema() spec.Schema            { return k.Fields }
func (k *Kind) Attributes() []string           { return k.Attrs }
func (k *Kind) AttrsChangedByUpdate() []string { return k.ChangedByUpdate }

// Observe reads the resource named by req.ID, or by the desired name.
func (k *Kind) Observe(ctx context.Context, req reconcile.ObserveRequest) (reconcile.Observation, error) {
	if k.OnObserve != nil {
		if err := k.OnObserve(ctx, req); err != nil {
			return reconcile.Observation{}, err
		}
	}
	id := req.ID
	if id == "" {
		id, _ = req.Desired["name"].(string)
	}
	if id == "" {
		return reconcile.Observation{}, nil
	}
	r, ok := k.Cloud.read(k.TypeName, id)
	if !ok {
		return reconcile.Observation{}, nil
	}
	return k.observation(id, r), nil
}

func (k *Kind) observation(id string, r *Record) reconcile.Observation {
	return reconcile.Observation{
		Exists: true, ID: id, Props: spec.Props(r.Props),
		Attrs: map[string]string{
			"name":    id,
			"arn":     fmt.Sprintf("arn:fake:%s:%s", k.TypeName, id),
			"version": fmt.Sprint(r.Version),
		},
	}
}

// Create stores the desired props with defaults filled in, as AWS does.
func (k *Kind) Create(ctx context.Context, desired spec.Props) (reconcile.Observation, error) {
	id, _ := desired["name"].(string)
	if id == "" {
		return reconcile.Observation{}, errNoName
	}
	k.Cloud.begin(Op{"create", k.TypeName, id})
	defer k.Cloud.end()
	if err := k.wait(ctx); err != nil {
		return reconcile.Observation{}, err
	}
	if k.OnCreate != nil {
		if err := k.OnCreate(ctx, desired); err != nil {
			return reconcile.Observation{}, err
		}
	}
	if k.Received != nil {
		k.Received("create", id, desired)
	}
	return k.observation(id, k.Cloud.write(k.TypeName, id, k.withDefaults(desired), false)), nil
}

// Update replaces the fields in req.Diff and bumps the version.
func (k *Kind) Update(ctx context.Context, req reconcile.UpdateRequest) (reconcile.Observation, error) {
	k.Cloud.begin(Op{"update", k.TypeName, req.ID})
	defer k.Cloud.end()
	if err := k.wait(ctx); err != nil {
		return reconcile.Observation{}, err
	}
	if k.OnUpdate != nil {
		if err := k.OnUpdate(ctx, req); err != nil {
			return reconcile.Observation{}, err
		}
	}
	if k.Received != nil {
		k.Received("update", req.ID, req.Desired)
	}
	r, ok := k.Cloud.read(k.TypeName, req.ID)
	if !ok {
		return reconcile.Observation{}, fmt.Errorf("fake: %s %q does not exist", k.TypeName, req.ID)
	}
	full := k.withDefaults(req.Desired)
	for _, d := range req.Diff {
		key := d.Path
		if i := indexDot(key); i >= 0 {
			key = key[:i]
		}
		if v, ok := full[key]; ok {
			r.Props[key] = v
		} else {
			delete(r.Props, key)
		}
	}
	return k.observation(req.ID, k.Cloud.write(k.TypeName, req.ID, r.Props, true)), nil
}

// Delete removes the resource; an absent one is fine.
func (k *Kind) Delete(ctx context.Context, id string) error {
	k.Cloud.begin(Op{"delete", k.TypeName, id})
	defer k.Cloud.end()
	if err := k.wait(ctx); err != nil {
		return err
	}
	if k.OnDelete != nil {
		if err := k.OnDelete(ctx, id); err != nil {
			return err
		}
	}
	k.Cloud.del(k.TypeName, id)
	return nil
}

func (k *Kind) wait(ctx context.Context) error {
	if k.Delay == 0 {
		return nil
	}
	t := time.NewTimer(k.Delay)
	defer t.Stop()
	select {
	case <-t.C:
		return nil
	case <-ctx.Done():
		return ctx.Err()
	}
}

func (k *Kind) withDefaults(desired spec.Props) map[string]any {
	out := deepCopy(desired)
	for name, f := range k.Fields {
		if _, ok := out[name]; !ok && f.Default != nil {
			out[name] = f.Default
		}
	}
	return out
}

func indexDot(s string) int {
	for i := range len(s) {
		if s[i] == '.' {
			return i
		}
	}
	return -1
}
