# import.sh: `boxel import` of every format on hand-made fixtures
# (tests/data/formats) with hand-computed answers; idempotence; and bad
# inputs: each one clear line, exit 1 (some items failed) or 2 (fatal), and
# the store unchanged when the whole input is refused.
. "$(dirname "$0")/lib.sh"

SRC=${BOXEL_SOURCE_ROOT:?}
FX=$SRC/tests/data/formats
PY=/usr/bin/python3
cd "$T_TMP" || exit 2
mkdir -p img/sub
cp "$SRC"/sample-data/*.png "$SRC"/sample-data/*.jpg img/
cp img/coffee.png img/sub/mug.png

fresh() {
	rm -f t.db t.db-wal t.db-shm
	"$BOXEL" init --db t.db --images img --taxonomy "$SRC/sample-data/taxonomy.json" >/dev/null
}
q() { sqlite3 t.db "$1"; }
dump() { sqlite3 t.db .dump; }
# answer KIND IMAGE: the stored answer JSON of that kind for the task of IMAGE
answer() {
	if [ "$1" = gold ]; then q "SELECT answer FROM gold JOIN tasks ON tasks.id = gold.task WHERE image = '$2'"
	else q "SELECT answer FROM task_answers JOIN tasks ON tasks.id = task WHERE kind = '$1' AND image = '$2'"; fi
}
# near JSON PYEXPR: evaluate PYEXPR with a = the parsed JSON (numbers within 1e-9)
near() { $PY -c 'import json,sys; a=json.loads(sys.argv[1]); sys.exit(0 if eval(sys.argv[2]) else 1)' "$1" "$2"; }
close() { echo "abs(($1) - ($2)) < 1e-9"; }

# --- folder ---
fresh
expect_rc 0 "import a folder" "$BOXEL" import --db t.db img
check "summary: 5 new" contains "$OUT" "imported 5 tasks (5 new), 0 items failed"
check "recursive" test "$(q "SELECT count(*) FROM tasks WHERE image = 'sub/mug.png'")" = 1
check "sizes from the headers" test "$(q "SELECT width || 'x' || height FROM tasks WHERE image = 'rocket.jpg'")" = 640x427
expect_rc 0 "re-import is idempotent" "$BOXEL" import --db t.db img
check "no new tasks" contains "$OUT" "imported 5 tasks (0 new)"
check "still 5 tasks" test "$(q 'SELECT count(*) FROM tasks')" = 5
check "one import event per run" test "$(q "SELECT count(*) FROM events WHERE what = 'import'" 2>/dev/null || echo 2)" = 2

# --- JSONL manifest ---
fresh
expect_rc 1 "manifest with one bad line" "$BOXEL" import --db t.db "$FX/manifest.jsonl"
check "3 imported, 1 failed" contains "$OUT" "imported 3 tasks (3 new), 1 item failed"
check "the bad line is named" contains "$ERR" "manifest.jsonl:4: ./sub/../rocket.jpg: image path leaves the image root"
check "one line" one_line "$ERR"
check "meta kept (sorted, compact)" test "$(q "SELECT meta FROM tasks WHERE image = 'chelsea.png'")" = '{"id":1,"source":"skimage"}'
check "probed when absent" test "$(q "SELECT width || 'x' || height FROM tasks WHERE image = 'chelsea.png'")" = 451x300

# --- COCO as gold ---
fresh
expect_rc 0 "coco --as gold" "$BOXEL" import --db t.db --as gold "$FX/coco-gt.json"
check "3 gold answers" contains "$OUT" "imported 3 tasks (3 new, 3 with gold answers)"
check "gold box and attributes" test "$(answer gold chelsea.png)" = '{"annotations":[{"attributes":{"occluded":false,"pose":"sitting"},"box":[20,30,200,150],"class":"cat"}],"global":{}}'
check "foreign prefix stripped to a path beneath the root" test "$(answer gold coffee.png)" = '{"annotations":[{"box":[100,50,300,250],"class":"cup"}],"global":{}}'
check "polygon segmentation" test "$(answer gold rocket.jpg)" = '{"annotations":[{"class":"plume","polygon":[[280,250],[360,250],[400,420],[240,420]]}],"global":{}}'
check "gold is not a prelabel" test "$(q "SELECT count(*) FROM task_answers")" = 0
expect_rc 0 "coco --as prelabels" "$BOXEL" import --db t.db --as prelabels "$FX/coco-gt.json"
expect_rc 0 "coco --as prelabels again" "$BOXEL" import --db t.db "$FX/coco-gt.json"
check "prelabels replaced, not duplicated" test "$(q "SELECT count(*) FROM task_answers WHERE kind = 'prelabel'")" = 3

# --- COCO results ---
expect_rc 0 "coco-results with --gt and --min-score" "$BOXEL" import --db t.db --gt "$FX/coco-gt.json" --min-score 0.5 "$FX/coco-results.json"
check "two images got suggestions" contains "$OUT" "imported 2 tasks (0 new, 2 with suggestions)"
check "low score dropped" test "$(answer suggestion chelsea.png)" = '{"annotations":[{"box":[18.5,29,205,152],"class":"cat","score":0.92,"suggestion":true}],"global":{}}'
# 590,390,30,30 on a 600x400 image is clipped to 590,390,10,10
check "overhanging prediction clipped" test "$(answer suggestion coffee.png)" = '{"annotations":[{"box":[590,390,10,10],"class":"cup","score":0.75,"suggestion":true}],"global":{}}'
check "image without predictions untouched" test -z "$(answer suggestion rocket.jpg)"
# without --gt: image ids are another file's, never taken for task ids
cat > res.json <<'EOF'
[{"image_id": 1, "category_id": 2, "bbox": [1, 2, 3, 4], "score": 0.5}]
EOF
D=$(dump)
expect_rc 2 "coco-results by image_id without --gt are refused" "$BOXEL" import --db t.db res.json
check "the refusal says what to do" contains "$ERR" "the results name their images by image_id only: pass --gt FILE"
check "store unchanged" test "$(dump)" = "$D"
# by file name (leading folders of another machine dropped), categories in
# boxel's ids (position in the taxonomy)
cat > res.json <<'EOF'
[{"image_id": 77, "file_name": "/data/x/chelsea.png", "category_id": 2, "bbox": [1, 2, 3, 4], "score": 0.5},
 {"image_id": 78, "file_name": "nope.png", "category_id": 2, "bbox": [1, 2, 3, 4], "score": 0.5}]
EOF
expect_rc 1 "coco-results by file name" "$BOXEL" import --db t.db res.json
check "matched by file name, category 2 = cup" test "$(answer suggestion chelsea.png)" = '{"annotations":[{"box":[1,2,3,4],"class":"cup","score":0.5,"suggestion":true}],"global":{}}'
check "an unknown file name is named" contains "$ERR" "res.json: results[1].file_name: no such image in the project"

# Suggestions of every kind reaching outside the image: each kind clips its
# own (a box's corners, vertices onto the nearest edge); a rotated box and
# an ellipse cannot be clipped and stay themselves, so such a suggestion is
# dropped with one line per kind and exit 1, the rest of the image kept
mkdir sugimg
tiny_pngs sugimg 200 100 a.png
cat > sug.tax.json <<'J'
{"name": "s", "classes": [{"name": "cat", "geometries": ["box"]}, {"name": "plume", "geometries": ["polygon"]},
 {"name": "bed", "geometries": ["rotated_box"]}, {"name": "eye", "geometries": ["ellipse"]},
 {"name": "face", "geometries": ["point"]}, {"name": "whisker", "geometries": ["polyline"]},
 {"name": "crate", "geometries": ["cuboid"]}, {"name": "parts", "geometries": ["multipolygon"]},
 {"name": "body", "geometries": ["skeleton"], "keypoints": ["head", "hip", "foot"]}]}
J
"$BOXEL" init --db sug.db --images sugimg --taxonomy sug.tax.json >/dev/null
"$BOXEL" import --db sug.db sugimg >/dev/null
cat > sug.jsonl <<'J'
{"image": "a.png", "answer": {"annotations": [{"class": "cat", "box": [190, 90, 20, 20], "score": 0.9}, {"class": "plume", "polygon": [[-5, 20], [60, 20], [40, 105]], "score": 0.8}, {"class": "bed", "rotated_box": [195, 50, 20, 10, 30], "score": 0.7}, {"class": "eye", "ellipse": [5, 50, 20, 10, 0], "score": 0.6}, {"class": "face", "point": [201, 10], "score": 0.5}, {"class": "whisker", "polyline": [[5, -3], [30, 8]], "score": 0.5}, {"class": "crate", "cuboid": [[170, 70], [210, 70], [210, 90], [170, 90], [180, 60], [220, 60], [220, 80], [180, 80]], "score": 0.5}, {"class": "parts", "multipolygon": [[[10, 10], [50, 10], [50, 40]], [[100, 50], [250, 50], [150, 90]]], "score": 0.5}, {"class": "body", "skeleton": [[100, -2, 2], [0, 0, 0], [110, 50, 1]], "score": 0.5}, {"class": "bed", "rotated_box": [100, 50, 20, 10, 30], "score": 0.4}], "global": {}}}
J
expect_rc 1 "suggestions reaching outside: imported, two dropped" \
	"$BOXEL" import --db sug.db --as suggestions sug.jsonl
check "suggestions: the image is kept" contains "$OUT" "imported 1 task (0 new, 1 with suggestions), 0 items failed"
check "suggestions: one line per kind that cannot be clipped" test "$ERR" = \
"boxel: warning: 1 rotated_box suggestions dropped: they reach outside the image, and a rotated_box cut by its edge is no longer one
boxel: warning: 1 ellipse suggestions dropped: they reach outside the image, and an ellipse cut by its edge is no longer one"
check "suggestions: every other kind clipped to the image" $PY - "$(sqlite3 sug.db "SELECT answer FROM task_answers WHERE kind = 'suggestion'")" <<'PY'
import json, sys
got = {o["class"] + ("" if o.get("score") != 0.4 else "2"): o for o in json.loads(sys.argv[1])["annotations"]}
sent = [json.loads(l)["answer"]["annotations"] for l in open("sug.jsonl")][0]
assert sorted(got) == ["bed2", "body", "cat", "crate", "face", "parts", "plume", "whisker"], sorted(got)
clip = lambda p: [min(max(p[0], 0), 200), min(max(p[1], 0), 100)] + p[2:]
for o in sent:
    k = [g for g in o if g not in ("class", "score")][0]
    name = o["class"] + ("" if o["score"] != 0.4 else "2")
    if name in ("bed", "eye"):
        continue
    v = o[k]
    if k == "box":
        x0, y0 = clip(v[:2]); x1, y1 = clip([v[0] + v[2], v[1] + v[3]])
        want = [x0, y0, x1 - x0, y1 - y0]
    elif k == "point":
        want = clip(v)
    elif k == "multipolygon":
        want = [[clip(p) for p in r] for r in v]
    elif k == "rotated_box":
        want = v   # inside: untouched
    else:
        want = [clip(p) for p in v]
    assert got[name][k] == want, (name, got[name][k], want)
PY

# --- YOLO (labels only; images beneath the root) ---
fresh
expect_rc 0 "yolo" "$BOXEL" import --db t.db "$FX/yolo"
# chelsea 451x300: 0 0.5 0.5 0.2 0.4 -> x (0.5-0.1)*451 = 180.4, y 90, w 90.2, h 120
A=$(answer prelabel chelsea.png)
check "yolo box denormalized" near "$A" "a['annotations'][0]['class'] == 'cat' and $(close "a['annotations'][0]['box'][0]" 180.4) and $(close "a['annotations'][0]['box'][1]" 90) and $(close "a['annotations'][0]['box'][2]" 90.2) and $(close "a['annotations'][0]['box'][3]" 120)"
check "coffee: cup 150,100,300,200" test "$(answer prelabel coffee.png)" = '{"annotations":[{"box":[150,100,300,200],"class":"cup"}],"global":{}}'
mkdir -p y2/labels && printf 'names: [cat, cup]\n' > y2/data.yaml && printf '0 0.5 0.5 0.1 0.1\n5 0.5 0.5 0.1 0.1\n' > y2/labels/chelsea.txt
D=$(dump)
expect_rc 1 "yolo class out of range" "$BOXEL" import --db t.db y2
check "names file and line" contains "$ERR" "y2/labels/chelsea.txt:2: class 5 is out of range (2 names, 0..1)"
check "one line" one_line "$ERR"
check "store unchanged" test "$(dump)" = "$D"
mkdir -p y3/labels && cp y2/labels/chelsea.txt y3/labels/
expect_rc 2 "yolo without names" "$BOXEL" import --db t.db y3
check "asks for --names" contains "$ERR" "pass --names FILE"
printf 'cat\ncup\nplume\nrocket\nface\nperson\n' > names.txt
expect_rc 0 "yolo with --names" "$BOXEL" import --db t.db --format yolo --names names.txt y3

# --- VOC, Label Studio, Scale ---
fresh
expect_rc 0 "voc" "$BOXEL" import --db t.db "$FX/voc"
# xmin 301 ymin 51 xmax 340 ymax 250 -> x 300, y 50, w 40, h 200; "3" -> number
check "voc 1-based to pixels, typed attribute" test "$(answer prelabel rocket.jpg)" = '{"annotations":[{"attributes":{"count":3},"box":[300,50,40,200],"class":"rocket"}],"global":{}}'
expect_rc 0 "label studio" "$BOXEL" import --db t.db "$FX/labelstudio.json"
# 451x300: x 10% = 45.1, y 20% = 60, w 50% = 225.5, h 50% = 150
A=$(answer prelabel chelsea.png)
check "label studio percent to pixels" near "$A" "$(close "a['annotations'][0]['box'][0]" 45.1) and a['annotations'][0]['box'][1:] == [60, 225.5, 150] and a['annotations'][0]['attributes'] == {'pose': 'lying'} and a['global'] == {'scene': 'indoor'}"
expect_rc 0 "scale" "$BOXEL" import --db t.db --as gold "$FX/scale.json"
check "scale box, point, attributes" test "$(answer gold coffee.png)" = '{"annotations":[{"attributes":{"color":"white","fill":80},"box":[100,50,300,250],"class":"cup"},{"class":"face","point":[5,6]}],"global":{"scene":"indoor"}}'

# --- bad inputs ---
fresh
"$BOXEL" import --db t.db img >/dev/null
D=$(dump)
refused() { # refused RC DESC WANT FILE [ARGS...]: one line containing WANT, store unchanged
	local rc=$1 desc=$2 want=$3; shift 3
	expect_rc "$rc" "$desc" "$BOXEL" import --db t.db "$@"
	check "$desc: names the problem" contains "$ERR" "$want"
	check "$desc: one line" one_line "$ERR"
	check "$desc: no escapes" no_escape "$ERR"
	check "$desc: store unchanged" test "$(dump)" = "$D"
}
printf '{"images": [\n  {"id": 1,}\n]}' > syntax.json
refused 2 "malformed JSON" "syntax.json:2:" syntax.json
printf '{"images": [{"id": 1, "file_name": "chelsea.png"}], "categories": [{"id": 1, "name": "cat"}], "annotations": [{"image_id": 1, "category_id": 1, "bbox": [NaN, 0, 1, 1]}]}' > nan.json
refused 2 "NaN in COCO" "nan.json:1:" nan.json
cat > neg.json <<'EOF'
{"images": [{"id": 1, "file_name": "chelsea.png"}], "categories": [{"id": 1, "name": "cat"}],
 "annotations": [{"image_id": 1, "category_id": 1, "bbox": [10, 10, -5, 20]}]}
EOF
refused 1 "negative box" "boxel: neg.json: annotations[0].bbox[2]: width must be >= 0" --as gold neg.json
cat > unk.json <<'EOF'
{"images": [{"id": 1, "file_name": "chelsea.png"}], "categories": [{"id": 1, "name": "dog"}],
 "annotations": [{"image_id": 1, "category_id": 1, "bbox": [10, 10, 5, 20]}]}
EOF
refused 1 "unknown class" "unknown class \"dog\"" --as gold unk.json
cat > out.json <<'EOF'
{"images": [{"id": 1, "file_name": "chelsea.png"}], "categories": [{"id": 1, "name": "cat"}],
 "annotations": [{"image_id": 1, "category_id": 1, "bbox": [400, 10, 100, 20]}]}
EOF
refused 1 "box outside the image" "box leaves the image: x+w = 500 > width 451" --as gold out.json
cat > dup.json <<'EOF'
{"images": [{"id": 1, "file_name": "chelsea.png"}, {"id": 1, "file_name": "coffee.png"}]}
EOF
expect_rc 1 "duplicate image ids" "$BOXEL" import --db t.db dup.json
check "duplicate named" test "$ERR" = "boxel: dup.json: images[1].id: duplicate id 1"
check "one line" one_line "$ERR"
D=$(dump)   # the first image was imported (an import event)
printf '{"image": "../../etc/passwd"}\n' > dotdot.jsonl
refused 1 "path with .." "dotdot.jsonl:1: ../../etc/passwd: image path leaves the image root" dotdot.jsonl
printf '{"image": "/etc/passwd"}\n' > abs.jsonl
refused 1 "absolute path" "abs.jsonl:1: /etc/passwd: absolute path outside the image root" abs.jsonl
ln -s /etc/hostname img/escape.png
printf '{"image": "escape.png"}\n' > link.jsonl
refused 1 "symlink escape" "link.jsonl:1: escape.png: path leaves the image root (symlink)" link.jsonl
rm img/escape.png
printf '{"image": "chelsea.png", "width": -3, "height": 10}\n' > negsize.jsonl
refused 1 "negative size" "negsize.jsonl:1: width: expected a whole number of pixels" negsize.jsonl
printf '{"image": "chelsea.png", "imgae": 1}\n' > typo.jsonl
refused 1 "unknown key" "typo.jsonl:1: imgae: unknown key" typo.jsonl
printf '{"image": "chelsea.png", "answer": {"annotations": [{"class": "cat", "box": [0, 0, 1]}]}}\n' > badans.jsonl
refused 1 "malformed answer" "badans.jsonl:1: answer: annotations[0].box: a box must be [x, y, w, h]" badans.jsonl
printf '{"image": "\\u001b]0;pwn\\u0007.png"}\n' > esc.jsonl
refused 1 "escape sequence in a path" "esc.jsonl:1: ?]0;pwn?.png: image path contains a control character" esc.jsonl
printf 'P3\n' > img/fake.png
printf '{"image": "fake.png"}\n' > fake.jsonl
refused 1 "not an image" "fake.png" fake.jsonl
rm img/fake.png
refused 2 "missing file" "nope.json" nope.json
refused 2 "cannot tell the format" "cannot tell the format" "$SRC/sample-data/instructions.md"
expect_rc 2 "bad --format" "$BOXEL" import --db t.db --format pdf x
expect_rc 2 "bad --as" "$BOXEL" import --db t.db --as final x
expect_rc 2 "bad --min-score" "$BOXEL" import --db t.db --min-score abc x
expect_rc 2 "no store" "$BOXEL" import --db nope.db img
check "no store created" test ! -e nope.db
expect_rc 2 "no PATH" "$BOXEL" import --db t.db

finish
