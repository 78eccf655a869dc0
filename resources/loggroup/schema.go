package loggroup

import (
	"errors"
	"fmt"
	"regexp"
	"slices"

	"github.com/trip-assistant/stack/reconcile/spec"
)

// Type is the spec's name for this kind.
func (k *Kind) Type() string { return "logs.log_group" }

// Schema describes the fields of a logs.log_group.
func (k *Kind) Schema() spec.Schema {
	return spec.Schema{
		"name": {Type: spec.String, Required: true, ForceNew: true, Check: CheckName,
			Doc: "Log group name (/aws/lambda/<function> for a function's logs)."},
		// 0 stands for "never expire" on both sides (Observe reports 0 when
		// the group has no retention policy), so that dropping the field
		// from the spec is a diff: the engine leaves unset fields without a
		// Default alone.
		"retention_days": {Type: spec.Int, Default: int64(0), Check: CheckRetention,
			Doc: "Days to keep events (1, 3, 5, 7, 14, 30, ...); unset or 0 keeps them forever."},
		"kms_key_id": {Type: spec.String, Default: "", Doc: "ARN of the KMS key encrypting the log data."},
		"tags":       {Type: spec.StringMap, Doc: "Tags on the log group."},
		// No kind declares a subscription filter yet, so the stack owns
		// the set as empty: a filter added by hand (which ships every
		// event elsewhere) is drift, and apply deletes it.
		"subscription_filters": {Type: spec.StringList, Unordered: true, Default: []any{}, Exclusive: true, Check: checkNoFilters,
			Doc: "Names of the group's subscription filters, owned exclusively: none can be declared yet, so any filter is drift and is deleted (ignore: [subscription_filters] to keep them)."},
	}
}

// Attributes lists what ${name.attr} may reference.
func (k *Kind) Attributes() []string { return []string{"arn", "name"} }

var nameChars = regexp.MustCompile(`^[.\-_/#A-Za-z0-9]+$`)

// CheckName applies the log group naming rules: 1 to 512 characters of
// letters, digits and . - _ / #.
func CheckName(v any) error {
	name, ok := v.(string)
	if !ok {
		return fmt.Errorf("expected a string, got %T", v)
	}
	if len(name) < 1 || len(name) > 512 {
		return fmt.Errorf("must be 1 to 512 characters long, got %d", len(name))
	}
	if !nameChars.MatchString(name) {
		return errors.New("may contain only letters, digits and . - _ / #")
	}
	return nil
}

// RetentionDays are the only values PutRetentionPolicy accepts.
var RetentionDays = []int64{1, 3, 5, 7, 14, 30, 60, 90, 120, 150, 180, 365, 400, 545, 731, 1096, 1827, 2192, 2557, 2922, 3288, 3653}

// CheckRetention accepts one of RetentionDays, or 0 for never.
func CheckRetention(v any) error {
	n, ok := toInt64(v)
	if !ok {
		return fmt.Errorf("expected an integer, got %T", v)
	}
	if n != 0 && !slices.Contains(RetentionDays, n) {
		return fmt.Errorf("must be 0 (never expire) or one of %v, got %d", RetentionDays, n)
	}
	return nil
}

func toInt64(v any) (int64, bool) {
	switch n := v.(type) {
	case int64:
		return n, true
	case int:
		return int64(n), true
	case int32:
		return int64(n), true
	case float64:
		if n == float64(int64(n)) {
			return int64(n), true
		}
	}
	return 0, false
}

func checkNoFilters(v any) error {
	if l := spec.ToStringList(v); len(l) > 0 {
		return fmt.Errorf("subscription filters cannot be declared yet: leave the field unset (none), or ignore: [subscription_filters] to leave them alone; got %v", l)
	}
	return nil
}
