// Package spec is spec.yaml: the model (Spec, Resource, Input, Output), the
// schema vocabulary kinds describe their fields with (Schema, Field, Props),
// loading with environment overrides, validation with file:line:column
// errors, and ${...} interpolation. It knows resource types only through
// their schemas (TypeSchema); it never talks to AWS.
package spec
