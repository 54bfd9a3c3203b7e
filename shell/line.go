package shell

import (
	"fmt"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/amsh/amsh/completion"
)

// kind is what a REPL line is: a subcommand, !CLI, an action with
// Key=Value arguments, a raw block, or a built-in.
type kind int

const (
	kindBuiltin    kind = iota // help, events on|off|filter, watch, use, exit, quit
	kindSubcommand             // hangup PJSIP/ep1-0001: an amsh subcommand
	kindCLI                    // !core show channels: a CLI command
	kindAction                 // Setvar Channel=... Variable=x Value=1
	kindBlock                  // Action: Originate, the first line of a raw block
	kindWatch                  // watch 5s queue summary: a line re-run with --watch
)

var kindNames = [...]string{"builtin", "subcommand", "cli", "action", "block", "watch"}

func (k kind) String() string { return kindNames[k] }

// line is a parsed REPL line.
type line struct {
	kind  kind
	words []string // builtin and subcommand: the words; action: name then KEY=VALUE words; watch: what to dispatch
	text  string   // cli: the CLI command; block: the action's name
}

// classifier says what the first word of a line names. Subcommands are
// matched exactly ("hangup" is the subcommand, "Hangup" the action);
// actions case-insensitively, and action returns the server's spelling.
type classifier struct {
	subcommand func(word string) bool
	action     func(word string) (name string, ok bool)
}

// lineError is a mistake in the line itself, found before anything is sent.
type lineError struct{ msg string }

func (e *lineError) Error() string { return e.msg }

func lineErrorf(format string, a ...any) error { return &lineError{msg: fmt.Sprintf(format, a...)} }

// parse reads one non-empty line (outside a raw block).
func (c classifier) parse(s string) (line, error) {
	s = strings.TrimSpace(s)
	if rest, ok := strings.CutPrefix(s, "!"); ok {
		rest = strings.TrimSpace(rest)
		if rest == "" {
			return line{}, lineErrorf("! needs a CLI command, e.g. !core show channels")
		}
		return line{kind: kindCLI, text: rest}, nil
	}
	if key, val, ok := strings.Cut(s, ":"); ok && strings.EqualFold(strings.TrimSpace(key), "Action") && !strings.ContainsAny(key, " \t\"'") {
		name := strings.TrimSpace(val)
		if !completion.IsActionName(name) {
			return line{}, lineErrorf("raw block: %q is not an action name", name)
		}
		if n, ok := c.action(name); ok {
			name = n
		}
		return line{kind: kindBlock, text: name}, nil
	}
	words, err := splitWords(s)
	if err != nil {
		return line{}, lineErrorf("%v in %q", err, s)
	}
	if len(words) == 0 {
		return line{}, lineErrorf("empty line")
	}
	first := words[0]
	switch {
	case first == "watch":
		return c.watch(s)
	case isBuiltin(words):
		return line{kind: kindBuiltin, words: words}, nil
	case c.subcommand(first):
		return line{kind: kindSubcommand, words: words}, nil
	}
	if name, ok := c.action(first); ok {
		words[0] = name
		return line{kind: kindAction, words: words}, nil
	}
	return line{}, lineErrorf("unknown command %q: not a subcommand, an action or a built-in (type 'help')", first)
}

// args are the words a subcommand, CLI, action or watch line dispatches.
func (l line) args() []string {
	switch l.kind {
	case kindCLI:
		return []string{"command", "--", l.text}
	case kindAction:
		return append([]string{"action"}, l.words...)
	}
	return l.words
}

// watch reads "watch [INTERVAL] LINE": LINE, a subcommand, !CLI or action
// line, is dispatched with --watch[=INTERVAL], which re-runs it until
// Ctrl-C (the subcommand says whether it may be re-run).
func (c classifier) watch(s string) (line, error) {
	rest := strings.TrimSpace(strings.TrimPrefix(s, "watch"))
	flag := "--watch"
	if f := strings.Fields(rest); len(f) > 0 && isInterval(f[0]) {
		flag += "=" + f[0]
		rest = strings.TrimSpace(rest[len(f[0]):])
	}
	if rest == "" {
		return line{}, lineErrorf("watch: needs a line to re-run, e.g. watch 5s queue summary")
	}
	l, err := c.parse(rest)
	if err != nil {
		return line{}, err
	}
	if l.kind != kindSubcommand && l.kind != kindCLI && l.kind != kindAction {
		return line{}, lineErrorf("watch: %q is a %s line; watch re-runs a subcommand, a !CLI command or an action", rest, l.kind)
	}
	args := l.args()
	at := slices.Index(args, "--") // the flag goes before the words taken as they are
	if at < 0 {
		at = len(args)
	}
	return line{kind: kindWatch, words: slices.Insert(args, at, flag)}, nil
}

// isInterval says whether w is watch's INTERVAL (5s, 500ms, 2) rather than
// the start of the line: no subcommand or action name parses as one.
func isInterval(w string) bool {
	if _, err := time.ParseDuration(w); err == nil {
		return true
	}
	_, err := strconv.ParseFloat(w, 64)
	return err == nil
}

// isBuiltin reports whether the words are one of the REPL's own commands.
// "events" alone or with on, off or filter is the built-in; with anything
// else (events --filter X --count 5) it is the `events` subcommand.
func isBuiltin(words []string) bool {
	switch words[0] {
	case "help", "?", "exit", "quit", "watch", "use":
		return true
	case "events":
		return len(words) == 1 || words[1] == "on" || words[1] == "off" || words[1] == "filter"
	}
	return false
}

// looksLikeAction is the rule for a word the server's action list does not
// (yet) name: an action-like word with a capital letter, CoreShowChannels
// or PJSIPShowEndpoints, is taken for an action; subcommands are lower case.
func looksLikeAction(w string) bool {
	return completion.IsActionName(w) && strings.ContainsAny(w, "ABCDEFGHIJKLMNOPQRSTUVWXYZ")
}

// header parses a raw block's "Key: Value" line. The key must be a header
// name; the value keeps everything after the colon but leading blanks.
func header(s string) (key, value string, err error) {
	k, v, ok := strings.Cut(s, ":")
	k = strings.TrimSpace(k)
	if !ok || k == "" {
		return "", "", lineErrorf("raw block: %q is not a Key: Value line (an empty line sends the block, Ctrl-C drops it)", s)
	}
	if !completion.IsActionName(k) || strings.HasPrefix(k, "-") {
		return "", "", lineErrorf("raw block: %q is not a header name", k)
	}
	return k, strings.TrimLeft(v, " \t"), nil
}
