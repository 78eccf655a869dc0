package ecrrepo

import (
	"fmt"

	"github.com/trip-assistant/stack/reconcile/spec"
	"github.com/trip-assistant/stack/tfstate"
)

var _ tfstate.Importer = (*Kind)(nil)

const tfLifecyclePolicy = "aws_ecr_lifecycle_policy"

// TerraformTypes implements tfstate.Importer. A lifecycle policy is a
// resource of its own in Terraform and the repository's lifecycle_policy
// here.
func (k *Kind) TerraformTypes() []string { return []string{"aws_ecr_repository", tfLifecyclePolicy} }

// ImportKey implements tfstate.Importer: a repository is its name.
func (k *Kind) ImportKey(p spec.Props) (string, bool) { return tfstate.Key(p, "name") }

// FromTerraform implements tfstate.Importer.
func (k *Kind) FromTerraform(inst *tfstate.Instance) (tfstate.Imported, error) {
	if inst.Type == tfLifecyclePolicy {
		doc, err := inst.Document("policy")
		if err != nil {
			return tfstate.Imported{}, fmt.Errorf("%s: policy: %w", inst.Address, err)
		}
		return tfstate.Imported{
			PartOf: spec.Props{"name": inst.String("repository")},
			Props:  spec.Props{"lifecycle_policy": doc},
		}, nil
	}
	if enc := inst.Block("encryption_configuration"); enc != nil {
		if t, _ := enc["encryption_type"].(string); t != "" && t != "AES256" {
			return tfstate.Imported{}, tfstate.ErrUnsupported(inst, k.Type(), "encryption_configuration")
		}
	}
	name := inst.String("name")
	scan := false
	if b := inst.Block("image_scanning_configuration"); b != nil {
		scan, _ = b["scan_on_push"].(bool)
	}
	force := inst.Bool("force_delete")
	p := spec.Props{
		"name":                 name,
		"image_tag_mutability": inst.String("image_tag_mutability"),
		"scan_on_push":         scan,
		"force_delete":         force,
	}
	if t := inst.Tags(); t != nil {
		p["tags"] = t
	}
	return tfstate.Imported{
		ID:    idFor(name, force),
		Props: p,
		Attrs: map[string]string{
			"arn": inst.String("arn"), "name": name,
			"url": inst.String("repository_url"), "registry_id": inst.String("registry_id"),
		},
	}, nil
}
