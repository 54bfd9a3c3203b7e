package cmd

import (
	"fmt"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/amsh/amsh/internal/amitest"
	"github.com/amsh/amsh/internal/sandboxtest"
)

// Helpers shared by the originate, hangup, queue and sippeers tests.

// pbxExec runs amsh once against a fresh fake server running script.
func pbxExec(t *testing.T, tty bool, stdin string, script func(c *amitest.Conn), args ...string) *run {
	t.Helper()
	fs := amitest.New(t, script)
	cfg := profilesFile(t, fs.Addr(), "")
	return (&run{Args: append([]string{"--config", cfg}, args...), TTY: tty, Stdin: stdin}).exec(t)
}

// pbxGolden runs args twice, once with plain streams and once on a terminal
// (width 100, colour, answering "y" to a confirmation), and compares each
// transcript with testdata/NAME.plain and testdata/NAME.tty.
func pbxGolden(t *testing.T, name string, script func(c *amitest.Conn), args ...string) (plain, tty *run) {
	t.Helper()
	plain = pbxExec(t, false, "", script, args...)
	golden(t, name+".plain", pbxTranscript(plain, args))
	tty = pbxExec(t, true, "y\n", script, args...)
	golden(t, name+".tty", pbxTranscript(tty, args))
	return plain, tty
}

var pbxActionID = regexp.MustCompile(`amsh-[0-9a-f]+-\d+-\d+`)

// pbxTranscript is what a golden file holds: the command line, the exit
// code, stdout and stderr, with session-made ActionIDs replaced.
func pbxTranscript(r *run, args []string) string {
	line := make([]string, len(args))
	for i, a := range args {
		line[i] = a
		if a == "" || strings.ContainsAny(a, " \"'\\\r\n") {
			line[i] = strconv.Quote(a)
		}
	}
	s := fmt.Sprintf("$ amsh %s\nexit %d\n--- stdout\n%s--- stderr\n%s", strings.Join(line, " "), r.Code, r.Stdout, r.Stderr)
	return pbxActionID.ReplaceAllString(s, "ACTIONID")
}

// pbxBye answers the Logoff that ends a successful command; a command that
// failed closes the connection without one, which is fine too.
func pbxBye(c *amitest.Conn) {
	a, ok := c.Read()
	if !ok {
		return
	}
	if !strings.EqualFold(a.Get("Action"), "Logoff") {
		c.T.Errorf("fake AMI server: want Logoff or a close, got %q", a.Raw)
	}
	c.Reply(a, "Goodbye", "Message: Thanks for all the fish.")
}

// pbxList answers a with EventList start, the events (each "Key: Value"
// lines without ActionID) and the Complete event.
func pbxList(c *amitest.Conn, a *amitest.Action, message, complete string, events ...string) {
	id := a.ID()
	var b strings.Builder
	fmt.Fprintf(&b, "Response: Success\nActionID: %s\nEventList: start\nMessage: %s\n\n", id, message)
	for _, ev := range events {
		fmt.Fprintf(&b, "%s\nActionID: %s\n\n", strings.TrimRight(ev, "\n"), id)
	}
	fmt.Fprintf(&b, "Event: %s\nActionID: %s\nEventList: Complete\nListItems: %d\n\n", complete, id, len(events))
	c.Send(b.String())
}

// pbxWant checks one header of an action the fake server received.
func pbxWant(c *amitest.Conn, a *amitest.Action, key string, want ...string) {
	if got := a.Values(key); !slices.Equal(got, want) {
		c.T.Errorf("%s %s: got %q, want %q", a.Get("Action"), key, got, want)
	}
}

// pbxUnreachable is a profiles file whose server refuses connections: a
// command that fails with exit 2 against it has not dialled.
func pbxUnreachable(t *testing.T) string { return profilesFile(t, "127.0.0.1:1", "") }

