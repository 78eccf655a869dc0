package iamindex

import (
	"context"
	"math"
	"sort"
	"sync"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/iam"
	"github.com/aws/aws-sdk-go-v2/service/iam/types"
	"github.com/trip-assistant/stack/resources/internal/kindkit"
)

const (
	// pageSize is the entries asked of IAM a page (it may return fewer):
	// small, so that the first page tells a small account from a busy one
	// at little cost.
	pageSize = 100
)

// MaxPages bounds the listings a batch of n resources may start, about
// 10n+100 roles: past that the account holds far more roles than the
// stack, and reading the stack's roles one by one is cheaper.
func MaxPages(n int) int { return n/10 + 1 }

// Index is a snapshot of the account's roles, listed on first use and kept
// until Reset: the IAM kinds reset it when a plan begins, so one index
// serves every plan of a process. Safe for concurrent use. The first
// caller's page budget bounds a listing; a listing cut short keeps the
// roles it saw (each entry is complete), the others are simply not in the
// index.
type Index struct {
	api API

	roles   kindkit.PlanListing[listing[types.Role]]       // from ListRoles
	details kindkit.PlanListing[listing[types.RoleDetail]] // from GetAccountAuthorizationDetails
}

// listing is one account-wide listing, made once. complete is false when
// it stopped at its page bound or at an error: a role it does not hold may
// still exist.
type listing[T any] struct {
	once     sync.Once
	byName   map[string]T
	complete bool
}

// New returns an index listing with a client built from cfg.
func New(cfg aws.Config) *Index { return NewWithAPI(iam.NewFromConfig(cfg)) }

// NewWithAPI returns an index listing through api (a fake in tests).
func NewWithAPI(api API) *Index { return &Index{api: api} }

// Reset forgets the listings, so the next call lists again. Calls already
// answering finish on the listings they started with. Resetting twice, or
// a nil index, is harmless.
func (x *Index) Reset() {
	if x == nil {
		return
	}
	x.roles.BeginPlan()
	x.details.BeginPlan()
}

// roleListing returns the ListRoles listing since the last Reset, made
// within maxPages pages unless an earlier call made it.
//
// A bounded listing first asks GetAccountSummary how many roles the
// account holds, one cheap call: when they are more than the bound, the
// listing is not made at all (it could only be cut short) and every role
// is read on its own. When the summary cannot be read (an older policy
// without iam:GetAccountSummary), the first pages decide, as they would.
func (x *Index) roleListing(ctx context.Context, maxPages int) *listing[types.Role] {
	l := x.roles.Current()
	l.once.Do(func() {
		if maxPages < math.MaxInt/pageSize {
			if n, ok := x.roleCount(ctx); ok && n > maxPages*pageSize {
				l.byName = map[string]types.Role{}
				return
			}
		}
		l.byName, l.complete = x.listRoles(ctx, maxPages)
	})
	return l
}

// roleCount is the number of roles GetAccountSummary counts in the
// account; ok is false when it could not be read.
func (x *Index) roleCount(ctx context.Context) (n int, ok bool) {
	out, err := x.api.GetAccountSummary(ctx, &iam.GetAccountSummaryInput{})
	if err != nil || out == nil {
		return 0, false
	}
	v, ok := out.SummaryMap[string(types.SummaryKeyTypeRoles)]
	return int(v), ok
}

// detailListing returns the GetAccountAuthorizationDetails listing since
// the last Reset, made within maxPages pages unless an earlier call made
// it. It is only made once ListRoles, within the same bound, saw every
// role of the account: GetAccountAuthorizationDetails returns the whole
// account whatever MaxItems says on moto, and on AWS a page of it weighs
// far more than a page of ListRoles, so the cheap listing decides whether
// the account is small enough (issue 14). In a busy account the listing
// is empty and incomplete: each role and policy is read on its own.
func (x *Index) detailListing(ctx context.Context, maxPages int) *listing[types.RoleDetail] {
	l := x.details.Current()
	l.once.Do(func() {
		if !x.roleListing(ctx, maxPages).complete {
			l.byName = map[string]types.RoleDetail{}
			return
		}
		l.byName, l.complete = x.listDetails(ctx, maxPages)
	})
	return l
}

// madeDetails returns the detail listing when a batch made it complete
// this plan, nil otherwise: the unmanaged report, which runs after every
// batch, never starts it (the Do below closes it empty if none did).
func (x *Index) madeDetails() *listing[types.RoleDetail] {
	l := x.details.Current()
	l.once.Do(func() { l.byName = map[string]types.RoleDetail{} })
	if !l.complete {
		return nil
	}
	return l
}

