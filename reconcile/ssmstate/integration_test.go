//go:build integration

package ssmstate

import (
	"context"
	"errors"
	"fmt"
	"os"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/ssm"
	"github.com/aws/aws-sdk-go-v2/service/ssm/types"
	"github.com/google/go-cmp/cmp"

	"github.com/trip-assistant/stack/internal/testinfra/emulator/emutest"
	"github.com/trip-assistant/stack/reconcile"
)

var emu emutest.Package

func TestMain(m *testing.M) { os.Exit(emu.Run(m)) }

// client returns an SSM client on a wiped emulator.
func client(t *testing.T) (*ssm.Client, aws.Config) {
	t.Helper()
	cfg := emu.Fresh(t, "us-east-2")
	return ssm.NewFromConfig(cfg), cfg
}

// countingAPI counts PutParameter calls.
type countingAPI struct {
	API
	puts atomic.Int64
}

func (c *countingAPI) PutParameter(ctx context.Context, in *ssm.PutParameterInput, o ...func(*ssm.Options)) (*ssm.PutParameterOutput, error) {
	c.puts.Add(1)
	return c.API.PutParameter(ctx, in, o...)
}

func TestIntegrationRoundTrip500(t *testing.T) {
	ctx := context.Background()
	api, cfg := client(t)
	want := realisticState(500)
	if err := New(cfg, project, env).Save(ctx, want); err != nil {
		t.Fatal(err)
	}
	got, err := New(cfg, project, env).Load(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("Load() -want +got:\n%s", diff)
	}

	// Every parameter is standard tier and within 4096 bytes.
	out, err := api.GetParametersByPath(ctx, &ssm.GetParametersByPathInput{Path: aws.String(Prefix(project, env)), Recursive: aws.Bool(true)})
	if err != nil {
		t.Fatal(err)
	}
	params := out.Parameters
	for out.NextToken != nil {
		out, err = api.GetParametersByPath(ctx, &ssm.GetParametersByPathInput{Path: aws.String(Prefix(project, env)), Recursive: aws.Bool(true), NextToken: out.NextToken})
		if err != nil {
			t.Fatal(err)
		}
		params = append(params, out.Parameters...)
	}
	for _, p := range params {
		if n := len(aws.ToString(p.Value)); n > maxValue {
			t.Errorf("%s holds %d bytes", aws.ToString(p.Name), n)
		}
	}
	t.Logf("500 resources stored in %d parameters", len(params))

	// Metadata is visible to anyone listing the head's tags.
	tags, err := api.ListTagsForResource(ctx, &ssm.ListTagsForResourceInput{
		ResourceType: types.ResourceTypeForTaggingParameter, ResourceId: aws.String(headName)})
	if err != nil {
		t.Fatal(err)
	}
	gotTags := map[string]string{}
	for _, tg := range tags.TagList {
		gotTags[aws.ToString(tg.Key)] = aws.ToString(tg.Value)
	}
	for k, v := range map[string]string{
		TagSerial: "42", TagSpecDigest: want.SpecDigest, TagToolVersion: want.ToolVersion,
		TagTime: "2026-03-14T10:42:07Z", TagResources: "500", TagStack: "trip-assistant/dev",
		TagChunks: fmt.Sprint(len(params)),
	} {
		if gotTags[k] != v {
			t.Errorf("tag %s = %q, want %q", k, gotTags[k], v)
		}
	}

	// A second run: load, change one resource, save; then the tags follow.
	counting := &countingAPI{API: api}
	s := NewWithAPI(counting, project, env)
	st, err := s.Load(ctx)
	if err != nil {
		t.Fatal(err)
	}
	r := st.Resources["agent_role_251"]
	r.Digest = digestOf("changed")
	st.Resources["agent_role_251"] = r
	st.Serial++
	if err := s.Save(ctx, st); err != nil {
		t.Fatal(err)
	}
	if n := counting.puts.Load(); n > 2 {
		t.Errorf("the second Save made %d PutParameter calls, want at most 2", n)
	}
	got, err = New(cfg, project, env).Load(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff(st, got); diff != "" {
		t.Errorf("Load() after the second Save -want +got:\n%s", diff)
	}
	tags, err = api.ListTagsForResource(ctx, &ssm.ListTagsForResourceInput{
		ResourceType: types.ResourceTypeForTaggingParameter, ResourceId: aws.String(headName)})
	if err != nil {
		t.Fatal(err)
	}
	for _, tg := range tags.TagList {
		if aws.ToString(tg.Key) == TagSerial && aws.ToString(tg.Value) != "43" {
			t.Errorf("serial tag = %s after the second Save, want 43", aws.ToString(tg.Value))
		}
	}

	// Shrinking removes the chunks the record no longer uses.
	if err := s.Save(ctx, realisticState(3)); err != nil {
		t.Fatal(err)
	}
	left, err := api.GetParametersByPath(ctx, &ssm.GetParametersByPathInput{Path: aws.String(Prefix(project, env)), Recursive: aws.Bool(true)})
	if err != nil {
		t.Fatal(err)
	}
	if len(left.Parameters) != 1 {
		t.Errorf("%d parameters left after shrinking to 3 resources, want the head only", len(left.Parameters))
	}
}

func TestIntegrationLockRace(t *testing.T) {
	ctx := context.Background()
	_, cfg := client(t)
	const runs = 8
	errs := make([]error, runs)
	var wg sync.WaitGroup
	start := make(chan struct{})
	for i := range runs {
		wg.Go(func() {
			<-start
			errs[i] = New(cfg, project, env).Lock(ctx, reconcile.LockInfo{
				ID: fmt.Sprintf("run-%d", i), Who: fmt.Sprintf("runner-%d", i), Since: time.Now().UTC(), Operation: "apply"})
		})
	}
	close(start)
	wg.Wait()

	winner := -1
	for i, err := range errs {
		var locked *reconcile.LockedError
		switch {
		case err == nil && winner >= 0:
			t.Fatalf("runs %d and %d both took the lock", winner, i)
		case err == nil:
			winner = i
		case !errors.As(err, &locked):
			t.Errorf("run %d: %v, want *LockedError", i, err)
		}
	}
	if winner < 0 {
		t.Fatalf("no run took the lock: %v", errs)
	}
	for i, err := range errs {
		var locked *reconcile.LockedError
		if i != winner && errors.As(err, &locked) && locked.Holder.ID != fmt.Sprintf("run-%d", winner) {
			t.Errorf("run %d was told run %s holds the lock, want run-%d", i, locked.Holder.ID, winner)
		}
	}

	s := New(cfg, project, env)
	if err := s.Unlock(ctx, "someone-else"); !errors.Is(err, reconcile.ErrNoLock) {
		t.Errorf("Unlock(wrong id) = %v, want ErrNoLock", err)
	}
	if err := s.Unlock(ctx, fmt.Sprintf("run-%d", winner)); err != nil {
		t.Fatal(err)
	}
	if h, err := s.ReadLock(ctx); err != nil || h != nil {
		t.Errorf("ReadLock() after Unlock = %v, %v; want nil, nil", h, err)
	}
}

// TestIntegrationMotoBehaviours records what the emulator does where this
// package relies on AWS's documented behaviour. It fails only where moto
// and AWS agree and the package depends on it; the rest is logged.
func TestIntegrationMotoBehaviours(t *testing.T) {
	ctx := context.Background()
	api, _ := client(t)
	tag := func(k, v string) types.Tag { return types.Tag{Key: aws.String(k), Value: aws.String(v)} }
	put := func(name, value string, overwrite bool, tags ...types.Tag) (*ssm.PutParameterOutput, error) {
		return api.PutParameter(ctx, &ssm.PutParameterInput{Name: aws.String(name), Value: aws.String(value),
			Type: types.ParameterTypeString, Tier: types.ParameterTierStandard, Overwrite: aws.Bool(overwrite), Tags: tags})
	}
	if _, err := put("/probe/a", "1", false, tag("k", "v")); err != nil {
		t.Fatal(err)
	}

	_, err := put("/probe/a", "1", false)
	var exists *types.ParameterAlreadyExists
	if !errors.As(err, &exists) {
		t.Errorf("create over an existing parameter: %v, want ParameterAlreadyExists", err)
	}

	_, err = put("/probe/a", "2", true, tag("k", "v2"))
	var validation *types.ValidationException
	t.Logf("Overwrite=true with Tags: %v (ValidationException: %v)", err, errors.As(err, &validation))

	_, err = put("/probe/big", strings.Repeat("x", 4097), false)
	t.Logf("standard-tier value of 4097 bytes: err = %v", err)

	many := make([]types.Tag, 51)
	for i := range many {
		many[i] = tag(fmt.Sprintf("k%d", i), "v")
	}
	_, err = api.AddTagsToResource(ctx, &ssm.AddTagsToResourceInput{ResourceType: types.ResourceTypeForTaggingParameter,
		ResourceId: aws.String("/probe/a"), Tags: many})
	t.Logf("51 tags: err = %v", err)
	_, err = api.AddTagsToResource(ctx, &ssm.AddTagsToResourceInput{ResourceType: types.ResourceTypeForTaggingParameter,
		ResourceId: aws.String("/probe/a"), Tags: []types.Tag{tag("long", strings.Repeat("v", 257))}})
	t.Logf("tag value of 257 characters: err = %v", err)
	_, err = api.AddTagsToResource(ctx, &ssm.AddTagsToResourceInput{ResourceType: types.ResourceTypeForTaggingParameter,
		ResourceId: aws.String("/probe/a"), Tags: []types.Tag{tag("aws:reserved", "v")}})
	t.Logf("tag key with the aws: prefix: err = %v", err)
	_, err = api.AddTagsToResource(ctx, &ssm.AddTagsToResourceInput{ResourceType: types.ResourceTypeForTaggingParameter,
		ResourceId: aws.String("/probe/a"), Tags: []types.Tag{tag("chars", "a,b(c)")}})
	t.Logf("tag value with , ( ): err = %v", err)

	// Version selectors, which Load depends on.
	for i := range 3 {
		if _, err := put("/probe/v", fmt.Sprint("value ", i+1), i > 0); err != nil {
			t.Fatal(err)
		}
	}
	out, err := api.GetParameters(ctx, &ssm.GetParametersInput{Names: []string{"/probe/v:2", "/probe/v:9", "/probe/none:1"}})
	if err != nil {
		t.Fatal(err)
	}
	if len(out.Parameters) != 1 || aws.ToString(out.Parameters[0].Value) != "value 2" || out.Parameters[0].Version != 2 {
		t.Errorf("GetParameters(/probe/v:2) = %+v, want version 2", out.Parameters)
	} else {
		t.Logf("GetParameters with a version selector: name %q, selector %q", aws.ToString(out.Parameters[0].Name), aws.ToString(out.Parameters[0].Selector))
	}
	if diff := cmp.Diff([]string{"/probe/v:9", "/probe/none:1"}, out.InvalidParameters); diff != "" {
		t.Errorf("InvalidParameters -want +got:\n%s", diff)
	}

	// 101 versions of an unlabelled parameter: the oldest is dropped.
	for i := range 101 {
		if _, err := put("/probe/many", fmt.Sprint(i), i > 0); err != nil {
			t.Fatalf("version %d: %v", i+1, err)
		}
	}
	out, err = api.GetParameters(ctx, &ssm.GetParametersInput{Names: []string{"/probe/many:1", "/probe/many:101"}})
	if err != nil {
		t.Fatal(err)
	}
	t.Logf("after 101 versions: found %d, invalid %v", len(out.Parameters), out.InvalidParameters)
}