func TestOriginateQueued(t *testing.T) {
	t.Parallel()
	script := func(c *amitest.Conn) {
		c.AcceptLogin()
		a := c.Expect("Originate")
		pbxWant(c, a, "Channel", "PJSIP/alice")
		pbxWant(c, a, "Exten", "100")
		pbxWant(c, a, "Context", "from-internal")
		pbxWant(c, a, "Priority", "1")
		pbxWant(c, a, "Async", "true")
		pbxWant(c, a, "Application")
		pbxWant(c, a, "Variable")
		pbxWant(c, a, "Timeout")
		c.Reply(a, "Success", "Message: Originate successfully queued")
		pbxBye(c)
	}
	plain, tty := pbxGolden(t, "originate/queued", script, "originate", "PJSIP/alice", "--exten", "100", "--context", "from-internal")
	if plain.Code != 0 || tty.Code != 0 || !strings.Contains(tty.Stderr, "[y/N]") {
		t.Errorf("codes %d %d; tty stderr %q (want a confirmation)", plain.Code, tty.Code, tty.Stderr)
	}
}

// originateWaitScript answers Originate and, after an OriginateResponse of
// some other action (which must be ignored), sends this one's.
func originateWaitScript(reason, response, channel string) func(c *amitest.Conn) {
	return func(c *amitest.Conn) {
		a, _ := c.Read()
		if a.Get("Events") != "call" {
			c.T.Errorf("Login Events = %q, want call", a.Get("Events"))
		}
		c.Reply(a, "Success", "Message: Authentication accepted")
		a = c.Expect("Originate")
		pbxWant(c, a, "Async", "true")
		pbxWant(c, a, "Application", "Wait")
		pbxWant(c, a, "Data", "5")
		c.Reply(a, "Success", "Message: Originate successfully queued")
		c.Send("Event: OriginateResponse\nPrivilege: call,all\nActionID: someone-else-1\nResponse: Success\n" +
			"Channel: PJSIP/bob-00000001\nReason: 4\nUniqueid: 99.1\n\n")
		c.Send("Event: Newchannel\nPrivilege: call,all\nChannel: " + channel + "\nUniqueid: 1700000000.7\n\n")
		c.Send("Event: OriginateResponse\nPrivilege: call,all\nActionID: " + a.ID() + "\nResponse: " + response +
			"\nChannel: " + channel + "\nApplication: Wait\nData: 5\nReason: " + reason +
			"\nUniqueid: 1700000000.7\nCallerIDNum: <unknown>\nCallerIDName: <unknown>\n\n")
		pbxBye(c)
	}
}

func TestOriginateWaitReasons(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		reason, response, channel string
		code                      int
		stderr                    string
	}{
		{"4", "Success", "Local/long@amsh-00000001;1", 0, ""},
		{"5", "Failure", "Local/busy@amsh", ExitNotAnswered, "not answered: 5 (Busy)"},
		{"3", "Failure", "Local/ring@amsh", ExitNotAnswered, "not answered: 3 (Ringing (no answer))"},
		{"0", "Failure", "Local/nope@amsh", ExitNotAnswered, "not answered: 0 (Failure: no such extension"},
		{"8", "Failure", "Local/congested@amsh", ExitNotAnswered, "not answered: 8 (Congestion)"},
		{"1", "Failure", "Local/hangup@amsh", ExitNotAnswered, "not answered: 1 (Hangup (not answered))"},
	} {
		t.Run("reason"+tc.reason, func(t *testing.T) {
			t.Parallel()
			target := strings.TrimSuffix(tc.channel, "-00000001;1")
			plain, tty := pbxGolden(t, "originate/wait-reason-"+tc.reason, originateWaitScript(tc.reason, tc.response, tc.channel),
				"originate", target, "--app", "Wait", "--data", "5", "--wait")
			for _, r := range []*run{plain, tty} {
				if r.Code != tc.code || !strings.Contains(r.Stderr, tc.stderr) {
					t.Errorf("tty=%v: code %d stderr %q; want %d and %q", r == tty, r.Code, r.Stderr, tc.code, tc.stderr)
				}
			}
			if tc.code == 0 && !strings.Contains(plain.Stdout, "answered") {
				t.Errorf("stdout %q: want answered", plain.Stdout)
			}
			if tc.code != 0 && plain.Stdout != "" {
				t.Errorf("not answered: stdout %q, want nothing (the reason goes to stderr)", plain.Stdout)
			}
		})
	}
}

func TestOriginateWaitJSON(t *testing.T) {
	t.Parallel()
	r := pbxExec(t, false, "", originateWaitScript("5", "Failure", "Local/busy@amsh"),
		"-o", "json", "originate", "Local/busy@amsh", "--app", "Wait", "--data", "5", "--wait")
	golden(t, "originate/wait-json.plain", pbxTranscript(r, []string{"-o", "json", "originate", "Local/busy@amsh", "--app", "Wait", "--data", "5", "--wait"}))
	if r.Code != ExitNotAnswered || !strings.Contains(r.Stdout, `"Reason": "5"`) {
		t.Errorf("code %d stdout %q", r.Code, r.Stdout)
	}
}

