package ami

import (
	"bytes"
	"fmt"
	"io"
	"strconv"
)

// Caps the Reader applies when ReaderOptions leaves them at zero.
const (
	// DefaultMaxLine is the longest line accepted, line end included. Asterisk
	// itself builds most lines in fixed buffers far below this; a CLI line in
	// a Command reply is the longest thing it sends.
	DefaultMaxLine = 64 << 10

	// DefaultMaxMessage is the largest message accepted, terminator included.
	// A legacy Command body (a whole "dialplan show" or "database show") is
	// the largest thing Asterisk sends as one message; 16 MiB holds any sane
	// one while bounding what a broken or hostile peer can make us buffer.
	DefaultMaxMessage = 16 << 20

	// DefaultMaxHeaders is the most header lines one message may carry. Every
	// 14+ Command output line is a header, so this is also the longest CLI
	// output readable in the new format. It bounds the per-header index,
	// which costs more than the bytes of a short line.
	DefaultMaxHeaders = 100000
)

const (
	// readBuffer is the size of the Reader's buffer, and so the most it
	// asks its source for in one Read call, unless a message needs more.
	readBuffer = 32 << 10

	// minRead is the least room the Reader wants in its buffer before it
	// reads: with less, it makes room first.
	minRead = 2 << 10

	// keepFields bounds the header index kept for the next message: one
	// grown past it by a large message is dropped.
	keepFields = 4096
)

// ReaderOptions sets the Reader's caps. Zero values mean the defaults above.
type ReaderOptions struct {
	MaxLine    int // longest line, line end included
	MaxMessage int // largest message, terminator included
	MaxHeaders int // most header lines in one message
	// KeepRaw fills Message.Raw with a copy of the message's bytes as
	// received, from its first line to its terminator included (empty
	// lines skipped before it are not part of it).
	KeepRaw bool
}

func (o ReaderOptions) withDefaults() ReaderOptions {
	if o.MaxLine <= 0 {
		o.MaxLine = DefaultMaxLine
	}
	if o.MaxMessage <= 0 {
		o.MaxMessage = DefaultMaxMessage
	}
	if o.MaxHeaders <= 0 {
		o.MaxHeaders = DefaultMaxHeaders
	}
	return o
}

// Reader reads AMI messages from a stream. It is not safe for concurrent
// use; the session's one reading goroutine owns it.
//
// What it accepts:
//   - lines ending in "\r\n" or a bare "\n"; an empty line ends a message,
//     so "\r\n\n" works as a terminator too;
//   - empty lines between messages are skipped, never returned as an empty
//     message (QueueRule's extra blank line, chan_dongle, TestEvent);
//   - "Key: value" split at the first colon; exactly one space after the
//     colon is dropped when present, any others are kept (they are CLI column
//     indentation in "Output:" lines), as is trailing whitespace; the value
//     may be empty and the space may be missing;
//   - a line that is not a header (no colon, nothing before the colon, or a
//     space or control character before the colon) becomes a Header with an
//     empty Key and the whole line as its Value. When the first line of a
//     message is not a header, the message is raw text and every line of it
//     is kept that way, colons or not ("W:0, C:0" included);
//   - raw text goes on past a single empty line: it ends at the first run of
//     two or more empty lines, or just before a following line that starts
//     a message ("Response:" or "Event:"), or at EOF. The empty line
//     between two blocks is kept, as a Header with an empty Key and Value.
//     That is how the header-less reply of the pre-15 "Queues" action
//     arrives: the "queue show" text, one block per queue with one empty
//     line between them, then two more empty lines. It comes back as one
//     message, every line a Key "" header in order, so a renderer can print
//     the Values as they are. The Reader cannot return such a message
//     before the line after its first empty line has (at least partly)
//     arrived;
//   - the legacy Command reply: once a message has both "Response: Follows"
//     and "Privilege: Command", one "ActionID:" line may follow, and
//     everything after that up to "--END COMMAND--" is Body, verbatim
//     (empty lines, "Key: value" look-alikes, "\n\r\n", and a marker glued to
//     the last output line included). What follows the marker up to the
//     empty line is read as headers again.
//
// Errors: io.EOF exactly between messages; an error wrapping
// io.ErrUnexpectedEOF for EOF inside one; a *ProtocolError when a cap is
// exceeded or the banner is wrong; the source's own error otherwise. A
// *ProtocolError or an EOF is sticky: every later call returns it again and
// the Reader is done. Any other read error (a deadline, say) keeps the part
// of the message already read, and the next call goes on with it.
//
// Memory: the source is read into one buffer, reused from message to
// message, that grows for a message larger than half of it (up to the
// caps) and shrinks back after it. Each message's text is copied once,
// into one string that its Headers and Body are substrings of: a Message
// kept alive keeps its own text and nothing else, and so does a value taken
// from it.
type Reader struct {
	src  io.Reader
	opts ReaderOptions

	// buf[:n] has been read from src. The message being read starts at
	// buf[msg]; the offsets below are from there. The line being read
	// starts at offset line, and [line, scanned) holds no '\n'.
	buf     []byte
	n       int
	msg     int
	line    int
	scanned int

	// srcErr is an error src returned with data, reported once the data
	// has been parsed; io.EOF stays there for good.
	srcErr error

	fields []field // the headers of the message so far
	st     parseState
	err    error // sticky
}

