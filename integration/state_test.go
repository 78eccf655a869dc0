//go:build integration

package integration

import (
	"context"
	"encoding/json"
	"fmt"
	"regexp"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/ssm"
	"github.com/aws/aws-sdk-go-v2/service/ssm/types"
	"github.com/google/go-cmp/cmp"
)

// checkLockReleased checks, through the SDK, that the many-spec stack's
// lock is free and clean: what stays of it is the lock parameter and the
// last run's release, nothing else (the leases before it were deleted).
func checkLockReleased(t *testing.T) {
	t.Helper()
	api := ssm.NewFromConfig(awsConfig(t, "us-east-2"))
	const lock = "/reconcile/many/dev/lock"
	if _, err := api.GetParameter(context.Background(), &ssm.GetParameterInput{Name: aws.String(lock)}); err != nil {
		t.Errorf("the lock parameter %s: %v", lock, err)
	}
	var leases []string
	p := ssm.NewGetParametersByPathPaginator(api, &ssm.GetParametersByPathInput{Path: aws.String(lock), Recursive: aws.Bool(true)})
	for p.HasMorePages() {
		page, err := p.NextPage(context.Background())
		must(t, err)
		for _, prm := range page.Parameters {
			var rec struct {
				Released bool `json:"released"`
			}
			must(t, json.Unmarshal([]byte(aws.ToString(prm.Value)), &rec))
			leases = append(leases, fmt.Sprintf("%s (released %t)", aws.ToString(prm.Name), rec.Released))
			if !rec.Released {
				t.Errorf("lease %s is not a release: the lock is held or its old leases were left", aws.ToString(prm.Name))
			}
		}
	}
	if len(leases) != 1 {
		t.Errorf("the lock's leases = %v, want one release", leases)
	}
}

// A killed apply's lock needs no unlock: once its lease has run out, the
// next run takes it over, converges, and leaves the lock released.
func TestKilledApplysLockIsTakenOverAfterItsLease(t *testing.T) {
	const n = 20
	// Long enough that the next run starts within it on a busy machine.
	lease := []string{"--lock-lease", "20s"}
	dir := workdir(t, manySpec(n))
	cmd, sc, _ := startApply(t, dir, append(lease, "--parallelism", "2")...)
	lines := waitForLines(t, sc, regexp.MustCompile(`✓ .* created`), 5)
	must(t, cmd.Process.Signal(syscall.SIGKILL))
	_ = cmd.Wait()
	runID := regexp.MustCompile(`Lock acquired \(run ([0-9a-f]+)`).FindStringSubmatch(strings.Join(lines, "\n"))
	if runID == nil {
		t.Fatalf("no run id in:\n%s", strings.Join(lines, "\n"))
	}

	// Within the lease the next run is refused and told when it ends.
	r := reconcile(t, dir, append([]string{"--spec", "spec.yaml"}, lease...)...)
	if r.Code != 1 || !strings.Contains(r.Stderr, "locked by run "+runID[1]) || !strings.Contains(r.Stderr, "its lease expires at") {
		t.Fatalf("want a refusal naming the killed run and its lease: %s", r)
	}
	exp := regexp.MustCompile(`lease expires at (\S+) `).FindStringSubmatch(r.Stderr)
	at, err := time.Parse(time.RFC3339, exp[1])
	must(t, err)
	time.Sleep(time.Until(at) + time.Second)

	// After it, with no unlock, the next apply takes over, says so, and
	// converges.
	if r := mustApply(t, dir, lease...); !strings.Contains(r.Stderr, "Took over the lock of run "+runID[1]+", whose lease had expired") {
		t.Errorf("the run does not say it took over the killed run's lock: %s", r)
	}
	if diff := cmp.Diff(wantNames(n), liveNames(t)); diff != "" {
		t.Errorf("resources after the takeover (-want +got):\n%s", diff)
	}
	if p, r := plan(t, dir); r.Code != 0 {
		t.Fatalf("re-plan: %v\n%s", p.changed(), r)
	}
	checkLockReleased(t)
}

