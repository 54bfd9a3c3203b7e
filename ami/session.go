package ami

import (
	"context"
	"crypto/md5"
	"crypto/tls"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"net"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"time"
)

// Config says where and how a Session connects.
type Config struct {
	Addr     string      // host:port
	TLS      *tls.Config // nil for plain TCP
	Username string
	Secret   string
	// Auth is "md5" (Challenge + Key; the secret never crosses the wire) or "plain".
	Auth string
	// Events is the Login's Events header: "off", "on", or a class list ("system,call").
	// Empty means "off": one-shot commands want no events.
	Events string
	// DialTimeout bounds connecting, the TLS handshake, the banner and the login.
	DialTimeout time.Duration
	// Keepalive sends a Ping after this much silence from the server; when the
	// Ping gets no answer within the same interval the session is closed as
	// dead. Zero disables it.
	Keepalive time.Duration
	// Trace, when set, receives every byte both ways; Secret: and Key: values are masked.
	Trace io.Writer
	// Reader caps line and message sizes.
	Reader ReaderOptions
	// OnEvent, when set, is called for every event that is not part of a
	// reply to one of the session's list actions, in arrival order, from the
	// first byte after the Login is sent: nothing Asterisk sends right after
	// the login (FullyBooted, SuccessfulAuth) is missed. It runs on the
	// session's reader goroutine, so it must return at once (queue the event,
	// as EventBuffer.Put does); it may call Close.
	OnEvent func(*Message)
	// LazyLogin makes Dial return once the Login is written, without waiting
	// for its answer: the first action is then sent right behind it, and
	// Send waits for the Login's answer before its own (a refused login is
	// still an *AuthError, from Send). One-shot commands save a round trip
	// with it. With MD5 the Challenge is still answered before Dial returns.
	LazyLogin bool
	// MaxListBytes caps the headers one list action may collect (default
	// 256 MiB, about a million endpoints): past it the action fails with a
	// *ProtocolError rather than letting a runaway list exhaust memory.
	MaxListBytes int
}

// Session is one logged-in AMI connection. One goroutine owns the socket and
// reads it continuously; any number of goroutines may call Send at once.
// Replies are matched to actions by ActionID, list events are collected into
// their action's Result, and every other event goes to subscribers.
type Session struct {
	cfg    Config
	conn   net.Conn
	r      *Reader
	w      *Writer
	banner string

	wmu sync.Mutex // serializes writes: one whole action per Write

	mu      sync.Mutex
	pending map[string]*call
	order   []*call // in send order, to match replies that lack an ActionID (1.6.0 Ping, old Queues)
	subs    map[*Subscription]struct{}
	err     error // why the session ended

	idPrefix string
	nextID   atomic.Uint64
	lastRead atomic.Int64 // unix nanos of the last message read

	done chan struct{}

	// login is the Login still unanswered when Dial returned (LazyLogin);
	// nil otherwise. Set before Dial returns, read-only after.
	login *call
}

type call struct {
	id        string
	name      string
	res       *Result
	list      bool
	listBytes int // header bytes collected so far, against Config.MaxListBytes
	done      chan struct{}
	err       error
	closed    bool
}

var sessionCounter atomic.Uint64

