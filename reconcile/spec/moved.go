package spec

import (
	"fmt"

	"gopkg.in/yaml.v3"
)

// Move is one entry of the spec's moved: section: the resource the state
// records as From is the spec's To, renamed in the spec and left as it is
// in AWS.
type Move struct {
	From, To string
	Pos      Pos
}

// MovedFrom returns the name a resource had before a moved: entry renamed
// it, "" when none did.
func (s *Spec) MovedFrom(to string) string {
	for _, m := range s.Moves {
		if m.To == to {
			return m.From
		}
	}
	return ""
}

// loadMoved reads moved: [{from: old, to: new}, ...]. to must be declared
// under resources: and from nowhere (the old name is gone from the spec);
// each name appears once. A move to a resource disabled in the
// environment is kept out of Moves: there is nothing to rename into.
func (l *loader) loadMoved(n *yaml.Node, resources, data *yaml.Node) {
	n = resolveAlias(n)
	if n == nil || n.Kind != yaml.SequenceNode {
		l.errf(n, "moved", "expected a list of {from: OLD_NAME, to: NEW_NAME}, got %s", describe(n))
		return
	}
	declared := map[string]string{} // name → section
	for section, sn := range map[string]*yaml.Node{"resources": resources, "data": data} {
		sn = resolveAlias(sn)
		if sn == nil || sn.Kind != yaml.MappingNode {
			continue
		}
		for i := 0; i+1 < len(sn.Content); i += 2 {
			declared[sn.Content[i].Value] = section
		}
	}
	seenFrom, seenTo := map[string]bool{}, map[string]bool{}
	for i, e := range n.Content {
		path := fmt.Sprintf("moved[%d]", i)
		keys, vals, ok := l.mapping(e, path)
		if !ok {
			continue
		}
		m := Move{Pos: Pos{e.Line, e.Column}}
		var fromNode, toNode *yaml.Node
		for j, k := range keys {
			switch k.Value {
			case "from":
				m.From, _ = l.str(vals[j], path+".from")
				fromNode = vals[j]
			case "to":
				m.To, _ = l.str(vals[j], path+".to")
				toNode = vals[j]
			default:
				l.errf(k, path+"."+k.Value, "unknown field (expected from, to)")
			}
		}
		if fromNode == nil {
			l.errf(e, path+".from", "required field is missing")
		}
		if toNode == nil {
			l.errf(e, path+".to", "required field is missing")
		}
		if fromNode == nil || toNode == nil || m.From == "" || m.To == "" {
			continue
		}
		bad := false
		for _, f := range []struct {
			name, field string
			node        *yaml.Node
		}{{m.From, "from", fromNode}, {m.To, "to", toNode}} {
			if !nameRE.MatchString(f.name) {
				l.errf(f.node, path+"."+f.field, "resource names are lowercase letters, digits and underscores, starting with a letter, got %q", f.name)
				bad = true
			}
		}
		if bad {
			continue
		}
		switch {
		case m.From == m.To:
			l.errf(toNode, path+".to", "%s is moved to itself", m.To)
		case declared[m.From] != "":
			l.errf(fromNode, path+".from", "%s is still declared under %s: a moved resource's old name must be gone from the spec", m.From, declared[m.From])
		case declared[m.To] == "":
			l.errf(toNode, path+".to", "no resource %s is declared under resources: (the new name must be in the spec)", m.To)
		case declared[m.To] == "data":
			l.errf(toNode, path+".to", "%s is a data source: only a resource the stack manages can be moved into", m.To)
		case seenFrom[m.From]:
			l.errf(fromNode, path+".from", "%s is moved twice", m.From)
		case seenTo[m.To]:
			l.errf(toNode, path+".to", "two resources are moved to %s", m.To)
		default:
			seenFrom[m.From], seenTo[m.To] = true, true
			if _, enabled := l.s.Resources[m.To]; enabled {
				l.s.Moves = append(l.s.Moves, m)
			}
		}
	}
}
