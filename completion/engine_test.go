package completion

import (
	"bufio"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"testing"
)

// engineCase is one case of a testdata/engine/*.txt file.
type engineCase struct {
	file       string
	line       int
	before     string
	want       []string
	word       *string
	cliMiss    *CLIQuery
	paramsMiss string
}

// readEngineCases reads a case file. A case is a block of lines ended by an
// empty line:
//
//	hangup Local/lo@            the text before the cursor: up to the last '@'
//	                            ("\n" in it is a newline: a raw block's lines)
//	Local/long@amsh-00000002;1  each expected candidate, in order
//	:word "Local/lo"            optional: Result.Word, quoted as in Go
//	:climiss "core " "sh"       Result.CLIMiss (Line, Word); absent: want nil
//	:paramsmiss QueueStatus     Result.ParamsMiss; absent: want ""
//	:none                       no candidates (a block with no candidate lines means the same)
//
// Lines starting with '#' are comments.
func readEngineCases(t *testing.T, path string) []engineCase {
	t.Helper()
	f, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	var cases []engineCase
	var c *engineCase
	sc := bufio.NewScanner(f)
	for n := 1; sc.Scan(); n++ {
		text := sc.Text()
		switch {
		case strings.HasPrefix(text, "#"):
		case text == "":
			c = nil
		case c == nil:
			at := strings.LastIndex(text, "@")
			if at < 0 {
				t.Fatalf("%s:%d: case without a cursor '@': %q", path, n, text)
			}
			before := strings.ReplaceAll(text[:at], `\n`, "\n")
			cases = append(cases, engineCase{file: filepath.Base(path), line: n, before: before})
			c = &cases[len(cases)-1]
		case strings.HasPrefix(text, ":"):
			directive, arg, _ := strings.Cut(text[1:], " ")
			var err error
			switch directive {
			case "word":
				var w string
				w, err = strconv.Unquote(arg)
				c.word = &w
			case "climiss":
				var q CLIQuery
				q, err = parseCLIMiss(arg)
				c.cliMiss = &q
			case "paramsmiss":
				c.paramsMiss = arg
			case "none":
			default:
				err = fmt.Errorf("unknown directive")
			}
			if err != nil {
				t.Fatalf("%s:%d: %q: %v", path, n, text, err)
			}
		default:
			c.want = append(c.want, text)
		}
	}
	if err := sc.Err(); err != nil {
		t.Fatal(err)
	}
	return cases
}

func parseCLIMiss(arg string) (CLIQuery, error) {
	var q CLIQuery
	parts := strings.SplitAfter(arg, `" `)
	if len(parts) != 2 {
		return q, fmt.Errorf(`want "LINE" "WORD"`)
	}
	var err error
	if q.Line, err = strconv.Unquote(strings.TrimSuffix(parts[0], " ")); err != nil {
		return q, err
	}
	q.Word, err = strconv.Unquote(parts[1])
	return q, err
}

func loadFixture(t testing.TB) *Snapshot {
	t.Helper()
	b, err := os.ReadFile(filepath.Join("testdata", "engine", "snapshot.json"))
	if err != nil {
		t.Fatal(err)
	}
	var snap Snapshot
	if err := json.Unmarshal(b, &snap); err != nil {
		t.Fatal(err)
	}
	return &snap
}

func TestCompleteCases(t *testing.T) {
	snap := loadFixture(t)
	files, err := filepath.Glob(filepath.Join("testdata", "engine", "*.txt"))
	if err != nil || len(files) == 0 {
		t.Fatalf("no case files: %v", err)
	}
	total := 0
	for _, file := range files {
		for _, c := range readEngineCases(t, file) {
			total++
			t.Run(fmt.Sprintf("%s:%d", c.file, c.line), func(t *testing.T) {
				got := Complete(c.before, snap)
				checkResult(t, c.before, got)
				if !slices.Equal(got.Candidates, c.want) {
					t.Errorf("Complete(%q) candidates\n got: %q\nwant: %q", c.before, got.Candidates, c.want)
				}
				if c.word != nil && got.Word != *c.word {
					t.Errorf("Complete(%q) word %q, want %q", c.before, got.Word, *c.word)
				}
				switch {
				case c.cliMiss == nil && got.CLIMiss != nil:
					t.Errorf("Complete(%q): unexpected CLIMiss %+v", c.before, *got.CLIMiss)
				case c.cliMiss != nil && (got.CLIMiss == nil || *got.CLIMiss != *c.cliMiss):
					t.Errorf("Complete(%q) CLIMiss %+v, want %+v", c.before, got.CLIMiss, *c.cliMiss)
				}
				if got.ParamsMiss != c.paramsMiss {
					t.Errorf("Complete(%q) ParamsMiss %q, want %q", c.before, got.ParamsMiss, c.paramsMiss)
				}
			})
		}
	}
	if total < 60 {
		t.Errorf("only %d cases; the files are not being read", total)
	}
}

