#!/usr/bin/env bash
# bench/oneshot.sh [RUNS] — one-shot `amsh command core show channels` against the sandbox, side by
# side with `asterisk -rx "core show channels"` and a minimal hand-written Go client (bench/minimal).
# Needs the sandbox up (make sandbox-up). Prints median and p90 wall time and peak RSS.
set -euo pipefail
cd "$(dirname "$0")/.."
runs=${1:-50}
dir=${AMSH_SANDBOX_DIR:-${XDG_CACHE_HOME:-$HOME/.cache}/amsh/sandbox}
. <(sed 's/^/export /' "$dir/sandbox.env")
secret=$(cat "$AMSH_SANDBOX_SECRET_FILE")
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
make -s build BIN="$tmp/amsh"
go build -o "$tmp/minimal" ./bench/minimal
go build -o "$tmp/oneshot" ./bench/oneshot
# The same login for both Go clients: plain, as the minimal client does; md5 adds one round trip.
cat >"$tmp/profiles.yaml" <<YAML
profiles:
  plain: {host: 127.0.0.1, port: ${AMSH_SANDBOX_ADDR##*:}, username: amsh, secret_file: $AMSH_SANDBOX_SECRET_FILE, auth: plain}
  md5: {host: 127.0.0.1, port: ${AMSH_SANDBOX_ADDR##*:}, username: amsh, secret_file: $AMSH_SANDBOX_SECRET_FILE}
YAML
chmod 600 "$tmp/profiles.yaml"
"$tmp/oneshot" -n "$runs" \
	"asterisk-rx|chroot|$AMSH_SANDBOX_ROOT|/usr/sbin/asterisk|-rx|core show channels" \
	"minimal|$tmp/minimal|command|$AMSH_SANDBOX_ADDR|amsh|$secret|core show channels" \
	"amsh(plain)|$tmp/amsh|--config|$tmp/profiles.yaml|-p|plain|command|core show channels" \
	"amsh(md5)|$tmp/amsh|--config|$tmp/profiles.yaml|-p|md5|command|core show channels"
