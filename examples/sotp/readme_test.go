package main

import (
	"bufio"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
)

// readmeMaxLines is the most lines README.md may have: it is the front door, and the
// details live in each package's documentation (issue 24).
const readmeMaxLines = 250

// readmeTimeout bounds each README command, so that a command that hangs fails the
// test with its line instead of stalling it until go test's own timeout.
const readmeTimeout = 3 * time.Minute

// TestReadme runs every command of README.md's sh blocks from the repository root, in
// the order written, and holds each to what the README says of it: it exits 0, and its
// output (standard output, then standard error) contains every text its trailing comment
// gives in double quotes, so that
//
//	go run ./examples/sotp value MODEL.json   # "Target price: US$35.8"
//
// must print "Target price: US$35.8". A comment without double quotes is prose and
// checks nothing. Every line of an sh block that is not blank or a comment must be one
// of these commands, or the test fails:
//
//   - go run: the real program, except go run ./examples/service, which starts a server:
//     the test builds the same package, runs it with the README's flags on a free port
//     (-addr 127.0.0.1:0), reads the port from its first log line, "listening", and at
//     the end stops it with SIGTERM and expects exit 0;
//   - curl: run with the README's -addr of the service replaced by the port it got; a
//     curl line before the service line, or one not naming its address, fails;
//   - go test: a benchmark command (-bench) runs its benchmarks once, -benchtime 1x and
//     -count 1 in place of its own, to show the command works, not to measure (the
//     service's load benchmark starts its own server on a free loopback port and stops
//     it, about 2 s, so it runs too); a command with a recursive pattern (./...) or
//     this package is logged and skipped, since it would run this test inside itself;
//     any other go test command runs as written;
//   - go doc: run as written, so that a link to a package's documentation that no
//     longer resolves fails;
//   - sotp: the binary of this package, built as TestCommand builds it.
//
// It also fails if the README is longer than readmeMaxLines. go test caches a pass on
// the files the test opens itself, README.md among them, not on those the commands read:
// after changing another package, run it with -count=1.
func TestReadme(t *testing.T) {
	root, err := filepath.Abs(filepath.Join("..", ".."))
	if err != nil {
		t.Fatal(err)
	}
	readme, err := os.ReadFile(filepath.Join(root, "README.md"))
	if err != nil {
		t.Fatal(err)
	}
	if n := strings.Count(string(readme), "\n"); n > readmeMaxLines {
		t.Errorf("README.md has %d lines, want at most %d: details belong in the packages' documentation", n, readmeMaxLines)
	}
	cmds, err := readmeCommands(string(readme))
	if err != nil {
		t.Fatal(err)
	}
	if len(cmds) == 0 {
		t.Fatal("README.md has no commands in its sh blocks")
	}
	r := &readmeRunner{root: root, bin: t.TempDir()}
	t.Cleanup(r.kill)
	for _, c := range cmds {
		t.Run(fmt.Sprintf("line%d", c.Line), func(t *testing.T) {
			t.Logf("README.md:%d: %s", c.Line, c.Text)
			r.run(t, c)
		})
	}
	if err := r.stop(); err != nil {
		t.Error(err)
	}
}

// readmeCommand is one command of README.md's sh blocks.
type readmeCommand struct {
	Line int      // the README line it begins on
	Text string   // as written, continuation lines joined, the comment left off
	Args []string // its words, unquoted
	Want []string // the double-quoted texts of its comment, each to be found in its output
}

