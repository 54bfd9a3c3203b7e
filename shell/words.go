package shell

import (
	"errors"

	"github.com/amsh/amsh/internal/lex"
)

// errUnclosedQuote is a line whose quote is never closed.
var errUnclosedQuote = errors.New("unclosed quote")

// splitWords splits a line into words by lex's grammar, the one completion
// reads too: blanks separate words, 'single' and "double" quotes and
// backslashes as in a POSIX shell, without expansions. So `originate
// Local/long@amsh --var "A=two words"` is four words, the last one
// `A=two words`. A quote left open is an error; a backslash at the end of
// the line keeps nothing.
func splitWords(line string) ([]string, error) {
	ws, end := lex.Split(line)
	if end == lex.Single || end == lex.Double {
		return nil, errUnclosedQuote
	}
	if len(ws) == 0 {
		return nil, nil
	}
	words := make([]string, len(ws))
	for i, w := range ws {
		words[i] = w.Text
	}
	return words, nil
}
