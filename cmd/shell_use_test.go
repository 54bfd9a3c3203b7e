package cmd

import (
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/amsh/amsh/internal/amitest"
)

// shellSession serves the shell's own session (a login with events on)
// until its Logoff.
func shellSession(c *amitest.Conn) {
	fxLogin(c, "on")
	for {
		a, ok := c.Read()
		if !ok {
			return
		}
		if strings.EqualFold(a.Get("Action"), "Logoff") {
			c.Reply(a, "Goodbye")
			return
		}
		c.Reply(a, "Success")
	}
}

// sessionOrPing serves what `use` dials on its first profile: the shell's
// session (a login with events on, until Logoff), or a one-shot Ping line.
func sessionOrPing(t *testing.T) func(c *amitest.Conn) {
	return func(c *amitest.Conn) {
		// The session `use` moves to, and two one-shot lines.
		a, ok := c.Read()
		if !ok {
			t.Error("b: no login")
			return
		}
		c.Reply(a, "Success", "Message: Authentication accepted")
		if a.Get("Events") == "on" {
			for {
				l, ok := c.Read()
				if !ok || strings.EqualFold(l.Get("Action"), "Logoff") {
					if ok {
						c.Reply(l, "Goodbye")
					}
					return
				}
			}
		}
		p := c.Expect("Ping")
		c.Reply(p, "Success", "Ping: Pong", "Timestamp: 1795329590.896851")
		fxBye(c)
	}
}

// TestShellUse: after `use b,c` the shell's session is b's (a is logged
// off), each line runs on b and c as `amsh -p b,c LINE` would, and the
// line's flags and the shell's (-o given to amsh) both apply.
func TestShellUse(t *testing.T) {
	a := amitest.New(t, shellSession)
	b := amitest.NewParallel(t, 3, sessionOrPing(t))
	c := amitest.NewN(t, 2, pingScript(0))
	cfg := fleetProfiles(t, []string{"a", "b", "c"}, map[string]string{"a": a.Addr(), "b": b.Addr(), "c": c.Addr()}, "groups:\n  bc: [b, c]\n")
	r := (&run{Args: []string{"--config", cfg, "-p", "a", "-o", "yaml", "shell"}, Stdin: "use bc\nping\nuse\nping -o json --jq '.[].profile'\n"}).exec(t)
	want := regexp.MustCompile(`^- profile: b\n  host: 127.0.0.1:\d+\n  address: 127.0.0.1:\d+\n(?s:.*)- profile: c\n(?s:.*)` +
		`using b, c \(events and Tab completion from b\)\nb\nc\n$`)
	if r.Code != 0 || !want.MatchString(r.Stdout) || r.Stderr != "" {
		t.Errorf("exit %d stderr %q stdout:\n%s\nwant %s", r.Code, r.Stderr, r.Stdout, want)
	}
}

// TestShellUseDelimited: a csv line after `use b,c` is one table with a
// Profile column, as amsh -p b,c -o csv prints it, not blocks under
// header lines.
func TestShellUseDelimited(t *testing.T) {
	a := amitest.New(t, shellSession)
	b := amitest.NewParallel(t, 2, sessionOrPing(t))
	c := amitest.New(t, pingScript(0))
	cfg := fleetProfiles(t, []string{"a", "b", "c"}, map[string]string{"a": a.Addr(), "b": b.Addr(), "c": c.Addr()}, "")
	r := (&run{Args: []string{"--config", cfg, "-p", "a", "shell"}, Stdin: "use b,c\nping -o csv --columns profile,response.ping\n"}).exec(t)
	want := "profile,response.ping\nb,Pong\nc,Pong\n"
	if r.Code != 0 || !strings.HasSuffix(r.Stdout, want) || strings.Contains(r.Stdout, "==") {
		t.Errorf("exit %d stderr %q stdout:\n%s\nwant it to end %q", r.Code, r.Stderr, r.Stdout, want)
	}
}

// TestShellUseFleetUsage: after `use b,c` a line is checked as `amsh -p
// b,c LINE` is: --parallel below 1 and --host (one server for several
// profiles) are usage errors, and nothing is dialled for them.
func TestShellUseFleetUsage(t *testing.T) {
	a := amitest.New(t, shellSession)
	b := amitest.NewParallel(t, 1, sessionOrPing(t))
	host := amitest.New(t, fxNeverDialed)
	cfg := fleetProfiles(t, []string{"a", "b", "c"}, map[string]string{"a": a.Addr(), "b": b.Addr(), "c": amitest.ClosedAddr(t)}, "")
	r := &run{Args: []string{"--config", cfg, "-p", "a", "shell"}, Stdin: "use b,c\nping --host " + host.Addr() + "\nping --parallel 0\n"}
	done := make(chan struct{})
	go func() { r.exec(t); close(done) }()
	select {
	case <-done:
	case <-time.After(10 * time.Second):
		t.Fatal("the shell did not finish in 10s")
	}
	want := "amsh: --host ($AMSH_HOST) names one server; it cannot go with 2 profiles\n" +
		"amsh: --parallel 0: want at least 1\n"
	if r.Code != ExitUsage || r.Stderr != want {
		t.Errorf("exit %d stderr %q stdout:\n%s\nwant exit %d stderr %q", r.Code, r.Stderr, r.Stdout, ExitUsage, want)
	}
}
