package cmd

import (
	"fmt"
	"path/filepath"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"testing"

	"github.com/amsh/amsh/internal/amitest"
	"github.com/amsh/amsh/internal/sandboxtest"
)

// Helpers shared by the command, action, ping, events and decode tests
// (prefixed fx so they cannot collide with other commands' test helpers).

// fxExec runs amsh once against a fresh fake server running script.
func fxExec(t *testing.T, tty bool, stdin string, script func(c *amitest.Conn), args ...string) *run {
	t.Helper()
	fs := amitest.New(t, script)
	cfg := profilesFile(t, fs.Addr(), "")
	return (&run{Args: append([]string{"--config", cfg}, args...), TTY: tty, Stdin: stdin}).exec(t)
}

// fxGolden runs args twice against script, with plain streams and on a
// terminal (width 100, colour), and compares each transcript with
// testdata/NAME.plain and testdata/NAME.tty.
func fxGolden(t *testing.T, name string, script func(c *amitest.Conn), args ...string) (plain, tty *run) {
	t.Helper()
	plain = fxExec(t, false, "", script, args...)
	golden(t, name+".plain", fxTranscript(plain, args))
	tty = fxExec(t, true, "y\n", script, args...)
	golden(t, name+".tty", fxTranscript(tty, args))
	return plain, tty
}

var (
	fxActionID = regexp.MustCompile(`amsh-[0-9a-f]+-\d+-\d+`)
	fxAddr     = regexp.MustCompile(`127\.0\.0\.1:\d+`)
)

// fxTranscript is what a golden file holds: the command line, the exit code,
// stdout and stderr, with what changes from run to run (ActionIDs, the fake
// server's port) replaced.
func fxTranscript(r *run, args []string) string {
	line := make([]string, len(args))
	for i, a := range args {
		line[i] = a
		if a == "" || strings.ContainsAny(a, " \"'\\\r\n*!~[") {
			line[i] = strconv.Quote(a)
		}
	}
	s := fmt.Sprintf("$ amsh %s\nexit %d\n--- stdout\n%s--- stderr\n%s", strings.Join(line, " "), r.Code, r.Stdout, r.Stderr)
	s = fxActionID.ReplaceAllString(s, "ACTIONID")
	return fxAddr.ReplaceAllString(s, "127.0.0.1:PORT")
}

// fxLogin answers the login and checks the event mask it asked for.
func fxLogin(c *amitest.Conn, events string) {
	a, ok := c.Read()
	if !ok {
		c.T.Errorf("fake AMI server: want Login, the client sent nothing")
		return
	}
	if got := a.Get("Events"); !strings.EqualFold(got, events) {
		c.T.Errorf("Login asked for Events: %q, want %q", got, events)
	}
	c.Reply(a, "Success", "Message: Authentication accepted")
}

// fxBye answers the Logoff that ends a successful command.
func fxBye(c *amitest.Conn) {
	a := c.Expect("Logoff")
	c.Reply(a, "Goodbye", "Message: Thanks for all the fish.")
}

// fxNeverDialed is a script for a server that must not be reached.
func fxNeverDialed(c *amitest.Conn) {
	c.T.Errorf("amsh connected, but it should have stopped before dialing")
}

// fxSandbox returns the sandbox and its ready-made profiles file (profiles
// sandbox, sandbox-tls and restricted).
func fxSandbox(t *testing.T) (*sandboxtest.Sandbox, string) {
	t.Helper()
	sb := sandboxtest.Get(t)
	return sb, filepath.Join(sb.Dir, "profiles.yaml")
}

// commandScript answers one Command with the given reply lines (after
// Response and ActionID), checking the CLI text it carries.
func commandScript(cli, response string, lines ...string) func(c *amitest.Conn) {
	return func(c *amitest.Conn) {
		fxLogin(c, "off")
		a := c.Expect("Command")
		if got := a.Get("Command"); got != cli {
			c.T.Errorf("Command: %q, want %q", got, cli)
		}
		c.Reply(a, response, lines...)
		if response == "Success" {
			fxBye(c)
		}
	}
}

// coreShowChannels14 is Asterisk 14+'s reply: Output lines, an empty one and
// one indented as CLI columns are included.
var coreShowChannels14 = []string{
	"Message: Command output follows",
	"Output: Channel              Location             State   Application(Data)             ",
	"Output: PJSIP/101-00000001   s@default:1          Up      Dial(PJSIP/102,30)            ",
	"Output: ",
	"Output:   indented: Key: value",
	"Output: 1 active channel",
	"Output: 1 active call",
}

