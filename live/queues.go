package live

import (
	"cmp"
	"slices"
	"strings"
	"time"

	"github.com/amsh/amsh/ami"
)

// Queue is one app_queue queue: its callers waiting and its members.
type Queue struct {
	Name      string
	Strategy  string
	Max       int // most callers allowed to wait; 0 for no limit
	Weight    int
	Completed int // QueueParams' count, plus one per AgentComplete since
	Abandoned int // QueueParams' count, plus one per QueueCallerAbandon since
	// HoldTime and TalkTime are Asterisk's running averages, as of the
	// last refresh.
	HoldTime time.Duration
	TalkTime time.Duration

	Callers []Caller // waiting, by position
	Members []Member // by name, then interface
}

// Caller is a channel waiting in a queue.
type Caller struct {
	Position          int // 1 is the next to be offered to a member
	Channel           string
	Uniqueid          string
	CallerIDNum       string // empty where Asterisk says "<unknown>" or "unknown"
	CallerIDName      string
	ConnectedLineNum  string
	ConnectedLineName string
	Priority          int

	// Joined is when its QueueCallerJoin arrived, or a refresh's time less
	// the Wait it gave.
	Joined time.Time
	// Wait is how long it has waited, set by Queues.
	Wait time.Duration
}

// Member is a queue member (an agent). QueueStatus and the QueueMember*
// events name the same things differently; the model keeps one set.
type Member struct {
	// Interface is what is rung: "Interface" in events, "Location" in
	// QueueStatus. Members are keyed by it.
	Interface      string
	StateInterface string
	Name           string // MemberName in events, Name in QueueStatus
	Membership     string // static, dynamic or realtime
	Penalty        int
	CallsTaken     int
	LastCall       time.Time // zero when it has taken none
	LastPause      time.Time
	LoginTime      time.Time
	// Status is the member's device state, enum ast_device_state
	// (1 Not in use, 2 In use, 6 Ringing, 5 Unavailable…).
	Status       int
	Paused       bool
	PausedReason string
	InCall       bool
	Ringinuse    bool // from events only: QueueStatus does not give it
	Wrapuptime   int  // seconds
}

type queue struct {
	Queue   // Callers and Members stay nil: Queues makes them from these
	callers []*caller
	members map[string]*member
	seen    time.Time
}

type caller struct {
	Caller
	seen time.Time
}

type member struct {
	Member
	seen time.Time
}

func (m *Model) queue(name string, now time.Time) *queue {
	q := m.queues[name]
	if q == nil {
		q = &queue{members: make(map[string]*member)}
		q.Name = name
		m.queues[name] = q
	}
	q.seen = now
	return q
}

func (m *Model) callerJoin(e *ami.Message, now time.Time) {
	name, uid := e.Get("Queue"), e.Get("Uniqueid")
	if name == "" || uid == "" || m.hungUp.has(uid, now) {
		return
	}
	if prev, ok := m.callerIn[uid]; ok {
		m.callerLeave(prev, uid, now)
	}
	m.leftQueue.remove(name + "\x00" + uid)
	q := m.queue(name, now)
	c := &caller{seen: now}
	c.Uniqueid = uid
	c.Joined = now
	fillCaller(&c.Caller, e)
	at := min(max(atoi(e.Get("Position"), len(q.callers)+1)-1, 0), len(q.callers))
	q.callers = slices.Insert(q.callers, at, c)
	renumber(q.callers)
	m.callerIn[uid] = name
}

func fillCaller(c *Caller, e *ami.Message) {
	c.Channel = e.Get("Channel")
	// QueueEntry writes "unknown" where the events write "<unknown>".
	known := func(key string) string {
		return knownOr(knownOr(e.Get(key), "<unknown>"), "unknown")
	}
	c.CallerIDNum = known("CallerIDNum")
	c.CallerIDName = known("CallerIDName")
	c.ConnectedLineNum = known("ConnectedLineNum")
	c.ConnectedLineName = known("ConnectedLineName")
	c.Priority = atoi(e.Get("Priority"), 0)
}

func renumber(callers []*caller) {
	for i, c := range callers {
		c.Position = i + 1
	}
}

// callerLeave takes a caller out of a queue: QueueCallerLeave, or a Hangup
// when the model missed that.
func (m *Model) callerLeave(name, uid string, now time.Time) {
	if uid == "" {
		return
	}
	m.leftQueue.add(name+"\x00"+uid, now)
	if m.callerIn[uid] == name {
		delete(m.callerIn, uid)
	}
	q := m.queues[name]
	if q == nil {
		return
	}
	q.seen = now
	i := slices.IndexFunc(q.callers, func(c *caller) bool { return c.Uniqueid == uid })
	if i < 0 {
		return
	}
	q.callers = slices.Delete(q.callers, i, i+1)
	renumber(q.callers)
}

