# polyline.sh: an open line through the real terminal: the _ tool, two
# vertices by mouse clicks and one by keys, Enter ends it; grab and move a
# vertex, undo, insert a vertex, submit. The store holds what the screen
# shows at each step.
. "$(dirname "$0")/lib.sh"

# The demo photos with one more class that only allows lines.
cp -r "$BOXEL_SOURCE_ROOT/sample-data" "$T_TMP/s"
python3 - "$T_TMP/s/taxonomy.json" <<'PY'
import json, sys
p = sys.argv[1]
t = json.load(open(p))
t["classes"].insert(6, {"name": "whisker", "color": "#00ff00", "geometries": ["polyline"]})
json.dump(t, open(p, "w"), indent=1)
PY
make_project "$T_TMP/p" "$T_TMP/s"
label
expect_screen "first task opens" "task 1/4"

tui_type _
expect_screen "the polyline tool" " polyline  cat"
tui_keys 7
expect_screen "class 7 is the line class" " polyline  whisker"
# Cells as in mouse.sh: 1-based (24, 11) is image (109, 112), (34, 21) is
# (163, 219). A click places a vertex; its release must not end the line.
tui_type $'\033[<0;24;11M'
tui_type $'\033[<0;24;11m'
expect_screen "a click places the first vertex" "vertices 1"
tui_type $'\033[<0;34;21M'
tui_type $'\033[<0;34;21m'
expect_screen "a second click, a second vertex" "vertices 2"
# Keys: 4 steps right (5 image pixels a step at fit zoom), place.
tui_type 4l
expect_screen "crosshair moved" "x 183 y 219"
tui_keys Space
expect_screen "third vertex" "vertices 3"
tui_keys Enter
expect_screen "Enter ends the line" "line 3 pts @109,112"
wait_sql "draft holds the polyline" \
	"SELECT json_extract(state, '\$.answer.annotations[0].polyline') FROM drafts" \
	"[[109,112],[163,219],[183,219]]"

# Grab the object, then its first vertex, and move it two steps right.
tui_keys Tab
expect_screen "Tab grabs the line" "grab #1"
tui_keys ]
expect_screen "] grabs the first vertex" "grab #1 vertex 1"
tui_keys l l
expect_screen "the vertex moved" "line 3 pts @119,112"
wait_sql "the move is in the draft" \
	"SELECT json_extract(state, '\$.answer.annotations[0].polyline[0]') FROM drafts" "[119,112]"
tui_keys u
expect_screen "undo puts it back" "line 3 pts @109,112"
wait_sql "undo saved" \
	"SELECT json_extract(state, '\$.answer.annotations[0].polyline[0]') FROM drafts" "[109,112]"
# Insert after the grabbed (first) vertex: the midpoint of the first
# segment, (136, 165.5) rounded to (136, 166).
tui_keys ] i
expect_screen "insert adds a vertex" "line 4 pts @109,112"
wait_sql "inserted vertex in the draft" \
	"SELECT json_extract(state, '\$.answer.annotations[0].polyline[1]') FROM drafts" "[136,166]"

# Submit (the demo requires the global scene first).
tui_keys g
expect_screen "global editor opens" "Global attributes"
tui_keys Right Escape
tui_keys s
expect_screen "next task appears" "task 2/4"
wait_sql "submitted with the line" \
	"SELECT json_extract(answer, '\$.annotations[0].class') || ' ' || json_array_length(answer, '\$.annotations[0].polyline') FROM judgments WHERE submitted_ms IS NOT NULL" \
	"whisker 4"
wait_sql "the store's annotation row" \
	"SELECT geom || ' ' || json_array_length(points) FROM annotations" "polyline 4"
tui_keys q
finish
