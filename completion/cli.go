package completion

import (
	"context"
	"fmt"
	"maps"
	"slices"
	"strings"

	"github.com/amsh/amsh/ami"
)

// maxCLIEntries bounds the CLI cache; past it, the cache starts over.
const maxCLIEntries = 512

// FetchCLI asks the server for its CLI completion of q and stores the words
// in snap.CLI under CLIKey(q.Line), with q.Word in snap.CLIWord.
//
// It sends Action: Command, Command: _command matchesarray "LINE WORD"
// "WORD": Asterisk wants the line up to the cursor, word included; given a
// line that ends before the word it completes the previous word instead.
// Asterisk filters by WORD (ignoring case), so the entry answers every later
// Tab whose word extends q.Word without asking again. When Asterisk refuses
// (no command rights) an empty entry is stored all the same, so the shell
// stops asking; the error is still returned.
//
// The whole reply is one Output line, so a position with thousands of
// candidates ("core show channel " with 10,000 channels) makes a line longer
// than ami.ReaderOptions.MaxLine (64 KiB by default), which the session's
// reader takes for a protocol error, ending the connection. A shell that
// offers CLI completion on a big server wants a larger MaxLine.
func FetchCLI(ctx context.Context, s Sender, st *Store, q CLIQuery) error {
	key := CLIKey(q.Line)
	line := key
	if line != "" {
		line += " "
	}
	line += q.Word
	cmd := `_command matchesarray "` + cliEscape(line) + `" "` + cliEscape(q.Word) + `"`
	res, err := s.Send(ctx, ami.NewAction("Command", "Command", cmd))
	if err != nil && !isActionError(err) {
		return fmt.Errorf("CLI completion of %q: %w", line, err)
	}
	words := []string{}
	if err == nil {
		lines, ok := res.Output()
		if !ok {
			return fmt.Errorf("CLI completion of %q: the reply carries no command output", line)
		}
		words = parseMatchesArray(lines)
	}
	st.Update(func(old *Snapshot) *Snapshot {
		next := *old
		if len(old.CLI) >= maxCLIEntries {
			next.CLI, next.CLIWord = map[string][]string{}, map[string]string{}
		} else {
			next.CLI, next.CLIWord = maps.Clone(old.CLI), maps.Clone(old.CLIWord)
			if next.CLI == nil {
				next.CLI = map[string][]string{}
			}
			if next.CLIWord == nil {
				next.CLIWord = map[string]string{}
			}
		}
		next.CLI[key] = words
		next.CLIWord[key] = q.Word
		return &next
	})
	if err != nil {
		return fmt.Errorf("CLI completion of %q: %w", line, err)
	}
	return nil
}

// cliEscape escapes what Asterisk's CLI parser (parse_args) reads specially
// inside a quoted argument: the double quote and the backslash.
func cliEscape(s string) string {
	if !strings.ContainsAny(s, `"\`) {
		return s
	}
	return strings.NewReplacer(`\`, `\\`, `"`, `\"`).Replace(s)
}

// parseMatchesArray reads the output of `_command matchesarray "LINE" "WORD"`.
//
// Asterisk 22 (AMI 11.0.0, the sandbox) answers Response: Success with one
// Output line: the matches, each followed by one space, then "_EOF_". The
// first entry is not a match but the longest common prefix of the matches
// (ast_cli_completion_matches puts it there), empty when they share none,
// so the line then begins with a space. Seen on the sandbox:
//
//	"core sh" "sh"                  → "show show _EOF_"
//	"core " ""                      → " abort clear ping reload ... waitfullybooted _EOF_"
//	"core show ch" "ch"             → "channel channel channels channeltype channeltypes _EOF_"
//	"pjsip show endpoint " ""       → "ep0000 ep00001 ep00002 ep00003 ep00004 ep00005 _EOF_"
//	"zzz " ""                       → "_EOF_" (no match: no prefix entry either)
//
// Legacy (1.4–13) replies carry the same text in the body; some old versions
// print "NULL" when nothing matches. The words come back sorted, without
// repeats.
func parseMatchesArray(lines []string) []string {
	text := strings.Join(lines, " ")
	if i := strings.LastIndex(text, "_EOF_"); i >= 0 {
		text = text[:i]
	}
	text = strings.TrimRight(text, " \t\r\n")
	if strings.TrimSpace(text) == "NULL" {
		return []string{}
	}
	_, matches, ok := strings.Cut(text, " ") // drop the common prefix
	if !ok {
		return []string{}
	}
	words := strings.Fields(matches)
	slices.Sort(words)
	return slices.Compact(words)
}
