package cmd

import (
	"encoding/json"
	"slices"
	"strings"
	"testing"

	"github.com/amsh/amsh/ami"
	"github.com/amsh/amsh/internal/amitest"
)

func TestParseActionArgs(t *testing.T) {
	good := []struct {
		args []string
		want []ami.Header
	}{
		{[]string{"CoreShowChannels"}, nil},
		{[]string{"Getvar", "Channel=PJSIP/1-01", "Variable=CALLERID(num)"},
			[]ami.Header{{Key: "Channel", Value: "PJSIP/1-01"}, {Key: "Variable", Value: "CALLERID(num)"}}},
		// Split at the first '=': Originate's Variable values hold one.
		{[]string{"Originate", "Variable=A=1", "Variable=B=x=y", "Data="},
			[]ami.Header{{Key: "Variable", Value: "A=1"}, {Key: "Variable", Value: "B=x=y"}, {Key: "Data", Value: ""}}},
		{[]string{"UserEvent", "UserEvent=x", "Body= spaced "},
			[]ami.Header{{Key: "UserEvent", Value: "x"}, {Key: "Body", Value: " spaced "}}},
	}
	for _, c := range good {
		opts, err := parseActionArgs(c.args)
		if err != nil || opts.Name != c.args[0] || !slices.Equal(opts.Params, c.want) {
			t.Errorf("%q: got %+v, %v; want %v", c.args, opts, err, c.want)
		}
	}
	for _, args := range [][]string{
		{""},
		{"Getvar", "Variable"},
		{"Getvar", "=value"},
		{"Getvar", "Action=Hangup"},
		{"Action: Ping"},
		{"Ping=1"},
	} {
		if _, err := parseActionArgs(args); ExitCode(err) != ExitUsage {
			t.Errorf("%q: got %v, want a usage error", args, err)
		}
	}
}

// coreShowChannelsScript answers a CoreShowChannels list with two channels,
// checking that repeated and '='-holding arguments arrive in order.
func coreShowChannelsScript(c *amitest.Conn) {
	fxLogin(c, "off")
	a := c.Expect("CoreShowChannels")
	if got := a.Values("Variable"); !slices.Equal(got, []string{"A=1", "B=2"}) {
		c.T.Errorf("Variable headers %q, want [A=1 B=2] in order", got)
	}
	id := a.ID()
	c.Send("Response: Success\r\nActionID: " + id + "\r\nEventList: start\r\nMessage: Channels will follow\r\n\r\n")
	for _, ch := range [][3]string{{"PJSIP/101-00000001", "6", "Up"}, {"Local/ev10@amsh-00000002;2", "4", "Ring"}} {
		c.Send("Event: CoreShowChannel\r\nActionID: " + id + "\r\nChannel: " + ch[0] +
			"\r\nChannelState: " + ch[1] + "\r\nChannelStateDesc: " + ch[2] +
			"\r\nContext: amsh\r\nApplication: Wait\r\nDuration: 00:00:05\r\n\r\n")
	}
	c.Send("Event: CoreShowChannelsComplete\r\nActionID: " + id + "\r\nEventList: Complete\r\nListItems: 2\r\n\r\n")
	fxBye(c)
}

func TestAction(t *testing.T) {
	for _, format := range []string{"text", "json", "yaml", "raw"} {
		t.Run(format, func(t *testing.T) {
			r, _ := fxGolden(t, "action/coreshowchannels."+format, coreShowChannelsScript,
				"-o", format, "action", "CoreShowChannels", "Variable=A=1", "Variable=B=2")
			if r.Code != 0 {
				t.Errorf("exit %d stderr %q", r.Code, r.Stderr)
			}
		})
	}
}

func TestActionError(t *testing.T) {
	script := func(c *amitest.Conn) {
		fxLogin(c, "off")
		a := c.Expect("Originate")
		c.Reply(a, "Error", "Message: Permission denied")
	}
	r, _ := fxGolden(t, "action/denied", script, "-y", "action", "Originate", "Channel=Local/ev1@amsh", "Application=Wait")
	if r.Code != ExitAsterisk || r.Stdout != "" || !strings.Contains(r.Stderr, "Originate: Asterisk said: Permission denied") {
		t.Errorf("exit %d stdout %q stderr %q", r.Code, r.Stdout, r.Stderr)
	}
	// A refused Command says what the CLI said, as `command` does.
	cli := commandScript("foo", "Error", "Message: Command output follows",
		"Output: No such command 'foo' (type 'core show help foo' for other possible commands)")
	r = fxExec(t, false, "", cli, "action", "Command", "Command=foo")
	if want := "amsh: profile fake: command \"foo\": No such command 'foo'"; r.Code != ExitAsterisk || !strings.HasPrefix(r.Stderr, want) {
		t.Errorf("Command: exit %d stderr %q; want %q...", r.Code, r.Stderr, want)
	}
}

// TestActionUnsafe: a CR or LF in a value would inject a second action; it
// is refused before dialing, so the server never sees a connection.
func TestActionUnsafe(t *testing.T) {
	for _, value := range []string{"x\r\n\r\nAction: Hangup\r\nChannel: /.*/", "x\nAction: Hangup", "x\ry", strings.Repeat("x", 1100)} {
		args := []string{"action", "Getvar", "Channel=PJSIP/1", "Variable=" + value}
		r := fxExec(t, false, "", fxNeverDialed, args...)
		if r.Code != ExitUsage || r.Stdout != "" || !strings.Contains(r.Stderr, `"Variable"`) {
			t.Errorf("%q: exit %d stdout %q stderr %q; want exit 2 naming the header", value, r.Code, r.Stdout, r.Stderr)
		}
	}
	r := fxExec(t, false, "", fxNeverDialed, "action", "Getvar", "Variable")
	golden(t, "action/malformed", fxTranscript(r, []string{"action", "Getvar", "Variable"}))
	if r.Code != ExitUsage {
		t.Errorf("malformed argument: exit %d stderr %q", r.Code, r.Stderr)
	}
}

