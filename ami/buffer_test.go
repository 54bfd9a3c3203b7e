package ami

import (
	"errors"
	"fmt"
	"testing"
)

func seqEvent(i int) *Message { return NewEvent("UserEvent", "Seq", fmt.Sprint(i)) }

// TestEventBufferOrder: events come out in the order they went in, across
// the compaction of the queue's array, and Bytes returns to zero.
func TestEventBufferOrder(t *testing.T) {
	b := NewEventBuffer(1<<30, false)
	next := 0
	for i := range 10000 {
		if !b.Put(seqEvent(i)) {
			t.Fatalf("Put %d refused", i)
		}
		if i%3 == 0 { // take fewer than are put, so the queue grows and compacts
			m, ok := b.Get()
			if !ok || m.Get("Seq") != fmt.Sprint(next) {
				t.Fatalf("Get = %v %v, want Seq %d", m, ok, next)
			}
			next++
		}
	}
	for ; ; next++ {
		m, ok := b.Get()
		if !ok {
			break
		}
		if m.Get("Seq") != fmt.Sprint(next) {
			t.Fatalf("Get = Seq %s, want %d", m.Get("Seq"), next)
		}
	}
	if next != 10000 || b.Bytes() != 0 || b.Len() != 0 {
		t.Errorf("took %d, %d bytes and %d events left; want 10000, 0, 0", next, b.Bytes(), b.Len())
	}
	if ended, _ := b.Ended(); ended {
		t.Error("buffer ended by itself")
	}
}

// TestEventBufferFull: past the budget the buffer ends with a
// *BufferFullError, keeps what it held and refuses the rest.
func TestEventBufferFull(t *testing.T) {
	size := MessageSize(seqEvent(0))
	b := NewEventBuffer(10*size, false)
	kept := 0
	for i := range 20 {
		if b.Put(seqEvent(i)) {
			kept++
		}
	}
	ended, err := b.Ended()
	var full *BufferFullError
	if kept != 10 || !ended || !errors.As(err, &full) || full.Events != 10 || full.Budget != 10*size {
		t.Fatalf("kept %d, ended %v, err %v; want 10 kept and a BufferFullError", kept, ended, err)
	}
	select {
	case <-b.Done():
	default:
		t.Error("Done not closed")
	}
	for i := range 10 {
		if m, ok := b.Get(); !ok || m.Get("Seq") != fmt.Sprint(i) {
			t.Fatalf("Get %d = %v %v", i, m, ok)
		}
	}
	if b.Put(seqEvent(99)) {
		t.Error("Put after the end was kept")
	}
}

// TestEventBufferDrop: in drop mode the buffer never ends; events that do
// not fit are counted, and room made by Get is used again.
func TestEventBufferDrop(t *testing.T) {
	size := MessageSize(seqEvent(0))
	b := NewEventBuffer(4*size, true)
	for i := range 10 {
		b.Put(seqEvent(i))
	}
	if b.Dropped() != 6 || b.Len() != 4 {
		t.Fatalf("dropped %d, holding %d; want 6 and 4", b.Dropped(), b.Len())
	}
	b.Get()
	if !b.Put(seqEvent(5)) || b.Dropped() != 6 {
		t.Error("room made by Get was not used")
	}
	if ended, _ := b.Ended(); ended {
		t.Error("drop mode ended the buffer")
	}
	// One message bigger than the whole budget still goes into an empty buffer.
	big := NewEventBuffer(1, false)
	if !big.Put(seqEvent(0)) {
		t.Error("an empty buffer refused a message over its budget")
	}
}

func TestFormatSize(t *testing.T) {
	for n, want := range map[int64]string{100: "100B", 64 << 10: "64KiB", 256 << 20: "256MiB", 3 << 29: "1.5GiB"} {
		if got := FormatSize(n); got != want {
			t.Errorf("FormatSize(%d) = %q, want %q", n, got, want)
		}
	}
}

// TestEventBufferFrom: each event comes out with the session number it was
// put with, in the order put, across the compaction of a long queue.
func TestEventBufferFrom(t *testing.T) {
	b := NewEventBuffer(1<<30, false)
	const n = 3000
	for i := range n {
		b.PutFrom(seqEvent(i), i%3)
		if i%2 == 1 { // take one of every two, so the queue grows and is compacted
			b.GetFrom()
		}
	}
	b.Put(seqEvent(n))
	got := 0
	for i := n / 2; i <= n; i++ {
		m, from, ok := b.GetFrom()
		want := i % 3
		if i == n {
			want = 0 // Put is PutFrom 0
		}
		if !ok || m.Get("Seq") != fmt.Sprint(i) || from != want {
			t.Fatalf("GetFrom = %v %d %v; want Seq %d from %d", m, from, ok, i, want)
		}
		got++
	}
	if _, _, ok := b.GetFrom(); ok || got != n/2+1 {
		t.Errorf("%d taken, then more waiting: want %d and none", got, n/2+1)
	}
}
