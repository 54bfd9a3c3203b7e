// Package live is the state model behind `amsh top`: the channels of one
// Asterisk, the bridges that join them and its queues, kept current by AMI
// events (Apply) and replaced by full refreshes (LoadChannels from a
// CoreShowChannels list, LoadQueues from a QueueStatus list). It draws
// nothing and sends nothing: its owner holds the connection and the screen,
// feeds it messages, and reads it through snapshots (Channels, Queues).
//
// A Model is not safe for concurrent use: its owner serialises every call
// (one goroutine, or a mutex around each). The slices the snapshot methods
// return are copies that belong to the caller, safe to draw from while
// events keep coming.
//
// Events can be missed (a display that drops, a reconnect), so the model
// trusts the periodic refresh over itself, with one exception: what events
// touched within RefreshGrace of the refresh is kept as the events left it,
// because the list may have been taken before those events happened. A
// channel whose Hangup was seen is never brought back by a list.
package live

import (
	"strconv"
	"strings"
	"time"

	"github.com/amsh/amsh/ami"
)

// RefreshGrace is how long after an event the model trusts that event over a
// full refresh. A list shows the server at some moment between the action
// and the list's last item, so it can be older than events that arrived
// meanwhile; RefreshGrace has to exceed the time a list takes to come.
const RefreshGrace = 5 * time.Second

// MaxChannels bounds the channels a Model holds. A channel whose Hangup was
// missed stays until the next refresh; should that never come, a new channel
// past the bound evicts the oldest one (see Model.Evicted).
const MaxChannels = 100_000

// Model is the live state of one Asterisk. The zero value is not usable; call
// New.
type Model struct {
	channels map[string]*channel // by Uniqueid
	byName   map[string]string   // channel name → Uniqueid
	bridges  map[string]*bridge  // by BridgeUniqueid; only bridges with members
	created  []*channel          // oldest first; may hold gone ones
	seq      uint64              // creation counter: ties in Created break by it

	queues   map[string]*queue // by queue name
	callerIn map[string]string // caller Uniqueid → the queue it waits in

	hungUp         tombstones // channel Uniqueids
	leftQueue      tombstones // queue + "\x00" + caller Uniqueid
	removedMembers tombstones // queue + "\x00" + member interface

	maxChannels int
	evicted     int
}

// New returns an empty Model.
func New() *Model {
	return &Model{
		channels:    make(map[string]*channel),
		byName:      make(map[string]string),
		bridges:     make(map[string]*bridge),
		queues:      make(map[string]*queue),
		callerIn:    make(map[string]string),
		maxChannels: MaxChannels,
	}
}

// Evicted returns how many channels were dropped, oldest first, to keep the
// model within MaxChannels.
func (m *Model) Evicted() int { return m.evicted }

