package render

import (
	"strconv"
	"strings"
	"time"
	"unicode"
	"unicode/utf8"

	"github.com/amsh/amsh/ami"
)

// An event in the REPL is one line above the prompt, not the Key: Value
// block `amsh events` prints: a block per event would push what the user is
// typing off the screen. The line is
//
//	[12:00:01] Newchannel Channel=PJSIP/ep1-0001 ChannelState=4 (Ring) ...
//
// Channel first, then the event's own headers, then the channel snapshot
// Asterisk repeats in every channel event (ChannelState, CallerIDNum,
// Uniqueid...), each group in arrival order. Numeric codes are decoded as
// Decode decodes them; empty and "<unknown>" values and Privilege are left
// out; a value with a blank, a quote, a backslash or anything not printable
// is quoted (so a CallerIDName cannot move the cursor); the whole is cut to
// the terminal width with "…" so it never wraps (a wrapped line breaks
// readline's redraw of the prompt). Width is display width, as everywhere
// in render: a CJK character takes two columns.

// AppendEventLine appends m's one-line summary and a newline to b. width is
// the terminal's in columns (0: no limit); at is the time shown; colour dims
// the time and colours the event name.
func AppendEventLine(b []byte, m *ami.Message, at time.Time, width int, colour bool) []byte {
	start := len(b)
	visible := 0 // columns written so far, escapes excluded
	limit := 0
	if width > 0 {
		limit = width - 1 // the last column would make some terminals wrap
	}
	full := false
	// put appends s if it fits and leaves a column for "…"; when it does
	// not, as much of it as fits and "…". So the line is never wider than
	// limit, even cut right after a wide character.
	put := func(s string) {
		if full {
			return
		}
		n := displayWidth(s)
		if limit == 0 || visible+n < limit {
			b = append(b, s...)
			visible += n
			return
		}
		room := limit - visible - 1 // "…" takes one column
		for _, r := range s {
			w := displayWidth(string(r))
			if w > room {
				break
			}
			b = utf8.AppendRune(b, r)
			room -= w
		}
		b = append(b, "…"...)
		full = true
	}
	style := func(sgr string) {
		if colour && !full {
			b = append(b, sgr...)
		}
	}

	style(sgrDim)
	put(at.Format("[15:04:05]"))
	style(sgrReset)
	event := m.Event()
	put(" ")
	style(sgrYellow)
	put(quoteIfNeeded(event))
	style(sgrReset)
	for pass := 0; pass < 3 && !full; pass++ {
		for _, h := range m.Headers {
			if skipInLine(h) {
				continue
			}
			channel := strings.EqualFold(h.Key, "Channel")
			switch pass {
			case 0: // Channel
				if !channel {
					continue
				}
			case 1: // what this event says
				if channel || snapshotHeader(h.Key) {
					continue
				}
			case 2: // the channel snapshot
				if !snapshotHeader(h.Key) {
					continue
				}
			}
			put(" ")
			put(quoteIfNeeded(h.Key))
			put("=")
			put(quoteIfNeeded(h.Value))
			if meaning, ok := Decode(event, h.Key, h.Value); ok {
				put(" (" + meaning + ")")
			}
			if full {
				break
			}
		}
	}
	if colour && full {
		b = append(b, sgrReset...)
	}
	if len(b) == start {
		return b
	}
	return append(b, '\n')
}

// skipInLine leaves out what says nothing in one line: the name (already
// first), Privilege, and empty or "<unknown>" values.
func skipInLine(h ami.Header) bool {
	return h.Value == "" || h.Value == "<unknown>" ||
		strings.EqualFold(h.Key, "Event") || strings.EqualFold(h.Key, "Privilege")
}

// snapshotSuffixes end the names of the channel snapshot headers Asterisk
// puts in every channel event, with or without a prefix (DestChannelState).
var snapshotSuffixes = []string{
	"channelstate", "channelstatedesc", "calleridnum", "calleridname",
	"connectedlinenum", "connectedlinename", "language", "accountcode",
	"context", "exten", "priority", "uniqueid", "linkedid",
}

// SnapshotHeader reports whether key is one of the channel snapshot headers
// Asterisk repeats in every channel event (ChannelState, CallerIDNum,
// Uniqueid, Linkedid, ... with or without a prefix such as Dest).
func SnapshotHeader(key string) bool { return snapshotHeader(key) }

func snapshotHeader(key string) bool {
	k := strings.ToLower(key)
	for _, s := range snapshotSuffixes {
		if strings.HasSuffix(k, s) {
			return true
		}
	}
	return false
}

// quoteIfNeeded quotes s (Go syntax) when it is empty or holds a blank, a
// quote, a backslash, invalid UTF-8 or a character that is not printable
// (control and format characters, such as bidirectional overrides), so the
// line stays one line of KEY=VALUE words and the terminal only shows it.
func quoteIfNeeded(s string) string {
	if s == "" {
		return `""`
	}
	for _, r := range s {
		if r == utf8.RuneError || r == ' ' || r == '"' || r == '\\' || unicode.IsSpace(r) || !strconv.IsPrint(r) {
			return strconv.Quote(s)
		}
	}
	return s
}
