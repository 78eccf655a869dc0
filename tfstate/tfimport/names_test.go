package tfimport

import (
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/trip-assistant/stack/tfstate"
)

func TestLogicalNames(t *testing.T) {
	in := func(module, typ, name string, key any) *tfstate.Instance {
		return &tfstate.Instance{Module: module, Type: typ, Name: name, Key: key}
	}
	cases := map[string]struct {
		insts []*tfstate.Instance
		want  []string
	}{
		"own names when unique": {
			insts: []*tfstate.Instance{in("module.ssm", "aws_ssm_parameter", "openai_api_key", nil), in("", "aws_iam_role", "deploy", nil)},
			want:  []string{"openai_api_key", "deploy"},
		},
		"generic names take the module's, and a type word when the module has several": {
			insts: []*tfstate.Instance{
				in("module.agent_lambda", "aws_lambda_function", "this", nil),
				in("module.agent_lambda", "aws_iam_role", "this", nil),
				in("module.api-gateway", "aws_apigatewayv2_api", "this", nil),
			},
			want: []string{"agent_lambda_function", "agent_lambda_role", "api_gateway"},
		},
		"for_each keys and counts": {
			insts: []*tfstate.Instance{
				in("module.ecr", "aws_ecr_repository", "this", "agent"),
				in("module.ecr", "aws_ecr_repository", "this", "api"),
				in("", "aws_iam_openid_connect_provider", "github", int64(0)),
				in("", "aws_cloudwatch_log_group", "extra", int64(0)),
				in("", "aws_cloudwatch_log_group", "extra", int64(1)),
			},
			want: []string{"agent_repo", "api_repo", "github", "extra", "extra_1"},
		},
		"a name shared by two modules takes the module": {
			insts: []*tfstate.Instance{
				in("module.agent_lambda", "aws_lambda_alias", "live", nil),
				in("module.api_lambda", "aws_lambda_alias", "live", nil),
			},
			want: []string{"agent_lambda_live", "api_lambda_live"},
		},
		"names that start with a digit or hold other characters": {
			insts: []*tfstate.Instance{in("", "aws_ssm_parameter", "x", "2nd Key!"), in("", "aws_ssm_parameter", "7", nil)},
			want:  []string{"r_2nd_key_x", "r_7"},
		},
	}
	for name, tc := range cases {
		t.Run(name, func(t *testing.T) {
			if diff := cmp.Diff(tc.want, logicalNames(tc.insts)); diff != "" {
				t.Errorf("names (-want +got):\n%s", diff)
			}
		})
	}
}
