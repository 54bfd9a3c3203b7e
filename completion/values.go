package completion

import (
	"slices"
	"strings"

	"github.com/amsh/amsh/ami"
)

// Channels returns the channel names in the events of a CoreShowChannels
// (or, on 1.4, Status) list, sorted, without repeats.
func Channels(events []*ami.Message) []string {
	return collect(events, func(m *ami.Message) string { return m.Get("Channel") })
}

// Queues returns the queue names in the events of a QueueSummary or
// QueueStatus list (QueueSummary, QueueParams, QueueMember, QueueEntry all
// carry Queue), sorted, without repeats.
func Queues(events []*ami.Message) []string {
	return collect(events, func(m *ami.Message) string { return m.Get("Queue") })
}

// Member is one queue member of a QueueStatus list.
type Member struct {
	Interface string // what QueuePause, QueueRemove and QueuePenalty take
	Name      string // the member's display name (MemberName)
	Queue     string
}

// Members returns the members of queue (every queue when queue is "") in the
// QueueMember events of a QueueStatus list, in the order listed. The
// interface is the Location header (every version), else Interface.
func Members(events []*ami.Message, queue string) []Member {
	var out []Member
	for _, m := range events {
		if !strings.EqualFold(m.Event(), "QueueMember") {
			continue
		}
		q := m.Get("Queue")
		if queue != "" && q != queue {
			continue
		}
		iface := m.Get("Location")
		if iface == "" {
			iface = m.Get("Interface")
		}
		if iface == "" {
			continue
		}
		name := m.Get("Name")
		if name == "" {
			name = m.Get("MemberName")
		}
		out = append(out, Member{Interface: iface, Name: name, Queue: q})
	}
	return out
}

// Endpoints returns dialable names ("PJSIP/ep1", "SIP/peer") from the events
// of PJSIPShowEndpoints (EndpointList) and SIPpeers (PeerEntry), sorted,
// without repeats.
func Endpoints(events []*ami.Message) []string {
	return collect(events, func(m *ami.Message) string {
		name := m.Get("ObjectName")
		if name == "" {
			return ""
		}
		switch ev := m.Event(); {
		case strings.EqualFold(ev, "EndpointList"):
			return "PJSIP/" + name
		case strings.EqualFold(ev, "PeerEntry"):
			tech := m.Get("Channeltype")
			if tech == "" {
				tech = "SIP"
			}
			return tech + "/" + name
		}
		return ""
	})
}

// Match returns the candidates that start with prefix, ignoring case (AMI
// names are case-insensitive), in their given order.
func Match(candidates []string, prefix string) []string {
	var out []string
	for _, c := range candidates {
		if hasPrefixFold(c, prefix) {
			out = append(out, c)
		}
	}
	return out
}

func collect(events []*ami.Message, value func(*ami.Message) string) []string {
	var out []string
	seen := map[string]bool{}
	for _, m := range events {
		v := value(m)
		if v == "" || seen[v] {
			continue
		}
		seen[v] = true
		out = append(out, v)
	}
	slices.Sort(out)
	return out
}
