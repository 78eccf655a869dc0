package localup

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net/http"
	"os"
	"path/filepath"
	"strconv"
	"sync"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/ssm"
	ssmtypes "github.com/aws/aws-sdk-go-v2/service/ssm/types"

	"github.com/trip-assistant/stack/internal/awsclient"
)

// Options say what to run and where the agent's model is.
type Options struct {
	// Spec is the stack's spec file; "spec.yaml" when empty.
	Spec string
	// Env is the spec's environment; "local" when empty.
	Env string
	// Root is the module whose ./agent and ./api are built; the spec's
	// directory when empty.
	Root string

	// FakeModel starts an OpenAI-compatible fake that answers every
	// message (EchoReply), and gives the agent its key and address.
	FakeModel bool
	// OpenAIBaseURL is where the agent calls the Responses API ("" for the
	// OpenAI API). Ignored with FakeModel.
	OpenAIBaseURL string
	// OpenAIKey is stored in the stack's key parameter, as an operator
	// would after the first deploy; "" leaves the spec's placeholder, and
	// every message is answered with the agent's missing_key error.
	// Ignored with FakeModel.
	OpenAIKey string
	// OpenAIModel overrides the agent's default model when set.
	OpenAIModel string

	// Log receives reconcile's progress and the handlers' output; nil
	// discards them.
	Log io.Writer
}

// System is the stack running locally.
type System struct {
	// URL is the HTTP API's address: http://<apiId>.execute-api.localhost:<port>/
	// (curl resolves *.localhost to loopback).
	URL string
	// Host is the Host header that reaches the API; a Go client dials
	// Endpoint and sets it.
	Host  string
	APIID string
	// Endpoint is the emulator's address, for AWS clients and dialing.
	Endpoint string
	// Model says where messages are answered, for people.
	Model string
	// AWS is a configuration whose clients talk to the emulator.
	AWS aws.Config

	em            *emulator
	fake          *FakeModel
	handlers      []*handler
	dir           string
	parameterName string
	exited        chan error
	stopOnce      sync.Once
	stopErr       error
}

// Start reconciles the spec on an emulator in this process, starts the
// handlers, and returns once a health check has travelled API Gateway → api.
// The process must have been started with EmulatorEnv's environment.
func Start(ctx context.Context, o Options) (_ *System, err error) {
	if o.Spec == "" {
		o.Spec = "spec.yaml"
	}
	if o.Env == "" {
		o.Env = "local"
	}
	if o.Root == "" {
		o.Root = filepath.Dir(o.Spec)
	}
	log := o.Log
	if log == nil {
		log = io.Discard
	}
	log = &syncWriter{w: log}

	spec, err := LoadSpec(o.Spec, o.Env)
	if err != nil {
		return nil, err
	}
	em, err := startEmulator(spec.Region)
	if err != nil {
		return nil, err
	}
	// exited holds one error per handler, so no handler's goroutine blocks.
	s := &System{em: em, Endpoint: em.URL, exited: make(chan error, 2)}
	defer func() {
		if err != nil {
			_ = s.Stop()
		}
	}()
	if s.dir, err = os.MkdirTemp("", "localup-"); err != nil {
		return nil, fmt.Errorf("cannot make a directory for the handlers: %w", err)
	}

	// The handlers build while the stack is reconciled. A failed start
	// cancels the build and waits for it before removing its directory.
	type built struct {
		agent, api string
		err        error
	}
	builds := make(chan built, 1)
	buildCtx, cancelBuild := context.WithCancel(ctx)
	go func() {
		var b built
		b.agent, b.api, b.err = buildHandlers(buildCtx, o.Root, s.dir)
		builds <- b
	}()
	var b built
	received := false
	defer func() {
		cancelBuild()
		if !received {
			<-builds
		}
	}()

	if s.AWS, err = awsclient.Load(ctx, awsclient.Options{Region: spec.Region, Endpoint: em.URL}); err != nil {
		return nil, err
	}
	fmt.Fprintf(log, "Reconciling %s (environment %s) on kumo at %s...\n", o.Spec, spec.Environment, em.URL)
	d, err := deploy(ctx, s.AWS, spec, log)
	if err != nil {
		return nil, err
	}
	s.APIID = d.apiID
	s.Host = d.apiID + ".execute-api.localhost:" + strconv.Itoa(em.Port)
	s.URL = "http://" + s.Host + "/"
	s.parameterName = d.agentEnv["SSM_PARAMETER_NAME"]

	model := map[string]string{}
	key := o.OpenAIKey
	switch {
	case o.FakeModel:
		if s.fake, err = StartFakeModel(EchoReply); err != nil {
			return nil, err
		}
		model["OPENAI_BASE_URL"], key = s.fake.BaseURL, FakeModelKey
		s.Model = "the fake model at " + s.fake.BaseURL + " (--fake-model)"
	case o.OpenAIBaseURL != "":
		model["OPENAI_BASE_URL"] = o.OpenAIBaseURL
		s.Model = o.OpenAIBaseURL
	default:
		s.Model = "the OpenAI API"
	}
	if o.OpenAIModel != "" {
		model["OPENAI_MODEL"] = o.OpenAIModel
	}
	if key != "" {
		if err := s.SetOpenAIKey(ctx, key); err != nil {
			return nil, err
		}
	} else {
		s.Model += ", but no key is set: messages answer missing_key (set OPENAI_API_KEY, or use --fake-model)"
	}

	b, received = <-builds, true
	if b.err != nil {
		return nil, b.err
	}
	runtimeAPI := "127.0.0.1:" + strconv.Itoa(em.Port) + "/_runtime/"
	local := map[string]string{
		"AWS_ENDPOINT_URL":      em.URL,
		"AWS_ACCESS_KEY_ID":     "test",
		"AWS_SECRET_ACCESS_KEY": "test",
		"AWS_REGION":            spec.Region,
		"AWS_DEFAULT_REGION":    spec.Region,
		// kumo has no aliases (see environments.local in the spec): the
		// api invokes the agent's $LATEST.
		"AGENT_LAMBDA_QUALIFIER": "",
	}
	for _, f := range []struct {
		bin, name string
		env       map[string]string
		extra     map[string]string
	}{{b.agent, d.agentFunction, d.agentEnv, model}, {b.api, d.apiFunction, d.apiEnv, nil}} {
		vars := map[string]string{"AWS_LAMBDA_RUNTIME_API": runtimeAPI + f.name, "AWS_LAMBDA_FUNCTION_NAME": f.name}
		for k, v := range local {
			vars[k] = v
		}
		for k, v := range f.extra {
			vars[k] = v
		}
		h, err := startHandler(f.bin, f.name, handlerEnv(os.Environ(), f.env, vars), log)
		if err != nil {
			return nil, err
		}
		s.handlers = append(s.handlers, h)
		go func() {
			<-h.done
			s.exited <- h.exited()
		}()
	}

	waitCtx, cancel := context.WithTimeout(ctx, 30*time.Second)
	defer cancel()
	for _, h := range s.handlers {
		if err := s.waitPoll(waitCtx, h); err != nil {
			return nil, err
		}
	}
	if err := s.checkHealth(waitCtx); err != nil {
		return nil, err
	}
	return s, nil
}

