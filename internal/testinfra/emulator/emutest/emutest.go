package emutest

import (
	"context"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"

	"github.com/trip-assistant/stack/internal/awsclient"
	"github.com/trip-assistant/stack/internal/testinfra/emulator"
)

// Config starts an emulator for the test (stopped when it ends), wipes it,
// and returns a configuration for region pointing at it.
func Config(t testing.TB, region string) aws.Config {
	t.Helper()
	emu, err := emulator.Start(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(emu.Stop)
	p := &Package{emu: emu}
	p.Reset(t)
	return p.Config(t, awsclient.Options{Region: region})
}

// Package is one emulator shared by the tests of a package, which is
// cheaper than one each: TestMain calls Run, and each test calls Reset to
// start from an empty emulator, then Config.
//
//	var emu emutest.Package
//	func TestMain(m *testing.M) { os.Exit(emu.Run(m)) }
type Package struct {
	emu *emulator.Emulator
}

// Run starts the emulator, runs the package's tests, stops the emulator
// and returns the exit code.
func (p *Package) Run(m *testing.M) int {
	return emulator.RunTests(m, func(e *emulator.Emulator) error { p.emu = e; return nil })
}

// Reset wipes the emulator.
func (p *Package) Reset(t testing.TB) {
	t.Helper()
	if err := p.emu.Reset(context.Background()); err != nil {
		t.Fatal(err)
	}
}

// Config returns a configuration with o's region and stats, pointing at
// the emulator.
func (p *Package) Config(t testing.TB, o awsclient.Options) aws.Config {
	t.Helper()
	o.Endpoint = p.emu.Endpoint
	cfg, err := awsclient.Load(context.Background(), o)
	if err != nil {
		t.Fatal(err)
	}
	return cfg
}

// Fresh wipes the emulator and returns a configuration for region pointing
// at it: how a test of the package starts from nothing.
func (p *Package) Fresh(t testing.TB, region string) aws.Config {
	t.Helper()
	p.Reset(t)
	return p.Config(t, awsclient.Options{Region: region})
}
