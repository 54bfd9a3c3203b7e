package ami

import (
	"bytes"
	"compress/gzip"
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/amsh/amsh/internal/amitest"
)

// The recordings in testdata/asteriskNN-session*.raw.gz are one amsh session
// against a real Asterisk 13.38.3 and 16: what the server sent (banner
// included) and what the client sent. TestSessionReplay plays the server's
// side back to a live Session, action by action, with the recorded
// ActionIDs rewritten to the live ones.

func gunzipFile(t *testing.T, name string) []byte {
	t.Helper()
	f, err := os.Open(filepath.Join("testdata", name))
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	zr, err := gzip.NewReader(f)
	if err != nil {
		t.Fatalf("%s: %v", name, err)
	}
	b, err := io.ReadAll(zr)
	if err != nil {
		t.Fatalf("%s: %v", name, err)
	}
	return b
}

// recordedAction is one action of the client's recording.
type recordedAction struct {
	name, id string
	headers  [][2]string // without ActionID
}

func parseClientRecording(t *testing.T, b []byte) []recordedAction {
	t.Helper()
	var out []recordedAction
	for _, block := range strings.Split(string(b), "\r\n\r\n") {
		if strings.TrimSpace(block) == "" {
			continue
		}
		var a recordedAction
		for _, line := range strings.Split(block, "\r\n") {
			k, v, ok := strings.Cut(line, ": ")
			if !ok {
				t.Fatalf("client recording: line %q", line)
			}
			switch {
			case strings.EqualFold(k, "ActionID"):
				a.id = v
			case strings.EqualFold(k, "Action"):
				a.name = v
			default:
				a.headers = append(a.headers, [2]string{k, v})
			}
		}
		if a.name == "" || a.id == "" {
			t.Fatalf("client recording: block without Action or ActionID: %q", block)
		}
		out = append(out, a)
	}
	return out
}

// replayServer answers the k-th action it receives with what the recorded
// server sent from after its answer to action k-1 up to just before the
// first message that names action k+1's ActionID (all of the rest for the
// last action). The recorded ActionIDs in what it sends are replaced by the
// live ones of the actions received so far.
func replayServer(t *testing.T, server []byte, actions []recordedAction) *amitest.Server {
	nl := bytes.IndexByte(server, '\n')
	server = server[nl+1:] // amitest sends its own banner
	return amitest.New(t, func(c *amitest.Conn) {
		var pairs []string
		cursor := 0
		for k, ra := range actions {
			a, ok := c.Read()
			if !ok {
				t.Errorf("replay: want action %d (%s), the client sent nothing more", k+1, ra.name)
				return
			}
			if !strings.EqualFold(a.Get("Action"), ra.name) {
				t.Errorf("replay: action %d is %q, the recording has %s", k+1, a.Get("Action"), ra.name)
				return
			}
			pairs = append(pairs, "ActionID: "+ra.id+"\r\n", "ActionID: "+a.ID()+"\r\n")
			end := len(server)
			if k+1 < len(actions) {
				end = cursor + segmentEnd(server[cursor:], actions[k:])
			}
			seg := strings.NewReplacer(pairs...).Replace(string(server[cursor:end]))
			cursor = end
			if seg != "" {
				c.Send(seg)
			}
		}
	})
}

// segmentEnd returns where, in what the server sent after its answer to
// the action before actions[0], its answer to actions[0] ends: just before
// the first message that names actions[1]'s ActionID. When the answer to
// actions[1] names none (the header-less reply to Queues), it is just after
// the last message naming actions[0]'s ActionID before the answer to
// actions[2].
func segmentEnd(server []byte, actions []recordedAction) int {
	mention := func(id string, in []byte) int { return bytes.Index(in, []byte("ActionID: "+id+"\r\n")) }
	msgStart := func(i int) int { // the start of the message holding server[i]
		if j := bytes.LastIndex(server[:i], []byte("\r\n\r\n")); j >= 0 {
			return j + 4
		}
		return 0
	}
	if i := mention(actions[1].id, server); i >= 0 {
		return msgStart(i)
	}
	limit := len(server)
	if len(actions) > 2 {
		if i := mention(actions[2].id, server); i >= 0 {
			limit = msgStart(i)
		}
	}
	i := bytes.LastIndex(server[:limit], []byte("ActionID: "+actions[0].id+"\r\n"))
	if i < 0 {
		return 0
	}
	return i + bytes.Index(server[i:], []byte("\r\n\r\n")) + 4
}

