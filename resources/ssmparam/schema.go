package ssmparam

import (
	"errors"
	"fmt"
	"regexp"
	"strings"

	"github.com/trip-assistant/stack/reconcile/spec"
)

const (
	typeString       = "String"
	typeSecureString = "SecureString"
	tierStandard     = "Standard"
	// defaultKeyAlias is the AWS-managed key a SecureString uses when no
	// key is named; DescribeParameters reports it as the KeyId.
	defaultKeyAlias = "alias/aws/ssm"
)

// Type is the spec's name for this kind.
func (k *Kind) Type() string { return "ssm.parameter" }

// Schema describes the fields of an ssm.parameter.
func (k *Kind) Schema() spec.Schema {
	return spec.Schema{
		"name": {Type: spec.String, Required: true, ForceNew: true, Check: CheckName,
			Doc: "Parameter name; a hierarchical name starts with \"/\"."},
		"type": {Type: spec.String, Default: typeString, Enum: []string{"String", "SecureString", "StringList"},
			Doc: "String, SecureString (encrypted with KMS) or StringList (comma-separated)."},
		"value": {Type: spec.String, Required: true, Sensitive: true,
			Doc: "The value; never shown or recorded, compared by digest."},
		// An empty Default makes removing the field from the spec a diff
		// (the engine leaves unset fields without a Default alone).
		"description": {Type: spec.String, Default: "", Doc: "Free text shown in the console."},
		"tier": {Type: spec.String, Default: tierStandard, Enum: []string{"Standard", "Advanced"},
			Doc: "Standard (4 KB, free) or Advanced (8 KB, charged per parameter)."},
		"key_id": {Type: spec.String, Default: "", Doc: "KMS key for a SecureString; the AWS-managed alias/aws/ssm when unset."},
		"tags":   {Type: spec.StringMap, Doc: "Tags on the parameter."},
	}
}

// Attributes lists what ${name.attr} may reference.
func (k *Kind) Attributes() []string { return []string{"arn", "name", "version"} }

var nameChars = regexp.MustCompile(`^[a-zA-Z0-9_.\-/]+$`)

// CheckName applies the Parameter Store naming rules: 1 to 1011
// characters of [a-zA-Z0-9_.-/], a name with a "/" is fully qualified and
// starts with one, at most 15 levels, and no "aws" or "ssm" prefix (those
// are reserved, case-insensitively).
func CheckName(v any) error {
	name, ok := v.(string)
	if !ok {
		return fmt.Errorf("expected a string, got %T", v)
	}
	switch {
	case len(name) < 1 || len(name) > 1011:
		return fmt.Errorf("must be 1 to 1011 characters long, got %d", len(name))
	case !nameChars.MatchString(name):
		return errors.New("may contain only letters, digits and . - _ /")
	case strings.Contains(name, "/") && !strings.HasPrefix(name, "/"):
		return errors.New("a hierarchical name must start with \"/\"")
	case strings.Contains(name, "//"):
		return errors.New("must not contain an empty level (\"//\")")
	case strings.HasSuffix(name, "/"):
		return errors.New("must not end with \"/\"")
	case strings.Count(name, "/") > 15:
		return errors.New("may have at most 15 levels")
	}
	first := strings.ToLower(strings.TrimPrefix(name, "/"))
	if strings.HasPrefix(first, "aws") || strings.HasPrefix(first, "ssm") {
		return errors.New("must not start with \"aws\" or \"ssm\" (reserved by AWS)")
	}
	return nil
}
