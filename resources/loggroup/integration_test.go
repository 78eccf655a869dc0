//go:build integration

package loggroup

import (
	"context"
	"os"
	"strings"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/cloudwatchlogs"
	"github.com/google/go-cmp/cmp"

	"github.com/trip-assistant/stack/internal/testinfra/emulator/emutest"
	"github.com/trip-assistant/stack/reconcile"
	"github.com/trip-assistant/stack/reconcile/kindtest"
	"github.com/trip-assistant/stack/reconcile/spec"
)

var emu emutest.Package

func TestMain(m *testing.M) { os.Exit(emu.Run(m)) }

// setup wipes the emulator and returns the kind and a raw client on it.
func setup(t *testing.T) (*Kind, *cloudwatchlogs.Client) {
	t.Helper()
	cfg := emu.Fresh(t, "us-east-2")
	return New(cfg), cloudwatchlogs.NewFromConfig(cfg)
}

func TestIntegrationLifecycle(t *testing.T) {
	ctx := context.Background()
	k, raw := setup(t)
	name := "/aws/lambda/trip-api-dev"
	desired := spec.Props{"name": name, "retention_days": int64(14), "tags": map[string]any{reconcile.TagStack: "trip/dev"}}
	created, err := k.Create(ctx, desired)
	if err != nil {
		t.Fatal(err)
	}
	if want := "arn:aws:logs:us-east-2:123456789012:log-group:" + name; created.Attrs["arn"] != want {
		t.Errorf("arn = %q, want %q", created.Attrs["arn"], want)
	}
	live, err := k.Observe(ctx, reconcile.ObserveRequest{Desired: desired})
	if err != nil {
		t.Fatal(err)
	}
	kindtest.AssertNoDiff(t, k, desired, live)

	desired["retention_days"] = int64(30)
	live = kindtest.Update(t, k, desired, live, "retention_days")
	desired["tags"] = map[string]any{reconcile.TagStack: "trip/dev", "team": "core"}
	live = kindtest.Update(t, k, desired, live, "tags")
	delete(desired, "retention_days")
	live = kindtest.Update(t, k, desired, live, "retention_days")
	if live.Props["retention_days"] != int64(0) {
		t.Errorf("retention after removal = %v", live.Props["retention_days"])
	}

	// Out of band: someone sets a retention.
	if _, err := raw.PutRetentionPolicy(ctx, &cloudwatchlogs.PutRetentionPolicyInput{LogGroupName: aws.String(name), RetentionInDays: aws.Int32(3)}); err != nil {
		t.Fatal(err)
	}
	live, err = k.Observe(ctx, reconcile.ObserveRequest{ID: name, Desired: desired})
	if err != nil {
		t.Fatal(err)
	}
	d := reconcile.ComputeDiff(k.Schema(), desired, live.Props, nil)
	if len(d) != 1 || d[0].Path != "retention_days" || d[0].Before != int64(3) {
		t.Errorf("out-of-band retention: diff %+v", d)
	}

	kindtest.Delete(t, k, name)
}

func TestIntegrationCreateAdopts(t *testing.T) {
	ctx := context.Background()
	k, raw := setup(t)
	name := "/aws/lambda/trip-agent-dev"
	// As Lambda makes it on a first invocation: no retention.
	if _, err := raw.CreateLogGroup(ctx, &cloudwatchlogs.CreateLogGroupInput{LogGroupName: aws.String(name), Tags: map[string]string{"stray": "x"}}); err != nil {
		t.Fatal(err)
	}
	desired := spec.Props{"name": name, "retention_days": int64(7), "tags": map[string]any{reconcile.TagStack: "trip/dev"}}
	obs, err := k.Create(ctx, desired)
	if err != nil {
		t.Fatal(err)
	}
	kindtest.AssertNoDiff(t, k, desired, obs)
}

func TestIntegrationObserveBatchAndList(t *testing.T) {
	ctx := context.Background()
	k, raw := setup(t)
	for _, n := range []string{"/aws/lambda/trip-a", "/aws/lambda/trip-b", "/aws/lambda/trip-c", "/aws/lambda/other", "/custom/x"} {
		if _, err := raw.CreateLogGroup(ctx, &cloudwatchlogs.CreateLogGroupInput{LogGroupName: aws.String(n)}); err != nil {
			t.Fatal(err)
		}
	}
	names := []string{"/aws/lambda/trip-a", "/aws/lambda/trip-missing", "/aws/lambda/trip-c", "/custom/x", "/custom/missing"}
	var reqs []reconcile.ObserveRequest
	for _, n := range names {
		reqs = append(reqs, reconcile.ObserveRequest{ID: n})
	}
	for _, batch := range [][]reconcile.ObserveRequest{reqs[:3], reqs} { // shared prefix, then not
		obs, err := k.ObserveBatch(ctx, batch)
		if err != nil {
			t.Fatal(err)
		}
		for i, o := range obs {
			if want := !strings.Contains(names[i], "missing"); o.Exists != want || (want && o.ID != names[i]) {
				t.Errorf("%s: %+v", names[i], o)
			}
		}
	}
	got, err := k.List(ctx, "/aws/lambda/trip-")
	if err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff([]string{"/aws/lambda/trip-a", "/aws/lambda/trip-b", "/aws/lambda/trip-c"}, got); diff != "" {
		t.Errorf("List (-want +got):\n%s", diff)
	}
}
