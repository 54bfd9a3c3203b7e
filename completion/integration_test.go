package completion

import (
	"context"
	"fmt"
	"slices"
	"testing"
	"time"

	"github.com/amsh/amsh/ami"
	"github.com/amsh/amsh/internal/sandboxtest"
)

func dialSandbox(t *testing.T, user, secret, events string) *ami.Session {
	t.Helper()
	sb := sandboxtest.Get(t)
	if user == "" {
		user, secret = sb.User, sb.Secret
	}
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	s, err := ami.Dial(ctx, ami.Config{Addr: sb.Addr, Username: user, Secret: secret, Auth: "md5", Events: events})
	if err != nil {
		t.Fatalf("dial sandbox: %v", err)
	}
	t.Cleanup(func() { s.Close() })
	return s
}

func ctxFor(t *testing.T, d time.Duration) context.Context {
	ctx, cancel := context.WithTimeout(context.Background(), d)
	t.Cleanup(cancel)
	return ctx
}

// The whole path against the real Asterisk: Refresh, parameters, CLI
// completion, and Complete over what came back.
func TestSandboxRefreshAndComplete(t *testing.T) {
	sb := sandboxtest.Get(t)
	s := dialSandbox(t, "", "", "")
	st := NewStore(&Snapshot{Commands: loadFixture(t).Commands})
	if err := Refresh(ctxFor(t, 10*time.Second), s, st); err != nil {
		t.Fatal(err)
	}
	snap := st.Load()
	if !slices.ContainsFunc(snap.Actions, func(a Action) bool { return a.Name == "Originate" }) {
		t.Errorf("actions lack Originate (%d actions)", len(snap.Actions))
	}
	for _, q := range []string{"sales", "support"} {
		if !slices.Contains(snap.Queues, q) {
			t.Errorf("queues %q lack %s", snap.Queues, q)
		}
	}
	for i := 1; i <= sb.Endpoints; i++ {
		if ep := fmt.Sprintf("PJSIP/ep%05d", i); !slices.Contains(snap.Endpoints, ep) {
			t.Errorf("endpoints %q lack %s", snap.Endpoints, ep)
		}
	}
	if !slices.ContainsFunc(snap.Members, func(m Member) bool { return m.Interface == "Local/103@amsh-agents" && m.Queue == "sales" }) {
		t.Errorf("members %+v lack Local/103@amsh-agents in sales", snap.Members)
	}

	// Parameters: first a miss, then fetched.
	if r := Complete("Originate Chan", snap); r.ParamsMiss != "Originate" || len(r.Candidates) != 0 {
		t.Errorf("before FetchParams: %+v", r)
	}
	if err := FetchParams(ctxFor(t, 10*time.Second), s, st, "Originate"); err != nil {
		t.Fatal(err)
	}
	if p := st.Load().Params["originate"]; !slices.Contains(p, "Channel") {
		t.Errorf("Originate params %q lack Channel", p)
	}

	// CLI: a miss, fetched, then a hit.
	r := Complete("!core sh", st.Load())
	if r.CLIMiss == nil {
		t.Fatalf("no CLI miss: %+v", r)
	}
	if err := FetchCLI(ctxFor(t, 10*time.Second), s, st, *r.CLIMiss); err != nil {
		t.Fatal(err)
	}
	if got := st.Load().CLI["core"]; !slices.Contains(got, "show") {
		t.Errorf(`CLI "core" + "sh": %q lacks show`, got)
	}
	if err := FetchParams(ctxFor(t, 10*time.Second), s, st, "QueuePause"); err != nil {
		t.Fatal(err)
	}
	// A value generator, answered by Asterisk from its queues.
	if err := FetchCLI(ctxFor(t, 10*time.Second), s, st, CLIQuery{Line: "queue show ", Word: ""}); err != nil {
		t.Fatal(err)
	}

	snap = st.Load()
	for _, tc := range []struct {
		before string
		want   []string
	}{
		{"!core sh", []string{"show"}},
		{"!queue show s", []string{"sales", "support"}},
		{"command queue show sa", []string{"sales"}},
		{"Originate Chan", []string{"Channel=", "ChannelId="}},
		{"originate PJSIP/ep0000", []string{"PJSIP/ep00001", "PJSIP/ep00002", "PJSIP/ep00003", "PJSIP/ep00004", "PJSIP/ep00005"}},
		{"queue pause --queue sales ", []string{"Local/103@amsh-agents"}},
		{"queue remove support Local/", []string{"Local/101@amsh-agents", "Local/102@amsh-agents"}},
		{"QueuePause Queue=su", []string{"Queue=support"}},
		{"Action: Originat", []string{"Originate"}},
		{"PJSIPShowEndpoi", []string{"PJSIPShowEndpoint", "PJSIPShowEndpoints"}},
	} {
		r := Complete(tc.before, snap)
		if !slices.Equal(r.Candidates, tc.want) || r.CLIMiss != nil || r.ParamsMiss != "" {
			t.Errorf("Complete(%q) = %q (miss %+v %q), want %q", tc.before, r.Candidates, r.CLIMiss, r.ParamsMiss, tc.want)
		}
	}
}

