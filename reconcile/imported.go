package reconcile

// imported reports whether a state record was made by an import (from a
// Terraform state or `reconcile import NAME ID`) and never applied: it
// names the live resource but no spec was applied to it, so what differs
// is the spec being adopted, neither a spec change nor drift.
func imported(r *StateResource) bool { return r != nil && r.Digest == "" }
