package render

import (
	"strings"
	"unicode/utf8"

	"github.com/amsh/amsh/ami"
)

// JSON is written by hand: encoding/json sorts map keys, and AMI's header
// order is part of what the user asked to see. Objects keep headers in
// arrival order under their names as received; a repeated header (Output,
// Variable, ChanVariable) becomes one key holding an array, at the place of
// its first occurrence. A result document always has "response" (null when
// none arrived) and "events" ([] for a plain action, so scripts can iterate
// without a check); "output" only for Command replies, where it replaces the
// Output headers in "response"; "complete" only when a list ended with one.
// The stream path appends into the Renderer's reused buffer and writes once
// per message, so it does not allocate.

// Documents for one action are pretty-printed (people read them as often
// as jq does) in the layout json.Indent gives; stream lines are compact.
// depth is the nesting level of the value being written, or compact (-1).
const compact = -1

func newline(b []byte, depth int) []byte {
	if depth < 0 {
		return b
	}
	b = append(b, '\n')
	for ; depth > 0; depth-- {
		b = append(b, ' ', ' ')
	}
	return b
}

func appendKeyJSON(b []byte, key string, depth int) []byte {
	b = newline(b, depth)
	b = appendStringJSON(b, key)
	if depth < 0 {
		return append(b, ':')
	}
	return append(b, ':', ' ')
}

func inner(depth int) int {
	if depth < 0 {
		return compact
	}
	return depth + 1
}

func (r *Renderer) jsonResult(res *ami.Result) error {
	b := append(r.buf[:0], '{')
	lines, isCommand := res.Output()
	b = appendKeyJSON(b, "response", 1)
	if res.Response == nil {
		b = append(b, "null"...)
	} else {
		b = r.appendHeadersJSON(b, res.Response.Headers, isCommand, nil, 1)
	}
	if isCommand {
		b = append(b, ',')
		b = appendKeyJSON(b, "output", 1)
		b = appendStringsJSON(b, lines, 1)
	}
	b = append(b, ',')
	b = appendKeyJSON(b, "events", 1)
	b = append(b, '[')
	for i, ev := range res.Events {
		if i > 0 {
			b = append(b, ',')
		}
		b = newline(b, 2)
		b = r.appendMessageJSON(b, ev, 2)
		b = r.spill(b)
	}
	if len(res.Events) > 0 {
		b = newline(b, 1)
	}
	b = append(b, ']')
	if res.Complete != nil {
		b = append(b, ',')
		b = appendKeyJSON(b, "complete", 1)
		b = r.appendMessageJSON(b, res.Complete, 1)
	}
	b = newline(b, 0)
	b = append(b, '}', '\n')
	r.buf = b
	return r.write()
}

func (r *Renderer) jsonTable(cols []string, rows [][]string) error {
	b := append(r.buf[:0], '[')
	for i, row := range rows {
		if i > 0 {
			b = append(b, ',')
		}
		b = newline(b, 1)
		b = append(b, '{')
		for j, c := range cols {
			if j > 0 {
				b = append(b, ',')
			}
			b = appendKeyJSON(b, c, 2)
			v := ""
			if j < len(row) {
				v = row[j]
			}
			b = appendStringJSON(b, v)
		}
		if len(cols) > 0 {
			b = newline(b, 1)
		}
		b = append(b, '}')
		b = r.spill(b)
	}
	if len(rows) > 0 {
		b = newline(b, 0)
	}
	b = append(b, ']', '\n')
	r.buf = b
	return r.write()
}

// appendMessageJSON appends m as one object. The CLI text of a legacy
// Command reply, which has no header of its own, is added as "output".
func (r *Renderer) appendMessageJSON(b []byte, m *ami.Message, depth int) []byte {
	var legacy []string
	if m.Legacy {
		legacy, _ = m.CommandOutput()
	}
	return r.appendHeadersJSON(b, m.Headers, false, legacy, depth)
}

