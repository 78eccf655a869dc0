package lambdafn

import (
	"context"
	"encoding/json"
	"fmt"
	"slices"
	"strings"
	"sync"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/lambda"

	"github.com/trip-assistant/stack/reconcile/spec"
)

// The function owns what widens who may invoke it without a qualifier:
// the statements of its unqualified resource policy (each declared by a
// lambda.permission of the stack, or drift) and its function URL (no kind
// declares one, so any is drift: a URL with AuthType NONE added by hand
// lets anyone on the internet invoke the function). An alias's policy is
// the alias's own (lambda.alias).

// noURL is the only function_url value the spec may ask for.
const noURL = "none"

// policyRead reads a resource policy: the plan's shared read
// (lambdapolicy.Reader.Observed) when observing, AWS now (Read) in Create
// and Update, which read back what they wrote.
type policyRead func(ctx context.Context, function, qualifier string) (doc string, found bool, err error)

// attachments reads the unqualified policy's statement ids and the
// function URL: one GetPolicy (shared in a plan with the function's
// permissions) and one GetFunctionUrlConfig. (The URL is read with
// GetFunctionUrlConfig rather than ListFunctionUrlConfigs, which would
// also list the aliases' URLs, because moto 5 serves only the former; an
// alias's URL is not owned yet.)
//
// The two reads are independent and made at once: one round trip, not
// two, on the path of every plan that observes the function.
func (k *Kind) attachments(ctx context.Context, name string, policy policyRead) (sids []string, url string, err error) {
	var polErr, urlErr error
	var wg sync.WaitGroup
	wg.Go(func() { sids, polErr = k.statements(ctx, name, policy) })
	wg.Go(func() { url, urlErr = k.functionURL(ctx, name) })
	wg.Wait()
	if polErr != nil {
		return nil, "", polErr
	}
	if urlErr != nil {
		return nil, "", urlErr
	}
	return sids, url, nil
}

// withAttachments reads the attachments into obs.
func (k *Kind) withAttachments(ctx context.Context, name string, props spec.Props, policy policyRead) error {
	sids, url, err := k.attachments(ctx, name, policy)
	if err != nil {
		return err
	}
	props["permissions"] = spec.StringListValue(sids)
	props["function_url"] = url
	return nil
}

// statements lists the statement ids of the function's unqualified
// resource policy.
func (k *Kind) statements(ctx context.Context, name string, policy policyRead) ([]string, error) {
	text, found, err := policy(ctx, name, "")
	if err != nil {
		return nil, fmt.Errorf("cannot read the resource policy of lambda function %q: %w", name, err)
	}
	if !found {
		return []string{}, nil // no policy: no statement
	}
	var doc struct {
		Statement []struct {
			Sid      string
			Resource any
		}
	}
	if err := json.Unmarshal([]byte(text), &doc); err != nil {
		return nil, fmt.Errorf("cannot parse the resource policy of lambda function %q: %w", name, err)
	}
	sids := []string{}
	for _, st := range doc.Statement {
		if qualified(st.Resource, name) {
			continue
		}
		sids = append(sids, st.Sid)
	}
	slices.Sort(sids)
	return sids, nil
}

// qualified tells a statement granting a version or alias
// ("arn:...:function:NAME:live"), which is the alias's to own. AWS keeps
// those in the qualifier's own policy; moto 5 also answers them in the
// unqualified one.
func qualified(resource any, name string) bool {
	r, ok := resource.(string)
	if !ok {
		return false
	}
	_, after, found := strings.Cut(r, ":function:"+name+":")
	return found && after != ""
}

// functionURL describes the function's unqualified URL, noURL if none.
func (k *Kind) functionURL(ctx context.Context, name string) (string, error) {
	out, err := k.api.GetFunctionUrlConfig(ctx, &lambda.GetFunctionUrlConfigInput{FunctionName: aws.String(name)})
	if isNotFound(err) {
		return noURL, nil
	}
	if err != nil {
		return "", fmt.Errorf("cannot read the function URL of lambda function %q: %w", name, err)
	}
	return fmt.Sprintf("%s (auth_type %s)", aws.ToString(out.FunctionUrl), out.AuthType), nil
}

// removeAttachments removes what the diff says the stack does not declare:
// the statements not in desired's permissions, and the function URL. Gone
// already is fine.
func (k *Kind) removeAttachments(ctx context.Context, name string, desired, live spec.Props, changed func(string) bool) error {
	if changed("permissions") {
		defer k.policies.Forget(name)
		want := desired.StringList("permissions")
		for _, sid := range live.StringList("permissions") {
			if slices.Contains(want, sid) {
				continue
			}
			_, err := k.api.RemovePermission(ctx, &lambda.RemovePermissionInput{FunctionName: aws.String(name), StatementId: aws.String(sid)})
			if err != nil && !isNotFound(err) {
				return fmt.Errorf("cannot remove statement %q from the resource policy of lambda function %q: %w", sid, name, err)
			}
		}
	}
	if changed("function_url") && live.String("function_url") != noURL {
		_, err := k.api.DeleteFunctionUrlConfig(ctx, &lambda.DeleteFunctionUrlConfigInput{FunctionName: aws.String(name)})
		if err != nil && !isNotFound(err) {
			return fmt.Errorf("cannot delete the function URL of lambda function %q: %w", name, err)
		}
	}
	return nil
}

func checkFunctionURL(v any) error {
	if s, _ := v.(string); s != noURL {
		return fmt.Errorf("this stack declares no function URL: the only value is %q (ignore: [function_url] leaves a URL made elsewhere alone)", noURL)
	}
	return nil
}
