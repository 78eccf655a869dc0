package main

import (
	"context"
	"errors"
	"strings"
	"sync"
	"testing"

	"github.com/aws/aws-sdk-go-v2/service/ssm/types"
	"github.com/aws/smithy-go"
	"github.com/google/go-cmp/cmp"

	"github.com/trip-assistant/stack/internal/lambdaproto"
)

func TestKeyLoader(t *testing.T) {
	const secret = "sk-test-0123456789"
	accessDenied := &smithy.GenericAPIError{Code: "AccessDeniedException", Message: "not authorized to perform ssm:GetParameter"}
	cases := map[string]struct {
		name      string
		ssm       *fakeSSM
		wantKey   string
		wantType  string // failure type, "" for success
		wantReads int32  // after two calls to Key
	}{
		"read once then cached": {
			name: "/trip/openai", ssm: ssmHolding(secret), wantKey: secret, wantReads: 1,
		},
		"value is trimmed": {
			name: "/trip/openai", ssm: ssmHolding(" " + secret + "\n"), wantKey: secret, wantReads: 1,
		},
		"parameter not found": {
			name: "/trip/openai", ssm: ssmFailing(&types.ParameterNotFound{Message: strPtr("not found")}),
			wantType: lambdaproto.ErrMissingKey, wantReads: 2,
		},
		"placeholder is missing, not cached": {
			name: "/trip/openai", ssm: ssmHolding("not-configured"), wantType: lambdaproto.ErrMissingKey, wantReads: 2,
		},
		"empty value is missing": {
			name: "/trip/openai", ssm: ssmHolding("  "), wantType: lambdaproto.ErrMissingKey, wantReads: 2,
		},
		"no parameter name": {
			ssm: ssmHolding(secret), wantType: lambdaproto.ErrMissingKey, wantReads: 0,
		},
		"access denied is unreadable, not cached": {
			name: "/trip/openai", ssm: ssmFailing(accessDenied), wantType: lambdaproto.ErrKeyUnreadable, wantReads: 2,
		},
		"network error is unreadable": {
			name: "/trip/openai", ssm: ssmFailing(errors.New("dial tcp: connection refused")), wantType: lambdaproto.ErrKeyUnreadable, wantReads: 2,
		},
	}
	for name, tc := range cases {
		t.Run(name, func(t *testing.T) {
			l := NewKeyLoader(tc.ssm, tc.name)
			for range 2 {
				key, err := l.Key(t.Context())
				if got := failureType(err); got != tc.wantType {
					t.Fatalf("Key() error = %v, want failure type %q", err, tc.wantType)
				}
				if key != tc.wantKey {
					t.Fatalf("Key() = %q, want %q", key, tc.wantKey)
				}
				if err != nil && strings.Contains(err.Error(), secret) {
					t.Fatalf("Key() error %q contains the key", err)
				}
			}
			if got := tc.ssm.calls.Load(); got != tc.wantReads {
				t.Errorf("GetParameter calls = %d, want %d", got, tc.wantReads)
			}
		})
	}
}

func TestKeyLoaderRequestsDecryption(t *testing.T) {
	l := NewKeyLoader(ssmHolding("sk-real"), "/trip/openai")
	key, err := l.Key(t.Context())
	if err != nil || key != "sk-real" {
		t.Fatalf("Key() = %q, %v; want the decrypted value", key, err)
	}
}

func TestKeyLoaderConcurrentFirstUse(t *testing.T) {
	fake := ssmHolding("sk-real")
	l := NewKeyLoader(fake, "/trip/openai")
	var wg sync.WaitGroup
	keys := make([]string, 16)
	for i := range keys {
		wg.Go(func() {
			k, err := l.Key(context.Background())
			if err != nil {
				t.Errorf("Key() error = %v", err)
			}
			keys[i] = k
		})
	}
	wg.Wait()
	if got := fake.calls.Load(); got != 1 {
		t.Errorf("GetParameter calls = %d, want 1", got)
	}
	want := make([]string, len(keys))
	for i := range want {
		want[i] = "sk-real"
	}
	if diff := cmp.Diff(want, keys); diff != "" {
		t.Errorf("keys mismatch (-want +got):\n%s", diff)
	}
}

func failureType(err error) string {
	if err == nil {
		return ""
	}
	var f *failure
	if !errors.As(err, &f) {
		return "not a failure: " + err.Error()
	}
	return f.Type
}

func strPtr(s string) *string { return &s }
