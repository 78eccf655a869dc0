package awsclient

import (
	"context"
	"errors"
	"strings"
	"sync"
	"sync/atomic"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/sts"
)

// fakeSTS answers GetCallerIdentity with the next of its results and
// counts the calls.
type fakeSTS struct {
	calls   atomic.Int32
	results []func() (*sts.GetCallerIdentityOutput, error)
}

var _ STSAPI = (*fakeSTS)(nil)

func (f *fakeSTS) GetCallerIdentity(context.Context, *sts.GetCallerIdentityInput, ...func(*sts.Options)) (*sts.GetCallerIdentityOutput, error) {
	n := int(f.calls.Add(1))
	return f.results[min(n, len(f.results))-1]()
}

func caller(account, arn string) func() (*sts.GetCallerIdentityOutput, error) {
	return func() (*sts.GetCallerIdentityOutput, error) {
		return &sts.GetCallerIdentityOutput{Account: aws.String(account), Arn: aws.String(arn)}, nil
	}
}

func TestIdentityAsksSTSOnceUnderConcurrency(t *testing.T) {
	f := &fakeSTS{results: []func() (*sts.GetCallerIdentityOutput, error){
		caller("210987654321", "arn:aws-cn:sts::210987654321:assumed-role/deploy/ci"),
	}}
	id := NewIdentityWithAPI(f)
	var wg sync.WaitGroup
	for range 16 {
		wg.Go(func() {
			account, partition, err := id.Get(context.Background())
			if err != nil || account != "210987654321" || partition != "aws-cn" {
				t.Errorf("Get = %q, %q, %v; want 210987654321, aws-cn", account, partition, err)
			}
		})
	}
	wg.Wait()
	if n := f.calls.Load(); n != 1 {
		t.Errorf("GetCallerIdentity called %d times, want 1", n)
	}
}

// A failure is not kept: a throttled call must not fail the rest of the run.
func TestIdentityRetriesAfterAFailure(t *testing.T) {
	f := &fakeSTS{results: []func() (*sts.GetCallerIdentityOutput, error){
		func() (*sts.GetCallerIdentityOutput, error) { return nil, errors.New("throttled") },
		caller("123456789012", "arn:aws:iam::123456789012:user/test"),
	}}
	id := NewIdentityWithAPI(f)
	ctx := context.Background()
	if _, _, err := id.Get(ctx); err == nil || !strings.Contains(err.Error(), "throttled") {
		t.Fatalf("first Get error = %v, want the STS error", err)
	}
	for range 2 {
		account, partition, err := id.Get(ctx)
		if err != nil || account != "123456789012" || partition != "aws" {
			t.Errorf("Get = %q, %q, %v; want 123456789012, aws", account, partition, err)
		}
	}
	if n := f.calls.Load(); n != 2 {
		t.Errorf("GetCallerIdentity called %d times, want 2 (the failure, then once)", n)
	}
}

func TestIdentityRejectsAnUnreadableCaller(t *testing.T) {
	for name, out := range map[string]func() (*sts.GetCallerIdentityOutput, error){
		"not an ARN": caller("123456789012", "user/test"),
		"no account": caller("", "arn:aws:iam::123456789012:user/test"),
	} {
		t.Run(name, func(t *testing.T) {
			id := NewIdentityWithAPI(&fakeSTS{results: []func() (*sts.GetCallerIdentityOutput, error){out}})
			if a, p, err := id.Get(context.Background()); err == nil {
				t.Errorf("Get = %q, %q, nil; want an error", a, p)
			}
		})
	}
}

// A caller whose context ends stops waiting for another's call.
func TestIdentityWaiterHonoursItsContext(t *testing.T) {
	release := make(chan struct{})
	started := make(chan struct{})
	f := &fakeSTS{results: []func() (*sts.GetCallerIdentityOutput, error){
		func() (*sts.GetCallerIdentityOutput, error) {
			close(started)
			<-release
			return caller("123456789012", "arn:aws:iam::123456789012:user/test")()
		},
	}}
	id := NewIdentityWithAPI(f)
	done := make(chan error, 1)
	go func() { _, _, err := id.Get(context.Background()); done <- err }()
	<-started
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	if _, _, err := id.Get(ctx); !errors.Is(err, context.Canceled) {
		t.Errorf("waiter's Get error = %v, want context.Canceled", err)
	}
	close(release)
	if err := <-done; err != nil {
		t.Errorf("first Get = %v", err)
	}
}
