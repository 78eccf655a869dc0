package httpapi

import (
	"fmt"
	"sort"
	"strings"

	"github.com/trip-assistant/stack/reconcile/spec"
	"github.com/trip-assistant/stack/tfstate"
)

var (
	_ tfstate.Importer = (*apiKind)(nil)
	_ tfstate.Importer = (*integrationKind)(nil)
	_ tfstate.Importer = (*routeKind)(nil)
	_ tfstate.Importer = (*stageKind)(nil)
)

func (k *apiKind) TerraformTypes() []string { return []string{"aws_apigatewayv2_api"} }

// ImportKey: API names are not unique in AWS, but they are within one
// Terraform state and one spec, which is all an import compares.
func (k *apiKind) ImportKey(p spec.Props) (string, bool) { return tfstate.Key(p, "name") }

func (k *apiKind) FromTerraform(inst *tfstate.Instance) (tfstate.Imported, error) {
	if pt := inst.String("protocol_type"); pt != "HTTP" {
		return tfstate.Imported{}, fmt.Errorf("%s has protocol_type %q: apigw.api manages HTTP APIs only", inst.Address, pt)
	}
	if set := inst.SetAttrs("body", "disable_execute_api_endpoint", "credentials_arn", "route_key", "target"); len(set) > 0 {
		return tfstate.Imported{}, tfstate.ErrUnsupported(inst, k.Type(), set...)
	}
	id := inst.String("id")
	p := spec.Props{
		"name":          inst.String("name"),
		"protocol_type": "HTTP",
		"description":   inst.String("description"),
		"cors":          map[string]any{},
	}
	if c := inst.Block("cors_configuration"); c != nil {
		cors := map[string]any{}
		for _, f := range []string{"allow_origins", "allow_methods", "allow_headers", "expose_headers"} {
			cors[f] = sortedList(c[f])
		}
		cors["max_age"], _ = c["max_age"].(int64)
		cors["allow_credentials"], _ = c["allow_credentials"].(bool)
		p["cors"] = cors
	}
	if t := inst.Tags(); t != nil {
		p["tags"] = t
	}
	return tfstate.Imported{
		ID:    id,
		Props: p,
		Attrs: map[string]string{"id": id, "endpoint": inst.String("api_endpoint"), "execution_arn": inst.String("execution_arn")},
	}, nil
}

func (k *integrationKind) TerraformTypes() []string { return []string{"aws_apigatewayv2_integration"} }

// ImportKey: the kind finds an integration by its API and target.
func (k *integrationKind) ImportKey(p spec.Props) (string, bool) {
	return tfstate.Key(p, "api_id", "integration_uri")
}

func (k *integrationKind) FromTerraform(inst *tfstate.Instance) (tfstate.Imported, error) {
	if set := inst.SetAttrs("connection_id", "credentials_arn", "request_parameters", "response_parameters", "tls_config", "integration_subtype"); len(set) > 0 {
		return tfstate.Imported{}, tfstate.ErrUnsupported(inst, k.Type(), set...)
	}
	apiID, own := inst.String("api_id"), inst.String("id")
	return tfstate.Imported{
		ID: joinID(apiID, own),
		Props: spec.Props{
			"api_id":                 apiID,
			"integration_type":       inst.String("integration_type"),
			"integration_uri":        inst.String("integration_uri"),
			"integration_method":     inst.String("integration_method"),
			"payload_format_version": inst.String("payload_format_version"),
			"timeout_ms":             inst.Int("timeout_milliseconds"),
			"description":            inst.String("description"),
		},
		Attrs: map[string]string{"id": own},
	}, nil
}

func (k *routeKind) TerraformTypes() []string { return []string{"aws_apigatewayv2_route"} }

// ImportKey: a route key is unique in its API.
func (k *routeKind) ImportKey(p spec.Props) (string, bool) {
	return tfstate.Key(p, "api_id", "route_key")
}

func (k *routeKind) FromTerraform(inst *tfstate.Instance) (tfstate.Imported, error) {
	if set := inst.SetAttrs("authorizer_id", "authorization_scopes", "api_key_required", "request_models", "request_parameter", "model_selection_expression", "operation_name"); len(set) > 0 {
		return tfstate.Imported{}, tfstate.ErrUnsupported(inst, k.Type(), set...)
	}
	apiID, own := inst.String("api_id"), inst.String("id")
	p := spec.Props{
		"api_id":             apiID,
		"route_key":          inst.String("route_key"),
		"target":             inst.String("target"),
		"authorization_type": inst.String("authorization_type"),
	}
	return tfstate.Imported{ID: joinID(apiID, own), Props: p, Attrs: map[string]string{"id": own}}, nil
}

func (k *stageKind) TerraformTypes() []string { return []string{"aws_apigatewayv2_stage"} }

// ImportKey: a stage name is unique in its API.
func (k *stageKind) ImportKey(p spec.Props) (string, bool) {
	p = spec.WithDefaults(k.Schema(), p)
	return tfstate.Key(p, "api_id", "name")
}

func (k *stageKind) FromTerraform(inst *tfstate.Instance) (tfstate.Imported, error) {
	if set := inst.SetAttrs("access_log_settings", "route_settings", "stage_variables", "client_certificate_id"); len(set) > 0 {
		return tfstate.Imported{}, tfstate.ErrUnsupported(inst, k.Type(), set...)
	}
	apiID, name := inst.String("api_id"), inst.String("name")
	id := joinID(apiID, name)
	p := spec.Props{
		"api_id":      apiID,
		"name":        name,
		"auto_deploy": inst.Bool("auto_deploy"),
		"description": inst.String("description"),
	}
	if t := inst.Tags(); t != nil {
		p["tags"] = t
	}
	// The provider ends the URL of every stage with "/"; the kind's
	// invoke_url is the endpoint for $default and endpoint/name otherwise.
	url := strings.TrimSuffix(inst.String("invoke_url"), "/")
	return tfstate.Imported{ID: id, Props: p, Attrs: map[string]string{"id": id, "name": name, "invoke_url": url}}, nil
}

func sortedList(v any) []any {
	l := spec.ToStringList(v)
	c := append([]string{}, l...)
	sort.Strings(c)
	return spec.StringListValue(c)
}
