package iamrole

import (
	"context"
	"net/url"
	"slices"
	"strings"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/iam"
	"github.com/aws/aws-sdk-go-v2/service/iam/types"
	"github.com/google/go-cmp/cmp"

	"github.com/trip-assistant/stack/reconcile"
	"github.com/trip-assistant/stack/reconcile/spec"
)

const lambdaTrust = `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"Service":"lambda.amazonaws.com"},"Action":"sts:AssumeRole"}]}`

func liveRole() *types.Role {
	return &types.Role{
		RoleName:                 aws.String("agent"),
		RoleId:                   aws.String("AROA123"),
		Arn:                      aws.String("arn:aws:iam::123456789012:role/agent"),
		Path:                     aws.String("/"),
		AssumeRolePolicyDocument: aws.String(url.PathEscape(lambdaTrust)),
		Description:              aws.String("old"),
		MaxSessionDuration:       aws.Int32(7200),
		Tags:                     []types.Tag{{Key: aws.String("team"), Value: aws.String("a")}},
	}
}

func attached(arns ...string) func(*iam.ListAttachedRolePoliciesInput) (*iam.ListAttachedRolePoliciesOutput, error) {
	return func(*iam.ListAttachedRolePoliciesInput) (*iam.ListAttachedRolePoliciesOutput, error) {
		out := &iam.ListAttachedRolePoliciesOutput{}
		for _, a := range arns {
			out.AttachedPolicies = append(out.AttachedPolicies, types.AttachedPolicy{PolicyArn: aws.String(a)})
		}
		return out, nil
	}
}

func inline(names ...string) func(*iam.ListRolePoliciesInput) (*iam.ListRolePoliciesOutput, error) {
	return func(*iam.ListRolePoliciesInput) (*iam.ListRolePoliciesOutput, error) {
		return &iam.ListRolePoliciesOutput{PolicyNames: names}, nil
	}
}

func noSuchEntity() error { return &types.NoSuchEntityException{Message: aws.String("gone")} }

func TestObserve(t *testing.T) {
	f := &fakeIAM{
		getRole: func(in *iam.GetRoleInput) (*iam.GetRoleOutput, error) {
			return &iam.GetRoleOutput{Role: liveRole()}, nil
		},
		listAttachedRolePolicies: attached("arn:aws:iam::aws:policy/b", "arn:aws:iam::aws:policy/a"),
		listRolePolicies:         inline("z", "agent"),
	}
	got, err := NewWithAPI(f).Observe(context.Background(), reconcile.ObserveRequest{Name: "agent_role", ID: "agent"})
	if err != nil {
		t.Fatal(err)
	}
	want := reconcile.Observation{
		Exists: true,
		ID:     "agent",
		Props: spec.Props{
			"name":                 "agent",
			"path":                 "/",
			"description":          "old",
			"max_session_duration": int64(7200),
			"managed_policy_arns":  []any{"arn:aws:iam::aws:policy/a", "arn:aws:iam::aws:policy/b"},
			"inline_policies":      []any{"agent", "z"},
			"tags":                 map[string]any{"team": "a"},
			"assume_role_policy": map[string]any{"Version": "2012-10-17", "Statement": []any{map[string]any{
				"Effect": "Allow", "Principal": map[string]any{"Service": "lambda.amazonaws.com"}, "Action": "sts:AssumeRole"}}},
		},
		Attrs: map[string]string{"arn": "arn:aws:iam::123456789012:role/agent", "name": "agent", "id": "AROA123"},
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("Observe() (-want +got):\n%s", diff)
	}
}

func TestObserveAbsent(t *testing.T) {
	cases := map[string]struct {
		req   reconcile.ObserveRequest
		calls []string
	}{
		// A recorded role is expected: its three reads are made at once.
		"recorded, gone": {reconcile.ObserveRequest{ID: "agent"}, []string{"GetRole", "ListAttachedRolePolicies", "ListRolePolicies"}},
		// One still to be made costs only GetRole.
		"name from spec":  {reconcile.ObserveRequest{Desired: spec.Props{"name": "agent"}}, []string{"GetRole"}},
		"name is unknown": {reconcile.ObserveRequest{Desired: spec.Props{"name": spec.Unknown{Ref: "x.name"}}}, nil},
	}
	for name, tc := range cases {
		t.Run(name, func(t *testing.T) {
			f := &fakeIAM{getRole: func(*iam.GetRoleInput) (*iam.GetRoleOutput, error) { return nil, noSuchEntity() }}
			got, err := NewWithAPI(f).Observe(context.Background(), tc.req)
			if err != nil {
				t.Fatal(err)
			}
			if got.Exists {
				t.Errorf("Observe() = %+v, want absent", got)
			}
			slices.Sort(f.calls)
			if diff := cmp.Diff(tc.calls, f.calls); diff != "" {
				t.Errorf("calls (-want +got):\n%s", diff)
			}
		})
	}
}

