package iamindex

import (
	"context"
	"sort"
	"sync"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/iam"
	"github.com/aws/aws-sdk-go-v2/service/iam/types"
)

const (
	// MinBatch is the smallest batch worth an account-wide listing: below
	// it, per-resource reads cost about as much and read nothing else.
	MinBatch = 4
	// pageSize is the most entries IAM returns a page (it may return fewer).
	pageSize = 1000
)

// MaxPages bounds the listings a batch of n resources may start: past
// that many pages the account holds far more roles than the stack, and
// reading the stack's roles one by one is cheaper.
func MaxPages(n int) int { return n/100 + 2 }

// Index is a snapshot of the account's roles, listed on first use and kept
// for the rest of the run: build one per run (plan). Safe for concurrent
// use. The first caller's page budget bounds the listings; a listing cut
// short keeps the roles it saw (each entry is complete), the others are
// simply not in the index.
type Index struct {
	api API

	rolesOnce sync.Once
	roles     map[string]types.Role // by name, from ListRoles

	detailsOnce sync.Once
	details     map[string]types.RoleDetail // by name, from GetAccountAuthorizationDetails
}

// New returns an index listing with a client built from cfg.
func New(cfg aws.Config) *Index { return NewWithAPI(iam.NewFromConfig(cfg)) }

// NewWithAPI returns an index listing through api (a fake in tests).
func NewWithAPI(api API) *Index { return &Index{api: api} }

// Role returns role name as the listings saw it, with its tags, and the
// ARNs of the managed policies attached to it, sorted. ok is false unless
// both listings saw the role (not listed, listing failed or cut short):
// the caller then reads it with GetRole, which also tells a role made
// since the listing from one that is gone.
func (x *Index) Role(ctx context.Context, name string, maxPages int) (role types.Role, attached []string, ok bool) {
	if x == nil {
		return types.Role{}, nil, false
	}
	var wg sync.WaitGroup
	wg.Go(func() { x.rolesOnce.Do(func() { x.roles = x.listRoles(ctx, maxPages) }) })
	wg.Go(func() { x.detailsOnce.Do(func() { x.details = x.listDetails(ctx, maxPages) }) })
	wg.Wait()
	r, ok := x.roles[name]
	d, ok2 := x.details[name]
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

// InlinePolicy returns the document (URL-encoded on AWS) of role's inline
// policy named policy, ok false unless the listing saw the role with that
// policy: the caller then reads it with GetRolePolicy.
func (x *Index) InlinePolicy(ctx context.Context, role, policy string, maxPages int) (doc string, ok bool) {
	if x == nil {
		return "", false
	}
	x.detailsOnce.Do(func() { x.details = x.listDetails(ctx, maxPages) })
	d, ok := x.details[role]
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

// listRoles returns the roles ListRoles lists within maxPages pages. An
// error ends the listing with what it saw so far: every role it missed is
// read on its own, which is where a real problem (access denied) shows.
func (x *Index) listRoles(ctx context.Context, maxPages int) map[string]types.Role {
	out := map[string]types.Role{}
	p := iam.NewListRolesPaginator(x.api, &iam.ListRolesInput{MaxItems: aws.Int32(pageSize)})
	for pages := 0; p.HasMorePages() && pages < maxPages; pages++ {
		page, err := p.NextPage(ctx)
		if err != nil {
			return out
		}
		for _, r := range page.Roles {
			out[aws.ToString(r.RoleName)] = r
		}
	}
	return out
}

// listDetails returns the role details GetAccountAuthorizationDetails
// lists within maxPages pages; an error ends it as in listRoles.
func (x *Index) listDetails(ctx context.Context, maxPages int) map[string]types.RoleDetail {
	out := map[string]types.RoleDetail{}
	p := iam.NewGetAccountAuthorizationDetailsPaginator(x.api, &iam.GetAccountAuthorizationDetailsInput{
		Filter:   []types.EntityType{types.EntityTypeRole},
		MaxItems: aws.Int32(pageSize),
	})
	for pages := 0; p.HasMorePages() && pages < maxPages; pages++ {
		page, err := p.NextPage(ctx)
		if err != nil {
			return out
		}
		for _, r := range page.RoleDetailList {
			out[aws.ToString(r.RoleName)] = r
		}
	}
	return out
}
