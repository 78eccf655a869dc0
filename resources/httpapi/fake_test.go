package httpapi

import (
	"context"
	"fmt"
	"slices"
	"sync"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/apigatewayv2"
	"github.com/aws/aws-sdk-go-v2/service/apigatewayv2/types"
	"github.com/aws/aws-sdk-go-v2/service/sts"
	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"
)

// fakeAPI answers each call with the function set for it, records the
// calls in order, and fails a call no function was set for.
type fakeAPI struct {
	mu                        sync.Mutex
	calls                     []string
	CreateApiFn               func(*apigatewayv2.CreateApiInput) (*apigatewayv2.CreateApiOutput, error)
	GetApiFn                  func(*apigatewayv2.GetApiInput) (*apigatewayv2.GetApiOutput, error)
	GetApisFn                 func(*apigatewayv2.GetApisInput) (*apigatewayv2.GetApisOutput, error)
	UpdateApiFn               func(*apigatewayv2.UpdateApiInput) (*apigatewayv2.UpdateApiOutput, error)
	DeleteApiFn               func(*apigatewayv2.DeleteApiInput) (*apigatewayv2.DeleteApiOutput, error)
	DeleteCorsConfigurationFn func(*apigatewayv2.DeleteCorsConfigurationInput) (*apigatewayv2.DeleteCorsConfigurationOutput, error)
	TagResourceFn             func(*apigatewayv2.TagResourceInput) (*apigatewayv2.TagResourceOutput, error)
	UntagResourceFn           func(*apigatewayv2.UntagResourceInput) (*apigatewayv2.UntagResourceOutput, error)
	CreateIntegrationFn       func(*apigatewayv2.CreateIntegrationInput) (*apigatewayv2.CreateIntegrationOutput, error)
	GetIntegrationFn          func(*apigatewayv2.GetIntegrationInput) (*apigatewayv2.GetIntegrationOutput, error)
	GetIntegrationsFn         func(*apigatewayv2.GetIntegrationsInput) (*apigatewayv2.GetIntegrationsOutput, error)
	UpdateIntegrationFn       func(*apigatewayv2.UpdateIntegrationInput) (*apigatewayv2.UpdateIntegrationOutput, error)
	DeleteIntegrationFn       func(*apigatewayv2.DeleteIntegrationInput) (*apigatewayv2.DeleteIntegrationOutput, error)
	CreateRouteFn             func(*apigatewayv2.CreateRouteInput) (*apigatewayv2.CreateRouteOutput, error)
	GetRouteFn                func(*apigatewayv2.GetRouteInput) (*apigatewayv2.GetRouteOutput, error)
	GetRoutesFn               func(*apigatewayv2.GetRoutesInput) (*apigatewayv2.GetRoutesOutput, error)
	UpdateRouteFn             func(*apigatewayv2.UpdateRouteInput) (*apigatewayv2.UpdateRouteOutput, error)
	DeleteRouteFn             func(*apigatewayv2.DeleteRouteInput) (*apigatewayv2.DeleteRouteOutput, error)
	CreateStageFn             func(*apigatewayv2.CreateStageInput) (*apigatewayv2.CreateStageOutput, error)
	GetStageFn                func(*apigatewayv2.GetStageInput) (*apigatewayv2.GetStageOutput, error)
	GetStagesFn               func(*apigatewayv2.GetStagesInput) (*apigatewayv2.GetStagesOutput, error)
	UpdateStageFn             func(*apigatewayv2.UpdateStageInput) (*apigatewayv2.UpdateStageOutput, error)
	DeleteStageFn             func(*apigatewayv2.DeleteStageInput) (*apigatewayv2.DeleteStageOutput, error)
}

var (
	_ API    = (*fakeAPI)(nil)
	_ STSAPI = fakeSTS{}
)

func unexpected(op string) error { return fmt.Errorf("unexpected call to %s", op) }

// record notes a call; the API kind makes its member listings at once.
func (f *fakeAPI) record(op string) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.calls = append(f.calls, op)
}

// memberReadsInOrder returns calls with each run of the API's member
// listings (made at once, so in any order) put in one order: GetRoutes,
// GetIntegrations, GetStages.
func memberReadsInOrder(calls []string) []string {
	rank := map[string]int{"GetRoutes": 1, "GetIntegrations": 2, "GetStages": 3}
	out := slices.Clone(calls)
	for i := 0; i < len(out); {
		j := i
		for j < len(out) && rank[out[j]] > 0 {
			j++
		}
		if j > i {
			slices.SortStableFunc(out[i:j], func(a, b string) int { return rank[a] - rank[b] })
			i = j
		} else {
			i++
		}
	}
	return out
}

func (f *fakeAPI) CreateApi(_ context.Context, in *apigatewayv2.CreateApiInput, _ ...func(*apigatewayv2.Options)) (*apigatewayv2.CreateApiOutput, error) {
	f.record("CreateApi")
	if f.CreateApiFn == nil {
		return nil, unexpected("CreateApi")
	}
	return f.CreateApiFn(in)
}

