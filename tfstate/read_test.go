package tfstate

import (
	"encoding/json"
	"fmt"
	"os"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/trip-assistant/stack/reconcile"
)

const fixture = "testdata/trip-assistant.tfstate"

// fixtureSecret is the OpenAI key the fixture's SSM parameter (and one of
// its outputs) holds in plain text, as a real state would.
const fixtureSecret = "sk-FIXTURE-never-print-this-0123456789"

func TestReadFileAddresses(t *testing.T) {
	s, err := ReadFile(fixture)
	if err != nil {
		t.Fatal(err)
	}
	type row struct {
		Address string
		Mode    Mode
		Key     any
	}
	var got []row
	for _, i := range s.Instances {
		got = append(got, row{i.Address, i.Mode, i.Key})
	}
	want := []row{
		{"data.aws_caller_identity.current", Data, nil},
		{"data.aws_region.current", Data, nil},
		{"module.ssm.aws_ssm_parameter.openai_api_key", Managed, nil},
		{`module.ecr.aws_ecr_repository.this["agent"]`, Managed, "agent"},
		{`module.ecr.aws_ecr_repository.this["api"]`, Managed, "api"},
		{`module.ecr.aws_ecr_lifecycle_policy.this["agent"]`, Managed, "agent"},
		{`module.ecr.aws_ecr_lifecycle_policy.this["api"]`, Managed, "api"},
	}
	for _, s := range []string{"agent", "api"} {
		m := "module." + s + "_lambda."
		want = append(want,
			row{m + "data.aws_iam_policy_document.assume", Data, nil},
			row{m + "aws_cloudwatch_log_group.this", Managed, nil},
			row{m + "aws_iam_role.this", Managed, nil},
			row{m + "aws_iam_role_policy.this", Managed, nil},
			row{m + "aws_iam_role_policy_attachment.basic[0]", Managed, int64(0)},
			row{m + "aws_lambda_function.this", Managed, nil},
			row{m + "aws_lambda_alias.live", Managed, nil},
		)
	}
	want = append(want,
		row{"module.api_gateway.aws_apigatewayv2_api.this", Managed, nil},
		row{"module.api_gateway.aws_apigatewayv2_integration.lambda", Managed, nil},
		row{"module.api_gateway.aws_apigatewayv2_route.default", Managed, nil},
		row{"module.api_gateway.aws_apigatewayv2_stage.default", Managed, nil},
		row{"module.api_gateway.aws_lambda_permission.api_gateway", Managed, nil},
		row{"module.github_oidc.aws_iam_openid_connect_provider.github[0]", Managed, int64(0)},
		row{"module.github_oidc.aws_iam_role.deploy", Managed, nil},
		row{"module.github_oidc.aws_iam_role_policy.deploy", Managed, nil},
	)
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("instances (-want +got):\n%s", diff)
	}
	if s.Serial != 42 || s.TerraformVersion != "1.9.8" {
		t.Errorf("serial, version = %d, %q; want 42, 1.9.8", s.Serial, s.TerraformVersion)
	}
}

func TestReadFileKeepsNoSecret(t *testing.T) {
	s, err := ReadFile(fixture)
	if err != nil {
		t.Fatal(err)
	}
	var param *Instance
	for _, i := range s.Instances {
		if i.Type == "aws_ssm_parameter" {
			param = i
		}
	}
	if param == nil {
		t.Fatal("the fixture's parameter was not read")
	}
	want := Secret{Digest: reconcile.SecretDigest(fixtureSecret)}
	if got := param.Attrs["value"]; got != want {
		t.Errorf("value = %#v; want the secret's digest", got)
	}
	if diff := cmp.Diff([]string{"value"}, param.Secrets()); diff != "" {
		t.Errorf("Secrets() (-want +got):\n%s", diff)
	}
	// Nothing read from the file (outputs included) shows the secret in
	// any form a caller might print, log or record.
	for _, out := range renderings(s) {
		if strings.Contains(out, fixtureSecret) {
			t.Fatalf("the secret appears in a rendering of the state: %.200s", out)
		}
	}
}

// renderings prints a state every way a careless caller might.
func renderings(s *State) []string {
	j, _ := json.Marshal(s)
	return []string{fmt.Sprintf("%v", s), fmt.Sprintf("%+v", s), fmt.Sprintf("%#v", s), string(j),
		fmt.Sprintf("%v", s.Instances), fmt.Sprintf("%#v", s.Instances), fmt.Sprintf("%+v", instancesOf(s))}
}

func instancesOf(s *State) []Instance {
	out := make([]Instance, len(s.Instances))
	for n, i := range s.Instances {
		out[n] = *i
	}
	return out
}

