package main

import (
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
)

func TestConfigFromEnv(t *testing.T) {
	cases := map[string]struct {
		env     map[string]string
		want    Config
		wantErr bool
	}{
		"defaults": {
			env:  map[string]string{"SSM_PARAMETER_NAME": "/p"},
			want: Config{ParameterName: "/p", Model: "gpt-4o-mini", UpstreamTimeout: 25 * time.Second},
		},
		"everything set": {
			env:  map[string]string{"SSM_PARAMETER_NAME": "/p", "OPENAI_MODEL": "llama3", "OPENAI_BASE_URL": "http://localhost:11434/v1", "OPENAI_TIMEOUT": "300ms"},
			want: Config{ParameterName: "/p", Model: "llama3", BaseURL: "http://localhost:11434/v1", UpstreamTimeout: 300 * time.Millisecond},
		},
		"bad timeout keeps the default": {
			env:     map[string]string{"OPENAI_TIMEOUT": "25"},
			want:    Config{Model: "gpt-4o-mini", UpstreamTimeout: 25 * time.Second},
			wantErr: true,
		},
		"negative timeout keeps the default": {
			env:     map[string]string{"OPENAI_TIMEOUT": "-1s"},
			want:    Config{Model: "gpt-4o-mini", UpstreamTimeout: 25 * time.Second},
			wantErr: true,
		},
	}
	for name, tc := range cases {
		t.Run(name, func(t *testing.T) {
			got, err := configFromEnv(func(k string) string { return tc.env[k] })
			if (err != nil) != tc.wantErr {
				t.Fatalf("configFromEnv() error = %v, want error %v", err, tc.wantErr)
			}
			if diff := cmp.Diff(tc.want, got); diff != "" {
				t.Errorf("configFromEnv() mismatch (-want +got):\n%s", diff)
			}
		})
	}
}
