//go:build integration

package integration

import (
	"bytes"
	"compress/gzip"
	"context"
	"io"
	"net/http"
	"net/http/httptest"
	"net/http/httputil"
	"net/url"
	"path/filepath"
	"regexp"
	"strings"
	"sync"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/cloudwatchlogs"
	"github.com/aws/aws-sdk-go-v2/service/ecr"
	"github.com/aws/aws-sdk-go-v2/service/ssm"

	"github.com/trip-assistant/stack/internal/testinfra/chaos"
	"github.com/trip-assistant/stack/reconcile/ssmstate"
)

// callCounter is a reverse proxy in front of the emulator that tells the
// AWS calls that write from those that read, by the operation each
// request names: what a refused apply sent, seen from outside reconcile.
type callCounter struct {
	*httptest.Server
	mu            sync.Mutex
	reads, writes []string
}

func newCallCounter(t *testing.T) *callCounter {
	t.Helper()
	target, err := url.Parse(emu.Endpoint)
	if err != nil {
		t.Fatal(err)
	}
	c := &callCounter{}
	proxy := httputil.NewSingleHostReverseProxy(target)
	c.Server = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		op, write := operation(r)
		c.mu.Lock()
		if write {
			c.writes = append(c.writes, op)
		} else {
			c.reads = append(c.reads, op)
		}
		c.mu.Unlock()
		proxy.ServeHTTP(w, r)
	}))
	t.Cleanup(c.Close)
	return c
}

func (c *callCounter) counts() (reads, writes []string) {
	c.mu.Lock()
	defer c.mu.Unlock()
	return append([]string(nil), c.reads...), append([]string(nil), c.writes...)
}

var readOp = regexp.MustCompile(`^(Get|Describe|List|BatchGet|Head)`)

// operation names a request's operation and says whether it writes: the
// JSON services name it in X-Amz-Target, IAM and STS in the form's Action,
// the REST services (Lambda, API Gateway) by method.
func operation(r *http.Request) (string, bool) {
	if t := r.Header.Get("X-Amz-Target"); t != "" {
		op := t[strings.LastIndex(t, ".")+1:]
		return op, !readOp.MatchString(op)
	}
	if strings.HasPrefix(r.Header.Get("Content-Type"), "application/x-www-form-urlencoded") {
		body, _ := io.ReadAll(r.Body)
		r.Body = io.NopCloser(bytes.NewReader(body))
		form, _ := url.ParseQuery(string(body))
		op := form.Get("Action")
		return op, !readOp.MatchString(op)
	}
	op := r.Method + " " + r.URL.Path
	return op, r.Method != http.MethodGet && r.Method != http.MethodHead
}

// savePlan runs `reconcile plan --out plan.bin` and returns its path.
func savePlan(t *testing.T, dir string) string {
	t.Helper()
	r := reconcile(t, dir, "plan", "--spec", "spec.yaml", "--out", "plan.bin", "--detailed-exitcode")
	if r.Code != 2 {
		t.Fatalf("plan --out: want exit 2 (changes), got %s", r)
	}
	if !strings.Contains(r.Stderr, "Plan saved to plan.bin") {
		t.Errorf("plan --out does not say where it saved the plan:\n%s", r)
	}
	return filepath.Join(dir, "plan.bin")
}

func retention(t *testing.T) int32 {
	t.Helper()
	out, err := cloudwatchlogs.NewFromConfig(awsConfig(t, "us-east-2")).DescribeLogGroups(context.Background(), &cloudwatchlogs.DescribeLogGroupsInput{LogGroupNamePrefix: aws.String("/aws/lambda/itest-agent-dev")})
	if err != nil || len(out.LogGroups) != 1 {
		t.Fatalf("log group: %v %v", out, err)
	}
	return aws.ToInt32(out.LogGroups[0].RetentionInDays)
}

