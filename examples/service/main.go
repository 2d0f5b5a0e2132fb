// Command service serves sotp over HTTP.
//
//	go run ./examples/service [-addr 127.0.0.1:8080] [-timeout 10s] [-concurrent N] [-queue N] [-max-points N]
//	    [-cache-models N] [-cache-bytes N] [-gc-percent N]
//
// Its routes (described in OpenAPI 3.1 at GET /openapi.json, the file openapi.json
// beside this one: the model and run routes, the what-if page and its routes) and how a
// request is bounded, answered and logged are said on main.
package main

import (
	"bytes"
	"context"
	_ "embed"
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"mime"
	"net"
	"net/http"
	"os"
	"os/signal"
	"runtime"
	"runtime/debug"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"time"

	"github.com/sotpkit/sotp/valuation/fault"
	"github.com/sotpkit/sotp/valuation/kuaishou2021"
	"github.com/sotpkit/sotp/valuation/modelfile"
	"github.com/sotpkit/sotp/valuation/run"
)

// openAPI is the service's OpenAPI 3.1 description, served at /openapi.json. The test
// holds it to what the code serves (TestOpenAPIUpToDate; -update rewrites it).
//
//go:embed openapi.json
var openAPI []byte

// Config is what a server allows.
type Config struct {
	Timeout    time.Duration // each request's deadline, from its arrival to its answer
	Concurrent int           // requests valued at once
	Queue      int           // requests that may wait for a slot; one more is refused with 503
	MaxPoints  int           // the most points one run may evaluate in all
	Workers    int           // goroutines per run; zero: one (requests run side by side)
	// CacheModels and CacheBytes bound the prepared models the what-if routes keep: at
	// most so many, and so many bytes of their model files in all (zero: 64 and 64 MiB).
	CacheModels int
	CacheBytes  int64
}

// Defaults, chosen on the 2-core machine by loading the built binary from a Go load
// generator on the same machine (1,000 requests of the Kuaishou model file from 8 clients,
// three rounds a setting): -concurrent 1, 2, 4 and 8 gave 1,378-1,612, 1,574-1,994,
// 1,769-1,867 and 1,657-1,905 requests/s, so one request a core (GOMAXPROCS) stays; the
// queue of 64 holds far more clients than the cores can serve in a deadline, so ordinary
// load is queued, not refused.
const (
	defaultQueue = 64
	// defaultGCPercent is the garbage collector's target the service runs with. A request
	// allocates about 270 KB and keeps none of it, so the live heap is small and the
	// collector, at Go's default of 100, runs every dozen requests, a fifth of the CPU
	// (profile of BenchmarkValueRequest); at 400 it runs a quarter as often, and the
	// load above served 2,213-2,731 requests/s against 1,706-1,891 at 100 (about 1.37
	// times, midpoint to midpoint), measured side by side when this default was chosen;
	// the README has the current median. The process is the service's to tune: the
	// library sets nothing.
	defaultGCPercent = 400
	// writeGrace is how long after its deadline a request's answer may still be written:
	// the 504 itself must get out.
	writeGrace = 2 * time.Second
)

// server handles sotp's routes under a Config.
type server struct {
	cfg    Config
	models *modelCache
	slots  chan struct{} // one token per request being valued
	queue  chan struct{} // one token per request admitted: valued or waiting for a slot
	log    *slog.Logger
	mux    *http.ServeMux
}

