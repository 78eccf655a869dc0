package httpapi

import (
	"slices"
	"strings"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/apigatewayv2/types"
	"github.com/trip-assistant/stack/reconcile/spec"
)

// API Gateway answers CORS preflights itself from the API's
// CorsConfiguration. It may hand the lists back lower-cased and reordered,
// so each list is compared as a set, ignoring case (origins, methods and
// header names are all case-insensitive in HTTP). Every field has a zero
// default so that an unset field and what AWS reports for it agree.
var corsFields = spec.Schema{
	"allow_origins":     corsList("Origins allowed to call the API (Access-Control-Allow-Origin)."),
	"allow_methods":     corsList("Methods allowed (Access-Control-Allow-Methods)."),
	"allow_headers":     corsList("Request headers allowed (Access-Control-Allow-Headers)."),
	"expose_headers":    corsList("Response headers exposed to the browser (Access-Control-Expose-Headers)."),
	"max_age":           {Type: spec.Int, Default: int64(0), Check: checkMaxAge, Doc: "Seconds a browser may cache the preflight answer (-1..86400)."},
	"allow_credentials": {Type: spec.Bool, Default: false, Doc: "Whether credentials may be sent (Access-Control-Allow-Credentials)."},
}

func corsList(doc string) spec.Field {
	return spec.Field{Type: spec.StringList, Unordered: true, Default: []any{}, Equal: equalFoldSet, Doc: doc}
}

// equalFoldSet compares two string lists as sets, ignoring case.
func equalFoldSet(want, got any) bool {
	return slices.Equal(foldSet(want), foldSet(got))
}

func foldSet(v any) []string {
	l := spec.ToStringList(v)
	out := make([]string, 0, len(l))
	for _, s := range l {
		out = append(out, strings.ToLower(s))
	}
	slices.Sort(out)
	return slices.Compact(out)
}

// expandCors builds the configuration sent to AWS. Lists are sent even when
// empty: an update then clears a list the spec no longer sets, whether AWS
// replaces the configuration or merges into it.
func expandCors(p spec.Props) *types.Cors {
	list := func(k string) []string {
		if l := p.StringList(k); l != nil {
			return l
		}
		return []string{}
	}
	return &types.Cors{
		AllowOrigins:     list("allow_origins"),
		AllowMethods:     list("allow_methods"),
		AllowHeaders:     list("allow_headers"),
		ExposeHeaders:    list("expose_headers"),
		MaxAge:           aws.Int32(int32(p.Int("max_age"))),
		AllowCredentials: aws.Bool(p.Bool("allow_credentials")),
	}
}

// flattenCors reports the live configuration with every field present.
func flattenCors(c *types.Cors) map[string]any {
	return map[string]any{
		"allow_origins":     spec.StringListValue(c.AllowOrigins),
		"allow_methods":     spec.StringListValue(c.AllowMethods),
		"allow_headers":     spec.StringListValue(c.AllowHeaders),
		"expose_headers":    spec.StringListValue(c.ExposeHeaders),
		"max_age":           int64(aws.ToInt32(c.MaxAge)),
		"allow_credentials": aws.ToBool(c.AllowCredentials),
	}
}
