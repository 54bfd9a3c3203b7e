package shell

import (
	"errors"
	"slices"
	"strings"
	"testing"
)

func testClassifier() classifier {
	subs := []string{"hangup", "queue", "ping", "originate", "action", "events", "command"}
	actions := []string{"CoreShowChannels", "Setvar", "Originate", "Ping", "QueueStatus"}
	return classifier{
		subcommand: func(w string) bool { return slices.Contains(subs, w) },
		action: func(w string) (string, bool) {
			for _, a := range actions {
				if strings.EqualFold(a, w) {
					return a, true
				}
			}
			return w, looksLikeAction(w)
		},
	}
}

func TestParseLine(t *testing.T) {
	for _, tc := range []struct {
		in    string
		kind  kind
		words []string
		text  string
		err   string // substring of the error; "" for none
	}{
		{in: "hangup PJSIP/ep1-0001", kind: kindSubcommand, words: []string{"hangup", "PJSIP/ep1-0001"}},
		{in: `queue pause "Local/101@amsh-agents" --reason 'coffee break'`, kind: kindSubcommand,
			words: []string{"queue", "pause", "Local/101@amsh-agents", "--reason", "coffee break"}},
		{in: "ping -o json", kind: kindSubcommand, words: []string{"ping", "-o", "json"}},
		{in: "Ping", kind: kindAction, words: []string{"Ping"}},
		{in: "coreshowchannels", kind: kindAction, words: []string{"CoreShowChannels"}},
		{in: "Setvar Channel=PJSIP/ep1-0001 Variable=x Value=1", kind: kindAction,
			words: []string{"Setvar", "Channel=PJSIP/ep1-0001", "Variable=x", "Value=1"}},
		{in: `Originate Channel=Local/long@amsh Variable=A=1 Variable=B=2 CallerID="Bob <100>"`, kind: kindAction,
			words: []string{"Originate", "Channel=Local/long@amsh", "Variable=A=1", "Variable=B=2", "CallerID=Bob <100>"}},
		{in: "PJSIPShowEndpoints", kind: kindAction, words: []string{"PJSIPShowEndpoints"}}, // not listed, but CamelCase
		{in: "!core show channels", kind: kindCLI, text: "core show channels"},
		{in: `  ! dialplan show "amsh"  `, kind: kindCLI, text: `dialplan show "amsh"`},
		{in: "Action: Originate", kind: kindBlock, text: "Originate"},
		{in: "action:originate", kind: kindBlock, text: "Originate"},
		{in: "Action: MyOwnAction", kind: kindBlock, text: "MyOwnAction"},
		{in: "help", kind: kindBuiltin, words: []string{"help"}},
		{in: "help queue add", kind: kindBuiltin, words: []string{"help", "queue", "add"}},
		{in: "events", kind: kindBuiltin, words: []string{"events"}},
		{in: "events off", kind: kindBuiltin, words: []string{"events", "off"}},
		{in: "events filter Hangup Cause~^1[67]$", kind: kindBuiltin, words: []string{"events", "filter", "Hangup", "Cause~^1[67]$"}},
		{in: "events --filter Hangup --count 1", kind: kindSubcommand, words: []string{"events", "--filter", "Hangup", "--count", "1"}},
		{in: "exit", kind: kindBuiltin, words: []string{"exit"}},
		{in: "quit 3", kind: kindBuiltin, words: []string{"quit", "3"}},
		{in: "watch 5s queue summary", kind: kindWatch, words: []string{"queue", "summary", "--watch=5s"}},
		{in: "watch ping -o json", kind: kindWatch, words: []string{"ping", "-o", "json", "--watch"}},
		{in: `watch !dialplan show "amsh"`, kind: kindWatch, words: []string{"command", "--watch", "--", `dialplan show "amsh"`}},
		{in: "watch 1.5 coreshowchannels", kind: kindWatch, words: []string{"action", "CoreShowChannels", "--watch=1.5"}},
		{in: "watch command -- core show channels", kind: kindWatch, words: []string{"command", "--watch", "--", "core", "show", "channels"}},
		{in: "watch", err: "watch: needs a line"},
		{in: "watch 5s", err: "watch: needs a line"},
		{in: "watch events off", err: "is a builtin line"},
		{in: "watch Action: Ping", err: "is a block line"},
		{in: "watch nosuchthing", err: `unknown command "nosuchthing"`},
		{in: "!", err: "needs a CLI command"},
		{in: "Action: bad name!", err: "not an action name"},
		{in: "nosuchthing", err: `unknown command "nosuchthing"`},
		{in: "Hangup=1", err: "unknown command"},
		{in: `hangup "PJSIP/ep1`, err: "unclosed quote"},
	} {
		got, err := testClassifier().parse(tc.in)
		if tc.err != "" {
			var le *lineError
			if err == nil || !strings.Contains(err.Error(), tc.err) || !errors.As(err, &le) {
				t.Errorf("%q: err %v, want a line error holding %q", tc.in, err, tc.err)
			}
			continue
		}
		if err != nil {
			t.Errorf("%q: %v", tc.in, err)
			continue
		}
		if got.kind != tc.kind || !slices.Equal(got.words, tc.words) || got.text != tc.text {
			t.Errorf("%q: got %s %q %q, want %s %q %q", tc.in, got.kind, got.words, got.text, tc.kind, tc.words, tc.text)
		}
	}
}

func TestHeaderLine(t *testing.T) {
	for _, tc := range []struct {
		in, key, value string
		ok             bool
	}{
		{"Channel: PJSIP/ep1-0001", "Channel", "PJSIP/ep1-0001", true},
		{"Variable:A=1", "Variable", "A=1", true},
		{"Data:   x:y ", "Data", "x:y ", true},
		{"Empty:", "Empty", "", true},
		{"no colon here", "", "", false},
		{": value", "", "", false},
		{"Bad Key: v", "", "", false},
		{"-x: v", "", "", false},
	} {
		k, v, err := header(tc.in)
		if (err == nil) != tc.ok || k != tc.key || v != tc.value {
			t.Errorf("%q: got %q %q %v", tc.in, k, v, err)
		}
	}
}
