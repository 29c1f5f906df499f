# mouse.sh: mouse reports (xterm SGR 1006 encoding, as a terminal with
# 1002 button-motion tracking sends them): a drag draws a box, a click in
# the object list selects, the wheel zooms.
. "$(dirname "$0")/lib.sh"

make_project "$T_TMP/p"
label
expect_screen "opens" "task 1/4"
# The 512x512 image fills 96x48 cells of the 102x48 pane: 0.1875 display
# pixels per image pixel, 2 display pixels per cell row, 3 columns of margin.
# The centre of 0-based cell (c, r) is x = -16 + (c + 0.5) / 0.1875,
# y = (2r + 1) / 0.1875: press at (23, 10) -> (109, 112), release at
# (33, 20) -> (163, 219), a 54x107 box. Reports are 1-based.
tui_type $'\033[<0;24;11M'
tui_type $'\033[<32;34;21M'
tui_type $'\033[<0;34;21m'
expect_screen "a drag draws a box" "Objects (1)"
expect_screen "box from the press to the release" "box 109,112 54x107"
tui_keys Escape Escape
expect_screen "deselected" " 1 cat      box"
# A click on the list row selects (and grabs) the object.
row=$(tui_screen | grep -n " 1 cat      box" | head -1 | cut -d: -f1)
tui_type $'\033[<0;140;'"$row"'M'
tui_type $'\033[<0;140;'"$row"'m'
expect_screen "click in the list selects" "grab #1"
tui_type $'\033[<64;30;20M'
expect_screen "wheel zooms in" "zoom 2.0x"
# Hostile and cut reports (boxel reads reports itself: ncurses 6.4's
# decoder overflowed its stack on the first): nothing breaks, nothing of
# a bad report is typed as keys, and a cut report does not hold the key
# after it.
tui_type $'\033[<0;;;;;;;;;;;;;;;;;;;;;;;;;;;;;;;;;;;;1M'
tui_type '+'
expect_screen "a report with 35 parameters is dropped whole" "zoom 4.0x"
tui_type $'\033[<0;5'
sleep 0.5
tui_type '+'
expect_screen "a cut report does not hold the next key" "zoom 5.3x (1:1)"
# The old X10 form (ESC [ M and three bytes of value + 32), which a
# terminal without SGR sends: a drag from cell (23, 10) to (33, 20). It
# starts inside box #1, which would move it: deselect first.
tui_keys Escape Escape
tui_gone "grab #1"
expect_screen "deselected before the X10 drag" "│   1 cat      box"
tui_type $'\033[M 8+'
tui_type $'\033[M@B5'
tui_type $'\033[M#B5'
expect_screen "an X10 drag draws a box" "Objects (2)"
tui_keys q
finish
