package deploy

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net/http"
	"os"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/lambda"

	"github.com/trip-assistant/stack/reconcile"
	"github.com/trip-assistant/stack/reconcile/spec"
	"github.com/trip-assistant/stack/resources/lambdaalias"
	"github.com/trip-assistant/stack/resources/lambdafn"
)

// API is the part of the Lambda client a deploy calls.
type API interface {
	lambdafn.CodeAPI
	GetAlias(ctx context.Context, in *lambda.GetAliasInput, optFns ...func(*lambda.Options)) (*lambda.GetAliasOutput, error)
	UpdateAlias(ctx context.Context, in *lambda.UpdateAliasInput, optFns ...func(*lambda.Options)) (*lambda.UpdateAliasOutput, error)
	Invoke(ctx context.Context, in *lambda.InvokeInput, optFns ...func(*lambda.Options)) (*lambda.InvokeOutput, error)
}

var _ API = (*lambda.Client)(nil)

// Deployer moves functions of one stack to new images.
type Deployer struct {
	Spec   *spec.Spec
	Store  reconcile.StateStore
	Lambda API
	// Lock takes the stack's lock for the deploy and returns what releases
	// it. A dry run takes no lock.
	Lock  func(ctx context.Context) (release func(), err error)
	Smoke Smoke
	// DryRun reads what the alias serves, says what a deploy would do,
	// and changes nothing.
	DryRun bool
	// SpecFile is the spec as the user named it, for the commands the
	// messages suggest.
	SpecFile string
	// Out receives the progress (default os.Stdout); HTTPClient makes the
	// smoke requests (default a new client); LambdaOptions bound the
	// Lambda retries and waits.
	Out           io.Writer
	HTTPClient    *http.Client
	LambdaOptions []lambdafn.Option
}

// deployment is one run of a deploy against live resources.
type deployment struct {
	*Deployer
	out        io.Writer
	httpClient *http.Client
	image      string
	state      *reconcile.State
	t          target
	name       string // the function's physical name
	alias      string // the alias's physical name
	// prev is the version the alias pointed to before the deploy, and
	// prevImage the image it runs: what a rollback restores.
	prev, prevImage string
}

// Run deploys image to function, the logical name of a lambda.function of
// the spec: it publishes a version from the image, moves the function's
// alias to it, smoke-tests the alias, and moves the alias back when the
// test fails.
func (dp *Deployer) Run(ctx context.Context, function, image string) error {
	d := &deployment{Deployer: dp, out: dp.Out, httpClient: dp.HTTPClient, image: image}
	if d.out == nil {
		d.out = os.Stdout
	}
	if d.httpClient == nil {
		d.httpClient = &http.Client{}
	}
	if d.Smoke.Timeout == 0 {
		d.Smoke.Timeout = 10 * time.Second
	}
	if d.Smoke.URL != "" && d.Smoke.Attempts < 1 {
		return fmt.Errorf("a smoke test takes at least 1 attempt, got %d", d.Smoke.Attempts)
	}
	t, err := findTarget(dp.Spec, function)
	if err != nil {
		return err
	}
	d.t = t
	if !dp.DryRun {
		release, err := dp.Lock(ctx)
		if err != nil {
			return err
		}
		defer release()
	}
	if err := d.read(ctx); err != nil {
		return err
	}
	if dp.DryRun {
		d.describe()
		return nil
	}
	return d.run(ctx)
}

func (d *deployment) stackName() string { return d.Spec.Project + "/" + d.Spec.Environment }

// read finds the function and alias the state records, and what the alias
// serves now.
func (d *deployment) read(ctx context.Context) error {
	state, err := d.Store.Load(ctx)
	if err != nil {
		return err
	}
	d.state = state
	fn, ok := state.Resources[d.t.fn]
	if !ok || fn.ID == "" {
		return fmt.Errorf("function %q of %s has never been applied: run `reconcile --spec %s` to create the stack first", d.t.fn, d.stackName(), d.SpecFile)
	}
	alias, ok := state.Resources[d.t.alias]
	if !ok || alias.ID == "" {
		return fmt.Errorf("alias %q of %s has never been applied: run `reconcile --spec %s` to create it first", d.t.alias, d.stackName(), d.SpecFile)
	}
	d.name = fn.ID
	if _, d.alias, err = lambdaalias.ParseID(alias.ID); err != nil {
		return fmt.Errorf("the state records alias %q: %w", d.t.alias, err)
	}
	out, err := d.Lambda.GetAlias(ctx, &lambda.GetAliasInput{FunctionName: aws.String(d.name), Name: aws.String(d.alias)})
	if err != nil {
		return fmt.Errorf("cannot read alias %s of lambda function %q: %w", d.alias, d.name, err)
	}
	d.prev = aws.ToString(out.FunctionVersion)
	d.prevImage, err = lambdafn.ImageOf(ctx, d.Lambda, d.name, d.prev)
	return err
}