// TestSavedPlanIsApplied: a plan saved from an empty account, applied by
// file, creates what it showed; a spec change saved and applied the same
// way is made; the file holds no secret.
func TestSavedPlanIsApplied(t *testing.T) {
	dir := workdir(t, basicSpec(t))
	ctx := context.Background()
	cfg := awsConfig(t, "us-east-2")
	path := savePlan(t, dir)
	zr, err := gzip.NewReader(bytes.NewReader([]byte(readFile(t, path))))
	must(t, err)
	body, err := io.ReadAll(zr)
	must(t, err)
	if strings.Contains(string(body), "sk-test-secret") {
		t.Fatalf("the plan file holds the OpenAI key:\n%s", body)
	}
	if _, err := ssm.NewFromConfig(cfg).GetParameter(ctx, &ssm.GetParameterInput{Name: aws.String("/itest/dev/openai-api-key")}); err == nil {
		t.Fatal("plan --out created the secret parameter")
	}

	r := reconcile(t, dir, "apply", "plan.bin")
	if r.Code != 0 || !strings.Contains(r.Stdout, "Apply complete: 4 created") {
		t.Fatalf("apply plan.bin: %s", r)
	}
	v, err := ssm.NewFromConfig(cfg).GetParameter(ctx, &ssm.GetParameterInput{Name: aws.String("/itest/dev/openai-api-key"), WithDecryption: aws.Bool(true)})
	if err != nil || aws.ToString(v.Parameter.Value) != "sk-test-secret-value-0123456789" {
		t.Errorf("the secret applied from the saved plan: %v %v", v, err)
	}
	repos, err := ecr.NewFromConfig(cfg).DescribeRepositories(ctx, &ecr.DescribeRepositoriesInput{RepositoryNames: []string{"itest-agent-dev"}})
	if err != nil || len(repos.Repositories) != 1 {
		t.Errorf("the repository applied from the saved plan: %v %v", repos, err)
	}
	if got := retention(t); got != 7 {
		t.Errorf("retention = %d, want 7", got)
	}
	if p, r := plan(t, dir); r.Code != 0 {
		t.Fatalf("after applying the saved plan the plan is not clean: %v\n%s", p.changed(), r)
	}

	writeSpec(t, dir, strings.Replace(basicSpec(t), "retention_days: 7", "retention_days: 14", 1))
	savePlan(t, dir)
	if r := reconcile(t, dir, "apply", "plan.bin"); r.Code != 0 || !strings.Contains(r.Stdout, "1 updated") {
		t.Fatalf("apply plan.bin: %s", r)
	}
	if got := retention(t); got != 14 {
		t.Errorf("retention after the saved spec change = %d, want 14", got)
	}
}

// TestSavedPlanRefused: a saved plan whose basis moved is refused, naming
// what moved, and the refused apply sends no write to AWS (counted by a
// proxy in front of the emulator), so the change it planned is not made.
func TestSavedPlanRefused(t *testing.T) {
	cases := map[string]struct {
		move func(t *testing.T, dir string)
		env  []string // the refused apply's environment, over cliEnv's
		want string   // a regular expression
	}{
		"spec edited": {
			move: func(t *testing.T, dir string) {
				writeSpec(t, dir, strings.Replace(basicSpec(t), "retention_days: 7", "retention_days: 30", 1))
			},
			want: `spec\.yaml changed \(resources changed: logs\)`,
		},
		"state moved on by another apply": {
			move: func(t *testing.T, dir string) { mustApply(t, dir) },
			// A serial per state write, several per apply: the numbers
			// are the store's; that the serial moved is the point.
			want: `the state moved on from serial \d+ to \d+ \(written at [^)]+\): another run applied to the stack`,
		},
		"resource changed out of band": {
			move: func(t *testing.T, dir string) {
				_, err := cloudwatchlogs.NewFromConfig(awsConfig(t, "us-east-2")).PutRetentionPolicy(context.Background(), &cloudwatchlogs.PutRetentionPolicyInput{LogGroupName: aws.String("/aws/lambda/itest-agent-dev"), RetentionInDays: aws.Int32(30)})
				must(t, err)
			},
			want: `logs \(logs\.log_group /aws/lambda/itest-agent-dev\) changed in AWS: retention_days\n`,
		},
		"secret input changed": {
			env:  []string{"OPENAI_API_KEY=sk-another-key"},
			want: `input openai_api_key \(\$OPENAI_API_KEY\) has another value than the one planned with`,
		},
	}
	for name, tc := range cases {
		t.Run(name, func(t *testing.T) {
			dir := workdir(t, basicSpec(t))
			mustApply(t, dir)
			// The saved plan changes the log group's retention.
			writeSpec(t, dir, strings.Replace(basicSpec(t), "retention_days: 7", "retention_days: 14", 1))
			savePlan(t, dir)
			before := retention(t)
			if tc.move != nil {
				tc.move(t, dir)
			}
			moved := retention(t) // the move may set it itself
			if moved == 14 && name != "state moved on by another apply" {
				t.Fatalf("the move made the planned change itself; the test would prove nothing")
			}
			counter := newCallCounter(t)
			r := reconcileEnv(t, dir, append([]string{"AWS_ENDPOINT_URL=" + counter.URL}, tc.env...), "apply", "plan.bin")
			if r.Code != 1 {
				t.Fatalf("apply of a stale plan: want exit 1, got %s", r)
			}
			for _, w := range []string{"the saved plan no longer applies, so nothing was changed", "Plan again (reconcile plan --out FILE)"} {
				if !strings.Contains(r.Stderr, w) {
					t.Errorf("the refusal does not say %q:\n%s", w, r.Stderr)
				}
			}
			if !regexp.MustCompile(tc.want).MatchString(r.Stderr) {
				t.Errorf("the refusal does not say what moved (%s):\n%s", tc.want, r.Stderr)
			}
			reads, writes := counter.counts()
			if len(writes) > 0 {
				t.Errorf("the refused apply wrote to AWS: %v", writes)
			}
			if len(reads) == 0 {
				t.Error("the refused apply read nothing through the proxy: the count proves nothing")
			}
			if got := retention(t); got != moved {
				t.Errorf("retention %d → %d by the refused apply (it was %d when planned)", moved, got, before)
			}
		})
	}
}

