package ecrrepo

import (
	"context"
	"sort"
	"strconv"
	"strings"
	"sync"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/ecr"
	"github.com/aws/aws-sdk-go-v2/service/ecr/types"
)

// fakeECR is an API whose methods are function fields; calls records the
// method names in order.
type fakeECR struct {
	mu                            sync.Mutex // batch reads run concurrently
	calls                         []string
	describeRepositories          func(*ecr.DescribeRepositoriesInput) (*ecr.DescribeRepositoriesOutput, error)
	getLifecyclePolicy            func(*ecr.GetLifecyclePolicyInput) (*ecr.GetLifecyclePolicyOutput, error)
	listTagsForResource           func(*ecr.ListTagsForResourceInput) (*ecr.ListTagsForResourceOutput, error)
	createRepository              func(*ecr.CreateRepositoryInput) (*ecr.CreateRepositoryOutput, error)
	putImageTagMutability         func(*ecr.PutImageTagMutabilityInput) (*ecr.PutImageTagMutabilityOutput, error)
	putImageScanningConfiguration func(*ecr.PutImageScanningConfigurationInput) (*ecr.PutImageScanningConfigurationOutput, error)
	putLifecyclePolicy            func(*ecr.PutLifecyclePolicyInput) (*ecr.PutLifecyclePolicyOutput, error)
	deleteLifecyclePolicy         func(*ecr.DeleteLifecyclePolicyInput) (*ecr.DeleteLifecyclePolicyOutput, error)
	tagResource                   func(*ecr.TagResourceInput) (*ecr.TagResourceOutput, error)
	untagResource                 func(*ecr.UntagResourceInput) (*ecr.UntagResourceOutput, error)
	deleteRepository              func(*ecr.DeleteRepositoryInput) (*ecr.DeleteRepositoryOutput, error)
	repoPolicies                  map[string]string // repository policies by name, kept by the fake itself
}

var _ API = (*fakeECR)(nil)

func (f *fakeECR) DescribeRepositories(_ context.Context, in *ecr.DescribeRepositoriesInput, _ ...func(*ecr.Options)) (*ecr.DescribeRepositoriesOutput, error) {
	f.record("DescribeRepositories")
	return f.describeRepositories(in)
}
func (f *fakeECR) GetLifecyclePolicy(_ context.Context, in *ecr.GetLifecyclePolicyInput, _ ...func(*ecr.Options)) (*ecr.GetLifecyclePolicyOutput, error) {
	f.record("GetLifecyclePolicy")
	return f.getLifecyclePolicy(in)
}
func (f *fakeECR) ListTagsForResource(_ context.Context, in *ecr.ListTagsForResourceInput, _ ...func(*ecr.Options)) (*ecr.ListTagsForResourceOutput, error) {
	f.record("ListTagsForResource")
	return f.listTagsForResource(in)
}
func (f *fakeECR) CreateRepository(_ context.Context, in *ecr.CreateRepositoryInput, _ ...func(*ecr.Options)) (*ecr.CreateRepositoryOutput, error) {
	f.record("CreateRepository")
	return f.createRepository(in)
}
func (f *fakeECR) PutImageTagMutability(_ context.Context, in *ecr.PutImageTagMutabilityInput, _ ...func(*ecr.Options)) (*ecr.PutImageTagMutabilityOutput, error) {
	f.record("PutImageTagMutability")
	return f.putImageTagMutability(in)
}
func (f *fakeECR) PutImageScanningConfiguration(_ context.Context, in *ecr.PutImageScanningConfigurationInput, _ ...func(*ecr.Options)) (*ecr.PutImageScanningConfigurationOutput, error) {
	f.record("PutImageScanningConfiguration")
	return f.putImageScanningConfiguration(in)
}
func (f *fakeECR) PutLifecyclePolicy(_ context.Context, in *ecr.PutLifecyclePolicyInput, _ ...func(*ecr.Options)) (*ecr.PutLifecyclePolicyOutput, error) {
	f.record("PutLifecyclePolicy")
	return f.putLifecyclePolicy(in)
}
func (f *fakeECR) DeleteLifecyclePolicy(_ context.Context, in *ecr.DeleteLifecyclePolicyInput, _ ...func(*ecr.Options)) (*ecr.DeleteLifecyclePolicyOutput, error) {
	f.record("DeleteLifecyclePolicy")
	return f.deleteLifecyclePolicy(in)
}
func (f *fakeECR) TagResource(_ context.Context, in *ecr.TagResourceInput, _ ...func(*ecr.Options)) (*ecr.TagResourceOutput, error) {
	f.record("TagResource")
	return f.tagResource(in)
}
func (f *fakeECR) UntagResource(_ context.Context, in *ecr.UntagResourceInput, _ ...func(*ecr.Options)) (*ecr.UntagResourceOutput, error) {
	f.record("UntagResource")
	return f.untagResource(in)
}
func (f *fakeECR) DeleteRepository(_ context.Context, in *ecr.DeleteRepositoryInput, _ ...func(*ecr.Options)) (*ecr.DeleteRepositoryOutput, error) {
	f.record("DeleteRepository")
	return f.deleteRepository(in)
}

