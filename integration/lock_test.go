//go:build integration

package integration

import (
	"bufio"
	"context"
	"fmt"
	"os"
	"os/exec"
	"regexp"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/cloudwatchlogs"
	"github.com/aws/aws-sdk-go-v2/service/ssm"
	"github.com/google/go-cmp/cmp"

	rc "github.com/trip-assistant/stack/reconcile"
	"github.com/trip-assistant/stack/reconcile/ssmstate"
)

// manySpec declares n parameters and n log groups: enough operations for a
// run to be stopped halfway.
func manySpec(n int) string {
	var b strings.Builder
	b.WriteString("project: many\nregion: us-east-2\nresources:\n")
	for i := 0; i < n; i++ {
		fmt.Fprintf(&b, "  p%02d:\n    type: ssm.parameter\n    properties:\n      name: /${project}/${environment}/p%02d\n      value: v%d\n", i, i, i)
		fmt.Fprintf(&b, "  g%02d:\n    type: logs.log_group\n    properties:\n      name: /${project}/${environment}/g%02d\n      retention_days: 7\n", i, i)
	}
	return b.String()
}

// startApply starts an apply and returns it with a scanner of its stderr.
func startApply(t *testing.T, dir string, args ...string) (*exec.Cmd, *bufio.Scanner, *strings.Builder) {
	t.Helper()
	cmd := exec.Command(binary, append([]string{"--spec", "spec.yaml"}, args...)...)
	cmd.Dir = dir
	cmd.Env = cliEnv()
	var stdout strings.Builder
	cmd.Stdout = &stdout
	pipe, err := cmd.StderrPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	return cmd, bufio.NewScanner(pipe), &stdout
}

// waitForLines reads stderr until n lines match re, and returns them all.
func waitForLines(t *testing.T, sc *bufio.Scanner, re *regexp.Regexp, n int) []string {
	t.Helper()
	var lines []string
	seen := 0
	for seen < n && sc.Scan() {
		lines = append(lines, sc.Text())
		if re.MatchString(sc.Text()) {
			seen++
		}
	}
	if seen < n {
		t.Fatalf("the run ended after %d of %d matching lines:\n%s", seen, n, strings.Join(lines, "\n"))
	}
	return lines
}

func drain(sc *bufio.Scanner) string {
	var b strings.Builder
	for sc.Scan() {
		b.WriteString(sc.Text() + "\n")
	}
	return b.String()
}

// liveNames lists, through the SDK, the parameters and log groups the
// many-spec stack has in the emulator.
func liveNames(t *testing.T) []string {
	t.Helper()
	ctx := context.Background()
	cfg := awsConfig(t, "us-east-2")
	var out []string
	p := ssm.NewDescribeParametersPaginator(ssm.NewFromConfig(cfg), &ssm.DescribeParametersInput{})
	for p.HasMorePages() {
		page, err := p.NextPage(ctx)
		must(t, err)
		for _, prm := range page.Parameters {
			if n := aws.ToString(prm.Name); strings.HasPrefix(n, "/many/") {
				out = append(out, n)
			}
		}
	}
	g := cloudwatchlogs.NewDescribeLogGroupsPaginator(cloudwatchlogs.NewFromConfig(cfg), &cloudwatchlogs.DescribeLogGroupsInput{LogGroupNamePrefix: aws.String("/many/")})
	for g.HasMorePages() {
		page, err := g.NextPage(ctx)
		must(t, err)
		for _, lg := range page.LogGroups {
			out = append(out, aws.ToString(lg.LogGroupName))
		}
	}
	return sorted(out)
}

func wantNames(n int) []string {
	var out []string
	for i := 0; i < n; i++ {
		out = append(out, fmt.Sprintf("/many/dev/p%02d", i), fmt.Sprintf("/many/dev/g%02d", i))
	}
	return sorted(out)
}