func TestCommand(t *testing.T) {
	for _, format := range []string{"text", "json", "yaml", "raw"} {
		t.Run(format, func(t *testing.T) {
			plain, _ := fxGolden(t, "command/core-show-channels."+format,
				commandScript("core show channels", "Success", coreShowChannels14...),
				"-o", format, "command", "core", "show", "channels")
			if plain.Code != 0 {
				t.Errorf("exit %d, stderr %q", plain.Code, plain.Stderr)
			}
		})
	}
}

// TestCommandLegacy: 1.4-13 send the CLI text as a body ended by
// --END COMMAND--, with bare "\n" line ends and lines that look like headers.
func TestCommandLegacy(t *testing.T) {
	script := func(c *amitest.Conn) {
		fxLogin(c, "off")
		a := c.Expect("Command")
		c.Send("Response: Follows\r\nPrivilege: Command\r\nActionID: " + a.ID() + "\r\n" +
			"Channel              Location             State   Application(Data)\n" +
			"SIP/101-0000000a     s@default:1          Up      Dial(SIP/102,30)\n" +
			"\n" +
			"Response: this line looks like a header\n" +
			"1 active channel\n" +
			"--END COMMAND--\r\n\r\n")
		fxBye(c)
	}
	for _, format := range []string{"text", "json"} {
		fxGolden(t, "command/legacy."+format, script, "-o", format, "command", "core show channels")
	}
}

// TestCommandError: Asterisk 14+ answers an unknown or malformed CLI command
// with Response: Error and the CLI's text in Output lines. Nothing goes to
// stdout; a one-line text becomes the error, a longer one is printed above it.
func TestCommandError(t *testing.T) {
	oneLine := commandScript("foo bar", "Error",
		"Message: Command output follows",
		"Output: No such command 'foo bar' (type 'core show help foo bar' for other possible commands)")
	for _, format := range []string{"text", "json"} {
		r, _ := fxGolden(t, "command/unknown."+format, oneLine, "-o", format, "command", "foo", "bar")
		if r.Code != ExitAsterisk || r.Stdout != "" || !strings.Contains(r.Stderr, "No such command 'foo bar'") ||
			strings.Count(r.Stderr, "\n") != 1 {
			t.Errorf("-o %s: exit %d stdout %q stderr %q; want exit 1, the CLI text on one stderr line", format, r.Code, r.Stdout, r.Stderr)
		}
	}
	usage := commandScript("core show channels foo", "Error",
		"Message: Command output follows",
		"Output: Usage: core show channels [concise|verbose|count]",
		"Output:        Lists currently defined channels and some information about them.",
		"Output: ")
	r, _ := fxGolden(t, "command/usage", usage, "command", "core", "show", "channels", "foo")
	if r.Code != ExitAsterisk || r.Stdout != "" || !strings.HasPrefix(r.Stderr, "Usage: core show channels") {
		t.Errorf("exit %d stdout %q stderr %q; want exit 1 and the usage text on stderr", r.Code, r.Stdout, r.Stderr)
	}
	denied := commandScript("core show version", "Error", "Message: Permission denied")
	r, _ = fxGolden(t, "command/denied", denied, "command", "core", "show", "version")
	if r.Code != ExitAsterisk || !strings.Contains(r.Stderr, "Permission denied") {
		t.Errorf("exit %d stderr %q; want exit 1 and Permission denied", r.Code, r.Stderr)
	}
}

func TestCommandConfirm(t *testing.T) {
	stop := commandScript("core stop now", "Success", "Message: Command output follows", "Output: ")

	// On a terminal, "n" stops before dialing.
	r := fxExec(t, true, "n\n", fxNeverDialed, "command", "core", "stop", "now")
	golden(t, "command/stop-refused", fxTranscript(r, []string{"command", "core", "stop", "now"}))
	if r.Code != ExitAsterisk || !strings.Contains(r.Stderr, `run "core stop now" on profile fake (127.0.0.1:`) {
		t.Errorf("refused: exit %d stderr %q", r.Code, r.Stderr)
	}
	// "y" goes ahead; so do --yes and a non-terminal, without a question.
	for _, c := range []struct {
		tty   bool
		stdin string
		args  []string
	}{
		{true, "y\n", []string{"command", "core", "stop", "now"}},
		{true, "", []string{"-y", "command", "core stop now"}},
		{false, "", []string{"command", "core", "stop", "now"}},
	} {
		r := fxExec(t, c.tty, c.stdin, stop, c.args...)
		asked := strings.Contains(r.Stderr, "[y/N]")
		if r.Code != 0 || asked != (c.stdin != "") {
			t.Errorf("%v tty=%v: exit %d stderr %q", c.args, c.tty, r.Code, r.Stderr)
		}
	}
}