func newServer(cfg Config, log *slog.Logger) *server {
	cfg.Concurrent = max(cfg.Concurrent, 1)
	cfg.Queue = max(cfg.Queue, 0)
	if cfg.CacheModels == 0 {
		cfg.CacheModels = 64
	}
	if cfg.CacheBytes == 0 {
		cfg.CacheBytes = 64 << 20
	}
	s := &server{cfg: cfg, slots: make(chan struct{}, cfg.Concurrent), queue: make(chan struct{}, cfg.Concurrent+cfg.Queue),
		log: log, mux: http.NewServeMux(), models: newModelCache(cfg.CacheModels, cfg.CacheBytes)}
	s.mux.HandleFunc("POST /v1/value", s.handle(s.value))
	s.mux.HandleFunc("POST /v1/run", s.handle(s.run))
	s.mux.HandleFunc("POST /v1/eval", s.handle(s.eval))
	s.mux.HandleFunc("POST /v1/chart", s.handle(s.chartAround))
	s.mux.HandleFunc("POST /v1/download", s.handle(s.download))
	s.mux.HandleFunc("POST /v1/workbook", s.handle(s.book))
	s.mux.HandleFunc("GET /{$}", page)
	s.mux.HandleFunc("GET /v1/models/kuaishou2021", func(w http.ResponseWriter, _ *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		_, _ = w.Write(kuaishou2021.ModelFile())
	})
	s.mux.HandleFunc("GET /healthz", func(w http.ResponseWriter, _ *http.Request) {
		w.Header().Set("Content-Type", "text/plain; charset=utf-8")
		_, _ = io.WriteString(w, "ok\n")
	})
	s.mux.HandleFunc("GET /openapi.json", func(w http.ResponseWriter, _ *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		_, _ = w.Write(openAPI)
	})
	for path, allow := range map[string]string{"/v1/value": "POST", "/v1/run": "POST", "/v1/eval": "POST", "/v1/chart": "POST",
		"/v1/download": "POST", "/v1/workbook": "POST", "/healthz": "GET, HEAD", "/openapi.json": "GET, HEAD",
		"/v1/models/kuaishou2021": "GET, HEAD"} {
		s.mux.HandleFunc(path, func(w http.ResponseWriter, r *http.Request) {
			w.Header().Set("Allow", allow)
			writeProblem(w, problem(http.StatusMethodNotAllowed, codeMethod, r.Method+" "+path+": the route takes "+allow))
		})
	}
	s.mux.HandleFunc("/", func(w http.ResponseWriter, r *http.Request) {
		writeProblem(w, problem(http.StatusNotFound, codeNotFound, "no route "+strconv.Quote(r.URL.Path)))
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

// Unwrap gives http.ResponseController the connection's writer, for its deadlines.
func (w *statusWriter) Unwrap() http.ResponseWriter { return w.ResponseWriter }

// ServeHTTP logs each request and turns a panic into a 500, never a dropped connection.
func (s *server) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	start := time.Now()
	sw := &statusWriter{ResponseWriter: w, status: http.StatusOK}
	defer func() {
		if p := recover(); p != nil {
			s.log.Error("panic", "path", r.URL.Path, "panic", fmt.Sprint(p))
			writeProblem(sw, problem(http.StatusInternalServerError, codeInternal, "internal error"))
		}
		s.log.Info("request", "method", r.Method, "path", r.URL.Path, "status", sw.status, "ms", time.Since(start).Milliseconds())
	}()
	s.mux.ServeHTTP(sw, r)
}

// route values one request's body under its context.
type route func(ctx context.Context, body []byte) (marshaler, error)

// marshaler is what a route answers: a value that encodes itself in sotp's JSON
// contract, without encoding/json's second pass over the bytes.
type marshaler interface{ MarshalJSON() ([]byte, error) }

// answer is a route's outcome: its encoded body, or its error and whether that error is
// the encoder's or a panic's (a 500 encode or internal, not the client's fault).
type answer struct {
	body        []byte
	contentType string
	err         error
	encoder     bool
	internal    bool
}

// handle reads the body, admits the request and runs h on it, answering at the
// request's deadline at the latest.
func (s *server) handle(h route) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		ctx, cancel := context.WithTimeout(r.Context(), s.cfg.Timeout)
		defer cancel()
		deadline, _ := ctx.Deadline()
		rc := http.NewResponseController(w)
		_ = rc.SetReadDeadline(deadline)
		_ = rc.SetWriteDeadline(deadline.Add(writeGrace))
		if p, ok := jsonBody(r.Header.Get("Content-Type")); !ok {
			writeProblem(w, p)
			return
		}
		body, err := readBody(w, r)
		if err != nil {
			writeProblem(w, readProblem(err))
			return
		}
		// The body is in: no read may now cancel the request's context (net/http reads the
		// connection in the background), so that the deadline, not a read timeout at the
		// same instant, decides a 504.
		_ = rc.SetReadDeadline(time.Time{})
		release, p := s.admit(ctx)
		if p != nil {
			writeProblem(w, *p)
			return
		}
		// The route runs here; at the deadline (or when the client goes) a callback
		// answers 504 at once, whatever the route is doing. Whichever answers first
		// answers alone: mu orders them, and the handler does not return while the
		// callback writes. The route, which honours ctx, then stops and frees its slot.
		var mu sync.Mutex
		answered := false
		stop := context.AfterFunc(ctx, func() {
			mu.Lock()
			defer mu.Unlock()
			if !answered {
				answered = true
				writeProblem(w, errorProblem(status(ctx, ctx.Err()), "", ctx.Err()))
				_ = rc.Flush() // out now: the handler returns only when the route stops
			}
		})
		a := s.serve(ctx, h, body)
		release()
		stop()
		mu.Lock()
		defer mu.Unlock()
		if answered {
			return
		}
		answered = true
		switch {
		case a.err == nil:
			w.Header().Set("Content-Type", a.contentType)
			w.Header().Set("Content-Length", strconv.Itoa(len(a.body)))
			_, _ = w.Write(a.body)
		case a.internal:
			writeProblem(w, problem(http.StatusInternalServerError, codeInternal, "internal error"))
		case a.encoder:
			s.log.Error("encode", "path", r.URL.Path, "error", a.err.Error())
			writeProblem(w, errorProblem(http.StatusInternalServerError, codeEncode, a.err))
		case errors.Is(a.err, errUnknownModel):
			writeProblem(w, errorProblem(http.StatusNotFound, codeUnknownModel, a.err))
		default:
			writeProblem(w, errorProblem(status(ctx, a.err), "", a.err))
		}
	}
}

