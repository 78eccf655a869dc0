package iamrole

import (
	"context"
	"fmt"
	"slices"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/iam"

	"github.com/trip-assistant/stack/reconcile"
	"github.com/trip-assistant/stack/reconcile/spec"
	"github.com/trip-assistant/stack/resources/internal/kindkit"
	"github.com/trip-assistant/stack/resources/internal/policydoc"
)

// Update implements reconcile.Kind: only the APIs of the fields in the diff
// are called (trust policy, UpdateRole, attachments, tags).
func (k *Kind) Update(ctx context.Context, req reconcile.UpdateRequest) (reconcile.Observation, error) {
	if err := k.apply(ctx, req.ID, req.Desired, req.Live.Props, req.Diff.Has); err != nil {
		return reconcile.Observation{}, err
	}
	return merged(req.Live, req.Desired, req.Diff.Has), nil
}

// apply changes the fields for which changed is true from live to desired.
func (k *Kind) apply(ctx context.Context, name string, desired, live spec.Props, changed func(string) bool) error {
	if changed("assume_role_policy") {
		trust, err := policydoc.Marshal(desired["assume_role_policy"])
		if err != nil {
			return fmt.Errorf("cannot update the trust policy of IAM role %q: %w", name, err)
		}
		if _, err := k.api.UpdateAssumeRolePolicy(ctx, &iam.UpdateAssumeRolePolicyInput{
			RoleName: aws.String(name), PolicyDocument: aws.String(trust),
		}); err != nil {
			return fmt.Errorf("cannot update the trust policy of IAM role %q: %w", name, err)
		}
	}
	if changed("description") || changed("max_session_duration") {
		// UpdateRole sets both; the field not in the diff keeps its live
		// value so that one call never reverts the other.
		from := func(f string) spec.Props {
			if changed(f) {
				return desired
			}
			return live
		}
		in := &iam.UpdateRoleInput{
			RoleName:    aws.String(name),
			Description: aws.String(from("description").String("description")),
		}
		if n := from("max_session_duration").Int("max_session_duration"); n != 0 {
			in.MaxSessionDuration = aws.Int32(int32(n))
		}
		if _, err := k.api.UpdateRole(ctx, in); err != nil {
			return fmt.Errorf("cannot update IAM role %q: %w", name, err)
		}
	}
	if changed("managed_policy_arns") {
		want, got := desired.StringList("managed_policy_arns"), live.StringList("managed_policy_arns")
		// Attach first: the role never lacks both the old and new policy.
		for _, arn := range kindkit.Minus(want, got) {
			if err := k.attach(ctx, name, arn); err != nil {
				return err
			}
		}
		for _, arn := range kindkit.Minus(got, want) {
			if err := k.detach(ctx, name, arn); err != nil {
				return err
			}
		}
	}
	if changed("inline_policies") {
		// The engine filled desired with the policies the stack declares;
		// the others were put there by hand.
		for _, p := range kindkit.Minus(live.StringList("inline_policies"), desired.StringList("inline_policies")) {
			if err := k.deleteInline(ctx, name, p); err != nil {
				return err
			}
		}
	}
	if changed("tags") {
		set, remove := reconcile.TagChanges(desired.StringMap("tags"), live.StringMap("tags"))
		if len(set) > 0 {
			if _, err := k.api.TagRole(ctx, &iam.TagRoleInput{RoleName: aws.String(name), Tags: tagList(set)}); err != nil {
				return fmt.Errorf("cannot tag IAM role %q: %w", name, err)
			}
		}
		if len(remove) > 0 {
			if _, err := k.api.UntagRole(ctx, &iam.UntagRoleInput{RoleName: aws.String(name), TagKeys: remove}); err != nil {
				return fmt.Errorf("cannot untag IAM role %q: %w", name, err)
			}
		}
	}
	return nil
}

func (k *Kind) attach(ctx context.Context, name, arn string) error {
	if _, err := k.api.AttachRolePolicy(ctx, &iam.AttachRolePolicyInput{RoleName: aws.String(name), PolicyArn: aws.String(arn)}); err != nil {
		return fmt.Errorf("cannot attach policy %q to IAM role %q: %w", arn, name, err)
	}
	return nil
}

// detach succeeds when the policy is no longer attached.
func (k *Kind) detach(ctx context.Context, name, arn string) error {
	if _, err := k.api.DetachRolePolicy(ctx, &iam.DetachRolePolicyInput{RoleName: aws.String(name), PolicyArn: aws.String(arn)}); err != nil && !notFound(err) {
		return fmt.Errorf("cannot detach policy %q from IAM role %q: %w", arn, name, err)
	}
	return nil
}

// deleteInline succeeds when the policy is gone already.
func (k *Kind) deleteInline(ctx context.Context, name, policy string) error {
	_, err := k.api.DeleteRolePolicy(ctx, &iam.DeleteRolePolicyInput{RoleName: aws.String(name), PolicyName: aws.String(policy)})
	if err != nil && !notFound(err) {
		return fmt.Errorf("cannot delete inline policy %q of IAM role %q: %w", policy, name, err)
	}
	return nil
}

// merged is kindkit.Merged, but inline_policies after an update holds only
// the declared policies that were live: undeclared ones were deleted, and
// declared ones not made yet are not there.
func merged(live reconcile.Observation, desired spec.Props, changed func(string) bool) reconcile.Observation {
	out := kindkit.Merged(live, desired, changed)
	if changed("inline_policies") {
		var kept []string
		want := desired.StringList("inline_policies")
		for _, p := range live.Props.StringList("inline_policies") {
			if slices.Contains(want, p) {
				kept = append(kept, p)
			}
		}
		out.Props["inline_policies"] = spec.StringListValue(kept)
	}
	return out
}
