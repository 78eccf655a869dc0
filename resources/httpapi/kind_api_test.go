package httpapi

import (
	"context"
	"strings"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/apigatewayv2"
	"github.com/aws/aws-sdk-go-v2/service/apigatewayv2/types"
	"github.com/google/go-cmp/cmp"
	"github.com/trip-assistant/stack/reconcile"
	"github.com/trip-assistant/stack/reconcile/spec"
)

const stack = "trip-assistant/dev"

func ownedTags(name string) map[string]string {
	return map[string]string{reconcile.TagStack: stack, reconcile.TagName: name}
}

func diffOf(paths ...string) reconcile.Diff {
	d := make(reconcile.Diff, len(paths))
	for i, p := range paths {
		d[i] = reconcile.FieldDiff{Path: p}
	}
	return d
}

func desiredAPI() spec.Props {
	return spec.Props{
		"name":          "trip-assistant-api-dev",
		"protocol_type": "HTTP",
		"description":   "",
		"cors": map[string]any{
			"allow_origins":     []any{"https://app.example"},
			"allow_methods":     []any{"GET", "POST"},
			"allow_headers":     []any{"Content-Type", "Authorization"},
			"expose_headers":    []any{},
			"max_age":           int64(300),
			"allow_credentials": false,
		},
		"tags": spec.StringMapValue(ownedTags("http_api")),
	}
}

