package main

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"net/http"
	"os"
	"os/signal"
	"syscall"
	"time"

	"github.com/aws/aws-lambda-go/lambda"
	"github.com/aws/aws-sdk-go-v2/config"
	lambdasvc "github.com/aws/aws-sdk-go-v2/service/lambda"
	"github.com/awslabs/aws-lambda-go-api-proxy/httpadapter"
)

// version is set at build time: -ldflags "-X main.version=TAG".
var version = "dev"

// invokeTimeout ends a wait for the agent before API Gateway's 30 s
// integration limit, so the client gets our 502 rather than a bare 503.
const invokeTimeout = 28 * time.Second

func main() {
	log := slog.New(slog.NewJSONHandler(os.Stdout, nil))
	if err := run(log); err != nil {
		log.Error("api stopped", "error", err.Error())
		os.Exit(1)
	}
}

func run(log *slog.Logger) error {
	function := os.Getenv("AGENT_LAMBDA_FUNCTION_NAME")
	if function == "" {
		return errors.New("AGENT_LAMBDA_FUNCTION_NAME is not set")
	}
	qualifier := "live"
	if q, ok := os.LookupEnv("AGENT_LAMBDA_QUALIFIER"); ok {
		qualifier = q
	}
	ctx := context.Background()
	awsCfg, err := config.LoadDefaultConfig(ctx)
	if err != nil {
		return fmt.Errorf("cannot load AWS configuration: %w", err)
	}
	client := lambdasvc.NewFromConfig(awsCfg, func(o *lambdasvc.Options) {
		// Invoke is not idempotent: a retry runs the agent (and pays the
		// model) again. One retry absorbs a throttle during a burst.
		o.RetryMaxAttempts = 2
	})
	srv := &Server{
		Agent:   Agent{Invoker: client, Function: function, Qualifier: qualifier, Timeout: invokeTimeout},
		Version: version,
		Log:     log,
	}

	if os.Getenv("AWS_LAMBDA_RUNTIME_API") != "" {
		lambda.Start(httpadapter.NewV2(srv).ProxyWithContext)
		return nil
	}
	port := os.Getenv("PORT")
	if port == "" {
		port = "8080"
	}
	return serve(srv, net.JoinHostPort("", port), log)
}

// serve runs the plain HTTP server until SIGINT or SIGTERM.
func serve(h http.Handler, addr string, log *slog.Logger) error {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	hs := &http.Server{
		Addr:              addr,
		Handler:           h,
		ReadHeaderTimeout: 5 * time.Second,
		ReadTimeout:       10 * time.Second,
		WriteTimeout:      invokeTimeout + 5*time.Second,
		IdleTimeout:       60 * time.Second,
	}
	errc := make(chan error, 1)
	go func() { errc <- hs.ListenAndServe() }()
	log.Info("serving HTTP", "addr", addr, "version", version)
	select {
	case err := <-errc:
		return fmt.Errorf("cannot serve HTTP on %s: %w", addr, err)
	case <-ctx.Done():
	}
	shutdown, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	if err := hs.Shutdown(shutdown); err != nil {
		return fmt.Errorf("cannot shut the HTTP server down: %w", err)
	}
	return nil
}
