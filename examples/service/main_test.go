package main

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"slices"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/sotpkit/sotp/valuation/kuaishou2021"
	"github.com/sotpkit/sotp/valuation/modelfile"
)

func quiet() *slog.Logger { return slog.New(slog.NewJSONHandler(io.Discard, nil)) }

func testConfig() Config {
	return Config{Timeout: 10 * time.Second, Concurrent: 4, MaxPoints: 100_000, Workers: 1}
}

// streamco is the made-up Streamco model file, which has its comparables inline.
func streamco(t testing.TB) string {
	t.Helper()
	b, err := os.ReadFile(filepath.Join("..", "..", "segments", "testdata", "streamco.json"))
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

// gridRun is a run file of Streamco with an n×n grid of its target.
func gridRun(t testing.TB, n int) string {
	return `{"format": "sotp/run/v1", "model": ` + streamco(t) + `, "grid": {"outputs": ["target"], "axes": [
		{"name": "forecast/2025/mau", "from": "150", "to": "250", "steps": ` + fmt.Sprint(n) + `},
		{"name": "forecast/2025/membership/subscriber_ratio", "from": "0.05", "to": "0.15", "steps": ` + fmt.Sprint(n) + `}]}}`
}

func post(t testing.TB, url, body string) (int, map[string]any, http.Header) {
	t.Helper()
	resp, err := http.Post(url, "application/json", strings.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	var out map[string]any
	b, err := io.ReadAll(resp.Body)
	if err != nil {
		t.Fatal(err)
	}
	_ = json.Unmarshal(b, &out)
	return resp.StatusCode, out, resp.Header
}

// TestRoutes sends each route a good request and each class of bad one to a real server
// on the loopback address.
func TestRoutes(t *testing.T) {
	srv := httptest.NewServer(newServer(testConfig(), quiet()))
	defer srv.Close()
	kuaishou := string(kuaishou2021.ModelFile())
	for _, c := range []struct {
		name, path, body string
		status           int
		check            func(map[string]any) bool
	}{
		{"value", "/v1/value", kuaishou, 200, func(m map[string]any) bool { return strings.HasPrefix(fmt.Sprint(m["target"]), "404.5589808") }},
		{"value of a made-up model", "/v1/value", streamco(t), 200, func(m map[string]any) bool { return m["target"] == "40" }},
		{"bad JSON", "/v1/value", `{"format": `, 400, func(m map[string]any) bool { return m["code"] == "syntax" }},
		{"bad value", "/v1/value", strings.Replace(kuaishou, `"paying_ratio": "0.118"`, `"paying_ratio": "1.18"`, 1), 400,
			func(m map[string]any) bool {
				return m["code"] == "rate" && m["path"] == `$.plan.segments[0].inputs["2021"].paying_ratio`
			}},
		{"comparables file", "/v1/value", strings.Replace(streamco(t), `"companies": [`, `"file": "peers.csv", "x": [`, 1), 400, nil},
		{"too large", "/v1/value", `{"format": "` + strings.Repeat("x", modelfile.MaxBytes+10) + `"}`, 413, nil},
		{"run", "/v1/run", gridRun(t, 3), 200, func(m map[string]any) bool {
			g, ok := m["grid"].(map[string]any)
			return ok && len(g["cells"].([]any)) == 9
		}},
		{"run naming a model file", "/v1/run", `{"format": "sotp/run/v1", "model_file": "m.json", "seek": {"assumption": "x", "output": "target", "target": "1", "low": "0", "high": "1"}}`, 400,
			func(m map[string]any) bool { return m["path"] == "$.model_file" }},
		{"run above the server's points", "/v1/run", gridRun(t, 400), 400, func(m map[string]any) bool { return m["code"] == "too_many_points" }},
	} {
		status, out, _ := post(t, srv.URL+c.path, c.body)
		if status != c.status || (c.check != nil && !c.check(out)) {
			t.Errorf("%s: %d %v, want %d", c.name, status, out, c.status)
		}
	}
	for _, c := range []struct {
		method, path string
		status       int
	}{{"GET", "/healthz", 200}, {"GET", "/v1/value", 405}, {"POST", "/v2/value", 404}} {
		req, _ := http.NewRequest(c.method, srv.URL+c.path, nil)
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		if resp.StatusCode != c.status {
			t.Errorf("%s %s: %d, want %d", c.method, c.path, resp.StatusCode, c.status)
		}
	}
}

// TestDeadline: a run past the request's deadline is 504, and its work stops.
func TestDeadline(t *testing.T) {
	cfg := testConfig()
	cfg.Timeout, cfg.MaxPoints = 50*time.Millisecond, 10_000_000
	srv := httptest.NewServer(newServer(cfg, quiet()))
	defer srv.Close()
	start := time.Now()
	status, out, _ := post(t, srv.URL+"/v1/run", gridRun(t, 2000))
	if status != http.StatusGatewayTimeout {
		t.Errorf("status %d %v, want 504", status, out)
	}
	if d := time.Since(start); d > 5*time.Second {
		t.Errorf("the run took %v to stop after its 50 ms deadline", d)
	}
}

// TestBusy: with every slot taken, a request is refused with 503 and Retry-After.
func TestBusy(t *testing.T) {
	s := newServer(testConfig(), quiet())
	srv := httptest.NewServer(s)
	defer srv.Close()
	for range cap(s.slot) {
		s.slot <- struct{}{}
	}
	status, _, h := post(t, srv.URL+"/v1/value", streamco(t))
	if status != http.StatusServiceUnavailable || h.Get("Retry-After") == "" {
		t.Errorf("status %d, Retry-After %q; want 503 with Retry-After", status, h.Get("Retry-After"))
	}
	for range cap(s.slot) {
		<-s.slot
	}
	if status, _, _ := post(t, srv.URL+"/v1/value", streamco(t)); status != 200 {
		t.Errorf("after the slots free: %d", status)
	}
}

// TestLoad sends 2,000 mixed requests (good and bad values, small runs) from 32
// goroutines to a server of 4 slots on the loopback address: every answer is the one its
// request calls for or a 503, never another 5xx; afterwards the goroutines are back to
// their baseline and the heap is bounded.
func TestLoad(t *testing.T) {
	if testing.Short() {
		t.Skip("the load test sends 2,000 requests; -short skips it")
	}
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	baseline := runtime.NumGoroutine()
	srv := httptest.NewServer(newServer(testConfig(), quiet()))
	good, bad, run := streamco(t), `{"format": "sotp/model/v1"}`, gridRun(t, 5)
	client := &http.Client{Timeout: 30 * time.Second}
	var mu sync.Mutex
	counts := map[int]int{}
	var wg sync.WaitGroup
	jobs := make(chan int)
	for range 32 {
		wg.Go(func() {
			for i := range jobs {
				path, body, want := "/v1/value", good, 200
				switch i % 4 {
				case 1:
					body, want = bad, 400
				case 2:
					path, body = "/v1/run", run
				}
				req, _ := http.NewRequestWithContext(ctx, "POST", srv.URL+path, strings.NewReader(body))
				resp, err := client.Do(req)
				if err != nil {
					t.Error(err)
					continue
				}
				_, _ = io.Copy(io.Discard, resp.Body)
				resp.Body.Close()
				mu.Lock()
				counts[resp.StatusCode]++
				mu.Unlock()
				if resp.StatusCode != want && resp.StatusCode != http.StatusServiceUnavailable {
					t.Errorf("request %d to %s: %d, want %d or 503", i, path, resp.StatusCode, want)
				}
			}
		})
	}
	for i := range 2000 {
		jobs <- i
	}
	close(jobs)
	wg.Wait()
	srv.Close()
	client.CloseIdleConnections()
	t.Logf("answers by status: %v", counts)
	if counts[200]+counts[400]+counts[503] != 2000 {
		t.Errorf("answers %v: not 2,000 of 200, 400 and 503", counts)
	}
	deadline := time.Now().Add(5 * time.Second)
	for runtime.NumGoroutine() > baseline+2 && time.Now().Before(deadline) {
		time.Sleep(20 * time.Millisecond)
	}
	if n := runtime.NumGoroutine(); n > baseline+2 {
		t.Errorf("%d goroutines after the load, %d before", n, baseline)
	}
	runtime.GC()
	var ms runtime.MemStats
	runtime.ReadMemStats(&ms)
	if ms.HeapAlloc > 256<<20 {
		t.Errorf("heap %d MiB after the load", ms.HeapAlloc>>20)
	}
}

// TestGracefulShutdown builds the service, starts it on a free loopback port, values a
// model through it, sends SIGTERM and finds it exits 0, having logged that it stopped.
func TestGracefulShutdown(t *testing.T) {
	bin := filepath.Join(t.TempDir(), "service")
	if out, err := exec.Command("go", "build", "-o", bin, ".").CombinedOutput(); err != nil {
		t.Fatalf("go build: %v\n%s", err, out)
	}
	cmd := exec.Command(bin, "-addr", "127.0.0.1:0")
	stderr, err := cmd.StderrPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	defer func() { _ = cmd.Process.Kill() }()
	lines := bufio.NewScanner(stderr)
	var addr string
	var logged []string
	for lines.Scan() {
		logged = append(logged, lines.Text())
		var l struct{ Msg, Addr string }
		if json.Unmarshal(lines.Bytes(), &l) == nil && l.Msg == "listening" {
			addr = l.Addr
			break
		}
	}
	if addr == "" {
		t.Fatalf("no listening line in %q", logged)
	}
	if status, out, _ := post(t, "http://"+addr+"/v1/value", streamco(t)); status != 200 {
		t.Fatalf("value: %d %v", status, out)
	}
	if err := cmd.Process.Signal(syscall.SIGTERM); err != nil {
		t.Fatal(err)
	}
	var rest bytes.Buffer
	_, _ = io.Copy(&rest, stderr)
	if err := cmd.Wait(); err != nil {
		t.Fatalf("exit: %v\n%s", err, rest.String())
	}
	if !slices.ContainsFunc(strings.Split(rest.String(), "\n"), func(l string) bool { return strings.Contains(l, `"msg":"stopped"`) }) {
		t.Errorf("no stopped line in %s", rest.String())
	}
}

// BenchmarkService sends requests from parallel clients (GOMAXPROCS × 4 goroutines) to a
// real server on the loopback address: POST /v1/value of the Streamco model, and
// POST /v1/run of a 21×21 grid of its target. It reports requests per second and the
// median and 99th-percentile latency.
func BenchmarkService(b *testing.B) {
	for _, c := range []struct{ name, path, body string }{
		{"value", "/v1/value", streamco(b)},
		{"grid21", "/v1/run", gridRun(b, 21)},
	} {
		b.Run(c.name, func(b *testing.B) {
			cfg := testConfig()
			cfg.Concurrent = 64 // measure service time, not refusals
			srv := httptest.NewServer(newServer(cfg, quiet()))
			defer srv.Close()
			var mu sync.Mutex
			var lat []time.Duration
			b.SetParallelism(4)
			b.ResetTimer()
			b.RunParallel(func(pb *testing.PB) {
				var mine []time.Duration
				for pb.Next() {
					start := time.Now()
					resp, err := http.Post(srv.URL+c.path, "application/json", strings.NewReader(c.body))
					if err != nil {
						b.Error(err)
						return
					}
					_, _ = io.Copy(io.Discard, resp.Body)
					resp.Body.Close()
					if resp.StatusCode != 200 {
						b.Errorf("status %d", resp.StatusCode)
						return
					}
					mine = append(mine, time.Since(start))
				}
				mu.Lock()
				lat = append(lat, mine...)
				mu.Unlock()
			})
			b.StopTimer()
			if len(lat) == 0 {
				return
			}
			slices.Sort(lat)
			b.ReportMetric(float64(len(lat))/b.Elapsed().Seconds(), "req/s")
			b.ReportMetric(float64(lat[len(lat)/2].Microseconds()), "p50-µs")
			b.ReportMetric(float64(lat[len(lat)*99/100].Microseconds()), "p99-µs")
		})
	}
}