// callerAbandon counts the abandon and takes the caller out at once: it has
// hung up, though its QueueCallerLeave can come several events later.
func (m *Model) callerAbandon(e *ami.Message, now time.Time) {
	name, uid := e.Get("Queue"), e.Get("Uniqueid")
	if q := m.queues[name]; q != nil {
		if slices.ContainsFunc(q.callers, func(c *caller) bool { return c.Uniqueid == uid }) {
			q.Abandoned++
		}
	}
	m.callerLeave(name, uid, now)
}

// memberInterface is the member's key: Interface in events (Location in
// events before Asterisk 12 and in QueueStatus's QueueMember).
func memberInterface(e *ami.Message) string {
	if v, ok := e.Lookup("Interface"); ok {
		return v
	}
	return e.Get("Location")
}

func (m *Model) memberUpdate(e *ami.Message, now time.Time) {
	name, iface := e.Get("Queue"), memberInterface(e)
	if name == "" || iface == "" {
		return
	}
	if strings.EqualFold(e.Event(), "QueueMemberAdded") {
		m.removedMembers.remove(name + "\x00" + iface)
	} else if m.removedMembers.has(name+"\x00"+iface, now) {
		return
	}
	q := m.queue(name, now)
	mb := q.members[iface]
	if mb == nil {
		mb = &member{}
		mb.Interface = iface
		q.members[iface] = mb
	}
	fillMember(&mb.Member, e)
	mb.seen = now
}

// fillMember copies what e says of a member; headers it lacks leave their
// field as it was.
func fillMember(mb *Member, e *ami.Message) {
	str := func(dst *string, keys ...string) {
		for _, k := range keys {
			if v, ok := e.Lookup(k); ok {
				*dst = v
				return
			}
		}
	}
	num := func(dst *int, key string) {
		if v, ok := e.Lookup(key); ok {
			*dst = atoi(v, *dst)
		}
	}
	flag := func(dst *bool, key string) {
		if v, ok := e.Lookup(key); ok {
			*dst = atoi(v, 0) != 0
		}
	}
	when := func(dst *time.Time, key string) {
		if v, ok := e.Lookup(key); ok {
			*dst = unixTime(v)
		}
	}
	str(&mb.StateInterface, "StateInterface")
	str(&mb.Name, "MemberName", "Name")
	str(&mb.Membership, "Membership")
	num(&mb.Penalty, "Penalty")
	num(&mb.CallsTaken, "CallsTaken")
	when(&mb.LastCall, "LastCall")
	when(&mb.LastPause, "LastPause")
	when(&mb.LoginTime, "LoginTime")
	num(&mb.Status, "Status")
	flag(&mb.Paused, "Paused")
	str(&mb.PausedReason, "PausedReason", "Reason")
	flag(&mb.InCall, "InCall")
	flag(&mb.Ringinuse, "Ringinuse")
	num(&mb.Wrapuptime, "Wrapuptime")
}

func (m *Model) memberRemove(e *ami.Message, now time.Time) {
	name, iface := e.Get("Queue"), memberInterface(e)
	m.removedMembers.add(name+"\x00"+iface, now)
	if q := m.queues[name]; q != nil {
		delete(q.members, iface)
		q.seen = now
	}
}

// Queues returns every queue by name, with each caller's Wait as of now.
func (m *Model) Queues(now time.Time) []Queue {
	out := make([]Queue, 0, len(m.queues))
	for _, q := range m.queues {
		s := q.Queue
		s.Callers = make([]Caller, len(q.callers))
		for i, c := range q.callers {
			s.Callers[i] = c.Caller
			s.Callers[i].Wait = now.Sub(c.Joined)
		}
		s.Members = make([]Member, 0, len(q.members))
		for _, mb := range q.members {
			s.Members = append(s.Members, mb.Member)
		}
		slices.SortFunc(s.Members, func(a, b Member) int {
			if c := cmp.Compare(a.Name, b.Name); c != 0 {
				return c
			}
			return cmp.Compare(a.Interface, b.Interface)
		})
		out = append(out, s)
	}
	slices.SortFunc(out, func(a, b Queue) int { return cmp.Compare(a.Name, b.Name) })
	return out
}

func fillParams(q *Queue, e *ami.Message) {
	q.Strategy = e.Get("Strategy")
	q.Max = atoi(e.Get("Max"), 0)
	q.Weight = atoi(e.Get("Weight"), 0)
	q.Completed = atoi(e.Get("Completed"), 0)
	q.Abandoned = atoi(e.Get("Abandoned"), 0)
	q.HoldTime = time.Duration(atoi(e.Get("Holdtime"), 0)) * time.Second
	q.TalkTime = time.Duration(atoi(e.Get("TalkTime"), 0)) * time.Second
}
