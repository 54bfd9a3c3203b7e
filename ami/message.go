package ami

import (
	"strings"
)

// Header is one "Key: Value" line of an AMI message, kept exactly as received
// (case of the key, leading spaces of the value).
type Header struct {
	Key   string
	Value string
}

// Message is one AMI message: an action we send, or a response or event we
// receive. Headers keep their order, case and repeats (Output:, Variable:,
// ChanVariable:), which a map of headers would lose. Lookups are
// case-insensitive, as Asterisk's own are.
type Message struct {
	Headers []Header

	// Body is the verbatim CLI text of a legacy (Asterisk 1.4–13) Command
	// reply, "Response: Follows" + "Privilege: Command", up to but not
	// including "--END COMMAND--". Empty for every other message.
	Body string

	// Legacy is true when the message was a legacy Command reply, so Body is
	// meaningful even when empty.
	Legacy bool

	// Raw is the message's bytes exactly as received, terminator included,
	// when the Reader was asked to keep them (ReaderOptions.KeepRaw).
	Raw []byte
}

// NewAction returns a message whose first header is "Action: name".
func NewAction(name string, kv ...string) *Message {
	m := &Message{Headers: make([]Header, 0, 1+len(kv)/2)}
	m.Add("Action", name)
	for i := 0; i+1 < len(kv); i += 2 {
		m.Add(kv[i], kv[i+1])
	}
	return m
}

// NewEvent returns a message whose first header is "Event: name": amsh's
// own pseudo-events, such as the marker of a reconnected stream.
func NewEvent(name string, kv ...string) *Message {
	m := NewAction(name, kv...)
	m.Headers[0].Key = "Event"
	return m
}

// Add appends a header, keeping any earlier header of the same name.
func (m *Message) Add(key, value string) {
	m.Headers = append(m.Headers, Header{Key: key, Value: value})
}

// Set replaces the first header named key (case-insensitively) and removes
// any later ones; it appends the header when there is none.
func (m *Message) Set(key, value string) {
	out := m.Headers[:0]
	done := false
	for _, h := range m.Headers {
		if strings.EqualFold(h.Key, key) {
			if done {
				continue
			}
			h.Value = value
			done = true
		}
		out = append(out, h)
	}
	m.Headers = out
	if !done {
		m.Add(key, value)
	}
}

// Del removes every header named key.
func (m *Message) Del(key string) {
	out := m.Headers[:0]
	for _, h := range m.Headers {
		if !strings.EqualFold(h.Key, key) {
			out = append(out, h)
		}
	}
	m.Headers = out
}

// Get returns the value of the first header named key, or "" when absent.
// Like Asterisk's astman_get_header, the first match wins.
func (m *Message) Get(key string) string {
	v, _ := m.Lookup(key)
	return v
}

// Lookup returns the value of the first header named key and whether it exists.
func (m *Message) Lookup(key string) (string, bool) {
	if m == nil {
		return "", false
	}
	for i := range m.Headers {
		if strings.EqualFold(m.Headers[i].Key, key) {
			return m.Headers[i].Value, true
		}
	}
	return "", false
}

// Values returns every value of headers named key, in arrival order.
func (m *Message) Values(key string) []string {
	if m == nil {
		return nil
	}
	var vs []string
	for i := range m.Headers {
		if strings.EqualFold(m.Headers[i].Key, key) {
			vs = append(vs, m.Headers[i].Value)
		}
	}
	return vs
}

// Has reports whether a header named key exists.
func (m *Message) Has(key string) bool {
	_, ok := m.Lookup(key)
	return ok
}

// Event returns the event name, or "" when the message is not an event.
func (m *Message) Event() string { return m.Get("Event") }

// IsEvent reports whether the message is an event. It is decided on the
// presence of "Event:" before "Response:" is looked at, because
// OriginateResponse (and 1.8–11 BridgeExec) carry both.
func (m *Message) IsEvent() bool { return m.Has("Event") }

// IsResponse reports whether the message is a reply to an action.
func (m *Message) IsResponse() bool { return !m.IsEvent() && m.Has("Response") }

// Response returns the value of the Response header.
func (m *Message) Response() string { return m.Get("Response") }

// ActionID returns the value of the ActionID header.
func (m *Message) ActionID() string { return m.Get("ActionID") }

// Action returns the value of the Action header.
func (m *Message) Action() string { return m.Get("Action") }

// CommandOutput returns the CLI output lines of a Command reply in either
// Asterisk format: the legacy body split on "\n", or the 14+ "Output:"
// headers verbatim. ok is false when the message carries neither.
func (m *Message) CommandOutput() (lines []string, ok bool) {
	if m.Legacy {
		if m.Body == "" {
			return []string{}, true
		}
		body := strings.TrimSuffix(m.Body, "\n")
		return strings.Split(body, "\n"), true
	}
	lines = m.Values("Output")
	return lines, lines != nil
}

// Clone returns a deep copy of the message.
func (m *Message) Clone() *Message {
	c := *m
	c.Headers = append([]Header(nil), m.Headers...)
	if m.Raw != nil {
		c.Raw = append([]byte(nil), m.Raw...)
	}
	return &c
}

// String renders the message in AMI wire form with CRLF line ends, for
// traces and tests. It does not validate; use Writer to send.
func (m *Message) String() string {
	var b strings.Builder
	for _, h := range m.Headers {
		b.WriteString(h.Key)
		b.WriteString(": ")
		b.WriteString(h.Value)
		b.WriteString("\r\n")
	}
	if m.Legacy {
		b.WriteString(m.Body)
		b.WriteString("--END COMMAND--\r\n")
	}
	b.WriteString("\r\n")
	return b.String()
}
