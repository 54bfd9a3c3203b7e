package ami

import (
	"sync"
	"sync/atomic"
)

// Subscription receives the session's events (everything that is not a reply
// to one of our list actions) through a bounded queue. When the consumer
// falls behind, new events are dropped and counted rather than stalling the
// reader: a stalled reader would stall every reply and, after writetimeout,
// get the session disconnected by Asterisk.
type Subscription struct {
	s       *Session
	ch      chan *Message
	dropped atomic.Uint64

	mu     sync.Mutex
	closed bool
}

// Subscribe returns a subscription with a queue of size events (1024 when size <= 0).
// Its channel is closed when the session ends or Close is called.
func (s *Session) Subscribe(size int) *Subscription {
	if size <= 0 {
		size = 1024
	}
	sub := &Subscription{s: s, ch: make(chan *Message, size)}
	s.mu.Lock()
	if s.err != nil {
		s.mu.Unlock()
		sub.end()
		return sub
	}
	s.subs[sub] = struct{}{}
	s.mu.Unlock()
	return sub
}

// Events is the queue of events, closed when the subscription ends.
func (sub *Subscription) Events() <-chan *Message { return sub.ch }

// Dropped returns how many events were dropped because the queue was full.
func (sub *Subscription) Dropped() uint64 { return sub.dropped.Load() }

// Close stops delivery and closes the channel.
func (sub *Subscription) Close() {
	sub.s.mu.Lock()
	delete(sub.s.subs, sub)
	sub.s.mu.Unlock()
	sub.end()
}

func (sub *Subscription) deliver(m *Message) {
	sub.mu.Lock()
	if !sub.closed {
		select {
		case sub.ch <- m:
		default:
			sub.dropped.Add(1)
		}
	}
	sub.mu.Unlock()
}

func (sub *Subscription) end() {
	sub.mu.Lock()
	if !sub.closed {
		sub.closed = true
		close(sub.ch)
	}
	sub.mu.Unlock()
}

func (s *Session) subscribersLocked() []*Subscription {
	if len(s.subs) == 0 {
		return nil
	}
	subs := make([]*Subscription, 0, len(s.subs))
	for sub := range s.subs {
		subs = append(subs, sub)
	}
	return subs
}
