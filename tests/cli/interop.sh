# interop.sh: other tools' YOLO and VOC files in, files they load out:
# numbers in the C locale whatever the user's locale, label files confined
# to their dataset, VOC edge boxes, Windows paths, difficult/truncated/
# occluded/pose, Ultralytics layouts and data.yaml.
. "$(dirname "$0")/lib.sh"

SRC=${BOXEL_SOURCE_ROOT:?}
PY=/usr/bin/python3
cd "$T_TMP" || exit 2
mkdir img
cp "$SRC"/sample-data/*.png "$SRC"/sample-data/*.jpg img/

fresh() { # fresh DB [TAXONOMY]
	rm -f "$1" "$1"-wal "$1"-shm
	"$BOXEL" init --db "$1" --images img --taxonomy "${2:-$SRC/sample-data/taxonomy.json}" >/dev/null
}
answer() { # answer DB KIND IMAGE
	sqlite3 "$1" "SELECT answer FROM task_answers JOIN tasks ON tasks.id = task WHERE kind = '$2' AND image = '$3'"
}
not_contains() { ! contains "$@"; }
near() { $PY -c 'import json,sys; a=json.loads(sys.argv[1]); sys.exit(0 if eval(sys.argv[2]) else 1)' "$1" "$2"; }

# --- a decimal-comma locale changes no number in any file ---
# de_DE is compiled here (localedef, from the locales package) so the test
# does not depend on the machine's generated locales.
mkdir loc
if localedef -i de_DE -f UTF-8 loc/de_DE.UTF-8 2>/dev/null; then
	DE=(env LOCPATH="$T_TMP/loc" LC_ALL=de_DE.UTF-8)
	check "the locale writes decimal commas" test "$("${DE[@]}" $PY -c 'import locale; locale.setlocale(locale.LC_ALL, ""); print(locale.str(0.5))')" = "0,5"
else
	fail "localedef could not compile de_DE (install the locales package)"
	DE=(env)
fi
fresh a.db
expect_rc 0 "folder" "$BOXEL" import --db a.db img
expect_rc 0 "accepted answers" "$BOXEL" import --db a.db --as accepted "$SRC/tests/data/formats/accepted.jsonl"
expect_rc 1 "yolo export in de_DE (a point left out: exit 1)" "${DE[@]}" "$BOXEL" export --db a.db --format yolo de.yolo
check "yolo box with decimal points" test "$(cat de.yolo/labels/train/astronaut.txt)" = "2 0.500000 0.500000 1.000000 1.000000"
check "no decimal comma in any label file" test -z "$(grep -l , de.yolo/labels/train/*.txt)"
expect_rc 0 "labelstudio export in de_DE" "${DE[@]}" "$BOXEL" export --db a.db --format labelstudio de.ls.json
check "labelstudio percent with a point" contains "$(cat de.ls.json)" '"x":46.875,"y":11.7096018735'
expect_rc 1 "voc export in de_DE (a point left out: exit 1)" "${DE[@]}" "$BOXEL" export --db a.db --format voc de.voc
fresh b.db
expect_rc 0 "yolo import in de_DE" "${DE[@]}" "$BOXEL" import --db b.db --format yolo --as accepted de.yolo
expect_rc 0 "export it again in C" env LC_ALL=C "$BOXEL" export --db b.db --format yolo c.yolo
check "the round trip under de_DE is exact" diff -r de.yolo/labels c.yolo/labels
fresh c.db
printf '<annotation><filename>rocket.jpg</filename><size><width>640</width><height>427</height></size><object><name>rocket</name><bndbox><xmin>300.5</xmin><ymin>50.5</ymin><xmax>340</xmax><ymax>250</ymax></bndbox></object></annotation>\n' > frac.xml
expect_rc 0 "voc with fractional corners in de_DE" "${DE[@]}" "$BOXEL" import --db c.db frac.xml
# x = xmin - 1, w = xmax - xmin + 1: 299.5, 49.5, 40.5, 200.5
check "300.5 read as 300.5" test "$(answer c.db prelabel rocket.jpg)" = '{"annotations":[{"box":[299.5,49.5,40.5,200.5],"class":"rocket"}],"global":{}}'

# --- a YOLO label file may not lead outside its dataset ---
mkdir -p ys/labels outside
printf 'names: [cat, cup]\n' > ys/data.yaml
printf 'secret line one\n' > outside/chelsea.txt
ln -s ../../outside/chelsea.txt ys/labels/chelsea.txt
mkdir ys/other
printf '1 0.5 0.5 0.5 0.5\n' > ys/other/real.txt
ln -s ../other/real.txt ys/labels/coffee.txt
fresh d.db
expect_rc 1 "a label symlinked out of the dataset" "$BOXEL" import --db d.db ys
check "one line" one_line "$ERR"
check "it names the file and why" contains "$ERR" "ys/labels/chelsea.txt: the label file leads outside the dataset folder"
check "nothing of the outside file is echoed" not_contains "$ERR" "secret"
check "a symlink inside the dataset is followed" test "$(answer d.db prelabel coffee.png)" = '{"annotations":[{"box":[150,100,300,200],"class":"cup"}],"global":{}}'
check "the refused image has no answer" test -z "$(answer d.db prelabel chelsea.png)"

# --- VOC: edges counted from 0, Windows paths, VOC's object flags ---
mkdir vw
cat > vw/edge.xml <<'XML'
<annotation>
	<folder>img</folder>
	<filename>chelsea.png</filename>
	<path>C:\Users\ann\Desktop\img\chelsea.png</path>
	<size><width>451</width><height>300</height><depth>3</depth></size>
	<object>
		<name>cat</name><pose>sitting</pose><truncated>1</truncated><difficult>1</difficult>
		<bndbox><xmin>0</xmin><ymin>0</ymin><xmax>200</xmax><ymax>300</ymax></bndbox>
	</object>
	<object>
		<name>cat</name><pose>Unspecified</pose><truncated>0</truncated><difficult>0</difficult><occluded>1</occluded>
		<bndbox><xmin>300</xmin><ymin>100</ymin><xmax>452</xmax><ymax>200</ymax></bndbox>
	</object>
</annotation>
XML
fresh v.db
expect_rc 1 "LabelImg file with a Windows path and edge boxes (a flag lost: exit 1)" "$BOXEL" import --db v.db --as accepted vw
check "the Windows path fell back to <filename>" contains "$OUT" "imported 1 task (1 new, 1 with accepted answers)"
check "the clamp is reported" contains "$ERR" "2 boxes one pixel past the image edge (corners counted from 0) clamped to it"
check "the dropped difficult flag is reported" contains "$ERR" "warning: 1 VOC <difficult> values dropped: the object's class has no 'difficult' attribute"
# xmin 0 -> x -1 -> 0, w 200 + 1 - 1 = 200; ymax 300 = height: h 300
# second: xmax 452 on a 451 wide image: x 299, w 152 -> 451 - 299 = 152
check "clamped boxes and kept flags" test "$(answer v.db consensus chelsea.png)" = '{"annotations":[{"attributes":{"pose":"sitting","truncated":true},"box":[0,0,200,300],"class":"cat"},{"attributes":{"occluded":true},"box":[299,99,152,101],"class":"cat"}],"global":{}}'
expect_rc 0 "voc export" "$BOXEL" export --db v.db --format voc v.voc
check "flags written as VOC elements" contains "$(cat v.voc/Annotations/chelsea.xml)" $'<pose>sitting</pose>\n\t\t<truncated>1</truncated>\n\t\t<difficult>0</difficult>\n\t\t<bndbox><xmin>1</xmin><ymin>1</ymin><xmax>200</xmax><ymax>300</ymax></bndbox>'
check "occluded as an element" contains "$(cat v.voc/Annotations/chelsea.xml)" "<occluded>1</occluded>"
check "and not repeated as <attribute>" not_contains "$(cat v.voc/Annotations/chelsea.xml)" "<attribute>"
printf '<annotation><filename>chelsea.png</filename><size><width>451</width><height>300</height></size><object><name>cat</name><bndbox><xmin>-4</xmin><ymin>1</ymin><xmax>20</xmax><ymax>20</ymax></bndbox></object></annotation>\n' > far.xml
expect_rc 1 "a box far past the edge is refused" "$BOXEL" import --db v.db far.xml
check "one line saying so" one_line "$ERR"
check "it says the box leaves the image" contains "$ERR" "box leaves the image"

# --- YOLO layouts other tools write ---
# Ultralytics: images/<split> beside labels/<split>, splits in data.yaml
# (PyYAML's block style, an {index: name} map). The dataset lies beneath
# the image root so the images are reachable.
U=img/ul
mkdir -p $U/images/train $U/images/val $U/labels/train $U/labels/val
cp img/chelsea.png $U/images/train/ && cp img/coffee.png $U/images/val/
printf 'path: .\ntrain: images/train\nval: images/val\nnames:\n  0: cat\n  1: cup\n' > $U/data.yaml
printf '0 0.5 0.5 0.2 0.4\n' > $U/labels/train/chelsea.txt
printf '1 0.5 0.5 0.5 0.5\n' > $U/labels/val/coffee.txt
fresh u.db
expect_rc 0 "Ultralytics layout with splits" "$BOXEL" import --db u.db $U
check "both splits imported" contains "$OUT" "imported 2 tasks (2 new, 2 with prelabels)"
check "val's label found by images/ -> labels/" test "$(answer u.db prelabel ul/images/val/coffee.png)" = '{"annotations":[{"box":[150,100,300,200],"class":"cup"}],"global":{}}'
# Roboflow: train/images + train/labels, valid/..., data.yaml with ../ paths
R=img/rf
mkdir -p $R/train/images $R/train/labels $R/valid/images $R/valid/labels
cp img/chelsea.png $R/train/images/ && cp img/rocket.jpg $R/valid/images/
printf "train: ../train/images\nval: ../valid/images\n\nnc: 2\nnames: ['cat', 'rocket']\n" > $R/data.yaml
printf '0 0.5 0.5 0.2 0.4\n' > $R/train/labels/chelsea.txt
printf '1 0.5 0.5 0.0625 0.2\n' > $R/valid/labels/rocket.txt
fresh r.db
expect_rc 0 "Roboflow layout" "$BOXEL" import --db r.db $R
check "Roboflow: both images" contains "$OUT" "imported 2 tasks (2 new, 2 with prelabels)"
check "Roboflow: valid's label" near "$(answer r.db prelabel rf/valid/images/rocket.jpg)" "a['annotations'][0]['class'] == 'rocket' and abs(a['annotations'][0]['box'][0] - 300) < 1e-9"
rm $R/data.yaml && printf 'names: [cat, rocket]\n' > $R/data.yaml
fresh r2.db
expect_rc 0 "Roboflow layout without splits in data.yaml" "$BOXEL" import --db r2.db $R
check "found train/ and valid/ by their names" contains "$OUT" "imported 2 tasks (2 new, 2 with prelabels)"
printf 'names: [cat, rocket]\nval: ../nowhere/images\n' > $R/data.yaml
expect_rc 1 "a split that does not exist" "$BOXEL" import --db r2.db $R
check "names the split and the path" contains "$ERR" "val: "
check "says what is missing" contains "$ERR" "no such folder, image list or image"
# predictions with a confidence column; 1% past the edge
P=img/pr
mkdir -p $P/images $P/labels
cp img/chelsea.png img/coffee.png $P/images/
printf 'names: [cat, cup]\n' > $P/data.yaml
printf '0 0.5 0.5 0.2 0.4 0.91\n' > $P/labels/chelsea.txt
printf '1 0.9 0.5 0.205 0.5\n' > $P/labels/coffee.txt
fresh p.db
expect_rc 0 "predictions and an edge box" "$BOXEL" import --db p.db $P
check "the confidence makes a suggestion" near "$(answer p.db suggestion pr/images/chelsea.png)" "a['annotations'][0]['score'] == 0.91 and a['annotations'][0]['suggestion'] == True"
check "a file without confidences stays a prelabel" test -n "$(answer p.db prelabel pr/images/coffee.png)"
# coffee 600x400: 0.9 + 0.1025 = 1.0025 -> clamped at 600: x 0.7975*600 = 478.5, w 121.5
check "the edge box is clamped" near "$(answer p.db prelabel pr/images/coffee.png)" "abs(a['annotations'][0]['box'][0] - 478.5) < 1e-6 and abs(a['annotations'][0]['box'][2] - 121.5) < 1e-6"
check "and the clamp is reported" contains "$ERR" "1 object within 1% past the image edge clamped to it"

# --- what boxel writes, read by Ultralytics' rules ---
# Every images/train/X has labels/train/X.txt (img2label), every label
# line is all-box or the file all-polygon, values in 0..1, classes < nc;
# data.yaml parses with PyYAML and has path, train, val, names.
expect_rc 1 "yolo export of a mixed project (points left out: exit 1)" "$BOXEL" export --db a.db --format yolo ul.yolo
check "Ultralytics' label rules hold" $PY - ul.yolo <<'PY'
import os, sys
root = sys.argv[1]
y = open(os.path.join(root, "data.yaml")).read()
import yaml                                  # PyYAML, as Ultralytics reads it
d = yaml.safe_load(y)
assert os.path.isabs(d["path"]) and os.path.samefile(d["path"], root), d["path"]
imgdir = os.path.join(d["path"], d["train"])
assert os.path.samefile(imgdir, os.path.join(d["path"], d["val"]))
n = 0
for dp, _, fs in os.walk(imgdir):
    for f in fs:
        img = os.path.join(dp, f)
        assert os.path.isfile(img), img          # the link resolves
        sa, sb = os.sep + "images" + os.sep, os.sep + "labels" + os.sep
        lab = sb.join(img.rsplit(sa, 1)).rsplit(".", 1)[0] + ".txt"
        rows = [l.split() for l in open(lab) if l.strip()]
        kinds = {len(r) == 5 for r in rows}
        assert len(kinds) <= 1, (lab, rows)      # one kind per file
        for r in rows:
            assert 0 <= int(r[0]) < len(d["names"]), r
            assert all(0 <= float(v) <= 1 for v in r[1:]), r
            assert len(r) == 5 or (len(r) - 1) % 2 == 0 and len(r) >= 7, r
        n += 1
assert n == 4, n
PY

finish
