package cmd

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/amsh/amsh/ami"
	"github.com/amsh/amsh/internal/amitest"
	"github.com/amsh/amsh/internal/sandboxtest"
	"github.com/spf13/cobra"
)

// queueStatusEvents is a QueueStatus answer: a queue with a paused member,
// a busy one and a caller waiting, and a queue with no members.
var queueStatusEvents = []string{
	`Event: QueueParams
Queue: support
Max: 0
Strategy: ringall
Calls: 1
Holdtime: 12
TalkTime: 95
Completed: 7
Abandoned: 1
ServiceLevel: 60
ServicelevelPerf: 85.7
ServicelevelPerf2: 75.0
Weight: 0`,
	`Event: QueueMember
Queue: support
Name: Agent One
Location: Local/101@amsh-agents
StateInterface: PJSIP/alice
Membership: static
Penalty: 0
CallsTaken: 4
LastCall: 1700000000
LastPause: 1700000100
LoginTime: 1699990000
InCall: 0
Status: 1
Paused: 1
PausedReason: lunch
Wrapuptime: 0`,
	`Event: QueueMember
Queue: support
Name: Agent Two
Location: Local/102@amsh-agents
StateInterface: Local/102@amsh-agents
Membership: dynamic
Penalty: 2
CallsTaken: 3
LastCall: 1700000200
LastPause: 0
LoginTime: 1699990000
InCall: 1
Status: 2
Paused: 0
PausedReason: 
Wrapuptime: 0`,
	`Event: QueueEntry
Queue: support
Position: 1
Channel: PJSIP/carol-00000007
Uniqueid: 1700000300.9
CallerIDNum: 5551234
CallerIDName: Carol
ConnectedLineNum: <unknown>
ConnectedLineName: <unknown>
Wait: 42
Priority: 0`,
	`Event: QueueParams
Queue: sales
Max: 5
Strategy: leastrecent
Calls: 0
Holdtime: 0
TalkTime: 0
Completed: 0
Abandoned: 0
ServiceLevel: 0
ServicelevelPerf: 0.0
ServicelevelPerf2: 0.0
Weight: 2`,
}

func queueStatusScript(queue, member string) func(c *amitest.Conn) {
	return func(c *amitest.Conn) {
		c.AcceptLogin()
		a := c.Expect("QueueStatus")
		pbxWant(c, a, "Queue", wantOptional(queue)...)
		pbxWant(c, a, "Member", wantOptional(member)...)
		pbxList(c, a, "Queue status will follow", "QueueStatusComplete", queueStatusEvents...)
		pbxBye(c)
	}
}

func wantOptional(v string) []string {
	if v == "" {
		return nil
	}
	return []string{v}
}

func TestQueueStatus(t *testing.T) {
	t.Parallel()
	plain, tty := pbxGolden(t, "queue/status", queueStatusScript("", ""), "queue", "status")
	for _, r := range []*run{plain, tty} {
		if r.Code != 0 {
			t.Errorf("code %d stderr %q", r.Code, r.Stderr)
		}
	}
	for _, want := range []string{
		"support: ringall, 1 call (max unlimited), holdtime 12s, talktime 95s, completed 7, abandoned 1, service level 85.7% within 60s\n",
		"1 (Not in use)", "yes (lunch)", "2 (In use)", `"Carol" <5551234>`, "42s",
		"sales: leastrecent, 0 calls (max 5)", ", weight 2\nNo members\n",
	} {
		if !strings.Contains(plain.Stdout, want) {
			t.Errorf("stdout lacks %q:\n%s", want, plain.Stdout)
		}
	}
}

func TestQueueStatusFilters(t *testing.T) {
	t.Parallel()
	r := pbxExec(t, false, "", queueStatusScript("support", "Local/101@amsh-agents"), "queue", "status", "support", "--member", "Local/101@amsh-agents")
	if r.Code != 0 {
		t.Errorf("code %d stderr %q", r.Code, r.Stderr)
	}
}

