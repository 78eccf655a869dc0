package ssmstate

import (
	"fmt"
	"sync"
	"sync/atomic"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/ssm"

	"github.com/trip-assistant/stack/reconcile"
)

// Store keeps one stack's state and lock in SSM Parameter Store.
type Store struct {
	api   API
	stack string // project/environment, as errors name it
	head  string // <prefix>/state
	lock  string // <prefix>/lock

	mu sync.Mutex
	// mem is what this store last wrote or read; nil when unknown (never
	// loaded, or a Save failed halfway), which makes the next Save rewrite
	// every chunk.
	mem *memory
	// stored is the chunk count SSM holds as far as we know, to delete the
	// ones a shorter record leaves behind.
	stored int
	// headExists says the head parameter exists, so Save overwrites it
	// rather than creating it with tags.
	headExists bool

	// lease is how long a lock holds without renewal.
	lease     time.Duration
	lockMu    sync.Mutex
	held      *holding // the lock this store took, nil when none
	takeovers atomic.Int64
	// now is the clock leases are judged by; tests move it.
	now func() time.Time
}

var _ reconcile.StateStore = (*Store)(nil)

// Prefix is where a stack's parameters live.
func Prefix(project, env string) string {
	return "/reconcile/" + project + "/" + env
}

// New returns a store using the shared configuration, whose retryer
// handles throttling.
func New(cfg aws.Config, project, environment string) *Store {
	return NewWithAPI(ssm.NewFromConfig(cfg), project, environment)
}

// NewWithAPI returns a store calling api.
func NewWithAPI(api API, project, environment string) *Store {
	p := Prefix(project, environment)
	return &Store{
		api:   api,
		stack: project + "/" + environment,
		head:  p + "/state",
		lock:  p + "/lock",
		lease: DefaultLease,
		now:   time.Now,
	}
}

// WithLease sets how long the locks this store takes hold without renewal;
// it renews them every third of that. Call it before Lock.
func (s *Store) WithLease(d time.Duration) *Store {
	if d > 0 {
		s.lease = d
	}
	return s
}

func (s *Store) chunkName(i int) string {
	if i == 0 {
		return s.head
	}
	return fmt.Sprintf("%s/%d", s.head, i)
}
