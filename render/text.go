package render

import (
	"strconv"
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/amsh/amsh/ami"
)

// Text output is for people. CLI output (Command replies, header-less text)
// is printed as received except that colour sequences are removed and other
// control characters escaped (see TerminalSafe); everything else is aligned
// Key: Value blocks and tables, with numeric codes decoded beside the
// number. Values are shown as received except that control characters are
// made visible (\r, \x1b): a CallerIDName must not be able to move the
// cursor or recolour the terminal. In text, consecutive
// documents (results, tables, field blocks, stream messages) are separated by
// one blank line.

// SGR sequences; written directly because padding has to be computed on the
// uncoloured text.
const (
	sgrReset  = "\x1b[0m"
	sgrBold   = "\x1b[1m"
	sgrDim    = "\x1b[2m"
	sgrRed    = "\x1b[31m"
	sgrGreen  = "\x1b[32m"
	sgrCyan   = "\x1b[36m"
	sgrYellow = "\x1b[1;33m"
)

// resultNoise and streamNoise are headers left out of text blocks: they
// match replies to actions and say nothing to a person.
func resultNoise(key string) bool {
	return strings.EqualFold(key, "ActionID") || strings.EqualFold(key, "EventList")
}

func streamNoise(key string) bool { return strings.EqualFold(key, "Privilege") }

func (r *Renderer) textResult(res *ami.Result) error {
	b := r.buf[:0]
	if lines, ok := res.Output(); ok {
		for _, l := range lines {
			b = appendCLI(b, l)
			b = append(b, '\n')
		}
		r.buf = b
		return r.write()
	}
	if r.docs > 0 {
		b = append(b, '\n')
	}
	sep := false
	list := res.Complete != nil || len(res.Events) > 0
	if res.Response != nil && !(r.opts.Quiet && list) {
		hs := r.hdrs[:0]
		for _, h := range res.Response.Headers {
			if !resultNoise(h.Key) {
				hs = append(hs, h)
			}
		}
		r.hdrs = hs
		hs = pickHeaders(r.opts.Columns, hs)
		b = r.appendBlock(b, res.Action.Action(), hs)
		sep = len(hs) > 0
	}
	tables := eventTables(res.Events)
	for _, t := range tables {
		if sep {
			b = append(b, '\n')
		}
		sep = true
		if len(tables) == 1 {
			t.title = "" // the event name says nothing a single table needs
		}
		t.cols, t.rows = chooseColumns(r.opts.Columns, t.cols, t.rows)
		b = r.appendTable(b, t)
	}
	if res.Complete != nil && !r.opts.Quiet {
		if sep {
			b = append(b, '\n')
		}
		b = appendSummary(b, res.Complete, len(res.Events))
	}
	r.buf = b
	return r.write()
}

// appendSummary writes "3 items": the count the Complete event announces
// (ListItems, or Items before 13.2), else the number of events received.
func appendSummary(b []byte, complete *ami.Message, received int) []byte {
	n := received
	for _, k := range [...]string{"ListItems", "Items"} {
		if v, ok := complete.Lookup(k); ok {
			if c, err := strconv.Atoi(strings.TrimSpace(v)); err == nil {
				n = c
				break
			}
		}
	}
	b = strconv.AppendInt(b, int64(n), 10)
	if n == 1 {
		return append(b, " item\n"...)
	}
	return append(b, " items\n"...)
}

func (r *Renderer) textMessage(m *ami.Message) error {
	b := r.buf[:0]
	if r.docs > 0 {
		b = append(b, '\n')
	}
	// Event first, then the rest in arrival order; a Command reply's CLI
	// output after the headers, verbatim, as `command` prints it.
	lines, isCommand := m.CommandOutput()
	hs := r.hdrs[:0]
	ei, event := -1, ""
	for i, h := range m.Headers {
		if strings.EqualFold(h.Key, "Event") {
			ei, event = i, h.Value
			hs = append(hs, h)
			break
		}
	}
	for i, h := range m.Headers {
		if i == ei || streamNoise(h.Key) || isCommand && strings.EqualFold(h.Key, "Output") {
			continue
		}
		hs = append(hs, h)
	}
	r.hdrs = hs
	start := len(b)
	b = r.appendBlock(b, event, pickHeaders(r.opts.Columns, hs))
	for _, l := range lines {
		b = appendCLI(b, l)
		b = append(b, '\n')
	}
	if r.prefix != "" {
		b = prefixLines(b, start, r.prefix)
	}
	r.buf = b
	return r.write()
}

// prefixLines puts prefix before every line of b[from:], which ends in a
// newline.
func prefixLines(b []byte, from int, prefix string) []byte {
	block := string(b[from:])
	b = b[:from]
	for line := range strings.Lines(block) {
		b = append(append(b, prefix...), line...)
	}
	return b
}

// appendBlock writes headers as aligned "Key: Value" lines, keys padded to
// the longest. event names the message for decoding codes.
func (r *Renderer) appendBlock(b []byte, event string, hs []ami.Header) []byte {
	kw := 0
	for _, h := range hs {
		kw = max(kw, displayWidth(h.Key))
	}
	for _, h := range hs {
		if h.Key == "" {
			// A header-less line (pre-15 Queues, IAXpeers text): the line
			// alone, as CLI text.
			b = appendCLI(b, h.Value)
			b = append(b, '\n')
			continue
		}
		b = r.appendKey(b, h.Key, kw, h.Value != "")
		b = r.appendValue(b, event, h.Key, h.Value)
		b = append(b, '\n')
	}
	return b
}

