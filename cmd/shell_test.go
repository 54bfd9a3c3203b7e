package cmd

import "testing"

func TestNewCmdShell(t *testing.T) {
	if opts, err := parseCmd(t, NewCmdShell, ""); err != nil || opts.Factory == nil {
		t.Errorf("shell: %+v, %v", opts, err)
	}
	_, err := parseCmd(t, NewCmdShell, "", "ping")
	wantUsageError(t, err, `shell: too many arguments: "ping" (it takes none)`)
}
