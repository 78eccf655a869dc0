package localup

import (
	"context"
	"encoding/json"
	"fmt"
	"net"
	"net/http"
	"strings"
	"time"
)

// FakeModelKey is the API key the fake model accepts; localup stores it in
// the stack's parameter so the agent reads it as it would a real key.
const FakeModelKey = "sk-localup-fake-model"

// FakeModel is an OpenAI-compatible Chat Completions server on loopback,
// so a message gets an answer with no account and no network.
type FakeModel struct {
	// BaseURL is what OPENAI_BASE_URL is set to.
	BaseURL string
	srv     *http.Server
}

// ReplyFunc answers the last user message of a conversation. An error makes
// the fake answer HTTP 500, as a failing provider would.
type ReplyFunc func(message string) (string, error)

// EchoReply is the fake's default answer: it says what it is and echoes.
func EchoReply(message string) (string, error) {
	return fmt.Sprintf("(fake model, no real AI here) You asked: %q. Set OPENAI_API_KEY and OPENAI_BASE_URL for a real answer.", message), nil
}

// StartFakeModel serves reply on a free loopback port until Close.
func StartFakeModel(reply ReplyFunc) (*FakeModel, error) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return nil, fmt.Errorf("cannot start the fake model: %w", err)
	}
	mux := http.NewServeMux()
	mux.HandleFunc("POST /v1/chat/completions", func(w http.ResponseWriter, r *http.Request) {
		serveCompletion(w, r, reply)
	})
	f := &FakeModel{
		BaseURL: "http://" + ln.Addr().String() + "/v1/",
		srv:     &http.Server{Handler: mux, ReadHeaderTimeout: 5 * time.Second},
	}
	go func() { _ = f.srv.Serve(ln) }()
	return f, nil
}

// Close stops the server.
func (f *FakeModel) Close() error {
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	return f.srv.Shutdown(ctx)
}

type chatRequest struct {
	Model    string `json:"model"`
	Messages []struct {
		Role    string `json:"role"`
		Content any    `json:"content"` // a string, or a list of parts
	} `json:"messages"`
}

func serveCompletion(w http.ResponseWriter, r *http.Request, reply ReplyFunc) {
	if r.Header.Get("Authorization") != "Bearer "+FakeModelKey {
		writeAPIError(w, http.StatusUnauthorized, "invalid_api_key", "the fake model accepts only localup.FakeModelKey")
		return
	}
	var req chatRequest
	if err := json.NewDecoder(r.Body).Decode(&req); err != nil || len(req.Messages) == 0 {
		writeAPIError(w, http.StatusBadRequest, "invalid_request_error", "the body is not a chat completion request")
		return
	}
	last := req.Messages[len(req.Messages)-1]
	message, _ := last.Content.(string)
	text, err := reply(message)
	if err != nil {
		writeAPIError(w, http.StatusInternalServerError, "server_error", err.Error())
		return
	}
	prompt, completion := int64(0), int64(len(strings.Fields(text)))
	for _, m := range req.Messages {
		if s, ok := m.Content.(string); ok {
			prompt += int64(len(strings.Fields(s)))
		}
	}
	w.Header().Set("Content-Type", "application/json")
	_ = json.NewEncoder(w).Encode(map[string]any{
		"id":      "chatcmpl-localup",
		"object":  "chat.completion",
		"created": time.Now().Unix(),
		"model":   req.Model,
		"choices": []map[string]any{{
			"index":         0,
			"message":       map[string]any{"role": "assistant", "content": text},
			"finish_reason": "stop",
		}},
		"usage": map[string]int64{"prompt_tokens": prompt, "completion_tokens": completion, "total_tokens": prompt + completion},
	})
}

func writeAPIError(w http.ResponseWriter, status int, typ, message string) {
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(status)
	_ = json.NewEncoder(w).Encode(map[string]any{"error": map[string]any{"type": typ, "message": message}})
}
