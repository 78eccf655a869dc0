//go:build integration

package lambdafn_test

import (
	"context"
	"encoding/json"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/iam"
	"github.com/aws/aws-sdk-go-v2/service/lambda"
	"github.com/aws/aws-sdk-go-v2/service/lambda/types"
	"github.com/google/go-cmp/cmp"

	"github.com/trip-assistant/stack/internal/testinfra/emulator/emutest"
	"github.com/trip-assistant/stack/reconcile"
	"github.com/trip-assistant/stack/reconcile/spec"
	"github.com/trip-assistant/stack/resources/lambdaalias"
	"github.com/trip-assistant/stack/resources/lambdafn"
	"github.com/trip-assistant/stack/resources/lambdaperm"
)

const trust = `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"Service":"lambda.amazonaws.com"},"Action":"sts:AssumeRole"}]}`

func setup(t *testing.T) (context.Context, aws.Config) {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	t.Cleanup(cancel)
	cfg := emutest.Config(t, "us-east-2")
	return ctx, cfg
}

func createRole(ctx context.Context, t *testing.T, cfg aws.Config, name string) string {
	t.Helper()
	out, err := iam.NewFromConfig(cfg).CreateRole(ctx, &iam.CreateRoleInput{
		RoleName: aws.String(name), AssumeRolePolicyDocument: aws.String(trust),
	})
	if err != nil {
		t.Fatal(err)
	}
	return aws.ToString(out.Role.Arn)
}

// noDiff fails when the engine's diff finds the live props different.
func noDiff(t *testing.T, what string, schema spec.Schema, desired, live spec.Props) {
	t.Helper()
	if d := reconcile.ComputeDiff(schema, desired, live, nil); len(d) != 0 {
		t.Errorf("%s: diff after apply = %v, want none (live %v)", what, d, live)
	}
}

func mustDiff(t *testing.T, schema spec.Schema, desired, live spec.Props, want ...string) reconcile.Diff {
	t.Helper()
	d := reconcile.ComputeDiff(schema, desired, live, nil)
	if diff := cmp.Diff(want, d.Paths()); diff != "" {
		t.Fatalf("diff paths (-want +got):\n%s", diff)
	}
	return d
}

