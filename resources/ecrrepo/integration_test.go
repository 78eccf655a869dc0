//go:build integration

package ecrrepo

import (
	"context"
	"errors"
	"os"
	"strings"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/ecr"
	"github.com/aws/aws-sdk-go-v2/service/ecr/types"
	"github.com/google/go-cmp/cmp"

	"github.com/trip-assistant/stack/internal/testinfra/emulator/emutest"
	"github.com/trip-assistant/stack/reconcile"
	"github.com/trip-assistant/stack/reconcile/kindtest"
	"github.com/trip-assistant/stack/reconcile/spec"
)

var emu emutest.Package

func TestMain(m *testing.M) { os.Exit(emu.Run(m)) }

// setup wipes the emulator and returns the kind and a raw client on it.
func setup(t *testing.T) (*Kind, *ecr.Client) {
	t.Helper()
	cfg := emu.Fresh(t, "us-east-2")
	return New(cfg), ecr.NewFromConfig(cfg)
}

func TestIntegrationLifecycle(t *testing.T) {
	ctx := context.Background()
	k, raw := setup(t)
	desired := desiredRepo()
	created, err := k.Create(ctx, desired)
	if err != nil {
		t.Fatal(err)
	}
	if created.ID != repoName || created.Attrs["arn"] != "arn:aws:ecr:us-east-2:123456789012:repository/"+repoName ||
		created.Attrs["registry_id"] != "123456789012" || !strings.HasSuffix(created.Attrs["url"], ".amazonaws.com/"+repoName) {
		t.Errorf("unexpected observation: %q %v", created.ID, created.Attrs)
	}
	live, err := k.Observe(ctx, reconcile.ObserveRequest{Desired: desired})
	if err != nil {
		t.Fatal(err)
	}
	kindtest.AssertNoDiff(t, k, desired, live)

	desired["image_tag_mutability"] = "IMMUTABLE"
	live = kindtest.Update(t, k, desired, live, "image_tag_mutability")
	desired["scan_on_push"] = true
	live = kindtest.Update(t, k, desired, live, "scan_on_push")
	desired["lifecycle_policy"] = policy(25)
	live = kindtest.Update(t, k, desired, live, "lifecycle_policy")
	desired["tags"] = map[string]any{reconcile.TagStack: "trip/dev", "owner": "me"}
	live = kindtest.Update(t, k, desired, live, "tags")
	desired["force_delete"] = true
	live = kindtest.Update(t, k, desired, live, "force_delete")
	if live.ID != repoName+";force" {
		t.Errorf("ID after force_delete = %q", live.ID)
	}
	delete(desired, "lifecycle_policy")
	live = kindtest.Update(t, k, desired, live, "lifecycle_policy")
	if live.Props.Has("lifecycle_policy") {
		t.Errorf("policy still there: %v", live.Props["lifecycle_policy"])
	}

	// Out of band: someone makes tags mutable again.
	if _, err := raw.PutImageTagMutability(ctx, &ecr.PutImageTagMutabilityInput{RepositoryName: aws.String(repoName), ImageTagMutability: types.ImageTagMutabilityMutable}); err != nil {
		t.Fatal(err)
	}
	live, err = k.Observe(ctx, reconcile.ObserveRequest{ID: live.ID, Desired: desired})
	if err != nil {
		t.Fatal(err)
	}
	d := reconcile.ComputeDiff(k.Schema(), desired, live.Props, nil)
	if len(d) != 1 || d[0].Path != "image_tag_mutability" || d[0].Before != "MUTABLE" {
		t.Errorf("out-of-band mutability: diff %+v", d)
	}

	kindtest.Delete(t, k, live.ID)
}

func TestIntegrationStoredPolicyReordered(t *testing.T) {
	ctx := context.Background()
	k, raw := setup(t)
	desired := desiredRepo()
	if _, err := k.Create(ctx, desired); err != nil {
		t.Fatal(err)
	}
	// Store the same policy the way AWS hands it back (rules by priority,
	// tag prefixes reordered): no diff.
	stored := `{"rules":[{"rulePriority":1,"description":"keep the last releases","selection":{"tagStatus":"tagged","tagPrefixList":["release","v"],"countType":"imageCountMoreThan","countNumber":10},"action":{"type":"expire"}},` +
		`{"rulePriority":2,"description":"expire untagged","selection":{"tagStatus":"untagged","countType":"sinceImagePushed","countUnit":"days","countNumber":7},"action":{"type":"expire"}}]}`
	if _, err := raw.PutLifecyclePolicy(ctx, &ecr.PutLifecyclePolicyInput{RepositoryName: aws.String(repoName), LifecyclePolicyText: aws.String(stored)}); err != nil {
		t.Fatal(err)
	}
	live, err := k.Observe(ctx, reconcile.ObserveRequest{ID: repoName, Desired: desired})
	if err != nil {
		t.Fatal(err)
	}
	kindtest.AssertNoDiff(t, k, desired, live)
}

