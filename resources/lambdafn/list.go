package lambdafn

import (
	"context"
	"fmt"
	"strings"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/lambda"
)

// List implements reconcile.Lister: the names of the functions starting
// with prefix. ListFunctions has no name filter; the prefix is applied here.
func (k *Kind) List(ctx context.Context, prefix string) ([]string, error) {
	var ids []string
	p := lambda.NewListFunctionsPaginator(k.api, &lambda.ListFunctionsInput{})
	for p.HasMorePages() {
		page, err := p.NextPage(ctx)
		if err != nil {
			return nil, fmt.Errorf("cannot list lambda functions: %w", err)
		}
		for _, f := range page.Functions {
			if name := aws.ToString(f.FunctionName); strings.HasPrefix(name, prefix) {
				ids = append(ids, name)
			}
		}
	}
	return ids, nil
}