func TestDeleteDetachesAndDeletesPoliciesFirst(t *testing.T) {
	f := &fakeIAM{
		listAttachedRolePolicies: attached("arn:aws:iam::aws:policy/service-role/AWSLambdaBasicExecutionRole", "arn:aws:iam::1:policy/x"),
		listRolePolicies: func(*iam.ListRolePoliciesInput) (*iam.ListRolePoliciesOutput, error) {
			return &iam.ListRolePoliciesOutput{PolicyNames: []string{"read-key", "out-of-band"}}, nil
		},
		// Someone detached it meanwhile: still fine.
		detachRolePolicy: func(in *iam.DetachRolePolicyInput) (*iam.DetachRolePolicyOutput, error) {
			if strings.HasSuffix(*in.PolicyArn, "/x") {
				return nil, noSuchEntity()
			}
			return &iam.DetachRolePolicyOutput{}, nil
		},
	}
	if err := NewWithAPI(f).Delete(context.Background(), "agent"); err != nil {
		t.Fatal(err)
	}
	want := []string{
		"ListAttachedRolePolicies",
		"DetachRolePolicy arn:aws:iam::1:policy/x",
		"DetachRolePolicy arn:aws:iam::aws:policy/service-role/AWSLambdaBasicExecutionRole",
		"ListRolePolicies",
		"DeleteRolePolicy read-key",
		"DeleteRolePolicy out-of-band",
		"DeleteRole",
	}
	if diff := cmp.Diff(want, f.calls); diff != "" {
		t.Errorf("calls (-want +got):\n%s", diff)
	}
}

func TestDeleteAbsent(t *testing.T) {
	cases := map[string]*fakeIAM{
		"role already gone": {
			listAttachedRolePolicies: func(*iam.ListAttachedRolePoliciesInput) (*iam.ListAttachedRolePoliciesOutput, error) {
				return nil, noSuchEntity()
			},
		},
		"gone before DeleteRole": {
			deleteRole: func(*iam.DeleteRoleInput) (*iam.DeleteRoleOutput, error) { return nil, noSuchEntity() },
		},
	}
	for name, f := range cases {
		t.Run(name, func(t *testing.T) {
			if err := NewWithAPI(f).Delete(context.Background(), "agent"); err != nil {
				t.Errorf("Delete() = %v, want nil", err)
			}
		})
	}
	f := &fakeIAM{deleteRole: func(*iam.DeleteRoleInput) (*iam.DeleteRoleOutput, error) {
		return nil, &types.DeleteConflictException{Message: aws.String("must remove roles from instance profile first")}
	}}
	if err := NewWithAPI(f).Delete(context.Background(), "agent"); err == nil || !strings.Contains(err.Error(), `cannot delete IAM role "agent"`) {
		t.Errorf("Delete() with a conflict = %v, want a wrapped error", err)
	}
}

