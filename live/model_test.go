package live

import (
	"fmt"
	"reflect"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/amsh/amsh/ami"
)

// step is a check run right after the first event named event about
// uniqueid (after the n-th such event when n > 1) in a recorded stream.
type step struct {
	event, uniqueid string
	n               int
	check           func(t *testing.T, now time.Time)
}

// replaySteps applies msgs one by one and runs each step at its event, in
// order; every step must run.
func replaySteps(t *testing.T, m *Model, msgs []*ami.Message, clk *clock, steps []step) {
	t.Helper()
	seen := map[string]int{}
	next := 0
	for i, e := range msgs {
		now := clk.tick()
		m.Apply(e, now)
		checkInvariants(t, m, fmt.Sprintf("message %d (%s)", i, e.Event()))
		uid := e.Get("Uniqueid")
		if uid == "" {
			uid = e.Get("BridgeUniqueid")
		}
		key := e.Event() + " " + uid
		seen[key]++
		if next < len(steps) {
			s := steps[next]
			n := max(s.n, 1)
			if s.event == e.Event() && s.uniqueid == uid && seen[key] == n {
				t.Run(fmt.Sprintf("%02d %s %s", next, s.event, s.uniqueid), func(t *testing.T) { s.check(t, now) })
				next++
			}
		}
	}
	if next < len(steps) {
		t.Fatalf("step %d (%s %s) never came", next, steps[next].event, steps[next].uniqueid)
	}
}

func mustChannel(t *testing.T, m *Model, uid string, now time.Time) Channel {
	t.Helper()
	c, ok := channelByID(m, uid, now)
	if !ok {
		t.Fatalf("channel %s missing", uid)
	}
	return c
}

func wantPeer(t *testing.T, m *Model, uid string, now time.Time, link Link, peers ...string) {
	t.Helper()
	if got := m.Peer(uid); !slices.Equal(got, peers) {
		t.Errorf("Peer(%s) = %v, want %v", uid, got, peers)
	}
	c := mustChannel(t, m, uid, now)
	want := ""
	if len(peers) > 0 {
		want = peers[0]
	}
	if c.PeerUniqueid != want || c.Peers != len(peers) || c.Link != link {
		t.Errorf("%s: peer %q ×%d via %v, want %q ×%d via %v", c.Name, c.PeerUniqueid, c.Peers, c.Link, want, len(peers), link)
	}
	if want != "" {
		if p := mustChannel(t, m, want, now); c.Peer != p.Name {
			t.Errorf("%s: Peer name %q, want %q", c.Name, c.Peer, p.Name)
		}
	}
}

// TestCallLife follows one recorded queue call through Asterisk 22's events:
// an Originate to Local/200 (two halves), the ;2 half answers and waits in
// queue "support", two agents are rung through Local channels, Alice's leg
// answers and is bridged with the caller, Bob's is hung up, and at last
// everything hangs up.
func TestCallLife(t *testing.T) {
	const (
		out    = "1795328130.780" // Local/200@amsh-test-00000186;1
		caller = "1795328130.781" // …;2, the one in the queue
		bob1   = "1795328131.896" // Local/1002@amsh-agents-000001c0;1
		bob2   = "1795328131.897"
		alice1 = "1795328131.898" // Local/1001@amsh-agents-000001c1;1
		alice2 = "1795328131.899"
		bridge = "d18ee9f3-a097-4281-935a-75c13274cc61"
	)
	m := New()
	clk := newClock(100 * time.Millisecond)
	var created time.Time
	steps := []step{
		{"Newchannel", out, 1, func(t *testing.T, now time.Time) {
			c := mustChannel(t, m, out, now)
			if c.Name != "Local/200@amsh-test-00000186;1" || c.State != 0 || c.StateDesc != "Down" ||
				c.Context != "amsh-test" || c.Exten != "200" || c.Priority != 1 || c.Linkedid != out {
				t.Errorf("new channel: %+v", c)
			}
			if c.CallerIDNum != "" || c.CallerIDName != "" {
				t.Errorf("<unknown> caller ID kept: %q %q", c.CallerIDNum, c.CallerIDName)
			}
			if !c.Created.Equal(now) || c.Duration != 0 || !c.Answered.IsZero() {
				t.Errorf("created %v (now %v), duration %v, answered %v", c.Created, now, c.Duration, c.Answered)
			}
			created = now
		}},
		{"Newchannel", caller, 1, func(t *testing.T, now time.Time) {
			wantPeer(t, m, out, now, LinkLocal, caller)
			wantPeer(t, m, caller, now, LinkLocal, out)
			if c := mustChannel(t, m, caller, now); c.StateDesc != "Ring" || c.State != 4 {
				t.Errorf("state %d %q", c.State, c.StateDesc)
			}
		}},
		{"Newexten", out, 1, func(t *testing.T, now time.Time) {
			if c := mustChannel(t, m, out, now); c.Application != "AppDial2" || c.AppData != "(Outgoing Line)" {
				t.Errorf("application %q %q", c.Application, c.AppData)
			}
		}},
		{"Newstate", caller, 1, func(t *testing.T, now time.Time) {
			c := mustChannel(t, m, caller, now)
			if c.State != 6 || c.StateDesc != "Up" || !c.Answered.Equal(now) {
				t.Errorf("state %d %q answered %v, want Up at %v", c.State, c.StateDesc, c.Answered, now)
			}
		}},
		{"Newexten", caller, 2, func(t *testing.T, now time.Time) {
			if c := mustChannel(t, m, caller, now); c.Application != "Queue" || c.AppData != "support,,,,3600" {
				t.Errorf("application %q %q", c.Application, c.AppData)
			}
		}},
		{"QueueCallerJoin", caller, 1, func(t *testing.T, now time.Time) {
			q, ok := queueByName(m, "support", now.Add(3*time.Second))
			if !ok || len(q.Callers) != 1 {
				t.Fatalf("queue support: %+v", q)
			}
			c := q.Callers[0]
			if c.Uniqueid != caller || c.Channel != "Local/200@amsh-test-00000186;2" || c.Position != 1 ||
				!c.Joined.Equal(now) || c.Wait != 3*time.Second {
				t.Errorf("caller %+v", c)
			}
		}},
		{"DialBegin", caller, 1, func(t *testing.T, now time.Time) {
			wantPeer(t, m, caller, now, LinkDial, bob1)
			wantPeer(t, m, bob1, now, LinkDial, caller)
		}},
		{"DialBegin", caller, 2, func(t *testing.T, now time.Time) {
			wantPeer(t, m, caller, now, LinkDial, bob1, alice1)
		}},
		{"DialEnd", caller, 1, func(t *testing.T, now time.Time) {
			// Alice answered; Bob is still being rung.
			wantPeer(t, m, caller, now, LinkDial, bob1)
			wantPeer(t, m, alice1, now, LinkLocal, alice2)
		}},
		{"Hangup", bob1, 1, func(t *testing.T, now time.Time) {
			if _, ok := channelByID(m, bob1, now); ok {
				t.Error("hung-up channel still there")
			}
			if _, ok := channelByID(m, bob2, now); ok {
				t.Error("hung-up channel still there")
			}
			wantPeer(t, m, caller, now, LinkLocal, out)
		}},
		{"QueueCallerLeave", caller, 1, func(t *testing.T, now time.Time) {
			if q, _ := queueByName(m, "support", now); len(q.Callers) != 0 {
				t.Errorf("callers left: %+v", q.Callers)
			}
		}},
		{"BridgeEnter", alice1, 1, func(t *testing.T, now time.Time) {
			// Alone in the bridge: the Local pair is still what it has.
			wantPeer(t, m, alice1, now, LinkLocal, alice2)
		}},
		{"BridgeEnter", caller, 1, func(t *testing.T, now time.Time) {
			wantPeer(t, m, caller, now, LinkBridge, alice1)
			wantPeer(t, m, alice1, now, LinkBridge, caller)
			c := mustChannel(t, m, caller, now.Add(time.Minute))
			if c.BridgeID != bridge || c.Peer != "Local/1001@amsh-agents-000001c1;1" {
				t.Errorf("bridge %q peer %q", c.BridgeID, c.Peer)
			}
			if o := mustChannel(t, m, out, now.Add(time.Minute)); o.Duration != now.Add(time.Minute).Sub(created) {
				t.Errorf("duration %v, want %v", o.Duration, now.Add(time.Minute).Sub(created))
			}
		}},
		{"Hangup", out, 1, func(t *testing.T, now time.Time) {
			wantPeer(t, m, caller, now, LinkBridge, alice1)
		}},
		{"BridgeLeave", caller, 1, func(t *testing.T, now time.Time) {
			if c := mustChannel(t, m, caller, now); c.BridgeID != "" || c.Link != LinkNone || c.Peers != 0 {
				t.Errorf("after leaving: %+v", c)
			}
		}},
		{"BridgeLeave", alice1, 1, func(t *testing.T, now time.Time) {
			if len(m.bridges) != 0 {
				t.Errorf("bridges left: %v", m.bridges)
			}
		}},
		{"Hangup", alice2, 1, func(t *testing.T, now time.Time) {
			if got := m.Channels(now); len(got) != 0 {
				t.Errorf("channels left: %+v", got)
			}
		}},
	}
	replaySteps(t, m, testdata(t, "call-life.raw.gz"), clk, steps)
}

