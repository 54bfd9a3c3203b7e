package render

import (
	"strings"
	"testing"
)

func TestDecode(t *testing.T) {
	for _, tc := range []struct {
		event, header, value string
		want                 string // "" = not decoded
	}{
		{"Hangup", "Cause", "16", "Normal Clearing"},
		{"HangupRequest", "Cause", "17", "User busy"},
		{"SoftHangupRequest", "cause", "26", "Answered elsewhere"},
		{"Hangup", "Cause", "0", "Not defined"},
		{"Hangup", "Cause", "4", ""}, // a valid cause Asterisk never names
		{"Newstate", "ChannelState", "6", "Up"},
		{"CoreShowChannel", "ChannelState", "5", "Ringing"},
		{"DialBegin", "DestChannelState", "0", "Down"},
		{"Newstate", "ChannelState", "8", "Dialing Offhook"},
		{"Newchannel", "State", "4", "Ring"},
		{"Newchannel", "State", "Ring", ""},     // 1.4 sends text
		{"DeviceStateChange", "State", "2", ""}, // not a channel state
		{"QueueMember", "Status", "1", "Not in use"},
		{"QueueMemberStatus", "Status", "7", "Ring+Inuse"},
		{"QueueMemberAdded", "Status", "8", "On Hold"},
		{"QueueMemberPause", "Status", "5", "Unavailable"},
		{"QueueMember", "Status", "9", ""},
		{"ExtensionStatus", "Status", "0", "Idle"},
		{"ExtensionStatus", "Status", "9", "InUse&Ringing"},
		{"ExtensionStatus", "Status", "17", "InUse&Hold"},
		{"ExtensionStatus", "Status", "-1", "No hint"},
		{"ExtensionState", "Status", "4", "Unavailable"}, // the action's response
		{"OriginateResponse", "Reason", "4", "Answered"},
		{"OriginateResponse", "Reason", "0", "Failure"},
		{"OriginateResponse", "Reason", "5", "Busy"},
		{"OriginateResponse", "Reason", "8", "Congestion"},
		{"OriginateResponse", "Reason", "3", "Ringing (no answer)"},
		{"AgentComplete", "Reason", "caller", ""},
		{"QueueMemberPause", "Reason", "4", ""}, // free text there
		{"PeerEntry", "Status", "OK (1 ms)", ""},
		{"Status", "Status", "1", ""},
		{"QueueMember", "Paused", "1", ""},
		{"", "Response", "Success", ""},
		{"Hangup", "Cause", " 16", ""},
	} {
		got, ok := Decode(tc.event, tc.header, tc.value)
		if ok != (tc.want != "") || got != tc.want {
			t.Errorf("Decode(%q, %q, %q) = %q, %v; want %q", tc.event, tc.header, tc.value, got, ok, tc.want)
		}
	}
}

func TestTablesComplete(t *testing.T) {
	// The codes the brief and Asterisk's headers list, checked one by one so
	// a deleted line shows up.
	causes := []int{0, 1, 2, 3, 5, 6, 7, 8, 14, 16, 17, 18, 19, 20, 21, 22, 23, 26, 27, 28, 29, 30, 31, 34, 38,
		41, 42, 43, 44, 50, 52, 54, 57, 58, 65, 66, 69, 81, 88, 95, 96, 97, 98, 99, 100, 101, 102, 103, 111, 127}
	for _, c := range causes {
		if hangupCauses()[c] == "" {
			t.Errorf("hangup cause %d has no meaning", c)
		}
	}
	if len(hangupCauses()) != len(causes) {
		t.Errorf("%d hangup causes, want %d", len(hangupCauses()), len(causes))
	}
	for i := 0; i <= 10; i++ {
		if channelStates[i] == "" {
			t.Errorf("channel state %d missing", i)
		}
	}
	for i := 0; i <= 8; i++ {
		if deviceStates[i] == "" {
			t.Errorf("device state %d missing", i)
		}
	}
	// Every name ParseHangupCause knows points at a cause Decode can name.
	for name, code := range hangupCauseNames() {
		if hangupCauses()[code] == "" {
			t.Errorf("name %s -> %d, which has no meaning", name, code)
		}
	}
}

func TestOriginateReason(t *testing.T) {
	for code, want := range map[int]string{0: "Failure", 1: "Hangup (not answered)", 3: "Ringing (no answer)", 4: "Answered", 5: "Busy", 8: "Congestion", 42: "Unknown", -1: "Unknown"} {
		if got := OriginateReason(code); got != want {
			t.Errorf("OriginateReason(%d) = %q, want %q", code, got, want)
		}
	}
}

func TestParseHangupCause(t *testing.T) {
	for in, want := range map[string]int{
		"16":                        16,
		"0":                         0,
		"127":                       127,
		" 4 ":                       4,
		"normal_clearing":           16,
		"NORMAL_CLEARING":           16,
		"Normal Clearing":           16,
		"normal-clearing":           16,
		"normal":                    16,
		"user_busy":                 17,
		"busy":                      17,
		"no_answer":                 19,
		"No Answer":                 19,
		"noanswer":                  19,
		"call_rejected":             21,
		"rejected":                  21,
		"congestion":                34,
		"normal_circuit_congestion": 34,
		"AST_CAUSE_USER_BUSY":       17,
		"ast_cause_no_answer":       19,
		"answered elsewhere":        26,
		"unallocated":               1,
		"interworking":              127,
		"not_defined":               0,
		"failure":                   38,
	} {
		got, err := ParseHangupCause(in)
		if err != nil || got != want {
			t.Errorf("ParseHangupCause(%q) = %d, %v; want %d", in, got, err, want)
		}
	}
	for _, in := range []string{"", "128", "-1", "1000", "normal clearing!", "hangup", "0x10", "16.0"} {
		if got, err := ParseHangupCause(in); err == nil {
			t.Errorf("ParseHangupCause(%q) = %d, want an error", in, got)
		} else if !strings.Contains(err.Error(), "hangup cause") {
			t.Errorf("ParseHangupCause(%q) error %q does not say what failed", in, err)
		}
	}
}
