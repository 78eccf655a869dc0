package faultproxy

import (
	"context"
	"errors"
	"net/http"
	"net/http/httptest"
	"os"
	"sync/atomic"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/aws/retry"
	"github.com/aws/aws-sdk-go-v2/service/apigatewayv2"
	"github.com/aws/aws-sdk-go-v2/service/iam"
	"github.com/aws/aws-sdk-go-v2/service/lambda"
	"github.com/aws/aws-sdk-go-v2/service/ssm"
	"github.com/aws/smithy-go"
	"github.com/google/go-cmp/cmp"
)

// backend stands for the emulator: it counts what reached it and answers
// an empty success in every protocol.
type backend struct {
	*httptest.Server
	hits atomic.Int64
}

func newBackend(t *testing.T) *backend {
	t.Helper()
	b := &backend{}
	b.Server = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		b.hits.Add(1)
		if protocolOf(r) == awsQuery {
			w.Header().Set("Content-Type", "text/xml")
			_, _ = w.Write([]byte(`<GetUserResponse><GetUserResult><User><UserName>u</UserName><UserId>i</UserId><Arn>arn:aws:iam::123456789012:user/u</Arn><Path>/</Path><CreateDate>2024-01-01T00:00:00Z</CreateDate></User></GetUserResult></GetUserResponse>`))
			return
		}
		w.Header().Set("Content-Type", "application/json")
		_, _ = w.Write([]byte(`{}`))
	}))
	t.Cleanup(b.Close)
	return b
}

func startProxy(t *testing.T, cfg Config) *Proxy {
	t.Helper()
	p, err := Start(cfg)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = p.Close() })
	return p
}

// call makes one SDK call of the given protocol through the proxy, with
// the SDK's retries off so each call is one request.
func call(t *testing.T, endpoint, protocol string) error {
	t.Helper()
	os.Unsetenv("AWS_CA_BUNDLE")
	cfg := aws.Config{
		Region: "us-east-1",
		Credentials: aws.NewCredentialsCache(aws.CredentialsProviderFunc(func(context.Context) (aws.Credentials, error) {
			return aws.Credentials{AccessKeyID: "test", SecretAccessKey: "test"}, nil
		})),
		BaseEndpoint: aws.String(endpoint),
		Retryer:      func() aws.Retryer { return aws.NopRetryer{} },
	}
	ctx := context.Background()
	var err error
	switch protocol {
	case "json":
		_, err = ssm.NewFromConfig(cfg).GetParameter(ctx, &ssm.GetParameterInput{Name: aws.String("/p")})
	case "query":
		_, err = iam.NewFromConfig(cfg).GetUser(ctx, &iam.GetUserInput{})
	case "rest-json/lambda":
		_, err = lambda.NewFromConfig(cfg).GetFunction(ctx, &lambda.GetFunctionInput{FunctionName: aws.String("f")})
	case "rest-json/apigatewayv2":
		_, err = apigatewayv2.NewFromConfig(cfg).GetApis(ctx, &apigatewayv2.GetApisInput{})
	default:
		t.Fatalf("unknown protocol %q", protocol)
	}
	return err
}

var protocols = []string{"json", "query", "rest-json/lambda", "rest-json/apigatewayv2"}

// The SDK itself must read each injected fault as what it stands for: a
// throttle it backs off from, a 5xx or a dropped connection it retries.
func TestFaultsAsTheSDKSeesThem(t *testing.T) {
	standard := retry.NewStandard()
	cases := map[Kind]struct {
		reached   int64 // requests the backend carried out
		throttle  bool
		code      string // the API error code the SDK read, "" for none
		retryable bool
	}{
		Throttle:    {reached: 0, throttle: true, retryable: true},
		ServerError: {reached: 0, code: "ServiceUnavailable", retryable: true},
		CloseBefore: {reached: 0, retryable: true},
		LostAnswer:  {reached: 1, retryable: true},
		CloseAfter:  {reached: 1, retryable: true},
	}
	for kind, want := range cases {
		for _, proto := range protocols {
			t.Run(string(kind)+"/"+proto, func(t *testing.T) {
				b := newBackend(t)
				p := startProxy(t, Config{Target: b.URL, Rates: Rates{kind: 1}})
				err := call(t, p.URL(), proto)
				if err == nil {
					t.Fatal("the call succeeded through a fault at rate 1")
				}
				if got := b.hits.Load(); got != want.reached {
					t.Errorf("the backend carried out %d requests, want %d", got, want.reached)
				}
				if got := retry.IsErrorThrottles(retry.DefaultThrottles).IsErrorThrottle(err) == aws.TrueTernary; got != want.throttle {
					t.Errorf("throttle = %v, want %v: %v", got, want.throttle, err)
				}
				if got := standard.IsErrorRetryable(err); got != want.retryable {
					t.Errorf("retryable = %v, want %v: %v", got, want.retryable, err)
				}
				if want.code != "" {
					var api smithy.APIError
					if !errors.As(err, &api) || api.ErrorCode() != want.code {
						t.Errorf("error %v, want code %s", err, want.code)
					}
				}
				if diff := cmp.Diff(map[Kind]int64{kind: 1}, p.Counts().Faults); diff != "" {
					t.Errorf("counts (-want +got):\n%s", diff)
				}
			})
		}
	}
}

