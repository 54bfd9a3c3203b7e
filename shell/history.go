package shell

import (
	"bufio"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"sync"
)

// historyLimit is how many lines the history file keeps.
const historyLimit = 1000

// HistoryPath is where the REPL keeps its history:
// $XDG_STATE_HOME/amsh/history, default ~/.local/state/amsh/history. It is
// "" when neither that variable nor a home folder is known (no history).
func HistoryPath(getenv func(string) string) string {
	if dir := getenv("XDG_STATE_HOME"); filepath.IsAbs(dir) {
		return filepath.Join(dir, "amsh", "history")
	}
	home := getenv("HOME")
	if home == "" {
		home, _ = os.UserHomeDir()
	}
	if home == "" {
		return ""
	}
	return filepath.Join(home, ".local", "state", "amsh", "history")
}

// secretWords mark a line that may hold a secret: a Login (its Secret or
// Key), a raw block's "Secret:" or "Key:" header, an action's Secret= or
// Key= argument, a profile's secret_* key. Matching is on lower-cased text
// and deliberately broad: a line wrongly kept out of the history costs a
// retype, a secret wrongly kept in it costs the PBX.
var secretWords = []string{"login", "secret", "key:", "key=", "password", "passwd"}

// holdsSecret reports whether line must never reach the history file.
func holdsSecret(line string) bool {
	l := strings.ToLower(line)
	for _, w := range secretWords {
		if strings.Contains(l, w) {
			return true
		}
	}
	return false
}

// historyFile appends lines to the history file, which is created 0600 in
// a 0700 folder: the lines name channels, queues and numbers. amsh writes it
// itself instead of leaving it to readline, which creates its files 0666
// (less the umask) and replaces the file with a fresh one when trimming.
type historyFile struct {
	path string
	mu   sync.Mutex
	f    *os.File
}

// openHistory opens (creating) the history file and returns it with its
// last historyLimit lines, oldest first. A longer file is trimmed.
func openHistory(path string) (*historyFile, []string, error) {
	if err := os.MkdirAll(filepath.Dir(path), 0o700); err != nil {
		return nil, nil, fmt.Errorf("history: %w", err)
	}
	lines, err := readHistory(path)
	if err != nil && !errors.Is(err, fs.ErrNotExist) {
		return nil, nil, fmt.Errorf("history: %w", err)
	}
	if len(lines) > historyLimit {
		lines = lines[len(lines)-historyLimit:]
		if err := rewriteHistory(path, lines); err != nil {
			return nil, nil, fmt.Errorf("history: %w", err)
		}
	}
	f, err := os.OpenFile(path, os.O_WRONLY|os.O_APPEND|os.O_CREATE, 0o600)
	if err != nil {
		return nil, nil, fmt.Errorf("history: %w", err)
	}
	// A file made by an older tool, or copied with a wider mode, is narrowed.
	if st, err := f.Stat(); err == nil && st.Mode().Perm()&0o077 != 0 {
		f.Chmod(0o600)
	}
	return &historyFile{path: path, f: f}, lines, nil
}

func readHistory(path string) ([]string, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	var lines []string
	sc := bufio.NewScanner(f)
	sc.Buffer(make([]byte, 0, 4096), 1<<20)
	for sc.Scan() {
		// A secret that reached the file some other way is not offered again.
		if l := sc.Text(); strings.TrimSpace(l) != "" && !holdsSecret(l) {
			lines = append(lines, l)
		}
	}
	return lines, sc.Err()
}

func rewriteHistory(path string, lines []string) error {
	tmp, err := os.CreateTemp(filepath.Dir(path), ".history-*") // mode 0600
	if err != nil {
		return err
	}
	w := bufio.NewWriter(tmp)
	for _, l := range lines {
		w.WriteString(l)
		w.WriteByte('\n')
	}
	err = w.Flush()
	if cerr := tmp.Close(); err == nil {
		err = cerr
	}
	if err == nil {
		err = os.Rename(tmp.Name(), path)
	}
	if err != nil {
		os.Remove(tmp.Name())
	}
	return err
}

// add appends line unless it holds a secret or a line break.
func (h *historyFile) add(line string) error {
	if h == nil || holdsSecret(line) || strings.ContainsAny(line, "\r\n") || strings.TrimSpace(line) == "" {
		return nil
	}
	h.mu.Lock()
	defer h.mu.Unlock()
	_, err := h.f.WriteString(line + "\n")
	return err
}

func (h *historyFile) close() error {
	if h == nil {
		return nil
	}
	h.mu.Lock()
	defer h.mu.Unlock()
	return h.f.Close()
}
