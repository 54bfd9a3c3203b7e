package cmd

import (
	"strings"
	"testing"

	"github.com/amsh/amsh/internal/amitest"
	"github.com/amsh/amsh/internal/sandboxtest"
)

func TestTransferBlind(t *testing.T) {
	t.Parallel()
	script := func(c *amitest.Conn) {
		c.AcceptLogin()
		pbxListCommands(c, "Ping", "Redirect", "BlindTransfer", "Atxfer")
		a := c.Expect("BlindTransfer")
		pbxWant(c, a, "Channel", "PJSIP/alice-00000012")
		pbxWant(c, a, "Exten", "200")
		pbxWant(c, a, "Context", "from-internal")
		pbxWant(c, a, "Priority")
		c.Reply(a, "Success", "Message: Transfer succeeded")
		pbxBye(c)
	}
	plain, tty := pbxGolden(t, "transfer/blind", script, "transfer", "PJSIP/alice-00000012", "200@from-internal")
	want := "Result:  transferred\nChannel: PJSIP/alice-00000012\nTo:      200@from-internal\nAction:  BlindTransfer\nMessage: Transfer succeeded\n"
	if plain.Code != 0 || plain.Stdout != want {
		t.Errorf("code %d stdout %q; want %q", plain.Code, plain.Stdout, want)
	}
	if !strings.Contains(tty.Stderr, "transfer the call of PJSIP/alice-00000012 to 200@from-internal? [y/N]") {
		t.Errorf("tty stderr %q: want a confirmation", tty.Stderr)
	}
}

// Asterisk 11 and before have no BlindTransfer: amsh Redirects the peer it
// reads from Status.
func TestTransferOldServer(t *testing.T) {
	t.Parallel()
	script := func(peerHeader string) func(c *amitest.Conn) {
		return func(c *amitest.Conn) {
			c.AcceptLogin()
			pbxListCommands(c, "Ping", "Redirect", "Status", "Atxfer")
			a := c.Expect("Status")
			pbxWant(c, a, "Channel", "SIP/alice-00000012")
			ev := "Event: Status\nChannel: SIP/alice-00000012\nState: Up"
			if peerHeader != "" {
				ev += "\n" + peerHeader + ": SIP/bob-00000013"
			}
			pbxList(c, a, "Channel status will follow", "StatusComplete", ev)
			if peerHeader == "" {
				return
			}
			a = c.Expect("Redirect")
			pbxWant(c, a, "Channel", "SIP/bob-00000013")
			pbxWant(c, a, "Exten", "200")
			pbxWant(c, a, "Context", "from-internal")
			pbxWant(c, a, "Priority", "1")
			c.Reply(a, "Success", "Message: Redirect successful")
			pbxBye(c)
		}
	}
	for _, header := range []string{"BridgedChannel", "Link"} {
		r := pbxExec(t, false, "", script(header), "transfer", "SIP/alice-00000012", "200@from-internal")
		want := "Result:  transferred\nChannel: SIP/alice-00000012\nTo:      200@from-internal\nPeer:    SIP/bob-00000013\nAction:  Redirect\nMessage: Redirect successful\n"
		if r.Code != 0 || r.Stdout != want {
			t.Errorf("%s: code %d stdout %q stderr %q; want %q", header, r.Code, r.Stdout, r.Stderr, want)
		}
	}
	r := pbxExec(t, false, "", script(""), "transfer", "SIP/alice-00000012", "200@from-internal")
	if r.Code != ExitAsterisk || !strings.Contains(r.Stderr, "transfer SIP/alice-00000012: SIP/alice-00000012: not bridged to another channel; nothing to transfer") {
		t.Errorf("not bridged: code %d stdout %q stderr %q", r.Code, r.Stdout, r.Stderr)
	}
}

