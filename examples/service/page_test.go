package main

import (
	"bytes"
	"context"
	"flag"
	"net/http/httptest"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/cdproto/browser"
	"github.com/chromedp/chromedp"
	"github.com/chromedp/chromedp/kb"

	"github.com/sotpkit/sotp/valuation/modelfile"
)

var updateScreenshots = flag.Bool("update-screenshots", false, "rewrite screenshots/ from the browser test")

// chromium starts a headless Chromium for the test, or skips it outside CI when none is
// installed (.ci/run installs Debian's chromium when absent; under CI=true a missing
// browser fails the test).
func chromium(t *testing.T) context.Context {
	t.Helper()
	path := os.Getenv("CHROME")
	for _, name := range []string{"chromium", "chromium-browser", "google-chrome"} {
		if path != "" {
			break
		}
		path, _ = exec.LookPath(name)
	}
	if path == "" {
		if os.Getenv("CI") == "true" {
			t.Fatal("no Chromium (chromium, chromium-browser or google-chrome, or $CHROME): CI installs it")
		}
		t.Skip("skipped: no Chromium installed (apt-get install -y chromium, or set $CHROME); CI runs it")
	}
	opts := append(chromedp.DefaultExecAllocatorOptions[:], chromedp.ExecPath(path), chromedp.NoSandbox,
		chromedp.WindowSize(1280, 1000), chromedp.Flag("disable-dev-shm-usage", true))
	actx, cancelAlloc := chromedp.NewExecAllocator(context.Background(), opts...)
	ctx, cancelCtx := chromedp.NewContext(actx)
	ctx, cancelTime := context.WithTimeout(ctx, 90*time.Second)
	t.Cleanup(func() { cancelTime(); cancelCtx(); cancelAlloc() })
	return ctx
}

// textIs waits until the element's text is want, failing the test with what it was.
func textIs(t *testing.T, ctx context.Context, sel, want string) {
	t.Helper()
	err := chromedp.Do(ctx, chromedp.Poll[chromedp.Void](`document.querySelector(`+quoteJS(sel)+`).textContent === `+quoteJS(want),
		chromedp.WithPollingTimeout(20*time.Second)))
	if err != nil {
		got, _ := chromedp.Run(ctx, chromedp.TextContent(chromedp.CSS(sel)))
		t.Fatalf("%s: %q, want %q (%v)", sel, got, want, err)
	}
}

