package busyaccount

import (
	"context"
	"fmt"
	"sync"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/cloudwatchlogs"
	"github.com/aws/aws-sdk-go-v2/service/ecr"
	"github.com/aws/aws-sdk-go-v2/service/iam"
	"github.com/aws/aws-sdk-go-v2/service/lambda"
	lambdatypes "github.com/aws/aws-sdk-go-v2/service/lambda/types"
	"github.com/aws/aws-sdk-go-v2/service/ssm"
	ssmtypes "github.com/aws/aws-sdk-go-v2/service/ssm/types"
	"github.com/aws/aws-sdk-go-v2/service/sts"
)

// Prefix starts the name of everything Fill makes: no stack of ours is
// named so.
const Prefix = "otherteam"

// Kind is a type of resource Fill makes.
type Kind string

const (
	Role      Kind = "iam.role" // with one inline policy
	Parameter Kind = "ssm.parameter"
	LogGroup  Kind = "logs.log_group"
	Repo      Kind = "ecr.repository"
	Function  Kind = "lambda.function"
)

// mix is the account's make-up, repeated every len(mix) resources: as
// many roles, parameters and log groups, a quarter as many repositories
// and functions (the account of issue 14: 1,000 / 1,000 / 1,000 / 250 / 250).
var mix = []Kind{
	Role, Parameter, LogGroup, Role, Parameter, LogGroup, Role, Parameter, LogGroup, Role, Parameter, LogGroup,
	Repo, Function,
}

// KindOf is the kind of the i-th resource.
func KindOf(i int) Kind { return mix[i%len(mix)] }

// Count is how many of the first n resources are of kind k.
func Count(n int, k Kind) int {
	c := 0
	for i := range n {
		if KindOf(i) == k {
			c++
		}
	}
	return c
}

// Name is the name of the i-th resource (a path for parameters and log
// groups).
func Name(i int) string {
	switch KindOf(i) {
	case Parameter:
		return fmt.Sprintf("/%s/app/param-%05d", Prefix, i)
	case LogGroup:
		return fmt.Sprintf("/aws/lambda/%s-fn-%05d", Prefix, i)
	case Repo:
		return fmt.Sprintf("%s/repo-%05d", Prefix, i)
	case Function:
		return fmt.Sprintf("%s-fn-%05d", Prefix, i)
	}
	return fmt.Sprintf("%s-role-%05d", Prefix, i)
}

// roleOf is the role a function runs as: the first of its block, made
// before any function by Fill.
func roleOf(i int) int { return i - i%len(mix) }

// Fill makes resources from (included) to to (excluded), parallel at
// once. Roles come first: a function needs its role. Resources below
// from are taken to exist (an earlier Fill).
func Fill(ctx context.Context, cfg aws.Config, from, to, parallel int) error {
	if from >= to {
		return nil
	}
	c := clients{
		iam: iam.NewFromConfig(cfg), ssm: ssm.NewFromConfig(cfg), logs: cloudwatchlogs.NewFromConfig(cfg),
		ecr: ecr.NewFromConfig(cfg), lambda: lambda.NewFromConfig(cfg),
	}
	id, err := sts.NewFromConfig(cfg).GetCallerIdentity(ctx, &sts.GetCallerIdentityInput{})
	if err != nil {
		return fmt.Errorf("cannot read the account to fill: %w", err)
	}
	c.account = aws.ToString(id.Account)
	var first, functions []int
	for i := from; i < to; i++ {
		if KindOf(i) == Function {
			functions = append(functions, i)
		} else {
			first = append(first, i)
		}
	}
	if err := each(ctx, first, parallel, c.make); err != nil {
		return err
	}
	return each(ctx, functions, parallel, c.make)
}

type clients struct {
	iam     *iam.Client
	ssm     *ssm.Client
	logs    *cloudwatchlogs.Client
	ecr     *ecr.Client
	lambda  *lambda.Client
	account string
}

// trust lets Lambda assume the roles.
const trust = `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"Service":"lambda.amazonaws.com"},"Action":"sts:AssumeRole"}]}`

func (c clients) make(ctx context.Context, i int) error {
	name := Name(i)
	tags := map[string]string{"team": Prefix}
	var err error
	switch KindOf(i) {
	case Role:
		_, err = c.iam.CreateRole(ctx, &iam.CreateRoleInput{RoleName: aws.String(name), AssumeRolePolicyDocument: aws.String(trust)})
		if err == nil {
			_, err = c.iam.PutRolePolicy(ctx, &iam.PutRolePolicyInput{RoleName: aws.String(name), PolicyName: aws.String("logs"),
				PolicyDocument: aws.String(`{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":["logs:CreateLogStream","logs:PutLogEvents"],"Resource":"*"}]}`)})
		}
	case Parameter:
		_, err = c.ssm.PutParameter(ctx, &ssm.PutParameterInput{Name: aws.String(name), Value: aws.String(fmt.Sprintf("value-%d", i)),
			Type: ssmtypes.ParameterTypeString, Tags: []ssmtypes.Tag{{Key: aws.String("team"), Value: aws.String(Prefix)}}})
	case LogGroup:
		_, err = c.logs.CreateLogGroup(ctx, &cloudwatchlogs.CreateLogGroupInput{LogGroupName: aws.String(name), Tags: tags})
	case Repo:
		_, err = c.ecr.CreateRepository(ctx, &ecr.CreateRepositoryInput{RepositoryName: aws.String(name)})
	case Function:
		role := fmt.Sprintf("arn:aws:iam::%s:role/%s", c.account, Name(roleOf(i)))
		repo := fmt.Sprintf("%s.dkr.ecr.%s.amazonaws.com/%s:v1", c.account, c.lambda.Options().Region, Name(roleOf(i)+12))
		_, err = c.lambda.CreateFunction(ctx, &lambda.CreateFunctionInput{FunctionName: aws.String(name), Role: aws.String(role),
			PackageType: lambdatypes.PackageTypeImage, Code: &lambdatypes.FunctionCode{ImageUri: aws.String(repo)}, Tags: tags})
	}
	if err != nil {
		return fmt.Errorf("cannot make %s %q of the busy account: %w", KindOf(i), name, err)
	}
	return nil
}

// each calls f for every index, parallel at once, and returns the first
// error (the others stop at their next index).
func each(ctx context.Context, is []int, parallel int, f func(context.Context, int) error) error {
	ctx, cancel := context.WithCancelCause(ctx)
	defer cancel(nil)
	next := make(chan int)
	var wg sync.WaitGroup
	for range max(1, parallel) {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := range next {
				if err := f(ctx, i); err != nil {
					cancel(err)
				}
			}
		}()
	}
feed:
	for _, i := range is {
		select {
		case next <- i:
		case <-ctx.Done():
			break feed
		}
	}
	close(next)
	wg.Wait()
	return context.Cause(ctx)
}