func (f *fakeAPI) GetApi(_ context.Context, in *apigatewayv2.GetApiInput, _ ...func(*apigatewayv2.Options)) (*apigatewayv2.GetApiOutput, error) {
	f.record("GetApi")
	if f.GetApiFn == nil {
		return nil, unexpected("GetApi")
	}
	return f.GetApiFn(in)
}

func (f *fakeAPI) GetApis(_ context.Context, in *apigatewayv2.GetApisInput, _ ...func(*apigatewayv2.Options)) (*apigatewayv2.GetApisOutput, error) {
	f.record("GetApis")
	if f.GetApisFn == nil {
		return nil, unexpected("GetApis")
	}
	return f.GetApisFn(in)
}

func (f *fakeAPI) UpdateApi(_ context.Context, in *apigatewayv2.UpdateApiInput, _ ...func(*apigatewayv2.Options)) (*apigatewayv2.UpdateApiOutput, error) {
	f.record("UpdateApi")
	if f.UpdateApiFn == nil {
		return nil, unexpected("UpdateApi")
	}
	return f.UpdateApiFn(in)
}

func (f *fakeAPI) DeleteApi(_ context.Context, in *apigatewayv2.DeleteApiInput, _ ...func(*apigatewayv2.Options)) (*apigatewayv2.DeleteApiOutput, error) {
	f.record("DeleteApi")
	if f.DeleteApiFn == nil {
		return nil, unexpected("DeleteApi")
	}
	return f.DeleteApiFn(in)
}

func (f *fakeAPI) DeleteCorsConfiguration(_ context.Context, in *apigatewayv2.DeleteCorsConfigurationInput, _ ...func(*apigatewayv2.Options)) (*apigatewayv2.DeleteCorsConfigurationOutput, error) {
	f.record("DeleteCorsConfiguration")
	if f.DeleteCorsConfigurationFn == nil {
		return nil, unexpected("DeleteCorsConfiguration")
	}
	return f.DeleteCorsConfigurationFn(in)
}

func (f *fakeAPI) TagResource(_ context.Context, in *apigatewayv2.TagResourceInput, _ ...func(*apigatewayv2.Options)) (*apigatewayv2.TagResourceOutput, error) {
	f.record("TagResource")
	if f.TagResourceFn == nil {
		return nil, unexpected("TagResource")
	}
	return f.TagResourceFn(in)
}

func (f *fakeAPI) UntagResource(_ context.Context, in *apigatewayv2.UntagResourceInput, _ ...func(*apigatewayv2.Options)) (*apigatewayv2.UntagResourceOutput, error) {
	f.record("UntagResource")
	if f.UntagResourceFn == nil {
		return nil, unexpected("UntagResource")
	}
	return f.UntagResourceFn(in)
}

func (f *fakeAPI) CreateIntegration(_ context.Context, in *apigatewayv2.CreateIntegrationInput, _ ...func(*apigatewayv2.Options)) (*apigatewayv2.CreateIntegrationOutput, error) {
	f.record("CreateIntegration")
	if f.CreateIntegrationFn == nil {
		return nil, unexpected("CreateIntegration")
	}
	return f.CreateIntegrationFn(in)
}

func (f *fakeAPI) GetIntegration(_ context.Context, in *apigatewayv2.GetIntegrationInput, _ ...func(*apigatewayv2.Options)) (*apigatewayv2.GetIntegrationOutput, error) {
	f.record("GetIntegration")
	if f.GetIntegrationFn == nil {
		return nil, unexpected("GetIntegration")
	}
	return f.GetIntegrationFn(in)
}

func (f *fakeAPI) GetIntegrations(_ context.Context, in *apigatewayv2.GetIntegrationsInput, _ ...func(*apigatewayv2.Options)) (*apigatewayv2.GetIntegrationsOutput, error) {
	f.record("GetIntegrations")
	if f.GetIntegrationsFn == nil {
		return &apigatewayv2.GetIntegrationsOutput{}, nil // none: an API's members are listed by every read of it
	}
	return f.GetIntegrationsFn(in)
}

func (f *fakeAPI) UpdateIntegration(_ context.Context, in *apigatewayv2.UpdateIntegrationInput, _ ...func(*apigatewayv2.Options)) (*apigatewayv2.UpdateIntegrationOutput, error) {
	f.record("UpdateIntegration")
	if f.UpdateIntegrationFn == nil {
		return nil, unexpected("UpdateIntegration")
	}
	return f.UpdateIntegrationFn(in)
}

func (f *fakeAPI) DeleteIntegration(_ context.Context, in *apigatewayv2.DeleteIntegrationInput, _ ...func(*apigatewayv2.Options)) (*apigatewayv2.DeleteIntegrationOutput, error) {
	f.record("DeleteIntegration")
	if f.DeleteIntegrationFn == nil {
		return nil, unexpected("DeleteIntegration")
	}
	return f.DeleteIntegrationFn(in)
}