// field is one header of the message being read, as offsets in it. A line
// that is not a header has an empty key.
type field struct {
	key, keyEnd, value, valueEnd int
}

type parseMode uint8

const (
	modeHeaders   parseMode = iota
	modeAfterBody           // legacy marker seen: headers again, up to the empty line
	modeRaw                 // the first line was not a header: raw text to the end (see Reader)
	modeRawGap              // raw text, then one empty line: what follows decides
	modeActionID            // legacy: an "ActionID:" line may come before the body
	modeBody                // legacy: raw CLI text up to the marker
)

// parseState is what the Reader knows about the message being read.
type parseState struct {
	mode      parseMode
	follows   bool // "Response: Follows" seen
	command   bool // "Privilege: Command" seen
	legacy    bool
	bodyStart int // offsets in the message
	bodyEnd   int
}

// legacyEnd ends the body of a pre-14 Command reply (Asterisk 1.4–13).
const legacyEnd = "--END COMMAND--"

// NewReader returns a Reader over r. It does its own buffering: r is read in
// chunks of up to 32 KiB (more while a large message is read), and where
// one Read call ends means nothing.
func NewReader(r io.Reader, opts ReaderOptions) *Reader {
	return &Reader{src: r, opts: opts.withDefaults()}
}

// ReadBanner reads the one line Asterisk sends on connect,
// "Asterisk Call Manager/X.Y.Z", and returns it without its line end. Call
// it once, before ReadMessage. Any other first line is a *ProtocolError:
// whatever we reached is not an AMI server.
func (r *Reader) ReadBanner() (string, error) {
	if r.err != nil {
		return "", r.err
	}
	tooLong := "banner line too long (over " + strconv.Itoa(r.opts.MaxLine) + " bytes)"
	next := r.lineEnd()
	for next == 0 {
		if r.n-r.msg >= r.opts.MaxLine {
			r.err = newProtocolError(tooLong, r.buf[r.msg:r.n])
			return "", r.err
		}
		if err := r.fill(); err != nil {
			switch {
			case err != io.EOF:
				return "", err // what came of the line is kept
			case r.n == r.msg:
				r.err = io.EOF
			default:
				r.err = fmt.Errorf("ami: connection closed inside the banner %q: %w",
					cutForError(r.buf[r.msg:r.n]), io.ErrUnexpectedEOF)
			}
			return "", r.err
		}
		next = r.lineEnd()
	}
	line := r.buf[r.msg : r.msg+next]
	r.msg, r.scanned = r.msg+next, 0
	if len(line)-1 >= r.opts.MaxLine {
		r.err = newProtocolError(tooLong, line)
		return "", r.err
	}
	text := trimLineEnd(line)
	// Also matches astmanproxy's "Asterisk Call Manager Proxy/".
	if !bytes.HasPrefix(text, []byte("Asterisk Call Manager")) {
		r.err = newProtocolError("not an AMI banner", text)
		return "", r.err
	}
	return string(text), nil
}

