package render

import (
	"encoding/json"
	"io"

	"github.com/trip-assistant/stack/reconcile"
)

// Document is the JSON plan, schema version reconcile.FormatVersion. Fields
// are only ever added within a version.
type Document struct {
	FormatVersion string                `json:"format_version"`
	Stack         string                `json:"stack"`
	Region        string                `json:"region"`
	Destroy       bool                  `json:"destroy,omitempty"`
	HasChanges    bool                  `json:"has_changes"`
	Summary       reconcile.Summary     `json:"summary"`
	Changes       []ChangeDocument      `json:"changes"`
	Unmanaged     []reconcile.Unmanaged `json:"unmanaged"`
	Neighbours    map[string]int        `json:"neighbours,omitempty"`
	Targets       []string              `json:"targets,omitempty"`
	Excluded      []string              `json:"excluded,omitempty"`
	Outputs       map[string]any        `json:"outputs"`
	Errors        []string              `json:"errors"`
	Apply         *ApplyDocument        `json:"apply,omitempty"`
	Stats         any                   `json:"stats,omitempty"`
}

// ChangeDocument is one change of the JSON plan: the plan's Change and,
// for a resource apply creates, updates, replaces or adopts, After: every
// field the spec gives it, in the spec's names (format 1, added in 1.1).
// A secret is "(sensitive)"; a value only known after apply is
// {"unknown": true, "ref": "${agent_role.arn}"}.
type ChangeDocument struct {
	*reconcile.Change
	After map[string]any `json:"after,omitempty"`
}

func changeDocuments(changes []*reconcile.Change) []ChangeDocument {
	out := make([]ChangeDocument, 0, len(changes))
	for _, c := range changes {
		d := ChangeDocument{Change: c}
		switch c.Action {
		case reconcile.Create, reconcile.Update, reconcile.Replace, reconcile.Import:
			if c.Desired != nil {
				// Secret and Unknown marshal as the plan shows them.
				d.After = map[string]any(c.Desired)
			}
		}
		out = append(out, d)
	}
	return out
}

// ApplyDocument reports what an apply did.
type ApplyDocument struct {
	Done    map[string]reconcile.Action `json:"done"`
	Failed  map[string]string           `json:"failed"`
	Skipped map[string]string           `json:"skipped"`
	Serial  int64                       `json:"state_serial"`
}

// NewDocument builds the JSON document of a plan and, after apply, its result.
func NewDocument(p *reconcile.Plan, r *reconcile.Result, stats any) Document {
	d := Document{
		FormatVersion: reconcile.FormatVersion, Stack: p.Stack, Region: p.Region, Destroy: p.Destroy,
		HasChanges: p.HasChanges(), Summary: p.Summary(), Changes: changeDocuments(p.Changes),
		Unmanaged: p.Unmanaged, Neighbours: p.Neighbours, Targets: p.Targets, Excluded: p.Excluded, Outputs: p.Outputs, Errors: p.Errors, Stats: stats,
	}
	if d.Unmanaged == nil {
		d.Unmanaged = []reconcile.Unmanaged{}
	}
	if d.Errors == nil {
		d.Errors = []string{}
	}
	if r != nil {
		a := &ApplyDocument{Done: r.Done, Failed: map[string]string{}, Skipped: r.Skipped}
		for k, v := range r.Failed {
			a.Failed[k] = v.Error()
		}
		if r.State != nil {
			a.Serial = r.State.Serial
		}
		d.Apply = a
		if len(r.Outputs) > 0 {
			d.Outputs = r.Outputs
		}
	}
	return d
}

// JSON writes the document, indented.
func JSON(w io.Writer, d Document) error {
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	enc.SetEscapeHTML(false)
	return enc.Encode(d)
}

func jsonLine(v any) string {
	b, err := json.Marshal(v)
	if err != nil {
		return "(unprintable)"
	}
	return string(b)
}