// readmeCommands returns the commands of readme's sh blocks: each line that is not
// blank or a comment, joined with the lines that follow it while it ends in a
// backslash, its trailing comment taken off and searched for expected output.
func readmeCommands(readme string) ([]readmeCommand, error) {
	var (
		cmds []readmeCommand
		errs []error
		cur  *readmeCommand // a command continued on the next line
		inSh bool
	)
	lines := strings.Split(readme, "\n")
	for i, line := range lines {
		n := i + 1
		trimmed := strings.TrimSpace(line)
		if !inSh {
			inSh = trimmed == "```sh"
			continue
		}
		if strings.HasPrefix(trimmed, "```") {
			if cur != nil {
				errs = append(errs, fmt.Errorf("README.md:%d: the command continues past its block", cur.Line))
				cur = nil
			}
			inSh = false
			continue
		}
		if cur == nil && (trimmed == "" || strings.HasPrefix(trimmed, "#")) {
			continue
		}
		code, comment := splitComment(line)
		code = strings.TrimSpace(code)
		if cur == nil {
			cur = &readmeCommand{Line: n}
		} else {
			cur.Text += " "
		}
		if strings.HasSuffix(code, `\`) && comment == "" {
			cur.Text += strings.TrimSpace(strings.TrimSuffix(code, `\`))
			continue
		}
		cur.Text += code
		args, err := shellWords(cur.Text)
		switch {
		case err != nil:
			errs = append(errs, fmt.Errorf("README.md:%d: %s: %w", cur.Line, cur.Text, err))
		case len(args) == 0:
			errs = append(errs, fmt.Errorf("README.md:%d: an empty command", cur.Line))
		default:
			cur.Args = args
			for _, m := range fragment.FindAllStringSubmatch(comment, -1) {
				cur.Want = append(cur.Want, m[1])
			}
			cmds = append(cmds, *cur)
		}
		cur = nil
	}
	if cur != nil {
		errs = append(errs, fmt.Errorf("README.md:%d: the command continues past the end", cur.Line))
	}
	if inSh {
		errs = append(errs, errors.New("README.md: an sh block is not closed"))
	}
	return cmds, errors.Join(errs...)
}

// fragment matches a text in double quotes in a command's comment: output the command
// must print.
var fragment = regexp.MustCompile(`"([^"]+)"`)

// splitComment splits a line of shell at its comment: a # that begins a word outside
// quotes.
func splitComment(line string) (code, comment string) {
	var quote byte
	for i := 0; i < len(line); i++ {
		c := line[i]
		switch {
		case quote == '\'':
			if c == '\'' {
				quote = 0
			}
		case quote == '"':
			if c == '\\' {
				i++
			} else if c == '"' {
				quote = 0
			}
		case c == '\\':
			i++
		case c == '\'' || c == '"':
			quote = c
		case c == '#' && (i == 0 || line[i-1] == ' ' || line[i-1] == '\t'):
			return line[:i], line[i+1:]
		}
	}
	return line, ""
}

// shellWords splits a command into words as a POSIX shell would, for the part of its
// language a README command needs: blanks between words, single and double quotes and
// backslashes. Anything else a shell would expand or interpret (pipes, redirections,
// variables, globs, command substitution) is an error, since the test runs no shell:
// quote it.
func shellWords(s string) ([]string, error) {
	var (
		words  []string
		w      strings.Builder
		inWord bool
	)
	for i := 0; i < len(s); i++ {
		switch c := s[i]; {
		case c == ' ' || c == '\t':
			if inWord {
				words = append(words, w.String())
				w.Reset()
				inWord = false
			}
		case c == '\'':
			j := strings.IndexByte(s[i+1:], '\'')
			if j < 0 {
				return nil, errors.New("a single quote is not closed")
			}
			w.WriteString(s[i+1 : i+1+j])
			i += j + 1
			inWord = true
		case c == '"':
			inWord = true
			for i++; ; i++ {
				if i == len(s) {
					return nil, errors.New("a double quote is not closed")
				}
				if s[i] == '"' {
					break
				}
				if s[i] == '$' || s[i] == '`' {
					return nil, fmt.Errorf("%q in double quotes: the test runs no shell", s[i])
				}
				if s[i] == '\\' && i+1 < len(s) && strings.IndexByte("\"\\$`", s[i+1]) >= 0 {
					i++
				}
				w.WriteByte(s[i])
			}
		case c == '\\':
			if i+1 == len(s) {
				return nil, errors.New("a backslash ends the command")
			}
			i++
			w.WriteByte(s[i])
			inWord = true
		case strings.IndexByte("|&;<>()$`*?[]{}~", c) >= 0:
			return nil, fmt.Errorf("%q: the test runs no shell; quote it", c)
		default:
			w.WriteByte(c)
			inWord = true
		}
	}
	if inWord {
		words = append(words, w.String())
	}
	return words, nil
}

// readmeRunner runs README commands from the repository root, and holds the service a
// go run ./examples/service line started.
type readmeRunner struct {
	root string // the repository
	bin  string // a directory for built binaries
	sotp string // this package built, once a sotp line needs it

	svc        *exec.Cmd
	svcLine    int           // the README line that started it
	readmeAddr string        // the address the README gives it
	addr       string        // the address it listens on
	svcDone    chan struct{} // closed when its log has been read to the end
	svcLog     strings.Builder
}

// run runs one README command and checks it.
func (r *readmeRunner) run(t *testing.T, c readmeCommand) {
	args := c.Args
	switch {
	case args[0] == "sotp":
		if r.sotp == "" {
			r.sotp = r.build(t, ".", "sotp")
		}
		r.check(t, c, r.sotp, args[1:]...)
	case args[0] == "curl":
		if r.svc == nil {
			t.Fatal("a curl line before the service is started: start it with go run ./examples/service above")
		}
		named := false
		args = slices.Clone(args)
		for i, a := range args {
			if strings.Contains(a, r.readmeAddr) {
				args[i], named = strings.ReplaceAll(a, r.readmeAddr, r.addr), true
			}
		}
		if !named {
			t.Fatalf("the curl line does not name the service's address %s (README.md:%d)", r.readmeAddr, r.svcLine)
		}
		r.check(t, c, args[0], args[1:]...)
	case len(args) >= 3 && args[0] == "go" && args[1] == "run" && strings.TrimSuffix(args[2], "/") == "./examples/service":
		r.start(t, c)
	case len(args) >= 2 && args[0] == "go" && (args[1] == "run" || args[1] == "doc"):
		r.check(t, c, args[0], args[1:]...)
	case len(args) >= 2 && args[0] == "go" && args[1] == "test":
		args, bench := benchOnce(args)
		for _, a := range args[2:] {
			if strings.Contains(a, "...") || a == "./examples/sotp" || a == "./examples/sotp/" {
				t.Skipf("skipped: %s would run this test inside itself", a)
			}
		}
		if bench {
			t.Logf("benchmarks run once: %s", strings.Join(args, " "))
		}
		r.check(t, c, args[0], args[1:]...)
	default:
		t.Fatalf("README.md:%d: %q is not a command this test runs (go run, go test, go doc, curl or sotp)", c.Line, c.Text)
	}
}

// benchOnce returns the arguments of a go test command with each benchmark run once:
// when it has a -bench flag, its own -benchtime and -count give way to -benchtime 1x
// -count 1. It reports whether the command runs benchmarks.
func benchOnce(args []string) ([]string, bool) {
	bench := slices.ContainsFunc(args, func(a string) bool { return a == "-bench" || strings.HasPrefix(a, "-bench=") })
	if !bench {
		return args, false
	}
	out := []string{args[0], args[1], "-benchtime", "1x", "-count", "1"}
	for i := 2; i < len(args); i++ {
		switch a := args[i]; {
		case a == "-benchtime" || a == "-count":
			i++ // and its value
		case strings.HasPrefix(a, "-benchtime=") || strings.HasPrefix(a, "-count="):
		default:
			out = append(out, a)
		}
	}
	return out, true
}

// check runs name with args from the repository root and fails t unless it exits 0 and
// its output holds every text the command's comment quotes.
func (r *readmeRunner) check(t *testing.T, c readmeCommand, name string, args ...string) {
	t.Helper()
	ctx, cancel := context.WithTimeout(t.Context(), readmeTimeout)
	defer cancel()
	cmd := exec.CommandContext(ctx, name, args...)
	cmd.Dir = r.root
	out, err := cmd.CombinedOutput()
	if err != nil {
		t.Fatalf("README.md:%d: %s: %v\n%s", c.Line, c.Text, err, tail(out))
	}
	for _, w := range c.Want {
		if !strings.Contains(string(out), w) {
			t.Errorf("README.md:%d: %s: the output lacks %q\n%s", c.Line, c.Text, w, tail(out))
		}
	}
}

// tail is the end of a command's output, enough to see why it failed.
func tail(out []byte) []byte {
	const keep = 4000
	if len(out) > keep {
		return append([]byte("...\n"), out[len(out)-keep:]...)
	}
	return out
}

// build builds the package pkg (relative to dir) into the runner's binary directory.
func (r *readmeRunner) build(t *testing.T, dir, pkg string) string {
	t.Helper()
	bin := filepath.Join(r.bin, filepath.Base(pkg))
	if pkg == "." {
		bin = filepath.Join(r.bin, "sotp")
	}
	cmd := exec.Command("go", "build", "-o", bin, pkg)
	cmd.Dir = dir
	if out, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("go build %s: %v\n%s", pkg, err, out)
	}
	return bin
}

