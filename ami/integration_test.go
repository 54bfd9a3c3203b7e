package ami_test

import (
	"context"
	"crypto/tls"
	"crypto/x509"
	"errors"
	"fmt"
	"os"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/amsh/amsh/ami"
	"github.com/amsh/amsh/internal/sandboxtest"
)

func dialSandbox(t *testing.T, sb *sandboxtest.Sandbox, mod ...func(*ami.Config)) *ami.Session {
	t.Helper()
	cfg := ami.Config{Addr: sb.Addr, Username: sb.User, Secret: sb.Secret, Auth: "md5", DialTimeout: 10 * time.Second}
	for _, f := range mod {
		f(&cfg)
	}
	s, err := ami.Dial(context.Background(), cfg)
	if err != nil {
		t.Fatalf("dial sandbox: %v", err)
	}
	t.Cleanup(func() { s.Close() })
	return s
}

func ctx10(t *testing.T) context.Context {
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	t.Cleanup(cancel)
	return ctx
}

// The foundation test: banner, login, Command equal to asterisk -rx, logoff.
func TestSandboxCommandMatchesCLI(t *testing.T) {
	sb := sandboxtest.Get(t)
	s := dialSandbox(t, sb)
	if !strings.HasPrefix(s.Banner(), "Asterisk Call Manager/") {
		t.Fatalf("banner %q", s.Banner())
	}
	res, err := s.Send(ctx10(t), ami.NewAction("Command", "Command", "core show version"))
	if err != nil {
		t.Fatal(err)
	}
	lines, ok := res.Output()
	if !ok {
		t.Fatalf("no command output in %q", res.Response.String())
	}
	want := strings.TrimRight(sb.Rx(t, "core show version"), "\n")
	if got := strings.Join(lines, "\n"); got != want {
		t.Errorf("Command output\n got: %q\nwant: %q", got, want)
	}
	if err := s.Logoff(ctx10(t)); err != nil {
		t.Errorf("logoff: %v", err)
	}
}

// Multi-line output with indentation and blank lines, verbatim.
func TestSandboxMultiLineCommand(t *testing.T) {
	sb := sandboxtest.Get(t)
	s := dialSandbox(t, sb)
	for _, cmd := range []string{"queue show support", "manager show command Originate", "pjsip show endpoints"} {
		res, err := s.Send(ctx10(t), ami.NewAction("Command", "Command", cmd))
		if err != nil {
			t.Fatalf("%s: %v", cmd, err)
		}
		lines, _ := res.Output()
		// asterisk -rx and AMI differ only in how many trailing newlines they keep.
		got := strings.TrimRight(strings.Join(lines, "\n"), "\n")
		want := strings.TrimRight(stripANSI(sb.Rx(t, cmd)), "\n")
		if cmd == "queue show support" {
			// "login was N secs ago" ticks between the two runs.
			got, want = dropDigits(got), dropDigits(want)
		}
		if got != want {
			t.Errorf("%s:\n got: %q\nwant: %q", cmd, got, want)
		}
	}
}

func TestSandboxPlainLogin(t *testing.T) {
	sb := sandboxtest.Get(t)
	s := dialSandbox(t, sb, func(c *ami.Config) { c.Auth = "plain" })
	if _, err := s.Send(ctx10(t), ami.NewAction("Ping")); err != nil {
		t.Fatal(err)
	}
}

func TestSandboxTLSLogin(t *testing.T) {
	sb := sandboxtest.Get(t)
	pem, err := os.ReadFile(sb.CAFile)
	if err != nil {
		t.Fatal(err)
	}
	pool := x509.NewCertPool()
	if !pool.AppendCertsFromPEM(pem) {
		t.Fatal("no certificate in CA file")
	}
	s := dialSandbox(t, sb, func(c *ami.Config) {
		c.Addr = sb.TLSAddr
		c.TLS = &tls.Config{RootCAs: pool, ServerName: "localhost"}
	})
	res, err := s.Send(ctx10(t), ami.NewAction("Ping"))
	if err != nil || res.Response.Get("Ping") != "Pong" {
		t.Fatalf("ping over TLS: %v %v", res, err)
	}

	// Without the CA the handshake must fail as a connection error.
	_, err = ami.Dial(context.Background(), ami.Config{Addr: sb.TLSAddr, Username: sb.User, Secret: sb.Secret,
		TLS: &tls.Config{ServerName: "localhost"}})
	var ce *ami.ConnError
	if !errors.As(err, &ce) || ce.Op != ami.OpTLS {
		t.Fatalf("TLS without CA: err = %v, want ConnError tls", err)
	}
}

func TestSandboxWrongSecret(t *testing.T) {
	sb := sandboxtest.Get(t)
	for _, auth := range []string{"md5", "plain"} {
		_, err := ami.Dial(context.Background(), ami.Config{Addr: sb.Addr, Username: sb.User, Secret: "not-the-secret", Auth: auth})
		var ae *ami.AuthError
		if !errors.As(err, &ae) {
			t.Fatalf("%s: err = %v, want AuthError", auth, err)
		}
		if strings.Contains(err.Error(), "not-the-secret") {
			t.Errorf("error shows the secret: %v", err)
		}
	}
}

