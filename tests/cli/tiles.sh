# tiles.sh: import reports the images that will be shown from a tile
# pyramid, builds their pyramids with --tiles, and refuses only what can
# never be shown, saying why. Images of any size are imported: a PNG of
# 40000x40000 (headers only: probing reads no further) is accepted.
. "$(dirname "$0")/lib.sh"

MK=$(dirname "$BOXEL")/tests/mkimage
[ -x "$MK" ] || { fail "tests/mkimage not built"; finish; }
cd "$T_TMP" || exit 2
mkdir -p img bad
"$MK" img/wide.png 4000 2001 -n 0 -f || fail "mkimage"
"$MK" img/small.png 400 300 -n 0 || fail "mkimage"
# A PNG of headers only: IHDR (size, interlace), an empty IDAT, IEND.
header_png() {
	python3 - "$@" <<'PY'
import struct, sys, zlib
path, w, h, il = sys.argv[1], int(sys.argv[2]), int(sys.argv[3]), int(sys.argv[4])
def chunk(t, d):
    return struct.pack('>I', len(d)) + t + d + struct.pack('>I', zlib.crc32(t + d) & 0xffffffff)
open(path, 'wb').write(b'\x89PNG\r\n\x1a\n' + chunk(b'IHDR', struct.pack('>IIBBBBB', w, h, 8, 2, 0, 0, il))
                       + chunk(b'IDAT', b'') + chunk(b'IEND', b''))
PY
}
header_png img/huge.png 40000 40000 0
header_png bad/interlaced.png 20000 20000 1
printf '{"name": "t", "classes": [{"name": "obj", "geometries": ["box"]}]}\n' > tax.json
"$BOXEL" init --db t.db --images . --taxonomy tax.json >/dev/null

expect_rc 0 "a folder with large PNGs imports" "$BOXEL" import --db t.db img
check "all three imported" contains "$OUT" "imported 3 tasks (3 new), 0 items failed"
check "40000x40000 stored at its size" \
	test "$(sqlite3 t.db "SELECT width || 'x' || height FROM tasks WHERE image = 'img/huge.png'")" = 40000x40000
check "says which will be shown from tiles" contains "$OUT" "2 images will be shown from a tile pyramid"
check "names the 8 MP one with its largest cache size" contains "$OUT" "img/wide.png  4000x2001, up to 34 MB of tiles"
check "names the 40000x40000 one" contains "$OUT" "img/huge.png  40000x40000, up to 6442 MB of tiles"
check "the small one is not listed" eval '! contains "$OUT" "small.png"'
check "says how to build them now" contains "$OUT" "built on first open, or now with --tiles"
check "nothing built without --tiles" test ! -e t.db-tiles

expect_rc 2 "tile_cache_mb is a setting" "$BOXEL" config set tile_cache_mb 0 --db t.db
"$BOXEL" config set tile_cache_mb 50 --db t.db >/dev/null || fail "config set tile_cache_mb"
rm -f img/huge.png
expect_rc 0 "--tiles builds the pyramid" "$BOXEL" import --db t.db --tiles img
check "says it built it" contains "$OUT" "img/wide.png  4000x2001, "
check "one pyramid beside the store" test "$(ls t.db-tiles | grep -c '\.bxt$')" = 1
size=$(stat -c %s t.db-tiles/*.bxt)
said=$(printf '%s\n' "$OUT" | sed -n 's|.*img/wide.png  4000x2001, \([0-9]*\) MB of tiles$|\1|p')
check "the pyramid is the size the report said" test "$said" = "$(( (size + 500000) / 1000000 ))"
check "deflated: under the raw tiles' 34 MB" test "$size" -lt 34000000
expect_rc 0 "--tiles again reuses it" "$BOXEL" import --db t.db --tiles img
check "says it was already built" contains "$OUT" "(already built)"

"$BOXEL" config set tile_cache_mb 1 --db t.db >/dev/null
rm -rf t.db-tiles
expect_rc 1 "over the cache limit: exit 1, the task still imported" "$BOXEL" import --db t.db --tiles img
check "says the pyramid is over the limit" contains "$ERR" "img/wide.png: tiles: building its tiles needs 3 MB at a time, over the tile cache limit of 1 MB"
check "in one line" one_line "$ERR"
check "leaves nothing" test -z "$(ls t.db-tiles)"

expect_rc 1 "an interlaced PNG over the budget is refused" "$BOXEL" import --db t.db bad
check "in one line" one_line "$ERR"
check "says it can never be shown and why" contains "$ERR" "bad/interlaced.png: an Adam7-interlaced PNG 20000x20000 (400 MP) is decoded whole, over the budget of 100 MP: it can never be shown; save it non-interlaced"
check "not imported" test "$(sqlite3 t.db "SELECT count(*) FROM tasks WHERE image LIKE 'bad/%'")" = 0
mkdir giant
header_png giant/giant.png 70000 100 0
expect_rc 1 "past 65535 per side is refused" "$BOXEL" import --db t.db giant
check "names the limit" contains "$ERR" "70000x100 pixels, over the limit of 65535x65535"
finish