func TestUpdateCallsOnlyWhatChanged(t *testing.T) {
	live := reconcile.Observation{Exists: true, ID: "agent", Props: spec.Props{
		"name": "agent", "description": "old", "max_session_duration": int64(7200),
		"managed_policy_arns": []any{"arn:aws:iam::aws:policy/a", "arn:aws:iam::aws:policy/b"},
		"tags":                map[string]any{"team": "a", "stale": "x"},
	}}
	desired := spec.Props{
		"name": "agent", "description": "new", "max_session_duration": int64(3600),
		"assume_role_policy":  lambdaTrust,
		"managed_policy_arns": []any{"arn:aws:iam::aws:policy/b", "arn:aws:iam::aws:policy/c"},
		"tags":                map[string]any{"team": "b"},
	}
	cases := map[string]struct {
		diff       []string
		calls      []string
		updateRole *iam.UpdateRoleInput
	}{
		"nothing": {nil, nil, nil},
		"trust":   {[]string{"assume_role_policy"}, []string{"UpdateAssumeRolePolicy"}, nil},
		"description keeps live max session": {[]string{"description"}, []string{"UpdateRole"},
			&iam.UpdateRoleInput{RoleName: aws.String("agent"), Description: aws.String("new"), MaxSessionDuration: aws.Int32(7200)}},
		"max session keeps live description": {[]string{"max_session_duration"}, []string{"UpdateRole"},
			&iam.UpdateRoleInput{RoleName: aws.String("agent"), Description: aws.String("old"), MaxSessionDuration: aws.Int32(3600)}},
		"attachments": {[]string{"managed_policy_arns"}, []string{"AttachRolePolicy arn:aws:iam::aws:policy/c", "DetachRolePolicy arn:aws:iam::aws:policy/a"}, nil},
		"one tag":     {[]string{"tags.team", "tags.stale"}, []string{"TagRole", "UntagRole"}, nil},
		"everything": {[]string{"assume_role_policy", "description", "managed_policy_arns", "max_session_duration", "tags"},
			[]string{"UpdateAssumeRolePolicy", "UpdateRole", "AttachRolePolicy arn:aws:iam::aws:policy/c", "DetachRolePolicy arn:aws:iam::aws:policy/a", "TagRole", "UntagRole"},
			&iam.UpdateRoleInput{RoleName: aws.String("agent"), Description: aws.String("new"), MaxSessionDuration: aws.Int32(3600)}},
	}
	for name, tc := range cases {
		t.Run(name, func(t *testing.T) {
			var gotUpdate *iam.UpdateRoleInput
			f := &fakeIAM{updateRole: func(in *iam.UpdateRoleInput) (*iam.UpdateRoleOutput, error) {
				gotUpdate = in
				return &iam.UpdateRoleOutput{}, nil
			}}
			var diff reconcile.Diff
			for _, p := range tc.diff {
				diff = append(diff, reconcile.FieldDiff{Path: p})
			}
			obs, err := NewWithAPI(f).Update(context.Background(), reconcile.UpdateRequest{ID: "agent", Desired: desired, Live: live, Diff: diff})
			if err != nil {
				t.Fatal(err)
			}
			if d := cmp.Diff(tc.calls, f.calls); d != "" {
				t.Errorf("calls (-want +got):\n%s", d)
			}
			if d := cmp.Diff(tc.updateRole, gotUpdate, cmp.AllowUnexported(iam.UpdateRoleInput{})); d != "" {
				t.Errorf("UpdateRole input (-want +got):\n%s", d)
			}
			for _, p := range tc.diff {
				field, _, _ := strings.Cut(p, ".")
				if d := cmp.Diff(desired[field], obs.Props[field]); d != "" {
					t.Errorf("observation after update, %s (-want +got):\n%s", field, d)
				}
			}
		})
	}
}

func TestCreateAdoptsExistingRole(t *testing.T) {
	f := &fakeIAM{
		createRole: func(*iam.CreateRoleInput) (*iam.CreateRoleOutput, error) {
			return nil, &types.EntityAlreadyExistsException{Message: aws.String("exists")}
		},
		getRole:                  func(*iam.GetRoleInput) (*iam.GetRoleOutput, error) { return &iam.GetRoleOutput{Role: liveRole()}, nil },
		listAttachedRolePolicies: attached(),
	}
	desired := spec.Props{
		"name": "agent", "path": "/", "description": "old", "max_session_duration": int64(7200),
		"assume_role_policy": map[string]any{"Version": "2012-10-17", "Statement": map[string]any{
			"Effect": "Allow", "Principal": map[string]any{"Service": []any{"lambda.amazonaws.com"}}, "Action": []any{"sts:AssumeRole"}}},
		"managed_policy_arns": []any{"arn:aws:iam::aws:policy/a"},
		"tags":                map[string]any{"team": "a", reconcile.TagStack: "trip/dev"},
	}
	got, err := NewWithAPI(f).Create(context.Background(), desired)
	if err != nil {
		t.Fatal(err)
	}
	// Same trust (written differently), description and session: untouched.
	// The role's three reads are made at once, in any order.
	want := []string{"CreateRole", "GetRole", "ListAttachedRolePolicies", "ListRolePolicies", "AttachRolePolicy arn:aws:iam::aws:policy/a", "TagRole"}
	if len(f.calls) == len(want) {
		slices.Sort(f.calls[1:4])
	}
	if d := cmp.Diff(want, f.calls); d != "" {
		t.Errorf("calls (-want +got):\n%s", d)
	}
	if got.ID != "agent" || got.Attrs["arn"] != "arn:aws:iam::123456789012:role/agent" {
		t.Errorf("Create() = %+v, want the adopted role", got)
	}
}