// TestQueueCallerAbandoned: a recorded caller hangs up while waiting. Asterisk
// 22 sends QueueCallerAbandon, then (here ten events later)
// QueueCallerLeave; the caller is gone at the first, and counted once.
func TestQueueCallerAbandoned(t *testing.T) {
	const caller = "1795328130.754"
	m := New()
	clk := newClock(100 * time.Millisecond)
	steps := []step{
		{"QueueCallerJoin", caller, 1, func(t *testing.T, now time.Time) {
			q, _ := queueByName(m, "support", now.Add(4*time.Second))
			if len(q.Callers) != 1 || q.Callers[0].Uniqueid != caller || q.Callers[0].Wait != 4*time.Second {
				t.Fatalf("callers %+v", q.Callers)
			}
		}},
		{"QueueCallerAbandon", caller, 1, func(t *testing.T, now time.Time) {
			q, _ := queueByName(m, "support", now)
			if len(q.Callers) != 0 || q.Abandoned != 1 {
				t.Errorf("callers %+v abandoned %d", q.Callers, q.Abandoned)
			}
		}},
		{"QueueCallerLeave", caller, 1, func(t *testing.T, now time.Time) {
			q, _ := queueByName(m, "support", now)
			if len(q.Callers) != 0 || q.Abandoned != 1 {
				t.Errorf("callers %+v abandoned %d", q.Callers, q.Abandoned)
			}
		}},
		{"Hangup", "1795328130.753", 1, func(t *testing.T, now time.Time) {
			if n := len(m.Channels(now)); n != 0 {
				t.Errorf("%d channels left", n)
			}
			// A QueueStatus taken before the caller left does not bring
			// it back.
			m.LoadQueues([]*ami.Message{
				event("QueueParams", kv("Queue", "support", "Abandoned", "1")),
				event("QueueEntry", kv("Queue", "support", "Position", "1",
					"Channel", "Local/200@amsh-test-00000179;2", "Uniqueid", caller, "Wait", "4")),
			}, now.Add(time.Second))
			if q, _ := queueByName(m, "support", now); len(q.Callers) != 0 {
				t.Errorf("refresh brought back %+v", q.Callers)
			}
		}},
	}
	replaySteps(t, m, testdata(t, "abandon.raw.gz"), clk, steps)
}

