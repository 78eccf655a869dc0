package httpapi

import (
	"github.com/aws/aws-sdk-go-v2/service/apigatewayv2"

	"github.com/trip-assistant/stack/resources/internal/retrysafe"
)

// retrySafe guards one create call: before each retry the SDK's retryer
// makes, lookup is asked for what an earlier attempt made (see
// resources/internal/retrysafe).
func retrySafe[T any](lookup retrysafe.Lookup[T]) func(*apigatewayv2.Options) {
	return func(o *apigatewayv2.Options) { o.APIOptions = append(o.APIOptions, retrysafe.Create(lookup)) }
}