func TestFunctionAliasPermissionLifecycle(t *testing.T) {
	ctx, cfg := setup(t)
	roleARN := createRole(ctx, t, cfg, "trip-agent-dev")
	raw := lambda.NewFromConfig(cfg)
	fn := lambdafn.New(cfg, lambdafn.WithWaitTimeout(30*time.Second))
	alias := lambdaalias.New(cfg)
	perm := lambdaperm.New(cfg)

	// The function, from an image.
	want := spec.Props{
		"name":          "trip-agent-dev",
		"role":          roleARN,
		"package_type":  "Image",
		"image_uri":     "123456789012.dkr.ecr.us-east-2.amazonaws.com/trip-agent:v1",
		"architectures": []any{"x86_64"},
		"memory_size":   int64(512),
		"timeout":       int64(30),
		"environment":   map[string]any{"STAGE": "dev"},
		"description":   "trip assistant agent",
		"publish":       true,
		"tags":          map[string]any{reconcile.TagStack: "trip/dev", reconcile.TagName: "agent"},
	}
	if obs, err := fn.Observe(ctx, reconcile.ObserveRequest{Name: "agent", Desired: want}); err != nil || obs.Exists {
		t.Fatalf("Observe before create = %+v, %v; want absent", obs, err)
	}
	created, err := fn.Create(ctx, want)
	if err != nil {
		t.Fatal(err)
	}
	if created.ID != "trip-agent-dev" || created.Attrs["version"] != "1" ||
		created.Attrs["arn"] != "arn:aws:lambda:us-east-2:123456789012:function:trip-agent-dev" {
		t.Errorf("Create = ID %q Attrs %v; want the name, version 1 and the unqualified arn", created.ID, created.Attrs)
	}
	live, err := fn.Observe(ctx, reconcile.ObserveRequest{Name: "agent", ID: created.ID, Desired: want})
	if err != nil {
		t.Fatal(err)
	}
	// Live also holds what the function owns exclusively: its URL (none)
	// and the statements of its unqualified policy (none declared here).
	wantLive := spec.WithDefaults(fn.Schema(), want)
	wantLive["permissions"] = []any{}
	if d := cmp.Diff(wantLive, live.Props); d != "" {
		t.Errorf("Observe after create (-desired +live):\n%s", d)
	}
	noDiff(t, "function", fn.Schema(), want, live.Props)

	// The alias, on the version just published.
	aliasWant := spec.Props{"function_name": "trip-agent-dev", "name": "live", "function_version": live.Attrs["version"], "description": ""}
	a, err := alias.Create(ctx, aliasWant)
	if err != nil {
		t.Fatal(err)
	}
	if a.ID != "trip-agent-dev:live" || a.Attrs["function_version"] != "1" ||
		a.Attrs["arn"] != "arn:aws:lambda:us-east-2:123456789012:function:trip-agent-dev:live" {
		t.Errorf("alias Create = ID %q Attrs %v", a.ID, a.Attrs)
	}
	aliasLive, err := alias.Observe(ctx, reconcile.ObserveRequest{ID: a.ID, Desired: aliasWant})
	if err != nil {
		t.Fatal(err)
	}
	noDiff(t, "alias", alias.Schema(), aliasWant, aliasLive.Props)

	// A configuration change publishes version 2 and leaves the image alone.
	want["memory_size"] = int64(1024)
	want["environment"] = map[string]any{"STAGE": "dev", "LOG_LEVEL": "debug"}
	want["image_uri"] = "123456789012.dkr.ecr.us-east-2.amazonaws.com/trip-agent:v9" // CreateOnly: not diffed
	d := mustDiff(t, fn.Schema(), want, live.Props, "environment", "memory_size")
	updated, err := fn.Update(ctx, reconcile.UpdateRequest{ID: live.ID, Desired: want, Live: live, Diff: d})
	if err != nil {
		t.Fatal(err)
	}
	if updated.Attrs["version"] != "2" {
		t.Errorf("version after update = %q, want 2", updated.Attrs["version"])
	}
	if got := updated.Props["image_uri"]; got != "123456789012.dkr.ecr.us-east-2.amazonaws.com/trip-agent:v1" {
		t.Errorf("image after a configuration update = %v, want v1 untouched", got)
	}
	noDiff(t, "function after update", fn.Schema(), want, updated.Props)

	// A tags-only change publishes nothing.
	want["tags"] = map[string]any{reconcile.TagStack: "trip/dev", reconcile.TagName: "agent", "team": "x"}
	d = mustDiff(t, fn.Schema(), want, updated.Props, "tags")
	updated, err = fn.Update(ctx, reconcile.UpdateRequest{ID: live.ID, Desired: want, Live: updated, Diff: d})
	if err != nil {
		t.Fatal(err)
	}
	if updated.Attrs["version"] != "2" {
		t.Errorf("version after a tags change = %q, want still 2", updated.Attrs["version"])
	}
	noDiff(t, "function after tags", fn.Schema(), want, updated.Props)

	// The alias follows to version 2.
	aliasWant["function_version"] = updated.Attrs["version"]
	d = mustDiff(t, alias.Schema(), aliasWant, aliasLive.Props, "function_version")
	aliasLive, err = alias.Update(ctx, reconcile.UpdateRequest{ID: a.ID, Desired: aliasWant, Live: aliasLive, Diff: d})
	if err != nil {
		t.Fatal(err)
	}
	if aliasLive.Attrs["function_version"] != "2" {
		t.Errorf("alias after update points at %q, want 2", aliasLive.Attrs["function_version"])
	}

	// Someone moves it back by hand: Observe sees it.
	if _, err := raw.UpdateAlias(ctx, &lambda.UpdateAliasInput{
		FunctionName: aws.String("trip-agent-dev"), Name: aws.String("live"), FunctionVersion: aws.String("1"),
	}); err != nil {
		t.Fatal(err)
	}
	aliasLive, err = alias.Observe(ctx, reconcile.ObserveRequest{ID: a.ID, Desired: aliasWant})
	if err != nil {
		t.Fatal(err)
	}
	if aliasLive.Props["function_version"] != "1" {
		t.Errorf("alias after an out-of-band move = %v, want 1", aliasLive.Props["function_version"])
	}
	mustDiff(t, alias.Schema(), aliasWant, aliasLive.Props, "function_version")

	// Creating the alias again adopts it and moves it where the spec says.
	if a, err = alias.Create(ctx, aliasWant); err != nil || a.Attrs["function_version"] != "2" {
		t.Errorf("alias Create over an existing one = %v, %v; want adopted at version 2", a.Attrs, err)
	}

	// API Gateway may invoke the alias.
	permWant := spec.Props{
		"function_name": "trip-agent-dev", "qualifier": "live", "statement_id": "apigw-invoke",
		"action": "lambda:InvokeFunction", "principal": "apigateway.amazonaws.com",
		"source_arn": "arn:aws:execute-api:us-east-2:123456789012:abc123/*/*",
	}
	p, err := perm.Create(ctx, permWant)
	if err != nil {
		t.Fatal(err)
	}
	if p.ID != "trip-agent-dev:live:apigw-invoke" {
		t.Errorf("permission ID = %q", p.ID)
	}
	noDiff(t, "permission from AddPermission", perm.Schema(), permWant, p.Props)
	permLive, err := perm.Observe(ctx, reconcile.ObserveRequest{ID: p.ID, Desired: permWant})
	if err != nil {
		t.Fatal(err)
	}
	if d := cmp.Diff(permWant, permLive.Props); d != "" {
		t.Errorf("permission Observe (-desired +live):\n%s", d)
	}
	if err := perm.Delete(ctx, p.ID); err != nil {
		t.Fatal(err)
	}
	if got, err := perm.Observe(ctx, reconcile.ObserveRequest{ID: p.ID}); err != nil || got.Exists {
		t.Errorf("permission after delete = %+v, %v; want absent", got, err)
	}
	if err := perm.Delete(ctx, p.ID); err != nil {
		t.Errorf("deleting an absent permission = %v", err)
	}

	// Listing by prefix.
	ids, err := fn.List(ctx, "trip-")
	if err != nil {
		t.Fatal(err)
	}
	if d := cmp.Diff([]string{"trip-agent-dev"}, ids); d != "" {
		t.Errorf("List (-want +got):\n%s", d)
	}

	// Tear down; deleting again is fine.
	if err := alias.Delete(ctx, a.ID); err != nil {
		t.Fatal(err)
	}
	if got, err := alias.Observe(ctx, reconcile.ObserveRequest{ID: a.ID}); err != nil || got.Exists {
		t.Errorf("alias after delete = %+v, %v; want absent", got, err)
	}
	if err := fn.Delete(ctx, live.ID); err != nil {
		t.Fatal(err)
	}
	if got, err := fn.Observe(ctx, reconcile.ObserveRequest{ID: live.ID}); err != nil || got.Exists {
		t.Errorf("function after delete = %+v, %v; want absent", got, err)
	}
	if err := fn.Delete(ctx, live.ID); err != nil {
		t.Errorf("deleting an absent function = %v", err)
	}
	if err := alias.Delete(ctx, a.ID); err != nil {
		t.Errorf("deleting an alias of an absent function = %v", err)
	}
}