func TestCreate(t *testing.T) {
	var sent *iam.CreateRoleInput
	f := &fakeIAM{createRole: func(in *iam.CreateRoleInput) (*iam.CreateRoleOutput, error) {
		sent = in
		return &iam.CreateRoleOutput{Role: &types.Role{RoleName: in.RoleName, Arn: aws.String("arn:aws:iam::1:role/agent"), RoleId: aws.String("AROA1")}}, nil
	}}
	desired := spec.Props{
		"name": "agent", "assume_role_policy": lambdaTrust,
		"managed_policy_arns": []any{"arn:aws:iam::aws:policy/a"}, "tags": map[string]any{"b": "2", "a": "1"},
	}
	got, err := NewWithAPI(f).Create(context.Background(), desired)
	if err != nil {
		t.Fatal(err)
	}
	if d := cmp.Diff([]string{"CreateRole", "AttachRolePolicy arn:aws:iam::aws:policy/a"}, f.calls); d != "" {
		t.Errorf("calls (-want +got):\n%s", d)
	}
	wantTags := []types.Tag{{Key: aws.String("a"), Value: aws.String("1")}, {Key: aws.String("b"), Value: aws.String("2")}}
	if d := cmp.Diff(wantTags, sent.Tags, cmp.AllowUnexported(types.Tag{})); d != "" {
		t.Errorf("CreateRole tags (-want +got):\n%s", d)
	}
	if sent.Path != nil || sent.Description != nil || sent.MaxSessionDuration != nil {
		t.Errorf("CreateRole sent unset fields: %+v", sent)
	}
	wantAttrs := map[string]string{"arn": "arn:aws:iam::1:role/agent", "name": "agent", "id": "AROA1"}
	if d := cmp.Diff(wantAttrs, got.Attrs); d != "" {
		t.Errorf("Create() attrs (-want +got):\n%s", d)
	}
}

func TestList(t *testing.T) {
	f := &fakeIAM{listRoles: func(*iam.ListRolesInput) (*iam.ListRolesOutput, error) {
		return &iam.ListRolesOutput{Roles: []types.Role{{RoleName: aws.String("trip-agent-dev")}, {RoleName: aws.String("other")}}}, nil
	}}
	got, err := NewWithAPI(f).List(context.Background(), "trip-")
	if err != nil {
		t.Fatal(err)
	}
	if d := cmp.Diff([]string{"trip-agent-dev"}, got); d != "" {
		t.Errorf("List() (-want +got):\n%s", d)
	}
}

func TestSchemaChecks(t *testing.T) {
	s := NewWithAPI(&fakeIAM{}).Schema()
	githubTrust := func(sub string) map[string]any {
		return map[string]any{"Version": "2012-10-17", "Statement": []any{map[string]any{
			"Effect": "Allow", "Action": "sts:AssumeRoleWithWebIdentity",
			"Principal": map[string]any{"Federated": "${github.arn}"},
			"Condition": map[string]any{
				"StringEquals": map[string]any{"token.actions.githubusercontent.com:aud": "sts.amazonaws.com"},
				"StringLike":   map[string]any{"token.actions.githubusercontent.com:sub": sub},
			},
		}}}
	}
	cases := map[string]struct {
		field string
		value any
		ok    bool
	}{
		"name ok":              {"name", "trip-assistant-agent-dev", true},
		"name too long":        {"name", strings.Repeat("a", 65), false},
		"name bad char":        {"name", "a/b", false},
		"path root":            {"path", "/", true},
		"path nested":          {"path", "/service/", true},
		"path no slash":        {"path", "service", false},
		"session low":          {"max_session_duration", int64(60), false},
		"session ok":           {"max_session_duration", int64(43200), true},
		"policy arn":           {"managed_policy_arns", []any{"arn:aws:iam::aws:policy/ReadOnlyAccess", "${p.arn}"}, true},
		"policy arn bad":       {"managed_policy_arns", []any{"ReadOnlyAccess"}, false},
		"trust one repo":       {"assume_role_policy", githubTrust("repo:octo/trip:ref:refs/heads/main"), true},
		"trust any repo":       {"assume_role_policy", githubTrust("repo:octo/*"), false},
		"trust lambda":         {"assume_role_policy", lambdaTrust, true},
		"trust not a document": {"assume_role_policy", "{", false},
	}
	for name, tc := range cases {
		t.Run(name, func(t *testing.T) {
			err := s[tc.field].Check(tc.value)
			if (err == nil) != tc.ok {
				t.Errorf("Check(%v) = %v, want ok=%v", tc.value, err, tc.ok)
			}
		})
	}
}
