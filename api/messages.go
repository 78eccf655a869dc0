package main

import (
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"unicode/utf8"

	"github.com/trip-assistant/stack/internal/lambdaproto"
)

// maxBodyBytes bounds the request body. It holds a 4000-character message
// and a history of several turns; longer conversations are cut by the
// client or by the agent's MaxHistory anyway.
const maxBodyBytes = 16 << 10

func (s *Server) messages(w http.ResponseWriter, r *http.Request, log *slog.Logger) {
	req, err := decodeMessage(w, r)
	if err == nil {
		req, err = req.Validate()
	}
	if err != nil {
		log.Info("invalid message", "error", err.Error())
		writeError(w, http.StatusBadRequest, apiError{Type: errInvalidInput, Message: err.Error()})
		return
	}

	attrs := []slog.Attr{
		slog.Int("message_chars", utf8.RuneCountInString(req.Message)),
		slog.Int("history_entries", len(req.History)),
	}
	resp, err := s.Agent.Ask(r.Context(), req)
	if err != nil {
		var f *agentFailure
		if !errors.As(err, &f) {
			f = &agentFailure{Message: "the assistant failed", Err: err}
		}
		// An invalid_input from the agent means the api and the agent
		// disagree on what is valid: a bug on our side, not the
		// client's, hence 502 like every other agent failure.
		attrs = append(attrs, slog.String("agent_error", f.AgentError), slog.String("error", err.Error()))
		log.LogAttrs(r.Context(), slog.LevelWarn, "agent failed", attrs...)
		writeError(w, http.StatusBadGateway, apiError{Type: errAgentFailed, Message: f.Message, AgentError: f.AgentError})
		return
	}
	if resp.Usage != nil {
		attrs = append(attrs, slog.String("model", resp.Model), slog.Int64("total_tokens", resp.Usage.TotalTokens))
	}
	log.LogAttrs(r.Context(), slog.LevelInfo, "agent answered", attrs...)
	writeJSON(w, http.StatusOK, lambdaproto.Response{Reply: resp.Reply, Model: resp.Model, Usage: resp.Usage})
}

// decodeMessage reads exactly one JSON object of known fields from a body
// of at most maxBodyBytes. Its errors are safe to show to the client.
func decodeMessage(w http.ResponseWriter, r *http.Request) (lambdaproto.Request, error) {
	body := http.MaxBytesReader(w, r.Body, maxBodyBytes)
	dec := json.NewDecoder(body)
	dec.DisallowUnknownFields()
	var req lambdaproto.Request
	err := dec.Decode(&req)
	if err == nil {
		// Anything after the object, even a second object, is refused.
		if dec.Decode(&struct{}{}) != io.EOF {
			err = errors.New("the body must hold a single JSON object")
		}
	}
	var tooLarge *http.MaxBytesError
	switch {
	case err == nil:
		return req, nil
	case errors.As(err, &tooLarge):
		return req, fmt.Errorf("the body is larger than %d bytes", maxBodyBytes)
	case errors.Is(err, io.EOF):
		return req, errors.New("the body is empty; send a JSON object with a message")
	default:
		return req, fmt.Errorf("the body is not a valid message: %v", err)
	}
}
