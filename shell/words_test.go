package shell

import (
	"errors"
	"slices"
	"strings"
	"testing"

	"github.com/amsh/amsh/completion"
	"github.com/chzyer/readline"
)

func TestSplitWords(t *testing.T) {
	for _, tc := range []struct {
		in   string
		want []string
		err  error
	}{
		{in: "", want: nil},
		{in: "   \t ", want: nil},
		{in: "ping", want: []string{"ping"}},
		{in: "  hangup   PJSIP/ep1-0001  ", want: []string{"hangup", "PJSIP/ep1-0001"}},
		{in: `originate Local/long@amsh --var "A=two words"`, want: []string{"originate", "Local/long@amsh", "--var", "A=two words"}},
		{in: `Setvar Value='it''s'`, want: []string{"Setvar", "Value=its"}},
		{in: `Setvar Value='a "b" \c'`, want: []string{"Setvar", `Value=a "b" \c`}},
		{in: `x "a \"q\" \\ \n"`, want: []string{"x", `a "q" \ \n`}},
		{in: `a\ b c\"d`, want: []string{"a b", `c"d`}},
		{in: `empty "" ''`, want: []string{"empty", "", ""}},
		{in: `trailing\`, want: []string{"trailing"}},
		{in: `x "open`, err: errUnclosedQuote},
		{in: `x 'open`, err: errUnclosedQuote},
	} {
		got, err := splitWords(tc.in)
		if !errors.Is(err, tc.err) {
			t.Errorf("%q: err %v, want %v", tc.in, err, tc.err)
			continue
		}
		if !slices.Equal(got, tc.want) {
			t.Errorf("%q: got %q, want %q", tc.in, got, tc.want)
		}
	}
}

// A Tab on a quoted or escaped partial word leaves a line that the shell
// reads as the value completed.
func TestTabKeepsLineParseable(t *testing.T) {
	snap := &completion.Snapshot{
		Commands: []completion.Command{{Name: "queue", Sub: []completion.Command{
			{Name: "status", Args: []completion.ArgKind{completion.ArgQueue}},
		}}},
		Queues: []string{"Support Line", "it's", "sales"},
	}
	c := &completer{complete: func(before string) completion.Result { return completion.Complete(before, snap) }}
	for _, tc := range []struct {
		typed, want string
		close       string // what the user still types: an open double quote stays open
	}{
		{typed: `queue status 'sa`, want: "sales"},
		{typed: `queue status 'Sup`, want: "Support Line"},
		{typed: `queue status 'sup`, want: "Support Line"},
		{typed: `queue status Support\ `, want: "Support Line"},
		{typed: `queue status Sup`, want: "Support Line"},
		{typed: `queue status 'it`, want: "it's"},
		{typed: `queue status it`, want: "it's"},
		{typed: `queue status "Sup`, want: "Support Line", close: `"`},
		{typed: `queue status "it`, want: "it's", close: `"`},
	} {
		rl := []rune(tc.typed)
		out, n := c.Do(rl, len(rl))
		if len(out) != 1 {
			t.Errorf("%q: %d insertions %q, want one", tc.typed, len(out), out)
			continue
		}
		line := append(append([]rune(nil), rl...), out[0]...)
		if fixed, _, ok := c.OnChange(line, len(line), readline.CharTab); ok {
			line = fixed
		}
		if n > len(rl) {
			t.Errorf("%q: replaces %d runes", tc.typed, n)
		}
		words, err := splitWords(string(line) + tc.close)
		if err != nil || len(words) != 3 || words[2] != tc.want {
			t.Errorf("%q → %q reads as %q, %v; want the queue %q", tc.typed, string(line), words, err, tc.want)
		}
		if tc.close == "" && !strings.HasSuffix(string(line), " ") {
			t.Errorf("%q → %q: a whole word wants its space", tc.typed, string(line))
		}
	}
}
