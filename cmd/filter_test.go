package cmd

import (
	"strings"
	"testing"

	"github.com/amsh/amsh/ami"
)

func TestEventFilter(t *testing.T) {
	hangup := &ami.Message{Headers: []ami.Header{
		{Key: "Event", Value: "Hangup"},
		{Key: "Channel", Value: "PJSIP/ep1-00000001"},
		{Key: "Cause", Value: "16"},
		{Key: "ChanVariable", Value: "A=1"},
		{Key: "ChanVariable", Value: "B=2"},
		{Key: "AccountCode", Value: ""},
	}}
	user := &ami.Message{Headers: []ami.Header{
		{Key: "Event", Value: "UserEvent"},
		{Key: "UserEvent", Value: "AmshTest"},
		{Key: "Seq", Value: "3"},
	}}
	for _, c := range []struct {
		filters      []string
		hangup, user bool
	}{
		{nil, true, true},
		{[]string{"Hangup"}, true, false},
		{[]string{"hangup"}, true, false}, // names are case-insensitive
		{[]string{"!Hangup"}, false, true},
		{[]string{"*event"}, false, true},
		{[]string{"Hang*"}, true, false},
		{[]string{"H?ngup"}, true, false},
		{[]string{"[gh]angup"}, true, false},
		{[]string{"[!h]angup"}, false, false},
		{[]string{"[^u]*"}, true, false},
		{[]string{"User*", "UserEvent=AmshTest"}, false, true},
		{[]string{"UserEvent", "UserEvent=Other"}, false, false},
		{[]string{"userevent=amsh*"}, false, true}, // header names and globs ignore case
		{[]string{"Channel=PJSIP/*"}, true, false},
		{[]string{"Channel=*ep1*"}, true, false},  // '*' crosses '/'
		{[]string{"Channel=PJSIP"}, false, false}, // a glob matches the whole value
		{[]string{"Channel~ep1"}, true, false},    // a regex need not
		{[]string{"Channel~^pjsip"}, false, false},
		{[]string{"Channel~(?i)^pjsip"}, true, false},
		{[]string{"Cause~^(16|17)$"}, true, false},
		{[]string{"!Cause~^(16|17)$"}, false, true}, // a missing header matches nothing; negated, everything
		{[]string{"ChanVariable=B=2"}, true, false}, // any value of a repeated header; '=' after the first is the glob's
		{[]string{"Cause=*"}, true, false},          // "has Cause"
		{[]string{"!Cause=*"}, false, true},         // "lacks Cause"
		{[]string{"AccountCode="}, true, false},     // empty value
		{[]string{`Seq=\3`}, false, true},
		{[]string{"Seq=[0-4]"}, false, true},
		{[]string{"Seq=[5-9]"}, false, false},
		{[]string{"Event=UserEvent", "!Seq=3"}, false, false},
	} {
		ef, err := ParseEventFilter(c.filters)
		if err != nil {
			t.Errorf("%q: %v", c.filters, err)
			continue
		}
		if got := ef.Match(hangup); got != c.hangup {
			t.Errorf("%q on Hangup = %v, want %v", c.filters, got, c.hangup)
		}
		if got := ef.Match(user); got != c.user {
			t.Errorf("%q on UserEvent = %v, want %v", c.filters, got, c.user)
		}
	}
}

func TestEventFilterErrors(t *testing.T) {
	for _, expr := range []string{"", "!", "=x", "~x", "Chan nel=x", "Channel~(", "Channel~[a-", "a[b", `a\`, "Seq=[5-"} {
		_, err := ParseEventFilter([]string{"Hangup", expr})
		if ExitCode(err) != ExitUsage || !strings.Contains(err.Error(), "--filter") {
			t.Errorf("%q: got %v, want a usage error naming --filter", expr, err)
		}
	}
}

func TestEventFilterString(t *testing.T) {
	ef, _ := ParseEventFilter([]string{"Hangup", "!Cause=16"})
	if got := ef.String(); got != "Hangup !Cause=16" || ef.Empty() {
		t.Errorf("String() = %q, Empty() = %v", got, ef.Empty())
	}
	var none *EventFilter
	if !none.Empty() || !none.Match(&ami.Message{}) {
		t.Error("a nil filter must let everything through")
	}
}

func BenchmarkEventFilter(b *testing.B) {
	ev := &ami.Message{Headers: []ami.Header{
		{Key: "Event", Value: "Newexten"}, {Key: "Privilege", Value: "dialplan,all"},
		{Key: "Channel", Value: "PJSIP/ep1-00000001"}, {Key: "Context", Value: "amsh"},
		{Key: "Exten", Value: "ev10"}, {Key: "Application", Value: "UserEvent"},
	}}
	ef, _ := ParseEventFilter([]string{"!RTCP*", "Channel=PJSIP/*", "Context~^am"})
	for b.Loop() {
		ef.Match(ev)
	}
}
