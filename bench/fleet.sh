#!/usr/bin/env bash
# bench/fleet.sh [RUNS] — one command on 1, 10 and 50 PBXes: `amsh -p GROUP command core show
# channels` against bench/fleetsrv, 50 fake Asterisks on ports FLEET_PORT.. (25200..; the sandbox's instances use 15038, 15138, ...), each reply
# after DELAY (20ms) on the first rising to DELAY+SPREAD (30ms) on the last, so a fleet's slowest
# PBX is its last. Each fleet is compared with its slowest PBX alone (target, README: under 2x).
# Runs are interleaved (bench/oneshot): median and p90 wall time, peak RSS of amsh.
set -euo pipefail
cd "$(dirname "$0")/.."
runs=${1:-20}
port=${FLEET_PORT:-25200}
delay=${DELAY:-20ms}
spread=${SPREAD:-10ms}
tmp=$(mktemp -d)
make -s build BIN="$tmp/amsh"
go build -o "$tmp/fleetsrv" ./bench/fleetsrv
go build -o "$tmp/oneshot" ./bench/oneshot
"$tmp/fleetsrv" -port "$port" -n 50 -delay "$delay" -spread "$spread" 2>"$tmp/fleetsrv.log" &
srv=$!
trap 'kill $srv 2>/dev/null; rm -rf "$tmp"' EXIT
# pbx01..pbx50 on consecutive ports; g10 is pbx01..pbx10, g50 all of them. Plain auth: one round
# trip fewer than MD5's Challenge, as in bench/oneshot.sh.
{
	echo "profiles:"
	for i in $(seq 1 50); do
		printf '  pbx%02d: {host: 127.0.0.1, port: %d, username: bench, secret: x, auth: plain}\n' "$i" $((port + i - 1))
	done
	echo "groups:"
	echo "  g10: ['pbx0*', pbx10]"
	echo "  g50: ['pbx*']"
} >"$tmp/profiles.yaml"
chmod 600 "$tmp/profiles.yaml"
sleep 0.3
kill -0 $srv 2>/dev/null || { cat "$tmp/fleetsrv.log" >&2; exit 1; }
amsh="$tmp/amsh|--config|$tmp/profiles.yaml"
cmd="command|core show channels"
"$tmp/oneshot" -n "$runs" \
	"pbx01|$amsh|-p|pbx01|$cmd" \
	"pbx10|$amsh|-p|pbx10|$cmd" \
	"10 PBXes|$amsh|-p|g10|$cmd" \
	"pbx50|$amsh|-p|pbx50|$cmd" \
	"50 PBXes|$amsh|-p|g50|$cmd" \
	"50, par 50|$amsh|-p|g50|--parallel|50|$cmd" | tee "$tmp/out"
# The fleets against their slowest PBX alone, by median.
awk '
function ms(s) {
	if (s ~ /ms$/) return s + 0
	if (s ~ /µs$/) return (s + 0) / 1000
	if (s ~ /s$/) return (s + 0) * 1000
	return s + 0
}
/^pbx10 /            { p10 = ms($2) }
/^pbx50 /            { p50 = ms($2) }
/^10 PBXes /         { f10 = ms($3) }
/^50 PBXes /         { f16 = ms($3) }
/^50, par 50 /       { f50 = ms($4) }
END {
	printf "\n10 PBXes vs pbx10 alone:                %.2fx\n", f10 / p10
	printf "50 PBXes (--parallel 16) vs pbx50 alone: %.2fx\n", f16 / p50
	printf "50 PBXes (--parallel 50) vs pbx50 alone: %.2fx\n", f50 / p50
}' "$tmp/out"
