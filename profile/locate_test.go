package profile

import (
	"errors"
	"os"
	"path/filepath"
	"testing"
)

func TestLocate(t *testing.T) {
	dir := t.TempDir()
	flagFile := filepath.Join(dir, "flag.yaml")
	envFile := filepath.Join(dir, "env.yaml")
	for _, p := range []string{flagFile, envFile} {
		if err := os.WriteFile(p, nil, 0o600); err != nil {
			t.Fatal(err)
		}
	}
	missing := filepath.Join(dir, "missing.yaml")
	tests := []struct {
		name     string
		flag     string
		env      map[string]string
		want     string
		explicit bool
		err      string // substring of the error; empty for none
	}{
		{name: "flag wins", flag: flagFile, env: map[string]string{"AMSH_CONFIG": envFile, "XDG_CONFIG_HOME": "/xdg", "HOME": "/home/u"},
			want: flagFile, explicit: true},
		{name: "env next", env: map[string]string{"AMSH_CONFIG": envFile, "XDG_CONFIG_HOME": "/xdg", "HOME": "/home/u"},
			want: envFile, explicit: true},
		{name: "xdg next", env: map[string]string{"XDG_CONFIG_HOME": "/xdg", "HOME": "/home/u"},
			want: "/xdg/amsh/profiles.yaml"},
		{name: "home last", env: map[string]string{"HOME": "/home/u"},
			want: "/home/u/.config/amsh/profiles.yaml"},
		{name: "relative xdg ignored", env: map[string]string{"XDG_CONFIG_HOME": "rel", "HOME": "/home/u"},
			want: "/home/u/.config/amsh/profiles.yaml"},
		{name: "nothing set", want: ""},
		{name: "missing flag file", flag: missing, env: map[string]string{"AMSH_CONFIG": envFile},
			explicit: true, err: missing + ": no such file (named by --config)"},
		{name: "missing env file", env: map[string]string{"AMSH_CONFIG": missing},
			explicit: true, err: missing + ": no such file (named by $AMSH_CONFIG)"},
		{name: "directory", flag: dir, explicit: true, err: dir + ": is a directory, not a profiles file (named by --config)"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			getenv := func(k string) string { return tt.env[k] }
			path, explicit, err := Locate(tt.flag, getenv)
			if tt.err != "" {
				var ce *ConfigError
				if !errors.As(err, &ce) || err.Error() != tt.err {
					t.Fatalf("err = %v (%T), want *ConfigError %q", err, err, tt.err)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if path != tt.want || explicit != tt.explicit {
				t.Errorf("Locate = %q, %v; want %q, %v", path, explicit, tt.want, tt.explicit)
			}
		})
	}
}

// The default location may be missing: Locate returns it and Load says ErrNoFile.
func TestLocateDefaultMissing(t *testing.T) {
	home := t.TempDir()
	path, explicit, err := Locate("", func(k string) string { return map[string]string{"HOME": home}[k] })
	if err != nil || explicit {
		t.Fatalf("Locate = %q, %v, %v", path, explicit, err)
	}
	if _, err := Load(path); !errors.Is(err, ErrNoFile) {
		t.Errorf("Load(%q) = %v, want ErrNoFile", path, err)
	}
}

// A profiles.yaml in the current directory is never picked up.
func TestLocateIgnoresCurrentDir(t *testing.T) {
	dir := t.TempDir()
	t.Chdir(dir)
	if err := os.WriteFile("profiles.yaml", []byte("profiles: {}\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	path, _, err := Locate("", func(string) string { return "" })
	if err != nil || path != "" {
		t.Errorf("Locate = %q, %v; want no path", path, err)
	}
}
