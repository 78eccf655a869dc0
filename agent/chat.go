package main

import (
	"context"
	"errors"
	"fmt"
	"net"
	"net/http"
	"strings"
	"time"

	"github.com/openai/openai-go/v3"
	"github.com/openai/openai-go/v3/option"

	"github.com/trip-assistant/stack/internal/lambdaproto"
)

// systemPrompt frames every conversation. It is sent as the first message so
// an OpenAI-compatible server that predates the "developer" role accepts it.
const systemPrompt = `You are a trip-planning assistant. Help the user plan journeys: destinations, ` +
	`day-by-day itineraries, transport between places, where to stay, what to see and eat, rough ` +
	`budgets, and what to book or check in advance (visas, opening days, seasons, local holidays). ` +
	`Ask a short clarifying question when dates, budget, origin or interests are missing and they ` +
	`matter to the answer. Be concise and concrete; prefer lists and short day plans. Say when a ` +
	`detail (prices, timetables, entry rules) may have changed and should be checked with the ` +
	`official source. Decline requests unrelated to travel politely and steer back to the trip.`

// Chat calls an OpenAI-compatible Chat Completions endpoint.
type Chat struct {
	Model   string
	BaseURL string // "" for the OpenAI API
	// Timeout bounds the whole upstream call, retries included.
	Timeout time.Duration
	// HTTPClient is nil outside tests.
	HTTPClient option.HTTPClient
}

// lambdaMargin is kept between the end of the upstream call and the
// invocation's own deadline, to answer with a typed error in time.
const lambdaMargin = time.Second

// Complete asks the model for the reply to req. Errors are failures of type
// upstream_refused, upstream_timeout or upstream_error.
func (c Chat) Complete(ctx context.Context, key string, req lambdaproto.Request) (lambdaproto.Response, error) {
	budget := c.Timeout
	if dl, ok := ctx.Deadline(); ok {
		budget = min(budget, time.Until(dl)-lambdaMargin)
	}
	ctx, cancel := context.WithTimeout(ctx, budget)
	defer cancel()

	opts := []option.RequestOption{
		option.WithAPIKey(key),
		// One retry absorbs a dropped connection or a 429/5xx blip; more
		// would not fit in the deadline, which bounds retries anyway.
		option.WithMaxRetries(1),
	}
	if c.BaseURL != "" {
		opts = append(opts, option.WithBaseURL(c.BaseURL))
	}
	if c.HTTPClient != nil {
		opts = append(opts, option.WithHTTPClient(c.HTTPClient))
	}
	client := openai.NewClient(opts...)

	completion, err := client.Chat.Completions.New(ctx, openai.ChatCompletionNewParams{
		Model:    c.Model,
		Messages: messages(req),
	})
	if err != nil {
		return lambdaproto.Response{}, classify(ctx, err, budget)
	}
	if len(completion.Choices) == 0 {
		return lambdaproto.Response{}, &failure{Type: lambdaproto.ErrUpstreamError,
			Message: "the model provider returned no reply",
			Err:     errors.New("chat completion has no choices")}
	}
	msg := completion.Choices[0].Message
	reply := msg.Content
	if strings.TrimSpace(reply) == "" {
		reply = msg.Refusal
	}
	if strings.TrimSpace(reply) == "" {
		return lambdaproto.Response{}, &failure{Type: lambdaproto.ErrUpstreamError,
			Message: "the model provider returned an empty reply",
			Err:     fmt.Errorf("chat completion choice is empty (finish_reason %q)", completion.Choices[0].FinishReason)}
	}
	model := completion.Model
	if model == "" {
		model = c.Model
	}
	return lambdaproto.Response{
		Reply: reply,
		Model: model,
		Usage: &lambdaproto.Usage{
			PromptTokens:     completion.Usage.PromptTokens,
			CompletionTokens: completion.Usage.CompletionTokens,
			TotalTokens:      completion.Usage.TotalTokens,
		},
	}, nil
}

// messages is the system prompt, the history in order, then the new message.
func messages(req lambdaproto.Request) []openai.ChatCompletionMessageParamUnion {
	m := make([]openai.ChatCompletionMessageParamUnion, 0, len(req.History)+2)
	m = append(m, openai.SystemMessage(systemPrompt))
	for _, h := range req.History {
		if h.Role == lambdaproto.RoleAssistant {
			m = append(m, openai.AssistantMessage(h.Content))
		} else {
			m = append(m, openai.UserMessage(h.Content))
		}
	}
	return append(m, openai.UserMessage(req.Message))
}

// classify maps an error of the SDK to a failure. The provider's own error
// text is never passed on: OpenAI's 401 message quotes part of the key.
func classify(ctx context.Context, err error, budget time.Duration) error {
	var apiErr *openai.Error
	var netErr net.Error
	switch {
	case errors.Is(err, context.DeadlineExceeded) || errors.Is(ctx.Err(), context.DeadlineExceeded) ||
		(errors.As(err, &netErr) && netErr.Timeout()):
		return &failure{Type: lambdaproto.ErrUpstreamTimeout,
			Message: fmt.Sprintf("the model provider did not answer within %s", budget.Round(time.Millisecond)),
			Err:     err}
	case errors.As(err, &apiErr):
		code := apiErr.StatusCode
		switch {
		case code == http.StatusRequestTimeout || code == http.StatusGatewayTimeout:
			return &failure{Type: lambdaproto.ErrUpstreamTimeout,
				Message: fmt.Sprintf("the model provider timed out (HTTP %d)", code),
				Err:     err}
		case code >= 400 && code < 500:
			// Bad key (401), no access to the model (403/404), quota or
			// rate limit (429): the provider refuses what we asked.
			return &failure{Type: lambdaproto.ErrUpstreamRefused,
				Message: fmt.Sprintf("the model provider refused the request (HTTP %d)", code),
				Err:     err}
		default:
			return &failure{Type: lambdaproto.ErrUpstreamError,
				Message: fmt.Sprintf("the model provider failed (HTTP %d)", code),
				Err:     err}
		}
	default:
		return &failure{Type: lambdaproto.ErrUpstreamError,
			Message: "the model provider could not be reached",
			Err:     err}
	}
}
