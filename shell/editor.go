package shell

import (
	"bufio"
	"errors"
	"io"
	"strings"
)

// Editor is where the REPL gets its lines and writes what arrives between
// them. On a terminal it is readline (editing, Tab, history, Ctrl-R); from a
// pipe, and in tests, it is plain lines.
type Editor interface {
	// Readline returns the next line without its line break. It returns
	// ErrInterrupt on Ctrl-C (the line is dropped) and io.EOF at the end of
	// input (Ctrl-D on an empty line).
	Readline() (string, error)
	// SetPrompt sets the prompt shown for the next line, and for the line
	// being edited at its next redraw.
	SetPrompt(string)
	// Stdout is where output that arrives while a line is being edited
	// goes: readline clears the prompt and the half-typed line, writes, and
	// draws them again below. Each Write should be whole lines.
	Stdout() io.Writer
	// SaveHistory adds a line to the history (the caller has checked it
	// holds no secret; editors check again).
	SaveHistory(string) error
	Close() error
}

// ErrInterrupt is what Readline returns on Ctrl-C.
var ErrInterrupt = errors.New("interrupt")

// lineEditor reads plain lines: batch mode (stdin is not a terminal) and
// tests. It shows no prompt and keeps no history.
type lineEditor struct {
	r   *bufio.Reader
	out io.Writer
}

// NewLineEditor returns an Editor reading lines from r; Stdout is out.
func NewLineEditor(r io.Reader, out io.Writer) Editor {
	return &lineEditor{r: bufio.NewReaderSize(r, 64<<10), out: out}
}

func (e *lineEditor) Readline() (string, error) {
	line, err := e.r.ReadString('\n')
	if err != nil {
		if line != "" && errors.Is(err, io.EOF) {
			return strings.TrimRight(line, "\r"), nil // a last line without its break
		}
		return "", err
	}
	return strings.TrimRight(line, "\r\n"), nil
}

func (e *lineEditor) SetPrompt(string)         {}
func (e *lineEditor) Stdout() io.Writer        { return e.out }
func (e *lineEditor) SaveHistory(string) error { return nil }
func (e *lineEditor) Close() error             { return nil }
