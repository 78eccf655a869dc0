// Package retrysafe makes a create call safe for the SDK to retry when AWS
// carried out an attempt whose answer was lost: before each retry, the kind
// is asked to look up what that attempt made, and the call returns it
// instead of making a second one. The SDK's retryer keeps deciding when
// and how often to retry.
package retrysafe
