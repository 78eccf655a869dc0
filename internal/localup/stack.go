package localup

import (
	"context"
	"fmt"
	"io"
	"sync"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/lambda"

	"github.com/trip-assistant/stack/internal/awsclient"
	"github.com/trip-assistant/stack/reconcile"
	"github.com/trip-assistant/stack/reconcile/render"
	"github.com/trip-assistant/stack/reconcile/spec"
	"github.com/trip-assistant/stack/reconcile/ssmstate"
	"github.com/trip-assistant/stack/resources/kinds"
)

// The spec's logical names and outputs localup relies on.
const (
	resourceHTTPAPI = "http_api"
	outputAgentName = "agent_function_name"
	outputAPIName   = "api_function_name"
)

// LoadSpec reads and validates the spec for env without calling AWS: the
// caller learns the region kumo must be started for.
func LoadSpec(path, env string) (*spec.Spec, error) {
	return spec.LoadFile(path, spec.LoadOptions{Environment: env, Types: reconcile.Schemas(kinds.All(aws.Config{}))})
}

// deployment is what reconciling the spec made that localup needs next.
type deployment struct {
	apiID         string
	agentFunction string
	apiFunction   string
	agentEnv      map[string]string
	apiEnv        map[string]string
}

// deploy reconciles spec against the emulator as `reconcile --env local`
// would: the same engine and kinds, the state in the emulator's SSM.
func deploy(ctx context.Context, cfg aws.Config, sp *spec.Spec, log io.Writer) (*deployment, error) {
	identity := awsclient.NewIdentity(cfg)
	all := kinds.All(cfg, kinds.WithIdentity(identity))
	if sp.NeedsAccountID {
		account, _, err := identity.Get(ctx)
		if err != nil {
			return nil, fmt.Errorf("cannot read the emulator's account id: %w", err)
		}
		sp.AccountID = account
	}
	store := ssmstate.New(cfg, sp.Project, sp.Environment)
	state, err := store.Load(ctx)
	if err != nil {
		return nil, err
	}
	var mu sync.Mutex
	eng := &reconcile.Engine{Kinds: all, Store: store, Events: func(ev reconcile.Event) {
		if ev.Phase == reconcile.Started {
			return
		}
		mu.Lock()
		defer mu.Unlock()
		fmt.Fprintln(log, render.Progress(ev, render.Style{}))
	}}
	plan, err := eng.Plan(ctx, sp, state, reconcile.PlanOptions{})
	if err != nil {
		return nil, fmt.Errorf("cannot plan the stack on the emulator: %w", err)
	}
	if err := plan.Err(); err != nil {
		return nil, fmt.Errorf("cannot plan the stack on the emulator: %w", err)
	}
	res, err := eng.Apply(ctx, plan, sp, state)
	if err != nil {
		return nil, fmt.Errorf("cannot apply the stack on the emulator: %w", err)
	}
	if err := res.Err(); err != nil {
		return nil, fmt.Errorf("cannot apply the stack on the emulator:\n%w", err)
	}

	d := &deployment{
		apiID:         res.State.Resources[resourceHTTPAPI].ID,
		agentFunction: fmt.Sprint(res.Outputs[outputAgentName]),
		apiFunction:   fmt.Sprint(res.Outputs[outputAPIName]),
	}
	if d.apiID == "" || res.Outputs[outputAgentName] == nil || res.Outputs[outputAPIName] == nil {
		return nil, fmt.Errorf("the stack lacks what localup serves: want resource %s and outputs %s and %s",
			resourceHTTPAPI, outputAgentName, outputAPIName)
	}
	// kumo stores each function's environment but passes it to no handler:
	// it is read back here, as Lambda would hand it over.
	lc := lambda.NewFromConfig(cfg)
	for _, f := range []struct {
		name string
		env  *map[string]string
	}{{d.agentFunction, &d.agentEnv}, {d.apiFunction, &d.apiEnv}} {
		out, err := lc.GetFunctionConfiguration(ctx, &lambda.GetFunctionConfigurationInput{FunctionName: aws.String(f.name)})
		if err != nil {
			return nil, fmt.Errorf("cannot read the configuration of lambda function %q: %w", f.name, err)
		}
		*f.env = map[string]string{}
		if out.Environment != nil {
			*f.env = out.Environment.Variables
		}
	}
	return d, nil
}
