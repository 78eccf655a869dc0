package ssmparam

import "strings"

// redactedError hides a secret that an AWS error message may echo back: a
// ValidationException on PutParameter quotes the rejected value ("Value
// '...' at 'value' failed to satisfy constraint"). Unwrap keeps the typed
// AWS error reachable for errors.As; only the text is scrubbed.
type redactedError struct {
	msg string
	err error
}

func (e *redactedError) Error() string { return e.msg }
func (e *redactedError) Unwrap() error { return e.err }

// redact returns err with every occurrence of secret replaced.
func redact(err error, secret string) error {
	if err == nil || secret == "" || !strings.Contains(err.Error(), secret) {
		return err
	}
	return &redactedError{msg: strings.ReplaceAll(err.Error(), secret, "(sensitive)"), err: err}
}
