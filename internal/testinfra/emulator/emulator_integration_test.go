//go:build integration

package emulator

import (
	"context"
	"errors"
	"os"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/ssm"
	"github.com/aws/aws-sdk-go-v2/service/ssm/types"
	"github.com/testcontainers/testcontainers-go"

	"github.com/trip-assistant/stack/internal/awsclient"
)

// TestMotoProcess checks the default mode, moto_server as a child process,
// whatever the environment selects.
func TestMotoProcess(t *testing.T) {
	ctx, cancel := context.WithTimeout(context.Background(), 3*time.Minute)
	defer cancel()
	e, err := startMoto(ctx)
	if err != nil {
		t.Fatal(err)
	}
	defer e.Stop()
	t.Logf("emulator at %s", e.Endpoint)
	roundTrip(ctx, t, e)
}

// TestContainer runs an image through testcontainers, whatever
// AWS_ENDPOINT_URL says: EMULATOR_TEST_IMAGE, else EMULATOR_IMAGE.
// EMULATOR_TEST_IMAGE exists so CI can test the container mode here while
// every other package's integration tests keep moto (kumo, the image CI can
// build, lacks Lambda versions and aliases). Without Docker the test skips,
// unless EMULATOR_DOCKER_REQUIRED=true (set by .ci/run once it has started
// the engine and built the image), where a skip would hide a broken setup.
func TestContainer(t *testing.T) {
	image := os.Getenv("EMULATOR_TEST_IMAGE")
	if image == "" {
		image = os.Getenv("EMULATOR_IMAGE")
	}
	if image == "" {
		t.Skip("neither EMULATOR_TEST_IMAGE nor EMULATOR_IMAGE is set: container mode not tested (scripts/emulator-image.sh builds reconcile-kumo:local)")
	}
	required := os.Getenv("EMULATOR_DOCKER_REQUIRED") == "true"
	ctx, cancel := context.WithTimeout(context.Background(), 3*time.Minute)
	defer cancel()
	if reason := dockerUnusable(ctx, image); reason != "" {
		if required {
			t.Fatalf("EMULATOR_DOCKER_REQUIRED=true but %s", reason)
		}
		t.Skipf("SKIPPING container mode for %s: %s", image, reason)
	}
	e, err := startContainer(ctx, image)
	if err != nil {
		t.Fatal(err)
	}
	defer e.Stop()
	t.Logf("%s at %s", image, e.Endpoint)
	roundTrip(ctx, t, e)
}

// dockerUnusable says why the container test cannot run here, or "".
func dockerUnusable(ctx context.Context, image string) string {
	os.Setenv("TESTCONTAINERS_RYUK_DISABLED", "true")
	cli, err := testcontainers.NewDockerClientWithOpts(ctx)
	if err != nil {
		return "no Docker engine answers (scripts/start-dockerd.sh): " + err.Error()
	}
	defer cli.Close()
	if _, err := cli.ImageInspect(ctx, image); err != nil {
		// Registries cannot be reached here: an image must be built locally.
		return "image " + image + " is not present locally (scripts/emulator-image.sh): " + err.Error()
	}
	return ""
}

// roundTrip writes and reads an SSM parameter, resets the emulator and
// checks the parameter is gone.
func roundTrip(ctx context.Context, t *testing.T, e *Emulator) {
	t.Helper()
	cfg, err := awsclient.Load(ctx, awsclient.Options{Region: "us-east-2", Endpoint: e.Endpoint})
	if err != nil {
		t.Fatal(err)
	}
	client := ssm.NewFromConfig(cfg)
	name, value := "/reconcile/emulator-test", "round-trip"
	if _, err := client.PutParameter(ctx, &ssm.PutParameterInput{
		Name: aws.String(name), Value: aws.String(value), Type: types.ParameterTypeString, Overwrite: aws.Bool(true),
	}); err != nil {
		t.Fatalf("cannot put parameter %q: %v", name, err)
	}
	out, err := client.GetParameter(ctx, &ssm.GetParameterInput{Name: aws.String(name)})
	if err != nil {
		t.Fatalf("cannot get parameter %q: %v", name, err)
	}
	if got := aws.ToString(out.Parameter.Value); got != value {
		t.Fatalf("parameter %q = %q, want %q", name, got, value)
	}

	if err := e.Reset(ctx); err != nil {
		t.Fatal(err)
	}
	_, err = client.GetParameter(ctx, &ssm.GetParameterInput{Name: aws.String(name)})
	var notFound *types.ParameterNotFound
	if !errors.As(err, &notFound) {
		t.Fatalf("after Reset, GetParameter %q: got error %v, want ParameterNotFound", name, err)
	}
}
