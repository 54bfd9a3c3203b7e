package shell

import (
	"errors"
	"slices"
	"testing"
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
