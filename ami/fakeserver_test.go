package ami

import (
	"context"
	"crypto/md5"
	"encoding/hex"
	"errors"
	"net"
	"strings"
	"testing"
	"time"

	"github.com/amsh/amsh/internal/amitest"
)

func dialFake(t *testing.T, fs *amitest.Server, mod ...func(*Config)) *Session {
	t.Helper()
	cfg := Config{Addr: fs.Addr(), Username: "u", Secret: "s", Auth: "plain", DialTimeout: 5 * time.Second}
	for _, f := range mod {
		f(&cfg)
	}
	s, err := Dial(context.Background(), cfg)
	if err != nil {
		t.Fatalf("Dial: %v", err)
	}
	t.Cleanup(func() { s.Close() })
	return s
}

func ctxTimeout(t *testing.T, d time.Duration) context.Context {
	ctx, cancel := context.WithTimeout(context.Background(), d)
	t.Cleanup(cancel)
	return ctx
}

func TestSessionMD5Login(t *testing.T) {
	fs := amitest.New(t, func(c *amitest.Conn) {
		ch := c.Expect("Challenge")
		if got := ch.Get("AuthType"); got != "MD5" {
			t.Errorf("Challenge AuthType = %q", got)
		}
		c.Send("Response: Success\nActionID: " + ch.ID() + "\nChallenge: 840721327\n\n")
		login := c.Expect("Login")
		sum := md5.Sum([]byte("840721327" + "s3cret"))
		if got, want := login.Get("Key"), hex.EncodeToString(sum[:]); got != want {
			t.Errorf("Key = %q, want %q", got, want)
		}
		if login.Has("Secret") {
			t.Error("MD5 login sent the secret")
		}
		if got := login.Get("Events"); got != "off" {
			t.Errorf("Events = %q, want off", got)
		}
		c.Send("Response: Success\nActionID: " + login.ID() + "\nMessage: Authentication accepted\n\n")
		c.Expect("Logoff")
		c.Send("Response: Goodbye\nMessage: Thanks for all the fish.\n\n")
	})
	s := dialFake(t, fs, func(c *Config) { c.Auth = "md5"; c.Secret = "s3cret" })
	if s.Banner() != "Asterisk Call Manager/11.0.0" {
		t.Errorf("banner %q", s.Banner())
	}
	if err := s.Logoff(ctxTimeout(t, 5*time.Second)); err != nil {
		t.Errorf("Logoff: %v", err)
	}
}

func TestSessionAuthFailed(t *testing.T) {
	fs := amitest.New(t, func(c *amitest.Conn) {
		m := c.Expect("Login")
		c.Send("Response: Error\nActionID: " + m.ID() + "\nMessage: Authentication failed\n\n")
	})
	_, err := Dial(context.Background(), Config{Addr: fs.Addr(), Username: "u", Secret: "wrong", Auth: "plain"})
	var ae *AuthError
	if !asErr(err, &ae) || ae.Message != "Authentication failed" {
		t.Fatalf("err = %v, want AuthError", err)
	}
	if strings.Contains(err.Error(), "wrong") {
		t.Errorf("error leaks the secret: %v", err)
	}
}

func TestSessionInterleavedEventsAndList(t *testing.T) {
	fs := amitest.New(t, func(c *amitest.Conn) {
		c.AcceptLogin()
		m := c.Expect("CoreShowChannels")
		id := m.ID()
		c.Send("Event: FullyBooted\nStatus: Fully Booted\n\n")
		c.Send("Response: Success\nActionID: " + id + "\nEventList: start\nMessage: Channels will follow\n\n")
		c.Send("Event: Newchannel\nChannel: PJSIP/a-1\n\n")
		c.Send("Event: CoreShowChannel\nActionID: " + id + "\nChannel: PJSIP/a-1\n\n")
		c.Send("Event: Hangup\nChannel: PJSIP/b-2\nCause: 16\n\n")
		c.Send("Event: CoreShowChannel\nActionID: " + id + "\nChannel: PJSIP/c-3\n\n")
		c.Send("Event: CoreShowChannelsComplete\nActionID: " + id + "\nEventList: Complete\nListItems: 2\n\n")
	})
	s := dialFake(t, fs)
	sub := s.Subscribe(16)
	res, err := s.Send(ctxTimeout(t, 5*time.Second), NewAction("CoreShowChannels"))
	if err != nil {
		t.Fatal(err)
	}
	if len(res.Events) != 2 || res.Events[1].Get("Channel") != "PJSIP/c-3" {
		t.Fatalf("list events = %v", res.Events)
	}
	if res.Complete.Get("ListItems") != "2" {
		t.Errorf("complete = %v", res.Complete)
	}
	var names []string
	for len(names) < 3 {
		select {
		case m := <-sub.Events():
			names = append(names, m.Event())
		case <-time.After(5 * time.Second):
			t.Fatalf("events so far %v", names)
		}
	}
	if strings.Join(names, ",") != "FullyBooted,Newchannel,Hangup" {
		t.Errorf("subscriber got %v", names)
	}
}

