//go:build integration

package main

import (
	"context"
	"sync/atomic"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/ssm"
	"github.com/aws/aws-sdk-go-v2/service/ssm/types"

	"github.com/trip-assistant/stack/internal/lambdaproto"
	"github.com/trip-assistant/stack/internal/testinfra/emulator/emutest"
)

// countingSSM passes reads to the emulator and counts them.
type countingSSM struct {
	ParameterAPI
	calls atomic.Int32
}

func (c *countingSSM) GetParameter(ctx context.Context, in *ssm.GetParameterInput, opts ...func(*ssm.Options)) (*ssm.GetParameterOutput, error) {
	c.calls.Add(1)
	return c.ParameterAPI.GetParameter(ctx, in, opts...)
}

func TestKeyLoaderAgainstEmulator(t *testing.T) {
	ctx := t.Context()
	cfg := emutest.Config(t, "us-east-2")
	client := ssm.NewFromConfig(cfg)
	put := func(name, value string) {
		t.Helper()
		_, err := client.PutParameter(ctx, &ssm.PutParameterInput{
			Name: aws.String(name), Value: aws.String(value),
			Type: types.ParameterTypeSecureString, Overwrite: aws.Bool(true),
		})
		if err != nil {
			t.Fatalf("cannot put parameter %q: %v", name, err)
		}
	}

	t.Run("reads the SecureString once and caches it", func(t *testing.T) {
		put("/trip-assistant/test/openai-api-key", "sk-from-ssm")
		api := &countingSSM{ParameterAPI: client}
		l := NewKeyLoader(api, "/trip-assistant/test/openai-api-key")
		for range 3 {
			key, err := l.Key(ctx)
			if err != nil || key != "sk-from-ssm" {
				t.Fatalf("Key() = %q, %v; want the decrypted value", key, err)
			}
		}
		// A change in SSM is not seen by a warm instance: the key is kept
		// for the life of the process, by design.
		put("/trip-assistant/test/openai-api-key", "sk-rotated")
		if key, _ := l.Key(ctx); key != "sk-from-ssm" {
			t.Errorf("Key() after rotation = %q, want the cached value", key)
		}
		if got := api.calls.Load(); got != 1 {
			t.Errorf("GetParameter calls = %d, want 1", got)
		}
	})

	t.Run("placeholder is not cached", func(t *testing.T) {
		put("/trip-assistant/test/placeholder", "not-configured")
		api := &countingSSM{ParameterAPI: client}
		l := NewKeyLoader(api, "/trip-assistant/test/placeholder")
		if _, err := l.Key(ctx); failureType(err) != lambdaproto.ErrMissingKey {
			t.Fatalf("Key() error = %v, want missing_key", err)
		}
		put("/trip-assistant/test/placeholder", "sk-set-later")
		if key, err := l.Key(ctx); err != nil || key != "sk-set-later" {
			t.Fatalf("Key() = %q, %v; want the value set after the placeholder", key, err)
		}
		if got := api.calls.Load(); got != 2 {
			t.Errorf("GetParameter calls = %d, want 2", got)
		}
	})

	t.Run("absent parameter is missing_key", func(t *testing.T) {
		l := NewKeyLoader(client, "/trip-assistant/test/absent")
		if _, err := l.Key(ctx); failureType(err) != lambdaproto.ErrMissingKey {
			t.Fatalf("Key() error = %v, want missing_key", err)
		}
	})
}
