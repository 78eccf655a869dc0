package emulator

import (
	"bufio"
	"context"
	"fmt"
	"net"
	"net/http"
	"os"
	"os/exec"
	"strings"
	"syscall"
	"time"
)

// Emulator is a running AWS emulator.
type Emulator struct {
	// Endpoint is the base URL every AWS client is pointed at.
	Endpoint string
	stop     func()
	// reset wipes the emulator's state; nil means moto's reset API.
	reset func(ctx context.Context) error
}

// Stop ends the emulator if this package started it.
func (e *Emulator) Stop() {
	if e.stop != nil {
		e.stop()
	}
}

// Start returns a ready emulator, chosen by the environment (see the package
// documentation).
func Start(ctx context.Context) (*Emulator, error) {
	if ep := os.Getenv("AWS_ENDPOINT_URL"); ep != "" {
		return &Emulator{Endpoint: ep}, nil
	}
	if image := os.Getenv("EMULATOR_IMAGE"); image != "" {
		return startContainer(ctx, image)
	}
	return startMoto(ctx)
}

func startMoto(ctx context.Context) (*Emulator, error) {
	bin, err := exec.LookPath("moto_server")
	if err != nil {
		return nil, fmt.Errorf("cannot start the emulator: moto_server is not installed (pip install 'moto[server]'): %w", err)
	}
	port, err := freePort()
	if err != nil {
		return nil, err
	}
	cmd := exec.Command(bin, "-H", "127.0.0.1", "-p", fmt.Sprint(port))
	// AWS-managed IAM policies (AWSLambdaBasicExecutionRole) exist only
	// when moto is asked to load them.
	cmd.Env = append(os.Environ(), "MOTO_ALLOW_NONEXISTENT_REGION=true", "MOTO_IAM_LOAD_MANAGED_POLICIES=true")
	cmd.SysProcAttr = &syscall.SysProcAttr{Setpgid: true}
	stderr, _ := cmd.StderrPipe()
	cmd.Stdout = nil
	if err := cmd.Start(); err != nil {
		return nil, fmt.Errorf("cannot start moto_server: %w", err)
	}
	var lines strings.Builder
	go func() {
		sc := bufio.NewScanner(stderr)
		for sc.Scan() {
			if lines.Len() < 4096 {
				lines.WriteString(sc.Text() + "\n")
			}
		}
	}()
	e := &Emulator{
		Endpoint: fmt.Sprintf("http://127.0.0.1:%d", port),
		stop: func() {
			_ = syscall.Kill(-cmd.Process.Pid, syscall.SIGKILL)
			_, _ = cmd.Process.Wait()
		},
	}
	deadline := time.Now().Add(30 * time.Second)
	for {
		req, _ := http.NewRequestWithContext(ctx, http.MethodGet, e.Endpoint+"/moto-api/", nil)
		resp, err := http.DefaultClient.Do(req)
		if err == nil {
			resp.Body.Close()
			return e, nil
		}
		if time.Now().After(deadline) || ctx.Err() != nil {
			e.Stop()
			return nil, fmt.Errorf("moto_server did not start on port %d: %v\n%s", port, err, lines.String())
		}
		time.Sleep(50 * time.Millisecond)
	}
}

// Reset wipes every resource in the emulator, so tests start from empty.
// moto (as a process or an image) is reset through its API; other emulator
// images are restarted, which empties their in-memory state.
func (e *Emulator) Reset(ctx context.Context) error {
	if e.reset != nil {
		return e.reset(ctx)
	}
	return resetMoto(ctx, e.Endpoint)
}

func resetMoto(ctx context.Context, endpoint string) error {
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, endpoint+"/moto-api/reset", nil)
	if err != nil {
		return fmt.Errorf("cannot reset the emulator at %s: %w", endpoint, err)
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		return fmt.Errorf("cannot reset the emulator at %s: %w", endpoint, err)
	}
	resp.Body.Close()
	// Anything but moto answers 404 here: say so rather than leave state behind.
	if resp.StatusCode/100 != 2 {
		return fmt.Errorf("cannot reset the emulator at %s: POST /moto-api/reset answered %s (not moto?)", endpoint, resp.Status)
	}
	return nil
}

func freePort() (int, error) {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return 0, fmt.Errorf("cannot find a free port: %w", err)
	}
	defer l.Close()
	return l.Addr().(*net.TCPAddr).Port, nil
}

// RunTests is the TestMain of an integration test package: it starts an
// emulator, hands it to use (which keeps it and builds its clients), runs
// the tests, stops the emulator and returns the exit code.
func RunTests(m interface{ Run() int }, use func(*Emulator) error) int {
	e, err := Start(context.Background())
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		return 1
	}
	defer e.Stop()
	if err := use(e); err != nil {
		fmt.Fprintln(os.Stderr, err)
		return 1
	}
	return m.Run()
}
