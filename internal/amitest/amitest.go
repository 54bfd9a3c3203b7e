// Package amitest is a scripted fake AMI server for tests: on 127.0.0.1:0 it
// greets, then runs a script that expects actions and sends replies (the
// pgx pgmock model). It is for what a real Asterisk will not do on demand —
// legacy framing, a connection cut mid-list, a huge line, an event flood;
// everything else is tested against the sandbox.
//
// It does not import ami, so ami's own tests can use it.
package amitest

import (
	"bufio"
	"net"
	"strings"
	"sync"
	"testing"
	"time"
)

// Server is one fake AMI server. Each accepted connection runs the script.
type Server struct {
	t    testing.TB
	ln   net.Listener
	done chan struct{}
}

// Conn is the server side of one client connection.
type Conn struct {
	T    testing.TB
	Conn net.Conn
	br   *bufio.Reader
	bw   *bufio.Writer
}

// Action is an action as the client sent it.
type Action struct {
	Headers [][2]string
	Raw     string
}

// Get returns the first value of key (case-insensitive).
func (a *Action) Get(key string) string {
	for _, h := range a.Headers {
		if strings.EqualFold(h[0], key) {
			return h[1]
		}
	}
	return ""
}

// Values returns every value of key, in order.
func (a *Action) Values(key string) []string {
	var vs []string
	for _, h := range a.Headers {
		if strings.EqualFold(h[0], key) {
			vs = append(vs, h[1])
		}
	}
	return vs
}

// Has reports whether the action holds key.
func (a *Action) Has(key string) bool { return a.Values(key) != nil }

// ID returns the action's ActionID.
func (a *Action) ID() string { return a.Get("ActionID") }

// Banner is what the server greets with.
const Banner = "Asterisk Call Manager/11.0.0\r\n"

// New starts a server that accepts one connection and runs script on it.
func New(t testing.TB, script func(c *Conn)) *Server {
	return NewN(t, 1, script)
}

// NewN accepts up to n connections, one after the other.
func NewN(t testing.TB, n int, script func(c *Conn)) *Server {
	t.Helper()
	return start(t, n, false, script)
}

// NewParallel accepts up to n connections and runs script on each at once,
// for a client that keeps one connection open while it makes others (the
// shell's session and its one-shot lines).
func NewParallel(t testing.TB, n int, script func(c *Conn)) *Server {
	t.Helper()
	return start(t, n, true, script)
}

// start listens and serves up to n connections, each greeted and then
// given to script: in turn, or with parallel each as it comes.
func start(t testing.TB, n int, parallel bool, script func(c *Conn)) *Server {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	s := &Server{t: t, ln: ln, done: make(chan struct{})}
	serve := func(nc net.Conn) {
		c := &Conn{T: t, Conn: nc, br: bufio.NewReader(nc), bw: bufio.NewWriter(nc)}
		c.Send(Banner)
		script(c)
		nc.Close()
	}
	go func() {
		defer close(s.done)
		var wg sync.WaitGroup
		defer wg.Wait()
		for range n {
			nc, err := ln.Accept()
			if err != nil {
				return
			}
			if parallel {
				wg.Go(func() { serve(nc) })
			} else {
				serve(nc)
			}
		}
	}()
	t.Cleanup(func() {
		ln.Close()
		select {
		case <-s.done:
		case <-time.After(5 * time.Second):
			t.Error("fake AMI server: script did not finish")
		}
	})
	return s
}

// ClosedAddr is a local address nothing listens on: connecting to it is
// refused.
func ClosedAddr(t testing.TB) string {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := ln.Addr().String()
	ln.Close()
	return addr
}

// Silent starts a server that accepts connections and never writes, not
// even the banner: a PBX that hangs. It returns the address to dial; the
// connections are closed when the test ends.
func Silent(t testing.TB) string {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	var mu sync.Mutex
	var conns []net.Conn
	go func() {
		for {
			c, err := ln.Accept()
			if err != nil {
				return
			}
			mu.Lock()
			conns = append(conns, c)
			mu.Unlock()
		}
	}()
	t.Cleanup(func() {
		ln.Close()
		mu.Lock()
		defer mu.Unlock()
		for _, c := range conns {
			c.Close()
		}
	})
	return ln.Addr().String()
}

// Addr is host:port to dial.
func (s *Server) Addr() string { return s.ln.Addr().String() }

// Send writes s, turning every "\n" into "\r\n" unless s already holds "\r\n"
// (so scripts can be written plainly, and exact bytes when it matters).
func (c *Conn) Send(s string) {
	if !strings.Contains(s, "\r\n") {
		s = strings.ReplaceAll(s, "\n", "\r\n")
	}
	c.bw.WriteString(s)
	c.bw.Flush()
}

// Read reads the next action; ok is false when the client closed or sent
// nothing for 5 seconds.
func (c *Conn) Read() (*Action, bool) {
	c.Conn.SetReadDeadline(time.Now().Add(5 * time.Second))
	a := &Action{}
	var raw strings.Builder
	for {
		line, err := c.br.ReadString('\n')
		raw.WriteString(line)
		if err != nil {
			return a, false
		}
		line = strings.TrimRight(line, "\r\n")
		if line == "" {
			if len(a.Headers) == 0 {
				continue
			}
			a.Raw = raw.String()
			return a, true
		}
		k, v, _ := strings.Cut(line, ":")
		a.Headers = append(a.Headers, [2]string{k, strings.TrimPrefix(v, " ")})
	}
}

// Expect reads the next action and checks its name.
func (c *Conn) Expect(action string) *Action {
	a, ok := c.Read()
	if !ok {
		c.T.Errorf("fake AMI server: want action %s, the client sent nothing more", action)
		return a
	}
	if !strings.EqualFold(a.Get("Action"), action) {
		c.T.Errorf("fake AMI server: want action %s, got %q", action, a.Raw)
	}
	return a
}

// Reply answers a with "Response: Success", its ActionID and the given lines
// ("Key: Value" each).
func (c *Conn) Reply(a *Action, response string, lines ...string) {
	var b strings.Builder
	b.WriteString("Response: " + response + "\r\n")
	if id := a.ID(); id != "" {
		b.WriteString("ActionID: " + id + "\r\n")
	}
	for _, l := range lines {
		b.WriteString(l + "\r\n")
	}
	b.WriteString("\r\n")
	c.Send(b.String())
}

// AcceptLogin answers a plain or MD5 login (Challenge then Login) with success.
func (c *Conn) AcceptLogin() {
	a, ok := c.Read()
	if !ok {
		c.T.Errorf("fake AMI server: want Login, the client sent nothing")
		return
	}
	if strings.EqualFold(a.Get("Action"), "Challenge") {
		c.Reply(a, "Success", "Challenge: 123456789")
		a = c.Expect("Login")
	}
	c.Reply(a, "Success", "Message: Authentication accepted")
}
