// Package busypbx makes the AMI traffic of an Asterisk with many calls up,
// for the benchmarks of amsh top: the CoreShowChannels and QueueStatus
// replies, and a trickle of calls ending and starting. Every message is one
// Asterisk 22 sent (shapes.raw: whole messages cut from the recorded
// asterisk22-calls stream, unchanged) with its channel, bridge and list
// headers rewritten, so the headers, their order and their spelling are
// Asterisk's own.
//
// Each call is two PJSIP channels in one bridge: a caller from a trunk
// running Dial, and the agent it reached, running AppDial. It serves
// nothing itself (bench/busypbx does) and is not safe for concurrent use.
package busypbx

import (
	"bytes"
	_ "embed"
	"fmt"
	"strconv"
	"time"
)

//go:embed shapes.raw
var shapesRaw []byte

// Banner is the greeting Asterisk 22 sent before the login.
var Banner string

// header is one header of a recorded message.
type header struct{ key, value string }

// shapes are the recorded messages by event name, and responses by what
// they answered ("Login", "CoreShowChannels", "QueueStatus", "Error",
// "Logoff", "Ping").
var shapes = map[string][]header{}

func init() {
	banner, rest, _ := bytes.Cut(shapesRaw, []byte("\r\n"))
	Banner = string(banner)
	answers := map[string]string{
		"Authentication accepted":  "Login",
		"Channels will follow":     "CoreShowChannels",
		"Queue status will follow": "QueueStatus",
		"Thanks for all the fish.": "Logoff",
	}
	for _, m := range bytes.Split(bytes.TrimSuffix(rest, []byte("\r\n\r\n")), []byte("\r\n\r\n")) {
		var hs []header
		for _, l := range bytes.Split(m, []byte("\r\n")) {
			k, v, _ := bytes.Cut(l, []byte(": "))
			hs = append(hs, header{string(k), string(v)})
		}
		name := ""
		switch hs[0].key {
		case "Event":
			name = hs[0].value
		case "Response":
			name = hs[0].value // "Error", unless a line below says more
			for _, h := range hs {
				if a, ok := answers[h.value]; ok && h.key == "Message" {
					name = a
				}
				if h.key == "Ping" {
					name = "Ping"
				}
			}
		}
		if _, dup := shapes[name]; name == "" || dup {
			panic("busypbx: shapes.raw: unexpected message " + string(m))
		}
		shapes[name] = hs
	}
}

// fields overrides headers of a shape: the value of key, and whether to
// override it.
type fields func(key string) (string, bool)

// write appends the shape named name with fields applied.
func write(b []byte, name string, f fields) []byte {
	hs, ok := shapes[name]
	if !ok {
		panic("busypbx: no recorded " + name)
	}
	for _, h := range hs {
		v := h.value
		if nv, ok := f(h.key); ok {
			v = nv
		}
		b = append(b, h.key...)
		b = append(b, ": "...)
		b = append(b, v...)
		b = append(b, "\r\n"...)
	}
	return append(b, "\r\n"...)
}

// with layers fields: the first that sets a key wins.
func with(fs ...fields) fields {
	return func(key string) (string, bool) {
		for _, f := range fs {
			if v, ok := f(key); ok {
				return v, true
			}
		}
		return "", false
	}
}

// set overrides the keys given as key, value pairs.
func set(kv ...string) fields {
	return func(key string) (string, bool) {
		for i := 0; i+1 < len(kv); i += 2 {
			if kv[i] == key {
				return kv[i+1], true
			}
		}
		return "", false
	}
}

// Agents is how many agents (PJSIP/1000 to PJSIP/1499) the calls reach.
const Agents = 500

// PBX is the state of the simulated Asterisk: its calls, oldest first.
type PBX struct {
	calls   []*call
	next    int // the id of the next call
	step    int // where NextEvent is in the trickle's cycle
	born    *call
	queues  int
	members int
}

// call is one caller bridged to one agent.
type call struct {
	id      int
	created time.Time
	state   int     // the caller leg's state; the agent leg is Up once bridged
	bridged int     // legs in the bridge
	up      [2]bool // which legs exist, by caller and agent
}

