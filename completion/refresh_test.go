package completion

import (
	"context"
	"errors"
	"reflect"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/amsh/amsh/ami"
)

// fakeSender answers actions from a function and records what was sent.
type fakeSender struct {
	mu    sync.Mutex
	sent  []string // "Action" or "Command: the command"
	reply func(ctx context.Context, m *ami.Message) (*ami.Result, error)
}

func (f *fakeSender) Send(ctx context.Context, m *ami.Message) (*ami.Result, error) {
	what := m.Action()
	if strings.EqualFold(what, "Command") {
		what += ": " + m.Get("Command")
	}
	f.mu.Lock()
	f.sent = append(f.sent, what)
	f.mu.Unlock()
	return f.reply(ctx, m)
}

func (f *fakeSender) sentList() []string {
	f.mu.Lock()
	defer f.mu.Unlock()
	return slices.Clone(f.sent)
}

func refused(action, msg string) error {
	return &ami.ActionError{Action: action, Message: msg, Response: event("Response", "Error", "Message", msg)}
}

// capturedReplies answers from the captured Asterisk 22 replies in testdata/.
func capturedReplies(t *testing.T) func(context.Context, *ami.Message) (*ami.Result, error) {
	list := func(file string) *ami.Result {
		ms := messages(t, file)
		return &ami.Result{Response: ms[0], Events: events(ms)}
	}
	byAction := map[string]*ami.Result{
		"listcommands":       {Response: messages(t, "listcommands-22.txt")[0]},
		"coreshowchannels":   list("coreshowchannels.txt"),
		"queuestatus":        list("queuestatus-22.txt"),
		"pjsipshowendpoints": list("pjsipshowendpoints-22.txt"),
		"sippeers":           list("sippeers-11.txt"),
	}
	return func(_ context.Context, m *ami.Message) (*ami.Result, error) {
		if res, ok := byAction[strings.ToLower(m.Action())]; ok {
			return res, nil
		}
		return nil, refused(m.Action(), "Invalid/unknown command")
	}
}

func TestRefresh(t *testing.T) {
	f := &fakeSender{reply: capturedReplies(t)}
	st := NewStore(&Snapshot{
		Profiles: []string{"lab"},
		Params:   map[string][]string{"ping": {}},
		CLI:      map[string][]string{"core": {"show"}},
	})
	if err := Refresh(context.Background(), f, st); err != nil {
		t.Fatal(err)
	}
	snap := st.Load()
	if !slices.ContainsFunc(snap.Actions, func(a Action) bool { return a.Name == "Originate" }) {
		t.Errorf("actions lack Originate: %d actions", len(snap.Actions))
	}
	if want := []string{"Local/101@amsh-agents-00000000;1", "PJSIP/ep00002-00000001"}; !slices.Equal(snap.Channels, want) {
		t.Errorf("channels %q", snap.Channels)
	}
	if want := []string{"sales", "support"}; !slices.Equal(snap.Queues, want) {
		t.Errorf("queues %q", snap.Queues)
	}
	if len(snap.Members) != 3 || snap.Members[0].Queue != "sales" {
		t.Errorf("members (sorted by queue) %+v", snap.Members)
	}
	// Asterisk 22 lists PJSIPShowEndpoints and not SIPpeers: only it is asked.
	if want := []string{"PJSIP/ep00001", "PJSIP/ep00002", "PJSIP/ep00003", "PJSIP/ep00004", "PJSIP/ep00005"}; !slices.Equal(snap.Endpoints, want) {
		t.Errorf("endpoints %q", snap.Endpoints)
	}
	if slices.Contains(f.sentList(), "SIPpeers") {
		t.Error("asked SIPpeers, which ListCommands does not list")
	}
	if !slices.Equal(snap.Profiles, []string{"lab"}) || snap.Params == nil {
		t.Error("Refresh dropped what it does not fetch")
	}
	if snap.CLI != nil {
		t.Error("the CLI cache survived a refresh")
	}
}

