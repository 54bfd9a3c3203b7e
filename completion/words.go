package completion

import (
	"slices"
	"strings"

	"github.com/amsh/amsh/internal/lex"
)

// word is one word of a REPL line, as lex reads it (the shell splits the
// lines it runs by the same grammar), so `"core show channels"`,
// `Data="a b"`, `'Support Line'` and `Support\ Line` are one word each.
type word struct {
	start int    // offset of the word's first byte in the line
	raw   string // as typed, quotes and backslashes included
	value string // with the quotes and escapes removed
	open  bool   // the line ends inside the word's quote (or after a backslash)
}

// splitLine splits the text before the cursor into the finished words and
// the word under the cursor: the last one, or an empty word at the end when
// the text ends in a blank (or is empty).
func splitLine(s string) (done []word, cur word) {
	ws, _ := lex.Split(s)
	cur = word{start: len(s)}
	if n := len(ws); n > 0 && ws[n-1].End == len(s) {
		cur = toWord(s, ws[n-1])
		ws = ws[:n-1]
	}
	if len(ws) > 0 {
		done = make([]word, len(ws))
		for i, w := range ws {
			done[i] = toWord(s, w)
		}
	}
	return done, cur
}

func toWord(s string, w lex.Word) word {
	return word{start: w.Start, raw: s[w.Start:w.End], value: w.Text, open: w.Open}
}

// lead says how the candidates for the word under the cursor are written:
// each is text, then the candidate's value after kept, written to go on
// where text leaves off, so the line still reads as the shell reads it.
type lead struct {
	text   string    // the raw text kept in front of every candidate
	prefix string    // the unquoted text typed so far, to match values by
	kept   string    // the value's text already typed inside text (before an open quote)
	quote  lex.State // Plain, or the quote open at the end of text
	escape bool      // outside quotes, the word escapes with backslashes: so do the candidates
}

// leadAt splits the raw word w at byte i, where the value being completed
// starts (0, or after "Key=" or "--flag="):
//
//   - no quote open: the value is written whole after w.raw[:i], quoted when
//     it needs it ("Support Line" in double quotes), or escaped with
//     backslashes when the word already is (Support\ Line);
//   - a quote opened at or after i and left open ('su, Queue="Sup): what
//     was typed up to and with the quote stays, the rest of the value is
//     written inside that quote (so a value is offered only when what was
//     typed before the quote matches it exactly, case included);
//   - a quote opened before i ("Data=x): the value is written inside it.
//
// A double quote is left open, as typed, so more can be typed in it; a
// single quote is closed after the value, so the word is whole.
func leadAt(w word, i int) lead {
	ws, end := lex.Split(w.raw)
	if len(ws) != 1 {
		return lead{text: w.raw[:i], prefix: w.value}
	}
	before := textOf(w.raw[:i])
	ld := lead{text: w.raw[:i], prefix: strings.TrimPrefix(ws[0].Text, before)}
	switch end {
	case lex.Single, lex.Double:
		ld.quote = end
		if q := ws[0].Quote; q >= i {
			ld.text = w.raw[:q+1]
			ld.kept = strings.TrimPrefix(textOf(w.raw[:q+1]), before)
		}
	default:
		ld.escape = strings.IndexByte(w.raw[i:], '\\') >= 0
	}
	return ld
}

// textOf is what a part of one word reads as.
func textOf(raw string) string {
	if ws, _ := lex.Split(raw); len(ws) == 1 {
		return ws[0].Text
	}
	return ""
}

// splitKeyValue splits a "Key=Value" or "--flag=value" word at its first
// '=': key is unquoted, and ld writes the values after the '='.
func splitKeyValue(w word) (key string, ld lead, ok bool) {
	eq := strings.IndexByte(w.raw, '=')
	if eq < 0 {
		return "", lead{}, false
	}
	return textOf(w.raw[:eq]), leadAt(w, eq+1), true
}

// matchAppend appends the candidates that start with prefix, ignoring ASCII
// case (AMI names are case-insensitive), to dst. It is Match without the
// allocation per call, and fast enough for 10,000 channels per keystroke:
// the matches are counted first, so the result is allocated once.
func matchAppend(dst, candidates []string, prefix string) []string {
	if prefix == "" {
		return append(dst, candidates...)
	}
	first, n := -1, 0
	for i, c := range candidates {
		if hasPrefixFold(c, prefix) {
			if first < 0 {
				first = i
			}
			n++
		}
	}
	if n == 0 {
		return dst
	}
	dst = slices.Grow(dst, n)
	for _, c := range candidates[first:] {
		if hasPrefixFold(c, prefix) {
			dst = append(dst, c)
			if n--; n == 0 {
				break
			}
		}
	}
	return dst
}

// finish turns matched values into candidates written by ld (see lead),
// sorted and without repeats. It reuses values, which must be the caller's
// own.
func finish(values []string, ld lead) []string {
	if ld.kept != "" {
		values = slices.DeleteFunc(values, func(v string) bool { return !strings.HasPrefix(v, ld.kept) })
	}
	if len(values) == 0 {
		return nil
	}
	decorate(values, ld)
	return tidy(values)
}

// tidy sorts values and drops repeats.
func tidy(values []string) []string {
	if len(values) == 0 {
		return nil
	}
	// The lists are kept sorted, so one pass usually proves it.
	for i := 1; i < len(values); i++ {
		if values[i-1] >= values[i] {
			slices.Sort(values)
			return slices.Compact(values)
		}
	}
	return values
}

// decorate writes every value as ld says. The new strings share one
// allocation: 10,000 "Channel=..." candidates are one string, not 10,000.
func decorate(values []string, ld lead) {
	size, changed := 0, ld.text != "" || ld.quote != lex.Plain
	for _, v := range values {
		size += len(ld.text) + len(v) + 2
		if !changed && lex.NeedsQuoting(v) {
			changed = true
		}
	}
	if !changed {
		return
	}
	var b strings.Builder
	b.Grow(size)
	ends := make([]int, len(values))
	for i, v := range values {
		b.WriteString(ld.text)
		v = v[len(ld.kept):]
		switch {
		case ld.quote == lex.Single:
			b.WriteString(lex.Escape(v, lex.Single))
			b.WriteByte('\'')
		case ld.quote == lex.Double:
			b.WriteString(lex.Escape(v, lex.Double))
		case ld.escape:
			b.WriteString(lex.Escape(v, lex.Plain))
		default:
			b.WriteString(lex.Quote(v))
		}
		ends[i] = b.Len()
	}
	all, start := b.String(), 0
	for i, end := range ends {
		values[i], start = all[start:end], end
	}
}
