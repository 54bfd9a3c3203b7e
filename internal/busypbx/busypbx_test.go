package busypbx

import (
	"bytes"
	"errors"
	"io"
	"testing"
	"time"

	"github.com/amsh/amsh/ami"
	"github.com/amsh/amsh/live"
)

var t0 = time.Date(2026, 11, 30, 12, 0, 0, 0, time.UTC)

func parse(t *testing.T, b []byte) []*ami.Message {
	t.Helper()
	r := ami.NewReader(bytes.NewReader(b), ami.ReaderOptions{})
	var ms []*ami.Message
	for {
		m, err := r.ReadMessage()
		if errors.Is(err, io.EOF) {
			return ms
		}
		if err != nil {
			t.Fatalf("message %d: %v", len(ms), err)
		}
		ms = append(ms, m)
	}
}

// The lists parse as Asterisk's do and say what the PBX holds: a
// CoreShowChannel per channel, bridged in pairs, and ListItems to match.
func TestLists(t *testing.T) {
	p := New(9, 3, 4, t0)
	if p.Channels() != 10 {
		t.Fatalf("Channels() = %d, want 10 (9 rounded up to pairs)", p.Channels())
	}
	ms := parse(t, p.CoreShowChannels(nil, "csc", t0))
	if len(ms) != 12 || ms[0].Get("Message") != "Channels will follow" || ms[11].Get("ListItems") != "10" {
		t.Fatalf("%d messages, first %v, last %v", len(ms), ms[0], ms[len(ms)-1])
	}
	first := ms[1]
	for k, want := range map[string]string{
		"Event": "CoreShowChannel", "ActionID": "csc", "Channel": "PJSIP/trunk-00000000", "ChannelState": "6",
		"Application": "Dial", "ApplicationData": "PJSIP/1000,30,tT", "Duration": "01:00:00",
		"BridgeId": "d18ee9f3-a097-4281-935a-000000000000", "Linkedid": "1795400000.0",
	} {
		if got := first.Get(k); got != want {
			t.Errorf("first CoreShowChannel %s = %q, want %q", k, got, want)
		}
	}
	if ms[2].Get("BridgeId") != first.Get("BridgeId") || ms[2].Get("Linkedid") != first.Get("Uniqueid") {
		t.Errorf("the agent leg is not the caller's peer: %v", ms[2])
	}
	qs := parse(t, p.QueueStatus(nil, "qs"))
	if len(qs) != 1+3*5+1 || qs[len(qs)-1].Get("ListItems") != "15" || qs[2].Get("Location") != "PJSIP/1000" {
		t.Errorf("QueueStatus: %d messages, last %v, first member %v", len(qs), qs[len(qs)-1], qs[2])
	}
}

// The trickle keeps the model the events feed and the list in step: after
// every event the model holds as many channels as the PBX, and a refresh
// from CoreShowChannels then changes nothing.
func TestTrickleMatchesList(t *testing.T) {
	p := New(20, 1, 1, t0)
	m := live.New()
	now := t0
	m.LoadChannels(parse(t, p.CoreShowChannels(nil, "a", now)), now)
	for i := range 3 * 11 {
		now = now.Add(10 * time.Millisecond)
		evs := parse(t, p.NextEvent(nil, now))
		if len(evs) != 1 {
			t.Fatalf("event %d: %d messages", i, len(evs))
		}
		m.Apply(evs[0], now)
		if got := len(m.Channels(now)); got != p.Channels() {
			t.Fatalf("after %s (event %d): model %d channels, PBX %d", evs[0].Event(), i, got, p.Channels())
		}
	}
	if p.Channels() != 20 {
		t.Errorf("after whole cycles %d channels, want 20", p.Channels())
	}
	before := m.Channels(now)
	later := now.Add(live.RefreshGrace + time.Second)
	m.LoadChannels(parse(t, p.CoreShowChannels(nil, "b", later)), later)
	after := m.Channels(later)
	if len(after) != len(before) {
		t.Fatalf("refresh: %d channels, events left %d", len(after), len(before))
	}
	for i := range after {
		a, b := after[i], before[i]
		// A dialled PJSIP leg starts AppDial with no event, so only the
		// list names its application.
		if a.Uniqueid != b.Uniqueid || a.Peer != b.Peer || a.State != b.State ||
			(b.Application != "" && a.Application != b.Application) {
			t.Errorf("channel %d: list %+v, events %+v", i, a, b)
		}
	}
}
