// Package workflows holds no code, only tests: they lint the GitHub Actions
// workflows in .github/workflows with actionlint, and check that what their
// `run:` steps call exists — every `make` target in the Makefile, every
// `reconcile` subcommand and flag in the CLI — and that AWS is reached only
// through OIDC with least-privilege permissions.
package workflows
