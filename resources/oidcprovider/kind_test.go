package oidcprovider

import (
	"context"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/iam"
	"github.com/aws/aws-sdk-go-v2/service/iam/types"
	"github.com/google/go-cmp/cmp"

	"github.com/trip-assistant/stack/reconcile"
	"github.com/trip-assistant/stack/reconcile/spec"
)

const githubARN = "arn:aws:iam::123456789012:oidc-provider/token.actions.githubusercontent.com"

// fakeIAM holds one provider (nil: none) and records the calls made.
type fakeIAM struct {
	calls    []string
	provider *iam.GetOpenIDConnectProviderOutput
}

var _ API = (*fakeIAM)(nil)

func (f *fakeIAM) GetOpenIDConnectProvider(_ context.Context, in *iam.GetOpenIDConnectProviderInput, _ ...func(*iam.Options)) (*iam.GetOpenIDConnectProviderOutput, error) {
	f.calls = append(f.calls, "Get")
	if f.provider == nil || *in.OpenIDConnectProviderArn != githubARN {
		return nil, &types.NoSuchEntityException{}
	}
	return f.provider, nil
}

func (f *fakeIAM) ListOpenIDConnectProviders(context.Context, *iam.ListOpenIDConnectProvidersInput, ...func(*iam.Options)) (*iam.ListOpenIDConnectProvidersOutput, error) {
	f.calls = append(f.calls, "List")
	out := &iam.ListOpenIDConnectProvidersOutput{OpenIDConnectProviderList: []types.OpenIDConnectProviderListEntry{
		{Arn: aws.String("arn:aws:iam::123456789012:oidc-provider/token.actions.githubusercontent.com.evil.example")},
	}}
	if f.provider != nil {
		out.OpenIDConnectProviderList = append(out.OpenIDConnectProviderList, types.OpenIDConnectProviderListEntry{Arn: aws.String(githubARN)})
	}
	return out, nil
}

func (f *fakeIAM) CreateOpenIDConnectProvider(context.Context, *iam.CreateOpenIDConnectProviderInput, ...func(*iam.Options)) (*iam.CreateOpenIDConnectProviderOutput, error) {
	f.calls = append(f.calls, "Create")
	if f.provider != nil {
		return nil, &types.EntityAlreadyExistsException{}
	}
	return &iam.CreateOpenIDConnectProviderOutput{OpenIDConnectProviderArn: aws.String(githubARN)}, nil
}

func (f *fakeIAM) DeleteOpenIDConnectProvider(context.Context, *iam.DeleteOpenIDConnectProviderInput, ...func(*iam.Options)) (*iam.DeleteOpenIDConnectProviderOutput, error) {
	f.calls = append(f.calls, "Delete")
	if f.provider == nil {
		return nil, &types.NoSuchEntityException{}
	}
	return &iam.DeleteOpenIDConnectProviderOutput{}, nil
}

func (f *fakeIAM) AddClientIDToOpenIDConnectProvider(_ context.Context, in *iam.AddClientIDToOpenIDConnectProviderInput, _ ...func(*iam.Options)) (*iam.AddClientIDToOpenIDConnectProviderOutput, error) {
	f.calls = append(f.calls, "AddClientID "+*in.ClientID)
	return &iam.AddClientIDToOpenIDConnectProviderOutput{}, nil
}

func (f *fakeIAM) RemoveClientIDFromOpenIDConnectProvider(_ context.Context, in *iam.RemoveClientIDFromOpenIDConnectProviderInput, _ ...func(*iam.Options)) (*iam.RemoveClientIDFromOpenIDConnectProviderOutput, error) {
	f.calls = append(f.calls, "RemoveClientID "+*in.ClientID)
	return &iam.RemoveClientIDFromOpenIDConnectProviderOutput{}, nil
}

func (f *fakeIAM) UpdateOpenIDConnectProviderThumbprint(context.Context, *iam.UpdateOpenIDConnectProviderThumbprintInput, ...func(*iam.Options)) (*iam.UpdateOpenIDConnectProviderThumbprintOutput, error) {
	f.calls = append(f.calls, "UpdateThumbprint")
	return &iam.UpdateOpenIDConnectProviderThumbprintOutput{}, nil
}

