# bench-wire.sh: bytes over the wire per event (see bench-wire.py).
set -u
: "${BOXEL:?BOXEL must point at the boxel binary}"
T=$(mktemp -d "${TMPDIR:-/tmp}/boxel-bench.XXXXXX")
trap 'rm -rf "$T"' EXIT
export BOXEL_NOW_MS=1767225600000
"$BOXEL" demo "$T/p" --no-label --user alice >/dev/null || exit 1
/usr/bin/python3 "$(dirname "$0")/bench-wire.py" "$T/p/boxel.db" "$T/p/images/astronaut.png" "$T/p/images/chelsea.png"
