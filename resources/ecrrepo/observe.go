package ecrrepo

import (
	"context"
	"errors"
	"fmt"
	"sync"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/ecr"
	"github.com/aws/aws-sdk-go-v2/service/ecr/types"

	"github.com/trip-assistant/stack/reconcile"
	"github.com/trip-assistant/stack/reconcile/spec"
	"github.com/trip-assistant/stack/resources/internal/batch"
	"github.com/trip-assistant/stack/resources/internal/fanout"
	"github.com/trip-assistant/stack/resources/internal/policydoc"
)

// DescribeRepositories takes at most 100 names.
const describeBatch = 100

// Observe reads one repository from ECR itself, never from the plan's
// listing: Create and Update observe through it after a write, when the
// listing no longer holds.
func (k *Kind) Observe(ctx context.Context, req reconcile.ObserveRequest) (reconcile.Observation, error) {
	obs, err := k.read(ctx, []reconcile.ObserveRequest{req}, listing{})
	if err != nil {
		return reconcile.Observation{}, err
	}
	return obs[0], nil
}

// ObserveBatch reads many repositories by name, one DescribeRepositories
// per 100 names, never from a listing of the registry: ECR has no name
// filter, so that listing costs the account's size, not the stack's, and
// moto answers it in one page whatever MaxResults says (issue 14). Then it
// reads their lifecycle policy and tags, one call each per existing
// repository (ECR has no batch read for either). The tags call is spared
// when the run's tag index confirms the repository's tags equal the
// desired ones (see tagindex.Index.Confirm for why only then). Only List
// (the unmanaged report) lists the registry.
func (k *Kind) ObserveBatch(ctx context.Context, reqs []reconcile.ObserveRequest) ([]reconcile.Observation, error) {
	return k.read(ctx, reqs, listing{})
}

// read observes reqs. It takes the repositories listed holds from it and
// asks ECR for the others by name.
func (k *Kind) read(ctx context.Context, reqs []reconcile.ObserveRequest, listed listing) ([]reconcile.Observation, error) {
	forces := make([]bool, len(reqs))
	for i, r := range reqs {
		_, forces[i] = identity(r)
	}
	g := batch.Group(reqs, func(r reconcile.ObserveRequest) string { n, _ := identity(r); return n })
	names, unique, desired := g.Names, g.Unique, g.Desired
	repos := map[string]types.Repository{}
	var unlisted []string
	for _, n := range unique {
		if r, ok := listed.repos[n]; ok {
			repos[n] = r
		} else {
			unlisted = append(unlisted, n)
		}
	}
	// A listing proves what it holds exists, not that the rest is absent:
	// like every kind, this one says absent only after reading by name. A
	// repository missing from a complete listing is expected to be absent,
	// so it is asked on its own: in a batch the first absent name would
	// fail the call and every name be asked again.
	chunk := describeBatch
	if listed.complete {
		chunk = 1
	}
	for start := 0; start < len(unlisted); start += chunk {
		found, err := k.describe(ctx, unlisted[start:min(start+chunk, len(unlisted))])
		if err != nil {
			return nil, err
		}
		for n, r := range found {
			repos[n] = r
		}
	}
	existing := make([]string, 0, len(repos))
	for _, n := range unique {
		if _, ok := repos[n]; ok {
			existing = append(existing, n)
		}
	}
	// A repository whose every request ignores its policy is not asked for it.
	readPolicy := map[string]bool{}
	for i, r := range reqs {
		if !r.Ignores("policy") {
			readPolicy[names[i]] = true
		}
	}
	detailsOf := make([]spec.Props, len(existing))
	err := fanout.Each(len(existing), fanout.Limit, func(i int) error {
		props, err := k.readDetails(ctx, repos[existing[i]], desired[existing[i]], readPolicy[existing[i]])
		var notFound *types.RepositoryNotFoundException
		if errors.As(err, &notFound) {
			return nil // deleted between the reads: absent
		}
		detailsOf[i] = props
		return err
	})
	if err != nil {
		return nil, err
	}
	details := make(map[string]spec.Props, len(existing))
	for i, n := range existing {
		if detailsOf[i] != nil {
			details[n] = detailsOf[i]
		}
	}
	out := make([]reconcile.Observation, len(reqs))
	for i := range reqs {
		props, ok := details[names[i]]
		if !ok {
			continue // absent
		}
		out[i] = observation(repos[names[i]], props, forces[i])
	}
	return out, nil
}

// identity is the repository name and the force_delete choice: from the ID
// recorded in the state, else from the desired props. Reporting force_delete
// from the ID makes a spec change of it show as a diff, so that Update
// records the new ID; it can never drift out of band.
func identity(r reconcile.ObserveRequest) (string, bool) {
	if r.ID != "" {
		return parseID(r.ID)
	}
	return r.Desired.String("name"), r.Desired.Bool("force_delete")
}

