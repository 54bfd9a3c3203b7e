package top

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"testing"
	"time"

	"github.com/amsh/amsh/ami"
	"github.com/amsh/amsh/internal/busypbx"
	"github.com/amsh/amsh/live"
	"github.com/amsh/amsh/screen"
)

// BenchmarkRedraw10kChannels is one redraw of top with 10,000 live channels
// at 200x50: frame over the snapshot, then the cells put on a
// screen that writes to io.Discard and shown. The target (README,
// Benchmarks) is under 30 ms.
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
	sim := screen.New(io.Discard, 200, 50)
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
	sim := screen.New(io.Discard, 200, 50)
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

// BenchmarkRedrawTerminal10k is the redraw amsh top does with 10,000 live
// channels, with the escape sequences the screen writes counted instead of
// sent to a terminal, at 80x24 and 200x50. The model is loaded from a
// CoreShowChannels and a QueueStatus reply made by internal/busypbx from
// Asterisk's own messages. Each op is one redraw: the model's snapshot, the
// frame, and the screen shown. tick is the redraw of every second (every
// duration moved on, so the changed Time cells are written); full is a
// whole screen repainted (Sync, as after a resize). term-B/op is what
// reaches the terminal.
func BenchmarkRedrawTerminal10k(b *testing.B) {
	now := time.Now()
	m := live.New()
	pbx := busypbx.New(10_000, 4, 6, now)
	m.LoadChannels(parseAMI(b, pbx.CoreShowChannels(nil, "csc", now)), now)
	m.LoadQueues(parseAMI(b, pbx.QueueStatus(nil, "qs")), now)
	if n := len(m.Channels(now)); n != 10_000 {
		b.Fatalf("%d channels in the model", n)
	}
	for _, size := range [][2]int{{80, 24}, {200, 50}} {
		for _, full := range []bool{false, true} {
			name := fmt.Sprintf("%dx%d/tick", size[0], size[1])
			if full {
				name = fmt.Sprintf("%dx%d/full", size[0], size[1])
			}
			b.Run(name, func(b *testing.B) {
				var tty countingWriter
				scr := screen.New(&tty, size[0], size[1])
				defer scr.Close()
				l := &loop{scr: scr, cfg: Config{Target: "profile bench (127.0.0.1:15200)"}, model: m,
					buf: ami.NewEventBuffer(1<<20, true), styles: styles(true)}
				at := now
				l.cfg.Now = func() time.Time { return at }
				l.draw()
				tty.written = 0
				b.ReportAllocs()
				for b.Loop() {
					at = at.Add(time.Second)
					if full {
						l.drawFull()
					} else {
						l.draw()
					}
				}
				b.ReportMetric(float64(tty.written)/float64(b.N), "term-B/op")
			})
		}
	}
}

// drawFull is loop.draw with the whole screen repainted.
func (l *loop) drawFull() {
	l.layout()
	for y, ln := range l.last.lines {
		l.scr.PutStr(0, y, ln.text, l.styles[ln.style])
	}
	l.scr.Sync()
}

// parseAMI reads the messages of an AMI stream without a banner.
func parseAMI(tb testing.TB, b []byte) []*ami.Message {
	tb.Helper()
	r := ami.NewReader(bytes.NewReader(b), ami.ReaderOptions{})
	var ms []*ami.Message
	for {
		m, err := r.ReadMessage()
		if errors.Is(err, io.EOF) {
			return ms
		}
		if err != nil {
			tb.Fatal(err)
		}
		ms = append(ms, m)
	}
}

// countingWriter counts what is written to it.
type countingWriter struct{ written int64 }

func (w *countingWriter) Write(p []byte) (int, error) {
	w.written += int64(len(p))
	return len(p), nil
}