func TestQueueStatusJSON(t *testing.T) {
	t.Parallel()
	args := []string{"-o", "json", "queue", "status"}
	r := pbxExec(t, false, "", queueStatusScript("", ""), args...)
	golden(t, "queue/status-json.plain", pbxTranscript(r, args))
	if r.Code != 0 || !strings.Contains(r.Stdout, `"PausedReason": "lunch"`) {
		t.Errorf("code %d stdout %q", r.Code, r.Stdout)
	}
}

func TestQueueStatusNone(t *testing.T) {
	t.Parallel()
	r := pbxExec(t, false, "", func(c *amitest.Conn) {
		c.AcceptLogin()
		a := c.Expect("QueueStatus")
		pbxList(c, a, "Queue status will follow", "QueueStatusComplete")
		pbxBye(c)
	}, "queue", "status", "nosuch")
	if r.Code != 0 || r.Stdout != "" || r.Stderr != "queue status nosuch: no queue named nosuch\n" {
		t.Errorf("code %d stdout %q stderr %q", r.Code, r.Stdout, r.Stderr)
	}
}

func TestQueueSummary(t *testing.T) {
	t.Parallel()
	script := func(c *amitest.Conn) {
		c.AcceptLogin()
		a := c.Expect("QueueSummary")
		pbxWant(c, a, "Queue")
		pbxList(c, a, "Queue summary will follow", "QueueSummaryComplete",
			"Event: QueueSummary\nQueue: support\nLoggedIn: 2\nAvailable: 1\nCallers: 1\nHoldTime: 12\nTalkTime: 95\nLongestHoldTime: 42",
			"Event: QueueSummary\nQueue: sales\nLoggedIn: 0\nAvailable: 0\nCallers: 0\nHoldTime: 0\nTalkTime: 0\nLongestHoldTime: 0")
		pbxBye(c)
	}
	plain, _ := pbxGolden(t, "queue/summary", script, "queue", "summary")
	if plain.Code != 0 || !strings.HasPrefix(plain.Stdout, "Queue    LoggedIn") {
		t.Errorf("code %d stdout %q", plain.Code, plain.Stdout)
	}
}

// queueActionScript expects one action with the given headers (nil values:
// absent) and replies with reply ("Success" or "Error") and message.
func queueActionScript(action string, headers map[string][]string, reply, message string) func(c *amitest.Conn) {
	return func(c *amitest.Conn) {
		c.AcceptLogin()
		a := c.Expect(action)
		for k, v := range headers {
			pbxWant(c, a, k, v...)
		}
		c.Reply(a, reply, "Message: "+message)
		pbxBye(c)
	}
}

