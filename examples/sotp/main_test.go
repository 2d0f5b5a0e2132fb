package main

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"flag"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/sotpkit/sotp/valuation/fault"
)

var update = flag.Bool("update", false, "rewrite the golden outputs in testdata")

// TestCommand builds the command and runs it on the shipped model files: each output is
// its golden file in testdata byte for byte (go test -update rewrites them), and each
// exit status is as documented: 0, 1 for bad input, 2 for usage.
func TestCommand(t *testing.T) {
	bin := filepath.Join(t.TempDir(), "sotp")
	if out, err := exec.Command("go", "build", "-o", bin, ".").CombinedOutput(); err != nil {
		t.Fatalf("go build: %v\n%s", err, out)
	}
	kuaishou := filepath.Join("..", "..", "valuation", "kuaishou2021", "kuaishou2021.json")
	streamco := filepath.Join("..", "..", "segments", "testdata", "streamco.json")
	market := filepath.Join("..", "..", "valuation", "kuaishou2021", "testdata", "market.csv")
	bad := filepath.Join(t.TempDir(), "bad.json")
	good, err := os.ReadFile(kuaishou)
	if err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(bad, bytes.Replace(good, []byte(`"paying_ratio": "0.118"`), []byte(`"paying_ratio": "1.18"`), 1), 0o644); err != nil {
		t.Fatal(err)
	}
	for _, c := range []struct {
		golden string
		args   []string
		status int
	}{
		{"value.txt", []string{"value", kuaishou}, 0},
		{"value.csv", []string{"value", "-format", "csv", streamco}, 0},
		// The report's model as of dates of a market file (valuation/kuaishou2021's
		// TestAsOf works the figures by hand): 2021-02-23 is before every quote, an error
		// in its row; 03-02 the report's HK$404.6; 03-09 1.1 times it, at a price of 300;
		// 03-16 at USD/HKD 7.8, CNY/HKD stale.
		{"history.csv", []string{"history", "-market", market, "-from", "2021-02-23", "-to", "2021-03-16", "-every", "1w", kuaishou}, 0},
		// The report against its refresh with the later documents (valuation/kuaishou2024);
		// TestDiffRefresh checks the steps sum to the change exactly.
		{"diff-2024.txt", []string{"diff", kuaishou, filepath.Join("..", "..", "valuation", "kuaishou2024", "kuaishou2024.json")}, 0},
		{"value-asof.txt", []string{"value", "-as-of", "2021-03-16", "-market", market, kuaishou}, 0},
		{"figure.txt", []string{"figure", kuaishou, "target", "part/ecommerce/value", "forecast/2021/ecommerce/gmv"}, 0},
		{"grid.txt", []string{"grid", "-axis", "forecast/2021/mau=450:700:6", "-axis", "part/ecommerce/premium=-0.5:0:3", kuaishou}, 0},
		{"grid.json", []string{"grid", "-format", "json", "-axis", "forecast/2025/membership/subscriber_ratio=0:1.2:3", streamco}, 0},
		{"bad.json", []string{"value", "-format", "json", bad}, 1},
		{"unknown-figure.txt", []string{"figure", kuaishou, "forecast/2021/tiktok/revenue"}, 1},
		{"run.txt", []string{"run", filepath.Join("..", "..", "valuation", "modelfile", "testdata", "run.json")}, 0},
		{"run-missing.txt", []string{"run", filepath.Join("testdata", "no-such-run.json")}, 1},
		{"value-missing.json", []string{"value", "-format", "json", filepath.Join("testdata", "no-such-model.json")}, 1},
		{"grid-too-many.json", []string{"grid", "-format", "json", "-axis", "forecast/2021/mau=1:2:9999999", "-axis", "shares=1:2:9999999", kuaishou}, 1},
		{"walkthrough-value.txt", []string{"value", filepath.Join("walkthrough", "model.json")}, 0},
		{"walkthrough-run.txt", []string{"run", filepath.Join("walkthrough", "run.json")}, 0},
		{"walkthrough-review.txt", []string{"review", filepath.Join("walkthrough", "model.json")}, 0},
		{"walkthrough-review.csv", []string{"review", "-format", "csv", filepath.Join("walkthrough", "model.json")}, 0},
		{"review-none.txt", []string{"review", streamco}, 1},
		{"../../../valuation/modelfile/schema/model.schema.json", []string{"schema", "model"}, 0},
		{"schema-drivers.json", []string{"schema", "drivers"}, 0}, // segments' kinds.json, as TestKindsJSON holds it
		{"walkthrough-reconcile.txt", []string{"reconcile", filepath.Join("walkthrough", "model.json"), filepath.Join("walkthrough", "printed.csv")}, 0},
		{"walkthrough-reconcile.json", []string{"reconcile", "-format", "json", filepath.Join("walkthrough", "model.json"), filepath.Join("walkthrough", "printed.csv")}, 0},
		{"reconcile-kuaishou.txt", []string{"reconcile", kuaishou, "kuaishou2021"}, 0},
		{"reconcile-surprise.txt", []string{"reconcile", filepath.Join("walkthrough", "model.json"), filepath.Join("testdata", "printed-wrong.csv")}, 1},
		{"models-gameco-run.txt", []string{"run", filepath.Join("..", "models", "gameco-run.json")}, 0},
		{"models-holdco-tech-run.txt", []string{"run", filepath.Join("..", "models", "holdco-tech-run.json")}, 0},
		{"models-localco-run.txt", []string{"run", filepath.Join("..", "models", "localco-run.json")}, 0},
		{"usage.txt", nil, 2},
		{"usage-format.txt", []string{"value", "-format", "yaml", kuaishou}, 2},
	} {
		cmd := exec.Command(bin, c.args...)
		var stdout, stderr bytes.Buffer
		cmd.Stdout, cmd.Stderr = &stdout, &stderr
		err := cmd.Run()
		status := 0
		var exit *exec.ExitError
		if errors.As(err, &exit) {
			status = exit.ExitCode()
		} else if err != nil {
			t.Fatal(err)
		}
		if status != c.status {
			t.Errorf("%s: exit %d, want %d\n%s", c.golden, status, c.status, stderr.String())
		}
		// The golden output is standard output, then standard error, with the temporary
		// path of the bad file written as BAD.
		got := strings.ReplaceAll(stdout.String()+stderr.String(), bad, "BAD")
		path := filepath.Join("testdata", c.golden)
		if *update {
			if err := os.WriteFile(path, []byte(got), 0o644); err != nil {
				t.Fatal(err)
			}
			continue
		}
		want, err := os.ReadFile(path)
		if err != nil {
			t.Fatal(err)
		}
		if got != string(want) {
			t.Errorf("%s: output differs from %s (go test -update rewrites it):\n%s", strings.Join(c.args, " "), path, got)
		}
	}
}

