// Package lambdaproto is the contract between the api and the agent Lambda:
// the JSON the api sends to the agent, the JSON the agent answers with, and
// the input bounds both sides enforce, so the two programs cannot drift.
package lambdaproto
