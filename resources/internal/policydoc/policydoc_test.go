package policydoc

import (
	"net/url"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
)

func TestEqual(t *testing.T) {
	desired := map[string]any{
		"Version": "2012-10-17",
		"Statement": []any{
			map[string]any{"Effect": "Allow", "Action": []any{"ssm:GetParameter"}, "Resource": "arn:aws:ssm:us-east-2:123456789012:parameter/key"},
			map[string]any{"Effect": "Allow", "Action": []any{"logs:CreateLogStream", "logs:PutLogEvents"}, "Resource": []any{"arn:aws:logs:*:*:log-group:/aws/lambda/x:*"}},
		},
	}
	// How AWS hands it back: reordered, single-item arrays collapsed, URL-encoded.
	stored := `{"Version":"2012-10-17","Statement":[` +
		`{"Effect":"Allow","Action":["logs:PutLogEvents","logs:CreateLogStream"],"Resource":"arn:aws:logs:*:*:log-group:/aws/lambda/x:*"},` +
		`{"Effect":"Allow","Action":"ssm:GetParameter","Resource":["arn:aws:ssm:us-east-2:123456789012:parameter/key"]}]}`
	extra := strings.Replace(stored, `]}`, `,{"Effect":"Allow","Action":"s3:*","Resource":"*"}]}`, 1)
	cases := map[string]struct {
		want, got any
		equal     bool
	}{
		"same value":                        {desired, desired, true},
		"single-item array vs string":       {desired, stored, true},
		"reordered statements, URL-encoded": {desired, url.PathEscape(stored), true},
		"typed Go values":                   {map[string]any{"Version": "2012-10-17", "Statement": map[string]any{"Effect": "Allow", "Action": []string{"a:B"}, "Resource": "r"}}, `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"a:B","Resource":["r"]}]}`, true},
		"extra statement":                   {desired, extra, false},
		"different action":                  {desired, strings.Replace(stored, "ssm:GetParameter", "ssm:GetParameters", 1), false},
		"different resource":                {desired, strings.Replace(stored, "parameter/key", "parameter/other", 1), false},
		"garbage":                           {desired, "%7Bnot json", false},
		"nil":                               {desired, nil, false},
	}
	for name, tc := range cases {
		t.Run(name, func(t *testing.T) {
			if got := Equal(tc.want, tc.got); got != tc.equal {
				t.Errorf("Equal() = %v, want %v", got, tc.equal)
			}
		})
	}
}

func TestDecode(t *testing.T) {
	want := map[string]any{
		"Version": "2012-10-17",
		"Statement": []any{map[string]any{
			"Effect": "Allow", "Action": "sts:AssumeRole", "Resource": "a+b c",
			"Condition": map[string]any{"NumericLessThan": map[string]any{"k": int64(3)}},
		}},
	}
	plain := `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"sts:AssumeRole","Resource":"a+b c","Condition":{"NumericLessThan":{"k":3}}}]}`
	for name, in := range map[string]string{"url-encoded": url.PathEscape(plain), "plain": plain} {
		t.Run(name, func(t *testing.T) {
			got, err := Decode(in)
			if err != nil {
				t.Fatal(err)
			}
			if diff := cmp.Diff(want, got); diff != "" {
				t.Errorf("Decode() (-want +got):\n%s", diff)
			}
		})
	}
	if _, err := Decode("%5B%5D"); err == nil {
		t.Error("Decode of a JSON array: want an error")
	}
}

func TestMarshal(t *testing.T) {
	got, err := Marshal(map[string]any{"Statement": map[string]any{"Resource": "arn:<x>&y"}, "Version": "2012-10-17"})
	if err != nil {
		t.Fatal(err)
	}
	if want := `{"Statement":{"Resource":"arn:<x>&y"},"Version":"2012-10-17"}`; got != want {
		t.Errorf("Marshal() = %s, want %s", got, want)
	}
	if _, err := Marshal("{nope"); err == nil {
		t.Error("Marshal of invalid JSON text: want an error")
	}
}

func trust(cond map[string]any) map[string]any {
	st := map[string]any{
		"Effect":    "Allow",
		"Principal": map[string]any{"Federated": "arn:aws:iam::123456789012:oidc-provider/token.actions.githubusercontent.com"},
		"Action":    "sts:AssumeRoleWithWebIdentity",
	}
	if cond != nil {
		st["Condition"] = cond
	}
	return map[string]any{"Version": "2012-10-17", "Statement": []any{st}}
}

