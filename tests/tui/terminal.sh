# terminal.sh: the terminal side: resize, a too-small terminal, the help
# overlay, hostile names and instructions (nothing escapes), skip with a
# reason, the empty queue, and a lost lease.
. "$(dirname "$0")/lib.sh"

# Sample data with hostile instructions; the store refuses control
# characters in image names, so a hostile name is written into the store
# directly (as an older or tampered store could hold it).
S=$T_TMP/sample
mkdir -p "$S"
cp "$BOXEL_SOURCE_ROOT/sample-data/taxonomy.json" "$S/"
printf 'Read this \033]0;pwned\007 and \033[31mred\033[0m carefully.\n' > "$S/instructions.md"
cp "$BOXEL_SOURCE_ROOT/sample-data/chelsea.png" "$BOXEL_SOURCE_ROOT/sample-data/coffee.png" "$S/"
make_project "$T_TMP/p" "$S"
sq "UPDATE tasks SET image = 'evil' || char(27) || ']0;pwned' || char(7) || char(27) || '[2Jname.png' WHERE image = 'chelsea.png'"

# Without a terminal, or for an unknown user: one clear line, exit 2.
expect_rc 2 "label needs a terminal" "$BOXEL" label --db "$DB" --user alice
check "says so in one line" one_line "$ERR"
check "names the problem" contains "$ERR" "must be a terminal"
expect_rc 2 "unknown user refused" "$BOXEL" label --db "$DB" --user mallory
check "says how to get an account" contains "$ERR" "boxel user add mallory"
expect_rc 0 "--keys prints the table" "$BOXEL" label --keys
check "key table lists undo and redo" contains "$OUT" "Ctrl-R"

# NO_COLOR: the chrome has no colors (the image keeps its own).
tui_start env NO_COLOR=1 "$BOXEL" label --db "$DB" --user alice
expect_screen "opens with NO_COLOR" "task 1/2"
status=$(tmx capture-pane -p -e -t t | tail -1)
check "NO_COLOR: status line without color codes" eval '! printf "%s" "$status" | grep -q "[34]8;"'
tui_keys q

label
expect_screen "opens" "task 1/2"
expect_screen "missing image said, sanitized" "evil?]0;pwned??[2Jname.png: image not found"
expect_screen "hostile name shown with ?" "evil?]0;pwned??[2Jname.png"
expect_screen "hostile instructions shown with ?" "Read this ?]0;pwned? and ?[31mred?[0m carefully."
title=$(tmx display -p -t t '#{pane_title}')
check "pane title not set by data (got '$title')" [ "$title" != "pwned" ]
raw=$(tmx capture-pane -p -e -t t)
check "no OSC sequence reached the terminal" eval '! printf "%s" "$raw" | grep -q "]0;pwned"$'"'\a'"

# Help overlay, generated from the keymap.
tui_keys '?'
expect_screen "help overlay" "boxel label: keys"
expect_screen "help lists undo" "undo"
expect_screen "help lists redo" "Ctrl-R"
tui_keys x
expect_screen "any key closes it" "task 1/2"

# Resize: smaller still fits, too small says so, back again.
tmx resize-window -t t -x 100 -y 30
expect_screen "redraws at 100x30" "task 1/2"
check "status line on the last row" eval 'tui_screen | tail -1 | grep -q "task 1/2"'
tmx resize-window -t t -x 60 -y 20
expect_screen "too small says the size it needs" "boxel needs a terminal of at least 80x24 (this one is 60x20)"
tmx resize-window -t t -x 160 -y 50
expect_screen "back to normal" "task 1/2"

# Skip needs a reason; then the next task; then the queue is empty.
tui_keys n
expect_screen "skip asks for a reason" "skip reason"
tui_keys Enter
expect_screen "empty reason refused" "a skip needs a reason"
tui_type "too blurry"
tui_keys Enter
expect_screen "next task after skip" "task 1/2"
expect_screen "coffee is next" "coffee.png"
wait_sql "skip recorded" "SELECT count(*) FROM judgments WHERE state = 'skipped'" "1"

# A lost lease: someone else's token now holds the judgment.
"$BOXEL" user add bob --role annotator --db "$DB" >/dev/null
sq "UPDATE judgments SET lease_token = 'bobs-token', labeler = (SELECT id FROM users WHERE name = 'bob') WHERE state = 'leased'"
tui_keys b Space l l j Space
expect_screen "lost lease said plainly" "Lease lost on coffee.png"
expect_screen "nothing overwritten" "Your draft was not saved over anyone's work"
check "no draft written for the lost judgment" [ "$(sq "SELECT count(*) FROM drafts d JOIN judgments j ON j.id = d.judgment JOIN tasks t ON t.id = j.task WHERE t.image = 'coffee.png'")" = 0 ]
tui_keys Enter
expect_screen "empty queue screen" "No tasks for alice right now"
expect_screen "says how to get work" "boxel batch create"
tui_keys q
finish
