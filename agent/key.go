package main

import (
	"context"
	"errors"
	"strings"
	"sync"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/ssm"
	"github.com/aws/aws-sdk-go-v2/service/ssm/types"

	"github.com/trip-assistant/stack/internal/lambdaproto"
)

// ParameterAPI is the part of the SSM client the key loader calls.
type ParameterAPI interface {
	GetParameter(ctx context.Context, params *ssm.GetParameterInput, optFns ...func(*ssm.Options)) (*ssm.GetParameterOutput, error)
}

var _ ParameterAPI = (*ssm.Client)(nil)

// keyReadTimeout bounds one read of the key, SDK retries included, so a slow
// SSM leaves most of the invocation's time to the model.
const keyReadTimeout = 5 * time.Second

// placeholders are values the stack stores before anyone sets the real key.
var placeholders = map[string]bool{"": true, "not-configured": true}

// KeyLoader reads the OpenAI API key from an SSM SecureString on first use
// and keeps it for the life of the process (a warm Lambda instance). A failed
// or placeholder read is not kept, so setting the key takes effect on the
// next invocation without a redeploy.
type KeyLoader struct {
	api  ParameterAPI
	name string

	// mu is held across the read so concurrent first calls make one read.
	mu  sync.Mutex
	key string
}

// NewKeyLoader returns a loader for the parameter called name.
func NewKeyLoader(api ParameterAPI, name string) *KeyLoader {
	return &KeyLoader{api: api, name: name}
}

// Key returns the key, reading it if no read has succeeded yet. Errors are
// failures of type missing_key or key_unreadable; none contains the value.
func (l *KeyLoader) Key(ctx context.Context) (string, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	if l.key != "" {
		return l.key, nil
	}
	if l.name == "" {
		return "", &failure{Type: lambdaproto.ErrMissingKey,
			Message: "the assistant has no OpenAI API key configured",
			Err:     errors.New("SSM_PARAMETER_NAME is not set")}
	}
	ctx, cancel := context.WithTimeout(ctx, keyReadTimeout)
	defer cancel()
	out, err := l.api.GetParameter(ctx, &ssm.GetParameterInput{
		Name:           aws.String(l.name),
		WithDecryption: aws.Bool(true),
	})
	var notFound *types.ParameterNotFound
	switch {
	case errors.As(err, &notFound):
		return "", &failure{Type: lambdaproto.ErrMissingKey,
			Message: "the assistant has no OpenAI API key configured",
			Err:     err}
	case err != nil:
		return "", &failure{Type: lambdaproto.ErrKeyUnreadable,
			Message: "the assistant cannot read its OpenAI API key",
			Err:     err}
	}
	var value string
	if out != nil && out.Parameter != nil {
		value = strings.TrimSpace(aws.ToString(out.Parameter.Value))
	}
	if placeholders[value] {
		return "", &failure{Type: lambdaproto.ErrMissingKey,
			Message: "the assistant has no OpenAI API key configured",
			Err:     errors.New("SSM parameter " + l.name + " holds a placeholder, not a key")}
	}
	l.key = value
	return l.key, nil
}