// TestQueueCallerPositions: callers join at the position Asterisk gives
// (their priority decides it) and the others move up when one leaves.
func TestQueueCallerPositions(t *testing.T) {
	m := New()
	clk := newClock(time.Second)
	join := func(uid string, pos int) {
		l := leg{name: "PJSIP/c-" + uid, uid: uid, state: 6, context: "in", exten: "200", priority: 2}
		m.Apply(event("Newchannel", l.with(0).snapshot("")), clk.tick())
		m.Apply(event("QueueCallerJoin", l.snapshot(""), kv("Queue", "sales", "Position", fmt.Sprint(pos), "Count", "0")), clk.tick())
	}
	order := func() string {
		q, _ := queueByName(m, "sales", clk.now)
		var ids []string
		for i, c := range q.Callers {
			if c.Position != i+1 {
				t.Errorf("%s at %d says position %d", c.Uniqueid, i+1, c.Position)
			}
			ids = append(ids, c.Uniqueid)
		}
		return strings.Join(ids, " ")
	}
	join("a", 1)
	join("b", 2)
	join("c", 1) // a higher priority goes first
	if got := order(); got != "c a b" {
		t.Errorf("after joins: %s", got)
	}
	m.Apply(event("QueueCallerLeave", leg{name: "PJSIP/c-a", uid: "a"}.snapshot(""), kv("Queue", "sales", "Position", "2", "Count", "2")), clk.tick())
	if got := order(); got != "c b" {
		t.Errorf("after a left: %s", got)
	}
	// A missed QueueCallerLeave: the Hangup takes the caller out too.
	m.Apply(event("Hangup", leg{name: "PJSIP/c-c", uid: "c"}.snapshot(""), kv("Cause", "16")), clk.tick())
	if got := order(); got != "b" {
		t.Errorf("after c hung up: %s", got)
	}
	checkInvariants(t, m, "end")
}

// memberEvent is app_queue's member blob, as QueueMemberStatus,
// QueueMemberAdded, QueueMemberPause… carry it in Asterisk 22.
func memberEvent(name, queue, iface, member string, status, paused, inCall int, reason string) *ami.Message {
	return event(name, kv(
		"Queue", queue, "MemberName", member, "Interface", iface, "StateInterface", iface,
		"Membership", "dynamic", "Penalty", "0", "CallsTaken", "3", "LastCall", "1795327979",
		"LastPause", "0", "LoginTime", "1795327310", "InCall", fmt.Sprint(inCall),
		"Status", fmt.Sprint(status), "Paused", fmt.Sprint(paused), "PausedReason", reason,
		"Ringinuse", "1", "Wrapuptime", "0"))
}

func TestQueueMembers(t *testing.T) {
	m := New()
	clk := newClock(time.Second)
	const iface = "PJSIP/alice"
	member := func() Member {
		t.Helper()
		q, ok := queueByName(m, "sales", clk.now)
		if !ok {
			t.Fatal("no queue sales")
		}
		for _, mb := range q.Members {
			if mb.Interface == iface {
				return mb
			}
		}
		t.Fatalf("no member %s in %+v", iface, q.Members)
		return Member{}
	}

	m.Apply(memberEvent("QueueMemberAdded", "sales", iface, "Alice", 1, 0, 0, ""), clk.tick())
	if mb := member(); mb.Name != "Alice" || mb.Status != 1 || mb.Paused || mb.InCall || mb.CallsTaken != 3 ||
		mb.Membership != "dynamic" || !mb.LastCall.Equal(time.Unix(1795327979, 0)) || !mb.LastPause.IsZero() || !mb.Ringinuse {
		t.Errorf("added: %+v", mb)
	}
	m.Apply(memberEvent("QueueMemberPause", "sales", iface, "Alice", 1, 1, 0, "lunch"), clk.tick())
	if mb := member(); !mb.Paused || mb.PausedReason != "lunch" {
		t.Errorf("paused: %+v", mb)
	}
	m.Apply(memberEvent("QueueMemberStatus", "sales", iface, "Alice", 2, 1, 1, "lunch"), clk.tick())
	if mb := member(); mb.Status != 2 || !mb.InCall {
		t.Errorf("in call: %+v", mb)
	}
	// Before Asterisk 12 the member's interface was "Location".
	m.Apply(event("QueueMemberPaused", kv("Queue", "sales", "Location", iface, "MemberName", "Alice", "Paused", "0")), clk.tick())
	if mb := member(); mb.Paused || mb.Status != 2 {
		t.Errorf("unpaused the old way: %+v", mb)
	}
	m.Apply(memberEvent("QueueMemberRemoved", "sales", iface, "Alice", 2, 0, 0, ""), clk.tick())
	if q, _ := queueByName(m, "sales", clk.now); len(q.Members) != 0 {
		t.Errorf("removed member still there: %+v", q.Members)
	}
	// A device state change just after the removal does not bring it back…
	m.Apply(memberEvent("QueueMemberStatus", "sales", iface, "Alice", 1, 0, 0, ""), clk.tick())
	if q, _ := queueByName(m, "sales", clk.now); len(q.Members) != 0 {
		t.Errorf("status brought back a removed member: %+v", q.Members)
	}
	// …but adding it again does.
	m.Apply(memberEvent("QueueMemberAdded", "sales", iface, "Alice", 1, 0, 0, ""), clk.tick())
	member()
}

// Transfers below follow Asterisk 22's events: the transfer event says what
// happened, and the channels move through BridgeLeave and BridgeEnter.

var (
	alice   = leg{name: "PJSIP/alice-00000001", uid: "1700000000.1", num: "201", context: "office", exten: "202", priority: 1}
	bob     = leg{name: "PJSIP/bob-00000002", uid: "1700000000.2", linkedid: "1700000000.1", num: "202", context: "office", exten: "202", priority: 1}
	bob2    = leg{name: "PJSIP/bob-00000003", uid: "1700000000.3", num: "202", context: "office", exten: "203", priority: 1}
	carol   = leg{name: "PJSIP/carol-00000004", uid: "1700000000.4", linkedid: "1700000000.3", num: "203", context: "office", exten: "203", priority: 1}
	bridge1 = "11111111-aaaa-4bbb-8ccc-000000000001"
	bridge2 = "22222222-aaaa-4bbb-8ccc-000000000002"
)

