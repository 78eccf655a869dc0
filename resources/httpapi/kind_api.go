package httpapi

import (
	"context"
	"fmt"
	"strings"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/apigatewayv2"
	"github.com/aws/aws-sdk-go-v2/service/apigatewayv2/types"
	"github.com/aws/aws-sdk-go-v2/service/sts"
	"github.com/trip-assistant/stack/reconcile"
	"github.com/trip-assistant/stack/reconcile/spec"
	"github.com/trip-assistant/stack/resources/internal/batch"
	"github.com/trip-assistant/stack/resources/internal/kindkit"
)

// apiKind reconciles apigw.api: an HTTP API, its CORS configuration and tags.
type apiKind struct {
	api API
	id  *identity
	// apis is the plan's listing, never nil: the kind's own unless shared
	// with the stage kind (WithAPIListing).
	apis *APIListing
	// members, when shared with the member kinds (WithMemberListing),
	// keeps what the plan's observations listed of each API's members.
	members *MemberListing
}

// NewAPI returns the apigw.api kind.
func NewAPI(cfg aws.Config, opts ...Option) reconcile.Kind {
	return NewAPIWithAPI(apigatewayv2.NewFromConfig(cfg), sts.NewFromConfig(cfg), cfg.Region, opts...)
}

// NewAPIWithAPI returns the apigw.api kind talking to the given clients
// (STS only without WithIdentity).
func NewAPIWithAPI(api API, stsAPI STSAPI, region string, opts ...Option) reconcile.Kind {
	o := buildOptions(stsAPI, opts)
	if o.apis == nil {
		o.apis = NewAPIListingWithAPI(api)
	}
	return &apiKind{api: api, id: &identity{caller: o.caller, region: region}, apis: o.apis, members: o.members}
}

var (
	_ reconcile.Kind          = (*apiKind)(nil)
	_ reconcile.Lister        = (*apiKind)(nil)
	_ reconcile.StackLister   = (*apiKind)(nil)
	_ reconcile.BatchObserver = (*apiKind)(nil)
	_ reconcile.PlanScoped    = (*apiKind)(nil)
)

func (k *apiKind) Type() string { return "apigw.api" }

func (k *apiKind) Schema() spec.Schema {
	s := memberFields()
	for f, v := range map[string]spec.Field{
		"name":          {Type: spec.String, Required: true, Check: checkAPIName, Doc: "Name of the API (not unique in AWS: the stack's tag tells ours apart)."},
		"protocol_type": {Type: spec.String, Enum: []string{string(types.ProtocolTypeHttp)}, Default: string(types.ProtocolTypeHttp), ForceNew: true, Doc: "HTTP (WebSocket APIs are not supported)."},
		"description":   {Type: spec.String, Default: "", Doc: "Description of the API."},
		"cors":          {Type: spec.Object, Fields: corsFields, Default: map[string]any{}, Doc: "CORS configuration API Gateway answers preflights from; unset means none."},
		"tags":          {Type: spec.StringMap, Doc: "Tags of the API."},
	} {
		s[f] = v
	}
	return s
}

func (k *apiKind) Attributes() []string { return []string{"id", "endpoint", "execution_arn"} }

func (k *apiKind) Observe(ctx context.Context, req reconcile.ObserveRequest) (reconcile.Observation, error) {
	req.Desired = spec.WithDefaults(k.Schema(), req.Desired)
	if req.ID != "" {
		return k.observeID(ctx, req.ID)
	}
	a, err := k.find(ctx, req.Desired, k.listAPIs)
	if err != nil || a == nil {
		return reconcile.Observation{}, err
	}
	return k.observation(ctx, a)
}

// BeginPlan drops the listings of the previous plan.
func (k *apiKind) BeginPlan() {
	k.apis.Reset()
	k.members.Reset()
}

// ObserveBatch reads the APIs from the plan's listing, which List reads
// too: one GetApis for the plan rather than a GetApi per API. An API the
// listing lacks (made since, or gone) is read with GetApi, the only read
// that reports one absent.
func (k *apiKind) ObserveBatch(ctx context.Context, reqs []reconcile.ObserveRequest) ([]reconcile.Observation, error) {
	return batch.Each(ctx, reqs, k.observeListed)
}

