package render

import (
	"fmt"
	"strconv"
	"strings"
	"sync"
)

// Code tables, as Asterisk's own source names them. Meanings follow the text
// Asterisk itself prints (ast_cause2str, ast_state2str, ast_devstate2str,
// ast_extension_state2str), with its spelling slips corrected, so a decoded
// Cause reads like the Cause-txt header Asterisk sends beside it.

// hangupCauses maps Q.850 cause codes (include/asterisk/causes.h) to the
// descriptions of main/channel.c's causes[] table. It is built on first
// use, as hangupCauseNames is: most commands decode no cause.
var hangupCauses = sync.OnceValue(func() map[int]string {
	return map[int]string{
		0:   "Not defined",
		1:   "Unallocated (unassigned) number",
		2:   "No route to specified transit network",
		3:   "No route to destination",
		5:   "Misdialed trunk prefix",
		6:   "Channel unacceptable",
		7:   "Call awarded and being delivered in an established channel",
		8:   "Pre-empted",
		14:  "Number ported elsewhere",
		16:  "Normal Clearing",
		17:  "User busy",
		18:  "No user responding",
		19:  "User alerting, no answer",
		20:  "Subscriber absent",
		21:  "Call Rejected",
		22:  "Number changed",
		23:  "Redirected to new destination",
		26:  "Answered elsewhere",
		27:  "Destination out of order",
		28:  "Invalid number format",
		29:  "Facility rejected",
		30:  "Response to STATUS ENQUIRY",
		31:  "Normal, unspecified",
		34:  "Circuit/channel congestion",
		38:  "Network out of order",
		41:  "Temporary failure",
		42:  "Switching equipment congestion",
		43:  "Access information discarded",
		44:  "Requested channel not available",
		50:  "Facility not subscribed",
		52:  "Outgoing call barred",
		54:  "Incoming call barred",
		57:  "Bearer capability not authorized",
		58:  "Bearer capability not available",
		65:  "Bearer capability not implemented",
		66:  "Channel not implemented",
		69:  "Facility not implemented",
		81:  "Invalid call reference value",
		88:  "Incompatible destination",
		95:  "Invalid message unspecified",
		96:  "Mandatory information element is missing",
		97:  "Message type nonexistent",
		98:  "Wrong message",
		99:  "Information element nonexistent or not implemented",
		100: "Invalid information element contents",
		101: "Message not compatible with call state",
		102: "Recovery on timer expiry",
		103: "Mandatory IE length error",
		111: "Protocol error, unspecified",
		127: "Interworking, unspecified",
	}
})

