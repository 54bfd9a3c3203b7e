package cmd

import (
	"bytes"
	"context"
	"fmt"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/amsh/amsh/ami"
	"github.com/amsh/amsh/internal/sandboxtest"
)

func traceEvent(kv ...string) *ami.Message { return ami.NewEvent(kv[0], kv[1:]...) }

// A call followed from one channel: a new leg joins by its Linkedid, a
// channel of another call joins when a transfer bridges it in (its own
// Linkedid comes with it), a Rename keeps the channel, unrelated events are
// skipped, and the last Hangup ends the trace.
func TestCallTracker(t *testing.T) {
	listing := []*ami.Message{
		traceEvent("CoreShowChannel", "Channel", "PJSIP/a-1", "Uniqueid", "100.1", "Linkedid", "100.1"),
		traceEvent("CoreShowChannel", "Channel", "PJSIP/x-9", "Uniqueid", "200.1", "Linkedid", "200.1"),
	}
	tr, err := newCallTracker(listing, "PJSIP/a-1", "")
	if err != nil || tr.first != "100.1" || len(tr.live) != 1 {
		t.Fatalf("%+v, %v", tr, err)
	}
	for i, tc := range []struct {
		ev         *ami.Message
		mine, done bool
	}{
		{traceEvent("Newchannel", "Channel", "PJSIP/b-2", "Uniqueid", "100.2", "Linkedid", "100.1"), true, false},
		{traceEvent("DialBegin", "Channel", "PJSIP/a-1", "Uniqueid", "100.1", "Linkedid", "100.1",
			"DestChannel", "PJSIP/b-2", "DestUniqueid", "100.2", "DestLinkedid", "100.1"), true, false},
		{traceEvent("Newstate", "Channel", "PJSIP/x-9", "Uniqueid", "200.1", "Linkedid", "200.1"), false, false},
		{traceEvent("Rename", "Channel", "PJSIP/b-2", "Newname", "PJSIP/b-2<ZOMBIE>", "Uniqueid", "100.2", "Linkedid", "100.1"), true, false},
		// An attended transfer: b's channel moves to x's older call.
		{traceEvent("BridgeEnter", "Channel", "PJSIP/b-2", "Uniqueid", "100.2", "Linkedid", "200.1", "BridgeUniqueid", "br-1"), true, false},
		{traceEvent("Newstate", "Channel", "PJSIP/x-9", "Uniqueid", "200.1", "Linkedid", "200.1"), true, false},
		{traceEvent("Hangup", "Channel", "PJSIP/a-1", "Uniqueid", "100.1", "Linkedid", "100.1", "Cause", "16"), true, false},
		{traceEvent("Hangup", "Channel", "PJSIP/b-2", "Uniqueid", "100.2", "Linkedid", "200.1", "Cause", "16"), true, false},
		// Seen after an attended transfer: an event about a channel after
		// its Hangup is the call's, but does not bring the channel back.
		{traceEvent("NewCallerid", "Channel", "PJSIP/b-2", "Uniqueid", "100.2", "Linkedid", "200.1"), true, false},
		{traceEvent("Hangup", "Channel", "PJSIP/x-9", "Uniqueid", "200.1", "Linkedid", "200.1", "Cause", "16"), true, true},
	} {
		mine, done := tr.observe(tc.ev)
		if mine != tc.mine || done != tc.done {
			t.Errorf("event %d %s: mine %v done %v; want %v %v", i, tc.ev.Event(), mine, done, tc.mine, tc.done)
		}
	}
	if tr.seen != 3 || tr.events != 9 {
		t.Errorf("seen %d events %d; want 3 and 9", tr.seen, tr.events)
	}

	if _, err := newCallTracker(listing, "PJSIP/gone-1", ""); err == nil || err.Error() != "no channel PJSIP/gone-1 is up" {
		t.Errorf("gone: %v", err)
	}
	tr, err = newCallTracker(listing, "", "300.1")
	if err != nil || len(tr.live) != 0 {
		t.Fatalf("a call to come: %+v, %v", tr, err)
	}
	if mine, done := tr.observe(traceEvent("Newchannel", "Channel", "PJSIP/c-3", "Uniqueid", "300.1", "Linkedid", "300.1")); !mine || done {
		t.Errorf("first channel of a call to come: %v %v", mine, done)
	}
}

