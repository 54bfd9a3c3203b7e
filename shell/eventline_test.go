package shell

import (
	"strings"
	"testing"
	"time"
	"unicode/utf8"

	"github.com/amsh/amsh/ami"
)

func msg(kv ...string) *ami.Message {
	m := &ami.Message{}
	for i := 0; i < len(kv); i += 2 {
		m.Headers = append(m.Headers, ami.Header{Key: kv[i], Value: kv[i+1]})
	}
	return m
}

func TestEventLine(t *testing.T) {
	at := time.Date(2026, 1, 2, 12, 0, 1, 0, time.Local)
	newchannel := msg("Event", "Newchannel", "Privilege", "call,all", "Channel", "PJSIP/ep1-0001",
		"ChannelState", "4", "ChannelStateDesc", "Ring", "CallerIDNum", "<unknown>", "CallerIDName", "",
		"Exten", "100", "Uniqueid", "1.1")
	userEvent := msg("Event", "UserEvent", "Channel", "Local/ev10@amsh-0001;2", "ChannelState", "6",
		"Uniqueid", "1.2", "UserEvent", "AmshTest", "Seq", "3")
	for _, tc := range []struct {
		name  string
		m     *ami.Message
		width int
		want  string
	}{
		{"decoded, noise left out", newchannel, 0,
			"[12:00:01] Newchannel Channel=PJSIP/ep1-0001 ChannelState=4 (Ring) ChannelStateDesc=Ring Exten=100 Uniqueid=1.1\n"},
		{"own headers before the snapshot", userEvent, 0,
			"[12:00:01] UserEvent Channel=Local/ev10@amsh-0001;2 UserEvent=AmshTest Seq=3 ChannelState=6 (Up) Uniqueid=1.2\n"},
		{"cut to the width", newchannel, 40,
			"[12:00:01] Newchannel Channel=PJSIP/ep…\n"},
		{"quoted", msg("Event", "Newcallerid", "CallerIDName", "Bob \x1b[2J Smith"), 0,
			"[12:00:01] Newcallerid CallerIDName=\"Bob \\x1b[2J Smith\"\n"},
	} {
		got := string(appendEventLine(nil, tc.m, at, tc.width, false))
		if got != tc.want {
			t.Errorf("%s:\n got %q\nwant %q", tc.name, got, tc.want)
		}
		if tc.width > 0 && utf8.RuneCountInString(strings.TrimSuffix(got, "\n")) >= tc.width {
			t.Errorf("%s: %d columns, terminal has %d", tc.name, utf8.RuneCountInString(got)-1, tc.width)
		}
		if strings.Count(got, "\n") != 1 {
			t.Errorf("%s: not one line: %q", tc.name, got)
		}
	}
}

func TestEventLineColour(t *testing.T) {
	m := msg("Event", "Hangup", "Channel", "PJSIP/ep1-0001", "Cause", "16", "Cause-txt", "Normal Clearing")
	got := string(appendEventLine(nil, m, time.Now(), 60, true))
	if !strings.Contains(got, sgrYellow+"Hangup"+sgrReset) {
		t.Errorf("the name is not coloured: %q", got)
	}
	plain := strings.NewReplacer(sgrYellow, "", sgrDim, "", sgrReset, "").Replace(got)
	if n := utf8.RuneCountInString(plain) - 1; n >= 60 {
		t.Errorf("escapes counted as columns: %d visible columns in %q", n, plain)
	}
	if !strings.HasSuffix(got, sgrReset+"\n") {
		t.Errorf("a cut coloured line must end its colour: %q", got)
	}
}
