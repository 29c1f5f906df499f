# extreme-zoom.sh: extreme points on an object too small to place at fit
# zoom (issue 9): at 80x24 the 400x300 synthetic scene (make-scene.py) is
# drawn at 0.1125 cells per pixel, so the green box (20,200 40x80) is 4.5
# cells wide. After its left- and top-most points are clicked the
# view zooms in on it; the other two are placed by keys at that zoom, and
# the view comes back to fit with the box.
. "$(dirname "$0")/lib.sh"
TUI_W=80 TUI_H=24
scene_project || fail "the scene's project"

# The pane is 45 cells by 22 rows from the top left; 1-based cell (c, r)
# covers x = (c - 0.5) / 0.1125, y = -45.6 + (2r - 1) / 0.1125. The green
# box's left side (x 20) is near cell column 3, row 16 is y 230; its top
# (y 200) near row 14, column 5 is x 40.
click() { tui_type $'\033[<0;'"$1;$2"'M'; tui_type $'\033[<0;'"$1;$2"'m'; }
# goto X Y: counted moves of the status line's step to the nearest place.
goto() {
	local s x y step
	s=$(tui_screen | grep -o 'x [0-9]* y [0-9]* *step [0-9]*' | tail -1)
	set -- "$1" "$2" $s
	x=$4 y=$6 step=$8
	local dx=$(( ($1 - x) / step )) dy=$(( ($2 - y) / step ))
	if [ "$dx" -gt 0 ]; then tui_type "${dx}l"; elif [ "$dx" -lt 0 ]; then tui_type "$((-dx))h"; fi
	if [ "$dy" -gt 0 ]; then tui_type "${dy}j"; elif [ "$dy" -lt 0 ]; then tui_type "$((-dy))k"; fi
}

label
expect_screen "opens at fit zoom" "zoom 1.0x"
tui_keys E
expect_screen "extreme tool" "extreme"
click 3 16
expect_screen "first point placed" "left-most point snapped"
click 5 14
expect_screen "the second point zooms in on the small object" "zoomed in on the object"
if tui_gone "zoom 1.0x"; then pass; else fail "the zoom is no longer fit"; fi
goto 60 240
tui_keys Space
expect_screen "third point placed at the zoom" "right-most point snapped"
goto 40 280
tui_keys Space
expect_screen "four points make the green box's tight box" "box 20,200 40x80"
expect_screen "the view is back at fit zoom" "zoom 1.0x"
