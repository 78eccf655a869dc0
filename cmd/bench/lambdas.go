package main

import (
	"compress/gzip"
	"context"
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"sort"
	"strings"
	"sync"
	"time"
)

const caBundle = "/etc/ssl/certs/ca-certificates.crt"

// lambdaBuildFlags are those of scripts/build-images.sh, so the sizes are
// the images' (the script says why lambda.norpc).
var lambdaBuildFlags = []string{"-tags", "lambda.norpc", "-trimpath", "-ldflags", "-s -w"}

// lambdaRows measures the two function binaries: image size, cold init
// and the api's health path.
func lambdaRows(ctx context.Context, t *table, root, tmp string) error {
	progress("building the Lambda binaries...")
	ca, _ := os.Stat(caBundle)
	for _, fn := range []string{"api", "agent"} {
		// The image's binary: linux/arm64, static, stripped.
		image := filepath.Join(tmp, fn+"-arm64")
		if err := goBuild(ctx, root, image, "./"+fn, "arm64"); err != nil {
			return err
		}
		st, err := os.Stat(image)
		if err != nil {
			return err
		}
		size, how := st.Size(), "binary"
		if ca != nil {
			size += ca.Size()
			how = fmt.Sprintf("binary %.1f MB + CA bundle %.0f KB", float64(st.Size())/(1<<20), float64(ca.Size())/1024)
		}
		if s, ok := dockerImageSize(ctx, fn); ok {
			size, how = s, "docker image inspect"
		}
		if gz, err := gzipSize(image); err == nil {
			how += fmt.Sprintf("; gzipped binary %.1f MB (about what a registry stores and Lambda pulls)", float64(gz)/(1<<20))
		}
		t.add(row{Case: fn + " image size (linux/arm64)", Wall: fmt.Sprintf("%.1f MB", float64(size)/(1<<20)), Notes: how})
	}
	for _, fn := range []string{"api", "agent"} {
		// Timing runs the host's build of the same flags.
		bin := filepath.Join(tmp, fn+"-host")
		if err := goBuild(ctx, root, bin, "./"+fn, ""); err != nil {
			return err
		}
		d, err := median(7, func() (time.Duration, error) { return initToNext(ctx, bin) })
		if err != nil {
			return fmt.Errorf("cannot time the %s binary's init: %w", fn, err)
		}
		t.add(row{Case: fn + " cold init (exec -> runtime /next)", Wall: seconds(d), Notes: "median of 7 on this host's CPU, a local fake Runtime API: Lambda's init phase minus the image download and sandbox start"})
		if fn != "api" {
			continue
		}
		d, err = median(7, func() (time.Duration, error) { return execToHealth(ctx, bin) })
		if err != nil {
			return fmt.Errorf("cannot time the api's first response: %w", err)
		}
		t.add(row{Case: "api cold start (exec -> first 200 /api/health)", Wall: seconds(d), Notes: "median of 7, HTTP mode (AWS_LAMBDA_RUNTIME_API unset), polled every 1 ms"})
		per, err := healthLatency(ctx, bin, 5000)
		if err != nil {
			return err
		}
		t.add(row{Case: "api GET /api/health", Wall: fmt.Sprintf("%.1f us/req", float64(per.Nanoseconds())/1000), Notes: "5000 sequential keep-alive requests over loopback HTTP (the handler is in package main: no in-process benchmark to call)"})
	}
	return nil
}

func goBuild(ctx context.Context, root, out, pkg, arch string) error {
	args := append(append([]string{"build"}, lambdaBuildFlags...), "-o", out, pkg)
	cmd := exec.CommandContext(ctx, "go", args...)
	cmd.Dir = root
	cmd.Env = append(os.Environ(), "CGO_ENABLED=0")
	if arch != "" {
		cmd.Env = append(cmd.Env, "GOOS=linux", "GOARCH="+arch)
	}
	if b, err := cmd.CombinedOutput(); err != nil {
		return fmt.Errorf("cannot build %s: %w\n%s", pkg, err, b)
	}
	return nil
}

// gzipSize is the size of the file compressed as a registry's layer is.
func gzipSize(path string) (int64, error) {
	f, err := os.Open(path)
	if err != nil {
		return 0, err
	}
	defer f.Close()
	var n countingWriter
	zw := gzip.NewWriter(&n)
	if _, err := io.Copy(zw, f); err != nil {
		return 0, err
	}
	if err := zw.Close(); err != nil {
		return 0, err
	}
	return int64(n), nil
}

type countingWriter int64

func (c *countingWriter) Write(p []byte) (int, error) {
	*c += countingWriter(len(p))
	return len(p), nil
}

// dockerImageSize reads the size of a built image, if docker answers and
// one exists (`make images` tags them trip-assistant-<fn>:local).
func dockerImageSize(ctx context.Context, fn string) (int64, bool) {
	ctx, cancel := context.WithTimeout(ctx, 5*time.Second)
	defer cancel()
	out, err := exec.CommandContext(ctx, "docker", "image", "inspect", "--format", "{{.Size}}", "trip-assistant-"+fn+":local").Output()
	if err != nil {
		return 0, false
	}
	var n int64
	if _, err := fmt.Sscan(strings.TrimSpace(string(out)), &n); err != nil || n == 0 {
		return 0, false
	}
	return n, true
}

