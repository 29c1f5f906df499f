# lsconfig.sh: a Label Studio export of a mixed project comes with the
# labeling config it implies (issue 11, part 6), checked the way Label
# Studio validates an import against its config: every result's from_name
# is a control of the result's type, its labels or choices are among the
# control's values, and a choice attribute is a Choices, not a TextArea.
. "$(dirname "$0")/lib.sh"

sample_images
mkdir -p out
cat > tax.json <<'JSON'
{"classes": [
 {"name": "cat", "geometries": ["box", "polygon"], "attributes": [
   {"name": "pose", "type": "choice", "options": ["sitting", "lying"]},
   {"name": "note", "type": "text"}]},
 {"name": "cup", "geometries": ["box"], "attributes": [
   {"name": "fill", "type": "number", "min": 0, "max": 100},
   {"name": "parts", "type": "multi", "options": ["handle", "saucer"]}]},
 {"name": "eye", "geometries": ["point"]},
 {"name": "indoor", "geometries": ["tag"]}],
 "global": [{"name": "scene", "type": "choice", "options": ["day", "night"]},
            {"name": "blurry", "type": "bool"}]}
JSON
"$BOXEL" init --db t.db --images img --taxonomy tax.json >/dev/null
cat > mixed.jsonl <<'JSON'
{"image": "c.png", "answer": {"annotations": [{"class": "cup", "box": [100, 50, 200, 150], "attributes": {"fill": 40, "parts": ["handle", "saucer"]}}, {"class": "eye", "point": [10, 20]}, {"class": "indoor"}], "global": {"scene": "night", "blurry": true}}}
{"image": "k.png", "answer": {"annotations": [{"class": "cat", "polygon": [[10, 10], [100, 10], [100, 90]], "attributes": {"pose": "lying", "note": "fluffy"}}, {"class": "cat", "box": [200, 100, 50, 60], "attributes": {"pose": "sitting"}}], "global": {"scene": "day"}}}
JSON
expect_rc 0 "a mixed project" "$BOXEL" import --db t.db --as accepted mixed.jsonl
expect_rc 0 "export labelstudio" "$BOXEL" export --db t.db --format labelstudio out/ls.json
check "labeling-config.xml written beside it" test -s out/labeling-config.xml
check "the config accepts every result of the export" $PY - out/ls.json out/labeling-config.xml <<'PY'
import json, sys
import xml.etree.ElementTree as ET
tasks = json.load(open(sys.argv[1]))
view = ET.parse(sys.argv[2]).getroot()
assert view.tag == "View"
controls = {}
for c in view:
    name = c.get("name")
    assert name not in controls, ("duplicate control name", name)
    controls[name] = c
assert controls["image"].tag == "Image" and controls["image"].get("value") == "$image"
kind = {"rectanglelabels": "RectangleLabels", "polygonlabels": "PolygonLabels",
        "keypointlabels": "KeyPointLabels", "choices": "Choices", "textarea": "TextArea",
        "number": "Number"}
seen = set()
for t in tasks:
    for r in t["annotations"][0]["result"]:
        c = controls[r["from_name"]]
        assert c.tag == kind[r["type"]], (r["from_name"], c.tag, r["type"])
        assert c.get("toName") == r["to_name"] == "image"
        if r["type"].endswith("labels"):
            allowed = {l.get("value") for l in c.findall("Label")}
            assert set(r["value"][r["type"]]) <= allowed, (r, allowed)
        if r["type"] == "choices":
            allowed = {l.get("value") for l in c.findall("Choice")}
            assert set(r["value"]["choices"]) <= allowed, (r, allowed)
            if len(r["value"]["choices"]) > 1:
                assert c.get("choice") == "multiple"
        seen.add(r["type"])
# one control per geometry, choices for choice attributes
assert {"rectanglelabels", "polygonlabels", "keypointlabels", "choices", "textarea", "number"} <= seen, seen
assert controls["pose"].tag == "Choices" and controls["scene"].tag == "Choices"
assert controls["note"].tag == "TextArea" and controls["pose"].get("perRegion") == "true"
assert controls["scene"].get("perRegion") is None
# Label Studio's COCO and YOLO converters order keypoints by model_index
# and refuse a KeyPointLabels without it; other labels carry none
assert [l.get("model_index") for l in controls["point"].findall("Label")] == ["0"], controls["point"]
assert all(l.get("model_index") is None for l in controls["box"].findall("Label"))
PY
"$BOXEL" init --db back.db --images img --taxonomy tax.json >/dev/null
expect_rc 0 "the export imports back" "$BOXEL" import --db back.db --as accepted out/ls.json
expect_rc 0 "and exports identically" "$BOXEL" export --db back.db --format labelstudio out/back.json
check "byte-identical round trip" cmp -s out/ls.json out/back.json
# percentages carry 12 digits: the same answers within 1e-6 px
check "the same answers, attributes and choices" $PY -c '
import json, sys
def norm(v):
    if isinstance(v, float): return round(v, 6)
    if isinstance(v, list): return [norm(x) for x in v]
    if isinstance(v, dict): return {k: norm(x) for k, x in v.items()}
    return v
a = [norm(json.loads(x)) for x in sys.argv[1].split("|")]
b = [norm(json.loads(x)) for x in sys.argv[2].split("|")]
assert a == b, (a, b)' "$(sqlite3 t.db "SELECT group_concat(answer, '|') FROM task_answers ORDER BY task")" "$(sqlite3 back.db "SELECT group_concat(answer, '|') FROM task_answers ORDER BY task")"
# predictions of a task nobody annotated: suggestions with the model's score
cat > pred.json <<'JSON'
[{"id": 1, "data": {"image": "c.png"}, "annotations": [],
  "predictions": [{"model_version": "m1", "score": 0.8, "result": [
   {"id": "p1", "type": "rectanglelabels", "from_name": "box", "to_name": "image",
    "original_width": 600, "original_height": 400,
    "value": {"x": 50, "y": 50, "width": 10, "height": 25, "rectanglelabels": ["cup"]}},
   {"id": "p2", "type": "rectanglelabels", "from_name": "box", "to_name": "image",
    "original_width": 600, "original_height": 400, "score": 0.3,
    "value": {"x": 0, "y": 0, "width": 10, "height": 10, "rectanglelabels": ["cat"]}}]}]}]
JSON
"$BOXEL" init --db p.db --images img --taxonomy tax.json >/dev/null
expect_rc 0 "Label Studio predictions" "$BOXEL" import --db p.db pred.json
check "imported as suggestions" contains "$OUT" "1 with suggestions"
check "the prediction's score, or the region's own" test "$(sqlite3 p.db "SELECT answer FROM task_answers WHERE kind = 'suggestion'")" = '{"annotations":[{"box":[300,200,60,100],"class":"cup","score":0.8,"suggestion":true},{"box":[0,0,60,40],"class":"cat","score":0.3,"suggestion":true}],"global":{}}'
expect_rc 0 "export to stdout writes no config" "$BOXEL" export --db t.db --format labelstudio -
check "no config in the working folder" test ! -e labeling-config.xml

finish
