package render

import "testing"

func TestClipLine(t *testing.T) {
	for _, tc := range []struct {
		in    string
		width int
		want  string
		cols  int
	}{
		{"short", 10, "short", 5},
		{"exactly10!", 10, "exactly10!", 10},
		{"longer than ten", 10, "longer tha", 10},
		{"a\tb", 10, "a       b", 9},
		{"abc\tb", 6, "abc   ", 6}, // a tab past the width fills it
		{"line\r", 10, "line", 4},
		{"\x1b[1mbold\x1b[0m rest", 6, "\x1b[1mbold\x1b[0m r", 6},
		{"\x1b[1mbold text\x1b[0m", 6, "\x1b[1mbold t\x1b[0m", 6}, // cut while bold: reset
		{"\x1b[1mbold\x1b[0m", 4, "\x1b[1mbold\x1b[0m", 4},        // the reset after the last column is kept
		{"日本語です", 5, "日本", 4},                                     // a wide character that would not fit is left out
		{"e\u0301t\u00e9", 3, "e\u0301t\u00e9", 3},                // a combining mark takes no column
		{"anything", 0, "anything", 8},
	} {
		got, cols := ClipLine(tc.in, tc.width)
		if got != tc.want || cols != tc.cols {
			t.Errorf("ClipLine(%q, %d) = %q, %d; want %q, %d", tc.in, tc.width, got, cols, tc.want, tc.cols)
		}
	}
}
