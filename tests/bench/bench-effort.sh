# bench-effort.sh: keystrokes per tight box (bench-effort.py), the classic
# strategy, the assisted one, the corners one (assisted without B), the
# mouse one and the extreme-points one side
# by side on the same synthetic scenes and sample photos
# (STRATEGIES="assisted mouse" runs only those; SETS="photos" only the
# sample photos, SETS="synthetic" only the synthetic scenes).
# BOXEL_BEFORE=path/to/an/older/boxel runs the classic strategy on that
# binary too (the state before the assists).
set -u
: "${BOXEL:?BOXEL must point at the boxel binary}"
command -v tmux >/dev/null || { echo "bench-effort: tmux not installed"; exit 77; }
T=$(mktemp -d "${TMPDIR:-/tmp}/boxel-effort.XXXXXX")
trap 'rm -rf "$T"' EXIT
here=$(dirname "$0")
python3 "$here/effort-scenes.py" "$T/img" || exit 1
# The sample photos with hand-set truth (tests/bench/photo-truth.json).
mkdir -p "$T/photo"
cp "$here/photo-truth.json" "$T/photo/truth.json"
for f in $(python3 -c 'import json,sys; print(" ".join(k for k in json.load(open(sys.argv[1])) if not k.startswith("_")))' "$T/photo/truth.json"); do
	cp "$here/../../sample-data/$f" "$T/photo/"
done
printf '{"name": "effort", "classes": [{"name": "obj", "geometries": ["box"]}]}\n' > "$T/tax.json"
project() { # project DIR BINARY IMAGES
	"$2" init --db "$1/boxel.db" --images "$3" --taxonomy "$T/tax.json" >/dev/null &&
	"$2" import --db "$1/boxel.db" "$3" >/dev/null &&
	"$2" user add alice --role annotator --db "$1/boxel.db" >/dev/null &&
	"$2" batch create b --kind production --tasks all --db "$1/boxel.db" >/dev/null
}
run() { # run NAME BINARY STRATEGY [IMAGES]: IMAGES holds truth.json
	local imgs=${4:-$T/img}
	mkdir -p "$T/$1"
	project "$T/$1" "$2" "$imgs" || { echo "bench-effort: could not make the project for $1"; return 1; }
	echo "== $1 ($3 strategy, $(basename "$imgs"))"
	python3 "$here/bench-effort.py" "$2" "$T/$1/boxel.db" "$imgs/truth.json" "$3"
}
if [ -n "${BOXEL_BEFORE:-}" ]; then
	run before "$BOXEL_BEFORE" classic
fi
sets=${SETS:-synthetic photos}
for s in ${STRATEGIES:-classic assisted corners mouse extreme}; do
	case " $sets " in *" synthetic "*) run "$s" "$BOXEL" "$s" ;; esac
	case " $sets " in *" photos "*) run "$s-photos" "$BOXEL" "$s" "$T/photo" ;; esac
done
if [ -n "${BOXEL_BEFORE:-}" ]; then
	run before-photos "$BOXEL_BEFORE" classic "$T/photo"
fi
