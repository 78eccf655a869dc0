package statecmd

import (
	"context"
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/trip-assistant/stack/reconcile"
	"github.com/trip-assistant/stack/reconcile/internal/fakekind"
	"github.com/trip-assistant/stack/reconcile/ssmstate"
)

// fakeStore is an in-memory state store with function fields for the
// history calls.
type fakeStore struct {
	*fakekind.Store
	history func(ctx context.Context) ([]ssmstate.Version, error)
	restore func(ctx context.Context, serial int64) (*reconcile.State, error)
}

var _ Store = (*fakeStore)(nil)

func (f *fakeStore) History(ctx context.Context) ([]ssmstate.Version, error) { return f.history(ctx) }
func (f *fakeStore) Restore(ctx context.Context, serial int64) (*reconcile.State, error) {
	return f.restore(ctx, serial)
}

func recorded() *reconcile.State {
	st := reconcile.NewState()
	st.Serial = 7
	st.Resources = map[string]reconcile.StateResource{
		"openai_key": {Type: "ssm.parameter", ID: "/trip-assistant/dev/openai-key", Digest: "5f2c0d1e9a8b7c6d"},
		"agent_role": {Type: "iam.role", ID: "arn:aws:iam::123456789012:role/trip-assistant-agent-dev", Digest: "0123456789abcdef"},
		"agent": {Type: "lambda.function", ID: "trip-assistant-agent-dev", Digest: "fedcba9876543210", Protect: true,
			Deps: []string{"agent_role", "openai_key"}, Extra: map[string]string{"version": "12", "image": "repo@sha256:aa"}},
	}
	return st
}

func newCommands(t *testing.T) (*Commands, *fakeStore, *strings.Builder) {
	t.Helper()
	fs := &fakeStore{Store: fakekind.NewStore()}
	if err := fs.Save(context.Background(), recorded()); err != nil {
		t.Fatal(err)
	}
	var out strings.Builder
	return &Commands{Store: fs, Lock: reconcile.LockInfo{ID: "run1", Who: "alice@laptop"},
		Sensitive: func(name string) bool { return name == "openai_key" }, Out: &out}, fs, &out
}