func (f *fakeIAM) TagOpenIDConnectProvider(context.Context, *iam.TagOpenIDConnectProviderInput, ...func(*iam.Options)) (*iam.TagOpenIDConnectProviderOutput, error) {
	f.calls = append(f.calls, "Tag")
	return &iam.TagOpenIDConnectProviderOutput{}, nil
}

func (f *fakeIAM) UntagOpenIDConnectProvider(context.Context, *iam.UntagOpenIDConnectProviderInput, ...func(*iam.Options)) (*iam.UntagOpenIDConnectProviderOutput, error) {
	f.calls = append(f.calls, "Untag")
	return &iam.UntagOpenIDConnectProviderOutput{}, nil
}

func github() *iam.GetOpenIDConnectProviderOutput {
	return &iam.GetOpenIDConnectProviderOutput{
		Url:            aws.String("token.actions.githubusercontent.com"),
		ClientIDList:   []string{"sts.amazonaws.com"},
		ThumbprintList: []string{"6938fd4d98bab03faadb97b34396831e3780aea1"},
		Tags:           []types.Tag{{Key: aws.String("team"), Value: aws.String("a")}},
	}
}

func TestObserve(t *testing.T) {
	sp := spec.Props{"url": "https://token.actions.githubusercontent.com"}
	want := reconcile.Observation{
		Exists: true,
		ID:     githubARN,
		Props: spec.Props{
			"url":         "https://token.actions.githubusercontent.com",
			"client_ids":  []any{"sts.amazonaws.com"},
			"thumbprints": []any{"6938fd4d98bab03faadb97b34396831e3780aea1"},
			"tags":        map[string]any{"team": "a"},
		},
		Attrs: map[string]string{"arn": githubARN, "url": "https://token.actions.githubusercontent.com"},
	}
	cases := map[string]struct {
		provider *iam.GetOpenIDConnectProviderOutput
		req      reconcile.ObserveRequest
		want     reconcile.Observation
		calls    []string
	}{
		"by arn":              {github(), reconcile.ObserveRequest{ID: githubARN}, want, []string{"Get"}},
		"by url":              {github(), reconcile.ObserveRequest{Desired: sp}, want, []string{"List", "Get"}},
		"by url, none":        {nil, reconcile.ObserveRequest{Desired: sp}, reconcile.Observation{}, []string{"List"}},
		"by arn, gone":        {nil, reconcile.ObserveRequest{ID: githubARN}, reconcile.Observation{}, []string{"Get"}},
		"url not known yet":   {github(), reconcile.ObserveRequest{Desired: spec.Props{"url": spec.Unknown{Ref: "x.url"}}}, reconcile.Observation{}, nil},
		"url, trailing slash": {github(), reconcile.ObserveRequest{Desired: spec.Props{"url": "https://token.actions.githubusercontent.com/"}}, want, []string{"List", "Get"}},
	}
	for name, tc := range cases {
		t.Run(name, func(t *testing.T) {
			f := &fakeIAM{provider: tc.provider}
			got, err := NewWithAPI(f).Observe(context.Background(), tc.req)
			if err != nil {
				t.Fatal(err)
			}
			if d := cmp.Diff(tc.want, got); d != "" {
				t.Errorf("Observe() (-want +got):\n%s", d)
			}
			if d := cmp.Diff(tc.calls, f.calls); d != "" {
				t.Errorf("calls (-want +got):\n%s", d)
			}
		})
	}
}

