package lambdafn

import (
	"context"
	"errors"
	"io"
	"net/http"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/aws/retry"
	"github.com/aws/aws-sdk-go-v2/service/lambda"
	"github.com/aws/aws-sdk-go-v2/service/lambda/types"

	"github.com/trip-assistant/stack/reconcile"
	"github.com/trip-assistant/stack/reconcile/spec"
)

// The retry lives in the SDK's retry middleware, so these tests drive a
// real Lambda client over a fake HTTP transport that answers like Lambda.

type fakeTransport struct {
	mu sync.Mutex
	// fails[key] errors still to answer for "METHOD /path" before success.
	fails    map[string][]string
	attempts map[string]int
}

// errorResponse is a Lambda REST-JSON error: code, then message.
func errorResponse(code, msg string) *http.Response {
	status := http.StatusBadRequest
	if code == "ResourceConflictException" {
		status = http.StatusConflict
	}
	return &http.Response{
		StatusCode: status,
		Header:     http.Header{"X-Amzn-Errortype": {code}, "Content-Type": {"application/json"}},
		Body:       io.NopCloser(strings.NewReader(`{"Type":"User","message":` + quote(msg) + `}`)),
	}
}

func quote(s string) string { return `"` + strings.ReplaceAll(s, `"`, `\"`) + `"` }

func jsonResponse(status int, body string) *http.Response {
	return &http.Response{
		StatusCode: status,
		Header:     http.Header{"Content-Type": {"application/json"}},
		Body:       io.NopCloser(strings.NewReader(body)),
	}
}

const fnConfig = `{"FunctionName":"fn","FunctionArn":"arn:aws:lambda:us-east-2:123456789012:function:fn",
"Role":"arn:aws:iam::123456789012:role/r","PackageType":"Image","MemorySize":128,"Timeout":3,
"State":"Active","LastUpdateStatus":"Successful","Version":"$LATEST"}`

func (t *fakeTransport) RoundTrip(req *http.Request) (*http.Response, error) {
	key := req.Method + " " + req.URL.Path
	t.mu.Lock()
	t.attempts[key]++
	var fail string
	if l := t.fails[key]; len(l) > 0 {
		fail = l[0]
		if len(l) > 1 || !strings.HasSuffix(fail, "*") {
			t.fails[key] = l[1:]
		}
	}
	t.mu.Unlock()
	if fail != "" {
		code, msg, _ := strings.Cut(strings.TrimSuffix(fail, "*"), ": ")
		return errorResponse(code, msg), nil
	}
	switch key {
	case "POST /2015-03-31/functions":
		return jsonResponse(201, strings.Replace(fnConfig, `"$LATEST"`, `"1"`, 1)), nil
	case "GET /2015-03-31/functions/fn":
		return jsonResponse(200, `{"Configuration":`+fnConfig+`,"Code":{"ImageUri":"repo:v1"},"Tags":{}}`), nil
	case "GET /2015-03-31/functions/fn/configuration":
		return jsonResponse(200, strings.Replace(fnConfig, `"$LATEST"`, `"1"`, 1)), nil
	case "PUT /2015-03-31/functions/fn/configuration":
		return jsonResponse(200, fnConfig), nil
	case "GET /2015-03-31/functions/fn/versions":
		return jsonResponse(200, `{"Versions":[{"Version":"$LATEST"},{"Version":"1"}]}`), nil
	case "GET /2015-03-31/functions/fn/policy", "GET /2021-10-31/functions/fn/url":
		r := errorResponse("ResourceNotFoundException", "none")
		r.StatusCode = http.StatusNotFound
		return r, nil
	}
	return jsonResponse(404, `{}`), nil
}

func newTestClient(rt *fakeTransport) *lambda.Client {
	return lambda.New(lambda.Options{
		Region:       "us-east-2",
		BaseEndpoint: aws.String("http://lambda.test"),
		Credentials:  aws.AnonymousCredentials{},
		HTTPClient:   &http.Client{Transport: rt},
		Retryer:      retry.NewStandard(),
	})
}

const (
	roleNotAssumable = "InvalidParameterValueException: The role defined for the function cannot be assumed by Lambda."
	roleNoPermission = "InvalidParameterValueException: The provided execution role does not have permissions to call CreateNetworkInterface on EC2"
	inProgress       = "ResourceConflictException: The operation cannot be performed at this time. An update is in progress for resource: arn:aws:lambda:us-east-2:123456789012:function:fn"
)

func TestCreateRetriesWhileTheRolePropagates(t *testing.T) {
	rt := &fakeTransport{
		fails:    map[string][]string{"POST /2015-03-31/functions": {roleNotAssumable, roleNoPermission, roleNotAssumable}},
		attempts: map[string]int{},
	}
	k := NewWithAPI(newTestClient(rt), WithRoleRetry(10*time.Second, 20*time.Millisecond))
	obs, err := k.Create(context.Background(), spec.Props{
		"name": "fn", "role": "arn:aws:iam::123456789012:role/r", "image_uri": "repo:v1", "publish": true,
	})
	if err != nil {
		t.Fatal(err)
	}
	if got := rt.attempts["POST /2015-03-31/functions"]; got != 4 {
		t.Errorf("CreateFunction attempts = %d, want 4 (3 refusals, then success)", got)
	}
	if obs.Attrs["version"] != "1" || obs.Attrs["arn"] == "" {
		t.Errorf("Attrs = %v, want version 1 and the arn", obs.Attrs)
	}
}

