package kindkit

import (
	"sort"

	"github.com/aws/aws-sdk-go-v2/aws"
)

// TagMap turns a service's tag list into a map; kv gives a tag's key and
// value (each service's SDK has its own Tag type).
func TagMap[T any](tags []T, kv func(T) (key, value *string)) map[string]string {
	m := make(map[string]string, len(tags))
	for _, t := range tags {
		k, v := kv(t)
		m[aws.ToString(k)] = aws.ToString(v)
	}
	return m
}

// TagList turns a tag map into a service's tag list, sorted by key so a
// call is the same every run; mk builds one tag. An empty map gives an
// empty, non-nil list.
func TagList[T any](m map[string]string, mk func(key, value *string) T) []T {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	tags := make([]T, 0, len(keys))
	for _, k := range keys {
		tags = append(tags, mk(aws.String(k), aws.String(m[k])))
	}
	return tags
}

// TagListOrNil is TagList, but nil for an empty map, for the calls that
// leave an empty tag list out.
func TagListOrNil[T any](m map[string]string, mk func(key, value *string) T) []T {
	if len(m) == 0 {
		return nil
	}
	return TagList(m, mk)
}