// Dial connects, reads the banner and logs in. It returns only once logged
// in, so nothing is ever sent before Login (AsterNET #214).
func Dial(ctx context.Context, cfg Config) (*Session, error) {
	if cfg.DialTimeout <= 0 {
		cfg.DialTimeout = 10 * time.Second
	}
	begin := time.Now()
	dctx, cancel := context.WithTimeout(ctx, cfg.DialTimeout)
	defer cancel()

	var d net.Dialer
	conn, err := d.DialContext(dctx, "tcp", cfg.Addr)
	if err != nil {
		return nil, &ConnError{Op: "dial", Addr: cfg.Addr, Err: cleanNetErr(err)}
	}
	if cfg.TLS != nil {
		tc := tls.Client(conn, cfg.TLS)
		if err := tc.HandshakeContext(dctx); err != nil {
			conn.Close()
			return nil, &ConnError{Op: "tls", Addr: cfg.Addr, Err: err}
		}
		conn = tc
	}
	s := newSession(cfg, conn)

	// The banner is read before the reader goroutine starts. A cancelled
	// ctx moves the read deadline to now: a server that accepts and stays
	// silent must not hold the caller (Ctrl-C, a merged stream stopping
	// its targets) until the dial timeout.
	if dl, ok := dctx.Deadline(); ok {
		conn.SetReadDeadline(dl)
	}
	stopBanner := context.AfterFunc(dctx, func() { conn.SetReadDeadline(time.Now()) })
	s.banner, err = s.r.ReadBanner()
	stopBanner()
	if err != nil {
		conn.Close()
		if cerr := dctx.Err(); errors.Is(cerr, context.Canceled) {
			err = cerr
		}
		return nil, &ConnError{Op: "read", Addr: cfg.Addr, Err: fmt.Errorf("banner: %w", cleanNetErr(err))}
	}
	conn.SetReadDeadline(time.Time{})
	go s.readLoop()
	// Closing the socket is what unblocks the reader when ctx ends mid-login:
	// at the deadline the login timed out (a connection error); a cancelled
	// ctx ends the session with context.Canceled as the cause.
	stop := context.AfterFunc(dctx, func() {
		switch err := dctx.Err(); {
		case errors.Is(err, context.DeadlineExceeded):
			s.closeWith(loginTimeout(cfg.Addr, begin))
		case err != nil:
			s.closeWith(&ConnError{Op: OpClosed, Addr: cfg.Addr, Err: fmt.Errorf("login: %w", err)})
		}
	})
	defer stop()
	if err := s.logIn(dctx); err != nil {
		s.Close()
		var te *TimeoutError
		if errors.As(err, &te) {
			// Not a live session's timeout: the session is closed.
			err = loginTimeout(cfg.Addr, begin)
		}
		return nil, err
	}
	if cfg.Keepalive > 0 {
		go s.keepalive(cfg.Keepalive)
	}
	return s, nil
}

// loginTimeout is a login that got no answer in time: a connection error.
func loginTimeout(addr string, begin time.Time) error {
	return &ConnError{Op: OpTimeout, Addr: addr, Err: fmt.Errorf("login: no answer %s", within(time.Since(begin)))}
}

// newSession wraps a connected socket (banner not yet read) in a Session
// whose reader goroutine is not started yet.
func newSession(cfg Config, conn net.Conn) *Session {
	s := &Session{
		cfg:      cfg,
		conn:     conn,
		pending:  make(map[string]*call),
		subs:     make(map[*Subscription]struct{}),
		done:     make(chan struct{}),
		idPrefix: fmt.Sprintf("amsh-%x-%d-", time.Now().UnixNano()&0xffffff, sessionCounter.Add(1)),
	}
	var rd io.Reader = conn
	var wr io.Writer = conn
	if cfg.Trace != nil {
		t := newTracer(cfg.Trace)
		rd = io.TeeReader(conn, t.in())
		wr = io.MultiWriter(t.out(), conn) // traced before sent, so the trace reads in order
	}
	s.r = NewReader(rd, cfg.Reader)
	s.w = NewWriter(wr)
	s.lastRead.Store(time.Now().UnixNano())
	return s
}

// logIn sends the Login (after a Challenge for MD5) and, unless
// cfg.LazyLogin, waits for its answer.
func (s *Session) logIn(ctx context.Context) error {
	events := s.cfg.Events
	if events == "" {
		events = "off"
	}
	login := NewAction("Login", "Username", s.cfg.Username)
	switch strings.ToLower(s.cfg.Auth) {
	case "", "md5":
		res, err := s.Send(ctx, NewAction("Challenge", "AuthType", "MD5"))
		if err != nil {
			return s.loginErr(err)
		}
		challenge := res.Response.Get("Challenge")
		if challenge == "" {
			return &AuthError{Addr: s.cfg.Addr, User: s.cfg.Username, Message: "server sent no MD5 challenge (try auth: plain)"}
		}
		sum := md5.Sum([]byte(challenge + s.cfg.Secret))
		login.Add("AuthType", "MD5")
		login.Add("Key", hex.EncodeToString(sum[:]))
	case "plain":
		login.Add("Secret", s.cfg.Secret)
	default:
		return fmt.Errorf("auth %q: want md5 or plain", s.cfg.Auth)
	}
	login.Add("Events", events)
	if s.cfg.LazyLogin {
		c, err := s.start(ctx, login)
		if err != nil {
			return s.loginErr(err)
		}
		s.login = c
		return nil
	}
	if _, err := s.Send(ctx, login); err != nil {
		return s.loginErr(err)
	}
	return nil
}

func (s *Session) loginErr(err error) error {
	if err == nil {
		return nil
	}
	var ae *ActionError
	if errors.As(err, &ae) {
		return &AuthError{Addr: s.cfg.Addr, User: s.cfg.Username, Message: ae.Message}
	}
	return err
}

