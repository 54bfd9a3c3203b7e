package shell_test

import (
	"bytes"
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/amsh/amsh/cmd"
	"github.com/amsh/amsh/internal/amitest"
)

// amsh runs `amsh ARGS` with stdin not a terminal, as a script would.
func amsh(t *testing.T, addr, stdin string, args ...string) (stdout, stderr string, code int) {
	t.Helper()
	host, port, _ := strings.Cut(addr, ":")
	path := filepath.Join(t.TempDir(), "profiles.yaml")
	body := "default: fake\nprofiles:\n  fake:\n    host: " + host + "\n    port: " + port +
		"\n    username: amsh\n    secret: s3cret\n    auth: plain\n"
	if err := os.WriteFile(path, []byte(body), 0o600); err != nil {
		t.Fatal(err)
	}
	var out, errOut bytes.Buffer
	env := map[string]string{"AMSH_CONFIG": path}
	ios := &cmd.IOStreams{In: strings.NewReader(stdin), Out: &out, ErrOut: &errOut, Getenv: func(k string) string { return env[k] }}
	f := cmd.NewFactory(ios)
	f.ReadSecret = nil
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	code = cmd.Run(ctx, f, args)
	return out.String(), errOut.String(), code
}

func TestBatchOverCmd(t *testing.T) {
	fs := amitest.New(t, func(c *amitest.Conn) {
		c.AcceptLogin()
		a := c.Expect("Ping")
		c.Reply(a, "Success", "Ping: Pong", "Timestamp: 1.0")

		a = c.Expect("Command")
		if got := a.Get("Command"); got != "core show uptime" {
			t.Errorf("!core show uptime sent Command %q", got)
		}
		c.Reply(a, "Success", "Output: System uptime: 1 hour")

		a = c.Expect("Setvar")
		if got := a.Values("Variable"); len(got) != 2 || got[0] != "x" || got[1] != "y" || a.Get("Value") != "two words" {
			t.Errorf("Setvar line sent %q", a.Raw)
		}
		c.Reply(a, "Success")

		a = c.Expect("Bogus")
		c.Reply(a, "Error", "Message: Invalid/unknown command: Bogus.")

		// "nosuch" is lower case: is it an action the server has? Asked once.
		a = c.Expect("ListCommands")
		c.Reply(a, "Success", "Ping: Keepalive command.  (Priv: <none>)", "Originate: Originate a call.  (Priv: originate,all)")

		a = c.Expect("Originate") // a raw block; no confirmation without a terminal
		if got := a.Values("Variable"); len(got) != 2 || got[0] != "A=1" || got[1] != "B=2" || a.Get("Channel") != "Local/long@amsh" {
			t.Errorf("raw block sent %q", a.Raw)
		}
		c.Reply(a, "Success", "Message: Originate successfully queued")

		a = c.Expect("CoreShowChannels")
		c.Reply(a, "Success", "EventList: start", "Message: Channels will follow")
		id := a.ID()
		c.Send("Event: CoreShowChannel\r\nActionID: " + id + "\r\nChannel: Local/long@amsh-0001;1\r\nChannelState: 6\r\n\r\n" +
			"Event: CoreShowChannelsComplete\r\nActionID: " + id + "\r\nEventList: Complete\r\nListItems: 1\r\n\r\n")

		a = c.Expect("Ping")
		c.Reply(a, "Success", "Ping: Pong")

		a = c.Expect("Logoff")
		c.Reply(a, "Goodbye", "Message: Thanks for all the fish.")
	})
	script := strings.Join([]string{
		"ping",
		"!core show uptime",
		`Setvar Variable=x Variable=y Value="two words"`,
		"Bogus",
		"nosuch",
		"Action: Originate",
		"Channel: Local/long@amsh",
		"Application: Wait",
		"Variable: A=1",
		"Variable: B=2",
		"",
		"CoreShowChannels",
		"Ping",
	}, "\n") + "\n"
	stdout, stderr, code := amsh(t, fs.Addr(), script)
	if code != 1 {
		t.Errorf("exit %d, want 1: Bogus (Asterisk said Error) was the first failure", code)
	}
	for _, want := range []string{
		"Pong from " + fs.Addr(),
		"System uptime: 1 hour\n",
		"Originate successfully queued",
		"Local/long@amsh-0001;1",
		"6 (Up)",
	} {
		if !strings.Contains(stdout, want) {
			t.Errorf("stdout lacks %q:\n%s", want, stdout)
		}
	}
	if strings.Contains(stdout, "\x1b[") {
		t.Errorf("colour in batch output: %q", stdout)
	}
	lines := strings.Split(strings.TrimSpace(stderr), "\n")
	if len(lines) != 2 || !strings.HasPrefix(lines[0], "amsh: ") || !strings.Contains(lines[0], "Bogus") ||
		!strings.Contains(lines[1], `unknown command "nosuch"`) {
		t.Errorf("stderr, want one error line per failure:\n%s", stderr)
	}
}

func TestBatchExplicitShellAndExit(t *testing.T) {
	fs := amitest.New(t, func(c *amitest.Conn) {
		c.AcceptLogin()
		a := c.Expect("Logoff")
		c.Reply(a, "Goodbye")
	})
	_, stderr, code := amsh(t, fs.Addr(), "exit 3\nping\n", "shell")
	if code != 3 || stderr != "" {
		t.Errorf("exit %d, stderr %q; want 3 and nothing", code, stderr)
	}
}

func TestBatchConnectionFailures(t *testing.T) {
	fs := amitest.New(t, func(c *amitest.Conn) {
		a := c.Expect("Login")
		c.Reply(a, "Error", "Message: Authentication failed")
	})
	if _, stderr, code := amsh(t, fs.Addr(), "ping\n"); code != cmd.ExitAuth || !strings.Contains(stderr, "Authentication failed") {
		t.Errorf("refused login: exit %d, stderr %q", code, stderr)
	}

	addr := amitest.ClosedAddr(t)
	if _, stderr, code := amsh(t, addr, "ping\n"); code != cmd.ExitConn || !strings.Contains(stderr, addr) {
		t.Errorf("refused connection: exit %d, stderr %q", code, stderr)
	}
}