func TestSandboxPermissionDenied(t *testing.T) {
	sb := sandboxtest.Get(t)
	s := dialSandbox(t, sb, func(c *ami.Config) { c.Username, c.Secret = sb.ReportUser, sb.ReportSecret })
	_, err := s.Send(ctx10(t), ami.NewAction("Originate", "Channel", "Local/short@amsh", "Application", "Wait", "Data", "1", "Async", "true"))
	var ae *ami.ActionError
	if !errors.As(err, &ae) || ae.Message != "Permission denied" {
		t.Fatalf("err = %v, want Asterisk's Permission denied", err)
	}
}

func TestSandboxCoreShowChannelsWithLiveCalls(t *testing.T) {
	sb := sandboxtest.Get(t)
	s := dialSandbox(t, sb, func(c *ami.Config) { c.Events = "call" })
	sub := s.Subscribe(4096)
	const calls = 3
	var ids []string
	for range calls {
		res, err := s.Send(ctx10(t), ami.NewAction("Originate", "Channel", "Local/long@amsh", "Application", "Wait", "Data", "30", "Async", "true"))
		if err != nil {
			t.Fatal(err)
		}
		ids = append(ids, res.Action.ActionID())
	}
	t.Cleanup(func() { sb.Rx(t, "channel request hangup all") })
	answered := map[string]bool{}
	deadline := time.After(10 * time.Second)
	for len(answered) < calls {
		select {
		case m := <-sub.Events():
			if m.Event() == "OriginateResponse" && m.Get("Reason") == "4" {
				answered[m.ActionID()] = true
			}
		case <-deadline:
			t.Fatalf("answered %d of %d originates", len(answered), calls)
		}
	}
	for _, id := range ids {
		if !answered[id] {
			t.Errorf("no OriginateResponse for %s", id)
		}
	}
	res, err := s.Send(ctx10(t), ami.NewAction("CoreShowChannels"))
	if err != nil {
		t.Fatal(err)
	}
	// Each Local call is two channels (;1 and ;2).
	if len(res.Events) < 2*calls {
		t.Fatalf("CoreShowChannels listed %d channels, want at least %d", len(res.Events), 2*calls)
	}
	if got := res.Complete.Get("ListItems"); got != fmt.Sprint(len(res.Events)) {
		t.Errorf("ListItems %s, collected %d", got, len(res.Events))
	}
	for _, ev := range res.Events {
		if ev.Event() != "CoreShowChannel" || ev.ActionID() != res.Action.ActionID() {
			t.Errorf("stray list item %q", ev.String())
		}
	}
}

func TestSandboxHundredActionsInFlight(t *testing.T) {
	sb := sandboxtest.Get(t)
	s := dialSandbox(t, sb)
	const n = 100
	var wg sync.WaitGroup
	errs := make(chan error, n)
	for i := range n {
		wg.Add(1)
		go func() {
			defer wg.Done()
			var act *ami.Message
			want := fmt.Sprintf("amsh-test-%d", i)
			if i%2 == 0 {
				act = ami.NewAction("Getvar", "Variable", "GLOBAL(AMSHX)", "ActionID", want)
			} else {
				act = ami.NewAction("Command", "Command", "core show version", "ActionID", want)
			}
			res, err := s.Send(ctx10(t), act)
			if err != nil {
				errs <- err
				return
			}
			if got := res.Response.ActionID(); got != want {
				errs <- fmt.Errorf("action %s got reply %s", want, got)
			}
		}()
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		t.Error(err)
	}
}

func TestSandboxQueueStatusList(t *testing.T) {
	sb := sandboxtest.Get(t)
	s := dialSandbox(t, sb)
	res, err := s.Send(ctx10(t), ami.NewAction("QueueStatus", "Queue", "support"))
	if err != nil {
		t.Fatal(err)
	}
	kinds := map[string]int{}
	for _, ev := range res.Events {
		kinds[ev.Event()]++
	}
	if kinds["QueueParams"] != 1 || kinds["QueueMember"] < 2 {
		t.Errorf("QueueStatus support: %v", kinds)
	}
	if res.Complete == nil || res.Complete.Event() != "QueueStatusComplete" {
		t.Errorf("complete = %v", res.Complete)
	}
}

func stripANSI(s string) string {
	var b strings.Builder
	for i := 0; i < len(s); i++ {
		if s[i] == 0x1b && i+1 < len(s) && s[i+1] == '[' {
			j := i + 2
			for j < len(s) && (s[j] < '@' || s[j] > '~') {
				j++
			}
			i = j
			continue
		}
		b.WriteByte(s[i])
	}
	return b.String()
}

func dropDigits(s string) string {
	return strings.Map(func(r rune) rune {
		if r >= '0' && r <= '9' {
			return -1
		}
		return r
	}, s)
}