// quoteJS quotes a string as a JavaScript string literal.
func quoteJS(s string) string {
	return `"` + strings.NewReplacer(`\`, `\\`, `"`, `\"`, "\n", `\n`).Replace(s) + `"`
}

// typeInto empties a field and types text into it, then Enter, as a user would (the
// emptying is a script's: chromedp.Clear leaves a number field as it was).
func typeInto(t *testing.T, ctx context.Context, sel, text string) {
	t.Helper()
	empty := chromedp.Evaluate[chromedp.Void](`document.querySelector(` + quoteJS(sel) + `).value = ""`)
	if err := chromedp.Do(ctx, empty, chromedp.SendKeys(chromedp.CSS(sel), text+kb.Enter)); err != nil {
		t.Fatal(err)
	}
}

// TestPage drives the what-if page in a real browser: it opens on the report's model at
// HK$404.6; typing 500 into 2021E MAU (Enter) gives HK$353.8 (404.559 × 500 / 571.68 ≈
// 353.8: the target is linear in MAU under P/MAU); a 2021E DAU of 600, above the MAU,
// is refused and the reason shown beside the DAU field; back at 344 the target returns;
// its charts are drawn; the model file the page downloads values to what it shows; and a
// model file the user uploads (Streamco, made up) replaces the report's.
func TestPage(t *testing.T) {
	ctx := chromium(t)
	srv := httptest.NewServer(newServer(testConfig(), quiet()))
	defer srv.Close()
	dir := t.TempDir()
	if err := chromedp.Do(ctx,
		chromedp.Func(func(ctx context.Context, _ *chromedp.Target) error {
			_, err := chromedp.Call(ctx, browser.SetDownloadBehavior, browser.SetDownloadBehaviorParams{
				Behavior: browser.SetDownloadBehaviorBehaviorAllow, DownloadPath: dir})
			return err
		}),
		chromedp.Navigate(srv.URL+"/")); err != nil {
		t.Fatal(err)
	}
	textIs(t, ctx, "#target", "HK$404.6")
	textIs(t, ctx, "#rating", "Buy")

	mau, dau := `input[data-key="forecast/2021/mau"]`, `input[data-key="forecast/2021/dau"]`
	dauErr := `.err[data-key="forecast/2021/dau"]`
	typeInto(t, ctx, mau, "500")
	textIs(t, ctx, "#target", "HK$353.8")

	typeInto(t, ctx, dau, "600")
	// the reason and the field's state, polled together: the page may set them in
	// separate steps, and a read of the attribute between them saw it unset (CI, loaded)
	err := chromedp.Do(ctx, chromedp.Poll[chromedp.Void](`document.querySelector(`+quoteJS(dauErr)+`).textContent.includes("DAU exceeds MAU") && `+
		`document.querySelector(`+quoteJS(dau)+`).getAttribute("aria-invalid") === "true"`,
		chromedp.WithPollingTimeout(20*time.Second)))
	invalid, _ := chromedp.Run(ctx, chromedp.AttributeValue(chromedp.CSS(dau), "aria-invalid"))
	if err != nil || invalid.Value != "true" {
		reason, _ := chromedp.Run(ctx, chromedp.TextContent(chromedp.CSS(dauErr)))
		t.Fatalf("DAU above MAU: beside the field %q, aria-invalid %q (%v)", reason, invalid.Value, err)
	}
	if *updateScreenshots {
		shot(t, ctx, "whatif-error.png", `document.querySelector(`+quoteJS(dauErr)+`).scrollIntoView({block: "center"})`)
	}
	typeInto(t, ctx, dau, "344")
	textIs(t, ctx, "#target", "HK$353.8")
	textIs(t, ctx, dauErr, "")

	// The charts around the point are drawn: each image holds a decoded SVG.
	if err := chromedp.Do(ctx, chromedp.Poll[chromedp.Void](`["waterfall", "tornado", "heatmap"].every((id) => document.getElementById(id).naturalWidth > 0)`,
		chromedp.WithPollingTimeout(20*time.Second))); err != nil {
		t.Fatalf("charts not drawn: %v", err)
	}
	if *updateScreenshots {
		shot(t, ctx, "whatif.png", `window.scrollTo(0, 0)`)
	}

	shown, err := chromedp.Run(ctx, chromedp.TextContent(chromedp.CSS("#target")))
	if err != nil {
		t.Fatal(err)
	}
	if err := chromedp.Do(ctx, chromedp.Click(chromedp.CSS("#download-model"))); err != nil {
		t.Fatal(err)
	}
	file := filepath.Join(dir, "model.json")
	var b []byte
	for start := time.Now(); time.Since(start) < 20*time.Second; time.Sleep(50 * time.Millisecond) {
		if b, err = os.ReadFile(file); err == nil && bytes.HasSuffix(bytes.TrimSpace(b), []byte("}")) {
			break
		}
	}
	m, err := modelfile.Read(bytes.NewReader(b), nil)
	if err != nil {
		t.Fatalf("the downloaded model file: %v", err)
	}
	r, err := m.Value()
	if err != nil {
		t.Fatal(err)
	}
	if got := "HK$" + r.Target.StringFixed(1); got != shown {
		t.Errorf("the downloaded model values to %s, the page showed %s", got, shown)
	}

	// A model file of the user's own: Streamco (made up), its target 40 (USD, which the
	// file gives no symbol).
	streamco, err := filepath.Abs(filepath.Join("..", "..", "segments", "testdata", "streamco.json"))
	if err != nil {
		t.Fatal(err)
	}
	if err := chromedp.Do(ctx, chromedp.SetValue(chromedp.CSS("#model-choice"), "upload"),
		chromedp.Evaluate[chromedp.Void](`document.querySelector("#model-choice").dispatchEvent(new Event("change"))`),
		chromedp.SetUploadFiles(chromedp.CSS("#model-file"), []string{streamco})); err != nil {
		t.Fatal(err)
	}
	textIs(t, ctx, "#target", "USD 40.0")
	textIs(t, ctx, "#moved li", "Nothing yet: every assumption is at its base value.")
}

// shot writes a screenshot of the page's viewport to screenshots/name, for the README,
// after running script (a scroll).
func shot(t *testing.T, ctx context.Context, name, script string) {
	t.Helper()
	if err := chromedp.Do(ctx, chromedp.Evaluate[chromedp.Void](script+`, document.activeElement.blur()`)); err != nil {
		t.Fatal(err)
	}
	png, err := chromedp.Run(ctx, chromedp.CaptureScreenshot())
	if err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join("screenshots", name), png, 0o644); err != nil {
		t.Fatal(err)
	}
}
