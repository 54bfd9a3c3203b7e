package completion

import (
	"context"
	"errors"
	"fmt"
	"maps"
	"strings"
	"sync"

	"github.com/amsh/amsh/ami"
)

// Sender sends one action and waits for its whole result; *ami.Session
// satisfies it.
type Sender interface {
	Send(ctx context.Context, m *ami.Message) (*ami.Result, error)
}

var _ Sender = (*ami.Session)(nil)

// Refresh fetches everything from the server and swaps it in: ListCommands
// → Actions; CoreShowChannels (Status on 1.4) → Channels; QueueStatus →
// Queues and Members; PJSIPShowEndpoints and SIPpeers, whichever
// ListCommands lists, → Endpoints. Each part stands alone: one that fails
// (Permission denied, a module not loaded) leaves that part as it was, and
// its error joins the one returned. ctx bounds it all.
//
// Changes from ApplyEvents made while Refresh runs are replayed over the
// lists it fetched. The CLI cache is emptied, as its lists hold live values
// (channels, queues) too; Params, Profiles and Commands are kept.
func Refresh(ctx context.Context, s Sender, st *Store) error {
	start := st.beginRefresh()
	defer st.endRefresh()

	var (
		errs      []error
		actions   []Action
		listed    map[string]bool // nil when ListCommands failed
		channels  []string
		queues    []string
		members   []Member
		endpoints []string
		got       struct{ actions, channels, queues, endpoints bool }
		mu        sync.Mutex
	)
	fail := func(part string, err error) {
		mu.Lock()
		defer mu.Unlock()
		errs = append(errs, fmt.Errorf("refresh %s: %w", part, err))
	}

	if res, err := s.Send(ctx, ami.NewAction("ListCommands")); err != nil {
		fail("actions", err)
	} else {
		actions, got.actions = ListCommands(res.Response), true
		listed = map[string]bool{}
		for _, a := range actions {
			listed[strings.ToLower(a.Name)] = true
		}
	}

	var wg sync.WaitGroup
	wg.Go(func() {
		// Asterisk 1.4 has no CoreShowChannels; its Status lists channels.
		res, err := sendFirst(ctx, s, "CoreShowChannels", "Status")
		if err != nil {
			fail("channels", err)
			return
		}
		channels, got.channels = Channels(res.Events), true
	})
	wg.Go(func() {
		res, err := s.Send(ctx, ami.NewAction("QueueStatus"))
		if err != nil {
			fail("queues", err)
			return
		}
		queues, members, got.queues = Queues(res.Events), Members(res.Events, ""), true
		sortMembers(members)
	})
	wg.Go(func() {
		var err error
		endpoints, got.endpoints, err = fetchEndpoints(ctx, s, listed)
		if err != nil {
			fail("endpoints", err)
		}
	})
	wg.Wait()

	st.swapRefreshed(start, func(old *Snapshot) *Snapshot {
		next := *old
		if got.actions {
			next.Actions = actions
		}
		if got.channels {
			next.Channels = channels
		}
		if got.queues {
			next.Queues, next.Members = queues, members
		}
		if got.endpoints {
			next.Endpoints = endpoints
		}
		next.CLI, next.CLIWord = nil, nil
		return &next
	})
	return errors.Join(errs...)
}

// sendFirst sends the first of the actions the server knows: the next one is
// tried only when Asterisk refuses the one before.
func sendFirst(ctx context.Context, s Sender, names ...string) (*ami.Result, error) {
	var err error
	for _, name := range names {
		var res *ami.Result
		if res, err = s.Send(ctx, ami.NewAction(name)); err == nil {
			return res, nil
		}
		if !isActionError(err) {
			break
		}
	}
	return nil, err
}

