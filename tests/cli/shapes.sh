# shapes.sh: shapes beyond box, polygon, point through import, export and
# scoring: a polyline goes to Scale as a "line" and to JSONL and back
# unchanged; formats that cannot hold it leave it out with one warning line
# and write the rest; a class that does not allow it refuses it.
. "$(dirname "$0")/lib.sh"

SRC=${BOXEL_SOURCE_ROOT:?}
cd "$T_TMP" || exit 2
mkdir img
cp "$SRC"/sample-data/*.png "$SRC"/sample-data/*.jpg img/
python3 - "$SRC/sample-data/taxonomy.json" tax.json <<'PY'
import json, sys
t = json.load(open(sys.argv[1]))
t["classes"].append({"name": "whisker", "geometries": ["polyline"]})
json.dump(t, open(sys.argv[2], "w"))
PY
fresh() {
	rm -f "$1" "$1"-wal "$1"-shm
	"$BOXEL" init --db "$1" --images img --taxonomy tax.json >/dev/null
	"$BOXEL" import --db "$1" img >/dev/null
}
fresh a.db
cat > ans.jsonl <<'J'
{"image": "chelsea.png", "answer": {"annotations": [{"class": "cat", "box": [10, 20, 300, 250]}, {"class": "whisker", "polyline": [[150, 100], [190.5, 104], [230, 98]]}], "global": {"scene": "indoor"}}}
J
expect_rc 0 "import a polyline" "$BOXEL" import --db a.db --as accepted ans.jsonl

expect_rc 0 "export scale" "$BOXEL" export --db a.db --format scale a.scale.json
check "scale line with its vertices" contains "$(cat a.scale.json)" \
	'{"type":"line","label":"whisker","vertices":[{"x":150,"y":100},{"x":190.5,"y":104},{"x":230,"y":98}]'
check "scale: nothing left out" test -z "$ERR"
expect_rc 0 "export jsonl" "$BOXEL" export --db a.db --format jsonl a.jsonl
check "jsonl keeps the polyline" contains "$(cat a.jsonl)" '"polyline":[[150,100],[190.5,104],[230,98]]'
for f in scale:a.scale.json jsonl:a.jsonl; do
	fmt=${f%%:*} out=${f#*:}
	fresh b.db
	expect_rc 0 "$fmt: import the export" "$BOXEL" import --db b.db --format "$fmt" --as accepted "$out"
	expect_rc 0 "$fmt: export again" "$BOXEL" export --db b.db --format "$fmt" "b.$out"
	check "$fmt: round trip identical" cmp "$out" "b.$out"
done

for f in coco:a.coco.json labelstudio:a.ls.json voc:a.voc yolo:a.yolo; do
	fmt=${f%%:*} out=${f#*:}
	expect_rc 0 "$fmt: export with a polyline" "$BOXEL" export --db a.db --format "$fmt" "$out"
	check "$fmt: one warning line" test "$ERR" = \
		"boxel: warning: left out 1 polyline: $fmt cannot hold a polyline (scale, jsonl can)"
	check "$fmt: the rest written" contains "$OUT" "exported 4 tasks (1 with an accepted answer)"
done
check "coco has the box only" /usr/bin/python3 -c 'import json,sys; d=json.load(open(sys.argv[1])); assert [a["bbox"] for a in d["annotations"]]==[[10,20,300,250]]' a.coco.json
check "voc has the box" contains "$(cat a.voc/chelsea.xml)" "<name>cat</name>"

# A class that does not allow lines refuses one, naming it.
printf '%s\n' '{"image": "coffee.png", "answer": {"annotations": [{"class": "cup", "polyline": [[1, 2], [3, 4]]}], "global": {"scene": "indoor"}}}' > bad.jsonl
expect_rc 1 "polyline on a box class refused" "$BOXEL" import --db a.db --as accepted bad.jsonl
check "says which and why" contains "$ERR" "annotations[0] (cup): a polyline is not allowed for this class"
printf '%s\n' '{"image": "coffee.png", "answer": {"annotations": [{"class": "whisker", "polyline": [[1, 2]]}], "global": {"scene": "indoor"}}}' > one.jsonl
expect_rc 1 "a one-vertex line refused" "$BOXEL" import --db a.db --as accepted one.jsonl
check "says at least 2" contains "$ERR" "a polyline must be a list of at least 2 [x, y] points"

finish
