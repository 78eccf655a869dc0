// Package emutest gives an integration test its own wiped emulator and an
// AWS configuration pointing at it.
package emutest

import (
	"context"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"

	"github.com/trip-assistant/stack/internal/awsclient"
	"github.com/trip-assistant/stack/internal/emulator"
)

// Config starts an emulator for the test (stopped when it ends), wipes it,
// and returns a configuration for region pointing at it.
func Config(t testing.TB, region string) aws.Config {
	t.Helper()
	ctx := context.Background()
	emu, err := emulator.Start(ctx)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(emu.Stop)
	if err := emu.Reset(ctx); err != nil {
		t.Fatal(err)
	}
	cfg, err := awsclient.Load(ctx, awsclient.Options{Region: region, Endpoint: emu.Endpoint})
	if err != nil {
		t.Fatal(err)
	}
	return cfg
}
