package completion

import (
	"maps"
	"slices"
	"sort"
	"strings"
	"sync"
	"sync/atomic"

	"github.com/amsh/amsh/ami"
)

// Store holds the current Snapshot. Readers (every Tab) load it without a
// lock; writers (refresh, fetches, the event stream) build a new one and
// swap it in, one writer at a time.
type Store struct {
	cur atomic.Pointer[Snapshot]

	mu sync.Mutex // serializes writers; guards the fields below
	// While a Refresh is in flight, the live changes applied meanwhile are
	// journaled, so they can be replayed over the lists it fetched, which
	// may predate them. Replaying is safe for changes that came before the
	// lists too: each is "present" or "absent", applied in order, so the
	// last one for a name wins either way.
	refreshing int
	journal    []change
	lost       bool // the journal overflowed; the next swap trusts the lists

	// merged is the last channel list ApplyEvents published: sorted and
	// without repeats by construction, so the next batch need not check.
	merged []string
}

// maxJournal bounds the journal of one refresh (a refresh is seconds; this
// is minutes of a busy server's channel events).
const maxJournal = 1 << 20

// NewStore returns a Store holding initial (an empty Snapshot when nil).
func NewStore(initial *Snapshot) *Store {
	if initial == nil {
		initial = &Snapshot{}
	}
	st := &Store{}
	st.cur.Store(initial)
	return st
}

// Load returns the current snapshot, never nil. It takes no lock.
func (st *Store) Load() *Snapshot { return st.cur.Load() }

// Update swaps in fn(old). fn must treat old as read-only and return a new
// Snapshot (a shallow copy sharing what did not change is fine); returning
// old or nil changes nothing. Writers are serialized, so fn sees the latest
// snapshot; it must not call the Store itself.
func (st *Store) Update(fn func(old *Snapshot) *Snapshot) {
	st.mu.Lock()
	defer st.mu.Unlock()
	st.updateLocked(fn)
}

func (st *Store) updateLocked(fn func(old *Snapshot) *Snapshot) {
	old := st.cur.Load()
	if next := fn(old); next != nil && next != old {
		st.cur.Store(next)
	}
}

// ApplyEvent keeps the snapshot fresh from one event. See ApplyEvents,
// which a busy stream should use instead: each call copies the changed list.
func (st *Store) ApplyEvent(m *ami.Message) { st.ApplyEvents([]*ami.Message{m}) }

// ApplyEvents applies a batch of events in order: Newchannel adds its
// Channel, Hangup removes it, Rename renames it; QueueMemberAdded and
// QueueMemberRemoved add and remove a member (Queue, Interface or Location,
// MemberName). Other events are ignored. The whole batch costs one merge
// of each changed list, whatever its length, so the shell batches the
// stream over a short interval.
func (st *Store) ApplyEvents(ms []*ami.Message) {
	cs := make([]change, 0, len(ms))
	for _, m := range ms {
		cs = eventChanges(cs, m)
	}
	if len(cs) == 0 {
		return
	}
	st.mu.Lock()
	defer st.mu.Unlock()
	if st.refreshing > 0 && !st.lost {
		if len(st.journal)+len(cs) > maxJournal {
			st.journal, st.lost = nil, true
		} else {
			st.journal = append(st.journal, cs...)
		}
	}
	st.updateLocked(func(old *Snapshot) *Snapshot {
		next, sorted := applyChanges(old, cs, sameSlice(old.Channels, st.merged))
		if sorted {
			st.merged = next.Channels
		}
		return next
	})
}

// sameSlice reports whether a and b are the same slice (not merely equal).
func sameSlice(a, b []string) bool {
	return len(a) == len(b) && (len(a) == 0 || &a[0] == &b[0])
}

// beginRefresh starts journaling and returns where this refresh's part of
// the journal starts.
func (st *Store) beginRefresh() int {
	st.mu.Lock()
	defer st.mu.Unlock()
	st.refreshing++
	return len(st.journal)
}

func (st *Store) endRefresh() {
	st.mu.Lock()
	defer st.mu.Unlock()
	if st.refreshing--; st.refreshing == 0 {
		st.journal, st.lost = nil, false
	}
}

// swapRefreshed swaps in fn(old) with the changes journaled since start
// replayed over it.
func (st *Store) swapRefreshed(start int, fn func(old *Snapshot) *Snapshot) {
	st.mu.Lock()
	defer st.mu.Unlock()
	st.updateLocked(func(old *Snapshot) *Snapshot {
		next := fn(old)
		if !st.lost && start < len(st.journal) {
			next, _ = applyChanges(next, st.journal[start:], false)
		}
		return next
	})
}

type changeKind uint8

const (
	channelUp changeKind = iota
	channelDown
	memberIn
	memberOut
)

// change is one live change an event makes.
type change struct {
	kind    changeKind
	channel string
	member  Member
}

