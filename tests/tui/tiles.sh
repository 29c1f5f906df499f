# tiles.sh: a PNG too large to decode per view is labeled from its tile
# pyramid. The side is $TILES_SIDE, default 12000 (144 MP: a few seconds
# to write, a few more to build its pyramid); TILES_SIDE=40000 runs the
# issue's 40000x40000 (minutes: the PNG and its pyramid are written on a
# slow disk). The first open builds the pyramid on a worker thread: the
# screen shows the picture as the rows come and the progress on the
# message line, and answers keys meanwhile; a quit then stops the build
# and leaves nothing behind. Opened again, the build runs to its end and
# the view sharpens. M shows the minimap; G to the far corner and Z to 1:1
# shows the image's own pixels there (checked cell by cell against the
# generator's formula: a view made from a halved level would blur the
# checker's edges); the labeling process stays under 64 MB; a second
# session opens the same cache file without building it again; the
# prefetch builds the next task's pyramid while the first is open.
. "$(dirname "$0")/lib.sh"

MK=$(dirname "$BOXEL")/tests/mkimage
[ -x "$MK" ] || { fail "tests/mkimage not built"; finish; }
command -v python3 >/dev/null || { fail "python3 is needed to read the pane's colors"; finish; }
N=${TILES_SIDE:-12000}
P=$T_TMP/p
mkdir -p "$P/img"
"$MK" "$P/img/huge.png" "$N" "$N" -n 0 -z 1 -f || fail "mkimage"
printf '{"name": "t", "classes": [{"name": "obj", "geometries": ["box"]}]}\n' > "$P/tax.json"
DB=$P/boxel.db
"$BOXEL" init --db "$DB" --images "$P/img" --taxonomy "$P/tax.json" >/dev/null
"$BOXEL" import --db "$DB" "$P/img" >/dev/null
"$BOXEL" user add alice --role annotator --db "$DB" >/dev/null
"$BOXEL" batch create b --kind production --tasks all --db "$DB" >/dev/null

running() { pgrep -f "^$BOXEL label --db $DB" >/dev/null; }
# .room is the cache's lock file (builds reserve room under it): kept.
leftovers() { ls -A "$DB-tiles" 2>/dev/null | grep -vcx '\.room'; }

# While the pyramid builds: the progress, a picture, keys answered.
tui_start env COLORTERM=truecolor "$BOXEL" label --db "$DB" --user alice
expect_screen "the first frame comes while the pyramid builds" "building tiles"
check "the progress is a percentage" sh -c "tmux -L '$TUI_SOCK' capture-pane -p -t t | grep -Eq 'building tiles [0-9]+%'"
# Pixels in the pane's middle row, not the default background: a picture.
check "a first picture while building" sh -c \
	"tmux -L '$TUI_SOCK' capture-pane -p -e -t t | sed -n 20p | grep -q '48;2;'"
tui_keys G
expect_screen "keys work while building: the go-to prompt" "go to x,y"
tui_type "101,102"
tui_keys Enter
expect_screen "keys work while building: the crosshair moved" "x 101 y 102"
# The message line says what the keys did until the next tick brings
# the progress back: wait for a screen with both, and none saying the
# build ended.
both=0 i=0
while [ $i -lt 100 ]; do
	scr=$(tui_screen)
	case $scr in *"tiles ready"*) break ;; esac
	case $scr in *"building tiles"*"x 101 y 102"*) both=1; break ;; esac
	sleep 0.1
	i=$((i + 1))
done
check "the moved crosshair and the progress on one screen, before the build ended" test "$both" = 1
tui_keys q
i=0
while running && [ $i -lt 100 ]; do sleep 0.1; i=$((i + 1)); done
check "q quits during the build" sh -c "! pgrep -f '^$BOXEL label --db $DB' >/dev/null"
check "the stopped build left no file (no temp, no half cache)" test "$(leftovers)" = 0

