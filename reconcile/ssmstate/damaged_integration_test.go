//go:build integration

package ssmstate

import (
	"context"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/ssm"
	"github.com/google/go-cmp/cmp"
)

// Each way of damaging the record, done through the SDK on the emulator:
// Load fails with *DamagedError and writes nothing, and the last good
// serial can be put back where its chunks are still kept.
func TestIntegrationDamagedRecord(t *testing.T) {
	for name, tc := range damages {
		t.Run(name, func(t *testing.T) {
			ctx := context.Background()
			api, cfg := client(t)
			good := realisticState(200)
			if err := New(cfg, project, env).Save(ctx, good); err != nil {
				t.Fatal(err)
			}
			if err := tc.damage(ctx, api); err != nil {
				t.Fatal(err)
			}
			before := paramVersions(t, api)
			counting := &countingAPI{API: api}
			_, err := NewWithAPI(counting, project, env).Load(ctx)
			checkDamaged(t, err, tc.wantErr)
			if n := counting.puts.Load(); n != 0 {
				t.Errorf("Load() made %d PutParameter calls", n)
			}
			if diff := cmp.Diff(before, paramVersions(t, api)); diff != "" {
				t.Errorf("parameters changed by Load() (-before +after):\n%s", diff)
			}
			if name == "a chunk missing" {
				return // its only version went with the parameter
			}
			if _, err := New(cfg, project, env).Restore(ctx, good.Serial); err != nil {
				t.Fatal(err)
			}
			got, err := New(cfg, project, env).Load(ctx)
			if err != nil {
				t.Fatal(err)
			}
			if diff := cmp.Diff(good.Resources, got.Resources); diff != "" {
				t.Errorf("after Restore() -want +got:\n%s", diff)
			}
		})
	}
}

// paramVersions lists, through the SDK, every parameter of the stack with
// its version.
func paramVersions(t *testing.T, api *ssm.Client) map[string]int64 {
	t.Helper()
	out := map[string]int64{}
	p := ssm.NewGetParametersByPathPaginator(api, &ssm.GetParametersByPathInput{Path: aws.String(Prefix(project, env)), Recursive: aws.Bool(true)})
	for p.HasMorePages() {
		page, err := p.NextPage(context.Background())
		if err != nil {
			t.Fatal(err)
		}
		for _, prm := range page.Parameters {
			out[aws.ToString(prm.Name)] = prm.Version
		}
	}
	return out
}
