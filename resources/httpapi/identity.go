package httpapi

import (
	"context"
	"fmt"
	"sync"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/aws/arn"
	"github.com/aws/aws-sdk-go-v2/service/sts"
)

// identity is the account and partition of the credentials, asked of STS
// once per kind and kept: neither changes during a run. The partition is
// read from the caller's ARN rather than guessed from the region name, so
// aws-cn and aws-us-gov need no table here.
type identity struct {
	sts    STSAPI
	region string

	mu        sync.Mutex
	account   string
	partition string
}

func (i *identity) get(ctx context.Context) (account, partition string, err error) {
	i.mu.Lock()
	defer i.mu.Unlock()
	if i.account != "" {
		return i.account, i.partition, nil
	}
	out, err := i.sts.GetCallerIdentity(ctx, &sts.GetCallerIdentityInput{})
	if err != nil {
		return "", "", fmt.Errorf("cannot tell the AWS account (sts GetCallerIdentity): %w", err)
	}
	a, err := arn.Parse(aws.ToString(out.Arn))
	if err != nil {
		return "", "", fmt.Errorf("cannot read the partition from the caller ARN %q: %w", aws.ToString(out.Arn), err)
	}
	i.account, i.partition = aws.ToString(out.Account), a.Partition
	return i.account, i.partition, nil
}

// executionARN is the ARN Lambda permissions name as the source of API
// Gateway's invocations. It is the one ARN of an HTTP API that AWS never
// returns (GetApi has no ARN field at all), so it is built here:
// arn:<partition>:execute-api:<region>:<account>:<apiId>.
func (i *identity) executionARN(ctx context.Context, apiID string) (string, error) {
	account, partition, err := i.get(ctx)
	if err != nil {
		return "", err
	}
	return arn.ARN{Partition: partition, Service: "execute-api", Region: i.region, AccountID: account, Resource: apiID}.String(), nil
}

// apiARN is the ARN TagResource and UntagResource take for an API:
// arn:<partition>:apigateway:<region>::/apis/<apiId>. It carries no account.
func (i *identity) apiARN(ctx context.Context, apiID string) (string, error) {
	_, partition, err := i.get(ctx)
	if err != nil {
		return "", err
	}
	return arn.ARN{Partition: partition, Service: "apigateway", Region: i.region, Resource: "/apis/" + apiID}.String(), nil
}

// stageARN is the tagging ARN of a stage: <apiARN>/stages/<stageName>.
func (i *identity) stageARN(ctx context.Context, apiID, stage string) (string, error) {
	a, err := i.apiARN(ctx, apiID)
	if err != nil {
		return "", err
	}
	return a + "/stages/" + stage, nil
}