// Each part stands alone: a refused one keeps its old values.
func TestRefreshPartialFailure(t *testing.T) {
	captured := capturedReplies(t)
	f := &fakeSender{reply: func(ctx context.Context, m *ami.Message) (*ami.Result, error) {
		switch m.Action() {
		case "QueueStatus":
			return nil, refused("QueueStatus", "Permission denied")
		case "ListCommands":
			return nil, &ami.ConnError{Op: "timeout", Addr: "x", Err: context.DeadlineExceeded}
		}
		return captured(ctx, m)
	}}
	old := &Snapshot{
		Actions: []Action{{Name: "Old"}},
		Queues:  []string{"old-queue"},
		Members: []Member{{Interface: "PJSIP/old", Queue: "old-queue"}},
	}
	st := NewStore(old)
	err := Refresh(context.Background(), f, st)
	var ae *ami.ActionError
	if !errors.As(err, &ae) || !strings.Contains(err.Error(), "refresh queues") || !strings.Contains(err.Error(), "refresh actions") {
		t.Errorf("error %v: want both failures, the ActionError reachable", err)
	}
	snap := st.Load()
	if !reflect.DeepEqual(snap.Queues, old.Queues) || !reflect.DeepEqual(snap.Members, old.Members) || !reflect.DeepEqual(snap.Actions, old.Actions) {
		t.Errorf("failed parts changed: %+v", snap)
	}
	if len(snap.Channels) != 2 {
		t.Errorf("channels not refreshed: %q", snap.Channels)
	}
	// Without ListCommands both endpoint actions are asked, and merged.
	if want := 7; len(snap.Endpoints) != want {
		t.Errorf("endpoints %q, want %d from both drivers", snap.Endpoints, want)
	}
}

// Asterisk 1.4 has no CoreShowChannels: Status lists the channels.
func TestRefreshStatusFallback(t *testing.T) {
	captured := capturedReplies(t)
	f := &fakeSender{reply: func(ctx context.Context, m *ami.Message) (*ami.Result, error) {
		switch m.Action() {
		case "CoreShowChannels":
			return nil, refused("CoreShowChannels", "Invalid/unknown command")
		case "Status":
			return &ami.Result{Events: []*ami.Message{event("Event", "Status", "Channel", "SIP/100-0a1b")}}, nil
		}
		return captured(ctx, m)
	}}
	st := NewStore(nil)
	if err := Refresh(context.Background(), f, st); err != nil {
		t.Fatal(err)
	}
	if got := st.Load().Channels; !slices.Equal(got, []string{"SIP/100-0a1b"}) {
		t.Errorf("channels %q", got)
	}
}

// Events applied while Refresh waits for its lists are replayed over them:
// the list (taken before) lacks a channel that came up, and still has one
// that went down.
func TestRefreshReplaysEvents(t *testing.T) {
	captured := capturedReplies(t)
	listed, release := make(chan struct{}), make(chan struct{})
	f := &fakeSender{reply: func(ctx context.Context, m *ami.Message) (*ami.Result, error) {
		if m.Action() == "CoreShowChannels" {
			close(listed)
			<-release
		}
		return captured(ctx, m)
	}}
	st := NewStore(nil)
	done := make(chan error)
	go func() { done <- Refresh(context.Background(), f, st) }()
	<-listed
	st.ApplyEvents([]*ami.Message{
		event("Event", "Newchannel", "Channel", "PJSIP/new-1"),
		event("Event", "Hangup", "Channel", "PJSIP/ep00002-00000001"),
		event("Event", "QueueMemberAdded", "Queue", "sales", "Interface", "PJSIP/late"),
	})
	close(release)
	if err := <-done; err != nil {
		t.Fatal(err)
	}
	snap := st.Load()
	if want := []string{"Local/101@amsh-agents-00000000;1", "PJSIP/new-1"}; !slices.Equal(snap.Channels, want) {
		t.Errorf("channels %q, want %q", snap.Channels, want)
	}
	if !slices.ContainsFunc(snap.Members, func(m Member) bool { return m.Interface == "PJSIP/late" }) {
		t.Errorf("member added during the refresh lost: %+v", snap.Members)
	}
	if st.journal != nil || st.refreshing != 0 {
		t.Error("journal kept after the refresh")
	}
}

