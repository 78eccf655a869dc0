package lambdaproto

import (
	"errors"
	"fmt"
	"strings"
	"unicode/utf8"
)

// Input bounds. Lengths are counted in characters (runes), not bytes, so a
// message in any script gets the same allowance.
const (
	MaxMessageChars = 4000
	MaxHistoryChars = 4000
	// MaxHistory is how many earlier turns reach the model; older ones are
	// dropped, not rejected, so a long conversation keeps working.
	MaxHistory = 20
)

// Roles a history entry may carry. "system" is not accepted: only the agent
// writes the system prompt.
const (
	RoleUser      = "user"
	RoleAssistant = "assistant"
)

// Error types the agent reports in Response.Error.
const (
	ErrInvalidInput    = "invalid_input"
	ErrMissingKey      = "missing_key"
	ErrKeyUnreadable   = "key_unreadable"
	ErrUpstreamRefused = "upstream_refused"
	ErrUpstreamTimeout = "upstream_timeout"
	ErrUpstreamError   = "upstream_error"
)

// Request is what the agent is invoked with.
type Request struct {
	Message string    `json:"message"`
	History []Message `json:"history,omitempty"`
}

// Message is one earlier turn of the conversation.
type Message struct {
	Role    string `json:"role"`
	Content string `json:"content"`
}

// Response is what the agent answers: a reply, or an Error and nothing else.
type Response struct {
	Reply string `json:"reply,omitempty"`
	Model string `json:"model,omitempty"`
	Usage *Usage `json:"usage,omitempty"`
	Error *Error `json:"error,omitempty"`
}

// Usage is the token count the model provider reported.
type Usage struct {
	PromptTokens     int64 `json:"prompt_tokens"`
	CompletionTokens int64 `json:"completion_tokens"`
	TotalTokens      int64 `json:"total_tokens"`
}

// Error is a failure the caller can branch on by Type. Message is written
// for people and never carries secrets or upstream error text.
type Error struct {
	Type    string `json:"type"`
	Message string `json:"message"`
}

// ErrInvalid is wrapped by every error Validate returns.
var ErrInvalid = errors.New("invalid input")

// Validate checks r against the bounds and returns it with the history cut
// to the MaxHistory most recent entries. The returned error wraps ErrInvalid
// and its text is safe to show to the client.
func (r Request) Validate() (Request, error) {
	if strings.TrimSpace(r.Message) == "" {
		return Request{}, fmt.Errorf("%w: message is empty", ErrInvalid)
	}
	if n := utf8.RuneCountInString(r.Message); n > MaxMessageChars {
		return Request{}, fmt.Errorf("%w: message has %d characters, at most %d are allowed", ErrInvalid, n, MaxMessageChars)
	}
	for i, m := range r.History {
		if m.Role != RoleUser && m.Role != RoleAssistant {
			return Request{}, fmt.Errorf("%w: history[%d].role must be %q or %q", ErrInvalid, i, RoleUser, RoleAssistant)
		}
		if strings.TrimSpace(m.Content) == "" {
			return Request{}, fmt.Errorf("%w: history[%d].content is empty", ErrInvalid, i)
		}
		if n := utf8.RuneCountInString(m.Content); n > MaxHistoryChars {
			return Request{}, fmt.Errorf("%w: history[%d].content has %d characters, at most %d are allowed", ErrInvalid, i, n, MaxHistoryChars)
		}
	}
	if len(r.History) > MaxHistory {
		r.History = r.History[len(r.History)-MaxHistory:]
	}
	return r, nil
}
