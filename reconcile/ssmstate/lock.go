package ssmstate

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/ssm"
	"github.com/aws/aws-sdk-go-v2/service/ssm/types"

	"github.com/trip-assistant/stack/reconcile"
)

// Lock takes the stack's lock: PutParameter without Overwrite creates the
// lock parameter only if it does not exist, atomically.
func (s *Store) Lock(ctx context.Context, info reconcile.LockInfo) error {
	value, err := json.Marshal(info)
	if err != nil {
		return fmt.Errorf("cannot lock %s: %w", s.stack, err)
	}
	// A second attempt only if the holder released the lock between our
	// create and our read of it; a live holder is reported at once.
	for range 2 {
		_, err := s.api.PutParameter(ctx, &ssm.PutParameterInput{
			Name:        aws.String(s.lock),
			Value:       aws.String(string(value)),
			Type:        types.ParameterTypeString,
			Tier:        types.ParameterTierStandard,
			Description: aws.String("reconcile lock of " + s.stack),
		})
		var exists *types.ParameterAlreadyExists
		if err == nil {
			return nil
		}
		if !errors.As(err, &exists) {
			return fmt.Errorf("cannot lock %s with SSM parameter %s: %w", s.stack, s.lock, err)
		}
		holder, err := s.ReadLock(ctx)
		if err != nil {
			return fmt.Errorf("cannot lock %s: it is locked, and %w", s.stack, err)
		}
		if holder != nil {
			return &reconcile.LockedError{Stack: s.stack, Holder: *holder}
		}
	}
	return fmt.Errorf("cannot lock %s: the lock parameter %s changed hands twice while being taken; try again", s.stack, s.lock)
}

// Unlock deletes the lock if its id is id.
func (s *Store) Unlock(ctx context.Context, id string) error {
	holder, err := s.ReadLock(ctx)
	if err != nil {
		return fmt.Errorf("cannot unlock %s: %w", s.stack, err)
	}
	if holder == nil {
		return fmt.Errorf("cannot unlock %s with id %s: it is not locked: %w", s.stack, id, reconcile.ErrNoLock)
	}
	if holder.ID != id {
		return fmt.Errorf("cannot unlock %s with id %s: it is locked by run %s (%s, %s, since %s): %w",
			s.stack, id, holder.ID, holder.Who, holder.Operation, holder.Since.Format("2006-01-02 15:04:05 MST"), reconcile.ErrNoLock)
	}
	// SSM has no conditional delete. If, between the read above and this
	// delete, someone else deletes the lock and a third run takes it, this
	// deletes the third run's lock. The window is one round trip and needs
	// a forced unlock to open; nothing narrower exists in SSM.
	_, err = s.api.DeleteParameter(ctx, &ssm.DeleteParameterInput{Name: aws.String(s.lock)})
	var notFound *types.ParameterNotFound
	if errors.As(err, &notFound) {
		return fmt.Errorf("cannot unlock %s with id %s: the lock was removed meanwhile: %w", s.stack, id, reconcile.ErrNoLock)
	}
	if err != nil {
		return fmt.Errorf("cannot unlock %s: cannot delete SSM parameter %s: %w", s.stack, s.lock, err)
	}
	return nil
}

// ReadLock returns the holder of the lock, nil when unlocked.
func (s *Store) ReadLock(ctx context.Context) (*reconcile.LockInfo, error) {
	out, err := s.api.GetParameter(ctx, &ssm.GetParameterInput{Name: aws.String(s.lock)})
	var notFound *types.ParameterNotFound
	if errors.As(err, &notFound) {
		return nil, nil
	}
	if err != nil {
		return nil, fmt.Errorf("cannot read the lock of %s from SSM parameter %s: %w", s.stack, s.lock, err)
	}
	var info reconcile.LockInfo
	if err := json.Unmarshal([]byte(aws.ToString(out.Parameter.Value)), &info); err != nil {
		return nil, fmt.Errorf("the lock of %s in SSM parameter %s is unreadable (%v); if no run holds it, delete the parameter", s.stack, s.lock, err)
	}
	return &info, nil
}
