# bench/oneshot-setup.sh — sourced by bench/oneshot.sh and bench/oneshot-states.sh: reads the
# sandbox's address and secret, and builds into $tmp (removed on exit) amsh, bench/minimal,
# bench/oneshot and a profiles file with two profiles for the sandbox, plain and md5. The same
# login for both Go clients is plain, as the minimal client logs in; md5 adds one round trip.
dir=${AMSH_SANDBOX_DIR:-${XDG_CACHE_HOME:-$HOME/.cache}/amsh/sandbox}
. <(sed 's/^/export /' "$dir/sandbox.env")
secret=$(cat "$AMSH_SANDBOX_SECRET_FILE")
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
make -s build BIN="$tmp/amsh"
go build -o "$tmp/minimal" ./bench/minimal
go build -o "$tmp/oneshot" ./bench/oneshot
cat >"$tmp/profiles.yaml" <<YAML
profiles:
  plain: {host: 127.0.0.1, port: ${AMSH_SANDBOX_ADDR##*:}, username: amsh, secret_file: $AMSH_SANDBOX_SECRET_FILE, auth: plain}
  md5: {host: 127.0.0.1, port: ${AMSH_SANDBOX_ADDR##*:}, username: amsh, secret_file: $AMSH_SANDBOX_SECRET_FILE}
YAML
chmod 600 "$tmp/profiles.yaml"
