// Command agent is the trip-planning assistant's Lambda function. It takes a
// message and the recent conversation, asks OpenAI's Responses API (or a
// compatible server's) for a reply, and answers with the reply or a typed
// error (see internal/lambdaproto for the contract). It links only the
// SDK's responses package: the root openai package links every API of the
// SDK and nearly doubles the binary.
//
// Failures are returned as a normal payload, {"error": {"type", "message"}},
// never as a Lambda function error: Lambda error payloads carry the Go error
// text and a stack-like trace that the caller should not see, and a typed
// payload lets the api map each failure to an HTTP status. Only a panic
// would surface as a function error, and the api maps that to 502 too.
//
// Environment:
//
//	SSM_PARAMETER_NAME  SecureString holding the OpenAI API key (read once, on first use)
//	OPENAI_MODEL        model name (default gpt-4o-mini)
//	OPENAI_BASE_URL     any OpenAI-compatible endpoint serving POST {base}/responses
//	                    (default https://api.openai.com/v1/)
//	OPENAI_TIMEOUT      deadline for the upstream call, a Go duration (default 25s)
//
// No other OPENAI_* variable is read (the SDK's client would read
// OPENAI_API_KEY, OPENAI_ORG_ID, ...; the bare service used here does not):
// the key comes from SSM only.
package main
