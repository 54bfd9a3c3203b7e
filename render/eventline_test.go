package render

import (
	"strings"
	"testing"
	"time"

	"github.com/amsh/amsh/ami"
)

func headers(kv ...string) *ami.Message {
	m := &ami.Message{}
	for i := 0; i < len(kv); i += 2 {
		m.Headers = append(m.Headers, ami.Header{Key: kv[i], Value: kv[i+1]})
	}
	return m
}

func TestEventLine(t *testing.T) {
	at := time.Date(2026, 1, 2, 12, 0, 1, 0, time.Local)
	newchannel := headers("Event", "Newchannel", "Privilege", "call,all", "Channel", "PJSIP/ep1-0001",
		"ChannelState", "4", "ChannelStateDesc", "Ring", "CallerIDNum", "<unknown>", "CallerIDName", "",
		"Exten", "100", "Uniqueid", "1.1")
	userEvent := headers("Event", "UserEvent", "Channel", "Local/ev10@amsh-0001;2", "ChannelState", "6",
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
		{"quoted", headers("Event", "Newcallerid", "CallerIDName", "Bob \x1b[2J Smith"), 0,
			"[12:00:01] Newcallerid CallerIDName=\"Bob \\x1b[2J Smith\"\n"},
		{"not printable, quoted", headers("Event", "Newcallerid", "CallerIDName", "Bob\u202eyeknom"), 0,
			"[12:00:01] Newcallerid CallerIDName=\"Bob\\u202eyeknom\"\n"},
	} {
		got := string(AppendEventLine(nil, tc.m, at, tc.width, false))
		if got != tc.want {
			t.Errorf("%s:\n got %q\nwant %q", tc.name, got, tc.want)
		}
		if tc.width > 0 && displayWidth(strings.TrimSuffix(got, "\n")) >= tc.width {
			t.Errorf("%s: %d columns, terminal has %d", tc.name, displayWidth(strings.TrimSuffix(got, "\n")), tc.width)
		}
		if strings.Count(got, "\n") != 1 {
			t.Errorf("%s: not one line: %q", tc.name, got)
		}
	}
}

func TestEventLineColour(t *testing.T) {
	m := headers("Event", "Hangup", "Channel", "PJSIP/ep1-0001", "Cause", "16", "Cause-txt", "Normal Clearing")
	got := string(AppendEventLine(nil, m, time.Now(), 60, true))
	if !strings.Contains(got, sgrYellow+"Hangup"+sgrReset) {
		t.Errorf("the name is not coloured: %q", got)
	}
	plain := strings.NewReplacer(sgrYellow, "", sgrDim, "", sgrReset, "").Replace(got)
	if n := displayWidth(strings.TrimSuffix(plain, "\n")); n >= 60 {
		t.Errorf("escapes counted as columns: %d visible columns in %q", n, plain)
	}
	if !strings.HasSuffix(got, sgrReset+"\n") {
		t.Errorf("a cut coloured line must end its colour: %q", got)
	}
}

// A CJK caller name takes two columns a character: counted in runes it made
// a 64-column line on a 60-column terminal, which breaks readline's redraw.
func TestEventLineDisplayWidth(t *testing.T) {
	at := time.Date(2026, 1, 2, 12, 0, 1, 0, time.Local)
	name := "山田太郎山田太郎山田太郎山田太郎山田太郎山田太郎"
	for _, m := range []*ami.Message{
		headers("Event", "Newcallerid", "Channel", "PJSIP/ep1-0001", "CallerIDName", name, "Uniqueid", "1.1"),
		headers("Event", "Newcallerid", "CallerIDName", name),
		headers("Event", "Newcallerid", "Channel", "PJSIP/ep1", "CallerIDName", "x"+name),
		headers("Event", "Newcallerid", "Channel", "PJSIP/ep1", "CallerIDName", "\U0001F600"+name),
	} {
		for width := 30; width <= 80; width++ {
			got := string(AppendEventLine(nil, m, at, width, true))
			plain := strings.NewReplacer(sgrYellow, "", sgrDim, "", sgrReset, "").Replace(got)
			line := strings.TrimSuffix(plain, "\n")
			if w := displayWidth(line); w > width-1 {
				t.Errorf("width %d: %d columns: %q", width, w, line)
			}
			if width == 60 && !strings.HasSuffix(line, "…") {
				t.Errorf("width 60: the name is not cut: %q", line)
			}
		}
	}
	// Uncut, the width is what it was: a line that fits is left alone.
	short := headers("Event", "Newcallerid", "CallerIDName", "山田")
	if got := string(AppendEventLine(nil, short, at, 60, false)); got != "[12:00:01] Newcallerid CallerIDName=山田\n" {
		t.Errorf("short line: %q", got)
	}
}
