package httpapi

import (
	"context"
	"fmt"
	"maps"
	"slices"
	"sync"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/apigatewayv2"
	"github.com/trip-assistant/stack/reconcile/spec"
)

// An API owns its routes, integrations and stages: each is declared by an
// apigw.route, apigw.integration or apigw.stage of the stack that depends
// on it, or it is drift (a route added by hand publishes a new path, an
// integration a new backend, a stage a new URL) and Update deletes it.
// The API kind lists them, one GetRoutes, GetIntegrations and GetStages
// per API (more only past a page); the member kinds name themselves
// (reconcile.Attachment) the way the lists do: a route by its route key
// (unique in an API, and known before the route exists), an integration
// by its id (integrations have no other identity), a stage by its name.
// A plan's observations of the API keep those listings (MemberListing),
// and the member kinds observe from them.
const (
	fieldRoutes       = "routes"
	fieldIntegrations = "integrations"
	fieldStages       = "stages"
)

// memberFields are the API's exclusive sets, for its schema.
func memberFields() spec.Schema {
	return spec.Schema{
		fieldRoutes: {Type: spec.StringList, Unordered: true, DeclaredBy: "apigw.route",
			Doc: "owned exclusively: the route keys of the API; a route no apigw.route of the stack declares is drift, and apply deletes it"},
		fieldIntegrations: {Type: spec.StringList, Unordered: true, DeclaredBy: "apigw.integration",
			Doc: "owned exclusively: the integration ids of the API; an integration no apigw.integration of the stack declares is drift, and apply deletes it (after the routes)"},
		fieldStages: {Type: spec.StringList, Unordered: true, DeclaredBy: "apigw.stage",
			Doc: "owned exclusively: the stage names of the API; a stage no apigw.stage of the stack declares is drift, and apply deletes it"},
	}
}

// noMembers sets the sets of a new API: it has none.
func noMembers(p spec.Props) {
	for f := range memberFields() {
		p[f] = []any{}
	}
}

// apiMembers is what an API holds, each member by its key with the id
// the delete calls take.
type apiMembers struct {
	routes       map[string]string // route key → route id
	integrations map[string]string // integration id → itself
	stages       map[string]string // stage name → itself
	// listed is the listings' items, for the member kinds (MemberListing).
	listed listedMembers
}

// readMembers lists the API's routes, integrations and stages, the three
// listings at once (one round trip on the plan's path, not three).
func (k *apiKind) readMembers(ctx context.Context, apiID string) (apiMembers, error) {
	m := apiMembers{routes: map[string]string{}, integrations: map[string]string{}, stages: map[string]string{}}
	var routeErr, intErr, stageErr error
	var wg sync.WaitGroup
	wg.Go(func() { m.listed.routes, routeErr = listRoutes(ctx, k.api, apiID) })
	wg.Go(func() { m.listed.integrations, intErr = listIntegrations(ctx, k.api, apiID) })
	wg.Go(func() { m.listed.stages, stageErr = listStages(ctx, k.api, apiID) })
	wg.Wait()
	for _, err := range []error{routeErr, intErr, stageErr} {
		if err != nil {
			return m, err
		}
	}
	for _, r := range m.listed.routes {
		m.routes[aws.ToString(r.RouteKey)] = aws.ToString(r.RouteId)
	}
	for _, i := range m.listed.integrations {
		m.integrations[aws.ToString(i.IntegrationId)] = aws.ToString(i.IntegrationId)
	}
	for _, st := range m.listed.stages {
		m.stages[aws.ToString(st.StageName)] = aws.ToString(st.StageName)
	}
	return m, nil
}

// withMembers adds the API's members to props and returns them.
func (k *apiKind) withMembers(ctx context.Context, apiID string, props spec.Props) (apiMembers, error) {
	m, err := k.readMembers(ctx, apiID)
	if err != nil {
		return m, err
	}
	props[fieldRoutes] = spec.StringListValue(slices.Sorted(maps.Keys(m.routes)))
	props[fieldIntegrations] = spec.StringListValue(slices.Sorted(maps.Keys(m.integrations)))
	props[fieldStages] = spec.StringListValue(slices.Sorted(maps.Keys(m.stages)))
	return m, nil
}

// removeMembers deletes the members the stack does not declare, routes
// first: a route may target an integration. It lists them again for the
// ids the deletes take; one gone meanwhile is fine.
func (k *apiKind) removeMembers(ctx context.Context, apiID string, desired spec.Props, changed changedFn) error {
	if !changed(fieldRoutes) && !changed(fieldIntegrations) && !changed(fieldStages) {
		return nil
	}
	m, err := k.readMembers(ctx, apiID)
	if err != nil {
		return err
	}
	extra := func(field string, live map[string]string) []string {
		if !changed(field) {
			return nil
		}
		want := desired.StringList(field)
		var out []string
		for _, key := range slices.Sorted(maps.Keys(live)) {
			if !slices.Contains(want, key) {
				out = append(out, key)
			}
		}
		return out
	}
	for _, key := range extra(fieldRoutes, m.routes) {
		_, err := k.api.DeleteRoute(ctx, &apigatewayv2.DeleteRouteInput{ApiId: aws.String(apiID), RouteId: aws.String(m.routes[key])})
		if err != nil && !isNotFound(err) {
			return fmt.Errorf("cannot delete route %q of http api %s, which the stack does not declare: %w", key, apiID, err)
		}
	}
	for _, id := range extra(fieldIntegrations, m.integrations) {
		_, err := k.api.DeleteIntegration(ctx, &apigatewayv2.DeleteIntegrationInput{ApiId: aws.String(apiID), IntegrationId: aws.String(id)})
		if err != nil && !isNotFound(err) {
			return fmt.Errorf("cannot delete integration %s of http api %s, which the stack does not declare: %w", id, apiID, err)
		}
	}
	for _, name := range extra(fieldStages, m.stages) {
		_, err := k.api.DeleteStage(ctx, &apigatewayv2.DeleteStageInput{ApiId: aws.String(apiID), StageName: aws.String(name)})
		if err != nil && !isNotFound(err) {
			return fmt.Errorf("cannot delete stage %q of http api %s, which the stack does not declare: %w", name, apiID, err)
		}
	}
	return nil
}

// AttachmentKey implements reconcile.Attachment: a route is named in its
// API's routes by its route key.
func (k *routeKind) AttachmentKey(_ string, desired spec.Props) (string, bool) {
	return knownString(desired, "route_key")
}

// AttachmentKey implements reconcile.Attachment: an integration is named
// by its id, known once the state records it.
func (k *integrationKind) AttachmentKey(id string, _ spec.Props) (string, bool) {
	if _, child, err := splitID(k.Type(), id); err == nil {
		return child, true
	}
	return "", false
}

// AttachmentKey implements reconcile.Attachment: a stage is named by its
// name ("$default" unless set).
func (k *stageKind) AttachmentKey(id string, desired spec.Props) (string, bool) {
	if _, child, err := splitID(k.Type(), id); err == nil {
		return child, true
	}
	if desired == nil {
		return "", false
	}
	if name, ok := desired["name"]; ok {
		s, ok := name.(string)
		return s, ok && s != ""
	}
	return defaultStage, true
}
