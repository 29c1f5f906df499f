# skeleton.sh: a keypoint skeleton through the real terminal: the S tool
# places the class's named points in order, the status line naming the
# next; N skips one (v=0), F places one occluded (v=1); a point is
# grabbed and moved; undo; F toggles a grabbed point; submit.
. "$(dirname "$0")/lib.sh"

cp -r "$BOXEL_SOURCE_ROOT/sample-data" "$T_TMP/s"
python3 - "$T_TMP/s/taxonomy.json" <<'PY'
import json, sys
p = sys.argv[1]
t = json.load(open(p))
t["classes"].insert(6, {"name": "pose", "color": "#00ff00", "geometries": ["skeleton"],
                     "keypoints": ["left_eye", "right_eye", "nose", "tail"],
                     "skeleton": [[1, 2], [1, 3], [2, 3]]})
json.dump(t, open(p, "w"), indent=1)
PY
make_project "$T_TMP/p" "$T_TMP/s"
label
expect_screen "first task opens" "task 1/4"

tui_keys S 7
expect_screen "skeleton tool, class 7, first point named" "skeleton 0/4: left_eye next"
tui_keys Space
expect_screen "second point named" "skeleton 1/4: right_eye next"
tui_type 4l
tui_keys Space
expect_screen "third point named" "skeleton 2/4: nose next"
tui_keys N
expect_screen "nose skipped" "skeleton 3/4: tail next"
tui_keys F
expect_screen "the next one occluded" "next point: occluded"
tui_type 3j
tui_keys Space
expect_screen "made with 3 of 4 points" "skeleton 3/4 points"
wait_sql "points with their visibility in the draft" \
	"SELECT json_extract(state, '\$.answer.annotations[0].skeleton') FROM drafts" \
	"[[256,256,2],[276,256,2],[0,0,0],[276,271,1]]"

# Point 1 (left_eye): grab it (] once) and move it two steps up.
tui_keys Tab ]
expect_screen "] grabs point 1" "grab #1 keypoint 1"
tui_keys k k
wait_sql "moved in the draft" \
	"SELECT json_extract(state, '\$.answer.annotations[0].skeleton[0]') FROM drafts" "[256,246,2]"
tui_keys u
wait_sql "undo" \
	"SELECT json_extract(state, '\$.answer.annotations[0].skeleton[0]') FROM drafts" "[256,256,2]"
# Point 4 (tail) was placed occluded: F on it makes it visible.
tui_keys Tab ] ] ] ]
expect_screen "] grabs point 4" "grab #1 keypoint 4"
tui_keys F
wait_sql "visible now" \
	"SELECT json_extract(state, '\$.answer.annotations[0].skeleton[3]') FROM drafts" "[276,271,2]"

tui_keys g
expect_screen "global editor opens" "Global attributes"
tui_keys Right Escape
tui_keys s
expect_screen "next task appears" "task 2/4"
wait_sql "submitted with its 4 points" \
	"SELECT json_extract(answer, '\$.annotations[0].skeleton') FROM judgments WHERE submitted_ms IS NOT NULL" \
	"[[256,256,2],[276,256,2],[0,0,0],[276,271,2]]"
tui_keys q
finish
