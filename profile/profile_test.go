package profile

import (
	"errors"
	"testing"
)

func TestParseHostPort(t *testing.T) {
	tests := []struct {
		in   string
		def  int // the port when s gives none; 0 means DefaultPort
		host string
		port int
		err  string
	}{
		{in: "pbx.example.com", host: "pbx.example.com", port: 5038},
		{in: "pbx.example.com", def: 15038, host: "pbx.example.com", port: 15038},
		{in: "pbx:6000", def: 15038, host: "pbx", port: 6000},
		{in: "pbx:6000", host: "pbx", port: 6000},
		{in: "127.0.0.1:15038", host: "127.0.0.1", port: 15038},
		{in: "[::1]:5038", host: "::1", port: 5038},
		{in: "[::1]", def: 5039, host: "::1", port: 5039},
		{in: "::1", def: 15039, host: "::1", port: 15039},
		{in: "::1", host: "::1", port: 5038},
		{in: "2001:db8::5", host: "2001:db8::5", port: 5038},
		{in: "fe80::1%eth0", host: "fe80::1%eth0", port: 5038},
		{in: "[fe80::1%eth0]:99", host: "fe80::1%eth0", port: 99},
		{in: "", err: `host "": empty`},
		{in: "pbx:", err: `host "pbx:": port "" is not a number from 1 to 65535`},
		{in: "pbx:abc", err: `host "pbx:abc": port "abc" is not a number from 1 to 65535`},
		{in: "pbx:70000", err: `host "pbx:70000": port "70000" is not a number from 1 to 65535`},
		{in: "pbx:+80", err: `host "pbx:+80": port "+80" is not a number from 1 to 65535`},
		{in: ":5038", err: `host ":5038": no host name`},
		{in: "[::1]:", err: `host "[::1]:": port "" is not a number from 1 to 65535`},
		{in: "[pbx]:5038", err: `host "[pbx]:5038": brackets are only for IPv6 addresses`},
		{in: "[::1", err: `host "[::1": want [IPV6]:PORT`},
		{in: "::1:5038:x", err: `host "::1:5038:x": not an IPv6 address; write [ADDRESS]:PORT to give a port`},
		{in: "pbx one", err: `host "pbx one": not a host name`},
	}
	for _, tt := range tests {
		def := tt.def
		if def == 0 {
			def = DefaultPort
		}
		host, port, err := ParseHostPort(tt.in, def)
		if tt.err != "" {
			if err == nil || err.Error() != tt.err {
				t.Errorf("ParseHostPort(%q) error = %v, want %q", tt.in, err, tt.err)
			}
			continue
		}
		if err != nil || host != tt.host || port != tt.port {
			t.Errorf("ParseHostPort(%q, %d) = %q, %d, %v; want %q, %d", tt.in, def, host, port, err, tt.host, tt.port)
		}
	}
}

func TestAddr(t *testing.T) {
	for _, tt := range []struct {
		p    Profile
		want string
	}{
		{Profile{Host: "127.0.0.1", Port: 15038}, "127.0.0.1:15038"},
		{Profile{Host: "::1", Port: 5039}, "[::1]:5039"},
		{Profile{Host: "pbx.example.com", Port: 5038}, "pbx.example.com:5038"},
	} {
		if got := tt.p.Addr(); got != tt.want {
			t.Errorf("Addr(%q, %d) = %q, want %q", tt.p.Host, tt.p.Port, got, tt.want)
		}
	}
}

func TestRedacted(t *testing.T) {
	p := &Profile{Name: "lab", Secret: "s3cret"}
	r := p.Redacted()
	if r.Secret != "********" || p.Secret != "s3cret" {
		t.Errorf("Redacted secret %q, original now %q", r.Secret, p.Secret)
	}
	q := &Profile{Name: "lab", SecretFile: "/run/secret"}
	if r := q.Redacted(); r.Secret != "" || r.SecretFile != "/run/secret" {
		t.Errorf("Redacted without literal secret: %+v", *r)
	}
}

func TestSelect(t *testing.T) {
	two := &File{Path: "p.yaml", Profiles: map[string]*Profile{"a": {Name: "a"}, "b": {Name: "b"}}, Order: []string{"b", "a"}}
	withDefault := &File{Path: "p.yaml", Default: "a", Profiles: two.Profiles, Order: two.Order}
	one := &File{Path: "p.yaml", Profiles: map[string]*Profile{"solo": {Name: "solo"}}, Order: []string{"solo"}}
	none := &File{Path: "p.yaml", Profiles: map[string]*Profile{}}
	tests := []struct {
		name string
		f    *File
		ask  string
		want string
		err  string
	}{
		{"named", two, "a", "a", ""},
		{"default", withDefault, "", "a", ""},
		{"named beats default", withDefault, "b", "b", ""},
		{"only one", one, "", "solo", ""},
		{"unknown", two, "x", "", `unknown profile "x" in p.yaml (have: b, a)`},
		{"no default", two, "", "", `no profile chosen and p.yaml has no default (have: b, a); use --profile NAME or set default:`},
		{"empty file", none, "", "", `no profiles in p.yaml`},
		{"unknown in empty file", none, "x", "", `unknown profile "x": p.yaml holds no profiles`},
	}
	for _, tt := range tests {
		p, err := tt.f.Select(tt.ask)
		if tt.err != "" {
			var se *SelectError
			if !errors.As(err, &se) || err.Error() != tt.err {
				t.Errorf("%s: err = %v (%T), want *SelectError %q", tt.name, err, err, tt.err)
			}
			continue
		}
		if err != nil || p.Name != tt.want {
			t.Errorf("%s: Select(%q) = %v, %v; want %q", tt.name, tt.ask, p, err, tt.want)
		}
	}
}