// ReadMessage reads the next message. See Reader for what it accepts.
func (r *Reader) ReadMessage() (*Message, error) {
	if r.err != nil {
		return nil, r.err
	}
	for {
		if next := r.lineEnd(); next > 0 {
			m, err := r.takeLine(next)
			if err != nil {
				r.err = err
				return nil, err
			}
			if m != nil {
				return m, nil
			}
			continue
		}
		// The line is incomplete, but what has come of it may already
		// break a cap or end the message before it.
		m, err := r.checkPartial()
		if err != nil {
			r.err = err
			return nil, err
		}
		if m != nil {
			return m, nil
		}
		if err := r.fill(); err != nil {
			if err == io.EOF && r.st.mode == modeRawGap {
				// Raw text and one empty line, then the end of the
				// stream: the raw message is whole. What may follow it
				// is reported by the next call.
				return r.finish(r.line), nil
			}
			return nil, r.readFailed(err)
		}
	}
}

// lineEnd returns the offset just past the '\n' that ends the line being
// read, or 0 when that line has not all come yet.
func (r *Reader) lineEnd() int {
	// Do not look again where an earlier call found no '\n': a long line
	// read a few bytes at a time is not scanned from its start each time.
	from := max(r.line, r.scanned)
	if i := bytes.IndexByte(r.buf[r.msg+from:r.n], '\n'); i >= 0 {
		return from + i + 1
	}
	r.scanned = r.n - r.msg
	return 0
}

// fill reads more of the stream into buf. An error that comes with data is
// returned by the next call, once the data has been parsed; io.EOF is
// returned by every call after it.
func (r *Reader) fill() error {
	if err := r.srcErr; err != nil {
		if err != io.EOF {
			r.srcErr = nil
		}
		return err
	}
	if len(r.buf)-r.n < minRead {
		r.rebuffer(bufferSize(r.n - r.msg))
	}
	for range 100 {
		n, err := r.src.Read(r.buf[r.n:])
		if n < 0 || n > len(r.buf)-r.n {
			return fmt.Errorf("ami: source returned an invalid count %d from Read", n)
		}
		r.n += n
		if err != nil && n > 0 {
			r.srcErr = err
			return nil
		}
		if err == io.EOF {
			r.srcErr = err
		}
		if err != nil || n > 0 {
			return err
		}
	}
	return io.ErrNoProgress
}

// bufferSize returns the size of buffer for held bytes of a message: the
// default, doubled until at least half of it is free.
func bufferSize(held int) int {
	size := readBuffer
	for size < 2*held {
		size *= 2
	}
	return size
}

// rebuffer moves what buf holds from the message being read on to the
// front of a buffer of the given size: buf itself when it has that size.
// Every string handed out is a copy, so buf can be written over.
func (r *Reader) rebuffer(size int) {
	// The caps keep what is held below the larger of MaxMessage (a
	// message, and a few bytes more: see checkPartial) and MaxLine (the
	// banner); readBuffer more leaves room to read.
	size = min(size, max(r.opts.MaxMessage, r.opts.MaxLine)+readBuffer)
	held := r.buf[r.msg:r.n]
	nb := r.buf
	if size != len(r.buf) {
		nb = make([]byte, size)
	}
	r.n = copy(nb, held)
	r.buf, r.msg = nb, 0
}

// readFailed returns the error for a failed read: io.EOF, or the EOF
// inside a message, are final.
func (r *Reader) readFailed(err error) error {
	if err != io.EOF {
		return err // the message so far is kept; the caller may try again
	}
	if r.n == r.msg {
		r.err = io.EOF
	} else {
		r.err = fmt.Errorf("ami: connection closed inside a message starting %q: %w",
			cutForError(r.buf[r.msg:r.n]), io.ErrUnexpectedEOF)
	}
	return r.err
}

