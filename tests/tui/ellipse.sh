# ellipse.sh: an ellipse through the real terminal: the O tool takes two
# corners of its upright bounding box (one by a mouse click), > turns it,
# 90@ sets the angle, an axis-end handle stretches one radius; undo;
# submit.
. "$(dirname "$0")/lib.sh"

cp -r "$BOXEL_SOURCE_ROOT/sample-data" "$T_TMP/s"
python3 - "$T_TMP/s/taxonomy.json" <<'PY'
import json, sys
p = sys.argv[1]
t = json.load(open(p))
t["classes"].insert(6, {"name": "helmet", "color": "#00ff00", "geometries": ["ellipse"]})
json.dump(t, open(p, "w"), indent=1)
PY
make_project "$T_TMP/p" "$T_TMP/s"
label
expect_screen "first task opens" "task 1/4"

tui_keys O 7
expect_screen "ellipse tool, class 7" " ellipse  helmet"
# First corner by a click at 1-based cell (24, 11): image (109, 112) (see
# mouse.sh); the second by keys: 8 steps right, 4 down (5 px a step).
tui_type $'\033[<0;24;11M'
tui_type $'\033[<0;24;11m'
tui_type 8l
tui_type 4j
expect_screen "crosshair at the second corner" "x 149 y 132"
tui_keys Space
expect_screen "centre and radii of the 40x20 box" "ellipse 129,122 r20x10 0deg"
tui_type '>'
expect_screen "> turns 5 degrees" "ellipse 129,122 r20x10 5deg"
tui_type '90@'
expect_screen "90@ sets the angle" "ellipse 129,122 r20x10 90deg"
wait_sql "the draft has it" \
	"SELECT json_extract(state, '\$.answer.annotations[0].ellipse') FROM drafts" "[129,122,20,10,90]"

# Grab the end of its first axis (turned 90: straight below the centre)
# and move it one step down: that radius grows by 5.
tui_keys Tab ]
expect_screen "] grabs an axis end" "grab #1 axis end 1"
tui_keys j
expect_screen "the radius grew" "ellipse 129,122 r25x10 90deg"
tui_keys u
expect_screen "undo" "ellipse 129,122 r20x10 90deg"

tui_keys g
expect_screen "global editor opens" "Global attributes"
tui_keys Right Escape
tui_keys s
expect_screen "next task appears" "task 2/4"
wait_sql "submitted with the ellipse" \
	"SELECT json_extract(answer, '\$.annotations[0].ellipse') FROM judgments WHERE submitted_ms IS NOT NULL" \
	"[129,122,20,10,90]"
tui_keys q
finish
