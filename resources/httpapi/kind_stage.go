package httpapi

import (
	"context"
	"fmt"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/apigatewayv2"
	"github.com/aws/aws-sdk-go-v2/service/apigatewayv2/types"
	"github.com/aws/aws-sdk-go-v2/service/sts"
	"github.com/trip-assistant/stack/reconcile"
	"github.com/trip-assistant/stack/reconcile/spec"
	"github.com/trip-assistant/stack/resources/internal/batch"
)

// defaultStage serves the API at its root URL.
const defaultStage = "$default"

// stageKind reconciles apigw.stage. Stages here always auto-deploy, so AWS
// owns each stage's DeploymentId: this kind never sends it and never reports
// it, which is what gives Terraform its perpetual diff (provider#13633).
type stageKind struct {
	api API
	id  *identity
	// apis, when shared with the api kind (WithAPIListing), gives batch
	// observations the APIs' endpoints; nil reads each with GetApi.
	apis *APIListing
	// members, when shared with the api kind (WithMemberListing), gives
	// batch observations the stages its observations listed; nil reads
	// each with GetStage.
	members *MemberListing
}

// NewStage returns the apigw.stage kind.
func NewStage(cfg aws.Config, opts ...Option) reconcile.Kind {
	return NewStageWithAPI(apigatewayv2.NewFromConfig(cfg), sts.NewFromConfig(cfg), cfg.Region, opts...)
}

// NewStageWithAPI returns the apigw.stage kind talking to the given clients
// (STS only for the partition of the stage's tagging ARN, and only without
// WithIdentity).
func NewStageWithAPI(api API, stsAPI STSAPI, region string, opts ...Option) reconcile.Kind {
	o := buildOptions(stsAPI, opts)
	return &stageKind{api: api, id: &identity{caller: o.caller, region: region}, apis: o.apis, members: o.members}
}

var (
	_ reconcile.BatchObserver = (*stageKind)(nil)
	_ reconcile.PlanScoped    = (*stageKind)(nil)
)

func (k *stageKind) Type() string { return "apigw.stage" }

func (k *stageKind) Schema() spec.Schema {
	return spec.Schema{
		"api_id":      {Type: spec.String, Required: true, ForceNew: true, Doc: "Id of the HTTP API."},
		"name":        {Type: spec.String, Default: defaultStage, ForceNew: true, Doc: `Stage name; "$default" serves the API at its root URL.`},
		"auto_deploy": {Type: spec.Bool, Default: true, Doc: "Deploy every change to the API at once."},
		"description": {Type: spec.String, Default: "", Doc: "Description of the stage."},
		"tags":        {Type: spec.StringMap, Doc: "Tags of the stage."},
	}
}

func (k *stageKind) Attributes() []string { return []string{"id", "name", "invoke_url"} }

func (k *stageKind) Observe(ctx context.Context, req reconcile.ObserveRequest) (reconcile.Observation, error) {
	return k.observe(ctx, req, nil, nil)
}

// BeginPlan drops the listings of the previous plan.
func (k *stageKind) BeginPlan() {
	k.apis.Reset()
	k.members.Reset()
}

// ObserveBatch reads each stage from the stages the api kind listed in
// this plan, when it shares that listing and it holds the stage, else with
// GetStage (the only read that reports a stage gone); and its API's
// endpoint (for invoke_url) from the plan's listing of APIs when the kind
// shares one.
func (k *stageKind) ObserveBatch(ctx context.Context, reqs []reconcile.ObserveRequest) ([]reconcile.Observation, error) {
	return batch.Each(ctx, reqs, func(ctx context.Context, req reconcile.ObserveRequest) (reconcile.Observation, error) {
		return k.observe(ctx, req, k.apis, k.members)
	})
}

// observe reads the stage of req; apis and members are the plan's
// listings, nil outside a batch.
func (k *stageKind) observe(ctx context.Context, req reconcile.ObserveRequest, apis *APIListing, members *MemberListing) (reconcile.Observation, error) {
	req.Desired = spec.WithDefaults(k.Schema(), req.Desired)
	id := req.ID
	if id == "" {
		// A stage's name is its identity within the API.
		apiID, ok := knownString(req.Desired, "api_id")
		name, ok2 := knownString(req.Desired, "name")
		if !ok || !ok2 {
			return reconcile.Observation{}, nil
		}
		id = joinID(apiID, name)
	}
	apiID, name, err := splitID(k.Type(), id)
	if err != nil {
		return reconcile.Observation{}, err
	}
	if m, ok := members.of(apiID); ok {
		if st, ok := m.stage(name); ok {
			return k.stageObservation(ctx, apiID, name, st, apis)
		}
	}
	return k.observeID(ctx, id, apis)
}

// observeID reads the stage known by id; apis, when not nil, may give its
// API's endpoint.
func (k *stageKind) observeID(ctx context.Context, id string, apis *APIListing) (reconcile.Observation, error) {
	apiID, name, err := splitID(k.Type(), id)
	if err != nil {
		return reconcile.Observation{}, err
	}
	out, err := k.api.GetStage(ctx, &apigatewayv2.GetStageInput{ApiId: aws.String(apiID), StageName: aws.String(name)})
	if isNotFound(err) {
		return reconcile.Observation{}, nil
	}
	if err != nil {
		return reconcile.Observation{}, fmt.Errorf("cannot read stage %s: %w", id, err)
	}
	return k.stageObservation(ctx, apiID, name, types.Stage{
		StageName: out.StageName, AutoDeploy: out.AutoDeploy, Description: out.Description, Tags: out.Tags,
	}, apis)
}

