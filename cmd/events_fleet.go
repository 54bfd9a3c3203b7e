package cmd

import (
	"bufio"
	"bytes"
	"context"
	"fmt"
	"io"
	"sync"
	"time"

	"github.com/amsh/amsh/ami"
	"github.com/amsh/amsh/profile"
)

// events over several profiles (-p a,b events) is one stream merged from
// one session per target, each the stream `amsh events` reads from one
// server: its own connection, event mask, secret and --reconnect, all
// feeding one buffer (so --buffer is one budget for the whole stream, and
// --drop counts over all targets). Events of one target stay in order;
// between targets the order is arrival order. Each event says where it came
// from (render.SourcedMessage): a "[NAME] " prefix on each text line, a
// first key or column "_profile" in the other formats. --count counts the
// merged stream; --for, the filters and --mask apply to every target.
//
// A target that cannot be reached, refuses the login, or loses its link
// without --reconnect ends its part of the stream: its error is printed at
// once ("amsh: NAME: ...") and the others go on. The stream ends when
// --count or --for is reached, on Ctrl-C, SIGTERM or SIGHUP, when the
// buffer is full, or when every target has ended. Then, as for one-shot
// commands over several profiles, the exit status is that of the first
// failing target in the order given, and the last line on stderr sums the
// failures up; Ctrl-C still exits 130, and a full buffer 5, after that line.

// EventsFleet is the targets of events over several profiles.
type EventsFleet struct {
	Targets []EventsTarget
	// Parallel bounds how many targets dial at once (--parallel); once
	// logged in, every target streams.
	Parallel int
	// ErrPrefix begins error lines on stderr: "amsh: ", maybe coloured.
	ErrPrefix string
}

// EventsTarget is one profile of a merged stream, resolved and dialled as
// that profile alone would be.
type EventsTarget struct {
	Name          string
	Connection    func() (*Connection, error)
	SessionConfig func(ctx context.Context, events string) (ami.Config, error)
}

// fleetSelection is the profiles a fleet command runs on, in order.
type fleetSelection struct {
	names []string
	file  *profile.File
}

// eventsFleet is events' Fleet: the targets named by -p or --all when they
// are several, each on a copy of the Factory pinned to it, else nil.
func (f *Factory) eventsFleet() *EventsFleet {
	sel := f.stream
	if sel == nil {
		return nil
	}
	fl := &EventsFleet{Parallel: f.Global.Parallel, ErrPrefix: f.IO.errorPrefix(f.Global.Color)}
	for _, name := range sel.names {
		// No stdin and no secret prompt (targetIO). What the target writes
		// on stderr itself (--trace, a warning) goes to the shared, locked,
		// stderr a line at a time after "NAME: ", as a one-shot command's
		// over several profiles does.
		ios := targetIO(f.IO)
		ios.ErrOut = &prefixWriter{prefix: name + ": ", w: f.IO.ErrOut}
		tf := &Factory{IO: ios, Global: f.Global, pin: &fleetPin{name: name, file: sel.file}}
		fl.Targets = append(fl.Targets, EventsTarget{Name: name, Connection: tf.Connection, SessionConfig: tf.sessionConfig})
	}
	return fl
}

// lockedWriter serialises writes from the goroutines of a merged stream.
type lockedWriter struct {
	mu sync.Mutex
	w  io.Writer
}

func (l *lockedWriter) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.w.Write(p)
}

// prefixWriter begins every line written to w with prefix. A partial line
// waits for its end; the whole lines of one Write go out in one Write.
type prefixWriter struct {
	prefix string
	w      io.Writer

	mu   sync.Mutex
	part []byte // a line waiting for its LF
}

func (p *prefixWriter) Write(b []byte) (int, error) {
	p.mu.Lock()
	defer p.mu.Unlock()
	var out []byte
	for line := range bytes.Lines(b) {
		if line[len(line)-1] != '\n' {
			p.part = append(p.part, line...)
			break
		}
		out = append(append(append(out, p.prefix...), p.part...), line...)
		p.part = p.part[:0]
	}
	if len(out) > 0 {
		if _, err := p.w.Write(out); err != nil {
			return 0, err
		}
	}
	return len(b), nil
}

// fleetStream is the state of a merged stream's targets.
type fleetStream struct {
	st        *eventStream
	opts      *EventsOptions
	errPrefix string
	stopped   context.Context // cancelled when the output stops: later ends are no failures

	mu    sync.Mutex
	ended []bool
	errs  []error
	live  int
}