func TestAPIObserveFindsByNameAndStackTag(t *testing.T) {
	api := func(id, name, stackTag string) types.Api {
		a := types.Api{ApiId: aws.String(id), Name: aws.String(name), ProtocolType: types.ProtocolTypeHttp,
			ApiEndpoint: aws.String("https://" + id + ".execute-api.us-east-2.amazonaws.com")}
		if stackTag != "" {
			a.Tags = map[string]string{reconcile.TagStack: stackTag}
		}
		return a
	}
	cases := map[string]struct {
		pages   [][]types.Api
		desired spec.Props
		wantID  string
		wantErr string
	}{
		"ours on the second page": {
			pages: [][]types.Api{
				{api("a1", "trip-assistant-api-dev", "other/dev"), api("a2", "trip-assistant-api-dev", "")},
				{api("a3", "something-else", stack), api("a4", "trip-assistant-api-dev", stack)},
			},
			desired: desiredAPI(),
			wantID:  "a4",
		},
		"same name, other stack": {
			pages:   [][]types.Api{{api("a1", "trip-assistant-api-dev", "other/dev")}},
			desired: desiredAPI(),
		},
		"two of ours": {
			pages:   [][]types.Api{{api("a1", "trip-assistant-api-dev", stack), api("a2", "trip-assistant-api-dev", stack)}},
			desired: desiredAPI(),
			wantErr: "2 http apis are named",
		},
		"name not known yet": {
			desired: spec.Props{"name": spec.Unknown{Ref: "x.name"}},
		},
		"removed from the spec, no id": {},
	}
	for name, tc := range cases {
		t.Run(name, func(t *testing.T) {
			f := &fakeAPI{GetApisFn: func(in *apigatewayv2.GetApisInput) (*apigatewayv2.GetApisOutput, error) {
				page := 0
				if in.NextToken != nil {
					page = int(aws.ToString(in.NextToken)[0] - '0')
				}
				out := &apigatewayv2.GetApisOutput{Items: tc.pages[page]}
				if page+1 < len(tc.pages) {
					out.NextToken = aws.String(string(rune('0' + page + 1)))
				}
				return out, nil
			}}
			k := NewAPIWithAPI(f, fakeSTS{}, "us-east-2")
			obs, err := k.Observe(context.Background(), reconcile.ObserveRequest{Name: "http_api", Desired: tc.desired})
			if tc.wantErr != "" {
				if err == nil || !strings.Contains(err.Error(), tc.wantErr) {
					t.Fatalf("Observe error = %v, want one containing %q", err, tc.wantErr)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if obs.ID != tc.wantID || obs.Exists != (tc.wantID != "") {
				t.Errorf("Observe = (exists %v, id %q), want id %q", obs.Exists, obs.ID, tc.wantID)
			}
		})
	}
}

func TestAPIObserveByID(t *testing.T) {
	f := &fakeAPI{GetApiFn: func(in *apigatewayv2.GetApiInput) (*apigatewayv2.GetApiOutput, error) {
		if aws.ToString(in.ApiId) != "abc123" {
			return nil, notFound()
		}
		return &apigatewayv2.GetApiOutput{
			ApiId: aws.String("abc123"), Name: aws.String("trip-assistant-api-dev"), ProtocolType: types.ProtocolTypeHttp,
			ApiEndpoint: aws.String("https://abc123.execute-api.us-east-2.amazonaws.com"),
			// AWS lower-cases header names and reorders lists.
			CorsConfiguration: &types.Cors{
				AllowOrigins: []string{"https://app.example"},
				AllowMethods: []string{"POST", "GET"},
				AllowHeaders: []string{"authorization", "content-type"},
				MaxAge:       aws.Int32(300),
			},
			Tags: ownedTags("http_api"),
		}, nil
	}}
	k := NewAPIWithAPI(f, fakeSTS{}, "us-east-2")

	obs, err := k.Observe(context.Background(), reconcile.ObserveRequest{ID: "abc123", Desired: desiredAPI()})
	if err != nil {
		t.Fatal(err)
	}
	want := reconcile.Observation{
		Exists: true,
		ID:     "abc123",
		Props: spec.Props{
			"name": "trip-assistant-api-dev", "protocol_type": "HTTP", "description": "",
			"cors": map[string]any{
				"allow_origins": []any{"https://app.example"}, "allow_methods": []any{"POST", "GET"},
				"allow_headers": []any{"authorization", "content-type"}, "expose_headers": []any{},
				"max_age": int64(300), "allow_credentials": false,
			},
			"tags":   spec.StringMapValue(ownedTags("http_api")),
			"routes": []any{}, "integrations": []any{}, "stages": []any{},
		},
		Attrs: map[string]string{
			"id":            "abc123",
			"endpoint":      "https://abc123.execute-api.us-east-2.amazonaws.com",
			"execution_arn": "arn:aws:execute-api:us-east-2:123456789012:abc123",
		},
	}
	if d := cmp.Diff(want, obs); d != "" {
		t.Errorf("Observe (-want +got):\n%s", d)
	}
	// Header case and list order as AWS rewrites them are no diff.
	if d := reconcile.ComputeDiff(k.Schema(), desiredAPI(), obs.Props, nil); len(d) != 0 {
		t.Errorf("live should converge with desired, diff %+v", d)
	}

	gone, err := k.Observe(context.Background(), reconcile.ObserveRequest{ID: "gone"})
	if err != nil || gone.Exists {
		t.Errorf("Observe(gone) = %+v, %v; want absent, no error", gone, err)
	}
}

func TestAPIUpdateCallsOnlyWhatChanged(t *testing.T) {
	noCors := desiredAPI()
	delete(noCors, "cors")
	liveTags := map[string]any{reconcile.TagStack: stack, reconcile.TagName: "http_api", "stale": "x"}
	cases := map[string]struct {
		diff      reconcile.Diff
		desired   spec.Props
		wantCalls []string
		check     func(t *testing.T, f *recorded)
	}{
		"description only": {
			diff: diffOf("description"), desired: desiredAPI(),
			wantCalls: []string{"UpdateApi", "GetApi"},
			check: func(t *testing.T, r *recorded) {
				if r.update.Description == nil || r.update.Name != nil || r.update.CorsConfiguration != nil {
					t.Errorf("UpdateApi sent %+v, want only the description", r.update)
				}
			},
		},
		"one cors list": {
			diff: diffOf("cors.allow_origins"), desired: desiredAPI(),
			wantCalls: []string{"UpdateApi", "GetApi"},
			check: func(t *testing.T, r *recorded) {
				c := r.update.CorsConfiguration
				if c == nil || r.update.Name != nil || r.update.Description != nil {
					t.Fatalf("UpdateApi sent %+v, want only the cors configuration", r.update)
				}
				if c.ExposeHeaders == nil {
					t.Errorf("empty lists must be sent as [] so AWS clears them, got nil")
				}
			},
		},
		"cors removed": {
			diff: diffOf("cors"), desired: noCors,
			wantCalls: []string{"DeleteCorsConfiguration", "GetApi"},
		},
		"tags": {
			diff: diffOf("tags"), desired: desiredAPI(),
			wantCalls: []string{"UntagResource", "GetApi"},
			check: func(t *testing.T, r *recorded) {
				if d := cmp.Diff([]string{"stale"}, r.untag.TagKeys); d != "" {
					t.Errorf("untagged keys (-want +got):\n%s", d)
				}
				if got := aws.ToString(r.untag.ResourceArn); got != "arn:aws:apigateway:us-east-2::/apis/abc123" {
					t.Errorf("untag ARN = %s", got)
				}
			},
		},
		"nothing": {desired: desiredAPI(), wantCalls: []string{"GetApi"}},
	}
	for name, tc := range cases {
		t.Run(name, func(t *testing.T) {
			r := &recorded{}
			f := &fakeAPI{
				UpdateApiFn: func(in *apigatewayv2.UpdateApiInput) (*apigatewayv2.UpdateApiOutput, error) {
					r.update = in
					return &apigatewayv2.UpdateApiOutput{}, nil
				},
				DeleteCorsConfigurationFn: func(*apigatewayv2.DeleteCorsConfigurationInput) (*apigatewayv2.DeleteCorsConfigurationOutput, error) {
					return &apigatewayv2.DeleteCorsConfigurationOutput{}, nil
				},
				UntagResourceFn: func(in *apigatewayv2.UntagResourceInput) (*apigatewayv2.UntagResourceOutput, error) {
					r.untag = in
					return &apigatewayv2.UntagResourceOutput{}, nil
				},
				GetApiFn: func(*apigatewayv2.GetApiInput) (*apigatewayv2.GetApiOutput, error) {
					return &apigatewayv2.GetApiOutput{ApiId: aws.String("abc123"), Name: aws.String("n")}, nil
				},
			}
			k := NewAPIWithAPI(f, fakeSTS{}, "us-east-2")
			live := reconcile.Observation{Exists: true, ID: "abc123", Props: spec.Props{
				"name": "trip-assistant-api-dev", "cors": map[string]any{"allow_origins": []any{"*"}}, "tags": liveTags,
			}}
			_, err := k.Update(context.Background(), reconcile.UpdateRequest{ID: "abc123", Desired: tc.desired, Live: live, Diff: tc.diff})
			if err != nil {
				t.Fatal(err)
			}
			if d := cmp.Diff(tc.wantCalls, memberReadsInOrder(f.calls)); d != "" {
				t.Errorf("calls (-want +got):\n%s", d)
			}
			if tc.check != nil {
				tc.check(t, r)
			}
		})
	}
}

type recorded struct {
	update *apigatewayv2.UpdateApiInput
	untag  *apigatewayv2.UntagResourceInput
}

func TestAPICreate(t *testing.T) {
	var sent *apigatewayv2.CreateApiInput
	f := &fakeAPI{
		GetApisFn: func(*apigatewayv2.GetApisInput) (*apigatewayv2.GetApisOutput, error) {
			return &apigatewayv2.GetApisOutput{}, nil
		},
		CreateApiFn: func(in *apigatewayv2.CreateApiInput) (*apigatewayv2.CreateApiOutput, error) {
			sent = in
			return &apigatewayv2.CreateApiOutput{ApiId: aws.String("new1"), Name: in.Name, ProtocolType: in.ProtocolType,
				CorsConfiguration: in.CorsConfiguration, Tags: in.Tags, ApiEndpoint: aws.String("https://new1.execute-api.us-east-2.amazonaws.com")}, nil
		},
	}
	k := NewAPIWithAPI(f, fakeSTS{}, "us-east-2")
	obs, err := k.Create(context.Background(), desiredAPI())
	if err != nil {
		t.Fatal(err)
	}
	if d := cmp.Diff([]string{"GetApis", "CreateApi"}, f.calls); d != "" {
		t.Errorf("calls (-want +got):\n%s", d)
	}
	if sent.CorsConfiguration == nil || aws.ToInt32(sent.CorsConfiguration.MaxAge) != 300 || sent.Tags[reconcile.TagStack] != stack {
		t.Errorf("CreateApi sent %+v", sent)
	}
	if obs.ID != "new1" || obs.Attrs["execution_arn"] != "arn:aws:execute-api:us-east-2:123456789012:new1" {
		t.Errorf("Create = %+v", obs)
	}
}

func TestAPICreateAdoptsWhatAKilledRunMade(t *testing.T) {
	f := &fakeAPI{
		GetApisFn: func(*apigatewayv2.GetApisInput) (*apigatewayv2.GetApisOutput, error) {
			return &apigatewayv2.GetApisOutput{Items: []types.Api{{
				ApiId: aws.String("old1"), Name: aws.String("trip-assistant-api-dev"), Tags: ownedTags("http_api"),
			}}}, nil
		},
		UpdateApiFn: func(*apigatewayv2.UpdateApiInput) (*apigatewayv2.UpdateApiOutput, error) {
			return &apigatewayv2.UpdateApiOutput{}, nil
		},
		GetApiFn: func(*apigatewayv2.GetApiInput) (*apigatewayv2.GetApiOutput, error) {
			return &apigatewayv2.GetApiOutput{ApiId: aws.String("old1"), Name: aws.String("trip-assistant-api-dev")}, nil
		},
	}
	k := NewAPIWithAPI(f, fakeSTS{}, "us-east-2")
	obs, err := k.Create(context.Background(), desiredAPI())
	if err != nil {
		t.Fatal(err)
	}
	// The members are read with the API, and left alone by adoption.
	if d := cmp.Diff([]string{"GetApis", "GetRoutes", "GetIntegrations", "GetStages", "UpdateApi", "GetApi"}, memberReadsInOrder(f.calls)); d != "" {
		t.Errorf("calls (-want +got):\n%s", d)
	}
	if obs.ID != "old1" {
		t.Errorf("adopted id = %q, want old1", obs.ID)
	}
}

func TestAPIDeleteAndList(t *testing.T) {
	f := &fakeAPI{
		DeleteApiFn: func(*apigatewayv2.DeleteApiInput) (*apigatewayv2.DeleteApiOutput, error) { return nil, notFound() },
		GetApisFn: func(*apigatewayv2.GetApisInput) (*apigatewayv2.GetApisOutput, error) {
			return &apigatewayv2.GetApisOutput{Items: []types.Api{
				{ApiId: aws.String("a1"), Name: aws.String("trip-assistant-api-dev")},
				{ApiId: aws.String("a2"), Name: aws.String("unrelated")},
			}}, nil
		},
	}
	k := NewAPIWithAPI(f, fakeSTS{}, "us-east-2")
	if err := k.Delete(context.Background(), "gone"); err != nil {
		t.Errorf("Delete(absent) = %v, want nil", err)
	}
	ids, err := k.(reconcile.Lister).List(context.Background(), "trip-assistant-")
	if err != nil {
		t.Fatal(err)
	}
	if d := cmp.Diff([]string{"a1"}, ids); d != "" {
		t.Errorf("List (-want +got):\n%s", d)
	}
}

func TestCorsListsCompareAsCaseInsensitiveSets(t *testing.T) {
	cases := map[string]struct {
		want, got any
		equal     bool
	}{
		"case and order":  {[]any{"Content-Type", "X-Trip"}, []any{"x-trip", "content-type"}, true},
		"unset and empty": {nil, []any{}, true},
		"missing one":     {[]any{"Content-Type", "X-Trip"}, []any{"content-type"}, false},
		"different":       {[]any{"https://a.example"}, []any{"https://b.example"}, false},
	}
	for name, tc := range cases {
		if got := equalFoldSet(tc.want, tc.got); got != tc.equal {
			t.Errorf("%s: equalFoldSet(%v, %v) = %v, want %v", name, tc.want, tc.got, got, tc.equal)
		}
	}
}
