//go:build integration

package oidcprovider_test

import (
	"context"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/iam"
	"github.com/google/go-cmp/cmp"

	"github.com/trip-assistant/stack/internal/testinfra/emulator/emutest"
	"github.com/trip-assistant/stack/reconcile"
	"github.com/trip-assistant/stack/reconcile/spec"
	"github.com/trip-assistant/stack/resources/oidcprovider"
)

const (
	githubURL   = "https://token.actions.githubusercontent.com"
	thumbprint1 = "6938fd4d98bab03faadb97b34396831e3780aea1"
	thumbprint2 = "1c58a3a8518e8759bf075b76b750d4f2df264fcd"
)

func setup(t *testing.T) (context.Context, aws.Config) {
	t.Helper()
	ctx := context.Background()
	cfg := emutest.Config(t, "us-east-2")
	return ctx, cfg
}

func TestProviderLifecycle(t *testing.T) {
	ctx, cfg := setup(t)
	client := iam.NewFromConfig(cfg)
	k := oidcprovider.New(cfg)
	observe := func(id string, desired spec.Props) reconcile.Observation {
		t.Helper()
		obs, err := k.Observe(ctx, reconcile.ObserveRequest{Name: "github", ID: id, Desired: desired})
		if err != nil {
			t.Fatal(err)
		}
		return obs
	}
	diff := func(desired spec.Props, live reconcile.Observation) reconcile.Diff {
		t.Helper()
		if !live.Exists {
			t.Fatal("provider observed absent")
		}
		return reconcile.ComputeDiff(k.Schema(), desired, live.Props, nil)
	}

	desired := spec.Props{
		"url":         githubURL,
		"client_ids":  []any{"sts.amazonaws.com"},
		"thumbprints": []any{thumbprint1},
		"tags":        map[string]any{reconcile.TagStack: "trip-assistant/it", reconcile.TagName: "github"},
	}
	if obs := observe("", desired); obs.Exists {
		t.Fatalf("provider exists before create: %+v", obs)
	}
	created, err := k.Create(ctx, desired)
	if err != nil {
		t.Fatal(err)
	}
	arn := created.ID
	if want := "arn:aws:iam::123456789012:oidc-provider/token.actions.githubusercontent.com"; arn != want {
		t.Errorf("ID = %q, want %q", arn, want)
	}
	if d := diff(desired, observe(arn, desired)); len(d) != 0 {
		t.Fatalf("observed by ARN, diff %v", d)
	}
	byURL := observe("", desired)
	if byURL.ID != arn {
		t.Fatalf("observed by URL: ID %q, want %q", byURL.ID, arn)
	}
	if d := diff(desired, byURL); len(d) != 0 {
		t.Fatalf("observed by URL, diff %v", d)
	}

	t.Run("out-of-band thumbprints are not drift", func(t *testing.T) {
		if _, err := client.UpdateOpenIDConnectProviderThumbprint(ctx, &iam.UpdateOpenIDConnectProviderThumbprintInput{
			OpenIDConnectProviderArn: aws.String(arn), ThumbprintList: []string{thumbprint2},
		}); err != nil {
			t.Fatal(err)
		}
		live := observe(arn, desired)
		if d := diff(desired, live); len(d) != 0 {
			t.Fatalf("diff %v, want none", d)
		}
		if d := cmp.Diff([]any{thumbprint2}, live.Props["thumbprints"]); d != "" {
			t.Errorf("live thumbprints (-want +got):\n%s", d)
		}
	})

	t.Run("thumbprint change in the spec", func(t *testing.T) {
		desired["thumbprints"] = []any{thumbprint1, thumbprint2}
		live := observe(arn, desired)
		// The engine puts a SpecOnly field in the diff when the spec changed it.
		d := reconcile.Diff{{Path: "thumbprints", Before: []any{thumbprint1}, After: desired["thumbprints"]}}
		if _, err := k.Update(ctx, reconcile.UpdateRequest{ID: arn, Desired: desired, Live: live, Diff: d}); err != nil {
			t.Fatal(err)
		}
		got := observe(arn, desired).Props["thumbprints"]
		if d := cmp.Diff([]any{thumbprint2, thumbprint1}, got); d != "" {
			t.Errorf("thumbprints after update (-want +got):\n%s", d)
		}
	})

	t.Run("tags", func(t *testing.T) {
		desired["tags"] = map[string]any{reconcile.TagStack: "trip-assistant/it", "team": "platform"}
		live := observe(arn, desired)
		d := diff(desired, live)
		if cmp.Diff([]string{"tags"}, d.Paths()) != "" {
			t.Fatalf("diff %v, want tags", d.Paths())
		}
		if _, err := k.Update(ctx, reconcile.UpdateRequest{ID: arn, Desired: desired, Live: live, Diff: d}); err != nil {
			t.Fatal(err)
		}
		if d := diff(desired, observe(arn, desired)); len(d) != 0 {
			t.Fatalf("after update, diff %v", d)
		}
	})

	t.Run("client ids", func(t *testing.T) {
		// moto 5.2.5 does not implement AddClientIDToOpenIDConnectProvider
		// (it answers 500 with a non-XML body): probe once, without retries.
		_, err := client.AddClientIDToOpenIDConnectProvider(ctx, &iam.AddClientIDToOpenIDConnectProviderInput{
			OpenIDConnectProviderArn: aws.String(arn), ClientID: aws.String("sts.amazonaws.com"),
		}, func(o *iam.Options) { o.RetryMaxAttempts = 1 })
		if err != nil {
			t.Skipf("emulator gap: AddClientIDToOpenIDConnectProvider: %v", err)
		}
		want := spec.Props{}
		for k, v := range desired {
			want[k] = v
		}
		want["client_ids"] = []any{"sts.amazonaws.com", "https://github.com/octo"}
		live := observe(arn, want)
		d := diff(want, live)
		if cmp.Diff([]string{"client_ids"}, d.Paths()) != "" {
			t.Fatalf("diff %v, want client_ids", d.Paths())
		}
		if _, err := k.Update(ctx, reconcile.UpdateRequest{ID: arn, Desired: want, Live: live, Diff: d}); err != nil {
			t.Fatal(err)
		}
		if d := diff(want, observe(arn, want)); len(d) != 0 {
			t.Fatalf("after update, diff %v", d)
		}
		live = observe(arn, desired)
		if _, err := k.Update(ctx, reconcile.UpdateRequest{ID: arn, Desired: desired, Live: live, Diff: diff(desired, live)}); err != nil {
			t.Fatal(err)
		}
		if d := diff(desired, observe(arn, desired)); len(d) != 0 {
			t.Fatalf("after removing a client id, diff %v", d)
		}
	})

	t.Run("create adopts the existing provider", func(t *testing.T) {
		desired["tags"] = map[string]any{reconcile.TagStack: "trip-assistant/it", "adopted": "yes"}
		obs, err := k.Create(ctx, desired)
		if err != nil {
			t.Fatal(err)
		}
		if obs.ID != arn {
			t.Fatalf("adopted ID %q, want %q", obs.ID, arn)
		}
		if d := diff(desired, observe(arn, desired)); len(d) != 0 {
			t.Fatalf("after adoption, diff %v", d)
		}
	})

	t.Run("delete", func(t *testing.T) {
		if err := k.Delete(ctx, arn); err != nil {
			t.Fatal(err)
		}
		if obs := observe(arn, nil); obs.Exists {
			t.Fatalf("observed after delete: %+v", obs)
		}
		list, err := client.ListOpenIDConnectProviders(ctx, &iam.ListOpenIDConnectProvidersInput{})
		if err != nil {
			t.Fatal(err)
		}
		if len(list.OpenIDConnectProviderList) != 0 {
			t.Errorf("providers left: %v", list.OpenIDConnectProviderList)
		}
		if err := k.Delete(ctx, arn); err != nil {
			t.Errorf("second Delete() = %v", err)
		}
	})
}
