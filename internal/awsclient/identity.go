package awsclient

import (
	"context"
	"fmt"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/aws/arn"
	"github.com/aws/aws-sdk-go-v2/service/sts"
)

// STSAPI is the part of the STS client Identity calls.
type STSAPI interface {
	GetCallerIdentity(ctx context.Context, in *sts.GetCallerIdentityInput, optFns ...func(*sts.Options)) (*sts.GetCallerIdentityOutput, error)
}

var _ STSAPI = (*sts.Client)(nil)

// Identity is the account and partition the credentials of a run belong
// to, asked of STS once and shared by everything that needs them (the
// spec's ${account_id}, ARNs AWS never returns): neither changes while the
// credentials do not. The partition is read from the caller's ARN rather
// than guessed from the region name, so aws-cn and aws-us-gov need no table.
//
// Safe for concurrent use: one call is in flight at a time and the others
// wait for it. A failed call is not kept, so the next caller asks again: a
// throttled or cancelled call must not fail every later use in the run,
// and credentials that are refused fail each caller with STS's own error.
type Identity struct {
	api STSAPI
	// sem holds the right to ask STS; a channel rather than a mutex so a
	// waiter whose context ends stops waiting.
	sem chan struct{}

	known     bool
	account   string
	partition string
}

// NewIdentity returns the identity of cfg's credentials. It calls nothing
// until asked.
func NewIdentity(cfg aws.Config) *Identity { return NewIdentityWithAPI(sts.NewFromConfig(cfg)) }

// NewIdentityWithAPI returns the identity api answers for (a fake in tests).
func NewIdentityWithAPI(api STSAPI) *Identity {
	return &Identity{api: api, sem: make(chan struct{}, 1)}
}

// Get returns the account id and the partition (aws, aws-cn, ...) of the
// credentials, calling GetCallerIdentity on first use.
func (i *Identity) Get(ctx context.Context) (account, partition string, err error) {
	select {
	case i.sem <- struct{}{}:
	case <-ctx.Done():
		return "", "", fmt.Errorf("cannot ask STS who the credentials belong to: %w", ctx.Err())
	}
	defer func() { <-i.sem }()
	if i.known {
		return i.account, i.partition, nil
	}
	out, err := i.api.GetCallerIdentity(ctx, &sts.GetCallerIdentityInput{})
	if err != nil {
		return "", "", fmt.Errorf("cannot ask STS who the credentials belong to: %w", err)
	}
	a, err := arn.Parse(aws.ToString(out.Arn))
	if err != nil {
		return "", "", fmt.Errorf("cannot read the partition from the caller ARN %q: %w", aws.ToString(out.Arn), err)
	}
	if aws.ToString(out.Account) == "" {
		return "", "", fmt.Errorf("sts GetCallerIdentity named no account (caller %s)", aws.ToString(out.Arn))
	}
	i.known, i.account, i.partition = true, aws.ToString(out.Account), a.Partition
	return i.account, i.partition, nil
}
