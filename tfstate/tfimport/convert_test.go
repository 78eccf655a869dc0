package tfimport

import (
	"strings"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/google/go-cmp/cmp"

	"github.com/trip-assistant/stack/reconcile/spec"
	"github.com/trip-assistant/stack/resources/kinds"
	"github.com/trip-assistant/stack/tfstate"
)

// Each kind's FromTerraform, through Convert: the id the kind records, or
// why an instance is left to Terraform.
func TestConvertInstances(t *testing.T) {
	ks := kinds.All(aws.Config{})
	inst := func(typ string, attrs map[string]any) *tfstate.Instance {
		return &tfstate.Instance{Address: typ + ".x", Mode: tfstate.Managed, Type: typ, Name: "x", Attrs: attrs}
	}
	cases := map[string]struct {
		inst      *tfstate.Instance
		wantID    string
		wantProps spec.Props // checked when set
		wantSkip  string
	}{
		"permission on a qualified function ARN": {
			inst: inst("aws_lambda_permission", map[string]any{"function_name": "arn:aws:lambda:us-east-2:123456789012:function:fn:live",
				"statement_id": "S", "action": "lambda:InvokeFunction", "principal": "apigateway.amazonaws.com"}),
			wantID: "fn:live:S",
			wantProps: spec.Props{"function_name": "fn", "qualifier": "live", "statement_id": "S",
				"action": "lambda:InvokeFunction", "principal": "apigateway.amazonaws.com"},
		},
		"permission without qualifier": {
			inst:   inst("aws_lambda_permission", map[string]any{"function_name": "fn", "statement_id": "S", "principal": "p"}),
			wantID: "fn::S",
		},
		"permission with two qualifiers": {
			inst:     inst("aws_lambda_permission", map[string]any{"function_name": "arn:aws:lambda:r:1:function:fn:a", "qualifier": "b", "statement_id": "S"}),
			wantSkip: `function_name names qualifier "a" and qualifier is "b"`,
		},
		"permission with a condition the kind cannot express": {
			inst:     inst("aws_lambda_permission", map[string]any{"function_name": "fn", "statement_id": "S", "source_account": "123456789012"}),
			wantSkip: "aws_lambda_permission.x sets source_account, which lambda.permission has no field for",
		},
		"repository without force_delete": {
			inst:   inst("aws_ecr_repository", map[string]any{"name": "repo", "force_delete": nil}),
			wantID: "repo",
		},
		"repository encrypted with KMS": {
			inst:     inst("aws_ecr_repository", map[string]any{"name": "repo", "encryption_configuration": []any{map[string]any{"encryption_type": "KMS"}}}),
			wantSkip: "sets encryption_configuration",
		},
		"zip function": {
			inst:     inst("aws_lambda_function", map[string]any{"function_name": "fn", "package_type": "Zip"}),
			wantSkip: `has package_type "Zip": lambda.function manages container images only`,
		},
		"function in a VPC": {
			inst:     inst("aws_lambda_function", map[string]any{"function_name": "fn", "package_type": "Image", "vpc_config": []any{map[string]any{"subnet_ids": []any{"s"}}}, "reserved_concurrent_executions": int64(5)}),
			wantSkip: "sets vpc_config, reserved_concurrent_executions",
		},
		"websocket api": {
			inst:     inst("aws_apigatewayv2_api", map[string]any{"id": "a", "name": "n", "protocol_type": "WEBSOCKET"}),
			wantSkip: `has protocol_type "WEBSOCKET"`,
		},
		"oidc provider stored without scheme": {
			inst:      inst("aws_iam_openid_connect_provider", map[string]any{"arn": "arn:aws:iam::1:oidc-provider/token.example.com", "url": "token.example.com", "client_id_list": []any{"b", "a"}}),
			wantID:    "arn:aws:iam::1:oidc-provider/token.example.com",
			wantProps: spec.Props{"url": "https://token.example.com", "client_ids": []any{"a", "b"}},
		},
		"stage": {
			inst:   inst("aws_apigatewayv2_stage", map[string]any{"api_id": "a", "name": "prod", "invoke_url": "https://a.execute-api.r.amazonaws.com/prod"}),
			wantID: "a/prod",
		},
		"role with a permissions boundary": {
			inst:     inst("aws_iam_role", map[string]any{"name": "r", "permissions_boundary": "arn:aws:iam::1:policy/b", "assume_role_policy": "{}"}),
			wantSkip: "sets permissions_boundary",
		},
		"role with a malformed trust policy": {
			inst:     inst("aws_iam_role", map[string]any{"name": "r", "assume_role_policy": `{"Statement": [`}),
			wantSkip: "aws_iam_role.x: assume_role_policy: unexpected end of JSON",
		},
		"a type no kind takes": {
			inst:     inst("aws_sqs_queue", map[string]any{"name": "q"}),
			wantSkip: "no kind manages aws_sqs_queue: left to Terraform",
		},
		"not an AWS resource": {
			inst:     inst("random_id", map[string]any{}),
			wantSkip: "not an AWS resource: left to Terraform",
		},
		"lifecycle policy of a repository not in the state": {
			inst:     inst("aws_ecr_lifecycle_policy", map[string]any{"repository": "gone", "policy": `{"rules":[]}`}),
			wantSkip: "the ecr.repository it belongs to (name gone) is not in the Terraform state",
		},
	}
	for name, tc := range cases {
		t.Run(name, func(t *testing.T) {
			set, err := Convert(&tfstate.State{Instances: []*tfstate.Instance{tc.inst}}, ks)
			if err != nil {
				t.Fatal(err)
			}
			if tc.wantSkip != "" {
				if len(set.Skipped) != 1 || !strings.Contains(set.Skipped[0].Reason, tc.wantSkip) || len(set.Resources) != 0 {
					t.Fatalf("skipped %+v, resources %d; want one skip with %q", set.Skipped, len(set.Resources), tc.wantSkip)
				}
				return
			}
			if len(set.Resources) != 1 {
				t.Fatalf("resources %d, skipped %+v; want one resource", len(set.Resources), set.Skipped)
			}
			if got := set.Resources[0].ID; got != tc.wantID {
				t.Errorf("ID = %q; want %q", got, tc.wantID)
			}
			if tc.wantProps != nil {
				if diff := cmp.Diff(map[string]any(tc.wantProps), map[string]any(set.Resources[0].Props)); diff != "" {
					t.Errorf("props (-want +got):\n%s", diff)
				}
			}
		})
	}
}

