package top

import (
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/amsh/amsh/ami"
	"github.com/amsh/amsh/live"
)

var update = flag.Bool("update", false, "rewrite the golden files under testdata/")

// t0 is the fixed clock of the frame tests.
var t0 = time.Date(2026, 3, 14, 9, 30, 0, 0, time.UTC)

// ev is an event; kv are its headers after Event.
func ev(name string, kv ...string) *ami.Message { return ami.NewEvent(name, kv...) }

// chanHeaders are the snapshot headers of a channel in an event.
func chanHeaders(prefix, name, uid, state, cidNum, cidName, exten string) []string {
	desc := map[string]string{"0": "Down", "4": "Ring", "5": "Ringing", "6": "Up"}[state]
	return []string{
		prefix + "Channel", name, prefix + "ChannelState", state, prefix + "ChannelStateDesc", desc,
		prefix + "CallerIDNum", cidNum, prefix + "CallerIDName", cidName,
		prefix + "ConnectedLineNum", "<unknown>", prefix + "ConnectedLineName", "<unknown>",
		prefix + "AccountCode", "", prefix + "Context", "amsh", prefix + "Exten", exten, prefix + "Priority", "1",
		prefix + "Uniqueid", uid, prefix + "Linkedid", uid,
	}
}

// scene is a model built from events the way the sandbox sends them: two
// Local/long calls (one half running Wait, the other the dialplan), a
// PJSIP call bridged to a Local channel with a caller name in CJK, a call
// dialing a ringing peer, and two queues with a caller waiting and three
// members, one paused.
func scene(t testing.TB) (*live.Model, time.Time) {
	m := live.New()
	at := func(sec int) time.Time { return t0.Add(time.Duration(sec) * time.Second) }
	apply := func(sec int, e *ami.Message) { m.Apply(e, at(sec)) }
	newChan := func(sec int, name, uid, state, num, cname, exten string) {
		apply(sec, ev("Newchannel", chanHeaders("", name, uid, state, num, cname, exten)...))
	}
	newExten := func(sec int, name, uid, app, data string) {
		apply(sec, ev("Newexten", "Channel", name, "Uniqueid", uid, "Application", app, "AppData", data))
	}
	// Local/long twice: ;1 runs Wait (the originate's application), ;2 the dialplan.
	for i, uid := range []string{"1773480000.1", "1773480000.3"} {
		n := fmt.Sprintf("Local/long@amsh-%08x", i+1)
		sec := i * 40
		newChan(sec, n+";1", uid, "0", "", "", "long")
		newChan(sec, n+";2", uid+"1", "0", "", "", "long")
		apply(sec, ev("LocalBridge", append(chanHeaders("LocalOne", n+";1", uid, "0", "", "", "long"),
			chanHeaders("LocalTwo", n+";2", uid+"1", "0", "", "", "long")...)...))
		apply(sec, ev("Newstate", chanHeaders("", n+";2", uid+"1", "6", "", "", "long")...))
		newExten(sec, n+";2", uid+"1", "Wait", "3600")
		apply(sec, ev("Newstate", chanHeaders("", n+";1", uid, "6", "", "", "long")...))
		newExten(sec, n+";1", uid, "Wait", "600")
	}
	// A PJSIP caller talking to an agent's Local channel, in one bridge.
	newChan(70, "PJSIP/alice-00000007", "1773480070.7", "4", "2001", "山田 太郎", "101")
	newChan(71, "Local/101@amsh-agents-00000003;1", "1773480071.8", "0", "101", "", "101")
	apply(72, ev("Newstate", chanHeaders("", "PJSIP/alice-00000007", "1773480070.7", "6", "2001", "山田 太郎", "101")...))
	apply(72, ev("Newstate", chanHeaders("", "Local/101@amsh-agents-00000003;1", "1773480071.8", "6", "101", "", "101")...))
	for _, c := range [][4]string{{"PJSIP/alice-00000007", "1773480070.7", "2001", "山田 太郎"}, {"Local/101@amsh-agents-00000003;1", "1773480071.8", "101", ""}} {
		apply(73, ev("BridgeEnter", append(chanHeaders("", c[0], c[1], "6", c[2], c[3], "101"),
			"BridgeUniqueid", "b-1", "BridgeType", "basic", "BridgeNumChannels", "2")...))
	}
	newExten(73, "PJSIP/alice-00000007", "1773480070.7", "Dial", "Local/101@amsh-agents,30")
	// A call dialing a ringing phone.
	newChan(100, "PJSIP/bob-00000009", "1773480100.9", "4", "2002", "Bob", "2003")
	newExten(100, "PJSIP/bob-00000009", "1773480100.9", "Dial", "PJSIP/carol,20")
	newChan(101, "PJSIP/carol-0000000a", "1773480101.10", "5", "2003", "", "s")
	apply(101, ev("DialBegin", append(chanHeaders("", "PJSIP/bob-00000009", "1773480100.9", "4", "2002", "Bob", "2003"),
		append(chanHeaders("Dest", "PJSIP/carol-0000000a", "1773480101.10", "5", "2003", "", "s"), "DialString", "carol")...)...))

	// Queues from a QueueStatus list, then a caller joining.
	status := []*ami.Message{
		ev("QueueParams", "Queue", "support", "Max", "0", "Strategy", "ringall", "Calls", "0", "Holdtime", "12", "TalkTime", "95", "Completed", "7", "Abandoned", "1", "ServiceLevel", "0", "ServicelevelPerf", "0.0", "Weight", "0"),
		ev("QueueMember", "Queue", "support", "Name", "Agent One", "Location", "Local/101@amsh-agents", "StateInterface", "Local/101@amsh-agents", "Membership", "static", "Penalty", "0", "CallsTaken", "4", "LastCall", "0", "LastPause", "0", "LoginTime", "0", "InCall", "1", "Status", "2", "Paused", "0", "PausedReason", "", "Wrapuptime", "0"),
		ev("QueueMember", "Queue", "support", "Name", "Agent Two", "Location", "Local/102@amsh-agents", "StateInterface", "Local/102@amsh-agents", "Membership", "static", "Penalty", "0", "CallsTaken", "3", "LastCall", "0", "LastPause", "0", "LoginTime", "0", "InCall", "0", "Status", "1", "Paused", "1", "PausedReason", "lunch", "Wrapuptime", "0"),
		ev("QueueParams", "Queue", "sales", "Max", "0", "Strategy", "leastrecent", "Calls", "0", "Holdtime", "0", "TalkTime", "0", "Completed", "0", "Abandoned", "0", "ServiceLevel", "0", "ServicelevelPerf", "0.0", "Weight", "0"),
		ev("QueueMember", "Queue", "sales", "Name", "Agent Three", "Location", "Local/103@amsh-agents", "StateInterface", "Local/103@amsh-agents", "Membership", "static", "Penalty", "0", "CallsTaken", "0", "LastCall", "0", "LastPause", "0", "LoginTime", "0", "InCall", "0", "Status", "1", "Paused", "0", "PausedReason", "", "Wrapuptime", "0"),
	}
	m.LoadQueues(status, at(80))
	newChan(110, "Local/queue@amsh-0000000b;2", "1773480110.12", "6", "3001", "Customer", "queue")
	apply(111, ev("QueueCallerJoin", append(chanHeaders("", "Local/queue@amsh-0000000b;2", "1773480110.12", "6", "3001", "Customer", "queue"),
		"Queue", "support", "Position", "1", "Count", "1")...))
	newExten(111, "Local/queue@amsh-0000000b;2", "1773480110.12", "Queue", "support,,,,600")
	return m, at(125)
}