func (f *fakeAPI) CreateRoute(_ context.Context, in *apigatewayv2.CreateRouteInput, _ ...func(*apigatewayv2.Options)) (*apigatewayv2.CreateRouteOutput, error) {
	f.record("CreateRoute")
	if f.CreateRouteFn == nil {
		return nil, unexpected("CreateRoute")
	}
	return f.CreateRouteFn(in)
}

func (f *fakeAPI) GetRoute(_ context.Context, in *apigatewayv2.GetRouteInput, _ ...func(*apigatewayv2.Options)) (*apigatewayv2.GetRouteOutput, error) {
	f.record("GetRoute")
	if f.GetRouteFn == nil {
		return nil, unexpected("GetRoute")
	}
	return f.GetRouteFn(in)
}

func (f *fakeAPI) GetRoutes(_ context.Context, in *apigatewayv2.GetRoutesInput, _ ...func(*apigatewayv2.Options)) (*apigatewayv2.GetRoutesOutput, error) {
	f.record("GetRoutes")
	if f.GetRoutesFn == nil {
		return &apigatewayv2.GetRoutesOutput{}, nil // none: an API's members are listed by every read of it
	}
	return f.GetRoutesFn(in)
}

func (f *fakeAPI) UpdateRoute(_ context.Context, in *apigatewayv2.UpdateRouteInput, _ ...func(*apigatewayv2.Options)) (*apigatewayv2.UpdateRouteOutput, error) {
	f.record("UpdateRoute")
	if f.UpdateRouteFn == nil {
		return nil, unexpected("UpdateRoute")
	}
	return f.UpdateRouteFn(in)
}

func (f *fakeAPI) DeleteRoute(_ context.Context, in *apigatewayv2.DeleteRouteInput, _ ...func(*apigatewayv2.Options)) (*apigatewayv2.DeleteRouteOutput, error) {
	f.record("DeleteRoute")
	if f.DeleteRouteFn == nil {
		return nil, unexpected("DeleteRoute")
	}
	return f.DeleteRouteFn(in)
}

func (f *fakeAPI) CreateStage(_ context.Context, in *apigatewayv2.CreateStageInput, _ ...func(*apigatewayv2.Options)) (*apigatewayv2.CreateStageOutput, error) {
	f.record("CreateStage")
	if f.CreateStageFn == nil {
		return nil, unexpected("CreateStage")
	}
	return f.CreateStageFn(in)
}

func (f *fakeAPI) GetStages(_ context.Context, in *apigatewayv2.GetStagesInput, _ ...func(*apigatewayv2.Options)) (*apigatewayv2.GetStagesOutput, error) {
	f.record("GetStages")
	if f.GetStagesFn == nil {
		return &apigatewayv2.GetStagesOutput{}, nil // none: an API's members are listed by every read of it
	}
	return f.GetStagesFn(in)
}

func (f *fakeAPI) GetStage(_ context.Context, in *apigatewayv2.GetStageInput, _ ...func(*apigatewayv2.Options)) (*apigatewayv2.GetStageOutput, error) {
	f.record("GetStage")
	if f.GetStageFn == nil {
		return nil, unexpected("GetStage")
	}
	return f.GetStageFn(in)
}

func (f *fakeAPI) UpdateStage(_ context.Context, in *apigatewayv2.UpdateStageInput, _ ...func(*apigatewayv2.Options)) (*apigatewayv2.UpdateStageOutput, error) {
	f.record("UpdateStage")
	if f.UpdateStageFn == nil {
		return nil, unexpected("UpdateStage")
	}
	return f.UpdateStageFn(in)
}

func (f *fakeAPI) DeleteStage(_ context.Context, in *apigatewayv2.DeleteStageInput, _ ...func(*apigatewayv2.Options)) (*apigatewayv2.DeleteStageOutput, error) {
	f.record("DeleteStage")
	if f.DeleteStageFn == nil {
		return nil, unexpected("DeleteStage")
	}
	return f.DeleteStageFn(in)
}

// fakeSTS is an account in the aws partition.
type fakeSTS struct{}

func (fakeSTS) GetCallerIdentity(context.Context, *sts.GetCallerIdentityInput, ...func(*sts.Options)) (*sts.GetCallerIdentityOutput, error) {
	return &sts.GetCallerIdentityOutput{Account: aws.String("123456789012"), Arn: aws.String("arn:aws:iam::123456789012:user/test")}, nil
}

// cmpIgnoreUnexported lets go-cmp compare SDK inputs.
func cmpIgnoreUnexported() cmp.Option {
	return cmpopts.IgnoreUnexported(apigatewayv2.UpdateIntegrationInput{}, apigatewayv2.UpdateRouteInput{})
}

func notFound() error { return &types.NotFoundException{Message: aws.String("not found")} }

func conflict() error { return &types.ConflictException{Message: aws.String("exists")} }
