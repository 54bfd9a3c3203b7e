// Package benchami holds what the scripted AMI servers under bench/ share:
// reading a client's actions off the socket. They answer by action name,
// so only the name and the ActionID of each action are kept.
package benchami

import (
	"bufio"
	"strings"
)

// ReadAction reads one action up to its empty line and returns its Action
// and ActionID headers (keys in any case). Empty lines before an action
// are skipped. At the end of the stream, or on a read error, it returns
// "", "".
func ReadAction(r *bufio.Reader) (action, id string) {
	for {
		line, err := r.ReadString('\n')
		if err != nil {
			return "", ""
		}
		line = strings.TrimRight(line, "\r\n")
		if line == "" {
			if action != "" {
				return action, id
			}
			continue
		}
		k, v, _ := strings.Cut(line, ": ")
		switch strings.ToLower(k) {
		case "action":
			action = v
		case "actionid":
			id = v
		}
	}
}
