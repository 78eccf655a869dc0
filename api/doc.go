// Command api is the trip-planning assistant's HTTP API: GET /api/health and
// POST /api/messages, which validates the message and invokes the agent
// Lambda's "live" alias. In Lambda it is fronted by an API Gateway HTTP API
// (payload format 2.0); anywhere else the same binary serves plain HTTP on
// PORT (default 8080) for local work.
//
// Environment:
//
//	AGENT_LAMBDA_FUNCTION_NAME  the agent function (required)
//	AGENT_LAMBDA_QUALIFIER      alias or version to invoke (default "live";
//	                            set it empty for emulators without aliases)
//	PORT                        listen port outside Lambda (default 8080)
//	AWS_ENDPOINT_URL            emulator endpoint, honoured by the AWS SDK
package main
