package main

import (
	"errors"

	"github.com/trip-assistant/stack/internal/lambdaproto"
)

// failure is an error the handler reports to its caller as a typed payload.
// Message is shown to the caller; Err is logged and never leaves the process.
type failure struct {
	Type    string // one of the lambdaproto.Err* types
	Message string
	Err     error
}

func (f *failure) Error() string {
	if f.Err == nil {
		return f.Message
	}
	return f.Message + ": " + f.Err.Error()
}

func (f *failure) Unwrap() error { return f.Err }

// payload turns any error into the error object of the response. An error
// that is not a failure is a bug; it is reported as upstream_error rather
// than leaking its text.
func payload(err error) *lambdaproto.Error {
	var f *failure
	if errors.As(err, &f) {
		return &lambdaproto.Error{Type: f.Type, Message: f.Message}
	}
	return &lambdaproto.Error{Type: lambdaproto.ErrUpstreamError, Message: "the assistant failed unexpectedly"}
}