func TestActionConfirm(t *testing.T) {
	r := fxExec(t, true, "no\n", fxNeverDialed, "action", "Hangup", "Channel=PJSIP/101-00000001")
	if r.Code != ExitAsterisk || !strings.Contains(r.Stderr, `send Hangup Channel="PJSIP/101-00000001" to profile fake`) {
		t.Errorf("exit %d stderr %q", r.Code, r.Stderr)
	}
	for _, c := range []struct {
		m    *ami.Message
		want bool
	}{
		{ami.NewAction("hangup", "Channel", "x"), true},
		{ami.NewAction("Originate"), true},
		{ami.NewAction("QueueRemove"), true},
		{ami.NewAction("Reload"), true},
		{ami.NewAction("Command", "Command", "core restart now"), true},
		{ami.NewAction("Command", "Command", "core show channels"), false},
		{ami.NewAction("CoreShowChannels"), false},
		{ami.NewAction("QueueAdd"), false},
	} {
		if got := destructiveAction(c.m); got != c.want {
			t.Errorf("destructiveAction(%q) = %v, want %v", c.m.String(), got, c.want)
		}
	}
}

func TestActionSandbox(t *testing.T) {
	_, cfg := fxSandbox(t)

	r := (&run{Args: []string{"--config", cfg, "-o", "json", "action", "CoreShowChannels"}}).exec(t)
	var doc struct {
		Response map[string]any   `json:"response"`
		Events   []map[string]any `json:"events"`
		Complete map[string]any   `json:"complete"`
	}
	if r.Code != 0 || json.Unmarshal([]byte(r.Stdout), &doc) != nil || doc.Events == nil ||
		doc.Response["Response"] != "Success" || doc.Complete["Event"] != "CoreShowChannelsComplete" {
		t.Errorf("CoreShowChannels: exit %d stdout %q stderr %q", r.Code, r.Stdout, r.Stderr)
	}
	if !strings.Contains(r.Stdout, `"events": [`) {
		t.Errorf("CoreShowChannels: no events array in %q", r.Stdout)
	}

	// Repeated keys go out in order; Asterisk reads the first of them
	// (astman_get_header), so the first must be the one given first.
	r = (&run{Args: []string{"--config", cfg, "action", "Getvar", "Variable=AMSH_NONE", "Variable=ignored"}}).exec(t)
	if r.Code != 0 || !strings.Contains(r.Stdout, "Variable: AMSH_NONE") {
		t.Errorf("Getvar: exit %d stdout %q stderr %q", r.Code, r.Stdout, r.Stderr)
	}

	r = (&run{Args: []string{"--config", cfg, "-p", "restricted", "-y", "action", "Originate",
		"Channel=Local/long@amsh", "Application=Wait", "Data=1", "Async=true"}}).exec(t)
	if r.Code != ExitAsterisk || r.Stdout != "" || !strings.Contains(r.Stderr, "Permission denied") ||
		!strings.Contains(r.Stderr, "profile restricted") {
		t.Errorf("restricted Originate: exit %d stdout %q stderr %q", r.Code, r.Stdout, r.Stderr)
	}

	r = (&run{Args: []string{"--config", cfg, "action", "UserEvent", "UserEvent=AmshInjected\r\n\r\nAction: Command\r\nCommand: core stop now"}}).exec(t)
	if r.Code != ExitUsage || r.Stdout != "" || !strings.Contains(r.Stderr, "line break") {
		t.Errorf("CR/LF value: exit %d stdout %q stderr %q", r.Code, r.Stdout, r.Stderr)
	}
}

func TestNewCmdAction(t *testing.T) {
	opts, err := parseCmd(t, NewCmdAction, "", "Originate", "Channel=Local/100@default", "Variable=A=1", "Variable=B=2")
	want := []ami.Header{{Key: "Channel", Value: "Local/100@default"}, {Key: "Variable", Value: "A=1"}, {Key: "Variable", Value: "B=2"}}
	if err != nil || opts.Name != "Originate" || !slices.Equal(opts.Params, want) || opts.Confirm == nil || opts.Connection == nil {
		t.Errorf("action Originate ...: %+v, %v", opts, err)
	}
	// After --, a word that looks like a flag is a header value.
	opts, err = parseCmd(t, NewCmdAction, "", "--", "UserEvent", "Body=-x")
	if err != nil || opts.Name != "UserEvent" || !slices.Equal(opts.Params, []ami.Header{{Key: "Body", Value: "-x"}}) {
		t.Errorf("action -- UserEvent Body=-x: %+v, %v", opts, err)
	}
	_, err = parseCmd(t, NewCmdAction, "")
	wantUsageError(t, err, `action: needs NAME [KEY=VALUE ...]`)
	_, err = parseCmd(t, NewCmdAction, "", "Getvar", "Variable")
	wantUsageError(t, err, `action Getvar: argument "Variable": want KEY=VALUE`)
}
