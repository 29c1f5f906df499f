# box.sh: draw a box with keys; the object list shows it and the store has
# the draft; undo/redo; classes and attributes; submit moves to the next task.
. "$(dirname "$0")/lib.sh"

make_project "$T_TMP/p"
label
expect_screen "first task opens" "task 1/4"
expect_screen "status shows the crosshair" "x 256 y 256"

# The taxonomy's own hotkey (P = person) picks a class.
tui_keys P
expect_screen "class hotkey" " box  person"

# Box tool, class cat (1), first corner, then 5 steps right and 3 down with
# a count (step is 5 image pixels at fit zoom), second corner.
tui_keys b 1 Space
tui_type 5l
tui_type 3j
expect_screen "count moves 5 steps right and 3 down" "x 281 y 271"
tui_keys Space
expect_screen "object list shows the box" "box 256,256 25x15"
expect_screen "the count's digit did not change the class" " 1 cat"
wait_sql "draft saved with the box" \
	"SELECT json_extract(state, '\$.answer.annotations[0].box') FROM drafts" "[256,256,25,15]"
wait_sql "one journal entry" "SELECT count(*) FROM journal" "1"

# Undo and redo.
tui_keys u
expect_screen "undo empties the list" "Objects (0)"
wait_sql "undo saved (position 0)" "SELECT json_extract(state, '\$.pos') FROM drafts" "0"
tui_keys C-r
expect_screen "redo brings it back" "Objects (1)"
wait_sql "redo saved (position 1)" "SELECT json_extract(state, '\$.pos') FROM drafts" "1"

# Select it, nudge it right 2 steps: one image pixel per step at zoom.
tui_keys Tab
expect_screen "Tab grabs the box" "grab #1"
tui_keys + +
expect_screen "zoom 4x" "zoom 4.0x"
expect_screen "step is one image pixel at 4x" "step 1"
tui_keys l l
expect_screen "box moved two pixels" "box 258,256 25x15"
wait_sql "moves merged into one undo step" "SELECT count(*) FROM journal" "2"

# Class change on the selected object (person = 3), then attributes.
tui_keys 3
expect_screen "class changes" " 1 person"
tui_keys a
expect_screen "attribute editor opens" "Attributes of #1 person"
tui_keys Space
expect_screen "occluded toggles" "occluded: yes"
tui_keys Down Down Right
expect_screen "pose choice" "pose: standing"
tui_keys Down
expect_screen "multi field shows options" "<-astronaut>"
tui_keys Space Right Right Space
expect_screen "multi toggles two options" "+astronaut -suit <+helmet>"
tui_keys Escape
expect_screen "object's attributes listed" "tags: astronaut,helmet"
wait_sql "attributes in the draft" \
	"SELECT json_extract(state, '\$.answer.annotations[0].attributes.pose') FROM drafts" "standing"

# Submit without the required global 'scene': refused with a reason.
tui_keys s
expect_screen "submit names what is missing" "scene"
tui_keys g
expect_screen "global editor opens" "Global attributes"
tui_keys Right Escape
wait_sql "scene set" "SELECT json_extract(state, '\$.answer.global.scene') FROM drafts" "indoor"
tui_keys s
expect_screen "next task appears" "task 2/4"
expect_screen "says what was submitted" "submitted astronaut.png (1 object,"
expect_screen "class and tool carry over to the next task" " box  person  zoom 1.0x"
wait_sql "judgment submitted with the box" \
	"SELECT state || ' ' || json_extract(answer, '\$.annotations[0].class') FROM judgments WHERE submitted_ms IS NOT NULL" \
	"submitted person"

# Text and number attributes go through a prompt; numbers are range-checked.
tui_keys 2 b Space l j Space
expect_screen "cup box on the next task" "cup      box"
tui_keys a Down
expect_screen "text field" ">  color: -"
tui_keys Enter
tui_type "white"
tui_keys Enter
expect_screen "text set" "color: white"
tui_keys Down Enter
tui_type "150"
tui_keys Enter
expect_screen "out of range refused, prompt kept" "value (Enter sets, Esc cancels): 150_"
tui_keys BSpace BSpace BSpace
tui_type "42"
tui_keys Enter
expect_screen "number set" "fill: 42"
tui_keys Escape
wait_sql "number in the draft" \
	"SELECT json_extract(d.state, '\$.answer.annotations[0].attributes.fill') FROM drafts d JOIN judgments j ON j.id = d.judgment WHERE j.state = 'leased'" "42"

# A count typed while the cup is grabbed: the digit first changes its class,
# then the move makes it a count, which takes the change back and leaves no
# redo step for it.
tui_keys Tab
expect_screen "the cup grabbed" "grab #1"
tui_type 3l
expect_screen "moved 3 steps, still a cup" "1 cup"
tui_keys C-r
expect_screen "no redo of the class change" "nothing to redo"
check "still a cup" tui_wait " 1 cup" 1
tui_keys q
finish
