package cmd

import (
	"strings"
	"testing"
	"time"

	"github.com/amsh/amsh/internal/amitest"
	"github.com/amsh/amsh/internal/sandboxtest"
)

func TestRedirect(t *testing.T) {
	t.Parallel()
	script := func(c *amitest.Conn) {
		c.AcceptLogin()
		a := c.Expect("Redirect")
		pbxWant(c, a, "Channel", "PJSIP/alice-00000012")
		pbxWant(c, a, "Exten", "menu")
		pbxWant(c, a, "Context", "ivr")
		pbxWant(c, a, "Priority", "start")
		pbxWant(c, a, "ExtraChannel", "PJSIP/bob-00000013")
		pbxWant(c, a, "ExtraExten", "800")
		pbxWant(c, a, "ExtraContext", "conf")
		pbxWant(c, a, "ExtraPriority", "1")
		c.Reply(a, "Success", "Message: Dual Redirect successful")
		pbxBye(c)
	}
	plain, tty := pbxGolden(t, "redirect/dual", script, "redirect", "PJSIP/alice-00000012", "menu@ivr:start",
		"--extra-channel", "PJSIP/bob-00000013", "--extra-to", "800@conf")
	want := "Result:       redirected\nChannel:      PJSIP/alice-00000012\nTo:           menu@ivr:start\n" +
		"ExtraChannel: PJSIP/bob-00000013\nExtraTo:      800@conf:1\nMessage:      Dual Redirect successful\n"
	if plain.Code != 0 || plain.Stdout != want {
		t.Errorf("code %d stdout %q; want %q", plain.Code, plain.Stdout, want)
	}
	if !strings.Contains(tty.Stderr, "redirect PJSIP/alice-00000012 to menu@ivr:start and PJSIP/bob-00000013 to 800@conf:1? [y/N]") {
		t.Errorf("tty stderr %q: want a confirmation", tty.Stderr)
	}
}

func TestRedirectNoSuchChannel(t *testing.T) {
	t.Parallel()
	script := func(c *amitest.Conn) {
		c.AcceptLogin()
		a := c.Expect("Redirect")
		pbxWant(c, a, "ExtraChannel")
		c.Reply(a, "Error", "Message: Channel does not exist: PJSIP/gone-1")
	}
	r := pbxExec(t, false, "", script, "redirect", "PJSIP/gone-1", "100@from-internal")
	if r.Code != ExitAsterisk || r.Stdout != "" || !strings.Contains(r.Stderr, "redirect PJSIP/gone-1: profile fake: Redirect: Asterisk said: Channel does not exist: PJSIP/gone-1") {
		t.Errorf("code %d stdout %q stderr %q", r.Code, r.Stdout, r.Stderr)
	}
}

func TestParseDestination(t *testing.T) {
	for _, tc := range []struct{ in, want, err string }{
		{"100@from-internal", "100@from-internal:1", ""},
		{"menu@ivr:start", "menu@ivr:start", ""},
		{"_X.@out:2", "_X.@out:2", ""},
		{"a@b@c", "a@b@c:1", ""},
		{"100", "", `100: want EXTEN@CONTEXT[:PRIO], such as 100@from-internal`},
		{"@ctx", "", `@ctx: want EXTEN@CONTEXT[:PRIO], such as 100@from-internal`},
		{"100@", "", `100@: want EXTEN@CONTEXT[:PRIO], such as 100@from-internal`},
		{"100@ctx:", "", `100@ctx:: want EXTEN@CONTEXT[:PRIO], such as 100@from-internal:1`},
		{"100@:2", "", `100@:2: want EXTEN@CONTEXT[:PRIO], such as 100@from-internal:1`},
		{"1\r\n00@ctx", "", `"1\r\n00@ctx": holds a line break or NUL`},
	} {
		d, err := parseDestination(tc.in)
		switch {
		case tc.err != "":
			if err == nil || err.Error() != tc.err {
				t.Errorf("%q: %v, %v; want error %q", tc.in, d, err, tc.err)
			}
		case err != nil || d.String() != tc.want:
			t.Errorf("%q: %v, %v; want %s", tc.in, d, err, tc.want)
		}
	}
}

