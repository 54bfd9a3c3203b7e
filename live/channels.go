package live

import (
	"slices"
	"time"

	"github.com/amsh/amsh/ami"
)

// Channel is one channel as the model knows it.
type Channel struct {
	Name     string
	Uniqueid string
	Linkedid string

	// State is ChannelState, enum ast_channel_state (0 Down, 4 Ring,
	// 5 Ringing, 6 Up…), or -1 when no message gave it; StateDesc is
	// ChannelStateDesc, the same state as Asterisk names it.
	State     int
	StateDesc string

	// Caller ID and connected line; empty where Asterisk says "<unknown>".
	CallerIDNum       string
	CallerIDName      string
	ConnectedLineNum  string
	ConnectedLineName string
	AccountCode       string

	Context  string
	Exten    string
	Priority int

	// Application and AppData: what the dialplan runs on the channel, from
	// Newexten (or CoreShowChannel's Application and ApplicationData).
	Application string
	AppData     string

	// BridgeID is the BridgeUniqueid of the bridge the channel is in, or "".
	BridgeID string

	// Created is when its Newchannel arrived or, for a channel a refresh
	// brought in, the refresh's time less the Duration Asterisk gave.
	Created time.Time
	// Answered is when an event first showed the channel Up; zero when no
	// event did (a channel already Up when a refresh brought it in).
	Answered time.Time

	// Set by Channels, not kept:

	// Duration is how long the channel has existed.
	Duration time.Duration
	// Peer is the name of the channel this one talks to (Link says how they
	// are linked) and PeerUniqueid its Uniqueid; Peers is how many
	// channels there are on that side, so a conference of four shows one
	// name and Peers 3.
	Peer         string
	PeerUniqueid string
	Peers        int
	Link         Link
}

// Link is how a channel reaches its Peer.
type Link uint8

const (
	LinkNone   Link = iota // no peer
	LinkBridge             // in the same bridge
	LinkDial               // dialing it, or dialed by it, and not answered yet
	LinkLocal              // the other half of the same Local channel
)

// String names the link in one word.
func (l Link) String() string {
	switch l {
	case LinkBridge:
		return "bridge"
	case LinkDial:
		return "dial"
	case LinkLocal:
		return "local"
	}
	return "none"
}

// stateUp is AST_STATE_UP.
const stateUp = 6

// channel is a Channel and what the model keeps beside it.
type channel struct {
	Channel
	seq      uint64
	seen     time.Time // last event about it; zero when only a list named it
	bridge   *bridge   // the bridge BridgeID names, or nil
	gone     bool      // dropped from the model; m.created may still hold it
	local    string    // Uniqueid of the other half of a Local channel
	dialing  []string  // Uniqueids it dials, DialBegin without DialEnd
	dialedBy string    // Uniqueid of the channel dialing it

	// The channels local and dialedBy named when last looked up (see
	// Model.cached).
	localCh, dialedByCh *channel
}

// snapshotKeys are the header names of one channel snapshot in an event: the
// channel's own ("Channel", "Uniqueid"…) or another's under a prefix
// ("DestChannel", "DestUniqueid"…).
type snapshotKeys struct {
	channel, state, stateDesc             string
	callerIDNum, callerIDName             string
	connectedLineNum, connectedLineName   string
	accountCode, context, exten, priority string
	uniqueid, linkedid                    string
}

func keysFor(prefix string) *snapshotKeys {
	return &snapshotKeys{
		channel:           prefix + "Channel",
		state:             prefix + "ChannelState",
		stateDesc:         prefix + "ChannelStateDesc",
		callerIDNum:       prefix + "CallerIDNum",
		callerIDName:      prefix + "CallerIDName",
		connectedLineNum:  prefix + "ConnectedLineNum",
		connectedLineName: prefix + "ConnectedLineName",
		accountCode:       prefix + "AccountCode",
		context:           prefix + "Context",
		exten:             prefix + "Exten",
		priority:          prefix + "Priority",
		uniqueid:          prefix + "Uniqueid",
		linkedid:          prefix + "Linkedid",
	}
}

var (
	own        = keysFor("")
	dest       = keysFor("Dest")
	localOne   = keysFor("LocalOne")
	localTwo   = keysFor("LocalTwo")
	transferer = keysFor("Transferer")
	transferee = keysFor("Transferee")

	attendedTransferKeys = []*snapshotKeys{
		keysFor("OrigTransferer"), keysFor("SecondTransferer"),
		keysFor("TransferTarget"), transferee, localOne, localTwo,
	}
)

// fill copies the snapshot under k into c; headers the event lacks leave
// their field as it was.
func fill(c *Channel, e *ami.Message, k *snapshotKeys) {
	set := func(dst *string, key string) {
		if v, ok := e.Lookup(key); ok {
			*dst = v
		}
	}
	setCallerID := func(dst *string, key string) {
		if v, ok := e.Lookup(key); ok {
			*dst = knownOr(v, "<unknown>")
		}
	}
	set(&c.Linkedid, k.linkedid)
	if v, ok := e.Lookup(k.state); ok {
		c.State = atoi(v, c.State)
	}
	set(&c.StateDesc, k.stateDesc)
	setCallerID(&c.CallerIDNum, k.callerIDNum)
	setCallerID(&c.CallerIDName, k.callerIDName)
	setCallerID(&c.ConnectedLineNum, k.connectedLineNum)
	setCallerID(&c.ConnectedLineName, k.connectedLineName)
	set(&c.AccountCode, k.accountCode)
	set(&c.Context, k.context)
	set(&c.Exten, k.exten)
	if v, ok := e.Lookup(k.priority); ok {
		c.Priority = atoi(v, c.Priority)
	}
}

