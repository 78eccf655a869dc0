package chaos

import (
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
)

func TestLockWatchCountsDoubleHolders(t *testing.T) {
	t0 := time.Date(2026, 3, 14, 10, 0, 0, 0, time.UTC)
	at := func(s int) time.Time { return t0.Add(time.Duration(s) * time.Second) }
	const lock = "/reconcile/p/dev/lock"
	type poll struct {
		at    int
		found map[string]lease
	}
	dead := lease{Epoch: "aaaa", ID: "aaaa", Since: at(0), Expires: at(6)}
	tests := map[string]struct {
		polls []poll
		want  int
	}{
		"a takeover after the lease expired": {polls: []poll{
			{1, map[string]lease{lock + "@aaaa": dead}},
			{7, map[string]lease{lock + "@aaaa": dead, lock + "/aaaa/1": {Epoch: "aaaa", N: 1, ID: "bbbb", Since: at(7), Expires: at(13), TakenFrom: "aaaa"}}},
		}},
		"a takeover before the lease expired": {polls: []poll{
			{1, map[string]lease{lock + "@aaaa": dead}},
			{5, map[string]lease{lock + "@aaaa": dead, lock + "/aaaa/1": {Epoch: "aaaa", N: 1, ID: "bbbb", Since: at(5), Expires: at(11), TakenFrom: "aaaa"}}},
		}, want: 1},
		"another run's lease that is no takeover": {polls: []poll{
			{1, map[string]lease{lock + "@aaaa": dead, lock + "/aaaa/1": {Epoch: "aaaa", N: 1, ID: "bbbb", Since: at(7), Expires: at(13)}}},
		}, want: 1},
		"a claim after a release": {polls: []poll{
			{1, map[string]lease{lock + "@aaaa": dead, lock + "/aaaa/1": {Epoch: "aaaa", N: 1, ID: "aaaa", Since: at(0), Expires: at(1), Released: true}}},
			{2, map[string]lease{lock + "@aaaa": dead, lock + "/aaaa/1": {Epoch: "aaaa", N: 1, ID: "aaaa", Since: at(0), Expires: at(1), Released: true},
				lock + "/aaaa/2": {Epoch: "aaaa", N: 2, ID: "bbbb", Since: at(2), Expires: at(8)}}},
		}},
		"a takeover seen after the leases before it were cleaned up": {polls: []poll{
			{1, map[string]lease{lock + "@aaaa": dead}},
			{9, map[string]lease{lock + "@aaaa": dead, lock + "/aaaa/3": {Epoch: "aaaa", N: 3, ID: "cccc", Since: at(9), Expires: at(15), TakenFrom: "bbbb"}}},
		}},
		"a claim of a lease that was live": {polls: []poll{
			{1, map[string]lease{lock + "@aaaa": dead, lock + "/aaaa/1": {Epoch: "aaaa", N: 1, ID: "aaaa", Since: at(0), Expires: at(9)}}},
			{2, map[string]lease{lock + "@aaaa": dead, lock + "/aaaa/1": {Epoch: "aaaa", N: 1, ID: "aaaa", Since: at(0), Expires: at(9)},
				lock + "/aaaa/2": {Epoch: "aaaa", N: 2, ID: "bbbb", Since: at(2), Expires: at(8)}}},
		}, want: 1},
		"a release, then a new epoch": {polls: []poll{
			{1, map[string]lease{lock + "@aaaa": dead, lock + "/aaaa/1": {Epoch: "aaaa", N: 1, ID: "aaaa", Since: at(0), Expires: at(8), Released: true}}},
			{2, map[string]lease{lock + "@bbbb": {Epoch: "bbbb", ID: "bbbb", Since: at(2), Expires: at(8)}, lock + "/aaaa/1": {Epoch: "aaaa", N: 1, ID: "aaaa", Since: at(0), Expires: at(8), Released: true}}},
		}},
		"a run still holding an ended epoch while another holds the new one": {polls: []poll{
			{2, map[string]lease{lock + "@bbbb": {Epoch: "bbbb", ID: "bbbb", Since: at(2), Expires: at(8)},
				lock + "/aaaa/1": {Epoch: "aaaa", N: 1, ID: "aaaa", Since: at(0), Expires: at(1), Released: true},
				lock + "/aaaa/2": {Epoch: "aaaa", N: 2, ID: "cccc", Since: at(1).Add(time.Millisecond), Expires: at(7), TakenFrom: "aaaa"}}},
		}, want: 1},
	}
	for name, tc := range tests {
		t.Run(name, func(t *testing.T) {
			w := &LockWatch{lock: lock, seen: map[string]lease{}, pairs: map[string]bool{}, early: map[string]bool{}}
			for _, p := range tc.polls {
				w.observe(at(p.at), p.found)
			}
			f := w.Figures()
			if diff := cmp.Diff(tc.want, f.DoubleHolders); diff != "" {
				t.Errorf("double holders (-want +got):\n%s\n%v", diff, f.Details)
			}
		})
	}
}

func TestHeldIn(t *testing.T) {
	const lock = "/reconcile/p/dev/lock"
	first := lease{Epoch: "aaaa", ID: "aaaa"}
	tests := map[string]struct {
		found map[string]lease
		want  bool
	}{
		"no lock parameter": {found: map[string]lease{}},
		"the first lease":   {found: map[string]lease{lock + "@aaaa": first}, want: true},
		"renewed":           {found: map[string]lease{lock + "@aaaa": first, lock + "/aaaa/1": {Epoch: "aaaa", N: 1, ID: "aaaa"}}, want: true},
		"released":          {found: map[string]lease{lock + "@aaaa": first, lock + "/aaaa/1": {Epoch: "aaaa", N: 1, ID: "aaaa", Released: true}}},
		"claimed after a release": {found: map[string]lease{lock + "@aaaa": first, lock + "/aaaa/3": {Epoch: "aaaa", N: 3, ID: "aaaa", Released: true},
			lock + "/aaaa/4": {Epoch: "aaaa", N: 4, ID: "bbbb"}}, want: true},
		"another epoch's leases do not count": {found: map[string]lease{lock + "@aaaa": first, lock + "/aaaa/1": {Epoch: "aaaa", N: 1, ID: "aaaa", Released: true},
			lock + "/zzzz/5": {Epoch: "zzzz", N: 5, ID: "zzzz"}}},
	}
	for name, tc := range tests {
		t.Run(name, func(t *testing.T) {
			if got := heldIn(tc.found, lock); got != tc.want {
				t.Errorf("heldIn() = %v, want %v", got, tc.want)
			}
		})
	}
}