func TestNewCmdRedirect(t *testing.T) {
	for _, tc := range []struct{ argv, want string }{
		{"PJSIP/a-1 100@ctx", "Channel=PJSIP/a-1 To=100@ctx ExtraChannel= ExtraTo="},
		{"PJSIP/a-1 100@ctx:2 --extra-channel PJSIP/b-2", "Channel=PJSIP/a-1 To=100@ctx:2 ExtraChannel=PJSIP/b-2 ExtraTo="},
		{"--extra-to 9@x --extra-channel PJSIP/b-2 PJSIP/a-1 100@ctx", "Channel=PJSIP/a-1 To=100@ctx ExtraChannel=PJSIP/b-2 ExtraTo=9@x"},
	} {
		opts, err := parseCmd(t, NewCmdRedirect, "", strings.Fields(tc.argv)...)
		if got := parsedFields(opts); err != nil || got != tc.want {
			t.Errorf("redirect %s:\n got %s, %v\nwant %s", tc.argv, got, err, tc.want)
		}
	}
	_, err := parseCmd(t, NewCmdRedirect, "", "PJSIP/a-1")
	wantUsageError(t, err, `redirect: needs CHANNEL EXTEN@CONTEXT[:PRIO] (got "PJSIP/a-1")`)
	_, err = parseCmd(t, NewCmdRedirect, "", "a", "b", "c")
	wantUsageError(t, err, `redirect: too many arguments: "a", "b", "c" (it takes CHANNEL EXTEN@CONTEXT[:PRIO])`)
	for _, tc := range []struct {
		opts RedirectOptions
		want string
	}{
		{RedirectOptions{Channel: "PJSIP/a-1", To: "100"}, "redirect PJSIP/a-1: 100: want EXTEN@CONTEXT[:PRIO], such as 100@from-internal"},
		{RedirectOptions{Channel: "", To: "100@ctx"}, "redirect: CHANNEL is empty"},
		{RedirectOptions{Channel: "PJSIP/a-1", To: "100@ctx", ExtraTo: "1@x"}, "redirect PJSIP/a-1: --extra-to goes with --extra-channel"},
		{RedirectOptions{Channel: "PJSIP/a-1", To: "100@ctx", ExtraChannel: "PJSIP/b-2", ExtraTo: "1"}, "redirect PJSIP/a-1: --extra-to 1: want EXTEN@CONTEXT[:PRIO], such as 100@from-internal"},
	} {
		_, _, _, err := tc.opts.action()
		wantUsageError(t, err, tc.want)
	}
}

// sandboxOperatorDialplan makes sure the sandbox's [amsh] context has the
// extensions the operator verbs' tests use (scripts/sandbox writes them;
// a sandbox configured by an older script lacks them). dialplan add with
// replace changes nothing when they are there, and restarts nothing.
func sandboxOperatorDialplan(t *testing.T, sb *sandboxtest.Sandbox) {
	t.Helper()
	for _, line := range []string{
		"bridged,1,Set(FEATUREMAP(atxfer)=*2)", "bridged,2,Dial(Local/long@amsh,,tT)", "bridged,3,Hangup()",
		"tone,1,Answer()", "tone,2,Milliwatt()",
		"parked,1,Answer()", "parked,2,Wait(3600)", "parked,3,Hangup()",
	} {
		sb.Rx(t, "dialplan add extension "+line+" into amsh replace")
	}
}

// sandboxWaitChannels waits up to 5 s for `core show channels concise` to
// hold every line matching ok, and returns the last listing.
func sandboxWaitChannels(t *testing.T, sb *sandboxtest.Sandbox, ok func(listing string) bool) (string, bool) {
	t.Helper()
	deadline := time.Now().Add(5 * time.Second)
	for {
		out := sb.Rx(t, "core show channels concise")
		if ok(out) {
			return out, true
		}
		if time.Now().After(deadline) {
			return out, false
		}
		time.Sleep(50 * time.Millisecond)
	}
}

func TestRedirectSandbox(t *testing.T) {
	sb := sandboxtest.Get(t)
	sandboxOperatorDialplan(t, sb)
	ch := sandboxOriginateLong(t, sb)
	r := (&run{Args: sandboxArgs(sb, "redirect", ch, "parked@amsh")}).exec(t)
	if r.Code != 0 || !strings.Contains(r.Stdout, "Result:  redirected\n") || !strings.Contains(r.Stdout, "Message: Redirect successful") {
		t.Fatalf("code %d stdout %q stderr %q", r.Code, r.Stdout, r.Stderr)
	}
	// concise: Channel!Context!Exten!Priority!...
	if out, ok := sandboxWaitChannels(t, sb, func(s string) bool { return strings.Contains(s, ch+"!amsh!parked!") }); !ok {
		t.Errorf("%s is not in parked@amsh 5s after the redirect:\n%s", ch, out)
	}

	// Both legs: the ;2 half of the pair, still in long, moves too.
	peer := strings.TrimSuffix(ch, ";1") + ";2"
	r = (&run{Args: sandboxArgs(sb, "-o", "json", "redirect", ch, "parked@amsh:2", "--extra-channel", peer)}).exec(t)
	if r.Code != 0 || !strings.Contains(r.Stdout, `"Message": "Dual Redirect successful"`) {
		t.Fatalf("dual: code %d stdout %q stderr %q", r.Code, r.Stdout, r.Stderr)
	}
	if out, ok := sandboxWaitChannels(t, sb, func(s string) bool { return strings.Contains(s, peer+"!amsh!parked!") }); !ok {
		t.Errorf("%s is not in parked@amsh 5s after the dual redirect:\n%s", peer, out)
	}

	r = (&run{Args: sandboxArgs(sb, "redirect", "Local/nosuch@amsh-00000000;1", "parked@amsh")}).exec(t)
	if r.Code != ExitAsterisk || !strings.Contains(r.Stderr, "Channel does not exist") {
		t.Errorf("no such channel: code %d stderr %q", r.Code, r.Stderr)
	}
}