// appendKey writes "Key:" and, when a value follows, the spaces that align
// values at width+2.
func (r *Renderer) appendKey(b []byte, key string, width int, value bool) []byte {
	if r.opts.Color {
		b = append(b, sgrCyan...)
		b = appendVisible(b, key)
		b = append(b, ':')
		b = append(b, sgrReset...)
	} else {
		b = appendVisible(b, key)
		b = append(b, ':')
	}
	if !value {
		return b
	}
	return appendSpaces(b, width-displayWidth(key)+1)
}

func (r *Renderer) appendValue(b []byte, event, key, value string) []byte {
	meaning, decoded := Decode(event, key, value)
	if !r.opts.Color {
		b = appendVisible(b, value)
		if decoded {
			b = append(b, " ("...)
			b = append(b, meaning...)
			b = append(b, ')')
		}
		return b
	}
	style := ""
	switch {
	case strings.EqualFold(key, "Response"):
		switch {
		case strings.EqualFold(value, "Success"):
			style = sgrGreen
		case strings.EqualFold(value, "Error"), strings.EqualFold(value, "Failure"), strings.EqualFold(value, "Failed"):
			style = sgrRed
		}
	case strings.EqualFold(key, "Event"):
		style = sgrYellow
	}
	if style != "" {
		b = append(b, style...)
	}
	b = appendVisible(b, value)
	if style != "" {
		b = append(b, sgrReset...)
	}
	if decoded {
		b = append(b, ' ')
		b = append(b, sgrDim...)
		b = append(b, '(')
		b = append(b, meaning...)
		b = append(b, ')')
		b = append(b, sgrReset...)
	}
	return b
}

func appendSpaces(b []byte, n int) []byte {
	for ; n > 0; n-- {
		b = append(b, ' ')
	}
	return b
}

// needsEscape reports whether s may hold a byte appendVisible would change.
// It errs on the side of yes: 0x80–0x9F are also UTF-8 continuation bytes.
func needsEscape(s string) bool {
	for i := 0; i < len(s); i++ {
		if c := s[i]; c < 0x20 || c == 0x7f || c >= 0x80 && c <= 0x9f || c == 0xc2 {
			return true
		}
	}
	return false
}

// appendVisible appends s, one line, with every control character written
// as an escape: \r, \n and \t, other C0 characters and DEL as \xNN, C1
// (U+0080–U+009F) as \u00NN and a byte 0x80–0x9F that is not UTF-8 as
// \xNN. Colour sequences are shown, not removed: in a value they are data.
func appendVisible(b []byte, s string) []byte {
	if !needsEscape(s) {
		return append(b, s...)
	}
	for i := 0; i < len(s); {
		c := s[i]
		if c < utf8.RuneSelf {
			switch {
			case c == '\r':
				b = append(b, '\\', 'r')
			case c == '\n':
				b = append(b, '\\', 'n')
			case c == '\t':
				b = append(b, '\\', 't')
			case c < 0x20 || c == 0x7f:
				b = appendHexEscape(b, c)
			default:
				b = append(b, c)
			}
			i++
			continue
		}
		var size int
		b, size = appendNonASCII(b, s[i:])
		i += size
	}
	return b
}

// appendCLI appends a line of CLI text made safe for a terminal: colour
// removed, tabs kept, other control characters escaped. The caller ends the
// line with "\n", so a CR at its end (CLI text with CRLF line ends) is kept
// as part of that line end.
func appendCLI(b []byte, s string) []byte {
	if !needsTerminalWork(s) {
		return append(b, s...)
	}
	if n := len(s); s[n-1] == '\r' {
		return append(appendTerminalSafe(b, s[:n-1], true), '\r')
	}
	return appendTerminalSafe(b, s, true)
}

func visible(s string) string {
	if !needsEscape(s) {
		return s
	}
	return string(appendVisible(nil, s))
}

// displayWidth is the number of terminal columns s takes once made visible:
// East Asian wide characters take two, combining marks none.
func displayWidth(s string) int {
	ascii := true
	for i := 0; i < len(s); i++ {
		if c := s[i]; c >= utf8.RuneSelf || c < 0x20 || c == 0x7f {
			ascii = false
			break
		}
	}
	if ascii {
		return len(s)
	}
	w := 0
	for _, rn := range visible(s) {
		switch {
		case rn < utf8.RuneSelf:
			w++
		case unicode.Is(unicode.Mn, rn) || unicode.Is(unicode.Me, rn) || rn == '\u200b':
		case isWide(rn):
			w += 2
		default:
			w++
		}
	}
	return w
}

// isWide reports East Asian Wide and Fullwidth characters: Hangul, CJK,
// kana, fullwidth forms and the emoji blocks.
func isWide(r rune) bool {
	switch {
	case r < 0x1100:
		return false
	case r <= 0x115f, // Hangul Jamo
		r >= 0x2e80 && r <= 0x303e, // CJK radicals, punctuation
		r >= 0x3041 && r <= 0x33ff, // kana, CJK compatibility
		r >= 0x3400 && r <= 0x4dbf, // CJK extension A
		r >= 0x4e00 && r <= 0x9fff, // CJK unified
		r >= 0xa000 && r <= 0xa4cf, // Yi
		r >= 0xac00 && r <= 0xd7a3, // Hangul syllables
		r >= 0xf900 && r <= 0xfaff, // CJK compatibility ideographs
		r >= 0xfe30 && r <= 0xfe4f, // CJK compatibility forms
		r >= 0xff00 && r <= 0xff60, // fullwidth forms
		r >= 0xffe0 && r <= 0xffe6,
		r >= 0x1f300 && r <= 0x1f64f, // pictographs, emoticons
		r >= 0x1f900 && r <= 0x1f9ff,
		r >= 0x20000 && r <= 0x3fffd: // CJK extensions B and later
		return true
	}
	return false
}
