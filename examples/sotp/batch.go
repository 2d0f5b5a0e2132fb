package main

import (
	"context"
	"encoding/csv"
	"encoding/json"
	"flag"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"runtime"
	"slices"
	"strconv"
	"strings"
	"sync"

	"github.com/shopspring/decimal"

	"github.com/sotpkit/sotp/valuation/fault"
)

// errBatch reports a batch in which some file failed: each is on its own line.
var errBatch = &fault.Error{Pkg: "sotp", Op: "batch", Value: "some files were not valued: their lines say why", Err: fault.ErrInvalid}

// valued is one line of a batch: a file and its valuation, or why it has none.
type valued struct {
	File     string `json:"file"`
	Currency string `json:"currency,omitempty"`
	Target   string `json:"target,omitempty"`
	Price    string `json:"price,omitempty"`
	Upside   string `json:"upside,omitempty"`
	Rating   string `json:"rating,omitempty"`
	AsOf     string `json:"as_of,omitempty"` // the date valued as of, for a model valued as of one
	// Warnings are the result's, "code: message" each: a stale quote, a proxy, ...
	Warnings []string    `json:"warnings,omitempty"`
	Error    *fault.JSON `json:"error,omitempty"`
}

// batch values every model and run file (*.json) in a folder, in name order, on as many
// goroutines as the machine has cores, and writes one line a file as it is valued, in
// that order: NDJSON or CSV. -shard i/n takes the files whose place in that order is i
// modulo n, so that n machines (a Kubernetes Indexed Job's pods, a CI matrix) share a
// folder. A file that fails is written with its error (code, JSON path) and the others
// are still valued; the command then exits 1.
func batch(ctx context.Context, args []string, stdout, stderr io.Writer) (string, error) {
	var shard, asOf string
	var progress bool
	format, rest, err := flags("batch", args, []string{"ndjson", "csv"}, func(fs *flag.FlagSet) {
		fs.StringVar(&shard, "shard", "0/1", "i/n: value the files whose place in name order is i modulo n")
		fs.BoolVar(&progress, "progress", false, "count the files valued on standard error")
		fs.StringVar(&asOf, "as-of", "", "value each model file as of this date, YYYY-MM-DD, from its market (run files name their own)")
	})
	if err != nil {
		return "", err
	}
	if len(rest) != 1 {
		return format, fmt.Errorf("%w: batch takes one folder", errUsage)
	}
	if err := checkDateFlag("as-of", asOf); err != nil {
		return format, err
	}
	i, n, err := parseShard(shard)
	if err != nil {
		return format, err
	}
	files, err := batchFiles(rest[0], i, n)
	if err != nil {
		return format, err
	}
	out, err := batchWriter(format, stdout)
	if err != nil {
		return format, err
	}
	failed := false
	err = valueAll(ctx, files, asOf, func(k int, v valued) error {
		failed = failed || v.Error != nil
		if progress {
			fmt.Fprintf(stderr, "\rsotp batch: %d/%d", k+1, len(files))
			if k+1 == len(files) {
				fmt.Fprintln(stderr)
			}
		}
		return out(v)
	})
	if progress && err != nil {
		fmt.Fprintln(stderr) // end the progress line before the error
	}
	switch {
	case err != nil:
		return format, err
	case failed:
		return "", errBatch // "" : the lines said it, in the format asked for
	}
	return format, nil
}

// parseShard reads -shard i/n: 0 <= i < n.
func parseShard(s string) (int, int, error) {
	a, b, ok := strings.Cut(s, "/")
	i, err1 := strconv.Atoi(a)
	n, err2 := strconv.Atoi(b)
	if !ok || err1 != nil || err2 != nil || n < 1 || i < 0 || i >= n {
		return 0, 0, fmt.Errorf("%w: -shard %q, want i/n with 0 <= i < n", errUsage, s)
	}
	return i, n, nil
}

