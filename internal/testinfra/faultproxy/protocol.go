package faultproxy

import (
	"fmt"
	"net/http"
	"strings"
)

// protocol is how a service answers errors; the SDK classifies a fault
// (throttling, retryable) only if it reads it in the service's own protocol.
type protocol int

const (
	// awsJSON: SSM, CloudWatch Logs, ECR, Resource Groups Tagging (the
	// request names its operation in X-Amz-Target).
	awsJSON protocol = iota
	// awsQuery: IAM, STS (a form-encoded Action=...; errors are XML).
	awsQuery
	// restJSON: Lambda, API Gateway v2 (the error code is the
	// X-Amzn-ErrorType header).
	restJSON
)

func (p protocol) String() string {
	return [...]string{"json", "query", "rest-json"}[p]
}

// protocolOf tells a request's protocol from what the SDK sends.
func protocolOf(r *http.Request) protocol {
	switch {
	case r.Header.Get("X-Amz-Target") != "":
		return awsJSON
	case strings.HasPrefix(r.Header.Get("Content-Type"), "application/x-www-form-urlencoded"):
		return awsQuery
	default:
		return restJSON
	}
}

// awsError is an error as a service would answer it.
type awsError struct {
	status  int
	code    string
	message string
}

// throttling is each protocol's "slow down": JSON services and IAM/STS say
// ThrottlingException/Throttling with a 400, Lambda and API Gateway v2
// TooManyRequestsException with a 429 (their modelled throttle errors).
func throttling(p protocol) awsError {
	switch p {
	case awsQuery:
		return awsError{http.StatusBadRequest, "Throttling", "Rate exceeded"}
	case restJSON:
		return awsError{http.StatusTooManyRequests, "TooManyRequestsException", "Rate exceeded"}
	}
	return awsError{http.StatusBadRequest, "ThrottlingException", "Rate exceeded"}
}

// unavailable is a 503 the SDK retries by its status.
func unavailable() awsError {
	return awsError{http.StatusServiceUnavailable, "ServiceUnavailable", "Service is unavailable (injected by faultproxy)"}
}

// write answers e in protocol p.
func (e awsError) write(w http.ResponseWriter, p protocol, requestID string) {
	h := w.Header()
	h.Set("X-Amzn-RequestId", requestID)
	var body string
	switch p {
	case awsQuery:
		h.Set("Content-Type", "text/xml")
		body = fmt.Sprintf("<ErrorResponse><Error><Type>Sender</Type><Code>%s</Code><Message>%s</Message></Error><RequestId>%s</RequestId></ErrorResponse>",
			e.code, e.message, requestID)
	case restJSON:
		h.Set("Content-Type", "application/json")
		h.Set("X-Amzn-ErrorType", e.code)
		body = fmt.Sprintf(`{"message":%q}`, e.message)
	default:
		h.Set("Content-Type", "application/x-amz-json-1.1")
		h.Set("X-Amzn-ErrorType", e.code)
		body = fmt.Sprintf(`{"__type":%q,"message":%q}`, e.code, e.message)
	}
	w.WriteHeader(e.status)
	_, _ = w.Write([]byte(body))
}
