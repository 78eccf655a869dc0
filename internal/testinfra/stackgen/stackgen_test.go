package stackgen

import (
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"

	"github.com/trip-assistant/stack/reconcile"
	"github.com/trip-assistant/stack/reconcile/spec"
	"github.com/trip-assistant/stack/resources/ecrrepo"
	"github.com/trip-assistant/stack/resources/iampolicy"
	"github.com/trip-assistant/stack/resources/iamrole"
	"github.com/trip-assistant/stack/resources/lambdafn"
	"github.com/trip-assistant/stack/resources/loggroup"
	"github.com/trip-assistant/stack/resources/ssmparam"
)

// mixKinds are the kinds of Mix; they describe their schema without AWS.
func mixKinds() map[string]reconcile.Kind {
	var cfg aws.Config
	out := map[string]reconcile.Kind{}
	for _, k := range []reconcile.Kind{ssmparam.New(cfg), loggroup.New(cfg), ecrrepo.New(cfg), iamrole.New(cfg), iampolicy.New(cfg), lambdafn.New(cfg)} {
		out[k.Type()] = k
	}
	return out
}

// TestSpec checks that generated specs are valid for the real kinds and
// hold the mix they promise.
func TestSpec(t *testing.T) {
	for _, n := range []int{10, 50, 500} {
		sp, err := spec.Load("gen.yaml", Spec(n), spec.LoadOptions{Types: reconcile.Schemas(mixKinds())})
		if err != nil {
			t.Fatalf("Spec(%d) does not load: %v", n, err)
		}
		if got := len(sp.Resources); got != n {
			t.Errorf("Spec(%d) has %d resources", n, got)
		}
		types := map[string]int{}
		for _, r := range sp.Resources {
			types[r.Type]++
		}
		for typ, per := range Mix {
			if want := per * n / GroupSize; types[typ] != want {
				t.Errorf("Spec(%d): %d %s, want %d", n, types[typ], typ, want)
			}
		}
	}
}
