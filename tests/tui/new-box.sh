# new-box.sh: the current tool's key again starts a new object, as CVAT's
# N does: after a box is drawn and its corner dragged (the box selected and
# grabbed), `b` lets go of it and deselects in one key, so a drag that
# starts on that box's corner draws a second box (two boxes that touch)
# instead of moving the corner. Before, that took Esc twice.
. "$(dirname "$0")/lib.sh"

scene_project 1

# Cells as in drag-handle.sh: (31,21)-(57,28) is 120,123 102x54, the
# corner dragged to (61,30) lands on 237,193, (70,34) is 273,225.
press() { tui_type $'\033[<0;'"$1;$2"'M'; }
drag() { tui_type $'\033[<32;'"$1;$2"'M'; }
release() { tui_type $'\033[<0;'"$1;$2"'m'; }

label
expect_screen "opens on the scene" "scene.png"
press 31 21; drag 57 28; release 57 28
expect_screen "the drag drew a box" "box 120,123 102x54"
press 57 28; drag 61 30; release 61 30
expect_screen "its corner dragged" "box 120,123 117x70"
expect_screen "the box is grabbed" "grab #1 bottom-right corner"
tui_type b
expect_screen "b again: a new box" "a new box: the next drag or place draws it"
if tui_screen | tail -1 | grep -qF "grab #1"; then fail "b kept the grab"; else pass; fi
if tui_screen | grep -qF "> 1 thing"; then fail "b kept the selection"; else pass; fi
press 61 30; drag 70 34; release 70 34
expect_screen "the drag from its corner drew a second box" "Objects (2)"
expect_screen "the first box as it was" "box 120,123 117x70"
expect_screen "the second box from that corner" "box 237,193 36x32"
tui_keys q
finish