// hangupCauseNames maps the names ParseHangupCause accepts, normalised to
// upper case with underscores, to their codes: Asterisk's AST_CAUSE_* names
// and its special aliases (AST_CAUSE_BUSY, AST_CAUSE_CONGESTION, ...).
var hangupCauseNames = sync.OnceValue(func() map[string]int {
	return map[string]int{
		"NOT_DEFINED":                   0,
		"NOTDEFINED":                    0,
		"UNALLOCATED":                   1,
		"UNALLOCATED_NUMBER":            1,
		"NO_ROUTE_TRANSIT_NET":          2,
		"NO_ROUTE_DESTINATION":          3,
		"UNREGISTERED":                  3,
		"MISDIALLED_TRUNK_PREFIX":       5,
		"CHANNEL_UNACCEPTABLE":          6,
		"CALL_AWARDED_DELIVERED":        7,
		"PRE_EMPTED":                    8,
		"NUMBER_PORTED_NOT_HERE":        14,
		"NORMAL_CLEARING":               16,
		"NORMAL":                        16,
		"USER_BUSY":                     17,
		"BUSY":                          17,
		"NO_USER_RESPONSE":              18,
		"NO_ANSWER":                     19,
		"NOANSWER":                      19,
		"SUBSCRIBER_ABSENT":             20,
		"CALL_REJECTED":                 21,
		"REJECTED":                      21,
		"NUMBER_CHANGED":                22,
		"REDIRECTED_TO_NEW_DESTINATION": 23,
		"ANSWERED_ELSEWHERE":            26,
		"DESTINATION_OUT_OF_ORDER":      27,
		"INVALID_NUMBER_FORMAT":         28,
		"FACILITY_REJECTED":             29,
		"RESPONSE_TO_STATUS_ENQUIRY":    30,
		"NORMAL_UNSPECIFIED":            31,
		"NORMAL_CIRCUIT_CONGESTION":     34,
		"CONGESTION":                    34,
		"NETWORK_OUT_OF_ORDER":          38,
		"FAILURE":                       38,
		"NORMAL_TEMPORARY_FAILURE":      41,
		"TEMPORARY_FAILURE":             41,
		"SWITCH_CONGESTION":             42,
		"ACCESS_INFO_DISCARDED":         43,
		"REQUESTED_CHAN_UNAVAIL":        44,
		"FACILITY_NOT_SUBSCRIBED":       50,
		"OUTGOING_CALL_BARRED":          52,
		"INCOMING_CALL_BARRED":          54,
		"BEARERCAPABILITY_NOTAUTH":      57,
		"BEARERCAPABILITY_NOTAVAIL":     58,
		"BEARERCAPABILITY_NOTIMPL":      65,
		"CHAN_NOT_IMPLEMENTED":          66,
		"NOSUCHDRIVER":                  66,
		"FACILITY_NOT_IMPLEMENTED":      69,
		"INVALID_CALL_REFERENCE":        81,
		"INCOMPATIBLE_DESTINATION":      88,
		"INVALID_MSG_UNSPECIFIED":       95,
		"MANDATORY_IE_MISSING":          96,
		"MESSAGE_TYPE_NONEXIST":         97,
		"WRONG_MESSAGE":                 98,
		"IE_NONEXIST":                   99,
		"INVALID_IE_CONTENTS":           100,
		"WRONG_CALL_STATE":              101,
		"RECOVERY_ON_TIMER_EXPIRE":      102,
		"MANDATORY_IE_LENGTH_ERROR":     103,
		"PROTOCOL_ERROR":                111,
		"INTERWORKING":                  127,
	}
})

// channelStates is enum ast_channel_state, as ast_state2str prints it.
var channelStates = map[int]string{
	0:  "Down",
	1:  "Rsrvd",
	2:  "OffHook",
	3:  "Dialing",
	4:  "Ring",
	5:  "Ringing",
	6:  "Up",
	7:  "Busy",
	8:  "Dialing Offhook",
	9:  "Pre-ring",
	10: "Unknown",
}

// deviceStates is enum ast_device_state, as ast_devstate2str prints it; it is
// the Status of a queue member.
var deviceStates = map[int]string{
	0: "Unknown",
	1: "Not in use",
	2: "In use",
	3: "Busy",
	4: "Invalid",
	5: "Unavailable",
	6: "Ringing",
	7: "Ring+Inuse",
	8: "On Hold",
}

// extensionStates is enum ast_extension_states (a bit set), as
// ast_extension_state2str prints it; -1 is what ExtensionState answers for
// an extension without a hint, -2 an extension removed from the dialplan.
var extensionStates = map[int]string{
	-2: "Removed",
	-1: "No hint",
	0:  "Idle",
	1:  "InUse",
	2:  "Busy",
	4:  "Unavailable",
	8:  "Ringing",
	9:  "InUse&Ringing",
	16: "Hold",
	17: "InUse&Hold",
}

// originateReasons are the AST_CONTROL_* frame types an Originate ends on,
// carried as Reason by OriginateResponse; 0 means the channel could not be
// created or never progressed (no such extension or number).
var originateReasons = map[int]string{
	0: "Failure",
	1: "Hangup (not answered)",
	2: "Local ring",
	3: "Ringing (no answer)",
	4: "Answered",
	5: "Busy",
	6: "Off-hook requested",
	7: "Off hook",
	8: "Congestion",
}

