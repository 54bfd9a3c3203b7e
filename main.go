// Command amsh is an interactive shell and a set of one-shot subcommands for the Asterisk Manager Interface.
package main

import (
	"os"

	"github.com/amsh/amsh/cmd"
)

func main() { os.Exit(cmd.Main()) }
