package oidcprovider

import (
	"sort"

	"github.com/trip-assistant/stack/reconcile/spec"
	"github.com/trip-assistant/stack/tfstate"
)

var _ tfstate.Importer = (*Kind)(nil)

// TerraformTypes implements tfstate.Importer.
func (k *Kind) TerraformTypes() []string { return []string{"aws_iam_openid_connect_provider"} }

// ImportKey implements tfstate.Importer: a provider is its issuer, the URL
// as IAM identifies it (with or without https://).
func (k *Kind) ImportKey(p spec.Props) (string, bool) {
	s, ok := p["url"].(string)
	if !ok {
		return "", false
	}
	return issuer(s), true
}

// FromTerraform implements tfstate.Importer.
func (k *Kind) FromTerraform(inst *tfstate.Instance) (tfstate.Imported, error) {
	arn := inst.String("arn")
	url := "https://" + issuer(inst.String("url"))
	ids, tps := inst.Strings("client_id_list"), inst.Strings("thumbprint_list")
	sort.Strings(ids)
	sort.Strings(tps)
	p := spec.Props{
		"url":        url,
		"client_ids": spec.StringListValue(ids),
	}
	if len(tps) > 0 {
		p["thumbprints"] = spec.StringListValue(tps)
	}
	if t := inst.Tags(); t != nil {
		p["tags"] = t
	}
	return tfstate.Imported{ID: arn, Props: p, Attrs: map[string]string{"arn": arn, "url": url}}, nil
}
