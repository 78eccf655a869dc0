package main

import (
	"encoding/json"
	"net/http"
)

// errorBody is every error the api answers.
type errorBody struct {
	Error apiError `json:"error"`
}

type apiError struct {
	Type    string `json:"type"`
	Message string `json:"message"`
	// AgentError is the agent's own error type when it answered with one.
	AgentError string `json:"agent_error,omitempty"`
}

// Error types of the api.
const (
	errInvalidInput     = "invalid_input"
	errAgentFailed      = "agent_failed"
	errNotFound         = "not_found"
	errMethodNotAllowed = "method_not_allowed"
)

func writeJSON(w http.ResponseWriter, status int, v any) {
	body, err := json.Marshal(v)
	if err != nil {
		// Only our own types are written; they always marshal.
		status, body = http.StatusInternalServerError, []byte(`{"error":{"type":"internal","message":"cannot encode the response"}}`)
	}
	w.Header().Set("Content-Type", "application/json")
	w.Header().Set("Cache-Control", "no-store")
	w.Header().Set("X-Content-Type-Options", "nosniff")
	w.WriteHeader(status)
	_, _ = w.Write(append(body, '\n'))
}

func writeError(w http.ResponseWriter, status int, e apiError) {
	writeJSON(w, status, errorBody{Error: e})
}
