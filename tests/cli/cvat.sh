# cvat.sh: CVAT for images 1.1 XML. Every kind exported as its element,
# read back by Python's own XML parser; export -> import --as accepted into
# a fresh store -> export again is byte-identical and stores the same
# numbers; --format auto tells CVAT's <annotations> from VOC's
# <annotation>; a real CVAT project export (Datumaro's test asset) imports,
# its <points> set refused with one line; bad input gives one line and
# writes nothing.
. "$(dirname "$0")/lib.sh"

sample_images # img/k.png (chelsea, 451x300), img/c.png (coffee, 600x400)
cat > tax.json <<'J'
{"name": "p", "classes": [
 {"name": "cat", "geometries": ["box"], "attributes": [
  {"name": "pose", "type": "choice", "options": ["sit", "lie & \"rest\" <x>"]},
  {"name": "n", "type": "number", "min": 0, "max": 9}, {"name": "ok", "type": "bool"}]},
 {"name": "plume", "geometries": ["polygon"]},
 {"name": "edge", "geometries": ["polyline"]},
 {"name": "dot", "geometries": ["point"]},
 {"name": "bed", "geometries": ["rotated_box"]},
 {"name": "eye", "geometries": ["ellipse"]},
 {"name": "crate", "geometries": ["cuboid"]},
 {"name": "parts", "geometries": ["multipolygon"]},
 {"name": "indoor", "geometries": ["tag"]},
 {"name": "body", "geometries": ["skeleton"], "keypoints": ["head", "hip", "foot"],
  "skeleton": [[1, 2], [2, 3]]}]}
J
cat > ans.jsonl <<'J'
{"image": "k.png", "answer": {"annotations": [{"class": "cat", "box": [10, 20, 120.5, 90], "attributes": {"pose": "lie & \"rest\" <x>", "n": 3, "ok": true}}, {"class": "plume", "polygon": [[200, 30], [280, 40], [260, 120]]}, {"class": "edge", "polyline": [[5, 5], [50, 60.25], [70, 10]]}, {"class": "dot", "point": [33.5, 44]}, {"class": "bed", "rotated_box": [330, 80, 80, 40, -30]}, {"class": "bed", "rotated_box": [100, 100, 20, 10, 0]}, {"class": "eye", "ellipse": [100, 200, 30, 20, 15]}, {"class": "indoor"}], "global": {}}}
{"image": "c.png", "answer": {"annotations": [{"class": "crate", "cuboid": [[10,10],[60,10],[60,50],[10,50],[25,5],[75,5],[75,45],[25,45]]}, {"class": "parts", "multipolygon": [[[100,100],[150,100],[150,150]], [[200,200],[250,200],[250,260],[210,240]]]}, {"class": "body", "skeleton": [[300, 100, 2], [310, 150, 1], [0, 0, 0]]}], "global": {}}}
J
"$BOXEL" init --db a.db --images img --taxonomy tax.json >/dev/null
"$BOXEL" import --db a.db img >/dev/null
expect_rc 0 "import the answers" "$BOXEL" import --db a.db --as accepted ans.jsonl
expect_rc 0 "export cvat" "$BOXEL" export --db a.db --format cvat a.xml
check "every kind held: nothing said" [ -z "$ERR" ]
expect_rc 0 "export cvat to stdout" "$BOXEL" export --db a.db --format cvat --json -
check "stdout is the file" [ "$OUT" = "$(cat a.xml)" ]
check "the summary on stderr" contains "$ERR" '"format":"cvat"'

check "python's XML parser reads every element" $PY - a.xml <<'PY'
import sys, xml.etree.ElementTree as ET
root = ET.parse(sys.argv[1]).getroot()
assert root.tag == "annotations" and root.find("version").text == "1.1"
labels = root.findall("meta/task/labels/label")
names = [l.find("name").text for l in labels]
assert names == ["cat", "plume", "edge", "dot", "bed", "eye", "crate", "parts", "indoor", "body",
                 "head", "hip", "foot"], names
