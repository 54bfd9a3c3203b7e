package profile

import (
	"errors"
	"io/fs"
	"os"
	"path/filepath"
)

// Locate finds the profiles file; the first of these wins: configFlag (--config), $AMSH_CONFIG,
// $XDG_CONFIG_HOME/amsh/profiles.yaml, $HOME/.config/amsh/profiles.yaml. The current directory is
// never searched.
//
// explicit reports that the path came from the flag or the environment. Such a file must exist,
// else Locate returns a *ConfigError. The default location may be missing: Locate still returns it
// and Load reports ErrNoFile. With neither $XDG_CONFIG_HOME nor $HOME set, path is "" and Load("")
// reports ErrNoFile too.
func Locate(configFlag string, getenv func(string) string) (path string, explicit bool, err error) {
	for _, named := range []struct{ path, by string }{
		{configFlag, "--config"},
		{getenv("AMSH_CONFIG"), "$AMSH_CONFIG"},
	} {
		if named.path == "" {
			continue
		}
		if err := checkNamed(named.path, named.by); err != nil {
			return "", true, err
		}
		return named.path, true, nil
	}
	return defaultPath(getenv), false, nil
}

func checkNamed(path, by string) error {
	fi, err := os.Stat(path)
	switch {
	case errors.Is(err, fs.ErrNotExist):
		return &ConfigError{File: path, Msg: "no such file (named by " + by + ")"}
	case err != nil:
		return &ConfigError{File: path, Msg: statMsg(err) + " (named by " + by + ")"}
	case fi.IsDir():
		return &ConfigError{File: path, Msg: "is a directory, not a profiles file (named by " + by + ")"}
	}
	return nil
}

// defaultPath follows the XDG base directory rules: a relative $XDG_CONFIG_HOME is ignored.
func defaultPath(getenv func(string) string) string {
	if dir := getenv("XDG_CONFIG_HOME"); filepath.IsAbs(dir) {
		return filepath.Join(dir, "amsh", "profiles.yaml")
	}
	if home := getenv("HOME"); home != "" {
		return filepath.Join(home, ".config", "amsh", "profiles.yaml")
	}
	return ""
}

// statMsg is an os error without the path it already carries, since ConfigError names the file.
func statMsg(err error) string {
	var pe *fs.PathError
	if errors.As(err, &pe) {
		return pe.Err.Error()
	}
	return err.Error()
}