func TestInterruptedApplyConvergesWithNothingOrphaned(t *testing.T) {
	const n = 20
	dir := workdir(t, manySpec(n))
	cmd, sc, _ := startApply(t, dir, "--parallelism", "2")
	waitForLines(t, sc, regexp.MustCompile(`✓ .* created`), 6)
	must(t, cmd.Process.Signal(syscall.SIGINT))
	rest := drain(sc)
	err := cmd.Wait()
	if err == nil {
		t.Fatalf("an interrupted apply must exit non-zero:\n%s", rest)
	}
	if !strings.Contains(rest, "Interrupted") || !strings.Contains(rest, "run again") {
		t.Errorf("the interrupted run does not say what happened:\n%s", rest)
	}
	if got := len(liveNames(t)); got == 0 || got >= 2*n {
		t.Fatalf("the interrupt landed outside the run: %d of %d resources exist", got, 2*n)
	}
	// The lock was released: the next run does not need an unlock.
	p, r := plan(t, dir)
	if r.Code != 2 {
		t.Fatalf("plan after the interrupt: %s", r)
	}
	for _, c := range p.Changes {
		if c.Action != "create" && c.Action != "no-op" {
			t.Errorf("after a clean interrupt every operation done must be recorded; %s is %s (%s)", c.Name, c.Action, c.Class)
		}
	}
	mustApply(t, dir)
	if diff := cmp.Diff(wantNames(n), liveNames(t)); diff != "" {
		t.Errorf("resources in the emulator after the re-run (-want +got):\n%s", diff)
	}
	if p, r := plan(t, dir); r.Code != 0 {
		t.Fatalf("re-plan: %v\n%s", p.changed(), r)
	}
	mustApply(t, dir, "--destroy")
	if got := liveNames(t); len(got) != 0 {
		t.Errorf("destroy left %v", got)
	}
}

func TestKilledApplyIsUnlockedAndConverges(t *testing.T) {
	const n = 20
	dir := workdir(t, manySpec(n))
	cmd, sc, _ := startApply(t, dir, "--parallelism", "2")
	lines := waitForLines(t, sc, regexp.MustCompile(`✓ .* created`), 5)
	must(t, cmd.Process.Signal(syscall.SIGKILL))
	_ = cmd.Wait()
	runID := regexp.MustCompile(`Lock acquired \(run ([0-9a-f]+)`).FindStringSubmatch(strings.Join(lines, "\n"))
	if runID == nil {
		t.Fatalf("no run id in:\n%s", strings.Join(lines, "\n"))
	}

	// The killed run still holds the lock: the next apply is refused and
	// told how to clear it.
	r := reconcile(t, dir, "--spec", "spec.yaml")
	if r.Code != 1 || !strings.Contains(r.Stderr, "locked by run "+runID[1]) || !strings.Contains(r.Stderr, "reconcile unlock --spec spec.yaml "+runID[1]) {
		t.Fatalf("want a refusal naming the killed run: %s", r)
	}
	if r := reconcile(t, dir, "unlock", "--spec", "spec.yaml", "not-the-id"); r.Code == 0 {
		t.Errorf("unlock with a wrong id must fail: %s", r)
	}
	if r := reconcile(t, dir, "unlock", "--spec", "spec.yaml", runID[1]); r.Code != 0 {
		t.Fatalf("unlock: %s", r)
	}
	// Whatever the killed run made but did not record is adopted, not
	// duplicated or orphaned.
	mustApply(t, dir)
	if diff := cmp.Diff(wantNames(n), liveNames(t)); diff != "" {
		t.Errorf("resources after the re-run (-want +got):\n%s", diff)
	}
	if p, r := plan(t, dir); r.Code != 0 {
		t.Fatalf("re-plan: %v\n%s", p.changed(), r)
	}
	st, err := ssmstate.New(awsConfig(t, "us-east-2"), "many", "dev").Load(context.Background())
	must(t, err)
	if len(st.Resources) != 2*n {
		t.Errorf("the state records %d resources, want %d", len(st.Resources), 2*n)
	}
}

func TestConcurrentAppliesOneIsRefused(t *testing.T) {
	dir := workdir(t, manySpec(20))
	first, sc, _ := startApply(t, dir, "--parallelism", "1")
	lines := waitForLines(t, sc, regexp.MustCompile(`Lock acquired`), 1)
	runID := regexp.MustCompile(`run ([0-9a-f]+)`).FindStringSubmatch(lines[len(lines)-1])[1]

	second := reconcile(t, dir, "--spec", "spec.yaml")
	rest := drain(sc)
	if err := first.Wait(); err != nil {
		t.Fatalf("the first apply failed: %v\n%s", err, rest)
	}
	if second.Code != 1 || !strings.Contains(second.Stderr, "is locked by run "+runID) {
		t.Fatalf("the second apply must be refused at once, naming the first: %s", second)
	}
	// A dry run takes no lock, so it runs even while an apply holds one.
	store := ssmstate.New(awsConfig(t, "us-east-2"), "many", "dev")
	must(t, store.Lock(context.Background(), rc.LockInfo{ID: "held-by-test", Who: "test", Since: time.Now(), Operation: "apply"}))
	if _, r := plan(t, dir); r.Code != 0 {
		t.Errorf("a dry run must not need the lock: %s", r)
	}
	must(t, store.Unlock(context.Background(), "held-by-test"))
}

