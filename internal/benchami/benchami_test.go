package benchami

import (
	"bufio"
	"strings"
	"testing"
)

func TestReadAction(t *testing.T) {
	r := bufio.NewReader(strings.NewReader("\r\nACTION: Login\r\nUsername: amsh\r\nActionID: 1\r\n\r\n" +
		"Action: Command\nactionid: 2\nCommand: core show channels\n\n" +
		"Action: Logoff\r\n"))
	for _, want := range [][2]string{{"Login", "1"}, {"Command", "2"}, {"", ""}} {
		if a, id := ReadAction(r); a != want[0] || id != want[1] {
			t.Errorf("ReadAction = %q, %q; want %q, %q", a, id, want[0], want[1])
		}
	}
}
