package ecrrepo

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"reflect"
	"sort"
)

// CheckLifecyclePolicy accepts an object (or its JSON text) holding a
// non-empty "rules" list of objects, or an empty object for no policy. ECR
// validates the rules themselves.
func CheckLifecyclePolicy(v any) error {
	if emptyPolicy(v) {
		return nil
	}
	doc, err := normalisePolicy(v)
	if err != nil {
		return err
	}
	m, ok := doc.(map[string]any)
	if !ok {
		return errors.New("expected an object with a \"rules\" list")
	}
	rules, ok := m["rules"].([]any)
	if !ok || len(rules) == 0 {
		return errors.New("expected a non-empty \"rules\" list")
	}
	for i, r := range rules {
		if _, ok := r.(map[string]any); !ok {
			return fmt.Errorf("rules[%d]: expected an object", i)
		}
	}
	return nil
}

// emptyPolicy reports whether v means "no lifecycle policy".
func emptyPolicy(v any) bool {
	switch t := v.(type) {
	case nil:
		return true
	case map[string]any:
		return len(t) == 0
	case string:
		return t == "" || t == "{}"
	}
	return false
}

// LifecyclePolicyEqual compares two lifecycle policies as ECR means them.
// ECR stores rules sorted by rulePriority and may reorder the tag lists of
// a selection (terraform-provider-aws#22639), so both sides are normalised
// before comparing: rules sorted by priority, every string list inside a
// selection sorted. Anything else (a count changed, a rule added) differs.
func LifecyclePolicyEqual(want, got any) bool {
	if emptyPolicy(want) || emptyPolicy(got) {
		return emptyPolicy(want) && emptyPolicy(got)
	}
	w, err := normalisePolicy(want)
	if err != nil {
		return false
	}
	g, err := normalisePolicy(got)
	if err != nil {
		return false
	}
	return reflect.DeepEqual(w, g)
}

// normalisePolicy turns a policy given as an object (decoded YAML, decoded
// JSON) or as JSON text into a canonical JSON value.
func normalisePolicy(v any) (any, error) {
	var raw []byte
	if s, ok := v.(string); ok {
		raw = []byte(s)
	} else {
		var err error
		if raw, err = json.Marshal(v); err != nil {
			return nil, fmt.Errorf("lifecycle policy is not JSON-like: %w", err)
		}
	}
	var doc any
	if err := json.Unmarshal(raw, &doc); err != nil {
		return nil, fmt.Errorf("lifecycle policy is not valid JSON: %w", err)
	}
	m, ok := doc.(map[string]any)
	if !ok {
		return doc, nil
	}
	rules, _ := m["rules"].([]any)
	for _, r := range rules {
		rule, _ := r.(map[string]any)
		sel, _ := rule["selection"].(map[string]any)
		for k, v := range sel {
			if l, ok := stringList(v); ok {
				sort.Strings(l)
				sel[k] = l
			}
		}
	}
	sort.SliceStable(rules, func(i, j int) bool { return priority(rules[i]) < priority(rules[j]) })
	return m, nil
}

func priority(r any) float64 {
	rule, _ := r.(map[string]any)
	p, _ := rule["rulePriority"].(float64)
	return p
}

func stringList(v any) ([]string, bool) {
	l, ok := v.([]any)
	if !ok {
		return nil, false
	}
	out := make([]string, len(l))
	for i, e := range l {
		s, ok := e.(string)
		if !ok {
			return nil, false
		}
		out[i] = s
	}
	return out, true
}

// policyText is the JSON ECR takes for a desired policy.
func policyText(v any) (string, error) {
	if s, ok := v.(string); ok {
		return s, nil
	}
	b, err := json.Marshal(v)
	if err != nil {
		return "", fmt.Errorf("cannot encode the lifecycle policy: %w", err)
	}
	return string(b), nil
}

// decodePolicy parses ECR's policy text into the JSON-like values Observe
// reports: integers as int64, as the spec decoder gives them.
func decodePolicy(text string) (any, error) {
	dec := json.NewDecoder(bytes.NewReader([]byte(text)))
	dec.UseNumber()
	var doc any
	if err := dec.Decode(&doc); err != nil {
		return nil, err
	}
	return numbers(doc), nil
}

func numbers(v any) any {
	switch t := v.(type) {
	case json.Number:
		if i, err := t.Int64(); err == nil {
			return i
		}
		f, _ := t.Float64()
		return f
	case map[string]any:
		for k, e := range t {
			t[k] = numbers(e)
		}
	case []any:
		for i, e := range t {
			t[i] = numbers(e)
		}
	}
	return v
}