func TestIntegrationCreateAdopts(t *testing.T) {
	ctx := context.Background()
	k, raw := setup(t)
	if _, err := raw.CreateRepository(ctx, &ecr.CreateRepositoryInput{RepositoryName: aws.String(repoName),
		ImageTagMutability: types.ImageTagMutabilityImmutable,
		Tags:               []types.Tag{{Key: aws.String("stray"), Value: aws.String("x")}}}); err != nil {
		t.Fatal(err)
	}
	desired := desiredRepo()
	obs, err := k.Create(ctx, desired)
	if err != nil {
		t.Fatal(err)
	}
	kindtest.AssertNoDiff(t, k, desired, obs)
}

func TestIntegrationObserveBatchAndList(t *testing.T) {
	ctx := context.Background()
	k, raw := setup(t)
	for _, n := range []string{"trip-a", "trip-b", "other"} {
		if _, err := raw.CreateRepository(ctx, &ecr.CreateRepositoryInput{RepositoryName: aws.String(n)}); err != nil {
			t.Fatal(err)
		}
	}
	cases := map[string][]string{
		"all present":    {"trip-a", "trip-b;force"},
		"one is missing": {"trip-a", "trip-missing", "trip-b;force"},
	}
	// Outside a plan the kind reads by name; in one, from its listing.
	for _, plan := range []string{"by name", "in a plan"} {
		if plan == "in a plan" {
			k.BeginPlan()
		}
		for name, ids := range cases {
			t.Run(plan+"/"+name, func(t *testing.T) {
				var reqs []reconcile.ObserveRequest
				for _, id := range ids {
					reqs = append(reqs, reconcile.ObserveRequest{ID: id})
				}
				obs, err := k.ObserveBatch(ctx, reqs)
				if err != nil {
					t.Fatal(err)
				}
				for i, o := range obs {
					want := !strings.Contains(ids[i], "missing")
					if o.Exists != want || (want && o.ID != ids[i]) {
						t.Errorf("%s: %+v", ids[i], o)
					}
				}
			})
		}
		got, err := k.List(ctx, "trip-")
		if err != nil {
			t.Fatal(err)
		}
		if diff := cmp.Diff([]string{"trip-a", "trip-b"}, got); diff != "" {
			t.Errorf("%s: List (-want +got):\n%s", plan, diff)
		}
	}
}

func TestIntegrationDeleteHonoursForce(t *testing.T) {
	ctx := context.Background()
	k, raw := setup(t)
	if _, err := k.Create(ctx, spec.Props{"name": "trip-full"}); err != nil {
		t.Fatal(err)
	}
	manifest := `{"schemaVersion":2,"mediaType":"application/vnd.docker.distribution.manifest.v2+json","config":{"mediaType":"application/vnd.docker.container.image.v1+json","size":2,"digest":"sha256:44136fa355b3678a1146ad16f7e8649e94fb4fc21fe77e8310c060f61caaff8a"},"layers":[]}`
	if _, err := raw.PutImage(ctx, &ecr.PutImageInput{RepositoryName: aws.String("trip-full"), ImageManifest: aws.String(manifest), ImageTag: aws.String("v1")}); err != nil {
		t.Fatal(err)
	}
	var notEmpty *types.RepositoryNotEmptyException
	if err := k.Delete(ctx, "trip-full"); !errors.As(err, &notEmpty) {
		t.Fatalf("without force: %v", err)
	}
	if err := k.Delete(ctx, "trip-full;force"); err != nil {
		t.Fatal(err)
	}
	if obs, err := k.Observe(ctx, reconcile.ObserveRequest{ID: "trip-full"}); err != nil || obs.Exists {
		t.Errorf("after forced delete: %+v, %v", obs, err)
	}
}