func commandReply(t *testing.T, file string) *ami.Result {
	return &ami.Result{Response: messages(t, file)[0]}
}

func outputReply(lines ...string) *ami.Result {
	m := event("Response", "Success", "Message", "Command output follows")
	for _, l := range lines {
		m.Add("Output", l)
	}
	return &ami.Result{Response: m}
}

func TestFetchParams(t *testing.T) {
	f := &fakeSender{reply: func(_ context.Context, m *ami.Message) (*ami.Result, error) {
		switch m.Get("Command") {
		case "manager show command Originate":
			return commandReply(t, "showcommand-originate-22.txt"), nil
		case "manager show command Secret":
			return nil, refused("Command", "Permission denied")
		}
		return nil, &ami.ConnError{Op: "closed", Addr: "x", Err: ami.ErrClosed}
	}}
	st := NewStore(nil)
	if err := FetchParams(context.Background(), f, st, "Originate"); err != nil {
		t.Fatal(err)
	}
	params := st.Load().Params["originate"]
	if !slices.Contains(params, "Channel") || !slices.Contains(params, "Variable") {
		t.Errorf("params %q", params)
	}
	// Refused: an empty entry, so Complete stops asking; the error tells.
	if err := FetchParams(context.Background(), f, st, "Secret"); !isActionError(err) {
		t.Errorf("refused: err %v", err)
	}
	if p, ok := st.Load().Params["secret"]; !ok || len(p) != 0 {
		t.Errorf("refused: entry %q, %v", p, ok)
	}
	if r := Complete("Secret ", st.Load()); r.ParamsMiss != "" {
		t.Errorf("still a miss after a refusal: %+v", r)
	}
	// The link failed: nothing stored, so it is asked again later.
	if err := FetchParams(context.Background(), f, st, "Ping"); err == nil {
		t.Error("connection failure: no error")
	}
	if _, ok := st.Load().Params["ping"]; ok {
		t.Error("connection failure stored an entry")
	}
	// Never sends what is not a name: it goes into a CLI command.
	n := len(f.sentList())
	if err := FetchParams(context.Background(), f, st, "x\r\nAction: Logoff"); err == nil {
		t.Error("accepted a name with CRLF")
	}
	if len(f.sentList()) != n {
		t.Error("sent an action for a bad name")
	}
}

func TestPrefetchParams(t *testing.T) {
	var inFlight, most atomic.Int32
	f := &fakeSender{reply: func(_ context.Context, m *ami.Message) (*ami.Result, error) {
		n := inFlight.Add(1)
		defer inFlight.Add(-1)
		for {
			old := most.Load()
			if n <= old || most.CompareAndSwap(old, n) {
				break
			}
		}
		time.Sleep(time.Millisecond)
		name := strings.TrimPrefix(m.Get("Command"), "manager show command ")
		if name == "Refused" {
			return nil, refused("Command", "Permission denied")
		}
		return outputReply("[Syntax]", "Action: "+name, "[ActionID:] <value>", name+"Param: <value>", ""), nil
	}}
	var actions []Action
	for _, n := range []string{"A1", "A2", "A3", "A4", "A5", "A6", "A7", "A8", "A9", "Known", "Refused"} {
		actions = append(actions, Action{Name: n})
	}
	st := NewStore(&Snapshot{Actions: actions, Params: map[string][]string{"known": {"X"}}})
	err := PrefetchParams(context.Background(), f, st)
	if err == nil || !strings.Contains(err.Error(), "refused 1 of 10") {
		t.Errorf("err %v", err)
	}
	params := st.Load().Params
	if len(params) != 11 || !slices.Equal(params["a7"], []string{"ActionID", "A7Param"}) || !slices.Equal(params["known"], []string{"X"}) {
		t.Errorf("params %v", params)
	}
	if slices.Contains(f.sentList(), "Command: manager show command Known") {
		t.Error("fetched an action already known")
	}
	if m := most.Load(); m > prefetchWorkers || m < 2 {
		t.Errorf("%d at once, want 2..%d", m, prefetchWorkers)
	}
}

