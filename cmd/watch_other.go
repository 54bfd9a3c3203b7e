//go:build !unix

package cmd

import "os"

// terminalSize is unknown off unix: frames are cut to IOStreams.Width and
// not to a height.
func terminalSize(*os.File) (cols, rows int, ok bool) { return 0, 0, false }
