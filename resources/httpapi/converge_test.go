package httpapi

import (
	"reflect"
	"slices"

	"github.com/trip-assistant/stack/reconcile"
)

// propsConverge tells whether live satisfies desired under schema the way
// the engine's diff is specified to: defaults fill unset fields, Object
// fields recurse, Field.Equal and Unordered lists are honoured. It stands
// in for reconcile.ComputeDiff until the engine provides it.
func propsConverge(schema reconcile.Schema, desired, live reconcile.Props) bool {
	for name, f := range schema {
		want, ok := desired[name]
		if !ok {
			if f.Default == nil {
				continue
			}
			want = f.Default
		}
		got := live[name]
		switch {
		case f.Type == reconcile.Object:
			w, g := asProps(want), asProps(got)
			if (w == nil) != (g == nil) {
				return false
			}
			if w != nil && !propsConverge(f.Fields, w, g) {
				return false
			}
		case f.Equal != nil:
			if !f.Equal(want, got) {
				return false
			}
		case f.Type == reconcile.StringList && f.Unordered:
			a, b := slices.Clone(reconcile.ToStringList(want)), slices.Clone(reconcile.ToStringList(got))
			slices.Sort(a)
			slices.Sort(b)
			if !slices.Equal(a, b) {
				return false
			}
		case f.Type == reconcile.StringMap:
			if !reflect.DeepEqual(reconcile.ToStringMap(want), reconcile.ToStringMap(got)) {
				return false
			}
		default:
			if !reflect.DeepEqual(want, got) {
				return false
			}
		}
	}
	return true
}

func asProps(v any) reconcile.Props {
	switch m := v.(type) {
	case map[string]any:
		return m
	case reconcile.Props:
		return m
	}
	return nil
}