// TestSavedPlanOfTheWholeStack: spec.yaml, every kind, applied from a
// saved plan: the file round-trips every kind's values, and re-reading
// every resource right after planning finds nothing moved (no kind reports
// a value that changes by itself). The SDK's listing of the emulator then
// holds what the state records, and a second saved plan (an out-of-band
// change to restore) applies as well.
func TestSavedPlanOfTheWholeStack(t *testing.T) {
	dir := workdir(t, readFile(t, filepath.Join(root, "spec.yaml")))
	ctx := context.Background()
	cfg := awsConfig(t, "us-east-2")
	savePlan(t, dir)
	if r := reconcile(t, dir, "apply", "plan.bin"); r.Code != 0 {
		t.Fatalf("apply plan.bin of spec.yaml: %s", r)
	}
	st, err := ssmstate.New(cfg, "trip-assistant", "dev").Load(ctx)
	must(t, err)
	items, err := chaos.Inventory(ctx, cfg, "trip-assistant")
	must(t, err)
	audit := chaos.Compare(items, st)
	if audit.Resources == 0 || audit.Resources != len(st.Resources) || audit.Orphans() > 0 || len(audit.Duplicates) > 0 {
		t.Errorf("AWS holds %d resources of the stack, the state %d: duplicates %v, in AWS only %v, in the state only %v",
			audit.Resources, len(st.Resources), audit.Duplicates, audit.InAWSOnly, audit.InStateOnly)
	}
	if p, r := plan(t, dir); r.Code != 0 {
		t.Fatalf("after applying the saved plan the plan is not clean: %v\n%s", p.changed(), r)
	}
	_, err = cloudwatchlogs.NewFromConfig(cfg).PutRetentionPolicy(ctx, &cloudwatchlogs.PutRetentionPolicyInput{LogGroupName: aws.String("/aws/lambda/trip-assistant-agent-dev"), RetentionInDays: aws.Int32(30)})
	must(t, err)
	savePlan(t, dir)
	if r := reconcile(t, dir, "apply", "plan.bin"); r.Code != 0 || !strings.Contains(r.Stdout, "1 updated") {
		t.Fatalf("apply plan.bin restoring an out-of-band change: %s", r)
	}
	if p, r := plan(t, dir); r.Code != 0 {
		t.Fatalf("after the second saved plan the plan is not clean: %v\n%s", p.changed(), r)
	}
}