pose = labels[0].find("attributes/attribute")
assert pose.find("input_type").text == "select"
assert pose.find("values").text.split("\n") == ["sit", 'lie & "rest" <x>']
assert [l.find("parent").text for l in labels[10:]] == ["body"] * 3
assert 'data-node-from="2" data-node-to="3"' in labels[9].find("svg").text
img = {i.get("name"): i for i in root.findall("image")}
k, c = img["k.png"], img["c.png"]
assert (k.get("width"), k.get("height")) == ("451", "300")
box = k.find("box[@label='cat']")
assert [box.get(a) for a in ("xtl", "ytl", "xbr", "ybr")] == ["10.00", "20.00", "130.50", "110.00"]
assert box.get("rotation") is None and box.get("occluded") == "0"
assert {a.get("name"): a.text for a in box.findall("attribute")} == \
    {"pose": 'lie & "rest" <x>', "n": "3", "ok": "true"}
beds = k.findall("box[@label='bed']")
# centre 330,80, 80x40, turned 30 degrees counterclockwise: CVAT's 330 clockwise
assert [beds[0].get(a) for a in ("xtl", "ytl", "xbr", "ybr", "rotation")] == \
    ["290.00", "60.00", "370.00", "100.00", "330.00"]
assert beds[1].get("rotation") is None   # as CVAT writes an unturned box
assert k.find("polygon").get("points") == "200.00,30.00;280.00,40.00;260.00,120.00"
assert k.find("polyline").get("points") == "5.00,5.00;50.00,60.25;70.00,10.00"
assert k.find("points").get("points") == "33.50,44.00"
e = k.find("ellipse")
assert [e.get(a) for a in ("cx", "cy", "rx", "ry", "rotation")] == \
    ["100.00", "200.00", "30.00", "20.00", "15.00"]
assert k.find("tag").get("label") == "indoor"
cu = c.find("cuboid")
# CVAT names the back face's corners as seen from behind: its tl2/bl2
# edge lies behind the front's right edge, tr2/br2 behind its left edge
want = {"tl1": (10, 10), "tr1": (60, 10), "br1": (60, 50), "bl1": (10, 50),
        "tl2": (75, 5), "tr2": (25, 5), "br2": (25, 45), "bl2": (75, 45)}
for n, (x, y) in want.items():
    assert (float(cu.get("x" + n)), float(cu.get("y" + n))) == (x, y), n
rings = c.findall("polygon[@label='parts']")
assert len(rings) == 2 and rings[0].get("group_id") == rings[1].get("group_id") == "1"
pts = c.findall("skeleton/points")
assert [(p.get("label"), p.get("points"), p.get("occluded"), p.get("outside")) for p in pts] == [
    ("head", "300.00,100.00", "0", "0"), ("hip", "310.00,150.00", "1", "0"),
    ("foot", "0.00,0.00", "0", "1")]
PY

# The round trip: export, import as accepted into a fresh store (the
# format told by the root element), export again.
"$BOXEL" init --db b.db --images img --taxonomy tax.json >/dev/null
expect_rc 0 "import the export (auto)" "$BOXEL" import --db b.db --as accepted a.xml
check "every kind imported" contains "$OUT" "objects: 1 cuboid, 1 multipolygon, 1 skeleton, 1 box, 1 polygon, 1 polyline, 1 point, 2 rotated_boxes, 1 ellipse, 1 tag"
expect_rc 0 "export again" "$BOXEL" export --db b.db --format cvat b.xml
check "the second export is byte-identical" cmp -s a.xml b.xml
"$BOXEL" export --db a.db --format jsonl a.jsonl >/dev/null
"$BOXEL" export --db b.db --format jsonl b.jsonl >/dev/null
check "the same numbers stored" $PY - a.jsonl b.jsonl <<'PY'
import json, sys
ans = [{json.loads(l)["image"]: json.loads(l)["accepted"] for l in open(f)} for f in sys.argv[1:]]
key = lambda a: json.dumps(a, sort_keys=True)
for image in ans[0]:
    assert sorted(map(key, ans[0][image]["annotations"])) == \
        sorted(map(key, ans[1][image]["annotations"])), image
