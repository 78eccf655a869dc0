// Command localup runs the whole trip-assistant stack on this machine
// (`make up`): kumo embedded, spec.yaml reconciled in its "local"
// environment, the agent and api handlers behind kumo's Lambda Runtime API.
// It prints the API's URL and serves until interrupted.
//
// kumo reads its region and port when the process starts, so localup first
// starts itself again with them set (syscall.Exec: same process id).
package main
