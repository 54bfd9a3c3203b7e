package live

import (
	"compress/gzip"
	"errors"
	"io"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/amsh/amsh/ami"
)

// readStream reads a gzipped server→client AMI stream, banner first.
func readStream(t testing.TB, path string) []*ami.Message {
	t.Helper()
	f, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	zr, err := gzip.NewReader(f)
	if err != nil {
		t.Fatalf("%s: %v", path, err)
	}
	r := ami.NewReader(zr, ami.ReaderOptions{})
	if _, err := r.ReadBanner(); err != nil {
		t.Fatalf("%s: %v", path, err)
	}
	var msgs []*ami.Message
	for {
		m, err := r.ReadMessage()
		if errors.Is(err, io.EOF) {
			return msgs
		}
		if err != nil {
			t.Fatalf("%s: message %d: %v", path, len(msgs), err)
		}
		msgs = append(msgs, m)
	}
}

func testdata(t testing.TB, name string) []*ami.Message {
	t.Helper()
	return readStream(t, filepath.Join("testdata", name))
}

// clock hands out the arrival times of a replay: one step per message.
type clock struct {
	now  time.Time
	step time.Duration
}

func newClock(step time.Duration) *clock {
	return &clock{now: time.Date(2026, 11, 22, 6, 15, 0, 0, time.UTC), step: step}
}

func (c *clock) tick() time.Time {
	c.now = c.now.Add(c.step)
	return c.now
}

// feed gives a recorded stream to m the way top does: events to Apply, and
// each CoreShowChannels or QueueStatus list, once complete, whole to
// LoadChannels or LoadQueues. loaded, when not nil, is called after each
// load with the list.
func feed(m *Model, msgs []*ami.Message, clk *clock, after func(e *ami.Message, now time.Time),
	loaded func(kind string, list []*ami.Message, now time.Time)) {
	var list []*ami.Message
	listID := ""
	for _, e := range msgs {
		// A list comes in one burst: its items take no time.
		now := clk.now
		if listID == "" || e.ActionID() != listID {
			now = clk.tick()
		}
		switch {
		case strings.EqualFold(e.Get("EventList"), "start"):
			listID, list = e.ActionID(), nil
		case listID != "" && e.ActionID() == listID && strings.EqualFold(e.Get("EventList"), "Complete"):
			kind := e.Event()
			switch kind {
			case "CoreShowChannelsComplete":
				m.LoadChannels(list, now)
			case "QueueStatusComplete":
				m.LoadQueues(list, now)
			}
			if loaded != nil {
				loaded(kind, list, now)
			}
			listID = ""
		case listID != "" && e.ActionID() == listID:
			list = append(list, e)
		case e.IsEvent():
			m.Apply(e, now)
		}
		if after != nil {
			after(e, now)
		}
	}
}

