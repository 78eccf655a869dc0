package kindkit

import "errors"

// Is reports whether err wraps an error of type E, as errors.As finds it;
// a kind names its service's not-found with it, e.g.
// Is[*types.NoSuchEntityException].
func Is[E error](err error) bool {
	var e E
	return errors.As(err, &e)
}
