package tfimport

import "github.com/trip-assistant/stack/reconcile/spec"

// The one place this package reads a loaded spec: what matching needs of
// it, copied out. Data sources (the spec's data: section) are read-only
// references, never imported.

type specResource struct {
	Name    string
	Type    string
	Props   spec.Props // templates unresolved
	Deps    []string
	Protect bool
}

type specView struct {
	Project, Environment, Region string
	Inputs                       map[string]spec.Input
	Resources                    []specResource // as declared
}

func viewOf(s *spec.Spec) specView {
	v := specView{Project: s.Project, Environment: s.Environment, Region: s.Region, Inputs: s.Inputs}
	for _, name := range s.Order {
		r := s.Resources[name]
		if r == nil || r.Data {
			continue
		}
		v.Resources = append(v.Resources, specResource{Name: name, Type: r.Type, Props: r.Props, Deps: r.Deps, Protect: r.Protect})
	}
	return v
}