// appendHeadersJSON appends headers as one object, leaving out Output
// headers when skipOutput is set (they are the result's "output" then), and
// adding output (when not nil) as "output".
func (r *Renderer) appendHeadersJSON(b []byte, hs []ami.Header, skipOutput bool, output []string, depth int) []byte {
	g := &r.group
	g.reset(hs)
	in := inner(depth)
	b = append(b, '{')
	empty := true
	for i := range hs {
		if !g.isFirst(i) {
			continue
		}
		if skipOutput && strings.EqualFold(hs[i].Key, "Output") {
			continue
		}
		if !empty {
			b = append(b, ',')
		}
		empty = false
		b = appendKeyJSON(b, hs[i].Key, in)
		next := g.next(i)
		if next < 0 {
			b = appendStringJSON(b, hs[i].Value)
			continue
		}
		b = append(b, '[')
		b = newline(b, inner(in))
		b = appendStringJSON(b, hs[i].Value)
		for j := next; j >= 0; j = g.next(j) {
			b = append(b, ',')
			b = newline(b, inner(in))
			b = appendStringJSON(b, hs[j].Value)
		}
		b = newline(b, in)
		b = append(b, ']')
	}
	if output != nil {
		if !empty {
			b = append(b, ',')
		}
		empty = false
		b = appendKeyJSON(b, "output", in)
		b = appendStringsJSON(b, output, in)
	}
	if !empty {
		b = newline(b, depth)
	}
	return append(b, '}')
}

func appendStringsJSON(b []byte, ss []string, depth int) []byte {
	b = append(b, '[')
	for i, s := range ss {
		if i > 0 {
			b = append(b, ',')
		}
		b = newline(b, inner(depth))
		b = appendStringJSON(b, s)
	}
	if len(ss) > 0 {
		b = newline(b, depth)
	}
	return append(b, ']')
}

// jsonSafe marks the ASCII bytes that go into a JSON string unescaped.
// Unlike encoding/json, <, > and & are left alone: this is not HTML.
var jsonSafe = func() (t [utf8.RuneSelf]bool) {
	for c := 0x20; c < utf8.RuneSelf; c++ {
		t[c] = c != '"' && c != '\\'
	}
	return t
}()

const hexDigits = "0123456789abcdef"

const (
	lsb = 0x0101010101010101
	msb = 0x8080808080808080
)

// needsJSONWork reports, eight bytes at a time, whether w holds a byte that
// is not plain ASCII to copy: below 0x20, '"', '\\' or non-ASCII.
func needsJSONWork(w string) bool {
	x := uint64(w[0]) | uint64(w[1])<<8 | uint64(w[2])<<16 | uint64(w[3])<<24 |
		uint64(w[4])<<32 | uint64(w[5])<<40 | uint64(w[6])<<48 | uint64(w[7])<<56
	ctl := (x - lsb*0x20) &^ x
	q := x ^ (lsb * '"')
	q = (q - lsb) &^ q
	bs := x ^ (lsb * '\\')
	bs = (bs - lsb) &^ bs
	return (ctl|q|bs|x)&msb != 0
}

// appendStringJSON appends s as a JSON string, escaped as encoding/json
// does: control characters escaped, U+2028 and U+2029 escaped for
// JavaScript, and invalid UTF-8 (a Latin-1 CallerIDName) replaced by U+FFFD
// so the document stays valid. C1 controls (U+0080–U+009F) are escaped as
// well, so a document printed on a terminal cannot drive it.
func appendStringJSON(b []byte, s string) []byte {
	b = append(b, '"')
	start := 0
	for i := 0; i < len(s); {
		for i+8 <= len(s) && !needsJSONWork(s[i:i+8]) {
			i += 8
		}
		if i >= len(s) {
			break
		}
		c := s[i]
		if c < utf8.RuneSelf {
			if jsonSafe[c] {
				i++
				continue
			}
			b = append(b, s[start:i]...)
			switch c {
			case '"', '\\':
				b = append(b, '\\', c)
			case '\n':
				b = append(b, '\\', 'n')
			case '\r':
				b = append(b, '\\', 'r')
			case '\t':
				b = append(b, '\\', 't')
			case '\b':
				b = append(b, '\\', 'b')
			case '\f':
				b = append(b, '\\', 'f')
			default:
				b = append(b, '\\', 'u', '0', '0', hexDigits[c>>4], hexDigits[c&0xf])
			}
			i++
			start = i
			continue
		}
		rn, size := utf8.DecodeRuneInString(s[i:])
		if rn == utf8.RuneError && size == 1 {
			b = append(b, s[start:i]...)
			b = append(b, `\ufffd`...)
			i += size
			start = i
			continue
		}
		if rn <= 0x9f {
			// A C1 control (U+0080–U+009F): valid JSON as it is, but some
			// terminals act on it, so it is escaped, which encoding/json
			// does not do.
			b = append(b, s[start:i]...)
			b = append(b, '\\', 'u', '0', '0', hexDigits[rn>>4], hexDigits[rn&0xf])
			i += size
			start = i
			continue
		}
		if rn == '\u2028' || rn == '\u2029' {
			b = append(b, s[start:i]...)
			b = append(b, '\\', 'u', '2', '0', '2', hexDigits[rn&0xf])
			i += size
			start = i
			continue
		}
		i += size
	}
	b = append(b, s[start:]...)
	return append(b, '"')
}

