package ssmparam

import (
	"context"
	"fmt"
	"sort"
	"strings"
	"sync"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/ssm"
	"github.com/aws/aws-sdk-go-v2/service/ssm/types"
)

// fakeSSM is an API whose methods are function fields; calls records the
// method names in order.
type fakeSSM struct {
	mu                     sync.Mutex // batch reads run concurrently
	calls                  []string
	getParameters          func(*ssm.GetParametersInput) (*ssm.GetParametersOutput, error)
	describeParameters     func(*ssm.DescribeParametersInput) (*ssm.DescribeParametersOutput, error)
	listTagsForResource    func(*ssm.ListTagsForResourceInput) (*ssm.ListTagsForResourceOutput, error)
	putParameter           func(*ssm.PutParameterInput) (*ssm.PutParameterOutput, error)
	addTagsToResource      func(*ssm.AddTagsToResourceInput) (*ssm.AddTagsToResourceOutput, error)
	removeTagsFromResource func(*ssm.RemoveTagsFromResourceInput) (*ssm.RemoveTagsFromResourceOutput, error)
	deleteParameter        func(*ssm.DeleteParameterInput) (*ssm.DeleteParameterOutput, error)
}

var _ API = (*fakeSSM)(nil)

func (f *fakeSSM) GetParameters(_ context.Context, in *ssm.GetParametersInput, _ ...func(*ssm.Options)) (*ssm.GetParametersOutput, error) {
	f.record("GetParameters")
	return f.getParameters(in)
}
func (f *fakeSSM) DescribeParameters(_ context.Context, in *ssm.DescribeParametersInput, _ ...func(*ssm.Options)) (*ssm.DescribeParametersOutput, error) {
	f.record("DescribeParameters")
	return f.describeParameters(in)
}
func (f *fakeSSM) ListTagsForResource(_ context.Context, in *ssm.ListTagsForResourceInput, _ ...func(*ssm.Options)) (*ssm.ListTagsForResourceOutput, error) {
	f.record("ListTagsForResource")
	return f.listTagsForResource(in)
}
func (f *fakeSSM) PutParameter(_ context.Context, in *ssm.PutParameterInput, _ ...func(*ssm.Options)) (*ssm.PutParameterOutput, error) {
	f.record("PutParameter")
	return f.putParameter(in)
}
func (f *fakeSSM) AddTagsToResource(_ context.Context, in *ssm.AddTagsToResourceInput, _ ...func(*ssm.Options)) (*ssm.AddTagsToResourceOutput, error) {
	f.record("AddTagsToResource")
	return f.addTagsToResource(in)
}
func (f *fakeSSM) RemoveTagsFromResource(_ context.Context, in *ssm.RemoveTagsFromResourceInput, _ ...func(*ssm.Options)) (*ssm.RemoveTagsFromResourceOutput, error) {
	f.record("RemoveTagsFromResource")
	return f.removeTagsFromResource(in)
}
func (f *fakeSSM) DeleteParameter(_ context.Context, in *ssm.DeleteParameterInput, _ ...func(*ssm.Options)) (*ssm.DeleteParameterOutput, error) {
	f.record("DeleteParameter")
	return f.deleteParameter(in)
}

// memParam is one parameter of the in-memory store behind newMemSSM.
type memParam struct {
	meta  types.ParameterMetadata
	value string
	tags  map[string]string
}

