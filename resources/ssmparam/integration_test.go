//go:build integration

package ssmparam

import (
	"context"
	"fmt"
	"os"
	"strings"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/ssm"
	"github.com/aws/aws-sdk-go-v2/service/ssm/types"

	"github.com/trip-assistant/stack/internal/testinfra/emulator/emutest"
	"github.com/trip-assistant/stack/reconcile"
	"github.com/trip-assistant/stack/reconcile/kindtest"
	"github.com/trip-assistant/stack/reconcile/spec"
)

var emu emutest.Package

func TestMain(m *testing.M) { os.Exit(emu.Run(m)) }

// setup wipes the emulator and returns the kind and a raw client on it.
func setup(t *testing.T) (*Kind, *ssm.Client) {
	t.Helper()
	cfg := emu.Fresh(t, "us-east-2")
	return New(cfg), ssm.NewFromConfig(cfg)
}

func TestIntegrationLifecycle(t *testing.T) {
	ctx := context.Background()
	k, raw := setup(t)
	desired := spec.Props{
		"name":        "/trip/dev/openai-key",
		"type":        "SecureString",
		"value":       "sk-first",
		"description": "OpenAI key",
		"tags":        map[string]any{reconcile.TagStack: "trip/dev", reconcile.TagName: "openai_key"},
	}
	created, err := k.Create(ctx, desired)
	if err != nil {
		t.Fatal(err)
	}
	if !strings.HasPrefix(created.Attrs["arn"], "arn:aws:ssm:us-east-2:") || !strings.HasSuffix(created.Attrs["arn"], ":parameter/trip/dev/openai-key") {
		t.Errorf("arn = %q", created.Attrs["arn"])
	}
	if created.ID != "/trip/dev/openai-key" || created.Attrs["version"] != "1" {
		t.Errorf("unexpected observation: id %q version %q", created.ID, created.Attrs["version"])
	}
	live, err := k.Observe(ctx, reconcile.ObserveRequest{Name: "openai_key", Desired: desired})
	if err != nil {
		t.Fatal(err)
	}
	kindtest.AssertNoDiff(t, k, desired, live)

	// A new secret value, a new tag, a removed description.
	next := spec.Props{
		"name":  "/trip/dev/openai-key",
		"type":  "SecureString",
		"value": "sk-second",
		"tags":  map[string]any{reconcile.TagStack: "trip/dev", reconcile.TagName: "openai_key", "rotated": "yes"},
	}
	diff := reconcile.ComputeDiff(k.Schema(), next, live.Props, nil)
	if got := diff.Paths(); strings.Join(got, ",") != "description,tags,value" {
		t.Fatalf("diff = %v", got)
	}
	updated, err := k.Update(ctx, reconcile.UpdateRequest{ID: live.ID, Desired: next, Live: live, Diff: diff})
	if err != nil {
		t.Fatal(err)
	}
	kindtest.AssertNoDiff(t, k, next, updated)
	if updated.Attrs["version"] != "2" || updated.Props["value"] != "sk-second" {
		t.Errorf("version %q", updated.Attrs["version"])
	}

	// A tag-only change makes no new version.
	tagsOnly := withName(next, "/trip/dev/openai-key")
	tagsOnly["tags"] = map[string]any{reconcile.TagStack: "trip/dev"}
	diff = reconcile.ComputeDiff(k.Schema(), tagsOnly, updated.Props, nil)
	updated, err = k.Update(ctx, reconcile.UpdateRequest{ID: live.ID, Desired: tagsOnly, Live: updated, Diff: diff})
	if err != nil {
		t.Fatal(err)
	}
	kindtest.AssertNoDiff(t, k, tagsOnly, updated)
	if updated.Attrs["version"] != "2" {
		t.Errorf("a tag change must not overwrite the value (version %q)", updated.Attrs["version"])
	}

	// Out of band: someone overwrites the value.
	if _, err := raw.PutParameter(ctx, &ssm.PutParameterInput{Name: aws.String("/trip/dev/openai-key"), Value: aws.String("sk-hacked"),
		Type: types.ParameterTypeSecureString, Overwrite: aws.Bool(true)}); err != nil {
		t.Fatal(err)
	}
	live, err = k.Observe(ctx, reconcile.ObserveRequest{ID: "/trip/dev/openai-key", Desired: tagsOnly})
	if err != nil {
		t.Fatal(err)
	}
	d := reconcile.ComputeDiff(k.Schema(), tagsOnly, live.Props, nil)
	if !d.Has("value") || len(d) != 1 || d[0].After != reconcile.Sensitive {
		t.Errorf("out-of-band value change: diff %+v", d)
	}

	kindtest.Delete(t, k, "/trip/dev/openai-key")
}

func TestIntegrationTierAndType(t *testing.T) {
	ctx := context.Background()
	k, _ := setup(t)
	desired := spec.Props{"name": "plain-name", "value": "a,b", "type": "StringList", "tags": map[string]any{}}
	live, err := k.Create(ctx, desired)
	if err != nil {
		t.Fatal(err)
	}
	kindtest.AssertNoDiff(t, k, desired, live)
	next := spec.Props{"name": "plain-name", "value": "a,b", "type": "String", "tier": "Advanced", "description": "x"}
	diff := reconcile.ComputeDiff(k.Schema(), next, live.Props, nil)
	obs, err := k.Update(ctx, reconcile.UpdateRequest{ID: live.ID, Desired: next, Live: live, Diff: diff})
	if err != nil {
		t.Fatal(err)
	}
	kindtest.AssertNoDiff(t, k, next, obs)
}

func TestIntegrationCreateAdopts(t *testing.T) {
	ctx := context.Background()
	k, raw := setup(t)
	if _, err := raw.PutParameter(ctx, &ssm.PutParameterInput{Name: aws.String("/trip/dev/lock"), Value: aws.String("old"),
		Type: types.ParameterTypeString, Description: aws.String("made by hand"),
		Tags: []types.Tag{{Key: aws.String("stray"), Value: aws.String("x")}}}); err != nil {
		t.Fatal(err)
	}
	desired := spec.Props{"name": "/trip/dev/lock", "value": "new", "tags": map[string]any{reconcile.TagStack: "trip/dev"}}
	obs, err := k.Create(ctx, desired)
	if err != nil {
		t.Fatal(err)
	}
	kindtest.AssertNoDiff(t, k, desired, obs)
}

func TestIntegrationObserveBatch(t *testing.T) {
	ctx := context.Background()
	k, _ := setup(t)
	var reqs []reconcile.ObserveRequest
	for i := range 23 {
		name := fmt.Sprintf("/trip/dev/p%02d", i)
		desired := spec.Props{"name": name, "value": "v" + name, "type": "SecureString", "tags": map[string]any{"i": fmt.Sprint(i)}}
		if i%4 != 0 {
			if _, err := k.Create(ctx, desired); err != nil {
				t.Fatal(err)
			}
		}
		reqs = append(reqs, reconcile.ObserveRequest{Desired: desired})
	}
	obs, err := k.ObserveBatch(ctx, reqs)
	if err != nil {
		t.Fatal(err)
	}
	for i, o := range obs {
		if o.Exists != (i%4 != 0) {
			t.Errorf("p%02d: exists = %v", i, o.Exists)
			continue
		}
		if o.Exists {
			kindtest.AssertNoDiff(t, k, reqs[i].Desired, o)
		}
	}
}
