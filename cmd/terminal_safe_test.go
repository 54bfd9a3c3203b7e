package cmd

import (
	"os"
	"strings"
	"testing"

	"github.com/amsh/amsh/internal/amitest"
)

// goodbyeScript logs in, then answers the action it expects with
// Response: Goodbye and hangs up, as Asterisk does when it ends a session.
func goodbyeScript(action string) func(c *amitest.Conn) {
	return func(c *amitest.Conn) {
		fxLogin(c, "off")
		a := c.Expect(action)
		c.Reply(a, "Goodbye", "Message: Thanks for all the fish.")
	}
}

// Goodbye is never the success of any action but Logoff: the server is
// ending the session, a connection failure (exit 5).
func TestGoodbyeIsNotSuccess(t *testing.T) {
	plain, tty := fxGolden(t, "ping/goodbye", goodbyeScript("Ping"), "ping")
	for _, r := range []*run{plain, tty} {
		if r.Code != ExitConn || r.Stdout != "" {
			t.Errorf("ping answered Goodbye: exit %d stdout %q, want exit %d and nothing", r.Code, r.Stdout, ExitConn)
		}
		for _, want := range []string{"Ping", "Goodbye", "ended the session"} {
			if !strings.Contains(r.Stderr, want) {
				t.Errorf("stderr %q does not say %q", r.Stderr, want)
			}
		}
	}
	r := fxExec(t, false, "", goodbyeScript("Originate"), "-y", "action", "Originate", "Channel=Local/1@amsh", "Application=Wait", "Async=true")
	if r.Code != ExitConn || r.Stdout != "" || !strings.Contains(r.Stderr, "Originate") {
		t.Errorf("originate answered Goodbye: exit %d stdout %q stderr %q", r.Code, r.Stdout, r.Stderr)
	}
}

// An error message quoting Asterisk is escaped on stderr: it cannot clear
// the screen or set the window title.
func TestErrorMessageEscaped(t *testing.T) {
	script := func(c *amitest.Conn) {
		fxLogin(c, "off")
		a := c.Expect("Getvar")
		c.Reply(a, "Error", "Message: \x1b[2J\x1b]0;title\x07\u009b")
	}
	for _, tty := range []bool{false, true} {
		r := fxExec(t, tty, "", script, "action", "Getvar", "Variable=X")
		if r.Code != ExitAsterisk {
			t.Errorf("tty=%v: exit %d", tty, r.Code)
		}
		if want := `Getvar: Asterisk said: \x1b[2J\x1b]0;title\x07\u009b` + "\n"; !strings.HasSuffix(r.Stderr, want) {
			t.Errorf("tty=%v: stderr %q, want it to end %q", tty, r.Stderr, want)
		}
		if strings.Contains(r.Stderr, "\x1b[2J") || strings.Contains(r.Stderr, "\x07") || strings.Contains(r.Stderr, "\u009b") {
			t.Errorf("tty=%v: raw control characters on stderr: %q", tty, r.Stderr)
		}
	}
}

// queuesScript answers Queues with what Asterisk 13.38.3 sent (recorded):
// two queues, coloured member states, no ActionID, ended by empty lines.
func queuesScript(t *testing.T) func(c *amitest.Conn) {
	text, err := os.ReadFile("testdata/queue/queues13.raw")
	if err != nil {
		t.Fatal(err)
	}
	return func(c *amitest.Conn) {
		fxLogin(c, "off")
		c.Expect("Queues")
		c.Send(string(text))
		fxBye(c)
	}
}

// The whole Queues reply is printed, both queues; colour is removed in
// text, raw is exact to a pipe and escaped on a terminal.
func TestQueuesLegacyText(t *testing.T) {
	for _, format := range []string{"text", "raw"} {
		t.Run(format, func(t *testing.T) {
			plain, tty := fxGolden(t, "queue/queues13."+format, queuesScript(t), "-o", format, "action", "Queues")
			for _, r := range []*run{plain, tty} {
				if r.Code != 0 || !strings.Contains(r.Stdout, "support has 0 calls") || !strings.Contains(r.Stdout, "sales has 0 calls") {
					t.Fatalf("exit %d stdout %q stderr %q", r.Code, r.Stdout, r.Stderr)
				}
			}
			switch format {
			case "text":
				for _, r := range []*run{plain, tty} {
					if strings.Contains(r.Stdout, "\x1b") || !strings.Contains(r.Stdout, "(ringinuse enabled) (Not in use) has taken") {
						t.Errorf("text: %q", r.Stdout)
					}
				}
			case "raw":
				if !strings.Contains(plain.Stdout, "(\x1b[1;32;40mNot in use\x1b[0m)") {
					t.Errorf("raw to a pipe is not what was received: %q", plain.Stdout)
				}
				if strings.Contains(tty.Stdout, "\x1b") || !strings.Contains(tty.Stdout, `(\x1b[1;32;40mNot in use\x1b[0m)`) {
					t.Errorf("raw on a terminal is not escaped: %q", tty.Stdout)
				}
			}
		})
	}
}

// --jq prints a string result as it is, for a pipe; on a terminal a string
// from Asterisk is escaped like any server text, with one profile and over
// several.
func TestJQStringEscapedOnTerminal(t *testing.T) {
	script := func(c *amitest.Conn) {
		fxLogin(c, "off")
		a := c.Expect("Ping")
		c.Reply(a, "Success", "Ping: Pong\x1b]0;title\x07\x1b[2J")
		fxBye(c)
	}
	for _, tty := range []bool{false, true} {
		a, b := amitest.NewN(t, 2, script), amitest.New(t, script)
		cfg := fleetProfiles(t, []string{"a", "b"}, map[string]string{"a": a.Addr(), "b": b.Addr()}, "")
		for _, tc := range []struct{ profiles, expr, want string }{
			{"a", ".response.Ping", "Pong\x1b]0;title\x07\x1b[2J\n"},
			{"b,a", ".[] | .profile + \" \" + .response.Ping", "b Pong\x1b]0;title\x07\x1b[2J\na Pong\x1b]0;title\x07\x1b[2J\n"},
		} {
			want := tc.want
			if tty {
				want = strings.ReplaceAll(want, "\x1b]0;title\x07\x1b[2J", `\x1b]0;title\x07\x1b[2J`)
			}
			r := (&run{Args: []string{"--config", cfg, "-p", tc.profiles, "--jq", tc.expr, "ping"}, TTY: tty}).exec(t)
			if r.Code != 0 || r.Stdout != want {
				t.Errorf("tty=%v -p %s: exit %d stdout %q, want %q; stderr %q", tty, tc.profiles, r.Code, r.Stdout, want, r.Stderr)
			}
		}
	}
}