// describe returns the existing repositories among names. One missing name
// fails the whole DescribeRepositories call with RepositoryNotFoundException
// and hides the others, so on that error each name is asked on its own.
func (k *Kind) describe(ctx context.Context, names []string) (map[string]types.Repository, error) {
	out := map[string]types.Repository{}
	resp, err := k.api.DescribeRepositories(ctx, &ecr.DescribeRepositoriesInput{RepositoryNames: names})
	var notFound *types.RepositoryNotFoundException
	switch {
	case errors.As(err, &notFound) && len(names) > 1:
		for _, n := range names {
			found, err := k.describe(ctx, []string{n})
			if err != nil {
				return nil, err
			}
			for n, r := range found {
				out[n] = r
			}
		}
		return out, nil
	case errors.As(err, &notFound):
		return out, nil
	case err != nil:
		return nil, fmt.Errorf("cannot describe ecr repositories %v: %w", names, err)
	}
	// Some emulators (kumo) answer a missing name with an empty list rather
	// than the error: a name not in the answer is absent either way.
	for _, r := range resp.Repositories {
		out[aws.ToString(r.RepositoryName)] = r
	}
	return out, nil
}

// readDetails reads the lifecycle policy, the repository policy and the
// tags of repo, the three at once (one round trip on the plan's path); the
// tags come from the tag index when it confirms them.
func (k *Kind) readDetails(ctx context.Context, repo types.Repository, desired []spec.Props, readPolicy bool) (spec.Props, error) {
	var (
		lifecycle, policy    any
		tags                 map[string]any
		lcErr, polErr, tgErr error
		wg                   sync.WaitGroup
	)
	wg.Go(func() { lifecycle, lcErr = k.lifecyclePolicy(ctx, repo) })
	if readPolicy {
		wg.Go(func() { policy, polErr = k.repositoryPolicy(ctx, repo) })
	}
	wg.Go(func() { tags, tgErr = k.tags(ctx, repo, desired) })
	wg.Wait()
	for _, err := range []error{lcErr, polErr, tgErr} {
		if err != nil {
			return nil, err
		}
	}
	props := spec.Props{"tags": tags}
	if lifecycle != nil {
		props["lifecycle_policy"] = lifecycle
	}
	if policy != nil {
		props["policy"] = policy
	}
	return props, nil
}

// lifecyclePolicy is repo's lifecycle policy, decoded; nil when it has none.
func (k *Kind) lifecyclePolicy(ctx context.Context, repo types.Repository) (any, error) {
	name := aws.ToString(repo.RepositoryName)
	pol, err := k.api.GetLifecyclePolicy(ctx, &ecr.GetLifecyclePolicyInput{
		RepositoryName: repo.RepositoryName,
		RegistryId:     repo.RegistryId,
	})
	var noPolicy *types.LifecyclePolicyNotFoundException
	switch {
	case errors.As(err, &noPolicy):
		return nil, nil
	case err != nil:
		return nil, fmt.Errorf("cannot read the lifecycle policy of ecr repository %q: %w", name, err)
	}
	doc, err := decodePolicy(aws.ToString(pol.LifecyclePolicyText))
	if err != nil {
		return nil, fmt.Errorf("cannot parse the lifecycle policy of ecr repository %q: %w", name, err)
	}
	return doc, nil
}

// repositoryPolicy is repo's repository policy, decoded; nil when it has
// none.
func (k *Kind) repositoryPolicy(ctx context.Context, repo types.Repository) (any, error) {
	name := aws.ToString(repo.RepositoryName)
	out, err := k.api.GetRepositoryPolicy(ctx, &ecr.GetRepositoryPolicyInput{
		RepositoryName: repo.RepositoryName,
		RegistryId:     repo.RegistryId,
	})
	var noRepoPolicy *types.RepositoryPolicyNotFoundException
	switch {
	case errors.As(err, &noRepoPolicy):
		return nil, nil
	case err != nil:
		return nil, fmt.Errorf("cannot read the repository policy of ecr repository %q: %w", name, err)
	}
	doc, err := policydoc.Decode(aws.ToString(out.PolicyText))
	if err != nil {
		return nil, fmt.Errorf("cannot parse the repository policy of ecr repository %q: %w", name, err)
	}
	return doc, nil
}

// tags are repo's tags: the tag index's when it confirms them, else
// ListTagsForResource's.
func (k *Kind) tags(ctx context.Context, repo types.Repository, desired []spec.Props) (map[string]any, error) {
	if k.tagIndex != nil {
		if tags, ok := k.tagIndex.Confirm(ctx, aws.ToString(repo.RepositoryArn), desired...); ok {
			return spec.StringMapValue(tags), nil
		}
	}
	out, err := k.api.ListTagsForResource(ctx, &ecr.ListTagsForResourceInput{ResourceArn: repo.RepositoryArn})
	if err != nil {
		return nil, fmt.Errorf("cannot list tags of ecr repository %q: %w", aws.ToString(repo.RepositoryName), err)
	}
	m := make(map[string]any, len(out.Tags))
	for _, t := range out.Tags {
		m[aws.ToString(t.Key)] = aws.ToString(t.Value)
	}
	return m, nil
}

func observation(repo types.Repository, details spec.Props, force bool) reconcile.Observation {
	name := aws.ToString(repo.RepositoryName)
	props := spec.Props{
		"name":                 name,
		"image_tag_mutability": string(repo.ImageTagMutability),
		"scan_on_push":         repo.ImageScanningConfiguration != nil && repo.ImageScanningConfiguration.ScanOnPush,
		"force_delete":         force,
	}
	for k, v := range details {
		props[k] = v
	}
	return reconcile.Observation{
		Exists: true,
		ID:     idFor(name, force),
		Props:  props,
		Attrs: map[string]string{
			"arn":         aws.ToString(repo.RepositoryArn),
			"name":        name,
			"url":         aws.ToString(repo.RepositoryUri),
			"registry_id": aws.ToString(repo.RegistryId),
		},
	}
}