func TestQueueActions(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		name    string
		args    []string
		action  string
		headers map[string][]string
		message string
		confirm string // the question asked on a terminal, if any
	}{
		{"add", []string{"queue", "add", "support", "PJSIP/alice", "--penalty", "2", "--paused", "--reason", "training",
			"--name", "Alice", "--state-interface", "PJSIP/alice-phone"}, "QueueAdd",
			map[string][]string{"Queue": {"support"}, "Interface": {"PJSIP/alice"}, "Penalty": {"2"}, "Paused": {"true"},
				"Reason": {"training"}, "MemberName": {"Alice"}, "StateInterface": {"PJSIP/alice-phone"}},
			"Added interface to queue", ""},
		{"add-plain", []string{"queue", "add", "support", "PJSIP/alice"}, "QueueAdd",
			map[string][]string{"Queue": {"support"}, "Interface": {"PJSIP/alice"}, "Penalty": nil, "Paused": nil, "MemberName": nil},
			"Added interface to queue", ""},
		{"remove", []string{"queue", "remove", "support", "PJSIP/alice"}, "QueueRemove",
			map[string][]string{"Queue": {"support"}, "Interface": {"PJSIP/alice"}},
			"Removed interface from queue", "remove PJSIP/alice from queue support? [y/N]"},
		{"pause", []string{"queue", "pause", "PJSIP/alice", "--queue", "support", "--reason", "lunch"}, "QueuePause",
			map[string][]string{"Interface": {"PJSIP/alice"}, "Paused": {"true"}, "Queue": {"support"}, "Reason": {"lunch"}},
			"Interface paused successfully", ""},
		{"unpause", []string{"queue", "unpause", "PJSIP/alice"}, "QueuePause",
			map[string][]string{"Interface": {"PJSIP/alice"}, "Paused": {"false"}, "Queue": nil, "Reason": nil},
			"Interface unpaused successfully", ""},
		{"penalty", []string{"queue", "penalty", "PJSIP/alice", "3", "--queue", "support"}, "QueuePenalty",
			map[string][]string{"Interface": {"PJSIP/alice"}, "Penalty": {"3"}, "Queue": {"support"}},
			"Interface penalty set successfully", ""},
		{"reset", []string{"queue", "reset", "support"}, "QueueReset",
			map[string][]string{"Queue": {"support"}}, "Queue stats reset successfully", ""},
		{"reload", []string{"queue", "reload"}, "QueueReload",
			map[string][]string{"Queue": nil, "Members": nil, "Rules": nil, "Parameters": nil},
			"Queue reloaded successfully", "reload every queue? [y/N]"},
		{"reload-members", []string{"queue", "reload", "support", "--members", "--parameters"}, "QueueReload",
			map[string][]string{"Queue": {"support"}, "Members": {"yes"}, "Rules": nil, "Parameters": {"yes"}},
			"Queue reloaded successfully", "reload queue support? [y/N]"},
		{"log", []string{"queue", "log", "support", "WRAPUPSTART", "--uniqueid", "1700000300.9", "--interface", "PJSIP/alice", "--message", "ticket 4711"}, "QueueLog",
			map[string][]string{"Queue": {"support"}, "Event": {"WRAPUPSTART"}, "Uniqueid": {"1700000300.9"}, "Interface": {"PJSIP/alice"}, "Message": {"ticket 4711"}},
			"Event added successfully", ""},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			plain, tty := pbxGolden(t, "queue/"+tc.name, queueActionScript(tc.action, tc.headers, "Success", tc.message), tc.args...)
			if plain.Code != 0 || tty.Code != 0 || !strings.Contains(plain.Stdout, tc.message) {
				t.Errorf("codes %d %d stdout %q stderr %q", plain.Code, tty.Code, plain.Stdout, plain.Stderr+tty.Stderr)
			}
			if asked := strings.Contains(tty.Stderr, "[y/N]"); asked != (tc.confirm != "") || !strings.Contains(tty.Stderr, tc.confirm) {
				t.Errorf("tty stderr %q; want confirmation %q", tty.Stderr, tc.confirm)
			}
		})
	}
}

func TestQueueActionError(t *testing.T) {
	t.Parallel()
	plain, _ := pbxGolden(t, "queue/add-error", queueActionScript("QueueAdd", nil, "Error", "Unable to add interface: Already there"),
		"queue", "add", "support", "PJSIP/alice")
	if plain.Code != ExitAsterisk || !strings.Contains(plain.Stderr, "queue add support PJSIP/alice: ") ||
		!strings.Contains(plain.Stderr, "Already there") || plain.Stdout != "" {
		t.Errorf("code %d stdout %q stderr %q", plain.Code, plain.Stdout, plain.Stderr)
	}
}

func TestQueueRule(t *testing.T) {
	t.Parallel()
	script := func(c *amitest.Conn) {
		c.AcceptLogin()
		a := c.Expect("QueueRule")
		// As app_queue sends it: headers, then two empty lines.
		c.Send("Response: Success\r\nActionID: " + a.ID() + "\r\nRuleList: escalate\r\nRule: 30,+1,0\r\nRule: 60,+2,0\r\n" +
			"RuleList: fast\r\nRule: 10,5,1\r\n\r\n\r\n")
		pbxBye(c)
	}
	plain, _ := pbxGolden(t, "queue/rule", script, "queue", "rule")
	want := "Rule list  Rule (seconds,max,min)\nescalate   30,+1,0\nescalate   60,+2,0\nfast       10,5,1\n"
	if plain.Code != 0 || plain.Stdout != want {
		t.Errorf("code %d stdout %q stderr %q; want %q", plain.Code, plain.Stdout, plain.Stderr, want)
	}
}

