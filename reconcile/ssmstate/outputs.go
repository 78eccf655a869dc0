package ssmstate

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/ssm"
	"github.com/aws/aws-sdk-go-v2/service/ssm/types"

	"github.com/trip-assistant/stack/reconcile"
)

var _ reconcile.OutputStore = (*Store)(nil)

// SaveOutputs records the outputs of an apply in <prefix>/outputs, one
// standard-tier parameter. Outputs are never secret: the spec refuses a
// sensitive input in an output.
func (s *Store) SaveOutputs(ctx context.Context, outputs map[string]string) error {
	b, err := json.Marshal(outputs)
	if err != nil {
		return err
	}
	if len(b) > maxValue {
		return fmt.Errorf("cannot save the outputs of %s: %d bytes is more than an SSM parameter holds (%d)", s.stack, len(b), maxValue)
	}
	_, err = s.api.PutParameter(ctx, &ssm.PutParameterInput{
		Name: aws.String(s.outputs()), Value: aws.String(string(b)), Type: types.ParameterTypeString, Overwrite: aws.Bool(true),
	})
	if err != nil {
		return fmt.Errorf("cannot save the outputs of %s to SSM parameter %s: %w", s.stack, s.outputs(), err)
	}
	return nil
}

// LoadOutputs reads what the last apply recorded.
func (s *Store) LoadOutputs(ctx context.Context) (map[string]string, error) {
	out, err := s.api.GetParameter(ctx, &ssm.GetParameterInput{Name: aws.String(s.outputs())})
	var missing *types.ParameterNotFound
	if errors.As(err, &missing) {
		return nil, nil
	}
	if err != nil {
		return nil, fmt.Errorf("cannot read the outputs of %s from SSM parameter %s: %w", s.stack, s.outputs(), err)
	}
	var m map[string]string
	if err := json.Unmarshal([]byte(aws.ToString(out.Parameter.Value)), &m); err != nil {
		return nil, fmt.Errorf("the outputs of %s in SSM parameter %s are not JSON: %w", s.stack, s.outputs(), err)
	}
	return m, nil
}

func (s *Store) outputs() string { return s.head[:len(s.head)-len("/state")] + "/outputs" }
