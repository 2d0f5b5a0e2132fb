// Command service serves sotp over HTTP.
//
//	go run ./examples/service [-addr 127.0.0.1:8080] [-timeout 10s] [-concurrent N] [-max-points N]
//
// Routes:
//
//	POST /v1/value   a model file (format sotp/model/v1, comparables inline) → the Result as JSON
//	POST /v1/run     a run file (format sotp/run/v1, its model inline) → the run's results as JSON
//	GET  /healthz    200 "ok"
//
// Bad input is 400 with {"error", "code", "path", ...} (fault.ToJSON): the JSON path of
// what is wrong. A body above modelfile.MaxBytes is 413; a request past its deadline
// (-timeout) is 504; when -concurrent requests are already running, 503 with
// Retry-After. A run may ask for at most -max-points points, whatever its limits say.
// Logs are JSON lines on standard error (log/slog). SIGTERM or SIGINT stops the server
// gracefully: it stops accepting, lets running requests finish (up to -timeout), exits 0.
package main

import (
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"os"
	"os/signal"
	"runtime"
	"strconv"
	"syscall"
	"time"

	"github.com/sotpkit/sotp/valuation/fault"
	"github.com/sotpkit/sotp/valuation/modelfile"
)

// Config is what a server allows.
type Config struct {
	Timeout    time.Duration // each request's deadline
	Concurrent int           // requests valued at once; more are refused with 503
	MaxPoints  int           // the most points one run may evaluate
	Workers    int           // goroutines per run; zero: one (requests run side by side)
}

// server handles sotp's routes under a Config.
type server struct {
	cfg  Config
	slot chan struct{} // one token per request being valued
	log  *slog.Logger
	mux  *http.ServeMux
}

func newServer(cfg Config, log *slog.Logger) *server {
	s := &server{cfg: cfg, slot: make(chan struct{}, max(cfg.Concurrent, 1)), log: log, mux: http.NewServeMux()}
	s.mux.HandleFunc("POST /v1/value", s.limited(s.value))
	s.mux.HandleFunc("POST /v1/run", s.limited(s.run))
	s.mux.HandleFunc("GET /healthz", func(w http.ResponseWriter, _ *http.Request) {
		w.Header().Set("Content-Type", "text/plain")
		_, _ = io.WriteString(w, "ok\n")
	})
	return s
}

// statusWriter records the status a handler wrote, for the log.
type statusWriter struct {
	http.ResponseWriter
	status int
}

func (w *statusWriter) WriteHeader(code int) {
	w.status = code
	w.ResponseWriter.WriteHeader(code)
}

// ServeHTTP logs each request and turns a panic into a 500, never a dropped connection.
func (s *server) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	start := time.Now()
	sw := &statusWriter{ResponseWriter: w, status: http.StatusOK}
	defer func() {
		if p := recover(); p != nil {
			s.log.Error("panic", "path", r.URL.Path, "panic", fmt.Sprint(p))
			writeError(sw, http.StatusInternalServerError, errors.New("internal error"))
		}
		s.log.Info("request", "method", r.Method, "path", r.URL.Path, "status", sw.status, "ms", time.Since(start).Milliseconds())
	}()
	s.mux.ServeHTTP(sw, r)
}

// limited runs h with a slot and the request's deadline, or answers 503 when every
// slot is taken.
func (s *server) limited(h func(ctx context.Context, body io.Reader) (any, error)) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		select {
		case s.slot <- struct{}{}:
			defer func() { <-s.slot }()
		default:
			w.Header().Set("Retry-After", "1")
			writeError(w, http.StatusServiceUnavailable, errors.New("server busy: every slot is taken, retry shortly"))
			return
		}
		ctx, cancel := context.WithTimeout(r.Context(), s.cfg.Timeout)
		defer cancel()
		body := http.MaxBytesReader(w, r.Body, modelfile.MaxBytes)
		out, err := h(ctx, body)
		if err != nil {
			writeError(w, status(ctx, err), err)
			return
		}
		w.Header().Set("Content-Type", "application/json")
		if err := json.NewEncoder(w).Encode(out); err != nil {
			s.log.Error("encode", "path", r.URL.Path, "error", err.Error())
		}
	}
}

