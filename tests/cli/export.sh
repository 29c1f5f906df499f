# export.sh: every export format, and the round trip of each: export ->
# import into a fresh store -> export again gives identical bytes. Also:
# never a partial file, accepted-answer rule, --batch.
. "$(dirname "$0")/lib.sh"

SRC=${BOXEL_SOURCE_ROOT:?}
FX=$SRC/tests/data/formats
cd "$T_TMP" || exit 2
mkdir -p img/sub
cp "$SRC"/sample-data/*.png "$SRC"/sample-data/*.jpg img/
cp img/coffee.png img/sub/mug.png

declare -A ST # ST[NAME]: the store fresh NAME made last
fresh() { # fresh NAME: a store with the sample taxonomy and image root img/
	ST[$1]=$(db_new "$1")
	on_file && rm -f "${ST[$1]}" "${ST[$1]}"-wal "${ST[$1]}"-shm
	"$BOXEL" init --db "${ST[$1]}" --images img --taxonomy "$SRC/sample-data/taxonomy.json" >/dev/null
}

fresh a
expect_rc 0 "import the folder" "$BOXEL" import --db "${ST[a]}" img
expect_rc 0 "import accepted answers" "$BOXEL" import --db "${ST[a]}" --as accepted "$FX/accepted.jsonl"
check "3 answers imported" contains "$OUT" "3 with accepted answers"

# --- each format by hand-computed content ---
expect_rc 0 "export coco" "$BOXEL" export --db "${ST[a]}" --format coco a.coco.json
check "summary line" contains "$OUT" "exported 5 tasks (3 with an accepted answer) as coco"
check "coco box, area w*h" contains "$(cat a.coco.json)" '"image_id":2,"category_id":1,"bbox":[10.5,20,300,250],"area":75000,"iscrowd":0,"segmentation":[[10.5,20,310.5,20,310.5,270,10.5,270]],"attributes":{"occluded":true,"pose":"lying"}'
# polygon (280,250) (360,250) (400,420) (240,420): bbox 240,250,160,170;
# shoelace area: trapezoid (80 + 160) / 2 * 170 = 20400
check "coco polygon" contains "$(cat a.coco.json)" '"bbox":[240,250,160,170],"area":20400,"iscrowd":0,"segmentation":[[280,250,360,250,400,420,240,420]]'
check "coco point in the image's points, no zero-size box" contains "$(cat a.coco.json)" '"points":[{"class":"face","point":[120,80]}]'
check "coco: no zero-size box" test "$(grep -c '"bbox":\[120,80,0,0\]' a.coco.json)" = 0
check "coco categories in taxonomy order" contains "$(cat a.coco.json)" '{"id":6,"name":"plume","supercategory":""}'
check "coco global attributes on the image" contains "$(cat a.coco.json)" '{"id":4,"file_name":"rocket.jpg","width":640,"height":427,"attributes":{"scene":"outdoor"}}'
if /usr/bin/python3 -c 'import json' 2>/dev/null; then
	check "coco is valid JSON" /usr/bin/python3 -c 'import json,sys; d=json.load(open(sys.argv[1])); assert len(d["images"])==5 and len(d["annotations"])==4' a.coco.json
fi

expect_rc 1 "export yolo (a point and attributes left out: exit 1)" "$BOXEL" export --db "${ST[a]}" --format yolo a.yolo
# rocket.jpg 640x427, box 300,50,40,200 -> cx 320/640, cy 150/427, w 40/640, h 200/427
# rocket has a polygon too: its box 300,50,40,200 is written as a 4-point
# polygon (Ultralytics reads a file as all boxes or all polygons):
# x 300/640 = 0.46875, 340/640 = 0.53125; y 50/427 = 0.117096, 250/427 = 0.585480
check "yolo box as a polygon beside one" contains "$(cat a.yolo/labels/train/rocket.txt)" "4 0.468750 0.117096 0.531250 0.117096 0.531250 0.585480 0.468750 0.585480"
check "yolo polygon normalized" contains "$(cat a.yolo/labels/train/rocket.txt)" "5 0.437500 0.585480 0.562500 0.585480 0.625000 0.983607 0.375000 0.983607"
# astronaut has only a box: 0,0,512,512 of 512x512
check "yolo box normalized" test "$(cat a.yolo/labels/train/astronaut.txt)" = "2 0.500000 0.500000 1.000000 1.000000"
check "yolo empty label file for a task without answer" test -f a.yolo/labels/train/sub/mug.txt -a ! -s a.yolo/labels/train/sub/mug.txt
check "yolo images/train links to the image" test "$(readlink a.yolo/images/train/sub/mug.png)" = "$(realpath img/sub/mug.png)"
check "yolo data.yaml names" contains "$(cat a.yolo/data.yaml)" $'val: images/train\nnames:\n  - "cat"\n  - "cup"'
check "yolo data.yaml path and splits" contains "$(cat a.yolo/data.yaml)" "path: \"$(realpath .)/a.yolo\""$'\ntrain: images/train\nval: images/train\n'
check "yolo images.txt" test "$(sed -n 5p a.yolo/images.txt)" = "sub/mug.png"
# chelsea's face point and the 9 attribute values (objects' and images')
# have no YOLO form: said, one line a kind
check "yolo: the point and the attributes said" test "$ERR" = \
	"boxel: warning: left out 1 point: yolo cannot hold a point (coco, labelstudio, scale, cvat, jsonl can)
boxel: warning: left out 9 attributes: yolo cannot hold attributes (coco, voc, labelstudio, scale, jsonl can)"

expect_rc 1 "export voc (a point left out: exit 1)" "$BOXEL" export --db "${ST[a]}" --format voc a.voc
# chelsea box 10.5,20,300,250: xmin = round(10.5)+1 = 12, ymin = 21, xmax = round(310.5) = 311, ymax = 270
check "voc 1-based bndbox" contains "$(cat a.voc/Annotations/chelsea.xml)" "<bndbox><xmin>12</xmin><ymin>21</ymin><xmax>311</xmax><ymax>270</ymax></bndbox>"
check "voc size" contains "$(cat a.voc/Annotations/chelsea.xml)" "<size><width>451</width><height>300</height>"
check "voc mirrors folders" test -f a.voc/Annotations/sub/mug.xml
check "voc: the point said" test "$ERR" = \
	"boxel: warning: left out 1 point: voc cannot hold a point (coco, labelstudio, scale, cvat, jsonl can)"

# --- image classes: yolo and voc cannot hold them, and say so; --strict
# writes nothing ---
python3 - "$SRC/sample-data/taxonomy.json" tagtax.json <<'PY'
import json, sys
t = json.load(open(sys.argv[1]))
t["classes"].append({"name": "blurry_photo", "geometries": ["tag"]})
json.dump(t, open(sys.argv[2], "w"))
PY
rm -f t.db
"$BOXEL" init --db t.db --images img --taxonomy tagtax.json >/dev/null
cat > tag.jsonl <<'J'
{"image": "astronaut.png", "answer": {"annotations": [{"class": "person", "box": [0, 0, 512, 512]}, {"class": "blurry_photo"}], "global": {"scene": "space"}}}
{"image": "coffee.png", "answer": {"annotations": [{"class": "blurry_photo"}], "global": {"scene": "indoor"}}}
J
expect_rc 0 "import image classes" "$BOXEL" import --db t.db --as accepted tag.jsonl
expect_rc 1 "voc with image classes (left out: exit 1)" "$BOXEL" export --db t.db --format voc t.voc
check "voc: the image classes said" test "$ERR" = \
	"boxel: warning: left out 2 tags: voc cannot hold a tag (coco, labelstudio, scale, cvat, jsonl can)"
check "voc: the box written" contains "$(cat t.voc/Annotations/astronaut.xml)" "<name>person</name>"
expect_rc 1 "yolo --strict refuses" "$BOXEL" export --db t.db --format yolo --strict t.yolo
check "yolo --strict: the tags said" contains "$ERR" "left out 2 tags: yolo cannot hold a tag"
check "yolo --strict: one refusal line" contains "$ERR" "exported nothing (--strict): yolo cannot hold all of the answers"
check "yolo --strict: nothing written" test ! -e t.yolo
expect_rc 1 "voc --strict over an export refuses" "$BOXEL" export --db t.db --format voc --strict t.voc
check "voc --strict: the old export stands" test -f t.voc/Annotations/astronaut.xml
expect_rc 0 "coco --strict holds all" "$BOXEL" export --db t.db --format coco --strict t.coco.json
check "coco --strict: no warning" test -z "$ERR"

expect_rc 0 "export labelstudio" "$BOXEL" export --db "${ST[a]}" --format labelstudio a.ls.json
# rocket box 300,50,40,200 of 640x427: x 46.875%, y 11.7096018735%, w 6.25%, h 46.8384074941%
check "labelstudio percent" contains "$(cat a.ls.json)" '"original_width":640,"original_height":427,"image_rotation":0,"value":{"x":46.875,"y":11.7096018735,"width":6.25,"height":46.8384074941,"rotation":0,"rectanglelabels":["rocket"]}'

expect_rc 0 "export scale" "$BOXEL" export --db "${ST[a]}" --format scale a.scale.json
check "scale box" contains "$(cat a.scale.json)" '{"type":"box","label":"rocket","left":300,"top":50,"width":40,"height":200,"attributes":{"count":3},"uuid":"'
check "scale: every object named by its own UUID" /usr/bin/python3 -c '
import json, re, sys
u = [a["uuid"] for t in json.load(open(sys.argv[1])) for a in t["response"]["annotations"]]
assert len(u) == 5 and len(set(u)) == 5, u
assert all(re.fullmatch(r"[0-9a-f]{8}-[0-9a-f]{4}-8[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}", x) for x in u), u' a.scale.json
expect_rc 0 "export scale again" "$BOXEL" export --db "${ST[a]}" --format scale a2.scale.json
check "the same answers, the same bytes (the same names)" cmp a.scale.json a2.scale.json

# --- Scale's uuid: kept through the store, JSONL and edits, written back ---
cat > uuid.scale.json <<'J'
[{"task_id": "t1", "params": {"attachment": "chelsea.png", "attachment_type": "image", "metadata": {"width": 451, "height": 300}},
  "response": {"annotations": [
   {"type": "box", "label": "cat", "left": 10, "top": 20, "width": 100, "height": 50, "uuid": "0f8fad5b-d9cb-469f-a165-70867728950e", "attributes": {"pose": "lying"}},
   {"type": "polygon", "label": "plume", "vertices": [{"x": 1, "y": 1}, {"x": 9, "y": 1}, {"x": 9, "y": 9}], "uuid": "7C9E6679-7425-40DE-944B-E07FC1F90AE7"}],
   "global_attributes": {"scene": "indoor"}}}]
J
fresh u
expect_rc 0 "scale with uuids" "$BOXEL" import --db "${ST[u]}" --as accepted uuid.scale.json
expect_rc 0 "jsonl export" "$BOXEL" export --db "${ST[u]}" --format jsonl u.jsonl
check "jsonl carries each object's uuid" contains "$(cat u.jsonl)" '"class":"cat","uuid":"0f8fad5b-d9cb-469f-a165-70867728950e"}'
fresh u2
expect_rc 0 "jsonl import" "$BOXEL" import --db "${ST[u2]}" --as accepted u.jsonl
expect_rc 0 "scale export after jsonl" "$BOXEL" export --db "${ST[u2]}" --format scale u.out.json
check "the uuids come back to Scale as they were" /usr/bin/python3 -c '
import json, sys
a = json.load(open(sys.argv[1]))[0]["response"]["annotations"]
assert [x["uuid"] for x in a] == ["0f8fad5b-d9cb-469f-a165-70867728950e", "7C9E6679-7425-40DE-944B-E07FC1F90AE7"], a' u.out.json
sed 's/"uuid": "0f8fad5b-d9cb-469f-a165-70867728950e"/"uuid": ""/' uuid.scale.json > baduuid.json
expect_rc 1 "an empty uuid" "$BOXEL" import --db "${ST[u]}" --as accepted baduuid.json
check "named in one line" test "$ERR" = "boxel: baduuid.json: tasks[0].response.annotations[0].uuid: expected the object's id: 1 to 128 characters, no control characters"
# other converters write short ids ("box-1"): kept as they are
sed 's/"uuid": "0f8fad5b-d9cb-469f-a165-70867728950e"/"uuid": "box-1"/' uuid.scale.json > shortid.json
expect_rc 0 "a short id" "$BOXEL" import --db "${ST[u]}" --as accepted shortid.json
expect_rc 0 "exported" "$BOXEL" export --db "${ST[u]}" --format scale -
check "goes back out as it came" contains "$OUT" '"uuid":"box-1"}' 
printf '{"image": "chelsea.png", "answer": {"annotations": [{"class": "cat", "box": [1, 2, 3, 4], "uuid": 7}], "global": {"scene": "indoor"}}}\n' > baduuid.jsonl
expect_rc 1 "a uuid that is no string, in an answer" "$BOXEL" import --db "${ST[u]}" --as accepted baduuid.jsonl
check "named with its path" contains "$ERR" "annotations[0].uuid: expected the object's id"
check "scale attachment" contains "$(cat a.scale.json)" '"params":{"attachment":"rocket.jpg","attachment_type":"image","metadata":{"width":640,"height":427}}'

expect_rc 0 "export jsonl" "$BOXEL" export --db "${ST[a]}" --format jsonl a.jsonl
check "jsonl one line per task" test "$(wc -l < a.jsonl)" -eq 5
check "jsonl keys" contains "$(sed -n 2p a.jsonl)" '{"task":2,"image":"chelsea.png","width":451,"height":300,"batch":null,"judgments":[],"accepted":{"annotations":'

# --- round trips ---
for f in coco:a.coco.json yolo:a.yolo voc:a.voc labelstudio:a.ls.json scale:a.scale.json jsonl:a.jsonl; do
	fmt=${f%%:*} out=${f#*:}
	fresh b
	expect_rc 0 "$fmt: import the export into a fresh store" "$BOXEL" import --db "${ST[b]}" --format "$fmt" --as accepted "$out"
	expect_rc 0 "$fmt: export again" "$BOXEL" export --db "${ST[b]}" --format "$fmt" "b.$out"
	if [ -d "$out" ]; then
		# data.yaml's path names the export folder itself
		check "$fmt: round trip identical" diff -r -I '^path: ' "$out" "b.$out"
	else
		check "$fmt: round trip identical" cmp "$out" "b.$out"
	fi
done

# --- jsonl round trip of a store with judgments ---
# c.db: batch p (production, overlap 2, priority 3) over 3 of the 5 tasks;
# alice and bob submit, bob skips chelsea (a fresh replica 2 is queued after
# coffee's rows) and carol takes that replica. Import into a fresh store
# must give the same export and the same judgment rows.
fresh c
# In import order judgments keep the ids batch creation gave them, which a
# fresh store's import gives again: the round trip below compares ids too.
# (The default order gives each judgment its id when first claimed.)
"$BOXEL" config set --db "${ST[c]}" serve_order import >/dev/null
expect_rc 0 "import the folder into c" "$BOXEL" import --db "${ST[c]}" img
for u in alice bob carol; do "$BOXEL" user add --db "${ST[c]}" "$u" --role annotator >/dev/null; done
printf 'astronaut.png\nchelsea.png\ncoffee.png\n' > p.txt
expect_rc 0 "batch with overlap 2" "$BOXEL" batch create --db "${ST[c]}" p --kind production --overlap 2 --gold-rate 0 --priority 3 --tasks p.txt
printf '{"annotations":[{"class":"cup","box":[1,2,30,40]}],"global":{"scene":"indoor"}}\n' > j.json
# work USER submit|skip: claim as USER, then submit j.json (12.5 s) or skip.
work() {
	local c j tok
	c=$("$BOXEL" queue claim --db "${ST[c]}" --user "$1" --json) || { fail "claim $1"; return 1; }
	j=$(printf '%s' "$c" | sed -n 's/.*"judgment":\([0-9]*\).*/\1/p')
	tok=$(printf '%s' "$c" | sed -n 's/.*"token":"\([0-9a-f]*\)".*/\1/p')
	if [ "$2" = skip ]; then
		"$BOXEL" queue skip --db "${ST[c]}" --user "$1" --judgment "$j" --token "$tok" >/dev/null
	else
		"$BOXEL" queue submit --db "${ST[c]}" --user "$1" --judgment "$j" --token "$tok" \
		    --seconds 12.5 j.json >/dev/null
	fi || { fail "$2 $1 judgment $j"; return 1; }
}
work alice submit; work bob submit; work alice submit; work bob skip
work bob submit; work alice submit; work carol submit
expect_rc 0 "export c as jsonl" "$BOXEL" export --db "${ST[c]}" --format jsonl c.jsonl
check "judgment carries batch, replica, submitted_ms" contains "$(sed -n 1p c.jsonl)" '"seconds":12.5,"batch":"p","replica":0,"submitted_ms":'
check "line carries the batch settings" contains "$(sed -n 1p c.jsonl)" ',"batches":[{"name":"p","kind":"production","overlap":2,"gold_rate":0,"priority":3}]}'
check "skipped judgment exported" contains "$(cat c.jsonl)" '"labeler":"bob","state":"skipped"'
check "carol on the requeued replica 2" contains "$(cat c.jsonl)" '"labeler":"carol","state":"submitted","annotations":[{"box":[1,2,30,40],"class":"cup"}],"global":{"scene":"indoor"},"seconds":12.5,"batch":"p","replica":2'
fresh d
expect_rc 0 "import c.jsonl into a fresh store" "$BOXEL" import --db "${ST[d]}" --as accepted c.jsonl
check "summary counts judgments and users" contains "$OUT" "7 judgments, created 3 users), 0 items failed"
expect_rc 0 "export d" "$BOXEL" export --db "${ST[d]}" --format jsonl d.jsonl
check "jsonl with judgments: round trip identical" cmp c.jsonl d.jsonl
# (Labelers by name: PostgreSQL's ids have gaps where an insert met a conflict.)
q() { db_query "$1" "select task, batch, replica, state, (select name from users u where u.id = j.labeler), answer, seconds, submitted_ms, (select count(*) from annotations a where a.judgment = j.id) from judgments j order by id"; }
check "judgment rows identical (requeued open replica included)" test "$(q "${ST[c]}")" = "$(q "${ST[d]}")"
check "batch settings restored" test "$(db_query "${ST[d]}" 'select name, kind, overlap, CAST(gold_rate * 100 AS INTEGER), priority, ntasks from batches')" = "p|production|2|0|3|3"
check "labelers created as annotators" test "$(db_query "${ST[d]}" "select name || ':' || role from users order by id" | paste -sd' ')" = "alice:annotator bob:annotator carol:annotator"
n=$(db_query "${ST[d]}" 'select count(*) from judgments')
expect_rc 0 "re-import is idempotent" "$BOXEL" import --db "${ST[d]}" --as accepted c.jsonl
check "re-import adds no judgment" contains "$OUT" "imported 5 tasks (0 new, "
check "judgment count unchanged" test "$(db_query "${ST[d]}" 'select count(*) from judgments')" = "$n"
expect_rc 0 "export d again" "$BOXEL" export --db "${ST[d]}" --format jsonl d2.jsonl
check "third export identical" cmp c.jsonl d2.jsonl
sed -n 1p c.jsonl | sed 's/"kind":"production"/"kind":"training"/' > other.jsonl
expect_rc 1 "batch exists with another kind" "$BOXEL" import --db "${ST[d]}" other.jsonl
check "one error line" one_line "$ERR"
check "names the batch and both kinds" contains "$ERR" "other.jsonl:1: batch p exists as kind production, overlap 2, gold rate 0, priority 3; this line has kind training"
check "nothing added" test "$(db_query "${ST[d]}" 'select count(*) from judgments')" = "$n"
# the same batch with other settings on a later line of one file: that line is
# refused before its task is written (the first line's batch is not in the
# store yet when the second line is read)
{ sed -n 1p c.jsonl; sed -n 2p c.jsonl | sed 's/"overlap":2/"overlap":3/'; } > twice.jsonl
fresh f
expect_rc 1 "one file, one batch, two settings" "$BOXEL" import --db "${ST[f]}" --as accepted twice.jsonl
check "one error line for it" one_line "$ERR"
check "names the earlier line's settings" contains "$ERR" "twice.jsonl:2: batch p is given on an earlier line as kind production, overlap 2, gold rate 0, priority 3; this line has kind production, overlap 3"
img2=$(sed -n 2p c.jsonl | sed 's/.*"image":"\([^"]*\)".*/\1/')
check "the refused line's task is not in the store" test "$(db_query "${ST[f]}" "select count(*) from tasks where image = '$img2'")" = 0
check "the first line's task and judgments are" test "$(db_query "${ST[f]}" 'select count(*) from tasks'),$(db_query "${ST[f]}" "select count(*) from judgments where state = 'submitted'") " != "0,0 "
# a leased judgment comes back open and unassigned (no lease travels)
"$BOXEL" queue claim --db "${ST[c]}" --user bob --json >/dev/null
expect_rc 0 "export c with a live lease" "$BOXEL" export --db "${ST[c]}" --format jsonl c2.jsonl
fresh e
expect_rc 0 "import with a leased judgment" "$BOXEL" import --db "${ST[e]}" --as accepted c2.jsonl
check "leased -> open, no labeler, no token" test "$(db_query "${ST[e]}" "select count(*) from judgments where state = 'leased' or lease_token is not null")" = 0