func TestCheckGitHubTrust(t *testing.T) {
	aud := map[string]any{"token.actions.githubusercontent.com:aud": "sts.amazonaws.com"}
	withSub := func(op string, sub any) map[string]any {
		c := map[string]any{"StringEquals": aud}
		if op == "StringEquals" {
			c[op] = map[string]any{"token.actions.githubusercontent.com:aud": "sts.amazonaws.com", "token.actions.githubusercontent.com:sub": sub}
		} else {
			c[op] = map[string]any{"token.actions.githubusercontent.com:sub": sub}
		}
		return c
	}
	lambdaTrust := map[string]any{"Version": "2012-10-17", "Statement": map[string]any{
		"Effect": "Allow", "Principal": map[string]any{"Service": "lambda.amazonaws.com"}, "Action": "sts:AssumeRole"}}
	refPrincipal := trust(nil)
	refPrincipal["Statement"].([]any)[0].(map[string]any)["Principal"] = map[string]any{"Federated": "${github_oidc.arn}"}

	cases := map[string]struct {
		doc     any
		wantErr string // substring; "" means accepted
	}{
		"one repo, branch":            {trust(withSub("StringLike", "repo:octo/trip:ref:refs/heads/main")), ""},
		"one repo, any ref":           {trust(withSub("StringLike", "repo:octo/trip:*")), "never a wildcard"},
		"one repo, any branch":        {trust(withSub("StringLike", "repo:octo/trip:ref:refs/heads/*")), "never a wildcard"},
		"one repo, no context":        {trust(withSub("StringEquals", "repo:octo/trip:")), "never a wildcard"},
		"one repo, two refs":          {trust(withSub("StringLike", []any{"repo:octo/trip:ref:refs/heads/main", "repo:octo/trip:environment:prod"})), ""},
		"sub exact":                   {trust(withSub("StringEquals", "repo:octo/trip:environment:prod")), ""},
		"not a GitHub principal":      {lambdaTrust, ""},
		"unresolved sub":              {trust(withSub("StringLike", "repo:${var.repo}:*")), "never a wildcard"},
		"unresolved repo, exact":      {trust(withSub("StringEquals", "repo:${input.repo}:environment:prod")), ""},
		"JSON string":                 {`{"Statement":{"Effect":"Allow","Principal":{"Federated":"arn:aws:iam::1:oidc-provider/token.actions.githubusercontent.com"}}}`, "add the condition StringEquals"},
		"wildcard repo name":          {trust(withSub("StringLike", "repo:octo/*")), "without wildcards"},
		"wildcard owner":              {trust(withSub("StringLike", "repo:*")), "without wildcards"},
		"wildcard in name":            {trust(withSub("StringLike", "repo:octo/trip*:*")), "without wildcards"},
		"not a repo subject":          {trust(withSub("StringLike", "environment:prod")), "must be \"repo:OWNER/NAME:...\""},
		"two repositories":            {trust(withSub("StringLike", []any{"repo:octo/a:ref:refs/heads/main", "repo:octo/b:ref:refs/heads/main"})), "names 2 repositories"},
		"missing aud":                 {trust(map[string]any{"StringLike": map[string]any{"token.actions.githubusercontent.com:sub": "repo:octo/trip:*"}}), "add the condition StringEquals \"token.actions.githubusercontent.com:aud\""},
		"wrong aud":                   {trust(map[string]any{"StringEquals": map[string]any{"token.actions.githubusercontent.com:aud": "other", "token.actions.githubusercontent.com:sub": "repo:o/n:*"}}), "must be \"sts.amazonaws.com\""},
		"missing sub":                 {trust(map[string]any{"StringEquals": aud}), "naming the one repository"},
		"IfExists does not count":     {trust(withSub("StringLikeIfExists", "repo:octo/trip:*")), "naming the one repository"},
		"no conditions":               {trust(nil), "add the condition"},
		"reference principal checked": {refPrincipal, "add the condition"},
	}
	for name, tc := range cases {
		t.Run(name, func(t *testing.T) {
			err := CheckGitHubTrust(tc.doc)
			switch {
			case tc.wantErr == "" && err != nil:
				t.Errorf("CheckGitHubTrust() = %v, want nil", err)
			case tc.wantErr != "" && (err == nil || !strings.Contains(err.Error(), tc.wantErr)):
				t.Errorf("CheckGitHubTrust() = %v, want an error containing %q", err, tc.wantErr)
			}
		})
	}
}

func TestCheckLeastPrivilege(t *testing.T) {
	doc := func(st ...any) map[string]any { return map[string]any{"Version": "2012-10-17", "Statement": st} }
	cases := map[string]struct {
		doc     any
		wantErr string
	}{
		"named resources": {doc(map[string]any{"Effect": "Allow", "Action": "ssm:GetParameter", "Resource": "${openai_key.arn}"}), ""},
		"deny on star":    {doc(map[string]any{"Effect": "Deny", "Action": "s3:*", "Resource": "*"}), ""},
		"unscoped action": {doc(map[string]any{"Effect": "Allow", "Action": "ecr:GetAuthorizationToken", "Resource": "*"}), ""},
		"star resource": {doc(
			map[string]any{"Effect": "Allow", "Action": "ssm:GetParameter", "Resource": "arn:x"},
			map[string]any{"Effect": "Allow", "Action": []any{"logs:CreateLogGroup", "logs:PutLogEvents"}, "Resource": []any{"arn:y", "*"}},
		), "least privilege: statement 2 allows logs:CreateLogGroup, logs:PutLogEvents on every resource; name the resources"},
		"missing resource":           {doc(map[string]any{"Effect": "Allow", "Action": "s3:GetObject"}), "statement 1 allows s3:GetObject on every resource"},
		"unscoped mixed with scoped": {doc(map[string]any{"Effect": "Allow", "Action": []any{"ecr:GetAuthorizationToken", "ecr:PutImage"}, "Resource": "*"}), "on every resource"},
		"NotAction":                  {doc(map[string]any{"Effect": "Allow", "NotAction": "iam:*", "Resource": "arn:x"}), "allows everything but iam:*"},
	}
	for name, tc := range cases {
		t.Run(name, func(t *testing.T) {
			err := CheckLeastPrivilege(tc.doc)
			switch {
			case tc.wantErr == "" && err != nil:
				t.Errorf("CheckLeastPrivilege() = %v, want nil", err)
			case tc.wantErr != "" && (err == nil || !strings.Contains(err.Error(), tc.wantErr)):
				t.Errorf("CheckLeastPrivilege() = %v, want an error containing %q", err, tc.wantErr)
			}
		})
	}
}
