package live

import (
	"cmp"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/amsh/amsh/ami"
)

// LoadChannels replaces the channels with those of a CoreShowChannels list
// (its CoreShowChannel events; other messages are skipped) that was complete
// at now. Channels events touched within RefreshGrace stay as the events left
// them, and a channel whose Hangup came within RefreshGrace stays gone; every
// other channel is what the list says, and one it does not name is dropped.
func (m *Model) LoadChannels(list []*ami.Message, now time.Time) {
	fresh := make(map[string]*channel, len(list))
	for _, e := range list {
		if !strings.EqualFold(e.Event(), "CoreShowChannel") {
			continue
		}
		uid := e.Get("Uniqueid")
		if uid == "" || m.hungUp.has(uid, now) {
			continue
		}
		old := m.channels[uid]
		if old != nil && recent(old.seen, now) {
			adoptApplication(old, e)
			fresh[uid] = old
			continue
		}
		fresh[uid] = m.listed(e, old, now)
	}
	for uid, c := range m.channels {
		if fresh[uid] == nil && recent(c.seen, now) {
			fresh[uid] = c
		}
	}

	m.channels = fresh
	m.byName = make(map[string]string, len(fresh))
	m.bridges = make(map[string]*bridge)
	for _, c := range m.created {
		if fresh[c.Uniqueid] != c {
			c.gone = true
		}
	}
	clear(m.created)
	m.created = m.created[:0]
	for _, c := range fresh {
		m.created = append(m.created, c)
	}
	slices.SortFunc(m.created, func(a, b *channel) int {
		if c := a.Created.Compare(b.Created); c != 0 {
			return c
		}
		return cmp.Compare(a.seq, b.seq)
	})
	for _, c := range m.created {
		m.byName[c.Name] = c.Uniqueid
		c.bridge = nil
		if id := c.BridgeID; id != "" {
			c.BridgeID = ""
			m.enterBridge(c, id)
		}
	}
	for _, c := range m.created {
		if p := m.channels[c.local]; p == nil || p.local != c.Uniqueid {
			c.local = ""
		}
		m.pairByName(c)
		if m.channels[c.dialedBy] == nil {
			c.dialedBy = ""
		}
	}
	m.evictFor(0)
}

// adoptApplication takes the application a list shows for a channel the
// events keep, when the list shows it at the same context, extension and
// priority as the events: there the list is as new as the events or newer,
// because an application can change with no event at all (the application
// an Originate runs, once the call is answered, is never announced).
func adoptApplication(c *channel, e *ami.Message) {
	if e.Get("Context") == c.Context && e.Get("Exten") == c.Exten &&
		atoi(e.Get("Priority"), -1) == c.Priority {
		c.Application = e.Get("Application")
		c.AppData = e.Get("ApplicationData")
	}
}

// listed builds the channel a CoreShowChannel describes, keeping from old
// (the model's channel of the same Uniqueid, or nil) what a list cannot
// know better.
func (m *Model) listed(e *ami.Message, old *channel, now time.Time) *channel {
	c := &channel{}
	if old != nil {
		c.seq = old.seq
		c.local, c.dialing, c.dialedBy = old.local, old.dialing, old.dialedBy
		c.Answered = old.Answered
	} else {
		m.seq++
		c.seq = m.seq
		c.State = -1
	}
	c.Uniqueid = e.Get("Uniqueid")
	c.Name = e.Get("Channel")
	fill(&c.Channel, e, own)
	c.Application = e.Get("Application")
	c.AppData = e.Get("ApplicationData")
	c.BridgeID = e.Get("BridgeId")

	c.Created = now
	if d, ok := parseDuration(e.Get("Duration")); ok {
		c.Created = now.Add(-d)
	}
	if old != nil && (closeTo(old.Created, c.Created) || !e.Has("Duration")) {
		// Events timed it to the millisecond; the list to the second.
		c.Created = old.Created
	}
	return c
}

// parseDuration reads CoreShowChannel's "HH:MM:SS" (hours may pass 99).
func parseDuration(s string) (time.Duration, bool) {
	parts := strings.Split(strings.TrimSpace(s), ":")
	if len(parts) != 3 {
		return 0, false
	}
	var total int64
	for _, p := range parts {
		n, err := strconv.ParseInt(p, 10, 64)
		if err != nil || n < 0 {
			return 0, false
		}
		total = total*60 + n
	}
	return time.Duration(total) * time.Second, true
}