func TestOriginateWaitTimeout(t *testing.T) {
	t.Parallel()
	r := pbxExec(t, false, "", func(c *amitest.Conn) {
		c.AcceptLogin()
		a := c.Expect("Originate")
		pbxWant(c, a, "Timeout", "100")
		c.Reply(a, "Success", "Message: Originate successfully queued")
		c.Read() // no OriginateResponse ever: wait for amsh to give up and close
	}, "--timeout", "300ms", "originate", "Local/long@amsh", "--app", "Wait", "--wait", "--answer-timeout", "100ms")
	if r.Code != ExitConn || !strings.Contains(r.Stderr, "no OriginateResponse within 400ms") {
		t.Errorf("code %d stderr %q; want exit 5 and a timeout", r.Code, r.Stderr)
	}
}

func TestOriginateHeaders(t *testing.T) {
	t.Parallel()
	r := pbxExec(t, false, "", func(c *amitest.Conn) {
		c.AcceptLogin()
		a := c.Expect("Originate")
		pbxWant(c, a, "Channel", "PJSIP/trunk/5551234")
		pbxWant(c, a, "Application", "Playback")
		pbxWant(c, a, "Data", "tt-monkeys")
		pbxWant(c, a, "Exten")
		pbxWant(c, a, "Priority")
		// One Variable header each, never comma-joined; separators escaped.
		pbxWant(c, a, "Variable", "A=1", `B=2\,3`, `C=say \"hi\" \\o/`, "D=")
		pbxWant(c, a, "CallerID", `"Dialer" <200>`)
		pbxWant(c, a, "Account", "acme")
		pbxWant(c, a, "Timeout", "20000")
		pbxWant(c, a, "Codecs", "ulaw,alaw")
		pbxWant(c, a, "EarlyMedia", "true")
		pbxWant(c, a, "ChannelId", "call-1")
		pbxWant(c, a, "Async", "true")
		c.Reply(a, "Success", "Message: Originate successfully queued")
		pbxBye(c)
	}, "-y", "originate", "PJSIP/trunk/5551234", "--app", "Playback", "--data", "tt-monkeys",
		"--var", "A=1", "--var", "B=2,3", "--var", `C=say "hi" \o/`, "--var", "D=",
		"--caller-id", `"Dialer" <200>`, "--account", "acme", "--answer-timeout", "20s",
		"--codecs", "ulaw,alaw", "--early-media", "--channel-id", "call-1")
	if r.Code != 0 {
		t.Errorf("code %d stderr %q", r.Code, r.Stderr)
	}
}

func TestOriginateRefusesInjection(t *testing.T) {
	t.Parallel()
	for _, args := range [][]string{
		{"--var", "A=1\r\nAction: Hangup\r\nChannel: /.*/"},
		{"--var", "A=1\nB=2"},
		{"--caller-id", "x\r\n\r\nAction: Logoff"},
		{"--data", "5\n"},
	} {
		var dialled atomic.Bool
		fs := amitest.New(t, func(c *amitest.Conn) {
			dialled.Store(true)
			c.AcceptLogin()
			if a, ok := c.Read(); ok && strings.EqualFold(a.Get("Action"), "Originate") {
				c.T.Errorf("the server received an Originate: %q", a.Raw)
			}
		})
		cfg := profilesFile(t, fs.Addr(), "")
		full := append([]string{"--config", cfg, "-y", "originate", "Local/long@amsh", "--app", "Wait"}, args...)
		r := (&run{Args: full}).exec(t)
		if r.Code != ExitUsage || strings.Count(r.Stderr, "\n") != 1 {
			t.Errorf("%q: code %d stderr %q; want exit 2 in one line", args, r.Code, r.Stderr)
		}
		if strings.Contains(r.Stderr, "Hangup") || strings.Contains(r.Stderr, "Logoff") {
			t.Errorf("%q: the error quotes the value: %q", args, r.Stderr)
		}
		if dialled.Load() {
			t.Errorf("%q: amsh connected before refusing", args)
		}
	}
}

