package render

import (
	"strings"

	"github.com/amsh/amsh/ami"
)

// Fixtures are written as the bytes Asterisk sends (CRLF, blank line after
// each message) and cut into messages by wire(), which keeps Raw as a
// Reader with KeepRaw would. Shapes follow Asterisk 22 (the corpus) unless
// the name says legacy.

// wire splits server bytes into messages; it knows just enough AMI for the
// fixtures (no legacy Command bodies: those are built by hand).
func wire(s string) []*ami.Message {
	var out []*ami.Message
	for _, block := range strings.SplitAfter(s, "\r\n\r\n") {
		if block == "" {
			continue
		}
		m := &ami.Message{Raw: []byte(block)}
		for _, line := range strings.Split(strings.TrimSuffix(block, "\r\n\r\n"), "\r\n") {
			k, v, _ := strings.Cut(line, ":")
			m.Add(k, strings.TrimPrefix(v, " "))
		}
		out = append(out, m)
	}
	return out
}

func result(action *ami.Message, s string) *ami.Result {
	ms := wire(s)
	res := &ami.Result{Action: action, Response: ms[0]}
	for _, m := range ms[1:] {
		if strings.HasSuffix(m.Event(), "Complete") {
			res.Complete = m
		} else {
			res.Events = append(res.Events, m)
		}
	}
	return res
}

func command14() *ami.Result {
	return result(ami.NewAction("Command", "Command", "core show channels"),
		"Response: Success\r\n"+
			"ActionID: amsh-1\r\n"+
			"Message: Command output follows\r\n"+
			"Output: Channel              Location             State   Application(Data)             \r\n"+
			"Output: PJSIP/101-00000001   s@default:1          Up      Dial(PJSIP/102,30)            \r\n"+
			"Output: \r\n"+
			"Output:   indented: Key: value\r\n"+
			"Output: 1 active channel\r\n"+
			"Output: 1 active call\r\n"+
			"\r\n")
}

func commandLegacy() *ami.Result {
	body := "Channel              Location             State   Application(Data)\n" +
		"SIP/101-0000000a     s@default:1          Up      Dial(SIP/102,30)\n" +
		"\n" +
		"Response: this line looks like a header\n" +
		"1 active channel\n"
	m := &ami.Message{
		Headers: []ami.Header{{Key: "Response", Value: "Follows"}, {Key: "Privilege", Value: "Command"}, {Key: "ActionID", Value: "amsh-2"}},
		Body:    body,
		Legacy:  true,
		Raw:     []byte("Response: Follows\r\nPrivilege: Command\r\nActionID: amsh-2\r\n" + body + "--END COMMAND--\r\n\r\n"),
	}
	return &ami.Result{Action: ami.NewAction("Command", "Command", "core show channels"), Response: m}
}

func coreShowChannels() *ami.Result {
	ev := func(ch, state, desc, num, app, data, dur string) string {
		return "Event: CoreShowChannel\r\n" +
			"ActionID: amsh-3\r\n" +
			"Channel: " + ch + "\r\n" +
			"ChannelState: " + state + "\r\n" +
			"ChannelStateDesc: " + desc + "\r\n" +
			"CallerIDNum: " + num + "\r\n" +
			"CallerIDName: Caller " + num + "\r\n" +
			"Context: amsh-test\r\n" +
			"Exten: 101\r\n" +
			"Priority: 2\r\n" +
			"Uniqueid: 1795328130." + num[len(num)-2:] + "\r\n" +
			"Application: " + app + "\r\n" +
			"ApplicationData: " + data + "\r\n" +
			"Duration: " + dur + "\r\n" +
			"BridgeId: \r\n" +
			"\r\n"
	}
	return result(ami.NewAction("CoreShowChannels"),
		"Response: Success\r\n"+
			"ActionID: amsh-3\r\n"+
			"EventList: start\r\n"+
			"Message: Channels will follow\r\n"+
			"\r\n"+
			ev("PJSIP/101-00000001", "6", "Up", "5550001", "Dial", "PJSIP/102,30", "00:01:12")+
			ev("PJSIP/102-00000002", "5", "Ringing", "5550002", "AppDial", "(Outgoing Line)", "00:00:03")+
			ev("Local/200@amsh-test-00000003;2", "4", "Ring", "5550003", "Queue", "support", "00:00:00")+
			"Event: CoreShowChannelsComplete\r\n"+
			"ActionID: amsh-3\r\n"+
			"EventList: Complete\r\n"+
			"ListItems: 3\r\n"+
			"\r\n")
}

