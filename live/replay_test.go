package live

import (
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/amsh/amsh/ami"
)

// replay feeds a recorded stream to a new Model as top would, checking the
// model's indexes after every message and each refresh against its list,
// and at the end that the model holds exactly the channels the stream
// leaves alive: those it created (Newchannel) or listed (CoreShowChannel)
// and never hung up.
func replay(t *testing.T, msgs []*ami.Message) *Model {
	t.Helper()
	m := New()
	clk := newClock(10 * time.Millisecond)
	alive := map[string]bool{}
	hungUp := map[string]bool{}
	refreshes := 0
	feed(m, msgs, clk, func(e *ami.Message, now time.Time) {
		switch e.Event() {
		case "Newchannel":
			alive[e.Get("Uniqueid")] = true
		case "Hangup":
			delete(alive, e.Get("Uniqueid"))
			hungUp[e.Get("Uniqueid")] = true
		}
		checkInvariants(t, m, fmt.Sprintf("after %s %s", e.Event(), e.Get("Uniqueid")))
	}, func(kind string, list []*ami.Message, now time.Time) {
		refreshes++
		switch kind {
		case "CoreShowChannelsComplete":
			checkChannelRefresh(t, m, list, now)
			for _, e := range list {
				if uid := e.Get("Uniqueid"); !hungUp[uid] {
					alive[uid] = true
				}
			}
		case "QueueStatusComplete":
			checkQueueRefresh(t, m, list, now)
		}
	})
	var got, want []string
	for _, c := range m.Channels(clk.now) {
		got = append(got, c.Uniqueid)
	}
	for uid := range alive {
		want = append(want, uid)
	}
	slices.Sort(got)
	slices.Sort(want)
	if !slices.Equal(got, want) {
		t.Errorf("%d channels at the end, the stream leaves %d alive:\n got %v\nwant %v", len(got), len(want), got, want)
	}
	t.Logf("%d messages, %d refreshes, %d channels at the end", len(msgs), refreshes, len(got))
	return m
}

// checkChannelRefresh: right after LoadChannels, every listed channel not
// hung up is there, and as the list says unless events touched it within
// RefreshGrace; every channel the list lacks was touched within it.
func checkChannelRefresh(t *testing.T, m *Model, list []*ami.Message, now time.Time) {
	t.Helper()
	listed := map[string]*ami.Message{}
	for _, e := range list {
		listed[e.Get("Uniqueid")] = e
	}
	kept := 0
	for _, c := range m.Channels(now) {
		e := listed[c.Uniqueid]
		recentlySeen := recent(m.channels[c.Uniqueid].seen, now)
		switch {
		case e == nil && !recentlySeen:
			t.Errorf("refresh kept %s, which the list lacks and no recent event named", c.Name)
		case e == nil:
			kept++
		case recentlySeen:
			kept++
		case c.Name != e.Get("Channel") || c.StateDesc != e.Get("ChannelStateDesc") ||
			c.Application != e.Get("Application") || c.AppData != e.Get("ApplicationData") ||
			c.BridgeID != e.Get("BridgeId"):
			t.Errorf("%s after refresh: %+v, list: %s", c.Name, c, strings.ReplaceAll(e.String(), "\r\n", " | "))
		}
		delete(listed, c.Uniqueid)
	}
	for uid, e := range listed {
		if !m.hungUp.has(uid, now) {
			t.Errorf("listed %s missing after refresh", e.Get("Channel"))
		}
	}
	t.Logf("channel refresh: %d listed, %d kept as events left them, %d listed but hung up since", len(list), kept, len(listed))
}

// checkQueueRefresh: right after LoadQueues, each queue's callers are the
// listed ones in the list's order, then the ones that joined since.
func checkQueueRefresh(t *testing.T, m *Model, list []*ami.Message, now time.Time) {
	t.Helper()
	entries := map[string][]string{}
	for _, e := range list {
		if e.Event() == "QueueEntry" && !m.hungUp.has(e.Get("Uniqueid"), now) && !m.leftQueue.has(e.Get("Queue")+"\x00"+e.Get("Uniqueid"), now) {
			entries[e.Get("Queue")] = append(entries[e.Get("Queue")], e.Get("Uniqueid"))
		}
	}
	for _, q := range m.Queues(now) {
		var got []string
		for _, c := range q.Callers {
			got = append(got, c.Uniqueid)
		}
		want := entries[q.Name]
		if len(got) < len(want) || !slices.Equal(got[:len(want)], want) {
			t.Errorf("queue %s after refresh: %v, listed %v", q.Name, got, want)
		}
		for _, uid := range got[len(want):] {
			if c := m.queues[q.Name].callers[slices.Index(got, uid)]; !recent(c.seen, now) {
				t.Errorf("queue %s kept %s, which the list lacks and no recent event named", q.Name, uid)
			}
		}
	}
}

// TestReplayTail replays the end of a recorded Asterisk 22 session (see
// testdata/README.md): the model starts blind to the calls already up,
// learns them from a CoreShowChannels refresh, and ends with none, as every
// one hangs up.
func TestReplayTail(t *testing.T) {
	m := replay(t, testdata(t, "calls-tail.raw.gz"))
	if len(m.channels) != 0 || len(m.bridges) != 0 || len(m.callerIn) != 0 {
		t.Errorf("left: %d channels, %d bridges, %d callers", len(m.channels), len(m.bridges), len(m.callerIn))
	}
}

// TestReplayCorpus replays whole recorded sessions, when the shared corpus
// is there.
func TestReplayCorpus(t *testing.T) {
	dir := filepath.Join("..", "..", "shared", "corpus")
	for _, name := range []string{"asterisk22-calls.raw.gz", "asterisk22-mixed.raw.gz"} {
		t.Run(name, func(t *testing.T) {
			path := filepath.Join(dir, name)
			if _, err := os.Stat(path); err != nil {
				t.Skipf("no corpus: %v", err)
			}
			replay(t, readStream(t, path))
		})
	}
}
