package live

import (
	"testing"
	"time"

	"github.com/amsh/amsh/ami"
)

// FuzzApplyOrder applies recorded and hand-built events in any order, with
// repeats, gaps and refreshes among them, as a stream that lost or
// reordered events would: the model must keep its indexes consistent and
// never panic, whatever comes.
func FuzzApplyOrder(f *testing.F) {
	pool := append(testdata(f, "call-life.raw.gz"), testdata(f, "abandon.raw.gz")...)
	pool = append(pool,
		event("BridgeMerge", bridgeSnapshot("To", bridge1, 4), bridgeSnapshot("From", "d18ee9f3-a097-4281-935a-75c13274cc61", 0)),
		event("BridgeDestroy", bridgeSnapshot("", "d18ee9f3-a097-4281-935a-75c13274cc61", 0)),
		event("Rename", kv("Channel", "Local/200@amsh-test-00000186;2", "Newname", "Local/200@amsh-test-00000186;1", "Uniqueid", "1795328130.781")),
		memberEvent("QueueMemberAdded", "support", "Local/1001@amsh-agents/n", "Alice", 1, 0, 0, ""),
		memberEvent("QueueMemberRemoved", "support", "Local/1001@amsh-agents/n", "Alice", 1, 0, 0, ""),
	)
	var listed []*ami.Message
	for _, e := range pool {
		if e.Event() == "Newstate" {
			listed = append(listed, csc(leg{name: e.Get("Channel"), uid: e.Get("Uniqueid"), state: 6,
				context: e.Get("Context"), exten: e.Get("Exten"), priority: 1}, "Wait", "1", "00:00:02", ""))
		}
	}
	queueList := testdata(f, "queuestatus.raw.gz")

	f.Add([]byte{0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10})
	f.Add([]byte{255, 254, 0, 200, 100, 17, 56, 57, 66, 67, 73, 74})
	f.Add([]byte{56, 57, 110, 111, 112, 113, 114, 254, 56, 57, 66})
	f.Fuzz(func(t *testing.T, order []byte) {
		m := New()
		m.maxChannels = 4
		now := time.Date(2026, 11, 22, 6, 15, 0, 0, time.UTC)
		for _, b := range order {
			now = now.Add(700 * time.Millisecond)
			switch {
			case b == 255:
				m.LoadChannels(listed, now)
			case b == 254:
				m.LoadQueues(queueList, now)
			case b == 253:
				now = now.Add(time.Minute)
			default:
				m.Apply(pool[int(b)%len(pool)], now)
			}
			checkInvariants(t, m, "fuzz")
			m.Channels(now)
			m.Queues(now)
		}
	})
}
