package spec

import (
	"strings"

	"gopkg.in/yaml.v3"
)

// Environment overrides: merged into the YAML tree before decoding, so every
// error still points at the line that set the value.

func (l *loader) applyOverrides(n *yaml.Node, top map[string]*yaml.Node) {
	keys, vals, ok := l.mapping(n, "environments")
	if !ok {
		return
	}
	var names []string
	var over *yaml.Node
	for i, k := range keys {
		names = append(names, k.Value)
		if k.Value == l.s.Environment {
			over = vals[i]
		}
	}
	if over == nil {
		l.errf(n, "environments", "environment %q is not declared (declared: %s)", l.s.Environment, strings.Join(names, ", "))
		return
	}
	if over.Kind == yaml.ScalarNode && over.Tag == "!!null" {
		return // "dev:" with nothing to override
	}
	okeys, ovals, ok := l.mapping(over, "environments."+l.s.Environment)
	if !ok {
		return
	}
	for i, k := range okeys {
		path := "environments." + l.s.Environment + "." + k.Value
		switch k.Value {
		case "region":
			top["region"] = ovals[i]
		case "inputs", "outputs":
			if top[k.Value] == nil {
				top[k.Value] = ovals[i]
			} else {
				mergeNode(top[k.Value], ovals[i])
			}
		case "resources", "data":
			base := top[k.Value]
			rkeys, rvals, ok := l.mapping(ovals[i], path)
			if !ok || base == nil {
				continue
			}
			for j, rk := range rkeys {
				target := mappingValue(base, rk.Value)
				if target == nil {
					l.errf(rk, path+"."+rk.Value, "override for a resource that is not declared in %s", k.Value)
					continue
				}
				mergeNode(target, rvals[j])
			}
		default:
			l.errf(k, path, "unknown field (an environment may override region, inputs, resources, data, outputs)")
		}
	}
}

// mappingValue returns the value at key, ready to be merged into: a value
// that is an alias is replaced by a copy first, so an override never
// changes the other places the anchor is used.
func mappingValue(n *yaml.Node, key string) *yaml.Node {
	n = resolveAlias(n)
	if n == nil || n.Kind != yaml.MappingNode {
		return nil
	}
	for i := 0; i+1 < len(n.Content); i += 2 {
		if n.Content[i].Value == key {
			if n.Content[i+1].Kind == yaml.AliasNode {
				n.Content[i+1] = copyNode(resolveAlias(n.Content[i+1]), 0)
			}
			return n.Content[i+1]
		}
	}
	return nil
}

func copyNode(n *yaml.Node, depth int) *yaml.Node {
	if n == nil || depth > 64 {
		return n
	}
	c := *n
	if n.Kind == yaml.AliasNode {
		if depth > 0 {
			// Nested aliases stay aliases: mergeNode copies one when it
			// descends into it, and expanding them all here is exponential.
			return n
		}
		return copyNode(resolveAlias(n), depth+1)
	}
	c.Content = make([]*yaml.Node, len(n.Content))
	for i, e := range n.Content {
		c.Content[i] = copyNode(e, depth+1)
	}
	return &c
}

// mergeNode merges over into base in place: mappings merge key by key,
// anything else is replaced.
func mergeNode(base, over *yaml.Node) {
	over = resolveAlias(over)
	if base.Kind != yaml.MappingNode || over.Kind != yaml.MappingNode {
		*base = *over
		return
	}
	for i := 0; i+1 < len(over.Content); i += 2 {
		k, v := over.Content[i], over.Content[i+1]
		found := false
		for j := 0; j+1 < len(base.Content); j += 2 {
			if base.Content[j].Value == k.Value {
				if base.Content[j+1].Kind == yaml.AliasNode {
					base.Content[j+1] = copyNode(base.Content[j+1], 0)
				}
				bv := base.Content[j+1]
				if bv.Kind == yaml.MappingNode && resolveAlias(v).Kind == yaml.MappingNode {
					mergeNode(bv, v)
				} else {
					base.Content[j+1] = v
				}
				found = true
				break
			}
		}
		if !found {
			base.Content = append(base.Content, k, v)
		}
	}
}