func TestSessionRepliesOutOfOrder(t *testing.T) {
	gotA := make(chan struct{})
	fs := amitest.New(t, func(c *amitest.Conn) {
		c.AcceptLogin()
		a := c.Expect("Ping")
		close(gotA)
		b := c.Expect("Ping")
		c.Send("Response: Success\nActionID: " + b.ID() + "\nPing: Pong\nWho: b\n\n")
		c.Send("Response: Success\nActionID: " + a.ID() + "\nPing: Pong\nWho: a\n\n")
	})
	s := dialFake(t, fs)
	whoC := make(chan string, 1)
	go func() {
		res, err := s.Send(ctxTimeout(t, 5*time.Second), NewAction("Ping"))
		if err != nil {
			whoC <- err.Error()
			return
		}
		whoC <- res.Response.Get("Who")
	}()
	<-gotA
	res, err := s.Send(ctxTimeout(t, 5*time.Second), NewAction("Ping"))
	if err != nil || res.Response.Get("Who") != "b" {
		t.Errorf("second action: res %+v err %v", res, err)
	}
	if who := <-whoC; who != "a" {
		t.Errorf("first action got %q, want a's reply", who)
	}
}

func TestSessionListCutOff(t *testing.T) {
	fs := amitest.New(t, func(c *amitest.Conn) {
		c.AcceptLogin()
		id := c.Expect("QueueStatus").ID()
		c.Send("Response: Success\nActionID: " + id + "\nEventList: start\nMessage: Queue status will follow\n\n")
		c.Send("Event: QueueParams\nActionID: " + id + "\nQueue: support\n\n")
		c.Send("Event: QueueMember\nActionID: " + id + "\nQue") // cut mid-message
	})
	s := dialFake(t, fs)
	res, err := s.Send(ctxTimeout(t, 10*time.Second), NewAction("QueueStatus"))
	if !IsClosed(err) {
		t.Fatalf("err = %v, want ConnError closed", err)
	}
	if res == nil || len(res.Events) != 1 {
		t.Errorf("partial result = %+v", res)
	}
	select {
	case <-s.Done():
	case <-time.After(5 * time.Second):
		t.Fatal("session not done after the server hung up")
	}
}

func TestSessionTimeout(t *testing.T) {
	release := make(chan struct{})
	fs := amitest.New(t, func(c *amitest.Conn) {
		c.AcceptLogin()
		c.Expect("Ping")
		<-release // never answer
	})
	defer close(release)
	s := dialFake(t, fs)
	ctx, cancel := context.WithTimeout(context.Background(), 100*time.Millisecond)
	defer cancel()
	_, err := s.Send(ctx, NewAction("Ping"))
	var te *TimeoutError
	if !asErr(err, &te) || !IsTimeout(err) || IsConnError(err) {
		t.Fatalf("err = %#v, want a *TimeoutError that is not a ConnError", err)
	}
	if s.Err() != nil {
		t.Errorf("a timed-out action must not end the session: %v", s.Err())
	}
}

