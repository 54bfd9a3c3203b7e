package shell

import (
	"bytes"
	"context"
	"errors"
	"io"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/amsh/amsh/ami"
	"github.com/amsh/amsh/internal/amitest"
)

// fakeEditor feeds lines from a channel and records prompts, history and
// what is written to its Stdout.
type fakeEditor struct {
	in chan string // "^C" is Ctrl-C; closing it is Ctrl-D

	mu       sync.Mutex
	prompt   string
	shown    []string // the prompt at each Readline
	set      []string // every SetPrompt
	history  []string
	out      syncBuffer
	closed   bool
	stdoutW  io.Writer // when set, Stdout returns it (a slow terminal)
	promptCh chan string
}

func newFakeEditor(lines ...string) *fakeEditor {
	e := &fakeEditor{in: make(chan string, 64), promptCh: make(chan string, 1024)}
	for _, l := range lines {
		e.in <- l
	}
	return e
}

func (e *fakeEditor) Readline() (string, error) {
	e.mu.Lock()
	e.shown = append(e.shown, e.prompt)
	e.mu.Unlock()
	l, ok := <-e.in
	switch {
	case !ok:
		return "", io.EOF
	case l == "^C":
		return "", ErrInterrupt
	}
	return l, nil
}

func (e *fakeEditor) SetPrompt(p string) {
	e.mu.Lock()
	defer e.mu.Unlock()
	e.prompt = p
	e.set = append(e.set, p)
	select {
	case e.promptCh <- p:
	default:
	}
}

func (e *fakeEditor) Stdout() io.Writer {
	if e.stdoutW != nil {
		return e.stdoutW
	}
	return &e.out
}

func (e *fakeEditor) SaveHistory(l string) error {
	e.mu.Lock()
	defer e.mu.Unlock()
	e.history = append(e.history, l)
	return nil
}

func (e *fakeEditor) Close() error {
	e.mu.Lock()
	defer e.mu.Unlock()
	e.closed = true
	return nil
}

func (e *fakeEditor) prompts() []string {
	e.mu.Lock()
	defer e.mu.Unlock()
	return append([]string(nil), e.set...)
}

// waitPrompt waits until the prompt has been set to want.
func (e *fakeEditor) waitPrompt(t *testing.T, want string) {
	t.Helper()
	deadline := time.After(10 * time.Second)
	for {
		select {
		case p := <-e.promptCh:
			if p == want {
				return
			}
		case <-deadline:
			t.Fatalf("prompt never became %q; prompts: %q", want, e.prompts())
		}
	}
}

type syncBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (s *syncBuffer) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.Write(p)
}

func (s *syncBuffer) String() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.String()
}

// waitFor waits until s holds want.
func waitFor(t *testing.T, what string, s interface{ String() string }, want string) {
	t.Helper()
	deadline := time.Now().Add(10 * time.Second)
	for !strings.Contains(s.String(), want) {
		if time.Now().After(deadline) {
			t.Fatalf("%s never showed %q; it holds:\n%s", what, want, s.String())
		}
		time.Sleep(10 * time.Millisecond)
	}
}

// serve answers a fake Asterisk's side until Logoff or 5s of silence:
// Ping, ListCommands and Logoff as Asterisk would, anything else with
// handle, or Success when handle is nil or declines.
func serve(c *amitest.Conn, handle func(c *amitest.Conn, a *amitest.Action) bool) {
	c.AcceptLogin()
	for {
		a, ok := c.Read()
		if !ok {
			return
		}
		if handle != nil && handle(c, a) {
			continue
		}
		switch strings.ToLower(a.Get("Action")) {
		case "logoff":
			c.Reply(a, "Goodbye", "Message: Thanks for all the fish.")
			return
		case "ping":
			c.Reply(a, "Success", "Ping: Pong", "Timestamp: 1.0")
		case "listcommands":
			c.Reply(a, "Success",
				"CoreShowChannels: List currently active channels.  (Priv: system,reporting,all)",
				"Ping: Keepalive command.  (Priv: <none>)",
				"Setvar: Sets a channel variable or function value.  (Priv: call,all)")
		default:
			c.Reply(a, "Success")
		}
	}
}

// testOptions are Options for a shell against the fake server at addr.
// Run records the subcommand lines; Explain maps errors the way cmd does,
// roughly: usage 2, auth 4, connection 5, the rest 1.
type recorder struct {
	mu    sync.Mutex
	calls [][]string
	fn    func(ctx context.Context, args []string, out, errOut io.Writer) error
}

func (r *recorder) run(ctx context.Context, args []string, out, errOut io.Writer) error {
	r.mu.Lock()
	r.calls = append(r.calls, append([]string(nil), args...))
	fn := r.fn
	r.mu.Unlock()
	if fn != nil {
		return fn(ctx, args, out, errOut)
	}
	return nil
}

func (r *recorder) got() [][]string {
	r.mu.Lock()
	defer r.mu.Unlock()
	return append([][]string(nil), r.calls...)
}

type usageErr struct{ error }

// explain stands in for cmd.Classify, roughly: usage 2 (the shell's own
// line errors say so with a Usage method), auth 4, connection and timeout
// 5, interrupted 130, the rest 1.
func explain(err error) (int, string) {
	var (
		ue usageErr
		u  interface{ Usage() bool }
		ae *ami.AuthError
	)
	switch {
	case errors.As(err, &ue), errors.As(err, &u) && u.Usage():
		return 2, err.Error()
	case errors.As(err, &ae):
		return 4, err.Error()
	case errors.Is(err, context.Canceled):
		return 130, "interrupted"
	case ami.IsConnError(err), ami.IsTimeout(err):
		return 5, err.Error()
	}
	return 1, err.Error()
}

func testOptions(addr string, ed Editor, rec *recorder, out, errOut io.Writer) Options {
	return Options{
		Label:    "fake",
		Session:  ami.Config{Addr: addr, Username: "amsh", Secret: "s3cret", Auth: "plain", Events: "on"},
		Timeout:  3 * time.Second,
		Editor:   ed,
		Out:      out,
		ErrOut:   errOut,
		Commands: testCommands,
		Topics:   []Topic{{"hangup", "Hang up a channel"}, {"ping", "Ping"}},
		Run:      rec.run,
		Explain:  explain,
		EventFilter: func(exprs []string) (func(*ami.Message) bool, error) {
			if exprs[0] == "[" {
				return nil, usageErr{errors.New(`--filter "[": bad glob`)}
			}
			return func(m *ami.Message) bool { return m.Event() == exprs[0] }, nil
		},
	}
}
