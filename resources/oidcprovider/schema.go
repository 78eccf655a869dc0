package oidcprovider

import (
	"fmt"
	"regexp"
	"strings"

	"github.com/trip-assistant/stack/reconcile/spec"
)

var thumbprintPattern = regexp.MustCompile(`^[0-9A-Fa-f]{40}$`)

// Schema implements reconcile.Kind.
func (k *Kind) Schema() spec.Schema {
	return spec.Schema{
		"url": {
			Type: spec.String, Required: true, ForceNew: true, Check: checkURL, Equal: urlEqual,
			Doc: "Issuer URL, https://token.actions.githubusercontent.com for GitHub Actions.",
		},
		"client_ids": {
			Type: spec.StringList, Required: true, Unordered: true, Check: checkClientIDs,
			Doc: "Audiences allowed to get tokens, sts.amazonaws.com for GitHub Actions.",
		},
		"thumbprints": {
			Type: spec.StringList, Unordered: true, SpecOnly: true, Check: checkThumbprints,
			Doc: "Server certificate thumbprints; AWS ignores them for GitHub, so they are never reported as drift.",
		},
		"tags": {
			Type: spec.StringMap,
			Doc:  "Tags on the provider.",
		},
	}
}

func checkURL(v any) error {
	s, _ := v.(string)
	if !strings.HasPrefix(s, "https://") || len(s) <= len("https://") || len(s) > 255 || strings.ContainsAny(s, "?#") {
		return fmt.Errorf("expected an https:// URL without query or fragment, got %q", s)
	}
	return nil
}

func checkClientIDs(v any) error {
	ids := spec.ToStringList(v)
	if len(ids) == 0 {
		return fmt.Errorf("expected at least one client id (sts.amazonaws.com for GitHub Actions)")
	}
	for _, id := range ids {
		if id == "" || len(id) > 255 {
			return fmt.Errorf("expected client ids of 1 to 255 characters, got %q", id)
		}
	}
	return nil
}

func checkThumbprints(v any) error {
	tps := spec.ToStringList(v)
	if len(tps) > 5 {
		return fmt.Errorf("expected at most 5 thumbprints, got %d", len(tps))
	}
	for _, t := range tps {
		if !strings.Contains(t, "${") && !thumbprintPattern.MatchString(t) {
			return fmt.Errorf("expected 40 hexadecimal digits (a SHA-1 thumbprint), got %q", t)
		}
	}
	return nil
}
