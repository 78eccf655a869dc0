// Package lambdapolicy reads Lambda resource policies (GetPolicy) once per
// plan for the kinds that look at them: lambda.function (its unqualified
// policy's statements), lambda.alias (its own policy's statements) and
// lambda.permission (the statement it is), so a function's or alias's
// policy costs one call a plan, however many kinds ask for it.
package lambdapolicy