// Banner returns the server's greeting line, e.g. "Asterisk Call Manager/11.0.0".
func (s *Session) Banner() string { return s.banner }

// Addr returns the address the session is connected to.
func (s *Session) Addr() string { return s.cfg.Addr }

// Done is closed when the session has ended; Err then says why.
func (s *Session) Done() <-chan struct{} { return s.done }

// Err returns why the session ended, or nil while it is up.
func (s *Session) Err() error {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.err
}

// NewActionID returns an ActionID unique to this process.
func (s *Session) NewActionID() string {
	return s.idPrefix + strconv.FormatUint(s.nextID.Add(1), 10)
}

// Send writes an action and waits for its result: the response, and for list
// actions every list event up to the one that completes the list. It sets an
// ActionID when the action has none. Every key and value is checked before
// anything is written, so an unsafe action sends nothing.
//
// Errors: *ActionError when Asterisk answered Error; *ConnError when the
// connection failed; *TimeoutError (not a ConnError: the session stays up)
// when ctx's deadline passed first, holding any partial list; ctx.Err()
// itself when ctx was cancelled.
func (s *Session) Send(ctx context.Context, action *Message) (*Result, error) {
	begin := time.Now()
	c, err := s.start(ctx, action)
	if err != nil {
		return nil, err
	}
	if s.login != nil && c != s.login {
		// A lazy login: the action went out right behind the Login, and
		// counts only if the Login was accepted.
		if err := s.LoggedIn(ctx); err != nil {
			s.forget(c)
			return nil, err
		}
	}
	return s.wait(ctx, c, begin)
}

// LoggedIn waits for the answer to a lazy Login (Config.LazyLogin) and
// returns its error, an *AuthError when it was refused. It returns nil at
// once for a session whose login was answered in Dial.
func (s *Session) LoggedIn(ctx context.Context) error {
	if s.login == nil {
		return nil
	}
	_, err := s.wait(ctx, s.login, time.Now())
	return s.loginErr(err)
}

// start registers an action's call and writes the action.
func (s *Session) start(ctx context.Context, action *Message) (*call, error) {
	if err := ValidateMessage(action); err != nil {
		return nil, err
	}
	name := action.Action()
	id := action.ActionID()
	if id == "" {
		id = s.NewActionID()
		action.Add("ActionID", id)
	}
	c := &call{id: id, name: name, res: &Result{Action: action}, done: make(chan struct{})}

	s.mu.Lock()
	if s.err != nil {
		err := s.err
		s.mu.Unlock()
		return nil, err
	}
	if _, dup := s.pending[id]; dup {
		s.mu.Unlock()
		return nil, fmt.Errorf("%s: ActionID %q is already in flight", name, id)
	}
	s.pending[id] = c
	s.order = append(s.order, c)
	s.mu.Unlock()

	if err := s.write(ctx, action); err != nil {
		s.forget(c)
		if errors.Is(err, context.DeadlineExceeded) {
			return nil, &TimeoutError{Action: name, NotSent: true}
		}
		return nil, err
	}
	return c, nil
}

// wait waits for a started call's result, or for ctx to end.
func (s *Session) wait(ctx context.Context, c *call, begin time.Time) (*Result, error) {
	select {
	case <-c.done:
		if c.err != nil {
			return c.res, c.err
		}
		return c.res, nil
	case <-ctx.Done():
		s.mu.Lock()
		finished := c.closed
		if !finished && c != s.login { // other actions may still wait for the Login
			s.dropLocked(c)
		}
		s.mu.Unlock()
		if finished {
			<-c.done
			return c.res, c.err
		}
		if errors.Is(ctx.Err(), context.DeadlineExceeded) {
			// The session is still up (a lost one would have finished the
			// call): this action alone timed out.
			return c.res, &TimeoutError{Action: c.name, Result: c.res, Wait: time.Since(begin)}
		}
		return c.res, ctx.Err()
	}
}

// write sends one whole action. An action whose ctx has already ended is
// not sent at all, and the session stays up. The write deadline is the
// session's own (DialTimeout), not the action's: a deadline that fires in
// the middle of a message leaves half an action on the wire, after which the
// session must be closed, so it only fires when the server stopped reading.
func (s *Session) write(ctx context.Context, m *Message) error {
	s.wmu.Lock()
	defer s.wmu.Unlock()
	if err := ctx.Err(); err != nil {
		return err
	}
	s.conn.SetWriteDeadline(time.Now().Add(s.cfg.DialTimeout))
	if err := s.w.WriteMessage(m); err != nil {
		var ue *UnsafeValueError
		if errors.As(err, &ue) {
			return err
		}
		cerr := &ConnError{Op: "write", Addr: s.cfg.Addr, Err: cleanNetErr(err)}
		s.closeWith(cerr)
		return cerr
	}
	return nil
}