// status is the HTTP status of an error: 413 for a body too large, 504 past the deadline,
// 400 for anything else the input caused.
func status(ctx context.Context, err error) int {
	var tooLarge *http.MaxBytesError
	switch {
	case errors.As(err, &tooLarge) || errors.Is(err, fault.ErrTooLarge):
		return http.StatusRequestEntityTooLarge
	case errors.Is(err, context.DeadlineExceeded) || errors.Is(ctx.Err(), context.DeadlineExceeded):
		return http.StatusGatewayTimeout
	case errors.Is(err, context.Canceled):
		return 499 // the client went away; nobody reads this
	}
	return http.StatusBadRequest
}

func writeError(w http.ResponseWriter, code int, err error) {
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(code)
	_ = json.NewEncoder(w).Encode(fault.ToJSON(err))
}

// value reads a model file and values it. Comparables must be inline: the service reads
// no file of its host.
func (s *server) value(_ context.Context, body io.Reader) (any, error) {
	m, err := modelfile.Read(body, nil)
	if err != nil {
		return nil, err
	}
	return m.Value()
}

// run reads a run file and runs it, within the server's limits.
func (s *server) run(ctx context.Context, body io.Reader) (any, error) {
	f, err := modelfile.DecodeRun(body)
	if err != nil {
		return nil, err
	}
	if f.Limits == nil {
		f.Limits = &modelfile.Limits{}
	}
	if f.Limits.MaxPoints == 0 || f.Limits.MaxPoints > s.cfg.MaxPoints {
		f.Limits.MaxPoints = s.cfg.MaxPoints
	}
	f.Limits.Workers = max(s.cfg.Workers, 1)
	return f.Run(ctx, nil)
}

func main() {
	addr := flag.String("addr", "127.0.0.1:8080", "address to listen on")
	timeout := flag.Duration("timeout", 10*time.Second, "each request's deadline")
	concurrent := flag.Int("concurrent", runtime.GOMAXPROCS(0), "requests valued at once")
	maxPoints := flag.Int("max-points", 1_000_000, "the most points one run may evaluate")
	flag.Parse()
	log := slog.New(slog.NewJSONHandler(os.Stderr, nil))
	if err := serve(*addr, Config{Timeout: *timeout, Concurrent: *concurrent, MaxPoints: *maxPoints}, log); err != nil {
		log.Error("serve", "error", err.Error())
		os.Exit(1)
	}
}

// serve listens on addr and serves until SIGTERM or SIGINT, then shuts down gracefully.
func serve(addr string, cfg Config, log *slog.Logger) error {
	ctx, stop := signal.NotifyContext(context.Background(), syscall.SIGTERM, os.Interrupt)
	defer stop()
	ln, err := net.Listen("tcp", addr)
	if err != nil {
		return err
	}
	srv := &http.Server{Handler: newServer(cfg, log), ReadHeaderTimeout: 5 * time.Second,
		ReadTimeout: cfg.Timeout, WriteTimeout: 2 * cfg.Timeout, IdleTimeout: time.Minute}
	log.Info("listening", "addr", ln.Addr().String(), "timeout", cfg.Timeout.String(), "concurrent", strconv.Itoa(cfg.Concurrent))
	errc := make(chan error, 1)
	go func() { errc <- srv.Serve(ln) }()
	select {
	case err := <-errc:
		return err
	case <-ctx.Done():
	}
	log.Info("shutting down")
	shut, cancel := context.WithTimeout(context.Background(), cfg.Timeout)
	defer cancel()
	if err := srv.Shutdown(shut); err != nil {
		return err
	}
	if err := <-errc; !errors.Is(err, http.ErrServerClosed) {
		return err
	}
	log.Info("stopped")
	return nil
}
