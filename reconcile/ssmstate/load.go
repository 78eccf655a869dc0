package ssmstate

import (
	"context"
	"errors"
	"fmt"
	"strconv"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/ssm"
	"github.com/aws/aws-sdk-go-v2/service/ssm/types"

	"github.com/trip-assistant/stack/reconcile"
)

// tornError is a read that mixed two Saves, or found a chunk gone.
type tornError struct{ reason string }

func (e *tornError) Error() string { return e.reason }

// Load returns the recorded state, or an empty one if none exists. A read
// that looks torn is retried once; a record still wrong after that is a
// *DamagedError.
func (s *Store) Load(ctx context.Context) (*reconcile.State, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	st, err := s.load(ctx)
	var torn *tornError
	if errors.As(err, &torn) {
		st, err = s.load(ctx)
		if errors.As(err, &torn) {
			err = &damage{param: s.head, err: fmt.Errorf("it is inconsistent after a second read (%w); "+
				"if no other run is saving, a parameter under %s was changed or deleted by hand", err, s.head)}
		}
	}
	var d *damage
	var newer *newerError
	switch {
	case errors.As(err, &newer):
		return nil, &DamagedError{Stack: s.stack, Param: s.head, Format: newer.format, ToolVersion: newer.tool}
	case errors.As(err, &d):
		return nil, &DamagedError{Stack: s.stack, Param: d.param, Reason: d.err.Error()}
	case err != nil:
		return nil, fmt.Errorf("cannot load state of %s from SSM parameter %s: %w", s.stack, s.head, err)
	}
	return st, nil
}

// damage is what load found wrong with the record, as opposed to a failed
// call; Load turns it into a *DamagedError.
type damage struct {
	param string
	err   error
}

func (d *damage) Error() string { return d.err.Error() }
func (d *damage) Unwrap() error { return d.err }

func (s *Store) load(ctx context.Context) (*reconcile.State, error) {
	s.mem = nil
	out, err := s.api.GetParameter(ctx, &ssm.GetParameterInput{Name: aws.String(s.head)})
	var notFound *types.ParameterNotFound
	if errors.As(err, &notFound) {
		s.mem, s.stored, s.headExists = &memory{}, 0, false
		return reconcile.NewState(), nil
	}
	if err != nil {
		return nil, err
	}
	s.headExists = true
	h, chunk0, err := decodeHead(aws.ToString(out.Parameter.Value))
	var newer *newerError
	if errors.As(err, &newer) {
		return nil, err
	}
	if err != nil {
		return nil, &damage{param: s.head, err: err}
	}
	chunks := make([]chunk, h.Chunks)
	chunks[0].body = chunk0
	if err := s.readChunks(ctx, h, chunks); err != nil {
		return nil, err
	}
	st, err := decodeRecord(h, chunks, s.chunkName)
	var torn *tornError
	if err != nil && !errors.As(err, &torn) {
		return nil, &damage{param: s.head, err: err}
	}
	if err != nil {
		return nil, err
	}
	s.mem = &memory{chunks: chunks, res: cloneResources(st.Resources)}
	s.stored = h.Chunks
	return st, nil
}

// readChunks reads chunks 1..n-1 at the versions the header pins, so a
// Save running meanwhile cannot mix its chunks into this read.
func (s *Store) readChunks(ctx context.Context, h header, chunks []chunk) error {
	for lo := 1; lo < len(chunks); lo += getBatch {
		hi := min(lo+getBatch, len(chunks))
		names := make([]string, 0, hi-lo)
		for i := lo; i < hi; i++ {
			chunks[i].version = h.Versions[i-1]
			names = append(names, s.chunkName(i)+":"+strconv.FormatInt(chunks[i].version, 10))
		}
		out, err := s.api.GetParameters(ctx, &ssm.GetParametersInput{Names: names})
		if err != nil {
			return err
		}
		if len(out.InvalidParameters) > 0 {
			return &tornError{fmt.Sprintf("chunks %v are gone", out.InvalidParameters)}
		}
		got := make(map[string]types.Parameter, len(out.Parameters))
		for _, p := range out.Parameters {
			got[aws.ToString(p.Name)+":"+strconv.FormatInt(p.Version, 10)] = p
		}
		for i := lo; i < hi; i++ {
			p, ok := got[names[i-lo]]
			if !ok {
				return &tornError{fmt.Sprintf("chunk %s is missing from the answer", names[i-lo])}
			}
			chunks[i].body = aws.ToString(p.Value)
		}
	}
	return nil
}
