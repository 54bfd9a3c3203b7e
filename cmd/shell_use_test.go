package cmd

import (
	"regexp"
	"strings"
	"testing"

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

// TestShellUse: after `use b,c` the shell's session is b's (a is logged
// off), each line runs on b and c as `amsh -p b,c LINE` would, and the
// line's flags and the shell's (-o given to amsh) both apply.
func TestShellUse(t *testing.T) {
	a := amitest.New(t, shellSession)
	b := amitest.NewParallel(t, 3, func(c *amitest.Conn) {
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
	})
	c := amitest.NewN(t, 2, pingScript(0))
	cfg := fleetProfiles(t, []string{"a", "b", "c"}, map[string]string{"a": a.Addr(), "b": b.Addr(), "c": c.Addr()}, "groups:\n  bc: [b, c]\n")
	r := (&run{Args: []string{"--config", cfg, "-p", "a", "-o", "yaml", "shell"}, Stdin: "use bc\nping\nuse\nping -o json --jq '.[].profile'\n"}).exec(t)
	want := regexp.MustCompile(`^- profile: b\n  host: 127.0.0.1:\d+\n  address: 127.0.0.1:\d+\n(?s:.*)- profile: c\n(?s:.*)` +
		`using b, c \(events and Tab completion from b\)\nb\nc\n$`)
	if r.Code != 0 || !want.MatchString(r.Stdout) || r.Stderr != "" {
		t.Errorf("exit %d stderr %q stdout:\n%s\nwant %s", r.Code, r.Stderr, r.Stdout, want)
	}
}
