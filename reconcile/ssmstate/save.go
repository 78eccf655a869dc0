package ssmstate

import (
	"context"
	"errors"
	"fmt"
	"strconv"
	"strings"
	"time"
	"unicode"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/ssm"
	"github.com/aws/aws-sdk-go-v2/service/ssm/types"

	"github.com/trip-assistant/stack/reconcile"
)

// Save records st. It writes the chunks that changed since this store last
// wrote or read the record, then the head, then deletes chunks the record
// no longer uses; see the package documentation for why in that order.
func (s *Store) Save(ctx context.Context, st *reconcile.State) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	if err := s.checkLease(); err != nil {
		return fmt.Errorf("cannot save state of %s: %w", s.stack, err)
	}
	if err := s.save(ctx, st); err != nil {
		// What SSM holds is no longer known for sure: the next Save writes
		// everything.
		s.mem = nil
		return fmt.Errorf("cannot save state of %s to SSM parameter %s: %w", s.stack, s.head, err)
	}
	return nil
}

func (s *Store) save(ctx context.Context, st *reconcile.State) error {
	if s.mem == nil {
		if err := s.readStoredCount(ctx); err != nil {
			return err
		}
	}
	prev := s.mem
	chunks, err := plan(st.Resources, prev)
	if err != nil {
		return err
	}

	for i := 1; i < len(chunks); i++ {
		if prev != nil && i < len(prev.chunks) && chunks[i].body == prev.chunks[i].body && chunks[i].version > 0 {
			continue
		}
		out, err := s.api.PutParameter(ctx, &ssm.PutParameterInput{
			Name:      aws.String(s.chunkName(i)),
			Value:     aws.String(chunks[i].body),
			Type:      types.ParameterTypeString,
			Tier:      types.ParameterTierStandard,
			Overwrite: aws.Bool(true),
		})
		if err != nil {
			return fmt.Errorf("cannot write chunk %s: %w", s.chunkName(i), err)
		}
		chunks[i].version = out.Version
	}

	h := header{
		Format:      formatVersion,
		Serial:      st.Serial,
		Chunks:      len(chunks),
		Digest:      digest(chunks),
		Resources:   len(st.Resources),
		SpecDigest:  st.SpecDigest,
		ToolVersion: st.ToolVersion,
		Time:        st.Time.UTC(),
	}
	if info := s.holder(); info != nil {
		h.Who, h.Operation = cut(info.Who, whoMax), cut(info.Operation, whoMax)
	}
	for _, c := range chunks[1:] {
		h.Versions = append(h.Versions, c.version)
	}
	value, err := encodeHead(h, chunks[0].body)
	if err != nil {
		return err
	}
	if err := s.writeHead(ctx, value, s.tags(h)); err != nil {
		return err
	}

	// Readers of the old head may still want these; they reread once.
	if s.stored > len(chunks) {
		var stale []string
		for i := len(chunks); i < s.stored; i++ {
			stale = append(stale, s.chunkName(i))
		}
		for lo := 0; lo < len(stale); lo += getBatch {
			_, err := s.api.DeleteParameters(ctx, &ssm.DeleteParametersInput{Names: stale[lo:min(lo+getBatch, len(stale))]})
			if err != nil {
				return fmt.Errorf("saved, but cannot delete stale chunks: %w", err)
			}
		}
	}
	s.mem = &memory{chunks: chunks, res: cloneResources(st.Resources)}
	s.stored = len(chunks)
	return nil
}

// writeHead writes the head's value, then its metadata tags. Only the call
// that creates the parameter may carry tags; later ones must overwrite and
// tag separately.
func (s *Store) writeHead(ctx context.Context, value string, tags []types.Tag) error {
	if !s.headExists {
		_, err := s.api.PutParameter(ctx, &ssm.PutParameterInput{
			Name:        aws.String(s.head),
			Value:       aws.String(value),
			Type:        types.ParameterTypeString,
			Tier:        types.ParameterTierStandard,
			Description: aws.String("reconcile state of " + s.stack),
			Tags:        tags,
		})
		var exists *types.ParameterAlreadyExists
		if err == nil {
			s.headExists = true
			return nil
		}
		if !errors.As(err, &exists) {
			return err
		}
		s.headExists = true
	}
	if _, err := s.api.PutParameter(ctx, &ssm.PutParameterInput{
		Name:      aws.String(s.head),
		Value:     aws.String(value),
		Type:      types.ParameterTypeString,
		Tier:      types.ParameterTierStandard,
		Overwrite: aws.Bool(true),
	}); err != nil {
		return err
	}
	if _, err := s.api.AddTagsToResource(ctx, &ssm.AddTagsToResourceInput{
		ResourceType: types.ResourceTypeForTaggingParameter,
		ResourceId:   aws.String(s.head),
		Tags:         tags,
	}); err != nil {
		return fmt.Errorf("the state was saved but its metadata tags were not updated: %w", err)
	}
	return nil
}

// readStoredCount learns, when this store has no memory of the record,
// whether the head exists and how many chunks it names, so Save can create
// or overwrite it and delete what a shorter record leaves behind. An
// unreadable head is overwritten; its chunks past the new count stay as
// harmless garbage.
func (s *Store) readStoredCount(ctx context.Context) error {
	out, err := s.api.GetParameter(ctx, &ssm.GetParameterInput{Name: aws.String(s.head)})
	var notFound *types.ParameterNotFound
	switch {
	case errors.As(err, &notFound):
		s.headExists, s.stored = false, 0
		return nil
	case err != nil:
		return err
	}
	s.headExists, s.stored = true, 0
	if h, _, err := decodeHead(aws.ToString(out.Parameter.Value)); err == nil {
		s.stored = h.Chunks
	}
	return nil
}

// Tag keys on the head. They mirror the header for people and tools.
const (
	TagFormat      = "reconcile:format"
	TagSerial      = "reconcile:serial"
	TagSpecDigest  = "reconcile:spec-digest"
	TagToolVersion = "reconcile:tool-version"
	TagTime        = "reconcile:time"
	TagChunks      = "reconcile:chunks"
	TagResources   = "reconcile:resources"
	TagDigest      = "reconcile:digest"
	TagStack       = "reconcile:stack"
)

func (s *Store) tags(h header) []types.Tag {
	kv := [][2]string{
		{TagFormat, strconv.Itoa(h.Format)},
		{TagSerial, strconv.FormatInt(h.Serial, 10)},
		{TagSpecDigest, h.SpecDigest},
		{TagToolVersion, h.ToolVersion},
		{TagTime, h.Time.Format(time.RFC3339)},
		{TagChunks, strconv.Itoa(h.Chunks)},
		{TagResources, strconv.Itoa(h.Resources)},
		{TagDigest, h.Digest},
		{TagStack, s.stack},
	}
	tags := make([]types.Tag, 0, len(kv))
	for _, t := range kv {
		tags = append(tags, types.Tag{Key: aws.String(t[0]), Value: aws.String(tagValue(t[1]))})
	}
	return tags
}

// tagValue fits v to what SSM accepts in a tag value: at most 256
// characters of letters, digits, spaces and _.:/=+-@. The header keeps the
// exact value.
func tagValue(v string) string {
	v = strings.Map(func(r rune) rune {
		if unicode.IsLetter(r) || unicode.IsDigit(r) || unicode.Is(unicode.Z, r) || strings.ContainsRune("_.:/=+-@", r) {
			return r
		}
		return '_'
	}, v)
	if r := []rune(v); len(r) > 256 {
		v = string(r[:256])
	}
	return v
}
