package httpapi

import (
	"context"
	"fmt"
	"sync"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/apigatewayv2"
	"github.com/aws/aws-sdk-go-v2/service/apigatewayv2/types"
	"github.com/trip-assistant/stack/resources/internal/kindkit"
)

// APIListing is the account's HTTP APIs as one GetApis listing saw them,
// made on first use and kept until Reset. GetApis items carry all that
// GetApi returns, so the apigw.api and apigw.stage kinds of a run share one
// listing for a plan: the APIs' observations, the stages' invoke_url and
// the API kind's List cost one listing, not a GetApi each. Both kinds Reset
// it in BeginPlan, so no plan answers from an earlier plan's listing, and
// only their batch observations and List read it: Observe, Create, Update
// and Delete ask AWS.
//
// The listing reads every page: List and the adoption of an unrecorded API
// by name need all of them anyway, and the service's quota on APIs per
// region keeps it to a few. Safe for concurrent use.
type APIListing struct {
	api API

	cur kindkit.PlanListing[apiSnapshot]
}

// apiSnapshot is one listing, made by its first reader while the others
// wait. A failure is kept until Reset, so the kinds of a plan do not each
// retry it: readers by id fall back to GetApi, which reports its own error.
type apiSnapshot struct {
	once sync.Once
	apis []types.Api
	byID map[string]int // index in apis
	err  error
}

// NewAPIListing returns an empty listing with a client built from cfg.
func NewAPIListing(cfg aws.Config) *APIListing {
	return NewAPIListingWithAPI(apigatewayv2.NewFromConfig(cfg))
}

// NewAPIListingWithAPI returns an empty listing that lists through api (a
// fake in tests).
func NewAPIListingWithAPI(api API) *APIListing { return &APIListing{api: api} }

// Reset drops the listing: the next reader lists again. Never call it while
// a plan observes.
func (l *APIListing) Reset() {
	if l == nil {
		return
	}
	l.cur.BeginPlan()
}

// all returns every API the listing saw.
func (l *APIListing) all(ctx context.Context) ([]types.Api, error) {
	s := l.snapshot(ctx)
	return s.apis, s.err
}

// byID returns the API with id as the listing saw it. ok is false when it
// was not listed (made since, or gone), the listing failed, or l is nil:
// the caller then reads it with GetApi, the only read that may report an
// API absent.
func (l *APIListing) byID(ctx context.Context, id string) (a types.Api, ok bool) {
	if l == nil {
		return types.Api{}, false
	}
	s := l.snapshot(ctx)
	i, ok := s.byID[id]
	if s.err != nil || !ok {
		return types.Api{}, false
	}
	return s.apis[i], true
}

func (l *APIListing) snapshot(ctx context.Context) *apiSnapshot {
	s := l.cur.Current()
	s.once.Do(func() {
		s.apis, s.err = listAPIs(ctx, l.api)
		s.byID = make(map[string]int, len(s.apis))
		for i, a := range s.apis {
			s.byID[aws.ToString(a.ApiId)] = i
		}
	})
	return s
}

// listAPIs pages through every HTTP API of the account.
func listAPIs(ctx context.Context, api API) ([]types.Api, error) {
	apis, err := allPages(func(token *string) ([]types.Api, *string, error) {
		out, err := api.GetApis(ctx, &apigatewayv2.GetApisInput{NextToken: token})
		if err != nil {
			return nil, nil, err
		}
		return out.Items, out.NextToken, nil
	})
	if err != nil {
		return nil, fmt.Errorf("cannot list http apis: %w", err)
	}
	return apis, nil
}
