package main

import (
	"context"
	"sync/atomic"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/ssm"
	"github.com/aws/aws-sdk-go-v2/service/ssm/types"
)

// fakeSSM answers GetParameter with getParameter and counts the calls.
type fakeSSM struct {
	getParameter func(ctx context.Context, in *ssm.GetParameterInput) (*ssm.GetParameterOutput, error)
	calls        atomic.Int32
}

var _ ParameterAPI = (*fakeSSM)(nil)

func (f *fakeSSM) GetParameter(ctx context.Context, in *ssm.GetParameterInput, _ ...func(*ssm.Options)) (*ssm.GetParameterOutput, error) {
	f.calls.Add(1)
	return f.getParameter(ctx, in)
}

// ssmHolding is a fake whose parameter holds value (as SSM returns it
// decrypted only when asked to).
func ssmHolding(value string) *fakeSSM {
	return &fakeSSM{getParameter: func(_ context.Context, in *ssm.GetParameterInput) (*ssm.GetParameterOutput, error) {
		v := value
		if !aws.ToBool(in.WithDecryption) {
			v = "AQICAHencrypted"
		}
		return &ssm.GetParameterOutput{Parameter: &types.Parameter{
			Name: in.Name, Type: types.ParameterTypeSecureString, Value: aws.String(v)}}, nil
	}}
}

func ssmFailing(err error) *fakeSSM {
	return &fakeSSM{getParameter: func(context.Context, *ssm.GetParameterInput) (*ssm.GetParameterOutput, error) {
		return nil, err
	}}
}
