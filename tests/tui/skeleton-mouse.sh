# skeleton-mouse.sh: a keypoint skeleton drawn with the mouse (SGR 1006
# reports, as tests/tui/mouse.sh sends them), each click placing the
# point the status line names; the terminal dropped mid-skeleton (tmux
# kill-server: SIGHUP, as a dropped SSH link) with two points taken, and
# the reopened screen resumes the draft with them and names the third.
. "$(dirname "$0")/lib.sh"

project_with_class '{"name": "pose", "color": "#00ff00", "geometries": ["skeleton"],
  "keypoints": ["left_eye", "right_eye", "nose", "tail"], "skeleton": [[1, 2], [1, 3], [2, 3]]}'
label
expect_screen "first task opens" "task 1/4"
# The 512x512 image fills 96x48 cells (as in mouse.sh): the centre of
# 0-based cell (c, r) is image x = -16 + (c + 0.5) / 0.1875, y = (2r + 1) /
# 0.1875, taken to the nearest pixel. Reports are 1-based.
click() { tui_type $'\033[<0;'"$1;$2"'M'; tui_type $'\033[<0;'"$1;$2"'m'; }
# (c - 0.5) / 0.1875 = (2c - 1) * 8 / 3, rounded in integers
px() { echo "$(( ((2 * $1 - 1) * 16 + 3) / 6 - 16 )) $(( ((2 * $2 - 1) * 32 + 3) / 6 ))"; }
tui_keys S 7
expect_screen "skeleton tool, first point named" "skeleton 0/4: left_eye next"
click 24 11
expect_screen "a click takes left_eye" "skeleton 1/4: right_eye next"
click 34 11
expect_screen "a second click right_eye" "skeleton 2/4: nose next"
wait_sql "the two points are in the draft" \
	"SELECT json_array_length(json_extract(state, '\$.pending')) FROM drafts" "2"

drop_terminal

label
expect_screen "same task again" "resumed your task"
expect_screen "the skeleton resumes at its third point" "skeleton 2/4: nose next"
tui_keys N
expect_screen "nose skipped" "skeleton 3/4: tail next"
click 29 21
expect_screen "the last click makes the skeleton" "skeleton 3/4 points"
read -r x1 y1 <<<"$(px 24 11)"
read -r x2 y2 <<<"$(px 34 11)"
read -r x4 y4 <<<"$(px 29 21)"
got=$(sq "SELECT json_extract(state, '\$.answer.annotations[0].skeleton') FROM drafts")
check "points where clicked, before and after the drop (got $got)" \
	test "$got" = "[[$x1,$y1,2],[$x2,$y2,2],[0,0,0],[$x4,$y4,2]]"
tui_keys u
wait_sql "one undo takes the whole skeleton back" \
	"SELECT json_array_length(json_extract(state, '\$.answer.annotations')) FROM drafts" "0"
tui_keys q
finish
