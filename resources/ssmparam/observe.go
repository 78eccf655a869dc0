package ssmparam

import (
	"context"
	"errors"
	"fmt"
	"strconv"
	"strings"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/ssm"
	"github.com/aws/aws-sdk-go-v2/service/ssm/types"

	"github.com/trip-assistant/stack/reconcile"
	"github.com/trip-assistant/stack/reconcile/spec"
	"github.com/trip-assistant/stack/resources/internal/batch"
	"github.com/trip-assistant/stack/resources/internal/fanout"
)

const (
	// GetParameters takes at most 10 names.
	getBatch = 10
	// A ParameterStringFilter takes at most 50 values.
	describeBatch = 50
)

// Observe reads one parameter.
func (k *Kind) Observe(ctx context.Context, req reconcile.ObserveRequest) (reconcile.Observation, error) {
	return batch.One(ctx, k, req)
}

// ObserveBatch reads many parameters with few calls: GetParameters (10 names
// a call, decrypted) for value, type, version and ARN; DescribeParameters
// (50 names a call) for description, tier and KMS key. Tags have no batch
// read in SSM: ListTagsForResource costs one call per existing parameter,
// unless the run's tag index confirms the parameter's tags equal the
// desired ones (see tagindex.Index.Confirm for why only then).
func (k *Kind) ObserveBatch(ctx context.Context, reqs []reconcile.ObserveRequest) ([]reconcile.Observation, error) {
	g := batch.Group(reqs, nameOf)
	names, unique, desired := g.Names, g.Unique, g.Desired
	params, err := k.getParameters(ctx, unique)
	if err != nil {
		return nil, err
	}
	found := make([]string, 0, len(params))
	for _, n := range unique {
		if _, ok := params[n]; ok {
			found = append(found, n)
		}
	}
	meta, err := k.describeParameters(ctx, found)
	if err != nil {
		return nil, err
	}
	tagsOf := make([]map[string]string, len(found))
	gone := make([]bool, len(found))
	err = fanout.Each(len(found), fanout.Limit, func(i int) error {
		n := found[i]
		if t, ok := k.indexedTags(ctx, arnOf(params[n], meta[n]), desired[n]); ok {
			tagsOf[i] = t
			return nil
		}
		t, err := k.listTags(ctx, n)
		var invalid *types.InvalidResourceId
		if errors.As(err, &invalid) {
			gone[i] = true // deleted between the two reads: absent
			return nil
		}
		tagsOf[i] = t
		return err
	})
	if err != nil {
		return nil, err
	}
	tags := make(map[string]map[string]string, len(found))
	for i, n := range found {
		if gone[i] {
			delete(params, n)
			continue
		}
		tags[n] = tagsOf[i]
	}
	out := make([]reconcile.Observation, len(reqs))
	for i, r := range reqs {
		p, ok := params[names[i]]
		if !ok {
			continue // absent
		}
		out[i] = observation(p, meta[names[i]], tags[names[i]], r.Desired)
	}
	return out, nil
}

// nameOf is the parameter's name: the recorded ID, else the desired name
// when it is known.
func nameOf(r reconcile.ObserveRequest) string {
	if r.ID != "" {
		return r.ID
	}
	return r.Desired.String("name")
}

func observation(p types.Parameter, m types.ParameterMetadata, tags map[string]string, desired spec.Props) reconcile.Observation {
	name := aws.ToString(p.Name)
	props := spec.Props{
		"name":  name,
		"type":  string(p.Type),
		"value": aws.ToString(p.Value),
		"tags":  spec.StringMapValue(tags),
	}
	if m.Tier != "" {
		props["tier"] = string(m.Tier)
	}
	if d := aws.ToString(m.Description); d != "" {
		props["description"] = d
	}
	// A SecureString always has a key; the AWS-managed one is what an unset
	// key_id means, so it is reported only when the spec names a key.
	if key := aws.ToString(m.KeyId); p.Type == types.ParameterTypeSecureString && key != "" &&
		(key != defaultKeyAlias || desired.String("key_id") != "") {
		props["key_id"] = key
	}
	return reconcile.Observation{
		Exists: true,
		ID:     name,
		Props:  props,
		Attrs: map[string]string{
			"arn":     arnOf(p, m),
			"name":    name,
			"version": strconv.FormatInt(p.Version, 10),
		},
	}
}

func arnOf(p types.Parameter, m types.ParameterMetadata) string {
	if arn := aws.ToString(p.ARN); arn != "" {
		return arn
	}
	return aws.ToString(m.ARN)
}

// indexedTags returns the parameter's tags when the tag index confirms
// they are the desired ones; false means they must be read.
func (k *Kind) indexedTags(ctx context.Context, arn string, desired []spec.Props) (map[string]string, bool) {
	if k.tagIndex == nil {
		return nil, false
	}
	return k.tagIndex.Confirm(ctx, arn, desired...)
}

// getParameters returns the existing parameters among names, decrypted.
func (k *Kind) getParameters(ctx context.Context, names []string) (map[string]types.Parameter, error) {
	out := make(map[string]types.Parameter, len(names))
	for start := 0; start < len(names); start += getBatch {
		chunk := names[start:min(start+getBatch, len(names))]
		resp, err := k.api.GetParameters(ctx, &ssm.GetParametersInput{
			Names:          chunk,
			WithDecryption: aws.Bool(true),
		})
		if err != nil {
			return nil, fmt.Errorf("cannot read ssm parameters %s: %w", strings.Join(chunk, ", "), err)
		}
		// resp.InvalidParameters names the missing ones: absent is simply
		// not being in the map.
		for _, p := range resp.Parameters {
			out[aws.ToString(p.Name)] = p
		}
	}
	return out, nil
}

// describeParameters returns the metadata (description, tier, key) of names.
func (k *Kind) describeParameters(ctx context.Context, names []string) (map[string]types.ParameterMetadata, error) {
	out := make(map[string]types.ParameterMetadata, len(names))
	for start := 0; start < len(names); start += describeBatch {
		chunk := names[start:min(start+describeBatch, len(names))]
		pages := ssm.NewDescribeParametersPaginator(k.api, &ssm.DescribeParametersInput{
			ParameterFilters: []types.ParameterStringFilter{{
				Key:    aws.String("Name"),
				Option: aws.String("Equals"),
				Values: chunk,
			}},
			MaxResults: aws.Int32(50),
		})
		for pages.HasMorePages() {
			page, err := pages.NextPage(ctx)
			if err != nil {
				return nil, fmt.Errorf("cannot describe ssm parameters %s: %w", strings.Join(chunk, ", "), err)
			}
			for _, m := range page.Parameters {
				out[aws.ToString(m.Name)] = m
			}
		}
	}
	// The Name filter treats "x" and "/x" alike; key by the requested name.
	for _, n := range names {
		if _, ok := out[n]; !ok {
			for got, m := range out {
				if strings.TrimPrefix(got, "/") == strings.TrimPrefix(n, "/") {
					out[n] = m
				}
			}
		}
	}
	return out, nil
}

func (k *Kind) listTags(ctx context.Context, name string) (map[string]string, error) {
	resp, err := k.api.ListTagsForResource(ctx, &ssm.ListTagsForResourceInput{
		ResourceType: types.ResourceTypeForTaggingParameter,
		ResourceId:   aws.String(name),
	})
	if err != nil {
		return nil, fmt.Errorf("cannot list tags of ssm parameter %q: %w", name, err)
	}
	tags := make(map[string]string, len(resp.TagList))
	for _, t := range resp.TagList {
		tags[aws.ToString(t.Key)] = aws.ToString(t.Value)
	}
	return tags, nil
}
