//go:build integration

package ssmstate

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/ssm"
	"github.com/google/go-cmp/cmp"

	"github.com/trip-assistant/stack/reconcile"
)

// lockHolders lists, through the SDK, every lease of the lock there is and
// returns the holder of the latest one: what any run would read.
func lockHolders(t *testing.T, api *ssm.Client) (epoch string, leases map[string]leaseRecord) {
	t.Helper()
	ctx := context.Background()
	out, err := api.GetParameter(ctx, &ssm.GetParameterInput{Name: aws.String(lockName)})
	if err != nil {
		t.Fatalf("the lock parameter: %v", err)
	}
	var first leaseRecord
	if err := json.Unmarshal([]byte(aws.ToString(out.Parameter.Value)), &first); err != nil {
		t.Fatal(err)
	}
	leases = map[string]leaseRecord{lockName: first}
	p := ssm.NewGetParametersByPathPaginator(api, &ssm.GetParametersByPathInput{Path: aws.String(lockName), Recursive: aws.Bool(true)})
	for p.HasMorePages() {
		page, err := p.NextPage(ctx)
		if err != nil {
			t.Fatal(err)
		}
		for _, prm := range page.Parameters {
			var rec leaseRecord
			if err := json.Unmarshal([]byte(aws.ToString(prm.Value)), &rec); err != nil {
				t.Fatal(err)
			}
			leases[aws.ToString(prm.Name)] = rec
		}
	}
	return first.ID, leases
}

// A holder that dies leaves its lock; after the lease, runs racing for it
// find exactly one winner, and the emulator holds exactly one lease after
// the dead run's.
func TestIntegrationLockTakeoverRace(t *testing.T) {
	ctx := context.Background()
	api, cfg := client(t)
	// Long enough for the calls below to get through a busy emulator.
	const lease = 5 * time.Second
	dead := New(cfg, project, env).WithLease(lease)
	if err := dead.Lock(ctx, reconcile.LockInfo{ID: "dead", Who: "killed@ci", Since: time.Now().UTC(), Operation: "apply"}); err != nil {
		t.Fatal(err)
	}
	stopRenewals(dead) // as if killed: no more renewals, no unlock

	// While the lease runs, a run is refused.
	early := New(cfg, project, env).WithLease(lease)
	t.Cleanup(func() { stopRenewals(early) })
	err := early.Lock(ctx, reconcile.LockInfo{ID: "early", Since: time.Now().UTC()})
	var locked *reconcile.LockedError
	if !errors.As(err, &locked) || locked.Holder.ID != "dead" {
		t.Fatalf("Lock() during the lease = %v, want *LockedError by dead", err)
	}
	time.Sleep(time.Until(locked.Holder.Expires) + 100*time.Millisecond)

	const takers = 16
	errs := make([]error, takers)
	stores := make([]*Store, takers)
	var wg sync.WaitGroup
	start := make(chan struct{})
	for i := range takers {
		stores[i] = New(cfg, project, env).WithLease(time.Minute)
		t.Cleanup(func() { stopRenewals(stores[i]) })
		wg.Go(func() {
			<-start
			errs[i] = stores[i].Lock(ctx, reconcile.LockInfo{ID: fmt.Sprintf("t%02d", i), Who: "racer", Since: time.Now().UTC(), Operation: "apply"})
		})
	}
	close(start)
	wg.Wait()
	winner := checkOneWinner(t, errs, "t%02d")

	epoch, leases := lockHolders(t, api)
	if epoch != "dead" || len(leases) != 2 {
		t.Fatalf("the emulator holds %d leases of epoch %s, want the dead run's and one more: %+v", len(leases), epoch, leases)
	}
	next, ok := leases[lockName+"/dead/1"]
	if !ok || next.ID != fmt.Sprintf("t%02d", winner) || next.TakenFrom != "dead" {
		t.Errorf("lease 1 = %+v, want t%02d taking over from dead", next, winner)
	}
	if err := stores[winner].Unlock(ctx, fmt.Sprintf("t%02d", winner)); err != nil {
		t.Fatal(err)
	}
	left, err := api.GetParametersByPath(ctx, &ssm.GetParametersByPathInput{Path: aws.String(Prefix(project, env)), Recursive: aws.Bool(true)})
	if err != nil {
		t.Fatal(err)
	}
	var names []string
	for _, p := range left.Parameters {
		names = append(names, aws.ToString(p.Name))
	}
	slices.Sort(names)
	if diff := cmp.Diff([]string{lockName, lockName + "/dead/2"}, names); diff != "" {
		t.Errorf("after Unlock, the lock parameter and the release stay, the leases before go (-want +got):\n%s", diff)
	}
	if got, err := stores[winner].ReadLock(ctx); err != nil || got != nil {
		t.Errorf("after Unlock, ReadLock() = %v, %v; want nil", got, err)
	}
}

// A live holder renews its lease: runs that keep trying for several lease
// lengths are all refused, and the holder's saves go through.
func TestIntegrationLockLiveHolderIsNeverTaken(t *testing.T) {
	ctx := context.Background()
	api, cfg := client(t)
	// Long enough for a renewal to get through a busy emulator on a shared
	// machine (single calls were seen to take over 2s); the exact race of
	// a renewal and a takeover is tested with a hand-moved clock in
	// TestLockRenewalRacingATakeover.
	const lease = 8 * time.Second
	holder := New(cfg, project, env).WithLease(lease)
	t.Cleanup(func() { stopRenewals(holder) })
	if err := holder.Lock(ctx, reconcile.LockInfo{ID: "live", Who: "ci", Since: time.Now().UTC(), Operation: "apply"}); err != nil {
		t.Fatal(err)
	}
	deadline := time.Now().Add(2 * lease)
	var wg sync.WaitGroup
	var mu sync.Mutex
	tries := 0
	for i := range 4 {
		wg.Go(func() {
			for time.Now().Before(deadline) {
				taker := New(cfg, project, env).WithLease(lease)
				err := taker.Lock(ctx, reconcile.LockInfo{ID: fmt.Sprintf("t%d", i), Since: time.Now().UTC()})
				stopRenewals(taker)
				var locked *reconcile.LockedError
				if !errors.As(err, &locked) {
					t.Errorf("taker %d: Lock() = %v, want *LockedError", i, err)
					return
				}
				mu.Lock()
				tries++
				mu.Unlock()
				time.Sleep(lease / 5)
			}
		})
	}
	wg.Wait()
	if err := holder.Save(ctx, realisticState(3)); err != nil {
		t.Errorf("Save() by the live holder after %d refused takers: %v", tries, err)
	}
	epoch, leases := lockHolders(t, api)
	for name, rec := range leases {
		// Leases of another epoch are another test's leftovers on the
		// shared emulator: a takeover of this lock is a lease of its epoch.
		if name != lockName && !strings.HasPrefix(name, lockName+"/"+epoch+"/") {
			continue
		}
		if rec.ID != "live" {
			t.Errorf("lease %s is held by %s, want live", name, rec.ID)
		}
	}
	t.Logf("%d takeover attempts refused over %d leases", tries, len(leases))
	if err := holder.Unlock(ctx, "live"); err != nil {
		t.Fatal(err)
	}
}