// grouper finds repeated headers, names compared ignoring ASCII case as
// Asterisk's strcasecmp does. Small messages, nearly all of them, are scanned in place without
// allocating; big ones (a long Command reply in a decoded stream) get an
// index so the cost stays linear.
type grouper struct {
	hs    []ami.Header
	big   bool
	dups  bool    // small messages: some key may repeat
	nexts []int32 // index of the next header with the same key, or -1
	first []bool
	index map[string]int32 // folded key -> last index seen
}

const grouperScanMax = 48

func (g *grouper) reset(hs []ami.Header) {
	g.hs = hs
	g.big = len(hs) > grouperScanMax
	if !g.big {
		g.dups = mayRepeat(hs)
		return
	}
	if cap(g.nexts) < len(hs) {
		g.nexts = make([]int32, len(hs))
		g.first = make([]bool, len(hs))
	}
	g.nexts = g.nexts[:len(hs)]
	g.first = g.first[:len(hs)]
	if g.index == nil {
		g.index = make(map[string]int32, len(hs))
	} else {
		clear(g.index)
	}
	for i := range hs {
		g.nexts[i] = -1
		k := asciiLower(hs[i].Key)
		if last, ok := g.index[k]; ok {
			g.nexts[last] = int32(i)
			g.first[i] = false
		} else {
			g.first[i] = true
		}
		g.index[k] = int32(i)
	}
}

// mayRepeat is a cheap screen run on every small message: most have no
// repeated header, and comparing a signature of each name (length, first
// middle and last letter folded) rules that out without comparing strings.
func mayRepeat(hs []ami.Header) bool {
	var sig [grouperScanMax]uint32
	for i, h := range hs {
		k := h.Key
		s := uint32(len(k)) << 24
		if len(k) > 0 {
			s |= uint32(k[0]|0x20)<<16 | uint32(k[len(k)/2]|0x20)<<8 | uint32(k[len(k)-1]|0x20)
		}
		for j := 0; j < i; j++ {
			if sig[j] == s {
				return true
			}
		}
		sig[i] = s
	}
	return false
}

// isFirst reports whether header i is the first with its key.
func (g *grouper) isFirst(i int) bool {
	if g.big {
		return g.first[i]
	}
	if !g.dups {
		return true
	}
	k := g.hs[i].Key
	for j := 0; j < i; j++ {
		if sameKey(g.hs[j].Key, k) {
			return false
		}
	}
	return true
}

// next returns the index of the next header after i with the same key, or -1.
func (g *grouper) next(i int) int {
	if g.big {
		return int(g.nexts[i])
	}
	if !g.dups {
		return -1
	}
	k := g.hs[i].Key
	for j := i + 1; j < len(g.hs); j++ {
		if sameKey(g.hs[j].Key, k) {
			return j
		}
	}
	return -1
}

// sameKey compares header names ignoring ASCII case.
func sameKey(a, b string) bool {
	if len(a) != len(b) {
		return false
	}
	for i := 0; i < len(a); i++ {
		if x, y := a[i], b[i]; x != y && lowerASCII(x) != lowerASCII(y) {
			return false
		}
	}
	return true
}

func lowerASCII(c byte) byte {
	if 'A' <= c && c <= 'Z' {
		return c + 'a' - 'A'
	}
	return c
}

func asciiLower(s string) string {
	for i := 0; i < len(s); i++ {
		if 'A' <= s[i] && s[i] <= 'Z' {
			b := []byte(s)
			for j := i; j < len(b); j++ {
				b[j] = lowerASCII(b[j])
			}
			return string(b)
		}
	}
	return s
}
