package spec

import (
	"fmt"
	"regexp"
	"strconv"
	"strings"

	"gopkg.in/yaml.v3"
)

// YAML node helpers shared by the loader and the override merge.

var yamlLineRE = regexp.MustCompile(`line (\d+)`)

func yamlError(file string, err error) *Error {
	msg := strings.TrimPrefix(err.Error(), "yaml: ")
	e := &Error{File: file, Msg: msg}
	if m := yamlLineRE.FindStringSubmatch(msg); m != nil {
		n, _ := strconv.Atoi(m[1])
		// yaml.v3 counts lines from 0 in parser errors ("did not find
		// expected ..."), from 1 in scanner errors.
		if strings.Contains(msg, "did not find expected") {
			n++
		}
		e.Pos = Pos{Line: n, Col: 1}
		e.Msg = strings.TrimPrefix(msg, m[0]+": ")
	}
	return e
}

func resolveAlias(n *yaml.Node) *yaml.Node {
	for i := 0; n != nil && n.Kind == yaml.AliasNode && i < 100; i++ {
		n = n.Alias
	}
	return n
}

func describe(n *yaml.Node) string {
	if n == nil {
		return "nothing"
	}
	switch n.Kind {
	case yaml.MappingNode:
		return "a mapping"
	case yaml.SequenceNode:
		return "a list"
	case yaml.ScalarNode:
		switch n.Tag {
		case "!!null":
			return "null"
		case "!!str":
			return strconv.Quote(n.Value)
		}
		return n.Value
	}
	return "an unknown node"
}

func join(path, key string) string {
	if path == "" {
		return key
	}
	return path + "." + key
}

// maxDocumentValues bounds a document once its aliases are expanded: a few
// lines of nested anchors can stand for billions of values.
const maxDocumentValues = 100_000

// countValues counts the nodes under n, aliases expanded, stopping once
// past limit.
func countValues(n *yaml.Node, depth, limit int) int {
	n = resolveAlias(n)
	if n == nil || depth > 64 {
		return 1
	}
	count := 1
	for _, c := range n.Content {
		if count > limit {
			break
		}
		count += countValues(c, depth+1, limit-count)
	}
	return count
}

// nodeValue converts a YAML node to a JSON-like value.
func nodeValue(n *yaml.Node, depth int) (any, error) {
	n = resolveAlias(n)
	if depth > 64 {
		return nil, fmt.Errorf("nested too deeply")
	}
	switch n.Kind {
	case yaml.MappingNode:
		out := map[string]any{}
		for i := 0; i+1 < len(n.Content); i += 2 {
			v, err := nodeValue(n.Content[i+1], depth+1)
			if err != nil {
				return nil, err
			}
			out[n.Content[i].Value] = v
		}
		return out, nil
	case yaml.SequenceNode:
		out := make([]any, 0, len(n.Content))
		for _, e := range n.Content {
			v, err := nodeValue(e, depth+1)
			if err != nil {
				return nil, err
			}
			out = append(out, v)
		}
		return out, nil
	case yaml.ScalarNode:
		switch n.Tag {
		case "!!int":
			if v, err := strconv.ParseInt(n.Value, 0, 64); err == nil {
				return v, nil
			}
		case "!!bool":
			return n.Value == "true", nil
		case "!!null":
			return nil, nil
		case "!!float":
			if v, err := strconv.ParseFloat(n.Value, 64); err == nil {
				return v, nil
			}
		}
		return n.Value, nil
	}
	return nil, fmt.Errorf("unsupported YAML node")
}
