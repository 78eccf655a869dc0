package lambdapolicy_test

import (
	"context"
	"encoding/json"
	"fmt"
	"slices"
	"sync"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/lambda"
	"github.com/aws/aws-sdk-go-v2/service/lambda/types"

	"github.com/trip-assistant/stack/resources/lambdaalias"
	"github.com/trip-assistant/stack/resources/lambdafn"
	"github.com/trip-assistant/stack/resources/lambdaperm"
)

// account is a small fake of Lambda holding one account's functions,
// aliases and policies, so that a write by one kind shows in what another
// reads. It counts GetPolicy by target ("fn" or "fn:live"). Calls the tests
// do not make fail through the nil embedded interfaces.
type account struct {
	fnAPI
	aliasAPI

	mu        sync.Mutex
	functions map[string]bool
	aliases   map[string]bool        // "fn:live"
	policies  map[string][]statement // by target
	policyErr error                  // when set, GetPolicy fails with it
	reads     map[string]int         // GetPolicy by target
}

// Named so that both can be embedded.
type (
	fnAPI    = lambdafn.API
	aliasAPI = lambdaalias.API
)

type statement struct{ Sid, Principal, Resource string }

const arnPrefix = "arn:aws:lambda:us-east-2:123456789012:function:"

func newAccount() *account {
	return &account{functions: map[string]bool{}, aliases: map[string]bool{}, policies: map[string][]statement{}, reads: map[string]int{}}
}

func target(function string, qualifier *string) string {
	if q := aws.ToString(qualifier); q != "" {
		return function + ":" + q
	}
	return function
}

// grant adds a statement as someone outside the run would.
func (a *account) grant(function, qualifier, sid string) {
	a.mu.Lock()
	defer a.mu.Unlock()
	t := target(function, aws.String(qualifier))
	a.policies[t] = append(a.policies[t], statement{sid, "apigateway.amazonaws.com", arnPrefix + t})
}

func (a *account) readsOf(target string) int {
	a.mu.Lock()
	defer a.mu.Unlock()
	return a.reads[target]
}

func notFound(what string) error {
	return &types.ResourceNotFoundException{Message: aws.String(what + " not found")}
}

// exists tells whether target's function, and its alias if qualified, exist.
func (a *account) exists(function string, qualifier *string) bool {
	if !a.functions[function] {
		return false
	}
	return aws.ToString(qualifier) == "" || a.aliases[target(function, qualifier)]
}

func (a *account) GetPolicy(_ context.Context, in *lambda.GetPolicyInput, _ ...func(*lambda.Options)) (*lambda.GetPolicyOutput, error) {
	a.mu.Lock()
	defer a.mu.Unlock()
	t := target(aws.ToString(in.FunctionName), in.Qualifier)
	a.reads[t]++
	if a.policyErr != nil {
		return nil, a.policyErr
	}
	if !a.exists(aws.ToString(in.FunctionName), in.Qualifier) || len(a.policies[t]) == 0 {
		return nil, notFound("policy of " + t)
	}
	var doc struct{ Statement []map[string]any }
	for _, st := range a.policies[t] {
		doc.Statement = append(doc.Statement, map[string]any{
			"Sid": st.Sid, "Effect": "Allow", "Action": "lambda:InvokeFunction",
			"Principal": map[string]any{"Service": st.Principal}, "Resource": st.Resource,
		})
	}
	b, err := json.Marshal(doc)
	return &lambda.GetPolicyOutput{Policy: aws.String(string(b))}, err
}

func (a *account) AddPermission(_ context.Context, in *lambda.AddPermissionInput, _ ...func(*lambda.Options)) (*lambda.AddPermissionOutput, error) {
	a.mu.Lock()
	defer a.mu.Unlock()
	f := aws.ToString(in.FunctionName)
	if !a.exists(f, in.Qualifier) {
		return nil, notFound(target(f, in.Qualifier))
	}
	t := target(f, in.Qualifier)
	st := statement{aws.ToString(in.StatementId), aws.ToString(in.Principal), arnPrefix + t}
	if slices.ContainsFunc(a.policies[t], func(s statement) bool { return s.Sid == st.Sid }) {
		return nil, &types.ResourceConflictException{Message: aws.String("statement exists")}
	}
	a.policies[t] = append(a.policies[t], st)
	b, err := json.Marshal(map[string]any{"Sid": st.Sid, "Action": aws.ToString(in.Action), "Principal": map[string]any{"Service": st.Principal}, "Resource": st.Resource})
	return &lambda.AddPermissionOutput{Statement: aws.String(string(b))}, err
}

func (a *account) RemovePermission(_ context.Context, in *lambda.RemovePermissionInput, _ ...func(*lambda.Options)) (*lambda.RemovePermissionOutput, error) {
	a.mu.Lock()
	defer a.mu.Unlock()
	t := target(aws.ToString(in.FunctionName), in.Qualifier)
	before := len(a.policies[t])
	a.policies[t] = slices.DeleteFunc(a.policies[t], func(s statement) bool { return s.Sid == aws.ToString(in.StatementId) })
	if len(a.policies[t]) == before {
		return nil, notFound("statement " + aws.ToString(in.StatementId))
	}
	return &lambda.RemovePermissionOutput{}, nil
}

func (a *account) GetFunction(_ context.Context, in *lambda.GetFunctionInput, _ ...func(*lambda.Options)) (*lambda.GetFunctionOutput, error) {
	a.mu.Lock()
	defer a.mu.Unlock()
	f := aws.ToString(in.FunctionName)
	if !a.functions[f] {
		return nil, notFound("function " + f)
	}
	return &lambda.GetFunctionOutput{Configuration: &types.FunctionConfiguration{FunctionName: aws.String(f), FunctionArn: aws.String(arnPrefix + f)}}, nil
}

func (a *account) ListVersionsByFunction(context.Context, *lambda.ListVersionsByFunctionInput, ...func(*lambda.Options)) (*lambda.ListVersionsByFunctionOutput, error) {
	return &lambda.ListVersionsByFunctionOutput{}, nil
}

func (a *account) GetFunctionUrlConfig(_ context.Context, in *lambda.GetFunctionUrlConfigInput, _ ...func(*lambda.Options)) (*lambda.GetFunctionUrlConfigOutput, error) {
	return nil, notFound("url of " + aws.ToString(in.FunctionName))
}

func (a *account) GetAlias(_ context.Context, in *lambda.GetAliasInput, _ ...func(*lambda.Options)) (*lambda.GetAliasOutput, error) {
	a.mu.Lock()
	defer a.mu.Unlock()
	f, name := aws.ToString(in.FunctionName), aws.ToString(in.Name)
	if !a.exists(f, in.Name) {
		return nil, notFound(fmt.Sprintf("alias %s of %s", name, f))
	}
	return &lambda.GetAliasOutput{AliasArn: aws.String(arnPrefix + f + ":" + name), Name: aws.String(name), FunctionVersion: aws.String("1")}, nil
}

func (a *account) UpdateAlias(_ context.Context, in *lambda.UpdateAliasInput, _ ...func(*lambda.Options)) (*lambda.UpdateAliasOutput, error) {
	f, name := aws.ToString(in.FunctionName), aws.ToString(in.Name)
	return &lambda.UpdateAliasOutput{AliasArn: aws.String(arnPrefix + f + ":" + name), Name: aws.String(name), FunctionVersion: in.FunctionVersion}, nil
}

var (
	_ lambdafn.API    = (*account)(nil)
	_ lambdaalias.API = (*account)(nil)
	_ lambdaperm.API  = (*account)(nil)
)