// BenchmarkObserve: trace logs in with every event on, so each event on the
// server goes through observe; most are about other calls (unrelated), a
// 17-header event with the channel snapshot. mine is one of the call's.
func BenchmarkObserve(b *testing.B) {
	snapshot := func(event, uid string) *ami.Message {
		return traceEvent(event, "Privilege", "dialplan,all", "Channel", "PJSIP/x-00000009", "ChannelState", "6",
			"ChannelStateDesc", "Up", "CallerIDNum", "200", "CallerIDName", "Bob", "ConnectedLineNum", "100",
			"ConnectedLineName", "Alice", "Language", "en", "AccountCode", "", "Context", "from-internal",
			"Exten", "300", "Priority", "2", "Uniqueid", uid, "Linkedid", uid, "Application", "Playback")
	}
	listing := []*ami.Message{traceEvent("CoreShowChannel", "Channel", "PJSIP/a-1", "Uniqueid", "100.1", "Linkedid", "100.1")}
	for _, tc := range []struct {
		name string
		ev   *ami.Message
		mine bool
	}{
		{"unrelated", snapshot("Newexten", "200.1"), false},
		{"mine", snapshot("Newexten", "100.1"), true},
	} {
		b.Run(tc.name, func(b *testing.B) {
			tr, err := newCallTracker(listing, "PJSIP/a-1", "")
			if err != nil {
				b.Fatal(err)
			}
			b.ReportAllocs()
			for b.Loop() {
				if mine, _ := tr.observe(tc.ev); mine != tc.mine {
					b.Fatalf("mine %v", mine)
				}
			}
		})
	}
}

func TestTimeline(t *testing.T) {
	var b bytes.Buffer
	tl := &timeline{w: &b}
	at := time.Date(2026, 11, 30, 8, 51, 11, 924e6, time.Local)
	for _, m := range []*ami.Message{
		traceEvent("Newchannel", "Privilege", "call,all", "Channel", "PJSIP/alice-00000001", "ChannelState", "0",
			"Context", "from-internal", "Exten", "200", "Uniqueid", "1.1", "Linkedid", "1.1"),
		traceEvent("BlindTransfer", "Result", "Success", "TransfererChannel", "PJSIP/alice-00000001", "TransfererUniqueid", "1.1",
			"Extension", "parked", "Context", "amsh"),
		traceEvent("Hangup", "Channel", "PJSIP/b-2", "Cause", "16", "Cause-txt", "Normal Clearing", "Uniqueid", "1.2"),
		traceEvent("Unhold", "Channel", "PJSIP/b-2", "Uniqueid", "1.2"),
	} {
		if err := tl.write(m, at); err != nil {
			t.Fatal(err)
		}
	}
	want := "08:51:11.924  PJSIP/alice-00000001  Newchannel        Context=from-internal Exten=200\n" +
		"08:51:11.924  PJSIP/alice-00000001  BlindTransfer     Result=Success TransfererChannel=PJSIP/alice-00000001 Extension=parked\n" +
		"08:51:11.924  PJSIP/b-2             Hangup            Cause=16 (Normal Clearing) Cause-txt=\"Normal Clearing\"\n" +
		"08:51:11.924  PJSIP/b-2             Unhold\n"
	if b.String() != want {
		t.Errorf("got\n%s\nwant\n%s", b.String(), want)
	}
}

func TestNewCmdTrace(t *testing.T) {
	for _, tc := range []struct{ argv, want string }{
		{"PJSIP/a-1", "Channel=PJSIP/a-1 Linkedid= Buffer=256MiB"},
		{"--linkedid 1700000000.42", "Channel= Linkedid=1700000000.42 Buffer=256MiB"},
	} {
		opts, err := parseCmd(t, NewCmdTrace, "", strings.Fields(tc.argv)...)
		if got := parsedFields(opts); err != nil || got != tc.want {
			t.Errorf("trace %s:\n got %s, %v\nwant %s", tc.argv, got, err, tc.want)
		}
	}
	_, err := parseCmd(t, NewCmdTrace, "", "a", "b")
	wantUsageError(t, err, `trace: too many arguments: "a", "b" (it takes CHANNEL|--linkedid ID)`)
	for _, tc := range []struct {
		opts TraceOptions
		want string
	}{
		{TraceOptions{}, "trace: give CHANNEL or --linkedid ID"},
		{TraceOptions{Channel: "PJSIP/a-1", Linkedid: "1.1"}, "trace PJSIP/a-1: CHANNEL and --linkedid exclude each other"},
	} {
		wantUsageError(t, traceRun(context.Background(), &tc.opts), tc.want)
	}
}

