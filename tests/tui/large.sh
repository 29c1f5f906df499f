# large.sh: a 12000x9000 (108 MP) JPEG is labeled like a small photo: the
# first frame comes from a reduced decode, Z goes to 1:1 on a region
# decoded at full resolution (no "cannot be shown" message, no reduced
# picture), panning at 1:1 works, G goes to a point, M shows the minimap,
# and the labeling process never holds
# more than 64 MB (VmHWM, the peak resident set).
. "$(dirname "$0")/lib.sh"

MK=$(dirname "$BOXEL")/tests/mkimage
[ -x "$MK" ] || { fail "tests/mkimage not built"; finish; }
P=$T_TMP/p
mkdir -p "$P/img"
"$MK" "$P/img/big.jpg" 12000 9000 -n 0 || fail "mkimage"
printf '{"name": "t", "classes": [{"name": "obj", "geometries": ["box"]}]}\n' > "$P/tax.json"
DB=$P/boxel.db
"$BOXEL" init --db "$DB" --images "$P/img" --taxonomy "$P/tax.json" >/dev/null
"$BOXEL" config set --db "$DB" serve_order import >/dev/null # screens in import order
"$BOXEL" import --db "$DB" "$P/img" >/dev/null
"$BOXEL" user add alice --role annotator --db "$DB" >/dev/null
"$BOXEL" batch create b --kind production --tasks all --db "$DB" >/dev/null

label
expect_screen "first frame" "x 6000 y 4500"
tui_keys Z
expect_screen "Z goes to 1:1" "(1:1)  x 6000 y 4500  step 1"
tui_keys L L L
expect_screen "steps at 1:1 are one image pixel" "x 6030 y 4500"
tui_keys S-Right S-Right S-Right S-Right S-Right S-Right
expect_screen "panning at 1:1 brings the crosshair along" "(1:1)"
tui_keys '+'
expect_screen "deeper than 1:1" "step 1"
# Go to a point, then the minimap: the pane's top-right corner changes.
tui_keys G
expect_screen "go-to prompt" "go to x,y"
tui_type "100,8900"
tui_keys Enter
expect_screen "went there at 1:1" "x 100 y 8900"
before=$(tui_screen | head -8 | cut -c70-101)
tui_keys M
i=0
while [ "$(tui_screen | head -8 | cut -c70-101)" = "$before" ] && [ $i -lt 50 ]; do sleep 0.1; i=$((i + 1)); done
check "M draws the minimap in the pane's top-right corner" test "$(tui_screen | head -8 | cut -c70-101)" != "$before"
if tui_screen | grep -q "cannot be shown"; then fail "a region could not be shown exactly"; else pass; fi
pid=$(pgrep -f "^$BOXEL label --db $DB" | head -1)
hwm=$(awk '/VmHWM/ {print $2}' "/proc/$pid/status" 2>/dev/null)
echo "peak resident set of boxel label on a 108 MP JPEG: ${hwm:-?} kB"
if ldd "$BOXEL" 2>/dev/null | grep -q libasan; then
	echo "skipped: peak memory (a sanitizer build's shadow memory is not boxel's)"
else
	check "peak memory under 64 MB (was 179 MB at 64x)" test "${hwm:-999999}" -lt 65536
fi
tui_keys q
finish