// call puts a and b, both new, into bridge id.
func call(m *Model, clk *clock, a, b leg, id string) {
	m.Apply(event("Newchannel", a.with(4).snapshot("")), clk.tick())
	m.Apply(event("Newchannel", b.with(0).snapshot("")), clk.tick())
	m.Apply(event("DialBegin", a.with(4).snapshot(""), b.with(0).snapshot("Dest"), kv("DialString", "x")), clk.tick())
	m.Apply(event("Newstate", b.with(6).snapshot("")), clk.tick())
	m.Apply(event("DialEnd", a.with(4).snapshot(""), b.with(6).snapshot("Dest"), kv("DialStatus", "ANSWER")), clk.tick())
	m.Apply(event("Newstate", a.with(6).snapshot("")), clk.tick())
	m.Apply(event("BridgeCreate", bridgeSnapshot("", id, 0)), clk.tick())
	m.Apply(event("BridgeEnter", bridgeSnapshot("", id, 1), b.with(6).snapshot("")), clk.tick())
	m.Apply(event("BridgeEnter", bridgeSnapshot("", id, 2), a.with(6).snapshot("")), clk.tick())
}

func hangup(m *Model, clk *clock, l leg) {
	m.Apply(event("Hangup", l.with(6).snapshot(""), kv("Cause", "16", "Cause-txt", "Normal Clearing")), clk.tick())
}

// TestBlindTransfer: Bob blind-transfers Alice to Carol. Alice leaves the
// bridge for the dialplan, Bob hangs up, Alice dials Carol and a new bridge
// joins them.
func TestBlindTransfer(t *testing.T) {
	m := New()
	clk := newClock(100 * time.Millisecond)
	call(m, clk, alice, bob, bridge1)
	wantPeer(t, m, alice.uid, clk.now, LinkBridge, bob.uid)

	m.Apply(event("BlindTransfer", kv("Result", "Success"), bob.with(6).snapshot("Transferer"),
		bridgeSnapshot("Transferer", bridge1, 2), alice.with(6).snapshot("Transferee"),
		kv("IsExternal", "No", "Context", "office", "Extension", "204")), clk.tick())
	m.Apply(event("BridgeLeave", bridgeSnapshot("", bridge1, 1), alice.with(6).snapshot("")), clk.tick())
	m.Apply(event("BridgeLeave", bridgeSnapshot("", bridge1, 0), bob.with(6).snapshot("")), clk.tick())
	m.Apply(event("BridgeDestroy", bridgeSnapshot("", bridge1, 0)), clk.tick())
	hangup(m, clk, bob)
	moved := alice
	moved.exten = "204"
	m.Apply(event("Newexten", moved.with(6).snapshot(""), kv("Extension", "204", "Application", "Dial", "AppData", "PJSIP/carol")), clk.tick())
	if c := mustChannel(t, m, alice.uid, clk.now); c.BridgeID != "" || c.Link != LinkNone || c.Application != "Dial" || c.Exten != "204" {
		t.Errorf("alice between bridges: %+v", c)
	}
	carolIn := carol
	carolIn.linkedid = alice.uid
	m.Apply(event("Newchannel", carolIn.with(0).snapshot("")), clk.tick())
	m.Apply(event("DialBegin", moved.with(6).snapshot(""), carolIn.with(0).snapshot("Dest"), kv("DialString", "carol")), clk.tick())
	wantPeer(t, m, alice.uid, clk.now, LinkDial, carol.uid)
	m.Apply(event("DialEnd", moved.with(6).snapshot(""), carolIn.with(6).snapshot("Dest"), kv("DialStatus", "ANSWER")), clk.tick())
	m.Apply(event("BridgeEnter", bridgeSnapshot("", bridge2, 1), carolIn.with(6).snapshot("")), clk.tick())
	m.Apply(event("BridgeEnter", bridgeSnapshot("", bridge2, 2), moved.with(6).snapshot("")), clk.tick())

	wantPeer(t, m, alice.uid, clk.now, LinkBridge, carol.uid)
	wantPeer(t, m, carol.uid, clk.now, LinkBridge, alice.uid)
	if _, ok := channelByID(m, bob.uid, clk.now); ok {
		t.Error("transferer still there")
	}
	checkInvariants(t, m, "end")
}

// TestAttendedTransfer: Alice talks to Bob; Bob calls Carol on a second
// channel and completes an attended transfer. Asterisk swaps Alice into
// Carol's bridge in place of Bob's second channel (BridgeEnter with
// SwapUniqueid), then both of Bob's channels hang up.
func TestAttendedTransfer(t *testing.T) {
	m := New()
	clk := newClock(100 * time.Millisecond)
	call(m, clk, alice, bob, bridge1)
	m.Apply(event("Hold", alice.with(6).snapshot(""), kv("MusicClass", "default")), clk.tick())
	call(m, clk, bob2, carol, bridge2)
	wantPeer(t, m, bob2.uid, clk.now, LinkBridge, carol.uid)

	m.Apply(event("BridgeEnter", bridgeSnapshot("", bridge2, 3), alice.with(6).snapshot(""), kv("SwapUniqueid", bob2.uid)), clk.tick())
	m.Apply(event("BridgeLeave", bridgeSnapshot("", bridge2, 2), bob2.with(6).snapshot("")), clk.tick())
	// The leave from the old bridge comes after the enter: it must not
	// take Alice out of the new one.
	m.Apply(event("BridgeLeave", bridgeSnapshot("", bridge1, 1), alice.with(6).snapshot("")), clk.tick())
	m.Apply(event("AttendedTransfer", kv("Result", "Success"),
		bob.with(6).snapshot("OrigTransferer"), bridgeSnapshot("OrigBridge", bridge1, 1),
		bob2.with(6).snapshot("SecondTransferer"), bridgeSnapshot("SecondBridge", bridge2, 2),
		kv("DestType", "Bridge", "DestBridgeUniqueid", bridge2),
		alice.with(6).snapshot("Transferee"), carol.with(6).snapshot("TransferTarget"),
		kv("IsExternal", "No")), clk.tick())
	m.Apply(event("BridgeLeave", bridgeSnapshot("", bridge1, 0), bob.with(6).snapshot("")), clk.tick())
	m.Apply(event("BridgeDestroy", bridgeSnapshot("", bridge1, 0)), clk.tick())
	hangup(m, clk, bob)
	hangup(m, clk, bob2)

	wantPeer(t, m, alice.uid, clk.now, LinkBridge, carol.uid)
	wantPeer(t, m, carol.uid, clk.now, LinkBridge, alice.uid)
	if got := len(m.Channels(clk.now)); got != 2 {
		t.Errorf("%d channels, want alice and carol", got)
	}
	checkInvariants(t, m, "end")
}