func TestSessionPartialListOnTimeout(t *testing.T) {
	release := make(chan struct{})
	fs := amitest.New(t, func(c *amitest.Conn) {
		c.AcceptLogin()
		id := c.Expect("Status").ID()
		// Pre-13.2 Status: no EventList header, "will follow", StatusComplete.
		c.Send("Response: Success\nActionID: " + id + "\nMessage: Channel status will follow\n\n")
		c.Send("Event: Status\nActionID: " + id + "\nChannel: SIP/1-1\n\n")
		<-release
	})
	defer close(release)
	s := dialFake(t, fs)
	ctx, cancel := context.WithTimeout(context.Background(), 300*time.Millisecond)
	defer cancel()
	res, err := s.Send(ctx, NewAction("Status"))
	var te *TimeoutError
	if !asErr(err, &te) || len(te.Result.Events) != 1 || len(res.Events) != 1 {
		t.Fatalf("err = %v res = %+v, want a partial list of 1", err, res)
	}
}

func TestSessionPre132StatusList(t *testing.T) {
	fs := amitest.New(t, func(c *amitest.Conn) {
		c.AcceptLogin()
		id := c.Expect("Status").ID()
		c.Send("Response: Success\nActionID: " + id + "\nMessage: Channel status will follow\n\n")
		c.Send("Event: Status\nPrivilege: Call\nActionID: " + id + "\nChannel: SIP/1-1\n\n")
		c.Send("Event: StatusComplete\nActionID: " + id + "\nItems: 1\n\n")
	})
	s := dialFake(t, fs)
	res, err := s.Send(ctxTimeout(t, 5*time.Second), NewAction("Status"))
	if err != nil || len(res.Events) != 1 || res.Complete.Event() != "StatusComplete" {
		t.Fatalf("res %+v err %v", res, err)
	}
}

func TestSessionOriginateResponseIsAnEvent(t *testing.T) {
	fs := amitest.New(t, func(c *amitest.Conn) {
		c.AcceptLogin()
		id := c.Expect("Originate").ID()
		c.Send("Response: Success\nActionID: " + id + "\nMessage: Originate successfully queued\n\n")
		c.Send("Event: OriginateResponse\nPrivilege: call,all\nActionID: " + id + "\nResponse: Failure\nChannel: Local/busy@amsh\nReason: 5\n\n")
	})
	s := dialFake(t, fs)
	sub := s.Subscribe(4)
	res, err := s.Send(ctxTimeout(t, 5*time.Second), NewAction("Originate", "Channel", "Local/busy@amsh", "Async", "true"))
	if err != nil || res.Response.Get("Message") != "Originate successfully queued" {
		t.Fatalf("res %+v err %v", res, err)
	}
	select {
	case m := <-sub.Events():
		if m.Event() != "OriginateResponse" || m.ActionID() != res.Action.ActionID() || m.Get("Reason") != "5" {
			t.Errorf("event %q", m.String())
		}
	case <-time.After(5 * time.Second):
		t.Fatal("no OriginateResponse")
	}
}

func TestSessionErrorResponse(t *testing.T) {
	fs := amitest.New(t, func(c *amitest.Conn) {
		c.AcceptLogin()
		id := c.Expect("Originate").ID()
		c.Send("Response: Error\nActionID: " + id + "\nMessage: Permission denied\n\n")
		id = c.Expect("PJSIPShowEndpoints").ID()
		// Asterisk 22 sends a stray LF inside this value: "No endpoints found\n".
		c.Send("Response: Error\r\nActionID: " + id + "\r\nMessage: No endpoints found\n\r\n\r\n")
		id = c.Expect("Ping").ID()
		c.Send("Response: Success\nActionID: " + id + "\nPing: Pong\n\n")
	})
	s := dialFake(t, fs)
	_, err := s.Send(ctxTimeout(t, 5*time.Second), NewAction("Originate", "Channel", "Local/x@y"))
	var ae *ActionError
	if !asErr(err, &ae) || ae.Message != "Permission denied" || ae.Action != "Originate" {
		t.Fatalf("err = %v", err)
	}
	_, err = s.Send(ctxTimeout(t, 5*time.Second), NewAction("PJSIPShowEndpoints"))
	if !asErr(err, &ae) || !strings.HasPrefix(ae.Message, "No endpoints found") {
		t.Fatalf("err = %v", err)
	}
	if _, err := s.Send(ctxTimeout(t, 5*time.Second), NewAction("Ping")); err != nil {
		t.Errorf("session unusable after an Error response: %v", err)
	}
}

