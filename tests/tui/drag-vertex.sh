# drag-vertex.sh: the mouse drags a polygon's vertex as it drags a box's
# corner (the handles come from the kind's descriptor): a polygon placed
# by three clicks, a drag from its first vertex moves that vertex under
# the pointer (no vertex added, no second object), the status line names
# it while held, one undo puts it back.
. "$(dirname "$0")/lib.sh"

SCENE_GEOMS='"polygon"' scene_project 1

# 400x300 at 0.255 cells per pixel, top at y = -38.2 (drag-handle.sh):
# cell (31,21) is 120,123 and (35,23) is 135,138.
click() { press "$1" "$2"; release "$1" "$2"; }

label
expect_screen "opens on the scene" "scene.png"
tui_type p
expect_screen "the polygon tool" " polygon  thing"
click 31 21
expect_screen "the first vertex" "vertices 1"
click 57 21
expect_screen "the second vertex" "vertices 2"
click 57 28
expect_screen "the third vertex" "vertices 3"
tui_keys Enter
expect_screen "the polygon, first vertex at 120,123" "poly 3 pts @120,123"
press 31 21; drag 35 23
expect_screen "the status line names the dragged vertex" "grab #1 vertex 1"
release 35 23
expect_screen "the vertex went under the pointer" "poly 3 pts @135,138"
expect_screen "no second object" "Objects (1)"
tui_keys u
expect_screen "one undo puts it back" "poly 3 pts @120,123"
tui_keys q
finish