# Again, to the end: the view sharpens when the pyramid is made.
tui_start env COLORTERM=truecolor "$BOXEL" label --db "$DB" --user alice
expect_screen "the build starts again" "building tiles"
TUI_TIMEOUT=600 expect_screen "the build ends and says so" "tiles ready"
expect_screen "the view kept its crosshair" "x 101 y 102"
cache=$(ls "$DB-tiles"/*.bxt 2>/dev/null)
check "one pyramid file beside the store" test "$(printf '%s\n' "$cache" | grep -c .)" = 1
inode=$(stat -c %i "$cache" 2>/dev/null)
echo "tile cache: $(stat -c %s "$cache" 2>/dev/null) bytes for a ${N}x${N} PNG"

# Compared with colors: on a smooth image the minimap may change no glyph.
top_right() { tmx capture-pane -p -e -t t | head -8; }
before=$(top_right)
tui_keys M
i=0
while [ "$(top_right)" = "$before" ] && [ $i -lt 300 ]; do sleep 0.1; i=$((i + 1)); done
check "M draws the minimap in the pane's top-right corner" test "$(top_right)" != "$before"
tui_keys M

# The far corner at 1:1: pan until the view stops at the image's
# bottom-right edge, then put the crosshair one pixel in from the corner
# (when the status shows it, the pans before it are done).
tui_keys G
expect_screen "go-to prompt" "go to x,y"
tui_type "$((N - 1)),$((N - 1))"
tui_keys Enter
expect_screen "went to the far corner" "x $((N - 1)) y $((N - 1))"
tui_keys Z
expect_screen "Z goes to 1:1" "(1:1)  x $((N - 1)) y $((N - 1))"
tui_keys S-Right S-Right S-Right S-Right S-Down S-Down S-Down S-Down G
expect_screen "go-to prompt" "go to x,y"
tui_type "$((N - 2)),$((N - 1))"
tui_keys Enter
expect_screen "at the corner, 1:1" "(1:1)  x $((N - 2)) y $((N - 1))"
if tui_screen | grep -q "cannot be shown"; then fail "a region could not be shown exactly"; else pass; fi
# The image pane of a 160x50 terminal: 102 columns, 48 rows (96 pixels).
tmx capture-pane -p -e -t t > "$T_TMP/corner.txt"
check "the far corner's pixels are the image's own at 1:1" \
	python3 - "$T_TMP/corner.txt" "$N" 102 48 <<'PY'
import re, sys
path, n, pw, ph = sys.argv[1], int(sys.argv[2]), int(sys.argv[3]), int(sys.argv[4])
def px(x, y):
    sq = (x // 13 + y // 11) & 1
    v = [x * 255 // (n - 1) + (40 if sq else -40), y * 255 // (n - 1), 200 if sq else 50]
    return [min(255, max(0, c)) for c in v]
def cells(line):
    fg = bg = None
    out = []
    for m in re.finditer(r'\x1b\[([0-9;]*)m|([^\x1b])', line):
        if m.group(2) is not None:
            out.append((m.group(2), fg, bg))
            continue
        p = [int(v) if v else 0 for v in m.group(1).split(';')]
        i = 0
        while i < len(p):
            if p[i] in (38, 48) and i + 4 < len(p) and p[i + 1] == 2:
                if p[i] == 38: fg = p[i + 2:i + 5]
                else: bg = p[i + 2:i + 5]
                i += 5
            else:
                if p[i] == 0: fg = bg = None
                elif p[i] == 39: fg = None
                elif p[i] == 49: bg = None
                i += 1
    return out
lines = open(path, encoding='utf-8').read().split('\n')
left, top = n - pw, n - 2 * ph
bad = checked = 0
for r in range(ph):
    row = cells(lines[r])
    for c in range(min(pw, len(row))):
        ch, fg, bg = row[c]
        x, yt = left + c, top + 2 * r
        if (x, yt + 1) == (n - 2, n - 1):
            continue   # the crosshair
        if bg is None:
            bad += 1
            continue
        # Shown colors may differ from the pixel by a few levels (a color
        # close to its neighbour's is repeated to save bytes: 10 at most).
        want = [(px(x, yt), bg)] + ([(px(x, yt + 1), fg)] if ch == '\u2584' else [(px(x, yt + 1), bg)])
        for p, got in want:
            checked += 1
            if got is None or sum(abs(a - b) for a, b in zip(p, got)) > 10:
                bad += 1
                if bad <= 5:
                    print("pixel %d,%d: shown %s, image %s" % (x, yt, got, p), file=sys.stderr)
print("%d pixels checked, %d wrong" % (checked, bad), file=sys.stderr)
sys.exit(1 if bad or checked < pw * ph else 0)
PY
pid=$(pgrep -f "^$BOXEL label --db $DB" | head -1)
hwm=$(awk '/VmHWM/ {print $2}' "/proc/$pid/status" 2>/dev/null)
echo "peak resident set of boxel label on a ${N}x${N} PNG: ${hwm:-?} kB"
if ldd "$BOXEL" 2>/dev/null | grep -q libasan; then
	echo "skipped: peak memory (a sanitizer build's shadow memory is not boxel's)"
else
	check "peak memory under 64 MB" test "${hwm:-999999}" -lt 65536
fi
tui_keys q

# A second session finds the pyramid and opens it as it is.
label
expect_screen "second session: the same task, view and crosshair" "(1:1)  x $((N - 2)) y $((N - 1))"
check "the same cache file, not rebuilt" test "$(stat -c %i "$cache" 2>/dev/null)" = "$inode"
check "still one pyramid file" test "$(ls "$DB-tiles" | grep -c .)" = 1
tui_keys q

# Prefetch: while the first of two tiled images is open, the worker
# builds the next one's pyramid; after submit the next task opens from it
# (the file is not built again).
P2=$T_TMP/p2
mkdir -p "$P2/img"
"$MK" "$P2/img/a.png" 4000 2001 -n 0 -f || fail "mkimage"
"$MK" "$P2/img/b.png" 4001 2001 -n 0 -f || fail "mkimage"
DB=$P2/boxel.db
"$BOXEL" init --db "$DB" --images "$P2/img" --taxonomy "$P/tax.json" >/dev/null
"$BOXEL" import --db "$DB" "$P2/img" >/dev/null
"$BOXEL" user add alice --role annotator --db "$DB" >/dev/null
"$BOXEL" batch create b --kind production --tasks all --db "$DB" >/dev/null
label
expect_screen "first of two tiled images" "task 1/2"
i=0
while [ "$(ls "$DB-tiles" 2>/dev/null | grep -c '\.bxt$')" -lt 2 ] && [ $i -lt 600 ]; do sleep 0.1; i=$((i + 1)); done
check "the prefetch built the next image's pyramid" test "$(ls "$DB-tiles" | grep -c '\.bxt$')" = 2
before=$(stat -c %i "$DB-tiles"/*.bxt | sort | tr '\n' ' ')
first=$(tui_screen | grep -o '[ab]\.png' | head -1)
next=a.png
[ "$first" = a.png ] && next=b.png
tui_keys s
expect_screen "submitted" "submitted $first"
expect_screen "the next task opens" "$next"
check "from the prefetched pyramid, not a new one" \
	test "$(stat -c %i "$DB-tiles"/*.bxt | sort | tr '\n' ' ')" = "$before"
tui_keys q
finish
