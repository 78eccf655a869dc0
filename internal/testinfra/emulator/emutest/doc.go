// Package emutest gives integration tests an emulator and AWS
// configurations pointing at it: one emulator per test (Config), or one
// shared by a package's tests (Package).
package emutest