func TestBadSpecsFailBeforeAnyAWSCall(t *testing.T) {
	dir := t.TempDir()
	writeSpec(t, dir, `project: trip-assistant
region: us-east-2
resources:
  logs:
    type: logs.log_group
    properties:
      name: /aws/lambda/x
      retention_days: 8
  fn_role:
    type: iam.role
    properties:
      name: ${project}-role
      assume_role_policy: {Version: "2012-10-17", Statement: []}
      colour: blue
  agent:
    type: lambda.function
    properties:
      name: ${project}-agent
      role: ${fn_rol.arn}
      memory_size: lots
  a:
    type: ssm.parameter
    properties: {name: /a, value: "${b.name}"}
  b:
    type: ssm.parameter
    properties: {name: /b, value: "${a.name}"}
`)
	refusedBeforeAnyAWSCall(t, dir, []string{"--spec", "spec.yaml", "--dry-run"}, []string{
		"spec.yaml:8:23: resources.logs.properties.retention_days:",
		"spec.yaml:14:7: resources.fn_role.properties.colour: unknown field",
		"spec.yaml:19:13: resources.agent.properties.role: unknown reference ${fn_rol.arn}: no resource named \"fn_rol\" (did you mean fn_role?)",
		"spec.yaml:20:20: resources.agent.properties.memory_size: expected an integer, got \"lots\"",
		"dependency cycle: a → b → a",
		"errors; nothing was sent to AWS.",
	})
}

// refusedBeforeAnyAWSCall runs reconcile against an endpoint nobody listens
// on (any AWS call would fail differently) and wants exit 1 with every one
// of wants in stderr, and no sign of an AWS call.
func refusedBeforeAnyAWSCall(t *testing.T, dir string, args, wants []string) {
	t.Helper()
	r := reconcileEnv(t, dir, []string{"AWS_ENDPOINT_URL=http://127.0.0.1:9"}, args...)
	if r.Code != 1 {
		t.Fatalf("want exit 1: %s", r)
	}
	for _, want := range wants {
		if !strings.Contains(r.Stderr, want) {
			t.Errorf("stderr lacks %q:\n%s", want, r.Stderr)
		}
	}
	if strings.Contains(r.Stderr, "127.0.0.1:9") {
		t.Errorf("an AWS call was attempted:\n%s", r.Stderr)
	}
}

// TestBadOverrideInProdFailsADevPlan: every environment is validated by
// every plan, before any AWS call: a mistake in prod's overrides fails the
// daily dev drift check instead of waiting for the next prod apply.
func TestBadOverrideInProdFailsADevPlan(t *testing.T) {
	dir := t.TempDir()
	writeSpec(t, dir, `project: trip-assistant
region: us-east-2
resources:
  logs:
    type: logs.log_group
    properties:
      name: /aws/lambda/${project}-${environment}
      retention_days: 7
environments:
  dev:
  prod:
    resources:
      logs:
        properties:
          retention: 30
      ghost:
        enabled: false
`)
	refusedBeforeAnyAWSCall(t, dir, []string{"plan", "--spec", "spec.yaml", "--env", "dev"}, []string{
		"spec.yaml:15:11: resources.logs.properties.retention: unknown field (did you mean retention_days?)",
		"(in environment prod)",
		"spec.yaml:16:7: environments.prod.resources.ghost: override for a resource that is not declared in resources (in environment prod)",
		"2 errors; nothing was sent to AWS.",
	})
}

// TestApplyWithClosedOutputFinishesAndUnlocks: `reconcile 2>&1 | head -1`
// closes the run's output after one line. A closed output is not a request
// to stop: the apply finishes, records everything and releases the lock,
// instead of dying of SIGPIPE halfway with the lock held.
func TestApplyWithClosedOutputFinishesAndUnlocks(t *testing.T) {
	const n = 20
	dir := workdir(t, manySpec(n))
	cmd := exec.Command(binary, "--spec", "spec.yaml", "--parallelism", "2")
	cmd.Dir = dir
	cmd.Env = cliEnv()
	r, w, err := os.Pipe()
	must(t, err)
	cmd.Stdout, cmd.Stderr = w, w
	must(t, cmd.Start())
	must(t, w.Close())
	first, _ := bufio.NewReader(r).ReadString('\n')
	must(t, r.Close())
	if err := cmd.Wait(); err != nil {
		t.Fatalf("the apply whose output was closed after %q did not finish: %v", first, err)
	}
	if diff := cmp.Diff(wantNames(n), liveNames(t)); diff != "" {
		t.Errorf("resources after the apply (-want +got):\n%s", diff)
	}
	if p, r := plan(t, dir); r.Code != 0 {
		t.Fatalf("re-plan (the lock must be free and the state complete): %v\n%s", p.changed(), r)
	}
}