// Role returns role name as the listings saw it, with its tags, and the
// ARNs of the managed policies attached to it, sorted. ok is false unless
// both listings saw the role (not listed, listing failed or cut short):
// the caller then reads it with GetRole, which also tells a role made
// since the listing from one that is gone.
func (x *Index) Role(ctx context.Context, name string, maxPages int) (role types.Role, attached []string, ok bool) {
	if x == nil {
		return types.Role{}, nil, false
	}
	var (
		roles   *listing[types.Role]
		details *listing[types.RoleDetail]
	)
	roles = x.roleListing(ctx, maxPages)
	details = x.detailListing(ctx, maxPages)
	r, ok := roles.byName[name]
	d, ok2 := details.byName[name]
	if !ok || !ok2 {
		return types.Role{}, nil, false
	}
	r.Tags = d.Tags // ListRoles leaves tags out
	attached = make([]string, 0, len(d.AttachedManagedPolicies))
	for _, p := range d.AttachedManagedPolicies {
		attached = append(attached, aws.ToString(p.PolicyArn))
	}
	sort.Strings(attached)
	return r, attached, true
}

// RoleNames returns the names of every role in the account, sorted, from
// the ListRoles listing. Not yet listed, it lists every page: the caller
// (iam.role's lister) needs them all. ok is false when the listing is
// incomplete (a batch's page bound cut it short, or a page failed): the
// caller then lists on its own, which is where an error shows.
func (x *Index) RoleNames(ctx context.Context) (names []string, ok bool) {
	if x == nil {
		return nil, false
	}
	roles := x.roleListing(ctx, math.MaxInt)
	if !roles.complete {
		return nil, false
	}
	names = make([]string, 0, len(roles.byName))
	for n := range roles.byName {
		names = append(names, n)
	}
	sort.Strings(names)
	return names, true
}

// InlinePolicyNames returns the names of role's inline policies, ok false
// unless the listing saw the role: the caller then lists them with
// ListRolePolicies.
func (x *Index) InlinePolicyNames(ctx context.Context, role string, maxPages int) (names []string, ok bool) {
	if x == nil {
		return nil, false
	}
	d, ok := x.detailListing(ctx, maxPages).byName[role]
	if !ok {
		return nil, false
	}
	names = []string{}
	for _, p := range d.RolePolicyList {
		names = append(names, aws.ToString(p.PolicyName))
	}
	sort.Strings(names)
	return names, true
}

// RoleTags returns the tags of every role in the account by name, from
// the GetAccountAuthorizationDetails listing a batch of this plan made.
// It never lists on its own (that listing reads the whole account): ok is
// false when no batch made it complete, and the caller reads the tags of
// the few roles it needs one by one.
func (x *Index) RoleTags(ctx context.Context) (tags map[string]map[string]string, ok bool) {
	if x == nil {
		return nil, false
	}
	details := x.madeDetails()
	if details == nil {
		return nil, false
	}
	tags = make(map[string]map[string]string, len(details.byName))
	for n, d := range details.byName {
		m := make(map[string]string, len(d.Tags))
		for _, t := range d.Tags {
			m[aws.ToString(t.Key)] = aws.ToString(t.Value)
		}
		tags[n] = m
	}
	return tags, true
}

// InlinePolicy returns the document (URL-encoded on AWS) of role's inline
// policy named policy, ok false unless the listing saw the role with that
// policy: the caller then reads it with GetRolePolicy.
func (x *Index) InlinePolicy(ctx context.Context, role, policy string, maxPages int) (doc string, ok bool) {
	if x == nil {
		return "", false
	}
	d, ok := x.detailListing(ctx, maxPages).byName[role]
	if !ok {
		return "", false
	}
	for _, p := range d.RolePolicyList {
		if aws.ToString(p.PolicyName) == policy {
			return aws.ToString(p.PolicyDocument), true
		}
	}
	return "", false
}

// listRoles returns the roles ListRoles lists within maxPages pages, and
// whether that was all of them. An error ends the listing with what it saw
// so far: every role it missed is read on its own, which is where a real
// problem (access denied) shows.
func (x *Index) listRoles(ctx context.Context, maxPages int) (map[string]types.Role, bool) {
	out := map[string]types.Role{}
	p := iam.NewListRolesPaginator(x.api, &iam.ListRolesInput{MaxItems: aws.Int32(pageSize)})
	for pages := 0; p.HasMorePages() && pages < maxPages; pages++ {
		page, err := p.NextPage(ctx)
		if err != nil {
			return out, false
		}
		for _, r := range page.Roles {
			out[aws.ToString(r.RoleName)] = r
		}
	}
	return out, !p.HasMorePages()
}

// listDetails returns the role details GetAccountAuthorizationDetails
// lists within maxPages pages, and whether that was all of them; an error
// ends it as in listRoles.
func (x *Index) listDetails(ctx context.Context, maxPages int) (map[string]types.RoleDetail, bool) {
	out := map[string]types.RoleDetail{}
	p := iam.NewGetAccountAuthorizationDetailsPaginator(x.api, &iam.GetAccountAuthorizationDetailsInput{
		Filter:   []types.EntityType{types.EntityTypeRole},
		MaxItems: aws.Int32(pageSize),
	})
	for pages := 0; p.HasMorePages() && pages < maxPages; pages++ {
		page, err := p.NextPage(ctx)
		if err != nil {
			return out, false
		}
		for _, r := range page.RoleDetailList {
			out[aws.ToString(r.RoleName)] = r
		}
	}
	return out, !p.HasMorePages()
}
