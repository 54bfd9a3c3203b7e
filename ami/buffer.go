package ami

import (
	"fmt"
	"sync"
)

// EventBuffer is a first-in first-out queue of events between a session's
// reader, which must never wait (Asterisk disconnects a client it cannot
// write to within its writetimeout, 100 ms by default), and a consumer that
// may be slow (a pipe into a script). It grows as needed up to a budget in
// bytes. Past the budget it either drops and counts new events (drop mode),
// or ends with a *BufferFullError once what it holds has been taken.
//
// Put and Get may be called from different goroutines; it outlives any one
// session, so a stream that reconnects keeps one buffer. A stream merged
// from several sessions (amsh events over several profiles) keeps one buffer
// too, each event with the number of the session it came from (PutFrom,
// GetFrom): events of one session stay in order, and between sessions the
// order is arrival order.
type EventBuffer struct {
	budget int
	drop   bool

	mu      sync.Mutex
	q       []bufferedEvent
	head    int // q[head:] are waiting
	bytes   int
	dropped uint64
	ended   bool
	err     error         // why the buffer ended, returned once it is empty
	ready   chan struct{} // has a value when something was put or the buffer ended
	done    chan struct{} // closed when the buffer ends
}

type bufferedEvent struct {
	m    *Message
	from int
}

// NewEventBuffer returns a buffer holding at most budget bytes of events
// (measured as MessageSize). With drop, events past the budget are dropped
// and counted; without, the buffer ends with a *BufferFullError.
func NewEventBuffer(budget int, drop bool) *EventBuffer {
	return &EventBuffer{budget: budget, drop: drop, ready: make(chan struct{}, 1), done: make(chan struct{})}
}

// BufferFullError ends a buffer that reached its budget outside drop mode.
type BufferFullError struct {
	Events int // events waiting when the budget was reached
	Bytes  int // their size
	Budget int
}

func (e *BufferFullError) Error() string {
	return fmt.Sprintf("event buffer full: %d events (%s) waiting for the output, over the %s budget",
		e.Events, FormatSize(int64(e.Bytes)), FormatSize(int64(e.Budget)))
}

// Put adds m. It never blocks. It returns false when m was not kept: the
// buffer has ended, or it is over budget (in drop mode m is counted as
// dropped; otherwise the buffer ends with a *BufferFullError and the caller
// should stop reading).
func (b *EventBuffer) Put(m *Message) bool { return b.PutFrom(m, 0) }

// PutFrom is Put for a buffer that merges several sessions: from numbers
// the session m came from, and GetFrom returns it with m.
func (b *EventBuffer) PutFrom(m *Message, from int) bool {
	size := MessageSize(m)
	b.mu.Lock()
	defer b.mu.Unlock()
	if b.ended {
		return false
	}
	if b.bytes+size > b.budget && b.head < len(b.q) {
		if b.drop {
			b.dropped++
			return false
		}
		b.endLocked(&BufferFullError{Events: len(b.q) - b.head, Bytes: b.bytes, Budget: b.budget})
		return false
	}
	b.q = append(b.q, bufferedEvent{m, from})
	b.bytes += size
	b.signal()
	return true
}

// Get takes the oldest event. ok is false when none is waiting; then Err
// says whether the buffer has ended.
func (b *EventBuffer) Get() (m *Message, ok bool) {
	m, _, ok = b.GetFrom()
	return m, ok
}

// GetFrom is Get that also returns the number PutFrom was given with the
// event (0 for Put).
func (b *EventBuffer) GetFrom() (m *Message, from int, ok bool) {
	b.mu.Lock()
	defer b.mu.Unlock()
	if b.head == len(b.q) {
		return nil, 0, false
	}
	e := b.q[b.head]
	m, from = e.m, e.from
	b.q[b.head] = bufferedEvent{}
	b.head++
	b.bytes -= MessageSize(m)
	switch {
	case b.head == len(b.q):
		b.q, b.head = b.q[:0], 0
	case b.head >= 1024 && b.head*2 >= len(b.q):
		// Move the waiting tail to the front so the array does not grow forever.
		n := copy(b.q, b.q[b.head:])
		clear(b.q[n:])
		b.q, b.head = b.q[:n], 0
	}
	return m, from, true
}

// Ready has a value after a Put or End: the consumer waits on it when Get
// finds nothing. One value may stand for many Puts.
func (b *EventBuffer) Ready() <-chan struct{} { return b.ready }

// End ends the buffer with err (nil for a normal end): further Puts are
// refused, and Err reports err once the waiting events have been taken.
// Only the first End counts.
func (b *EventBuffer) End(err error) {
	b.mu.Lock()
	b.endLocked(err)
	b.mu.Unlock()
}

func (b *EventBuffer) endLocked(err error) {
	if b.ended {
		return
	}
	b.ended, b.err = true, err
	close(b.done)
	b.signal()
}

// Done is closed when the buffer has ended (End, or the budget reached);
// events may still be waiting.
func (b *EventBuffer) Done() <-chan struct{} { return b.done }

func (b *EventBuffer) signal() {
	select {
	case b.ready <- struct{}{}:
	default:
	}
}

// Ended reports whether End was called (or the budget was reached), and
// with what error.
func (b *EventBuffer) Ended() (bool, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.ended, b.err
}

// Len returns how many events are waiting.
func (b *EventBuffer) Len() int {
	b.mu.Lock()
	defer b.mu.Unlock()
	return len(b.q) - b.head
}

// Bytes returns the size of the waiting events.
func (b *EventBuffer) Bytes() int {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.bytes
}

// Dropped returns how many events drop mode has dropped.
func (b *EventBuffer) Dropped() uint64 {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.dropped
}

// MessageSize is roughly how much memory a parsed message holds.
func MessageSize(m *Message) int {
	n := len(m.Body) + len(m.Raw) + 96
	for _, h := range m.Headers {
		n += len(h.Key) + len(h.Value) + 32
	}
	return n
}

// FormatSize prints a byte count in the units ParseSize reads: 256MiB, 1.5GiB, 512KiB, 100B.
func FormatSize(n int64) string {
	const (
		kib = 1 << 10
		mib = 1 << 20
		gib = 1 << 30
	)
	switch {
	case n >= gib:
		return trimZero(float64(n)/gib) + "GiB"
	case n >= mib:
		return trimZero(float64(n)/mib) + "MiB"
	case n >= kib:
		return trimZero(float64(n)/kib) + "KiB"
	}
	return fmt.Sprintf("%dB", n)
}

func trimZero(f float64) string {
	s := fmt.Sprintf("%.1f", f)
	if len(s) > 2 && s[len(s)-2:] == ".0" {
		s = s[:len(s)-2]
	}
	return s
}
