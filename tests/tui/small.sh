# small.sh: an 80x24 terminal with an 80-class taxonomy and a 150-object
# image: the class window, the object list and the selected object's
# attributes all stay on screen; v finds an object under the crosshair,
# Tab brings the view to it; / picks a class by name; the tool carries over
# to the next task; Ctrl-P copies the previous task's objects, and only onto
# an image of the same size; Y says what it accepted.
. "$(dirname "$0")/lib.sh"
TUI_W=80
TUI_H=24

P=$T_TMP/p
mkdir -p "$P/img"
python3 "$(dirname "$0")/make-scene.py" "$P/img/a.png"
cp "$P/img/a.png" "$P/img/b.png"
# c.png is another size: the previous task's objects are not copied onto it.
convert "$P/img/a.png" -crop 300x200+0+0 +repage "$P/img/c.png"
{
	printf '{"name": "eighty", "classes": [\n'
	for i in $(seq 1 80); do
		n=$(printf 'class %02d' "$i")
		[ "$i" = 57 ] && n="zebra crossing"
		printf '  {"name": "%s", "geometries": ["box", "polygon"], "attributes": [{"name": "occluded", "type": "bool", "default": false}]}%s\n' \
			"$n" "$([ "$i" -lt 80 ] && echo ,)"
	done
	printf ']}\n'
} > "$P/tax.json"
# 150 prelabelled boxes on a.png in a 15x10 grid of 20x20 boxes, 2 px apart;
# 3 suggestions on b.png, two of them at or above 0.5.
python3 - "$P/pre.jsonl" <<'PY'
import json, sys
anns = [{"class": "class %02d" % (1 + k % 9), "box": [10 + 25 * (k % 15), 20 + 25 * (k // 15), 20, 20]}
        for k in range(150)]
with open(sys.argv[1], "w") as f:
    f.write(json.dumps({"image": "a.png", "answer": {"annotations": anns}}) + "\n")
PY
printf '%s\n' '{"image": "b.png", "answer": {"annotations": [{"class": "class 02", "box": [10, 10, 50, 50], "score": 0.9}, {"class": "class 02", "box": [100, 10, 50, 50], "score": 0.6}, {"class": "class 03", "box": [200, 10, 50, 50], "score": 0.2}]}}' > "$P/sugg.jsonl"
DB=$P/boxel.db
"$BOXEL" init --db "$DB" --images "$P/img" --taxonomy "$P/tax.json" >/dev/null
"$BOXEL" config set --db "$DB" serve_order import >/dev/null # screens in import order
"$BOXEL" import --db "$DB" "$P/img" >/dev/null
"$BOXEL" import --db "$DB" "$P/pre.jsonl" >/dev/null
"$BOXEL" import --db "$DB" --as suggestions "$P/sugg.jsonl" >/dev/null
"$BOXEL" user add alice --role annotator --db "$DB" >/dev/null
"$BOXEL" batch create b --kind production --tasks all --db "$DB" >/dev/null
check "150 prelabels imported" [ "$(sq "SELECT json_array_length(json_extract(answer, '\$.annotations')) FROM task_answers WHERE kind = 'prelabel'")" = 150 ]

label
expect_screen "opens at 80x24" "a.png"
expect_screen "a window of the classes" "Classes 1-5 of 80"
expect_screen "the object list is on screen" "Objects (150)"
# The crosshair starts at (200, 150), inside box 83 (x 185..205, y 145..165).
tui_keys v
expect_screen "v selects the object under the crosshair" "grab #83"
expect_screen "its attributes are on screen" "#83 attributes"
expect_screen "the list shows the selected one" ">83 class 02"
tui_keys BTab
expect_screen "Shift-Tab selects the one before" "grab #82"
tui_keys Escape Escape /
tui_type zeb
tui_keys Enter
expect_screen "class 57 by name" "zebra crossing"
expect_screen "the class window follows the current class" "Classes 55-59 of 80"
tui_keys p
expect_screen "polygon tool" "polygon  zebra crossing"
tui_keys s
expect_screen "next task" "b.png"
expect_screen "the tool and class carry over" "polygon  zebra crossing"
tui_keys Y
expect_screen "Y says what it accepted" "accepted 2 suggestions with score >= 0.50; 1 left"
tui_keys C-p
expect_screen "Ctrl-P copies the previous task's objects" "copied 150 objects from your previous task"
tui_keys u
expect_screen "one undo takes the copy back" "Objects (3)"
tui_keys s
expect_screen "the submit message counts only what was submitted" "submitted b.png (2 objects"
wait_sql "the unaccepted suggestion was not submitted" \
	"SELECT json_array_length(json_extract(j.answer, '\$.annotations')) FROM judgments j JOIN tasks t ON t.id = j.task WHERE t.image = 'b.png'" "2"
expect_screen "next task, another size" "c.png"
tui_keys C-p
expect_screen "Ctrl-P refuses another image size" "not copied: your previous image was 400x300, this one is 300x200"
expect_screen "nothing was copied" "Objects (0)"
tui_keys q
finish
