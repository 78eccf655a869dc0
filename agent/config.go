package main

import (
	"fmt"
	"time"
)

const (
	defaultModel = "gpt-4o-mini"
	// The function's timeout is 30 s; 25 s leaves room for the key read and
	// for answering before Lambda kills the invocation.
	defaultUpstreamTimeout = 25 * time.Second
)

// Config is the agent's configuration, read from the environment once.
type Config struct {
	ParameterName   string
	Model           string
	BaseURL         string
	UpstreamTimeout time.Duration
}

// configFromEnv reads the configuration. A malformed OPENAI_TIMEOUT is
// reported and the default used, so a typo degrades to the safe value
// instead of failing every invocation.
func configFromEnv(getenv func(string) string) (Config, error) {
	c := Config{
		ParameterName:   getenv("SSM_PARAMETER_NAME"),
		Model:           getenv("OPENAI_MODEL"),
		BaseURL:         getenv("OPENAI_BASE_URL"),
		UpstreamTimeout: defaultUpstreamTimeout,
	}
	if c.Model == "" {
		c.Model = defaultModel
	}
	if s := getenv("OPENAI_TIMEOUT"); s != "" {
		d, err := time.ParseDuration(s)
		if err != nil || d <= 0 {
			return c, fmt.Errorf("cannot use OPENAI_TIMEOUT %q, using %s: want a positive duration such as 25s", s, defaultUpstreamTimeout)
		}
		c.UpstreamTimeout = d
	}
	return c, nil
}
