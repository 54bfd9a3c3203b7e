package lex

import (
	"slices"
	"testing"
)

func texts(ws []Word) []string {
	var out []string
	for _, w := range ws {
		out = append(out, w.Text)
	}
	return out
}

func TestSplit(t *testing.T) {
	for _, tc := range []struct {
		in   string
		want []string
		end  State
	}{
		{"", nil, Plain},
		{"   \t ", nil, Plain},
		{"ping", []string{"ping"}, Plain},
		{"  hangup   PJSIP/ep1-0001  ", []string{"hangup", "PJSIP/ep1-0001"}, Plain},
		{`originate Local/long@amsh --var "A=two words"`, []string{"originate", "Local/long@amsh", "--var", "A=two words"}, Plain},
		{`Setvar Value='it''s'`, []string{"Setvar", "Value=its"}, Plain},
		{`Setvar Value='a "b" \c'`, []string{"Setvar", `Value=a "b" \c`}, Plain},
		{`x "a \"q\" \\ \n"`, []string{"x", `a "q" \ \n`}, Plain},
		{`a\ b c\"d`, []string{"a b", `c"d`}, Plain},
		{`empty "" ''`, []string{"empty", "", ""}, Plain},
		{`trailing\`, []string{"trailing"}, Backslash},
		{`x "open`, []string{"x", "open"}, Double},
		{`x 'open`, []string{"x", "open"}, Single},
		{`x 'it'\''s'`, []string{"x", "it's"}, Plain},
		{`x "a b" 'c d`, []string{"x", "a b", "c d"}, Single},
		{`x "a\`, []string{"x", `a\`}, Double},
		{"x 'a \"b", []string{"x", `a "b`}, Single},
		{`x "a 'b`, []string{"x", "a 'b"}, Double},
		{"é 'ü", []string{"é", "ü"}, Single},
	} {
		ws, end := Split(tc.in)
		if got := texts(ws); !slices.Equal(got, tc.want) || end != tc.end {
			t.Errorf("Split(%q) = %q %v, want %q %v", tc.in, got, end, tc.want, tc.end)
		}
		for i, w := range ws {
			if w.Open != (i == len(ws)-1 && end != Plain) {
				t.Errorf("Split(%q) word %d Open = %v", tc.in, i, w.Open)
			}
			if w.Open && w.End != len(tc.in) {
				t.Errorf("Split(%q): open word ends at %d, not at the end", tc.in, w.End)
			}
			// The span re-read alone gives the same word.
			again, _ := Split(tc.in[w.Start:w.End])
			if len(again) != 1 || again[0].Text != w.Text {
				t.Errorf("Split(%q): span %q of word %d reads back as %q", tc.in, tc.in[w.Start:w.End], i, texts(again))
			}
		}
	}
}

func TestSplitSpans(t *testing.T) {
	line := `queue  add "Sup L" 'su`
	ws, end := Split(line)
	want := []Word{
		{Start: 0, End: 5, Text: "queue", Quote: -1},
		{Start: 7, End: 10, Text: "add", Quote: -1},
		{Start: 11, End: 18, Text: "Sup L", Quote: -1},
		{Start: 19, End: 22, Text: "su", Open: true, Quote: 19},
	}
	if !slices.Equal(ws, want) || end != Single {
		t.Errorf("Split(%q)\n got %+v %v\nwant %+v single", line, ws, end, want)
	}
	// The quote left open is the last one opened, not the first.
	ws, end = Split(`Data="a"b"c d`)
	if len(ws) != 1 || ws[0].Quote != 9 || ws[0].Text != "Data=abc d" || end != Double {
		t.Errorf("reopened quote: %+v %v", ws, end)
	}
}

// What Escape writes reads back as what it was given, in every state.
func TestEscapeReadsBack(t *testing.T) {
	values := []string{"plain", "Support Line", `it's`, `say "hi"`, `back\slash`, "tab\there", `'"\ `, "ü ß"}
	for _, v := range values {
		for _, tc := range []struct {
			st          State
			open, close string
		}{
			{Plain, "", ""},
			{Single, "'", "'"},
			{Double, `"`, `"`},
		} {
			typed := tc.open + Escape(v, tc.st) + tc.close
			ws, end := Split(typed)
			if len(ws) != 1 || ws[0].Text != v || end != Plain {
				t.Errorf("Escape(%q, %v) = %q reads back as %q (%v)", v, tc.st, typed, texts(ws), end)
			}
		}
		q := Quote(v)
		if ws, end := Split(q); len(ws) != 1 || ws[0].Text != v || end != Plain {
			t.Errorf("Quote(%q) = %q reads back as %q (%v)", v, q, texts(ws), end)
		}
	}
	if got := Quote("support"); got != "support" {
		t.Errorf("Quote of a plain word: %q", got)
	}
	if got := Quote("Support Line"); got != `"Support Line"` {
		t.Errorf("Quote with a blank: %q", got)
	}
	if got := Quote(""); got != `""` {
		t.Errorf("Quote of nothing: %q", got)
	}
}
