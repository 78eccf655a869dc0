package iamrole

import (
	"context"
	"fmt"
	"sort"
	"sync"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/iam"
	"github.com/aws/aws-sdk-go-v2/service/iam/types"

	"github.com/trip-assistant/stack/reconcile"
	"github.com/trip-assistant/stack/reconcile/spec"
	"github.com/trip-assistant/stack/resources/internal/kindkit"
	"github.com/trip-assistant/stack/resources/internal/policydoc"
)

// Observe implements reconcile.Kind. The role is read with GetRole (which
// carries its tags), ListAttachedRolePolicies and ListRolePolicies. A
// recorded role is expected to exist, so the three reads are made at once
// (one round trip); a role not recorded yet is read with GetRole first,
// so a role still to be made costs one call.
func (k *Kind) Observe(ctx context.Context, req reconcile.ObserveRequest) (reconcile.Observation, error) {
	name := requestName(req)
	if name == "" {
		return reconcile.Observation{}, nil
	}
	var (
		out             *iam.GetRoleOutput
		arns, inline    []string
		getErr, attErr  error
		inlErr          error
		wg              sync.WaitGroup
		readAttachments = func() {
			wg.Go(func() { arns, attErr = k.attachedPolicies(ctx, name) })
			wg.Go(func() { inline, inlErr = k.inlinePolicies(ctx, name) })
		}
	)
	if req.ID != "" {
		readAttachments()
	}
	out, getErr = k.api.GetRole(ctx, &iam.GetRoleInput{RoleName: aws.String(name)})
	if req.ID == "" && getErr == nil {
		readAttachments()
	}
	wg.Wait()
	if notFound(getErr) {
		return reconcile.Observation{}, nil
	}
	if getErr != nil {
		return reconcile.Observation{}, fmt.Errorf("cannot read IAM role %q: %w", name, getErr)
	}
	for _, err := range []error{attErr, inlErr} {
		if notFound(err) {
			return reconcile.Observation{}, nil // deleted between the calls
		}
		if err != nil {
			return reconcile.Observation{}, err
		}
	}
	return observation(out.Role, arns, inline)
}

// requestName is the role's name: the recorded ID, else the desired name,
// "" while that is Unknown.
func requestName(req reconcile.ObserveRequest) string {
	if req.ID != "" {
		return req.ID
	}
	return req.Desired.String("name")
}

// observation turns what AWS reports into the kind's props and attributes.
func observation(role *types.Role, managedPolicyARNs, inlinePolicies []string) (reconcile.Observation, error) {
	inline := append([]string(nil), inlinePolicies...)
	sort.Strings(inline)
	name := aws.ToString(role.RoleName)
	props := spec.Props{
		"name":                 name,
		"path":                 aws.ToString(role.Path),
		"max_session_duration": int64(aws.ToInt32(role.MaxSessionDuration)),
		"managed_policy_arns":  spec.StringListValue(managedPolicyARNs),
		"inline_policies":      spec.StringListValue(inline),
		"tags":                 spec.StringMapValue(tagMap(role.Tags)),
	}
	if d := aws.ToString(role.Description); d != "" {
		props["description"] = d
	}
	if doc := aws.ToString(role.AssumeRolePolicyDocument); doc != "" {
		trust, err := policydoc.Decode(doc)
		if err != nil {
			return reconcile.Observation{}, fmt.Errorf("cannot read the trust policy of IAM role %q: %w", name, err)
		}
		props["assume_role_policy"] = trust
	}
	return reconcile.Observation{
		Exists: true,
		ID:     name,
		Props:  props,
		Attrs: map[string]string{
			"arn":  aws.ToString(role.Arn),
			"name": name,
			"id":   aws.ToString(role.RoleId),
		},
	}, nil
}

// attachedPolicies lists the ARNs of the managed policies attached to the
// role, sorted.
func (k *Kind) attachedPolicies(ctx context.Context, name string) ([]string, error) {
	var arns []string
	p := iam.NewListAttachedRolePoliciesPaginator(k.api, &iam.ListAttachedRolePoliciesInput{RoleName: aws.String(name)})
	for p.HasMorePages() {
		page, err := p.NextPage(ctx)
		if err != nil {
			return nil, fmt.Errorf("cannot list the policies attached to IAM role %q: %w", name, err)
		}
		for _, ap := range page.AttachedPolicies {
			arns = append(arns, aws.ToString(ap.PolicyArn))
		}
	}
	sort.Strings(arns)
	return arns, nil
}

func tagMap(tags []types.Tag) map[string]string {
	return kindkit.TagMap(tags, func(t types.Tag) (*string, *string) { return t.Key, t.Value })
}

func tagList(m map[string]string) []types.Tag {
	return kindkit.TagList(m, func(k, v *string) types.Tag { return types.Tag{Key: k, Value: v} })
}
