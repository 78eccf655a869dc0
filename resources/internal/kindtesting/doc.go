// Package kindtesting holds the checks and fakes' helpers the kinds' unit
// tests share, so each kind's test says what is particular to it. It is
// imported by tests only.
package kindtesting