type memRepo struct {
	mutability types.ImageTagMutability
	scan       bool
	policy     string
	tags       map[string]string
	images     bool
	deletedBy  *ecr.DeleteRepositoryInput
}

const testRegistry = "123456789012"

func repoARN(name string) string {
	return "arn:aws:ecr:us-east-2:" + testRegistry + ":repository/" + name
}

// newMemECR returns a fake keeping repositories in memory. Like ECR, one
// missing name fails DescribeRepositories for all names.
func newMemECR(repos map[string]*memRepo) *fakeECR {
	byARN := func(arn string) *memRepo { return repos[strings.TrimPrefix(arn, repoARN(""))] }
	repository := func(n string, r *memRepo) types.Repository {
		return types.Repository{
			RepositoryName: aws.String(n), RepositoryArn: aws.String(repoARN(n)), RegistryId: aws.String(testRegistry),
			RepositoryUri:              aws.String(testRegistry + ".dkr.ecr.us-east-2.amazonaws.com/" + n),
			ImageTagMutability:         r.mutability,
			ImageScanningConfiguration: &types.ImageScanningConfiguration{ScanOnPush: r.scan},
		}
	}
	return &fakeECR{
		describeRepositories: func(in *ecr.DescribeRepositoriesInput) (*ecr.DescribeRepositoriesOutput, error) {
			out := &ecr.DescribeRepositoriesOutput{}
			names := in.RepositoryNames
			if names == nil {
				for n := range repos {
					names = append(names, n)
				}
				sort.Strings(names)
				// Without names, ECR pages: 100 a page unless told,
				// the token saying where the next page starts.
				size, start := 100, 0
				if in.MaxResults != nil {
					size = int(*in.MaxResults)
				}
				if in.NextToken != nil {
					start, _ = strconv.Atoi(*in.NextToken)
				}
				names = names[start:]
				if len(names) > size {
					names = names[:size]
					out.NextToken = aws.String(strconv.Itoa(start + size))
				}
			}
			for _, n := range names {
				r, ok := repos[n]
				if !ok {
					return nil, &types.RepositoryNotFoundException{Message: aws.String(n)}
				}
				out.Repositories = append(out.Repositories, repository(n, r))
			}
			return out, nil
		},
		getLifecyclePolicy: func(in *ecr.GetLifecyclePolicyInput) (*ecr.GetLifecyclePolicyOutput, error) {
			r, ok := repos[aws.ToString(in.RepositoryName)]
			if !ok {
				return nil, &types.RepositoryNotFoundException{}
			}
			if r.policy == "" {
				return nil, &types.LifecyclePolicyNotFoundException{}
			}
			return &ecr.GetLifecyclePolicyOutput{LifecyclePolicyText: aws.String(r.policy)}, nil
		},
		listTagsForResource: func(in *ecr.ListTagsForResourceInput) (*ecr.ListTagsForResourceOutput, error) {
			r := byARN(aws.ToString(in.ResourceArn))
			if r == nil {
				return nil, &types.RepositoryNotFoundException{}
			}
			out := &ecr.ListTagsForResourceOutput{}
			for k, v := range r.tags {
				out.Tags = append(out.Tags, types.Tag{Key: aws.String(k), Value: aws.String(v)})
			}
			return out, nil
		},
		createRepository: func(in *ecr.CreateRepositoryInput) (*ecr.CreateRepositoryOutput, error) {
			n := aws.ToString(in.RepositoryName)
			if _, ok := repos[n]; ok {
				return nil, &types.RepositoryAlreadyExistsException{}
			}
			r := &memRepo{mutability: in.ImageTagMutability, tags: map[string]string{}}
			if in.ImageScanningConfiguration != nil {
				r.scan = in.ImageScanningConfiguration.ScanOnPush
			}
			for _, t := range in.Tags {
				r.tags[aws.ToString(t.Key)] = aws.ToString(t.Value)
			}
			repos[n] = r
			return &ecr.CreateRepositoryOutput{}, nil
		},
		putImageTagMutability: func(in *ecr.PutImageTagMutabilityInput) (*ecr.PutImageTagMutabilityOutput, error) {
			repos[aws.ToString(in.RepositoryName)].mutability = in.ImageTagMutability
			return &ecr.PutImageTagMutabilityOutput{}, nil
		},
		putImageScanningConfiguration: func(in *ecr.PutImageScanningConfigurationInput) (*ecr.PutImageScanningConfigurationOutput, error) {
			repos[aws.ToString(in.RepositoryName)].scan = in.ImageScanningConfiguration.ScanOnPush
			return &ecr.PutImageScanningConfigurationOutput{}, nil
		},
		putLifecyclePolicy: func(in *ecr.PutLifecyclePolicyInput) (*ecr.PutLifecyclePolicyOutput, error) {
			repos[aws.ToString(in.RepositoryName)].policy = aws.ToString(in.LifecyclePolicyText)
			return &ecr.PutLifecyclePolicyOutput{}, nil
		},
		deleteLifecyclePolicy: func(in *ecr.DeleteLifecyclePolicyInput) (*ecr.DeleteLifecyclePolicyOutput, error) {
			r := repos[aws.ToString(in.RepositoryName)]
			if r.policy == "" {
				return nil, &types.LifecyclePolicyNotFoundException{}
			}
			r.policy = ""
			return &ecr.DeleteLifecyclePolicyOutput{}, nil
		},
		tagResource: func(in *ecr.TagResourceInput) (*ecr.TagResourceOutput, error) {
			r := byARN(aws.ToString(in.ResourceArn))
			for _, t := range in.Tags {
				r.tags[aws.ToString(t.Key)] = aws.ToString(t.Value)
			}
			return &ecr.TagResourceOutput{}, nil
		},
		untagResource: func(in *ecr.UntagResourceInput) (*ecr.UntagResourceOutput, error) {
			r := byARN(aws.ToString(in.ResourceArn))
			for _, k := range in.TagKeys {
				delete(r.tags, k)
			}
			return &ecr.UntagResourceOutput{}, nil
		},
		deleteRepository: func(in *ecr.DeleteRepositoryInput) (*ecr.DeleteRepositoryOutput, error) {
			n := aws.ToString(in.RepositoryName)
			r, ok := repos[n]
			if !ok {
				return nil, &types.RepositoryNotFoundException{}
			}
			if r.images && !in.Force {
				return nil, &types.RepositoryNotEmptyException{}
			}
			delete(repos, n)
			return &ecr.DeleteRepositoryOutput{}, nil
		},
	}
}