// TestBridgeMerge: an attended transfer that merges Bob's two bridges.
// BridgeMerge may come before or after the per-channel BridgeLeave and
// BridgeEnter; either way the model ends the same.
func TestBridgeMerge(t *testing.T) {
	for _, mergeFirst := range []bool{true, false} {
		t.Run(fmt.Sprint("merge first ", mergeFirst), func(t *testing.T) {
			m := New()
			clk := newClock(100 * time.Millisecond)
			call(m, clk, alice, bob, bridge1)
			call(m, clk, bob2, carol, bridge2)
			merge := event("BridgeMerge", bridgeSnapshot("To", bridge1, 4), bridgeSnapshot("From", bridge2, 0))
			if mergeFirst {
				m.Apply(merge, clk.tick())
			}
			for _, l := range []leg{carol, bob2} {
				m.Apply(event("BridgeLeave", bridgeSnapshot("", bridge2, 1), l.with(6).snapshot("")), clk.tick())
				m.Apply(event("BridgeEnter", bridgeSnapshot("", bridge1, 3), l.with(6).snapshot("")), clk.tick())
			}
			if !mergeFirst {
				m.Apply(merge, clk.tick())
			}
			wantPeer(t, m, alice.uid, clk.now, LinkBridge, bob.uid, carol.uid, bob2.uid)
			if c := mustChannel(t, m, carol.uid, clk.now); c.Peers != 3 || c.BridgeID != bridge1 {
				t.Errorf("carol: %+v", c)
			}
			checkInvariants(t, m, "merged")
			for _, l := range []leg{bob, bob2} {
				m.Apply(event("BridgeLeave", bridgeSnapshot("", bridge1, 2), l.with(6).snapshot("")), clk.tick())
				hangup(m, clk, l)
			}
			wantPeer(t, m, alice.uid, clk.now, LinkBridge, carol.uid)
			checkInvariants(t, m, "end")
		})
	}
}

// TestRename: the channel keeps its Uniqueid, and everything that shows its
// name (peers, the name index) follows the new one.
func TestRename(t *testing.T) {
	for _, tc := range []struct {
		name   string
		rename *ami.Message
	}{
		// Asterisk 1.8 to 22.
		{"Channel and Uniqueid", event("Rename", kv("Channel", bob.name, "Newname", "PJSIP/bob-00000002<MASQ>", "Uniqueid", bob.uid))},
		// Asterisk 1.4: no Uniqueid, the old name as Oldname.
		{"Oldname only", event("Rename", kv("Oldname", bob.name, "Newname", "PJSIP/bob-00000002<MASQ>"))},
	} {
		t.Run(tc.name, func(t *testing.T) {
			m := New()
			clk := newClock(100 * time.Millisecond)
			call(m, clk, alice, bob, bridge1)
			m.Apply(tc.rename, clk.tick())
			c := mustChannel(t, m, bob.uid, clk.now)
			if c.Name != "PJSIP/bob-00000002<MASQ>" {
				t.Errorf("name %q", c.Name)
			}
			if a := mustChannel(t, m, alice.uid, clk.now); a.Peer != "PJSIP/bob-00000002<MASQ>" {
				t.Errorf("alice's peer %q", a.Peer)
			}
			checkInvariants(t, m, "renamed")
			// A later event under the new name keeps it.
			renamed := bob
			renamed.name = "PJSIP/bob-00000002<MASQ>"
			m.Apply(event("Newstate", renamed.with(6).snapshot("")), clk.tick())
			hangup(m, clk, renamed)
			if n := len(m.Channels(clk.now)); n != 1 {
				t.Errorf("%d channels, want alice alone", n)
			}
			checkInvariants(t, m, "end")
		})
	}
}

// TestLocalPairs: a Local channel's halves are paired by name when they are
// created, and by Uniqueid when LocalBridge says which they are.
func TestLocalPairs(t *testing.T) {
	m := New()
	clk := newClock(100 * time.Millisecond)
	one := leg{name: "Local/100@from-internal-0000002a;1", uid: "1.1", context: "from-internal", exten: "100", priority: 1}
	two := leg{name: "Local/100@from-internal-0000002a;2", uid: "1.2", context: "from-internal", exten: "100", priority: 1}
	other := leg{name: "Local/100@from-internal-0000002b;2", uid: "1.3", context: "from-internal", exten: "100", priority: 1}
	m.Apply(event("Newchannel", one.snapshot("")), clk.tick())
	m.Apply(event("Newchannel", other.snapshot("")), clk.tick())
	m.Apply(event("Newchannel", two.snapshot("")), clk.tick())
	wantPeer(t, m, one.uid, clk.now, LinkLocal, two.uid)
	wantPeer(t, m, two.uid, clk.now, LinkLocal, one.uid)
	wantPeer(t, m, other.uid, clk.now, LinkNone)
	// LocalBridge names the halves by Uniqueid, whatever their names.
	m.Apply(event("LocalBridge", one.snapshot("LocalOne"), other.snapshot("LocalTwo"),
		kv("Context", "from-internal", "Exten", "100", "LocalOptimization", "No")), clk.tick())
	wantPeer(t, m, one.uid, clk.now, LinkLocal, other.uid)
	hangup(m, clk, other)
	wantPeer(t, m, one.uid, clk.now, LinkNone)
	checkInvariants(t, m, "end")
}

