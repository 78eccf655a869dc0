package statecmd

import (
	"context"
	"errors"
	"fmt"
	"io"
	"slices"
	"strings"
	"text/tabwriter"
	"time"

	"github.com/trip-assistant/stack/reconcile"
	"github.com/trip-assistant/stack/reconcile/ssmstate"
)

// Store is the state store the commands work on.
type Store interface {
	reconcile.StateStore
	History(ctx context.Context) ([]ssmstate.Version, error)
	Restore(ctx context.Context, serial int64) (*reconcile.State, error)
}

// Commands runs the state commands for one stack.
type Commands struct {
	Store Store
	// Lock is the lock the writing commands take; its Operation is set by
	// each command.
	Lock reconcile.LockInfo
	// Sensitive tells whether a resource's props hold a secret: its digest
	// is then shown as (sensitive), since a digest of a guessable secret
	// confirms a guess.
	Sensitive func(name string) bool
	Out       io.Writer
}

// List prints the recorded resources, by name.
func (c *Commands) List(ctx context.Context) error {
	st, err := c.Store.Load(ctx)
	if err != nil {
		return err
	}
	tw := tabwriter.NewWriter(c.Out, 0, 4, 2, ' ', 0)
	for _, name := range sortedNames(st) {
		r := st.Resources[name]
		fmt.Fprintf(tw, "%s\t%s\t%s\n", name, r.Type, r.ID)
	}
	return tw.Flush()
}

// Show prints what the state records of one resource.
func (c *Commands) Show(ctx context.Context, name string) error {
	st, err := c.Store.Load(ctx)
	if err != nil {
		return err
	}
	r, ok := st.Resources[name]
	if !ok {
		return notRecorded(name, st)
	}
	digest := r.Digest
	if c.Sensitive != nil && c.Sensitive(name) {
		digest = reconcile.Sensitive
	}
	fmt.Fprintf(c.Out, "# %s (%s)\n", name, r.Type)
	tw := tabwriter.NewWriter(c.Out, 0, 4, 1, ' ', 0)
	fmt.Fprintf(tw, "id\t= %s\n", r.ID)
	fmt.Fprintf(tw, "applied digest\t= %s\n", digest)
	fmt.Fprintf(tw, "protect\t= %t\n", r.Protect)
	fmt.Fprintf(tw, "depends on\t= [%s]\n", strings.Join(r.Deps, ", "))
	keys := make([]string, 0, len(r.Extra))
	for k := range r.Extra {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	for _, k := range keys {
		fmt.Fprintf(tw, "%s\t= %s\n", k, r.Extra[k])
	}
	return tw.Flush()
}

// Rm forgets resources, under the lock: AWS is not touched, and the next
// plan no longer sees them (a resource still in the spec is adopted again
// by name where its kind can, or created).
func (c *Commands) Rm(ctx context.Context, names []string) error {
	if len(names) == 0 {
		return errors.New("state rm: name at least one resource (see reconcile state list)")
	}
	return c.locked(ctx, "state rm", func(ctx context.Context) error {
		st, err := c.Store.Load(ctx)
		if err != nil {
			return err
		}
		for _, n := range names {
			if _, ok := st.Resources[n]; !ok {
				return notRecorded(n, st)
			}
		}
		for _, n := range names {
			delete(st.Resources, n)
		}
		st.Serial++
		st.Time = time.Now().UTC()
		if err := c.Store.Save(ctx, st); err != nil {
			return err
		}
		for _, n := range names {
			fmt.Fprintf(c.Out, "Removed %s from the state; it is left as it is in AWS.\n", n)
		}
		fmt.Fprintf(c.Out, "State serial %d recorded.\n", st.Serial)
		return nil
	})
}

// History prints the record's versions that SSM keeps, newest first.
func (c *Commands) History(ctx context.Context) error {
	versions, err := c.Store.History(ctx)
	if err != nil {
		return err
	}
	if len(versions) == 0 {
		fmt.Fprintln(c.Out, "No state recorded.")
		return nil
	}
	tw := tabwriter.NewWriter(c.Out, 0, 4, 2, ' ', 0)
	fmt.Fprintln(tw, "SERIAL\tTIME\tWHO\tOPERATION\tRESOURCES\tRESTORABLE")
	for i := len(versions) - 1; i >= 0; i-- {
		v := versions[i]
		serial, restorable := fmt.Sprint(v.Serial), "yes"
		if v.Problem != "" {
			restorable = "no: " + v.Problem
		}
		if v.Serial == 0 && v.Problem != "" {
			serial = "?"
		}
		fmt.Fprintf(tw, "%s\t%s\t%s\t%s\t%d\t%s\n", serial, v.Time.UTC().Format(time.RFC3339), dash(v.Who), dash(v.Operation), v.Resources, restorable)
	}
	return tw.Flush()
}

// Restore puts the record of serial back, under the lock, as a new serial.
func (c *Commands) Restore(ctx context.Context, serial int64) error {
	return c.locked(ctx, fmt.Sprintf("state restore %d", serial), func(ctx context.Context) error {
		st, err := c.Store.Restore(ctx, serial)
		if err != nil {
			return err
		}
		fmt.Fprintf(c.Out, "Restored the state of serial %d (%d resources) as serial %d.\n", serial, len(st.Resources), st.Serial)
		return nil
	})
}

func (c *Commands) locked(ctx context.Context, op string, f func(context.Context) error) (err error) {
	info := c.Lock
	info.Operation = op
	if info.Since.IsZero() {
		info.Since = time.Now().UTC()
	}
	if err := c.Store.Lock(ctx, info); err != nil {
		return err
	}
	defer func() {
		uctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), 30*time.Second)
		defer cancel()
		if uerr := c.Store.Unlock(uctx, info.ID); uerr != nil {
			err = errors.Join(err, fmt.Errorf("cannot release the lock %s: %w (clear it with: reconcile unlock %s)", info.ID, uerr, info.ID))
		}
	}()
	return f(ctx)
}

func notRecorded(name string, st *reconcile.State) error {
	return fmt.Errorf("no resource named %q in the state (%d recorded; see reconcile state list)", name, len(st.Resources))
}

func sortedNames(st *reconcile.State) []string {
	names := make([]string, 0, len(st.Resources))
	for n := range st.Resources {
		names = append(names, n)
	}
	slices.Sort(names)
	return names
}

func dash(s string) string {
	if s == "" {
		return "-"
	}
	return s
}
