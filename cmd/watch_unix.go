//go:build unix

package cmd

import (
	"os"

	"golang.org/x/sys/unix"
)

// terminalSize is the columns and rows of the terminal f is, ok false when
// f is not a terminal or reports no columns or no rows (cols is still what
// it reports: terminalWidth takes it).
func terminalSize(f *os.File) (cols, rows int, ok bool) {
	ws, err := unix.IoctlGetWinsize(int(f.Fd()), unix.TIOCGWINSZ)
	if err != nil {
		return 0, 0, false
	}
	return int(ws.Col), int(ws.Row), ws.Col != 0 && ws.Row != 0
}
