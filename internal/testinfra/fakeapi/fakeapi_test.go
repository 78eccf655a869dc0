package fakeapi

import (
	"context"
	"errors"
	"sync"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/lambda"
	"github.com/google/go-cmp/cmp"
)

func TestCall(t *testing.T) {
	var c Calls
	double := func(n int) (int, error) { return 2 * n, nil }
	if got, err := Call(&c, "Double", double, 21); err != nil || got != 42 {
		t.Errorf("Call = %d, %v; want 42, nil", got, err)
	}
	if _, err := Call[int, int](&c, "Unset", nil, 1); err == nil || err.Error() != "unexpected call to Unset" {
		t.Errorf("a call without a function = %v, want unexpected call to Unset", err)
	}
	boom := errors.New("boom")
	if _, err := Call(&c, "Fail", func(int) (int, error) { return 0, boom }, 1); !errors.Is(err, boom) {
		t.Errorf("the function's error is lost: %v", err)
	}
	if got := c.List(); len(got) != 3 || got[0] != "Double" || got[1] != "Unset" || got[2] != "Fail" {
		t.Errorf("List = %v", got)
	}
	c.Reset()
	var wg sync.WaitGroup
	for range 50 {
		wg.Go(func() { _, _ = Call(&c, "X", double, 1) })
	}
	wg.Wait()
	if n := len(c.List()); n != 50 {
		t.Errorf("%d calls recorded under concurrency, want 50", n)
	}
}

func TestLambdaNamesCalls(t *testing.T) {
	ctx := context.Background()
	got := func(*lambda.GetAliasInput) (*lambda.GetAliasOutput, error) { return &lambda.GetAliasOutput{}, nil }
	plain := &Lambda{On: LambdaFuncs{GetAlias: got}}
	named := &Lambda{On: LambdaFuncs{GetAlias: got}, Name: func(op string, in any) string {
		return op + " " + aws.ToString(in.(*lambda.GetAliasInput).Name)
	}}
	for _, f := range []*Lambda{plain, named} {
		if _, err := f.GetAlias(ctx, &lambda.GetAliasInput{Name: aws.String("live")}); err != nil {
			t.Fatal(err)
		}
	}
	if _, err := plain.Invoke(ctx, &lambda.InvokeInput{}); err == nil {
		t.Error("a call without a function succeeded")
	}
	if diff := cmp.Diff([]string{"GetAlias", "Invoke"}, plain.Calls.List()); diff != "" {
		t.Errorf("plain names (-want +got):\n%s", diff)
	}
	if diff := cmp.Diff([]string{"GetAlias live"}, named.Calls.List()); diff != "" {
		t.Errorf("names from Name (-want +got):\n%s", diff)
	}
}
