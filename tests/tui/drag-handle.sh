# drag-handle.sh: the mouse drags a handle of the selected box (issue 9:
# a tight box in two drags, as in CVAT). A box is drawn by a drag; a drag
# from its bottom-right corner moves that corner (no second box), the
# status line names it while it is held, one undo puts the box back; a
# drag from inside the box moves it whole, its size kept.
. "$(dirname "$0")/lib.sh"

scene_project 1

# At 160x50 the 400x300 scene is drawn at 0.255 cells per pixel, its top
# at y = -38.2: 1-based cell (c, r) is the pixel corner nearest
# x = (c - 0.5) / 0.255, y = -38.2 + (2r - 1) / 0.255: the drag from (31,21)
# to (57,28) draws 120,123 to 222,177, the corner dragged to (61,30) lands
# on 237,193, the drag by 4 cells and 2 rows moves the box by 15,16.
press() { tui_type $'\033[<0;'"$1;$2"'M'; }
drag() { tui_type $'\033[<32;'"$1;$2"'M'; }
release() { tui_type $'\033[<0;'"$1;$2"'m'; }

label
expect_screen "opens on the scene" "scene.png"
press 31 21; drag 57 28; release 57 28
expect_screen "the drag drew a box" "box 120,123 102x54"
# Held on the corner: the status line names it.
press 57 28; drag 61 30
expect_screen "the status line names the dragged corner" "grab #1 bottom-right corner"
release 61 30
expect_screen "the corner went under the pointer" "box 120,123 117x70"
expect_screen "no second box" "Objects (1)"
tui_keys u
expect_screen "one undo puts the box back" "box 120,123 102x54"
# Inside the box, away from its sides: the drag moves it whole.
press 44 24; drag 48 26; release 48 26
expect_screen "the box moved whole, its size kept" "box 135,139 102x54"
expect_screen "still one box" "Objects (1)"
tui_keys q
finish