// TestMotoFacts records how moto 5.2.5 differs from Lambda where this
// package depends on it. It logs rather than fails: the facts are for the
// report, and the kinds cope either way.
func TestMotoFacts(t *testing.T) {
	ctx, cfg := setup(t)
	roleARN := createRole(ctx, t, cfg, "facts")
	raw := lambda.NewFromConfig(cfg)
	create := func(name, role string) error {
		_, err := raw.CreateFunction(ctx, &lambda.CreateFunctionInput{
			FunctionName: aws.String(name), Role: aws.String(role), PackageType: "Image",
			Code: &types.FunctionCode{ImageUri: aws.String("any/image:that-does-not-exist")},
		})
		return err
	}
	t.Logf("CreateFunction with an ImageUri no ECR holds: err=%v", create("f", roleARN))
	t.Logf("CreateFunction with a role IAM does not know: err=%v", create("g", "arn:aws:iam::123456789012:role/missing"))
	t.Logf("CreateFunction with an existing name: err=%v", create("f", roleARN))

	add := func() error {
		_, err := raw.AddPermission(ctx, &lambda.AddPermissionInput{
			FunctionName: aws.String("f"), StatementId: aws.String("s"), Action: aws.String("lambda:InvokeFunction"),
			Principal: aws.String("apigateway.amazonaws.com"),
		})
		return err
	}
	t.Logf("AddPermission: err=%v", add())
	t.Logf("AddPermission with the same statement id again: err=%v", add())
	if out, err := raw.GetPolicy(ctx, &lambda.GetPolicyInput{FunctionName: aws.String("f")}); err == nil {
		var doc struct{ Statement []json.RawMessage }
		_ = json.Unmarshal([]byte(aws.ToString(out.Policy)), &doc)
		t.Logf("statements with that id now: %d", len(doc.Statement))
	}

	if _, err := raw.PublishVersion(ctx, &lambda.PublishVersionInput{FunctionName: aws.String("f")}); err != nil {
		t.Fatal(err)
	}
	if _, err := raw.CreateAlias(ctx, &lambda.CreateAliasInput{FunctionName: aws.String("f"), Name: aws.String("live"), FunctionVersion: aws.String("1")}); err != nil {
		t.Fatal(err)
	}
	_, err := raw.CreateAlias(ctx, &lambda.CreateAliasInput{FunctionName: aws.String("f"), Name: aws.String("live"), FunctionVersion: aws.String("1")})
	t.Logf("CreateAlias of an existing alias: err=%v", err)
	_, err = raw.AddPermission(ctx, &lambda.AddPermissionInput{
		FunctionName: aws.String("f"), Qualifier: aws.String("live"), StatementId: aws.String("on-alias"),
		Action: aws.String("lambda:InvokeFunction"), Principal: aws.String("apigateway.amazonaws.com"),
	})
	t.Logf("AddPermission on the alias: err=%v", err)
	for _, q := range []*string{nil, aws.String("live"), aws.String("1")} {
		out, err := raw.GetPolicy(ctx, &lambda.GetPolicyInput{FunctionName: aws.String("f"), Qualifier: q})
		if err != nil {
			t.Logf("GetPolicy qualifier=%q: err=%v", aws.ToString(q), err)
			continue
		}
		t.Logf("GetPolicy qualifier=%q: %s", aws.ToString(q), aws.ToString(out.Policy))
	}
	_, err = raw.RemovePermission(ctx, &lambda.RemovePermissionInput{FunctionName: aws.String("f"), Qualifier: aws.String("live"), StatementId: aws.String("nope")})
	t.Logf("RemovePermission of an unknown statement id: err=%v", err)
	_, err = raw.PublishVersion(ctx, &lambda.PublishVersionInput{FunctionName: aws.String("f")})
	vs, _ := raw.ListVersionsByFunction(ctx, &lambda.ListVersionsByFunctionInput{FunctionName: aws.String("f")})
	t.Logf("PublishVersion with nothing changed: err=%v, versions now %d (incl. $LATEST)", err, len(vs.Versions))
	got, err := raw.GetFunction(ctx, &lambda.GetFunctionInput{FunctionName: aws.String("f")})
	if err == nil {
		t.Logf("GetFunction: State=%s LastUpdateStatus=%q ImageUri=%q", got.Configuration.State, got.Configuration.LastUpdateStatus, aws.ToString(got.Code.ImageUri))
	}
	_, err = raw.DeleteAlias(ctx, &lambda.DeleteAliasInput{FunctionName: aws.String("nope"), Name: aws.String("live")})
	t.Logf("DeleteAlias on a missing function: err=%v", err)
	_, err = raw.DeleteAlias(ctx, &lambda.DeleteAliasInput{FunctionName: aws.String("f"), Name: aws.String("nope")})
	t.Logf("DeleteAlias of a missing alias: err=%v", err)
}

