// Package localup runs the whole stack on one machine, for `make up` and the
// end-to-end test: kumo (an AWS emulator) embedded in the process, the spec
// reconciled against it in the "local" environment, and the agent and api
// handlers run as child processes behind kumo's Lambda Runtime API, so a
// request travels API Gateway → api → agent → an OpenAI-compatible model as
// it does in AWS.
//
// kumo reads AWS_DEFAULT_REGION and KUMO_PORT once, when the process starts
// (its services are built by package init), so a process must be started
// with the environment EmulatorEnv returns before Start can succeed; kumo
// keeps its state in package variables, so there is one system per process.
package localup
