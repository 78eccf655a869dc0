package ssmstate

import (
	"fmt"
)

// DamagedError is a state record Load cannot trust: truncated, corrupt, a
// chunk gone, or written in a format this reconcile does not read. Every
// command stops on it before writing anything, since a plan made from a
// wrong record would create what exists or delete what it forgot.
type DamagedError struct {
	Stack string
	// Param is the SSM parameter at fault.
	Param  string
	Reason string
	// Format is set when the record is in a newer format than this tool
	// reads; ToolVersion is the version that wrote it.
	Format      int
	ToolVersion string
}

func (e *DamagedError) Error() string {
	recover := "List the record's versions with `reconcile state history` and put a good one back with `reconcile state restore SERIAL`."
	if e.Format > formatVersion {
		by := "a newer reconcile"
		if e.ToolVersion != "" {
			by = "reconcile " + e.ToolVersion
		}
		return fmt.Sprintf("cannot read the state of %s: SSM parameter %s was written by %s in record format %d, and this reconcile reads format %d. Nothing was changed. Upgrade reconcile; or, to go back to a record this version wrote, %s",
			e.Stack, e.Param, by, e.Format, formatVersion, lowerFirst(recover))
	}
	return fmt.Sprintf("the state record of %s is damaged: %s (SSM parameter %s). Nothing was changed. %s", e.Stack, e.Reason, e.Param, recover)
}

func lowerFirst(s string) string {
	if s == "" {
		return s
	}
	return string(s[0]|0x20) + s[1:]
}
