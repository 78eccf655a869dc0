package emulator

import (
	"context"
	"fmt"
	"io"
	"net/http"
	"os"
	"strconv"
	"strings"
	"time"

	"github.com/moby/moby/api/types/container"
	"github.com/testcontainers/testcontainers-go"
	"github.com/testcontainers/testcontainers-go/wait"
)

// containerStartTimeout bounds how long an image may take to serve HTTP.
// kumo is ready in under a second; LocalStack can take tens of seconds.
const containerStartTimeout = 2 * time.Minute

// ContainerLabel marks every container this package starts, so a CI script
// can remove leftovers of a killed test binary (the reaper is disabled).
const ContainerLabel = "org.trip-assistant.reconcile.emulator"

// flavour is what this package knows about an emulator image.
type flavour struct {
	name string
	// probe is a path the emulator answers once it serves requests.
	probe string
	// apiReset: the emulator has moto's reset API; otherwise Reset restarts it.
	apiReset bool
}

func flavourOf(image string) flavour {
	ref := strings.ToLower(image)
	switch {
	case strings.Contains(ref, "moto"):
		return flavour{name: "moto", probe: "/moto-api/", apiReset: true}
	case strings.Contains(ref, "localstack"):
		return flavour{name: "localstack", probe: "/_localstack/health"}
	default: // kumo and anything else serving HTTP on its port
		return flavour{name: "generic", probe: "/"}
	}
}

// containerPort is EMULATOR_PORT, or a free port when it is unset.
func containerPort() (int, error) {
	s := os.Getenv("EMULATOR_PORT")
	if s == "" {
		return freePort()
	}
	p, err := strconv.Atoi(s)
	if err != nil || p <= 0 || p > 65535 {
		return 0, fmt.Errorf("cannot use EMULATOR_PORT=%q: not a TCP port", s)
	}
	return p, nil
}

// containerEnv tells every emulator we know which port to listen on (the
// image ignores the variables that are not its own) and which region to put
// in ARNs.
func containerEnv(port int) map[string]string {
	region := os.Getenv("AWS_REGION")
	if region == "" {
		region = os.Getenv("AWS_DEFAULT_REGION")
	}
	if region == "" {
		region = "us-east-2"
	}
	return map[string]string{
		"MOTO_PORT":          strconv.Itoa(port),
		"KUMO_PORT":          strconv.Itoa(port),
		"GATEWAY_LISTEN":     fmt.Sprintf("0.0.0.0:%d", port),
		"AWS_DEFAULT_REGION": region,
	}
}

func startContainer(ctx context.Context, image string) (*Emulator, error) {
	// The Ryuk reaper is itself an image to pull, which these machines
	// cannot; Stop removes the container instead. testcontainers reads this
	// once, on first use, so it must be set before the first call.
	if os.Getenv("TESTCONTAINERS_RYUK_DISABLED") == "" {
		os.Setenv("TESTCONTAINERS_RYUK_DISABLED", "true")
	}
	port, err := containerPort()
	if err != nil {
		return nil, err
	}
	fl := flavourOf(image)
	endpoint := fmt.Sprintf("http://127.0.0.1:%d", port)
	ctr, err := testcontainers.Run(ctx, image,
		testcontainers.WithEnv(containerEnv(port)),
		testcontainers.WithLabels(map[string]string{ContainerLabel: "true"}),
		// The host network: no port mapping to get wrong, and the emulator's
		// own URLs (kumo's Lambda runtime API, execute-api hosts) are the
		// same inside and outside the container.
		testcontainers.WithHostConfigModifier(func(hc *container.HostConfig) {
			hc.NetworkMode = "host"
		}),
		testcontainers.WithWaitStrategyAndDeadline(containerStartTimeout,
			hostProbe{url: endpoint + fl.probe}),
	)
	if err != nil {
		logs := containerLogs(ctr)
		if ctr != nil {
			_ = ctr.Terminate(context.Background())
		}
		return nil, fmt.Errorf("cannot start emulator image %q on port %d: %w%s", image, port, err, logs)
	}
	e := &Emulator{
		Endpoint: endpoint,
		stop: func() {
			ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
			defer cancel()
			_ = ctr.Terminate(ctx, testcontainers.StopTimeout(5*time.Second))
		},
	}
	if !fl.apiReset {
		e.reset = func(ctx context.Context) error { return restart(ctx, ctr, image) }
	}
	return e, nil
}

// hostProbe waits until the emulator answers HTTP on the host network.
//
// testcontainers' own HTTP strategy dials the address it thinks the daemon
// is at, which is the bridge gateway when the tests themselves run in a
// container (these machines have /.dockerenv); with the host network the
// emulator is on this machine's loopback, whatever the environment.
type hostProbe struct{ url string }

func (p hostProbe) WaitUntilReady(ctx context.Context, target wait.StrategyTarget) error {
	client := &http.Client{Timeout: 2 * time.Second}
	tick := time.NewTicker(100 * time.Millisecond)
	defer tick.Stop()
	for {
		req, err := http.NewRequestWithContext(ctx, http.MethodGet, p.url, nil)
		if err != nil {
			return fmt.Errorf("cannot probe %s: %w", p.url, err)
		}
		// Any answer means the server is up; the probe path need not exist.
		resp, err := client.Do(req)
		if err == nil {
			resp.Body.Close()
			return nil
		}
		if state, serr := target.State(ctx); serr == nil && !state.Running {
			return fmt.Errorf("emulator exited with code %d before answering %s", state.ExitCode, p.url)
		}
		select {
		case <-ctx.Done():
			return fmt.Errorf("emulator did not answer %s: %w (last error: %v)", p.url, ctx.Err(), err)
		case <-tick.C:
		}
	}
}

// restart empties an in-memory emulator that has no reset API. Start runs
// the wait strategy again, so the emulator serves when this returns.
func restart(ctx context.Context, ctr *testcontainers.DockerContainer, image string) error {
	timeout := 5 * time.Second
	if err := ctr.Stop(ctx, &timeout); err != nil {
		return fmt.Errorf("cannot reset emulator image %q: stop: %w", image, err)
	}
	if err := ctr.Start(ctx); err != nil {
		return fmt.Errorf("cannot reset emulator image %q: start: %w%s", image, err, containerLogs(ctr))
	}
	return nil
}

// containerLogs returns the end of a failed container's output, for errors.
func containerLogs(ctr *testcontainers.DockerContainer) string {
	if ctr == nil {
		return ""
	}
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	rc, err := ctr.Logs(ctx)
	if err != nil {
		return ""
	}
	defer rc.Close()
	b, _ := io.ReadAll(io.LimitReader(rc, 1<<20))
	if len(b) > 4096 {
		b = b[len(b)-4096:]
	}
	if len(b) == 0 {
		return ""
	}
	return "\ncontainer output:\n" + string(b)
}