func TestOriginateUsage(t *testing.T) {
	t.Parallel()
	cfg := pbxUnreachable(t)
	for _, args := range [][]string{
		{"originate"},
		{"originate", "A", "B", "--app", "Wait"},
		{"originate", "Local/long@amsh"},
		{"originate", "Local/long@amsh", "--exten", "100"},
		{"originate", "Local/long@amsh", "--exten", "100", "--context", "c", "--app", "Wait"},
		{"originate", "Local/long@amsh", "--app", "Wait", "--context", "c"},
		{"originate", "Local/long@amsh", "--app", "Wait", "--priority", "2"},
		{"originate", "Local/long@amsh", "--exten", "100", "--context", "c", "--data", "x"},
		{"originate", "Local/long@amsh", "--app", "Wait", "--var", "NOVALUE"},
		{"originate", "Local/long@amsh", "--app", "Wait", "--var", "=x"},
		{"originate", "Local/long@amsh", "--app", "Wait", "--answer-timeout", "-1s"},
		{"originate", "Local/long@amsh", "--app", "Wait", "--answer-timeout", "soon"},
	} {
		r := (&run{Args: append([]string{"--config", cfg, "-y"}, args...)}).exec(t)
		if r.Code != ExitUsage || strings.Count(r.Stderr, "\n") != 1 {
			t.Errorf("%q: code %d stderr %q; want exit 2 in one line", args, r.Code, r.Stderr)
		}
	}
}

func TestOriginateNotConfirmed(t *testing.T) {
	t.Parallel()
	r := (&run{Args: []string{"--config", pbxUnreachable(t), "originate", "Local/long@amsh", "--app", "Wait"}, TTY: true, Stdin: "n\n"}).exec(t)
	if r.Code != ExitAsterisk || !strings.Contains(r.Stderr, "originate a call on Local/long@amsh? [y/N]") ||
		!strings.Contains(r.Stderr, "nothing done") {
		t.Errorf("code %d stderr %q", r.Code, r.Stderr)
	}
}

func TestOriginatePermissionDenied(t *testing.T) {
	t.Parallel()
	r := pbxExec(t, false, "", func(c *amitest.Conn) {
		c.AcceptLogin()
		a := c.Expect("Originate")
		c.Reply(a, "Error", "Message: Permission denied")
		pbxBye(c)
	}, "originate", "Local/long@amsh", "--app", "Wait")
	if r.Code != ExitAsterisk || !strings.Contains(r.Stderr, "Permission denied") || r.Stdout != "" {
		t.Errorf("code %d stdout %q stderr %q", r.Code, r.Stdout, r.Stderr)
	}
}

// sandboxArgs prefixes args with the sandbox's profiles file and --yes.
func sandboxArgs(sb *sandboxtest.Sandbox, args ...string) []string {
	return append([]string{"--config", sb.Dir + "/profiles.yaml", "-y"}, args...)
}

// sandboxOriginateLong originates an answered call to Local/long@amsh and
// returns its ;1 channel, hung up when the test ends.
func sandboxOriginateLong(t *testing.T, sb *sandboxtest.Sandbox) string {
	t.Helper()
	return sandboxOriginate(t, sb, "long")
}

func TestOriginateSandbox(t *testing.T) {
	sb := sandboxtest.Get(t)
	r := (&run{Args: sandboxArgs(sb, "originate", "Local/long@amsh", "--app", "Wait", "--data", "600", "--wait")}).exec(t)
	m := regexp.MustCompile(`Channel: +(Local/long@amsh-[0-9a-f]+;1)`).FindStringSubmatch(r.Stdout)
	if r.Code != 0 || !strings.HasPrefix(r.Stdout, "Result:   answered\nReason:   4 (Answered)\n") || m == nil {
		t.Fatalf("long: code %d stdout %q stderr %q", r.Code, r.Stdout, r.Stderr)
	}
	sb.Rx(t, "channel request hangup "+m[1])

	for _, tc := range []struct{ exten, want string }{
		{"busy", "not answered: 5 (Busy)"},
		{"nope", "not answered: 0 (Failure"},
	} {
		r := (&run{Args: sandboxArgs(sb, "originate", "Local/"+tc.exten+"@amsh", "--exten", "long", "--context", "amsh", "--wait")}).exec(t)
		if r.Code != ExitNotAnswered || !strings.Contains(r.Stderr, tc.want) {
			t.Errorf("%s: code %d stderr %q; want 3 and %q", tc.exten, r.Code, r.Stderr, tc.want)
		}
	}
}