func TestTransferAttended(t *testing.T) {
	t.Parallel()
	script := func(c *amitest.Conn) {
		c.AcceptLogin()
		a := c.Expect("Atxfer")
		pbxWant(c, a, "Channel", "PJSIP/alice-00000012")
		pbxWant(c, a, "Exten", "200")
		pbxWant(c, a, "Context", "from-internal")
		c.Reply(a, "Error", "Message: No attended transfer feature code found")
	}
	r := pbxExec(t, false, "", script, "transfer", "PJSIP/alice-00000012", "200@from-internal", "--attended")
	if r.Code != ExitAsterisk || !strings.Contains(r.Stderr, "Atxfer: Asterisk said: No attended transfer feature code found") {
		t.Errorf("code %d stdout %q stderr %q", r.Code, r.Stdout, r.Stderr)
	}
}

func TestNewCmdTransfer(t *testing.T) {
	for _, tc := range []struct{ argv, want string }{
		{"PJSIP/a-1 200@ctx", "Channel=PJSIP/a-1 To=200@ctx Attended=false"},
		{"--attended PJSIP/a-1 200@ctx", "Channel=PJSIP/a-1 To=200@ctx Attended=true"},
	} {
		opts, err := parseCmd(t, NewCmdTransfer, "", strings.Fields(tc.argv)...)
		if got := parsedFields(opts); err != nil || got != tc.want {
			t.Errorf("transfer %s:\n got %s, %v\nwant %s", tc.argv, got, err, tc.want)
		}
	}
	_, err := parseCmd(t, NewCmdTransfer, "", "PJSIP/a-1")
	wantUsageError(t, err, `transfer: needs CHANNEL EXTEN@CONTEXT (got "PJSIP/a-1")`)
	for _, tc := range []struct {
		opts TransferOptions
		want string
	}{
		{TransferOptions{Channel: "PJSIP/a-1", To: "200@ctx:3"}, "transfer PJSIP/a-1: 200@ctx:3: a transfer starts at priority 1; use redirect for another"},
		{TransferOptions{Channel: "PJSIP/a-1", To: "200"}, "transfer PJSIP/a-1: 200: want EXTEN@CONTEXT[:PRIO], such as 100@from-internal"},
		{TransferOptions{To: "200@ctx"}, "transfer: CHANNEL is empty"},
	} {
		_, err := tc.opts.destination()
		wantUsageError(t, err, tc.want)
	}
}

// sandboxConcise is `core show channels concise`, one map a channel, by
// field: Channel, Context, Exten, Priority, State, App, Data, BridgeID.
func sandboxConcise(t *testing.T, sb *sandboxtest.Sandbox) map[string]map[string]string {
	t.Helper()
	names := []string{"Channel", "Context", "Exten", "Priority", "State", "App", "Data", "CallerID",
		"AccountCode", "PeerAccount", "AMAFlags", "Duration", "BridgeID", "Uniqueid"}
	out := map[string]map[string]string{}
	for line := range strings.Lines(sb.Rx(t, "core show channels concise")) {
		f := strings.Split(strings.TrimRight(line, "\r\n"), "!")
		if len(f) < len(names) {
			continue
		}
		m := map[string]string{}
		for i, n := range names {
			m[n] = f[i]
		}
		out[f[0]] = m
	}
	return out
}

// sandboxBridged originates Local/bridged@amsh, whose ;2 half Dials
// Local/long@amsh, and returns the transferer (bridged;2) and its peer in
// the bridge (long;1); every channel of the call is hung up when the test
// ends.
func sandboxBridged(t *testing.T, sb *sandboxtest.Sandbox) (transferer, peer string) {
	t.Helper()
	one := sandboxOriginate(t, sb, "bridged")
	transferer = strings.TrimSuffix(one, ";1") + ";2"
	if out, ok := sandboxWaitChannels(t, sb, func(s string) bool { return strings.Contains(s, transferer+"!amsh!bridged!") }); !ok {
		t.Fatalf("%s not in bridged@amsh:\n%s", transferer, out)
	}
	all := sandboxConcise(t, sb)
	bridge := all[transferer]["BridgeID"]
	for name, c := range all {
		if name != transferer && bridge != "" && c["BridgeID"] == bridge {
			peer = name
		}
	}
	if peer == "" {
		t.Fatalf("no channel bridged to %s (bridge %q) in %v", transferer, bridge, all)
	}
	t.Cleanup(func() { sb.Rx(t, "channel request hangup "+peer) })
	return transferer, peer
}

