package ssmstate

import (
	"context"
	"fmt"
	"strconv"
	"strings"
	"sync"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/ssm"
	"github.com/aws/aws-sdk-go-v2/service/ssm/types"
)

// fakeSSM is an API made of function fields; newMemSSM wires them to an
// in-memory Parameter Store that enforces the limits this package relies
// on. A test replaces a field to inject a failure or a race.
type fakeSSM struct {
	getParameter      func(context.Context, *ssm.GetParameterInput) (*ssm.GetParameterOutput, error)
	getParameters     func(context.Context, *ssm.GetParametersInput) (*ssm.GetParametersOutput, error)
	putParameter      func(context.Context, *ssm.PutParameterInput) (*ssm.PutParameterOutput, error)
	deleteParameter   func(context.Context, *ssm.DeleteParameterInput) (*ssm.DeleteParameterOutput, error)
	deleteParameters  func(context.Context, *ssm.DeleteParametersInput) (*ssm.DeleteParametersOutput, error)
	addTagsToResource func(context.Context, *ssm.AddTagsToResourceInput) (*ssm.AddTagsToResourceOutput, error)
	getByPath         func(context.Context, *ssm.GetParametersByPathInput) (*ssm.GetParametersByPathOutput, error)
	getHistory        func(context.Context, *ssm.GetParameterHistoryInput) (*ssm.GetParameterHistoryOutput, error)
}

var _ API = (*fakeSSM)(nil)

func (f *fakeSSM) GetParameter(ctx context.Context, in *ssm.GetParameterInput, _ ...func(*ssm.Options)) (*ssm.GetParameterOutput, error) {
	return f.getParameter(ctx, in)
}
func (f *fakeSSM) GetParameters(ctx context.Context, in *ssm.GetParametersInput, _ ...func(*ssm.Options)) (*ssm.GetParametersOutput, error) {
	return f.getParameters(ctx, in)
}
func (f *fakeSSM) PutParameter(ctx context.Context, in *ssm.PutParameterInput, _ ...func(*ssm.Options)) (*ssm.PutParameterOutput, error) {
	return f.putParameter(ctx, in)
}
func (f *fakeSSM) DeleteParameter(ctx context.Context, in *ssm.DeleteParameterInput, _ ...func(*ssm.Options)) (*ssm.DeleteParameterOutput, error) {
	return f.deleteParameter(ctx, in)
}
func (f *fakeSSM) DeleteParameters(ctx context.Context, in *ssm.DeleteParametersInput, _ ...func(*ssm.Options)) (*ssm.DeleteParametersOutput, error) {
	return f.deleteParameters(ctx, in)
}
func (f *fakeSSM) AddTagsToResource(ctx context.Context, in *ssm.AddTagsToResourceInput, _ ...func(*ssm.Options)) (*ssm.AddTagsToResourceOutput, error) {
	return f.addTagsToResource(ctx, in)
}

func (f *fakeSSM) GetParametersByPath(ctx context.Context, in *ssm.GetParametersByPathInput, _ ...func(*ssm.Options)) (*ssm.GetParametersByPathOutput, error) {
	return f.getByPath(ctx, in)
}
func (f *fakeSSM) GetParameterHistory(ctx context.Context, in *ssm.GetParameterHistoryInput, _ ...func(*ssm.Options)) (*ssm.GetParameterHistoryOutput, error) {
	return f.getHistory(ctx, in)
}

// memSSM is the in-memory store behind newMemSSM.
type memSSM struct {
	mu       sync.Mutex
	versions map[string][]string // name -> values; version = index+1
	tags     map[string]map[string]string
	puts     []string // names written by PutParameter, in order
}

func (m *memSSM) latest(name string) (string, int64, bool) {
	vs := m.versions[name]
	if len(vs) == 0 {
		return "", 0, false
	}
	return vs[len(vs)-1], int64(len(vs)), true
}

