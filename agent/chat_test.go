package main

import (
	"errors"
	"net/http"
	"testing"
	"time"

	"github.com/trip-assistant/stack/internal/lambdaproto"
)

// recordingTransport records the URL of each request and fails it, so no
// request leaves the machine.
type recordingTransport struct{ urls []string }

func (t *recordingTransport) RoundTrip(r *http.Request) (*http.Response, error) {
	t.urls = append(t.urls, r.Method+" "+r.URL.String()+" "+r.Header.Get("Authorization"))
	return nil, errors.New("recordingTransport sends nothing")
}

// TestChatDefaultsToOpenAIAndIgnoresEnvironment checks what a bare
// responses service would otherwise get wrong: with no base URL configured
// the call goes to the OpenAI API, and the SDK's environment variables
// (which openai.NewClient would read) neither redirect it nor replace the
// key read from SSM.
func TestChatDefaultsToOpenAIAndIgnoresEnvironment(t *testing.T) {
	t.Setenv("OPENAI_BASE_URL", "http://127.0.0.1:1/elsewhere/")
	t.Setenv("OPENAI_API_KEY", "sk-from-the-environment")
	rt := &recordingTransport{}
	c := Chat{Model: "m", Timeout: 5 * time.Second, HTTPClient: &http.Client{Transport: rt}}

	_, err := c.Complete(t.Context(), testKey, lambdaproto.Request{Message: "hi"})

	var f *failure
	if !errors.As(err, &f) || f.Type != lambdaproto.ErrUpstreamError {
		t.Fatalf("Complete() error = %v, want an upstream_error failure", err)
	}
	want := "POST https://api.openai.com/v1/responses Bearer " + testKey
	// One retry after the transport error: two identical attempts.
	if len(rt.urls) != 2 || rt.urls[0] != want || rt.urls[1] != want {
		t.Errorf("requests = %q, want twice %q", rt.urls, want)
	}
}
