package ssmstate

import (
	"context"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/trip-assistant/stack/reconcile"
)

// saveSerials saves states whose resources change in different chunks,
// shrink and grow again, and returns what each serial held.
func saveSerials(t *testing.T, s *Store) map[int64]*reconcile.State {
	t.Helper()
	ctx := context.Background()
	saved := map[int64]*reconcile.State{}
	st := realisticState(300)
	for serial := int64(1); serial <= 8; serial++ {
		switch {
		case serial == 6: // shrink to one chunk: the others are deleted
			st = realisticState(5)
		case serial == 7: // grow again: chunk versions restart at 1
			st = realisticState(300)
		case serial > 1:
			// One resource in a chunk picked by the serial.
			name, r := realisticResource(int(serial) * 61 % 300)
			r.ID += fmt.Sprint("-v", serial)
			st.Resources[name] = r
		}
		st.Serial = serial
		st.Time = t0.Add(time.Duration(serial) * time.Minute)
		if err := s.Save(ctx, st); err != nil {
			t.Fatal(err)
		}
		saved[serial] = st.Clone()
	}
	return saved
}

func TestHistoryAndRestore(t *testing.T) {
	ctx := context.Background()
	f, _ := newMemSSM()
	c := &clock{t: t0}
	s := leaseStore(f, c)
	if err := s.Lock(ctx, reconcile.LockInfo{ID: "r1", Who: "alice@laptop", Operation: "apply"}); err != nil {
		t.Fatal(err)
	}
	saved := saveSerials(t, s)

	versions, err := NewWithAPI(f, project, env).History(ctx)
	if err != nil {
		t.Fatal(err)
	}
	type row struct {
		Serial         int64
		Who, Operation string
		Restorable     bool
	}
	var got []row
	for _, v := range versions {
		got = append(got, row{v.Serial, v.Who, v.Operation, v.Problem == ""})
	}
	want := []row{
		// Serials before the shrink pinned chunk versions of parameters
		// deleted since: they cannot be put back.
		{1, "alice@laptop", "apply", false}, {2, "alice@laptop", "apply", false}, {3, "alice@laptop", "apply", false},
		{4, "alice@laptop", "apply", false}, {5, "alice@laptop", "apply", false},
		{6, "alice@laptop", "apply", true}, {7, "alice@laptop", "apply", true}, {8, "alice@laptop", "apply", true},
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("History() -want +got:\n%s", diff)
	}

	// 7 first: putting 6 back shrinks the record, which deletes the
	// chunks 7 needs, with their history.
	for _, serial := range []int64{7, 6} {
		st, err := s.Restore(ctx, serial)
		if err != nil {
			t.Fatalf("Restore(%d): %v", serial, err)
		}
		loaded, err := NewWithAPI(f, project, env).Load(ctx)
		if err != nil {
			t.Fatal(err)
		}
		if diff := cmp.Diff(saved[serial].Resources, loaded.Resources); diff != "" {
			t.Errorf("after Restore(%d), Load() resources -want +got:\n%s", serial, diff)
		}
		if loaded.Serial != st.Serial || loaded.Serial <= 8 {
			t.Errorf("restored serial = %d (Restore said %d), want one after every serial recorded", loaded.Serial, st.Serial)
		}
	}
	if _, err := s.Restore(ctx, 3); err == nil || !strings.Contains(err.Error(), "cannot restore serial 3") {
		t.Errorf("Restore(3) = %v, want an error saying why", err)
	}
	if _, err := s.Restore(ctx, 99); err == nil || !strings.Contains(err.Error(), "SSM does not keep it; serials 6 to ") {
		t.Errorf("Restore(99) = %v, want an error naming the serials kept", err)
	}
}

// Each serial pins the versions of chunks written at different times;
// restoring one reassembles exactly what it held.
func TestRestoreReassemblesPinnedChunkVersions(t *testing.T) {
	ctx := context.Background()
	f, _ := newMemSSM()
	s := NewWithAPI(f, project, env)
	saved := map[int64]*reconcile.State{}
	st := realisticState(300)
	for serial := int64(1); serial <= 5; serial++ {
		if serial > 1 {
			name, r := realisticResource(int(serial) * 61 % 300)
			r.ID += fmt.Sprint("-v", serial)
			st.Resources[name] = r
		}
		st.Serial = serial
		if err := s.Save(ctx, st); err != nil {
			t.Fatal(err)
		}
		saved[serial] = st.Clone()
	}
	for serial := int64(1); serial <= 5; serial++ {
		got, err := s.ReadSerial(ctx, serial)
		if err != nil {
			t.Fatalf("ReadSerial(%d): %v", serial, err)
		}
		if diff := cmp.Diff(saved[serial].Resources, got.Resources); diff != "" {
			t.Errorf("ReadSerial(%d) -want +got:\n%s", serial, diff)
		}
	}
	// Restoring the first undoes the four changes in four chunks.
	if _, err := s.Restore(ctx, 1); err != nil {
		t.Fatal(err)
	}
	got, err := NewWithAPI(f, project, env).Load(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff(saved[1].Resources, got.Resources); diff != "" {
		t.Errorf("after Restore(1) -want +got:\n%s", diff)
	}
}

// A damaged record is listed and replaced by a good serial.
func TestRestoreOverADamagedRecord(t *testing.T) {
	for name, tc := range damages {
		t.Run(name, func(t *testing.T) {
			ctx := context.Background()
			f, _ := newMemSSM()
			s := NewWithAPI(f, project, env)
			good := realisticState(200)
			if err := s.Save(ctx, good); err != nil {
				t.Fatal(err)
			}
			if err := tc.damage(ctx, f); err != nil {
				t.Fatal(err)
			}
			versions, err := s.History(ctx)
			if err != nil {
				t.Fatal(err)
			}
			if last := versions[len(versions)-1]; last.Problem == "" && name != "a chunk missing" {
				t.Errorf("the damaged version is listed as restorable: %+v", last)
			}
			_, err = s.Restore(ctx, good.Serial)
			if name == "a chunk missing" {
				// Its only version went with the parameter.
				if err == nil || !strings.Contains(err.Error(), "no longer kept") {
					t.Errorf("Restore() with the chunk gone = %v, want an error naming it", err)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			got, err := NewWithAPI(f, project, env).Load(ctx)
			if err != nil {
				t.Fatal(err)
			}
			if diff := cmp.Diff(good.Resources, got.Resources); diff != "" {
				t.Errorf("after Restore() -want +got:\n%s", diff)
			}
		})
	}
}