func TestListAndShow(t *testing.T) {
	cases := map[string]struct {
		run     func(c *Commands) error
		want    string
		wantErr string
	}{
		"list": {
			run: func(c *Commands) error { return c.List(context.Background()) },
			want: "agent       lambda.function  trip-assistant-agent-dev\n" +
				"agent_role  iam.role         arn:aws:iam::123456789012:role/trip-assistant-agent-dev\n" +
				"openai_key  ssm.parameter    /trip-assistant/dev/openai-key\n",
		},
		"show": {
			run: func(c *Commands) error { return c.Show(context.Background(), "agent") },
			want: "# agent (lambda.function)\n" +
				"id             = trip-assistant-agent-dev\n" +
				"applied digest = fedcba9876543210\n" +
				"protect        = true\n" +
				"depends on     = [agent_role, openai_key]\n" +
				"image          = repo@sha256:aa\n" +
				"version        = 12\n",
		},
		"show a resource holding a secret": {
			run: func(c *Commands) error { return c.Show(context.Background(), "openai_key") },
			want: "# openai_key (ssm.parameter)\n" +
				"id             = /trip-assistant/dev/openai-key\n" +
				"applied digest = (sensitive)\n" +
				"protect        = false\n" +
				"depends on     = []\n",
		},
		"show a name not recorded": {
			run:     func(c *Commands) error { return c.Show(context.Background(), "agnet") },
			wantErr: `no resource named "agnet" in the state (3 recorded; see reconcile state list)`,
		},
	}
	for name, tc := range cases {
		t.Run(name, func(t *testing.T) {
			c, _, out := newCommands(t)
			err := tc.run(c)
			if tc.wantErr != "" {
				if err == nil || err.Error() != tc.wantErr {
					t.Fatalf("error = %v, want %q", err, tc.wantErr)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if diff := cmp.Diff(tc.want, out.String()); diff != "" {
				t.Errorf("output -want +got:\n%s", diff)
			}
			if strings.Contains(out.String(), "5f2c0d1e9a8b7c6d") {
				t.Errorf("a secret's digest was printed:\n%s", out)
			}
		})
	}
}

func TestRm(t *testing.T) {
	cases := map[string]struct {
		names     []string
		heldBy    string // another run holding the lock
		wantLeft  []string
		wantErr   string
		wantSaves int
	}{
		"one":             {names: []string{"agent"}, wantLeft: []string{"agent_role", "openai_key"}, wantSaves: 1},
		"two":             {names: []string{"agent", "openai_key"}, wantLeft: []string{"agent_role"}, wantSaves: 1},
		"unknown name":    {names: []string{"agent", "nope"}, wantLeft: []string{"agent", "agent_role", "openai_key"}, wantErr: `no resource named "nope"`},
		"none named":      {wantLeft: []string{"agent", "agent_role", "openai_key"}, wantErr: "name at least one resource"},
		"locked by a run": {names: []string{"agent"}, heldBy: "other", wantLeft: []string{"agent", "agent_role", "openai_key"}, wantErr: "locked by run other"},
	}
	for name, tc := range cases {
		t.Run(name, func(t *testing.T) {
			ctx := context.Background()
			c, fs, out := newCommands(t)
			if tc.heldBy != "" {
				if err := fs.Lock(ctx, reconcile.LockInfo{ID: tc.heldBy, Since: time.Now()}); err != nil {
					t.Fatal(err)
				}
			}
			saves := fs.Saves()
			err := c.Rm(ctx, tc.names)
			if tc.wantErr != "" && (err == nil || !strings.Contains(err.Error(), tc.wantErr)) {
				t.Fatalf("Rm() = %v, want an error saying %q", err, tc.wantErr)
			}
			if tc.wantErr == "" && err != nil {
				t.Fatal(err)
			}
			if diff := cmp.Diff(tc.wantLeft, sortedNames(fs.State())); diff != "" {
				t.Errorf("recorded after Rm() -want +got:\n%s", diff)
			}
			if got := fs.Saves() - saves; got != tc.wantSaves {
				t.Errorf("Rm() saved %d times, want %d", got, tc.wantSaves)
			}
			if l, _ := fs.ReadLock(ctx); tc.heldBy == "" && l != nil {
				t.Errorf("Rm() left the lock held by %s", l.ID)
			}
			if tc.wantErr == "" && !strings.Contains(out.String(), "left as it is in AWS") {
				t.Errorf("Rm() output does not say AWS is untouched:\n%s", out)
			}
		})
	}
}

func TestHistoryAndRestore(t *testing.T) {
	ctx := context.Background()
	c, fs, out := newCommands(t)
	at := time.Date(2026, 3, 14, 10, 42, 7, 0, time.UTC)
	fs.history = func(context.Context) ([]ssmstate.Version, error) {
		return []ssmstate.Version{
			{Serial: 5, Time: at, Who: "ci@runner-12", Operation: "apply", Resources: 24, Problem: "chunk /x/state/1:3 is no longer kept"},
			{Serial: 6, Time: at.Add(time.Minute), Who: "alice@laptop", Operation: "destroy", Resources: 3},
			{Time: at.Add(2 * time.Minute), Problem: "no header line"},
		}, nil
	}
	if err := c.History(ctx); err != nil {
		t.Fatal(err)
	}
	want := "SERIAL  TIME                  WHO           OPERATION  RESOURCES  RESTORABLE\n" +
		"?       2026-03-14T10:44:07Z  -             -          0          no: no header line\n" +
		"6       2026-03-14T10:43:07Z  alice@laptop  destroy    3          yes\n" +
		"5       2026-03-14T10:42:07Z  ci@runner-12  apply      24         no: chunk /x/state/1:3 is no longer kept\n"
	if diff := cmp.Diff(want, out.String()); diff != "" {
		t.Errorf("History() -want +got:\n%s", diff)
	}

	out.Reset()
	var heldDuring *reconcile.LockInfo
	fs.restore = func(ctx context.Context, serial int64) (*reconcile.State, error) {
		heldDuring, _ = fs.ReadLock(ctx)
		if serial != 6 {
			return nil, errors.New("cannot restore serial 5: gone")
		}
		st := recorded()
		st.Serial = 8
		return st, nil
	}
	if err := c.Restore(ctx, 6); err != nil {
		t.Fatal(err)
	}
	if heldDuring == nil || heldDuring.Operation != "state restore 6" {
		t.Errorf("Restore ran with lock %+v, want one for state restore 6", heldDuring)
	}
	if diff := cmp.Diff("Restored the state of serial 6 (3 resources) as serial 8.\n", out.String()); diff != "" {
		t.Errorf("Restore() output -want +got:\n%s", diff)
	}
	if err := c.Restore(ctx, 5); err == nil || !strings.Contains(err.Error(), "gone") {
		t.Errorf("Restore(5) = %v, want the store's error", err)
	}
	if l, _ := fs.ReadLock(ctx); l != nil {
		t.Errorf("the lock is left held by %s", l.ID)
	}
}
