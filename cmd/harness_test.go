package cmd

import (
	"bytes"
	"context"
	"flag"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

var update = flag.Bool("update", false, "rewrite golden files under testdata/")

// run is one amsh invocation against fake streams.
type run struct {
	Args  []string
	TTY   bool              // stdin, stdout and stderr are terminals (width 100)
	Env   map[string]string // the whole environment amsh sees
	Stdin string

	Stdout, Stderr string
	Code           int
}

// exec runs amsh once and fills Stdout, Stderr and Code.
func (r *run) exec(t *testing.T) *run {
	t.Helper()
	var out, errOut bytes.Buffer
	env := r.Env
	ios := &IOStreams{
		In: strings.NewReader(r.Stdin), Out: &out, ErrOut: &errOut,
		InTTY: r.TTY, OutTTY: r.TTY, ErrTTY: r.TTY,
		Getenv: func(k string) string { return env[k] },
	}
	if r.TTY {
		ios.Width = 100
	}
	f := NewFactory(ios)
	f.ReadSecret = nil // never prompt in tests
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	r.Code = Run(ctx, f, r.Args)
	r.Stdout, r.Stderr = out.String(), errOut.String()
	return r
}

// golden compares got with testdata/NAME, rewriting it under -update.
func golden(t *testing.T, name, got string) {
	t.Helper()
	path := filepath.Join("testdata", name)
	if *update {
		os.MkdirAll(filepath.Dir(path), 0o755)
		if err := os.WriteFile(path, []byte(got), 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}
	want, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("%v (run go test ./cmd -update to create it)", err)
	}
	if got != string(want) {
		t.Errorf("%s differs:\n got: %q\nwant: %q", name, got, want)
	}
}

// profilesFile writes a profiles file pointing at addr for user amsh with
// secret "s3cret" (auth plain, so fake servers see it) and returns its path.
func profilesFile(t *testing.T, addr string, extra string) string {
	t.Helper()
	host, port, _ := strings.Cut(addr, ":")
	path := filepath.Join(t.TempDir(), "profiles.yaml")
	body := "default: fake\nprofiles:\n  fake:\n    host: " + host + "\n    port: " + port +
		"\n    username: amsh\n    secret: s3cret\n    auth: plain\n" + extra
	if err := os.WriteFile(path, []byte(body), 0o600); err != nil {
		t.Fatal(err)
	}
	return path
}
