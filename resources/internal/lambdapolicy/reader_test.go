package lambdapolicy

import (
	"context"
	"sync"
	"sync/atomic"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/lambda"
)

// blockingPolicy answers GetPolicy once released, counting the calls.
type blockingPolicy struct {
	calls   atomic.Int32
	release chan struct{}
}

func (b *blockingPolicy) GetPolicy(_ context.Context, in *lambda.GetPolicyInput, _ ...func(*lambda.Options)) (*lambda.GetPolicyOutput, error) {
	b.calls.Add(1)
	<-b.release
	return &lambda.GetPolicyOutput{Policy: aws.String(`{"Statement":[]}`)}, nil
}

// TestCallersOfOnePolicyWaitForOneCall: observations asking for the same
// policy at once make one GetPolicy and all get its answer; another
// qualifier is another policy.
func TestCallersOfOnePolicyWaitForOneCall(t *testing.T) {
	api := &blockingPolicy{release: make(chan struct{})}
	r := NewWithAPI(api)
	r.BeginPlan()
	var wg sync.WaitGroup
	docs := make([]string, 8)
	for i := range docs {
		q := ""
		if i%2 == 1 {
			q = "live"
		}
		wg.Go(func() {
			doc, found, err := r.Observed(context.Background(), "api", q)
			if err != nil || !found {
				t.Errorf("Observed = %v, %v", found, err)
			}
			docs[i] = doc
		})
	}
	close(api.release)
	wg.Wait()
	if n := api.calls.Load(); n != 2 {
		t.Errorf("GetPolicy called %d times for 8 callers of 2 policies, want 2", n)
	}
	for i, d := range docs {
		if d != `{"Statement":[]}` {
			t.Errorf("caller %d got %q", i, d)
		}
	}
}

// TestReadKeepsNothing: Read, for Create and Update, asks AWS each time
// even in a plan, and does not replace the plan's answer.
func TestReadKeepsNothing(t *testing.T) {
	api := &blockingPolicy{release: make(chan struct{})}
	close(api.release)
	r := NewWithAPI(api)
	r.BeginPlan()
	for range 2 {
		if _, _, err := r.Read(context.Background(), "api", ""); err != nil {
			t.Fatal(err)
		}
	}
	if _, _, err := r.Observed(context.Background(), "api", ""); err != nil {
		t.Fatal(err)
	}
	if n := api.calls.Load(); n != 3 {
		t.Errorf("GetPolicy called %d times for two Reads and an Observed, want 3", n)
	}
}
