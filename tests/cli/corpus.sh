# corpus.sh: real files written by other tools (tests/data/interop, sources
# in SOURCES.md) import with exactly the objects they hold, and what boxel
# exports from them is read back by independent readers in Python: VOC by
# xml.etree with VOC's 1-based corners, YOLO by Ultralytics' label rules,
# COCO by the rules COCOeval relies on.
. "$(dirname "$0")/lib.sh"

SRC=${BOXEL_SOURCE_ROOT:?}
CX=$SRC/tests/data/interop
PY=/usr/bin/python3
TAX=$CX/taxonomy.json
cd "$T_TMP" || exit 2
cp -r "$CX/datumaro" d
mkdir -p d/voc2/JPEGImages && cp d/voc1/JPEGImages/2007_000001.jpg d/voc2/JPEGImages/a.jpg

# store NAME ROOT: a fresh store whose image root is ROOT
store() { rm -f "$1.db"*; "$BOXEL" init --db "$1.db" --images "$2" --taxonomy "$TAX" >/dev/null; }
answer() { sqlite3 "$1.db" "SELECT answer FROM task_answers JOIN tasks ON tasks.id = task WHERE kind = 'consensus' AND image = '$2'"; }
size() { sqlite3 "$1.db" "SELECT width || 'x' || height FROM tasks WHERE image = '$2'"; }
# near JSON PYEXPR, a = the answer's annotations, b(i) its i-th box
near() { $PY -c '
import json, sys
a = json.loads(sys.argv[1])["annotations"]
b = lambda i: a[i]["box"]
close = lambda u, v: all(abs(x - y) < 1e-4 for x, y in zip(u, v)) and len(u) == len(v)
sys.exit(0 if eval(sys.argv[2]) else 1)' "$1" "$2"; }

# --- VOC (Datumaro voc_dataset1): 20x10, cat truncated, a person ---
store v1 d/voc1/JPEGImages
# the person's <part> (a head box) and <actions> have no boxel form: said, exit 1
expect_rc 1 "voc1 imports, its part and actions said" "$BOXEL" import --db v1.db --as accepted d/voc1/Annotations
check "voc1: the part named" contains "$ERR" "warning: 1 VOC <part> boxes dropped"
check "voc1: the actions named" contains "$ERR" "warning: 1 VOC <actions> dropped"
check "voc1: 1 task" contains "$OUT" "imported 1 task (1 new, 1 with accepted answers), 0 items failed"
check "voc1: size from <size>" test "$(size v1 2007_000001.jpg)" = 20x10
# cat 1,2,3,4 (1-based, inclusive) -> 0,1,3,3; person 4,5,6,7 -> 3,4,3,3
check "voc1: the cat and the person" test "$(answer v1 2007_000001.jpg)" = '{"annotations":[{"attributes":{"truncated":true},"box":[0,1,3,3],"class":"cat"},{"box":[3,4,3,3],"class":"person"}],"global":{}}'
expect_rc 0 "voc1 exports" "$BOXEL" export --db v1.db --format voc v1.out
check "voc1: xml.etree reads the export back" $PY - v1.out/Annotations/2007_000001.xml "$CX/datumaro/voc1/Annotations/2007_000001.xml" <<'PY'
import sys, xml.etree.ElementTree as ET
def objs(p):
    r = ET.parse(p).getroot()
    return [(o.findtext("name"), [float(o.find("bndbox").findtext(k)) for k in ("xmin", "ymin", "xmax", "ymax")],
             o.findtext("truncated", "0"), o.findtext("difficult", "0")) for o in r.findall("object")]
out, orig = objs(sys.argv[1]), objs(sys.argv[2])
assert out == orig, (out, orig)
r = ET.parse(sys.argv[1]).getroot()
assert (r.findtext("size/width"), r.findtext("size/height")) == ("20", "10")
PY
# voc_eval's way in: the ids of ImageSets/Main/<set>.txt, each
# Annotations/<id>.xml, its image JPEGImages/<id>.jpg
check "voc1: the devkit layout as voc_eval reads it" $PY - v1.out <<'PY'
import os, sys, xml.etree.ElementTree as ET
d = sys.argv[1]
ids = [l.strip() for l in open(os.path.join(d, "ImageSets/Main/trainval.txt")) if l.strip()]
assert ids == ["2007_000001"], ids
for i in ids:
    r = ET.parse(os.path.join(d, "Annotations", i + ".xml")).getroot()
    assert [o.findtext("name") for o in r.findall("object")] == ["cat", "person"]
    img = os.path.join(d, "JPEGImages", i + ".jpg")
    assert os.path.isfile(img) and open(img, "rb").read(2) == b"\xff\xd8", img
PY

# the devkit layout with the image root above it: <filename> alone is not
# beneath the root, ../JPEGImages/<filename> beside Annotations/ is
store v1d d
expect_rc 1 "voc1 with the root above the devkit" "$BOXEL" import --db v1d.db --as accepted d/voc1/Annotations
check "voc1: the image found in JPEGImages/" test "$(size v1d voc1/JPEGImages/2007_000001.jpg)" = 20x10

# --- VOC (Datumaro voc_dataset2): no <size>, float corners, occluded ---
store v2 d/voc2/JPEGImages
expect_rc 0 "voc2 imports" "$BOXEL" import --db v2.db --as accepted d/voc2/Annotations
check "voc2: size from the image" test "$(size v2 a.jpg)" = 20x10
check "voc2: 1.0,2.0,4.0,6.0 and occluded" test "$(answer v2 a.jpg)" = '{"annotations":[{"attributes":{"occluded":true},"box":[0,1,4,5],"class":"background"}],"global":{}}'

# --- YOLO (Datumaro, Ultralytics layouts): 15x10 ---
for y in yolov8 yolov8_with_list_of_imgs yolov8_with_list_of_names; do
	store "$y" d
	expect_rc 0 "$y imports" "$BOXEL" import --db "$y.db" --as accepted "d/$y"
	check "$y: 1 task" contains "$OUT" "imported 1 task (1 new, 1 with accepted answers), 0 items failed"
	# 2 0.133333 0.3 0.266667 0.2 -> 0,2,4,2 (x0 -5e-7: clamped); 4 0.266667 0.45 0.133333 0.3 -> 3,3,2,3
	check "$y: two boxes" near "$(answer "$y" "$y/images/train/1.jpg")" 'len(a) == 2 and a[0]["class"] == "label_2" and close(b(0), [0, 2, 4, 2]) and a[1]["class"] == "label_4" and close(b(1), [3, 3, 2, 3])'
done
store seg d
expect_rc 0 "yolov8_segmentation imports" "$BOXEL" import --db seg.db --as accepted d/yolov8_segmentation
check "segmentation: a triangle and a pentagon" test "$(answer seg yolov8_segmentation/images/train/1.jpg)" = '{"annotations":[{"class":"label_2","polygon":[[1.5,1],[6,1],[6,5]]},{"class":"label_4","polygon":[[3,1.5],[6,1.5],[6,7.5],[4.5,7.5],[3.75,3]]}],"global":{}}'
# The export's label lines, classes by name through each data.yaml, are
# Datumaro's; Ultralytics' img2label finds them from images/train/X (X has
# an images/ folder of its own here, whose last one decides).
same_labels() { # same_labels OUTDIR DATUMARO_DIR
	$PY - "$1" "$2" <<'PY'
import os, sys, yaml
out, orig = sys.argv[1:3]
d = yaml.safe_load(open(os.path.join(out, "data.yaml")))
o = yaml.safe_load(open(os.path.join(orig, "data.yaml")))
onames = o["names"] if isinstance(o["names"], list) else [o["names"][i] for i in range(len(o["names"]))]
imgs = [os.path.join(dp, f) for dp, _, fs in os.walk(os.path.join(d["path"], d["train"])) for f in fs
        if f.endswith(".jpg")]
assert len(imgs) == 1 and os.path.isfile(imgs[0]), imgs
lab = "/labels/".join(imgs[0].rsplit("/images/", 1)).rsplit(".", 1)[0] + ".txt"
got = [[d["names"][int(l.split()[0])]] + l.split()[1:] for l in open(lab) if l.strip()]
want = [[onames[int(l.split()[0])]] + l.split()[1:] for l in open(os.path.join(orig, "labels/train/1.txt")) if l.strip()]
assert got == want, (got, want)
PY
}
expect_rc 0 "yolov8 exports" "$BOXEL" export --db yolov8.db --format yolo y.out
check "yolov8: Ultralytics reads back Datumaro's boxes" same_labels y.out "$CX/datumaro/yolov8"
expect_rc 0 "segmentation exports" "$BOXEL" export --db seg.db --format yolo s.out
check "segmentation: Ultralytics reads back Datumaro's polygons" same_labels s.out "$CX/datumaro/yolov8_segmentation"

# --- COCO (Datumaro coco_instances) ---
store ct d/coco_instances/images/train
expect_rc 0 "coco train imports" "$BOXEL" import --db ct.db --as accepted d/coco_instances/annotations/instances_train.json
check "coco train: 10x5, one box of b" test "$(size ct a.jpg) $(answer ct a.jpg)" = '10x5 {"annotations":[{"box":[2,2,3,1],"class":"b"}],"global":{}}'
store cv d/coco_instances/images/val
# The RLE crowd is a region COCOeval ignores, not an object: not kept,
# and the run says so (exit 1) instead of taking its bbox as a box.
expect_rc 1 "coco val imports, the crowd reported" "$BOXEL" import --db cv.db --as accepted d/coco_instances/annotations/instances_val.json
check "coco val: the crowd named as a loss" contains "$ERR" "warning: 1 crowd regions (iscrowd 1) dropped"
check "coco val: the summary counts the polygon" contains "$OUT" "objects: 1 polygon"
check "coco val: polygon with attributes, no crowd box" test "$(answer cv b.jpg)" = '{"annotations":[{"attributes":{"x":1,"y":"hello"},"class":"a","polygon":[[0,0],[1,0],[1,2],[0,2]]}],"global":{}}'
store cv2 d/coco_instances/images/val
expect_rc 1 "coco val --strict: nothing imported" "$BOXEL" import --db cv2.db --strict --as accepted d/coco_instances/annotations/instances_val.json
check "coco val --strict: says so" contains "$OUT" "imported nothing (--strict)"
check "coco val --strict: no task" test "$(sqlite3 cv2.db 'select count(*) from tasks')" = 0
expect_rc 0 "coco val exports to stdout" "$BOXEL" export --db cv.db --format coco -
check "coco val: COCOeval's fields hold" $PY -c '
import json, sys
d = json.loads(sys.argv[1])
cats = {c["id"]: c["name"] for c in d["categories"]}
im = {i["id"]: i for i in d["images"]}
assert len(d["annotations"]) == 1
for a in d["annotations"]:
    assert a["image_id"] in im and a["category_id"] in cats
    x, y, w, h = a["bbox"]
    assert w >= 0 and h >= 0 and x + w <= im[a["image_id"]]["width"] and y + h <= im[a["image_id"]]["height"]
    assert a["iscrowd"] in (0, 1) and a["area"] >= 0
poly = [a for a in d["annotations"] if cats[a["category_id"]] == "a"][0]
assert poly["segmentation"] == [[0, 0, 1, 0, 1, 2, 0, 2]] and poly["area"] == 2 and poly["bbox"] == [0, 0, 1, 2]
' "$OUT"

# --- Label Studio (label-studio-converter's test exports) ---
# Their images are not in the repository: blank PNGs of the sizes the
# results give (original_width x original_height) stand in for them.
blank_png() { # blank_png PATH W H
	$PY - "$@" <<'PY'
import struct, sys, zlib
path, w, h = sys.argv[1], int(sys.argv[2]), int(sys.argv[3])
raw = b"".join(b"\0" * (1 + (w + 7) // 8) for _ in range(h))
chunk = lambda t, d: struct.pack(">I", len(d)) + t + d + struct.pack(">I", zlib.crc32(t + d))
open(path, "wb").write(b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", struct.pack(">IIBBBBB", w, h, 1, 0, 0, 0, 0))
    + chunk(b"IDAT", zlib.compress(raw, 9)) + chunk(b"IEND", b""))
PY
}
LSC=$CX/label-studio-converter
mkdir -p ls1 ls2
blank_png ls1/image1 2800 2800
blank_png ls1/image2 2800 2800
blank_png ls2/image2 640 426
store lsb ls1
# task 1 has two annotations (completed_by 2 and 1), task 2 one (by 1): each
# is a judgment of its annotator (users ls-user-1, ls-user-2 created)
expect_rc 0 "ls data.json imports, every annotation" "$BOXEL" import --db lsb.db --as accepted "$LSC/data.json"
check "ls boxes: 2 tasks, 4 boxes, 3 judgments by 2 new users" contains "$OUT" "imported 2 tasks (2 new, 2 with accepted answers, 3 judgments, created 2 users), 0 items failed
objects: 4 boxes"
check "ls boxes: nothing dropped" test -z "$ERR"
check "ls boxes: each annotator's judgment, with their boxes" test "$(sqlite3 lsb.db "SELECT t.image || ':' || u.name || ':' || j.state || ':' || json_array_length(j.answer, '$.annotations') FROM judgments j JOIN tasks t ON t.id = j.task JOIN users u ON u.id = j.labeler ORDER BY t.image, u.name")" = "image1:ls-user-1:submitted:2
image1:ls-user-2:submitted:2
image2:ls-user-1:submitted:2"
check "ls boxes: the users are annotators" test "$(sqlite3 lsb.db "SELECT group_concat(role) FROM users WHERE name LIKE 'ls-user-%'")" = "annotator,annotator"
# parasites x 37.158..% of 2800 = 1040.44 px
check "ls boxes: task 1's first annotation, in pixels" near "$(answer lsb image1)" 'len(a) == 2 and a[0]["class"] == "parasites" and close(b(0), [37.15846994535519 * 28, 70.67395264116576 * 28, 4.189435336976321 * 28, 4.735883424408015 * 28]) and a[1]["class"] == "white"'
# submit times: updated_at (else created_at) in ms, lead_time as seconds;
# the expected values are the file's own, converted here by Python
check "ls boxes: submit times and seconds from updated_at and lead_time" test "$(sqlite3 lsb.db "SELECT t.image || ':' || u.name || ':' || j.submitted_ms || ':' || j.seconds FROM judgments j JOIN tasks t ON t.id = j.task JOIN users u ON u.id = j.labeler ORDER BY t.image, u.name")" = "$($PY - "$LSC/data.json" <<'PY'
import json, sys
from datetime import datetime
rows = []
for t in json.load(open(sys.argv[1])):
    for a in t["annotations"]:
        at = a.get("updated_at") or a["created_at"]
        ms = round(datetime.strptime(at[:23] + "+0000", "%Y-%m-%dT%H:%M:%S.%f%z").timestamp() * 1000)
        rows.append("%s:ls-user-%d:%d:%.15g" % (t["data"]["image"].rsplit("/", 1)[-1], a["completed_by"], ms, float(a.get("lead_time") or 0)))
print("\n".join(sorted(rows)))
PY
)"
mkdir -p lsj
expect_rc 0 "ls boxes: judgments export" "$BOXEL" export --db lsb.db --format labelstudio lsj/ls.json
store lsr ls1
expect_rc 0 "ls boxes: the export imports again" "$BOXEL" import --db lsr.db --as accepted lsj/ls.json
check "ls boxes: judgments keep labeler, submit time and seconds through an export" test "$(sqlite3 lsr.db "SELECT t.image, u.name, j.submitted_ms, j.seconds, json_array_length(j.answer, '$.annotations') FROM judgments j JOIN tasks t ON t.id = j.task JOIN users u ON u.id = j.labeler ORDER BY 1, 2")" = "$(sqlite3 lsb.db "SELECT t.image, u.name, j.submitted_ms, j.seconds, json_array_length(j.answer, '$.annotations') FROM judgments j JOIN tasks t ON t.id = j.task JOIN users u ON u.id = j.labeler ORDER BY 1, 2")"
# the converter's percentages have 16 digits, boxel writes 12: the first
# export moves a box by < 1e-8 px; from then on the text is stable
expect_rc 0 "ls boxes: the re-imported judgments export" "$BOXEL" export --db lsr.db --format labelstudio lsj/ls2.json
check "ls boxes: a second round trip is byte-identical, judgments included" cmp lsj/ls.json lsj/ls2.json
check "ls boxes: the export names each annotator and their times" $PY - lsj/ls.json <<'PY'
import json, sys
t = json.load(open(sys.argv[1]))
a = t[0]["annotations"]
assert "completed_by" not in a[0] and len(a) == 3, a
assert sorted((x["completed_by"], x["created_at"], x["lead_time"]) for x in a[1:]) == [(1, "2022-12-27T21:05:03.127Z", 85.444), (2, "2022-12-27T21:04:40.495Z", 1235.418)], a
PY
$PY - "$LSC/data.json" lsj/bad-time.json lsj/bad-lead.json <<'PY'
import json, sys
t = json.load(open(sys.argv[1]))
t[1]["annotations"][0]["created_at"] = "2022-02-30T10:00:00Z"
json.dump(t, open(sys.argv[2], "w"))
t = json.load(open(sys.argv[1]))
t[0]["annotations"][1]["lead_time"] = "12s"
json.dump(t, open(sys.argv[3], "w"))
PY
store lsbad ls1
expect_rc 1 "ls: a bad created_at refuses its task" "$BOXEL" import --db lsbad.db --as accepted lsj/bad-time.json
check "ls: the bad time named in one line" test "$ERR" = "boxel: lsj/bad-time.json: tasks[1].annotations[0].created_at: '2022-02-30T10:00:00Z' is not an ISO 8601 time (YYYY-MM-DDTHH:MM:SS[.ffffff][Z|+HH:MM], 1970 or later)"
check "ls: the other task imports" contains "$OUT" "imported 1 task"
expect_rc 1 "ls: a lead_time that is not a number refuses its task" "$BOXEL" import --db lsbad.db --as accepted lsj/bad-lead.json
check "ls: the bad lead_time named in one line" test "$ERR" = "boxel: lsj/bad-lead.json: tasks[0].annotations[1].lead_time: expected seconds spent, a number from 0 to 1e9"
store lsp ls2
expect_rc 0 "ls data_polygons.json imports" "$BOXEL" import --db lsp.db --as accepted "$LSC/data_polygons.json"
check "ls polygon: one airplane of 37 points" near "$(answer lsp image2)" 'len(a) == 1 and a[0]["class"] == "Airplane" and len(a[0]["polygon"]) == 37 and all(0 <= x <= 640 and 0 <= y <= 426 for x, y in a[0]["polygon"])'
mkdir -p lsb-out
expect_rc 0 "ls boxes export" "$BOXEL" export --db lsb.db --format labelstudio lsb-out/ls.json
check "ls boxes: the converter's config shape, rebuilt" $PY - lsb-out/ls.json lsb-out/labeling-config.xml <<'PY'
import json, sys
import xml.etree.ElementTree as ET
tasks = json.load(open(sys.argv[1]))
ctl = {c.get("name"): c for c in ET.parse(sys.argv[2]).getroot()}
for t in tasks:
    for r in t["annotations"][0]["result"]:
        c = ctl[r["from_name"]]
        assert c.tag == "RectangleLabels" and r["type"] == "rectanglelabels"
        assert set(r["value"]["rectanglelabels"]) <= {l.get("value") for l in c.findall("Label")}
assert sum(len(t["annotations"][0]["result"]) for t in tasks) == 4
PY

# --- Roboflow's YOLO layout (Datumaro roboflow_dataset/yolo): split
# folders train/ and val/ with images/ and labels/ each, data.yaml naming
# ../train/images and ../valid/images (Roboflow's "../", which Ultralytics
# reads beside data.yaml). Its val folder is named val/, not valid/: that
# split is refused with one line (exit 1), train's 2 images import.
store rfy d
expect_rc 1 "roboflow yolo imports its train split, refuses the missing valid/" "$BOXEL" import --db rfy.db --as accepted d/roboflow_yolo
check "roboflow yolo: the missing split named" test "$ERR" = "boxel: d/roboflow_yolo/data.yaml: val: d/roboflow_yolo/valid/images: no such folder, image list or image"
check "roboflow yolo: 2 tasks, 2 boxes" contains "$OUT" "imported 2 tasks (2 new, 2 with accepted answers), 1 item failed
objects: 2 boxes"
# 10x5 images: "0 0.35 0.3 0.3 0.2" -> 2,1,3,1; "1 0.1 0.4 0.2 0.8" -> 0,0,2,4
check "roboflow yolo: train_001 label_0" near "$(answer rfy roboflow_yolo/train/images/train_001.jpg)" 'len(a) == 1 and a[0]["class"] == "label_0" and close(b(0), [2, 1, 3, 1])'
check "roboflow yolo: train_002 label_1" near "$(answer rfy roboflow_yolo/train/images/train_002.jpg)" 'len(a) == 1 and a[0]["class"] == "label_1" and close(b(0), [0, 0, 2, 4])'

# --- Roboflow's COCO layout (Datumaro coco_roboflow): each split folder
# holds _annotations.coco.json and its images, named without a folder
store rfc d/coco_roboflow
expect_rc 1 "roboflow coco: both splits, the crowd said" "$BOXEL" import --db rfc.db --as accepted d/coco_roboflow/train/_annotations.coco.json d/coco_roboflow/val/_annotations.coco.json
check "roboflow coco: the images found beside each file" contains "$OUT" "imported 2 tasks (2 new, 2 with accepted answers), 0 items failed
objects: 1 box, 1 polygon"
check "roboflow coco: the crowd named" test "$ERR" = "boxel: warning: 1 crowd regions (iscrowd 1) dropped: boxel has no ignore regions"
check "roboflow coco: train's box" test "$(answer rfc train/a.jpg)" = '{"annotations":[{"box":[2,2,3,1],"class":"b"}],"global":{}}'
check "roboflow coco: val's polygon with its attributes" test "$(answer rfc val/b.jpg)" = '{"annotations":[{"attributes":{"x":1,"y":"hello"},"class":"a","polygon":[[0,0],[1,0],[1,2],[0,2]]}],"global":{}}'

# --- compressed RLE as pycocotools writes it (Datumaro
# segment_anything_dataset: SA-1B files, one mask each): the masks put in a
# COCO file, no bbox, so the polygon comes from the mask alone. a.json's
# mask is 4 pixels at x 3, y 1..4 (its bbox [3, 1, 1, 4], area 4); b.json's
# is empty (area 0).
$PY - d/segment_anything/a.json d/segment_anything/b.json > sa.json <<'PY'
import json, sys
imgs, anns = [], []
for p in sys.argv[1:]:
    d = json.load(open(p))
    im = d["image"]
    imgs.append({"id": im["image_id"], "file_name": im["file_name"], "width": im["width"], "height": im["height"]})
    for a in d["annotations"]:
        anns.append({"id": len(anns) + 1, "image_id": im["image_id"], "category_id": 1,
                     "segmentation": a["segmentation"], "iscrowd": 0})
print(json.dumps({"images": imgs, "annotations": anns, "categories": [{"id": 1, "name": "segment"}]}))
PY
store sa d/segment_anything
expect_rc 1 "SA masks: one traced, the empty one said" "$BOXEL" import --db sa.db --as accepted sa.json
check "SA masks: 1 converted" contains "$OUT" "1 RLE masks converted to polygons"
check "SA masks: the empty mask named" test "$ERR" = "boxel: warning: 1 empty RLE masks dropped: no pixel is set"
check "SA masks: the mask's outline, its bbox and area as SA-1B gives them" $PY - "$(answer sa a.jpg)" d/segment_anything/a.json <<'PY'
import json, sys
a = json.loads(sys.argv[1])["annotations"]
sa = json.load(open(sys.argv[2]))["annotations"][0]
assert len(a) == 1 and a[0]["class"] == "segment", a
r = a[0]["polygon"]
xs, ys = [p[0] for p in r], [p[1] for p in r]
assert [min(xs), min(ys), max(xs) - min(xs), max(ys) - min(ys)] == sa["bbox"], (r, sa["bbox"])
area = abs(sum(r[i][0] * r[(i + 1) % len(r)][1] - r[(i + 1) % len(r)][0] * r[i][1] for i in range(len(r)))) / 2
assert area == sa["area"], (area, sa["area"])
PY

finish