PY
# CVAT's export unpacked (annotations.xml beside images/) is told from a
# folder of VOC files by the XML's root element
"$BOXEL" init --db f.db --images img --taxonomy tax.json >/dev/null
mkdir -p cv/images && cp a.xml cv/annotations.xml
expect_rc 0 "import CVAT's folder (auto)" "$BOXEL" import --db f.db --as accepted cv
"$BOXEL" export --db f.db --format cvat f.xml >/dev/null
check "the folder gives the same answers" cmp -s a.xml f.xml
expect_rc 1 "--format voc refuses CVAT's file" "$BOXEL" import --db b.db --format voc a.xml
check "one line: not VOC's root" contains "$ERR" "expected <annotation>, got <annotations>"

# What CVAT cannot hold (an image's attributes) is left out with a line;
# --strict writes nothing. A value with a control character XML cannot
# carry is left out with a line (tests/cli/xml-text.sh).
cat > g.json <<'J'
{"name": "g", "global": [{"name": "note", "type": "text"}], "classes": [{"name": "cat", "geometries": ["box"], "attributes": [{"name": "why", "type": "text"}]}]}
J
"$BOXEL" init --db g.db --images img --taxonomy g.json >/dev/null
"$BOXEL" import --db g.db img >/dev/null
printf '%s\n' '{"image": "k.png", "answer": {"annotations": [{"class": "cat", "box": [1, 2, 3, 4]}], "global": {"note": "dim"}}}' > g.jsonl
"$BOXEL" import --db g.db --as accepted g.jsonl >/dev/null
expect_rc 1 "an image attribute: exit 1" "$BOXEL" export --db g.db --format cvat g.xml
check "one line says it" [ "$ERR" = "boxel: warning: left out 1 image attribute: cvat cannot hold attributes of an image (coco, voc, labelstudio, scale, jsonl can)" ]
echo keep > s.xml
expect_rc 1 "--strict" "$BOXEL" export --db g.db --format cvat --strict s.xml
check "--strict wrote nothing" [ "$(cat s.xml)" = keep ]
printf '{"image": "k.png", "answer": {"annotations": [{"class": "cat", "box": [1, 2, 3, 4], "attributes": {"why": "a\\u0001b"}}], "global": {}}}\n' > c.jsonl
"$BOXEL" import --db g.db --as accepted c.jsonl >/dev/null
expect_rc 1 "a control character: its attribute left out" "$BOXEL" export --db g.db --format cvat s.xml
check "one line names the task and the attribute" contains "$ERR" "boxel: warning: left out attribute \"why\" of a box of \"cat\" (object 1) in task 2 (k.png): its value holds U+0001, which XML 1.0 cannot carry"
check "the rest is written, without the value" test "$(grep -c '<box ' s.xml)" = 1 -a "$(grep -c '<attribute name="why"' s.xml)" = 0

