//go:build integration

package integration

import (
	"context"
	"path/filepath"
	"testing"

	"github.com/trip-assistant/stack/internal/testinfra/chaos"
	"github.com/trip-assistant/stack/internal/testinfra/faultproxy"
	"github.com/trip-assistant/stack/reconcile/ssmstate"
)

// TestLostAnswers applies and destroys spec.yaml through a proxy that lets
// the emulator carry out a request and then loses its answer (a 504 for
// 10% of requests, a closed connection for 5%): each converges in one run,
// and the SDK's listing of the emulator shows nothing made twice and
// nothing the state does not know.
func TestLostAnswers(t *testing.T) {
	dir := workdir(t, readFile(t, filepath.Join(root, "spec.yaml")))
	ctx := context.Background()
	cfg := awsConfig(t, "us-east-2") // the emulator itself, not the proxy
	proxy, err := faultproxy.Start(faultproxy.Config{
		Target: emu.Endpoint,
		Rates:  faultproxy.Rates{faultproxy.LostAnswer: 0.10, faultproxy.CloseAfter: 0.05},
		Seed:   11,
		// Every call takes the faults, the lock's own included.
	})
	if err != nil {
		t.Fatal(err)
	}
	defer proxy.Close()
	through := []string{"AWS_ENDPOINT_URL=" + proxy.URL()}
	store := ssmstate.New(cfg, "trip-assistant", "dev")

	r := reconcileEnv(t, dir, through, "--spec", "spec.yaml")
	if r.Code != 0 {
		t.Fatalf("apply through lost answers (%v) did not converge in one run: %s", proxy.Counts(), r)
	}
	applied := proxy.Counts()
	t.Logf("apply: %v", applied)
	if applied.Faults[faultproxy.LostAnswer]+applied.Faults[faultproxy.CloseAfter] == 0 {
		t.Fatalf("the proxy lost no answer during the apply: %v", applied)
	}
	st, err := store.Load(ctx)
	must(t, err)
	items, err := chaos.Inventory(ctx, cfg, "trip-assistant")
	must(t, err)
	audit := chaos.Compare(items, st)
	if len(audit.Duplicates) > 0 || audit.Orphans() > 0 {
		t.Errorf("after the apply: duplicates %v, in AWS only %v, in the state only %v", audit.Duplicates, audit.InAWSOnly, audit.InStateOnly)
	}
	if audit.Resources != len(st.Resources) || len(st.Resources) == 0 {
		t.Errorf("AWS holds %d resources of the stack, the state %d", audit.Resources, len(st.Resources))
	}
	if p, r := plan(t, dir); r.Code != 0 {
		t.Errorf("the plan after the apply is not clean: %v\n%s", p.changed(), r)
	}

	r = reconcileEnv(t, dir, through, "--spec", "spec.yaml", "--destroy")
	if r.Code != 0 {
		t.Fatalf("destroy through lost answers (%v) did not converge in one run: %s", proxy.Counts(), r)
	}
	t.Logf("apply and destroy: %v", proxy.Counts())
	st, err = store.Load(ctx)
	must(t, err)
	items, err = chaos.Inventory(ctx, cfg, "trip-assistant")
	must(t, err)
	audit = chaos.Compare(items, st)
	if audit.Resources != 0 || audit.Orphans() > 0 || len(audit.Duplicates) > 0 {
		t.Errorf("after the destroy AWS holds %d resources of the stack: duplicates %v, in AWS only %v, in the state only %v",
			audit.Resources, audit.Duplicates, audit.InAWSOnly, audit.InStateOnly)
	}
}
