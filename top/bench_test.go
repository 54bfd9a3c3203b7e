package top

import (
	"testing"

	"github.com/gdamore/tcell/v2"

	"github.com/amsh/amsh/live"
)

// BenchmarkRedraw10kChannels is one redraw of top with 10,000 live channels
// at 200x50: frame over the snapshot, then the cells put on a
// SimulationScreen and shown. SPEC's target is under 30 ms.
func BenchmarkRedraw10kChannels(b *testing.B) {
	benchRedraw(b, "")
}

// BenchmarkRedraw10kChannelsFiltered is the same with a filter, which reads
// every row's text.
func BenchmarkRedraw10kChannelsFiltered(b *testing.B) {
	benchRedraw(b, "agent-00000")
}

func benchRedraw(b *testing.B, filter string) {
	s := manyChannels(10_000, t0)
	sim := tcell.NewSimulationScreen("UTF-8")
	if err := sim.Init(); err != nil {
		b.Fatal(err)
	}
	defer sim.Fini()
	sim.SetSize(200, 50)
	st := uiState{filter: filter, sel: [2]selection{{idx: 5000}}}
	sty := styles(true)
	b.ReportAllocs()
	for i := 0; b.Loop(); i++ {
		// Every second the durations change, so every row's Time cell does.
		for j := range s.channels {
			s.channels[j].Duration += 1e9
		}
		res := frame(s, &st, 200, 50)
		st.sel = res.sel
		draw(sim, res.lines, &sty)
	}
}

// BenchmarkSnapshotAndRedraw10kChannels adds what draw takes from the
// model: Channels and Queues snapshots of 10,000 channels.
func BenchmarkSnapshotAndRedraw10kChannels(b *testing.B) {
	m := live.New()
	for _, e := range manyChannelEvents(10_000) {
		m.Apply(e, t0)
	}
	sim := tcell.NewSimulationScreen("UTF-8")
	if err := sim.Init(); err != nil {
		b.Fatal(err)
	}
	defer sim.Fini()
	sim.SetSize(200, 50)
	st := uiState{}
	sty := styles(true)
	now := t0
	b.ReportAllocs()
	for b.Loop() {
		now = now.Add(1e9)
		s := &snapshot{now: now, target: "bench", channels: m.Channels(now), queues: m.Queues(now)}
		res := frame(s, &st, 200, 50)
		st.sel = res.sel
		draw(sim, res.lines, &sty)
	}
	if n := len(m.Channels(now)); n != 10_000 {
		b.Fatalf("%d channels in the model", n)
	}
}