// get resolves "name" or "name:version".
func (m *memSSM) get(sel string) (types.Parameter, bool) {
	name, ver, hasVer := strings.Cut(sel, ":")
	vs := m.versions[name]
	if len(vs) == 0 {
		return types.Parameter{}, false
	}
	v := len(vs)
	if hasVer {
		n, err := strconv.Atoi(ver)
		if err != nil || n < 1 || n > len(vs) {
			return types.Parameter{}, false
		}
		v = n
	}
	return types.Parameter{Name: aws.String(name), Value: aws.String(vs[v-1]), Version: int64(v)}, true
}

func (m *memSSM) checkTags(name string, add []types.Tag) error {
	merged := map[string]bool{}
	for k := range m.tags[name] {
		merged[k] = true
	}
	for _, t := range add {
		k, v := aws.ToString(t.Key), aws.ToString(t.Value)
		if len(k) == 0 || len(k) > 128 || len(v) > 256 || strings.HasPrefix(strings.ToLower(k), "aws:") {
			return &types.ValidationException{Message: aws.String("bad tag " + k)}
		}
		if v != tagValue(v) {
			return &types.ValidationException{Message: aws.String("tag value has characters SSM refuses: " + v)}
		}
		merged[k] = true
	}
	if len(merged) > 50 {
		return &types.TooManyTagsError{Message: aws.String("more than 50 tags")}
	}
	return nil
}

