package completion

import (
	"slices"
	"strings"
)

// word is one word of a REPL line. Words are split on blanks; a double
// quote opens or closes a quoted run anywhere in a word, so
// `"core show channels"` and `Data="a b"` are one word each.
type word struct {
	start int    // offset of the word's first byte in the line
	raw   string // as typed, quotes included
	value string // with the quotes removed
	open  bool   // a quote is still open at the end of the line
}

// splitLine splits the text before the cursor into the finished words and
// the word under the cursor: the last one, or an empty word at the end when
// the text ends in a blank (or is empty).
func splitLine(s string) (done []word, cur word) {
	i := 0
	for {
		for i < len(s) && isBlank(s[i]) {
			i++
		}
		if i == len(s) {
			return done, word{start: len(s)}
		}
		start, quoted, quotes := i, false, false
		for i < len(s) && (quoted || !isBlank(s[i])) {
			if s[i] == '"' {
				quoted, quotes = !quoted, true
			}
			i++
		}
		w := word{start: start, raw: s[start:i], value: s[start:i], open: quoted}
		if quotes {
			w.value = strings.ReplaceAll(w.raw, `"`, "")
		}
		if i == len(s) {
			return done, w
		}
		done = append(done, w)
	}
}

func isBlank(c byte) bool { return c == ' ' || c == '\t' }

// splitLead splits the word under the cursor into what stays in front of
// every candidate (an opening quote) and the unquoted text to match.
func splitLead(w word) (lead, prefix string) {
	if strings.HasPrefix(w.raw, `"`) {
		return `"`, w.value
	}
	return "", w.value
}

// splitKeyValue splits a "Key=Value" or "--flag=value" word at its first
// '=': lead is the raw text through the '=' (and an opening quote right
// after it), key and prefix are unquoted.
func splitKeyValue(w word) (key, lead, prefix string, ok bool) {
	eq := strings.IndexByte(w.raw, '=')
	if eq < 0 {
		return "", "", "", false
	}
	lead, rest := w.raw[:eq+1], w.raw[eq+1:]
	if strings.HasPrefix(rest, `"`) {
		lead += `"`
		rest = rest[1:]
	}
	return unquote(w.raw[:eq]), lead, unquote(rest), true
}

func unquote(s string) string {
	if strings.IndexByte(s, '"') < 0 {
		return s
	}
	return strings.ReplaceAll(s, `"`, "")
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
		if prefixFold(c, prefix) {
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
		if prefixFold(c, prefix) {
			dst = append(dst, c)
			if n--; n == 0 {
				break
			}
		}
	}
	return dst
}

// prefixFold reports whether s starts with prefix ignoring case: ASCII by
// hand, anything else as Match does it.
func prefixFold(s, prefix string) bool {
	if len(s) < len(prefix) {
		return false
	}
	for i := 0; i < len(prefix); i++ {
		a, b := s[i], prefix[i]
		if a == b {
			continue
		}
		if a|b >= 0x80 {
			return hasPrefixFold(s, prefix)
		}
		if lowerASCII(a) != lowerASCII(b) {
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

// finish turns matched values into candidates: each behind lead, quoted when
// it holds a blank and no quote is open yet, then sorted and without repeats.
// It reuses values, which must be the caller's own.
func finish(values []string, lead string, open bool) []string {
	if len(values) == 0 {
		return nil
	}
	quotable := !open && !strings.HasSuffix(lead, `"`)
	if lead != "" || quotable {
		decorate(values, lead, quotable)
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

// decorate puts lead in front of every value, and quotes those with a
// blank when quotable. The new strings share one allocation: 10,000
// "Channel=..." candidates are one string, not 10,000.
func decorate(values []string, lead string, quotable bool) {
	size, changed := 0, false
	for _, v := range values {
		size += len(lead) + len(v)
		if quotable && hasBlank(v) {
			size += 2
			changed = true
		}
	}
	if lead == "" && !changed {
		return
	}
	var b strings.Builder
	b.Grow(size)
	ends := make([]int, len(values))
	for i, v := range values {
		b.WriteString(lead)
		if quotable && hasBlank(v) {
			b.WriteByte('"')
			b.WriteString(v)
			b.WriteByte('"')
		} else {
			b.WriteString(v)
		}
		ends[i] = b.Len()
	}
	all, start := b.String(), 0
	for i, end := range ends {
		values[i], start = all[start:end], end
	}
}

func hasBlank(s string) bool {
	return strings.IndexByte(s, ' ') >= 0 || strings.IndexByte(s, '\t') >= 0
}