func TestNoFaultForwardsUnchanged(t *testing.T) {
	b := newBackend(t)
	p := startProxy(t, Config{Target: b.URL})
	for _, proto := range protocols {
		if err := call(t, p.URL(), proto); err != nil {
			t.Errorf("%s through a proxy without faults: %v", proto, err)
		}
	}
	if got := b.hits.Load(); got != int64(len(protocols)) {
		t.Errorf("backend hits = %d, want %d", got, len(protocols))
	}
	if c := p.Counts(); c.Total() != 0 || c.Requests != int64(len(protocols)) {
		t.Errorf("counts = %v", c)
	}
}

// Rates are honoured over many requests, and a seed repeats the sequence.
func TestRatesAndSeed(t *testing.T) {
	rates := Rates{Throttle: 0.1, LostAnswer: 0.1, CloseAfter: 0.05}
	run := func(seed uint64) (Counts, []Kind) {
		p, err := New(Config{Target: "http://127.0.0.1:1", Rates: rates, Seed: seed})
		if err != nil {
			t.Fatal(err)
		}
		var seq []Kind
		for range 4000 {
			k, _ := p.draw(httptest.NewRequest("POST", "/", nil))
			seq = append(seq, k)
		}
		return p.Counts(), seq
	}
	c1, s1 := run(7)
	_, s2 := run(7)
	_, s3 := run(8)
	if diff := cmp.Diff(s1, s2); diff != "" {
		t.Errorf("the same seed drew differently (-first +second):\n%s", diff)
	}
	if cmp.Equal(s1, s3) {
		t.Errorf("seeds 7 and 8 drew the same %d faults", len(s1))
	}
	for k, r := range rates {
		got := float64(c1.Faults[k]) / float64(c1.Requests)
		if got < r*0.7 || got > r*1.3 {
			t.Errorf("%s: %.3f of requests, want about %.2f", k, got, r)
		}
	}
	if c1.Faults[ServerError] != 0 || c1.Faults[CloseBefore] != 0 {
		t.Errorf("kinds without a rate were injected: %v", c1)
	}
}

func TestEligible(t *testing.T) {
	b := newBackend(t)
	p := startProxy(t, Config{Target: b.URL, Rates: Rates{Throttle: 1}, Eligible: func(r *http.Request) bool {
		return r.Header.Get("X-Amz-Target") == "" // spare the JSON services
	}})
	if err := call(t, p.URL(), "json"); err != nil {
		t.Errorf("an ineligible request was faulted: %v", err)
	}
	if err := call(t, p.URL(), "query"); err == nil {
		t.Error("an eligible request was not faulted")
	}
}

func TestConfigRefused(t *testing.T) {
	cases := map[string]Config{
		"not loopback":    {Target: "http://10.0.0.1:5000"},
		"a public name":   {Target: "https://ssm.us-east-1.amazonaws.com"},
		"not a URL":       {Target: "::"},
		"rates above one": {Target: "http://127.0.0.1:5000", Rates: Rates{Throttle: 0.6, LostAnswer: 0.5}},
		"negative":        {Target: "http://127.0.0.1:5000", Rates: Rates{Throttle: -0.1}},
		"unknown kind":    {Target: "http://127.0.0.1:5000", Rates: Rates{"teapot": 0.1}},
	}
	for name, cfg := range cases {
		if _, err := New(cfg); err == nil {
			t.Errorf("%s: New accepted %+v", name, cfg)
		}
	}
}

func TestParseRates(t *testing.T) {
	got, err := ParseRates("lost-answer=0.1, close-after=0.05")
	if err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff(Rates{LostAnswer: 0.1, CloseAfter: 0.05}, got); diff != "" {
		t.Errorf("(-want +got):\n%s", diff)
	}
	for _, bad := range []string{"lost-answer", "teapot=0.1", "throttle=lots"} {
		if _, err := ParseRates(bad); err == nil {
			t.Errorf("ParseRates(%q) accepted it", bad)
		}
	}
}