// A snapshot names the peer the model holds now. Each channel remembers
// its peer between snapshots; here a refresh keeps one half of a Local pair
// (events touched it within RefreshGrace) and replaces the other, which is
// then renamed: the kept half must name the replacement, not the channel
// the refresh dropped.
func TestLocalPeerAfterRefresh(t *testing.T) {
	m := New()
	clk := newClock(100 * time.Millisecond)
	one := leg{name: "Local/long@amsh-00000001;1", uid: "1.1", state: 6, context: "amsh", exten: "long", priority: 1}
	two := leg{name: "Local/long@amsh-00000001;2", uid: "1.2", linkedid: "1.1", state: 6, context: "amsh", exten: "long", priority: 2}
	m.Apply(event("Newchannel", one.snapshot("")), clk.tick())
	m.Apply(event("Newchannel", two.snapshot("")), clk.tick())
	if c := mustChannel(t, m, one.uid, clk.now); c.Peer != two.name {
		t.Fatalf("peer %q before the refresh", c.Peer)
	}
	later := clk.now.Add(RefreshGrace + time.Second)
	m.Apply(event("Newstate", one.snapshot("")), later) // one is recent, two is not
	m.LoadChannels([]*ami.Message{csc(one, "Wait", "600", "00:00:07", ""), csc(two, "Wait", "3600", "00:00:07", "")}, later)
	renamed := "Local/long@amsh-00000001;2<ZOMBIE>"
	m.Apply(event("Rename", kv("Channel", two.name, "Newname", renamed, "Uniqueid", two.uid)), later)
	if c := mustChannel(t, m, one.uid, later); c.Peer != renamed || c.Link != LinkLocal {
		t.Errorf("peer %q (%v) after the refresh and the rename, want %q", c.Peer, c.Link, renamed)
	}
	checkInvariants(t, m, "end")
}

// csc is one CoreShowChannel list item, as Asterisk 22 writes it.
func csc(l leg, app, data, duration, bridge string) *ami.Message {
	e := ami.NewEvent("CoreShowChannel", "ActionID", "csc")
	s := l.snapshot("")
	for i := 0; i+1 < len(s); i += 2 {
		e.Add(s[i], s[i+1])
	}
	e.Add("Application", app)
	e.Add("ApplicationData", data)
	e.Add("Duration", duration)
	e.Add("BridgeId", bridge)
	return e
}

// TestRefreshReplacesStaleState: the list wins over what events left long
// ago, and loses to what events said within RefreshGrace.
func TestRefreshReplacesStaleState(t *testing.T) {
	m := New()
	clk := newClock(time.Second)
	ghost := leg{name: "PJSIP/ghost-00000009", uid: "1699999999.9", context: "office", exten: "200", priority: 1}
	// Events from long ago: a call whose Hangup was missed, Alice and Bob
	// talking, and a channel that the list will call Up.
	m.Apply(event("Newchannel", ghost.with(6).snapshot("")), clk.tick())
	call(m, clk, alice, bob, bridge1)
	m.Apply(event("Newchannel", bob2.with(0).snapshot("")), clk.tick())
	clk.now = clk.now.Add(time.Minute)

	// Just before the list: Carol appears, and Alice hangs up.
	m.Apply(event("Newchannel", carol.with(4).snapshot("")), clk.tick())
	bobCreated := mustChannel(t, m, bob.uid, clk.now).Created
	hangup(m, clk, alice)
	at := clk.tick()
	// The list gives Bob's age to the second, as Asterisk does.
	bobAge := at.Sub(bobCreated) / time.Second
	bobDuration := fmt.Sprintf("%02d:%02d:%02d", bobAge/3600, bobAge/60%60, bobAge%60)

	newcomer := leg{name: "Local/300@office-00000001;1", uid: "1700000000.7", context: "office", exten: "300", priority: 3}
	newcomer2 := leg{name: "Local/300@office-00000001;2", uid: "1700000000.8", context: "office", exten: "300", priority: 1}
	m.LoadChannels([]*ami.Message{
		ami.NewEvent("CoreShowChannelsComplete", "ActionID", "csc"),  // skipped: not a channel
		csc(alice.with(6), "Dial", "PJSIP/bob", "00:01:05", bridge1), // hung up since
		csc(bob.with(6), "AppDial", "(Outgoing Line)", bobDuration, bridge1),
		csc(bob2.with(6), "Playback", "hello", "00:10:00", ""),
		csc(newcomer.with(6), "Wait", "30", "01:02:03", ""),
		csc(newcomer2.with(6), "Echo", "", "01:02:03", ""),
	}, at)
	checkInvariants(t, m, "after refresh")

	got := map[string]Channel{}
	for _, c := range m.Channels(at) {
		got[c.Uniqueid] = c
	}
	if _, ok := got[ghost.uid]; ok {
		t.Error("a channel the list does not name survived the refresh")
	}
	if _, ok := got[alice.uid]; ok {
		t.Error("the refresh brought back a channel whose Hangup came before it")
	}
	if c, ok := got[carol.uid]; !ok || c.StateDesc != "Ring" {
		t.Errorf("a channel created just before the list was dropped: %+v", c)
	}
	if c := got[bob2.uid]; c.StateDesc != "Up" || c.Application != "Playback" || c.AppData != "hello" ||
		!c.Created.Equal(at.Add(-10*time.Minute)) {
		t.Errorf("stale channel not corrected: %+v", c)
	}
	b := got[bob.uid]
	if b.BridgeID != bridge1 || b.Link != LinkNone || b.Application != "AppDial" {
		t.Errorf("bob: %+v", b)
	}
	n := got[newcomer.uid]
	if n.Name != newcomer.name || n.Application != "Wait" || n.AppData != "30" ||
		!n.Created.Equal(at.Add(-(time.Hour + 2*time.Minute + 3*time.Second))) || n.Duration != time.Hour+2*time.Minute+3*time.Second {
		t.Errorf("listed channel: %+v", n)
	}
	wantPeer(t, m, newcomer.uid, at, LinkLocal, newcomer2.uid)
	if n.State != 6 || !n.Answered.IsZero() {
		t.Errorf("answered %v: no event said when", n.Answered)
	}

	// Bob's Created came from his Newchannel; the list's Duration
	// agrees to the second, so it stays.
	if !b.Created.Equal(bobCreated) {
		t.Errorf("bob created %v, want the event's %v", b.Created, bobCreated)
	}

	// Long after, a refresh that names none of them empties the model.
	later := at.Add(time.Minute)
	m.LoadChannels(nil, later)
	if got := m.Channels(later); len(got) != 0 {
		t.Errorf("left after an empty refresh: %d", len(got))
	}
	checkInvariants(t, m, "empty")
}

