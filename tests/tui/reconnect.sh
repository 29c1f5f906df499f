# reconnect.sh: the terminal goes away mid-draft (tmux kill-server sends
# SIGHUP, as a dropped SSH link does); reopening finds the same task with
# the same objects, zoom, crosshair and undo history. Also: a polygon, a
# point, Backspace and Esc while drawing.
. "$(dirname "$0")/lib.sh"

make_project "$T_TMP/p"
label
expect_screen "first task" "task 1/4"

# A polygon: p, three vertices, Backspace drops the last, two more, Enter.
tui_keys p
expect_screen "polygon tool" " polygon  cat"
tui_keys Space l l Space j j Space BSpace
expect_screen "backspace keeps two vertices" "x 266 y 266"
tui_keys j j Space h h h h Space Enter
expect_screen "polygon in the list" "poly 4 pts @256,256"
# A point needs a class that allows points: face (4) switches the tool.
# (A digit right before a move is a count, so place first.)
tui_keys 4
expect_screen "face picks the point tool" " point  face"
tui_keys Space
expect_screen "point placed at the crosshair" "point 246,276"
expect_screen "the polygon kept its class" "cat      poly"
tui_keys K
expect_screen "K moves 10 steps up" "x 246 y 226"
# Esc abandons a box in progress.
tui_keys 1 b Space l Escape
expect_screen "box tool back" " box  cat"
wait_sql "two objects in the draft" \
	"SELECT json_array_length(json_extract(state, '\$.answer.annotations')) FROM drafts" "2"

tui_keys + + L
expect_screen "zoomed" "zoom 4.0x"
wait_sql "zoom saved" "SELECT json_extract(state, '\$.zoom') FROM drafts" "4.0"

# Drop the terminal.
tmx kill-server
i=0
while pgrep -f "label --db $DB" >/dev/null && [ $i -lt 100 ]; do sleep 0.1; i=$((i + 1)); done
gone() { ! pgrep -f "label --db $DB" >/dev/null; }
check "boxel exits on SIGHUP" gone
wait_sql "the crosshair was saved" "SELECT json_extract(state, '\$.cx') FROM drafts" "261.0"
wait_sql "lease still held by alice" \
	"SELECT state FROM judgments WHERE id = (SELECT judgment FROM drafts)" "leased"

# Reconnect.
label
expect_screen "same task again" "resumed your task"
expect_screen "same zoom and crosshair" "zoom 4.0x  x 261 y 226"
expect_screen "polygon kept" "poly 4 pts @256,256"
expect_screen "point kept" "point 246,276"
tui_keys u
expect_screen "undo history survived: the point goes" "Objects (1)"
tui_keys u
expect_screen "and the polygon" "Objects (0)"
tui_keys C-r C-r
expect_screen "redo both" "Objects (2)"
tui_keys q
wait_sql "q keeps the lease (reconnect resumes it)" \
	"SELECT state FROM judgments WHERE id = (SELECT judgment FROM drafts)" "leased"
i=0
while pgrep -f "label --db $DB" >/dev/null && [ $i -lt 100 ]; do sleep 0.1; i=$((i + 1)); done

# A draft saved from the shell (queue save, as a script or a model's
# helper would) is what the screen resumes: its objects, no undo history.
c=$("$BOXEL" queue claim --db "$DB" --user alice --json)
check "the shell's claim resumes the same lease" contains "$c" '"resumed":true'
j=${c#*\"judgment\":}; j=${j%%,*}
t=${c#*\"token\":\"}; t=${t%%\"*}
cat > "$T_TMP/saved.json" <<'JSON'
{"annotations": [{"class": "cat", "box": [10, 10, 50, 40], "attributes": {"pose": "sitting"}},
                 {"class": "cat", "box": [100, 100, 30, 30], "attributes": {"pose": "lying"}},
                 {"class": "face", "point": [30, 30]}],
 "global": {"scene": "indoor"}}
JSON
check "queue save from the shell" "$BOXEL" queue save --db "$DB" --judgment "$j" --token "$t" \
	--user alice "$T_TMP/saved.json"
label
expect_screen "the saved draft is resumed" "resumed your task"
expect_screen "with its three objects" "Objects (3)"
expect_screen "the saved box" "cat      box 10,10 50x40 pose=sitting"
tui_keys u
expect_screen "no undo history came with it" "Objects (3)"
tui_keys q
finish
