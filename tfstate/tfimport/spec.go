package tfimport

import "github.com/trip-assistant/stack/reconcile"

// The one place this package reads a loaded spec (reconcile.Spec, moving
// to reconcile/spec): what matching needs of it, copied out.

type specResource struct {
	Name    string
	Type    string
	Props   reconcile.Props // templates unresolved
	Deps    []string
	Protect bool
}

type specView struct {
	Project, Environment, Region string
	Inputs                       map[string]reconcile.Input
	Resources                    []specResource // as declared
}

func viewOf(s *reconcile.Spec) specView {
	v := specView{Project: s.Project, Environment: s.Environment, Region: s.Region, Inputs: s.Inputs}
	for _, name := range s.Order {
		r := s.Resources[name]
		v.Resources = append(v.Resources, specResource{Name: name, Type: r.Type, Props: r.Props, Deps: r.Deps, Protect: r.Protect})
	}
	return v
}
