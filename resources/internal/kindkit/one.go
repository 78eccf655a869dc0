package kindkit

import "strings"

// One returns the single element of found, or nil when found is empty. For
// more than one it returns the error tooMany makes from their count and
// their ids (id of each, joined by ", "), so the user can tell which to
// delete.
func One[T any](found []T, id func(T) string, tooMany func(n int, ids string) error) (*T, error) {
	switch len(found) {
	case 0:
		return nil, nil
	case 1:
		return &found[0], nil
	}
	ids := make([]string, len(found))
	for i, f := range found {
		ids[i] = id(f)
	}
	return nil, tooMany(len(found), strings.Join(ids, ", "))
}
