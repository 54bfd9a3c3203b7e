package completion

import (
	"errors"
	"io"
	"os"
	"path/filepath"
	"reflect"
	"slices"
	"strings"
	"testing"

	"github.com/amsh/amsh/ami"
)

// messages reads a captured AMI stream from testdata/.
func messages(t *testing.T, name string) []*ami.Message {
	t.Helper()
	f, err := os.Open(filepath.Join("testdata", name))
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	r := ami.NewReader(f, ami.ReaderOptions{})
	var out []*ami.Message
	for {
		m, err := r.ReadMessage()
		if errors.Is(err, io.EOF) {
			return out
		}
		if err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		out = append(out, m)
	}
}

func TestListCommands(t *testing.T) {
	acts := ListCommands(messages(t, "listcommands-22.txt")[0])
	if len(acts) < 100 {
		t.Fatalf("got %d actions from Asterisk 22's ListCommands; want over 100", len(acts))
	}
	byName := map[string]string{}
	for _, a := range acts {
		byName[a.Name] = a.Synopsis
	}
	if got := byName["Originate"]; got != "Originate a call." {
		t.Errorf("Originate synopsis %q", got)
	}
	for _, own := range []string{"Response", "ActionID", "Message"} {
		if _, ok := byName[own]; ok {
			t.Errorf("%s is the reply's own header, not an action", own)
		}
	}
	if !slices.IsSortedFunc(acts, func(a, b Action) int { return strings.Compare(a.Name, b.Name) }) {
		t.Error("not sorted")
	}

	old := ActionNames(messages(t, "listcommands-1.4.txt")[0])
	want := []string{"AbsoluteTimeout", "Command", "Hangup", "Originate", "Ping"}
	if !reflect.DeepEqual(old, want) {
		t.Errorf("1.4 ListCommands: got %q, want %q", old, want)
	}
	if ActionNames(nil) != nil {
		t.Error("nil response: want no names")
	}
}

func TestManagerCommandParams(t *testing.T) {
	originate := []Param{
		{"ActionID", false}, {"Channel", true}, {"Exten", false}, {"Context", false}, {"Priority", false},
		{"Application", false}, {"Data", false}, {"Timeout", false}, {"CallerID", false}, {"Variable", false},
		{"Account", false}, {"EarlyMedia", false}, {"Async", false}, {"Codecs", false}, {"ChannelId", false},
		{"OtherChannelId", false}, {"PreDialGoSub", false},
	}
	for _, tc := range []struct {
		file string
		want []Param
	}{
		{"showcommand-originate-22.txt", originate},
		{"showcommand-userevent-22.txt", []Param{{"ActionID", false}, {"UserEvent", true}, {"Header1", false}, {"HeaderN", false}}},
		{"showcommand-unknown-22.txt", nil},
		{"showcommand-hangup-11-color.txt", []Param{{"ActionID", false}, {"Channel", true}, {"Cause", false}}},
		{"showcommand-originate-1.6.txt", []Param{
			{"Channel", true}, {"Exten", false}, {"Context", false}, {"Priority", false}, {"Application", false},
			{"Data", false}, {"Timeout", false}, {"CallerID", false}, {"Variable", false}, {"Account", false}, {"Async", false},
		}},
	} {
		t.Run(tc.file, func(t *testing.T) {
			lines, ok := messages(t, tc.file)[0].CommandOutput()
			if !ok {
				t.Fatal("not a Command reply")
			}
			got := ManagerCommandParams(lines)
			if !reflect.DeepEqual(got, tc.want) {
				t.Errorf("got  %v\nwant %v", got, tc.want)
			}
			names := ParseManagerShowCommand(lines)
			if len(names) != len(tc.want) {
				t.Errorf("ParseManagerShowCommand: %d names, want %d", len(names), len(tc.want))
			}
		})
	}
}

func TestManagerCommandParamsOddLines(t *testing.T) {
	for _, tc := range []struct {
		name  string
		lines []string
		want  []string
	}{
		{"no syntax block", []string{"[Synopsis]", "Channel: <value>"}, []string{}},
		{"stops at the next section", []string{"[Syntax]", "Action: X", "A: <value>", "[Arguments]", "B: <value>"}, []string{"A"}},
		{"stops at an empty line", []string{"[Syntax]", "A: <value>", "", "B: <value>"}, []string{"A"}},
		{"refuses odd names", []string{"[Syntax]", "[Bad Name:] <value>", "Wei$rd: <value>", "Ok-1: <value>"}, []string{"Ok-1"}},
		{"repeats once", []string{"[Syntax]", "[Variable:] <value>", "[variable:] <value>"}, []string{"Variable"}},
		{"legacy block ends at an unindented line", []string{"Variables: ", "\tChannel: x", "Other: y"}, []string{"Channel"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			got := ParseManagerShowCommand(tc.lines)
			if !reflect.DeepEqual(got, tc.want) {
				t.Errorf("got %q, want %q", got, tc.want)
			}
		})
	}
}

func events(ms []*ami.Message) []*ami.Message {
	var out []*ami.Message
	for _, m := range ms {
		if m.IsEvent() {
			out = append(out, m)
		}
	}
	return out
}

func TestValues(t *testing.T) {
	if got, want := Channels(events(messages(t, "coreshowchannels.txt"))),
		[]string{"Local/101@amsh-agents-00000000;1", "PJSIP/ep00002-00000001"}; !reflect.DeepEqual(got, want) {
		t.Errorf("Channels: got %q, want %q", got, want)
	}
	status := events(messages(t, "queuestatus-22.txt"))
	if got, want := Queues(status), []string{"sales", "support"}; !reflect.DeepEqual(got, want) {
		t.Errorf("Queues(QueueStatus): got %q, want %q", got, want)
	}
	if got, want := Queues(events(messages(t, "queuesummary-22.txt"))), []string{"sales", "support"}; !reflect.DeepEqual(got, want) {
		t.Errorf("Queues(QueueSummary): got %q, want %q", got, want)
	}
	all := Members(status, "")
	if len(all) != 3 || all[0] != (Member{Interface: "Local/102@amsh-agents", Name: "Agent Two", Queue: "support"}) {
		t.Errorf("Members: got %+v", all)
	}
	if got := Members(status, "sales"); len(got) != 1 || got[0].Interface != "Local/103@amsh-agents" {
		t.Errorf("Members(sales): got %+v", got)
	}
	if got := Members(status, "nope"); got != nil {
		t.Errorf("Members(nope): got %+v", got)
	}
	eps := Endpoints(append(events(messages(t, "pjsipshowendpoints-22.txt")), events(messages(t, "sippeers-11.txt"))...))
	want := []string{"PJSIP/ep00001", "PJSIP/ep00002", "PJSIP/ep00003", "PJSIP/ep00004", "PJSIP/ep00005", "SIP/2001", "SIP/trunk"}
	if !reflect.DeepEqual(eps, want) {
		t.Errorf("Endpoints: got %q, want %q", eps, want)
	}
}

func TestMatch(t *testing.T) {
	cands := []string{"Originate", "QueueAdd", "queuepause", "Ping"}
	for _, tc := range []struct {
		prefix string
		want   []string
	}{
		{"", cands},
		{"orig", []string{"Originate"}},
		{"Queue", []string{"QueueAdd", "queuepause"}},
		{"x", nil},
	} {
		if got := Match(cands, tc.prefix); !reflect.DeepEqual(got, tc.want) {
			t.Errorf("Match(%q): got %q, want %q", tc.prefix, got, tc.want)
		}
	}
}