# Datumaro's CVAT project export (tests/data/interop/SOURCES.md): img0's
# box with its four attributes and its polyline import; img1's <points>
# of 3 points is no kind of boxel's, and each of its three copies (one
# per subset) is refused with one line.
CX=$BOXEL_TEST_DATA/interop/datumaro/cvat/export_project
mkdir dm && cp "$CX"/images/Test/*.jpg dm/
cat > dm.json <<'J'
{"name": "dm", "classes": [
 {"name": "label1", "geometries": ["box", "polygon"], "attributes": [
  {"name": "a1", "type": "bool"}, {"name": "a2", "type": "choice", "options": ["v1", "v2", "v3"]},
  {"name": "a3", "type": "text"}, {"name": "a4", "type": "number"}]},
 {"name": "label2", "geometries": ["polyline", "point"]}]}
J
"$BOXEL" init --db dm.db --images dm --taxonomy dm.json >/dev/null
expect_rc 1 "import the real file: some refused" "$BOXEL" import --db dm.db --as accepted "$CX/annotations.xml"
check "img1 refused: one line each, naming the element" [ "$(printf '%s\n' "$ERR" | grep -c 'img1.jpg: <points> of 3 points: a point has exactly 1')" -eq 3 ]
check "the occluded flag is a named loss" contains "$ERR" "CVAT occluded flags dropped"
"$BOXEL" export --db dm.db --format jsonl dm.jsonl >/dev/null
check "img0: the box, its attributes, the polyline" $PY - dm.jsonl <<'PY'
import json, sys
t = [json.loads(l) for l in open(sys.argv[1])]
assert [x["image"] for x in t] == ["img0.jpg"], t
a = t[0]["accepted"]["annotations"]
assert a[0] == {"class": "label1", "box": [0, 2, 4, 2],
                "attributes": {"a1": True, "a2": "v3", "a3": "0003", "a4": 2.4}}, a[0]
assert a[1] == {"class": "label2", "polyline": [[1, 2], [3, 4], [5, 6], [7, 8]]}, a[1]
PY

# Bad files: one line naming the file and line, nothing imported.
printf '<annotations><version>1.1</version>\n<image id="0" name="k.png"><blob label="cat"/></image>\n<track id="0" label="cat"/></annotations>\n' > bad.xml
"$BOXEL" init --db e.db --images img --taxonomy tax.json >/dev/null
expect_rc 1 "unknown element and a track: refused" "$BOXEL" import --db e.db --as accepted bad.xml
check "the element named" contains "$ERR" "bad.xml:2: image k.png: <blob> is not a CVAT object boxel reads"
check "the track named" contains "$ERR" "bad.xml:3: <track>: CVAT for video's tracks are not read"
check "nothing imported" [ "$(db_query e.db 'select count(*) from tasks')" -eq 0 ]
printf '<annotations><image id="0" name="k.png"><mask label="cat" rle="1, 2" left="0" top="0" width="1" height="3"/><tag label="indoor"/></image></annotations>\n' > m.xml
expect_rc 1 "a mask: a named loss" "$BOXEL" import --db e.db --as accepted m.xml
check "the mask line" contains "$ERR" "CVAT <mask> objects dropped"

# A cuboid as CVAT writes it (two real CVAT exports agree: the back face's
# tl2/bl2 corners lie behind the front's tr1/br1, its tr2/br2 behind
# tl1/bl1): here a back face 40 right and 20 up of the front; it imports as
# boxel's front face and that face moved, not a back face turned over
printf '%s\n' '<annotations><version>1.1</version><image id="0" name="c.png" width="600" height="400"><cuboid label="crate" occluded="0" xtl1="100" ytl1="200" xbl1="100" ybl1="250" xtr1="150" ytr1="200" xbr1="150" ybr1="250" xtl2="190" ytl2="180" xbl2="190" ybl2="230" xtr2="140" ytr2="180" xbr2="140" ybr2="230"/></image></annotations>' > cu.xml
"$BOXEL" init --db cu.db --images img --taxonomy tax.json >/dev/null
expect_rc 0 "a CVAT-written cuboid imports" "$BOXEL" import --db cu.db --as accepted cu.xml
"$BOXEL" export --db cu.db --format jsonl cu.jsonl >/dev/null
check "its back face is the front face moved (40, -20)" $PY - cu.jsonl <<'PY'
import json, sys
c = json.loads(open(sys.argv[1]).readline())["accepted"]["annotations"][0]["cuboid"]
assert c[:4] == [[100, 200], [150, 200], [150, 250], [100, 250]], c
assert [[x - f[0], y - f[1]] for (x, y), f in zip(c[4:], c[:4])] == [[40, -20]] * 4, c
PY
finish
