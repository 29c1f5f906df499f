# drag-handle.sh: the mouse drags a handle of the selected box (issue 9:
# a tight box in two drags, as in CVAT). A box is drawn by a drag; a drag
# from its bottom-right corner moves that corner (no second box), the
# status line names it while it is held, one undo puts the box back; a
# drag from inside the box moves it whole, its size kept. The current
# tool's key again starts a new object, as CVAT's N does: `b` lets go of
# the grabbed box and deselects it in one key (Esc took two), so a drag
# that starts on its corner draws a second box (two boxes that touch).
. "$(dirname "$0")/lib.sh"

scene_project 1

# At 160x50 the 400x300 scene is drawn at 0.255 cells per pixel, its top
# at y = -38.2: 1-based cell (c, r) is the pixel corner nearest
# x = (c - 0.5) / 0.255, y = -38.2 + (2r - 1) / 0.255: the drag from (31,21)
# to (57,28) draws 120,123 to 222,177, the corner dragged to (61,30) lands
# on 237,193, the drag by 4 cells and 2 rows moves the box by 15,16.

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
expect_screen "the box is grabbed" "grab #1"
tui_type b
expect_screen "b again: a new box" "a new box: the next drag or place draws it"
if tui_screen | tail -1 | grep -qF "grab #1"; then fail "b kept the grab"; else pass; fi
if tui_screen | grep -qF "> 1 thing"; then fail "b kept the selection"; else pass; fi
# From the moved box's bottom-right corner (237,193: cell (61,30)) to
# (70,34), 273,225.
press 61 30; drag 70 34; release 70 34
expect_screen "the drag from its corner drew a second box" "Objects (2)"
expect_screen "the first box as it was" "box 135,139 102x54"
expect_screen "the second box from that corner" "box 237,193 36x32"
tui_keys q
finish
