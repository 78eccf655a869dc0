package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"net/http"
	"os"
	"slices"
	"strings"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/lambda"

	"github.com/trip-assistant/stack/reconcile"
	"github.com/trip-assistant/stack/reconcile/spec"
	"github.com/trip-assistant/stack/resources/lambdafn"
)

// deployAPI is the part of the Lambda client a deploy calls.
type deployAPI interface {
	lambdafn.CodeAPI
	GetAlias(ctx context.Context, in *lambda.GetAliasInput, optFns ...func(*lambda.Options)) (*lambda.GetAliasOutput, error)
	UpdateAlias(ctx context.Context, in *lambda.UpdateAliasInput, optFns ...func(*lambda.Options)) (*lambda.UpdateAliasOutput, error)
	Invoke(ctx context.Context, in *lambda.InvokeInput, optFns ...func(*lambda.Options)) (*lambda.InvokeOutput, error)
}

var _ deployAPI = (*lambda.Client)(nil)

// deployCommand moves a function to a new image: it publishes a version
// from the image, moves the function's alias to it, smoke-tests the alias,
// and moves the alias back when the test fails.
type deployCommand struct {
	flags         stackFlags
	function      string
	image         string
	smokeURL      string
	smokeAttempts int
	smokeInterval time.Duration
	smokeTimeout  time.Duration
	dryRun        bool

	stdout io.Writer
	// Tests replace these: the Lambda client, the smoke test's HTTP
	// client, and the bounds of the Lambda retries and waits.
	newAPI     func(aws.Config) deployAPI
	httpClient *http.Client
	lambdaOpts []lambdafn.Option
}

func (c *deployCommand) Run(ctx context.Context, args []string) error {
	fs := flag.NewFlagSet("reconcile deploy", flag.ContinueOnError)
	c.flags.register(fs)
	fs.StringVar(&c.function, "function", "", "the lambda.function resource of the spec to deploy (its logical name, e.g. api)")
	fs.StringVar(&c.image, "image", "", "the container image URI to deploy")
	fs.StringVar(&c.smokeURL, "smoke-url", "", "after moving the alias, GET this URL and require a 2xx answer (default: invoke the alias with {} and require no function error)")
	fs.IntVar(&c.smokeAttempts, "smoke-attempts", 3, "smoke test attempts before the deploy counts as failed")
	fs.DurationVar(&c.smokeInterval, "smoke-interval", 10*time.Second, "pause between two smoke test attempts")
	fs.BoolVar(&c.dryRun, "dry-run", false, "print what the deploy would do and change nothing (takes no lock)")
	fs.Usage = func() {
		fmt.Fprintf(fs.Output(), "usage: reconcile deploy --spec FILE --function NAME --image URI [--smoke-url URL] [--dry-run]\n\n")
		fs.PrintDefaults()
	}
	if err := fs.Parse(args); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			return nil
		}
		return exitCode(1)
	}
	switch {
	case fs.NArg() > 0:
		return fmt.Errorf("unexpected argument %q", fs.Arg(0))
	case c.function == "":
		return errors.New("--function is required: the logical name of the lambda.function to deploy")
	case c.image == "":
		return errors.New("--image is required: the container image URI to deploy")
	case c.smokeAttempts < 1:
		return fmt.Errorf("--smoke-attempts must be at least 1, got %d", c.smokeAttempts)
	}
	c.flags.allowUnsetInputs = true
	st, err := c.flags.load(ctx)
	if err != nil {
		return err
	}
	if c.newAPI == nil {
		c.newAPI = func(cfg aws.Config) deployAPI { return lambda.NewFromConfig(cfg) }
	}
	return c.deploy(ctx, st, c.newAPI(st.cfg))
}

// target is the function a deploy moves and the alias that serves it.
type target struct {
	fn, alias string // logical names in the spec
}

// findTarget finds the function's alias in the spec: the lambda.alias that
// references the function.
func findTarget(sp *spec.Spec, function string) (target, error) {
	var functions []string
	for _, name := range sp.Order {
		if sp.Resources[name].Type == "lambda.function" {
			functions = append(functions, name)
		}
	}
	if !slices.Contains(functions, function) {
		return target{}, fmt.Errorf("%q is not a lambda.function of %s; --function takes one of: %s", function, sp.File, strings.Join(functions, ", "))
	}
	var aliases []string
	for _, name := range sp.Order {
		r := sp.Resources[name]
		if r.Type == "lambda.alias" && slices.Contains(r.Deps, function) {
			aliases = append(aliases, name)
		}
	}
	switch len(aliases) {
	case 0:
		return target{}, fmt.Errorf("function %q has no lambda.alias in %s: a deploy moves an alias to the version it publishes; declare one with function_name: ${%s.name}", function, sp.File, function)
	case 1:
		return target{fn: function, alias: aliases[0]}, nil
	default:
		return target{}, fmt.Errorf("function %q has several aliases in %s (%s): a deploy moves exactly one", function, sp.File, strings.Join(aliases, ", "))
	}
}

