package completion

import (
	"fmt"
	"reflect"
	"slices"
	"sync"
	"sync/atomic"
	"testing"

	"github.com/amsh/amsh/ami"
)

// event builds an event from "Key", "Value" pairs.
func event(kv ...string) *ami.Message {
	m := &ami.Message{}
	for i := 0; i+1 < len(kv); i += 2 {
		m.Add(kv[i], kv[i+1])
	}
	return m
}

func TestStoreNilInitial(t *testing.T) {
	st := NewStore(nil)
	if st.Load() == nil {
		t.Fatal("Load returned nil")
	}
	before := st.Load()
	st.Update(func(*Snapshot) *Snapshot { return nil })
	if st.Load() != before {
		t.Error("Update returning nil changed the snapshot")
	}
}

func TestApplyEventsChannels(t *testing.T) {
	st := NewStore(&Snapshot{Channels: []string{"PJSIP/a-1", "PJSIP/c-3"}})
	st.ApplyEvent(event("Event", "Newchannel", "Channel", "PJSIP/b-2"))
	st.ApplyEvent(event("Event", "newchannel", "Channel", "PJSIP/a-1")) // already there
	st.ApplyEvent(event("Event", "Hangup", "Channel", "PJSIP/c-3"))
	st.ApplyEvent(event("Event", "Hangup", "Channel", "PJSIP/zz-9")) // never there
	if got, want := st.Load().Channels, []string{"PJSIP/a-1", "PJSIP/b-2"}; !slices.Equal(got, want) {
		t.Errorf("channels %q, want %q", got, want)
	}

	// In one batch the last event for a channel wins; a rename moves it.
	st.ApplyEvents([]*ami.Message{
		event("Event", "Newchannel", "Channel", "Local/x;1"),
		event("Event", "Hangup", "Channel", "Local/x;1"),
		event("Event", "Hangup", "Channel", "PJSIP/a-1"),
		event("Event", "Newchannel", "Channel", "PJSIP/a-1"),
		event("Event", "Rename", "Channel", "PJSIP/b-2", "Newname", "PJSIP/b-2<MASQ>"),
		event("Event", "Rename", "Oldname", "PJSIP/none", "Newname", "PJSIP/d-4"), // 1.4 spelling
	})
	if got, want := st.Load().Channels, []string{"PJSIP/a-1", "PJSIP/b-2<MASQ>", "PJSIP/d-4"}; !slices.Equal(got, want) {
		t.Errorf("channels %q, want %q", got, want)
	}

	// Events that change nothing leave the very same snapshot.
	before := st.Load()
	st.ApplyEvents([]*ami.Message{
		event("Event", "Newchannel", "Channel", "PJSIP/a-1"),
		event("Event", "VarSet", "Channel", "PJSIP/a-1"),
		event("Response", "Success"),
		event("Event", "Newchannel"), // no Channel
	})
	if st.Load() != before {
		t.Error("a batch that changes nothing published a new snapshot")
	}
}

// A snapshot built elsewhere may list channels in any order; the first
// batch sorts them.
func TestApplyEventsUnsortedChannels(t *testing.T) {
	st := NewStore(&Snapshot{Channels: []string{"c", "a", "c", "b"}})
	// A batch without channel events must not vouch for the list.
	st.ApplyEvent(event("Event", "QueueMemberAdded", "Queue", "q", "Interface", "PJSIP/x"))
	st.ApplyEvent(event("Event", "Hangup", "Channel", "b"))
	if got, want := st.Load().Channels, []string{"a", "c"}; !slices.Equal(got, want) {
		t.Errorf("channels %q, want %q", got, want)
	}
}