// Prefetching every action's parameters over the real link.
func TestSandboxPrefetchParams(t *testing.T) {
	s := dialSandbox(t, "", "", "")
	st := NewStore(nil)
	if err := Refresh(ctxFor(t, 10*time.Second), s, st); err != nil {
		t.Fatal(err)
	}
	if err := PrefetchParams(ctxFor(t, 30*time.Second), s, st); err != nil {
		t.Fatal(err)
	}
	snap := st.Load()
	if len(snap.Params) != len(snap.Actions) {
		t.Errorf("%d actions, parameters of %d", len(snap.Actions), len(snap.Params))
	}
	if p := snap.Params["queuepause"]; !slices.Contains(p, "Interface") {
		t.Errorf("QueuePause params %q", p)
	}
	if r := Complete("QueuePause Int", snap); !slices.Equal(r.Candidates, []string{"Interface="}) {
		t.Errorf("QueuePause Int: %q", r.Candidates)
	}
}

// A user without the command write class: Asterisk refuses "manager show
// command" and "_command matchesarray". The refusal is stored as no
// parameters and no CLI words, so Complete stops asking.
func TestSandboxRestrictedUser(t *testing.T) {
	sb := sandboxtest.Get(t)
	s := dialSandbox(t, sb.ReportUser, sb.ReportSecret, "")
	st := NewStore(nil)
	err := FetchParams(ctxFor(t, 10*time.Second), s, st, "Originate")
	if !isActionError(err) {
		t.Fatalf("as %s: FetchParams error %v, want Asterisk's refusal", sb.ReportUser, err)
	}
	t.Logf("as %s: %v", sb.ReportUser, err)
	if r := Complete("Originate Chan", st.Load()); r.ParamsMiss != "" {
		t.Errorf("still a miss after the refusal: %+v", r)
	}
	if err := FetchCLI(ctxFor(t, 10*time.Second), s, st, CLIQuery{Line: "core ", Word: "sh"}); !isActionError(err) {
		t.Errorf("FetchCLI error %v, want Asterisk's refusal", err)
	}
	if r := Complete("!core sh", st.Load()); r.CLIMiss != nil || len(r.Candidates) != 0 {
		t.Errorf("after the refusal: %+v", r)
	}
}

// Live events keep the channel list fresh: a channel this test originates
// appears on its Newchannel and goes on its Hangup.
func TestSandboxApplyEvents(t *testing.T) {
	s := dialSandbox(t, "", "", "call")
	sub := s.Subscribe(4096)
	defer sub.Close()
	st := NewStore(&Snapshot{Commands: loadFixture(t).Commands})
	if err := Refresh(ctxFor(t, 10*time.Second), s, st); err != nil {
		t.Fatal(err)
	}
	id := fmt.Sprintf("amsh-completion-%d", time.Now().UnixNano())
	if _, err := s.Send(ctxFor(t, 10*time.Second), ami.NewAction("Originate",
		"Channel", "Local/long@amsh", "Application", "Wait", "Data", "30", "Async", "true", "ChannelId", id)); err != nil {
		t.Fatal(err)
	}
	var name string
	t.Cleanup(func() {
		if name != "" {
			s.Send(ctxFor(t, 5*time.Second), ami.NewAction("Hangup", "Channel", name))
		}
	})
	deadline := time.After(10 * time.Second)
	for name == "" {
		select {
		case m := <-sub.Events():
			st.ApplyEvent(m)
			if m.Event() == "Newchannel" && m.Get("Uniqueid") == id {
				name = m.Get("Channel")
			}
		case <-deadline:
			t.Fatal("no Newchannel for the originated call")
		}
	}
	r := Complete("hangup "+name[:len(name)-2], st.Load())
	if !slices.Contains(r.Candidates, name) {
		t.Fatalf("after Newchannel, %q not offered: %q", name, r.Candidates)
	}
	if r := Complete("Hangup Channel="+name, st.Load()); !slices.Contains(r.Candidates, "Channel="+name) {
		t.Errorf("action form: %q", r.Candidates)
	}

	if _, err := s.Send(ctxFor(t, 10*time.Second), ami.NewAction("Hangup", "Channel", name)); err != nil {
		t.Fatal(err)
	}
	for gone := false; !gone; {
		select {
		case m := <-sub.Events():
			st.ApplyEvent(m)
			gone = m.Event() == "Hangup" && m.Get("Channel") == name
		case <-deadline:
			t.Fatal("no Hangup event")
		}
	}
	if slices.Contains(st.Load().Channels, name) {
		t.Errorf("%s still listed after its Hangup", name)
	}
	name = ""
}
