# multipolygon.sh: an object in parts drawn through the real terminal: the
# I tool takes ring after ring (back on a ring's first vertex, or Enter,
# closes it; Enter on the empty next ring finishes), Backspace takes back
# a vertex and then reopens the ring closed last, the terminal dropped
# mid-drawing comes back with the closed rings, a ring drawn with the mouse
# (SGR reports as in mouse.sh), undo, submit.
. "$(dirname "$0")/lib.sh"

project_with_class '{"name": "parts", "color": "#00ff00", "geometries": ["multipolygon"]}'
label
expect_screen "first task opens" "task 1/4"

tui_keys 7
expect_screen "the class picks the multipolygon tool" " multipolygon  parts"
# Ring 1 from the crosshair at 256,256 (steps of 5 px): a triangle, closed
# by coming back to its first vertex.
tui_keys Space 4l Space 4j Space
expect_screen "ring 1 being drawn" "ring 1  vertices 3"
tui_keys 4h 4k Space
expect_screen "back on the first vertex closes ring 1" "ring 1 closed"
expect_screen "ring 2 next" "ring 2  vertices 0"
tui_keys BSpace
expect_screen "Backspace reopens ring 1" "ring 1  vertices 3"
tui_keys Enter
expect_screen "Enter closes it again" "ring 2  vertices 0"
# Ring 2, away from ring 1: two vertices, then the terminal goes away.
tui_keys 8j Space 4l Space
wait_sql "the draft holds ring 1 closed and two vertices of ring 2" \
	"SELECT json_extract(state, '\$.pending') FROM drafts" \
	"[[256.0,256.0],[276.0,256.0],[276.0,276.0,1],[256.0,296.0],[276.0,296.0]]"
drop_terminal

label
expect_screen "same task again" "resumed your task"
expect_screen "ring 2 resumes with its two vertices" "ring 2  vertices 2"
tui_keys 4j Space Enter
expect_screen "Enter closes ring 2" "ring 3  vertices 0"
tui_keys Enter
expect_screen "Enter again makes the object" "multipoly 2 rings 6 pts"
wait_sql "two rings in the draft" \
	"SELECT json_extract(state, '\$.answer.annotations[0].multipolygon') FROM drafts" \
	"[[[256,256],[276,256],[276,276]],[[256,296],[276,296],[276,316]]]"
tui_keys u
expect_screen "one undo takes the object back" "Objects (0)"

# With the mouse: the 512x512 image fills 96x48 cells (as in mouse.sh): the
# centre of 0-based cell (c, r) is x = -16 + (c + 0.5) / 0.1875, y = (2r +
# 1) / 0.1875, to the nearest pixel; reports are 1-based. A triangle closed
# by a click on its first vertex, a second triangle, and a click on that
# one's first vertex again finishes.
click() { tui_type $'\033[<0;'"$1;$2"'M'; tui_type $'\033[<0;'"$1;$2"'m'; }
tui_keys Escape Escape
click 24 11; click 34 11; click 34 21; click 24 11
expect_screen "a click on the first vertex closes the ring" "ring 2  vertices 0"
click 50 11; click 60 11; click 60 21; click 50 11
expect_screen "the second ring closed" "ring 3  vertices 0"
click 50 11
expect_screen "a click on the closed ring's start finishes" "multipoly 2 rings 6 pts"
# (c - 0.5) / 0.1875 = (2c - 1) * 8 / 3, rounded in integers
px() { echo "[$(( ((2 * $1 - 1) * 16 + 3) / 6 - 16 )),$(( ((2 * $2 - 1) * 32 + 3) / 6 ))]"; }
want="[[$(px 24 11),$(px 34 11),$(px 34 21)],[$(px 50 11),$(px 60 11),$(px 60 21)]]"
wait_sql "the mouse's rings where clicked" \
	"SELECT json_extract(state, '\$.answer.annotations[0].multipolygon') FROM drafts" "$want"

tui_keys g
expect_screen "global editor opens" "Global attributes"
tui_keys Right Escape
tui_keys s
expect_screen "next task appears" "task 2/4"
wait_sql "submitted as one object of two rings" \
	"SELECT json_array_length(json_extract(answer, '\$.annotations[0].multipolygon')) FROM judgments WHERE submitted_ms IS NOT NULL" \
	"2"
tui_keys q
finish
