package shell

import (
	"context"
	"errors"
	"io"
	"strings"
	"testing"
	"time"

	"github.com/amsh/amsh/ami"
	"github.com/amsh/amsh/internal/amitest"
)

// Ctrl-D leaves at once even when Asterisk is slow to answer what the
// background refresh sent: Asterisk answers a session's actions in order, so
// a Logoff queued behind them would wait for them all.
func TestLeavingIsPrompt(t *testing.T) {
	asked := make(chan struct{}, 1)
	fs := amitest.New(t, func(c *amitest.Conn) {
		serve(c, func(c *amitest.Conn, a *amitest.Action) bool {
			if !strings.EqualFold(a.Get("Action"), "ListCommands") {
				return false
			}
			select {
			case asked <- struct{}{}:
			default:
			}
			time.Sleep(2 * time.Second) // a busy Asterisk
			return false
		})
	})
	ed := newFakeEditor()
	sh, _ := interactive(t, fs.Addr(), ed, &recorder{})
	done := make(chan int)
	go func() { done <- sh.Run() }()
	select {
	case <-asked:
	case <-time.After(5 * time.Second):
		t.Fatal("the refresh never asked for ListCommands")
	}
	start := time.Now()
	close(ed.in) // Ctrl-D
	<-done
	if took := time.Since(start); took > time.Second {
		t.Errorf("leaving took %s", took)
	} else {
		t.Logf("leaving took %s", took)
	}
}

// A timed-out action is not a lost connection: the shell says so, keeps
// its session (no "(disconnected)" prompt, no reconnection), and the next
// line runs on the same session.
func TestTimeoutKeepsTheSession(t *testing.T) {
	fs := amitest.New(t, func(c *amitest.Conn) {
		serve(c, func(c *amitest.Conn, a *amitest.Action) bool {
			return strings.EqualFold(a.Get("Action"), "QueueStatus") // never answered
		})
	})
	ed := newFakeEditor()
	rec := &recorder{}
	sh, errOut := interactive(t, fs.Addr(), ed, rec)
	first := sh.link.current()
	rec.fn = func(ctx context.Context, args []string, out, _ io.Writer) error {
		s, err := sh.Session(ctx)
		if err != nil {
			return err
		}
		if s != first {
			t.Errorf("line %q got another session", args)
		}
		name := "Ping"
		if args[0] == "queue" {
			name = "QueueStatus"
		}
		actx, cancel := context.WithTimeout(ctx, 200*time.Millisecond)
		defer cancel()
		_, err = s.Send(actx, ami.NewAction(name))
		return err
	}
	done := make(chan int)
	go func() { done <- sh.Run() }()
	ed.in <- "queue status"
	ed.in <- "ping"
	close(ed.in)
	if code := <-done; code != 0 {
		t.Errorf("exit %d: the ping after the timeout should have worked", code)
	}
	screen := ed.out.String()
	if !strings.Contains(screen, "error: QueueStatus: no response within") || !strings.Contains(screen, "the connection is still up") {
		t.Errorf("screen %q", screen)
	}
	for _, bad := range []string{"connection lost", "reconnect"} {
		if strings.Contains(screen, bad) {
			t.Errorf("screen says %q after a timeout:\n%s", bad, screen)
		}
	}
	for _, p := range ed.prompts() {
		if strings.Contains(p, "disconnected") {
			t.Errorf("prompt %q after a timeout", p)
		}
	}
	if errOut.String() != "" {
		t.Errorf("stderr %q", errOut.String())
	}
	if len(rec.got()) != 2 {
		t.Errorf("ran %q", rec.got())
	}
}

// In the interactive shell an error is "error: MESSAGE" on a line of its
// own, through the console (not raw on stderr): after what the command left
// unfinished, and over what the terminal echoed meanwhile.
func TestInteractiveErrorLine(t *testing.T) {
	fs := amitest.New(t, func(c *amitest.Conn) { serve(c, nil) })
	ed := newFakeEditor()
	rec := &recorder{fn: func(ctx context.Context, args []string, out, _ io.Writer) error {
		io.WriteString(out, "half a line")
		return errors.New("ping: too many arguments: \"|\", \"head\" (it takes none)")
	}}
	sh, errOut := interactive(t, fs.Addr(), ed, rec)
	ed.in <- "ping | head"
	close(ed.in)
	if code := sh.Run(); code != 1 {
		t.Errorf("exit %d", code)
	}
	want := "half a line\n\r\x1b[Kerror: ping: too many arguments: \"|\", \"head\" (it takes none)\n"
	if got := ed.out.String(); !strings.Contains(got, want) {
		t.Errorf("screen %q, want it to hold %q", got, want)
	}
	if errOut.String() != "" {
		t.Errorf("stderr %q", errOut.String())
	}
}

func TestConsoleLine(t *testing.T) {
	for _, tc := range []struct {
		tty    bool
		before string
		want   string
	}{
		{false, "", "note\n"},
		{false, "partial", "partial\nnote\n"},
		{true, "", "\r\x1b[Knote\n"},
		{true, "whole\n", "whole\n\r\x1b[Knote\n"},
		{true, "partial", "partial\n\r\x1b[Knote\n"},
	} {
		var b strings.Builder
		c := &console{w: &b, tty: tc.tty}
		if tc.before != "" {
			c.write([]byte(tc.before))
		}
		c.line("note")
		if b.String() != tc.want {
			t.Errorf("tty %v after %q: %q, want %q", tc.tty, tc.before, b.String(), tc.want)
		}
	}
}
