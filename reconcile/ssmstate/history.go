package ssmstate

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/ssm"
	"github.com/aws/aws-sdk-go-v2/service/ssm/types"

	"github.com/trip-assistant/stack/reconcile"
)

// Version is one version of the state record that SSM still keeps (the
// last 100 Saves: every Save writes the head).
type Version struct {
	Serial      int64
	Time        time.Time
	Who         string
	Operation   string
	ToolVersion string
	Resources   int
	// HeadVersion is the SSM version of the head parameter.
	HeadVersion int64
	// Problem says why this version cannot be restored; empty when it can.
	Problem string
	state   *reconcile.State
}

// History lists the record's versions, oldest first, and checks each: a
// version can be put back when every chunk version its head pins is still
// kept and the chunks match the head's digest. It reads only; it works on
// a record that Load refuses.
func (s *Store) History(ctx context.Context) ([]Version, error) {
	heads, err := s.paramHistory(ctx, s.head)
	if err != nil {
		return nil, err
	}
	if len(heads) == 0 {
		return nil, nil
	}
	// Every chunk name any version uses, read once with all its versions.
	type decoded struct {
		h      header
		chunk0 string
		err    error
	}
	ds := make([]decoded, len(heads))
	most := 0
	for i, p := range heads {
		ds[i].h, ds[i].chunk0, ds[i].err = decodeHead(aws.ToString(p.Value))
		if ds[i].err == nil {
			most = max(most, ds[i].h.Chunks)
		}
	}
	bodies := map[string]map[int64]string{}
	for i := 1; i < most; i++ {
		hist, err := s.paramHistory(ctx, s.chunkName(i))
		if err != nil {
			return nil, err
		}
		bodies[s.chunkName(i)] = map[int64]string{}
		for _, p := range hist {
			bodies[s.chunkName(i)][p.Version] = aws.ToString(p.Value)
		}
	}

	out := make([]Version, 0, len(heads))
	for i, p := range heads {
		v := Version{HeadVersion: p.Version, Time: aws.ToTime(p.LastModifiedDate)}
		d := ds[i]
		var newer *newerError
		switch {
		case errors.As(d.err, &newer):
			v.ToolVersion = newer.tool
			v.Problem = fmt.Sprintf("written in record format %d by a newer reconcile", newer.format)
		case d.err != nil:
			v.Problem = d.err.Error()
		default:
			h := d.h
			v.Serial, v.Time, v.Who, v.Operation, v.ToolVersion, v.Resources = h.Serial, h.Time, h.Who, h.Operation, h.ToolVersion, h.Resources
			chunks := make([]chunk, h.Chunks)
			chunks[0].body = d.chunk0
			for j := 1; j < h.Chunks; j++ {
				body, ok := bodies[s.chunkName(j)][h.Versions[j-1]]
				if !ok {
					v.Problem = fmt.Sprintf("chunk %s:%d is no longer kept", s.chunkName(j), h.Versions[j-1])
					break
				}
				chunks[j] = chunk{body: body, version: h.Versions[j-1]}
			}
			if v.Problem != "" {
				break
			}
			st, err := decodeRecord(h, chunks, s.chunkName)
			if err != nil {
				// A chunk deleted when the record shrank and written
				// again later restarts its versions: the pinned number
				// then names other content, which the digest tells.
				v.Problem = err.Error()
				break
			}
			v.state = st
		}
		out = append(out, v)
	}
	return out, nil
}

// ReadSerial returns the record as it was at serial, assembled from the
// chunk versions that version's head pins.
func (s *Store) ReadSerial(ctx context.Context, serial int64) (*reconcile.State, error) {
	versions, err := s.History(ctx)
	if err != nil {
		return nil, err
	}
	var kept []int64
	problem := ""
	for i := len(versions) - 1; i >= 0; i-- {
		v := versions[i]
		switch {
		case v.Problem != "" && v.Serial == serial && problem == "":
			problem = v.Problem
		case v.Problem != "":
		case v.Serial == serial:
			return v.state.Clone(), nil
		default:
			kept = append(kept, v.Serial)
		}
	}
	if problem != "" {
		return nil, fmt.Errorf("cannot restore serial %d of %s: %s", serial, s.stack, problem)
	}
	slices.Sort(kept)
	if len(kept) == 0 {
		return nil, fmt.Errorf("cannot restore serial %d of %s: SSM keeps no version of the record that can be restored", serial, s.stack)
	}
	return nil, fmt.Errorf("cannot restore serial %d of %s: SSM does not keep it; serials %d to %d can be restored (see reconcile state history)", serial, s.stack, kept[0], kept[len(kept)-1])
}

// Restore writes the record as it was at serial as a new version, with a
// serial after every one recorded so far. The caller holds the lock. It
// works over a record that Load refuses: the write does not read it.
func (s *Store) Restore(ctx context.Context, serial int64) (*reconcile.State, error) {
	versions, err := s.History(ctx)
	if err != nil {
		return nil, err
	}
	st, err := s.ReadSerial(ctx, serial)
	if err != nil {
		return nil, err
	}
	for _, v := range versions {
		st.Serial = max(st.Serial, v.Serial)
	}
	st.Serial++
	st.Time = s.now().UTC()
	s.mu.Lock()
	s.mem = nil // what SSM holds is not what this store knows
	s.mu.Unlock()
	if err := s.Save(ctx, st); err != nil {
		return nil, fmt.Errorf("cannot restore serial %d of %s: %w", serial, s.stack, err)
	}
	return st, nil
}

// paramHistory returns every version SSM keeps of name, oldest first; none
// when it does not exist.
func (s *Store) paramHistory(ctx context.Context, name string) ([]types.ParameterHistory, error) {
	var out []types.ParameterHistory
	p := ssm.NewGetParameterHistoryPaginator(s.api, &ssm.GetParameterHistoryInput{Name: aws.String(name), MaxResults: aws.Int32(50)})
	for p.HasMorePages() {
		page, err := p.NextPage(ctx)
		var notFound *types.ParameterNotFound
		if errors.As(err, &notFound) {
			return nil, nil
		}
		if err != nil {
			return nil, fmt.Errorf("cannot read the history of SSM parameter %s: %w", name, err)
		}
		out = append(out, page.Parameters...)
	}
	slices.SortFunc(out, func(a, b types.ParameterHistory) int { return int(a.Version - b.Version) })
	return out, nil
}