// A corrupted record stops apply before any write to the stack; history
// lists the good serial, restore brings it back, and the plan is clean.
func TestDamagedStateStopsApplyAndRestoreBringsItBack(t *testing.T) {
	const n = 3
	dir := workdir(t, manySpec(n))
	mustApply(t, dir)
	ctx := context.Background()
	api := ssm.NewFromConfig(awsConfig(t, "us-east-2"))
	head := "/reconcile/many/dev/state"
	good, err := api.GetParameter(ctx, &ssm.GetParameterInput{Name: aws.String(head)})
	must(t, err)
	v := aws.ToString(good.Parameter.Value)
	_, err = api.PutParameter(ctx, &ssm.PutParameterInput{Name: aws.String(head), Value: aws.String(v[:len(v)-8]),
		Type: types.ParameterTypeString, Overwrite: aws.Bool(true)})
	must(t, err)
	damagedVersion := good.Parameter.Version + 1

	// One resource more in the spec: an apply that went ahead would make it.
	writeSpec(t, dir, manySpec(n+1))
	before := liveNames(t)
	r := reconcile(t, dir, "--spec", "spec.yaml")
	if r.Code != 1 || !strings.Contains(r.Stderr, "the state record of many/dev is damaged") ||
		!strings.Contains(r.Stderr, "reconcile state history") || !strings.Contains(r.Stderr, "reconcile state restore SERIAL") {
		t.Fatalf("want a damaged-record error naming the recovery: %s", r)
	}
	if diff := cmp.Diff(before, liveNames(t)); diff != "" {
		t.Errorf("the refused apply changed the stack (-before +after):\n%s", diff)
	}
	now, err := api.GetParameter(ctx, &ssm.GetParameterInput{Name: aws.String(head)})
	must(t, err)
	if now.Parameter.Version != damagedVersion {
		t.Errorf("the refused apply wrote the state: version %d, want %d", now.Parameter.Version, damagedVersion)
	}

	h := reconcile(t, dir, "state", "history", "--spec", "spec.yaml")
	if h.Code != 0 {
		t.Fatalf("state history: %s", h)
	}
	rows := strings.Split(strings.TrimSpace(h.Stdout), "\n")
	if len(rows) < 3 || !strings.Contains(rows[1], "no: ") || !strings.HasSuffix(rows[2], "yes") {
		t.Fatalf("state history does not list the damaged version over a good one:\n%s", h.Stdout)
	}
	serial := strings.Fields(rows[2])[0]
	if res := reconcile(t, dir, "state", "restore", "--spec", "spec.yaml", serial); res.Code != 0 || !strings.Contains(res.Stdout, "Restored the state of serial "+serial) {
		t.Fatalf("state restore %s: %s", serial, res)
	}
	writeSpec(t, dir, manySpec(n))
	if p, r := plan(t, dir); r.Code != 0 {
		t.Fatalf("plan after the restore: %v\n%s", p.changed(), r)
	}
	checkLockReleased(t)

	// state list / show / rm on the restored record.
	l := reconcile(t, dir, "state", "list", "--spec", "spec.yaml")
	if l.Code != 0 || len(strings.Split(strings.TrimSpace(l.Stdout), "\n")) != 2*n {
		t.Fatalf("state list: %s", l)
	}
	if s := reconcile(t, dir, "state", "show", "--spec", "spec.yaml", "p00"); s.Code != 0 || !strings.Contains(s.Stdout, "# p00 (ssm.parameter)") {
		t.Errorf("state show p00: %s", s)
	}
	if rm := reconcile(t, dir, "state", "rm", "--spec", "spec.yaml", "g00"); rm.Code != 0 {
		t.Fatalf("state rm g00: %s", rm)
	}
	if diff := cmp.Diff(before, liveNames(t)); diff != "" {
		t.Errorf("state rm changed AWS (-before +after):\n%s", diff)
	}
	p, _ := plan(t, dir)
	for _, c := range p.Changes {
		if c.Name == "g00" && c.Action == "no-op" {
			t.Errorf("after state rm, g00 is still planned as recorded: %+v", c)
		}
	}
}
