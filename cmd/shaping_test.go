package cmd

import (
	"strings"
	"testing"

	"github.com/amsh/amsh/internal/amitest"
)

// channels22 are two CoreShowChannel events as Asterisk 22 sends them (every
// header, in its order): a caller ID name with a comma and quotes for csv,
// application data with a backslash for tsv.
var channels22 = []string{
	`Event: CoreShowChannel
Channel: PJSIP/alice-00000001
ChannelState: 6
ChannelStateDesc: Up
CallerIDNum: 101
CallerIDName: "Smith, Alice"
ConnectedLineNum: 102
ConnectedLineName: Bob
Language: en
AccountCode: 
Context: amsh
Exten: 102
Priority: 1
Uniqueid: 1700000000.1
Linkedid: 1700000000.1
Application: Dial
ApplicationData: PJSIP/bob,30,tT
Duration: 00:01:05
BridgeId: 5b6a2c3e-0b4f-4c8e-9d2a-1f2e3d4c5b6a`,
	`Event: CoreShowChannel
Channel: Local/ev10@amsh-00000002;2
ChannelState: 4
ChannelStateDesc: Ring
CallerIDNum: <unknown>
CallerIDName: <unknown>
ConnectedLineNum: <unknown>
ConnectedLineName: <unknown>
Language: en
AccountCode: 
Context: amsh
Exten: ev10
Priority: 2
Uniqueid: 1700000005.4
Linkedid: 1700000005.3
Application: Playback
ApplicationData: C:\rec\a
Duration: 00:00:05
BridgeId: `,
}

func channelsScript(c *amitest.Conn) {
	c.AcceptLogin()
	a := c.Expect("CoreShowChannels")
	pbxList(c, a, "Channels will follow", "CoreShowChannelsComplete", channels22...)
	pbxBye(c)
}

// --jq on a document: strings print raw, other results as one JSON line.
func TestJQDocument(t *testing.T) {
	t.Parallel()
	for name, expr := range map[string]string{
		"strings": ".events[].Channel",
		"objects": ".events[] | {Channel, state: (.ChannelState | tonumber)}",
		"length":  ".events | length",
	} {
		args := []string{"action", "CoreShowChannels", "--jq", expr}
		plain, tty := pbxGolden(t, "shaping/jq-"+name, channelsScript, args...)
		if plain.Code != 0 || tty.Code != 0 || plain.Stdout != tty.Stdout {
			t.Errorf("%s: exit %d, %d; stdout %q and on a terminal %q", expr, plain.Code, tty.Code, plain.Stdout, tty.Stdout)
		}
	}
	// amsh's own document: numbers are numbers.
	r := fxExec(t, false, "", pingScript(0), "ping", "--jq", `.round_trip_ms > 0, (.round_trip_ms | type), .response.Ping`)
	if r.Code != 0 || r.Stdout != "true\nnumber\nPong\n" {
		t.Errorf("ping --jq: exit %d stdout %q stderr %q", r.Code, r.Stdout, r.Stderr)
	}
	// A REPL line (batch mode) takes --jq too.
	fs := amitest.New(t, channelsScript)
	r = (&run{Args: []string{"--config", profilesFile(t, fs.Addr(), "")}, Stdin: "action CoreShowChannels --jq '.events[0].Channel'\n"}).exec(t)
	if r.Code != 0 || r.Stdout != "PJSIP/alice-00000001\n" {
		t.Errorf("batch line: exit %d stdout %q stderr %q", r.Code, r.Stdout, r.Stderr)
	}
}

// --jq on a stream applies to each line.
func TestJQStream(t *testing.T) {
	for name, expr := range map[string]string{
		"stream-strings": ".Seq",
		"stream-objects": "{seq: (.Seq | tonumber), name: .UserEvent}",
	} {
		args := []string{"events", "--filter", "UserEvent", "--count", "3", "--jq", expr}
		plain, _ := fxGolden(t, "shaping/jq-"+name, eventsScript("on", mixedEvents), args...)
		if plain.Code != 0 || strings.Count(plain.Stdout, "\n") != 3 {
			t.Errorf("%s: exit %d stdout %q stderr %q", expr, plain.Code, plain.Stdout, plain.Stderr)
		}
	}
	// A --watch run is one line (time, profile, the document's keys).
	r := fxExec(t, false, "", pingsScript(2), "ping", "--watch=100ms", "--count=2", "--jq", `[.profile, .response.Response] | join(" ")`)
	if r.Code != 0 || r.Stdout != "fake Success\nfake Success\n" {
		t.Errorf("watch: exit %d stdout %q stderr %q", r.Code, r.Stdout, r.Stderr)
	}
}

