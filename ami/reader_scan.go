package ami

import (
	"bytes"
	"encoding/binary"
	"math/bits"
	"strconv"
	"unsafe"
)

type rdResult uint8

const (
	rdMore      rdResult = iota // line taken, the message goes on
	rdSkip                      // an empty line before any other: not part of a message
	rdEnd                       // the empty line that ends the message
	rdEndBefore                 // the message ended before this line, which starts the next
	rdFail                      // a cap was exceeded
)

// legacyEnd ends the body of a pre-14 Command reply (Asterisk 1.4–13).
var legacyEnd = []byte("--END COMMAND--")

// line parses one line, line end included, that starts at message offset
// off. It handles every case; scan inlines the common one.
func (r *Reader) line(line []byte, off int) (rdResult, error) {
	p := &r.st
	e := len(line) - 1 // the '\n'
	if e > 0 && line[e-1] == '\r' {
		e--
	}
	if p.mode == rdRawGap && startsMessagePrefix(line[:e]) == lineStartsMessage {
		// Not part of the raw text: the caps apply to it as the first line
		// of the next message.
		return rdEndBefore, nil
	}
	if err := r.capError(off, len(line)-1); err != nil {
		return rdFail, err
	}
	if p.mode >= rdActionID {
		r.legacyLine(line, e, off)
		return rdMore, nil
	}
	if e == 0 {
		switch {
		case !p.started:
			return rdSkip, nil
		case p.mode == rdRaw:
			p.mode = rdRawGap // raw text ends at two empty lines in a row
			return rdMore, nil
		}
		return rdEnd, nil
	}
	first := !p.started
	p.started = true
	if r.hn >= r.opts.MaxHeaders {
		return rdFail, newProtocolError("too many header lines (over "+strconv.Itoa(r.opts.MaxHeaders)+")", r.blk[r.msg:r.w])
	}
	if p.mode == rdRawGap {
		// The next block of the same raw text: keep the empty line before it.
		r.addHeader(Header{})
		p.mode = rdRaw
		if r.hn >= r.opts.MaxHeaders {
			return rdFail, newProtocolError("too many header lines (over "+strconv.Itoa(r.opts.MaxHeaders)+")", r.blk[r.msg:r.w])
		}
	}
	i := min(keyEnd(line, 0), e)
	if p.mode == rdRaw || i == 0 || i == e || line[i] != ':' {
		r.addHeader(Header{Value: wireString(line, 0, e)})
		if first {
			p.mode = rdRaw
		}
		return rdMore, nil
	}
	v := i + 1
	if v < e && line[v] == ' ' {
		v++
	}
	r.addHeader(Header{Key: wireString(line, 0, i), Value: wireString(line, v, e)})
	if p.mode == rdHeaders && (i == 8 || i == 9) {
		p.checkLegacy(line[:i], line[v:e])
	}
	return rdMore, nil
}

type lineStart uint8

const (
	lineContinues     lineStart = iota // not the start of a message
	lineStartsMessage                  // "Response:" or "Event:"
	lineUndecided                      // too little of the line to tell
)

// startsMessagePrefix tells whether b, a line or the start of one without
// its line end, begins a new message: a "Response:" or "Event:" header, the
// two lines every message Asterisk sends starts with. Raw text after an
// empty line is taken as more of the same raw text unless it does; any
// other header look-alike could be a line of the text (a queue named
// "a:b").
func startsMessagePrefix(b []byte) lineStart {
	k := keyEnd(b, 0)
	if k == len(b) {
		if len(b) > len("response") {
			return lineContinues // too long a name to be either
		}
		return lineUndecided
	}
	if b[k] == ':' && (wireFold(b[:k], "response") || wireFold(b[:k], "event")) {
		return lineStartsMessage
	}
	return lineContinues
}

