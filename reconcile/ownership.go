package reconcile

import (
	"fmt"

	"github.com/trip-assistant/stack/reconcile/spec"
)

// Ownership tags the engine adds to every kind whose schema has a "tags"
// field: they let a later run find what a killed run created but did not
// record, and tell the stack's resources from others sharing its prefix.
const (
	TagStack = "reconcile:stack" // "<project>/<environment>"
	TagName  = "reconcile:name"  // the logical name in the spec
)

// Owner is the stack a live resource's ownership tag names, "" if none.
func Owner(live spec.Props) string {
	return spec.ToStringMap(live["tags"])[TagStack]
}

// checkOwner refuses a change to a resource that another stack of this
// tool owns: it is never adopted, updated, retagged or deleted. The change
// becomes a no-op and the plan carries the error, so nothing is applied.
func checkOwner(c *Change, stack string) string {
	if c.Data || !c.Live.Exists {
		return ""
	}
	owner := Owner(c.Live.Props)
	if owner == "" || owner == stack {
		return ""
	}
	verb := map[Action]string{Import: "adopt", Update: "change", Replace: "replace", Delete: "delete"}[c.Action]
	if c.Class == Adopted {
		verb = "adopt"
	}
	if verb == "" {
		verb = "manage"
	}
	c.Action, c.Class, c.Diff, c.StateStale = NoOp, Unchanged, nil, false
	return fmt.Sprintf("%s (%s %s) belongs to the stack %s (its %s tag says so): this stack will not %s it. "+
		"To share it, declare it under data: in this spec so this stack only reads it, and let %s own it; or give this stack its own",
		c.Name, c.Type, c.DisplayID(), owner, TagStack, verb, owner)
}

// injectTags adds the ownership tags to kinds that take tags.
func injectTags(schema spec.Schema, desired spec.Props, sp *spec.Spec, name string) {
	if f, ok := schema["tags"]; !ok || f.Type != spec.StringMap {
		return
	}
	tags := map[string]any{}
	for k, v := range spec.ToStringMap(desired["tags"]) {
		tags[k] = v
	}
	tags[TagStack] = sp.Project + "/" + sp.Environment
	tags[TagName] = tagName(sp, logicalName(name))
	desired["tags"] = tags
}
