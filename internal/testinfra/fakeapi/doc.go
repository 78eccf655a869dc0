// Package fakeapi is the shared part of the unit tests' function-field
// fakes of AWS clients: each method records its call by name and runs the
// function the test set for it, and a call the test did not expect fails.
// Lambda is such a fake of the Lambda client, shared by every test that
// calls Lambda.
package fakeapi
