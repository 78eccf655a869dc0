package kindtesting

import (
	"context"
	"slices"
	"testing"

	"github.com/trip-assistant/stack/reconcile"
)

// Writes returns calls without the reads named, in order: what a test of
// an update compares, since how often a kind reads is not its business.
func Writes(calls []string, reads ...string) []string {
	var out []string
	for _, c := range calls {
		if !slices.Contains(reads, c) {
			out = append(out, c)
		}
	}
	return out
}

// DeleteTreatsNotFoundAsDone checks that absent (a kind whose API holds
// nothing) deletes id "/gone" without error, and that failing (a kind
// whose delete call fails with another error) reports the error for "/x".
// what names the resource in the message ("group").
func DeleteTreatsNotFoundAsDone(t *testing.T, absent, failing reconcile.Kind, what string) {
	t.Helper()
	if err := absent.Delete(context.Background(), "/gone"); err != nil {
		t.Errorf("deleting an absent %s: %v", what, err)
	}
	if err := failing.Delete(context.Background(), "/x"); err == nil {
		t.Error("other errors must fail the delete")
	}
}