// Apply updates the model with one event that arrived at now. Events the
// model has no use for are ignored, and so are list items (CoreShowChannel,
// QueueEntry…): those go to LoadChannels and LoadQueues whole. Only
// Newchannel creates a channel: another event about a channel the model does
// not hold leaves the channels as they are (a QueueCallerJoin still adds
// the caller to its queue), and the next refresh brings that channel in.
func (m *Model) Apply(e *ami.Message, now time.Time) {
	switch strings.ToLower(e.Event()) {
	case "newchannel":
		m.newChannel(e, now)
	case "newstate", "newcallerid", "newconnectedline", "newaccountcode",
		"dialstate", "hold", "unhold", "hanguprequest", "softhanguprequest":
		m.update(e, own, now)
	case "newexten":
		if c := m.update(e, own, now); c != nil {
			if v, ok := e.Lookup("Application"); ok {
				c.Application = v
			}
			if v, ok := e.Lookup("AppData"); ok {
				c.AppData = v
			}
		}
	case "originateresponse":
		// An originated channel that runs an application (not dialplan)
		// gets no Newexten for it: the answer names the application.
		if c := m.channels[e.Get("Uniqueid")]; c != nil && strings.EqualFold(e.Get("Response"), "Success") {
			if app := e.Get("Application"); app != "" {
				c.Application, c.AppData, c.seen = app, e.Get("Data"), now
			}
		}
	case "rename":
		m.rename(e, now)
	case "hangup":
		m.hangup(e.Get("Uniqueid"), now)
	case "bridgeenter":
		if c := m.update(e, own, now); c != nil {
			m.enterBridge(c, e.Get("BridgeUniqueid"))
		}
	case "bridgeleave":
		if c := m.update(e, own, now); c != nil {
			m.leaveBridge(c, e.Get("BridgeUniqueid"))
		}
	case "bridgemerge":
		m.mergeBridges(e.Get("FromBridgeUniqueid"), e.Get("ToBridgeUniqueid"))
	case "bridgedestroy":
		m.destroyBridge(e.Get("BridgeUniqueid"))
	case "dialbegin":
		src, dst := m.update(e, own, now), m.update(e, dest, now)
		m.dialBegin(src, dst)
	case "dialend":
		src, dst := m.update(e, own, now), m.update(e, dest, now)
		m.dialEnd(src, dst)
	case "localbridge":
		one, two := m.update(e, localOne, now), m.update(e, localTwo, now)
		m.pairLocal(one, two)
	case "blindtransfer":
		// The channels move through BridgeEnter and BridgeLeave; the
		// transfer itself only refreshes what its snapshots say.
		m.update(e, transferer, now)
		m.update(e, transferee, now)
	case "attendedtransfer":
		for _, k := range attendedTransferKeys {
			m.update(e, k, now)
		}
	case "queuecallerjoin":
		m.update(e, own, now)
		m.callerJoin(e, now)
	case "queuecallerleave":
		m.update(e, own, now)
		m.callerLeave(e.Get("Queue"), e.Get("Uniqueid"), now)
	case "queuecallerabandon":
		m.update(e, own, now)
		m.callerAbandon(e, now)
	case "agentcalled", "agentconnect", "agentringnoanswer", "agentdump":
		m.update(e, own, now)
		m.update(e, dest, now)
	case "agentcomplete":
		m.update(e, own, now)
		m.update(e, dest, now)
		if q := m.queues[e.Get("Queue")]; q != nil {
			q.Completed++
		}
	case "queuememberstatus", "queuememberadded", "queuememberpause",
		"queuememberpaused", "queuememberpenalty", "queuememberringinuse":
		m.memberUpdate(e, now)
	case "queuememberremoved":
		m.memberRemove(e, now)
	}
}

// tombstones remembers keys (what left: a channel, a caller, a member) for
// RefreshGrace, so that a list taken before they left does not bring them
// back.
type tombstones struct {
	at   map[string]time.Time
	laid []tomb // in the order laid; at[key] says whether one is still current
	head int
}

type tomb struct {
	key string
	at  time.Time
}

func (t *tombstones) add(key string, now time.Time) {
	t.expire(now)
	if t.at == nil {
		t.at = make(map[string]time.Time)
	}
	t.at[key] = now
	t.laid = append(t.laid, tomb{key, now})
}

// has reports whether key left within RefreshGrace before now.
func (t *tombstones) has(key string, now time.Time) bool {
	at, ok := t.at[key]
	return ok && now.Sub(at) < RefreshGrace
}

// remove forgets key: it is back (a member added again, a caller rejoining).
func (t *tombstones) remove(key string) { delete(t.at, key) }

func (t *tombstones) expire(now time.Time) {
	for t.head < len(t.laid) && now.Sub(t.laid[t.head].at) >= RefreshGrace {
		old := t.laid[t.head]
		if at, ok := t.at[old.key]; ok && !at.After(old.at) {
			delete(t.at, old.key)
		}
		t.laid[t.head] = tomb{}
		t.head++
	}
	if t.head > 1024 && t.head*2 > len(t.laid) {
		t.laid = append(t.laid[:0], t.laid[t.head:]...)
		t.head = 0
	}
}

// recent reports whether an event touched something (at seen) so shortly
// before now that a list may predate it.
func recent(seen, now time.Time) bool {
	return !seen.IsZero() && now.Sub(seen) < RefreshGrace
}

// atoi returns the number in s, or def when s is not one.
func atoi(s string, def int) int {
	n, err := strconv.Atoi(strings.TrimSpace(s))
	if err != nil {
		return def
	}
	return n
}

// unixTime reads a Unix time in seconds; 0 (never) is the zero Time.
func unixTime(s string) time.Time {
	n, err := strconv.ParseInt(strings.TrimSpace(s), 10, 64)
	if err != nil || n <= 0 {
		return time.Time{}
	}
	return time.Unix(n, 0)
}

// closeTo reports whether two estimates of one instant agree within the
// whole seconds Asterisk counts in.
func closeTo(a, b time.Time) bool {
	d := a.Sub(b)
	return d > -2*time.Second && d < 2*time.Second
}