func sceneSnapshot(t testing.TB) *snapshot {
	m, now := scene(t)
	return &snapshot{now: now, target: "profile sandbox (127.0.0.1:15038)", channels: m.Channels(now), queues: m.Queues(now)}
}

// styleCodes mark each line's style in the golden files.
var styleCodes = map[lineStyle]byte{
	styleNormal: ' ', styleTitle: 'T', styleBanner: '!', stylePane: 'P', stylePaneFocus: 'F',
	styleHeading: 'H', styleGroup: 'G', styleSelected: '>', styleFooter: '_',
}

// render writes a frame as text: a style code, "|", the line, "|".
func renderFrame(lines []line) string {
	var b strings.Builder
	for _, l := range lines {
		b.WriteByte(styleCodes[l.style])
		b.WriteString("|" + l.text + "|\n")
	}
	return b.String()
}

func golden(t *testing.T, name, got string) {
	t.Helper()
	path := filepath.Join("testdata", name)
	if *update {
		if err := os.WriteFile(path, []byte(got), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	want, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("%v (run with -update to create it)", err)
	}
	if got != string(want) {
		t.Errorf("%s differs (run with -update to accept):\n--- got\n%s--- want\n%s", name, got, want)
	}
}

func TestFrameGolden(t *testing.T) {
	cases := []struct {
		name string
		w, h int
		st   uiState
	}{
		{"80x24.txt", 80, 24, uiState{}},
		{"200x50.txt", 200, 50, uiState{}},
		{"80x24-queues.txt", 80, 24, uiState{pane: queuesPane, sel: [2]selection{1: {idx: 3}}}},
		{"80x24-filter.txt", 80, 24, uiState{filter: "AGENT", sel: [2]selection{{idx: 1}}}},
		{"80x24-down.txt", 80, 24, uiState{down: "connection lost: EOF; attempt 3 failed, next in 2s", prompt: "hang up Local/long@amsh-00000001;1?"}},
		{"40x10.txt", 40, 10, uiState{}},
	}
	s := sceneSnapshot(t)
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			res := frame(s, &c.st, c.w, c.h)
			if len(res.lines) != c.h {
				t.Errorf("%d lines, want %d", len(res.lines), c.h)
			}
			for i, l := range res.lines {
				if got := width(l.text); got != c.w {
					t.Errorf("line %d is %d columns wide, want %d: %q", i, got, c.w, l.text)
				}
			}
			golden(t, "frame-"+c.name, renderFrame(res.lines))
		})
	}
}

