package completion

import (
	"slices"
	"strings"
	"testing"

	"github.com/amsh/amsh/internal/lex"
	"github.com/amsh/amsh/render"
)

// Every candidate, put in place of Word, leaves a line that lex (the
// shell's grammar) reads as the value offered: the last word is that value,
// and only an open double quote, typed open, stays open.
func TestQuotedCandidatesReadBack(t *testing.T) {
	snap := &Snapshot{
		Commands: []Command{{Name: "queue", Sub: []Command{
			{Name: "status", Args: []ArgKind{ArgQueue}},
		}}},
		Actions: []Action{{Name: "QueuePause"}},
		Params:  map[string][]string{"queuepause": {"Interface", "Queue"}},
		Queues:  []string{"Support Line", `back\slash`, "it's", `say "hi"`, "sales"},
	}
	for _, before := range []string{
		"queue status ", "queue status s", "queue status 'S", "queue status 'it", `queue status "S`,
		`queue status "it`, `queue status Support\ `, `queue status it`, `queue status back`,
		`queue status 'back`, `queue status "back`, `queue status 'say "`, "queue status --x ",
		"QueuePause Queue=", "QueuePause Queue='", `QueuePause Queue="s`, `QueuePause 'Queue=`,
	} {
		res := Complete(before, snap)
		if len(res.Candidates) == 0 {
			t.Errorf("Complete(%q): nothing", before)
		}
		for _, c := range res.Candidates {
			line := strings.TrimSuffix(before, res.Word) + c
			ws, end := lex.Split(line)
			if len(ws) == 0 {
				t.Errorf("Complete(%q): %q reads as nothing", before, line)
				continue
			}
			got := ws[len(ws)-1].Text
			if k, v, ok := strings.Cut(got, "="); ok && strings.HasPrefix(strings.ToLower(k), "queue") {
				got = v
			}
			if !slices.Contains(snap.Queues, got) {
				t.Errorf("Complete(%q): %q reads as %q, not a queue", before, line, got)
			}
			_, typed := lex.Split(before)
			if end != lex.Plain && !(end == lex.Double && typed == lex.Double) {
				t.Errorf("Complete(%q): %q ends %v", before, line, end)
			}
		}
	}
}

// The -o values are render's format names; yml, an alias, is accepted but
// not offered.
func TestOutputValuesFromRender(t *testing.T) {
	snap := &Snapshot{Commands: []Command{{Name: "action", Flags: []string{"-o", "--output"}}}}
	want := slices.Sorted(slices.Values(render.FormatNames()))
	for _, before := range []string{"action -o ", "action --output ", "action --output="} {
		got := Complete(before, snap).Candidates
		for i := range got {
			got[i] = strings.TrimPrefix(got[i], "--output=")
		}
		if !slices.Equal(got, want) {
			t.Errorf("Complete(%q) = %q, want %q", before, got, want)
		}
	}
	if got := Complete("action -o y", snap).Candidates; !slices.Equal(got, []string{"yaml"}) {
		t.Errorf("-o y: %q", got)
	}
}