func TestUpdateRetriesWhileAnUpdateIsInProgressOrTheRolePropagates(t *testing.T) {
	rt := &fakeTransport{
		fails:    map[string][]string{"PUT /2015-03-31/functions/fn/configuration": {inProgress, roleNotAssumable}},
		attempts: map[string]int{},
	}
	k := NewWithAPI(newTestClient(rt), WithRoleRetry(10*time.Second, 20*time.Millisecond))
	_, err := k.Update(context.Background(), reconcile.UpdateRequest{
		ID:      "fn",
		Desired: spec.Props{"name": "fn", "role": "arn:aws:iam::123456789012:role/r2", "publish": false},
		Diff:    reconcile.Diff{{Path: "role"}},
	})
	if err != nil {
		t.Fatal(err)
	}
	if got := rt.attempts["PUT /2015-03-31/functions/fn/configuration"]; got != 3 {
		t.Errorf("UpdateFunctionConfiguration attempts = %d, want 3", got)
	}
}

func TestRoleRetryGivesUpAfterTheBound(t *testing.T) {
	rt := &fakeTransport{
		fails:    map[string][]string{"POST /2015-03-31/functions": {roleNotAssumable + "*"}}, // forever
		attempts: map[string]int{},
	}
	k := NewWithAPI(newTestClient(rt), WithRoleRetry(300*time.Millisecond, 50*time.Millisecond))
	start := time.Now()
	_, err := k.Create(context.Background(), spec.Props{
		"name": "fn", "role": "arn:aws:iam::123456789012:role/r", "image_uri": "repo:v1",
	})
	elapsed := time.Since(start)
	if err == nil {
		t.Fatal("Create succeeded, want it to give up")
	}
	var ipv *types.InvalidParameterValueException
	if !errors.As(err, &ipv) {
		t.Errorf("error %v does not wrap the InvalidParameterValueException", err)
	}
	for _, want := range []string{`cannot create lambda function "fn"`, "still refuses role arn:aws:iam::123456789012:role/r", "after retrying for 300ms", "cannot be assumed by Lambda"} {
		if !strings.Contains(err.Error(), want) {
			t.Errorf("error %q does not say %q", err, want)
		}
	}
	if n := rt.attempts["POST /2015-03-31/functions"]; n < 3 {
		t.Errorf("CreateFunction attempts = %d, want several within the bound", n)
	}
	if elapsed > 2*time.Second {
		t.Errorf("gave up after %s, want about the 300ms bound", elapsed)
	}
}

func TestOtherErrorsAreNotRetried(t *testing.T) {
	cases := map[string]string{
		"a real invalid parameter":   "InvalidParameterValueException: Memory size must be between 128 and 10240",
		"function already exists":    "ResourceConflictException: Function already exist: fn",
		"role ARN that is malformed": "ValidationException: 1 validation error detected: Value 'x' at 'role' failed to satisfy constraint",
	}
	for name, fail := range cases {
		t.Run(name, func(t *testing.T) {
			rt := &fakeTransport{
				fails:    map[string][]string{"POST /2015-03-31/functions": {fail + "*"}},
				attempts: map[string]int{},
			}
			client := newTestClient(rt)
			k := NewWithAPI(client, WithRoleRetry(5*time.Second, 10*time.Millisecond))
			_, err := client.CreateFunction(context.Background(), &lambda.CreateFunctionInput{
				FunctionName: aws.String("fn"), Role: aws.String("r"), Code: &types.FunctionCode{ImageUri: aws.String("i")},
			}, k.waitRetry())
			if err == nil {
				t.Fatal("want an error")
			}
			if n := rt.attempts["POST /2015-03-31/functions"]; n != 1 {
				t.Errorf("attempts = %d, want 1: %v", n, err)
			}
		})
	}
}

func TestCreateAdoptsAnExistingFunction(t *testing.T) {
	rt := &fakeTransport{
		fails:    map[string][]string{"POST /2015-03-31/functions": {"ResourceConflictException: Function already exist: fn"}},
		attempts: map[string]int{},
	}
	k := NewWithAPI(newTestClient(rt), WithRoleRetry(time.Second, 10*time.Millisecond))
	obs, err := k.Create(context.Background(), spec.Props{
		"name": "fn", "role": "arn:aws:iam::123456789012:role/r", "memory_size": int64(256), "publish": false,
	})
	if err != nil {
		t.Fatal(err)
	}
	if !obs.Exists || obs.ID != "fn" {
		t.Errorf("Create = %+v, want the adopted function", obs)
	}
	if n := rt.attempts["PUT /2015-03-31/functions/fn/configuration"]; n != 1 {
		t.Errorf("UpdateFunctionConfiguration calls = %d, want 1 (memory 128 → 256)", n)
	}
}