// serve runs h and encodes its result whole, turning a panic into an error.
func (s *server) serve(ctx context.Context, h route, body []byte) (a answer) {
	defer func() {
		if p := recover(); p != nil {
			s.log.Error("panic", "panic", fmt.Sprint(p))
			a = answer{err: fmt.Errorf("internal error: %v", p), internal: true}
		}
	}()
	out, err := h(ctx, body)
	if err != nil {
		return answer{err: err}
	}
	b, err := out.MarshalJSON()
	if err != nil {
		return answer{err: err, encoder: true}
	}
	if t, ok := out.(interface{ ContentType() string }); ok {
		return answer{body: b, contentType: t.ContentType()}
	}
	return answer{body: append(b, '\n'), contentType: "application/json"}
}

// admit waits for a slot until ctx is done, and returns its release; a request that
// finds the queue full is refused at once with 503 and Retry-After, one whose deadline
// passes in the queue is 504.
func (s *server) admit(ctx context.Context) (func(), *problemJSON) {
	select {
	case s.queue <- struct{}{}:
	default:
		p := problem(http.StatusServiceUnavailable, codeBusy, fmt.Sprintf("server busy: %d requests running and %d waiting, retry shortly", cap(s.slots), cap(s.queue)-cap(s.slots)))
		p.retryAfter = "1"
		return nil, &p
	}
	select {
	case s.slots <- struct{}{}:
		return func() { <-s.slots; <-s.queue }, nil
	case <-ctx.Done():
		<-s.queue
		p := errorProblem(status(ctx, ctx.Err()), "", fmt.Errorf("waiting for a slot: %w", ctx.Err()))
		return nil, &p
	}
}