// deployment is one run of deploy against live resources.
type deployment struct {
	*deployCommand
	api   deployAPI
	st    *stack
	state *reconcile.State
	t     target
	name  string // the function's physical name
	alias string // the alias's physical name
	// prev is the version the alias pointed to before the deploy, and
	// prevImage the image it runs: what a rollback restores.
	prev, prevImage string
}

func (c *deployCommand) deploy(ctx context.Context, st *stack, api deployAPI) error {
	if c.stdout == nil {
		c.stdout = os.Stdout
	}
	if c.httpClient == nil {
		c.httpClient = &http.Client{}
	}
	if c.smokeTimeout == 0 {
		c.smokeTimeout = 10 * time.Second
	}
	t, err := findTarget(st.spec, c.function)
	if err != nil {
		return err
	}
	if !c.dryRun {
		info, err := st.lock(ctx, "deploy")
		if err != nil {
			var held *reconcile.LockedError
			if errors.As(err, &held) {
				return fmt.Errorf("%w\nIf that run is gone, clear the lock with:  reconcile unlock --spec %s %s", err, c.flags.spec, held.Holder.ID)
			}
			return err
		}
		defer func() {
			if uerr := st.unlock(ctx, info); uerr != nil {
				fmt.Fprintln(os.Stderr, "Error:", uerr)
			}
		}()
	}
	d := &deployment{deployCommand: c, api: api, st: st, t: t}
	if err := d.read(ctx); err != nil {
		return err
	}
	if c.dryRun {
		d.describe()
		return nil
	}
	return d.run(ctx)
}

// read finds the function and alias the state records, and what the alias
// serves now.
func (d *deployment) read(ctx context.Context) error {
	state, err := d.st.store.Load(ctx)
	if err != nil {
		return err
	}
	d.state = state
	fn, ok := state.Resources[d.t.fn]
	if !ok || fn.ID == "" {
		return fmt.Errorf("function %q of %s has never been applied: run `reconcile --spec %s` to create the stack first", d.t.fn, d.st.name(), d.flags.spec)
	}
	alias, ok := state.Resources[d.t.alias]
	if !ok || alias.ID == "" {
		return fmt.Errorf("alias %q of %s has never been applied: run `reconcile --spec %s` to create it first", d.t.alias, d.st.name(), d.flags.spec)
	}
	d.name = fn.ID
	// The alias kind records its id as function:alias.
	_, d.alias, ok = strings.Cut(alias.ID, ":")
	if !ok || d.alias == "" {
		return fmt.Errorf("the state records alias %q with id %q, not function:alias", d.t.alias, alias.ID)
	}
	out, err := d.api.GetAlias(ctx, &lambda.GetAliasInput{FunctionName: aws.String(d.name), Name: aws.String(d.alias)})
	if err != nil {
		return fmt.Errorf("cannot read alias %s of lambda function %q: %w", d.alias, d.name, err)
	}
	d.prev = aws.ToString(out.FunctionVersion)
	d.prevImage, err = lambdafn.ImageOf(ctx, d.api, d.name, d.prev)
	return err
}

func (d *deployment) describe() {
	fmt.Fprintf(d.stdout, "Would deploy %s: image %s → a new version, alias %s %s → the new version.\n", d.name, d.image, d.alias, d.prev)
	fmt.Fprintf(d.stdout, "Alias %s now serves version %s, image %s.\n", d.alias, d.prev, d.prevImage)
	fmt.Fprintf(d.stdout, "Smoke test: %s.\n", d.smokeTarget())
	fmt.Fprintf(d.stdout, "On failure: alias %s back to version %s, and its image republished as the latest version.\n", d.alias, d.prev)
	fmt.Fprintln(d.stdout, "Dry run: nothing changed.")
}

func (d *deployment) smokeTarget() string {
	if d.smokeURL != "" {
		return fmt.Sprintf("GET %s, a 2xx answer required (%d attempts, %s apart)", d.smokeURL, d.smokeAttempts, d.smokeInterval)
	}
	return fmt.Sprintf("invoke %s:%s with {}, no function error required (the answer itself is not checked)", d.name, d.alias)
}

