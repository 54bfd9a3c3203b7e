package live

import (
	"fmt"
	"testing"
	"time"

	"github.com/amsh/amsh/ami"
)

// BenchmarkApply replays the recorded events of calls-tail into a new model
// per pass; events/s is the figure to hold against the ~10k events/s a busy
// Asterisk sends.
func BenchmarkApply(b *testing.B) {
	var events []*ami.Message
	for _, e := range testdata(b, "calls-tail.raw.gz") {
		if e.IsEvent() && e.ActionID() == "" {
			events = append(events, e)
		}
	}
	start := time.Date(2026, 11, 22, 6, 15, 0, 0, time.UTC)
	b.ReportAllocs()
	for b.Loop() {
		m := New()
		for i, e := range events {
			m.Apply(e, start.Add(time.Duration(i)*time.Millisecond))
		}
	}
	perEvent := float64(b.Elapsed().Nanoseconds()) / float64(b.N*len(events))
	b.ReportMetric(perEvent, "ns/event")
	b.ReportMetric(1e9/perEvent, "events/s")
}

// busyModel returns a model of n channels in n/2 two-party bridges, all in
// the dialplan, as events leave them.
func busyModel(n int, now time.Time) *Model {
	m := New()
	for i := 0; i < n; i += 2 {
		a := leg{name: fmt.Sprintf("PJSIP/trunk-%08x", i), uid: fmt.Sprintf("1700000000.%d", i), num: "5551234",
			state: 6, context: "from-trunk", exten: "200", priority: 3}
		c := leg{name: fmt.Sprintf("PJSIP/ext%04d-%08x", i%5000, i+1), uid: fmt.Sprintf("1700000000.%d", i+1),
			linkedid: a.uid, num: "200", state: 6, context: "from-trunk", exten: "200", priority: 1}
		id := fmt.Sprintf("bridge-%d", i)
		at := now.Add(-time.Duration(n-i) * time.Second)
		m.Apply(event("Newchannel", a.snapshot("")), at)
		m.Apply(event("Newchannel", c.snapshot("")), at)
		m.Apply(event("Newexten", a.snapshot(""), kv("Extension", "200", "Application", "Dial", "AppData", "PJSIP/ext,30,tT")), at)
		m.Apply(event("BridgeEnter", bridgeSnapshot("", id, 1), c.snapshot("")), at)
		m.Apply(event("BridgeEnter", bridgeSnapshot("", id, 2), a.snapshot("")), at)
	}
	return m
}

// BenchmarkChannels10k: the snapshot a top redraw takes with 10,000 live
// channels (sorted, with durations and peers).
func BenchmarkChannels10k(b *testing.B) {
	now := time.Date(2026, 11, 22, 12, 0, 0, 0, time.UTC)
	m := busyModel(10_000, now)
	b.ReportAllocs()
	for b.Loop() {
		if got := m.Channels(now); len(got) != 10_000 {
			b.Fatalf("%d channels", len(got))
		}
	}
}

// BenchmarkLoadChannels10k: a full refresh from a CoreShowChannels list of
// 10,000 channels that replaces every one the model holds.
func BenchmarkLoadChannels10k(b *testing.B) {
	now := time.Date(2026, 11, 22, 12, 0, 0, 0, time.UTC)
	var list []*ami.Message
	for i := range 10_000 {
		l := leg{name: fmt.Sprintf("PJSIP/p-%08x", i), uid: fmt.Sprintf("1700000000.%d", i), state: 6,
			context: "from-trunk", exten: "200", priority: 3}
		list = append(list, csc(l, "Dial", "PJSIP/ext,30", "00:03:20", fmt.Sprintf("bridge-%d", i/2)))
	}
	m := busyModel(10_000, now.Add(-time.Minute))
	b.ReportAllocs()
	for b.Loop() {
		m.LoadChannels(list, now)
	}
	if got := len(m.Channels(now)); got != 10_000 {
		b.Fatalf("%d channels", got)
	}
}

// BenchmarkChannels10kLocal is BenchmarkChannels10k with the channels in
// 5,000 Local pairs running Wait, not bridged: what a sandbox filled by
// Originate to Local/long@amsh holds. Their peers come from lookups, not a
// bridge.
func BenchmarkChannels10kLocal(b *testing.B) {
	now := time.Date(2026, 11, 22, 12, 0, 0, 0, time.UTC)
	m := New()
	for i := 0; i < 10_000; i += 2 {
		name := fmt.Sprintf("Local/long@amsh-%08x;", i/2)
		one := leg{name: name + "1", uid: fmt.Sprintf("1796034194.%d", i), state: 6, context: "amsh", exten: "long", priority: 1}
		two := leg{name: name + "2", uid: fmt.Sprintf("1796034194.%d", i+1), linkedid: one.uid, state: 6,
			context: "amsh", exten: "long", priority: 2}
		at := now.Add(-time.Duration(10_000-i) * time.Second)
		m.Apply(event("Newchannel", one.snapshot("")), at)
		m.Apply(event("Newchannel", two.snapshot("")), at)
		m.Apply(event("LocalBridge", one.snapshot("LocalOne"), two.snapshot("LocalTwo"),
			kv("Context", "amsh", "Exten", "long", "LocalOptimization", "No")), at)
	}
	if got := m.Channels(now); len(got) != 10_000 || got[0].Link != LinkLocal {
		b.Fatalf("%d channels, the first linked %v", len(got), got[0].Link)
	}
	var snap []Channel
	b.ReportAllocs()
	for b.Loop() {
		snap = m.AppendChannels(snap[:0], now)
	}
}
