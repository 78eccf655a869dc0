package ssmstate

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/ssm"
	"github.com/aws/aws-sdk-go-v2/service/ssm/types"
	"github.com/google/go-cmp/cmp"

	"github.com/trip-assistant/stack/reconcile"
)

const (
	project  = "trip-assistant"
	env      = "dev"
	headName = "/reconcile/trip-assistant/dev/state"
)

func TestPrefix(t *testing.T) {
	if got, want := Prefix("trip-assistant", "dev"), "/reconcile/trip-assistant/dev"; got != want {
		t.Errorf("Prefix() = %q, want %q", got, want)
	}
}

func TestLoadWhenNothingSaved(t *testing.T) {
	f, _ := newMemSSM()
	got, err := NewWithAPI(f, project, env).Load(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff(reconcile.NewState(), got); diff != "" {
		t.Errorf("Load() -want +got:\n%s", diff)
	}
}

func TestRoundTrip500FitsSSMLimits(t *testing.T) {
	ctx := context.Background()
	f, m := newMemSSM()
	want := realisticState(500)
	if err := NewWithAPI(f, project, env).Save(ctx, want); err != nil {
		t.Fatal(err)
	}

	// The fake refuses values over 4096 bytes and bad tags; check anyway, and
	// say how big the record is.
	total := 0
	for _, n := range m.names() {
		v, _, _ := m.latest(n)
		total += len(v)
		if len(v) > maxValue {
			t.Errorf("%s holds %d bytes, over %d", n, len(v), maxValue)
		}
	}
	t.Logf("500 resources: %d parameters, %d bytes", len(m.names()), total)
	tags := m.tags[headName]
	if len(tags) == 0 || len(tags) > 50 {
		t.Errorf("head has %d tags, want 1..50", len(tags))
	}
	for k, v := range tags {
		if len(k) > 128 || len(v) > 256 || strings.HasPrefix(k, "aws:") {
			t.Errorf("tag %q=%q breaks SSM's limits", k, v)
		}
	}
	if tags[TagSerial] != "42" || tags[TagResources] != "500" || tags[TagSpecDigest] != want.SpecDigest {
		t.Errorf("tags do not carry the metadata: %v", tags)
	}

	got, err := NewWithAPI(f, project, env).Load(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("Load() -want +got:\n%s", diff)
	}
}

func TestSaveWritesOnlyWhatChanged(t *testing.T) {
	cases := map[string]struct {
		change  func(*reconcile.State)
		maxPuts int
	}{
		"nothing changed": {change: func(*reconcile.State) {}, maxPuts: 1},
		"one digest changed": {change: func(s *reconcile.State) {
			r := s.Resources["agent_role_251"]
			r.Digest = digestOf("changed")
			s.Resources["agent_role_251"] = r
		}, maxPuts: 2},
		"one resource added": {change: func(s *reconcile.State) {
			n, r := realisticResource(900)
			s.Resources[n] = r
		}, maxPuts: 2},
		"one resource removed": {change: func(s *reconcile.State) {
			delete(s.Resources, "api_route_498")
		}, maxPuts: 2},
		"an extra changed": {change: func(s *reconcile.State) {
			r := s.Resources["agent_fn_100"]
			r.Extra["version"] = "18"
			s.Resources["agent_fn_100"] = r
		}, maxPuts: 2},
	}
	for name, tc := range cases {
		for _, memory := range []string{"after its own save", "after a load"} {
			t.Run(name+" "+memory, func(t *testing.T) {
				ctx := context.Background()
				f, m := newMemSSM()
				s := NewWithAPI(f, project, env)
				st := realisticState(500)
				if err := s.Save(ctx, st); err != nil {
					t.Fatal(err)
				}
				if memory == "after a load" {
					s = NewWithAPI(f, project, env)
					loaded, err := s.Load(ctx)
					if err != nil {
						t.Fatal(err)
					}
					st = loaded
				}
				st = st.Clone()
				tc.change(st)
				st.Serial++
				before := m.putCount()
				if err := s.Save(ctx, st); err != nil {
					t.Fatal(err)
				}
				if puts := m.puts[before:]; len(puts) > tc.maxPuts {
					t.Errorf("Save wrote %d parameters %v, want at most %d", len(puts), puts, tc.maxPuts)
				}
				got, err := NewWithAPI(f, project, env).Load(ctx)
				if err != nil {
					t.Fatal(err)
				}
				if diff := cmp.Diff(st, got); diff != "" {
					t.Errorf("Load() -want +got:\n%s", diff)
				}
			})
		}
	}
}

// The engine saves after every resource operation: grow a record one
// resource at a time to 600 and shrink it back to none, checking the
// record after each step and that no chunk is left behind.
func TestSaveGrowAndShrink(t *testing.T) {
	ctx := context.Background()
	f, m := newMemSSM()
	s := NewWithAPI(f, project, env)
	st := realisticState(0)
	check := func(step string) {
		t.Helper()
		got, err := NewWithAPI(f, project, env).Load(ctx)
		if err != nil {
			t.Fatalf("%s: %v", step, err)
		}
		if diff := cmp.Diff(st, got); diff != "" {
			t.Fatalf("%s: Load() -want +got:\n%s", step, diff)
		}
		h, _, _ := decodeHead(must(m.latest(headName)))
		if n := len(m.names()); n != h.Chunks {
			t.Fatalf("%s: %d parameters for %d chunks", step, n, h.Chunks)
		}
	}
	puts := 0
	for i := range 600 {
		n, r := realisticResource(i)
		st.Resources[n] = r
		st.Serial++
		before := m.putCount()
		if err := s.Save(ctx, st); err != nil {
			t.Fatalf("adding resource %d: %v", i, err)
		}
		puts += m.putCount() - before
		if i%50 == 0 {
			check(fmt.Sprintf("after adding %d", i))
		}
	}
	check("after adding all")
	h, _, _ := decodeHead(must(m.latest(headName)))
	t.Logf("grew to 600 resources in %d chunks with %d PutParameter calls for 600 saves", h.Chunks, puts)

	names := slices.Sorted(func(yield func(string) bool) {
		for n := range st.Resources {
			if !yield(n) {
				return
			}
		}
	})
	for i, n := range names {
		delete(st.Resources, n)
		st.Serial++
		if err := s.Save(ctx, st); err != nil {
			t.Fatalf("removing %s: %v", n, err)
		}
		if i%50 == 0 {
			check("after removing " + n)
		}
	}
	check("after removing all")
}

func must(v string, _ int64, _ bool) string { return v }

func TestLoadRetriesATornReadOnce(t *testing.T) {
	ctx := context.Background()
	f, m := newMemSSM()
	s := NewWithAPI(f, project, env)
	old := realisticState(500)
	if err := s.Save(ctx, old); err != nil {
		t.Fatal(err)
	}
	oldHead, _, _ := m.latest(headName)
	st := old.Clone()
	for n, r := range st.Resources {
		r.Digest = digestOf("v2 " + n)
		st.Resources[n] = r
	}
	st.Serial++
	if err := s.Save(ctx, st); err != nil {
		t.Fatal(err)
	}

	// A reader that got the head of the first save, then chunks of the
	// second: what a store reading the latest versions would see.
	latest := func(_ context.Context, in *ssm.GetParametersInput) (*ssm.GetParametersOutput, error) {
		out := &ssm.GetParametersOutput{}
		for _, sel := range in.Names {
			name, _, _ := strings.Cut(sel, ":")
			v, ver, _ := m.latest(name)
			out.Parameters = append(out.Parameters, types.Parameter{Name: aws.String(name), Value: aws.String(v), Version: ver})
		}
		return out, nil
	}
	mixed := func(_ context.Context, in *ssm.GetParametersInput) (*ssm.GetParametersOutput, error) {
		out, _ := latest(nil, in)
		for i := range out.Parameters {
			// Answer what the selector asked for, but with the new content.
			_, ver, _ := strings.Cut(in.Names[i], ":")
			fmt.Sscan(ver, &out.Parameters[i].Version)
		}
		return out, nil
	}
	realGet := f.getParameter
	cases := map[string]struct {
		headReads int // how many head reads return the old head
		wantErr   string
		want      *reconcile.State
	}{
		"torn once, then consistent": {headReads: 1, want: st},
		"torn twice":                 {headReads: 2, wantErr: "inconsistent after a second read"},
	}
	for name, tc := range cases {
		t.Run(name, func(t *testing.T) {
			reads := 0
			f.getParameter = func(ctx context.Context, in *ssm.GetParameterInput) (*ssm.GetParameterOutput, error) {
				reads++
				if aws.ToString(in.Name) == headName && reads <= tc.headReads {
					return &ssm.GetParameterOutput{Parameter: &types.Parameter{Name: in.Name, Value: aws.String(oldHead)}}, nil
				}
				return realGet(ctx, in)
			}
			f.getParameters = mixed
			t.Cleanup(func() { f.getParameter = realGet })
			got, err := NewWithAPI(f, project, env).Load(ctx)
			if reads != 2 {
				t.Errorf("the head was read %d times, want 2", reads)
			}
			if tc.wantErr != "" {
				if err == nil || !strings.Contains(err.Error(), tc.wantErr) || !strings.Contains(err.Error(), "reconcile state history") {
					t.Fatalf("Load() error = %v, want one saying %q", err, tc.wantErr)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if diff := cmp.Diff(tc.want, got); diff != "" {
				t.Errorf("Load() -want +got:\n%s", diff)
			}
		})
	}
}

// Pinned versions make a reader that read the head before a Save still
// read that head's chunks, with no retry.
func TestLoadReadsThePinnedChunksDuringASave(t *testing.T) {
	ctx := context.Background()
	f, _ := newMemSSM()
	old := realisticState(500)
	if err := NewWithAPI(f, project, env).Save(ctx, old); err != nil {
		t.Fatal(err)
	}
	realGet := f.getParameter
	heads := 0
	f.getParameter = func(ctx context.Context, in *ssm.GetParameterInput) (*ssm.GetParameterOutput, error) {
		out, err := realGet(ctx, in)
		heads++
		// A writer saves every resource changed right after the head is read.
		st := old.Clone()
		for n, r := range st.Resources {
			r.Digest = digestOf("v2 " + n)
			st.Resources[n] = r
		}
		f2, _ := newMemSSM()
		*f2 = *f
		f2.getParameter = realGet
		if err := NewWithAPI(f2, project, env).Save(ctx, st); err != nil {
			t.Fatal(err)
		}
		return out, err
	}
	got, err := NewWithAPI(f, project, env).Load(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if heads != 1 {
		t.Errorf("the head was read %d times, want 1", heads)
	}
	if diff := cmp.Diff(old, got); diff != "" {
		t.Errorf("Load() -want +got:\n%s", diff)
	}
}

func TestACrashLeavesALoadableState(t *testing.T) {
	cases := map[string]struct {
		fail     func(f *fakeSSM)
		wantLoad string // "old" or "new"
	}{
		"after the chunks, before the head": {fail: func(f *fakeSSM) {
			put := f.putParameter
			f.putParameter = func(ctx context.Context, in *ssm.PutParameterInput) (*ssm.PutParameterOutput, error) {
				if aws.ToString(in.Name) == headName {
					return nil, errors.New("connection reset")
				}
				return put(ctx, in)
			}
		}, wantLoad: "old"},
		"after the head value, before its tags": {fail: func(f *fakeSSM) {
			f.addTagsToResource = func(context.Context, *ssm.AddTagsToResourceInput) (*ssm.AddTagsToResourceOutput, error) {
				return nil, errors.New("connection reset")
			}
		}, wantLoad: "new"},
	}
	for name, tc := range cases {
		t.Run(name, func(t *testing.T) {
			ctx := context.Background()
			f, _ := newMemSSM()
			s := NewWithAPI(f, project, env)
			old := realisticState(500)
			if err := s.Save(ctx, old); err != nil {
				t.Fatal(err)
			}
			next := old.Clone()
			next.Serial++
			for n, r := range next.Resources {
				r.Digest = digestOf("v2 " + n)
				next.Resources[n] = r
			}
			tc.fail(f)
			err := s.Save(ctx, next)
			if err == nil || !strings.HasPrefix(err.Error(), "cannot save state of trip-assistant/dev to SSM parameter /reconcile/trip-assistant/dev/state: ") {
				t.Fatalf("Save() error = %v", err)
			}
			got, err := NewWithAPI(f, project, env).Load(ctx)
			if err != nil {
				t.Fatal(err)
			}
			want := map[string]*reconcile.State{"old": old, "new": next}[tc.wantLoad]
			if diff := cmp.Diff(want, got); diff != "" {
				t.Errorf("Load() -want +got:\n%s", diff)
			}
		})
	}
}

// A store with no memory of an existing record cannot create the head with
// tags; it must overwrite it and tag it separately.
func TestSaveOverAnExistingRecordWithoutMemory(t *testing.T) {
	ctx := context.Background()
	f, m := newMemSSM()
	if err := NewWithAPI(f, project, env).Save(ctx, realisticState(500)); err != nil {
		t.Fatal(err)
	}
	small := realisticState(20)
	small.Serial = 43
	if err := NewWithAPI(f, project, env).Save(ctx, small); err != nil {
		t.Fatal(err)
	}
	got, err := NewWithAPI(f, project, env).Load(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff(small, got); diff != "" {
		t.Errorf("Load() -want +got:\n%s", diff)
	}
	if n := len(m.names()); n != 1 {
		t.Errorf("%d parameters left, want only the head: %v", n, m.names())
	}
	if got := m.tags[headName][TagSerial]; got != "43" {
		t.Errorf("serial tag = %q, want 43", got)
	}
}

func TestLock(t *testing.T) {
	ctx := context.Background()
	f, _ := newMemSSM()
	s := NewWithAPI(f, project, env)
	since := time.Date(2026, 3, 14, 10, 42, 7, 0, time.UTC)
	a := reconcile.LockInfo{ID: "7f3c", Who: "ci@runner-12", Since: since, Operation: "apply"}
	b := reconcile.LockInfo{ID: "91aa", Who: "alice@laptop", Since: since.Add(time.Minute), Operation: "apply"}

	if got, err := s.ReadLock(ctx); err != nil || got != nil {
		t.Fatalf("ReadLock() = %v, %v; want nil, nil", got, err)
	}
	if err := s.Lock(ctx, a); err != nil {
		t.Fatal(err)
	}
	err := NewWithAPI(f, project, env).Lock(ctx, b)
	var locked *reconcile.LockedError
	if !errors.As(err, &locked) {
		t.Fatalf("Lock() while held = %v, want *LockedError", err)
	}
	if !locked.Holder.Expires.After(time.Now()) {
		t.Errorf("the holder's lease expires at %s, want a time to come", locked.Holder.Expires)
	}
	a.Expires = locked.Holder.Expires
	if diff := cmp.Diff(&reconcile.LockedError{Stack: "trip-assistant/dev", Holder: a}, locked); diff != "" {
		t.Errorf("LockedError -want +got:\n%s", diff)
	}

	err = s.Unlock(ctx, b.ID)
	if !errors.Is(err, reconcile.ErrNoLock) || !strings.Contains(err.Error(), "locked by run 7f3c (ci@runner-12") {
		t.Errorf("Unlock(wrong id) = %v, want ErrNoLock naming the holder", err)
	}
	if got, _ := s.ReadLock(ctx); got == nil || got.ID != a.ID {
		t.Fatalf("after a refused unlock, ReadLock() = %v, want %v", got, a)
	}
	if err := s.Unlock(ctx, a.ID); err != nil {
		t.Fatal(err)
	}
	if got, err := s.ReadLock(ctx); err != nil || got != nil {
		t.Errorf("after Unlock, ReadLock() = %v, %v; want nil, nil", got, err)
	}
	if err := s.Unlock(ctx, a.ID); !errors.Is(err, reconcile.ErrNoLock) {
		t.Errorf("Unlock() when unlocked = %v, want ErrNoLock", err)
	}
	if err := s.Lock(ctx, b); err != nil {
		t.Errorf("Lock() after Unlock = %v", err)
	}
}

// The holder may release the lock between our failed create and our read.
func TestLockTakenAfterTheHolderLeaves(t *testing.T) {
	ctx := context.Background()
	f, _ := newMemSSM()
	s := NewWithAPI(f, project, env)
	holder := reconcile.LockInfo{ID: "7f3c", Who: "ci", Since: time.Now().UTC(), Operation: "apply"}
	if err := s.Lock(ctx, holder); err != nil {
		t.Fatal(err)
	}
	get := f.getParameter
	f.getParameter = func(ctx context.Context, in *ssm.GetParameterInput) (*ssm.GetParameterOutput, error) {
		f.getParameter = get
		if err := s.Unlock(ctx, holder.ID); err != nil {
			t.Fatal(err)
		}
		return get(ctx, in)
	}
	if err := NewWithAPI(f, project, env).Lock(ctx, reconcile.LockInfo{ID: "91aa"}); err != nil {
		t.Errorf("Lock() = %v, want the lock", err)
	}
}

func TestTagValue(t *testing.T) {
	cases := map[string]struct{ in, want string }{
		"kept":      {"sha256:0a1b 2026-03-14T10:42:07Z v1.2.3+dev @x/y=z_", "sha256:0a1b 2026-03-14T10:42:07Z v1.2.3+dev @x/y=z_"},
		"replaced":  {"go1.26 (linux, amd64)\n", "go1.26 _linux_ amd64__"},
		"truncated": {strings.Repeat("a", 300), strings.Repeat("a", 256)},
	}
	for name, tc := range cases {
		t.Run(name, func(t *testing.T) {
			if got := tagValue(tc.in); got != tc.want {
				t.Errorf("tagValue(%q) = %q, want %q", tc.in, got, tc.want)
			}
		})
	}
}

func BenchmarkEncode500(b *testing.B) {
	res := realisticState(500).Resources
	var chunks []chunk
	for b.Loop() {
		var err error
		if chunks, err = pack(res); err != nil {
			b.Fatal(err)
		}
	}
	b.ReportMetric(float64(len(chunks)), "chunks")
}

// BenchmarkSaveOneChange500 measures what a Save costs in CPU after one
// resource changed: only its chunk is re-encoded.
func BenchmarkPlanOneChange500(b *testing.B) {
	st := realisticState(500)
	chunks, err := pack(st.Resources)
	if err != nil {
		b.Fatal(err)
	}
	prev := &memory{chunks: chunks, res: cloneResources(st.Resources)}
	r := st.Resources["agent_role_251"]
	r.Digest = digestOf("changed")
	st.Resources["agent_role_251"] = r
	for b.Loop() {
		if _, err := plan(st.Resources, prev); err != nil {
			b.Fatal(err)
		}
	}
}
