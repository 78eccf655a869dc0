package lambdaalias

import (
	"context"
	"fmt"
	"sync"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/lambda"
	"github.com/aws/aws-sdk-go-v2/service/lambda/types"

	"github.com/trip-assistant/stack/reconcile"
	"github.com/trip-assistant/stack/reconcile/spec"
	"github.com/trip-assistant/stack/resources/internal/kindkit"
)

// Observe implements reconcile.Kind.
func (k *Kind) Observe(ctx context.Context, req reconcile.ObserveRequest) (reconcile.Observation, error) {
	var function, alias string
	if req.ID != "" {
		var err error
		if function, alias, err = ParseID(req.ID); err != nil {
			return reconcile.Observation{}, err
		}
	} else {
		// Unknown values are not strings: the alias cannot exist yet.
		function, _ = req.Desired["function_name"].(string)
		alias, _ = req.Desired["name"].(string)
		if function == "" || alias == "" {
			return reconcile.Observation{}, nil
		}
	}
	return k.observe(ctx, function, alias, req.ID != "")
}

// observe reads the alias and its policy's statements. A recorded alias
// is expected to exist, so both reads are made at once (one round trip);
// one not recorded yet is read with GetAlias first, so an alias still to
// be made costs one call.
func (k *Kind) observe(ctx context.Context, function, alias string, recorded bool) (reconcile.Observation, error) {
	var (
		sids   []string
		sidErr error
		wg     sync.WaitGroup
	)
	readStatements := func() { wg.Go(func() { sids, sidErr = k.statements(ctx, function, alias) }) }
	if recorded {
		readStatements()
	}
	out, err := k.api.GetAlias(ctx, &lambda.GetAliasInput{FunctionName: aws.String(function), Name: aws.String(alias)})
	if !recorded && err == nil {
		readStatements()
	}
	wg.Wait()
	if isNotFound(err) {
		return reconcile.Observation{}, nil
	}
	if err != nil {
		return reconcile.Observation{}, fmt.Errorf("cannot read lambda alias %q of function %q: %w", alias, function, err)
	}
	ob := observation(function, out.AliasArn, out.Name, out.FunctionVersion, out.Description)
	if sidErr != nil {
		return reconcile.Observation{}, sidErr
	}
	ob.Props["permissions"] = spec.StringListValue(sids)
	return ob, nil
}

// observation builds what Observe, Create and Update report from the fields
// every alias call returns.
func observation(function string, arn, name, version, description *string) reconcile.Observation {
	return reconcile.Observation{
		Exists: true,
		ID:     id(function, aws.ToString(name)),
		Props: spec.Props{
			"function_name":    function,
			"name":             aws.ToString(name),
			"function_version": aws.ToString(version),
			"description":      aws.ToString(description),
			"permissions":      []any{}, // Observe reads them; a new alias has none
		},
		Attrs: map[string]string{
			"arn":              aws.ToString(arn),
			"name":             aws.ToString(name),
			"function_version": aws.ToString(version),
		},
	}
}

// isNotFound covers a missing function as well as a missing alias: both
// are ResourceNotFoundException.
// isNotFound: Lambda's not-found.
var isNotFound = kindkit.Is[*types.ResourceNotFoundException]
