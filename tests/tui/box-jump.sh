# box-jump.sh: a rough box in five keys. When a jump label typed in
# capitals places a box's first corner, the labels stay for the other
# corner, so `;` and four capitals draw the box tighten starts from; `:`
# or `;` before a label switches the kind of jump for that corner. A jump
# lets go of a grab: the moves after it are the crosshair's, not the
# handle's fixed before it (issue 9: a rough box cost two exact jumps).
. "$(dirname "$0")/lib.sh"

scene_project

xy() { tui_screen | tail -1 | sed -n 's/.* x \([0-9]*\) y \([0-9]*\) .*/\1 \2/p'; }

label
expect_screen "opens at fit" "x 200 y 150  step 4 "
# Where the plain jumps rt and ty land (one label right, one down).
tui_type '\;'
expect_screen "the jump labels" "jump: type the label"
tui_type ty
expect_screen "the jump closed" "task 1/1"
read -r x1 y1 < <(xy)
tui_type '\;'
expect_screen "the jump labels again" "jump: type the label"
tui_type rt
expect_screen "closed again" "task 1/1"
read -r x0 y0 < <(xy)
# In capitals: the first corner, then the labels wait for the other.
tui_type '\;'
tui_type RT
expect_screen "the labels stay for the other corner" "jump to the box's other corner"
tui_type :
expect_screen ": makes it an exact jump" "exact jump to the box's other corner"
tui_type '\;'
expect_screen "; a plain one again" "jump to the box's other corner: its label"
tui_type TY
expect_screen "; and four capitals drew the box" "box $x0,$y0 $((x1 - x0))x$((y1 - y0))"
if tui_screen | grep -qF "jump to the box's other corner"; then fail "the labels stayed after the box"; else pass; fi
# The right edge grabbed by name and moved; a jump lets go of it.
tui_type '"l'
expect_screen "the right edge grabbed" "grab #1 right edge"
tui_type 3l
expect_screen "moved three pixels" "box $x0,$y0 $((x1 - x0 + 3))x$((y1 - y0))"
tui_type '\;'
tui_type rt
expect_screen "jumped" "task 1/1"
if tui_screen | tail -1 | grep -qF "grab #1"; then fail "the jump kept the grab"; else pass; fi
tui_type l
expect_screen "l moves the crosshair, not the edge" "x $((x0 + 4)) y $y0 "
expect_screen "the box is as it was" "box $x0,$y0 $((x1 - x0 + 3))x$((y1 - y0))"
tui_keys q
finish
