# rbox.sh: a rotated box through the real terminal: the R tool draws it
# upright, > and < turn it in 5-degree steps or by a count, 45@ sets the
# angle; a corner handle resizes it in its own frame; undo; submit.
. "$(dirname "$0")/lib.sh"

cp -r "$BOXEL_SOURCE_ROOT/sample-data" "$T_TMP/s"
python3 - "$T_TMP/s/taxonomy.json" <<'PY'
import json, sys
p = sys.argv[1]
t = json.load(open(p))
t["classes"].insert(6, {"name": "visor", "color": "#00ff00", "geometries": ["rotated_box"]})
json.dump(t, open(p, "w"), indent=1)
PY
make_project "$T_TMP/p" "$T_TMP/s"
label
expect_screen "first task opens" "task 1/4"

tui_keys R 7
expect_screen "rotated box tool, class 7" " rotated_box  visor"
# Two corners, upright: (256, 256) and 4 steps right, 2 down (5 px a step).
tui_keys Space
tui_type 4l
tui_type 2j
tui_keys Space
expect_screen "drawn upright about its centre" "rbox 266,261 20x10 0deg"
tui_type '>'
expect_screen "> turns 5 degrees" "rbox 266,261 20x10 5deg"
tui_type '30>'
expect_screen "a count turns that many" "rbox 266,261 20x10 35deg"
tui_type '<'
expect_screen "< turns back 5" "rbox 266,261 20x10 30deg"
tui_type '45@'
expect_screen "@ sets the angle" "rbox 266,261 20x10 45deg"
wait_sql "the draft has the angle" \
	"SELECT json_extract(state, '\$.answer.annotations[0].rotated_box') FROM drafts" "[266,261,20,10,45]"
tui_keys u
expect_screen "undo goes back to 30" "rbox 266,261 20x10 30deg"

# Grab the first corner and move it one step right: in the box's frame
# that is 5 cos 30 = 4.33 along its width (narrower) and -5 sin 30 = -2.5
# along its height (taller): 15.67 x 12.5.
tui_keys Tab ]
expect_screen "] grabs a corner" "grab #1 corner 1"
tui_keys l
wait_sql "resized in its own frame" \
	"SELECT printf('%.2f %.2f %d', json_extract(state, '\$.answer.annotations[0].rotated_box[2]'), json_extract(state, '\$.answer.annotations[0].rotated_box[3]'), json_extract(state, '\$.answer.annotations[0].rotated_box[4]')) FROM drafts" \
	"15.67 12.50 30"
tui_keys u
expect_screen "undo the resize" "rbox 266,261 20x10 30deg"

tui_keys g
expect_screen "global editor opens" "Global attributes"
tui_keys Right Escape
tui_keys s
expect_screen "next task appears" "task 2/4"
wait_sql "submitted with the rotated box" \
	"SELECT json_extract(answer, '\$.annotations[0].rotated_box') FROM judgments WHERE submitted_ms IS NOT NULL" \
	"[266,261,20,10,30]"
tui_keys q
finish