// A function a killed run created but did not record is adopted by Create
// and brought to the spec.
func TestEmulatorCreateAdoptsAnExistingFunction(t *testing.T) {
	ctx, cfg := setup(t)
	roleARN := createRole(ctx, t, cfg, "adopt")
	if _, err := lambda.NewFromConfig(cfg).CreateFunction(ctx, &lambda.CreateFunctionInput{
		FunctionName: aws.String("trip-api-dev"), Role: aws.String(roleARN), PackageType: types.PackageTypeImage,
		Code: &types.FunctionCode{ImageUri: aws.String("repo/api:v1")},
	}); err != nil {
		t.Fatal(err)
	}
	fn := lambdafn.New(cfg)
	want := spec.Props{
		"name": "trip-api-dev", "role": roleARN, "package_type": "Image", "image_uri": "repo/api:v2",
		"architectures": []any{"x86_64"}, "memory_size": int64(256), "timeout": int64(3), "publish": true,
		"tags": map[string]any{reconcile.TagStack: "trip/dev", reconcile.TagName: "api"},
	}
	obs, err := fn.Create(ctx, want)
	if err != nil {
		t.Fatal(err)
	}
	noDiff(t, "adopted function", fn.Schema(), want, obs.Props)
	if obs.Props["image_uri"] != "repo/api:v1" {
		t.Errorf("adopted image = %v, want v1 left alone (CreateOnly)", obs.Props["image_uri"])
	}
	if obs.Attrs["version"] != "1" {
		t.Errorf("version after adopting with a configuration change = %q, want 1", obs.Attrs["version"])
	}
}
