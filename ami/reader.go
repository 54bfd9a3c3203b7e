package ami

import (
	"bufio"
	"bytes"
	"encoding/binary"
	"fmt"
	"io"
	"math"
	"math/bits"
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

// readBufferSize is the bufio buffer under the Reader. Messages are parsed
// in place inside it and copied out once, so it should hold many messages
// (they average about 400 bytes); lines longer than it still work, they are
// gathered in a side buffer up to MaxLine.
const readBufferSize = 64 << 10

// legacyEnd ends the body of a pre-14 Command reply (ami-protocol.md §3).
var legacyEnd = []byte("--END COMMAND--")

// ReaderOptions sets the Reader's caps. Zero values mean the defaults above.
type ReaderOptions struct {
	MaxLine    int  // longest line, line end included
	MaxMessage int  // largest message, terminator included (at most math.MaxInt32)
	MaxHeaders int  // most header lines in one message
	KeepRaw    bool // fill Message.Raw with the bytes as received
}

func (o ReaderOptions) withDefaults() ReaderOptions {
	if o.MaxLine <= 0 {
		o.MaxLine = DefaultMaxLine
	}
	if o.MaxMessage <= 0 {
		o.MaxMessage = DefaultMaxMessage
	}
	if o.MaxMessage > math.MaxInt32 {
		o.MaxMessage = math.MaxInt32 // header offsets are int32
	}
	if o.MaxHeaders <= 0 {
		o.MaxHeaders = DefaultMaxHeaders
	}
	return o
}

// Reader reads AMI messages from a stream. It is not safe for concurrent
// use; the session's one reading goroutine owns it.
//
// What it accepts (ami-protocol.md §2, §3, §7; peer-pitfalls.md "Framing"):
//   - lines ending in "\r\n" or a bare "\n"; an empty line ends a message,
//     so "\r\n\n" works as a terminator too;
//   - empty lines between messages are skipped, never returned as an empty
//     message (QueueRule's extra blank line, chan_dongle, TestEvent);
//   - "Key: value" split at the first colon; exactly one space after the
//     colon is dropped when present, any others are kept (they are CLI column
//     indentation in "Output:" lines), as is trailing whitespace; the value
//     may be empty and the space may be missing;
//   - a line that is not a header (no colon, nothing before the colon, or a
//     space or tab before the colon) becomes a Header with an empty Key and
//     the whole line as its Value. That is how the header-less raw text of
//     the pre-15 "Queues" action arrives: every line a Key "" header, in
//     order, so a renderer can print Values as they are;
//   - the legacy Command reply: once a message has both "Response: Follows"
//     and "Privilege: Command", one "ActionID:" line may follow, and
//     everything after that up to "--END COMMAND--" is Body, verbatim
//     (empty lines, "Key: value" look-alikes, "\n\r\n", and a marker glued to
//     the last output line included). Anything after the marker up to the
//     empty line is read as headers again.
//
// Errors: io.EOF exactly between messages; an error wrapping
// io.ErrUnexpectedEOF for EOF inside one; *ProtocolError when a cap is
// exceeded; the underlying reader's error otherwise. A *ProtocolError or
// an EOF is sticky: every later call returns it again. Any other read error
// (a deadline, say) leaves the partly read message in place and the next call
// goes on with it.
type Reader struct {
	br   *bufio.Reader
	opts ReaderOptions

	// buf holds the message read so far once it no longer fits in what br
	// has buffered; usually it stays empty and messages are parsed in br's
	// buffer and copied out once.
	buf []byte
	// lineStart is the message offset where the line still being read
	// begins; bytes from there to len(buf) are a partial line.
	lineStart int
	spans     []rdSpan
	st        rdState
	err       error // sticky
}

// rdSpan locates one header in the message's bytes. A non-header line has
// ks == ke.
type rdSpan struct{ ks, ke, vs, ve int32 }

type rdMode uint8

const (
	rdHeaders   rdMode = iota
	rdAfterBody        // legacy marker seen: headers again, up to the empty line
	rdActionID         // legacy: an "ActionID:" line may come before the body
	rdBody             // legacy: raw CLI text up to the marker
)

type rdState struct {
	started   bool // a non-empty line of this message has been read
	mode      rdMode
	follows   bool // "Response: Follows" seen
	command   bool // "Privilege: Command" seen
	legacy    bool
	bodyStart int
	bodyEnd   int
}

type rdResult uint8

const (
	rdMore rdResult = iota // line taken, message goes on
	rdSkip                 // empty line before any header: not part of a message
	rdEnd                  // the empty line that ends the message
	rdFail                 // a cap was exceeded
)

// NewReader returns a Reader over r with its own buffering; r is read in
// chunks of up to 64 KiB, whatever its Read calls return.
func NewReader(r io.Reader, opts ReaderOptions) *Reader {
	return &Reader{
		br:   bufio.NewReaderSize(r, readBufferSize),
		opts: opts.withDefaults(),
	}
}

// ReadBanner reads the one line Asterisk sends on connect,
// "Asterisk Call Manager/X.Y.Z", and returns it without its line end. It
// must be called once, before ReadMessage. Anything else on that line is a
// *ProtocolError: whatever we reached is not an AMI server.
func (r *Reader) ReadBanner() (string, error) {
	if r.err != nil {
		return "", r.err
	}
	line, err := r.br.ReadSlice('\n')
	switch {
	case err == bufio.ErrBufferFull || len(line) > r.opts.MaxLine:
		r.err = newProtocolError("banner line too long (over "+strconv.Itoa(len(line))+" bytes)", line)
		return "", r.err
	case err == io.EOF && len(line) == 0:
		r.err = io.EOF
		return "", io.EOF
	case err == io.EOF:
		r.err = fmt.Errorf("ami: connection closed inside the banner %q: %w", cutForError(line), io.ErrUnexpectedEOF)
		return "", r.err
	case err != nil:
		if len(line) > 0 {
			r.err = fmt.Errorf("ami: reading banner: %w", err)
		}
		return "", err
	}
	line = trimLineEnd(line)
	const prefix = "Asterisk Call Manager" // also "... Manager Proxy/" of astmanproxy
	if !bytes.HasPrefix(line, []byte(prefix)) {
		r.err = newProtocolError("not an AMI banner", line)
		return "", r.err
	}
	return string(line), nil
}

// ReadMessage reads the next message. See Reader for what it accepts.
func (r *Reader) ReadMessage() (*Message, error) {
	if r.err != nil {
		return nil, r.err
	}
	for {
		chunk, err := r.peek()
		if len(chunk) == 0 {
			return nil, r.readFailed(err)
		}
		m, n, err := r.scan(chunk)
		if _, derr := r.br.Discard(n); derr != nil && err == nil {
			err = derr // cannot happen: n <= Buffered()
		}
		if err != nil {
			r.err = err
			return nil, err
		}
		if m != nil {
			return m, nil
		}
	}
}

// peek returns what br holds, reading once from the source when it holds
// nothing. It never waits for more than one Read's worth of data.
func (r *Reader) peek() ([]byte, error) {
	if r.br.Buffered() == 0 {
		if _, err := r.br.Peek(1); err != nil {
			return nil, err
		}
	}
	b, _ := r.br.Peek(r.br.Buffered())
	return b, nil
}

func (r *Reader) readFailed(err error) error {
	if err != io.EOF {
		return err // the message so far is kept; the caller may try again
	}
	if !r.st.started && len(r.buf) == 0 {
		r.err = io.EOF
	} else {
		r.err = fmt.Errorf("ami: connection closed inside a message starting %q: %w",
			cutForError(r.buf), io.ErrUnexpectedEOF)
	}
	return r.err
}

// scan parses the lines in chunk (br's buffered bytes). It returns the
// message when its terminator is in chunk, and how many bytes of chunk it
// used; otherwise it keeps the message so far in r.buf and uses all of chunk.
func (r *Reader) scan(chunk []byte) (*Message, int, error) {
	pos := 0
	if r.lineStart < len(r.buf) {
		// Finish the line begun in an earlier chunk: it must be contiguous to
		// be parsed, so it goes into buf.
		nl := bytes.IndexByte(chunk, '\n')
		if nl < 0 {
			return nil, len(chunk), r.spill(chunk)
		}
		pos = nl + 1
		if err := r.checkSpill(chunk[:pos]); err != nil {
			return nil, pos, err
		}
		r.buf = append(r.buf, chunk[:pos]...)
		switch res, err := r.line(r.buf[r.lineStart:], r.lineStart); res {
		case rdSkip:
			r.buf = r.buf[:0]
		case rdEnd:
			return r.build(string(r.buf)), pos, nil
		case rdFail:
			return nil, pos, err
		}
		r.lineStart = len(r.buf)
	}
	// chunk[start:] is the part of the message not copied into buf; the
	// message offset of chunk[i] is i+base.
	start := pos
	base := len(r.buf) - start
	for {
		var next int
		if r.st.mode == rdHeaders {
			// The common case, kept inline: a header line found and split in
			// one pass. It must agree with r.line, which handles the rest.
			k := keyEnd(chunk, pos)
			if k == len(chunk) {
				break
			}
			nl := k
			if chunk[k] != '\n' {
				if nl = valueEnd(chunk, k+1); nl < 0 {
					break
				}
			}
			next = nl + 1
			e := nl
			if e > pos && chunk[e-1] == '\r' {
				e--
			}
			if e == pos || next-pos > r.opts.MaxLine || next+base > r.opts.MaxMessage ||
				len(r.spans) >= r.opts.MaxHeaders {
				goto slow // an empty line or a cap: the rare cases
			}
			r.st.started = true
			o := int32(pos + base)
			if chunk[k] == ':' && k > pos {
				v := k + 1
				if v < e && chunk[v] == ' ' {
					v++
				}
				r.spans = append(r.spans, rdSpan{o, o + int32(k-pos), o + int32(v-pos), o + int32(e-pos)})
				if n := k - pos; n == 8 || n == 9 {
					r.st.checkLegacy(chunk[pos:k], chunk[v:e])
				}
			} else {
				r.spans = append(r.spans, rdSpan{o, o, o, o + int32(e-pos)})
			}
			pos = next
			continue
		} else {
			nl := bytes.IndexByte(chunk[pos:], '\n')
			if nl < 0 {
				break
			}
			next = pos + nl + 1
		}
	slow:
		switch res, err := r.line(chunk[pos:next], pos+base); res {
		case rdSkip: // only before the first header, so buf is empty
			start = next
			base = -start
		case rdEnd:
			var s string
			if len(r.buf) == 0 {
				s = string(chunk[start:next])
			} else {
				r.buf = append(r.buf, chunk[start:next]...)
				s = string(r.buf)
			}
			return r.build(s), next, nil
		case rdFail:
			return nil, next, err
		}
		pos = next
	}
	r.lineStart = pos + base
	return nil, len(chunk), r.spill(chunk[start:])
}

// checkSpill applies the caps before more, n bytes of the current line,
// goes into buf.
func (r *Reader) checkSpill(more []byte) error {
	if len(r.buf)+len(more)-r.lineStart > r.opts.MaxLine {
		return newProtocolError("line too long (over "+strconv.Itoa(r.opts.MaxLine)+" bytes)", r.head(more))
	}
	if len(r.buf)+len(more) > r.opts.MaxMessage {
		return newProtocolError("message too large (over "+strconv.Itoa(r.opts.MaxMessage)+" bytes)", r.head(more))
	}
	return nil
}

// spill keeps b, the rest of a chunk that ends inside the message, in buf.
func (r *Reader) spill(b []byte) error {
	if err := r.checkSpill(b); err != nil {
		return err
	}
	r.buf = append(r.buf, b...)
	return nil
}

// head returns the first bytes of the message, buf followed by more, for
// an error to quote.
func (r *Reader) head(more []byte) []byte {
	if len(r.buf) >= wireQuoteMax {
		return r.buf[:wireQuoteMax]
	}
	h := make([]byte, 0, wireQuoteMax)
	h = append(h, r.buf...)
	return append(h, more[:min(len(more), wireQuoteMax-len(h))]...)
}

// line parses one line, line end included, whose first byte is at message
// offset off.
func (r *Reader) line(line []byte, off int) (rdResult, error) {
	if len(line) > r.opts.MaxLine {
		return rdFail, newProtocolError("line too long (over "+strconv.Itoa(r.opts.MaxLine)+" bytes)", line)
	}
	if off+len(line) > r.opts.MaxMessage {
		return rdFail, newProtocolError("message too large (over "+strconv.Itoa(r.opts.MaxMessage)+" bytes)", line)
	}
	p := &r.st
	e := len(line) - 1 // the '\n'
	if e > 0 && line[e-1] == '\r' {
		e--
	}
	if p.mode >= rdActionID {
		r.legacyLine(line, e, off)
		return rdMore, nil
	}
	if e == 0 {
		if !p.started {
			return rdSkip, nil
		}
		return rdEnd, nil
	}
	p.started = true
	if len(r.spans) >= r.opts.MaxHeaders {
		return rdFail, newProtocolError("too many header lines (over "+strconv.Itoa(r.opts.MaxHeaders)+")", line)
	}
	i := min(keyEnd(line, 0), e)
	o := int32(off)
	if i == 0 || i == e || line[i] != ':' {
		r.spans = append(r.spans, rdSpan{o, o, o, o + int32(e)})
		return rdMore, nil
	}
	v := i + 1
	if v < e && line[v] == ' ' {
		v++
	}
	r.spans = append(r.spans, rdSpan{o, o + int32(i), o + int32(v), o + int32(e)})
	if p.mode == rdHeaders && (i == 8 || i == 9) {
		p.checkLegacy(line[:i], line[v:e])
	}
	return rdMore, nil
}

// checkLegacy notes the two headers that announce a legacy Command body.
func (p *rdState) checkLegacy(key, value []byte) {
	switch {
	case wireFold(key, "response") && wireFold(value, "follows"):
		p.follows = true
	case wireFold(key, "privilege") && wireFold(value, "command"):
		p.command = true
	default:
		return
	}
	if p.follows && p.command {
		p.mode = rdActionID
		p.legacy = true
	}
}

// legacyLine takes a line after "Response: Follows" + "Privilege: Command":
// the optional ActionID line, then body lines up to the marker.
func (r *Reader) legacyLine(line []byte, e, off int) {
	p := &r.st
	if p.mode == rdActionID {
		const id = "actionid"
		if e > len(id) && line[len(id)] == ':' && wireFold(line[:len(id)], id) {
			v := len(id) + 1
			if v < e && line[v] == ' ' {
				v++
			}
			o := int32(off)
			r.spans = append(r.spans, rdSpan{o, o + int32(len(id)), o + int32(v), o + int32(e)})
			p.mode = rdBody
			p.bodyStart = off + len(line)
			return
		}
		// The raw output starts right after the headers, with no empty line.
		p.mode = rdBody
		p.bodyStart = off
	}
	if k := bytes.Index(line, legacyEnd); k >= 0 {
		p.bodyEnd = off + k
		p.mode = rdAfterBody
	}
}

// build makes the message from its bytes, s, and resets the Reader for the
// next one. Every header is a substring of s: one allocation for all the text.
func (r *Reader) build(s string) *Message {
	m := &Message{Headers: make([]Header, len(r.spans))}
	for i, sp := range r.spans {
		m.Headers[i] = Header{Key: s[sp.ks:sp.ke], Value: s[sp.vs:sp.ve]}
	}
	if r.st.legacy {
		m.Legacy = true
		m.Body = s[r.st.bodyStart:r.st.bodyEnd]
	}
	if r.opts.KeepRaw {
		m.Raw = []byte(s)
	}
	if cap(r.buf) > 1<<20 {
		r.buf = nil // do not pin one huge message's buffer for ever
	} else {
		r.buf = r.buf[:0]
	}
	if cap(r.spans) > 1<<14 {
		r.spans = nil
	} else {
		r.spans = r.spans[:0]
	}
	r.lineStart = 0
	r.st = rdState{}
	return m
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

// wireFold reports whether b equals lower, an ASCII lower-case string,
// ignoring ASCII case.
func wireFold(b []byte, lower string) bool {
	if len(b) != len(lower) {
		return false
	}
	for i := 0; i < len(b); i++ {
		c := b[i]
		if 'A' <= c && c <= 'Z' {
			c += 'a' - 'A'
		}
		if c != lower[i] {
			return false
		}
	}
	return true
}

// cutForError returns at most wireQuoteMax bytes of b as a string, for %q.
func cutForError(b []byte) string {
	if len(b) > wireQuoteMax {
		b = b[:wireQuoteMax]
	}
	return string(b)
}

// SWAR helpers: test 8 bytes at a time for the bytes that end a header
// name. Lines average 20 bytes, too short for bytes.IndexByte's call and
// set-up to pay off on the name.
const (
	swarLo = 0x0101010101010101
	swarHi = 0x8080808080808080
)

// swarZero has the high bit set in the lowest zero byte of x (and maybe in
// bytes above it, which callers ignore by taking the lowest).
func swarZero(x uint64) uint64 { return (x - swarLo) &^ x & swarHi }

// keyEnd returns the index of the first ':', ' ', '\t' or '\n' in b at or
// after i, or len(b).
func keyEnd(b []byte, i int) int {
	for ; i+8 <= len(b); i += 8 {
		x := binary.LittleEndian.Uint64(b[i:])
		m := swarZero(x^(swarLo*':')) | swarZero(x^(swarLo*' ')) |
			swarZero(x^(swarLo*'\t')) | swarZero(x^(swarLo*'\n'))
		if m != 0 {
			return i + bits.TrailingZeros64(m)>>3
		}
	}
	for ; i < len(b); i++ {
		if c := b[i]; c == ':' || c == ' ' || c == '\t' || c == '\n' {
			return i
		}
	}
	return len(b)
}

// valueEnd returns the index of the first '\n' in b at or after i, or -1.
func valueEnd(b []byte, i int) int {
	// Most values are short: look at 16 bytes by hand before paying for
	// IndexByte.
	for j := 0; j < 2 && i+8 <= len(b); j++ {
		if m := swarZero(binary.LittleEndian.Uint64(b[i:]) ^ (swarLo * '\n')); m != 0 {
			return i + bits.TrailingZeros64(m)>>3
		}
		i += 8
	}
	if n := bytes.IndexByte(b[i:], '\n'); n >= 0 {
		return i + n
	}
	return -1
}
