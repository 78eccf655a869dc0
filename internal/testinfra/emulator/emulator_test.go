package emulator

import (
	"context"
	"testing"

	"github.com/google/go-cmp/cmp"
)

func TestStartPrefersEndpoint(t *testing.T) {
	// An explicit endpoint wins over an image: nothing is started.
	t.Setenv("AWS_ENDPOINT_URL", "http://127.0.0.1:1")
	t.Setenv("EMULATOR_IMAGE", "motoserver/moto")
	e, err := Start(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	defer e.Stop()
	if e.Endpoint != "http://127.0.0.1:1" || e.stop != nil {
		t.Errorf("Start() = endpoint %q, started something = %v; want the given endpoint, nothing started", e.Endpoint, e.stop != nil)
	}
}

func TestFlavourOf(t *testing.T) {
	cases := map[string]struct {
		image string
		want  flavour
	}{
		"moto":              {"motoserver/moto:5.1.0", flavour{name: "moto", probe: "/moto-api/", apiReset: true}},
		"localstack":        {"localstack/localstack", flavour{name: "localstack", probe: "/_localstack/health"}},
		"local kumo":        {"reconcile-kumo:local", flavour{name: "generic", probe: "/"}},
		"registry-prefixed": {"registry.example/mirror/MotoServer/moto", flavour{name: "moto", probe: "/moto-api/", apiReset: true}},
	}
	for name, tc := range cases {
		t.Run(name, func(t *testing.T) {
			if diff := cmp.Diff(tc.want, flavourOf(tc.image), cmp.AllowUnexported(flavour{})); diff != "" {
				t.Errorf("flavourOf(%q) (-want +got):\n%s", tc.image, diff)
			}
		})
	}
}

func TestContainerPort(t *testing.T) {
	cases := map[string]struct {
		env     string
		want    int // 0: any free port
		wantErr bool
	}{
		"unset gives a free port": {env: ""},
		"explicit":                {env: "4566", want: 4566},
		"not a number":            {env: "x", wantErr: true},
		"out of range":            {env: "70000", wantErr: true},
	}
	for name, tc := range cases {
		t.Run(name, func(t *testing.T) {
			t.Setenv("EMULATOR_PORT", tc.env)
			got, err := containerPort()
			if (err != nil) != tc.wantErr {
				t.Fatalf("containerPort() error = %v, wantErr %v", err, tc.wantErr)
			}
			if tc.wantErr {
				return
			}
			if tc.want != 0 && got != tc.want || got <= 0 {
				t.Errorf("containerPort() = %d, want %d (0: any)", got, tc.want)
			}
		})
	}
}

func TestContainerEnv(t *testing.T) {
	t.Setenv("AWS_REGION", "")
	t.Setenv("AWS_DEFAULT_REGION", "")
	want := map[string]string{
		"MOTO_PORT":          "4999",
		"KUMO_PORT":          "4999",
		"GATEWAY_LISTEN":     "0.0.0.0:4999",
		"AWS_DEFAULT_REGION": "us-east-2",
	}
	if diff := cmp.Diff(want, containerEnv(4999)); diff != "" {
		t.Errorf("containerEnv(4999) (-want +got):\n%s", diff)
	}
}
