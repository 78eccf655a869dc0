package main

import (
	"context"
	"crypto/rand"
	"errors"
	"fmt"
	"io"
	"os"
	"os/user"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/spf13/pflag"

	"github.com/trip-assistant/stack/internal/awsclient"
	"github.com/trip-assistant/stack/reconcile"
	"github.com/trip-assistant/stack/reconcile/spec"
	"github.com/trip-assistant/stack/reconcile/ssmstate"
	"github.com/trip-assistant/stack/resources/kinds"
)

// stackFlags are the flags every command that reads a spec takes.
type stackFlags struct {
	spec        string
	env         string
	region      string
	profile     string
	endpoint    string
	parallelism int
	lockLease   time.Duration
	// stats, when set, counts the AWS calls and times the state operations.
	stats *awsclient.Stats
	// allowUnsetInputs is for commands that never write the values inputs
	// feed (deploy, unlock): they need the spec's structure, not its secrets.
	allowUnsetInputs bool
}

// register adds the flags every command takes, before or after its name.
func (f *stackFlags) register(fs *pflag.FlagSet) {
	fs.StringVar(&f.spec, "spec", "spec.yaml", "the stack's spec file")
	fs.StringVar(&f.env, "env", "", "environment to use (default: the spec's environment)")
	fs.StringVar(&f.region, "region", "", "AWS region (default: the spec's region)")
	fs.StringVar(&f.profile, "profile", "", "AWS shared config profile")
	fs.StringVar(&f.endpoint, "endpoint", "", "send every AWS call to this endpoint (an emulator); default $AWS_ENDPOINT_URL")
	fs.DurationVar(&f.lockLease, "lock-lease", ssmstate.DefaultLease, "how long the stack's lock holds without renewal; a run renews it every third of that, and after it a killed run's lock is taken over")
}

// stack is a loaded spec with the clients to reconcile it.
type stack struct {
	spec  *spec.Spec
	cfg   aws.Config
	kinds map[string]reconcile.Kind
	store reconcile.StateStore
	// outputs keeps what the last apply printed, next to the state.
	outputs reconcile.OutputStore
	// ssm is the store behind store, for the state commands.
	ssm *ssmstate.Store
}

// load validates the spec before any AWS call, then builds the clients.
func (f *stackFlags) load(ctx context.Context) (*stack, error) {
	// Kinds describe their schema without calling AWS, so validation runs
	// on kinds built from an empty configuration.
	sp, err := spec.LoadFile(f.spec, spec.LoadOptions{Environment: f.env, Types: reconcile.Schemas(kinds.All(aws.Config{})), AllowUnsetInputs: f.allowUnsetInputs})
	if err != nil {
		return nil, err
	}
	region := sp.Region
	if f.region != "" {
		region = f.region
		sp.Region = region
	}
	cfg, err := awsclient.Load(ctx, awsclient.Options{Region: region, Profile: f.profile, Endpoint: f.endpoint, Stats: f.stats})
	if err != nil {
		return nil, err
	}
	// One identity for the spec and the kinds (execution ARNs): STS is
	// asked once per run.
	identity := awsclient.NewIdentity(cfg)
	if sp.NeedsAccountID {
		account, _, err := identity.Get(ctx)
		if err != nil {
			return nil, fmt.Errorf("cannot read the account id that ${account_id} stands for: %w", err)
		}
		sp.AccountID = account
	}
	ss := ssmstate.New(cfg, sp.Project, sp.Environment).WithLease(f.lockLease)
	var store reconcile.StateStore = ss
	if f.stats != nil {
		store = timedStore{StateStore: store, stats: f.stats}
	}
	return &stack{
		spec:    sp,
		cfg:     cfg,
		kinds:   kinds.All(cfg, kinds.WithIdentity(identity)),
		store:   store,
		outputs: ss,
		ssm:     ss,
	}, nil
}

func (s *stack) name() string { return s.spec.Project + "/" + s.spec.Environment }

// lock takes the stack's lock for an operation, naming who holds it.
func (s *stack) lock(ctx context.Context, operation string) (reconcile.LockInfo, error) {
	info := reconcile.LockInfo{ID: newRunID(), Who: whoAmI(), Since: time.Now().UTC(), Operation: operation}
	if err := s.store.Lock(ctx, info); err != nil {
		return info, err
	}
	return info, nil
}

// acquire takes the stack's lock for an operation and returns what
// releases it, which reports a failed release on stderr. When another run
// holds the lock, the error says how to clear it (specFile as the user
// named it).
func (s *stack) acquire(ctx context.Context, operation, specFile string, stderr io.Writer) (reconcile.LockInfo, func(), error) {
	info, err := s.lock(ctx, operation)
	if err != nil {
		return info, nil, withLockHint(err, specFile)
	}
	if from := s.takenFrom(); from != "" {
		// A killed run's lock recovers without a person: say so, so the
		// person who wonders where the lock went can tell.
		fmt.Fprintf(stderr, "Took over the lock of run %s, whose lease had expired (the run was killed or lost its connection).\n", from)
	}
	release := func() {
		if uerr := s.unlock(ctx, info); uerr != nil {
			fmt.Fprintln(stderr, "Error:", uerr)
		}
	}
	return info, release, nil
}

// unlock releases the lock even when ctx was cancelled by a signal.
func (s *stack) unlock(ctx context.Context, info reconcile.LockInfo) error {
	ctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), 30*time.Second)
	defer cancel()
	if err := s.store.Unlock(ctx, info.ID); err != nil {
		return fmt.Errorf("cannot release the lock %s: %w (clear it with: reconcile unlock --spec %s %s)", info.ID, err, s.spec.File, info.ID)
	}
	return nil
}

func newRunID() string {
	var b [8]byte
	_, _ = rand.Read(b[:])
	return fmt.Sprintf("%x", b)
}

func whoAmI() string {
	if a := os.Getenv("GITHUB_ACTOR"); a != "" {
		return fmt.Sprintf("%s@github-actions run %s", a, os.Getenv("GITHUB_RUN_ID"))
	}
	name := "unknown"
	if u, err := user.Current(); err == nil {
		name = u.Username
	}
	host, _ := os.Hostname()
	return name + "@" + host
}

// takenFrom names the run whose expired lock this run took over, "" when
// the lock was free (or the store keeps no leases).
func (s *stack) takenFrom() string {
	if s.ssm == nil {
		return ""
	}
	return s.ssm.TakenFrom()
}

// withLockHint adds to a refusal by a held lock the command that clears it;
// any other error is returned as it is.
func withLockHint(err error, specFile string) error {
	var held *reconcile.LockedError
	if errors.As(err, &held) {
		return fmt.Errorf("%w\nIf that run is gone, clear the lock with:  reconcile unlock --spec %s %s", err, specFile, held.Holder.ID)
	}
	return err
}