func TestApplyEventsMembers(t *testing.T) {
	st := NewStore(&Snapshot{
		Queues:  []string{"support"},
		Members: []Member{{Interface: "Local/101@agents", Name: "One", Queue: "support"}},
	})
	st.ApplyEvents([]*ami.Message{
		// Asterisk 12+: Interface.
		event("Event", "QueueMemberAdded", "Queue", "support", "MemberName", "Two", "Interface", "Local/102@agents", "StateInterface", "Local/102@agents"),
		// 1.4–11: Location; a queue not seen before joins Queues.
		event("Event", "QueueMemberAdded", "Queue", "sales", "Location", "PJSIP/ep1", "MemberName", "ep1"),
		// Added again with a new name: one member, renamed.
		event("Event", "QueueMemberAdded", "Queue", "support", "Interface", "Local/101@agents", "MemberName", "Uno"),
	})
	snap := st.Load()
	want := []Member{
		{Interface: "PJSIP/ep1", Name: "ep1", Queue: "sales"},
		{Interface: "Local/101@agents", Name: "Uno", Queue: "support"},
		{Interface: "Local/102@agents", Name: "Two", Queue: "support"},
	}
	if !reflect.DeepEqual(snap.Members, want) {
		t.Errorf("members %+v\nwant %+v", snap.Members, want)
	}
	if got := snap.Queues; !slices.Equal(got, []string{"sales", "support"}) {
		t.Errorf("queues %q", got)
	}

	st.ApplyEvent(event("Event", "QueueMemberRemoved", "Queue", "support", "Interface", "Local/101@agents", "MemberName", "Uno"))
	st.ApplyEvent(event("Event", "QueueMemberRemoved", "Queue", "nosuch", "Interface", "Local/101@agents"))
	st.ApplyEvent(event("Event", "QueueMemberAdded", "Queue", "support")) // no interface: ignored
	if got := st.Load().Members; !reflect.DeepEqual(got, []Member{want[0], want[2]}) {
		t.Errorf("after removal: %+v", got)
	}
	// The first snapshot is untouched: snapshots are immutable.
	if !reflect.DeepEqual(snap.Members, want) {
		t.Errorf("an old snapshot changed: %+v", snap.Members)
	}
	live := *st.Load()
	live.Commands = loadFixture(t).Commands
	if r := Complete("queue pause --queue sales ", &live); !slices.Equal(r.Candidates, []string{"PJSIP/ep1"}) {
		t.Errorf("completion over the live members: %q", r.Candidates)
	}
}

// Readers load lock-free while writers swap: run with -race. Every
// snapshot a reader sees must be whole: Update writes Queues and Endpoints
// together, so they always agree, while ApplyEvents adds channels between.
func TestStoreConcurrentLoadUpdate(t *testing.T) {
	st := NewStore(&Snapshot{})
	var stop atomic.Bool
	var readers sync.WaitGroup
	var loads atomic.Int64
	for range 4 {
		readers.Go(func() {
			for !stop.Load() {
				s := st.Load()
				if len(s.Queues) != len(s.Endpoints) {
					t.Errorf("torn snapshot: %d queues, %d endpoints", len(s.Queues), len(s.Endpoints))
					return
				}
				Complete("hangup PJSIP/", s)
				loads.Add(1)
			}
		})
	}
	var writers sync.WaitGroup
	for w := range 2 {
		writers.Go(func() {
			for i := range 200 {
				st.ApplyEvents([]*ami.Message{
					event("Event", "Newchannel", "Channel", fmt.Sprintf("PJSIP/w%d-%04d-a", w, i)),
					event("Event", "Newchannel", "Channel", fmt.Sprintf("PJSIP/w%d-%04d-b", w, i)),
				})
			}
		})
		writers.Go(func() {
			for i := range 200 {
				st.Update(func(old *Snapshot) *Snapshot {
					next := *old
					name := fmt.Sprintf("q%d-%04d", w, i)
					next.Queues = append(slices.Clone(old.Queues), name)
					next.Endpoints = append(slices.Clone(old.Endpoints), "PJSIP/"+name)
					return &next
				})
			}
		})
	}
	writers.Wait()
	stop.Store(true)
	readers.Wait()
	if s := st.Load(); len(s.Channels) != 800 || len(s.Queues) != 400 {
		t.Errorf("lost writes: %d channels, %d queues", len(s.Channels), len(s.Queues))
	}
	if loads.Load() == 0 {
		t.Error("no reader ran")
	}
}

func TestMergeSet(t *testing.T) {
	got, changed := mergeSet([]string{"b", "d"}, map[string]bool{"a": true, "d": false, "e": true, "c": true, "x": false}, true)
	if want := []string{"a", "b", "c", "e"}; !changed || !slices.Equal(got, want) {
		t.Errorf("mergeSet = %q, %v; want %q", got, changed, want)
	}
	if _, changed := mergeSet([]string{"a"}, map[string]bool{"a": true, "b": false}, false); changed {
		t.Error("no-op reported a change")
	}
	// An unsorted list is sorted, which is a change even when the events are not.
	if got, changed := mergeSet([]string{"b", "a", "b"}, map[string]bool{"a": true}, false); !changed || !slices.Equal(got, []string{"a", "b"}) {
		t.Errorf("unsorted: %q, %v", got, changed)
	}
}