func TestUpdateCallsOnlyWhatChanged(t *testing.T) {
	live := reconcile.Observation{Exists: true, ID: githubARN, Props: spec.Props{
		"client_ids": []any{"sts.amazonaws.com", "old"}, "tags": map[string]any{"team": "a"},
	}}
	desired := spec.Props{
		"url": "https://token.actions.githubusercontent.com", "client_ids": []any{"sts.amazonaws.com", "new"},
		"thumbprints": []any{"1111111111111111111111111111111111111111"}, "tags": map[string]any{"team": "b"},
	}
	cases := map[string]struct {
		diff  []string
		calls []string
	}{
		"nothing":     {nil, nil},
		"client ids":  {[]string{"client_ids"}, []string{"AddClientID new", "RemoveClientID old"}},
		"thumbprints": {[]string{"thumbprints"}, []string{"UpdateThumbprint"}},
		"tags":        {[]string{"tags.team"}, []string{"Tag"}},
	}
	for name, tc := range cases {
		t.Run(name, func(t *testing.T) {
			f := &fakeIAM{provider: github()}
			var diff reconcile.Diff
			for _, p := range tc.diff {
				diff = append(diff, reconcile.FieldDiff{Path: p})
			}
			if _, err := NewWithAPI(f).Update(context.Background(), reconcile.UpdateRequest{ID: githubARN, Desired: desired, Live: live, Diff: diff}); err != nil {
				t.Fatal(err)
			}
			if d := cmp.Diff(tc.calls, f.calls); d != "" {
				t.Errorf("calls (-want +got):\n%s", d)
			}
		})
	}
}

func TestCreate(t *testing.T) {
	desired := spec.Props{
		"url": "https://token.actions.githubusercontent.com", "client_ids": []any{"sts.amazonaws.com"},
		"thumbprints": []any{"6938fd4d98bab03faadb97b34396831e3780aea1"},
		"tags":        map[string]any{"team": "a", reconcile.TagStack: "trip/dev"},
	}
	cases := map[string]struct {
		provider *iam.GetOpenIDConnectProviderOutput
		calls    []string
	}{
		"new":     {nil, []string{"Create"}},
		"adopted": {github(), []string{"Create", "List", "Get", "Tag"}}, // same client ids and thumbprints: only the tags differ
	}
	for name, tc := range cases {
		t.Run(name, func(t *testing.T) {
			f := &fakeIAM{provider: tc.provider}
			got, err := NewWithAPI(f).Create(context.Background(), desired)
			if err != nil {
				t.Fatal(err)
			}
			if got.ID != githubARN || got.Attrs["arn"] != githubARN {
				t.Errorf("Create() = %+v, want the provider's ARN", got)
			}
			if d := cmp.Diff(tc.calls, f.calls); d != "" {
				t.Errorf("calls (-want +got):\n%s", d)
			}
		})
	}
}

func TestDeleteAbsent(t *testing.T) {
	if err := NewWithAPI(&fakeIAM{}).Delete(context.Background(), githubARN); err != nil {
		t.Errorf("Delete() of an absent provider = %v", err)
	}
}

func TestSchema(t *testing.T) {
	s := NewWithAPI(&fakeIAM{}).Schema()
	if !s["thumbprints"].SpecOnly {
		t.Error("thumbprints must be SpecOnly")
	}
	if !s["url"].Equal("https://token.actions.githubusercontent.com", "token.actions.githubusercontent.com") {
		t.Error("url Equal must ignore the scheme AWS drops")
	}
	cases := map[string]struct {
		field string
		value any
		ok    bool
	}{
		"https":          {"url", "https://token.actions.githubusercontent.com", true},
		"http":           {"url", "http://token.actions.githubusercontent.com", false},
		"no scheme":      {"url", "token.actions.githubusercontent.com", false},
		"client ids":     {"client_ids", []any{"sts.amazonaws.com"}, true},
		"no client ids":  {"client_ids", []any{}, false},
		"thumbprint":     {"thumbprints", []any{"6938fd4d98bab03faadb97b34396831e3780aea1"}, true},
		"bad thumbprint": {"thumbprints", []any{"abc"}, false},
	}
	for name, tc := range cases {
		t.Run(name, func(t *testing.T) {
			if err := s[tc.field].Check(tc.value); (err == nil) != tc.ok {
				t.Errorf("Check(%v) = %v, want ok=%v", tc.value, err, tc.ok)
			}
		})
	}
}
