# bench-effort.sh: keystrokes per tight box (bench-effort.py), the classic
# strategy, the assisted one and the mouse one side by side on the same
# synthetic scenes (STRATEGIES="assisted mouse" runs only those).
# BOXEL_BEFORE=path/to/an/older/boxel runs the classic strategy on that
# binary too (the state before the assists).
set -u
: "${BOXEL:?BOXEL must point at the boxel binary}"
command -v tmux >/dev/null || { echo "bench-effort: tmux not installed"; exit 77; }
T=$(mktemp -d "${TMPDIR:-/tmp}/boxel-effort.XXXXXX")
trap 'rm -rf "$T"' EXIT
here=$(dirname "$0")
python3 "$here/effort-scenes.py" "$T/img" || exit 1
printf '{"name": "effort", "classes": [{"name": "obj", "geometries": ["box"]}]}\n' > "$T/tax.json"
project() { # project DIR BINARY
	"$2" init --db "$1/boxel.db" --images "$T/img" --taxonomy "$T/tax.json" >/dev/null &&
	"$2" import --db "$1/boxel.db" "$T/img" >/dev/null &&
	"$2" user add alice --role annotator --db "$1/boxel.db" >/dev/null &&
	"$2" batch create b --kind production --tasks all --db "$1/boxel.db" >/dev/null
}
run() { # run NAME BINARY STRATEGY
	mkdir -p "$T/$1"
	project "$T/$1" "$2" || { echo "bench-effort: could not make the project for $1"; return 1; }
	echo "== $1 ($3 strategy)"
	python3 "$here/bench-effort.py" "$2" "$T/$1/boxel.db" "$T/img/truth.json" "$3"
}
if [ -n "${BOXEL_BEFORE:-}" ]; then
	run before "$BOXEL_BEFORE" classic
fi
for s in ${STRATEGIES:-classic assisted mouse}; do
	run "$s" "$BOXEL" "$s"
done
