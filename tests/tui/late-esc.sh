# late-esc.sh: a mouse report whose ESC arrives alone, well after the
# terminal's escape delay (25 ms), before the rest of it (a slow SSH link
# splits the packet), is still a mouse report: the drag draws its box and
# no key of the report's tail is typed (issue 9: a first click lost after
# a task switch). A real Esc keypress still acts at once.
. "$(dirname "$0")/lib.sh"

scene_project

# split SEQ: ESC alone, then the rest about 100 ms later (the pause and a
# tmux client's start, some 40 ms): well past the escape delay, within
# the 200 ms boxel waits for the rest of a report.
split() { tmx send-keys -t t -H 1b; sleep 0.06; tui_type "$1"; }

label
expect_screen "opens on the scene" "scene.png"
tui_keys b
expect_screen "box tool" "box  thing"
# The press split after its ESC, the motion and the release whole: the
# press's tail ([ < digits ; M) must not be read as [, <, a count, the
# jump (;) and the minimap (M).
split '[<0;31;21M'
tui_type $'\033[<32;57;28M'
tui_type $'\033[<0;57;28m'
expect_screen "the drag whose press came split drew a box" "Objects (1)"
if tui_screen | grep -qF "jump:"; then fail "the report's ; opened the jump"; else pass; fi
# The release split too: the box is still placed by it.
tui_type $'\033[<0;31;40M'
tui_type $'\033[<32;57;45M'
split '[<0;57;45m'
expect_screen "the drag whose release came split drew a box" "Objects (2)"
# A real Esc alone still acts: it closes the jump labels.
tui_type '\;'
expect_screen "the jump is open" "jump: type the label"
tui_keys Escape
sleep 0.3
if tui_screen | grep -qF "jump:"; then fail "Esc did not close the jump"; else pass; fi
tui_keys q
finish