// takeLine parses the line being read, which ends just before offset next.
// It returns the message when the line ends it, or ends it just before the
// line.
func (r *Reader) takeLine(next int) (*Message, error) {
	p := &r.st
	off := r.line
	line := r.buf[r.msg+off : r.msg+next]
	text := trimLineEnd(line)
	if p.mode == modeRawGap && startsMessage(text) == lineStarts {
		// Not part of the raw text: the first line of the next message.
		return r.finish(off), nil
	}
	if err := r.capError(off, len(line)-1); err != nil {
		return nil, err
	}
	r.line = next

	if p.mode == modeActionID || p.mode == modeBody {
		r.legacyLine(off, text)
		return nil, nil
	}
	if len(text) == 0 {
		switch {
		case off == 0: // before the message: not part of it
			r.msg += next
			r.line, r.scanned = 0, 0
			return nil, nil
		case p.mode == modeRaw:
			p.mode = modeRawGap // raw text ends at two empty lines in a row
			return nil, nil
		}
		return r.finish(next), nil
	}
	if p.mode == modeRawGap {
		// The next block of the same raw text: keep the empty line before it.
		if err := r.addField(field{}); err != nil {
			return nil, err
		}
		p.mode = modeRaw
	}

	k := nameEnd(text)
	if p.mode == modeRaw || k == 0 || k == len(text) || text[k] != ':' {
		if off == 0 {
			p.mode = modeRaw
		}
		return nil, r.addField(field{value: off, valueEnd: off + len(text)})
	}
	v := k + 1
	if v < len(text) && text[v] == ' ' {
		v++
	}
	if p.mode == modeHeaders && (k == len("Response") || k == len("Privilege")) {
		p.noteLegacy(text[:k], text[v:]) // the two names it looks for
	}
	return nil, r.addField(field{key: off, keyEnd: off + k, value: off + v, valueEnd: off + len(text)})
}

// addField adds a header to the message being read, within MaxHeaders. It
// runs for every line, so the error is built apart: addField is inlined.
func (r *Reader) addField(f field) error {
	if len(r.fields) >= r.opts.MaxHeaders {
		return r.tooManyHeaders()
	}
	r.fields = append(r.fields, f)
	return nil
}

func (r *Reader) tooManyHeaders() error {
	return newProtocolError("too many header lines (over "+strconv.Itoa(r.opts.MaxHeaders)+")",
		r.buf[r.msg:r.msg+r.line])
}

// noteLegacy notes the two headers that announce a legacy Command body.
func (p *parseState) noteLegacy(key, value []byte) {
	switch {
	case equalFold(key, "Response"):
		p.follows = p.follows || equalFold(value, "Follows")
	case equalFold(key, "Privilege"):
		p.command = p.command || equalFold(value, "Command")
	}
	if p.follows && p.command {
		p.mode = modeActionID
		p.legacy = true
	}
}

// legacyLine takes a line, at offset off and without its line end, after
// "Response: Follows" and "Privilege: Command": the optional ActionID line,
// then body lines up to the marker.
func (r *Reader) legacyLine(off int, text []byte) {
	p := &r.st
	if p.mode == modeActionID {
		p.mode = modeBody
		const id = "ActionID"
		if len(text) > len(id) && text[len(id)] == ':' && equalFold(text[:len(id)], id) {
			v := len(id) + 1
			if v < len(text) && text[v] == ' ' {
				v++
			}
			r.fields = append(r.fields, field{key: off, keyEnd: off + len(id), value: off + v, valueEnd: off + len(text)})
			p.bodyStart = r.line // just after this line
			return
		}
		// The output starts right after the headers, with no empty line.
		p.bodyStart = off
	}
	if i := bytes.Index(text, []byte(legacyEnd)); i >= 0 {
		p.bodyEnd = off + i
		p.mode = modeAfterBody
	}
}

// checkPartial looks at the incomplete line being read. It returns an
// error when the line already breaks a cap (it will be at least one byte
// longer than what has come). After raw text and one empty line it may
// instead return the raw message, when the line starts the next one: the
// caps then apply to the line as the first of that message.
func (r *Reader) checkPartial() (*Message, error) {
	part := r.buf[r.msg+r.line : r.n]
	if r.st.mode == modeRawGap {
		switch startsMessage(part) {
		case lineUndecided:
			return nil, nil // a few bytes at most: no cap is at stake yet
		case lineStarts:
			return r.finish(r.line), nil
		}
	}
	return nil, r.capError(r.line, len(part))
}