// checkResult checks what holds for every result: Word is what the shell
// replaces, so it ends the text; candidates are sorted, without repeats.
func checkResult(t *testing.T, before string, r Result) {
	t.Helper()
	if !strings.HasSuffix(before, r.Word) {
		t.Errorf("Complete(%q): Word %q is not a suffix of the text", before, r.Word)
	}
	if !slices.IsSorted(r.Candidates) {
		t.Errorf("Complete(%q): candidates not sorted: %q", before, r.Candidates)
	}
	if len(slices.Compact(slices.Clone(r.Candidates))) != len(r.Candidates) {
		t.Errorf("Complete(%q): repeated candidates: %q", before, r.Candidates)
	}
}

func TestCompleteNilAndEmpty(t *testing.T) {
	for _, before := range []string{"", "hangup ", "Originate Channel=", "!core ", `"`, "Action: ", " \t "} {
		r := Complete(before, nil)
		checkResult(t, before, r)
		if len(r.Candidates) != 0 {
			t.Errorf("Complete(%q, nil) = %q, want nothing", before, r.Candidates)
		}
	}
}

// Complete must not change the snapshot it reads, whatever it returns.
func TestCompleteLeavesSnapshotAlone(t *testing.T) {
	snap := loadFixture(t)
	want := loadFixture(t)
	for _, before := range []string{"hangup ", "queue pause ", `hangup "`, "Originate Channel=", "!core ", "", "queue add \"Sup"} {
		r := Complete(before, snap)
		for i := range r.Candidates {
			r.Candidates[i] = "x"
		}
	}
	a, _ := json.Marshal(snap)
	b, _ := json.Marshal(want)
	if string(a) != string(b) {
		t.Error("Complete changed the snapshot")
	}
}

func TestSplitLine(t *testing.T) {
	for _, tc := range []struct {
		in   string
		done []string
		cur  word
	}{
		{"", nil, word{}},
		{"hangup", nil, word{raw: "hangup", value: "hangup"}},
		{"hangup ", []string{"hangup"}, word{start: 7}},
		{`command "core sh`, []string{"command"}, word{start: 8, raw: `"core sh`, value: "core sh", open: true}},
		{`a "b c" d`, []string{"a", "b c"}, word{start: 8, raw: "d", value: "d"}},
		{`Data="x y"`, nil, word{raw: `Data="x y"`, value: "Data=x y"}},
		{"a\t b", []string{"a"}, word{start: 3, raw: "b", value: "b"}},
	} {
		done, cur := splitLine(tc.in)
		if got := values(done); !slices.Equal(got, tc.done) && len(got)+len(tc.done) > 0 {
			t.Errorf("splitLine(%q) done %q, want %q", tc.in, got, tc.done)
		}
		if cur != tc.cur {
			t.Errorf("splitLine(%q) cur %+v, want %+v", tc.in, cur, tc.cur)
		}
	}
}

func TestArgKindText(t *testing.T) {
	for k := ArgNone; k <= ArgCLI; k++ {
		b, _ := k.MarshalText()
		var back ArgKind
		if err := back.UnmarshalText(b); err != nil || back != k {
			t.Errorf("%v: round trip gave %v, %v", k, back, err)
		}
	}
	var k ArgKind
	if err := k.UnmarshalText([]byte("chanel")); err == nil {
		t.Error("a misspelt kind was accepted")
	}
	if s := ArgKind(42).String(); s != "ArgKind(42)" {
		t.Errorf("String of an unknown kind: %q", s)
	}
}

func TestParseMatchesArray(t *testing.T) {
	for _, tc := range []struct {
		lines []string
		want  []string
	}{
		{[]string{"show show _EOF_"}, []string{"show"}},
		{[]string{" abort clear ping _EOF_"}, []string{"abort", "clear", "ping"}},
		{[]string{"channel channel channels channeltype channeltypes _EOF_"}, []string{"channel", "channels", "channeltype", "channeltypes"}},
		{[]string{"ep0000 ep00001 ep00002 _EOF_"}, []string{"ep00001", "ep00002"}},
		{[]string{"_EOF_"}, []string{}},
		{[]string{"NULL"}, []string{}},
		{[]string{}, []string{}},
		// A legacy body split on newlines.
		{[]string{" b a", "a _EOF_"}, []string{"a", "b"}},
	} {
		if got := parseMatchesArray(tc.lines); !slices.Equal(got, tc.want) {
			t.Errorf("parseMatchesArray(%q) = %q, want %q", tc.lines, got, tc.want)
		}
	}
}

func TestCLIKeyAndEscape(t *testing.T) {
	if got := CLIKey("  core   show\tch "); got != "core show ch" {
		t.Errorf("CLIKey: %q", got)
	}
	if got := cliEscape(`say "hi" \o/`); got != `say \"hi\" \\o/` {
		t.Errorf("cliEscape: %q", got)
	}
}

func TestSplitList(t *testing.T) {
	for _, tc := range []struct {
		word, head, last string
		given            []string
	}{
		{"", "", "", nil},
		{"pb", "", "pb", nil},
		{"pbx1,", "pbx1,", "", []string{"pbx1"}},
		{"pbx1,prod,p", "pbx1,prod,", "p", []string{"pbx1", "prod"}},
		{",x", ",", "x", []string{""}},
	} {
		head, last, given := SplitList(tc.word)
		if head != tc.head || last != tc.last || !slices.Equal(given, tc.given) {
			t.Errorf("SplitList(%q) = %q, %q, %q; want %q, %q, %q", tc.word, head, last, given, tc.head, tc.last, tc.given)
		}
	}
}
