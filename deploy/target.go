package deploy

import (
	"fmt"
	"slices"
	"strings"

	"github.com/trip-assistant/stack/reconcile/spec"
	"github.com/trip-assistant/stack/resources/lambdaalias"
	"github.com/trip-assistant/stack/resources/lambdafn"
)

// target is the function a deploy moves and the alias that serves it.
type target struct {
	fn, alias string // logical names in the spec
}

// findTarget finds the function's alias in the spec: the lambda.alias that
// references the function.
func findTarget(sp *spec.Spec, function string) (target, error) {
	var functions []string
	for _, name := range sp.Order {
		if sp.Resources[name].Type == lambdafn.Type {
			functions = append(functions, name)
		}
	}
	if !slices.Contains(functions, function) {
		return target{}, fmt.Errorf("%q is not a %s of %s; --function takes one of: %s", function, lambdafn.Type, sp.File, strings.Join(functions, ", "))
	}
	var aliases []string
	for _, name := range sp.Order {
		r := sp.Resources[name]
		if r.Type == lambdaalias.Type && slices.Contains(r.Deps, function) {
			aliases = append(aliases, name)
		}
	}
	switch len(aliases) {
	case 0:
		return target{}, fmt.Errorf("function %q has no %s in %s: a deploy moves an alias to the version it publishes; declare one with function_name: ${%s.name}", function, lambdaalias.Type, sp.File, function)
	case 1:
		return target{fn: function, alias: aliases[0]}, nil
	default:
		return target{}, fmt.Errorf("function %q has several aliases in %s (%s): a deploy moves exactly one", function, sp.File, strings.Join(aliases, ", "))
	}
}
