package lambdafn

import (
	"context"
	"fmt"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/lambda"
)

// CodeAPI is the part of the Lambda client that moving a function to a new
// image calls. It satisfies the SDK's FunctionUpdatedV2 and
// PublishedVersionActive waiter client interfaces.
type CodeAPI interface {
	GetFunction(ctx context.Context, in *lambda.GetFunctionInput, optFns ...func(*lambda.Options)) (*lambda.GetFunctionOutput, error)
	GetFunctionConfiguration(ctx context.Context, in *lambda.GetFunctionConfigurationInput, optFns ...func(*lambda.Options)) (*lambda.GetFunctionConfigurationOutput, error)
	UpdateFunctionCode(ctx context.Context, in *lambda.UpdateFunctionCodeInput, optFns ...func(*lambda.Options)) (*lambda.UpdateFunctionCodeOutput, error)
	PublishVersion(ctx context.Context, in *lambda.PublishVersionInput, optFns ...func(*lambda.Options)) (*lambda.PublishVersionOutput, error)
}

var (
	_ CodeAPI = (*lambda.Client)(nil)
	_ CodeAPI = API(nil)
)

// PublishImage is what a deploy does to a function: point its code at
// image, wait until the update settles, publish a version and wait until
// that version is active. It returns the version. Calls Lambda refuses
// because an update is still in progress are retried for the bound set by
// WithRoleRetry; each wait lasts at most the bound set by WithWaitTimeout.
//
// When code and configuration are unchanged since the last published
// version, Lambda publishes nothing and answers with that version: the
// caller compares the result with what it had to tell.
//
// The version is published with the CodeSha256 the update settled on, so a
// concurrent change of the code between the two calls makes PublishVersion
// fail rather than publish someone else's image.
func PublishImage(ctx context.Context, api CodeAPI, name, image string, opts ...Option) (string, error) {
	k := settings(opts)
	_, err := api.UpdateFunctionCode(ctx, &lambda.UpdateFunctionCodeInput{
		FunctionName: aws.String(name),
		ImageUri:     aws.String(image),
	}, k.waitRetry())
	if err != nil {
		return "", fmt.Errorf("cannot update the image of lambda function %q to %s: %w", name, image, err)
	}
	settled, err := WaitUpdated(ctx, api, name, k.waitFor)
	if err != nil {
		return "", err
	}
	in := &lambda.PublishVersionInput{
		FunctionName: aws.String(name),
		Description:  aws.String(versionDescription(image)),
	}
	if settled != nil && settled.Configuration != nil {
		in.CodeSha256 = settled.Configuration.CodeSha256
	}
	out, err := api.PublishVersion(ctx, in, k.waitRetry())
	if err != nil {
		return "", fmt.Errorf("cannot publish a version of lambda function %q: %w", name, err)
	}
	version := aws.ToString(out.Version)
	if err := WaitVersionActive(ctx, api, name, version, k.waitFor); err != nil {
		return "", err
	}
	return version, nil
}

// versionDescription says which image a version was published for; AWS
// allows 256 characters.
func versionDescription(image string) string {
	d := "image " + image
	if len(d) > 256 {
		d = d[:256]
	}
	return d
}

// ImageOf returns the image a version (or alias, or $LATEST) of a function
// runs: the digest AWS resolved it to when it reports one, since a tag can
// be moved in a mutable repository, and the URI it was given otherwise.
func ImageOf(ctx context.Context, api CodeAPI, name, qualifier string) (string, error) {
	out, err := api.GetFunction(ctx, &lambda.GetFunctionInput{FunctionName: aws.String(name), Qualifier: aws.String(qualifier)})
	if err != nil {
		return "", fmt.Errorf("cannot read version %s of lambda function %q: %w", qualifier, name, err)
	}
	if out.Code == nil {
		return "", fmt.Errorf("version %s of lambda function %q reports no code location", qualifier, name)
	}
	if s := aws.ToString(out.Code.ResolvedImageUri); s != "" {
		return s, nil
	}
	if s := aws.ToString(out.Code.ImageUri); s != "" {
		return s, nil
	}
	return "", fmt.Errorf("version %s of lambda function %q is not a container image", qualifier, name)
}

// WaitUpdated waits at most d until the function's last update has
// settled, and returns the function as it then is.
func WaitUpdated(ctx context.Context, api lambda.GetFunctionAPIClient, name string, d time.Duration) (*lambda.GetFunctionOutput, error) {
	out, err := lambda.NewFunctionUpdatedV2Waiter(api).WaitForOutput(ctx, &lambda.GetFunctionInput{FunctionName: aws.String(name)}, d)
	if err != nil {
		return nil, fmt.Errorf("lambda function %q did not finish updating: %w", name, err)
	}
	return out, nil
}

// WaitVersionActive waits at most d until a published version is active.
func WaitVersionActive(ctx context.Context, api lambda.GetFunctionConfigurationAPIClient, name, version string, d time.Duration) error {
	err := lambda.NewPublishedVersionActiveWaiter(api).Wait(ctx, &lambda.GetFunctionConfigurationInput{
		FunctionName: aws.String(name),
		Qualifier:    aws.String(version),
	}, d)
	if err != nil {
		return fmt.Errorf("version %s of lambda function %q did not become active: %w", version, name, err)
	}
	return nil
}

// settings returns the retry and wait bounds opts set on the defaults; the
// kind's client is not used.
func settings(opts []Option) *Kind { return NewWithAPI(nil, opts...) }