// newMemSSM returns a fake whose functions keep parameters in params,
// behaving like SSM where the tests need it.
func newMemSSM(params map[string]*memParam) *fakeSSM {
	return &fakeSSM{
		getParameters: func(in *ssm.GetParametersInput) (*ssm.GetParametersOutput, error) {
			if len(in.Names) > 10 {
				return nil, fmt.Errorf("ValidationException: %d names", len(in.Names))
			}
			out := &ssm.GetParametersOutput{}
			for _, n := range in.Names {
				p, ok := params[n]
				if !ok {
					out.InvalidParameters = append(out.InvalidParameters, n)
					continue
				}
				out.Parameters = append(out.Parameters, types.Parameter{
					Name: aws.String(n), Type: p.meta.Type, Value: aws.String(p.value),
					Version: p.meta.Version, ARN: aws.String("arn:aws:ssm:us-east-2:123456789012:parameter/" + strings.TrimPrefix(n, "/")),
				})
			}
			return out, nil
		},
		describeParameters: func(in *ssm.DescribeParametersInput) (*ssm.DescribeParametersOutput, error) {
			out := &ssm.DescribeParametersOutput{}
			for _, n := range in.ParameterFilters[0].Values {
				if p, ok := params[n]; ok {
					out.Parameters = append(out.Parameters, p.meta)
				}
			}
			return out, nil
		},
		listTagsForResource: func(in *ssm.ListTagsForResourceInput) (*ssm.ListTagsForResourceOutput, error) {
			p, ok := params[aws.ToString(in.ResourceId)]
			if !ok {
				return nil, &types.InvalidResourceId{}
			}
			out := &ssm.ListTagsForResourceOutput{}
			keys := make([]string, 0, len(p.tags))
			for k := range p.tags {
				keys = append(keys, k)
			}
			sort.Strings(keys)
			for _, k := range keys {
				out.TagList = append(out.TagList, types.Tag{Key: aws.String(k), Value: aws.String(p.tags[k])})
			}
			return out, nil
		},
		putParameter: func(in *ssm.PutParameterInput) (*ssm.PutParameterOutput, error) {
			n := aws.ToString(in.Name)
			p, exists := params[n]
			if exists && !aws.ToBool(in.Overwrite) {
				return nil, &types.ParameterAlreadyExists{Message: aws.String("exists")}
			}
			if aws.ToBool(in.Overwrite) && len(in.Tags) > 0 {
				return nil, fmt.Errorf("ValidationException: tags and overwrite can't be used together")
			}
			if !exists {
				p = &memParam{tags: map[string]string{}}
				params[n] = p
			}
			p.value = aws.ToString(in.Value)
			key := in.KeyId
			if key == nil && in.Type == types.ParameterTypeSecureString {
				key = aws.String(defaultKeyAlias)
			}
			p.meta = types.ParameterMetadata{Name: in.Name, Type: in.Type, Tier: in.Tier,
				Description: in.Description, KeyId: key, Version: p.meta.Version + 1}
			for _, t := range in.Tags {
				p.tags[aws.ToString(t.Key)] = aws.ToString(t.Value)
			}
			return &ssm.PutParameterOutput{Version: p.meta.Version}, nil
		},
		addTagsToResource: func(in *ssm.AddTagsToResourceInput) (*ssm.AddTagsToResourceOutput, error) {
			p := params[aws.ToString(in.ResourceId)]
			for _, t := range in.Tags {
				p.tags[aws.ToString(t.Key)] = aws.ToString(t.Value)
			}
			return &ssm.AddTagsToResourceOutput{}, nil
		},
		removeTagsFromResource: func(in *ssm.RemoveTagsFromResourceInput) (*ssm.RemoveTagsFromResourceOutput, error) {
			p := params[aws.ToString(in.ResourceId)]
			for _, k := range in.TagKeys {
				delete(p.tags, k)
			}
			return &ssm.RemoveTagsFromResourceOutput{}, nil
		},
		deleteParameter: func(in *ssm.DeleteParameterInput) (*ssm.DeleteParameterOutput, error) {
			if _, ok := params[aws.ToString(in.Name)]; !ok {
				return nil, &types.ParameterNotFound{}
			}
			delete(params, aws.ToString(in.Name))
			return &ssm.DeleteParameterOutput{}, nil
		},
	}
}

func (f *fakeSSM) record(call string) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.calls = append(f.calls, call)
}
