package httpapi

import (
	"context"
	"fmt"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/apigatewayv2"
	"github.com/aws/aws-sdk-go-v2/service/apigatewayv2/types"
	"github.com/trip-assistant/stack/reconcile"
	"github.com/trip-assistant/stack/reconcile/spec"
	"github.com/trip-assistant/stack/resources/internal/batch"
	"github.com/trip-assistant/stack/resources/internal/kindkit"
)

// integrationKind reconciles apigw.integration: how an API reaches its
// Lambda (a proxy integration to the function's alias ARN).
type integrationKind struct {
	api API
	// members, when shared with the api kind (WithMemberListing), gives
	// batch observations the integrations its observations listed; nil
	// reads each integration.
	members *MemberListing
}

// NewIntegration returns the apigw.integration kind.
func NewIntegration(cfg aws.Config, opts ...Option) reconcile.Kind {
	return NewIntegrationWithAPI(apigatewayv2.NewFromConfig(cfg), opts...)
}

// NewIntegrationWithAPI returns the apigw.integration kind talking to api.
func NewIntegrationWithAPI(api API, opts ...Option) reconcile.Kind {
	return &integrationKind{api: api, members: applyOptions(opts).members}
}

var (
	_ reconcile.BatchObserver = (*integrationKind)(nil)
	_ reconcile.PlanScoped    = (*integrationKind)(nil)
)

func (k *integrationKind) Type() string { return "apigw.integration" }

func (k *integrationKind) Schema() spec.Schema {
	return spec.Schema{
		"api_id":             {Type: spec.String, Required: true, ForceNew: true, Doc: "Id of the HTTP API."},
		"integration_type":   {Type: spec.String, Default: string(types.IntegrationTypeAwsProxy), ForceNew: true, Enum: []string{string(types.IntegrationTypeAwsProxy), string(types.IntegrationTypeHttpProxy)}, Doc: "AWS_PROXY for a Lambda."},
		"integration_uri":    {Type: spec.String, Required: true, Doc: "ARN of the Lambda alias invoked (the one its permission names)."},
		"integration_method": {Type: spec.String, Default: "POST", Doc: "Method used to call the target; Lambda proxies use POST."},
		// The SDK requires a payload format version for Lambda proxies;
		// 2.0 is the HTTP API event format.
		"payload_format_version": {Type: spec.String, Default: "2.0", Enum: []string{"1.0", "2.0"}, Doc: "Event format sent to the Lambda."},
		"timeout_ms":             {Type: spec.Int, Default: int64(30000), Check: checkTimeout, Doc: "Integration timeout in milliseconds (50..30000)."},
		"description":            {Type: spec.String, Default: "", Doc: "Description of the integration."},
	}
}

func (k *integrationKind) Attributes() []string { return []string{"id"} }

func (k *integrationKind) Observe(ctx context.Context, req reconcile.ObserveRequest) (reconcile.Observation, error) {
	return k.observe(ctx, req, nil)
}

// BeginPlan drops the listing of the previous plan.
func (k *integrationKind) BeginPlan() { k.members.Reset() }

// ObserveBatch reads each integration from the integrations the api kind
// listed in this plan, when it shares that listing and it holds the
// integration; else with GetIntegration, the only read that reports a
// recorded integration gone.
func (k *integrationKind) ObserveBatch(ctx context.Context, reqs []reconcile.ObserveRequest) ([]reconcile.Observation, error) {
	return batch.Each(ctx, reqs, func(ctx context.Context, req reconcile.ObserveRequest) (reconcile.Observation, error) {
		return k.observe(ctx, req, k.members)
	})
}