// eventsFleetRun streams the targets of fl into one output until the
// stream ends (see above).
func eventsFleetRun(ctx context.Context, opts *EventsOptions, st *eventStream, fl *EventsFleet) error {
	if opts.Mask != "" {
		if _, err := eventMask(opts.Mask, nil); err != nil {
			return err
		}
	}
	n := len(fl.Targets)
	for _, t := range fl.Targets {
		st.names = append(st.names, t.Name)
	}
	sctx, stopSessions := context.WithCancel(context.Background())
	defer stopSessions()
	fs := &fleetStream{st: st, opts: opts, errPrefix: fl.ErrPrefix, stopped: sctx, ended: make([]bool, n), errs: make([]error, n), live: n}
	var wg sync.WaitGroup
	slots := make(chan struct{}, max(1, fl.Parallel))
	for i, t := range fl.Targets {
		wg.Add(1)
		go func() {
			defer wg.Done()
			fs.run(ctx, sctx, i, t, slots)
		}()
	}

	out := bufio.NewWriterSize(opts.IO.Out, streamBuffer)
	r := opts.StreamRenderer(out)
	stop := func() {
		stopSessions()
		wg.Wait()
		st.buf.End(nil)
	}
	err := st.print(ctx, r, opts, stop)
	stop()
	if ferr := r.Flush(); err == nil {
		err = ferr
	}
	if n := st.buf.Dropped(); n > 0 {
		opts.Note("%d events dropped: the output could not keep up (past --buffer %s)", n, opts.Buffer)
	}
	var failed fleetFailures
	for i, e := range fs.errs {
		code, msg := Classify(e)
		failed.add(st.names[i], code, withoutProfile(msg, st.names[i]))
	}
	ferr := failed.err(n)
	if err != nil && ferr != nil {
		// The stream itself stopped (Ctrl-C, the buffer, the output): that
		// is the exit status, after the targets' summary.
		fmt.Fprintln(opts.IO.ErrOut, fl.ErrPrefix+ferr.Error())
		return err
	}
	if err != nil {
		return err
	}
	return ferr
}

// run dials target i, with at most cap(slots) dialling at once, and streams
// it until it ends or the output stops.
func (fs *fleetStream) run(ctx, sctx context.Context, i int, t EventsTarget, slots chan struct{}) {
	select {
	case slots <- struct{}{}:
	case <-sctx.Done():
		fs.end(i, sctx.Err())
		return
	}
	mask, err := eventMask(fs.opts.Mask, t.Connection)
	var cfg ami.Config
	if err == nil {
		cfg, err = t.SessionConfig(sctx, mask)
	}
	var conn *Connection
	if err == nil {
		conn, err = t.Connection() // resolved by SessionConfig
	}
	if err != nil {
		<-slots
		fs.end(i, err)
		return
	}
	src := &eventSource{st: fs.st, from: i, conn: conn}
	src.end = func(err error) {
		if err != nil && !fs.st.reconnect {
			err = fmt.Errorf("%w (after %d events; --reconnect redials)", err, src.passed.Load())
		}
		fs.end(i, err)
	}
	cfg.OnEvent = src.hook(time.Time{})
	s, err := ami.Dial(sctx, cfg)
	<-slots
	if err != nil {
		fs.end(i, conn.where(err))
		return
	}
	if fs.opts.IO.ErrTTY {
		fs.opts.Note("%s: listening for events on %s; Ctrl-C to stop", conn.target(), s.Addr())
	}
	src.supervise(sctx, ctx, cfg, s)
}

// end records that target i's part of the stream is over: an error that
// came before the output stopped is a failure, printed at once. The last
// target to end ends the buffer.
func (fs *fleetStream) end(i int, err error) {
	fs.mu.Lock()
	defer fs.mu.Unlock()
	if fs.ended[i] {
		return
	}
	fs.ended[i] = true
	if err != nil && fs.stopped.Err() == nil {
		fs.errs[i] = err
		name := fs.st.names[i]
		_, msg := Classify(err)
		fmt.Fprintln(fs.opts.IO.ErrOut, fs.errPrefix+name+": "+withoutProfile(msg, name))
	}
	fs.live--
	if fs.live == 0 {
		fs.st.buf.End(nil)
	}
}
