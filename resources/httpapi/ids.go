package httpapi

import (
	"fmt"
	"strings"

	"github.com/trip-assistant/stack/reconcile/spec"
)

// An integration, route or stage is known by its API and its own id (the
// stage by its name), so that Observe and Delete need nothing but the ID the
// state recorded: "apiId/childId". API ids never hold a slash.
func joinID(apiID, child string) string { return apiID + "/" + child }

func splitID(kind, id string) (apiID, child string, err error) {
	apiID, child, ok := strings.Cut(id, "/")
	if !ok || apiID == "" || child == "" {
		return "", "", fmt.Errorf("invalid %s id %q: want \"apiId/%sId\"", kind, id, strings.TrimPrefix(kind, "apigw."))
	}
	return apiID, child, nil
}

// knownString returns a desired string that is set and known. Observe gets
// desired props that may still hold spec.Unknown (a reference to a
// resource not yet made): such a resource cannot exist yet.
func knownString(p spec.Props, key string) (string, bool) {
	s, ok := p[key].(string)
	return s, ok && s != ""
}
