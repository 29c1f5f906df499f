# honest.sh: an import never lies (issue 11, part 1). An image with one bad
# annotation is refused whole and its stored answers stay as they were;
# the summary counts objects per geometry and names every kind of loss;
# --strict imports nothing when anything is refused or lost; no images, or
# images a labeled format leaves unlabeled, are warnings (exit 1) unless
# --allow-empty; images boxel cannot read are named; sizes written in files
# are checked against the image header, EXIF orientation included.
. "$(dirname "$0")/lib.sh"

DATA=${BOXEL_TEST_DATA:?}
sample_images
cp "$DATA/jpeg-exif-6.jpg" img/turned.jpg         # 32x48 stored, 48x32 displayed
cat > tax.json <<'JSON'
{"classes": [
 {"name": "a", "geometries": ["box", "polygon", "point"]},
 {"name": "b", "geometries": ["box"]},
 {"name": "scene", "geometries": ["tag"]}]}
JSON
fresh() {
	rm -f t.db t.db-wal t.db-shm
	"$BOXEL" init --db t.db --images img --taxonomy tax.json >/dev/null
}
q() { sqlite3 t.db "$1"; }
answer() { q "SELECT answer FROM task_answers JOIN tasks ON tasks.id = task WHERE kind = '$1' AND image = '$2'"; }

# --- COCO: one bad annotation refuses its image whole ---
cat > good.json <<'JSON'
{"images": [{"id": 1, "file_name": "c.png", "width": 600, "height": 400}],
 "categories": [{"id": 1, "name": "a"}],
 "annotations": [{"id": 1, "image_id": 1, "category_id": 1, "bbox": [1, 2, 3, 4]}]}
JSON
cat > mixed.json <<'JSON'
{"images": [{"id": 1, "file_name": "c.png", "width": 600, "height": 400},
            {"id": 2, "file_name": "k.png", "width": 451, "height": 300}],
 "categories": [{"id": 1, "name": "a"}, {"id": 2, "name": "b"}],
 "annotations": [
  {"id": 1, "image_id": 1, "category_id": 1, "bbox": [10, 10, 5, 5]},
  {"id": 2, "image_id": 1, "category_id": 2, "bbox": [10, 10, -5, 5]},
  {"id": 3, "image_id": 2, "category_id": 2, "bbox": [0, 0, 50, 60]},
  {"id": 4, "image_id": 2, "category_id": 1, "segmentation": [[0, 0, 10, 0, 10, 10]],
   "bbox": [0, 0, 10, 10]}]}
JSON
fresh
expect_rc 0 "a clean COCO file" "$BOXEL" import --db t.db --as accepted good.json
before=$(answer consensus c.png)
expect_rc 1 "a COCO file with one bad annotation" "$BOXEL" import --db t.db --as accepted mixed.json
check "one line for the bad annotation" one_line "$ERR"
check "it names the file, the annotation and what is wrong" contains "$ERR" "mixed.json: annotations[1].bbox[2]: width must be >= 0"
check "the refused image keeps its earlier answer" test "$(answer consensus c.png)" = "$before"
check "the other image went in whole" test "$(answer consensus k.png)" = '{"annotations":[{"box":[0,0,50,60],"class":"b"},{"class":"a","polygon":[[0,0],[10,0],[10,10]]}],"global":{}}'
check "summary: 1 task, 1 failed" contains "$OUT" "imported 1 task (1 new, 1 with accepted answers), 1 item failed"
check "summary: objects per geometry" contains "$OUT" "objects: 1 box, 1 polygon"

# --- --strict: any refusal imports nothing; a clean file goes in whole ---
fresh
expect_rc 1 "--strict with a refusal" "$BOXEL" import --db t.db --strict --as accepted mixed.json
check "--strict: nothing written" test "$(q 'SELECT count(*) FROM tasks')" = 0
check "--strict: the summary says so" contains "$OUT" "imported nothing (--strict): 1 item failed"
check "--strict: the refusal is named" contains "$ERR" "annotations[1].bbox[2]"
expect_rc 0 "--strict with a clean file" "$BOXEL" import --db t.db --strict --json --as accepted good.json
check "--strict clean: written" test "$(answer consensus c.png)" = '{"annotations":[{"box":[1,2,3,4],"class":"a"}],"global":{}}'
check "--json summary with objects, lost, unlabeled" $PY -c '
import json, sys
d = json.loads(sys.argv[1])
assert d["tasks"] == 1 and d["new"] == 1 and d["failed"] == 0, d
assert d["objects"] == {"box": 1} and d["lost"] == {} and d["unlabeled"] == 0, d' "$OUT"