// LoadQueues replaces the queues with those of an unfiltered QueueStatus list
// (its QueueParams, QueueMember and QueueEntry events; other messages are
// skipped) that was complete at now. As with LoadChannels, callers and
// members events touched within RefreshGrace stay as the events left them,
// and those that left within it stay gone. A queue the list does not name is
// dropped unless events touched it within RefreshGrace.
func (m *Model) LoadQueues(list []*ami.Message, now time.Time) {
	fresh := make(map[string]*queue)
	get := func(name string) *queue {
		q := fresh[name]
		if q == nil {
			q = &queue{members: make(map[string]*member)}
			q.Name = name
			if old := m.queues[name]; old != nil {
				q.seen = old.seen
			}
			fresh[name] = q
		}
		return q
	}
	listed := make(map[string][]*caller) // by queue, in the list's order
	for _, e := range list {
		name := e.Get("Queue")
		if name == "" {
			continue
		}
		switch strings.ToLower(e.Event()) {
		case "queueparams":
			fillParams(&get(name).Queue, e)
		case "queuemember":
			iface := memberInterface(e)
			if iface == "" || m.removedMembers.has(name+"\x00"+iface, now) {
				continue
			}
			q := get(name)
			mb := &member{}
			mb.Interface = iface
			fillMember(&mb.Member, e)
			q.members[iface] = mb
		case "queueentry":
			uid := e.Get("Uniqueid")
			if uid == "" || m.leftQueue.has(name+"\x00"+uid, now) || m.hungUp.has(uid, now) {
				continue
			}
			get(name)
			c := &caller{}
			c.Uniqueid = uid
			fillCaller(&c.Caller, e)
			c.Position = atoi(e.Get("Position"), 0)
			c.Joined = now.Add(-time.Duration(atoi(e.Get("Wait"), 0)) * time.Second)
			listed[name] = append(listed[name], c)
		}
	}

	for name, old := range m.queues {
		q := fresh[name]
		if q == nil {
			if !recent(old.seen, now) {
				continue
			}
			// Not in the list, but events touched it since the list was
			// asked for: keep it, with only what the events said.
			q = get(name)
			q.Queue = old.Queue
		}
		for iface, mb := range old.members {
			if recent(mb.seen, now) {
				q.members[iface] = mb
			}
		}
	}

	m.callerIn = make(map[string]string)
	for name, q := range fresh {
		var old []*caller
		if oq := m.queues[name]; oq != nil {
			old = oq.callers
		}
		q.callers = mergeCallers(old, listed[name], now)
		for _, c := range q.callers {
			m.callerIn[c.Uniqueid] = name
		}
	}
	m.queues = fresh
}

// mergeCallers returns a queue's callers after a refresh: the listed ones
// in the list's order, then those the list lacks that events touched within
// RefreshGrace (they joined after it was taken, so behind it). A listed
// caller events touched within RefreshGrace is the events' own.
func mergeCallers(old, listed []*caller, now time.Time) []*caller {
	byID := make(map[string]*caller, len(old))
	for _, c := range old {
		byID[c.Uniqueid] = c
	}
	slices.SortStableFunc(listed, func(a, b *caller) int { return cmp.Compare(a.Position, b.Position) })
	out := make([]*caller, 0, len(listed))
	inList := make(map[string]bool, len(listed))
	for _, l := range listed {
		if inList[l.Uniqueid] {
			continue
		}
		inList[l.Uniqueid] = true
		if c := byID[l.Uniqueid]; c != nil {
			if recent(c.seen, now) {
				out = append(out, c)
				continue
			}
			if closeTo(l.Joined, c.Joined) {
				// Events timed the join to the millisecond; the list
				// to the second.
				l.Joined = c.Joined
			}
		}
		out = append(out, l)
	}
	for _, c := range old {
		if !inList[c.Uniqueid] && recent(c.seen, now) {
			out = append(out, c)
		}
	}
	renumber(out)
	return out
}
