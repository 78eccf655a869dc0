package lambdafn

import (
	"fmt"
	"regexp"

	"github.com/trip-assistant/stack/reconcile/spec"
)

var namePattern = regexp.MustCompile(`^[a-zA-Z0-9_-]{1,64}$`)

// Schema implements reconcile.Kind.
func (k *Kind) Schema() spec.Schema {
	return spec.Schema{
		"name": {Type: spec.String, Required: true, ForceNew: true, Check: checkName,
			Doc: "function name: 1 to 64 letters, digits, hyphens or underscores"},
		"role": {Type: spec.String, Required: true,
			Doc: "ARN of the execution role"},
		// Only container images: the kind has no handler, runtime or code
		// location fields a zip package would need.
		"package_type": {Type: spec.String, Default: "Image", ForceNew: true, Enum: []string{"Image"},
			Doc: "deployment package type (container images only)"},
		"image_uri": {Type: spec.String, CreateOnly: true,
			Doc: "container image the function starts with; CD owns it afterwards unless listed in manage"},
		"architectures": {Type: spec.StringList, Default: []any{"x86_64"}, ForceNew: true, Check: checkArchitectures,
			Doc: "instruction set: [x86_64] or [arm64]"},
		"memory_size": {Type: spec.Int, Default: int64(128), Check: intRange(128, 10240),
			Doc: "memory in MB, 128 to 10240"},
		"timeout": {Type: spec.Int, Default: int64(3), Check: intRange(1, 900),
			Doc: "timeout in seconds, 1 to 900"},
		"environment": {Type: spec.StringMap,
			Doc: "environment variables"},
		"description": {Type: spec.String,
			Doc: "description"},
		"publish": {Type: spec.Bool, Default: true,
			Doc: "publish a new version after creation and after each change of configuration or code"},
		"tags": {Type: spec.StringMap,
			Doc: "tags"},
		"permissions": {Type: spec.StringList, Unordered: true, DeclaredBy: "lambda.permission",
			Doc: "owned exclusively: the statement ids of the function's unqualified resource policy; a statement no lambda.permission of the stack declares is drift, and apply removes it"},
		"function_url": {Type: spec.String, Default: noURL, Exclusive: true, Check: checkFunctionURL,
			Doc: "owned exclusively: the function's URL; no kind declares one, so the only value is none: a URL made by hand (AuthType NONE lets anyone invoke it) is drift, and apply deletes it"},
	}
}

func checkName(v any) error {
	s, _ := v.(string)
	if !namePattern.MatchString(s) {
		return fmt.Errorf("expected 1 to 64 letters, digits, hyphens or underscores, got %q", s)
	}
	return nil
}

func checkArchitectures(v any) error {
	l := spec.ToStringList(v)
	if len(l) != 1 || (l[0] != "x86_64" && l[0] != "arm64") {
		return fmt.Errorf("expected [x86_64] or [arm64], got %v", l)
	}
	return nil
}

func intRange(lo, hi int64) func(any) error {
	return func(v any) error {
		n := spec.Props{"v": v}.Int("v")
		if n < lo || n > hi {
			return fmt.Errorf("expected an integer between %d and %d, got %v", lo, hi, v)
		}
		return nil
	}
}