func (s *Session) forget(c *call) {
	s.mu.Lock()
	s.dropLocked(c)
	s.mu.Unlock()
}

// dropLocked removes a call that will never complete (its caller gave up).
func (s *Session) dropLocked(c *call) {
	if s.pending[c.id] == c {
		delete(s.pending, c.id)
	}
	for i, o := range s.order {
		if o == c {
			s.order = append(s.order[:i], s.order[i+1:]...)
			break
		}
	}
}

// finishLocked completes a call with err (nil for success).
func (s *Session) finishLocked(c *call, err error) {
	if c.closed {
		return
	}
	c.closed = true
	c.err = err
	s.dropLocked(c)
	close(c.done)
}

func (s *Session) readLoop() {
	for {
		m, err := s.r.ReadMessage()
		if err != nil {
			if errors.Is(err, io.EOF) {
				err = io.ErrUnexpectedEOF
				if s.isGoodbye() {
					err = io.EOF
				}
			}
			s.closeWith(&ConnError{Op: "closed", Addr: s.cfg.Addr, Err: cleanNetErr(err)})
			return
		}
		s.lastRead.Store(time.Now().UnixNano())
		s.dispatch(m)
	}
}

func (s *Session) isGoodbye() bool {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.err != nil
}

func (s *Session) dispatch(m *Message) {
	id := m.ActionID()
	s.mu.Lock()
	if m.IsEvent() {
		if c := s.pending[id]; id != "" && c != nil && c.list {
			if isListEnd(m) {
				c.res.Complete = m
				s.finishLocked(c, nil)
			} else if c.listBytes += MessageSize(m); c.listBytes > s.maxListBytes() {
				s.finishLocked(c, &ProtocolError{Reason: fmt.Sprintf("list %s over %d MiB", c.name, s.maxListBytes()>>20)})
			} else {
				c.res.Events = append(c.res.Events, m)
			}
			s.mu.Unlock()
			return
		}
		subs := s.subscribersLocked()
		s.mu.Unlock()
		if s.cfg.OnEvent != nil {
			s.cfg.OnEvent(m)
		}
		for _, sub := range subs {
			sub.deliver(m)
		}
		return
	}

	c := s.pending[id]
	if c == nil && id == "" {
		// A reply with no ActionID (1.6.0 Ping, old Queues text): Asterisk
		// answers one action at a time, so it belongs to the oldest call
		// still waiting for its response.
		for _, o := range s.order {
			if o.res.Response == nil {
				c = o
				break
			}
		}
	}
	name := ""
	if c != nil {
		name = c.name
	}
	var bye *ConnError
	if errors.As(responseError(name, m), &bye) {
		// Goodbye to anything but Logoff: Asterisk is closing the session.
		// The call fails with the session, as every other pending one does.
		bye.Addr = s.cfg.Addr
		if c != nil && c.res.Response == nil {
			c.res.Response = m
		}
		s.mu.Unlock()
		s.closeWith(bye)
		return
	}
	if c == nil {
		// A reply nobody waits for (its caller timed out): drop it.
		s.mu.Unlock()
		return
	}
	if c.res.Response != nil {
		// A second response inside a list: PJSIPShowEndpoint can send an
		// error after its list ack. End the list with that error.
		s.finishLocked(c, responseError(c.name, m))
		s.mu.Unlock()
		return
	}
	c.res.Response = m
	if err := responseError(c.name, m); err != nil {
		s.finishLocked(c, err)
	} else if startsList(m) {
		c.list = true
	} else {
		s.finishLocked(c, nil)
	}
	s.mu.Unlock()
}

func (s *Session) maxListBytes() int {
	if s.cfg.MaxListBytes > 0 {
		return s.cfg.MaxListBytes
	}
	return 256 << 20
}

// startsList reports whether a response announces list events: EventList:
// start (any case; 1.6.0–1.6.2.9 spelled the header Eventlist), or, before
// 13.2 where Status and QueueStatus had no EventList, a Message saying the
// items "will follow".
func startsList(m *Message) bool {
	if v, ok := m.Lookup("EventList"); ok {
		return strings.EqualFold(v, "start")
	}
	if m.Legacy || m.Has("Output") {
		return false
	}
	return strings.HasSuffix(strings.ToLower(strings.TrimSpace(m.Get("Message"))), "will follow")
}