# --- COCO: what boxel cannot keep is named by kind, exit 1 ---
cat > losses.json <<'JSON'
{"images": [{"id": 1, "file_name": "c.png", "width": 600, "height": 400}],
 "categories": [{"id": 1, "name": "a"}, {"id": 3, "name": "scene"}],
 "annotations": [
  {"id": 1, "image_id": 1, "category_id": 1, "bbox": [10, 10, 20, 20],
   "keypoints": [12, 12, 2, 15, 15, 2], "num_keypoints": 2},
  {"id": 2, "image_id": 1, "category_id": 1, "bbox": [0, 0, 30, 30],
   "segmentation": [[0, 0, 10, 0, 10, 10], [20, 20, 30, 20, 30, 30]]},
  {"id": 3, "image_id": 1, "category_id": 1, "bbox": [100, 100, 50, 50], "iscrowd": 1,
   "segmentation": {"counts": [0, 10], "size": [400, 600]}},
  {"id": 4, "image_id": 1, "category_id": 3}]}
JSON
fresh
expect_rc 1 "COCO with keypoints, a multi-polygon and a crowd" "$BOXEL" import --db t.db --json --as accepted losses.json
check "keypoints named" contains "$ERR" "warning: 1 keypoint sets dropped: boxel has no keypoint geometry (the object's box is kept)"
check "multi-polygon of a class without multipolygon: split, named" contains "$ERR" "warning: 1 multi-part objects split into one polygon per part: the class has no multipolygon geometry"
check "crowd named" contains "$ERR" "warning: 1 crowd regions (iscrowd 1) dropped"
check "the classification is an image class; the rest as said" test "$(answer consensus c.png)" = '{"annotations":[{"box":[10,10,20,20],"class":"a"},{"class":"a","polygon":[[0,0],[10,0],[10,10]]},{"class":"a","polygon":[[20,20],[30,20],[30,30]]},{"class":"scene"}],"global":{}}'
check "--json: objects and losses by kind" $PY -c '
import json, sys
d = json.loads(sys.argv[1])
assert d["objects"] == {"box": 1, "polygon": 2, "tag": 1}, d
assert len(d["lost"]) == 3 and all(v == 1 for v in d["lost"].values()), d' "$OUT"
expect_rc 1 "--strict refuses a loss" "$BOXEL" import --db t.db --strict --as gold losses.json
check "--strict: no gold written" test "$(q 'SELECT count(*) FROM gold')" = 0

# --- Label Studio: a bad region refuses its task; unannotated tasks and
# results boxel has no control for are said ---
cat > ls.json <<'JSON'
[{"id": 1, "data": {"image": "/data/local-files/?d=c.png"},
  "annotations": [{"result": [
   {"id": "r1", "type": "rectanglelabels", "from_name": "label", "to_name": "image",
    "original_width": 600, "original_height": 400,
    "value": {"x": 10, "y": 10, "width": 10, "height": 10, "rectanglelabels": ["a"]}},
   {"id": "r2", "type": "polygonlabels", "from_name": "label", "to_name": "image",
    "original_width": 600, "original_height": 400,
    "value": {"points": [[1, 1], [2, 2]], "polygonlabels": ["a"]}}]}]},
 {"id": 2, "data": {"image": "/data/local-files/?d=k.png"},
  "annotations": [{"result": [
   {"id": "r3", "type": "rectanglelabels", "from_name": "label", "to_name": "image",
    "original_width": 451, "original_height": 300,
    "value": {"x": 0, "y": 0, "width": 50, "height": 50, "rectanglelabels": ["b"]}},
   {"id": "r4", "type": "brushlabels", "from_name": "brush", "to_name": "image",
    "original_width": 451, "original_height": 300,
    "value": {"format": "rle", "rle": [1, 2], "brushlabels": ["a"]}}]}],
  "predictions": [{"result": []}]},
 {"id": 3, "data": {"image": "/data/local-files/?d=turned.jpg"}, "annotations": []}]