// status is the HTTP status of a route's error: 413 for a body too large, 504 past the
// deadline, 499 when the client went away, 400 for anything else the input caused.
func status(ctx context.Context, err error) int {
	switch {
	case errors.Is(err, fault.ErrTooLarge):
		return http.StatusRequestEntityTooLarge
	case errors.Is(err, context.DeadlineExceeded) || errors.Is(ctx.Err(), context.DeadlineExceeded):
		return http.StatusGatewayTimeout
	case errors.Is(err, context.Canceled):
		return 499 // the client went away; nobody reads this
	}
	return http.StatusBadRequest
}

// jsonBody accepts a request body declared as JSON (application/json, or a structured
// syntax application/*+json) or declared as nothing, and otherwise gives the 415.
func jsonBody(contentType string) (problemJSON, bool) {
	if contentType == "" {
		return problemJSON{}, true
	}
	mt, _, err := mime.ParseMediaType(contentType)
	if err == nil && (mt == "application/json" || strings.HasPrefix(mt, "application/") && strings.HasSuffix(mt, "+json")) {
		return problemJSON{}, true
	}
	return problem(http.StatusUnsupportedMediaType, codeMediaType, "Content-Type "+strconv.Quote(contentType)+": the body must be JSON (application/json)"), false
}

// readBody reads the request's body whole, at most modelfile.MaxBytes, into one buffer
// sized from its Content-Length up to 64 KiB: a client that declares a megabyte and sends
// nothing holds no more than that, and a model file needs no regrowth.
func readBody(w http.ResponseWriter, r *http.Request) ([]byte, error) {
	var b bytes.Buffer
	if n := r.ContentLength; n > 0 {
		b.Grow(int(min(n, 64<<10) + bytes.MinRead))
	}
	_, err := b.ReadFrom(http.MaxBytesReader(w, r.Body, modelfile.MaxBytes))
	return b.Bytes(), err
}

// readProblem is the answer to a body that could not be read: too large, too slow, or
// cut short.
func readProblem(err error) problemJSON {
	var tooLarge *http.MaxBytesError
	switch {
	case errors.As(err, &tooLarge):
		return problem(http.StatusRequestEntityTooLarge, fault.Code(fault.ErrTooLarge), fmt.Sprintf("the body is above %d bytes", tooLarge.Limit))
	case errors.Is(err, os.ErrDeadlineExceeded):
		return problem(http.StatusRequestTimeout, codeReadTimeout, "the body did not arrive before the request's deadline")
	}
	return problem(http.StatusBadRequest, fault.Code(fault.ErrSyntax), "reading the body: "+err.Error())
}

// value reads a model file and values it, once. Comparables must be inline: the service
// reads no file of its host.
func (s *server) value(_ context.Context, body []byte) (marshaler, error) {
	return modelfile.Value(bytes.NewReader(body), nil)
}

// run reads a run file and runs it, within the server's limits.
func (s *server) run(ctx context.Context, body []byte) (marshaler, error) {
	f, err := run.Decode(bytes.NewReader(body))
	if err != nil {
		return nil, err
	}
	if f.Limits.MaxPoints == 0 || f.Limits.MaxPoints > s.cfg.MaxPoints {
		f.Limits.MaxPoints = s.cfg.MaxPoints
	}
	f.Limits.Workers = max(s.cfg.Workers, 1)
	return f.Run(ctx, nil)
}

