#!/usr/bin/env bash
# bench/sippeers.sh [ENDPOINTS] [RUNS] — `amsh sippeers` over many PJSIP endpoints against the
# sandbox, side by side with draining the same PJSIPShowEndpoints reply from the socket
# (bench/minimal drain). Reconfigures the sandbox with ENDPOINTS endpoints (default 20000) and
# puts it back to the default 5 afterwards.
set -euo pipefail
cd "$(dirname "$0")/.."
eps=${1:-20000}
runs=${2:-10}
dir=${AMSH_SANDBOX_DIR:-${XDG_CACHE_HOME:-$HOME/.cache}/amsh/sandbox}
AMSH_SANDBOX_ENDPOINTS=$eps scripts/sandbox up
trap 'scripts/sandbox up >/dev/null 2>&1 || true' EXIT
. <(sed 's/^/export /' "$dir/sandbox.env")
secret=$(cat "$AMSH_SANDBOX_SECRET_FILE")
tmp=$(mktemp -d)
make -s build BIN="$tmp/amsh"
go build -o "$tmp/minimal" ./bench/minimal
go build -o "$tmp/oneshot" ./bench/oneshot
cat >"$tmp/profiles.yaml" <<YAML
profiles:
  plain: {host: 127.0.0.1, port: ${AMSH_SANDBOX_ADDR##*:}, username: amsh, secret_file: $AMSH_SANDBOX_SECRET_FILE, auth: plain, timeout: 120s}
YAML
chmod 600 "$tmp/profiles.yaml"
n=$("$tmp/amsh" --config "$tmp/profiles.yaml" -o json sippeers | grep -c '"ObjectName"' || true)
echo "sippeers lists $n endpoints"
"$tmp/oneshot" -n "$runs" \
	"drain|$tmp/minimal|drain|$AMSH_SANDBOX_ADDR|amsh|$secret|PJSIPShowEndpoints" \
	"amsh|$tmp/amsh|--config|$tmp/profiles.yaml|sippeers" \
	"amsh-json|$tmp/amsh|--config|$tmp/profiles.yaml|-o|json|sippeers"
