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

// FakeModel is an OpenAI-compatible server of the Responses API (the one
// the agent calls) on loopback, so a message gets an answer with no account
// and no network.
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
	mux.HandleFunc("POST /v1/responses", func(w http.ResponseWriter, r *http.Request) {
		serveResponse(w, r, reply)
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

// responsesRequest is the part of a Responses API request the fake reads.
// Input is a string or a list of items; a message item's content is a
// string or a list of parts.
type responsesRequest struct {
	Model        string          `json:"model"`
	Instructions string          `json:"instructions"`
	Input        json.RawMessage `json:"input"`
}

type inputItem struct {
	Type    string          `json:"type"` // "message", or "" in the short form
	Role    string          `json:"role"`
	Content json.RawMessage `json:"content"`
}

// text is a message content's text: the string, or its input_text parts.
func text(content json.RawMessage) string {
	var s string
	if json.Unmarshal(content, &s) == nil {
		return s
	}
	var parts []struct{ Type, Text string }
	_ = json.Unmarshal(content, &parts)
	var b strings.Builder
	for _, p := range parts {
		if p.Type == "input_text" {
			b.WriteString(p.Text)
		}
	}
	return b.String()
}

// messages are the input's messages, a string input being one user message.
func (r responsesRequest) messages() ([]inputItem, error) {
	var s string
	if json.Unmarshal(r.Input, &s) == nil {
		return []inputItem{{Role: "user", Content: r.Input}}, nil
	}
	var items []inputItem
	if err := json.Unmarshal(r.Input, &items); err != nil {
		return nil, err
	}
	msgs := items[:0]
	for _, it := range items {
		if it.Type == "" || it.Type == "message" {
			msgs = append(msgs, it)
		}
	}
	return msgs, nil
}

func serveResponse(w http.ResponseWriter, r *http.Request, reply ReplyFunc) {
	if r.Header.Get("Authorization") != "Bearer "+FakeModelKey {
		writeAPIError(w, http.StatusUnauthorized, "invalid_api_key", "the fake model accepts only localup.FakeModelKey")
		return
	}
	var req responsesRequest
	err := json.NewDecoder(r.Body).Decode(&req)
	var msgs []inputItem
	if err == nil {
		msgs, err = req.messages()
	}
	if err != nil || len(msgs) == 0 || msgs[len(msgs)-1].Role != "user" {
		writeAPIError(w, http.StatusBadRequest, "invalid_request_error", "the body is not a Responses API request ending with a user message")
		return
	}
	answer, err := reply(text(msgs[len(msgs)-1].Content))
	if err != nil {
		writeAPIError(w, http.StatusInternalServerError, "server_error", err.Error())
		return
	}
	input, output := int64(len(strings.Fields(req.Instructions))), int64(len(strings.Fields(answer)))
	for _, m := range msgs {
		input += int64(len(strings.Fields(text(m.Content))))
	}
	w.Header().Set("Content-Type", "application/json")
	_ = json.NewEncoder(w).Encode(map[string]any{
		"id":         "resp_localup",
		"object":     "response",
		"created_at": time.Now().Unix(),
		"status":     "completed",
		"model":      req.Model,
		"output": []map[string]any{{
			"type":   "message",
			"id":     "msg_localup",
			"status": "completed",
			"role":   "assistant",
			"content": []map[string]any{{
				"type": "output_text", "text": answer, "annotations": []any{},
			}},
		}},
		"usage": map[string]int64{"input_tokens": input, "output_tokens": output, "total_tokens": input + output},
	})
}

func writeAPIError(w http.ResponseWriter, status int, typ, message string) {
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(status)
	_ = json.NewEncoder(w).Encode(map[string]any{"error": map[string]any{"type": typ, "message": message}})
}
