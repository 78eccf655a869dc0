package main

import (
	"bytes"
	"context"
	"encoding/json"
	"log/slog"
	"time"
	"unicode/utf8"

	"github.com/aws/aws-lambda-go/lambdacontext"

	"github.com/trip-assistant/stack/internal/lambdaproto"
)

// Agent answers one invocation.
type Agent struct {
	Keys *KeyLoader
	Chat Chat
	Log  *slog.Logger
}

// Handle is the Lambda handler. It always returns a nil error: failures are
// in Response.Error (see the package documentation for why). It takes the
// raw payload so that malformed JSON is an invalid_input answer too, rather
// than a runtime error from the Lambda library.
func (a *Agent) Handle(ctx context.Context, raw json.RawMessage) (lambdaproto.Response, error) {
	start := time.Now()
	log := a.Log
	if lc, ok := lambdacontext.FromContext(ctx); ok {
		log = log.With("request_id", lc.AwsRequestID)
	}

	resp, attrs, err := a.answer(ctx, raw)
	attrs = append(attrs, slog.Int64("duration_ms", time.Since(start).Milliseconds()))
	if err != nil {
		resp = lambdaproto.Response{Error: payload(err)}
		attrs = append(attrs, slog.String("error_type", resp.Error.Type), slog.String("error", err.Error()))
		log.LogAttrs(ctx, slog.LevelWarn, "invocation failed", attrs...)
		return resp, nil
	}
	attrs = append(attrs,
		slog.String("model", resp.Model),
		slog.Int("reply_chars", utf8.RuneCountInString(resp.Reply)),
		slog.Int64("prompt_tokens", resp.Usage.PromptTokens),
		slog.Int64("completion_tokens", resp.Usage.CompletionTokens))
	log.LogAttrs(ctx, slog.LevelInfo, "invocation answered", attrs...)
	return resp, nil
}

// answer does the work; the attributes describe the input by size only,
// never by content.
func (a *Agent) answer(ctx context.Context, raw json.RawMessage) (lambdaproto.Response, []slog.Attr, error) {
	var req lambdaproto.Request
	dec := json.NewDecoder(bytes.NewReader(raw))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&req); err != nil {
		return lambdaproto.Response{}, nil, &failure{Type: lambdaproto.ErrInvalidInput,
			Message: "the payload is not a JSON object with message and history", Err: err}
	}
	attrs := []slog.Attr{
		slog.Int("message_chars", utf8.RuneCountInString(req.Message)),
		slog.Int("history_entries", len(req.History)),
	}
	req, err := req.Validate()
	if err != nil {
		return lambdaproto.Response{}, attrs, &failure{Type: lambdaproto.ErrInvalidInput, Message: err.Error()}
	}
	attrs = append(attrs, slog.Int("history_sent", len(req.History)))

	key, err := a.Keys.Key(ctx)
	if err != nil {
		return lambdaproto.Response{}, attrs, err
	}
	resp, err := a.Chat.Complete(ctx, key, req)
	if err != nil {
		return lambdaproto.Response{}, attrs, err
	}
	if resp.Usage == nil {
		resp.Usage = &lambdaproto.Usage{}
	}
	return resp, attrs, nil
}