// The selection follows its row by key when rows move, and falls back to
// the same index when the row is gone.
func TestFrameSelectionFollowsKey(t *testing.T) {
	s := sceneSnapshot(t)
	st := uiState{}
	res := frame(s, &st, 80, 24)
	st.sel = res.sel
	st.sel[channelsPane].key, st.sel[channelsPane].idx = s.channels[3].Uniqueid, 3
	// The first channel hangs up: every row moves up one.
	s2 := *s
	s2.channels = s.channels[1:]
	res = frame(&s2, &st, 80, 24)
	if got := res.selected[channelsPane]; got == nil || got.key != s.channels[3].Uniqueid {
		t.Fatalf("selected %+v, want %s", got, s.channels[3].Name)
	}
	if res.sel[channelsPane].idx != 2 {
		t.Errorf("idx %d, want 2", res.sel[channelsPane].idx)
	}
	// The selected channel itself goes: the row now at its index is selected.
	st.sel = res.sel
	s3 := s2
	s3.channels = append(append([]live.Channel{}, s2.channels[:2]...), s2.channels[3:]...)
	res = frame(&s3, &st, 80, 24)
	if got := res.selected[channelsPane]; got == nil || got.key != s2.channels[3].Uniqueid {
		t.Errorf("selected %+v, want %s", got, s2.channels[3].Name)
	}
}

// Scrolling keeps the selected row on screen.
func TestFrameScrolls(t *testing.T) {
	s := manyChannels(500, t0)
	st := uiState{sel: [2]selection{{idx: 400}}}
	res := frame(s, &st, 80, 24)
	found := false
	for _, l := range res.lines {
		if l.style == styleSelected {
			found = strings.Contains(l.text, "00000190")
		}
	}
	if !found {
		t.Errorf("row 400 not shown selected:\n%s", renderFrame(res.lines))
	}
	if top := res.sel[channelsPane].top; top > 400 || top+res.height[channelsPane] <= 400 {
		t.Errorf("top %d, height %d: row 400 not within", top, res.height[channelsPane])
	}
}