// waitPoll returns once h has polled, or fails if it exits first.
func (s *System) waitPoll(ctx context.Context, h *handler) error {
	ready := make(chan error, 1)
	go func() { ready <- s.em.waitPoll(ctx, h.fn) }()
	select {
	case err := <-ready:
		return err
	case <-h.done:
		return h.exited()
	}
}

// checkHealth asks GET /api/health through API Gateway until it answers
// 200. The first call may come a moment before kumo has registered the
// api's first poll (it is seen at the front server), hence the retry.
func (s *System) checkHealth(ctx context.Context) error {
	client := &http.Client{Timeout: 5 * time.Second}
	tick := time.NewTicker(100 * time.Millisecond)
	defer tick.Stop()
	var last string
	for {
		req, err := http.NewRequestWithContext(ctx, http.MethodGet, s.Endpoint+"/api/health", nil)
		if err != nil {
			return err
		}
		req.Host = s.Host
		resp, err := client.Do(req)
		if err == nil {
			resp.Body.Close()
			if resp.StatusCode == http.StatusOK {
				return nil
			}
			last = resp.Status
		} else {
			last = err.Error()
		}
		select {
		case <-ctx.Done():
			return fmt.Errorf("GET %sapi/health never answered 200 (last: %s): %w", s.URL, last, ctx.Err())
		case err := <-s.exited:
			return err
		case <-tick.C:
		}
	}
}

// SetOpenAIKey stores key in the stack's key parameter, as an operator does
// in AWS; the agent reads it at its next message that finds no key cached.
// The description is passed again: kumo drops what an overwrite omits.
func (s *System) SetOpenAIKey(ctx context.Context, key string) error {
	client := ssm.NewFromConfig(s.AWS)
	desc, err := client.DescribeParameters(ctx, &ssm.DescribeParametersInput{
		ParameterFilters: []ssmtypes.ParameterStringFilter{{Key: aws.String("Name"), Option: aws.String("Equals"), Values: []string{s.parameterName}}},
	})
	if err != nil {
		return fmt.Errorf("cannot describe ssm parameter %q: %w", s.parameterName, err)
	}
	in := &ssm.PutParameterInput{
		Name:      aws.String(s.parameterName),
		Value:     aws.String(key),
		Type:      ssmtypes.ParameterTypeSecureString,
		Overwrite: aws.Bool(true),
	}
	for _, p := range desc.Parameters {
		if aws.ToString(p.Name) == s.parameterName {
			in.Description, in.KeyId, in.Tier = p.Description, p.KeyId, p.Tier
		}
	}
	if _, err := client.PutParameter(ctx, in); err != nil {
		return fmt.Errorf("cannot set the OpenAI key in ssm parameter %q: %w", s.parameterName, err)
	}
	return nil
}

// Exited receives an error if a handler stops while the system runs.
func (s *System) Exited() <-chan error { return s.exited }

// Stop ends the handlers, then the fake model and the emulator, and
// removes the built handlers. It is safe to call more than once.
func (s *System) Stop() error {
	s.stopOnce.Do(func() {
		var errs []error
		var wg sync.WaitGroup
		var mu sync.Mutex
		for _, h := range s.handlers {
			wg.Add(1)
			go func() {
				defer wg.Done()
				if err := h.stop(5 * time.Second); err != nil {
					mu.Lock()
					errs = append(errs, err)
					mu.Unlock()
				}
			}()
		}
		wg.Wait()
		if s.fake != nil {
			errs = append(errs, s.fake.Close())
		}
		errs = append(errs, s.em.close())
		if s.dir != "" {
			errs = append(errs, os.RemoveAll(s.dir))
		}
		s.stopErr = errors.Join(errs...)
	})
	return s.stopErr
}

// syncWriter serialises writes from the handlers and the engine.
type syncWriter struct {
	mu sync.Mutex
	w  io.Writer
}

func (w *syncWriter) Write(p []byte) (int, error) {
	w.mu.Lock()
	defer w.mu.Unlock()
	return w.w.Write(p)
}
