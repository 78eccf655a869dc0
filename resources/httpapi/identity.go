package httpapi

import (
	"context"

	"github.com/aws/aws-sdk-go-v2/aws/arn"
)

// Caller tells the account and partition the credentials belong to
// (*awsclient.Identity, asked of STS once and shared by every kind of a
// run).
type Caller interface {
	Get(ctx context.Context) (account, partition string, err error)
}

// identity builds the ARNs of APIs and stages that AWS never returns.
type identity struct {
	caller Caller
	region string
}

// executionARN is the ARN Lambda permissions name as the source of API
// Gateway's invocations. It is the one ARN of an HTTP API that AWS never
// returns (GetApi has no ARN field at all), so it is built here:
// arn:<partition>:execute-api:<region>:<account>:<apiId>.
func (i *identity) executionARN(ctx context.Context, apiID string) (string, error) {
	account, partition, err := i.caller.Get(ctx)
	if err != nil {
		return "", err
	}
	return arn.ARN{Partition: partition, Service: "execute-api", Region: i.region, AccountID: account, Resource: apiID}.String(), nil
}

// apiARN is the ARN TagResource and UntagResource take for an API:
// arn:<partition>:apigateway:<region>::/apis/<apiId>. It carries no account.
func (i *identity) apiARN(ctx context.Context, apiID string) (string, error) {
	_, partition, err := i.caller.Get(ctx)
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