// capError reports the cap broken by the line at message offset off that
// has n bytes before its '\n' (or n so far, when incomplete), or nil. When
// it breaks both, the error names the one crossed first as the bytes came
// in, so that it does not depend on where the Read calls cut the input.
func (r *Reader) capError(off, n int) error {
	lineOver := n >= r.opts.MaxLine
	msgOver := off+n >= r.opts.MaxMessage
	if lineOver && (!msgOver || r.opts.MaxLine <= r.opts.MaxMessage-off) {
		return newProtocolError("line too long (over "+strconv.Itoa(r.opts.MaxLine)+" bytes)", r.blk[r.msg:r.w])
	}
	if msgOver {
		return newProtocolError("message too large (over "+strconv.Itoa(r.opts.MaxMessage)+" bytes)", r.blk[r.msg:r.w])
	}
	return nil
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
			r.addHeader(Header{Key: wireString(line, 0, len(id)), Value: wireString(line, v, e)})
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

// finish makes the message that ends just before next and readies the
// Reader for the one after.
func (r *Reader) finish(next int) *Message {
	if len(r.mblock) == 0 {
		r.mblock = make([]Message, msgBlock)
	}
	m := &r.mblock[0]
	r.mblock = r.mblock[1:]
	m.Headers = r.hblock[r.hfree : r.hfree+r.hn : r.hfree+r.hn]
	r.hfree += r.hn
	r.hn = 0
	if len(r.hblock) > hdrBlock {
		r.hblock, r.hfree = nil, 0 // grown for a large message: do not pin it with small ones
	}
	raw := r.blk[r.msg:next]
	if r.st.legacy {
		m.Legacy = true
		m.Body = wireString(raw, r.st.bodyStart, r.st.bodyEnd)
	}
	if r.opts.KeepRaw {
		m.Raw = bytes.Clone(raw)
	}
	r.msg, r.pos, r.scanned = next, next, 0
	if len(r.blk) > readBlock && r.w-r.msg < readBlock/2 {
		// A large message grew this block. Do not let the small messages
		// after it keep all of it alive: carry on in a normal one.
		r.newBlock()
	}
	r.st = rdState{}
	return m
}

// Headers and Messages are carved out of blocks shared by consecutive
// messages: one allocation per block instead of two per message (together
// with parsing in place, this halved the time per message). Nothing in a
// block is written again once handed out. The cost is retention: a message
// kept alive keeps its blocks alive, 16 KiB of headers and 1.1 KiB of
// messages at most, besides its 32 KiB read block.
const (
	hdrBlock = 512 // headers per block (16 KiB)
	msgBlock = 16  // messages per block (1.1 KiB)
)

// growHeaders makes room for one more header of the message being read by
// moving its headers so far to a new block.
func (r *Reader) growHeaders() {
	nb := make([]Header, max(hdrBlock, 2*r.hn))
	copy(nb, r.hblock[r.hfree:r.hfree+r.hn])
	r.hblock, r.hfree = nb, 0
}

// addHeader appends a header to the message being read.
func (r *Reader) addHeader(h Header) {
	if r.hfree+r.hn == len(r.hblock) {
		r.growHeaders()
	}
	r.hblock[r.hfree+r.hn] = h
	r.hn++
}

// wireString returns b[i:j] as a string without copying it. This is only
// sound because the Reader never writes to a block again where it has read
// data into it (see readBlock): the bytes behind the string never change.
func wireString(b []byte, i, j int) string {
	if i >= j {
		return ""
	}
	return unsafe.String(&b[i], j-i)
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

// swarCtl has the high bit set in the lowest byte of x below 0x21: a space
// or a control character, '\t', '\r' and '\n' included (with the same
// caveat as swarZero).
func swarCtl(x uint64) uint64 { return (x - swarLo*0x21) &^ x & swarHi }

// keyEnd returns the index of the first ':', space or control character
// ('\n' included) in b at or after i, or len(b). A header name is what comes
// before it when it is a ':'.
func keyEnd(b []byte, i int) int {
	for ; i+8 <= len(b); i += 8 {
		x := binary.LittleEndian.Uint64(b[i:])
		if m := swarZero(x^(swarLo*':')) | swarCtl(x); m != 0 {
			return i + bits.TrailingZeros64(m)>>3
		}
	}
	for ; i < len(b); i++ {
		if c := b[i]; c == ':' || c <= ' ' {
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
