package lambdafn

import (
	"context"
	"fmt"
	"strconv"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/lambda"
	"github.com/aws/aws-sdk-go-v2/service/lambda/types"

	"github.com/trip-assistant/stack/reconcile"
	"github.com/trip-assistant/stack/reconcile/spec"
	"github.com/trip-assistant/stack/resources/internal/kindkit"
)

// Observe implements reconcile.Kind: GetFunction (configuration, image,
// tags), ListVersionsByFunction (the latest published version), GetPolicy
// and GetFunctionUrlConfig (what it owns exclusively).
func (k *Kind) Observe(ctx context.Context, req reconcile.ObserveRequest) (reconcile.Observation, error) {
	name := requestName(req)
	if name == "" {
		return reconcile.Observation{}, nil
	}
	obs, err := k.observeVia(ctx, name, k.policies.Observed)
	if err != nil || !obs.Exists {
		return obs, err
	}
	obs.Props["publish"] = desiredPublish(req.Desired)
	return obs, nil
}

// requestName is the function a request is about, "" when it cannot
// exist yet: Unknown (a name built from a resource not yet made) is not a
// string.
func requestName(req reconcile.ObserveRequest) string {
	if req.ID != "" {
		return req.ID
	}
	name, _ := req.Desired["name"].(string)
	return name
}

// desiredPublish is what Observe reports for publish: it is not an AWS
// attribute, so the live value is whatever the spec asks for and never
// differs.
func desiredPublish(desired spec.Props) bool {
	if b, ok := desired["publish"].(bool); ok {
		return b
	}
	return true
}

// observe reads the function as Create and Update report it: every call
// asks AWS, the policy too, never the plan's read of it.
func (k *Kind) observe(ctx context.Context, name string) (reconcile.Observation, error) {
	return k.observeVia(ctx, name, k.policies.Read)
}

func (k *Kind) observeVia(ctx context.Context, name string, policy policyRead) (reconcile.Observation, error) {
	out, err := k.getFunction(ctx, name)
	if err != nil || out == nil {
		return reconcile.Observation{}, err
	}
	version, err := k.latestVersion(ctx, name)
	if err != nil {
		return reconcile.Observation{}, err
	}
	obs := observation(name, out, version)
	if err := k.withAttachments(ctx, name, obs.Props, policy); err != nil {
		return reconcile.Observation{}, err
	}
	return obs, nil
}

// getFunction reads the function's configuration, code and tags; nil when
// it does not exist.
func (k *Kind) getFunction(ctx context.Context, name string) (*lambda.GetFunctionOutput, error) {
	out, err := k.api.GetFunction(ctx, &lambda.GetFunctionInput{FunctionName: aws.String(name)})
	if isNotFound(err) {
		return nil, nil
	}
	if err != nil {
		return nil, fmt.Errorf("cannot read lambda function %q: %w", name, err)
	}
	return out, nil
}

// observation turns what GetFunction read into the kind's props and
// attributes; version is the latest published one.
func observation(name string, out *lambda.GetFunctionOutput, version string) reconcile.Observation {
	cfg := out.Configuration
	if cfg == nil {
		cfg = &types.FunctionConfiguration{}
	}
	props := spec.Props{
		"name":          name,
		"role":          aws.ToString(cfg.Role),
		"package_type":  string(cfg.PackageType),
		"architectures": architecturesValue(cfg.Architectures),
		"memory_size":   int64(aws.ToInt32(cfg.MemorySize)),
		"timeout":       int64(aws.ToInt32(cfg.Timeout)),
		"environment":   spec.StringMapValue(envVars(cfg.Environment)),
		"description":   aws.ToString(cfg.Description),
		"tags":          spec.StringMapValue(out.Tags),
	}
	if out.Code != nil && out.Code.ImageUri != nil {
		props["image_uri"] = *out.Code.ImageUri
	}
	return reconcile.Observation{
		Exists: true,
		ID:     name,
		Props:  props,
		Attrs: map[string]string{
			"arn":     aws.ToString(cfg.FunctionArn),
			"name":    name,
			"version": version,
		},
	}
}

// latestVersion returns the highest published version, "" when none is.
func (k *Kind) latestVersion(ctx context.Context, name string) (string, error) {
	p := lambda.NewListVersionsByFunctionPaginator(k.api, &lambda.ListVersionsByFunctionInput{FunctionName: aws.String(name)})
	best := int64(0)
	for p.HasMorePages() {
		page, err := p.NextPage(ctx)
		if isNotFound(err) {
			return "", nil
		}
		if err != nil {
			return "", fmt.Errorf("cannot list versions of lambda function %q: %w", name, err)
		}
		for _, v := range page.Versions {
			// $LATEST is the unpublished working copy; it does not parse.
			if n, err := strconv.ParseInt(aws.ToString(v.Version), 10, 64); err == nil && n > best {
				best = n
			}
		}
	}
	if best == 0 {
		return "", nil
	}
	return strconv.FormatInt(best, 10), nil
}

func architecturesValue(a []types.Architecture) []any {
	out := make([]any, len(a))
	for i, v := range a {
		out[i] = string(v)
	}
	return out
}

func envVars(e *types.EnvironmentResponse) map[string]string {
	if e == nil || e.Variables == nil {
		return map[string]string{}
	}
	return e.Variables
}

// isNotFound: Lambda's not-found.
var isNotFound = kindkit.Is[*types.ResourceNotFoundException]