func TestSessionReplyWithoutActionID(t *testing.T) {
	fs := amitest.New(t, func(c *amitest.Conn) {
		c.AcceptLogin()
		c.Expect("Ping")
		c.Send("Response: Success\nPing: Pong\n\n") // 1.6.0: no ActionID
	})
	s := dialFake(t, fs)
	res, err := s.Send(ctxTimeout(t, 5*time.Second), NewAction("Ping"))
	if err != nil || res.Response.Get("Ping") != "Pong" {
		t.Fatalf("res %+v err %v", res, err)
	}
}

func TestSessionUnsafeValueSendsNothing(t *testing.T) {
	got := make(chan *amitest.Action, 1)
	fs := amitest.New(t, func(c *amitest.Conn) {
		c.AcceptLogin()
		got <- c.Expect("Ping") // the next action after the refused one
		c.Send("Response: Success\nPing: Pong\n\n")
	})
	s := dialFake(t, fs)
	_, err := s.Send(ctxTimeout(t, 5*time.Second), NewAction("Setvar", "Variable", "x", "Value", "1\r\nAction: Originate"))
	var ue *UnsafeValueError
	if !asErr(err, &ue) {
		t.Fatalf("err = %v, want UnsafeValueError", err)
	}
	if _, err := s.Send(ctxTimeout(t, 5*time.Second), NewAction("Ping")); err != nil {
		t.Fatal(err)
	}
	if m := <-got; m.Get("Action") != "Ping" {
		t.Errorf("server saw %q before Ping", m.Raw)
	}
}

func TestSessionServerHangsUp(t *testing.T) {
	fs := amitest.New(t, func(c *amitest.Conn) {
		c.AcceptLogin()
		c.Expect("Ping")
	})
	s := dialFake(t, fs)
	_, err := s.Send(ctxTimeout(t, 5*time.Second), NewAction("Ping"))
	var ce *ConnError
	if !asErr(err, &ce) {
		t.Fatalf("err = %v, want ConnError", err)
	}
	if _, err := s.Send(ctxTimeout(t, 5*time.Second), NewAction("Ping")); !asErr(err, &ce) {
		t.Fatalf("send after hang-up: %v", err)
	}
}

func TestSessionSlowSubscriberDrops(t *testing.T) {
	const n = 50
	fs := amitest.New(t, func(c *amitest.Conn) {
		c.AcceptLogin()
		id := c.Expect("Ping").ID()
		for i := range n {
			c.Send("Event: UserEvent\nSeq: " + itoa(i) + "\n\n")
		}
		c.Send("Response: Success\nActionID: " + id + "\nPing: Pong\n\n")
	})
	s := dialFake(t, fs)
	sub := s.Subscribe(5) // nobody reads it
	if _, err := s.Send(ctxTimeout(t, 5*time.Second), NewAction("Ping")); err != nil {
		t.Fatalf("a full subscriber queue stalled the reader: %v", err)
	}
	if sub.Dropped() != n-5 || len(sub.Events()) != 5 {
		t.Errorf("dropped %d, queued %d; want %d and 5", sub.Dropped(), len(sub.Events()), n-5)
	}
}

func TestSessionKeepaliveDetectsDeadPeer(t *testing.T) {
	release := make(chan struct{})
	fs := amitest.New(t, func(c *amitest.Conn) {
		c.AcceptLogin()
		c.Expect("Ping") // the keepalive; never answered
		<-release
	})
	defer close(release)
	s := dialFake(t, fs, func(c *Config) { c.Keepalive = 100 * time.Millisecond })
	select {
	case <-s.Done():
		var ce *ConnError
		if !asErr(s.Err(), &ce) || ce.Op != OpTimeout {
			t.Errorf("err = %v", s.Err())
		}
	case <-time.After(5 * time.Second):
		t.Fatal("keepalive did not notice the dead peer")
	}
}

func TestSessionHugeLineBoundedMemory(t *testing.T) {
	fs := amitest.New(t, func(c *amitest.Conn) {
		c.AcceptLogin()
		c.Expect("Ping")
		chunk := []byte(strings.Repeat("A", 1<<20))
		c.Conn.Write([]byte("Response: Success\r\nBig: "))
		for range 1024 { // 1 GiB, written until the client hangs up
			if _, err := c.Conn.Write(chunk); err != nil {
				return
			}
		}
	})
	s := dialFake(t, fs)
	var before memStats
	before.read()
	_, err := s.Send(ctxTimeout(t, 60*time.Second), NewAction("Ping"))
	var pe *ProtocolError
	if !asErr(err, &pe) {
		t.Fatalf("err = %v, want a ProtocolError", err)
	}
	var after memStats
	after.read()
	if grew := int64(after.heap) - int64(before.heap); grew > 64<<20 {
		t.Errorf("heap grew by %d MiB reading a 1 GiB line", grew>>20)
	}
}

