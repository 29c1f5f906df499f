# exact-jump.sh: the exact jump (`:`): after the two letters of a jump
# label, a third picks the cell of that label's block (4x2 cells at
# 160x50), so the crosshair lands on the cell aimed at: the block's middle
# letter is where `;` would go, its first the cell two left and one up; in
# capitals it places, so `:` and three capitals draw a box corner.
. "$(dirname "$0")/lib.sh"

scene_project

xy() { tui_screen | tail -1 | sed -n 's/.* x \([0-9]*\) y \([0-9]*\) .*/\1 \2/p'; }

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
# In capitals: a corner placed at each end, an 8x8 box.
tui_type :RTA
tui_type '\;'
tui_type RT
expect_screen "two exact jumps in capitals drew the box" "box $x,$y ${dx}x${dy}"
tui_keys q
finish