func (d *deployment) run(ctx context.Context) error {
	fmt.Fprintf(d.stdout, "Publishing image %s to %s (alias %s serves version %s)...\n", d.image, d.name, d.alias, d.prev)
	version, err := lambdafn.PublishImage(ctx, d.api, d.name, d.image, d.lambdaOpts...)
	if err != nil {
		// The alias has not moved: nothing is served differently. The
		// function's unpublished code may be the new image; the next
		// deploy replaces it.
		return fmt.Errorf("deploy of %s to %s failed; alias %s still serves version %s: %w", d.image, d.name, d.alias, d.prev, err)
	}
	if version == d.prev {
		// Lambda publishes nothing when the code is unchanged since the
		// last version: the alias already serves this image.
		fmt.Fprintf(d.stdout, "Deploying %s: image %s is already version %s, alias %s stays on %s\n", d.name, d.image, version, d.alias, version)
	} else {
		fmt.Fprintf(d.stdout, "Deploying %s: image %s → version %s, alias %s %s → %s\n", d.name, d.image, version, d.alias, d.prev, version)
		if err := d.point(ctx, version); err != nil {
			return d.rollback(ctx, version, err)
		}
	}
	if err := d.smoke(ctx); err != nil {
		if version == d.prev {
			return fmt.Errorf("deploy failed: the smoke test failed on version %s, which alias %s already served: there is nothing to roll back to: %w", version, d.alias, err)
		}
		return d.rollback(ctx, version, err)
	}
	d.record(map[string]string{"image": d.image, "version": version})
	if err := d.save(ctx); err != nil {
		return fmt.Errorf("deployed version %s, but %w", version, err)
	}
	fmt.Fprintln(d.stdout, "Deployed.")
	return nil
}

func (d *deployment) point(ctx context.Context, version string) error {
	_, err := d.api.UpdateAlias(ctx, &lambda.UpdateAliasInput{
		FunctionName:    aws.String(d.name),
		Name:            aws.String(d.alias),
		FunctionVersion: aws.String(version),
	})
	if err != nil {
		return fmt.Errorf("cannot move alias %s of lambda function %q to version %s: %w", d.alias, d.name, version, err)
	}
	return nil
}

// rollback moves the alias back to the version it served before, then
// republishes that version's image as a new, latest version and moves the
// alias onto it.
//
// Moving the alias back is what restores service, and comes first. It is
// not enough on its own: the spec's alias follows ${fn.version}, the
// highest published version, which is now the failed one, so the drift
// check would report the alias and the next apply would move it onto the
// failed code. Deleting the failed version would satisfy the check but
// leave the failed image as the function's unpublished code, which the
// next configuration change publishes; it also destroys what one needs to
// investigate. Republishing the known-good image makes the latest version,
// the unpublished code and the alias agree on code that served before.
//
// It runs to the end even when ctx is cancelled (an interrupted deploy is
// rolled back), within its own bound.
func (d *deployment) rollback(ctx context.Context, failed string, cause error) error {
	ctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), 10*time.Minute)
	defer cancel()
	if err := d.point(ctx, d.prev); err != nil {
		return fmt.Errorf("deploy failed (%v), and rolling back failed too: alias %s of %s may still serve version %s: %w", cause, d.alias, d.name, failed, err)
	}
	fmt.Fprintf(d.stdout, "Rolled back alias %s of %s to version %s.\n", d.alias, d.name, d.prev)
	rollback := fmt.Sprintf("rolled back alias %s of %s to version %s", d.alias, d.name, d.prev)

	restored, err := lambdafn.PublishImage(ctx, d.api, d.name, d.prevImage, d.lambdaOpts...)
	if err == nil && restored == failed {
		err = fmt.Errorf("Lambda published no new version for image %s", d.prevImage)
	}
	if err == nil {
		err = d.point(ctx, restored)
	}
	if err != nil {
		d.record(map[string]string{"image": d.prevImage, "version": d.prev, "rolled_back_from": failed, "failed_image": d.image})
		if serr := d.save(ctx); serr != nil {
			err = errors.Join(err, serr)
		}
		return fmt.Errorf("deploy of %s failed and was %s, but republishing that version's image failed, so the failed version %s is still the latest and a plan will want to move the alias to it: deploy a good image: %w\n(deploy failure: %v)",
			d.image, rollback, failed, err, cause)
	}
	fmt.Fprintf(d.stdout, "Republished image %s of version %s as version %s and moved alias %s to it, so the latest version runs the code that served before.\n", d.prevImage, d.prev, restored, d.alias)
	d.record(map[string]string{"image": d.prevImage, "version": restored, "rolled_back_from": failed, "failed_image": d.image})
	if err := d.save(ctx); err != nil {
		return fmt.Errorf("deploy of %s failed and was %s (%v), and %w", d.image, rollback, cause, err)
	}
	return fmt.Errorf("deploy of %s failed and was rolled back: %v; %s (republished as version %s)", d.image, cause, rollback, restored)
}

