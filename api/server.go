package main

import (
	"log/slog"
	"net/http"
	"strings"
	"time"
)

// Server is the api's http.Handler.
type Server struct {
	Agent   Agent
	Version string
	Log     *slog.Logger
}

// route is the handler of one path and the methods it accepts.
type route struct {
	methods []string
	serve   func(s *Server, w http.ResponseWriter, r *http.Request, log *slog.Logger)
}

// routes are matched exactly: the API is two paths, and a table says more
// than a mux whose default answers are plain text.
var routes = map[string]route{
	"/api/health":   {methods: []string{http.MethodGet, http.MethodHead}, serve: (*Server).health},
	"/api/messages": {methods: []string{http.MethodPost}, serve: (*Server).messages},
}

func (s *Server) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	start := time.Now()
	id := requestID(r)
	log := s.Log.With("request_id", id)
	w.Header().Set("X-Request-Id", id)
	rec := &statusRecorder{ResponseWriter: w, status: http.StatusOK}

	rt, ok := routes[r.URL.Path]
	switch {
	case !ok:
		writeError(rec, http.StatusNotFound, apiError{Type: errNotFound, Message: "no such path: " + r.URL.Path})
	case !contains(rt.methods, r.Method):
		rec.Header().Set("Allow", strings.Join(rt.methods, ", "))
		writeError(rec, http.StatusMethodNotAllowed, apiError{Type: errMethodNotAllowed,
			Message: r.Method + " is not allowed on " + r.URL.Path + "; use " + strings.Join(rt.methods, " or ")})
	default:
		rt.serve(s, rec, r, log)
	}
	log.LogAttrs(r.Context(), slog.LevelInfo, "request",
		slog.String("method", r.Method),
		slog.String("path", r.URL.Path),
		slog.Int("status", rec.status),
		slog.Int64("duration_ms", time.Since(start).Milliseconds()))
}

func (s *Server) health(w http.ResponseWriter, _ *http.Request, _ *slog.Logger) {
	writeJSON(w, http.StatusOK, map[string]string{"status": "ok", "service": "api", "version": s.Version})
}

type statusRecorder struct {
	http.ResponseWriter
	status int
}

func (r *statusRecorder) WriteHeader(code int) {
	r.status = code
	r.ResponseWriter.WriteHeader(code)
}

func contains(list []string, s string) bool {
	for _, v := range list {
		if v == s {
			return true
		}
	}
	return false
}
