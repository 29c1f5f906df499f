# switch-click.sh: the first mouse click after a task switch takes effect
# (issue 9: once, extreme points made no box on the first object of the
# next image). Two copies of the synthetic scene (tests/tui/make-scene.py);
# the extreme-points tool carries over; right after s, four clicks are sent
# at once, without waiting for the next image to be drawn, and must make
# the ellipse's tight box; after the second switch, a drag with the box tool
# must draw its box.
. "$(dirname "$0")/lib.sh"

scene_project 3

# At 160x50 the 400x300 scene is drawn at 0.255 cells per pixel, its top
# at y = -38.2: 1-based cell (c, r) covers x = (c - 0.5) / 0.255,
# y = -38.2 + (2r - 1) / 0.255. The ellipse (bounds 260,195 80x50) has its
# extremes near cells (67,33), (77,30), (87,33) and (77,37).
click() { tui_type $'\033[<0;'"$1;$2"'M'; tui_type $'\033[<0;'"$1;$2"'m'; }
extremes() { click 67 33; click 77 30; click 87 33; click 77 37; }

label
expect_screen "opens on the first scene" "scene.png"
tui_keys E
expect_screen "extreme tool" "extreme  thing"
extremes
expect_screen "four clicks make the ellipse's box" "box 260,195 80x50"
# Submit and click at once: the clicks are read after the switch.
tui_keys s
extremes
expect_screen "the second scene is open" "scene2.png"
expect_screen "the clicks right after s made the box on the new task" "box 260,195 80x50"
wait_sql "the first task's box was submitted" \
	"SELECT count(*) FROM judgments WHERE state = 'submitted'" "1"
# The box tool, a drag right after the switch.
tui_keys b
expect_screen "box tool" "box  thing"
tui_keys s
tui_type $'\033[<0;31;21M'
tui_type $'\033[<32;57;28M'
tui_type $'\033[<0;57;28m'
expect_screen "the third scene is open" "scene3.png"
expect_screen "the drag right after s drew a box" "Objects (1)"
tui_keys q
finish