// isListEnd reports whether an event (already matched by ActionID) completes
// its list: EventList: Complete, else a name ending in "Complete" (1.4 and
// pre-13.2 lists have no EventList header).
func isListEnd(m *Message) bool {
	if v, ok := m.Lookup("EventList"); ok && strings.EqualFold(v, "Complete") {
		return true
	}
	return len(m.Event()) >= 8 && strings.EqualFold(m.Event()[len(m.Event())-8:], "Complete")
}

// responseError returns what a response to action means as an error, nil
// for a success. Error, Failure and Failed are an *ActionError. Goodbye is
// only ever a success for Logoff: Asterisk sends it when it ends the session
// and closes the connection after it, so for any other action (or none,
// action "") it is a *ConnError, Op "closed", whose Addr the caller fills in.
func responseError(action string, m *Message) error {
	switch strings.ToLower(m.Response()) {
	case "error", "failure", "failed":
		return &ActionError{Action: action, Message: strings.TrimRight(m.Get("Message"), "\r\n"), Response: m}
	case "goodbye":
		if strings.EqualFold(action, "Logoff") {
			return nil
		}
		what := "Asterisk ended the session"
		if action != "" {
			what += " in answer to " + action
		}
		what += " (Response: Goodbye"
		if msg := strings.TrimRight(m.Get("Message"), "\r\n"); msg != "" {
			what += ", " + msg
		}
		return &ConnError{Op: "closed", Err: errors.New(what + ")")}
	}
	return nil
}

// closeWith ends the session once: closes the socket, fails every pending
// call with err and tells subscribers.
func (s *Session) closeWith(err error) {
	s.mu.Lock()
	if s.err != nil {
		s.mu.Unlock()
		return
	}
	s.err = err
	calls := make([]*call, 0, len(s.pending))
	for _, c := range s.pending {
		calls = append(calls, c)
	}
	for _, c := range calls {
		s.finishLocked(c, err)
	}
	subs := s.subscribersLocked()
	s.mu.Unlock()
	s.conn.Close()
	for _, sub := range subs {
		sub.end()
	}
	close(s.done)
}

// Close closes the connection without logging off.
func (s *Session) Close() error {
	s.closeWith(&ConnError{Op: "closed", Addr: s.cfg.Addr, Err: ErrClosed})
	return nil
}

// Logoff says goodbye and closes the connection.
func (s *Session) Logoff(ctx context.Context) error {
	_, err := s.Send(ctx, NewAction("Logoff"))
	s.Close()
	var ae *ActionError
	if err != nil && !errors.As(err, &ae) {
		// Asterisk closes the socket right after Goodbye; a lost link here is fine.
		if IsClosed(err) {
			return nil
		}
		return err
	}
	return nil
}

// Quit writes a Logoff and closes the connection without waiting for the
// Goodbye: for one-shot commands, whose work is done.
func (s *Session) Quit() {
	ctx, cancel := context.WithTimeout(context.Background(), s.cfg.DialTimeout)
	defer cancel()
	if c, err := s.start(ctx, NewAction("Logoff")); err == nil {
		s.forget(c)
	}
	s.Close()
}

// keepalive pings the server after `every` of silence and closes the session
// when the Ping goes unanswered (a dead peer or a half-open TCP link).
func (s *Session) keepalive(every time.Duration) {
	t := time.NewTicker(every / 2)
	defer t.Stop()
	for {
		select {
		case <-s.done:
			return
		case <-t.C:
		}
		if time.Since(time.Unix(0, s.lastRead.Load())) < every {
			continue
		}
		ctx, cancel := context.WithTimeout(context.Background(), every)
		_, err := s.Send(ctx, NewAction("Ping"))
		cancel()
		var ae *ActionError
		if err != nil && !errors.As(err, &ae) {
			s.closeWith(&ConnError{Op: OpTimeout, Addr: s.cfg.Addr, Err: fmt.Errorf("keepalive Ping unanswered for %s", every)})
			return
		}
	}
}

// cleanNetErr drops the Go-internal noise ("read tcp 127.0.0.1:5→...") so
// errors read as one line a person can act on.
func cleanNetErr(err error) error {
	var oe *net.OpError
	if errors.As(err, &oe) && oe.Err != nil {
		return oe.Err
	}
	return err
}