// fetchEndpoints asks PJSIPShowEndpoints and SIPpeers, those of them that
// listed names (both when it is nil), at once, and merges their answers. A
// server has one, the other or (Asterisk 13–20) both; ok is false when none
// answered.
func fetchEndpoints(ctx context.Context, s Sender, listed map[string]bool) (eps []string, ok bool, err error) {
	var names []string
	for _, n := range []string{"PJSIPShowEndpoints", "SIPpeers"} {
		if listed == nil || listed[strings.ToLower(n)] {
			names = append(names, n)
		}
	}
	if len(names) == 0 {
		return nil, true, nil // neither driver is loaded: no endpoints
	}
	results := make([]*ami.Result, len(names))
	errs := make([]error, len(names))
	var wg sync.WaitGroup
	for i, n := range names {
		wg.Go(func() { results[i], errs[i] = s.Send(ctx, ami.NewAction(n)) })
	}
	wg.Wait()
	var evs []*ami.Message
	for i := range names {
		if errs[i] == nil {
			ok = true
			evs = append(evs, results[i].Events...)
		}
	}
	if !ok {
		return nil, false, errors.Join(errs...)
	}
	return Endpoints(evs), true, nil
}

func isActionError(err error) bool {
	var ae *ami.ActionError
	return errors.As(err, &ae)
}

// FetchParams gets one action's parameter names via Command "manager show
// command NAME" and stores them under strings.ToLower(action). When Asterisk
// refuses (no Command rights) an empty list is stored all the same, so the
// shell stops asking; the error is still returned.
func FetchParams(ctx context.Context, s Sender, st *Store, action string) error {
	if !IsActionName(action) {
		return fmt.Errorf("parameters of %q: not an action name", action)
	}
	res, err := s.Send(ctx, ami.NewAction("Command", "Command", "manager show command "+action))
	if err != nil && !isActionError(err) {
		return fmt.Errorf("parameters of %s: %w", action, err)
	}
	names := []string{}
	if err == nil {
		if lines, ok := res.Output(); ok {
			names = append(names, ParseManagerShowCommand(lines)...)
		}
	}
	key := strings.ToLower(action)
	st.Update(func(old *Snapshot) *Snapshot {
		next := *old
		next.Params = maps.Clone(old.Params)
		if next.Params == nil {
			next.Params = map[string][]string{}
		}
		next.Params[key] = names
		return &next
	})
	if err != nil {
		return fmt.Errorf("parameters of %s: %w", action, err)
	}
	return nil
}

// prefetchWorkers is how many "manager show command" run at once: enough to
// fill the link, few enough to leave room for what the user types.
const prefetchWorkers = 4

// PrefetchParams runs FetchParams for every known action whose parameters
// are not stored yet, a few at a time, until done or ctx ends. It stops
// early when the connection fails. Meant to run in the background after
// Refresh; what it stores is visible to Complete at once.
func PrefetchParams(ctx context.Context, s Sender, st *Store) error {
	snap := st.Load()
	var todo []string
	for _, a := range snap.Actions {
		if _, ok := snap.Params[strings.ToLower(a.Name)]; !ok && IsActionName(a.Name) {
			todo = append(todo, a.Name)
		}
	}
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	jobs := make(chan string)
	var (
		mu      sync.Mutex
		refused int
		first   error
	)
	var wg sync.WaitGroup
	for range min(prefetchWorkers, len(todo)) {
		wg.Go(func() {
			for name := range jobs {
				if ctx.Err() != nil {
					continue // drain: the feeder may win a race with Done
				}
				err := FetchParams(ctx, s, st, name)
				if err == nil {
					continue
				}
				mu.Lock()
				if isActionError(err) {
					refused++
				} else if first == nil {
					first = err
					cancel() // the link is gone or ctx ended: the rest would fail too
				}
				mu.Unlock()
			}
		})
	}
feed:
	for _, name := range todo {
		if ctx.Err() != nil {
			break
		}
		select {
		case jobs <- name:
		case <-ctx.Done():
			break feed
		}
	}
	close(jobs)
	wg.Wait()
	switch {
	case first != nil:
		return fmt.Errorf("prefetch parameters: %w", first)
	case refused > 0:
		return fmt.Errorf("prefetch parameters: Asterisk refused %d of %d", refused, len(todo))
	}
	return nil
}