// checkInvariants fails when the model's indexes disagree with each other.
func checkInvariants(t testing.TB, m *Model, where string) {
	t.Helper()
	for id, b := range m.bridges {
		if len(b.members) == 0 || b.id != id {
			t.Fatalf("%s: bridge %s kept with no members, or under another id (%s)", where, id, b.id)
		}
		for _, c := range b.members {
			if c.gone || m.channels[c.Uniqueid] != c || c.BridgeID != id || c.bridge != b {
				t.Fatalf("%s: bridge %s lists %s, which is not in it", where, id, c.Name)
			}
		}
	}
	for uid, c := range m.channels {
		if c.Uniqueid != uid || c.gone {
			t.Fatalf("%s: channel under %s says it is %s (gone %v)", where, uid, c.Uniqueid, c.gone)
		}
		if (c.BridgeID == "") != (c.bridge == nil) ||
			c.bridge != nil && (m.bridges[c.BridgeID] != c.bridge || !slices.Contains(c.bridge.members, c)) {
			t.Fatalf("%s: %s says it is in bridge %s, which does not list it", where, c.Name, c.BridgeID)
		}
	}
	// Names are unique among live channels, but a model that missed a
	// Hangup can hold a stale channel under the name a new one took: the
	// name then leads to the newer.
	for name, uid := range m.byName {
		if c := m.channels[uid]; c == nil || c.Name != name {
			t.Fatalf("%s: name %q leads to %q, which is not it", where, name, uid)
		}
	}
	live := 0
	for i, c := range m.created {
		if c.gone {
			continue
		}
		live++
		if m.channels[c.Uniqueid] != c {
			t.Fatalf("%s: created[%d] %s is not the model's", where, i, c.Name)
		}
	}
	if live != len(m.channels) {
		t.Fatalf("%s: %d channels in creation order, %d held", where, live, len(m.channels))
	}
	callers := 0
	for name, q := range m.queues {
		for i, c := range q.callers {
			if c.Position != i+1 {
				t.Fatalf("%s: queue %s: caller %d has position %d", where, name, i, c.Position)
			}
			if m.callerIn[c.Uniqueid] != name {
				t.Fatalf("%s: caller %s in %s indexed under %q", where, c.Uniqueid, name, m.callerIn[c.Uniqueid])
			}
			callers++
		}
	}
	if callers != len(m.callerIn) {
		t.Fatalf("%s: %d callers, %d indexed", where, callers, len(m.callerIn))
	}
}

func channelByID(m *Model, uid string, now time.Time) (Channel, bool) {
	for _, c := range m.Channels(now) {
		if c.Uniqueid == uid {
			return c, true
		}
	}
	return Channel{}, false
}

func queueByName(m *Model, name string, now time.Time) (Queue, bool) {
	for _, q := range m.Queues(now) {
		if q.Name == name {
			return q, true
		}
	}
	return Queue{}, false
}

// leg is a channel in hand-built events, which follow the shape of Asterisk
// 22's: a channel snapshot is these headers in this order, under a prefix
// for a second channel (Dest, Transferee…).
type leg struct {
	name, uid, linkedid string
	state               int
	num                 string
	context, exten      string
	priority            int
}

var stateNames = map[int]string{0: "Down", 4: "Ring", 5: "Ringing", 6: "Up"}

func (l leg) snapshot(prefix string) []string {
	num := l.num
	if num == "" {
		num = "<unknown>"
	}
	linked := l.linkedid
	if linked == "" {
		linked = l.uid
	}
	return []string{
		prefix + "Channel", l.name,
		prefix + "ChannelState", strconv.Itoa(l.state),
		prefix + "ChannelStateDesc", stateNames[l.state],
		prefix + "CallerIDNum", num,
		prefix + "CallerIDName", "<unknown>",
		prefix + "ConnectedLineNum", "<unknown>",
		prefix + "ConnectedLineName", "<unknown>",
		prefix + "Language", "en",
		prefix + "AccountCode", "",
		prefix + "Context", l.context,
		prefix + "Exten", l.exten,
		prefix + "Priority", strconv.Itoa(l.priority),
		prefix + "Uniqueid", l.uid,
		prefix + "Linkedid", linked,
	}
}

func (l leg) with(state int) leg {
	l.state = state
	return l
}

func bridgeSnapshot(prefix, id string, channels int) []string {
	return []string{
		prefix + "BridgeUniqueid", id,
		prefix + "BridgeType", "basic",
		prefix + "BridgeTechnology", "simple_bridge",
		prefix + "BridgeCreator", "<unknown>",
		prefix + "BridgeName", "<unknown>",
		prefix + "BridgeNumChannels", strconv.Itoa(channels),
		prefix + "BridgeVideoSourceMode", "none",
	}
}

// event builds an event from header lists, in order.
func event(name string, parts ...[]string) *ami.Message {
	m := ami.NewEvent(name, "Privilege", "call,all")
	for _, p := range parts {
		for i := 0; i+1 < len(p); i += 2 {
			m.Add(p[i], p[i+1])
		}
	}
	return m
}

func kv(pairs ...string) []string { return pairs }
