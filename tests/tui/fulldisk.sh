# fulldisk.sh: the store's disk fills up while the annotator works (a real
# tmpfs of a few MB, filled with a file). The edit that cannot be saved is
# said on the message line; q then does not quit and drop it: the screen
# stays and says why; once space is freed, q saves everything (the journal
# too, so undo still works after a restart) and quits. A second q in a row
# quits without the unsaved edits when the disk stays full.
. "$(dirname "$0")/lib.sh"
MNT=$T_TMP/disk
mkdir -p "$MNT"
if ! mount -t tmpfs -o size=6m tmpfs "$MNT" 2>/dev/null; then
	echo "cannot mount a tmpfs (needs root): skipping"
	echo "0 passed, 0 failed"
	exit 77
fi
cleanup_mount() { tui_cleanup; umount -l "$MNT" 2>/dev/null; rm -rf "$T_TMP"; }
trap cleanup_mount EXIT

make_project "$MNT/p"
fill() { dd if=/dev/zero of="$MNT/filler" bs=64k 2>/dev/null; sync; }
label
expect_screen "opens" "task 1/4"
tui_keys b Space
tui_type 5l
tui_type 3j
tui_keys Space
expect_screen "a first box" "Objects (1)"
wait_sql "is saved" "SELECT json_array_length(json_extract(state, '\$.answer.annotations')) FROM drafts" "1"
fill
tui_keys Space
tui_type 9l
tui_type 6j
tui_keys Space
expect_screen "a second box on screen" "Objects (2)"
expect_screen "its save failed, and the screen says so" "draft not saved"
tui_keys q
expect_screen "q does not drop the unsaved box" "q again quits without them"
if tui_gone "task 1/4" 1; then fail "the screen stayed"; else pass; fi
rm -f "$MNT/filler"
tui_keys q
if tui_gone "task 1/4" 10; then pass; else fail "with space again, q saves and quits"; fi
check "both boxes were saved" test "$(sq "SELECT json_array_length(json_extract(state, '\$.answer.annotations')) FROM drafts")" = 2
check "the journal has both steps, no gap" test "$(sq "SELECT group_concat(seq) FROM (SELECT seq FROM journal ORDER BY seq)")" = "1,2"

# Reopened, undo takes back the second box (the journal replays).
label
expect_screen "reopens the task" "Objects (2)"
tui_keys u
expect_screen "undo works across the restart" "Objects (1)"
# Disk full again: the undo cannot be saved; q twice leaves without it.
fill
tui_keys u
expect_screen "the next undo is refused by the disk" "draft not saved"
tui_keys q
expect_screen "q asks again" "q again quits without them"
tui_keys q
if tui_gone "task 1/4" 10; then pass; else fail "a second q quits"; fi
rm -f "$MNT/filler"
check "the store is intact" test "$(sq "PRAGMA integrity_check")" = ok
finish
