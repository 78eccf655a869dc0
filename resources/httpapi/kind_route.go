package httpapi

import (
	"context"
	"fmt"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/apigatewayv2"
	"github.com/aws/aws-sdk-go-v2/service/apigatewayv2/types"
	"github.com/trip-assistant/stack/reconcile"
	"github.com/trip-assistant/stack/reconcile/spec"
	"github.com/trip-assistant/stack/resources/internal/batch"
)

// routeKind reconciles apigw.route: which requests go to which integration.
type routeKind struct {
	api API
	// members, when shared with the api kind (WithMemberListing), gives
	// batch observations the routes its observations listed; nil reads
	// each route.
	members *MemberListing
}

// NewRoute returns the apigw.route kind.
func NewRoute(cfg aws.Config, opts ...Option) reconcile.Kind {
	return NewRouteWithAPI(apigatewayv2.NewFromConfig(cfg), opts...)
}

// NewRouteWithAPI returns the apigw.route kind talking to api.
func NewRouteWithAPI(api API, opts ...Option) reconcile.Kind {
	return &routeKind{api: api, members: applyOptions(opts).members}
}

var (
	_ reconcile.BatchObserver = (*routeKind)(nil)
	_ reconcile.PlanScoped    = (*routeKind)(nil)
)

func (k *routeKind) Type() string { return "apigw.route" }

func (k *routeKind) Schema() spec.Schema {
	return spec.Schema{
		"api_id":             {Type: spec.String, Required: true, ForceNew: true, Doc: "Id of the HTTP API."},
		"route_key":          {Type: spec.String, Required: true, ForceNew: true, Doc: `"$default" or "METHOD /path", unique in the API.`},
		"target":             {Type: spec.String, Default: "", Doc: `"integrations/<integration id>".`},
		"authorization_type": {Type: spec.String, Default: string(types.AuthorizationTypeNone), Enum: []string{"NONE", "AWS_IAM", "JWT", "CUSTOM"}, Doc: "NONE, AWS_IAM, JWT or CUSTOM."},
	}
}

func (k *routeKind) Attributes() []string { return []string{"id"} }

func (k *routeKind) Observe(ctx context.Context, req reconcile.ObserveRequest) (reconcile.Observation, error) {
	return k.observe(ctx, req, nil)
}

// BeginPlan drops the listing of the previous plan.
func (k *routeKind) BeginPlan() { k.members.Reset() }

// ObserveBatch reads each route from the routes the api kind listed in
// this plan, when it shares that listing and it holds the route; else
// with GetRoute, the only read that reports a recorded route gone.
func (k *routeKind) ObserveBatch(ctx context.Context, reqs []reconcile.ObserveRequest) ([]reconcile.Observation, error) {
	return batch.Each(ctx, reqs, func(ctx context.Context, req reconcile.ObserveRequest) (reconcile.Observation, error) {
		return k.observe(ctx, req, k.members)
	})
}

// observe reads the route of req; members is the plan's listing, nil
// outside a batch.
func (k *routeKind) observe(ctx context.Context, req reconcile.ObserveRequest, members *MemberListing) (reconcile.Observation, error) {
	req.Desired = spec.WithDefaults(k.Schema(), req.Desired)
	if req.ID != "" {
		apiID, routeID, err := splitID(k.Type(), req.ID)
		if err != nil {
			return reconcile.Observation{}, err
		}
		if m, ok := members.of(apiID); ok {
			if r, ok := m.route(routeID); ok {
				return routeObservation(apiID, &r), nil
			}
		}
		return k.observeID(ctx, req.ID)
	}
	apiID, ok := knownString(req.Desired, "api_id")
	key, ok2 := knownString(req.Desired, "route_key")
	if !ok || !ok2 {
		return reconcile.Observation{}, nil
	}
	var r *types.Route
	if m, ok := members.of(apiID); ok {
		// The plan's GetRoutes of the API, which find would repeat.
		r = m.routeByKey(key)
	} else {
		var err error
		if r, err = k.find(ctx, apiID, key); err != nil {
			return reconcile.Observation{}, err
		}
	}
	if r == nil {
		return reconcile.Observation{}, nil
	}
	return routeObservation(apiID, r), nil
}

func (k *routeKind) observeID(ctx context.Context, id string) (reconcile.Observation, error) {
	apiID, routeID, err := splitID(k.Type(), id)
	if err != nil {
		return reconcile.Observation{}, err
	}
	out, err := k.api.GetRoute(ctx, &apigatewayv2.GetRouteInput{ApiId: aws.String(apiID), RouteId: aws.String(routeID)})
	if isNotFound(err) {
		return reconcile.Observation{}, nil
	}
	if err != nil {
		return reconcile.Observation{}, fmt.Errorf("cannot read route %s: %w", id, err)
	}
	return routeObservation(apiID, &types.Route{
		RouteId: out.RouteId, RouteKey: out.RouteKey, Target: out.Target, AuthorizationType: out.AuthorizationType,
	}), nil
}