func TestParse(t *testing.T) {
	cases := map[string]struct {
		state   string
		want    []string // address=attrs as JSON
		wantErr string
		deposed []string
	}{
		"count and for_each keys, nested modules": {
			state: `{"version":4,"resources":[
				{"module":"module.a[\"k\"].module.b","mode":"managed","type":"aws_iam_role","name":"r","instances":[
					{"index_key":0,"attributes":{"name":"x"}},{"index_key":1,"attributes":{"name":"y"}}]},
				{"mode":"data","type":"aws_region","name":"current","instances":[{"attributes":{"name":"us-east-2"}}]},
				{"mode":"managed","type":"aws_ssm_parameter","name":"p","instances":[{"index_key":"a b\"c","attributes":{"value":null,"n":1.5}}]}]}`,
			want: []string{
				`module.a["k"].module.b.aws_iam_role.r[0]={"name":"x"}`,
				`module.a["k"].module.b.aws_iam_role.r[1]={"name":"y"}`,
				`data.aws_region.current={"name":"us-east-2"}`,
				`aws_ssm_parameter.p["a b\"c"]={"n":1.5,"value":null}`,
			},
		},
		"sensitive paths: attribute, map key, list index, whole block": {
			state: `{"version":4,"resources":[{"mode":"managed","type":"aws_lambda_function","name":"f","instances":[{"attributes":{
				"environment":[{"variables":{"TOKEN":"s1","PLAIN":"p"}}],"list":["a","s2"],"block":[{"k":"s3"}],"n":7},
				"sensitive_attributes":[
					[{"type":"get_attr","value":"environment"},{"type":"index","value":{"value":0,"type":"number"}},{"type":"get_attr","value":"variables"},{"type":"index","value":{"value":"TOKEN","type":"string"}}],
					[{"type":"get_attr","value":"list"},{"type":"index","value":{"value":1,"type":"number"}}],
					[{"type":"get_attr","value":"block"}],
					[{"type":"get_attr","value":"n"}],
					[{"type":"get_attr","value":"gone"}]]}]}]}`,
			want: []string{`aws_lambda_function.f={"block":"(sensitive)","environment":[{"variables":{"PLAIN":"p","TOKEN":"(sensitive)"}}],"list":["a","(sensitive)"],"n":"(sensitive)"}`},
		},
		"deposed objects are listed, not imported": {
			state: `{"version":4,"resources":[{"mode":"managed","type":"aws_iam_role","name":"r","instances":[
				{"attributes":{"name":"new"}},{"deposed":"00a1b2c3","attributes":{"name":"old"}}]}]}`,
			want:    []string{`aws_iam_role.r={"name":"new"}`},
			deposed: []string{"aws_iam_role.r (deposed 00a1b2c3)"},
		},
		"version 3":       {state: `{"version":3,"modules":[]}`, wantErr: "terraform state format version 3 is not supported"},
		"no version":      {state: `{"resources":[]}`, wantErr: `no "version" field`},
		"not json":        {state: `{"version":4,"resources":[{"value":"sk-secret}`, wantErr: "not a terraform state (JSON): syntax error at byte"},
		"wrong type":      {state: `{"version":"four"}`, wantErr: "field version: expected int"},
		"bad mode":        {state: `{"version":4,"resources":[{"mode":"ephemeral","type":"t","name":"n"}]}`, wantErr: `resources[0] (t.n): unknown mode "ephemeral"`},
		"bad index key":   {state: `{"version":4,"resources":[{"mode":"managed","type":"t","name":"n","instances":[{"index_key":true}]}]}`, wantErr: "t.n instance 0: index_key: expected an integer (count) or a string (for_each), got boolean"},
		"flat attributes": {state: `{"version":4,"resources":[{"mode":"managed","type":"t","name":"n","instances":[{"attributes_flat":{"id":"x"}}]}]}`, wantErr: "t.n: attributes are in the legacy flat form"},
		"bad path step":   {state: `{"version":4,"resources":[{"mode":"managed","type":"t","name":"n","instances":[{"attributes":{},"sensitive_attributes":[[{"type":"splat","value":1}]]}]}]}`, wantErr: `t.n: sensitive_attributes: unknown path step type "splat"`},
	}
	for name, tc := range cases {
		t.Run(name, func(t *testing.T) {
			s, err := Parse([]byte(tc.state))
			if tc.wantErr != "" {
				if err == nil || !strings.Contains(err.Error(), tc.wantErr) {
					t.Fatalf("error = %v; want one containing %q", err, tc.wantErr)
				}
				if strings.Contains(err.Error(), "sk-secret") {
					t.Errorf("the error quotes the input: %v", err)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			var got []string
			for _, i := range s.Instances {
				b, err := json.Marshal(i.Attrs)
				if err != nil {
					t.Fatal(err)
				}
				got = append(got, i.Address+"="+string(b))
			}
			if diff := cmp.Diff(tc.want, got); diff != "" {
				t.Errorf("instances (-want +got):\n%s", diff)
			}
			if diff := cmp.Diff(tc.deposed, s.Deposed); diff != "" {
				t.Errorf("deposed (-want +got):\n%s", diff)
			}
		})
	}
}

func TestSecretDigestOfObject(t *testing.T) {
	// The same sensitive block gives the same digest whatever the order of
	// its keys in the file, and a different one when a value differs.
	digest := func(block string) any {
		s, err := Parse([]byte(`{"version":4,"resources":[{"mode":"managed","type":"t","name":"n","instances":[{"attributes":{"b":` +
			block + `},"sensitive_attributes":[[{"type":"get_attr","value":"b"}]]}]}]}`))
		if err != nil {
			t.Fatal(err)
		}
		return s.Instances[0].Attrs["b"]
	}
	a, b, c := digest(`{"x":"1","y":"2"}`), digest(`{"y":"2","x":"1"}`), digest(`{"x":"1","y":"3"}`)
	if a != b {
		t.Errorf("digests differ with key order: %v, %v", a.(Secret).Digest, b.(Secret).Digest)
	}
	if a == c {
		t.Errorf("different values give the same digest")
	}
}

func TestFunctionName(t *testing.T) {
	cases := map[string][2]string{
		"trip-assistant-api-dev": {"trip-assistant-api-dev", ""},
		"arn:aws:lambda:us-east-2:123456789012:function:trip-assistant-api-dev":      {"trip-assistant-api-dev", ""},
		"arn:aws:lambda:us-east-2:123456789012:function:trip-assistant-api-dev:live": {"trip-assistant-api-dev", "live"},
		"arn:aws:iam::123456789012:role/x":                                           {"arn:aws:iam::123456789012:role/x", ""},
	}
	for in, want := range cases {
		n, q := FunctionName(in)
		if n != want[0] || q != want[1] {
			t.Errorf("FunctionName(%q) = %q, %q; want %q, %q", in, n, q, want[0], want[1])
		}
	}
}

// FuzzParse: whatever the file, Parse does not panic, and a value the
// file marks sensitive appears in nothing Parse returns, errors included.
func FuzzParse(f *testing.F) {
	seed, err := os.ReadFile(fixture)
	if err != nil {
		f.Fatal(err)
	}
	f.Add(seed, fixtureSecret)
	f.Add([]byte(`{"version":4,"resources":[{"mode":"managed","type":"aws_ssm_parameter","name":"p","instances":[{"attributes":{"value":"SECRETVALUE1"}}]}]}`), "SECRETVALUE1")
	f.Add([]byte(`{"version":4,"resources":[{"mode":"managed","type":"t","name":"n","instances":[{"attributes":{"a":{"b":["SECRETVALUE2"]}},"sensitive_attributes":[[{"type":"get_attr","value":"a"}]]}]}]}`), "SECRETVALUE2")
	f.Fuzz(func(t *testing.T, data []byte, secret string) {
		s, err := Parse(data)
		if len(secret) < 8 {
			return
		}
		if err != nil {
			if strings.Contains(err.Error(), secret) && !strings.Contains(secret, "\"") {
				// Only sensitive values count: the secret must be one the
				// file marks, which an unparsable file does not.
				if sensitiveIn(data, secret) {
					t.Fatalf("the error shows a sensitive value: %v", err)
				}
			}
			return
		}
		if !sensitiveIn(data, secret) {
			return
		}
		for _, out := range renderings(s) {
			if strings.Contains(out, secret) {
				t.Fatalf("a sensitive value appears in the parsed state: %.300s", out)
			}
		}
	})
}

// sensitiveIn reports whether secret is a sensitive value of the state in
// data and appears nowhere else in it (a name that is also a secret
// cannot be told apart), decoding the file independently of Parse.
func sensitiveIn(data []byte, secret string) bool {
	var f struct {
		Resources []struct {
			Type      string
			Instances []struct {
				Attributes map[string]any
			}
		}
	}
	if json.Unmarshal(data, &f) != nil {
		return false
	}
	found := false
	for _, r := range f.Resources {
		for _, i := range r.Instances {
			for k, v := range i.Attributes {
				if s, ok := v.(string); ok && s == secret && r.Type == "aws_ssm_parameter" && k == "value" {
					found = true
				}
			}
		}
	}
	// Anywhere else in the text (an id, a name) the same characters are
	// not a secret and may be shown: such inputs are not judged. Outputs
	// ("value" keys too) are never read.
	return found && strings.Count(string(data), secret) == strings.Count(string(data), `"value":"`+secret+`"`)+strings.Count(string(data), `"value": "`+secret+`"`)
}