func queueStatus() *ami.Result {
	params := func(q, calls string) string {
		return "Event: QueueParams\r\nQueue: " + q + "\r\nMax: 0\r\nStrategy: ringall\r\nCalls: " + calls +
			"\r\nHoldtime: 2\r\nTalkTime: 0\r\nCompleted: 3\r\nAbandoned: 2\r\nServiceLevel: 0\r\nServicelevelPerf: 0.0\r\nWeight: 0\r\nActionID: amsh-4\r\n\r\n"
	}
	member := func(q, name, iface, status, paused string) string {
		return "Event: QueueMember\r\nQueue: " + q + "\r\nName: " + name + "\r\nLocation: " + iface +
			"\r\nStateInterface: " + iface + "\r\nMembership: static\r\nPenalty: 0\r\nCallsTaken: 1\r\nLastCall: 1795327979\r\nInCall: 0\r\nStatus: " + status +
			"\r\nPaused: " + paused + "\r\nPausedReason: \r\nActionID: amsh-4\r\n\r\n"
	}
	return result(ami.NewAction("QueueStatus"),
		"Response: Success\r\n"+
			"ActionID: amsh-4\r\n"+
			"EventList: start\r\n"+
			"Message: Queue status will follow\r\n"+
			"\r\n"+
			params("support", "1")+
			member("support", "Alice", "PJSIP/1001", "2", "0")+
			member("support", "Bob", "PJSIP/1002", "1", "1")+
			"Event: QueueEntry\r\nQueue: support\r\nPosition: 1\r\nChannel: PJSIP/trunk-0000017c\r\nUniqueid: 1795328130.763\r\n"+
			"CallerIDNum: 5551234\r\nCallerIDName: unknown\r\nWait: 12\r\nPriority: 0\r\nActionID: amsh-4\r\n\r\n"+
			params("sales", "0")+
			member("sales", "Carol", "PJSIP/1003", "5", "0")+
			"Event: QueueStatusComplete\r\n"+
			"ActionID: amsh-4\r\n"+
			"EventList: Complete\r\n"+
			"ListItems: 6\r\n"+
			"\r\n")
}

func errorResponse() *ami.Result {
	return result(ami.NewAction("QueueAdd", "Queue", "support", "Interface", "PJSIP/1001"),
		"Response: Error\r\n"+
			"ActionID: amsh-5\r\n"+
			"Message: Permission denied\r\n"+
			"\r\n")
}

func originateResponse() []*ami.Message {
	return wire("Event: OriginateResponse\r\n" +
		"Privilege: call,all\r\n" +
		"ActionID: amsh-6\r\n" +
		"Response: Failure\r\n" +
		"Channel: PJSIP/102\r\n" +
		"Context: default\r\n" +
		"Exten: 200\r\n" +
		"Reason: 5\r\n" +
		"Uniqueid: <null>\r\n" +
		"CallerIDNum: <unknown>\r\n" +
		"CallerIDName: <unknown>\r\n" +
		"\r\n")
}

// variables carries repeated headers (UserEvent copies every header of the
// action), non-ASCII text, a Latin-1 byte and a terminal escape.
func variables() []*ami.Message {
	return wire("Event: UserEvent\r\n" +
		"Privilege: user,all\r\n" +
		"UserEvent: Billing\r\n" +
		"Variable: a=1\r\n" +
		"Variable: b=two words\r\n" +
		"Account: 42\r\n" +
		"variable: c=\"quoted\\\"\"\r\n" +
		"CallerIDName: 김철수 张伟\r\n" +
		"Note: caf\xe9 \x1b[31mred\r\n" +
		"\r\n")
}

// stream is what `amsh events` sees: several messages in a row.
func stream() []*ami.Message {
	ms := originateResponse()
	ms = append(ms, wire("Event: Hangup\r\n"+
		"Privilege: call,all\r\n"+
		"Channel: PJSIP/101-00000001\r\n"+
		"ChannelState: 6\r\n"+
		"ChannelStateDesc: Up\r\n"+
		"Uniqueid: 1795328130.1\r\n"+
		"Cause: 16\r\n"+
		"Cause-txt: Normal Clearing\r\n"+
		"\r\n")...)
	ms = append(ms, wire("Event: QueueMemberStatus\r\n"+
		"Privilege: agent,all\r\n"+
		"Queue: support\r\n"+
		"MemberName: Bob\r\n"+
		"Interface: PJSIP/1002\r\n"+
		"Status: 6\r\n"+
		"Paused: 0\r\n"+
		"\r\n")...)
	return append(ms, variables()...)
}
