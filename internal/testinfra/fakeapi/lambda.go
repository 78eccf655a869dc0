package fakeapi

import (
	"context"

	"github.com/aws/aws-sdk-go-v2/service/lambda"
)

// Lambda is a function-field fake of the Lambda client, shared by the
// tests of what calls Lambda (lambdaalias, lambdaperm, the deploy
// command): each method records its call and runs the function On holds
// for it; a nil function fails the call as unexpected.
type Lambda struct {
	Calls Calls
	// Name, when set, names a recorded call from the operation and its
	// input (for a test that asserts which version or alias was called);
	// otherwise a call is recorded by its operation alone.
	Name func(op string, in any) string
	On   LambdaFuncs
}

// LambdaFuncs answers the calls of a Lambda fake, one field per method.
type LambdaFuncs struct {
	AddPermission            func(*lambda.AddPermissionInput) (*lambda.AddPermissionOutput, error)
	CreateAlias              func(*lambda.CreateAliasInput) (*lambda.CreateAliasOutput, error)
	DeleteAlias              func(*lambda.DeleteAliasInput) (*lambda.DeleteAliasOutput, error)
	GetAlias                 func(*lambda.GetAliasInput) (*lambda.GetAliasOutput, error)
	GetFunction              func(*lambda.GetFunctionInput) (*lambda.GetFunctionOutput, error)
	GetFunctionConfiguration func(*lambda.GetFunctionConfigurationInput) (*lambda.GetFunctionConfigurationOutput, error)
	GetPolicy                func(*lambda.GetPolicyInput) (*lambda.GetPolicyOutput, error)
	Invoke                   func(*lambda.InvokeInput) (*lambda.InvokeOutput, error)
	PublishVersion           func(*lambda.PublishVersionInput) (*lambda.PublishVersionOutput, error)
	RemovePermission         func(*lambda.RemovePermissionInput) (*lambda.RemovePermissionOutput, error)
	UpdateAlias              func(*lambda.UpdateAliasInput) (*lambda.UpdateAliasOutput, error)
	UpdateFunctionCode       func(*lambda.UpdateFunctionCodeInput) (*lambda.UpdateFunctionCodeOutput, error)
}

// LambdaClient is every method of the Lambda client that Lambda fakes.
type LambdaClient interface {
	AddPermission(context.Context, *lambda.AddPermissionInput, ...func(*lambda.Options)) (*lambda.AddPermissionOutput, error)
	CreateAlias(context.Context, *lambda.CreateAliasInput, ...func(*lambda.Options)) (*lambda.CreateAliasOutput, error)
	DeleteAlias(context.Context, *lambda.DeleteAliasInput, ...func(*lambda.Options)) (*lambda.DeleteAliasOutput, error)
	GetAlias(context.Context, *lambda.GetAliasInput, ...func(*lambda.Options)) (*lambda.GetAliasOutput, error)
	GetFunction(context.Context, *lambda.GetFunctionInput, ...func(*lambda.Options)) (*lambda.GetFunctionOutput, error)
	GetFunctionConfiguration(context.Context, *lambda.GetFunctionConfigurationInput, ...func(*lambda.Options)) (*lambda.GetFunctionConfigurationOutput, error)
	GetPolicy(context.Context, *lambda.GetPolicyInput, ...func(*lambda.Options)) (*lambda.GetPolicyOutput, error)
	Invoke(context.Context, *lambda.InvokeInput, ...func(*lambda.Options)) (*lambda.InvokeOutput, error)
	PublishVersion(context.Context, *lambda.PublishVersionInput, ...func(*lambda.Options)) (*lambda.PublishVersionOutput, error)
	RemovePermission(context.Context, *lambda.RemovePermissionInput, ...func(*lambda.Options)) (*lambda.RemovePermissionOutput, error)
	UpdateAlias(context.Context, *lambda.UpdateAliasInput, ...func(*lambda.Options)) (*lambda.UpdateAliasOutput, error)
	UpdateFunctionCode(context.Context, *lambda.UpdateFunctionCodeInput, ...func(*lambda.Options)) (*lambda.UpdateFunctionCodeOutput, error)
}