func TestBackoff(t *testing.T) {
	b := Backoff{Min: 100 * time.Millisecond, Max: time.Second}
	want := []time.Duration{100, 200, 400, 800, 1000, 1000}
	for i, w := range want {
		if got := b.Delay(i); got != w*time.Millisecond {
			t.Errorf("Delay(%d) = %v, want %v", i, got, w*time.Millisecond)
		}
	}
}

func TestRedialStopsOnAuthError(t *testing.T) {
	fs := amitest.New(t, func(c *amitest.Conn) {
		m := c.Expect("Login")
		c.Send("Response: Error\nActionID: " + m.ID() + "\nMessage: Authentication failed\n\n")
	})
	tries := 0
	_, err := Redial(ctxTimeout(t, 5*time.Second), Config{Addr: fs.Addr(), Auth: "plain"}, Backoff{Min: time.Millisecond},
		func(int, error, time.Duration) { tries++ })
	var ae *AuthError
	if !asErr(err, &ae) || tries != 0 {
		t.Fatalf("err = %v after %d retries; want an AuthError and no retry", err, tries)
	}
}

func TestRedialRetriesRefused(t *testing.T) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := ln.Addr().String()
	ln.Close() // nothing listens: connection refused
	var waits []time.Duration
	ctx, cancel := context.WithTimeout(context.Background(), 200*time.Millisecond)
	defer cancel()
	_, err = Redial(ctx, Config{Addr: addr}, Backoff{Min: 10 * time.Millisecond, Max: 40 * time.Millisecond},
		func(_ int, _ error, w time.Duration) { waits = append(waits, w) })
	var ce *ConnError
	if !asErr(err, &ce) || ce.Op != OpDial || len(waits) < 3 {
		t.Fatalf("err = %v, waits %v", err, waits)
	}
	for _, w := range waits {
		if w > 40*time.Millisecond {
			t.Errorf("wait %v above the cap", w)
		}
	}
}

func TestSessionExpiredContextSendsNothing(t *testing.T) {
	got := make(chan *amitest.Action, 1)
	fs := amitest.New(t, func(c *amitest.Conn) {
		c.AcceptLogin()
		got <- c.Expect("Ping")
		c.Send("Response: Success\nPing: Pong\n\n")
	})
	s := dialFake(t, fs)
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	if _, err := s.Send(ctx, NewAction("Command", "Command", "core stop now")); !errors.Is(err, context.Canceled) {
		t.Fatalf("err = %v, want context.Canceled", err)
	}
	if s.Err() != nil {
		t.Fatalf("an action cancelled before sending ended the session: %v", s.Err())
	}
	if _, err := s.Send(ctxTimeout(t, 5*time.Second), NewAction("Ping")); err != nil {
		t.Fatal(err)
	}
	if a := <-got; a.Get("Action") != "Ping" {
		t.Errorf("the cancelled action reached the server: %q", a.Raw)
	}
}

func TestSessionRunawayListIsCapped(t *testing.T) {
	fs := amitest.New(t, func(c *amitest.Conn) {
		c.AcceptLogin()
		id := c.Expect("PJSIPShowEndpoints").ID()
		c.Send("Response: Success\nActionID: " + id + "\nEventList: start\n\n")
		item := "Event: EndpointList\r\nActionID: " + id + "\r\nObjectName: " + strings.Repeat("x", 900) + "\r\n\r\n"
		for range 10000 { // ~10 MB, never completed
			c.Send(item)
		}
	})
	s := dialFake(t, fs, func(c *Config) { c.MaxListBytes = 1 << 20 })
	_, err := s.Send(ctxTimeout(t, 10*time.Second), NewAction("PJSIPShowEndpoints"))
	var pe *ProtocolError
	if !asErr(err, &pe) || !strings.Contains(err.Error(), "over 1 MiB") {
		t.Fatalf("err = %v, want the list cap", err)
	}
}
