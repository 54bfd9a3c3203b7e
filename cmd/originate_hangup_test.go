package cmd

import (
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/amsh/amsh/internal/amitest"
	"github.com/amsh/amsh/internal/sandboxtest"
)

// untilHangupScript answers the Originate; the call is answered and hangs
// up, with the Hangup of the answered channel before its OriginateResponse
// when early (a call that ends right at its answer), after it otherwise.
// The Hangup of another channel, sent first, must be ignored.
func untilHangupScript(early bool) func(c *amitest.Conn) {
	return func(c *amitest.Conn) {
		c.AcceptLogin()
		a := c.Expect("Originate")
		c.Reply(a, "Success", "Message: Originate successfully queued")
		other := "Event: Hangup\nChannel: PJSIP/bob-00000001\nUniqueid: 99.1\nCause: 17\n\n"
		hangup := "Event: Hangup\nChannel: Local/short@amsh-00000001;1\nUniqueid: 1700000000.7\nCause: 16\nCause-txt: Normal Clearing\n\n"
		answer := "Event: OriginateResponse\nActionID: " + a.ID() + "\nResponse: Success\nChannel: Local/short@amsh-00000001;1\n" +
			"Reason: 4\nUniqueid: 1700000000.7\n\n"
		if early {
			c.Send(other + hangup + answer)
		} else {
			c.Send(other + answer)
			time.Sleep(100 * time.Millisecond)
			c.Send(hangup)
		}
		pbxBye(c)
	}
}

func TestOriginateUntilHangup(t *testing.T) {
	t.Parallel()
	for _, early := range []bool{false, true} {
		r := pbxExec(t, false, "", untilHangupScript(early),
			"originate", "Local/short@amsh", "--app", "Wait", "--data", "5", "--wait", "--until-hangup")
		m := regexp.MustCompile(`^Result:   answered, hung up\nChannel:  Local/short@amsh-00000001;1\nUniqueid: 1700000000.7\n` +
			`Cause:    16 \(Normal Clearing\)\nTalkTime: (\S+)\n$`).FindStringSubmatch(r.Stdout)
		if r.Code != 0 || m == nil || !strings.Contains(r.Stderr, "answered: Local/short@amsh-00000001;1; following it until it hangs up") {
			t.Errorf("early=%v: code %d stdout %q stderr %q", early, r.Code, r.Stdout, r.Stderr)
			continue
		}
		if d, err := time.ParseDuration(m[1]); err != nil || early && d != 0 || !early && d < 100*time.Millisecond {
			t.Errorf("early=%v: TalkTime %s", early, m[1])
		}
	}
	r := pbxExec(t, false, "", untilHangupScript(false),
		"-o", "json", "originate", "Local/short@amsh", "--app", "Wait", "--data", "5", "--wait", "--until-hangup")
	if r.Code != 0 || !strings.Contains(r.Stdout, `"Event": "OriginateResponse"`) || !strings.Contains(r.Stdout, `"Cause": "16"`) {
		t.Errorf("json: code %d stdout %q", r.Code, r.Stdout)
	}
}

func TestOriginateUntilHangupNotAnswered(t *testing.T) {
	t.Parallel()
	r := pbxExec(t, false, "", originateWaitScript("5", "Failure", "Local/busy@amsh"),
		"originate", "Local/busy@amsh", "--app", "Wait", "--data", "5", "--wait", "--until-hangup")
	if r.Code != ExitNotAnswered || !strings.Contains(r.Stderr, "not answered: 5 (Busy)") || r.Stdout != "" {
		t.Errorf("code %d stdout %q stderr %q", r.Code, r.Stdout, r.Stderr)
	}
	r = (&run{Args: []string{"--config", pbxUnreachable(t), "originate", "Local/x@y", "--app", "Wait", "--until-hangup"}}).exec(t)
	if r.Code != ExitUsage || !strings.Contains(r.Stderr, "originate Local/x@y: --until-hangup goes with --wait") {
		t.Errorf("without --wait: code %d stderr %q", r.Code, r.Stderr)
	}
}

func TestOriginateUntilHangupSandbox(t *testing.T) {
	sb := sandboxtest.Get(t)
	// short answers, waits a second and hangs up.
	r := (&run{Args: sandboxArgs(sb, "originate", "Local/short@amsh", "--app", "Wait", "--data", "30", "--wait", "--until-hangup")}).exec(t)
	m := regexp.MustCompile(`(?m)^TalkTime: (\S+)$`).FindStringSubmatch(r.Stdout)
	if r.Code != 0 || !strings.Contains(r.Stdout, "Cause:    16 (Normal Clearing)\n") || m == nil {
		t.Fatalf("code %d stdout %q stderr %q", r.Code, r.Stdout, r.Stderr)
	}
	if d, err := time.ParseDuration(m[1]); err != nil || d < time.Second || d > 10*time.Second {
		t.Errorf("TalkTime %s: want the second short waits, and a little more", m[1])
	}
}
