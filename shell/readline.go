package shell

import (
	"errors"
	"io"
	"strings"
	"sync"
	"unicode/utf8"

	"github.com/amsh/amsh/completion"
	"github.com/amsh/amsh/internal/lex"
	"github.com/chzyer/readline"
)

// rlEditor is the terminal Editor: chzyer/readline with amsh's completion
// and amsh's own history file.
type rlEditor struct {
	rl   *readline.Instance
	hist *historyFile
}

// ReadlineOptions configure NewReadlineEditor.
type ReadlineOptions struct {
	// HistoryFile is the history's path; "" keeps history in memory only.
	HistoryFile string
	// Complete answers a Tab from the text before the cursor. It must not
	// block: it reads a snapshot and, on a miss, starts a fetch and returns.
	Complete func(before string) completion.Result
}

// NewReadlineEditor returns a readline Editor on the process's terminal.
// The history file is loaded into readline's memory (Up, Ctrl-R) and
// appended to by SaveHistory.
func NewReadlineEditor(opts ReadlineOptions) (Editor, error) {
	var (
		hist  *historyFile
		lines []string
		herr  error
	)
	if opts.HistoryFile != "" {
		hist, lines, herr = openHistory(opts.HistoryFile)
	}
	ac := &completer{complete: opts.Complete}
	cfg := &readline.Config{
		// amsh writes the file itself (see historyFile); readline keeps the
		// lines in memory for Up, Down and Ctrl-R.
		HistoryLimit:           historyLimit,
		DisableAutoSaveHistory: true,
		HistorySearchFold:      true,
		InterruptPrompt:        "^C",
		EOFPrompt:              "exit",
		FuncGetWidth:           screenWidth,
	}
	if opts.Complete != nil {
		cfg.AutoComplete = ac
		cfg.Listener = ac
	}
	rl, err := readline.NewEx(cfg)
	if err != nil {
		hist.close()
		return nil, err
	}
	for _, l := range lines {
		rl.SaveHistory(l)
	}
	return &rlEditor{rl: rl, hist: hist}, herr
}

// screenWidth is the terminal's width, or 80 when the terminal reports none:
// a pty whose size was never set says 0 columns, and readline then rings
// the bell at every Tab instead of completing.
func screenWidth() int {
	if w := readline.GetScreenWidth(); w > 0 {
		return w
	}
	return 80
}

func (e *rlEditor) Readline() (string, error) {
	line, err := e.rl.Readline()
	if errors.Is(err, readline.ErrInterrupt) {
		return "", ErrInterrupt
	}
	return line, err
}

func (e *rlEditor) SetPrompt(p string) { e.rl.SetPrompt(p) }
func (e *rlEditor) Stdout() io.Writer  { return e.rl.Stdout() }

func (e *rlEditor) SaveHistory(line string) error {
	if holdsSecret(line) {
		return nil
	}
	e.rl.SaveHistory(line)
	return e.hist.add(line)
}

func (e *rlEditor) Close() error {
	err := e.rl.Close()
	if herr := e.hist.close(); err == nil {
		err = herr
	}
	return err
}

// completer adapts completion.Complete to readline, which can only append
// to the word before the cursor: it is given the suffixes of the candidates
// that extend the word. A single candidate whose case differs from what was
// typed ("coreshowch" → CoreShowChannels), or that is written differently
// (Sup → "Support Line", quoted), is put in place of the word by the
// Listener, which runs after the key and may rewrite the line.
type completer struct {
	complete func(before string) completion.Result

	mu  sync.Mutex
	fix *caseFix // set by Do, applied by OnChange for the same Tab
}

// caseFix replaces the runes [start, end) of the line, when they still
// read typed, with word.
type caseFix struct {
	start, end int
	typed      string
	word       []rune
}

func (c *completer) Do(line []rune, pos int) ([][]rune, int) {
	before := string(line[:pos])
	res := c.complete(before)
	suffixes, n, fix := insertions(res)
	c.mu.Lock()
	c.fix = nil
	if fix != "" {
		start, typed := pos-n, res.Word+suffixes[0]
		c.fix = &caseFix{start: start, end: start + utf8.RuneCountInString(typed), typed: typed, word: []rune(fix)}
	}
	c.mu.Unlock()
	out := make([][]rune, len(suffixes))
	for i, s := range suffixes {
		out[i] = []rune(s)
	}
	return out, n
}

// OnChange is readline's Listener: after a Tab it applies a pending case fix.
func (c *completer) OnChange(line []rune, pos int, key rune) ([]rune, int, bool) {
	if key != readline.CharTab {
		return nil, 0, false
	}
	c.mu.Lock()
	fix := c.fix
	c.fix = nil
	c.mu.Unlock()
	if fix == nil || fix.end > len(line) || string(line[fix.start:fix.end]) != fix.typed {
		return nil, 0, false
	}
	out := append(append(append([]rune(nil), line[:fix.start]...), fix.word...), line[fix.end:]...)
	if pos >= fix.end {
		pos += len(fix.word) - (fix.end - fix.start)
	}
	return out, pos, true
}

// insertions turns a completion result into what readline appends: the
// suffix of each candidate after the word typed (n runes of it), plus a
// space after a lone finished word. fix, when set, is the lone candidate
// whose case differs from what was typed, or the lone candidate that does
// not extend it at all (nothing is appended then): the line should end up
// holding it in place of the word.
func insertions(res completion.Result) (suffixes []string, n int, fix string) {
	word := res.Word
	n = utf8.RuneCountInString(word)
	var extends string // the candidate of the last suffix
	for _, c := range res.Candidates {
		if len(c) < len(word) || !strings.EqualFold(c[:len(word)], word) {
			continue // Word is always a prefix; be safe all the same
		}
		suffixes = append(suffixes, c[len(word):])
		extends = c
	}
	switch {
	case len(suffixes) == 1:
		c := word + suffixes[0]
		if extends != c {
			fix = extends
		}
		if finished(c) {
			suffixes[0] += " "
			if fix != "" {
				fix += " "
			}
		}
	case len(suffixes) == 0 && len(res.Candidates) == 1:
		suffixes, fix = []string{""}, res.Candidates[0]
		if finished(fix) {
			fix += " "
		}
	}
	return suffixes, n, fix
}

// finished reports whether a completed word is whole, so a space may follow:
// not a "Key=" or "--flag=" awaiting its value, not inside an open quote
// (read as the shell reads its lines).
func finished(w string) bool {
	if strings.HasSuffix(w, "=") {
		return false
	}
	_, end := lex.Split(w)
	return end == lex.Plain
}
