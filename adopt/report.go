package adopt

import (
	"fmt"
	"io"
	"strings"

	"github.com/trip-assistant/stack/tfstate/tfimport"
)

// Write prints what the import recorded and what it left out, each with
// what to do about it. Nothing in a report holds a secret: findings name
// addresses, types and identities.
func (r *Report) Write(w io.Writer) {
	if r.Match != nil {
		byName := map[string]tfimport.Matched{}
		for _, m := range r.Match.Matched {
			byName[m.Name] = m
		}
		for _, n := range r.Recorded {
			m := byName[n]
			from := m.Address
			if len(m.Parts) > 0 {
				from += " (with " + strings.Join(m.Parts, ", ") + ")"
			}
			fmt.Fprintf(w, "  <= %s %s  from %s\n", m.Record.Type, n, from)
		}
	} else {
		for _, n := range r.Recorded {
			fmt.Fprintf(w, "  <= %s\n", n)
		}
	}
	for _, n := range r.Kept {
		fmt.Fprintf(w, "  = %s: already recorded with that id, record kept\n", n)
	}
	switch {
	case r.Serial > 0:
		fmt.Fprintf(w, "Imported %d resources into the state (serial %d); nothing was created, changed or deleted in AWS.\n", len(r.Recorded), r.Serial)
	default:
		fmt.Fprintln(w, "Imported nothing: the state was not written.")
	}
	section(w, "Not imported: recorded under another name or id", r.Refused)
	if r.Match != nil {
		section(w, "Terraform instances no spec resource takes", r.Match.UnmatchedInstances)
		section(w, "Spec resources no Terraform instance matches", r.Match.UnmatchedSpec)
	}
}

func section(w io.Writer, title string, fs []tfimport.Finding) {
	if len(fs) == 0 {
		return
	}
	fmt.Fprintf(w, "\n%s (%d):\n", title, len(fs))
	for _, f := range fs {
		what := f.Address
		if f.Name != "" {
			what = f.Name
			if f.Type != "" {
				what += " (" + f.Type + ")"
			}
			if f.Address != "" && f.Address != f.Name {
				what += " from " + f.Address
			}
		}
		fmt.Fprintf(w, "  - %s: %s\n      -> %s\n", what, f.Reason, f.Action)
	}
}
