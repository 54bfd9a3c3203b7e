package cmd

import (
	"bytes"
	"cmp"
	"context"
	"flag"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/spf13/cobra"
)

var update = flag.Bool("update", false, "rewrite golden files under testdata/")

// run is one amsh invocation against fake streams.
type run struct {
	Args  []string
	TTY   bool              // stdin, stdout and stderr are terminals (width 100)
	Width int               // the terminal's width when TTY, if not 100
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
		ios.Width = cmp.Or(r.Width, 100)
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

// parseCmd runs the command newCmd builds, under a root named amsh and the
// parent groups in path ("queue"), on argv, with a runF that records the
// options instead of running: flag and argument parsing, no socket. The
// options are nil when parsing failed.
func parseCmd[O any](t *testing.T, newCmd func(*Factory, func(*O) error) *cobra.Command, path string, argv ...string) (*O, error) {
	t.Helper()
	ios := &IOStreams{In: strings.NewReader(""), Out: io.Discard, ErrOut: io.Discard, Getenv: func(string) string { return "" }}
	var got *O
	c := newCmd(NewFactory(ios), func(o *O) error { got = o; return nil })
	root := &cobra.Command{Use: "amsh", SilenceErrors: true, SilenceUsage: true}
	root.SetFlagErrorFunc(func(_ *cobra.Command, err error) error { return &UsageError{Err: err} })
	root.SetOut(io.Discard)
	root.SetErr(io.Discard)
	parent := root
	for _, name := range strings.Fields(path) {
		g := &cobra.Command{Use: name}
		parent.AddCommand(g)
		parent = g
	}
	parent.AddCommand(c)
	root.SetArgs(append(append(strings.Fields(path), c.Name()), argv...))
	if err := root.Execute(); err != nil {
		return nil, err
	}
	if got == nil {
		t.Fatalf("%s %s %q: runF was not called", path, c.Name(), argv)
	}
	return got, nil
}

// wantUsageError fails unless err is a usage error (exit 2) whose message is want.
func wantUsageError(t *testing.T, err error, want string) {
	t.Helper()
	if code, msg := Classify(err); code != ExitUsage || msg != want {
		t.Errorf("error %v (exit %d); want exit 2 and %q", err, code, want)
	}
}

// parsedFields lists what a command parsed into its options, "Name=value"
// for every field that is not a function or IO, in order. A function field
// left nil shows as "Name=nil", so a constructor that forgets to copy one
// from the Factory fails the comparison.
func parsedFields(opts any) string {
	var b strings.Builder
	var walk func(v reflect.Value)
	walk = func(v reflect.Value) {
		for i := range v.NumField() {
			fv, sf := v.Field(i), v.Type().Field(i)
			switch {
			case sf.Anonymous && fv.Kind() == reflect.Struct:
				walk(fv)
			case fv.Kind() == reflect.Func:
				if fv.IsNil() {
					fmt.Fprintf(&b, " %s=nil", sf.Name)
				}
			case sf.Name != "IO":
				fmt.Fprintf(&b, " %s=%v", sf.Name, fv)
			}
		}
	}
	v := reflect.ValueOf(opts)
	if v.IsNil() {
		return "<nil>"
	}
	walk(v.Elem())
	return strings.TrimSpace(b.String())
}