// find returns the API's route with the given key; AWS keeps keys unique.
func (k *routeKind) find(ctx context.Context, apiID, key string) (*types.Route, error) {
	routes, err := listRoutes(ctx, k.api, apiID)
	if isNotFound(err) {
		return nil, nil // the API itself is gone
	}
	if err != nil {
		return nil, err
	}
	return listedMembers{routes: routes}.routeByKey(key), nil
}

func routeObservation(apiID string, r *types.Route) reconcile.Observation {
	auth := string(r.AuthorizationType)
	if auth == "" {
		auth = string(types.AuthorizationTypeNone) // what AWS means by no authorization type
	}
	return reconcile.Observation{
		Exists: true,
		ID:     joinID(apiID, aws.ToString(r.RouteId)),
		Props: spec.Props{
			"api_id":             apiID,
			"route_key":          aws.ToString(r.RouteKey),
			"target":             aws.ToString(r.Target),
			"authorization_type": auth,
		},
		Attrs: map[string]string{"id": aws.ToString(r.RouteId)},
	}
}

func (k *routeKind) Create(ctx context.Context, desired spec.Props) (reconcile.Observation, error) {
	desired = spec.WithDefaults(k.Schema(), desired)
	apiID, key := desired.String("api_id"), desired.String("route_key")
	// Adopt a route with this key that a killed run made. AWS would refuse
	// the duplicate key, but emulators accept it and keep both.
	existing, err := k.find(ctx, apiID, key)
	if err != nil {
		return reconcile.Observation{}, err
	}
	if existing != nil {
		return k.update(ctx, joinID(apiID, aws.ToString(existing.RouteId)), desired, everything)
	}
	in := &apigatewayv2.CreateRouteInput{
		ApiId:             aws.String(apiID),
		RouteKey:          aws.String(key),
		AuthorizationType: types.AuthorizationType(desired.String("authorization_type")),
	}
	if t := desired.String("target"); t != "" {
		in.Target = aws.String(t)
	}
	// AWS refuses a second route with the same key, but emulators keep
	// both: before each retry the SDK makes, look for the route a lost
	// attempt made, by key.
	out, err := k.api.CreateRoute(ctx, in, retrySafe(func(ctx context.Context) (*apigatewayv2.CreateRouteOutput, error) {
		r, err := k.find(ctx, apiID, key)
		if err != nil || r == nil {
			return nil, err
		}
		return &apigatewayv2.CreateRouteOutput{
			RouteId: r.RouteId, RouteKey: r.RouteKey, Target: r.Target, AuthorizationType: r.AuthorizationType,
		}, nil
	}))
	if err != nil {
		return reconcile.Observation{}, fmt.Errorf("cannot create route %q of http api %s: %w", key, apiID, err)
	}
	return routeObservation(apiID, &types.Route{
		RouteId: out.RouteId, RouteKey: out.RouteKey, Target: out.Target, AuthorizationType: out.AuthorizationType,
	}), nil
}

func (k *routeKind) Update(ctx context.Context, req reconcile.UpdateRequest) (reconcile.Observation, error) {
	return k.update(ctx, req.ID, spec.WithDefaults(k.Schema(), req.Desired), req.Diff.Has)
}

func (k *routeKind) update(ctx context.Context, id string, desired spec.Props, changed changedFn) (reconcile.Observation, error) {
	apiID, routeID, err := splitID(k.Type(), id)
	if err != nil {
		return reconcile.Observation{}, err
	}
	in := &apigatewayv2.UpdateRouteInput{ApiId: aws.String(apiID), RouteId: aws.String(routeID)}
	send := false
	if changed("target") {
		in.Target, send = aws.String(desired.String("target")), true
	}
	if changed("authorization_type") {
		in.AuthorizationType, send = types.AuthorizationType(desired.String("authorization_type")), true
	}
	if send {
		if _, err := k.api.UpdateRoute(ctx, in); err != nil {
			return reconcile.Observation{}, fmt.Errorf("cannot update route %s: %w", id, err)
		}
	}
	obs, err := k.observeID(ctx, id)
	if err == nil && !obs.Exists {
		err = fmt.Errorf("route %s vanished while being updated", id)
	}
	return obs, err
}

func (k *routeKind) Delete(ctx context.Context, id string) error {
	apiID, routeID, err := splitID(k.Type(), id)
	if err != nil {
		return err
	}
	_, err = k.api.DeleteRoute(ctx, &apigatewayv2.DeleteRouteInput{ApiId: aws.String(apiID), RouteId: aws.String(routeID)})
	if err != nil && !isNotFound(err) {
		return fmt.Errorf("cannot delete route %s: %w", id, err)
	}
	return nil
}