// TestRefreshKeepsRecentEvents: a list taken before an event must not undo
// it, but the list's application is taken where the dialplan has not moved.
func TestRefreshKeepsRecentEvents(t *testing.T) {
	m := New()
	clk := newClock(time.Second)
	call(m, clk, alice, bob, bridge1)
	m.Apply(event("Newexten", alice.with(6).snapshot(""), kv("Extension", "202", "Application", "Dial", "AppData", "PJSIP/bob")), clk.tick())
	at := clk.tick()
	m.LoadChannels([]*ami.Message{
		csc(alice.with(4), "MixMonitor", "x.wav", "00:00:09", ""),
		csc(bob.with(6), "AppDial", "(Outgoing Line)", "00:00:09", bridge1),
	}, at)
	a := mustChannel(t, m, alice.uid, at)
	if a.StateDesc != "Up" || a.BridgeID != bridge1 {
		t.Errorf("an older list undid recent events: %+v", a)
	}
	if a.Application != "MixMonitor" || a.AppData != "x.wav" {
		t.Errorf("application %q %q, want the list's", a.Application, a.AppData)
	}
	wantPeer(t, m, alice.uid, at, LinkBridge, bob.uid)
}

// TestRefreshQueues: a recorded QueueStatus replaces queues, members and
// callers, except what events touched within RefreshGrace.
func TestRefreshQueues(t *testing.T) {
	m := New()
	clk := newClock(time.Second)
	join := func(uid string, pos int) {
		l := leg{name: "Local/200@amsh-test-" + uid + ";2", uid: uid, state: 6, context: "amsh-test", exten: "200", priority: 2}
		m.Apply(event("Newchannel", l.snapshot("")), clk.tick())
		m.Apply(event("QueueCallerJoin", l.snapshot(""), kv("Queue", "support", "Position", fmt.Sprint(pos), "Count", "0")), clk.tick())
	}
	// Long before the list: a caller the list names, one it does not (its
	// leave was missed), a member it does not name, a queue it does not
	// name.
	join("1795328130.763", 1)
	joined := clk.now
	join("w1", 2)
	m.Apply(memberEvent("QueueMemberStatus", "support", "PJSIP/alice", "Alice", 2, 0, 1, ""), clk.tick())
	m.Apply(memberEvent("QueueMemberStatus", "old", "PJSIP/bob", "Bob", 1, 0, 0, ""), clk.tick())
	clk.now = clk.now.Add(time.Minute)
	// Just before it: a caller joins, a member is added, Bob is removed.
	join("f2", 60)
	m.Apply(memberEvent("QueueMemberAdded", "support", "PJSIP/dave", "Dave", 1, 0, 0, ""), clk.tick())
	m.Apply(memberEvent("QueueMemberRemoved", "support", "Local/1002@amsh-agents/n", "Bob", 1, 0, 0, ""), clk.tick())
	at := clk.tick()

	list := testdata(t, "queuestatus.raw.gz")
	for _, e := range list {
		if e.Get("Uniqueid") == "1795328130.763" {
			// As long as the events say it has waited, to the second.
			e.Set("Wait", fmt.Sprint(int(at.Sub(joined)/time.Second)))
		}
	}
	m.LoadQueues(list, at)
	checkInvariants(t, m, "after refresh")

	qs := m.Queues(at)
	var names []string
	for _, q := range qs {
		names = append(names, q.Name)
	}
	if strings.Join(names, " ") != "sales support" {
		t.Fatalf("queues %v, want the list's", names)
	}
	sup := qs[1]
	if sup.Strategy != "ringall" || sup.Completed != 3 || sup.Abandoned != 2 || sup.HoldTime != 2*time.Second {
		t.Errorf("params %+v", sup)
	}
	var ids []string
	for _, c := range sup.Callers {
		ids = append(ids, c.Uniqueid)
		if c.CallerIDNum != "" || c.CallerIDName != "" {
			t.Errorf("QueueEntry's \"unknown\" kept: %+v", c)
		}
	}
	if len(ids) != 60 || ids[0] != "1795328130.763" || ids[59] != "f2" || slices.Contains(ids, "w1") {
		t.Errorf("callers %d: first %s, last %s, w1 in: %v", len(ids), ids[0], ids[len(ids)-1], slices.Contains(ids, "w1"))
	}
	if !sup.Callers[0].Joined.Equal(joined) {
		t.Errorf("joined %v, want the event's %v", sup.Callers[0].Joined, joined)
	}
	if c := sup.Callers[1]; c.Uniqueid != "1795328130.761" || !c.Joined.Equal(at) || c.Channel != "Local/200@amsh-test-0000017d;2" {
		t.Errorf("second caller %+v", c)
	}
	var members []string
	for _, mb := range sup.Members {
		members = append(members, fmt.Sprintf("%s %s %d %v", mb.Name, mb.Interface, mb.Status, mb.InCall))
	}
	if got := strings.Join(members, ", "); got != "Alice Local/1001@amsh-agents/n 2 true, Dave PJSIP/dave 1 false" {
		t.Errorf("members %s", got)
	}
	if mb := qs[0].Members; len(mb) != 1 || mb[0].Name != "Carol" || mb[0].Penalty != 1 || !mb[0].LastCall.IsZero() ||
		!mb[0].LoginTime.Equal(time.Unix(1795327310, 0)) || mb[0].Membership != "static" {
		t.Errorf("sales members %+v", mb)
	}

	// Long after, an empty list empties the model.
	m.LoadQueues(nil, at.Add(time.Minute))
	if qs := m.Queues(at); len(qs) != 0 {
		t.Errorf("left: %+v", qs)
	}
	checkInvariants(t, m, "empty")
}

