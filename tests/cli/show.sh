# show.sh: `boxel show`: sizes in cells, color modes and their detection,
# symbols, bad files and usage errors.
. "$(dirname "$0")/lib.sh"

SAMPLES=${BOXEL_SOURCE_ROOT:?}/sample-data
BAD=${BOXEL_TEST_DATA:?}/bad
export LC_ALL=C.UTF-8
ESC=$'\e'

# plain S: S without SGR sequences.
plain() { printf '%s\n' "$1" | sed "s/$ESC\[[0-9;]*m//g"; }
# rows S / cols S: line count and widest line in cells (every glyph is one).
rows() { printf '%s\n' "$1" | wc -l; }
cols() { plain "$1" | wc -L; }
le() { [ "$1" -le "$2" ]; }
eq() { [ "$1" -eq "$2" ]; }
lacks() { ! contains "$1" "$2"; }

# Every sample photo fits 40x12 cells and fills it in one direction.
for f in "$SAMPLES"/*.jpg "$SAMPLES"/*.png; do
	expect_rc 0 "show $f" "$BOXEL" show --size 40x12 --colors full "$f"
	r=$(rows "$OUT"); c=$(cols "$OUT")
	check "$f: at most 12 rows ($r)" le "$r" 12
	check "$f: at most 40 columns ($c)" le "$c" 40
	check "$f: fills the box ($c x $r)" test "$r" -eq 12 -o "$c" -eq 40
	check "$f: full color SGR" contains "$OUT" "8;2;"
	check "$f: rows end reset" eq "$(printf '%s\n' "$OUT" | grep -c "$ESC\[0m\$")" "$r"
done

# rocket.jpg is 640x427. In 40x12 half-block cells (40x24 pixels) it is
# height-bound: 640*24/427 = 36.0 -> 36 columns x 12 rows. Quadrants have
# 80x24 pixels: 640*24/427 = 36 pixels -> 18 columns x 12 rows.
ROCKET=$SAMPLES/rocket.jpg
expect_rc 0 "rocket 40x12" "$BOXEL" show --size 40x12 --colors full "$ROCKET"
check "rocket: 36 columns" eq "$(cols "$OUT")" 36
check "rocket: 12 rows" eq "$(rows "$OUT")" 12
expect_rc 0 "rocket quad" "$BOXEL" show --size 40x12 --colors full --symbols quad "$ROCKET"
check "quad: 18 columns" eq "$(cols "$OUT")" 18
check "quad: 12 rows" eq "$(rows "$OUT")" 12
check "quad: uses quadrant glyphs" contains "$OUT" "▐"

# Not a terminal: 80x24 cells = 80x48 pixels -> 640*48/427 = 71.9 -> 72 x 24.
expect_rc 0 "default size" "$BOXEL" show --colors full "$ROCKET"
check "default: 72 columns" eq "$(cols "$OUT")" 72
check "default: 24 rows" eq "$(rows "$OUT")" 24

# On a terminal: its size less one row for the prompt. A 60x20 tmux pane
# gives 60x19 cells = 60x38 pixels -> 640*38/427 = 57.0 -> 57 x 19.
if command -v tmux >/dev/null 2>&1; then
	sock=$T_TMP/tmux.sock
	tmux -S "$sock" -f /dev/null new-session -d -x 60 -y 20 \
		"env LC_ALL=C.UTF-8 '$BOXEL' show --colors full '$ROCKET'; printf DONE; sleep 60"
	screen=
	for _ in $(seq 100); do
		screen=$(tmux -S "$sock" capture-pane -p -S - 2>/dev/null)
		contains "$screen" DONE && break
		sleep 0.1
	done
	tmux -S "$sock" kill-server 2>/dev/null
	check "tty: finished" contains "$screen" DONE
	check "tty: 57 columns" eq "$(printf '%s\n' "$screen" | grep -v DONE | wc -L)" 57
	# With the scrollback: the image rows are the lines before DONE.
	check "tty: 19 rows" eq "$(printf '%s\n' "$screen" | grep -n DONE | cut -d: -f1)" 20
fi

# Color modes.
expect_rc 0 "256 colors" "$BOXEL" show --size 40x12 --colors 256 "$ROCKET"
check "256: palette SGR" contains "$OUT" "8;5;"
check "256: no truecolor SGR" lacks "$OUT" "8;2;"
sgrs() { printf '%s' "$1" | grep -oE "$ESC\[[0-9;]*m" | sort -u; }
check "256: only 38;5;N / 48;5;N and resets" test -z "$(sgrs "$OUT" |
	grep -vxE "$ESC\[0m|$ESC\[([34]8;5;[0-9]+;)?[34]8;5;[0-9]+m")"
low=$(sgrs "$OUT" | grep -oE '8;5;[0-9]+' | cut -d';' -f3 | sort -n | head -1)
check "256: never an index under 16 ($low)" test "${low:-0}" -ge 16
expect_rc 0 "16 colors" "$BOXEL" show --size 40x12 --colors 16 "$SAMPLES/coffee.png"
check "16: no palette SGR" lacks "$OUT" "8;5;"
check "16: no truecolor SGR" lacks "$OUT" "8;2;"
check "16: has basic colors" contains "$OUT" "${ESC}["

# Detection: COLORTERM first, then terminfo, else 16. NO_COLOR (set by lib.sh)
# does not stop show: the image is the content.
expect_rc 0 "COLORTERM=truecolor" env COLORTERM=truecolor TERM=dumb "$BOXEL" show --size 20x6 "$ROCKET"
check "COLORTERM=truecolor: full color" contains "$OUT" "8;2;"
expect_rc 0 "COLORTERM=24bit" env COLORTERM=24bit TERM=dumb "$BOXEL" show --size 20x6 "$ROCKET"
check "COLORTERM=24bit: full color" contains "$OUT" "8;2;"
if infocmp xterm-256color >/dev/null 2>&1; then
	expect_rc 0 "xterm-256color" env -u COLORTERM TERM=xterm-256color "$BOXEL" show --size 20x6 "$ROCKET"
	check "xterm-256color: 256 colors" contains "$OUT" "8;5;"
	check "xterm-256color: no truecolor" lacks "$OUT" "8;2;"
fi
if infocmp xterm-direct >/dev/null 2>&1; then
	expect_rc 0 "xterm-direct" env -u COLORTERM TERM=xterm-direct "$BOXEL" show --size 20x6 "$ROCKET"
	check "xterm-direct: full color" contains "$OUT" "8;2;"
fi
expect_rc 0 "TERM=dumb" env -u COLORTERM TERM=dumb "$BOXEL" show --size 20x6 "$SAMPLES/coffee.png"
check "TERM=dumb: 16 colors" lacks "$OUT" "8;5;"
expect_rc 0 "unknown TERM" env -u COLORTERM TERM=no-such-terminal "$BOXEL" show --size 20x6 "$ROCKET"
check "unknown TERM: no terminfo noise" test -z "$ERR"
check "unknown TERM: 16 colors" lacks "$OUT" "8;"
check "NO_COLOR: the image is still drawn" contains "$OUT" "${ESC}["

# Bad files: one line each, the good ones still shown, exit 1.
good=$(rows "$("$BOXEL" show --size 20x6 --colors full "$ROCKET")")
expect_rc 1 "good, missing, dir, good" "$BOXEL" show --size 20x6 --colors full \
	"$ROCKET" "$T_TMP/missing.png" "$T_TMP" "$ROCKET"
check "both good images printed" eq "$(rows "$OUT")" $((2 * good))
check "two error lines" eq "$(printf '%s\n' "$ERR" | wc -l)" 2
check "error names the missing file" contains "$ERR" "boxel: $T_TMP/missing.png: "
for f in "$BAD"/*; do
	expect_rc 1 "bad file $(basename "$f")" "$BOXEL" show --size 20x6 "$f"
	check "$(basename "$f"): one line" one_line "$ERR"
	check "$(basename "$f"): names the file" contains "$ERR" "boxel: $f: "
	check "$(basename "$f"): nothing on stdout" test -z "$OUT"
done
hostile="$T_TMP/$ESC]0;pwned$(printf '\a').png"
printf 'x' >"$hostile"
expect_rc 1 "hostile file name" "$BOXEL" show "$hostile"
check "hostile file name sanitized" no_escape "$ERR"

# Usage errors: exit 2.
for args in "--size 0x5" "--size 40x" "--size x12" "--size 40x12x3" "--size -4x5" \
	"--size 99999x5" "--colors 8" "--colors" "--symbols sextant" "--bogus"; do
	# shellcheck disable=SC2086
	expect_rc 2 "usage: $args" "$BOXEL" show $args "$ROCKET"
	check "usage: $args: says boxel:" contains "$ERR" "boxel: "
done
# Wider than the decoders' 32768: an image the labeling screen shows from
# tiles streams its rows here, averaged as they come. mkimage's picture is
# a known function: red runs 0..255 across (a checker adds and takes 40),
# green 0..255 down, blue 200 or 50 by the checker; so each column of the
# output is the mean over its 400 image columns, computed here.
MK=$(dirname "$BOXEL")/tests/mkimage
"$MK" "$T_TMP/wide.png" 40000 260 -n 0 -f || fail "mkimage"
expect_rc 0 "a 40000x260 PNG is shown" "$BOXEL" show --size 100x2 --colors full "$T_TMP/wide.png"
check "its colors are the image's, averaged per column" python3 - "$OUT" <<'PY'
import re, sys
cells = re.findall(r'\x1b\[48;2;(\d+);(\d+);(\d+)m', sys.argv[1].split('\n')[0])
if len(cells) != 100:
    sys.exit("%d cells, not 100" % len(cells))
bad = 0
for c, (r, g, b) in enumerate(cells):
    v = (c * 400 + 200) * 255 / 39999
    want = ((min(255, v + 40) + max(0, v - 40)) / 2, 127.5, 125)
    if any(abs(int(x) - w) > 4 for x, w in zip((r, g, b), want)):
        bad += 1
        print("column %d: %s, want %s" % (c, (r, g, b), want), file=sys.stderr)
sys.exit(1 if bad else 0)
PY
"$MK" "$T_TMP/narrow.png" 33000 200 -n 0 -f || fail "mkimage"
expect_rc 1 "33000x200 (under 8 MP, so not from tiles) is refused, as in the labeling screen" \
	"$BOXEL" show --size 100x2 "$T_TMP/narrow.png"
check "saying why" contains "$ERR" "over the limit of 32768x32768"

expect_rc 2 "no FILE" "$BOXEL" show --size 10x10
expect_rc 0 "--help" "$BOXEL" show --help
check "--help shows usage" contains "$OUT" "usage: boxel show"

finish
