package main

import (
	"context"
	"sync"

	"github.com/aws/aws-sdk-go-v2/service/lambda"
)

// fakeInvoker answers Invoke with invoke and records the inputs.
type fakeInvoker struct {
	invoke func(ctx context.Context, in *lambda.InvokeInput) (*lambda.InvokeOutput, error)
	mu     sync.Mutex
	inputs []*lambda.InvokeInput
}

var _ Invoker = (*fakeInvoker)(nil)

func (f *fakeInvoker) Invoke(ctx context.Context, in *lambda.InvokeInput, _ ...func(*lambda.Options)) (*lambda.InvokeOutput, error) {
	f.mu.Lock()
	f.inputs = append(f.inputs, in)
	f.mu.Unlock()
	return f.invoke(ctx, in)
}

func answering(status int32, functionError *string, payload string) *fakeInvoker {
	return &fakeInvoker{invoke: func(context.Context, *lambda.InvokeInput) (*lambda.InvokeOutput, error) {
		return &lambda.InvokeOutput{StatusCode: status, FunctionError: functionError, Payload: []byte(payload)}, nil
	}}
}

func failing(err error) *fakeInvoker {
	return &fakeInvoker{invoke: func(context.Context, *lambda.InvokeInput) (*lambda.InvokeOutput, error) {
		return nil, err
	}}
}