// smoke checks the alias serves: by the smoke URL when one is given, else
// by invoking the alias.
func (d *deployment) smoke(ctx context.Context) error {
	if d.smokeURL == "" {
		return d.smokeInvoke(ctx)
	}
	var last error
	for attempt := 1; attempt <= d.smokeAttempts; attempt++ {
		if attempt > 1 {
			select {
			case <-ctx.Done():
				return fmt.Errorf("smoke test GET %s interrupted: %w (last attempt: %v)", d.smokeURL, ctx.Err(), last)
			case <-time.After(d.smokeInterval):
			}
		}
		status, err := d.get(ctx)
		if err == nil {
			fmt.Fprintf(d.stdout, "Smoke test GET %s: %s\n", d.smokeURL, status)
			return nil
		}
		last = err
		fmt.Fprintf(d.stdout, "Smoke test GET %s: attempt %d of %d: %v\n", d.smokeURL, attempt, d.smokeAttempts, err)
	}
	return fmt.Errorf("smoke test GET %s failed %d times, last: %w", d.smokeURL, d.smokeAttempts, last)
}

// get makes one smoke request and returns the status when it is 2xx.
func (d *deployment) get(ctx context.Context) (string, error) {
	ctx, cancel := context.WithTimeout(ctx, d.smokeTimeout)
	defer cancel()
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, d.smokeURL, nil)
	if err != nil {
		return "", err
	}
	resp, err := d.httpClient.Do(req)
	if err != nil {
		return "", err
	}
	defer resp.Body.Close()
	_, _ = io.Copy(io.Discard, io.LimitReader(resp.Body, 1<<20))
	if resp.StatusCode < 200 || resp.StatusCode > 299 {
		return "", fmt.Errorf("answered %s", resp.Status)
	}
	return resp.Status, nil
}

func (d *deployment) smokeInvoke(ctx context.Context) error {
	what := fmt.Sprintf("smoke test: invoke %s:%s with {}", d.name, d.alias)
	out, err := d.api.Invoke(ctx, &lambda.InvokeInput{
		FunctionName: aws.String(d.name),
		Qualifier:    aws.String(d.alias),
		Payload:      []byte("{}"),
	})
	if err != nil {
		fmt.Fprintf(d.stdout, "Smoke test invoke %s:%s with {}: failed\n", d.name, d.alias)
		return fmt.Errorf("%s: %w", what, err)
	}
	if out.FunctionError != nil {
		fmt.Fprintf(d.stdout, "Smoke test invoke %s:%s with {}: function error %s\n", d.name, d.alias, aws.ToString(out.FunctionError))
		return fmt.Errorf("%s: function error %s: %s", what, aws.ToString(out.FunctionError), excerpt(out.Payload))
	}
	fmt.Fprintf(d.stdout, "Smoke test invoke %s:%s with {}: ran without a function error (its answer is not checked)\n", d.name, d.alias)
	return nil
}

func excerpt(b []byte) string {
	const n = 300
	s := strings.TrimSpace(string(b))
	if len(s) > n {
		s = s[:n] + "…"
	}
	return s
}

// deployKeys are the keys of StateResource.Extra that deploy owns.
var deployKeys = []string{"image", "version", "deployed_at", "rolled_back_from", "failed_image"}

// record replaces what the state remembers of the function's last deploy,
// keeping what other commands recorded.
func (d *deployment) record(deploy map[string]string) {
	r := d.state.Resources[d.t.fn]
	extra := make(map[string]string, len(r.Extra)+len(deploy)+1)
	for k, v := range r.Extra {
		if !slices.Contains(deployKeys, k) {
			extra[k] = v
		}
	}
	for k, v := range deploy {
		extra[k] = v
	}
	extra["deployed_at"] = time.Now().UTC().Format(time.RFC3339)
	r.Extra = extra
	d.state.Resources[d.t.fn] = r
}

// save records the state even when ctx was cancelled: what was deployed
// is live and must be known.
func (d *deployment) save(ctx context.Context) error {
	ctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), time.Minute)
	defer cancel()
	d.state.Serial++
	d.state.Time = time.Now().UTC()
	if err := d.st.store.Save(ctx, d.state); err != nil {
		return fmt.Errorf("cannot record the deploy in the state: %w", err)
	}
	return nil
}
