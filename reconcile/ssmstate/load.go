package ssmstate

import (
	"context"
	"errors"
	"fmt"
	"slices"
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
// that looks torn is retried once.
func (s *Store) Load(ctx context.Context) (*reconcile.State, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	st, err := s.load(ctx)
	var torn *tornError
	if errors.As(err, &torn) {
		st, err = s.load(ctx)
		if errors.As(err, &torn) {
			err = fmt.Errorf("the record is inconsistent after a second read (%w); "+
				"if no other run is saving, a parameter under %s was changed by hand", err, s.head)
		}
	}
	if err != nil {
		return nil, fmt.Errorf("cannot load state of %s from SSM parameter %s: %w", s.stack, s.head, err)
	}
	return st, nil
}

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
	if err != nil {
		return nil, err
	}
	chunks := make([]chunk, h.Chunks)
	chunks[0].body = chunk0
	if err := s.readChunks(ctx, h, chunks); err != nil {
		return nil, err
	}
	if got := digest(chunks); got != h.Digest {
		return nil, &tornError{fmt.Sprintf("the chunks digest to %s, the header says %s", got, h.Digest)}
	}

	st := reconcile.NewState()
	st.Serial, st.SpecDigest, st.ToolVersion, st.Time = h.Serial, h.SpecDigest, h.ToolVersion, h.Time
	for i := range chunks {
		m, err := decodeChunk(chunks[i].body)
		if err != nil {
			return nil, fmt.Errorf("cannot decode chunk %s: %w", s.chunkName(i), err)
		}
		for n, r := range m {
			if _, dup := st.Resources[n]; dup {
				return nil, fmt.Errorf("resource %q is recorded twice (chunk %s)", n, s.chunkName(i))
			}
			st.Resources[n] = r
			chunks[i].names = append(chunks[i].names, n)
		}
		slices.Sort(chunks[i].names)
	}
	if len(st.Resources) != h.Resources {
		return nil, fmt.Errorf("the header counts %d resources, the chunks hold %d", h.Resources, len(st.Resources))
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