# --- never partial ---
cp a.coco.json keep.json
expect_rc 2 "export to a directory that cannot be written" "$BOXEL" export --db "${ST[a]}" --format coco nodir/x.json
check "one line" one_line "$ERR"
check "no temp file left" test -z "$(ls | grep '\.tmp\.')"
mkdir -p ro && chmod 555 ro
if [ ! -w ro ]; then   # root ignores permissions
	expect_rc 2 "export into a read-only directory" "$BOXEL" export --db "${ST[a]}" --format yolo ro/y
	check "nothing left behind" test -z "$(ls ro)"
fi
chmod 755 ro
expect_rc 1 "re-export (lossy, exit 1) replaces a directory whole" "$BOXEL" export --db "${ST[a]}" --format yolo a.yolo
check "replaced, no temp dirs left" test -z "$(ls | grep '\.tmp\.')"
echo junk > notadir
expect_rc 2 "yolo over a file is refused" "$BOXEL" export --db "${ST[a]}" --format yolo notadir
check "file untouched" test "$(cat notadir)" = junk

# --- usage ---
expect_rc 2 "missing --format" "$BOXEL" export --db "${ST[a]}" x.json
expect_rc 2 "unknown format" "$BOXEL" export --db "${ST[a]}" --format pdf x.json
check "names the format" contains "$ERR" "pdf"
expect_rc 2 "unknown batch" "$BOXEL" export --db "${ST[a]}" --format coco --batch nope x.json
check "unknown batch: no file" test ! -e x.json
expect_rc 2 "missing store" "$BOXEL" export --db nope.db --format coco x.json

finish
