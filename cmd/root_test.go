package cmd

import (
	"strings"
	"testing"

	"github.com/amsh/amsh/internal/amitest"
)

func TestVersion(t *testing.T) {
	r := (&run{Args: []string{"version"}}).exec(t)
	if r.Code != 0 || !strings.HasPrefix(r.Stdout, "amsh ") || !strings.Contains(r.Stdout, "go1.") {
		t.Fatalf("version: code %d stdout %q stderr %q", r.Code, r.Stdout, r.Stderr)
	}
}

func TestGlobalFlagErrors(t *testing.T) {
	for _, args := range [][]string{
		{"-o", "xml", "version"},
		{"--color", "sometimes", "version"},
		{"--no-such-flag"},
		{"--timeout", "soon", "version"},
		{"version", "extra"},
		{"nosuchcommand"},
		{"queue", "remove", "onlyone"},
	} {
		r := (&run{Args: args}).exec(t)
		if r.Code != ExitUsage || !strings.HasPrefix(r.Stderr, "amsh: ") || strings.Count(r.Stderr, "\n") != 1 {
			t.Errorf("%v: code %d stderr %q; want exit 2 and one line", args, r.Code, r.Stderr)
		}
	}
}

func TestBareRunsTheShell(t *testing.T) {
	fs := amitest.New(t, func(c *amitest.Conn) {
		c.AcceptLogin()
		a := c.Expect("Ping")
		c.Reply(a, "Success", "Ping: Pong")
		a = c.Expect("Logoff")
		c.Reply(a, "Goodbye", "Message: Thanks for all the fish.")
	})
	cfg := profilesFile(t, fs.Addr(), "")
	r := (&run{Args: []string{"--config", cfg}, Stdin: "ping\n"}).exec(t) // stdin not a TTY: batch
	if r.Code != 0 || !strings.HasPrefix(r.Stdout, "Pong from "+fs.Addr()) || r.Stderr != "" {
		t.Fatalf("code %d stdout %q stderr %q", r.Code, r.Stdout, r.Stderr)
	}
}

func TestExitCodes(t *testing.T) {
	refused := amitest.New(t, func(c *amitest.Conn) {
		a, _ := c.Read()
		c.Reply(a, "Error", "Message: Authentication failed")
	})
	cfg := profilesFile(t, refused.Addr(), "")
	if r := (&run{Args: []string{"--config", cfg}}).exec(t); r.Code != ExitAuth {
		t.Errorf("auth failure: code %d stderr %q", r.Code, r.Stderr)
	}
	closed := profilesFile(t, "127.0.0.1:1", "")
	if r := (&run{Args: []string{"--config", closed}}).exec(t); r.Code != ExitConn || !strings.Contains(r.Stderr, "127.0.0.1:1") {
		t.Errorf("closed port: code %d stderr %q", r.Code, r.Stderr)
	}
	if r := (&run{Args: []string{"--config", cfg, "-p", "nope"}}).exec(t); r.Code != ExitUsage {
		t.Errorf("unknown profile: code %d stderr %q", r.Code, r.Stderr)
	}
	if r := (&run{Args: []string{"--host", "127.0.0.1:1", "--user", "x"}}).exec(t); r.Code != ExitUsage || !strings.Contains(r.Stderr, "AMSH_SECRET") {
		t.Errorf("no secret: code %d stderr %q", r.Code, r.Stderr)
	}
}