func TestEvictOldest(t *testing.T) {
	m := New()
	m.maxChannels = 3
	clk := newClock(time.Second)
	for i := range 5 {
		l := leg{name: fmt.Sprintf("PJSIP/p-%d", i), uid: fmt.Sprint("u", i)}
		m.Apply(event("Newchannel", l.snapshot("")), clk.tick())
		if i == 1 {
			hangup(m, clk, l) // a gap in the creation order
		}
	}
	var names []string
	for _, c := range m.Channels(clk.now) {
		names = append(names, c.Name)
	}
	if got := strings.Join(names, " "); got != "PJSIP/p-2 PJSIP/p-3 PJSIP/p-4" || m.Evicted() != 1 {
		t.Errorf("kept %s, evicted %d", got, m.Evicted())
	}
	checkInvariants(t, m, "end")
}

// TestSnapshotsAreCopies: what Channels and Queues return does not change
// when events come, and changing it does not change the model.
func TestSnapshotsAreCopies(t *testing.T) {
	m := New()
	clk := newClock(time.Second)
	call(m, clk, alice, bob, bridge1)
	m.Apply(event("QueueCallerJoin", alice.with(6).snapshot(""), kv("Queue", "q", "Position", "1")), clk.tick())
	chans, queues := m.Channels(clk.now), m.Queues(clk.now)
	chans[0].Name = "changed"
	queues[0].Callers[0].Channel = "changed"
	hangup(m, clk, alice)
	m.Apply(event("Newstate", bob.with(5).snapshot("")), clk.tick())
	if len(chans) != 2 || chans[1].StateDesc != "Up" || len(queues[0].Callers) != 1 {
		t.Error("a snapshot changed with the model")
	}
	if c := m.Channels(clk.now); c[0].Name != bob.name {
		t.Errorf("the model changed with a snapshot: %+v", c[0])
	}
}

// AppendChannels into the last snapshot's slice gives what Channels gives,
// after what dst already holds.
func TestAppendChannels(t *testing.T) {
	m := New()
	clk := newClock(time.Second)
	call(m, clk, alice, bob, bridge1)
	old := m.Channels(clk.now)
	hangup(m, clk, alice)
	got := m.AppendChannels(old[:0], clk.tick())
	if want := m.Channels(clk.now); !reflect.DeepEqual(got, want) || len(got) != 1 || &got[0] != &old[0] {
		t.Errorf("into the old slice: %+v, want %+v in the same memory", got, want)
	}
	both := m.AppendChannels(old[:1], clk.now)
	if len(both) != 2 || both[0].Name != bob.name || both[1].Name != bob.name {
		t.Errorf("after one kept: %+v", both)
	}
}

// TestIgnored: list items, events the model has no use for, and events about
// channels it does not hold change nothing.
func TestIgnored(t *testing.T) {
	m := New()
	clk := newClock(time.Second)
	for _, e := range []*ami.Message{
		csc(alice.with(6), "Dial", "", "00:00:01", ""),
		event("QueueEntry", kv("Queue", "q", "Uniqueid", "x", "Position", "1")),
		event("Newstate", alice.with(6).snapshot("")),
		event("BridgeEnter", bridgeSnapshot("", bridge1, 1), alice.with(6).snapshot("")),
		event("Hangup", alice.snapshot("")),
		event("VarSet", alice.snapshot(""), kv("Variable", "x", "Value", "y")),
		event("UserEvent", kv("UserEvent", "x")),
		{},
	} {
		m.Apply(e, clk.tick())
	}
	if len(m.channels) != 0 || len(m.bridges) != 0 || len(m.queues) != 0 {
		t.Errorf("model changed: %d channels %d bridges %d queues", len(m.channels), len(m.bridges), len(m.queues))
	}
	// Alice's Hangup was seen: her Newchannel, were it to come late, is
	// not taken.
	m.Apply(event("Newchannel", alice.snapshot("")), clk.tick())
	if len(m.channels) != 0 {
		t.Error("a hung-up channel came back")
	}
}

func TestParseDuration(t *testing.T) {
	for in, want := range map[string]time.Duration{
		"00:00:00":  0,
		"00:01:05":  65 * time.Second,
		"123:00:01": 123*time.Hour + time.Second,
	} {
		if got, ok := parseDuration(in); !ok || got != want {
			t.Errorf("%q: %v %v", in, got, ok)
		}
	}
	for _, in := range []string{"", "5", "00:01", "aa:bb:cc", "00:-1:00"} {
		if _, ok := parseDuration(in); ok {
			t.Errorf("%q parsed", in)
		}
	}
}

// TestOriginateResponseNamesTheApplication: an originated channel that runs
// an application gets no Newexten for it; the OriginateResponse says which.
func TestOriginateResponseNamesTheApplication(t *testing.T) {
	m := New()
	clk := newClock(100 * time.Millisecond)
	out := leg{name: "Local/long@amsh-00000001;1", uid: "1796028015.30", context: "amsh", exten: "long", priority: 1}
	m.Apply(event("Newchannel", out.with(0).snapshot("")), clk.tick())
	m.Apply(event("Newexten", out.with(6).snapshot(""), kv("Extension", "long", "Application", "AppDial2", "AppData", "(Outgoing Line)")), clk.tick())
	failed := event("OriginateResponse", kv("Response", "Failure", "Channel", out.name, "Application", "Other", "Data", "1", "Uniqueid", out.uid))
	m.Apply(failed, clk.tick())
	if c := m.Channels(clk.now); len(c) != 1 || c[0].Application != "AppDial2" {
		t.Fatalf("after a failed OriginateResponse: %+v; want the application unchanged", c)
	}
	m.Apply(event("OriginateResponse", kv("Response", "Success", "Channel", out.name, "Context", "", "Exten", "",
		"Application", "Wait", "Data", "600", "Reason", "4", "Uniqueid", out.uid)), clk.tick())
	c := m.Channels(clk.now)
	if len(c) != 1 || c[0].Application != "Wait" || c[0].AppData != "600" {
		t.Errorf("channels %+v; want Wait(600)", c)
	}
}