// TestReconcileJSONSurprise: reconcile -format json with a surprise writes the report,
// one JSON value, on standard output and the error on standard error, exit 1; it wrote
// the error as a second JSON value after the report, coded "internal", an internal
// failure's class, for what is bad input.
func TestReconcileJSONSurprise(t *testing.T) {
	var stdout, stderr bytes.Buffer
	code := command(context.Background(), []string{"reconcile", "-format", "json",
		filepath.Join("walkthrough", "model.json"), filepath.Join("testdata", "printed-wrong.csv")}, &stdout, &stderr)
	if code != 1 {
		t.Fatalf("exit %d, want 1", code)
	}
	dec := json.NewDecoder(bytes.NewReader(stdout.Bytes()))
	var report, more map[string]any
	if err := dec.Decode(&report); err != nil {
		t.Fatalf("standard output is not JSON: %v", err)
	}
	if err := dec.Decode(&more); err == nil {
		t.Errorf("standard output holds a second JSON value after the report: %v", more)
	}
	if !strings.Contains(stderr.String(), "printed figures do not reproduce as expected") {
		t.Errorf("standard error %q, want the surprise", stderr.String())
	}
	if c := fault.ToJSON(errSurprise).Code; c != "surprise" || !errors.Is(errSurprise, fault.ErrInvalid) {
		t.Errorf("a surprise is coded %q (invalid input: %v), want surprise", c, errors.Is(errSurprise, fault.ErrInvalid))
	}
}
