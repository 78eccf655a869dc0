package spec

import (
	"fmt"
	"strings"
)

// Spec is a loaded, validated spec.yaml for one environment.
type Spec struct {
	File        string
	Project     string
	Environment string
	Region      string
	Inputs      map[string]Input
	// Resources by logical name; Order lists the names as declared.
	Resources map[string]*Resource
	Order     []string
	Outputs   map[string]Output
	// Moves are the moved: section's renames, in file order.
	Moves []Move
	// AccountID is filled by the caller (from STS) when NeedsAccountID.
	AccountID      string
	NeedsAccountID bool
	// Digest identifies the spec text and environment, for the state's
	// metadata.
	Digest string
}

// Input is a value taken from an environment variable.
type Input struct {
	Name      string
	Env       string
	Sensitive bool
	Value     string
	Set       bool // false when the variable is unset and has no default: an error where it is used
	Pos       Pos
}

// Output is a value printed after apply.
type Output struct {
	Template string
	Pos      Pos
}

// Resource is one entry of the spec's resources.
type Resource struct {
	Name      string
	Type      string
	Props     Props // templates still hold their ${...} expressions
	DependsOn []string
	Ignore    []string
	Manage    []string
	Protect   bool
	// Data marks a read-only reference (the spec's data: section): the
	// stack reads it for references and never creates, changes or deletes
	// it, like a Terraform data source.
	Data bool
	Pos  Pos
	// Deps are the resources this one references or depends on, sorted.
	Deps     []string
	fieldPos map[string]Pos
	section  string // "resources" or "data"
}

// Pos is a position in the spec file.
type Pos struct{ Line, Col int }

// Error is one problem in a spec file.
type Error struct {
	File string
	Pos  Pos
	Path string
	Msg  string
}

func (e *Error) Error() string {
	loc := e.File
	if e.Pos.Line > 0 {
		loc = fmt.Sprintf("%s:%d:%d", e.File, e.Pos.Line, e.Pos.Col)
	}
	if e.Path == "" {
		return fmt.Sprintf("%s: %s", loc, e.Msg)
	}
	return fmt.Sprintf("%s: %s: %s", loc, e.Path, e.Msg)
}

// Errors is every problem found in a spec, in file order.
type Errors []*Error

func (es Errors) Error() string {
	var b strings.Builder
	for _, e := range es {
		b.WriteString(e.Error())
		b.WriteByte('\n')
	}
	noun := "errors"
	if len(es) == 1 {
		noun = "error"
	}
	fmt.Fprintf(&b, "%d %s; nothing was sent to AWS.", len(es), noun)
	return b.String()
}