// New returns a PBX with channels/2 calls up (channels rounded up to even),
// created one after another over the hour before now, and queues queues of
// members members each.
func New(channels, queues, members int, now time.Time) *PBX {
	p := &PBX{queues: queues, members: members}
	n := (channels + 1) / 2
	for i := range n {
		c := p.newCall(now.Add(-time.Duration(n-i) * time.Hour / time.Duration(n)))
		c.state, c.bridged, c.up = 6, 2, [2]bool{true, true}
		p.calls = append(p.calls, c)
	}
	return p
}

func (p *PBX) newCall(at time.Time) *call {
	c := &call{id: p.next, created: at, state: 4}
	p.next++
	return c
}

// Channels is how many channels are up.
func (p *PBX) Channels() int {
	n := 0
	p.each(func(*call, int) { n++ })
	return n
}

// each calls f for every leg up, oldest call first.
func (p *PBX) each(f func(c *call, leg int)) {
	legs := func(c *call) {
		for leg := range 2 {
			if c.up[leg] {
				f(c, leg)
			}
		}
	}
	for _, c := range p.calls {
		legs(c)
	}
	if p.born != nil {
		legs(p.born)
	}
}

// The two legs of a call.
const (
	caller = 0
	agent  = 1
)

// legFields are the channel headers of one leg of c, with prefix ("" or
// "Dest", as the event names them).
func legFields(c *call, leg int) fields {
	ext := strconv.Itoa(1000 + c.id%Agents)
	uid := func(l int) string { return "1795400000." + strconv.Itoa(2*c.id+l) }
	num := fmt.Sprintf("+4930%07d", c.id%10_000_000)
	var name, state, cidNum, cidName, connNum, connName, context, exten, priority string
	switch leg {
	case caller:
		name = fmt.Sprintf("PJSIP/trunk-%08x", 2*c.id)
		state = strconv.Itoa(c.state)
		cidNum, cidName = num, "Caller "+strconv.Itoa(c.id)
		connNum, connName = ext, "Agent "+ext
		context, exten, priority = "from-trunk", "200", "3"
	default:
		name = fmt.Sprintf("PJSIP/%s-%08x", ext, 2*c.id+1)
		state = "6"
		cidNum, cidName = ext, "Agent "+ext
		connNum, connName = num, "Caller "+strconv.Itoa(c.id)
		context, exten, priority = "from-internal", ext, "1"
	}
	desc := map[string]string{"4": "Ring", "5": "Ringing", "6": "Up"}[state]
	return func(key string) (string, bool) {
		switch key {
		case "Channel":
			return name, true
		case "ChannelState":
			return state, true
		case "ChannelStateDesc":
			return desc, true
		case "CallerIDNum":
			return cidNum, true
		case "CallerIDName":
			return cidName, true
		case "ConnectedLineNum":
			return connNum, true
		case "ConnectedLineName":
			return connName, true
		case "Context":
			return context, true
		case "Exten":
			return exten, true
		case "Priority":
			return priority, true
		case "Uniqueid":
			return uid(leg), true
		case "Linkedid":
			return uid(caller), true
		}
		return "", false
	}
}

// application is what leg of c runs, as CoreShowChannel and Newexten name it.
func application(c *call, leg int) (app, data string) {
	if leg == caller {
		return "Dial", "PJSIP/" + strconv.Itoa(1000+c.id%Agents) + ",30,tT"
	}
	return "AppDial", "(Outgoing Line)"
}

func bridgeID(c *call) string {
	return fmt.Sprintf("d18ee9f3-a097-4281-935a-%012x", c.id)
}

// CoreShowChannels appends the reply to a CoreShowChannels action with
// actionID at now: the response, a CoreShowChannel per channel up, and the
// Complete event.
func (p *PBX) CoreShowChannels(b []byte, actionID string, now time.Time) []byte {
	id := set("ActionID", actionID)
	b = write(b, "CoreShowChannels", id)
	items := 0
	p.each(func(c *call, leg int) {
		app, data := application(c, leg)
		bridge := ""
		if c.bridged > 0 {
			bridge = bridgeID(c)
		}
		b = write(b, "CoreShowChannel", with(id, legFields(c, leg),
			set("Application", app, "ApplicationData", data, "Duration", hms(now.Sub(c.created)), "BridgeId", bridge)))
		items++
	})
	return write(b, "CoreShowChannelsComplete", with(id, set("ListItems", strconv.Itoa(items))))
}