JSON
fresh
expect_rc 1 "Label Studio with a bad region, a brush and an unannotated task" "$BOXEL" import --db t.db --as gold ls.json
check "the bad region is named" contains "$ERR" "ls.json: tasks[0].result[1].value.points"
check "its task has no gold at all" test "$(q "SELECT count(*) FROM gold JOIN tasks ON tasks.id = task WHERE image = 'c.png'")" = 0
check "the brush is named" contains "$ERR" "warning: 1 Label Studio \"brushlabels\" results dropped"
check "the predictions are named" contains "$ERR" "warning: 1 Label Studio predictions dropped"
check "the unannotated task is said" contains "$ERR" "warning: 1 image without labels in a labeled format"
check "the unannotated task is a task without gold (not 'nothing here')" test "$(q "SELECT count(*) FROM tasks WHERE image = 'turned.jpg'"),$(q "SELECT count(*) FROM gold JOIN tasks ON tasks.id = task WHERE image = 'turned.jpg'")" = 1,0

# --- Label Studio: every annotator's annotation is a judgment of theirs ---
region() { # region ID X: a 10% box of class a on the 600x400 c.png
	printf '{"id": "%s", "type": "rectanglelabels", "from_name": "box", "to_name": "image", "original_width": 600, "original_height": 400, "value": {"x": %s, "y": 10, "width": 10, "height": 10, "rectanglelabels": ["a"]}}' "$1" "$2"
}
cat > ls-many.json <<JSON
[{"id": 1, "data": {"image": "c.png"},
  "annotations": [
   {"id": 11, "completed_by": {"id": 7, "email": "ann@example.com"}, "lead_time": 12.5, "result": [$(region r1 10)]},
   {"id": 12, "completed_by": 8, "result": [$(region r2 20), $(region r3 30)]},
   {"id": 13, "completed_by": 9, "was_cancelled": true, "result": []},
   {"id": 14, "result": [$(region r4 40)]}],
  "predictions": [{"result": [$(region p1 50)], "score": 0.5}]},
 {"id": 2, "data": {"image": "k.png"},
  "predictions": [{"result": [{"id": "p2", "type": "rectanglelabels", "from_name": "box", "to_name": "image", "original_width": 451, "original_height": 300, "value": {"x": 0, "y": 0, "width": 50, "height": 50, "rectanglelabels": ["b"]}}], "score": 0.8}]}]
JSON
fresh
expect_rc 1 "Label Studio with three annotators, a cancelled one and an anonymous one" "$BOXEL" import --db t.db --as accepted ls-many.json
check "two judgments, two annotators created" contains "$OUT" "2 judgments, created 2 users"
check "each annotator's own answer" test "$(q "SELECT u.name || ':' || j.state || ':' || json_array_length(j.answer, '$.annotations') || ':' || j.seconds FROM judgments j JOIN users u ON u.id = j.labeler ORDER BY u.name")" = "ann_example.com:submitted:1:12.5
ls-user-8:submitted:2:0.0"
check "the cancelled annotation is no judgment" test "$(q "SELECT count(*) FROM users WHERE name = 'ls-user-9'")" = 0
check "the anonymous one beyond the first is said" contains "$ERR" "warning: 1 Label Studio annotations dropped: beyond a task's first, an annotation without completed_by has no labeler to keep it"
check "predictions beside annotations are said" contains "$ERR" "warning: 1 Label Studio predictions dropped: the task has an annotation"
check "the first annotation is the task's answer" test "$(answer consensus c.png)" = '{"annotations":[{"box":[60,40,60,40],"class":"a"}],"global":{}}'
check "a task only a model labeled: its objects are suggestions, no judgment" test "$(q "SELECT json_extract(answer, '$.annotations[0].suggestion') || ',' || json_extract(answer, '$.annotations[0].score') FROM task_answers JOIN tasks ON tasks.id = task WHERE image = 'k.png'"),$(q "SELECT count(*) FROM judgments JOIN tasks ON tasks.id = task WHERE image = 'k.png'")" = 1,0.8,0
expect_rc 1 "importing it again" "$BOXEL" import --db t.db --as accepted ls-many.json
check "adds no judgment" test "$(q 'SELECT count(*) FROM judgments WHERE labeler IS NOT NULL')" = 2
sed 's/"completed_by": 8, "result": \[/"completed_by": 8, "result": [{"type": "polygonlabels", "original_width": 600, "original_height": 400, "value": {"points": [[1, 1]], "polygonlabels": ["a"]}}, /' ls-many.json > ls-bad.json
fresh
expect_rc 1 "a bad region in a later annotation" "$BOXEL" import --db t.db --as accepted ls-bad.json
check "names the annotation's region" contains "$ERR" "ls-bad.json: tasks[0].result[0].value.points"
check "refuses the task whole: no judgment, no answer" test "$(q 'SELECT count(*) FROM judgments WHERE labeler IS NOT NULL'),$(q "SELECT count(*) FROM task_answers JOIN tasks ON tasks.id = task WHERE image = 'c.png'")" = 0,0

