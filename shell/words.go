package shell

import (
	"errors"
	"strings"
)

// errUnclosedQuote is a line whose quote is never closed.
var errUnclosedQuote = errors.New("unclosed quote")

// splitWords splits a line into words the way a POSIX shell does, without
// expansions: blanks separate words; 'single quotes' keep everything
// literally; "double quotes" keep everything but a backslash before " or \;
// outside quotes a backslash keeps the next character. A quoted empty
// string ("") is a word. So `originate Local/long@amsh --var "A=two words"`
// is four words, the last one `A=two words`.
func splitWords(line string) ([]string, error) {
	var (
		words  []string
		cur    strings.Builder
		inWord bool
	)
	for i := 0; i < len(line); i++ {
		c := line[i]
		switch {
		case c == ' ' || c == '\t':
			if inWord {
				words = append(words, cur.String())
				cur.Reset()
				inWord = false
			}
		case c == '\\':
			inWord = true
			if i+1 < len(line) {
				i++
				cur.WriteByte(line[i])
			}
		case c == '\'':
			inWord = true
			end := strings.IndexByte(line[i+1:], '\'')
			if end < 0 {
				return nil, errUnclosedQuote
			}
			cur.WriteString(line[i+1 : i+1+end])
			i += end + 1
		case c == '"':
			inWord = true
			closed := false
			for i++; i < len(line); i++ {
				c := line[i]
				if c == '"' {
					closed = true
					break
				}
				if c == '\\' && i+1 < len(line) && (line[i+1] == '"' || line[i+1] == '\\') {
					i++
					c = line[i]
				}
				cur.WriteByte(c)
			}
			if !closed {
				return nil, errUnclosedQuote
			}
		default:
			inWord = true
			cur.WriteByte(c)
		}
	}
	if inWord {
		words = append(words, cur.String())
	}
	return words, nil
}
