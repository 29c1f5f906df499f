# coco.sh: boxel's COCO export as COCOeval loads it (issue 11, part 3) and
# the category ids a project keeps from the COCO files it imported.
# pycocotools is not packaged in Debian, so the check is a reference of the
# rules COCOeval's loading and matching rely on, written here:
#  - every annotation has bbox [x, y, w, h], area and iscrowd (0/1), and a
#    segmentation (segm mode calls annToRLE on every one): polygons of >= 3
#    points (6 numbers) inside the image;
#  - annotation ids >= 1 and unique (evaluateImg marks a match with the id:
#    an id of 0 reads as "unmatched"), image and category ids unique;
#  - a non-crowd object has w, h > 0 (a zero-size box can never be matched:
#    a point written so counts as a missed object).
. "$(dirname "$0")/lib.sh"

sample_images
cat > tax.json <<'JSON'
{"classes": [
 {"name": "cat", "geometries": ["box", "polygon"], "attributes": [
   {"name": "pose", "type": "choice", "options": ["sitting", "lying"]}]},
 {"name": "cup", "geometries": ["box"]},
 {"name": "eye", "geometries": ["point"]},
 {"name": "indoor", "geometries": ["tag"]}]}
JSON
"$BOXEL" init --db t.db --images img --taxonomy tax.json >/dev/null
cat > mixed.jsonl <<'JSON'
{"image": "c.png", "answer": {"annotations": [{"class": "cup", "box": [100, 50, 200, 150]}, {"class": "eye", "point": [10, 20]}, {"class": "indoor"}], "global": {}}}
{"image": "k.png", "answer": {"annotations": [{"class": "cat", "polygon": [[10, 10], [100, 10], [100, 90]], "attributes": {"pose": "lying"}}, {"class": "cat", "box": [200, 100, 50, 60]}], "global": {}}}
JSON
expect_rc 0 "a mixed project" "$BOXEL" import --db t.db --as accepted mixed.jsonl
check "summary: objects per geometry" contains "$OUT" "objects: 2 boxes, 1 point, 1 tag, 1 polygon"

run sh -c "\"$BOXEL\" export --db t.db --format coco - | $PY -m json.tool"
check "export --format coco - | python3 -m json.tool" test "$RC" = 0
expect_rc 0 "export coco" "$BOXEL" export --db t.db --format coco out.json
check "COCOeval's loading rules hold" $PY - out.json <<'PY'
import json, sys
d = json.load(open(sys.argv[1]))
imgs = {i["id"]: i for i in d["images"]}
assert len(imgs) == len(d["images"]), "image ids unique"
cats = {c["id"]: c["name"] for c in d["categories"]}
assert len(cats) == len(d["categories"]), "category ids unique"
ids = [a["id"] for a in d["annotations"]]
assert len(set(ids)) == len(ids) and min(ids) >= 1, "annotation ids unique, >= 1"
for a in d["annotations"]:
    im = imgs[a["image_id"]]
    assert a["category_id"] in cats
    x, y, w, h = a["bbox"]
    assert a["iscrowd"] in (0, 1)
    assert w > 0 and h > 0, ("zero-size object", a)
    assert 0 <= x and 0 <= y and x + w <= im["width"] and y + h <= im["height"]
    assert a["area"] > 0
    seg = a["segmentation"]
    assert isinstance(seg, list) and seg, ("segmentation", a)
    for ring in seg:
        assert len(ring) >= 6 and len(ring) % 2 == 0
        xs, ys = ring[0::2], ring[1::2]
        assert min(xs) >= x - 1e-9 and max(xs) <= x + w + 1e-9
        assert min(ys) >= y - 1e-9 and max(ys) <= y + h + 1e-9
# what the project holds: 2 boxes and a polygon are COCO objects; the point
# and the image class are boxel's image extensions
assert len(d["annotations"]) == 3, d["annotations"]
c = [i for i in d["images"] if i["file_name"] == "c.png"][0]
assert c["points"] == [{"class": "eye", "point": [10, 20]}] and c["tags"] == ["indoor"], c
PY
"$BOXEL" init --db back.db --images img --taxonomy tax.json >/dev/null
expect_rc 0 "the export imports back" "$BOXEL" import --db back.db --as accepted out.json
expect_rc 0 "and exports identically" "$BOXEL" export --db back.db --format coco back.json
check "byte-identical round trip" cmp -s out.json back.json

# --- category ids from an imported file are kept on export ---
cat > ids.json <<'JSON'
{"images": [{"id": 7, "file_name": "c.png", "width": 600, "height": 400}],
 "categories": [{"id": 47, "name": "cup"}, {"id": 17, "name": "cat"}, {"id": 99, "name": "dog"}],
 "annotations": [{"id": 1, "image_id": 7, "category_id": 47, "bbox": [1, 2, 30, 40]}]}
JSON
"$BOXEL" init --db ids.db --images img --taxonomy tax.json >/dev/null
expect_rc 0 "a COCO file with its own category ids" "$BOXEL" import --db ids.db --as accepted ids.json
expect_rc 0 "export it" "$BOXEL" export --db ids.db --format coco ids-out.json
check "the file's ids kept, the other classes numbered from 1" $PY -c '
import json, sys
d = json.load(open(sys.argv[1]))
cats = {c["name"]: c["id"] for c in d["categories"]}
assert cats == {"cat": 17, "cup": 47, "eye": 1, "indoor": 2}, cats
assert d["annotations"][0]["category_id"] == 47' ids-out.json
# coco-results without --gt: images by file name, categories in the ids of
# boxel's export: the kept ones
task=$(sqlite3 ids.db "SELECT id FROM tasks WHERE image = 'c.png'")
printf '[{"image_id": %s, "file_name": "c.png", "category_id": 47, "bbox": [5, 5, 10, 10], "score": 0.9}]' "$task" > res.json
expect_rc 0 "results in the export's ids" "$BOXEL" import --db ids.db res.json
check "category 47 is the cup" test "$(sqlite3 ids.db "SELECT json_extract(answer, '$.annotations[0].class') FROM task_answers WHERE kind = 'suggestion'")" = cup

finish