func TestSessionReplay(t *testing.T) {
	for _, v := range []string{"13", "16"} {
		t.Run("asterisk"+v, func(t *testing.T) {
			server := gunzipFile(t, "asterisk"+v+"-session.raw.gz")
			actions := parseClientRecording(t, gunzipFile(t, "asterisk"+v+"-session-client.raw.gz"))
			if actions[0].name != "Challenge" || actions[1].name != "Login" {
				t.Fatalf("recording starts with %s, %s", actions[0].name, actions[1].name)
			}
			fs := replayServer(t, server, actions)
			s := dialFake(t, fs, func(c *Config) { c.Auth = "md5"; c.Events = "on" })

			queues := 0
			for _, ra := range actions[2:] {
				action := NewAction(ra.name)
				for _, hd := range ra.headers {
					action.Add(hd[0], hd[1])
				}
				res, err := s.Send(ctxTimeout(t, 5*time.Second), action)
				var ae *ActionError
				if err != nil && !asErr(err, &ae) {
					t.Fatalf("%s: %v", ra.name, err)
				}
				if res == nil || res.Response == nil {
					t.Fatalf("%s: no response", ra.name)
				}
				if ra.name == "Queues" && v == "13" { // removed in 15: an Error on 16
					queues++
					checkQueuesReply(t, res.Response)
					continue
				}
				// Every other reply carries the ActionID we sent: it was
				// matched to this action, not left over from the one before.
				if got, want := res.Response.ActionID(), action.ActionID(); got != want {
					t.Errorf("%s: reply ActionID %q, want %q: %q", ra.name, got, want, res.Response.Headers)
				}
				switch ra.name {
				case "ListCommands":
					if res.Response.Response() != "Success" || v == "13" && !strings.HasPrefix(res.Response.Get("Queues"), "Queues.") {
						t.Errorf("ListCommands reply: %q", res.Response.Headers)
					}
				case "Logoff":
					if err != nil || res.Response.Response() != "Goodbye" {
						t.Errorf("Logoff: %v, %q", err, res.Response.Headers)
					}
				}
			}
			if want := map[string]int{"13": 2, "16": 0}[v]; queues != want {
				t.Errorf("%d Queues actions replayed, want %d", queues, want)
			}
		})
	}
}

// checkQueuesReply checks that the header-less reply to Queues holds the
// blocks of both queues of the recording, in order, with the empty line
// between them and nothing after the last.
func checkQueuesReply(t *testing.T, m *Message) {
	t.Helper()
	var lines []string
	for _, hd := range m.Headers {
		if hd.Key != "" {
			t.Fatalf("Queues reply has a header %q: %q", hd.Key, m.Headers)
		}
		lines = append(lines, hd.Value)
	}
	text := strings.Join(lines, "\n")
	support := strings.Index(text, "support has 0 calls")
	sales := strings.Index(text, "\n\nsales has 0 calls")
	if support != 0 || sales < 0 {
		t.Fatalf("Queues reply lacks a queue's block:\n%s", text)
	}
	for _, want := range []string{"Alice (Local/1001", "Bob (Local/1002", "Carol (Local/1003", "W:0, C:0"} {
		if !strings.Contains(text, want) {
			t.Errorf("Queues reply lacks %q:\n%s", want, text)
		}
	}
	if last := lines[len(lines)-1]; last != "   No Callers" {
		t.Errorf("Queues reply ends with %q", last)
	}
}
