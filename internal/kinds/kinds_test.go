package kinds

import (
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
)

// TestAllTypesUnique guards against two kinds claiming one type name: the
// later would silently replace the earlier in the map.
func TestAllTypesUnique(t *testing.T) {
	got := All(aws.Config{})
	if len(got) != 13 {
		t.Errorf("All has %d kinds, want 13 (a kind added here needs this count bumped)", len(got))
	}
	for name, k := range got {
		if k.Type() != name {
			t.Errorf("kind under %q reports type %q", name, k.Type())
		}
	}
}
