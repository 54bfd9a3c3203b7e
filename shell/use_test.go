package shell

import (
	"context"
	"fmt"
	"io"
	"os"
	"os/signal"
	"slices"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/amsh/amsh/ami"
	"github.com/amsh/amsh/internal/amitest"
)

// useOptions makes Use resolve names against servers: a comma list of
// profile names, each one of addrs; the first is the session's. applied
// records every Apply.
func useOptions(opts *Options, addrs map[string]string, applied *[]string) {
	opts.Use = func(_ context.Context, spec string) (Targets, error) {
		names := strings.Split(spec, ",")
		for _, n := range names {
			if addrs[n] == "" {
				return Targets{}, usageErr{fmt.Errorf("unknown profile %q", n)}
			}
		}
		cfg := opts.Session
		cfg.Addr = addrs[names[0]]
		return Targets{Label: spec, Names: names, Session: cfg, Apply: func() { *applied = append(*applied, spec) }}, nil
	}
}

// TestUse: use moves the shell's session to the first profile named (the
// old one is logged off), the prompt names every target, events come from
// the new session, and use alone says what is used; a profile that cannot
// be reached changes nothing.
func TestUse(t *testing.T) {
	a := amitest.New(t, func(c *amitest.Conn) { serve(c, nil) }) // ends at its Logoff
	b := amitest.New(t, func(c *amitest.Conn) {
		serve(c, func(c *amitest.Conn, act *amitest.Action) bool {
			if act.Get("Action") != "UserEvent" {
				return false
			}
			c.Reply(act, "Success")
			c.Send("Event: UserEvent\r\nUserEvent: FromB\r\n\r\n")
			return true
		})
	})
	ed := newFakeEditor()
	rec := &recorder{}
	var errOut syncBuffer
	opts := testOptions(a.Addr(), ed, rec, &ed.out, &errOut)
	opts.Interactive = true
	opts.Label = "a"
	var applied []string
	useOptions(&opts, map[string]string{"a": a.Addr(), "b": b.Addr(), "dead": amitest.ClosedAddr(t)}, &applied)
	sh, err := New(context.Background(), opts)
	if err != nil {
		t.Fatal(err)
	}
	var addrs syncBuffer
	rec.fn = func(ctx context.Context, args []string, out, _ io.Writer) error {
		s, err := sh.Session(ctx)
		if err != nil {
			return err
		}
		fmt.Fprintln(&addrs, s.Addr())
		if args[0] == "action" {
			_, err = s.Send(ctx, ami.NewAction(args[1]))
		}
		return err
	}
	done := make(chan int)
	go func() { done <- sh.Run() }()
	ed.waitPrompt(t, "amsh a> ")
	ed.in <- "use b,a"
	ed.waitPrompt(t, "amsh b,a> ")
	waitFor(t, "the screen", &ed.out, "connected to "+b.Addr()+" (profile b)")
	ed.in <- "UserEvent"
	waitFor(t, "the screen", &ed.out, "UserEvent UserEvent=FromB")
	ed.in <- "use"
	waitFor(t, "the screen", &ed.out, "using b, a (events and Tab completion from b)")
	ed.in <- "use dead"
	waitFor(t, "the screen", &ed.out, "(still using b,a)")
	ed.in <- "use nosuch"
	waitFor(t, "the screen", &ed.out, `error: unknown profile "nosuch"`)
	ed.in <- "use b"
	ed.waitPrompt(t, "amsh b> ")
	ed.in <- "use"
	waitFor(t, "the screen", &ed.out, "using b\n")
	close(ed.in)
	if code := <-done; code != 0 {
		t.Errorf("exit %d, want the last line's 0; screen:\n%s", code, ed.out.String())
	}
	if got := strings.Fields(addrs.String()); !slices.Equal(got, []string{b.Addr()}) {
		t.Errorf("the line ran on %q, want b's session", got)
	}
	if !slices.Equal(applied, []string{"b,a", "b"}) {
		t.Errorf("applied %q, want b,a then b (not the failed uses)", applied)
	}
	if n := strings.Count(ed.out.String(), "connected to "+b.Addr()); n != 1 {
		t.Errorf("connected to b %d times, want once (use b kept the session):\n%s", n, ed.out.String())
	}
}