// start builds the service of a go run ./examples/service line and starts it with the
// line's flags, on a free loopback port in place of its -addr.
func (r *readmeRunner) start(t *testing.T, c readmeCommand) {
	if r.svc != nil {
		t.Fatalf("the service is already running, started at README.md:%d", r.svcLine)
	}
	flags := slices.Clone(c.Args[3:])
	for i, f := range flags {
		switch {
		case (f == "-addr" || f == "--addr") && i+1 < len(flags):
			r.readmeAddr, flags[i+1] = flags[i+1], "127.0.0.1:0"
		case strings.HasPrefix(f, "-addr=") || strings.HasPrefix(f, "--addr="):
			_, r.readmeAddr, _ = strings.Cut(f, "=")
			flags[i] = "-addr=127.0.0.1:0"
		}
	}
	if r.readmeAddr == "" {
		t.Fatal("the service line gives no -addr for the curl lines to use")
	}
	cmd := exec.Command(r.build(t, r.root, "./examples/service"), flags...)
	cmd.Dir = r.root
	stderr, err := cmd.StderrPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	// The first JSON log line whose msg is "listening" gives the address, as
	// examples/service's own tests read it; the rest of the log is kept, so that the
	// server never blocks on a full pipe.
	br := bufio.NewReader(stderr)
	for r.addr == "" {
		line, err := br.ReadString('\n')
		r.svcLog.WriteString(line)
		if err != nil {
			_ = cmd.Process.Kill()
			_ = cmd.Wait()
			t.Fatalf("the service logged no listening line: %v\n%s", err, r.svcLog.String())
		}
		var l struct{ Msg, Addr string }
		if json.Unmarshal([]byte(line), &l) == nil && l.Msg == "listening" {
			r.addr = l.Addr
		}
	}
	r.svc, r.svcLine, r.svcDone = cmd, c.Line, make(chan struct{})
	go func() {
		defer close(r.svcDone)
		_, _ = io.Copy(&r.svcLog, br)
	}()
	t.Logf("listening on %s for the README's %s", r.addr, r.readmeAddr)
}