func TestFitWide(t *testing.T) {
	for _, c := range []struct {
		s    string
		w    int
		want string
	}{
		{"abc", 5, "abc  "},
		{"abcdef", 4, "abc…"},
		{"山田太郎", 5, "山田…"},
		{"山田太郎", 4, "山 …"},
		{"Local/long@amsh-00000001;1", 16, "Local/l…00001;1"},
	} {
		got := fit(c.s, c.w)
		if c.s == "Local/long@amsh-00000001;1" {
			got = fitMiddle(c.s, c.w)
			c.want = "Local/lo…00001;1"
		}
		if got != c.want || width(got) != c.w {
			t.Errorf("fit(%q, %d) = %q (%d columns), want %q", c.s, c.w, got, width(got), c.want)
		}
	}
}

func TestCleanEscapesControls(t *testing.T) {
	got := clean("evil\x1b[2J\tname\n")
	if strings.ContainsAny(got, "\x1b\t\n") {
		t.Errorf("clean left a control character: %q", got)
	}
}

// Server text in the footer and the banner (an error message from
// Asterisk) is cleaned where it is measured: drawn, it takes the columns it
// was fitted to, and what follows the controls is kept.
func TestFooterAndBannerCleanServerText(t *testing.T) {
	msg := "hang up x: Asterisk said: caf\u00e9\a\a\a\a\a\a nope"
	for _, st := range []uiState{{message: msg}, {prompt: msg}} {
		got := footer(&st, nil, 100)
		if strings.ContainsAny(got, "\a") || !strings.Contains(got, "nope") || width(got) > 100 {
			t.Errorf("footer %q (%d columns)", got, width(got))
		}
	}
	res := frame(&snapshot{now: t0, target: "t"}, &uiState{down: msg}, 100, 10)
	if b := res.lines[1].text; strings.ContainsAny(b, "\a") || !strings.Contains(b, "nope") {
		t.Errorf("banner %q", b)
	}
}

// manyChannels is a snapshot of n bridged PJSIP channels, for the
// benchmark and the scrolling test.
func manyChannels(n int, now time.Time) *snapshot {
	s := &snapshot{now: now, target: "profile bench (127.0.0.1:5038)", channels: make([]live.Channel, n)}
	for i := range s.channels {
		s.channels[i] = live.Channel{
			Name:         fmt.Sprintf("PJSIP/trunk-provider-%08x", i),
			Uniqueid:     fmt.Sprintf("1773480000.%d", i),
			State:        6,
			StateDesc:    "Up",
			CallerIDNum:  fmt.Sprintf("+4930%07d", i),
			CallerIDName: "Caller",
			Application:  "Dial",
			AppData:      "PJSIP/agent,30,tT",
			Duration:     time.Duration(i) * time.Second,
			Peer:         fmt.Sprintf("PJSIP/agent-%08x", i),
			Peers:        1,
			Link:         live.LinkBridge,
		}
	}
	return s
}

// manyChannelEvents are the Newchannel, Newexten and Newstate events of n
// channels, pairs of them bridged.
func manyChannelEvents(n int) []*ami.Message {
	var evs []*ami.Message
	for i := range n {
		name, uid := fmt.Sprintf("PJSIP/trunk-%08x", i), fmt.Sprintf("1773480000.%d", i)
		evs = append(evs,
			ev("Newchannel", chanHeaders("", name, uid, "4", fmt.Sprintf("+4930%07d", i), "Caller", "100")...),
			ev("Newexten", "Channel", name, "Uniqueid", uid, "Application", "Dial", "AppData", "PJSIP/agent,30"),
			ev("Newstate", chanHeaders("", name, uid, "6", fmt.Sprintf("+4930%07d", i), "Caller", "100")...),
			ev("BridgeEnter", append(chanHeaders("", name, uid, "6", "", "", "100"), "BridgeUniqueid", fmt.Sprintf("b-%d", i/2))...),
		)
	}
	return evs
}
