//go:build unix

package cmd

import "os"

func terminalWidth(f *os.File) int {
	if cols, _, _ := terminalSize(f); cols != 0 {
		return cols
	}
	return 80
}