// A run-time error of the expression exits 1 with one line.
func TestJQRuntimeError(t *testing.T) {
	t.Parallel()
	args := []string{"action", "CoreShowChannels", "--jq", ".events | .Channel"}
	r := pbxExec(t, false, "", channelsScript, args...)
	golden(t, "shaping/jq-runtime-error.plain", pbxTranscript(r, args))
	if r.Code != ExitAsterisk || r.Stdout != "" || strings.Count(r.Stderr, "\n") != 1 {
		t.Errorf("exit %d stdout %q stderr %q", r.Code, r.Stdout, r.Stderr)
	}
}

// A bad --jq or --columns is a usage error, found before dialing.
func TestShapingUsageErrors(t *testing.T) {
	for _, c := range []struct {
		args []string
		want string
	}{
		{[]string{"ping", "--jq", ".["}, `amsh: --jq: unexpected EOF (at byte 2 of ".[")`},
		{[]string{"ping", "--jq", "nosuch(1)"}, "amsh: --jq: function not defined: nosuch/1"},
		{[]string{"-o", "yaml", "ping", "--jq", "."}, "amsh: --jq filters json output: leave out -o yaml (--jq implies -o json)"},
		{[]string{"-o", "text", "events", "--jq", "."}, "amsh: --jq filters json output: leave out -o text (--jq implies -o json)"},
		{[]string{"-o", "json", "ping", "--columns", "Channel"}, "amsh: --columns chooses the columns of text, csv and tsv, not json (with json, use --jq)"},
		{[]string{"ping", "--jq", ".", "--columns", "Channel"}, "amsh: --columns chooses the columns of text, csv and tsv, not json (with json, use --jq)"},
		{[]string{"-o", "csv", "ping", "--columns", "A,,B"}, `amsh: --columns "A,,B": a column name is empty`},
	} {
		r := fxExec(t, false, "", fxNeverDialed, c.args...)
		if r.Code != ExitUsage || r.Stdout != "" || r.Stderr != c.want+"\n" {
			t.Errorf("%q: exit %d stdout %q stderr %q; want exit 2 and %q", c.args, r.Code, r.Stdout, r.Stderr, c.want)
		}
	}
}

// csv and tsv of lists: one event name (CoreShowChannels, QueueSummary),
// several (QueueStatus: an Event column first), and --columns.
func TestDelimitedLists(t *testing.T) {
	t.Parallel()
	for _, c := range []struct {
		name   string
		script func(c *amitest.Conn)
		args   []string
	}{
		{"channels.csv", channelsScript, []string{"-o", "csv", "action", "CoreShowChannels"}},
		{"channels.tsv", channelsScript, []string{"-o", "tsv", "action", "CoreShowChannels"}},
		{"channels-columns.csv", channelsScript, []string{"-o", "csv", "--columns", "duration,Channel,CallerIDName,NoSuch", "action", "CoreShowChannels"}},
		{"channels-columns.text", channelsScript, []string{"--columns", "Duration,channel,ChannelState", "action", "CoreShowChannels"}},
		{"queue-status.csv", queueStatusScript("", ""), []string{"-o", "csv", "queue", "status"}},
		{"queue-status-columns.tsv", queueStatusScript("", ""), []string{"-o", "tsv", "--columns", "Event,Queue,Name,Paused,Position", "queue", "status"}},
		{"queue-summary.tsv", queueSummaryScript, []string{"-o", "tsv", "queue", "summary"}},
	} {
		plain, tty := pbxGolden(t, "shaping/"+c.name, c.script, c.args...)
		if plain.Code != 0 || tty.Code != 0 {
			t.Errorf("%s: exit %d, %d; stderr %q", c.name, plain.Code, tty.Code, plain.Stderr)
		}
	}
}

func queueSummaryScript(c *amitest.Conn) {
	c.AcceptLogin()
	a := c.Expect("QueueSummary")
	pbxList(c, a, "Queue summary will follow", "QueueSummaryComplete",
		"Event: QueueSummary\nQueue: support\nLoggedIn: 2\nAvailable: 1\nCallers: 1\nHoldTime: 12\nTalkTime: 95\nLongestHoldTime: 42",
		"Event: QueueSummary\nQueue: sales\nLoggedIn: 0\nAvailable: 0\nCallers: 0\nHoldTime: 0\nTalkTime: 0\nLongestHoldTime: 0")
	pbxBye(c)
}

// csv and tsv of a stream: the first event's columns, or --columns.
func TestDelimitedStream(t *testing.T) {
	for _, c := range []struct {
		name string
		args []string
	}{
		{"events.csv", []string{"-o", "csv", "events", "--count", "4"}},
		{"events-columns.tsv", []string{"-o", "tsv", "--columns", "Event,Channel,UserEvent,seq", "events", "--count", "5"}},
		{"events-columns.text", []string{"--columns", "Event,Channel,Seq", "events", "--count", "3"}},
	} {
		plain, _ := fxGolden(t, "shaping/"+c.name, eventsScript("on", mixedEvents), c.args...)
		if plain.Code != 0 {
			t.Errorf("%s: exit %d stderr %q", c.name, plain.Code, plain.Stderr)
		}
	}
}
