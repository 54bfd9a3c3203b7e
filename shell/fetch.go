package shell

import (
	"context"
	"sync"
	"time"

	"github.com/amsh/amsh/ami"
	"github.com/amsh/amsh/completion"
)

// refreshEvery is how often the completion snapshot is fetched whole; in
// between, events keep its channels and members current.
const refreshEvery = 60 * time.Second

// fetchWorkers bounds the fetches a busy Tab key can start at once.
const fetchWorkers = 2

// retryAfter keeps a fetch that failed from being asked again on every Tab.
const retryAfter = 30 * time.Second

// fetcher fills the completion store in the background: a whole refresh at
// start, every refreshEvery and after each reconnection; the parameters of
// every action once; and what a Tab found missing (an action's parameters,
// the server's CLI completion of a "!" line). Tab never waits for it: the
// next Tab finds what it stored.
type fetcher struct {
	store   *completion.Store
	session func() *ami.Session // the live session, nil while down
	timeout time.Duration

	sem chan struct{}

	mu       sync.Mutex
	inflight map[string]bool
	failed   map[string]time.Time
}

func newFetcher(store *completion.Store, session func() *ami.Session, timeout time.Duration) *fetcher {
	return &fetcher{
		store: store, session: session, timeout: timeout,
		sem:      make(chan struct{}, fetchWorkers),
		inflight: map[string]bool{},
		failed:   map[string]time.Time{},
	}
}

// miss starts the fetches a completion result asks for, if not already
// running or recently failed. It returns at once.
func (f *fetcher) miss(ctx context.Context, res completion.Result) {
	if res.ParamsMiss != "" {
		name := res.ParamsMiss
		f.start(ctx, "params\x00"+name, func(ctx context.Context, s *ami.Session) error {
			return completion.FetchParams(ctx, s, f.store, name)
		})
	}
	if q := res.CLIMiss; q != nil {
		q := *q
		f.start(ctx, "cli\x00"+completion.CLIKey(q.Line)+"\x00"+q.Word, func(ctx context.Context, s *ami.Session) error {
			return completion.FetchCLI(ctx, s, f.store, q)
		})
	}
}

func (f *fetcher) start(ctx context.Context, key string, fetch func(context.Context, *ami.Session) error) {
	f.mu.Lock()
	if f.inflight[key] || time.Since(f.failed[key]) < retryAfter {
		f.mu.Unlock()
		return
	}
	f.inflight[key] = true
	f.mu.Unlock()
	go func() {
		var err error
		select {
		case f.sem <- struct{}{}:
			err = f.with(ctx, fetch)
			<-f.sem
		case <-ctx.Done():
			err = ctx.Err()
		}
		f.mu.Lock()
		delete(f.inflight, key)
		if err != nil {
			f.failed[key] = time.Now()
		} else {
			delete(f.failed, key)
		}
		f.mu.Unlock()
	}()
}

// with runs fetch on the live session within the per-action timeout.
func (f *fetcher) with(ctx context.Context, fetch func(context.Context, *ami.Session) error) error {
	s := f.session()
	if s == nil {
		return errNotConnected
	}
	ctx, cancel := context.WithTimeout(ctx, f.timeout)
	defer cancel()
	return fetch(ctx, s)
}

// refreshLoop refreshes the whole snapshot now, whenever again is signalled
// (a reconnection), and every refreshEvery, until ctx ends. The first
// refresh that works is followed by fetching every action's parameters.
func (f *fetcher) refreshLoop(ctx context.Context, again <-chan struct{}) {
	tick := time.NewTicker(refreshEvery)
	defer tick.Stop()
	prefetched := false
	for {
		if s := f.session(); s != nil {
			// Errors are not shown: a part the profile may not read fails
			// every time, and what did arrive is in the store all the same.
			rctx, cancel := context.WithTimeout(ctx, 4*f.timeout)
			completion.Refresh(rctx, s, f.store)
			cancel()
			if !prefetched && len(f.store.Load().Actions) > 0 {
				prefetched = true
				go completion.PrefetchParams(ctx, s, f.store)
			}
		}
		select {
		case <-ctx.Done():
			return
		case <-tick.C:
		case <-again:
		}
	}
}
