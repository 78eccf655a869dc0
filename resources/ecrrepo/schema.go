package ecrrepo

import (
	"errors"
	"fmt"
	"regexp"

	"github.com/trip-assistant/stack/reconcile/spec"
	"github.com/trip-assistant/stack/resources/internal/policydoc"
)

func checkPolicy(v any) error {
	_, err := policydoc.Marshal(v)
	return err
}

const mutable = "MUTABLE"

// Type is the spec's name for this kind.
func (k *Kind) Type() string { return "ecr.repository" }

// Schema describes the fields of an ecr.repository.
func (k *Kind) Schema() spec.Schema {
	return spec.Schema{
		"name": {Type: spec.String, Required: true, ForceNew: true, Check: CheckName,
			Doc: "Repository name, lowercase, may contain \"/\" namespaces."},
		"image_tag_mutability": {Type: spec.String, Default: mutable, Enum: []string{"MUTABLE", "IMMUTABLE"},
			Doc: "IMMUTABLE forbids pushing a tag that already exists."},
		"scan_on_push": {Type: spec.Bool, Default: false, Doc: "Scan each pushed image for vulnerabilities."},
		"force_delete": {Type: spec.Bool, Default: false,
			Doc: "Delete the repository even when it holds images (not an AWS setting)."},
		// The empty Default stands for "no policy", so that dropping the
		// field from the spec is a diff (the engine leaves unset fields
		// without a Default alone) and Update deletes the policy.
		"lifecycle_policy": {Type: spec.Document, Default: map[string]any{}, Check: CheckLifecyclePolicy, Equal: LifecyclePolicyEqual,
			Doc: "ECR lifecycle policy, {rules: [...]} as in ECR's JSON; empty or unset means none."},
		// Default "none" again: a policy set by hand (SetRepositoryPolicy)
		// that the spec does not declare is drift, and apply deletes it.
		"policy": {Type: spec.Document, Default: map[string]any{}, Exclusive: true, Equal: policydoc.Equal, Check: checkPolicy,
			Doc: "Repository policy (who may pull or push), owned exclusively: unset means none, and a policy set by hand is drift and is deleted."},
		"tags": {Type: spec.StringMap, Doc: "Tags on the repository."},
	}
}

// Attributes lists what ${name.attr} may reference.
func (k *Kind) Attributes() []string { return []string{"arn", "name", "url", "registry_id"} }

var namePattern = regexp.MustCompile(`^(?:[a-z0-9]+(?:[._-][a-z0-9]+)*/)*[a-z0-9]+(?:[._-][a-z0-9]+)*$`)

// CheckName applies ECR's naming rules: 2 to 256 characters, lowercase
// components of letters and digits joined by single . _ - and separated by /.
func CheckName(v any) error {
	name, ok := v.(string)
	if !ok {
		return fmt.Errorf("expected a string, got %T", v)
	}
	if len(name) < 2 || len(name) > 256 {
		return fmt.Errorf("must be 2 to 256 characters long, got %d", len(name))
	}
	if !namePattern.MatchString(name) {
		return errors.New("must be lowercase letters and digits, separated by single . _ - or /, starting and ending with a letter or digit")
	}
	return nil
}