// stageObservation is what GetStage or GetStages said of the stage named
// name; apis, when not nil, may give its API's endpoint.
func (k *stageKind) stageObservation(ctx context.Context, apiID, name string, st types.Stage, apis *APIListing) (reconcile.Observation, error) {
	url, err := k.invokeURL(ctx, apiID, name, apis)
	if err != nil {
		return reconcile.Observation{}, err
	}
	id := joinID(apiID, name)
	return reconcile.Observation{
		Exists: true,
		ID:     id,
		Props: spec.Props{
			"api_id":      apiID,
			"name":        aws.ToString(st.StageName),
			"auto_deploy": aws.ToBool(st.AutoDeploy),
			"description": aws.ToString(st.Description),
			"tags":        tagMap(st.Tags),
		},
		Attrs: map[string]string{"id": id, "name": aws.ToString(st.StageName), "invoke_url": url},
	}, nil
}

// invokeURL is where the stage answers: the API's endpoint for $default,
// the endpoint and the stage name otherwise. The endpoint comes from apis
// when it lists the API, else from GetApi.
func (k *stageKind) invokeURL(ctx context.Context, apiID, name string, apis *APIListing) (string, error) {
	a, ok := apis.byID(ctx, apiID)
	if !ok {
		out, err := k.api.GetApi(ctx, &apigatewayv2.GetApiInput{ApiId: aws.String(apiID)})
		if err != nil {
			return "", fmt.Errorf("cannot read the endpoint of http api %s: %w", apiID, err)
		}
		a.ApiEndpoint = out.ApiEndpoint
	}
	endpoint := aws.ToString(a.ApiEndpoint)
	if name == defaultStage {
		return endpoint, nil
	}
	return endpoint + "/" + name, nil
}

func (k *stageKind) Create(ctx context.Context, desired spec.Props) (reconcile.Observation, error) {
	desired = spec.WithDefaults(k.Schema(), desired)
	apiID, name := desired.String("api_id"), desired.String("name")
	id := joinID(apiID, name)
	in := &apigatewayv2.CreateStageInput{
		ApiId:      aws.String(apiID),
		StageName:  aws.String(name),
		AutoDeploy: aws.Bool(desired.Bool("auto_deploy")),
		Tags:       desired.StringMap("tags"),
	}
	if d := desired.String("description"); d != "" {
		in.Description = aws.String(d)
	}
	_, err := k.api.CreateStage(ctx, in)
	if isConflict(err) {
		// The stage exists (a killed run made it): adopt it.
		live, oerr := k.observeID(ctx, id, nil)
		if oerr != nil {
			return reconcile.Observation{}, oerr
		}
		if !live.Exists {
			return reconcile.Observation{}, fmt.Errorf("cannot create stage %s: %w", id, err)
		}
		return k.update(ctx, id, desired, live.Props, everything)
	}
	if err != nil {
		return reconcile.Observation{}, fmt.Errorf("cannot create stage %s: %w", id, err)
	}
	obs, err := k.observeID(ctx, id, nil)
	if err == nil && !obs.Exists {
		err = fmt.Errorf("stage %s is not found right after its creation", id)
	}
	return obs, err
}

func (k *stageKind) Update(ctx context.Context, req reconcile.UpdateRequest) (reconcile.Observation, error) {
	return k.update(ctx, req.ID, spec.WithDefaults(k.Schema(), req.Desired), req.Live.Props, req.Diff.Has)
}

func (k *stageKind) update(ctx context.Context, id string, desired, live spec.Props, changed changedFn) (reconcile.Observation, error) {
	apiID, name, err := splitID(k.Type(), id)
	if err != nil {
		return reconcile.Observation{}, err
	}
	if changed("auto_deploy") || changed("description") {
		// AutoDeploy is sent with every update, changed or not: kumo reads
		// an absent AutoDeploy as false and would stop deploying. AWS takes
		// the unchanged value as a no-op.
		in := &apigatewayv2.UpdateStageInput{
			ApiId:      aws.String(apiID),
			StageName:  aws.String(name),
			AutoDeploy: aws.Bool(desired.Bool("auto_deploy")),
		}
		if changed("description") {
			in.Description = aws.String(desired.String("description"))
		}
		if _, err := k.api.UpdateStage(ctx, in); err != nil {
			return reconcile.Observation{}, fmt.Errorf("cannot update stage %s: %w", id, err)
		}
	}
	if changed("tags") {
		arn, err := k.id.stageARN(ctx, apiID, name)
		if err != nil {
			return reconcile.Observation{}, err
		}
		if err := updateTags(ctx, k.api, arn, desired.StringMap("tags"), live.StringMap("tags")); err != nil {
			return reconcile.Observation{}, fmt.Errorf("cannot update the tags of stage %s: %w", id, err)
		}
	}
	obs, err := k.observeID(ctx, id, nil)
	if err == nil && !obs.Exists {
		err = fmt.Errorf("stage %s vanished while being updated", id)
	}
	return obs, err
}

func (k *stageKind) Delete(ctx context.Context, id string) error {
	apiID, name, err := splitID(k.Type(), id)
	if err != nil {
		return err
	}
	_, err = k.api.DeleteStage(ctx, &apigatewayv2.DeleteStageInput{ApiId: aws.String(apiID), StageName: aws.String(name)})
	if err != nil && !isNotFound(err) {
		return fmt.Errorf("cannot delete stage %s: %w", id, err)
	}
	return nil
}
