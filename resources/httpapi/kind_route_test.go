package httpapi

import (
	"context"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/apigatewayv2"
	"github.com/aws/aws-sdk-go-v2/service/apigatewayv2/types"
	"github.com/google/go-cmp/cmp"
	"github.com/trip-assistant/stack/reconcile"
	"github.com/trip-assistant/stack/reconcile/spec"
)

func desiredRoute(key string) spec.Props {
	return spec.Props{"api_id": "abc123", "route_key": key, "target": "integrations/int1", "authorization_type": "NONE"}
}

func routeFake() *fakeAPI {
	routes := []types.Route{
		{RouteId: aws.String("r1"), RouteKey: aws.String("GET /api/health"), Target: aws.String("integrations/int1")},
		// kumo reports no authorization type for a route made without one.
		{RouteId: aws.String("r2"), RouteKey: aws.String("$default"), Target: aws.String("integrations/int1")},
	}
	return &fakeAPI{
		GetRoutesFn: func(*apigatewayv2.GetRoutesInput) (*apigatewayv2.GetRoutesOutput, error) {
			return &apigatewayv2.GetRoutesOutput{Items: routes}, nil
		},
		GetRouteFn: func(in *apigatewayv2.GetRouteInput) (*apigatewayv2.GetRouteOutput, error) {
			for _, r := range routes {
				if aws.ToString(r.RouteId) == aws.ToString(in.RouteId) {
					return &apigatewayv2.GetRouteOutput{RouteId: r.RouteId, RouteKey: r.RouteKey, Target: r.Target, AuthorizationType: r.AuthorizationType}, nil
				}
			}
			return nil, notFound()
		},
	}
}

func TestRouteObserve(t *testing.T) {
	cases := map[string]struct {
		req    reconcile.ObserveRequest
		wantID string
	}{
		"by route key":   {req: reconcile.ObserveRequest{Desired: desiredRoute("$default")}, wantID: "abc123/r2"},
		"by id":          {req: reconcile.ObserveRequest{ID: "abc123/r1"}, wantID: "abc123/r1"},
		"deleted by id":  {req: reconcile.ObserveRequest{ID: "abc123/r9"}},
		"no such key":    {req: reconcile.ObserveRequest{Desired: desiredRoute("POST /api/trips")}},
		"api id unknown": {req: reconcile.ObserveRequest{Desired: spec.Props{"api_id": spec.Unknown{}, "route_key": "$default"}}},
	}
	for name, tc := range cases {
		t.Run(name, func(t *testing.T) {
			obs, err := NewRouteWithAPI(routeFake()).Observe(context.Background(), tc.req)
			if err != nil {
				t.Fatal(err)
			}
			if obs.ID != tc.wantID || obs.Exists != (tc.wantID != "") {
				t.Fatalf("Observe = %+v, want id %q", obs, tc.wantID)
			}
			if obs.Exists && obs.Props["authorization_type"] != "NONE" {
				t.Errorf("authorization_type = %v, want NONE", obs.Props["authorization_type"])
			}
		})
	}
}

func TestRouteUpdateTargetOnly(t *testing.T) {
	f := routeFake()
	var updated *apigatewayv2.UpdateRouteInput
	f.UpdateRouteFn = func(in *apigatewayv2.UpdateRouteInput) (*apigatewayv2.UpdateRouteOutput, error) {
		updated = in
		return &apigatewayv2.UpdateRouteOutput{}, nil
	}
	desired := desiredRoute("$default")
	desired["target"] = "integrations/int2"
	if _, err := NewRouteWithAPI(f).Update(context.Background(), reconcile.UpdateRequest{ID: "abc123/r2", Desired: desired, Diff: diffOf("target")}); err != nil {
		t.Fatal(err)
	}
	want := &apigatewayv2.UpdateRouteInput{ApiId: aws.String("abc123"), RouteId: aws.String("r2"), Target: aws.String("integrations/int2")}
	if d := cmp.Diff(want, updated, cmpIgnoreUnexported()); d != "" {
		t.Errorf("UpdateRoute (-want +got):\n%s", d)
	}
}

func TestRouteCreate(t *testing.T) {
	f := routeFake()
	f.CreateRouteFn = func(in *apigatewayv2.CreateRouteInput) (*apigatewayv2.CreateRouteOutput, error) {
		return &apigatewayv2.CreateRouteOutput{RouteId: aws.String("r3"), RouteKey: in.RouteKey, Target: in.Target, AuthorizationType: in.AuthorizationType}, nil
	}
	f.UpdateRouteFn = func(*apigatewayv2.UpdateRouteInput) (*apigatewayv2.UpdateRouteOutput, error) {
		return &apigatewayv2.UpdateRouteOutput{}, nil
	}
	k := NewRouteWithAPI(f)
	obs, err := k.Create(context.Background(), desiredRoute("POST /api/trips"))
	if err != nil || obs.ID != "abc123/r3" {
		t.Fatalf("Create = %+v, %v", obs, err)
	}
	if d := cmp.Diff(desiredRoute("POST /api/trips"), obs.Props); d != "" {
		t.Errorf("props (-want +got):\n%s", d)
	}
	// A route with the key exists already (a killed run made it): adopted,
	// never duplicated (emulators accept duplicate keys).
	f.calls = nil
	obs, err = k.Create(context.Background(), desiredRoute("$default"))
	if err != nil || obs.ID != "abc123/r2" {
		t.Fatalf("Create(existing) = %+v, %v", obs, err)
	}
	if d := cmp.Diff([]string{"GetRoutes", "UpdateRoute", "GetRoute"}, f.calls); d != "" {
		t.Errorf("calls (-want +got):\n%s", d)
	}
}
