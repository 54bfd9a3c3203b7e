package ami

import (
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

// The Reader reads into blocks of readBlock bytes and parses messages in
// place: a message's text is never copied, its headers are substrings of
// the block (see Reader). A block is never written again where it holds
// text already handed out, so blocks are not reused: when one is full, the
// partial message at its end moves to a fresh one. A message too large for
// a block gets a block of twice its size so far.
const (
	readBlock   = 32 << 10
	readMinRoom = 2 << 10 // less room than this left in a block: start a new one
)

// ReaderOptions sets the Reader's caps. Zero values mean the defaults above.
type ReaderOptions struct {
	MaxLine    int // longest line, line end included
	MaxMessage int // largest message, terminator included (at most math.MaxInt32)
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
//     before the line after its first empty line has arrived;
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
// Memory: the source is read in 32 KiB blocks and messages are parsed where
// they lie; every string in a returned Message points into its block, so a
// message costs no copy of its text, and its Headers share a 16 KiB array
// with its neighbours' (see hdrBlock). The flip side is that a Message kept
// alive keeps those blocks alive: strings.Clone what you keep for long.
// Nothing else is buffered beyond the caps; a block grows past 32 KiB only
// for a message larger than that, and only up to the caps.
type Reader struct {
	src  io.Reader
	opts ReaderOptions

	// blk[:w] has been read from src. The current message starts at msg
	// (past any skipped empty lines) and is parsed up to pos. When the line
	// at pos is incomplete, [pos, scanned) is known to hold no '\n'.
	blk     []byte
	w       int
	msg     int
	pos     int
	scanned int
	srcErr  error // an error src returned along with data, reported next

	st rdState
	// The headers of the message being read are hblock[hfree:hfree+hn];
	// they become its Headers as they are. See hdrBlock.
	hblock []Header
	hfree  int
	hn     int
	mblock []Message // the rest of the current message block
	err    error     // sticky
}

type rdMode uint8

const (
	rdHeaders   rdMode = iota
	rdAfterBody        // legacy marker seen: headers again, up to the empty line
	rdRaw              // the first line was not a header: raw text to the end (see Reader)
	rdRawGap           // raw text, then one empty line: what follows decides
	rdActionID         // legacy: an "ActionID:" line may come before the body
	rdBody             // legacy: raw CLI text up to the marker
)

type rdState struct {
	started   bool // a non-empty line of this message has been read
	mode      rdMode
	follows   bool // "Response: Follows" seen
	command   bool // "Privilege: Command" seen
	legacy    bool
	bodyStart int // message offsets
	bodyEnd   int
}

// NewReader returns a Reader over r. It does its own buffering: r is read in
// chunks of up to 32 KiB, and where one Read call ends means nothing.
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
	for {
		from := max(r.pos, r.scanned) // do not rescan what held no '\n'
		if nl := bytes.IndexByte(r.blk[from:r.w], '\n'); nl >= 0 {
			line := r.blk[r.pos : from+nl+1]
			r.pos = from + nl + 1
			r.msg, r.scanned = r.pos, 0
			if len(line) > r.opts.MaxLine {
				r.err = newProtocolError("banner line too long (over "+strconv.Itoa(r.opts.MaxLine)+" bytes)", line)
				return "", r.err
			}
			line = trimLineEnd(line)
			const prefix = "Asterisk Call Manager" // also astmanproxy's "Asterisk Call Manager Proxy/"
			if !bytes.HasPrefix(line, []byte(prefix)) {
				r.err = newProtocolError("not an AMI banner", line)
				return "", r.err
			}
			return string(line), nil
		}
		r.scanned = r.w
		if r.w-r.pos >= r.opts.MaxLine {
			r.err = newProtocolError("banner line too long (over "+strconv.Itoa(r.opts.MaxLine)+" bytes)", r.blk[r.pos:r.w])
			return "", r.err
		}
		if err := r.fill(); err != nil {
			if err != io.EOF {
				return "", err
			}
			if r.w == r.pos {
				r.err = io.EOF
			} else {
				r.err = fmt.Errorf("ami: connection closed inside the banner %q: %w",
					cutForError(r.blk[r.pos:r.w]), io.ErrUnexpectedEOF)
			}
			return "", r.err
		}
	}
}

// ReadMessage reads the next message. See Reader for what it accepts.
func (r *Reader) ReadMessage() (*Message, error) {
	if r.err != nil {
		return nil, r.err
	}
	for {
		m, err := r.scan()
		if err != nil {
			r.err = err
			return nil, err
		}
		if m != nil {
			return m, nil
		}
		if err := r.fill(); err != nil {
			if err == io.EOF && r.st.mode == rdRawGap {
				// Raw text and one empty line, then the end of the
				// stream: the raw message is whole. Anything after it is
				// reported by the next call.
				return r.finish(r.pos), nil
			}
			return nil, r.readFailed(err)
		}
	}
}

// fill reads once more from src into the current block, moving the message
// in progress to a new block when this one is (nearly) full.
func (r *Reader) fill() error {
	if err := r.srcErr; err != nil {
		if err != io.EOF {
			r.srcErr = nil
		}
		return err
	}
	if len(r.blk)-r.w < readMinRoom {
		r.newBlock()
	}
	for range 100 {
		n, err := r.src.Read(r.blk[r.w:])
		if n < 0 || n > len(r.blk)-r.w {
			return fmt.Errorf("ami: source returned an invalid count %d from Read", n)
		}
		r.w += n
		if err != nil {
			if n > 0 {
				r.srcErr = err // parse what came with it first
				return nil
			}
			return err
		}
		if n > 0 {
			return nil
		}
	}
	return io.ErrNoProgress
}

// newBlock moves the unparsed rest of the current block, the message in
// progress, to the start of a new block.
func (r *Reader) newBlock() {
	// The caps were checked, so keep < max(MaxMessage, MaxLine) and the new
	// block never holds much more than a cap.
	keep := r.w - r.msg
	size := readBlock
	for size < 2*keep {
		size *= 2
	}
	size = min(size, max(r.opts.MaxMessage, r.opts.MaxLine)+readMinRoom)
	nb := make([]byte, size)
	copy(nb, r.blk[r.msg:r.w])
	r.pos -= r.msg
	r.scanned = max(r.scanned-r.msg, 0)
	r.w = keep
	r.msg = 0
	r.blk = nb
}

func (r *Reader) readFailed(err error) error {
	if err != io.EOF {
		return err // the message so far is kept; the caller may try again
	}
	if !r.st.started && r.w == r.msg {
		r.err = io.EOF
	} else {
		r.err = fmt.Errorf("ami: connection closed inside a message starting %q: %w",
			cutForError(r.blk[r.msg:r.w]), io.ErrUnexpectedEOF)
	}
	return r.err
}

// scan parses complete lines from pos. It returns the message once its
// terminator has been parsed, or nil when it needs more input.
func (r *Reader) scan() (*Message, error) {
	b := r.blk[:r.w]
	pos := r.pos
	if r.scanned > pos {
		// The line at pos was incomplete: look for its end only in what
		// has come since, so that a long line read a byte at a time is not
		// rescanned from its start each time.
		nl := bytes.IndexByte(b[r.scanned:], '\n')
		if nl < 0 {
			r.scanned = len(b)
			return r.checkPartial()
		}
		next := r.scanned + nl + 1
		r.scanned = 0
		switch res, err := r.line(b[pos:next], pos-r.msg); res {
		case rdSkip:
			r.msg = next
		case rdEnd:
			return r.finish(next), nil
		case rdEndBefore:
			return r.finish(pos), nil
		case rdFail:
			return nil, err
		}
		pos = next
	}
	for {
		var next int
		if r.st.mode == rdHeaders {
			// The common case, kept inline: a header line found and split in
			// one pass. It must agree with r.line, which handles the rest.
			// The loops are keyEnd and valueEnd inlined by hand: two calls
			// a line were a tenth of the parse time.
			k := pos
			for ; k+8 <= len(b); k += 8 {
				x := binary.LittleEndian.Uint64(b[k:])
				if m := swarZero(x^(swarLo*':')) | swarCtl(x); m != 0 {
					k += bits.TrailingZeros64(m) >> 3
					goto key
				}
			}
			if k = keyEnd(b, k); k == len(b) {
				break
			}
		key:
			nl := k
			if b[k] != '\n' {
				for nl = k + 1; nl+8 <= len(b); nl += 8 {
					if m := swarZero(binary.LittleEndian.Uint64(b[nl:]) ^ (swarLo * '\n')); m != 0 {
						nl += bits.TrailingZeros64(m) >> 3
						goto value
					}
				}
				if nl = valueEnd(b, nl); nl < 0 {
					break
				}
			}
		value:
			next = nl + 1
			e := nl
			if e > pos && b[e-1] == '\r' {
				e--
			}
			if e == pos || next-pos > r.opts.MaxLine || next-r.msg > r.opts.MaxMessage ||
				r.hn >= r.opts.MaxHeaders {
				goto slow // an empty line or a cap: the rare cases
			}
			first := !r.st.started
			r.st.started = true
			if r.hfree+r.hn == len(r.hblock) {
				r.growHeaders()
			}
			hd := &r.hblock[r.hfree+r.hn]
			r.hn++
			if b[k] == ':' && k > pos {
				v := k + 1
				if v < e && b[v] == ' ' {
					v++
				}
				*hd = Header{Key: wireString(b, pos, k), Value: wireString(b, v, e)}
				if n, c := k-pos, b[pos]|0x20; n == 8 && c == 'r' || n == 9 && c == 'p' {
					r.st.checkLegacy(b[pos:k], b[v:e])
				}
			} else {
				*hd = Header{Value: wireString(b, pos, e)}
				if first {
					r.st.mode = rdRaw
				}
			}
			pos = next
			continue
		} else {
			nl := bytes.IndexByte(b[pos:], '\n')
			if nl < 0 {
				break
			}
			next = pos + nl + 1
		}
	slow:
		switch res, err := r.line(b[pos:next], pos-r.msg); res {
		case rdSkip: // only before the first line of a message
			r.msg = next
		case rdEnd:
			return r.finish(next), nil
		case rdEndBefore:
			return r.finish(pos), nil
		case rdFail:
			return nil, err
		}
		pos = next
	}
	r.pos = pos
	r.scanned = len(b)
	return r.checkPartial()
}

// checkPartial applies the caps to the incomplete line at pos: it will be
// at least one byte longer than what is here. After raw text and one empty
// line, the line may instead start the next message; then the caps apply
// to it as to a first line, and when it breaks one the raw message is
// returned first (the next call reports the error), as it would be if the
// line had come whole.
func (r *Reader) checkPartial() (*Message, error) {
	if r.st.mode == rdRawGap {
		switch startsMessagePrefix(r.blk[r.pos:r.w]) {
		case lineUndecided:
			return nil, nil // at most a few bytes: no cap is at stake yet
		case lineStartsMessage:
			if r.capError(0, r.w-r.pos) != nil {
				return r.finish(r.pos), nil
			}
			return nil, nil
		}
	}
	return nil, r.capError(r.pos-r.msg, r.w-r.pos)
}