// eventChanges appends the changes event m makes. The values are kept as
// they are: each keeps its event's text alive (the ami reader gives every
// message one string of its own), a few hundred bytes.
func eventChanges(cs []change, m *ami.Message) []change {
	ev := m.Event()
	switch {
	case ev == "":
	case strings.EqualFold(ev, "Newchannel"):
		if ch := m.Get("Channel"); ch != "" {
			cs = append(cs, change{kind: channelUp, channel: ch})
		}
	case strings.EqualFold(ev, "Hangup"):
		if ch := m.Get("Channel"); ch != "" {
			cs = append(cs, change{kind: channelDown, channel: ch})
		}
	case strings.EqualFold(ev, "Rename"):
		// 1.4 says Oldname/Newname, 1.6–11 Channel/Newname; 12+ has no Rename.
		old := m.Get("Oldname")
		if old == "" {
			old = m.Get("Channel")
		}
		if nw := m.Get("Newname"); old != "" && nw != "" {
			cs = append(cs, change{kind: channelDown, channel: old}, change{kind: channelUp, channel: nw})
		}
	case strings.EqualFold(ev, "QueueMemberAdded"), strings.EqualFold(ev, "QueueMemberRemoved"):
		// 12+ say Interface; 1.4–11 Location.
		iface := m.Get("Interface")
		if iface == "" {
			iface = m.Get("Location")
		}
		q := m.Get("Queue")
		if iface == "" || q == "" {
			break
		}
		kind := memberIn
		if strings.EqualFold(ev, "QueueMemberRemoved") {
			kind = memberOut
		}
		cs = append(cs, change{kind: kind, member: Member{Interface: iface, Name: m.Get("MemberName"), Queue: q}})
	}
	return cs
}

// applyChanges returns old with cs applied in order (old itself when they
// change nothing). sorted says old.Channels is known to be sorted and
// without repeats; when it is not and a channel changes, it is made so.
// channelsSorted reports that next.Channels is known sorted.
func applyChanges(old *Snapshot, cs []change, sorted bool) (next *Snapshot, channelsSorted bool) {
	channels := make(map[string]bool, len(cs)) // the last change per channel wins
	var members []change
	for _, c := range cs {
		switch c.kind {
		case channelUp, channelDown:
			channels[c.channel] = c.kind == channelUp
		default:
			members = append(members, c)
		}
	}
	n := *old
	changed := false
	if len(channels) > 0 {
		n.Channels, changed = mergeSet(old.Channels, channels, sorted)
		sorted = true
	}
	if len(members) > 0 {
		var ok bool
		if n.Members, n.Queues, ok = applyMembers(old.Members, old.Queues, members); ok {
			changed = true
		}
	}
	if !changed {
		return old, sorted
	}
	return &n, sorted
}

// mergeSet returns list with the names wanted true added and those wanted
// false removed, sorted and without repeats. The changes are sorted and
// merged in one pass, unchanged runs copied whole: O(n + k log k) for k
// changes, and far less than n compares when k is small. Unless trusted,
// list is checked first (and sorted when it is not, which is a change).
func mergeSet(list []string, want map[string]bool, trusted bool) ([]string, bool) {
	sorted, normalized := list, false
	if !trusted && !strictlySorted(list) {
		sorted, normalized = slices.Compact(slices.Sorted(slices.Values(list))), true
	}
	keys := slices.Sorted(maps.Keys(want))
	linear := len(keys)*16 > len(sorted) // else binary search for each key
	var out []string
	i := 0 // sorted[:i] is dealt with
	for _, k := range keys {
		j := i
		if linear {
			for j < len(sorted) && sorted[j] < k {
				j++
			}
		} else {
			j += sort.SearchStrings(sorted[i:], k)
		}
		found := j < len(sorted) && sorted[j] == k
		if found == want[k] {
			continue
		}
		if out == nil {
			out = make([]string, 0, len(sorted)+len(keys))
		}
		out = append(out, sorted[i:j]...)
		if found {
			i = j + 1 // removed
		} else {
			out = append(out, k)
			i = j
		}
	}
	if out == nil {
		return sorted, normalized
	}
	return append(out, sorted[i:]...), true
}

func strictlySorted(s []string) bool {
	for i := 1; i < len(s); i++ {
		if s[i-1] >= s[i] {
			return false
		}
	}
	return true
}

// applyMembers applies member changes; a member's queue joins Queues.
// Members stay sorted by queue, then interface.
func applyMembers(members []Member, queues []string, cs []change) ([]Member, []string, bool) {
	ms := slices.Clone(members)
	qs := queues
	changed := false
	for _, c := range cs {
		i := slices.IndexFunc(ms, func(m Member) bool {
			return m.Queue == c.member.Queue && m.Interface == c.member.Interface
		})
		switch {
		case c.kind == memberIn && i < 0:
			ms = append(ms, c.member)
			changed = true
		case c.kind == memberIn && ms[i].Name != c.member.Name && c.member.Name != "":
			ms[i].Name = c.member.Name
			changed = true
		case c.kind == memberOut && i >= 0:
			ms = slices.Delete(ms, i, i+1)
			changed = true
		}
		if c.kind == memberIn && !slices.Contains(qs, c.member.Queue) {
			qs = slices.Clone(qs)
			qs = append(qs, c.member.Queue)
			slices.Sort(qs)
			changed = true
		}
	}
	if !changed {
		return members, queues, false
	}
	sortMembers(ms)
	return ms, qs, true
}

func sortMembers(ms []Member) {
	slices.SortFunc(ms, func(a, b Member) int {
		if c := strings.Compare(a.Queue, b.Queue); c != 0 {
			return c
		}
		return strings.Compare(a.Interface, b.Interface)
	})
}
