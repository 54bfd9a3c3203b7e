// Package lex splits a REPL line into words. The shell runs the words and
// completion completes the last one, so both read a line the same way: the
// grammar is here, once.
//
// The grammar is a POSIX shell's without expansions: blanks (space, tab)
// separate words; 'single quotes' keep everything literally; "double
// quotes" keep everything but a backslash before " or \, which stands for
// that character; outside quotes a backslash keeps the next character. A
// quoted empty string ("") is a word. So `originate Local/long@amsh --var
// "A=two words"` is four words, the last one `A=two words`.
package lex

import (
	"strconv"
	"strings"
)

// State is where a line ends: outside quotes, inside a quote, or right
// after a backslash outside quotes.
type State uint8

const (
	Plain     State = iota // outside quotes
	Single                 // inside '...'
	Double                 // inside "..."
	Backslash              // after a backslash, outside quotes
)

var stateNames = [...]string{"plain", "single", "double", "backslash"}

func (s State) String() string {
	if int(s) < len(stateNames) {
		return stateNames[s]
	}
	return "State(" + strconv.Itoa(int(s)) + ")"
}

// Word is one word of a line.
type Word struct {
	// Start and End are the word's byte offsets in the line: line[Start:End]
	// is the word as typed, quotes and backslashes included.
	Start, End int
	// Text is the word with its quotes and escapes removed.
	Text string
	// Open reports that the line ends inside this word: in a quote, or
	// right after a backslash. Only the last word can be open.
	Open bool
	// Quote is the offset in the line of the quote still open at the end
	// of the line, -1 when none is.
	Quote int
}

// Split splits line into words and says where the line ends. A quote left
// open runs to the end of the line: its text is part of the last word,
// which is then Open, and end is Single or Double. A backslash at the end
// keeps nothing (the last word is Open, end is Backslash).
func Split(line string) (words []Word, end State) {
	i := 0
	for {
		for i < len(line) && isBlank(line[i]) {
			i++
		}
		if i == len(line) {
			return words, Plain
		}
		w, st := scan(line, i)
		words = append(words, w)
		if st != Plain {
			return words, st
		}
		i = w.End
	}
}

// scan reads the word that starts at line[start], a non-blank.
func scan(line string, start int) (Word, State) {
	var (
		b       []byte
		special bool // a quote or backslash was seen: the text is b
		st      = Plain
		quote   = -1
		i       = start
	)
	mark := func() {
		if !special {
			special = true
			b = append(make([]byte, 0, len(line)-start), line[start:i]...)
		}
	}
loop:
	for i < len(line) {
		c := line[i]
		switch c {
		case ' ', '\t':
			break loop
		case '\\':
			mark()
			if i+1 == len(line) {
				i, st = len(line), Backslash
				break loop
			}
			b = append(b, line[i+1])
			i += 2
		case '\'':
			mark()
			end := strings.IndexByte(line[i+1:], '\'')
			if end < 0 {
				b = append(b, line[i+1:]...)
				i, st, quote = len(line), Single, i
				break loop
			}
			b = append(b, line[i+1:i+1+end]...)
			i += end + 2
		case '"':
			mark()
			open := i
			for i++; i < len(line) && line[i] != '"'; i++ {
				if line[i] == '\\' && i+1 < len(line) && (line[i+1] == '"' || line[i+1] == '\\') {
					i++
				}
				b = append(b, line[i])
			}
			if i == len(line) {
				st, quote = Double, open
				break loop
			}
			i++ // the closing quote
		default:
			if special {
				b = append(b, c)
			}
			i++
		}
	}
	w := Word{Start: start, End: i, Text: line[start:i], Open: st != Plain, Quote: quote}
	if special {
		w.Text = string(b)
	}
	return w, st
}

func isBlank(c byte) bool { return c == ' ' || c == '\t' }

// special are the bytes that mean something outside quotes.
const special = " \t'\"\\"

// NeedsQuoting reports whether s must be quoted or escaped to be read back
// as one word: it is empty, or holds a blank, a quote or a backslash.
func NeedsQuoting(s string) bool {
	return s == "" || strings.ContainsAny(s, special)
}

// Escape returns s written so that, typed where a line is in state st, it
// reads back as s and leaves the line in st: outside quotes (Plain or
// Backslash) a backslash before each blank, quote and backslash; in single
// quotes each ' as '\” (close, an escaped quote, reopen); in double
// quotes a backslash before each " and \. s itself is returned when it
// needs nothing.
func Escape(s string, st State) string {
	var set string
	switch st {
	case Single:
		set = "'"
	case Double:
		set = `"\`
	default:
		set = special
	}
	if !strings.ContainsAny(s, set) {
		return s
	}
	var b strings.Builder
	b.Grow(len(s) + 8)
	for i := 0; i < len(s); i++ {
		c := s[i]
		if strings.IndexByte(set, c) < 0 {
			b.WriteByte(c)
			continue
		}
		if st == Single {
			b.WriteString(`'\''`)
			continue
		}
		b.WriteByte('\\')
		b.WriteByte(c)
	}
	return b.String()
}

// Quote returns s as one word: s itself when it needs no quoting, else in
// double quotes.
func Quote(s string) string {
	if !NeedsQuoting(s) {
		return s
	}
	return `"` + Escape(s, Double) + `"`
}