// OriginateReason returns the meaning of an OriginateResponse Reason code,
// or "Unknown" for a code Asterisk does not send.
func OriginateReason(code int) string {
	if s, ok := originateReasons[code]; ok {
		return s
	}
	return "Unknown"
}

// Decode returns the meaning of a numeric code carried in header of a message.
// event is the message's Event header, or for a response the name of the
// action it answers (ExtensionState's Status is an extension state).
// The same header name means different things on different events, so the
// table is chosen by both: Cause anywhere is a hangup cause, any
// *ChannelState a channel state, Status on QueueMember* events a device
// state, Status on ExtensionStatus an extension state, Reason on
// OriginateResponse an originate reason. ok is false when the value is not
// a number or the code is not in the table.
func Decode(event, header, value string) (meaning string, ok bool) {
	table := tableFor(event, header)
	if table == nil {
		return "", false
	}
	n, err := strconv.Atoi(value)
	if err != nil {
		return "", false
	}
	meaning, ok = table[n]
	return meaning, ok
}

func tableFor(event, header string) map[int]string {
	switch {
	case strings.EqualFold(header, "Cause"):
		return hangupCauses()
	case len(header) >= len("ChannelState") && strings.EqualFold(header[len(header)-len("ChannelState"):], "ChannelState"):
		return channelStates
	case strings.EqualFold(header, "State"):
		// 1.4-era channel events; later ones say ChannelState. Elsewhere State
		// is text (DeviceStateChange: NOT_INUSE) and stays undecoded.
		if isChannelEvent(event) {
			return channelStates
		}
	case strings.EqualFold(header, "Status"):
		switch {
		case len(event) >= len("QueueMember") && strings.EqualFold(event[:len("QueueMember")], "QueueMember"):
			return deviceStates
		case strings.EqualFold(event, "ExtensionStatus"), strings.EqualFold(event, "ExtensionState"):
			return extensionStates
		}
	case strings.EqualFold(header, "Reason"):
		switch {
		case strings.EqualFold(event, "OriginateResponse"),
			strings.EqualFold(event, "OriginateFailure"),
			strings.EqualFold(event, "OriginateSuccess"):
			return originateReasons
		}
	}
	return nil
}

func isChannelEvent(event string) bool {
	for _, e := range [...]string{"Newstate", "Newchannel", "Status", "CoreShowChannel", "Hangup"} {
		if strings.EqualFold(event, e) {
			return true
		}
	}
	return false
}

// ParseHangupCause reads a --cause argument: a number 0-127 (Asterisk's
// Hangup action refuses anything else) or a cause name, case-insensitive,
// with words joined by _, - or spaces, with or without AST_CAUSE_:
// normal_clearing, "user busy", NO-ANSWER, call_rejected, congestion.
func ParseHangupCause(s string) (int, error) {
	t := strings.TrimSpace(s)
	if t == "" {
		return 0, fmt.Errorf("hangup cause: empty (want a number 0-127 or a name such as normal_clearing)")
	}
	if n, err := strconv.Atoi(t); err == nil {
		if n < 0 || n > 127 {
			return 0, fmt.Errorf("hangup cause %q: out of range 0-127", s)
		}
		return n, nil
	}
	name := strings.Map(func(r rune) rune {
		if r == ' ' || r == '-' {
			return '_'
		}
		return r
	}, strings.ToUpper(t))
	name = strings.TrimPrefix(name, "AST_CAUSE_")
	if n, ok := hangupCauseNames()[name]; ok {
		return n, nil
	}
	return 0, fmt.Errorf("hangup cause %q: unknown (want a number 0-127 or a name such as normal_clearing, user_busy, no_answer, call_rejected, congestion)", s)
}