// knownOr returns v, or "" when v is the word Asterisk writes for "none".
func knownOr(v, unknown string) string {
	if v == unknown {
		return ""
	}
	return v
}

func (m *Model) newChannel(e *ami.Message, now time.Time) {
	uid := e.Get("Uniqueid")
	if uid == "" || m.hungUp.has(uid, now) {
		return
	}
	c := m.channels[uid]
	if c == nil {
		m.evictFor(1)
		m.seq++
		c = &channel{seq: m.seq}
		c.Uniqueid = uid
		c.Created = now
		c.State = -1
		m.channels[uid] = c
		m.created = append(m.created, c)
	}
	m.apply(c, e, own, now)
	m.pairByName(c)
}

// update applies the snapshot under k to the channel it names and returns
// that channel, or nil when the model does not hold it.
func (m *Model) update(e *ami.Message, k *snapshotKeys, now time.Time) *channel {
	uid, ok := e.Lookup(k.uniqueid)
	if !ok {
		return nil
	}
	c := m.channels[uid]
	if c == nil {
		return nil
	}
	m.apply(c, e, k, now)
	return c
}

func (m *Model) apply(c *channel, e *ami.Message, k *snapshotKeys, now time.Time) {
	if name, ok := e.Lookup(k.channel); ok {
		m.setName(c, name)
	}
	fill(&c.Channel, e, k)
	c.seen = now
	if c.State == stateUp && c.Answered.IsZero() {
		c.Answered = now
	}
}

func (m *Model) setName(c *channel, name string) {
	if c.Name == name {
		return
	}
	if m.byName[c.Name] == c.Uniqueid {
		delete(m.byName, c.Name)
	}
	c.Name = name
	if name != "" {
		m.byName[name] = c.Uniqueid
	}
}

// rename follows Rename: "Channel" (1.4: "Oldname") is the old name,
// "Newname" the new one, and the Uniqueid stays.
func (m *Model) rename(e *ami.Message, now time.Time) {
	uid := e.Get("Uniqueid")
	if uid == "" {
		old, ok := e.Lookup("Channel")
		if !ok {
			old = e.Get("Oldname")
		}
		uid = m.byName[old]
	}
	c := m.channels[uid]
	newName := e.Get("Newname")
	if c == nil || newName == "" {
		return
	}
	m.setName(c, newName)
	c.seen = now
}

func (m *Model) hangup(uid string, now time.Time) {
	if uid == "" {
		return
	}
	m.hungUp.add(uid, now)
	if q, ok := m.callerIn[uid]; ok {
		m.callerLeave(q, uid, now)
	}
	c := m.channels[uid]
	if c == nil {
		return
	}
	m.drop(c)
}

// drop removes a channel and every reference the model keeps to it, except
// the dial lists of other channels, which Peer checks as it reads them.
func (m *Model) drop(c *channel) {
	if c.bridge != nil {
		m.leaveBridge(c, c.BridgeID)
	}
	if p := m.channels[c.local]; p != nil && p.local == c.Uniqueid {
		p.local = ""
	}
	if p := m.channels[c.dialedBy]; p != nil {
		p.dialing = remove(p.dialing, c.Uniqueid)
	}
	if m.byName[c.Name] == c.Uniqueid {
		delete(m.byName, c.Name)
	}
	delete(m.channels, c.Uniqueid)
	// m.created keeps it, marked gone, until compactCreated: taking it out
	// here would cost a search.
	c.gone = true
	if len(m.created) > 2*len(m.channels)+1024 {
		m.compactCreated()
	}
}

func (m *Model) compactCreated() {
	live := m.created[:0]
	for _, c := range m.created {
		if !c.gone {
			live = append(live, c)
		}
	}
	clear(m.created[len(live):])
	m.created = live
}

// evictFor drops the oldest channels until n more fit within the bound.
func (m *Model) evictFor(n int) {
	for len(m.channels)+n > m.maxChannels && len(m.created) > 0 {
		c := m.created[0]
		m.created[0] = nil
		m.created = m.created[1:]
		if !c.gone {
			m.drop(c)
			m.evicted++
		}
	}
}

// Channels returns every channel with Duration and Peer set as of now, oldest
// first: in the order the model learned of them, which a refresh resets to
// the order of their age.
func (m *Model) Channels(now time.Time) []Channel {
	return m.AppendChannels(make([]Channel, 0, len(m.channels)), now)
}

// AppendChannels appends what Channels returns to dst. An owner that takes a
// snapshot every second (top) passes the last one's slice, so that 10,000
// channels are copied into the memory they took before instead of into a
// new 3.5 MB that the garbage collector then has to reclaim.
func (m *Model) AppendChannels(dst []Channel, now time.Time) []Channel {
	out := slices.Grow(dst, len(m.channels))
	for _, c := range m.created {
		if c.gone {
			continue
		}
		out = append(out, c.Channel)
		s := &out[len(out)-1]
		s.Duration = now.Sub(c.Created)
		if p, n, link := m.firstPeer(c); n > 0 {
			s.Peer, s.PeerUniqueid, s.Peers, s.Link = p.Name, p.Uniqueid, n, link
		}
	}
	return out
}
