package fakekind

import (
	"fmt"
	"regexp"

	"github.com/trip-assistant/stack/reconcile"
	"github.com/trip-assistant/stack/reconcile/spec"
)

// Types of the fake kinds Registry returns.
const (
	Role     = "fake.role"
	Function = "fake.function"
	Alias    = "fake.alias"
	Secret   = "fake.secret"
)

var nameRE = regexp.MustCompile(`^[A-Za-z0-9_+=,.@-]{1,64}$`)

func checkName(v any) error {
	s, _ := v.(string)
	if !nameRE.MatchString(s) {
		return fmt.Errorf("must be 1 to 64 letters, digits and _+=,.@-, got %q", s)
	}
	return nil
}

func checkMemory(v any) error {
	n, _ := v.(int64)
	if n < 128 || n > 10240 {
		return fmt.Errorf("expected an integer between 128 and 10240, got %d", n)
	}
	return nil
}

// Registry returns the fake kinds, all backed by cloud, by type name:
// a role (tags, a policy document), a function-like kind (every field
// flavour: defaults, enum, create-only, spec-only, force-new, object,
// unordered list), an alias that follows a function's version, and a
// secret without tags.
func Registry(cloud *Cloud) map[string]reconcile.Kind {
	kinds := []*Kind{
		{
			TypeName: Role, Cloud: cloud, Attrs: []string{"arn", "name"},
			Fields: spec.Schema{
				"name":   {Type: spec.String, Required: true, ForceNew: true, Check: checkName},
				"policy": {Type: spec.Document},
				"tags":   {Type: spec.StringMap},
			},
		},
		{
			TypeName: Function, Cloud: cloud, Attrs: []string{"arn", "name", "version"},
			ChangedByUpdate: []string{"version"},
			Fields: spec.Schema{
				"name":        {Type: spec.String, Required: true, ForceNew: true, Check: checkName},
				"role":        {Type: spec.String, Required: true},
				"memory_size": {Type: spec.Int, Default: int64(128), Check: checkMemory},
				"runtime":     {Type: spec.String, Default: "provided.al2023", Enum: []string{"provided.al2023", "python3.12"}},
				"environment": {Type: spec.StringMap},
				"handlers":    {Type: spec.StringList, Unordered: true},
				"image":       {Type: spec.String, CreateOnly: true},
				"thumbprint":  {Type: spec.String, SpecOnly: true},
				"zone":        {Type: spec.String, ForceNew: true},
				"token":       {Type: spec.String, Sensitive: true},
				"config": {Type: spec.Object, Fields: spec.Schema{
					"timeout": {Type: spec.Int},
					"mode":    {Type: spec.String},
				}},
				"tags": {Type: spec.StringMap},
			},
		},
		{
			TypeName: Alias, Cloud: cloud, Attrs: []string{"arn", "name"},
			Fields: spec.Schema{
				"name":             {Type: spec.String, Required: true, ForceNew: true, Check: checkName},
				"function_version": {Type: spec.String, Required: true},
			},
		},
		{
			TypeName: Secret, Cloud: cloud, Attrs: []string{"arn", "name"},
			Fields: spec.Schema{
				"name":  {Type: spec.String, Required: true, ForceNew: true, Check: checkName},
				"value": {Type: spec.String, Required: true, Sensitive: true},
			},
		},
	}
	out := make(map[string]reconcile.Kind, len(kinds))
	for _, k := range kinds {
		out[k.TypeName] = k
	}
	return out
}

// Fakes returns the registry's kinds as *Kind, to set hooks on.
func Fakes(kinds map[string]reconcile.Kind) map[string]*Kind {
	out := make(map[string]*Kind, len(kinds))
	for t, k := range kinds {
		if f, ok := k.(*Kind); ok {
			out[t] = f
		}
	}
	return out
}
