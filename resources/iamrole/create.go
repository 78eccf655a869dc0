package iamrole

import (
	"context"
	"errors"
	"fmt"
	"sort"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/iam"
	"github.com/aws/aws-sdk-go-v2/service/iam/types"

	"github.com/trip-assistant/stack/reconcile"
	"github.com/trip-assistant/stack/reconcile/spec"
	"github.com/trip-assistant/stack/resources/internal/kindkit"
	"github.com/trip-assistant/stack/resources/internal/policydoc"
)

// Create implements reconcile.Kind. The role is created with its tags, then
// its managed policies are attached. A role that already exists under the
// name is adopted and updated to the desired props.
//
// The observation returned is built from what was sent and what CreateRole
// answered, not read back: IAM is eventually consistent and a read right
// after a create can miss the role.
func (k *Kind) Create(ctx context.Context, desired spec.Props) (reconcile.Observation, error) {
	name := desired.String("name")
	trust, err := policydoc.Marshal(desired["assume_role_policy"])
	if err != nil {
		return reconcile.Observation{}, fmt.Errorf("cannot create IAM role %q: assume_role_policy: %w", name, err)
	}
	in := &iam.CreateRoleInput{
		RoleName:                 aws.String(name),
		AssumeRolePolicyDocument: aws.String(trust),
		Tags:                     tagList(desired.StringMap("tags")),
	}
	if p := desired.String("path"); p != "" {
		in.Path = aws.String(p)
	}
	if d := desired.String("description"); d != "" {
		in.Description = aws.String(d)
	}
	if desired.Has("max_session_duration") {
		in.MaxSessionDuration = aws.Int32(int32(desired.Int("max_session_duration")))
	}
	out, err := k.api.CreateRole(ctx, in)
	var exists *types.EntityAlreadyExistsException
	if errors.As(err, &exists) {
		return k.adopt(ctx, name, desired)
	}
	if err != nil {
		return reconcile.Observation{}, fmt.Errorf("cannot create IAM role %q: %w", name, err)
	}
	for _, arn := range desired.StringList("managed_policy_arns") {
		if err := k.attach(ctx, name, arn); err != nil {
			return reconcile.Observation{}, err
		}
	}
	return applied(desired, out.Role), nil
}

// adopt takes over a role that exists under the desired name and updates
// whatever differs from the desired props.
func (k *Kind) adopt(ctx context.Context, name string, desired spec.Props) (reconcile.Observation, error) {
	live, err := k.Observe(ctx, reconcile.ObserveRequest{ID: name, Desired: desired})
	if err != nil {
		return reconcile.Observation{}, fmt.Errorf("cannot adopt IAM role %q: %w", name, err)
	}
	if !live.Exists {
		return reconcile.Observation{}, fmt.Errorf("cannot adopt IAM role %q: it already exists, but cannot be read yet; retry", name)
	}
	changed := differing(desired, live.Props)
	if err := k.apply(ctx, name, desired, live.Props, func(f string) bool { return changed[f] }); err != nil {
		return reconcile.Observation{}, err
	}
	return merged(live, desired, func(f string) bool { return changed[f] }), nil
}

// differing compares the fields Update can change, as the engine would.
func differing(desired, live spec.Props) map[string]bool {
	changed := map[string]bool{}
	if !policydoc.Equal(desired["assume_role_policy"], live["assume_role_policy"]) {
		changed["assume_role_policy"] = true
	}
	if desired.String("description") != live.String("description") {
		changed["description"] = true
	}
	if desired.Has("max_session_duration") && desired.Int("max_session_duration") != live.Int("max_session_duration") {
		changed["max_session_duration"] = true
	}
	if !sameSet(desired.StringList("managed_policy_arns"), live.StringList("managed_policy_arns")) {
		changed["managed_policy_arns"] = true
	}
	if len(kindkit.Minus(live.StringList("inline_policies"), desired.StringList("inline_policies"))) > 0 {
		changed["inline_policies"] = true
	}
	set, remove := reconcile.TagChanges(desired.StringMap("tags"), live.StringMap("tags"))
	if len(set) > 0 || len(remove) > 0 {
		changed["tags"] = true
	}
	return changed
}

// applied is the observation of a role just made from desired.
func applied(desired spec.Props, role *types.Role) reconcile.Observation {
	props := spec.Props{}
	for k, v := range desired {
		props[k] = v
	}
	if _, ok := props["path"]; !ok {
		props["path"] = "/"
	}
	if _, ok := props["max_session_duration"]; !ok {
		props["max_session_duration"] = int64(3600)
	}
	arns := append([]string(nil), desired.StringList("managed_policy_arns")...)
	sort.Strings(arns)
	props["managed_policy_arns"] = spec.StringListValue(arns)
	props["inline_policies"] = []any{} // a new role has none yet
	name := aws.ToString(role.RoleName)
	return reconcile.Observation{
		Exists: true,
		ID:     name,
		Props:  props,
		Attrs:  map[string]string{"arn": aws.ToString(role.Arn), "name": name, "id": aws.ToString(role.RoleId)},
	}
}

func sameSet(a, b []string) bool {
	if len(a) != len(b) {
		return false
	}
	seen := make(map[string]int, len(a))
	for _, s := range a {
		seen[s]++
	}
	for _, s := range b {
		if seen[s] == 0 {
			return false
		}
		seen[s]--
	}
	return true
}
