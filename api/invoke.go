package main

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/lambda"

	"github.com/trip-assistant/stack/internal/lambdaproto"
)

// Invoker is the part of the Lambda client the api calls.
type Invoker interface {
	Invoke(ctx context.Context, params *lambda.InvokeInput, optFns ...func(*lambda.Options)) (*lambda.InvokeOutput, error)
}

var _ Invoker = (*lambda.Client)(nil)

// agentFailure is why the agent gave no reply. Message is safe to show to
// the client; Err is for the logs.
type agentFailure struct {
	Message    string
	AgentError string // the agent's typed error, if it answered with one
	Err        error
}

func (f *agentFailure) Error() string {
	if f.Err == nil {
		return f.Message
	}
	return f.Message + ": " + f.Err.Error()
}

func (f *agentFailure) Unwrap() error { return f.Err }

// Agent invokes the agent function synchronously.
type Agent struct {
	Invoker  Invoker
	Function string
	// Qualifier is the alias to invoke; "" invokes $LATEST.
	Qualifier string
	// Timeout bounds one Ask; 0 leaves it to the caller's context.
	Timeout time.Duration
}

// Ask sends req, already validated, and returns the agent's reply. Errors
// are *agentFailure.
func (a Agent) Ask(ctx context.Context, req lambdaproto.Request) (lambdaproto.Response, error) {
	payload, err := json.Marshal(req)
	if err != nil {
		return lambdaproto.Response{}, &agentFailure{Message: "the assistant could not be asked", Err: err}
	}
	in := &lambda.InvokeInput{FunctionName: aws.String(a.Function), Payload: payload}
	if a.Qualifier != "" {
		in.Qualifier = aws.String(a.Qualifier)
	}
	if a.Timeout > 0 {
		var cancel context.CancelFunc
		ctx, cancel = context.WithTimeout(ctx, a.Timeout)
		defer cancel()
	}
	out, err := a.Invoker.Invoke(ctx, in)
	if err != nil {
		msg := "the assistant could not be reached"
		if errors.Is(err, context.DeadlineExceeded) {
			msg = "the assistant did not answer in time"
		}
		return lambdaproto.Response{}, &agentFailure{Message: msg,
			Err: fmt.Errorf("cannot invoke lambda function %q: %w", a.Function, err)}
	}
	if out.FunctionError != nil {
		// The agent answers failures as typed payloads; a function error is
		// a crash, a timeout or an out-of-memory kill. Its payload is logged
		// by the type and message only: it may hold a stack trace.
		var fe struct {
			ErrorType    string `json:"errorType"`
			ErrorMessage string `json:"errorMessage"`
		}
		_ = json.Unmarshal(out.Payload, &fe)
		return lambdaproto.Response{}, &agentFailure{Message: "the assistant failed",
			Err: fmt.Errorf("lambda function %q failed (%s): %s: %s", a.Function, aws.ToString(out.FunctionError), fe.ErrorType, fe.ErrorMessage)}
	}
	var resp lambdaproto.Response
	if err := json.Unmarshal(out.Payload, &resp); err != nil {
		return lambdaproto.Response{}, &agentFailure{Message: "the assistant answered with an unreadable payload",
			Err: fmt.Errorf("cannot decode the answer of lambda function %q: %w", a.Function, err)}
	}
	if resp.Error != nil {
		// The agent's messages are written for callers and carry no
		// secrets (see internal/lambdaproto), so they are passed on.
		return lambdaproto.Response{}, &agentFailure{Message: resp.Error.Message, AgentError: resp.Error.Type,
			Err: fmt.Errorf("lambda function %q answered %s: %s", a.Function, resp.Error.Type, resp.Error.Message)}
	}
	if resp.Reply == "" {
		return lambdaproto.Response{}, &agentFailure{Message: "the assistant returned an empty reply",
			Err: fmt.Errorf("lambda function %q answered neither a reply nor an error", a.Function)}
	}
	return resp, nil
}
