package awsclient

import (
	"context"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/ssm"
	"github.com/google/go-cmp/cmp"
)

// TestStatsCountsEveryAttempt sends calls through the middleware to a
// local server: successes, a typed failure, and throttles the retryer
// repeats, which count once per attempt.
func TestStatsCountsEveryAttempt(t *testing.T) {
	var mu sync.Mutex
	throttles := 2
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		target := r.Header.Get("X-Amz-Target")
		w.Header().Set("Content-Type", "application/x-amz-json-1.1")
		mu.Lock()
		defer mu.Unlock()
		switch {
		case strings.HasSuffix(target, ".GetParameter"):
			w.WriteHeader(http.StatusBadRequest)
			w.Write([]byte(`{"__type":"ParameterNotFound","message":"no"}`))
		case strings.HasSuffix(target, ".PutParameter") && throttles > 0:
			throttles--
			w.WriteHeader(http.StatusBadRequest)
			w.Write([]byte(`{"__type":"ThrottlingException","message":"slow down"}`))
		default:
			w.Write([]byte(`{}`))
		}
	}))
	defer srv.Close()
	t.Setenv("AWS_ACCESS_KEY_ID", "")
	stats := NewStats()
	cfg, err := Load(context.Background(), Options{Region: "us-east-2", Endpoint: srv.URL, Stats: stats})
	if err != nil {
		t.Fatal(err)
	}
	client := ssm.NewFromConfig(cfg, func(o *ssm.Options) { o.RetryMaxAttempts = 3; o.RetryMode = aws.RetryModeStandard })
	ctx := context.Background()

	stop := stats.Phase("observe")
	var wg sync.WaitGroup
	for range 5 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			_, _ = client.GetParameters(ctx, &ssm.GetParametersInput{Names: []string{"a"}})
		}()
	}
	wg.Wait()
	_, _ = client.GetParameter(ctx, &ssm.GetParameterInput{Name: aws.String("a")})
	stop()
	stop() // a second stop changes nothing
	stopWrite := stats.Phase("state write")
	if _, err := client.PutParameter(WithPhase(ctx, "state write"), &ssm.PutParameterInput{Name: aws.String("s"), Value: aws.String("v")}); err != nil {
		t.Fatalf("PutParameter after two throttles: %v", err)
	}
	stopWrite()

	r := stats.Report()
	wantOps := map[string]int{"SSM:GetParameters": 5, "SSM:GetParameter": 1, "SSM:PutParameter": 3}
	if diff := cmp.Diff(wantOps, r.ByOperation); diff != "" {
		t.Errorf("calls by operation (-want +got):\n%s", diff)
	}
	if r.Calls != 9 || r.Errors != 3 {
		t.Errorf("calls %d errors %d, want 9 and 3", r.Calls, r.Errors)
	}
	gotPhases := map[string][3]int{}
	for _, p := range r.Phases {
		gotPhases[p.Name] = [3]int{p.Runs, p.Calls, p.OwnCalls}
	}
	wantPhases := map[string][3]int{"observe": {1, 6, 0}, "state write": {1, 3, 3}}
	if diff := cmp.Diff(wantPhases, gotPhases); diff != "" {
		t.Errorf("phases {runs, calls, own calls} (-want +got):\n%s", diff)
	}
	if r.FirstCallMS <= 0 {
		t.Errorf("first call time not recorded: %v", r.FirstCallMS)
	}
	if r.FirstCallCPUMS <= 0 {
		t.Errorf("CPU used before the first call not recorded: %v", r.FirstCallCPUMS)
	}
}

// TestPhaseOverlap: overlapping runs of one phase count its wall time
// once, and every run.
func TestPhaseOverlap(t *testing.T) {
	s := NewStats()
	a := s.Phase("state write")
	b := s.Phase("state write")
	a()
	b()
	var nilStats *Stats
	nilStats.Phase("x")() // a nil Stats times nothing
	r := s.Report()
	if len(r.Phases) != 1 || r.Phases[0].Runs != 2 {
		t.Errorf("phases = %+v, want one phase of two runs", r.Phases)
	}
}