func TestQueueRuleNone(t *testing.T) {
	t.Parallel()
	r := pbxExec(t, false, "", func(c *amitest.Conn) {
		c.AcceptLogin()
		a := c.Expect("QueueRule")
		pbxWant(c, a, "Rule", "nosuch")
		c.Send("Response: Success\r\nActionID: " + a.ID() + "\r\n\r\n\r\n")
		pbxBye(c)
	}, "queue", "rule", "nosuch")
	if r.Code != 0 || r.Stdout != "" || r.Stderr != "queue rule nosuch: no rule list named nosuch\n" {
		t.Errorf("code %d stdout %q stderr %q", r.Code, r.Stdout, r.Stderr)
	}
}

func TestQueueUsage(t *testing.T) {
	t.Parallel()
	cfg := pbxUnreachable(t)
	for _, args := range [][]string{
		{"queue", "bogus"},
		{"queue", "status", "a", "b"},
		{"queue", "add", "support"},
		{"queue", "add", "support", "PJSIP/a", "--penalty", "x"},
		{"queue", "add", "support", "PJSIP/a", "--reason", "why"},
		{"queue", "add", "", "PJSIP/a"},
		{"queue", "remove", "support"},
		{"queue", "pause"},
		{"queue", "penalty", "PJSIP/a"},
		{"queue", "penalty", "PJSIP/a", "high"},
		{"queue", "penalty", "PJSIP/a", "--", "-1"},
		{"queue", "reset", "a", "b"},
		{"queue", "log", "support"},
		{"queue", "pause", "PJSIP/a", "--reason", "x\ny"},
	} {
		r := (&run{Args: append([]string{"--config", cfg, "-y"}, args...)}).exec(t)
		if r.Code != ExitUsage || strings.Count(r.Stderr, "\n") != 1 {
			t.Errorf("%q: code %d stderr %q; want exit 2 in one line", args, r.Code, r.Stderr)
		}
	}
	r := (&run{Args: []string{"--config", cfg, "queue"}}).exec(t)
	if r.Code != 0 || !strings.Contains(r.Stdout, "Available Commands:") {
		t.Errorf("bare queue: code %d stdout %q", r.Code, r.Stdout)
	}
}

func TestQueueSandboxMembers(t *testing.T) {
	sb := sandboxtest.Get(t)
	const member = "Local/104@amsh-agents"
	t.Cleanup(func() {
		if strings.Contains(sb.Rx(t, "queue show sales"), member) {
			sb.Rx(t, "queue remove member "+member+" from sales")
		}
	})
	step := func(want string, args ...string) string {
		t.Helper()
		r := (&run{Args: sandboxArgs(sb, args...)}).exec(t)
		if r.Code != 0 || !strings.Contains(r.Stdout, want) {
			t.Fatalf("%q: code %d stdout %q stderr %q", args, r.Code, r.Stdout, r.Stderr)
		}
		return sb.Rx(t, "queue show sales")
	}
	show := step("Added interface to queue", "queue", "add", "sales", member, "--name", "Agent Four", "--penalty", "1")
	if !strings.Contains(show, "Agent Four ("+member+")") || !strings.Contains(show, "with penalty 1") {
		t.Errorf("after add:\n%s", show)
	}
	show = step("Interface paused successfully", "queue", "pause", member, "--queue", "sales", "--reason", "amsh test")
	if !strings.Contains(show, "paused:amsh test") {
		t.Errorf("after pause:\n%s", show)
	}
	r := (&run{Args: sandboxArgs(sb, "queue", "status", "sales", "--member", member)}).exec(t)
	if r.Code != 0 || !strings.Contains(r.Stdout, "yes (amsh test)") || strings.Contains(r.Stdout, "Local/103@amsh-agents") {
		t.Errorf("status --member: code %d stdout %q stderr %q", r.Code, r.Stdout, r.Stderr)
	}
	show = step("Interface unpaused successfully", "queue", "unpause", member, "--queue", "sales")
	if strings.Contains(show, "paused") {
		t.Errorf("after unpause:\n%s", show)
	}
	show = step("Removed interface from queue", "queue", "remove", "sales", member)
	if strings.Contains(show, member) {
		t.Errorf("after remove:\n%s", show)
	}
	r = (&run{Args: sandboxArgs(sb, "queue", "remove", "sales", member)}).exec(t)
	if r.Code != ExitAsterisk || !strings.Contains(r.Stderr, "Not there") {
		t.Errorf("remove again: code %d stderr %q", r.Code, r.Stderr)
	}
}

