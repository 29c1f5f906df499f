# taxonomy.sh: `boxel taxonomy check`: every problem listed with its
# FILE:LINE:COLUMN and JSON path (positions counted in the fixture), exit 1;
# a valid file gives one summary line and exit 0.
. "$(dirname "$0")/lib.sh"

SRC=${BOXEL_SOURCE_ROOT:?}
FX=$SRC/tests/data/formats
cd "$T_TMP" || exit 2

expect_rc 0 "the sample taxonomy is valid" "$BOXEL" taxonomy check "$SRC/sample-data/taxonomy.json"
check "one summary line" one_line "$OUT"
check "counts" contains "$OUT" "ok: 13 classes, 11 class attributes, 2 global attributes"
check "nothing on stderr" test -z "$ERR"

cp "$FX/taxonomy-bad.json" bad.json
expect_rc 1 "every problem of a bad taxonomy" "$BOXEL" taxonomy check bad.json
for want in \
	'bad.json:3:13: clases: unknown key' \
	'bad.json:5:45: classes[0].color: a color is "#rrggbb" (6 hex digits), not "#ff00zz"' \
	'bad.json:6:14: classes[1].name: "cat" is already the name of classes[0]' \
	'bad.json:6:31: classes[1].hotkey: "c" is already used by classes[0] ("cat")' \
	'bad.json:6:58: classes[1].geometries[1]: "circle" is not a geometry' \
	'bad.json:7:31: classes[2].hotkey: "1" is reserved' \
	'bad.json:7:46: classes[2].colour: unknown key' \
	'bad.json:9:8: classes[2].attributes[0].options: a choice attribute needs options' \
	'bad.json:10:47: classes[2].attributes[1].min: min (5) is greater than max (1)' \
	'bad.json:11:77: classes[2].attributes[2].default: not a valid value: "xl" is not one of s, m' \
	'bad.json:12:30: classes[2].attributes[3].type: "weird" is not a type' \
	'bad.json:15:14: global[0].name: missing' \
	'boxel: 13 problems'; do
	check "reports: $want" contains "$ERR" "$want"
done
check "13 problems and the count, one per line" test "$(printf '%s\n' "$ERR" | wc -l)" -eq 14
check "in file order" test "$(printf '%s\n' "$ERR" | head -1 | cut -d: -f3)" = 3

printf '{"classes": [\n  {"name": "a",}\n]}' > syntax.json
expect_rc 1 "syntax error" "$BOXEL" taxonomy check syntax.json
check "line:column" contains "$ERR" "syntax.json:2:"
printf '{"classes": [{"name": "a\\u001b[31mred", "hotkey": "\\u0007"}]}' > esc.json
expect_rc 1 "control characters" "$BOXEL" taxonomy check esc.json
check "no escapes reach the terminal" no_escape "$ERR"
expect_rc 2 "missing file" "$BOXEL" taxonomy check nope.json
check "one line" one_line "$ERR"
expect_rc 2 "a directory" "$BOXEL" taxonomy check .
expect_rc 2 "usage" "$BOXEL" taxonomy
expect_rc 2 "unknown subcommand" "$BOXEL" taxonomy frob x
finish