func median(n int, f func() (time.Duration, error)) (time.Duration, error) {
	var ds []time.Duration
	for range n {
		d, err := f()
		if err != nil {
			return 0, err
		}
		ds = append(ds, d)
	}
	sort.Slice(ds, func(i, j int) bool { return ds[i] < ds[j] })
	return ds[n/2], nil
}

func fnEnv(extra ...string) []string {
	var env []string
	for _, kv := range os.Environ() {
		if !strings.HasPrefix(kv, "AWS_") {
			env = append(env, kv)
		}
	}
	env = append(env, "AWS_REGION=us-east-2", "AWS_ACCESS_KEY_ID=test", "AWS_SECRET_ACCESS_KEY=test",
		"AGENT_LAMBDA_FUNCTION_NAME=trip-assistant-agent-dev", "SSM_PARAMETER_NAME=/trip-assistant/dev/openai-api-key")
	return append(env, extra...)
}

// initToNext starts a function binary against a fake Lambda Runtime API
// and times exec to its first GET .../invocation/next: the moment the
// runtime has finished init and waits for an event.
func initToNext(ctx context.Context, bin string) (time.Duration, error) {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return 0, err
	}
	next := make(chan time.Time, 1)
	var once sync.Once
	srv := &http.Server{Handler: http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if strings.HasSuffix(r.URL.Path, "/runtime/invocation/next") {
			once.Do(func() { next <- time.Now() })
			<-r.Context().Done() // hold it: no event comes
			return
		}
		w.WriteHeader(http.StatusAccepted)
	})}
	go srv.Serve(l)
	defer srv.Close()
	cmd := exec.CommandContext(ctx, bin)
	cmd.Env = fnEnv("AWS_LAMBDA_RUNTIME_API=" + l.Addr().String())
	cmd.Stdout, cmd.Stderr = io.Discard, io.Discard
	start := time.Now()
	if err := cmd.Start(); err != nil {
		return 0, err
	}
	defer func() { _ = cmd.Process.Kill(); _ = cmd.Wait() }()
	select {
	case at := <-next:
		return at.Sub(start), nil
	case <-time.After(10 * time.Second):
		return 0, fmt.Errorf("%s never asked the runtime API for an event", bin)
	}
}

func freeAddr() (string, error) {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return "", err
	}
	defer l.Close()
	return l.Addr().String(), nil
}

// startAPI runs the api in HTTP mode and returns its base URL once it
// answers /api/health, with the time that took.
func startAPI(ctx context.Context, bin string) (string, time.Duration, func(), error) {
	addr, err := freeAddr()
	if err != nil {
		return "", 0, nil, err
	}
	_, port, _ := net.SplitHostPort(addr)
	cmd := exec.CommandContext(ctx, bin)
	cmd.Env = fnEnv("PORT=" + port)
	cmd.Stdout, cmd.Stderr = io.Discard, io.Discard
	start := time.Now()
	if err := cmd.Start(); err != nil {
		return "", 0, nil, err
	}
	stop := func() { _ = cmd.Process.Kill(); _ = cmd.Wait() }
	url := "http://" + addr
	client := &http.Client{Timeout: time.Second}
	for time.Since(start) < 10*time.Second {
		resp, err := client.Get(url + "/api/health")
		if err == nil {
			resp.Body.Close()
			if resp.StatusCode == http.StatusOK {
				return url, time.Since(start), stop, nil
			}
		}
		time.Sleep(time.Millisecond)
	}
	stop()
	return "", 0, nil, fmt.Errorf("the api did not answer /api/health within 10 s")
}

func execToHealth(ctx context.Context, bin string) (time.Duration, error) {
	_, d, stop, err := startAPI(ctx, bin)
	if err != nil {
		return 0, err
	}
	stop()
	return d, nil
}

// healthLatency is the mean time of a GET /api/health on a warm server.
func healthLatency(ctx context.Context, bin string, n int) (time.Duration, error) {
	url, _, stop, err := startAPI(ctx, bin)
	if err != nil {
		return 0, err
	}
	defer stop()
	client := &http.Client{Timeout: 5 * time.Second}
	get := func() error {
		resp, err := client.Get(url + "/api/health")
		if err != nil {
			return err
		}
		_, _ = io.Copy(io.Discard, resp.Body)
		resp.Body.Close()
		if resp.StatusCode != http.StatusOK {
			return fmt.Errorf("GET /api/health: %s", resp.Status)
		}
		return nil
	}
	for range 200 { // warm up
		if err := get(); err != nil {
			return 0, err
		}
	}
	start := time.Now()
	for range n {
		if err := get(); err != nil {
			return 0, err
		}
	}
	return time.Since(start) / time.Duration(n), nil
}
