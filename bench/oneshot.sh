#!/usr/bin/env bash
# bench/oneshot.sh [RUNS] — one-shot `amsh command core show channels` against the sandbox, side by
# side with `asterisk -rx "core show channels"` and a minimal hand-written Go client (bench/minimal).
# Needs the sandbox up (make sandbox-up). Prints median and p90 wall time and peak RSS.
set -euo pipefail
cd "$(dirname "$0")/.."
runs=${1:-50}
. bench/oneshot-setup.sh
"$tmp/oneshot" -n "$runs" \
	"asterisk-rx|chroot|$AMSH_SANDBOX_ROOT|/usr/sbin/asterisk|-rx|core show channels" \
	"minimal|$tmp/minimal|command|$AMSH_SANDBOX_ADDR|amsh|$secret|core show channels" \
	"amsh(plain)|$tmp/amsh|--config|$tmp/profiles.yaml|-p|plain|command|core show channels" \
	"amsh(md5)|$tmp/amsh|--config|$tmp/profiles.yaml|-p|md5|command|core show channels"