func TestPrefetchParamsCancel(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	var calls atomic.Int32
	f := &fakeSender{reply: func(ctx context.Context, _ *ami.Message) (*ami.Result, error) {
		if calls.Add(1) == 3 {
			cancel()
		}
		<-ctx.Done()
		return nil, ctx.Err()
	}}
	var actions []Action
	for i := range 100 {
		actions = append(actions, Action{Name: "A" + strings.Repeat("x", i)})
	}
	st := NewStore(&Snapshot{Actions: actions})
	err := PrefetchParams(ctx, f, st)
	if !errors.Is(err, context.Canceled) {
		t.Errorf("err %v", err)
	}
	if n := calls.Load(); n > prefetchWorkers+1 {
		t.Errorf("%d fetches after the cancel", n)
	}
}

func TestFetchCLI(t *testing.T) {
	f := &fakeSender{reply: func(_ context.Context, m *ami.Message) (*ami.Result, error) {
		switch m.Get("Command") {
		case `_command matchesarray "core sh" "sh"`:
			return outputReply("show show _EOF_"), nil
		case `_command matchesarray "" ""`:
			return outputReply(" core dialplan _EOF_"), nil
		case `_command matchesarray "dialplan show \"a\\b" "\"a\\b"`:
			return outputReply("_EOF_"), nil
		}
		return nil, refused("Command", "No such command")
	}}
	st := NewStore(nil)
	r := Complete("!  core sh", st.Load())
	if r.CLIMiss == nil || *r.CLIMiss != (CLIQuery{Line: "  core ", Word: "sh"}) {
		t.Fatalf("miss %+v", r.CLIMiss)
	}
	if err := FetchCLI(context.Background(), f, st, *r.CLIMiss); err != nil {
		t.Fatal(err)
	}
	if r := Complete("!core sh", st.Load()); !slices.Equal(r.Candidates, []string{"show"}) || r.CLIMiss != nil {
		t.Errorf("after the fetch: %+v", r)
	}
	if r := Complete("!core s", st.Load()); r.CLIMiss == nil {
		t.Error("a shorter word than the one fetched hit the cache")
	}
	if err := FetchCLI(context.Background(), f, st, CLIQuery{}); err != nil {
		t.Fatal(err)
	}
	if r := Complete("!", st.Load()); !slices.Equal(r.Candidates, []string{"core", "dialplan"}) {
		t.Errorf("first word: %q", r.Candidates)
	}
	if err := FetchCLI(context.Background(), f, st, CLIQuery{Line: "dialplan show ", Word: `"a\b`}); err != nil {
		t.Errorf("escaping: %v", err)
	}
	if err := FetchCLI(context.Background(), f, st, CLIQuery{Line: "nope "}); !isActionError(err) {
		t.Errorf("refused: %v", err)
	}
	if r := Complete("!nope ", st.Load()); r.CLIMiss != nil {
		t.Errorf("still a miss after a refusal: %+v", r)
	}
	if got := len(st.Load().CLI); got != 4 {
		t.Errorf("%d entries, want 4", got)
	}
	// A broken link stores nothing: it is asked again later.
	broken := &fakeSender{reply: func(context.Context, *ami.Message) (*ami.Result, error) {
		return nil, &ami.ConnError{Op: "closed", Addr: "x", Err: ami.ErrClosed}
	}}
	if err := FetchCLI(context.Background(), broken, st, CLIQuery{Line: "broken "}); err == nil {
		t.Error("no error from a broken link")
	}
	if r := Complete("!broken ", st.Load()); r.CLIMiss == nil {
		t.Error("a failed fetch was cached")
	}
}

func TestFetchCLICacheBound(t *testing.T) {
	f := &fakeSender{reply: func(context.Context, *ami.Message) (*ami.Result, error) {
		return outputReply("x x _EOF_"), nil
	}}
	st := NewStore(nil)
	for i := range maxCLIEntries + 10 {
		if err := FetchCLI(context.Background(), f, st, CLIQuery{Line: strings.Repeat("a ", i)}); err != nil {
			t.Fatal(err)
		}
	}
	if n := len(st.Load().CLI); n > maxCLIEntries || n == 0 {
		t.Errorf("%d entries", n)
	}
}