func TestConvertMergesAttachments(t *testing.T) {
	ks := kinds.All(aws.Config{})
	st := &tfstate.State{Instances: []*tfstate.Instance{
		{Address: "aws_iam_role.r", Mode: tfstate.Managed, Type: "aws_iam_role", Attrs: map[string]any{"name": "r", "assume_role_policy": "{}",
			"managed_policy_arns": []any{"arn:aws:iam::aws:policy/B"}}},
		{Address: "aws_iam_role_policy_attachment.a", Mode: tfstate.Managed, Type: "aws_iam_role_policy_attachment", Attrs: map[string]any{"role": "r", "policy_arn": "arn:aws:iam::aws:policy/A"}},
		{Address: "aws_iam_role_policy_attachment.b", Mode: tfstate.Managed, Type: "aws_iam_role_policy_attachment", Attrs: map[string]any{"role": "r", "policy_arn": "arn:aws:iam::aws:policy/B"}},
	}}
	set, err := Convert(st, ks)
	if err != nil {
		t.Fatal(err)
	}
	if len(set.Resources) != 1 {
		t.Fatalf("resources: %d; want the role only", len(set.Resources))
	}
	r := set.Resources[0]
	if diff := cmp.Diff([]any{"arn:aws:iam::aws:policy/A", "arn:aws:iam::aws:policy/B"}, r.Props["managed_policy_arns"]); diff != "" {
		t.Errorf("managed_policy_arns (-want +got):\n%s", diff)
	}
	if diff := cmp.Diff([]string{"aws_iam_role_policy_attachment.a", "aws_iam_role_policy_attachment.b"}, r.Parts); diff != "" {
		t.Errorf("parts (-want +got):\n%s", diff)
	}
}

// A value Terraform marked sensitive in a field that cannot keep it
// secret (an environment variable) is left out of the written spec, and
// the notes say so.
func TestWriteSpecSensitiveEnvironment(t *testing.T) {
	ks := kinds.All(aws.Config{})
	st, err := tfstate.Parse([]byte(`{"version":4,"resources":[
		{"mode":"managed","type":"aws_lambda_function","name":"f","instances":[{"attributes":{
			"function_name":"p-f-dev","package_type":"Image","role":"arn:aws:iam::123456789012:role/p-f-dev","memory_size":128,"timeout":3,
			"architectures":["x86_64"],"arn":"arn:aws:lambda:eu-west-1:123456789012:function:p-f-dev",
			"environment":[{"variables":{"TOKEN":"hunter2hunter2"}}]},
			"sensitive_attributes":[[{"type":"get_attr","value":"environment"}]]}]}]}`))
	if err != nil {
		t.Fatal(err)
	}
	set, err := Convert(st, ks)
	if err != nil {
		t.Fatal(err)
	}
	w, err := WriteSpec(set, ks, WriteOptions{Project: "p"})
	if err != nil {
		t.Fatal(err)
	}
	if strings.Contains(string(w.YAML), "hunter2") || strings.Contains(string(w.YAML), "environment:\n") {
		t.Errorf("the spec holds the sensitive environment:\n%s", w.YAML)
	}
	want := []string{"f.environment was sensitive in Terraform and lambda.function cannot keep it secret: left out, set it yourself"}
	if diff := cmp.Diff(want, w.Notes); diff != "" {
		t.Errorf("notes (-want +got):\n%s", diff)
	}
	for _, line := range []string{"environment: dev", "region: eu-west-1", "name: ${project}-f-${environment}", "role: arn:aws:iam::${account_id}:role/${project}-f-${environment}"} {
		if !strings.Contains(string(w.YAML), line) {
			t.Errorf("%q not in the spec:\n%s", line, w.YAML)
		}
	}
}