func (d *deployment) describe() {
	fmt.Fprintf(d.out, "Would deploy %s: image %s → a new version, alias %s %s → the new version.\n", d.name, d.image, d.alias, d.prev)
	fmt.Fprintf(d.out, "Alias %s now serves version %s, image %s.\n", d.alias, d.prev, d.prevImage)
	fmt.Fprintf(d.out, "Smoke test: %s.\n", d.smokeTarget())
	fmt.Fprintf(d.out, "On failure: alias %s back to version %s, and its image republished as the latest version.\n", d.alias, d.prev)
	fmt.Fprintln(d.out, "Dry run: nothing changed.")
}

func (d *deployment) run(ctx context.Context) error {
	fmt.Fprintf(d.out, "Publishing image %s to %s (alias %s serves version %s)...\n", d.image, d.name, d.alias, d.prev)
	version, err := lambdafn.PublishImage(ctx, d.Lambda, d.name, d.image, d.LambdaOptions...)
	if err != nil {
		// The alias has not moved: nothing is served differently. The
		// function's unpublished code may be the new image; the next
		// deploy replaces it.
		return fmt.Errorf("deploy of %s to %s failed; alias %s still serves version %s: %w", d.image, d.name, d.alias, d.prev, err)
	}
	if version == d.prev {
		// Lambda publishes nothing when the code is unchanged since the
		// last version: the alias already serves this image.
		fmt.Fprintf(d.out, "Deploying %s: image %s is already version %s, alias %s stays on %s\n", d.name, d.image, version, d.alias, version)
	} else {
		fmt.Fprintf(d.out, "Deploying %s: image %s → version %s, alias %s %s → %s\n", d.name, d.image, version, d.alias, d.prev, version)
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
	if err := d.save(ctx, map[string]string{"image": d.image, "version": version}); err != nil {
		return fmt.Errorf("deployed version %s, but %w", version, err)
	}
	fmt.Fprintln(d.out, "Deployed.")
	return nil
}

func (d *deployment) point(ctx context.Context, version string) error {
	_, err := d.Lambda.UpdateAlias(ctx, &lambda.UpdateAliasInput{
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
	fmt.Fprintf(d.out, "Rolled back alias %s of %s to version %s.\n", d.alias, d.name, d.prev)
	rollback := fmt.Sprintf("rolled back alias %s of %s to version %s", d.alias, d.name, d.prev)

	restored, err := lambdafn.PublishImage(ctx, d.Lambda, d.name, d.prevImage, d.LambdaOptions...)
	if err == nil && restored == failed {
		err = fmt.Errorf("Lambda published no new version for image %s", d.prevImage)
	}
	if err == nil {
		err = d.point(ctx, restored)
	}
	if err != nil {
		if serr := d.save(ctx, map[string]string{"image": d.prevImage, "version": d.prev, "rolled_back_from": failed, "failed_image": d.image}); serr != nil {
			err = errors.Join(err, serr)
		}
		return fmt.Errorf("deploy of %s failed and was %s, but republishing that version's image failed, so the failed version %s is still the latest and a plan will want to move the alias to it: deploy a good image: %w\n(deploy failure: %v)",
			d.image, rollback, failed, err, cause)
	}
	fmt.Fprintf(d.out, "Republished image %s of version %s as version %s and moved alias %s to it, so the latest version runs the code that served before.\n", d.prevImage, d.prev, restored, d.alias)
	if err := d.save(ctx, map[string]string{"image": d.prevImage, "version": restored, "rolled_back_from": failed, "failed_image": d.image}); err != nil {
		return fmt.Errorf("deploy of %s failed and was %s (%v), and %w", d.image, rollback, cause, err)
	}
	return fmt.Errorf("deploy of %s failed and was rolled back: %v; %s (republished as version %s)", d.image, cause, rollback, restored)
}
