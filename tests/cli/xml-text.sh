# xml-text.sh: the XML exports (VOC, CVAT) never write a document XML 1.0
# parsers refuse. A free-text attribute may hold a control character (the
# taxonomy keeps them out of names, not out of text values), which XML 1.0
# cannot carry even as &#N;: such an attribute is left out with one line
# naming the task, the object and the attribute, exit 1 (--strict: nothing
# written), and the rest is written. Tabs and line ends are characters of
# XML and go out as references. Each export is parsed by expat (boxel's
# import) and by Python's XML parser; Label Studio's JSON keeps them all.
. "$(dirname "$0")/lib.sh"

PY=/usr/bin/python3
cd "$T_TMP" || exit 2
mkdir img
tiny_pngs img 200 100 a.png
cat > tax.json <<'J'
{"name": "x", "classes": [{"name": "cat", "geometries": ["box"], "attributes": [{"name": "note", "type": "text"}]}],
 "global": [{"name": "scene", "type": "text"}]}
J
"$BOXEL" init --db a.db --images img --taxonomy tax.json >/dev/null
"$BOXEL" import --db a.db img >/dev/null
printf '%s\n' '{"image": "a.png", "answer": {"annotations": [{"class": "cat", "box": [10, 10, 20, 20], "attributes": {"note": "bell\u0007"}}, {"class": "cat", "box": [50, 10, 20, 20], "attributes": {"note": "tab\there\r\nline & <more>"}}, {"class": "cat", "box": [90, 10, 20, 20], "attributes": {"note": "not a character: \uffff"}}], "global": {"scene": "esc\u001b[31m"}}}' > a.jsonl
expect_rc 0 "import the answer" "$BOXEL" import --db a.db --as accepted a.jsonl

# parsed OUT...: every file parses with Python's XML parser
parsed() { $PY -c 'import sys, xml.etree.ElementTree as E
for f in sys.argv[1:]: E.parse(f)' "$@"; }

# VOC: the image's and the first object's value left out, one line each
expect_rc 1 "voc: what XML cannot carry left out" "$BOXEL" export --db a.db --format voc v
check "voc: one line per attribute, naming task, object and attribute" test "$ERR" = \
'boxel: warning: left out attribute "scene" of the image in task 1 (a.png): its value holds U+001B, which XML 1.0 cannot carry (voc writes XML; coco, labelstudio, scale, jsonl can)
boxel: warning: left out attribute "note" of a box of "cat" (object 1) in task 1 (a.png): its value holds U+0007, which XML 1.0 cannot carry (voc writes XML; coco, labelstudio, scale, jsonl can)
boxel: warning: left out attribute "note" of a box of "cat" (object 3) in task 1 (a.png): its value holds U+FFFF, which XML 1.0 cannot carry (voc writes XML; coco, labelstudio, scale, jsonl can)'
check "voc: Python's parser reads it" parsed v/Annotations/a.xml
check "voc: the tab and line ends kept, as character references" contains \
	"$(cat v/Annotations/a.xml)" "<value>tab&#9;here&#13;&#10;line &amp; &lt;more&gt;</value>"

# CVAT: the objects' values (its image attributes are left out whole)
expect_rc 1 "cvat: what XML cannot carry left out" "$BOXEL" export --db a.db --format cvat c.xml
check "cvat: the objects' lines" test "$(printf '%s\n' "$ERR" | grep -c 'which XML 1.0 cannot carry (cvat writes XML')" = 2
check "cvat: Python's parser reads it" parsed c.xml
expect_rc 1 "cvat --strict: refused" "$BOXEL" export --db a.db --format cvat --strict c2.xml
check "cvat --strict: nothing written" test ! -e c2.xml

# Label Studio: JSON carries every character (escaped); its labeling
# config is XML of names only, which cannot hold one
expect_rc 0 "labelstudio: nothing left out" "$BOXEL" export --db a.db --format labelstudio l.json
check "labelstudio: the values as they were, the config parses" $PY - <<'PY'
import json, xml.etree.ElementTree as E
t = json.load(open("l.json"))[0]
got = [r["value"]["text"][0] for r in t["annotations"][0]["result"] if r["type"] == "textarea"]
assert sorted(got) == sorted(["bell\x07", "tab\there\r\nline & <more>", "not a character: \uffff",
                              "esc\x1b[31m"]), got
E.parse("labeling-config.xml")
PY

# expat (boxel's import) reads both back: the carried value as it was
for f in voc cvat; do
	"$BOXEL" init --db $f.db --images img --taxonomy tax.json >/dev/null
	"$BOXEL" import --db $f.db img >/dev/null
done
expect_rc 0 "voc: imports back" "$BOXEL" import --db voc.db --format voc --as accepted v
expect_rc 0 "cvat: imports back" "$BOXEL" import --db cvat.db --format cvat --as accepted c.xml
for f in voc cvat; do
	"$BOXEL" export --db $f.db --format jsonl $f.jsonl 2>/dev/null
	check "$f: three boxes, the second's note as it was, no other note" $PY - $f.jsonl <<'PY'
import json, sys
a = json.loads(open(sys.argv[1]).readline())["accepted"]
notes = [o.get("attributes", {}).get("note") for o in a["annotations"]]
assert notes == [None, "tab\there\r\nline & <more>", None], notes
assert "scene" not in a.get("global", {}), a
PY
done
finish
