package live

import (
	"slices"
	"strings"
)

// bridge is a bridge with at least one channel in it.
type bridge struct {
	id      string
	members []*channel // in the order they entered
}

func remove(list []string, s string) []string {
	if i := slices.Index(list, s); i >= 0 {
		return slices.Delete(list, i, i+1)
	}
	return list
}

func (m *Model) enterBridge(c *channel, id string) {
	if id == "" || c.BridgeID == id && c.bridge != nil {
		return
	}
	if c.bridge != nil {
		m.leaveBridge(c, c.BridgeID)
	}
	b := m.bridges[id]
	if b == nil {
		b = &bridge{id: id}
		m.bridges[id] = b
	}
	c.BridgeID, c.bridge = id, b
	b.members = append(b.members, c)
}

// leaveBridge takes c out of bridge id. A BridgeLeave naming a bridge the
// channel is no longer in (it has entered another since) changes nothing.
func (m *Model) leaveBridge(c *channel, id string) {
	b := c.bridge
	if b == nil || b.id != id {
		return
	}
	c.BridgeID, c.bridge = "", nil
	if i := slices.Index(b.members, c); i >= 0 {
		b.members = slices.Delete(b.members, i, i+1)
	}
	if len(b.members) == 0 {
		delete(m.bridges, id)
	}
}

// mergeBridges moves every channel of bridge from into bridge to, as
// BridgeMerge says Asterisk did. Asterisk also sends a BridgeLeave and a
// BridgeEnter for each channel moved, which then change nothing.
func (m *Model) mergeBridges(from, to string) {
	b := m.bridges[from]
	if b == nil || to == "" || from == to {
		return
	}
	for _, c := range slices.Clone(b.members) {
		m.enterBridge(c, to)
	}
}

func (m *Model) destroyBridge(id string) {
	b := m.bridges[id]
	if b == nil {
		return
	}
	for _, c := range b.members {
		c.BridgeID, c.bridge = "", nil
	}
	delete(m.bridges, id)
}

func (m *Model) dialBegin(src, dst *channel) {
	if dst == nil {
		return
	}
	if src == nil {
		// An Originate dials from no channel.
		return
	}
	dst.dialedBy = src.Uniqueid
	if !slices.Contains(src.dialing, dst.Uniqueid) {
		src.dialing = append(src.dialing, dst.Uniqueid)
	}
}

func (m *Model) dialEnd(src, dst *channel) {
	if dst == nil {
		return
	}
	if src == nil {
		src = m.channels[dst.dialedBy]
	}
	dst.dialedBy = ""
	if src != nil {
		src.dialing = remove(src.dialing, dst.Uniqueid)
	}
}

func (m *Model) pairLocal(one, two *channel) {
	if one == nil || two == nil {
		return
	}
	one.local, two.local = two.Uniqueid, one.Uniqueid
}

// pairByName pairs the two halves of a Local channel, "Local/x@y-0001;1"
// and "…;2", by their names: CoreShowChannels does not say which halves go
// together, and LocalBridge comes only once the call is under way.
func (m *Model) pairByName(c *channel) {
	if c.local != "" || !strings.HasPrefix(c.Name, "Local/") {
		return
	}
	var other string
	switch {
	case strings.HasSuffix(c.Name, ";1"):
		other = c.Name[:len(c.Name)-1] + "2"
	case strings.HasSuffix(c.Name, ";2"):
		other = c.Name[:len(c.Name)-1] + "1"
	default:
		return
	}
	if p := m.channels[m.byName[other]]; p != nil {
		m.pairLocal(c, p)
	}
}

// Peer returns the Uniqueids of the channels the channel uniqueid talks to:
// the others in its bridge; when it is alone, the channels it dials or the
// one dialing it; failing that, the other half of a Local channel.
func (m *Model) Peer(uniqueid string) []string {
	c := m.channels[uniqueid]
	if c == nil {
		return nil
	}
	var ids []string
	m.eachPeer(c, func(p *channel) { ids = append(ids, p.Uniqueid) })
	return ids
}

// eachPeer calls f with each of c's peers, in the order Peer documents,
// and returns how they are linked. It runs for every channel of every
// redraw, so each peer is looked up once and an empty id not at all.
func (m *Model) eachPeer(c *channel, f func(p *channel)) Link {
	if b := c.bridge; b != nil && len(b.members) > 1 {
		for _, p := range b.members {
			if p != c {
				f(p)
			}
		}
		return LinkBridge
	}
	dialing := 0
	for _, uid := range c.dialing {
		if p := m.channels[uid]; p != nil {
			f(p)
			dialing++
		}
	}
	if dialing > 0 {
		return LinkDial
	}
	if p := m.cached(c.dialedBy, &c.dialedByCh); p != nil {
		f(p)
		return LinkDial
	}
	if p := m.cached(c.local, &c.localCh); p != nil {
		f(p)
		return LinkLocal
	}
	return LinkNone
}

// cached is the channel of Uniqueid uid (nil for none or ""), found through
// *last, the channel uid named at the last look, while that one is still in
// the model. A redraw looks up the peer of every channel, and a map lookup
// by a string kept somewhere else in memory each time misses the CPU's
// caches: with 10,000 Local channels those lookups were most of top's idle
// CPU. A channel that leaves the model is marked gone, and a refresh that
// replaces one marks the old one gone, so a pointer to a channel not gone
// is the model's channel of that Uniqueid.
func (m *Model) cached(uid string, last **channel) *channel {
	if uid == "" {
		return nil
	}
	if p := *last; p != nil && !p.gone && p.Uniqueid == uid {
		return p
	}
	p := m.channels[uid]
	*last = p
	return p
}

// firstPeer returns c's first peer, how many it has and how they are linked,
// without walking a bridge: a conference of thousands costs no more than a
// call of two.
func (m *Model) firstPeer(c *channel) (first *channel, n int, link Link) {
	if b := c.bridge; b != nil && len(b.members) > 1 {
		first = b.members[0]
		if first == c {
			first = b.members[1]
		}
		return first, len(b.members) - 1, LinkBridge
	}
	link = m.eachPeer(c, func(p *channel) {
		if n == 0 {
			first = p
		}
		n++
	})
	return first, n, link
}