func TestQueueSandboxStatus(t *testing.T) {
	sb := sandboxtest.Get(t)
	r := (&run{Args: sandboxArgs(sb, "queue", "status", "support")}).exec(t)
	if r.Code != 0 || !strings.HasPrefix(r.Stdout, "support: ringall, ") {
		t.Fatalf("code %d stdout %q stderr %q", r.Code, r.Stdout, r.Stderr)
	}
	for _, want := range []string{"Agent One  Local/101@amsh-agents", "Agent Two  Local/102@amsh-agents", "static"} {
		if !strings.Contains(r.Stdout, want) {
			t.Errorf("stdout lacks %q:\n%s", want, r.Stdout)
		}
	}
	if strings.Contains(r.Stdout, "sales") {
		t.Errorf("stdout shows another queue:\n%s", r.Stdout)
	}
	r = (&run{Args: sandboxArgs(sb, "queue", "summary")}).exec(t)
	if r.Code != 0 || !strings.Contains(r.Stdout, "support") || !strings.Contains(r.Stdout, "sales") {
		t.Errorf("summary: code %d stdout %q stderr %q", r.Code, r.Stdout, r.Stderr)
	}
}

// QueueRule's reply ends with an extra empty line; the session must take
// the next action's reply (the Logoff, then a second command) in stride.
func TestQueueSandboxRule(t *testing.T) {
	sb := sandboxtest.Get(t)
	for range 2 {
		r := (&run{Args: sandboxArgs(sb, "queue", "rule")}).exec(t)
		if r.Code != 0 || r.Stdout != "" || r.Stderr != "queue rule: no queue rules\n" {
			t.Errorf("code %d stdout %q stderr %q", r.Code, r.Stdout, r.Stderr)
		}
	}
	r := (&run{Args: sandboxArgs(sb, "-o", "json", "queue", "rule")}).exec(t)
	if r.Code != 0 || !strings.Contains(r.Stdout, `"Response": "Success"`) {
		t.Errorf("json: code %d stdout %q stderr %q", r.Code, r.Stdout, r.Stderr)
	}

	// And within one session: the stray empty line is not taken as a reply.
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	s, err := ami.Dial(ctx, ami.Config{Addr: sb.Addr, Username: sb.User, Secret: sb.Secret})
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	for range 3 {
		if _, err := s.Send(ctx, ami.NewAction("QueueRule")); err != nil {
			t.Fatal(err)
		}
		res, err := s.Send(ctx, ami.NewAction("Ping"))
		if err != nil || res.Response.Get("Ping") != "Pong" {
			t.Fatalf("Ping after QueueRule: %v %v", res, err)
		}
	}
}

