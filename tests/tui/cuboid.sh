# cuboid.sh: a cuboid through the real terminal: the U tool draws its
# front face as a box and sets the back face up and right; a back vertex
# is grabbed and moved; undo; submit with its 8 vertices.
. "$(dirname "$0")/lib.sh"

cp -r "$BOXEL_SOURCE_ROOT/sample-data" "$T_TMP/s"
python3 - "$T_TMP/s/taxonomy.json" <<'PY'
import json, sys
p = sys.argv[1]
t = json.load(open(p))
t["classes"].insert(6, {"name": "crate", "color": "#00ff00", "geometries": ["cuboid"]})
json.dump(t, open(p, "w"), indent=1)
PY
make_project "$T_TMP/p" "$T_TMP/s"
label
expect_screen "first task opens" "task 1/4"

tui_keys U 7
expect_screen "cuboid tool, class 7" " cuboid  crate"
# Front face from (256, 256) to 6 steps right, 3 down (5 px a step):
# 30x15; the back face a third of 15 (5 px) up and right.
tui_keys Space
tui_type 6l
tui_type 3j
tui_keys Space
expect_screen "front and back face" "cuboid 256,251 35x20"
wait_sql "8 vertices in the draft" \
	"SELECT json_extract(state, '\$.answer.annotations[0].cuboid[4]') || json_extract(state, '\$.answer.annotations[0].cuboid[6]') FROM drafts" \
	"[261,251][291,266]"

# Vertex 5 is the back face's top-left: grab it (] five times), move it
# two steps up.
tui_keys Tab ] ] ] ] ]
expect_screen "] grabs vertex 5" "grab #1 vertex 5"
tui_keys k k
expect_screen "the back face grew up" "cuboid 256,241 35x30"
wait_sql "moved in the draft" \
	"SELECT json_extract(state, '\$.answer.annotations[0].cuboid[4]') FROM drafts" "[261,241]"
tui_keys u
expect_screen "undo" "cuboid 256,251 35x20"

tui_keys g
expect_screen "global editor opens" "Global attributes"
tui_keys Right Escape
tui_keys s
expect_screen "next task appears" "task 2/4"
wait_sql "submitted with its 8 vertices" \
	"SELECT json_array_length(answer, '\$.annotations[0].cuboid') FROM judgments WHERE submitted_ms IS NOT NULL" \
	"8"
tui_keys q
finish