var (
	_ LambdaClient = (*Lambda)(nil)
	_ LambdaClient = (*lambda.Client)(nil) // the fake fakes real methods
)

// lambdaCall records and answers one call of f.
func lambdaCall[I, O any](f *Lambda, op string, fn func(I) (O, error), in I) (O, error) {
	name := op
	if f.Name != nil {
		name = f.Name(op, in)
	}
	return Call(&f.Calls, name, fn, in)
}

func (f *Lambda) AddPermission(_ context.Context, in *lambda.AddPermissionInput, _ ...func(*lambda.Options)) (*lambda.AddPermissionOutput, error) {
	return lambdaCall(f, "AddPermission", f.On.AddPermission, in)
}

func (f *Lambda) CreateAlias(_ context.Context, in *lambda.CreateAliasInput, _ ...func(*lambda.Options)) (*lambda.CreateAliasOutput, error) {
	return lambdaCall(f, "CreateAlias", f.On.CreateAlias, in)
}

func (f *Lambda) DeleteAlias(_ context.Context, in *lambda.DeleteAliasInput, _ ...func(*lambda.Options)) (*lambda.DeleteAliasOutput, error) {
	return lambdaCall(f, "DeleteAlias", f.On.DeleteAlias, in)
}

func (f *Lambda) GetAlias(_ context.Context, in *lambda.GetAliasInput, _ ...func(*lambda.Options)) (*lambda.GetAliasOutput, error) {
	return lambdaCall(f, "GetAlias", f.On.GetAlias, in)
}

func (f *Lambda) GetFunction(_ context.Context, in *lambda.GetFunctionInput, _ ...func(*lambda.Options)) (*lambda.GetFunctionOutput, error) {
	return lambdaCall(f, "GetFunction", f.On.GetFunction, in)
}

func (f *Lambda) GetFunctionConfiguration(_ context.Context, in *lambda.GetFunctionConfigurationInput, _ ...func(*lambda.Options)) (*lambda.GetFunctionConfigurationOutput, error) {
	return lambdaCall(f, "GetFunctionConfiguration", f.On.GetFunctionConfiguration, in)
}

func (f *Lambda) GetPolicy(_ context.Context, in *lambda.GetPolicyInput, _ ...func(*lambda.Options)) (*lambda.GetPolicyOutput, error) {
	return lambdaCall(f, "GetPolicy", f.On.GetPolicy, in)
}

func (f *Lambda) Invoke(_ context.Context, in *lambda.InvokeInput, _ ...func(*lambda.Options)) (*lambda.InvokeOutput, error) {
	return lambdaCall(f, "Invoke", f.On.Invoke, in)
}

func (f *Lambda) PublishVersion(_ context.Context, in *lambda.PublishVersionInput, _ ...func(*lambda.Options)) (*lambda.PublishVersionOutput, error) {
	return lambdaCall(f, "PublishVersion", f.On.PublishVersion, in)
}

func (f *Lambda) RemovePermission(_ context.Context, in *lambda.RemovePermissionInput, _ ...func(*lambda.Options)) (*lambda.RemovePermissionOutput, error) {
	return lambdaCall(f, "RemovePermission", f.On.RemovePermission, in)
}

func (f *Lambda) UpdateAlias(_ context.Context, in *lambda.UpdateAliasInput, _ ...func(*lambda.Options)) (*lambda.UpdateAliasOutput, error) {
	return lambdaCall(f, "UpdateAlias", f.On.UpdateAlias, in)
}

func (f *Lambda) UpdateFunctionCode(_ context.Context, in *lambda.UpdateFunctionCodeInput, _ ...func(*lambda.Options)) (*lambda.UpdateFunctionCodeOutput, error) {
	return lambdaCall(f, "UpdateFunctionCode", f.On.UpdateFunctionCode, in)
}