// hms is a CoreShowChannel Duration: 01:02:03.
func hms(d time.Duration) string {
	s := int64(max(d, 0) / time.Second)
	return fmt.Sprintf("%02d:%02d:%02d", s/3600, s/60%60, s%60)
}

// QueueStatus appends the reply to a QueueStatus action: per queue its
// QueueParams and a QueueMember per member, the members agents in calls.
func (p *PBX) QueueStatus(b []byte, actionID string) []byte {
	id := set("ActionID", actionID)
	b = write(b, "QueueStatus", id)
	items := 0
	for q := range p.queues {
		queue := fmt.Sprintf("queue-%02d", q+1)
		b = write(b, "QueueParams", with(id, set("Queue", queue, "Calls", "0")))
		items++
		for m := range p.members {
			ext := strconv.Itoa(1000 + (q*p.members+m)%Agents)
			loc := "PJSIP/" + ext
			b = write(b, "QueueMember", with(id, set("Queue", queue, "Name", "Agent "+ext,
				"Location", loc, "StateInterface", loc, "InCall", "1", "Status", "2")))
			items++
		}
	}
	return write(b, "QueueStatusComplete", with(id, set("ListItems", strconv.Itoa(items))))
}

// Login, Logoff, Ping and Error append those replies.
func Login(b []byte, actionID string) []byte {
	return write(b, "Login", set("ActionID", actionID))
}

func Logoff(b []byte, actionID string) []byte {
	return write(b, "Logoff", set("ActionID", actionID))
}

func Ping(b []byte, actionID string, now time.Time) []byte {
	ts := strconv.FormatFloat(float64(now.UnixMicro())/1e6, 'f', 6, 64)
	return write(b, "Ping", set("ActionID", actionID, "Timestamp", ts))
}

// Error answers an action the PBX does not know.
func Error(b []byte, actionID, action string) []byte {
	return write(b, "Error", set("ActionID", actionID,
		"Message", "Invalid/unknown command: "+action+". Use Action: ListCommands to show available commands."))
}

// FullyBooted appends the event Asterisk sends after a login.
func FullyBooted(b []byte) []byte {
	return write(b, "FullyBooted", set())
}

// NextEvent appends the next event of the trickle, made at now. Its cycle
// of 11 events starts a call (Newchannel, Newexten, Newchannel, Newstate,
// Newstate, BridgeEnter twice) and ends the oldest one (BridgeLeave and
// Hangup of each leg), so the channels up stay as many.
func (p *PBX) NextEvent(b []byte, now time.Time) []byte {
	step := p.step
	p.step = (p.step + 1) % 11
	if step == 0 {
		p.born = p.newCall(now)
	}
	c := p.born
	if step >= 7 {
		c = p.calls[0]
	}
	bridge := func(n int) fields {
		return set("BridgeUniqueid", bridgeID(c), "BridgeNumChannels", strconv.Itoa(n))
	}
	switch step {
	case 0:
		c.up[caller] = true
		return write(b, "Newchannel", with(legFields(c, caller)))
	case 1:
		app, data := application(c, caller)
		return write(b, "Newexten", with(legFields(c, caller), set("Extension", "200", "Application", app, "AppData", data)))
	case 2:
		c.up[agent] = true
		return write(b, "Newchannel", with(set("ChannelState", "5", "ChannelStateDesc", "Ringing"), legFields(c, agent)))
	case 3:
		return write(b, "Newstate", legFields(c, agent))
	case 4:
		c.state = 6
		return write(b, "Newstate", legFields(c, caller))
	case 5, 6:
		c.bridged++
		return write(b, "BridgeEnter", with(bridge(c.bridged), legFields(c, step-5)))
	case 7, 9:
		c.bridged--
		return write(b, "BridgeLeave", with(bridge(c.bridged), legFields(c, agent-(step-7)/2)))
	case 8:
		c.up[agent] = false
		return write(b, "Hangup", with(legFields(c, agent), set("Cause", "16", "Cause-txt", "Normal Clearing")))
	default: // 10
		p.calls = append(p.calls[1:], p.born) // c, the oldest, is gone
		p.born = nil
		return write(b, "Hangup", with(legFields(c, caller), set("Cause", "16", "Cause-txt", "Normal Clearing")))
	}
}