// main serves the routes (described in OpenAPI 3.1 at GET /openapi.json, the file
// openapi.json beside this one):
//
//	POST /v1/value     a model file (format sotp/model/v1, comparables inline) → its Result
//	POST /v1/run       a run file (format sotp/run/v1, its model inline) → its run.Report
//	GET  /             the what-if page (page.html, embedded)
//	POST /v1/eval      a model (inline, or its hash) and assumptions set by key → its Result there
//	POST /v1/chart     the same and a chart → the tornado, heatmap or waterfall around the point (SVG)
//	POST /v1/download  the same → the model file with the assumptions set
//	POST /v1/workbook  the same → its workbook (xlsx)
//	GET  /v1/models/kuaishou2021  the report's model file, which the page opens on
//	GET  /healthz      200 "ok"
//	GET  /openapi.json the service's OpenAPI description
//
// A request goes through three stages, each bounded. Its body is read whole first, at
// most modelfile.MaxBytes (else 413) before the request's deadline (else 408), as JSON
// (a Content-Type other than application/json or application/*+json is 415): a slow
// client holds its own connection, never a slot. Then it is admitted: -concurrent
// requests are valued at once and up to -queue more wait for a slot, in order of
// arrival, until their deadline; only when the queue is full is a request refused with
// 503 and Retry-After. Then it is valued under its deadline (-timeout, from the request's
// arrival): past it, the answer is 504 at once, whatever the valuation is doing; a run,
// which honours the deadline too, then stops and frees its slot and memory (a model's
// valuation, a fraction of a millisecond, runs to its end). A run may ask for at most
// -max-points points in all, whatever its limits say. The what-if routes keep each model
// they read prepared, by the SHA-256 of its bytes (the answer's model_hash), at most
// -cache-models of them and -cache-bytes of their files, the least recently used going
// first; a request that names a hash no longer kept is 404 unknown_model, and the page
// sends the model again.
//
// The answer is encoded whole before anything is written: a 200 always carries its body,
// and a result that cannot be encoded is a 500. Every error is an RFC 9457 problem
// (application/problem+json: type, title, status, detail) with sotp's "code" and, where
// it applies, the "path" of the value at fault and the other members of fault.JSON.
// Logs are JSON lines on standard error (log/slog). SIGTERM or SIGINT stops the server
// gracefully: it stops accepting, lets running requests finish (up to -timeout), exits 0.
func main() {
	concurrent := runtime.GOMAXPROCS(0)
	addr := flag.String("addr", "127.0.0.1:8080", "address to listen on")
	timeout := flag.Duration("timeout", 10*time.Second, "each request's deadline, from its arrival to its answer (504 past it)")
	flag.IntVar(&concurrent, "concurrent", concurrent, "requests valued at once (default GOMAXPROCS, one a core)")
	queue := flag.Int("queue", defaultQueue, "requests that may wait for a slot; one more is refused with 503")
	maxPoints := flag.Int("max-points", 1_000_000, "the most points one run may evaluate in all")
	cacheModels := flag.Int("cache-models", 64, "prepared models the what-if routes keep")
	cacheBytes := flag.Int64("cache-bytes", 64<<20, "bytes of model files the what-if routes keep prepared, in all")
	gcPercent := flag.Int("gc-percent", defaultGCPercent, "the garbage collector's target (debug.SetGCPercent); GOGC in the environment overrides it")
	flag.Parse()
	if *timeout <= 0 || *maxPoints <= 0 || concurrent <= 0 || *queue < 0 || *cacheModels <= 0 || *cacheBytes <= 0 {
		fmt.Fprintln(os.Stderr, "service: -timeout, -max-points, -concurrent and the -cache flags must be positive, -queue not negative")
		os.Exit(2)
	}
	if _, set := os.LookupEnv("GOGC"); !set {
		debug.SetGCPercent(*gcPercent)
	}
	log := slog.New(slog.NewJSONHandler(os.Stderr, nil))
	cfg := Config{Timeout: *timeout, Concurrent: concurrent, Queue: *queue, MaxPoints: *maxPoints,
		CacheModels: *cacheModels, CacheBytes: *cacheBytes}
	if err := serve(*addr, cfg, log); err != nil {
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
	// The server's read and write timeouts are backstops for routes that set no deadline
	// of their own; the valuing routes set theirs from the request's deadline.
	srv := &http.Server{Handler: newServer(cfg, log), ReadHeaderTimeout: 5 * time.Second,
		ReadTimeout: cfg.Timeout, WriteTimeout: cfg.Timeout + writeGrace, IdleTimeout: time.Minute}
	log.Info("listening", "addr", ln.Addr().String(), "timeout", cfg.Timeout.String(),
		"concurrent", strconv.Itoa(cfg.Concurrent), "queue", strconv.Itoa(cfg.Queue))
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