func (k *apiKind) observeListed(ctx context.Context, req reconcile.ObserveRequest) (reconcile.Observation, error) {
	req.Desired = spec.WithDefaults(k.Schema(), req.Desired)
	if req.ID == "" {
		a, err := k.find(ctx, req.Desired, k.apis.all)
		if err != nil || a == nil {
			return reconcile.Observation{}, err
		}
		return k.planObservation(ctx, a)
	}
	if a, ok := k.apis.byID(ctx, req.ID); ok {
		return k.planObservation(ctx, &a)
	}
	a, err := k.getAPI(ctx, req.ID)
	if err != nil || a == nil {
		return reconcile.Observation{}, err
	}
	return k.planObservation(ctx, a)
}

// planObservation is observation during a plan: the members it listed are
// kept for the member kinds' observations of the same plan.
func (k *apiKind) planObservation(ctx context.Context, a *types.Api) (reconcile.Observation, error) {
	obs, m, err := k.observationMembers(ctx, a)
	if err != nil {
		return reconcile.Observation{}, err
	}
	k.members.record(obs.ID, m.listed)
	return obs, nil
}

func (k *apiKind) observeID(ctx context.Context, id string) (reconcile.Observation, error) {
	a, err := k.getAPI(ctx, id)
	if err != nil || a == nil {
		return reconcile.Observation{}, err
	}
	return k.observation(ctx, a)
}

// getAPI reads the API with GetApi; nil when it does not exist.
func (k *apiKind) getAPI(ctx context.Context, id string) (*types.Api, error) {
	out, err := k.api.GetApi(ctx, &apigatewayv2.GetApiInput{ApiId: aws.String(id)})
	if isNotFound(err) {
		return nil, nil
	}
	if err != nil {
		return nil, fmt.Errorf("cannot read http api %s: %w", id, err)
	}
	return &types.Api{
		ApiId: out.ApiId, ApiEndpoint: out.ApiEndpoint, Name: out.Name, ProtocolType: out.ProtocolType,
		Description: out.Description, CorsConfiguration: out.CorsConfiguration, Tags: out.Tags,
	}, nil
}

// find looks for the API a previous run made but did not record: API names
// are not unique, so it must also carry this stack's ownership tag. list
// is the plan's listing or, outside a batch, a fresh one.
func (k *apiKind) find(ctx context.Context, desired spec.Props, list func(context.Context) ([]types.Api, error)) (*types.Api, error) {
	name, ok := knownString(desired, "name")
	if !ok {
		return nil, nil
	}
	stack := desired.StringMap("tags")[reconcile.TagStack]
	apis, err := list(ctx)
	if err != nil {
		return nil, err
	}
	var found []types.Api
	for _, a := range apis {
		if aws.ToString(a.Name) == name && a.Tags[reconcile.TagStack] == stack {
			found = append(found, a)
		}
	}
	return kindkit.One(found, func(a types.Api) string { return aws.ToString(a.ApiId) }, func(n int, ids string) error {
		return fmt.Errorf("%d http apis are named %q and tagged %s=%q (%s): delete the extra ones or record the right one in the state",
			n, name, reconcile.TagStack, stack, ids)
	})
}

// listAPIs lists the account's APIs afresh, for Observe and Create.
func (k *apiKind) listAPIs(ctx context.Context) ([]types.Api, error) { return listAPIs(ctx, k.api) }

// observation is what the API holds: its own fields and its members.
func (k *apiKind) observation(ctx context.Context, a *types.Api) (reconcile.Observation, error) {
	obs, _, err := k.observationMembers(ctx, a)
	return obs, err
}

// observationMembers is observation and the members it listed.
func (k *apiKind) observationMembers(ctx context.Context, a *types.Api) (reconcile.Observation, apiMembers, error) {
	obs, err := k.apiObservation(ctx, a)
	if err != nil {
		return obs, apiMembers{}, err
	}
	m, err := k.withMembers(ctx, obs.ID, obs.Props)
	if err != nil {
		return reconcile.Observation{}, apiMembers{}, err
	}
	return obs, m, nil
}