// observe reads the integration of req; members is the plan's listing,
// nil outside a batch.
func (k *integrationKind) observe(ctx context.Context, req reconcile.ObserveRequest, members *MemberListing) (reconcile.Observation, error) {
	req.Desired = spec.WithDefaults(k.Schema(), req.Desired)
	if req.ID != "" {
		apiID, intID, err := splitID(k.Type(), req.ID)
		if err != nil {
			return reconcile.Observation{}, err
		}
		if m, ok := members.of(apiID); ok {
			if i, ok := m.integration(intID); ok {
				return integrationObservation(apiID, &i), nil
			}
		}
		return k.observeID(ctx, req.ID)
	}
	apiID, ok := knownString(req.Desired, "api_id")
	uri, ok2 := knownString(req.Desired, "integration_uri")
	if !ok || !ok2 {
		return reconcile.Observation{}, nil
	}
	var i *types.Integration
	var err error
	if m, ok := members.of(apiID); ok {
		// The plan's GetIntegrations of the API, which find would repeat.
		i, err = oneIntegration(apiID, uri, m.integrationsByURI(uri))
	} else {
		i, err = k.find(ctx, apiID, uri)
	}
	if err != nil || i == nil {
		return reconcile.Observation{}, err
	}
	return integrationObservation(apiID, i), nil
}

func (k *integrationKind) observeID(ctx context.Context, id string) (reconcile.Observation, error) {
	apiID, intID, err := splitID(k.Type(), id)
	if err != nil {
		return reconcile.Observation{}, err
	}
	out, err := k.api.GetIntegration(ctx, &apigatewayv2.GetIntegrationInput{ApiId: aws.String(apiID), IntegrationId: aws.String(intID)})
	if isNotFound(err) {
		return reconcile.Observation{}, nil
	}
	if err != nil {
		return reconcile.Observation{}, fmt.Errorf("cannot read integration %s: %w", id, err)
	}
	return integrationObservation(apiID, &types.Integration{
		IntegrationId: out.IntegrationId, IntegrationType: out.IntegrationType, IntegrationUri: out.IntegrationUri,
		IntegrationMethod: out.IntegrationMethod, PayloadFormatVersion: out.PayloadFormatVersion,
		TimeoutInMillis: out.TimeoutInMillis, Description: out.Description,
	}), nil
}

// find returns the API's integration with the given target URI: one API
// integrates each Lambda alias once.
func (k *integrationKind) find(ctx context.Context, apiID, uri string) (*types.Integration, error) {
	integrations, err := listIntegrations(ctx, k.api, apiID)
	if isNotFound(err) {
		return nil, nil // the API itself is gone
	}
	if err != nil {
		return nil, err
	}
	return oneIntegration(apiID, uri, listedMembers{integrations: integrations}.integrationsByURI(uri))
}

// oneIntegration is the one integration of found, the API's integrations
// with uri; more than one is an error.
func oneIntegration(apiID, uri string, found []types.Integration) (*types.Integration, error) {
	return kindkit.One(found, func(i types.Integration) string { return aws.ToString(i.IntegrationId) }, func(n int, ids string) error {
		return fmt.Errorf("http api %s has %d integrations with uri %s (%s): delete the extra ones", apiID, n, uri, ids)
	})
}

func integrationObservation(apiID string, i *types.Integration) reconcile.Observation {
	id := joinID(apiID, aws.ToString(i.IntegrationId))
	return reconcile.Observation{
		Exists: true,
		ID:     id,
		Props: spec.Props{
			"api_id":                 apiID,
			"integration_type":       string(i.IntegrationType),
			"integration_uri":        aws.ToString(i.IntegrationUri),
			"integration_method":     aws.ToString(i.IntegrationMethod),
			"payload_format_version": aws.ToString(i.PayloadFormatVersion),
			"timeout_ms":             int64(aws.ToInt32(i.TimeoutInMillis)),
			"description":            aws.ToString(i.Description),
		},
		Attrs: map[string]string{"id": aws.ToString(i.IntegrationId)},
	}
}

