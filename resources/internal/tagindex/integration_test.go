//go:build integration

package tagindex

import (
	"context"
	"fmt"
	"os"
	"strings"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/cloudwatchlogs"
	"github.com/aws/aws-sdk-go-v2/service/ssm"
	ssmtypes "github.com/aws/aws-sdk-go-v2/service/ssm/types"

	"github.com/trip-assistant/stack/internal/awsclient"
	"github.com/trip-assistant/stack/internal/testinfra/emulator/emutest"
	"github.com/trip-assistant/stack/reconcile"
	"github.com/trip-assistant/stack/reconcile/spec"
	"github.com/trip-assistant/stack/resources/ecrrepo"
	"github.com/trip-assistant/stack/resources/loggroup"
	"github.com/trip-assistant/stack/resources/ssmparam"
)

var emu emutest.Package

func TestMain(m *testing.M) { os.Exit(emu.Run(m)) }

// config returns a configuration for the emulator whose calls stats counts.
func config(t *testing.T, stats *awsclient.Stats) aws.Config {
	t.Helper()
	return emu.Config(t, awsclient.Options{Region: "us-east-2", Stats: stats})
}

func tags(name string, extra ...string) map[string]any {
	m := map[string]any{reconcile.TagStack: "trip/dev", reconcile.TagName: name}
	for i := 0; i+1 < len(extra); i += 2 {
		m[extra[i]] = extra[i+1]
	}
	return m
}

// calls counts the requests whose operation is op, of any service.
func calls(stats *awsclient.Stats, op string) int {
	n := 0
	for k, c := range stats.Report().ByOperation {
		if strings.HasSuffix(k, ":"+op) {
			n += c
		}
	}
	return n
}

// The listing names resources by the ARN the kinds know: moto 5.2.5 lists
// SSM parameters (arn:...:parameter/a/b, and parameter/plain for a name
// without a leading slash) and log groups (bare ARN, no ":*"), not ECR
// repositories (AWS does), which then fall back to their own read.
func TestIntegrationListsTheARNsTheKindsKnow(t *testing.T) {
	emu.Reset(t)
	ctx := context.Background()
	cfg := config(t, nil)
	made := map[string]reconcile.Observation{}
	for name, c := range map[string]struct {
		kind    reconcile.Kind
		desired spec.Props
	}{
		"ssm with slash":    {ssmparam.New(cfg), spec.Props{"name": "/trip/dev/key", "type": "String", "value": "v", "tags": tags("key")}},
		"ssm without slash": {ssmparam.New(cfg), spec.Props{"name": "plain", "type": "String", "value": "v", "tags": tags("plain")}},
		"log group":         {loggroup.New(cfg), spec.Props{"name": "/aws/lambda/trip-dev", "retention_days": int64(7), "tags": tags("logs")}},
		"ecr repository":    {ecrrepo.New(cfg), spec.Props{"name": "trip/api", "tags": tags("repo")}},
	} {
		obs, err := c.kind.Create(ctx, spec.WithDefaults(c.kind.Schema(), c.desired))
		if err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		obs.Props = c.desired
		made[name] = obs
	}
	x := New(cfg)
	for name, obs := range made {
		_, ok := x.Confirm(ctx, obs.Attrs["arn"], obs.Props)
		switch {
		case name == "ecr repository" && ok:
			t.Logf("the emulator now lists ECR repositories (%s)", obs.Attrs["arn"])
		case name == "ecr repository":
			t.Logf("the emulator does not list ECR repositories: %s falls back to ListTagsForResource", obs.Attrs["arn"])
		case !ok:
			t.Errorf("%s: %s not confirmed; listed: %v", name, obs.Attrs["arn"], x.listing(ctx, "trip/dev").tags)
		}
	}
}

