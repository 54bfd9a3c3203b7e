package shell

import (
	"slices"
	"testing"

	"github.com/amsh/amsh/completion"
	"github.com/chzyer/readline"
)

func TestInsertions(t *testing.T) {
	for _, tc := range []struct {
		name     string
		res      completion.Result
		suffixes []string
		n        int
		fix      string
	}{
		{"one, finished", completion.Result{Word: "CoreShowChan", Candidates: []string{"CoreShowChannels"}},
			[]string{"nels "}, 12, ""},
		{"several", completion.Result{Word: "CoreShowChan", Candidates: []string{"CoreShowChannelMap", "CoreShowChannels"}},
			[]string{"nelMap", "nels"}, 12, ""},
		{"a key awaits its value", completion.Result{Word: "Chan", Candidates: []string{"Channel="}},
			[]string{"nel="}, 4, ""},
		{"inside an open quote", completion.Result{Word: `"My Q`, Candidates: []string{`"My Queue`}},
			[]string{"ueue"}, 5, ""},
		{"case put right", completion.Result{Word: "coreshowchan", Candidates: []string{"CoreShowChannels"}},
			[]string{"nels "}, 12, "CoreShowChannels "},
		{"a single quote closed", completion.Result{Word: "'su", Candidates: []string{"'support'"}},
			[]string{"pport' "}, 3, ""},
		{"written otherwise: quoted", completion.Result{Word: "Sup", Candidates: []string{`"Support Line"`}},
			[]string{""}, 3, `"Support Line" `},
		{"nothing", completion.Result{Word: "zz"}, nil, 2, ""},
		{"after a space", completion.Result{Word: "", Candidates: []string{"on", "off"}}, []string{"on", "off"}, 0, ""},
	} {
		s, n, fix := insertions(tc.res)
		if !slices.Equal(s, tc.suffixes) || n != tc.n || fix != tc.fix {
			t.Errorf("%s: got %q %d %q, want %q %d %q", tc.name, s, n, fix, tc.suffixes, tc.n, tc.fix)
		}
	}
}

func TestCompleterFixesCase(t *testing.T) {
	c := &completer{complete: func(before string) completion.Result {
		return completion.Result{Word: "coreshowchan", Candidates: []string{"CoreShowChannels"}}
	}}
	line := []rune("coreshowchan")
	out, n := c.Do(line, len(line))
	if n != 12 || len(out) != 1 || string(out[0]) != "nels " {
		t.Fatalf("Do: %q %d", out, n)
	}
	// readline appends the suffix, then calls the listener.
	after := []rune("coreshowchannels ")
	got, pos, ok := c.OnChange(after, len(after), readline.CharTab)
	if !ok || string(got) != "CoreShowChannels " || pos != len(after) {
		t.Errorf("OnChange: %q %d %v", string(got), pos, ok)
	}
	if _, _, ok := c.OnChange(after, len(after), readline.CharTab); ok {
		t.Error("a fix applied twice")
	}
}

// Without a terminal size (here stdout is not a terminal; a pty whose size
// was never set says 0 columns) readline is given 80 columns, so Tab lists
// candidates instead of ringing the bell.
func TestScreenWidthWithoutSize(t *testing.T) {
	if w := readline.GetScreenWidth(); w > 0 {
		t.Skipf("stdout is a terminal %d columns wide: the fallback is not reached", w)
	}
	if w := screenWidth(); w != 80 {
		t.Errorf("screenWidth() = %d with no terminal size, want 80", w)
	}
}
