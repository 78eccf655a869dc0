// Package lambdaalias reconciles the lambda.alias kind: a named pointer to
// one published version of a function (usually "live", moved by
// `reconcile deploy`). Its ID is "function:alias".
package lambdaalias