func TestTransferSandbox(t *testing.T) {
	sb := sandboxtest.Get(t)
	sandboxOperatorDialplan(t, sb)

	t.Run("blind", func(t *testing.T) {
		transferer, peer := sandboxBridged(t, sb)
		r := (&run{Args: sandboxArgs(sb, "transfer", transferer, "parked@amsh")}).exec(t)
		if r.Code != 0 || !strings.Contains(r.Stdout, "Action:  BlindTransfer\n") || !strings.Contains(r.Stdout, "Message: Transfer succeeded") {
			t.Fatalf("code %d stdout %q stderr %q", r.Code, r.Stdout, r.Stderr)
		}
		if out, ok := sandboxWaitChannels(t, sb, func(s string) bool {
			return strings.Contains(s, peer+"!amsh!parked!") && !strings.Contains(s, transferer+"!")
		}); !ok {
			t.Errorf("5s after the transfer, want %s in parked@amsh and %s gone:\n%s", peer, transferer, out)
		}
	})

	t.Run("attended", func(t *testing.T) {
		transferer, _ := sandboxBridged(t, sb)
		// Atxfer dials digits: the target is a numbered agent extension.
		r := (&run{Args: sandboxArgs(sb, "transfer", transferer, "109@amsh-agents", "--attended")}).exec(t)
		if r.Code != 0 || !strings.Contains(r.Stdout, "Action:  Atxfer\n") {
			t.Fatalf("code %d stdout %q stderr %q", r.Code, r.Stdout, r.Stderr)
		}
		var target string
		out, ok := sandboxWaitChannels(t, sb, func(s string) bool {
			for line := range strings.Lines(s) {
				if strings.HasPrefix(line, "Local/109@amsh-agents-") {
					target, _, _ = strings.Cut(line, "!")
					return true
				}
			}
			return false
		})
		if !ok {
			t.Fatalf("no Local/109@amsh-agents channel 5s after Atxfer:\n%s", out)
		}
		sb.Rx(t, "channel request hangup "+target)
	})

	r := (&run{Args: sandboxArgs(sb, "transfer", "Local/nosuch@amsh-00000000;1", "parked@amsh")}).exec(t)
	if r.Code != ExitAsterisk || !strings.Contains(r.Stderr, "BlindTransfer: Asterisk said: Channel specified does not exist") {
		t.Errorf("no such channel: code %d stderr %q", r.Code, r.Stderr)
	}
}

// Atxfer keys the extension in as DTMF: one that is not digits (parked) is
// refused before anything is dialled, instead of Asterisk waiting for
// digits that never come.
func TestTransferAttendedNeedsDigits(t *testing.T) {
	for _, tc := range []struct {
		to string
		ok bool
	}{
		{"109@amsh-agents", true}, {"*72#@ctx", true}, {"1A@ctx", true}, {"parked@amsh", false}, {"_1XX@ctx", false},
	} {
		o := &TransferOptions{Channel: "PJSIP/a-1", To: tc.to, Attended: true}
		_, err := o.destination()
		if tc.ok != (err == nil) || !tc.ok && ExitCode(err) != ExitUsage {
			t.Errorf("--attended to %s: %v (exit %d), want ok=%v", tc.to, err, ExitCode(err), tc.ok)
		}
		o.Attended = false // a blind transfer takes any extension
		if _, err := o.destination(); err != nil {
			t.Errorf("blind to %s: %v", tc.to, err)
		}
	}
}
