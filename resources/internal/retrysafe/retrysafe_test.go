package retrysafe_test

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"net/http/httptest"
	"os"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/aws/retry"
	"github.com/aws/aws-sdk-go-v2/service/apigatewayv2"

	"github.com/trip-assistant/stack/internal/testinfra/faultproxy"
	"github.com/trip-assistant/stack/resources/internal/retrysafe"
)

// world is an API Gateway that makes an API per CreateApi, behind a fault
// proxy that faults only the first request.
type world struct {
	creates atomic.Int64
	client  *apigatewayv2.Client
}

func newWorld(t *testing.T, first faultproxy.Kind) *world {
	t.Helper()
	os.Unsetenv("AWS_CA_BUNDLE")
	w := &world{}
	backend := httptest.NewServer(http.HandlerFunc(func(rw http.ResponseWriter, r *http.Request) {
		if r.Method != http.MethodPost || r.URL.Path != "/v2/apis" {
			http.Error(rw, "unexpected "+r.Method+" "+r.URL.Path, http.StatusNotFound)
			return
		}
		n := w.creates.Add(1)
		rw.Header().Set("Content-Type", "application/json")
		fmt.Fprintf(rw, `{"apiId":"made-%d","name":"shop"}`, n)
	}))
	t.Cleanup(backend.Close)
	var seen atomic.Int64
	p, err := faultproxy.Start(faultproxy.Config{
		Target:   backend.URL,
		Rates:    faultproxy.Rates{first: 1},
		Eligible: func(*http.Request) bool { return seen.Add(1) == 1 },
	})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = p.Close() })
	w.client = apigatewayv2.NewFromConfig(aws.Config{
		Region: "us-east-1",
		Credentials: aws.CredentialsProviderFunc(func(context.Context) (aws.Credentials, error) {
			return aws.Credentials{AccessKeyID: "test", SecretAccessKey: "test"}, nil
		}),
		BaseEndpoint: aws.String(p.URL()),
		Retryer: func() aws.Retryer {
			return retry.NewStandard(func(o *retry.StandardOptions) {
				o.Backoff = retry.BackoffDelayerFunc(func(int, error) (time.Duration, error) { return 0, nil })
			})
		},
	})
	return w
}

func guarded(lookup retrysafe.Lookup[apigatewayv2.CreateApiOutput]) func(*apigatewayv2.Options) {
	return func(o *apigatewayv2.Options) { o.APIOptions = append(o.APIOptions, retrysafe.Create(lookup)) }
}

func create(w *world, opts ...func(*apigatewayv2.Options)) (*apigatewayv2.CreateApiOutput, error) {
	return w.client.CreateApi(context.Background(), &apigatewayv2.CreateApiInput{Name: aws.String("shop"), ProtocolType: "HTTP"}, opts...)
}

// The hole itself: without the guard, the SDK's retry after a lost answer
// makes a second API.
func TestUnguardedRetryMakesTwo(t *testing.T) {
	for _, kind := range []faultproxy.Kind{faultproxy.LostAnswer, faultproxy.CloseAfter} {
		w := newWorld(t, kind)
		if _, err := create(w); err != nil {
			t.Fatal(err)
		}
		if got := w.creates.Load(); got != 2 {
			t.Errorf("%s: %d APIs made, want 2 (the retry repeats the create)", kind, got)
		}
	}
}

func TestGuardedRetryFindsTheFirst(t *testing.T) {
	cases := map[faultproxy.Kind]struct {
		wantCreates int64
		wantID      string
	}{
		// Carried out, answer lost: the retry finds the first API.
		faultproxy.LostAnswer: {1, "made-1"},
		faultproxy.CloseAfter: {1, "made-1"},
		// Never carried out: the lookup finds nothing and the retry creates.
		faultproxy.Throttle:    {1, "made-1"},
		faultproxy.CloseBefore: {1, "made-1"},
	}
	for kind, want := range cases {
		t.Run(string(kind), func(t *testing.T) {
			w := newWorld(t, kind)
			var lookups int
			out, err := create(w, guarded(func(context.Context) (*apigatewayv2.CreateApiOutput, error) {
				lookups++
				if n := w.creates.Load(); n > 0 {
					return &apigatewayv2.CreateApiOutput{ApiId: aws.String(fmt.Sprintf("made-%d", n))}, nil
				}
				return nil, nil
			}))
			if err != nil {
				t.Fatal(err)
			}
			if got := w.creates.Load(); got != want.wantCreates {
				t.Errorf("%d APIs made, want %d", got, want.wantCreates)
			}
			if got := aws.ToString(out.ApiId); got != want.wantID {
				t.Errorf("answered api %q, want %q", got, want.wantID)
			}
			if lookups != 1 {
				t.Errorf("%d lookups, want one (before the one retry)", lookups)
			}
		})
	}
}

// A first attempt that succeeds is never looked up.
func TestNoLookupWithoutRetry(t *testing.T) {
	w := newWorld(t, faultproxy.Throttle)
	_, _ = create(w) // spends the one fault
	out, err := create(w, guarded(func(context.Context) (*apigatewayv2.CreateApiOutput, error) {
		t.Error("looked up although the first attempt succeeded")
		return nil, nil
	}))
	if err != nil || aws.ToString(out.ApiId) != "made-2" {
		t.Errorf("got %v, %v", out, err)
	}
}

func TestLookupErrorFailsTheCall(t *testing.T) {
	w := newWorld(t, faultproxy.LostAnswer)
	_, err := create(w, guarded(func(context.Context) (*apigatewayv2.CreateApiOutput, error) {
		return nil, errors.New("listing refused")
	}))
	if err == nil || !strings.Contains(err.Error(), "listing refused") {
		t.Fatalf("err = %v, want the lookup's error", err)
	}
	if got := w.creates.Load(); got != 1 {
		t.Errorf("%d APIs made, want 1: a failed lookup must not create blindly", got)
	}
}