# --- YOLO: no label file is not "nothing here"; an empty one is ---
mkdir -p y/images/train y/labels/train
cp img/c.png img/k.png y/images/train/
printf 'names: [a, b]\n' > y/data.yaml
printf '0 0.5 0.5 0.1 0.1\n' > y/labels/train/c.txt
rm -f t.db*; "$BOXEL" init --db t.db --images y --taxonomy tax.json >/dev/null
expect_rc 1 "YOLO with an image without a label file" "$BOXEL" import --db t.db --as gold y
check "the unlabeled image is said" contains "$ERR" "warning: 1 image without labels in a labeled format"
check "both are tasks, one has gold" test "$(q 'SELECT count(*) FROM tasks'),$(q 'SELECT count(*) FROM gold')" = 2,1
: > y/labels/train/k.txt
expect_rc 0 "an empty label file is an image with nothing in it" "$BOXEL" import --db t.db --as gold y
check "now both have gold" test "$(q 'SELECT count(*) FROM gold')" = 2
rm y/labels/train/k.txt
expect_rc 0 "--allow-empty: unlabeled images are fine" "$BOXEL" import --db t.db --allow-empty --as gold y
printf '0 0.5 0.5 0.1 0.1\n1 0.5 0.5 0.1\n' > y/labels/train/c.txt
expect_rc 1 "a label file with one bad line" "$BOXEL" import --db t.db --as gold y
check "its image keeps its gold" test "$(q "SELECT answer FROM gold JOIN tasks ON tasks.id = task WHERE image = 'images/train/c.png'")" = '{"annotations":[{"box":[270,180,60,40],"class":"a"}],"global":{}}'

# --- no images found: a warning, not "imported 0 tasks" ---
mkdir -p empty/labels
fresh
printf 'a\nb\n' > names.txt
expect_rc 1 "a YOLO folder with nothing in it" "$BOXEL" import --db t.db --format yolo --names names.txt empty
check "the empty input is named" contains "$ERR" "warning: empty: no images found in it"
printf '{"images": [], "annotations": [], "categories": []}' > none.json
expect_rc 1 "a COCO file without images" "$BOXEL" import --db t.db none.json
expect_rc 0 "--allow-empty: that is fine" "$BOXEL" import --db t.db --allow-empty none.json

# --- image files boxel cannot read are named, not passed over ---
mkdir -p img/more
cp img/c.png img/more/ok.png
printf 'RIFF\0\0\0\0WEBPVP8 ' > img/more/x.webp
printf 'BM' > img/more/y.bmp
expect_rc 1 "a folder with .webp and .bmp files" "$BOXEL" import --db t.db img/more
check "the .webp is named" contains "$ERR" "x.webp: boxel reads PNG and JPEG images only"
check "the .bmp is named" contains "$ERR" "y.bmp: boxel reads PNG and JPEG images only"
check "the PNG went in" contains "$OUT" "imported 1 task (1 new), 2 items failed"
rm -r img/more

# --- sizes in files are checked against the image header (EXIF too) ---
cat > turned.json <<'JSON'
{"images": [{"id": 1, "file_name": "turned.jpg", "width": 32, "height": 48},
            {"id": 2, "file_name": "k.png", "width": 450, "height": 300}],
 "categories": [{"id": 1, "name": "a"}],
 "annotations": [{"id": 1, "image_id": 1, "category_id": 1, "bbox": [2, 30, 10, 10]}]}
JSON
fresh
expect_rc 1 "COCO sizes that are not the images'" "$BOXEL" import --db t.db turned.json
check "the EXIF-turned size is explained" contains "$ERR" "turned.jpg: the file gives the size 32x48, but the image is 48x32 as displayed (its EXIF orientation turns it)"
check "a wrong size is named" contains "$ERR" "k.png: the file gives the size 450x300, but the image is 451x300"
check "neither went in" test "$(q 'SELECT count(*) FROM tasks')" = 0
sed -i 's/"width": 32, "height": 48/"width": 48, "height": 32/; s/"bbox": \[2, 30, 10, 10\]/"bbox": [30, 2, 10, 10]/; s/"width": 450/"width": 451/' turned.json
expect_rc 0 "the sizes as displayed" "$BOXEL" import --db t.db turned.json
check "the turned image has its displayed size" test "$(q "SELECT width || 'x' || height FROM tasks WHERE image = 'turned.jpg'")" = 48x32

finish