func TestDestructiveCLI(t *testing.T) {
	for _, c := range []struct {
		words []string
		want  bool
	}{
		{[]string{"core", "stop", "now"}, true},
		{[]string{"core", "stop", "gracefully"}, true},
		{[]string{"core restart when convenient"}, true},
		{[]string{"CORE", "Restart", "now"}, true},
		{[]string{"stop", "now"}, true}, // Asterisk 1.4
		{[]string{"restart", "gracefully"}, true},
		{[]string{"core", "show", "channels"}, false},
		{[]string{"core", "show", "help", "stop"}, false},
		{[]string{"module", "reload", "res_pjsip.so"}, false},
		{[]string{"stopmonitor"}, false},
		{[]string{"core"}, false},
	} {
		if got := destructiveCLI(c.words); got != c.want {
			t.Errorf("destructiveCLI(%q) = %v, want %v", c.words, got, c.want)
		}
	}
}

func TestCommandUnsafe(t *testing.T) {
	r := fxExec(t, false, "", fxNeverDialed, "command", "core show version\r\n\r\nAction: Hangup")
	if r.Code != ExitUsage || r.Stdout != "" || !strings.Contains(r.Stderr, "line break") {
		t.Errorf("exit %d stdout %q stderr %q; want exit 2 and nothing sent", r.Code, r.Stdout, r.Stderr)
	}
}

func TestCommandSandbox(t *testing.T) {
	sb, cfg := fxSandbox(t)
	r := (&run{Args: []string{"--config", cfg, "command", "core", "show", "version"}}).exec(t)
	want := sb.Rx(t, "core show version")
	if r.Code != 0 || strings.TrimSpace(r.Stdout) != strings.TrimSpace(want) {
		t.Errorf("exit %d stdout %q stderr %q; want %q", r.Code, r.Stdout, r.Stderr, want)
	}

	// Both output forms carry the same lines.
	r = (&run{Args: []string{"--config", cfg, "-o", "json", "command", "core show version"}}).exec(t)
	if r.Code != 0 || !strings.Contains(r.Stdout, `"output": [`) || !strings.Contains(r.Stdout, strconv.Quote(strings.TrimSpace(want))) {
		t.Errorf("-o json: exit %d stdout %q", r.Code, r.Stdout)
	}

	r = (&run{Args: []string{"--config", cfg, "command", "amsh", "no", "such", "thing"}}).exec(t)
	if r.Code != ExitAsterisk || r.Stdout != "" ||
		!strings.Contains(r.Stderr, "No such command 'amsh no such thing'") || !strings.Contains(r.Stderr, "profile sandbox") {
		t.Errorf("unknown command: exit %d stdout %q stderr %q", r.Code, r.Stdout, r.Stderr)
	}

	r = (&run{Args: []string{"--config", cfg, "-p", "restricted", "command", "core", "show", "version"}}).exec(t)
	if r.Code != ExitAsterisk || !strings.Contains(r.Stderr, "Permission denied") {
		t.Errorf("restricted: exit %d stderr %q", r.Code, r.Stderr)
	}
}

func TestNewCmdCommand(t *testing.T) {
	opts, err := parseCmd(t, NewCmdCommand, "", "core", "show", "channels")
	if err != nil || !slices.Equal(opts.Words, []string{"core", "show", "channels"}) || opts.Confirm == nil || opts.Connection == nil {
		t.Errorf("command core show channels: %+v, %v", opts, err)
	}
	opts, err = parseCmd(t, NewCmdCommand, "", "--", "manager show command Ping")
	if err != nil || !slices.Equal(opts.Words, []string{"manager show command Ping"}) {
		t.Errorf("command -- 'manager show command Ping': %+v, %v", opts, err)
	}
	_, err = parseCmd(t, NewCmdCommand, "")
	wantUsageError(t, err, `command: needs WORDS...`)
}