// A call traced from before it exists (--linkedid, the ChannelId the
// originate gives it): answered, blind-transferred into parked, hung up.
// Every leg shows, and the trace ends with exit 0 at the last hangup.
func TestTraceSandbox(t *testing.T) {
	sb := sandboxtest.Get(t)
	sandboxOperatorDialplan(t, sb)
	id := fmt.Sprintf("amsh-trace-%d", time.Now().UnixNano())

	var out, errOut syncBuffer
	env := map[string]string{}
	ios := &IOStreams{In: strings.NewReader(""), Out: &out, ErrOut: &errOut, Getenv: func(k string) string { return env[k] }}
	f := NewFactory(ios)
	f.ReadSecret = nil
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	code := make(chan int, 1)
	go func() { code <- Run(ctx, f, sandboxArgs(sb, "trace", "--linkedid", id)) }()
	deadline := time.Now().Add(10 * time.Second)
	for !strings.Contains(errOut.String(), "waiting for a channel of call "+id) {
		if time.Now().After(deadline) {
			cancel()
			t.Fatalf("trace did not start: stderr %q", errOut.String())
		}
		time.Sleep(20 * time.Millisecond)
	}

	r := (&run{Args: sandboxArgs(sb, "originate", "Local/bridged@amsh", "--app", "Wait", "--data", "600", "--channel-id", id, "--wait")}).exec(t)
	m := regexp.MustCompile(`Channel: +(Local/bridged@amsh-[0-9a-f]+);1`).FindStringSubmatch(r.Stdout)
	if r.Code != 0 || m == nil {
		cancel()
		t.Fatalf("originate: code %d stdout %q stderr %q", r.Code, r.Stdout, r.Stderr)
	}
	t.Cleanup(func() { sb.Rx(t, "channel request hangup "+m[1]+";1") })
	transferer := m[1] + ";2"
	if out, ok := sandboxWaitChannels(t, sb, func(s string) bool { return strings.Contains(s, "!AppDial!") && strings.Contains(s, transferer+"!") }); !ok {
		t.Fatalf("no Dial from %s:\n%s", transferer, out)
	}
	all := sandboxConcise(t, sb)
	var peer string
	for name, c := range all {
		if name != transferer && c["BridgeID"] != "" && c["BridgeID"] == all[transferer]["BridgeID"] {
			peer = name
		}
	}
	if peer == "" {
		t.Fatalf("no peer of %s in %v", transferer, all)
	}
	t.Cleanup(func() { sb.Rx(t, "channel request hangup "+peer) })
	r = (&run{Args: sandboxArgs(sb, "transfer", transferer, "parked@amsh")}).exec(t)
	if r.Code != 0 {
		t.Fatalf("transfer: code %d stderr %q", r.Code, r.Stderr)
	}
	if out, ok := sandboxWaitChannels(t, sb, func(s string) bool { return strings.Contains(s, peer+"!amsh!parked!") }); !ok {
		t.Fatalf("%s not in parked:\n%s", peer, out)
	}
	sb.Rx(t, "channel request hangup "+peer)

	select {
	case c := <-code:
		if c != 0 {
			t.Errorf("trace: exit %d, stderr %q", c, errOut.String())
		}
	case <-time.After(10 * time.Second):
		cancel()
		<-code
		t.Fatalf("trace still running 10s after the last hangup; stdout:\n%s", out.String())
	}
	got := out.String()
	long := strings.TrimSuffix(peer, ";1")
	for _, leg := range []string{m[1] + ";1", m[1] + ";2", long + ";1", long + ";2"} {
		for _, event := range []string{"Newchannel", "Hangup"} {
			if !regexp.MustCompile(`(?m)^\d\d:\d\d:\d\d\.\d{3}  ` + regexp.QuoteMeta(leg) + ` +` + event + ` `).MatchString(got) {
				t.Errorf("no %s of %s in the trace:\n%s", event, leg, got)
			}
		}
	}
	for _, want := range []string{"Newstate          ChannelStateDesc=Up", "DialBegin", "BridgeEnter", "BlindTransfer     Result=Success", "Extension=parked"} {
		if !strings.Contains(got, want) {
			t.Errorf("no %q in the trace:\n%s", want, got)
		}
	}
	if !strings.Contains(errOut.String(), "call "+id+" ended: 4 channels") {
		t.Errorf("stderr %q: want the end note", errOut.String())
	}
}