func TestNewCmdQueue(t *testing.T) {
	for _, tc := range []struct {
		argv string
		got  func(argv []string) (any, error)
		want string
	}{
		{"support PJSIP/alice", queueParse(t, NewCmdQueueAdd),
			"Queue=support Interface=PJSIP/alice Penalty= Paused=false Name= StateInterface= Reason="},
		{"support Local/101@agents --name Alice --state-interface PJSIP/alice --penalty 2 --paused --reason lunch", queueParse(t, NewCmdQueueAdd),
			"Queue=support Interface=Local/101@agents Penalty=2 Paused=true Name=Alice StateInterface=PJSIP/alice Reason=lunch"},
		{"support PJSIP/alice", queueParse(t, NewCmdQueueRemove), "Queue=support Interface=PJSIP/alice"},
		{"PJSIP/alice --reason lunch", queueParse(t, NewCmdQueuePause), "Interface=PJSIP/alice Paused=true Queue= Reason=lunch"},
		{"PJSIP/alice --queue support", queueParse(t, NewCmdQueueUnpause), "Interface=PJSIP/alice Paused=false Queue=support Reason="},
		{"PJSIP/alice 2 --queue support", queueParse(t, NewCmdQueuePenalty), "Interface=PJSIP/alice Penalty=2 Queue=support"},
		{"", queueParse(t, NewCmdQueueReset), "Queue="},
		{"support", queueParse(t, NewCmdQueueReset), "Queue=support"},
		{"support --members --rules", queueParse(t, NewCmdQueueReload), "Queue=support Members=true Rules=true Parameters=false"},
		{"--parameters", queueParse(t, NewCmdQueueReload), "Queue= Members=false Rules=false Parameters=true"},
		{"support WRAPUPSTART --interface PJSIP/alice --message ticket --uniqueid 1.2", queueParse(t, NewCmdQueueLog),
			"Queue=support Event=WRAPUPSTART UniqueID=1.2 Interface=PJSIP/alice Message=ticket"},
		{"support --member PJSIP/alice", queueParse(t, NewCmdQueueStatus), "Queue=support Member=PJSIP/alice"},
		{"", queueParse(t, NewCmdQueueSummary), "Queue="},
		{"escalate", queueParse(t, NewCmdQueueRule), "Rule=escalate"},
	} {
		opts, err := tc.got(strings.Fields(tc.argv))
		if err != nil {
			t.Errorf("%s: %v", tc.argv, err)
			continue
		}
		if got := parsedFields(opts); got != tc.want {
			t.Errorf("%T from %q:\n got %s\nwant %s", opts, tc.argv, got, tc.want)
		}
	}
	for _, tc := range []struct {
		got  func(argv []string) (any, error)
		argv string
		want string
	}{
		{queueParse(t, NewCmdQueueAdd), "support", `queue add: needs QUEUE IFACE (got "support")`},
		{queueParse(t, NewCmdQueueRemove), "a b c", `queue remove: too many arguments: "a", "b", "c" (it takes QUEUE IFACE)`},
		{queueParse(t, NewCmdQueuePause), "", `queue pause: needs IFACE`},
		{queueParse(t, NewCmdQueueUnpause), "a b", `queue unpause: too many arguments: "a", "b" (it takes IFACE)`},
		{queueParse(t, NewCmdQueuePenalty), "PJSIP/alice", `queue penalty: needs IFACE N (got "PJSIP/alice")`},
		{queueParse(t, NewCmdQueueStatus), "a b", `queue status: too many arguments: "a", "b" (it takes [QUEUE])`},
		{queueParse(t, NewCmdQueueLog), "support", `queue log: needs QUEUE EVENT (got "support")`},
		{queueParse(t, NewCmdQueueReload), "--rule", `unknown flag: --rule`},
	} {
		_, err := tc.got(strings.Fields(tc.argv))
		wantUsageError(t, err, tc.want)
	}
}

// queueParse is parseCmd for a queue subcommand, its options as any.
func queueParse[O any](t *testing.T, newCmd func(*Factory, func(*O) error) *cobra.Command) func([]string) (any, error) {
	return func(argv []string) (any, error) {
		opts, err := parseCmd(t, newCmd, "queue", argv...)
		if err != nil {
			return nil, err
		}
		return opts, nil
	}
}