// stop sends the service SIGTERM, as the README says stops it gracefully, and
// reports an error unless it exits 0.
func (r *readmeRunner) stop() error {
	if r.svc == nil {
		return nil
	}
	cmd := r.svc
	r.svc = nil
	if err := cmd.Process.Signal(syscall.SIGTERM); err != nil {
		return fmt.Errorf("README.md:%d: the service: %v", r.svcLine, err)
	}
	select {
	case <-r.svcDone:
	case <-time.After(30 * time.Second):
		_ = cmd.Process.Kill()
		<-r.svcDone
	}
	if err := cmd.Wait(); err != nil {
		return fmt.Errorf("README.md:%d: the service after SIGTERM: %v\n%s", r.svcLine, err, r.svcLog.String())
	}
	return nil
}

// kill ends a service the test left running when it failed.
func (r *readmeRunner) kill() {
	if r.svc != nil {
		_ = r.svc.Process.Kill()
		<-r.svcDone
		_ = r.svc.Wait()
	}
}

// TestReadmeCommands holds the README parser to its rules on small cases.
func TestReadmeCommands(t *testing.T) {
	for _, c := range []struct {
		name, readme string
		want         []readmeCommand
		err          string // a part of the error, or "" for none
	}{{
		name: "only sh blocks; blank and comment lines skipped",
		readme: "go run ./not-in-a-block\n```go\ngo run ./not-sh\n```\n```sh\n\n# a note\n" +
			"go run ./examples/a   # prose only\n```\n",
		want: []readmeCommand{{Line: 8, Text: "go run ./examples/a", Args: []string{"go", "run", "./examples/a"}}},
	}, {
		name: "continuation, comment and its quoted texts",
		readme: "```sh\ngo run ./x grid -axis a=1:2:3 \\\n    -axis b=0:1:2 m.json   " +
			"# \"base target 404.6\" and \"Note:\"\n```\n",
		want: []readmeCommand{{
			Line: 2, Text: "go run ./x grid -axis a=1:2:3 -axis b=0:1:2 m.json",
			Args: []string{"go", "run", "./x", "grid", "-axis", "a=1:2:3", "-axis", "b=0:1:2", "m.json"},
			Want: []string{"base target 404.6", "Note:"},
		}},
	}, {
		name:   "quotes keep # and shell characters",
		readme: "```sh\ncurl -d '{\"a\": \"#1\"}' -H \"X: \\\"y\\\"\" h:1/v1   # \"ok\"\ngo test -bench 'A|B$' ./p/\n```\n",
		want: []readmeCommand{{
			Line: 2, Text: `curl -d '{"a": "#1"}' -H "X: \"y\"" h:1/v1`,
			Args: []string{"curl", "-d", `{"a": "#1"}`, "-H", `X: "y"`, "h:1/v1"},
			Want: []string{"ok"},
		}, {
			Line: 3, Text: "go test -bench 'A|B$' ./p/",
			Args: []string{"go", "test", "-bench", "A|B$", "./p/"},
		}},
	}, {
		name:   "a pipe is not run by a shell",
		readme: "```sh\ngo test ./... | tee out\n```\n",
		err:    `'|': the test runs no shell`,
	}, {
		name:   "an unclosed quote",
		readme: "```sh\ngo run ./x 'a b\n```\n",
		err:    "single quote is not closed",
	}, {
		name:   "a continuation past the block",
		readme: "```sh\ngo run ./x \\\n```\n",
		err:    "continues past its block",
	}, {
		name:   "an unclosed block",
		readme: "```sh\ngo run ./x\n",
		err:    "not closed",
	}} {
		t.Run(c.name, func(t *testing.T) {
			got, err := readmeCommands(c.readme)
			if c.err != "" {
				if err == nil || !strings.Contains(err.Error(), c.err) {
					t.Fatalf("error %v, want one containing %q", err, c.err)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if diff := cmp.Diff(c.want, got); diff != "" {
				t.Errorf("readmeCommands (-want +got):\n%s", diff)
			}
		})
	}
}

// TestBenchOnce holds the rewriting of a go test command's benchmark flags.
func TestBenchOnce(t *testing.T) {
	for _, c := range []struct {
		args, want []string
		bench      bool
	}{
		{
			args:  []string{"go", "test", "-run", "^$", "-bench", "Load", "-benchtime", "3x", "-count", "6", "./examples/service/"},
			want:  []string{"go", "test", "-benchtime", "1x", "-count", "1", "-run", "^$", "-bench", "Load", "./examples/service/"},
			bench: true,
		},
		{
			args:  []string{"go", "test", "-bench=Grid", "-count=6", "-benchtime=2s", "-benchmem", "./p/"},
			want:  []string{"go", "test", "-benchtime", "1x", "-count", "1", "-bench=Grid", "-benchmem", "./p/"},
			bench: true,
		},
		{
			args: []string{"go", "test", "-count", "2", "./p/"},
			want: []string{"go", "test", "-count", "2", "./p/"},
		},
	} {
		got, bench := benchOnce(c.args)
		if diff := cmp.Diff(c.want, got); diff != "" || bench != c.bench {
			t.Errorf("benchOnce(%q): bench %v, want %v (-want +got):\n%s", c.args, bench, c.bench, diff)
		}
	}
}