func newMemSSM() (*fakeSSM, *memSSM) {
	m := &memSSM{versions: map[string][]string{}, tags: map[string]map[string]string{}}
	f := &fakeSSM{
		getParameter: func(_ context.Context, in *ssm.GetParameterInput) (*ssm.GetParameterOutput, error) {
			m.mu.Lock()
			defer m.mu.Unlock()
			p, ok := m.get(aws.ToString(in.Name))
			if !ok {
				return nil, &types.ParameterNotFound{}
			}
			return &ssm.GetParameterOutput{Parameter: &p}, nil
		},
		getParameters: func(_ context.Context, in *ssm.GetParametersInput) (*ssm.GetParametersOutput, error) {
			m.mu.Lock()
			defer m.mu.Unlock()
			if len(in.Names) > 10 {
				return nil, &types.ValidationException{Message: aws.String("more than 10 names")}
			}
			out := &ssm.GetParametersOutput{}
			for _, n := range in.Names {
				if p, ok := m.get(n); ok {
					out.Parameters = append(out.Parameters, p)
				} else {
					out.InvalidParameters = append(out.InvalidParameters, n)
				}
			}
			return out, nil
		},
		putParameter: func(_ context.Context, in *ssm.PutParameterInput) (*ssm.PutParameterOutput, error) {
			m.mu.Lock()
			defer m.mu.Unlock()
			name, value := aws.ToString(in.Name), aws.ToString(in.Value)
			overwrite := aws.ToBool(in.Overwrite)
			switch {
			case overwrite && len(in.Tags) > 0:
				return nil, &types.ValidationException{Message: aws.String("tags and overwrite can't be used together")}
			case len(value) == 0 || len(value) > 4096:
				return nil, &types.ValidationException{Message: aws.String(fmt.Sprintf("value of %d bytes", len(value)))}
			case in.Tier != types.ParameterTierStandard:
				return nil, &types.ValidationException{Message: aws.String("test expects the standard tier")}
			}
			if _, _, ok := m.latest(name); ok && !overwrite {
				return nil, &types.ParameterAlreadyExists{}
			}
			if err := m.checkTags(name, in.Tags); err != nil {
				return nil, err
			}
			m.versions[name] = append(m.versions[name], value)
			m.puts = append(m.puts, name)
			if len(in.Tags) > 0 {
				m.tags[name] = map[string]string{}
				for _, t := range in.Tags {
					m.tags[name][aws.ToString(t.Key)] = aws.ToString(t.Value)
				}
			}
			return &ssm.PutParameterOutput{Version: int64(len(m.versions[name])), Tier: in.Tier}, nil
		},
		deleteParameter: func(_ context.Context, in *ssm.DeleteParameterInput) (*ssm.DeleteParameterOutput, error) {
			m.mu.Lock()
			defer m.mu.Unlock()
			name := aws.ToString(in.Name)
			if _, _, ok := m.latest(name); !ok {
				return nil, &types.ParameterNotFound{}
			}
			delete(m.versions, name)
			delete(m.tags, name)
			return &ssm.DeleteParameterOutput{}, nil
		},
		deleteParameters: func(_ context.Context, in *ssm.DeleteParametersInput) (*ssm.DeleteParametersOutput, error) {
			m.mu.Lock()
			defer m.mu.Unlock()
			if len(in.Names) > 10 {
				return nil, &types.ValidationException{Message: aws.String("more than 10 names")}
			}
			out := &ssm.DeleteParametersOutput{}
			for _, n := range in.Names {
				if _, _, ok := m.latest(n); ok {
					delete(m.versions, n)
					delete(m.tags, n)
					out.DeletedParameters = append(out.DeletedParameters, n)
				} else {
					out.InvalidParameters = append(out.InvalidParameters, n)
				}
			}
			return out, nil
		},
		addTagsToResource: func(_ context.Context, in *ssm.AddTagsToResourceInput) (*ssm.AddTagsToResourceOutput, error) {
			m.mu.Lock()
			defer m.mu.Unlock()
			name := aws.ToString(in.ResourceId)
			if _, _, ok := m.latest(name); !ok {
				return nil, &types.InvalidResourceId{}
			}
			if err := m.checkTags(name, in.Tags); err != nil {
				return nil, err
			}
			if m.tags[name] == nil {
				m.tags[name] = map[string]string{}
			}
			for _, t := range in.Tags {
				m.tags[name][aws.ToString(t.Key)] = aws.ToString(t.Value)
			}
			return &ssm.AddTagsToResourceOutput{}, nil
		},
		// Answers in one page: the tests keep paths small.
		getByPath: func(_ context.Context, in *ssm.GetParametersByPathInput) (*ssm.GetParametersByPathOutput, error) {
			m.mu.Lock()
			defer m.mu.Unlock()
			path := strings.TrimSuffix(aws.ToString(in.Path), "/") + "/"
			out := &ssm.GetParametersByPathOutput{}
			for name := range m.versions {
				rest, ok := strings.CutPrefix(name, path)
				if !ok || (!aws.ToBool(in.Recursive) && strings.Contains(rest, "/")) {
					continue
				}
				if p, ok := m.get(name); ok {
					out.Parameters = append(out.Parameters, p)
				}
			}
			return out, nil
		},
		// Keeps SSM's last 100 versions.
		getHistory: func(_ context.Context, in *ssm.GetParameterHistoryInput) (*ssm.GetParameterHistoryOutput, error) {
			m.mu.Lock()
			defer m.mu.Unlock()
			name := aws.ToString(in.Name)
			vs := m.versions[name]
			if len(vs) == 0 {
				return nil, &types.ParameterNotFound{}
			}
			out := &ssm.GetParameterHistoryOutput{}
			for i := max(0, len(vs)-100); i < len(vs); i++ {
				out.Parameters = append(out.Parameters, types.ParameterHistory{Name: aws.String(name), Value: aws.String(vs[i]), Version: int64(i + 1)})
			}
			return out, nil
		},
	}
	return f, m
}

// names lists the parameters that exist, for assertions.
func (m *memSSM) names() []string {
	m.mu.Lock()
	defer m.mu.Unlock()
	var out []string
	for n, vs := range m.versions {
		if len(vs) > 0 {
			out = append(out, n)
		}
	}
	return out
}

func (m *memSSM) putCount() int {
	m.mu.Lock()
	defer m.mu.Unlock()
	return len(m.puts)
}