// apiObservation is the API's own fields, from what GetApi or GetApis said.
func (k *apiKind) apiObservation(ctx context.Context, a *types.Api) (reconcile.Observation, error) {
	id := aws.ToString(a.ApiId)
	execARN, err := k.id.executionARN(ctx, id)
	if err != nil {
		return reconcile.Observation{}, err
	}
	props := spec.Props{
		"name":          aws.ToString(a.Name),
		"protocol_type": string(a.ProtocolType),
		"description":   aws.ToString(a.Description),
		"tags":          tagMap(a.Tags),
	}
	if a.CorsConfiguration != nil {
		props["cors"] = flattenCors(a.CorsConfiguration)
	}
	return reconcile.Observation{
		Exists: true,
		ID:     id,
		Props:  props,
		Attrs: map[string]string{
			"id":            id,
			"endpoint":      aws.ToString(a.ApiEndpoint),
			"execution_arn": execARN,
		},
	}, nil
}

func (k *apiKind) Create(ctx context.Context, desired spec.Props) (reconcile.Observation, error) {
	desired = spec.WithDefaults(k.Schema(), desired)
	// CreateApi never conflicts (names are not unique), so adoption of an API
	// a killed run made is by name and ownership tag.
	existing, err := k.find(ctx, desired, k.listAPIs)
	if err != nil {
		return reconcile.Observation{}, err
	}
	if existing != nil {
		live, err := k.observation(ctx, existing)
		if err != nil {
			return reconcile.Observation{}, err
		}
		// Its members are left as they are: those a killed run made are
		// being adopted by their own resources, not yet recorded as
		// declared. The next plan shows any other as drift.
		return k.update(ctx, live.ID, desired, live.Props, func(f string) bool {
			_, member := memberFields()[f]
			return !member
		})
	}
	name := desired.String("name")
	in := &apigatewayv2.CreateApiInput{
		Name:         aws.String(name),
		ProtocolType: types.ProtocolType(desired.String("protocol_type")),
		Tags:         desired.StringMap("tags"),
	}
	if d := desired.String("description"); d != "" {
		in.Description = aws.String(d)
	}
	if c := desired.Object("cors"); len(c) > 0 {
		in.CorsConfiguration = expandCors(c)
	}
	// Names are not unique: a retry after an attempt whose answer was lost
	// would make a second API. Before each retry the SDK makes, look for
	// the one the lost attempt made, by name and ownership tag.
	out, err := k.api.CreateApi(ctx, in, retrySafe(func(ctx context.Context) (*apigatewayv2.CreateApiOutput, error) {
		a, err := k.find(ctx, desired, k.listAPIs)
		if err != nil || a == nil {
			return nil, err
		}
		return &apigatewayv2.CreateApiOutput{
			ApiId: a.ApiId, ApiEndpoint: a.ApiEndpoint, Name: a.Name, ProtocolType: a.ProtocolType,
			Description: a.Description, CorsConfiguration: a.CorsConfiguration, Tags: a.Tags,
		}, nil
	}))
	if err != nil {
		return reconcile.Observation{}, fmt.Errorf("cannot create http api %q: %w", name, err)
	}
	obs, err := k.apiObservation(ctx, &types.Api{
		ApiId: out.ApiId, ApiEndpoint: out.ApiEndpoint, Name: out.Name, ProtocolType: out.ProtocolType,
		Description: out.Description, CorsConfiguration: out.CorsConfiguration, Tags: out.Tags,
	})
	if err == nil {
		noMembers(obs.Props) // a new API holds none
	}
	return obs, err
}

func (k *apiKind) Update(ctx context.Context, req reconcile.UpdateRequest) (reconcile.Observation, error) {
	return k.update(ctx, req.ID, spec.WithDefaults(k.Schema(), req.Desired), req.Live.Props, req.Diff.Has)
}

