package completion

import (
	"fmt"
	"testing"

	"github.com/amsh/amsh/ami"
)

// channels10k returns 10,000 live channel names as CoreShowChannels would
// list them, sorted: 2,000 endpoints with five calls each.
func channels10k() []string {
	st := NewStore(nil)
	var evs []*ami.Message
	for i := range 10000 {
		evs = append(evs, event("Event", "Newchannel", "Channel", fmt.Sprintf("PJSIP/ep%05d-%08x", i%2000+1, 0xabcd+i)))
	}
	st.ApplyEvents(evs)
	return st.Load().Channels
}

// A Tab with 10,000 live channels; the target is under 50 ms.
func BenchmarkCompleteChannels10k(b *testing.B) {
	snap := loadFixture(b)
	snap.Channels = channels10k()
	for _, tc := range []struct{ name, before string }{
		{"subcommand", "hangup PJSIP/ep0"},      // all 10,000 match
		{"action", "Hangup Channel=PJSIP/ep00"}, // all 10,000 match, each built as Channel=...
		{"narrow", "hangup PJSIP/ep01234-"},     // five match
		{"empty", "hangup "},                    // every channel
	} {
		b.Run(tc.name, func(b *testing.B) {
			n := len(Complete(tc.before, snap).Candidates)
			b.ReportAllocs()
			for b.Loop() {
				Complete(tc.before, snap)
			}
			b.ReportMetric(float64(n), "candidates")
		})
	}
}

// The event stream of a busy server over 10,000 live channels: 5,000 calls
// come up and 5,000 go down. Each run applies the batch and then its undo,
// so every batch changes the list; ns/op is per batch.
func BenchmarkApplyEvents10k(b *testing.B) {
	base := channels10k()
	var do, undo []*ami.Message
	for i := range 5000 {
		up := fmt.Sprintf("PJSIP/ep%05d-%08x", i%2000+1, 0x100000+i)
		do = append(do, event("Event", "Newchannel", "Channel", up), event("Event", "Hangup", "Channel", base[i*2]))
		undo = append(undo, event("Event", "Hangup", "Channel", up), event("Event", "Newchannel", "Channel", base[i*2]))
	}
	for _, size := range []int{10000, 100, 1} {
		b.Run(fmt.Sprintf("batch%d", size), func(b *testing.B) {
			st := NewStore(&Snapshot{Channels: base})
			b.ReportAllocs()
			i, back := 0, false
			for b.Loop() {
				if back {
					st.ApplyEvents(undo[i : i+size])
				} else {
					st.ApplyEvents(do[i : i+size])
				}
				if back = !back; !back {
					i = (i + size) % len(do)
				}
			}
			if n := len(st.Load().Channels); n < 9000 || n > 11000 {
				b.Fatalf("%d channels", n)
			}
		})
	}
}