func (f *fakeECR) record(call string) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.calls = append(f.calls, call)
}

func (f *fakeECR) GetRepositoryPolicy(_ context.Context, in *ecr.GetRepositoryPolicyInput, _ ...func(*ecr.Options)) (*ecr.GetRepositoryPolicyOutput, error) {
	f.record("GetRepositoryPolicy")
	if f.repoPolicies == nil || f.repoPolicies[aws.ToString(in.RepositoryName)] == "" {
		return nil, &types.RepositoryPolicyNotFoundException{}
	}
	return &ecr.GetRepositoryPolicyOutput{PolicyText: aws.String(f.repoPolicies[aws.ToString(in.RepositoryName)])}, nil
}

func (f *fakeECR) SetRepositoryPolicy(_ context.Context, in *ecr.SetRepositoryPolicyInput, _ ...func(*ecr.Options)) (*ecr.SetRepositoryPolicyOutput, error) {
	f.record("SetRepositoryPolicy")
	if f.repoPolicies == nil {
		f.repoPolicies = map[string]string{}
	}
	f.repoPolicies[aws.ToString(in.RepositoryName)] = aws.ToString(in.PolicyText)
	return &ecr.SetRepositoryPolicyOutput{}, nil
}

func (f *fakeECR) DeleteRepositoryPolicy(_ context.Context, in *ecr.DeleteRepositoryPolicyInput, _ ...func(*ecr.Options)) (*ecr.DeleteRepositoryPolicyOutput, error) {
	f.record("DeleteRepositoryPolicy")
	if f.repoPolicies == nil || f.repoPolicies[aws.ToString(in.RepositoryName)] == "" {
		return nil, &types.RepositoryPolicyNotFoundException{}
	}
	delete(f.repoPolicies, aws.ToString(in.RepositoryName))
	return &ecr.DeleteRepositoryPolicyOutput{}, nil
}