// batchFiles lists the *.json files of dir in name order, those of shard i of n.
func batchFiles(dir string, i, n int) ([]string, error) {
	entries, err := os.ReadDir(dir)
	if err != nil {
		return nil, &fault.Error{Pkg: "sotp", File: dir, Err: err}
	}
	var all []string
	for _, e := range entries {
		if !e.IsDir() && strings.HasSuffix(e.Name(), ".json") {
			all = append(all, filepath.Join(dir, e.Name()))
		}
	}
	slices.Sort(all)
	var mine []string
	for k, f := range all {
		if k%n == i {
			mine = append(mine, f)
		}
	}
	return mine, nil
}

// valueAll values files on GOMAXPROCS goroutines and gives each result to emit in the
// files' order, holding at most a few more results than goroutines; emit's error, or
// the context's, stops the batch.
func valueAll(ctx context.Context, files []string, asOf string, emit func(k int, v valued) error) error {
	workers := min(runtime.GOMAXPROCS(0), max(len(files), 1))
	// A ring of results: file k's goes to slot k mod 2·workers, free by the time file k
	// is started, since the window lets it start only once file k − 2·workers is emitted.
	results := make([]chan valued, 2*workers)
	for k := range results {
		results[k] = make(chan valued, 1)
	}
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	window := make(chan struct{}, 2*workers) // files started and not yet emitted
	var wg sync.WaitGroup
	next := make(chan int)
	for range workers {
		wg.Go(func() {
			for k := range next {
				results[k%len(results)] <- valueFile(ctx, files[k], asOf)
			}
		})
	}
	go func() {
		defer close(next)
		for k := range files {
			select {
			case window <- struct{}{}:
			case <-ctx.Done():
				return
			}
			select {
			case next <- k:
			case <-ctx.Done():
				return
			}
		}
	}()
	var err error
	for k := range files {
		var v valued
		select {
		case v = <-results[k%len(results)]:
		case <-ctx.Done():
		}
		if err = ctx.Err(); err != nil {
			break
		}
		<-window
		if err = emit(k, v); err != nil {
			break
		}
	}
	cancel()
	wg.Wait()
	return err
}

// valueFile values one model or run file (its analyses run too) into its line; a model
// file as of asOf, when given.
func valueFile(ctx context.Context, path, asOf string) valued {
	v := valued{File: path}
	rep, err := readAny(ctx, path, asOf)
	if err != nil {
		j := fault.ToJSON(err)
		v.Error = &j
		return v
	}
	r := rep.Result
	plain := func(d decimal.Decimal) string { return fault.Plain(d) }
	v.Currency, v.Target, v.Rating, v.AsOf = string(r.Currency), plain(r.Target), string(r.Rating), r.AsOf
	for _, w := range r.Warnings {
		v.Warnings = append(v.Warnings, w.Code+": "+w.Message)
	}
	if r.Price.IsPositive() {
		v.Price = plain(r.Price)
	}
	if r.Upside.Valid {
		v.Upside = plain(r.Upside.Decimal)
	}
	return v
}

// batchWriter returns the writer of a batch's lines in format, the CSV with its header.
// The CSV's header is written at once, so that an empty folder gives a file with one.
func batchWriter(format string, w io.Writer) (func(valued) error, error) {
	if format == "ndjson" {
		enc := json.NewEncoder(w)
		return func(v valued) error { return enc.Encode(v) }, nil
	}
	cw := csv.NewWriter(w)
	if err := cw.Write([]string{"file", "currency", "target", "price", "upside", "rating", "error_code", "error_path", "error", "as_of", "warnings"}); err != nil {
		return nil, err
	}
	cw.Flush()
	if err := cw.Error(); err != nil {
		return nil, err
	}
	return func(v valued) error {
		row := []string{v.File, v.Currency, v.Target, v.Price, v.Upside, v.Rating, "", "", "", v.AsOf, strings.Join(v.Warnings, "; ")}
		if e := v.Error; e != nil {
			row[6], row[7], row[8] = e.Code, e.Path, e.Error
		}
		if err := cw.Write(row); err != nil {
			return err
		}
		cw.Flush()
		return cw.Error()
	}, nil
}