func TestOriginateSandboxVariables(t *testing.T) {
	sb := sandboxtest.Get(t)
	r := (&run{Args: sandboxArgs(sb, "-o", "json", "originate", "Local/long@amsh", "--app", "Wait", "--data", "600", "--wait",
		"--var", "AMSH_A=1,2", "--var", `AMSH_B=say "hi" \o/`)}).exec(t)
	m := regexp.MustCompile(`"Channel": "(Local/long@amsh-[0-9a-f]+);1"`).FindStringSubmatch(r.Stdout)
	if r.Code != 0 || m == nil {
		t.Fatalf("code %d stdout %q stderr %q", r.Code, r.Stdout, r.Stderr)
	}
	t.Cleanup(func() { sb.Rx(t, "channel request hangup "+m[1]+";1") })
	// Local channels hand the variables to their ;2 half, which runs the dialplan.
	show := sb.Rx(t, "core show channel "+m[1]+";2")
	for _, want := range []string{"AMSH_A=1,2\n", `AMSH_B=say "hi" \o/` + "\n"} {
		if !strings.Contains(show, want) {
			t.Errorf("core show channel: want %q in\n%s", want, show)
		}
	}
}

func TestOriginateSandboxRestricted(t *testing.T) {
	sb := sandboxtest.Get(t)
	r := (&run{Args: sandboxArgs(sb, "-p", "restricted", "originate", "Local/long@amsh", "--app", "Wait", "--wait")}).exec(t)
	if r.Code != ExitAsterisk || !strings.Contains(r.Stderr, "Permission denied") {
		t.Errorf("code %d stderr %q; want 1 and Permission denied", r.Code, r.Stderr)
	}
}

func TestNewCmdOriginate(t *testing.T) {
	opts, err := parseCmd(t, NewCmdOriginate, "", "CHAN", "--exten", "E", "--context", "C", "--var", "a=b", "--var", "c=d")
	if err != nil {
		t.Fatal(err)
	}
	if opts.Channel != "CHAN" || opts.Exten != "E" || opts.Context != "C" || !slices.Equal(opts.Vars, []string{"a=b", "c=d"}) ||
		opts.App != "" || opts.Wait || opts.Confirm == nil || opts.Connection == nil {
		t.Errorf("originate CHAN --exten E --context C --var a=b --var c=d: %+v", opts)
	}
	opts, err = parseCmd(t, NewCmdOriginate, "", "PJSIP/trunk/5551234", "--app", "Playback", "--data", "tt-monkeys",
		"--wait", "--answer-timeout", "20s", "--caller-id", `"Dialer" <200>`, "--early-media", "--codecs", "ulaw,alaw",
		"--account", "A1", "--channel-id", "id-1", "--priority", "start")
	if err != nil {
		t.Fatal(err)
	}
	want := OriginateOptions{Channel: "PJSIP/trunk/5551234", App: "Playback", Data: "tt-monkeys", Wait: true,
		AnswerTimeout: 20 * time.Second, CallerID: `"Dialer" <200>`, EarlyMedia: true, Codecs: "ulaw,alaw",
		Account: "A1", ChannelID: "id-1", Priority: "start"}
	if opts.Channel != want.Channel || opts.App != want.App || opts.Data != want.Data || opts.Wait != want.Wait ||
		opts.AnswerTimeout != want.AnswerTimeout || opts.CallerID != want.CallerID || opts.EarlyMedia != want.EarlyMedia ||
		opts.Codecs != want.Codecs || opts.Account != want.Account || opts.ChannelID != want.ChannelID || opts.Priority != want.Priority {
		t.Errorf("originate with every flag:\n got %+v\nwant %+v", *opts, want)
	}
	_, err = parseCmd(t, NewCmdOriginate, "", "--exten", "E", "--context", "C")
	wantUsageError(t, err, `originate: needs CHANNEL`)
	_, err = parseCmd(t, NewCmdOriginate, "", "A", "B", "--app", "Wait")
	wantUsageError(t, err, `originate: too many arguments: "A", "B" (it takes CHANNEL)`)
	_, err = parseCmd(t, NewCmdOriginate, "", "A", "--answer-timeout", "soon")
	wantUsageError(t, err, `invalid argument "soon" for "--answer-timeout" flag: time: invalid duration "soon"`)
}