func (k *apiKind) update(ctx context.Context, id string, desired, live spec.Props, changed changedFn) (reconcile.Observation, error) {
	cors := desired.Object("cors")
	if len(cors) == 0 {
		cors = nil // the empty default means no CORS configuration
	}
	// What the stack does not declare goes first: it widens access.
	if err := k.removeMembers(ctx, id, desired, changed); err != nil {
		return reconcile.Observation{}, err
	}
	in := &apigatewayv2.UpdateApiInput{ApiId: aws.String(id)}
	send := false
	if changed("name") {
		in.Name, send = aws.String(desired.String("name")), true
	}
	if changed("description") {
		in.Description, send = aws.String(desired.String("description")), true
	}
	if changed("cors") && cors != nil {
		in.CorsConfiguration, send = expandCors(cors), true
	}
	if send {
		if _, err := k.api.UpdateApi(ctx, in); err != nil {
			return reconcile.Observation{}, fmt.Errorf("cannot update http api %s: %w", id, err)
		}
	}
	// UpdateApi cannot remove a configuration (a nil one means "unchanged"):
	// removing CORS takes its own call.
	if changed("cors") && cors == nil && live.Object("cors") != nil {
		_, err := k.api.DeleteCorsConfiguration(ctx, &apigatewayv2.DeleteCorsConfigurationInput{ApiId: aws.String(id)})
		if err != nil && !isNotFound(err) {
			return reconcile.Observation{}, fmt.Errorf("cannot remove the cors configuration of http api %s: %w", id, err)
		}
	}
	if changed("tags") {
		arn, err := k.id.apiARN(ctx, id)
		if err != nil {
			return reconcile.Observation{}, err
		}
		if err := updateTags(ctx, k.api, arn, desired.StringMap("tags"), live.StringMap("tags")); err != nil {
			return reconcile.Observation{}, fmt.Errorf("cannot update the tags of http api %s: %w", id, err)
		}
	}
	a, err := k.getAPI(ctx, id)
	if err == nil && a == nil {
		err = fmt.Errorf("http api %s vanished while being updated", id)
	}
	if err != nil {
		return reconcile.Observation{}, err
	}
	obs, err := k.apiObservation(ctx, a)
	if err != nil {
		return obs, err
	}
	// The members are what the stack declares once the undeclared ones
	// are gone, or what they were when the update did not touch them.
	for f := range memberFields() {
		if v, ok := desired[f]; ok && changed(f) {
			obs.Props[f] = v
		} else if v, ok := live[f]; ok {
			obs.Props[f] = v
		} else {
			obs.Props[f] = []any{}
		}
	}
	return obs, nil
}

func (k *apiKind) Delete(ctx context.Context, id string) error {
	_, err := k.api.DeleteApi(ctx, &apigatewayv2.DeleteApiInput{ApiId: aws.String(id)})
	if err != nil && !isNotFound(err) {
		return fmt.Errorf("cannot delete http api %s: %w", id, err)
	}
	return nil
}

// List returns the ids of the HTTP APIs whose names start with prefix,
// from the plan's listing.
func (k *apiKind) List(ctx context.Context, prefix string) ([]string, error) {
	apis, err := k.apis.all(ctx)
	if err != nil {
		return nil, err
	}
	var ids []string
	for _, a := range apis {
		if strings.HasPrefix(aws.ToString(a.Name), prefix) {
			ids = append(ids, aws.ToString(a.ApiId))
		}
	}
	return ids, nil
}

// ListStacks implements reconcile.StackLister: the APIs List finds, each
// with the stack its reconcile:stack tag names (GetApis carries the tags).
func (k *apiKind) ListStacks(ctx context.Context, prefix string) ([]reconcile.Listed, error) {
	apis, err := k.apis.all(ctx)
	if err != nil {
		return nil, err
	}
	var out []reconcile.Listed
	for _, a := range apis {
		if strings.HasPrefix(aws.ToString(a.Name), prefix) {
			out = append(out, reconcile.Listed{ID: aws.ToString(a.ApiId), Stack: a.Tags[reconcile.TagStack]})
		}
	}
	return out, nil
}