// TestUseRecoversGivenUp: a shell whose re-login was refused (it stopped
// retrying) is live again after use.
func TestUseRecoversGivenUp(t *testing.T) {
	first := true
	a := amitest.NewN(t, 2, func(c *amitest.Conn) {
		if first {
			first = false
			c.AcceptLogin()
			return // then hang up
		}
		l := c.Expect("Login")
		c.Reply(l, "Error", "Message: Authentication failed")
	})
	b := amitest.New(t, func(c *amitest.Conn) { serve(c, nil) })
	ed := newFakeEditor()
	rec := &recorder{}
	var errOut syncBuffer
	opts := testOptions(a.Addr(), ed, rec, &ed.out, &errOut)
	opts.Interactive = true
	opts.Label = "a"
	var applied []string
	useOptions(&opts, map[string]string{"b": b.Addr()}, &applied)
	sh, err := New(context.Background(), opts)
	if err != nil {
		t.Fatal(err)
	}
	rec.fn = func(ctx context.Context, args []string, out, _ io.Writer) error {
		_, err := sh.Session(ctx)
		return err
	}
	done := make(chan int)
	go func() { done <- sh.Run() }()
	waitFor(t, "the screen", &ed.out, "not retrying")
	ed.in <- "use b"
	ed.waitPrompt(t, "amsh b> ")
	ed.in <- "ping"
	close(ed.in)
	if code := <-done; code != 0 {
		t.Errorf("exit %d after use b, want 0; screen:\n%s", code, ed.out.String())
	}
}

// TestUseBatch: in batch mode use works the same, quietly; its failure is
// a failed line.
func TestUseBatch(t *testing.T) {
	a := amitest.New(t, func(c *amitest.Conn) { serve(c, nil) })
	b := amitest.New(t, func(c *amitest.Conn) { serve(c, nil) })
	var out, errOut syncBuffer
	ed := newFakeEditor("use b", "use", "use nosuch", "ping")
	close(ed.in)
	rec := &recorder{}
	opts := testOptions(a.Addr(), ed, rec, &out, &errOut)
	opts.Label = "a"
	var applied []string
	useOptions(&opts, map[string]string{"a": a.Addr(), "b": b.Addr()}, &applied)
	sh, err := New(context.Background(), opts)
	if err != nil {
		t.Fatal(err)
	}
	code := sh.Run()
	if code != 2 || out.String() != "using b\n" || !strings.Contains(errOut.String(), `amsh: unknown profile "nosuch"`) {
		t.Errorf("exit %d stdout %q stderr %q", code, out.String(), errOut.String())
	}
	if got := rec.got(); len(got) != 1 || got[0][0] != "ping" {
		t.Errorf("dispatched %q", got)
	}
}

// TestUseInterrupted: Ctrl-C while use dials a PBX that never answers ends
// the use at once, not at the timeout, and changes nothing.
func TestUseInterrupted(t *testing.T) {
	// As amsh's main does, take SIGINT from the runtime: the shell decides
	// what it means.
	caught := make(chan os.Signal, 1)
	signal.Notify(caught, os.Interrupt)
	defer signal.Stop(caught)

	a := amitest.New(t, func(c *amitest.Conn) { serve(c, nil) })
	ed := newFakeEditor()
	rec := &recorder{}
	var errOut syncBuffer
	opts := testOptions(a.Addr(), ed, rec, &ed.out, &errOut)
	opts.Interactive = true
	opts.Label = "a"
	opts.Timeout = 20 * time.Second
	var applied []string
	useOptions(&opts, map[string]string{"a": a.Addr(), "silent": amitest.Silent(t)}, &applied)
	sh, err := New(context.Background(), opts)
	if err != nil {
		t.Fatal(err)
	}
	done := make(chan int)
	go func() { done <- sh.Run() }()
	ed.waitPrompt(t, "amsh a> ")
	start := time.Now()
	ed.in <- "use silent"
	time.Sleep(300 * time.Millisecond) // dialling
	// The terminal sends SIGINT to the foreground process on Ctrl-C.
	syscall.Kill(syscall.Getpid(), syscall.SIGINT)
	waitFor(t, "the screen", &ed.out, "interrupted\n")
	if took := time.Since(start); took > 5*time.Second {
		t.Errorf("use ended %s after it began, want at the Ctrl-C", took)
	}
	ed.in <- "use"
	waitFor(t, "the screen", &ed.out, "using a\n")
	close(ed.in)
	<-done
	if len(applied) != 0 || strings.Contains(ed.out.String(), "error") {
		t.Errorf("applied %q; screen:\n%s", applied, ed.out.String())
	}
}
