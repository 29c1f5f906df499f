# hostile.sh: faults and hostile inputs around the store's commands (issue
# 12): UTF-16 files given to init, a decimal-comma locale, a damaged schema
# version, read-only stores, concurrent init, import atomicity. Each refusal
# is one clear line, a non-zero exit, no crash and nothing half written.
. "$(dirname "$0")/lib.sh"

SRC=${BOXEL_SOURCE_ROOT:?}
BAD=$SRC/tests/data/bad
PY=/usr/bin/python3
cd "$T_TMP" || exit 2
mkdir img
cp "$SRC"/sample-data/chelsea.png "$SRC"/sample-data/coffee.png img/
# crashed RC: the exit status of a process killed by a signal (abort, segv)
crashed() { [ "$1" -ge 128 ]; }

# --- init with a UTF-16 file (a NUL byte in text) used to double-free
for f in instructions-utf16-double-free.md taxonomy-utf16-double-free.json; do
	case $f in instructions*) opt=--instructions; what=instructions;; *) opt=--taxonomy; what=taxonomy;; esac
	expect_rc 2 "init $f refused" "$BOXEL" init --db u.db --images img "$opt" "$BAD/$f"
	check "$f: no crash" test "$RC" -lt 128
	check "$f: one line" one_line "$ERR"
	check "$f: says what and why" contains "$ERR" "$what $BAD/$f: contains a NUL byte (UTF-16? save as UTF-8)"
	check "$f: no store left" test ! -e u.db
done

# --- numbers are C-locale under a decimal-comma locale (de_DE.UTF-8)
# The locale is compiled into the test's own directory (LOCPATH), so no
# root is needed; only without the locale sources is this skipped.
mkdir loc
if localedef -i de_DE -f UTF-8 loc/de_DE.UTF-8 >/dev/null 2>&1 &&
    LOCPATH=$T_TMP/loc LC_ALL=de_DE.UTF-8 $PY -c 'import locale; locale.setlocale(locale.LC_ALL, ""); assert locale.localeconv()["decimal_point"] == ","'; then
	de() { LOCPATH=$T_TMP/loc LC_ALL=de_DE.UTF-8 LANG=de_DE.UTF-8 "$@"; }
	"$BOXEL" init --db de.db --images img --taxonomy "$SRC/sample-data/taxonomy.json" >/dev/null
	"$BOXEL" import --db de.db img >/dev/null
	printf '%s\n' '{"image": "chelsea.png", "answer": {"annotations": [{"class": "cat", "box": [5.5, 10.25, 100.5, 50]}], "global": {"scene": "indoor"}}}' > de.jsonl
	"$BOXEL" import --db de.db --as accepted de.jsonl >/dev/null
	expect_rc 0 "de_DE: export yolo" de "$BOXEL" export --db de.db --format yolo de.yolo
	check "de_DE: yolo numbers have a decimal point" grep -q '^0 0\.[0-9]* 0\.[0-9]* 0\.[0-9]* 0\.[0-9]*$' de.yolo/labels/chelsea.txt
	check "de_DE: no decimal comma in any label file" test -z "$(grep -rl , de.yolo/labels)"
	expect_rc 0 "de_DE: export coco" de "$BOXEL" export --db de.db --format coco de.coco.json
	check "de_DE: coco is JSON with the exact box" $PY -c 'import json,sys; d=json.load(open(sys.argv[1])); assert d["annotations"][0]["bbox"] == [5.5, 10.25, 100.5, 50]' de.coco.json
	expect_rc 0 "de_DE: score --iou 0.75 accepted" de "$BOXEL" score --iou 0.75 "$BOXEL_TEST_DATA/score/gold.json" "$BOXEL_TEST_DATA/score/labels.json"
	expect_rc 0 "de_DE: config set iou_threshold 0.75" de "$BOXEL" config --db de.db set iou_threshold 0.75
	check "de_DE: stored with a point" test "$(sqlite3 de.db "SELECT value FROM settings WHERE key = 'iou_threshold'")" = 0.75
	expect_rc 0 "de_DE: stats --json" de "$BOXEL" stats --db de.db --json
	check "de_DE: stats JSON parses" $PY -c 'import json,sys; json.loads(sys.argv[1])' "$OUT"
else
	echo "skipped: de_DE.UTF-8 cannot be made here (localedef or the locales package missing)"
fi

finish
