package lambdapolicy

import (
	"context"
	"sync"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/lambda"
	"github.com/aws/aws-sdk-go-v2/service/lambda/types"

	"github.com/trip-assistant/stack/resources/internal/kindkit"
)

// API is the part of the Lambda client the reader calls.
type API interface {
	GetPolicy(ctx context.Context, in *lambda.GetPolicyInput, optFns ...func(*lambda.Options)) (*lambda.GetPolicyOutput, error)
}

var _ API = (*lambda.Client)(nil)

// Reader answers GetPolicy for (function, qualifier), "" being the
// unqualified policy. Within a plan (reconcile.PlanScoped: the kinds call
// BeginPlan) Observed keeps each answer, the document, "no policy" or the
// error, and every later caller of the same policy gets it; callers asking
// at once wait for one call. Outside a plan, and through Read, every call
// asks AWS.
//
// Only observation may use Observed: Create, Update and Delete read with
// Read, since what they read follows their own writes, and every write to
// a function, an alias or a policy calls Forget, so an observation made
// after it in the same plan scope reads AWS again. Safe for concurrent
// use.
type Reader struct {
	api API

	plan kindkit.PlanListing[reads]
}

// reads is one plan's answers by function, then qualifier.
type reads struct {
	mu sync.Mutex
	m  map[string]map[string]*read
}

// read is one GetPolicy answer, made by its first caller.
type read struct {
	once  sync.Once
	doc   string
	found bool
	err   error
}

// New returns a reader with a client built from cfg.
func New(cfg aws.Config) *Reader { return NewWithAPI(lambda.NewFromConfig(cfg)) }

// NewWithAPI returns a reader calling api (a fake in tests).
func NewWithAPI(api API) *Reader { return &Reader{api: api} }

// BeginPlan drops the answers: the plan starting now reads each policy
// again. Every kind holding the reader calls it, so it may be called
// several times before a plan, never while one observes.
func (r *Reader) BeginPlan() { r.plan.BeginPlan() }

// Observed returns the policy of function (of its alias or version
// qualifier when not ""): the document and true, or false when there is
// none (no policy, or no such function or qualifier: Lambda answers
// ResourceNotFoundException to all three). In a plan the answer is the
// plan's first; outside one it is read now.
func (r *Reader) Observed(ctx context.Context, function, qualifier string) (doc string, found bool, err error) {
	rs, inPlan := r.plan.InPlan()
	if !inPlan {
		return r.Read(ctx, function, qualifier)
	}
	rd := rs.get(function, qualifier)
	rd.once.Do(func() { rd.doc, rd.found, rd.err = r.Read(ctx, function, qualifier) })
	return rd.doc, rd.found, rd.err
}

// Read asks AWS for the policy now, as Observed answers it, and keeps
// nothing.
func (r *Reader) Read(ctx context.Context, function, qualifier string) (doc string, found bool, err error) {
	in := &lambda.GetPolicyInput{FunctionName: aws.String(function)}
	if qualifier != "" {
		in.Qualifier = aws.String(qualifier)
	}
	out, err := r.api.GetPolicy(ctx, in)
	if kindkit.Is[*types.ResourceNotFoundException](err) {
		return "", false, nil
	}
	if err != nil {
		return "", false, err
	}
	return aws.ToString(out.Policy), true, nil
}

// Forget drops the plan's answers for every policy of function, the
// unqualified one and its qualifiers': a kind calls it after each write
// that may change one of them (a statement added or removed; the function
// or an alias made or deleted). All of them, because a write to one can
// show in another: moto 5 also lists an alias's statements in the
// unqualified policy.
func (r *Reader) Forget(function string) {
	rs := r.plan.Current()
	rs.mu.Lock()
	defer rs.mu.Unlock()
	delete(rs.m, function)
}

func (rs *reads) get(function, qualifier string) *read {
	rs.mu.Lock()
	defer rs.mu.Unlock()
	if rs.m == nil {
		rs.m = map[string]map[string]*read{}
	}
	byQ := rs.m[function]
	if byQ == nil {
		byQ = map[string]*read{}
		rs.m[function] = byQ
	}
	rd := byQ[qualifier]
	if rd == nil {
		rd = &read{}
		byQ[qualifier] = rd
	}
	return rd
}
