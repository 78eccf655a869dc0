package lambdafn

import (
	"context"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/lambda"
	"github.com/aws/aws-sdk-go-v2/service/lambda/types"

	"github.com/trip-assistant/stack/internal/testinfra/fakeapi"
)

// fakeLambda answers each call with its function field and records the
// calls' names in order; a listing of every version is recorded as
// "ListFunctions(ALL)". A nil field fails the call.
type fakeLambda struct {
	calls fakeapi.Calls

	createFunction              func(*lambda.CreateFunctionInput) (*lambda.CreateFunctionOutput, error)
	getFunction                 func(*lambda.GetFunctionInput) (*lambda.GetFunctionOutput, error)
	getFunctionConfiguration    func(*lambda.GetFunctionConfigurationInput) (*lambda.GetFunctionConfigurationOutput, error)
	updateFunctionConfiguration func(*lambda.UpdateFunctionConfigurationInput) (*lambda.UpdateFunctionConfigurationOutput, error)
	updateFunctionCode          func(*lambda.UpdateFunctionCodeInput) (*lambda.UpdateFunctionCodeOutput, error)
	publishVersion              func(*lambda.PublishVersionInput) (*lambda.PublishVersionOutput, error)
	listVersionsByFunction      func(*lambda.ListVersionsByFunctionInput) (*lambda.ListVersionsByFunctionOutput, error)
	listFunctions               func(*lambda.ListFunctionsInput) (*lambda.ListFunctionsOutput, error)
	tagResource                 func(*lambda.TagResourceInput) (*lambda.TagResourceOutput, error)
	untagResource               func(*lambda.UntagResourceInput) (*lambda.UntagResourceOutput, error)
	deleteFunction              func(*lambda.DeleteFunctionInput) (*lambda.DeleteFunctionOutput, error)
	// A nil getPolicy or getFunctionURLConfig answers "none" (not found)
	// without recording a call, so tests about other calls need not set them.
	getPolicy               func(*lambda.GetPolicyInput) (*lambda.GetPolicyOutput, error)
	removePermission        func(*lambda.RemovePermissionInput) (*lambda.RemovePermissionOutput, error)
	getFunctionURLConfig    func(*lambda.GetFunctionUrlConfigInput) (*lambda.GetFunctionUrlConfigOutput, error)
	deleteFunctionURLConfig func(*lambda.DeleteFunctionUrlConfigInput) (*lambda.DeleteFunctionUrlConfigOutput, error)
}

func (f *fakeLambda) GetPolicy(_ context.Context, in *lambda.GetPolicyInput, _ ...func(*lambda.Options)) (*lambda.GetPolicyOutput, error) {
	if f.getPolicy == nil {
		return nil, &types.ResourceNotFoundException{Message: aws.String("no policy")}
	}
	return fakeapi.Call(&f.calls, "GetPolicy", f.getPolicy, in)
}

func (f *fakeLambda) RemovePermission(_ context.Context, in *lambda.RemovePermissionInput, _ ...func(*lambda.Options)) (*lambda.RemovePermissionOutput, error) {
	return fakeapi.Call(&f.calls, "RemovePermission", f.removePermission, in)
}

func (f *fakeLambda) GetFunctionUrlConfig(_ context.Context, in *lambda.GetFunctionUrlConfigInput, _ ...func(*lambda.Options)) (*lambda.GetFunctionUrlConfigOutput, error) {
	if f.getFunctionURLConfig == nil {
		return nil, &types.ResourceNotFoundException{Message: aws.String("no url")}
	}
	return fakeapi.Call(&f.calls, "GetFunctionUrlConfig", f.getFunctionURLConfig, in)
}

func (f *fakeLambda) DeleteFunctionUrlConfig(_ context.Context, in *lambda.DeleteFunctionUrlConfigInput, _ ...func(*lambda.Options)) (*lambda.DeleteFunctionUrlConfigOutput, error) {
	return fakeapi.Call(&f.calls, "DeleteFunctionUrlConfig", f.deleteFunctionURLConfig, in)
}

var _ API = (*fakeLambda)(nil)

func (f *fakeLambda) CreateFunction(_ context.Context, in *lambda.CreateFunctionInput, _ ...func(*lambda.Options)) (*lambda.CreateFunctionOutput, error) {
	return fakeapi.Call(&f.calls, "CreateFunction", f.createFunction, in)
}

func (f *fakeLambda) GetFunction(_ context.Context, in *lambda.GetFunctionInput, _ ...func(*lambda.Options)) (*lambda.GetFunctionOutput, error) {
	return fakeapi.Call(&f.calls, "GetFunction", f.getFunction, in)
}

func (f *fakeLambda) GetFunctionConfiguration(_ context.Context, in *lambda.GetFunctionConfigurationInput, _ ...func(*lambda.Options)) (*lambda.GetFunctionConfigurationOutput, error) {
	return fakeapi.Call(&f.calls, "GetFunctionConfiguration", f.getFunctionConfiguration, in)
}

func (f *fakeLambda) UpdateFunctionConfiguration(_ context.Context, in *lambda.UpdateFunctionConfigurationInput, _ ...func(*lambda.Options)) (*lambda.UpdateFunctionConfigurationOutput, error) {
	return fakeapi.Call(&f.calls, "UpdateFunctionConfiguration", f.updateFunctionConfiguration, in)
}

func (f *fakeLambda) UpdateFunctionCode(_ context.Context, in *lambda.UpdateFunctionCodeInput, _ ...func(*lambda.Options)) (*lambda.UpdateFunctionCodeOutput, error) {
	return fakeapi.Call(&f.calls, "UpdateFunctionCode", f.updateFunctionCode, in)
}

func (f *fakeLambda) PublishVersion(_ context.Context, in *lambda.PublishVersionInput, _ ...func(*lambda.Options)) (*lambda.PublishVersionOutput, error) {
	return fakeapi.Call(&f.calls, "PublishVersion", f.publishVersion, in)
}

func (f *fakeLambda) ListVersionsByFunction(_ context.Context, in *lambda.ListVersionsByFunctionInput, _ ...func(*lambda.Options)) (*lambda.ListVersionsByFunctionOutput, error) {
	return fakeapi.Call(&f.calls, "ListVersionsByFunction", f.listVersionsByFunction, in)
}

func (f *fakeLambda) ListFunctions(_ context.Context, in *lambda.ListFunctionsInput, _ ...func(*lambda.Options)) (*lambda.ListFunctionsOutput, error) {
	name := "ListFunctions"
	if in.FunctionVersion == types.FunctionVersionAll {
		name += "(ALL)"
	}
	return fakeapi.Call(&f.calls, name, f.listFunctions, in)
}

func (f *fakeLambda) TagResource(_ context.Context, in *lambda.TagResourceInput, _ ...func(*lambda.Options)) (*lambda.TagResourceOutput, error) {
	return fakeapi.Call(&f.calls, "TagResource", f.tagResource, in)
}

func (f *fakeLambda) UntagResource(_ context.Context, in *lambda.UntagResourceInput, _ ...func(*lambda.Options)) (*lambda.UntagResourceOutput, error) {
	return fakeapi.Call(&f.calls, "UntagResource", f.untagResource, in)
}

func (f *fakeLambda) DeleteFunction(_ context.Context, in *lambda.DeleteFunctionInput, _ ...func(*lambda.Options)) (*lambda.DeleteFunctionOutput, error) {
	return fakeapi.Call(&f.calls, "DeleteFunction", f.deleteFunction, in)
}
