package tfstate

import "strings"

// FunctionName splits what a Terraform configuration may give as a Lambda
// function_name, a name or a (qualified) function ARN
// arn:aws:lambda:REGION:ACCOUNT:function:NAME[:QUALIFIER], into the
// function's name and the ARN's qualifier.
func FunctionName(s string) (name, qualifier string) {
	if !strings.HasPrefix(s, "arn:") {
		return s, ""
	}
	parts := strings.Split(s, ":")
	// arn, partition, lambda, region, account, function, NAME[, QUALIFIER]
	if len(parts) < 7 || parts[5] != "function" {
		return s, ""
	}
	if len(parts) >= 8 {
		return parts[6], parts[7]
	}
	return parts[6], ""
}

// Document decodes a JSON document attribute (a policy) as the spec writes
// it; a Secret or a missing attribute gives nil.
func (i *Instance) Document(key string) (any, error) {
	s := i.String(key)
	if s == "" {
		return nil, nil
	}
	v, err := DecodeJSON(s)
	if err != nil {
		return nil, err
	}
	return v, nil
}
