package main

import (
	"context"
	"errors"
	"fmt"
	"net"
	"net/http"
	"regexp"
	"strings"
	"time"

	"github.com/openai/openai-go/v3/option"
	"github.com/openai/openai-go/v3/packages/param"
	"github.com/openai/openai-go/v3/responses"

	"github.com/trip-assistant/stack/internal/lambdaproto"
)

// systemPrompt frames every conversation. It is sent as the request's
// instructions, which the Responses API places before the input.
const systemPrompt = `You are a trip-planning assistant. Help the user plan journeys: destinations, ` +
	`day-by-day itineraries, transport between places, where to stay, what to see and eat, rough ` +
	`budgets, and what to book or check in advance (visas, opening days, seasons, local holidays). ` +
	`Ask a short clarifying question when dates, budget, origin or interests are missing and they ` +
	`matter to the answer. Be concise and concrete; prefer lists and short day plans. Say when a ` +
	`detail (prices, timetables, entry rules) may have changed and should be checked with the ` +
	`official source. Decline requests unrelated to travel politely and steer back to the trip.`

// Chat calls the Responses API (POST {base}/responses) of OpenAI or of a
// compatible server. It uses the SDK's responses package alone: the root
// openai package links every API of the SDK and nearly doubles the binary.
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

	svc := responses.NewResponseService(c.options(key)...)
	resp, err := svc.New(ctx, responses.ResponseNewParams{
		Model:        c.Model,
		Instructions: param.NewOpt(systemPrompt),
		Input:        responses.ResponseNewParamsInputUnion{OfInputItemList: input(req)},
		// Every request carries the conversation it needs (the api sends
		// the recent history), so OpenAI has no reason to keep it: a
		// stored response would hold the traveller's messages for 30 days.
		Store: param.NewOpt(false),
	})
	if err != nil {
		return lambdaproto.Response{}, classify(ctx, err, budget)
	}
	reply, err := replyOf(resp)
	if err != nil {
		return lambdaproto.Response{}, err
	}
	model := resp.Model
	if model == "" {
		model = c.Model
	}
	return lambdaproto.Response{
		Reply: reply,
		Model: model,
		Usage: &lambdaproto.Usage{
			PromptTokens:     resp.Usage.InputTokens,
			CompletionTokens: resp.Usage.OutputTokens,
			TotalTokens:      resp.Usage.TotalTokens,
		},
	}, nil
}

// options configure a bare service. Unlike openai.NewClient, a service
// built alone reads nothing from the environment (the key comes from SSM,
// the base URL from our configuration) and has no default base URL, so the
// OpenAI API is set as the default here. Its HTTP client is
// http.DefaultClient, with no response-header timeout of its own: the
// context's deadline bounds every attempt.
func (c Chat) options(key string) []option.RequestOption {
	opts := []option.RequestOption{
		option.WithEnvironmentProduction(),
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
	return opts
}

// input is the history in order, then the new message.
func input(req lambdaproto.Request) responses.ResponseInputParam {
	in := make(responses.ResponseInputParam, 0, len(req.History)+1)
	for _, h := range req.History {
		role := responses.EasyInputMessageRoleUser
		if h.Role == lambdaproto.RoleAssistant {
			role = responses.EasyInputMessageRoleAssistant
		}
		in = append(in, responses.ResponseInputItemParamOfMessage(h.Content, role))
	}
	return append(in, responses.ResponseInputItemParamOfMessage(req.Message, responses.EasyInputMessageRoleUser))
}

// codeLike matches the enum values the API reports (statuses, incomplete
// reasons, error codes). Only such a value is repeated; the provider's
// free text never is, as it may quote the request or the key.
var codeLike = regexp.MustCompile(`^[a-z][a-z0-9_]{0,39}$`)

func enumValue(s string) string {
	if codeLike.MatchString(s) {
		return s
	}
	return "unnamed"
}

// replyOf is the text of a finished response: its output text, or, when
// the model declined, its refusal. A response that did not complete is an
// upstream_error saying why, even with partial text, so a cut-off answer
// is never passed on as a whole one.
func replyOf(resp *responses.Response) (string, error) {
	switch resp.Status {
	case responses.ResponseStatusCompleted, "":
		// "" is a compatible server that omits the status.
	case responses.ResponseStatusIncomplete:
		reason := enumValue(resp.IncompleteDetails.Reason)
		return "", &failure{Type: lambdaproto.ErrUpstreamError,
			Message: fmt.Sprintf("the model provider stopped before the reply was complete (%s)", reason),
			Err:     fmt.Errorf("response status incomplete, reason %s", reason)}
	case responses.ResponseStatusFailed:
		errCode := enumValue(string(resp.Error.Code))
		return "", &failure{Type: lambdaproto.ErrUpstreamError,
			Message: fmt.Sprintf("the model provider failed to produce a reply (%s)", errCode),
			Err:     fmt.Errorf("response status failed, error code %s", errCode)}
	default:
		status := enumValue(string(resp.Status))
		return "", &failure{Type: lambdaproto.ErrUpstreamError,
			Message: fmt.Sprintf("the model provider returned an unfinished response (status %s)", status),
			Err:     fmt.Errorf("response status %s", status)}
	}

	messages := 0
	var refusal strings.Builder
	for _, item := range resp.Output {
		if item.Type != "message" {
			continue
		}
		messages++
		for _, part := range item.Content {
			if part.Type == "refusal" {
				refusal.WriteString(part.Refusal)
			}
		}
	}
	if messages == 0 {
		return "", &failure{Type: lambdaproto.ErrUpstreamError,
			Message: "the model provider returned no reply",
			Err:     fmt.Errorf("response has no message among its %d output items", len(resp.Output))}
	}
	reply := resp.OutputText()
	if strings.TrimSpace(reply) == "" {
		reply = refusal.String()
	}
	if strings.TrimSpace(reply) == "" {
		return "", &failure{Type: lambdaproto.ErrUpstreamError,
			Message: "the model provider returned an empty reply",
			Err:     errors.New("response messages have neither text nor refusal")}
	}
	return reply, nil
}

// classify maps an error of the SDK to a failure. The provider's own error
// text is never passed on: OpenAI's 401 message quotes part of the key.
func classify(ctx context.Context, err error, budget time.Duration) error {
	var apiErr *responses.Error
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