func (k *integrationKind) Create(ctx context.Context, desired spec.Props) (reconcile.Observation, error) {
	desired = spec.WithDefaults(k.Schema(), desired)
	apiID, uri := desired.String("api_id"), desired.String("integration_uri")
	existing, err := k.find(ctx, apiID, uri)
	if err != nil {
		return reconcile.Observation{}, err
	}
	if existing != nil {
		live := integrationObservation(apiID, existing)
		return k.update(ctx, live.ID, desired, everything)
	}
	in := &apigatewayv2.CreateIntegrationInput{
		ApiId:                aws.String(apiID),
		IntegrationType:      types.IntegrationType(desired.String("integration_type")),
		IntegrationUri:       aws.String(uri),
		IntegrationMethod:    aws.String(desired.String("integration_method")),
		PayloadFormatVersion: aws.String(desired.String("payload_format_version")),
		TimeoutInMillis:      aws.Int32(int32(desired.Int("timeout_ms"))),
	}
	if d := desired.String("description"); d != "" {
		in.Description = aws.String(d)
	}
	// Integrations have no name and no tags: a retry after an attempt whose
	// answer was lost would make a second one. Before each retry the SDK
	// makes, look for the one the lost attempt made, by target URI (one
	// API integrates each alias once).
	out, err := k.api.CreateIntegration(ctx, in, retrySafe(func(ctx context.Context) (*apigatewayv2.CreateIntegrationOutput, error) {
		i, err := k.find(ctx, apiID, uri)
		if err != nil || i == nil {
			return nil, err
		}
		return &apigatewayv2.CreateIntegrationOutput{
			IntegrationId: i.IntegrationId, IntegrationType: i.IntegrationType, IntegrationUri: i.IntegrationUri,
			IntegrationMethod: i.IntegrationMethod, PayloadFormatVersion: i.PayloadFormatVersion,
			TimeoutInMillis: i.TimeoutInMillis, Description: i.Description,
		}, nil
	}))
	if err != nil {
		return reconcile.Observation{}, fmt.Errorf("cannot create the integration of http api %s with %s: %w", apiID, uri, err)
	}
	return integrationObservation(apiID, &types.Integration{
		IntegrationId: out.IntegrationId, IntegrationType: out.IntegrationType, IntegrationUri: out.IntegrationUri,
		IntegrationMethod: out.IntegrationMethod, PayloadFormatVersion: out.PayloadFormatVersion,
		TimeoutInMillis: out.TimeoutInMillis, Description: out.Description,
	}), nil
}

func (k *integrationKind) Update(ctx context.Context, req reconcile.UpdateRequest) (reconcile.Observation, error) {
	return k.update(ctx, req.ID, spec.WithDefaults(k.Schema(), req.Desired), req.Diff.Has)
}

func (k *integrationKind) update(ctx context.Context, id string, desired spec.Props, changed changedFn) (reconcile.Observation, error) {
	apiID, intID, err := splitID(k.Type(), id)
	if err != nil {
		return reconcile.Observation{}, err
	}
	in := &apigatewayv2.UpdateIntegrationInput{ApiId: aws.String(apiID), IntegrationId: aws.String(intID)}
	send := false
	str := func(field string, dst **string) {
		if changed(field) {
			*dst, send = aws.String(desired.String(field)), true
		}
	}
	str("integration_uri", &in.IntegrationUri)
	str("integration_method", &in.IntegrationMethod)
	str("payload_format_version", &in.PayloadFormatVersion)
	str("description", &in.Description)
	if changed("timeout_ms") {
		in.TimeoutInMillis, send = aws.Int32(int32(desired.Int("timeout_ms"))), true
	}
	if send {
		if _, err := k.api.UpdateIntegration(ctx, in); err != nil {
			return reconcile.Observation{}, fmt.Errorf("cannot update integration %s: %w", id, err)
		}
	}
	obs, err := k.observeID(ctx, id)
	if err == nil && !obs.Exists {
		err = fmt.Errorf("integration %s vanished while being updated", id)
	}
	return obs, err
}

func (k *integrationKind) Delete(ctx context.Context, id string) error {
	apiID, intID, err := splitID(k.Type(), id)
	if err != nil {
		return err
	}
	_, err = k.api.DeleteIntegration(ctx, &apigatewayv2.DeleteIntegrationInput{ApiId: aws.String(apiID), IntegrationId: aws.String(intID)})
	if err != nil && !isNotFound(err) {
		return fmt.Errorf("cannot delete integration %s: %w", id, err)
	}
	return nil
}
