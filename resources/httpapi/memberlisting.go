package httpapi

import (
	"sync"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/apigatewayv2/types"
	"github.com/trip-assistant/stack/resources/internal/kindkit"
)

// MemberListing is each API's routes, integrations and stages as the
// apigw.api kind's observations of one plan listed them (its exclusive
// sets take a GetRoutes, GetIntegrations and GetStages per API anyway).
// The items of those listings carry every field the route, integration
// and stage kinds observe, so the member kinds of the plan answer from
// them rather than a GetRoute, GetIntegration or GetStage each.
//
// A listing only proves existence: a member it lacks (made since, gone, or
// its API not observed yet in this plan) is read with its own Get, the
// only read that reports a member absent. Only the API kind's plan
// observations fill it; every kind sharing it drops it in BeginPlan, and
// before a plan has begun it keeps nothing, so a kind used on its own
// reads AWS. Safe for concurrent use; a nil listing lists nothing.
type MemberListing struct {
	cur kindkit.PlanListing[memberSnapshot]
}

// memberSnapshot is one plan's listings, by API id.
type memberSnapshot struct {
	mu    sync.Mutex
	byAPI map[string]listedMembers
}

// listedMembers is what GetRoutes, GetIntegrations and GetStages returned
// for one API, every page, in the order the service gave them.
type listedMembers struct {
	routes       []types.Route
	integrations []types.Integration
	stages       []types.Stage
}

// NewMemberListing returns an empty listing.
func NewMemberListing() *MemberListing { return &MemberListing{} }

// Reset drops the listing of the previous plan. Never call it while a plan
// observes.
func (l *MemberListing) Reset() {
	if l == nil {
		return
	}
	l.cur.BeginPlan()
}

// record keeps what the API kind listed of apiID's members in this plan;
// outside a plan it keeps nothing.
func (l *MemberListing) record(apiID string, m listedMembers) {
	if l == nil {
		return
	}
	s, inPlan := l.cur.InPlan()
	if !inPlan {
		return
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.byAPI == nil {
		s.byAPI = map[string]listedMembers{}
	}
	s.byAPI[apiID] = m
}

// of returns apiID's members as this plan listed them; ok is false when
// the plan has not listed that API (or no plan has begun, or l is nil).
func (l *MemberListing) of(apiID string) (m listedMembers, ok bool) {
	if l == nil {
		return listedMembers{}, false
	}
	s, inPlan := l.cur.InPlan()
	if !inPlan {
		return listedMembers{}, false
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	m, ok = s.byAPI[apiID]
	return m, ok
}

// route returns the listed route with id routeID.
func (m listedMembers) route(routeID string) (types.Route, bool) {
	for _, r := range m.routes {
		if aws.ToString(r.RouteId) == routeID {
			return r, true
		}
	}
	return types.Route{}, false
}

// routeByKey returns the first listed route with key, as find does with
// GetRoutes.
func (m listedMembers) routeByKey(key string) *types.Route {
	for _, r := range m.routes {
		if aws.ToString(r.RouteKey) == key {
			return &r
		}
	}
	return nil
}

// integration returns the listed integration with id intID.
func (m listedMembers) integration(intID string) (types.Integration, bool) {
	for _, i := range m.integrations {
		if aws.ToString(i.IntegrationId) == intID {
			return i, true
		}
	}
	return types.Integration{}, false
}

// integrationsByURI returns the listed integrations targeting uri.
func (m listedMembers) integrationsByURI(uri string) []types.Integration {
	var out []types.Integration
	for _, i := range m.integrations {
		if aws.ToString(i.IntegrationUri) == uri {
			out = append(out, i)
		}
	}
	return out
}

// stage returns the listed stage named name.
func (m listedMembers) stage(name string) (types.Stage, bool) {
	for _, s := range m.stages {
		if aws.ToString(s.StageName) == name {
			return s, true
		}
	}
	return types.Stage{}, false
}
