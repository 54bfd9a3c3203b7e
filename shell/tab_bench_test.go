package shell

import (
	"fmt"
	"testing"

	"github.com/amsh/amsh/completion"
)

// BenchmarkTabChannels10k is one Tab as readline asks for it (completer.Do)
// with 10,000 live channels in the snapshot: the completion engine plus the
// conversion to readline's suffixes. Terminal drawing is not included.
// The target is under 50 ms.
func BenchmarkTabChannels10k(b *testing.B) {
	snap := &completion.Snapshot{Commands: []completion.Command{{Name: "hangup", Args: []completion.ArgKind{completion.ArgChannel}}}}
	for i := range 10000 {
		snap.Channels = append(snap.Channels, fmt.Sprintf("PJSIP/ep%05d-%08x", i%500, i))
	}
	st := completion.NewStore(snap)
	c := &completer{complete: func(before string) completion.Result { return completion.Complete(before, st.Load()) }}
	for _, line := range []string{"hangup PJSIP/ep0", "hangup PJSIP/ep00042-"} {
		b.Run(line, func(b *testing.B) {
			rl := []rune(line)
			for b.Loop() {
				if cands, _ := c.Do(rl, len(rl)); len(cands) == 0 {
					b.Fatal("no candidates")
				}
			}
		})
	}
}