// capError reports the cap broken by a line at offset off in the message
// that has n bytes before its '\n' (or n so far, when incomplete), or nil.
// When it breaks both, the error names the one crossed first as the bytes
// came in, so that it does not depend on where the Read calls cut the
// input. It runs for every line, so the error is built apart, in
// capBroken: capError is inlined.
func (r *Reader) capError(off, n int) error {
	if n < r.opts.MaxLine && off+n < r.opts.MaxMessage {
		return nil
	}
	return r.capBroken(off, n)
}

func (r *Reader) capBroken(off, n int) error {
	in := r.buf[r.msg : r.msg+off+n]
	lineOver := n >= r.opts.MaxLine
	msgOver := off+n >= r.opts.MaxMessage
	if lineOver && (!msgOver || r.opts.MaxLine <= r.opts.MaxMessage-off) {
		return newProtocolError("line too long (over "+strconv.Itoa(r.opts.MaxLine)+" bytes)", in)
	}
	return newProtocolError("message too large (over "+strconv.Itoa(r.opts.MaxMessage)+" bytes)", in)
}

// finish returns the message made of the first end bytes from msg, and
// readies the Reader for the next one, which starts right after them.
func (r *Reader) finish(end int) *Message {
	text := string(r.buf[r.msg : r.msg+end])
	m := &Message{Headers: make([]Header, len(r.fields))}
	for i, f := range r.fields {
		m.Headers[i] = Header{Key: text[f.key:f.keyEnd], Value: text[f.value:f.valueEnd]}
	}
	if r.st.legacy {
		m.Legacy = true
		m.Body = text[r.st.bodyStart:r.st.bodyEnd]
	}
	if r.opts.KeepRaw {
		m.Raw = []byte(text)
	}

	r.msg += end
	r.line, r.scanned = 0, 0
	r.st = parseState{}
	if cap(r.fields) > keepFields {
		r.fields = nil
	} else {
		r.fields = r.fields[:0]
	}
	if len(r.buf) > readBuffer && r.n-r.msg <= readBuffer/2 {
		r.rebuffer(readBuffer) // a large message grew buf: do not keep it
	}
	return m
}

type lineStart uint8

const (
	lineContinues lineStart = iota // not the start of a message
	lineStarts                     // "Response:" or "Event:"
	lineUndecided                  // too little of the line to tell
)

// startsMessage tells whether b, a line or the start of one without its
// line end, begins a new message: a "Response:" or "Event:" header, the two
// lines every message Asterisk sends starts with. Raw text after an empty
// line is taken as more of the same raw text unless it does; any other
// header look-alike could be a line of the text (a queue named "a:b").
func startsMessage(b []byte) lineStart {
	k := nameEnd(b)
	if k == len(b) {
		if len(b) > len("Response") {
			return lineContinues // too long a name to be either
		}
		return lineUndecided
	}
	if b[k] == ':' && (equalFold(b[:k], "Response") || equalFold(b[:k], "Event")) {
		return lineStarts
	}
	return lineContinues
}

// equalFold reports whether b is s, an ASCII string, ignoring case. With
// the lengths equal, only ASCII letters can match: bytes.EqualFold alone
// would also take "ſ" for "s" and the Kelvin sign for "K".
func equalFold(b []byte, s string) bool {
	return len(b) == len(s) && bytes.EqualFold(b, []byte(s))
}

// nameEnd returns the index of the first ':', space or control character
// in b, or len(b). A header name is what comes before it when it is a ':'.
func nameEnd(b []byte) int {
	for i, c := range b {
		if c == ':' || c <= ' ' {
			return i
		}
	}
	return len(b)
}

// trimLineEnd drops a trailing "\n" and one "\r" before it.
func trimLineEnd(b []byte) []byte {
	if n := len(b); n > 0 && b[n-1] == '\n' {
		b = b[:n-1]
		if n := len(b); n > 0 && b[n-1] == '\r' {
			b = b[:n-1]
		}
	}
	return b
}

// cutForError returns at most wireQuoteMax bytes of b as a string, for %q.
func cutForError(b []byte) string {
	return string(b[:min(len(b), wireQuoteMax)])
}
