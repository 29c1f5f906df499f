# exact-jump.sh: the exact jump (`:`): after the two letters of a jump
# label, a third picks the cell of that label's block (4x2 cells at
# 160x50), so the crosshair lands on the cell aimed at: the block's middle
# letter is where `;` would go, its first the cell two left and one up; in
# capitals it places, so `:` and three capitals draw a box corner.
# A rough box in five keys: when a label in capitals places a box's first
# corner, the labels stay for the other corner, so `;` and four capitals
# draw the box tighten starts from; `:` or `;` before a label switches the
# kind of jump for that corner. A jump lets go of a grab: the moves after
# it are the crosshair's, not the handle's fixed before it (issue 9: a
# rough box cost two exact jumps).
. "$(dirname "$0")/lib.sh"

scene_project

label
expect_screen "opens at fit" "x 200 y 150  step 4 "
# 26 labels across at 160x50: "rt" is row 12, column 13 of the grid.
tui_type '\;'
expect_screen "the jump labels" "jump: type the label"
tui_type rt
expect_screen "the jump closed" "task 1/1"
read -r x0 y0 < <(xy)
tui_type :
expect_screen "the exact jump's labels" "jump: type the label"
tui_type rt
expect_screen "a third letter asked for" "exact jump: the letter of the cell"
tui_type l
expect_screen "closed" "task 1/1"
read -r x y < <(xy)
if [ "$x" = "$x0" ] && [ "$y" = "$y0" ]; then pass; else fail "the block's middle ($x,$y) is not ;rt's ($x0,$y0)"; fi
tui_type :rta
expect_screen "closed again" "task 1/1"
read -r x y < <(xy)
# Two cells left and one row (two display pixels) up at 0.255 cells per
# pixel: about 8 px each way.
dx=$((x0 - x)) dy=$((y0 - y))
if [ "$dx" -ge 7 ] && [ "$dx" -le 9 ] && [ "$dy" -ge 7 ] && [ "$dy" -le 9 ]; then pass
else fail "the block's first cell is ($x,$y), ;rt was ($x0,$y0)"; fi
# In capitals: a corner placed at each end, an 8x8 box (the labels stay
# after the first corner: ; makes the second jump a plain one).
tui_type :RTA
expect_screen "the labels stay for the other corner" "exact jump to the box's other corner"
tui_type '\;'
tui_type RT
expect_screen "an exact and a plain jump in capitals drew the box" "box $x,$y ${dx}x${dy}"
# Where the plain jumps rt and ty land (one label right, one down).
tui_type '\;'
expect_screen "the jump labels" "jump: type the label"
tui_type ty
if tui_gone "jump: type the label"; then pass; else fail "the jump closed"; fi
read -r x1 y1 < <(xy)
tui_type '\;'
expect_screen "the jump labels again" "jump: type the label"
tui_type rt
if tui_gone "jump: type the label"; then pass; else fail "closed again"; fi
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
expect_screen "the right edge grabbed" "grab #2 right edge"
tui_type 3l
expect_screen "moved three pixels" "box $x0,$y0 $((x1 - x0 + 3))x$((y1 - y0))"
tui_type '\;'
tui_type rt
if tui_gone "jump: type the label"; then pass; else fail "jumped"; fi
if tui_screen | tail -1 | grep -qF "grab #2"; then fail "the jump kept the grab"; else pass; fi
tui_type l
expect_screen "l moves the crosshair, not the edge" "x $((x0 + 4)) y $y0 "
expect_screen "the box is as it was" "box $x0,$y0 $((x1 - x0 + 3))x$((y1 - y0))"
tui_keys q
finish
