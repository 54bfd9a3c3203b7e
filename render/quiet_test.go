package render

import (
	"bytes"
	"strings"
	"testing"

	"github.com/amsh/amsh/ami"
)

// --quiet keeps a list's rows and drops its response block and item count;
// a single response is the data and stays.
func TestQuietText(t *testing.T) {
	list := result(ami.NewAction("QueueSummary"),
		"Response: Success\r\nActionID: a-1\r\nEventList: start\r\nMessage: Queue summary will follow\r\n\r\n"+
			"Event: QueueSummary\r\nActionID: a-1\r\nQueue: support\r\nAvailable: 2\r\n\r\n"+
			"Event: QueueSummary\r\nActionID: a-1\r\nQueue: sales\r\nAvailable: 1\r\n\r\n"+
			"Event: QueueSummaryComplete\r\nActionID: a-1\r\nEventList: Complete\r\nListItems: 2\r\n\r\n")
	ping := result(ami.NewAction("Ping"), "Response: Success\r\nActionID: a-2\r\nPing: Pong\r\n\r\n")
	render := func(quiet bool, res *ami.Result) string {
		var b bytes.Buffer
		if err := New(&b, Options{Quiet: quiet}).Result(res); err != nil {
			t.Fatal(err)
		}
		return b.String()
	}
	loud, quiet := render(false, list), render(true, list)
	for _, s := range []string{"Message", "will follow", "2 items"} {
		if !strings.Contains(loud, s) {
			t.Errorf("without --quiet the output lacks %q:\n%s", s, loud)
		}
		if strings.Contains(quiet, s) {
			t.Errorf("--quiet printed %q:\n%s", s, quiet)
		}
	}
	if !strings.HasPrefix(quiet, "Queue") || !strings.Contains(quiet, "support") || !strings.Contains(quiet, "sales") {
		t.Errorf("--quiet lost the rows:\n%s", quiet)
	}
	if got := render(true, ping); !strings.Contains(got, "Ping") || !strings.Contains(got, "Pong") {
		t.Errorf("--quiet dropped a single response:\n%s", got)
	}
}
