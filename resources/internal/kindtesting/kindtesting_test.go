package kindtesting

import (
	"testing"

	"github.com/google/go-cmp/cmp"
)

func TestWritesDropsTheNamedReads(t *testing.T) {
	got := Writes([]string{"Describe", "Put", "List", "Tag", "Describe"}, "Describe", "List")
	if d := cmp.Diff([]string{"Put", "Tag"}, got); d != "" {
		t.Errorf("Writes (-want +got):\n%s", d)
	}
}