// A tag changed out of band is reported as drift although an index is
// used, and an index that lags behind a change back to the spec makes no
// false diff: whenever the index disagrees with the spec, the kind reads
// the tags itself.
func TestIntegrationTagDriftStillShows(t *testing.T) {
	ctx := context.Background()
	cases := map[string]struct {
		desired spec.Props
		kind    func(aws.Config, TagIndex) reconcile.Kind
		setTeam func(cfg aws.Config, team string) error
	}{
		"ssm parameter": {
			desired: spec.Props{"name": "/trip/dev/key", "type": "String", "value": "v", "tags": tags("key", "team", "core")},
			kind:    func(cfg aws.Config, x TagIndex) reconcile.Kind { return ssmparam.New(cfg, ssmparam.WithTagIndex(x)) },
			setTeam: func(cfg aws.Config, team string) error {
				_, err := ssm.NewFromConfig(cfg).AddTagsToResource(ctx, &ssm.AddTagsToResourceInput{
					ResourceType: ssmtypes.ResourceTypeForTaggingParameter, ResourceId: aws.String("/trip/dev/key"),
					Tags: []ssmtypes.Tag{{Key: aws.String("team"), Value: aws.String(team)}},
				})
				return err
			},
		},
		"log group": {
			desired: spec.Props{"name": "/aws/lambda/trip-dev", "retention_days": int64(7), "tags": tags("logs", "team", "core")},
			kind:    func(cfg aws.Config, x TagIndex) reconcile.Kind { return loggroup.New(cfg, loggroup.WithTagIndex(x)) },
			setTeam: func(cfg aws.Config, team string) error {
				_, err := cloudwatchlogs.NewFromConfig(cfg).TagResource(ctx, &cloudwatchlogs.TagResourceInput{
					ResourceArn: aws.String("arn:aws:logs:us-east-2:123456789012:log-group:/aws/lambda/trip-dev"),
					Tags:        map[string]string{"team": team},
				})
				return err
			},
		},
	}
	for name, c := range cases {
		t.Run(name, func(t *testing.T) {
			emu.Reset(t)
			plain := config(t, nil)
			k := c.kind(plain, nil)
			desired := spec.WithDefaults(k.Schema(), c.desired)
			created, err := k.Create(ctx, desired)
			if err != nil {
				t.Fatal(err)
			}
			req := reconcile.ObserveRequest{Name: name, ID: created.ID, Desired: desired}
			// observe is one run: a fresh index, or the one given.
			observe := func(x *Index) ([]string, int, int) {
				t.Helper()
				stats := awsclient.NewStats()
				cfg := config(t, stats)
				if x == nil {
					x = New(cfg)
				}
				obs, err := c.kind(cfg, x).Observe(ctx, req)
				if err != nil {
					t.Fatal(err)
				}
				return reconcile.ComputeDiff(k.Schema(), desired, obs.Props, nil).Paths(),
					calls(stats, "ListTagsForResource"), calls(stats, "GetResources")
			}

			diff, listTags, _ := observe(nil)
			if len(diff) != 0 || listTags != 0 {
				t.Errorf("no change: diff %v, %d ListTagsForResource; want none and 0 (the index confirms)", diff, listTags)
			}

			if err := c.setTeam(plain, "ops"); err != nil {
				t.Fatal(err)
			}
			drifted := New(plain)
			diff, listTags, _ = observe(drifted)
			if fmt.Sprint(diff) != "[tags]" || listTags != 1 {
				t.Errorf("out of band change: diff %v, %d ListTagsForResource; want [tags] and 1", diff, listTags)
			}

			// drifted still holds team=ops: it now lags behind the fix.
			if err := c.setTeam(plain, "core"); err != nil {
				t.Fatal(err)
			}
			diff, listTags, getResources := observe(drifted)
			if len(diff) != 0 || listTags != 1 || getResources != 0 {
				t.Errorf("stale index: diff %v, %d ListTagsForResource, %d GetResources; want none, 1 and 0", diff, listTags, getResources)
			}
		})
	}
}

// TagIndex is what the kinds accept: a case builds its kind without an
// index by passing a nil interface (not a nil *Index).
type TagIndex interface {
	Confirm(ctx context.Context, arn string, desired ...spec.Props) (map[string]string, bool)
	Reset()
	Owner(ctx context.Context, arn string) (stack string, ok bool)
}
