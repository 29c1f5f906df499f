# review.sh: boxel review list / show / accept / reject / fix on a real
# store: a calibration batch (overlap 2) where two labelers agree on some
# tasks and not on one, a gold task, a reviewer and an admin; then the same
# through the SSH forced command (`boxel session`). Every refusal leaves the
# store unchanged.
. "$(dirname "$0")/lib.sh"
SRC=${BOXEL_SOURCE_ROOT:?}

export BOXEL_DB=$(db_new r)
R2=$(db_new r2)
q() { db_query "$BOXEL_DB" "$1"; }
dump() { q "SELECT id, state, labeler FROM judgments ORDER BY id; SELECT * FROM reviews ORDER BY id;"; }

"$BOXEL" init --images "$SRC/sample-data" --taxonomy "$SRC/sample-data/taxonomy.json" >/dev/null
# The scenario below follows tasks in import order (the default order is a
# keyed hash, tested in tests/cli/gold.sh).
"$BOXEL" config set serve_order import >/dev/null
"$BOXEL" import "$SRC/sample-data" >/dev/null
# one more task whose name carries an escape sequence
q "INSERT INTO tasks(image, width, height, created_ms) VALUES ('evil$(printf '\033')[2J.png', 640, 480, 9)"
for u in alice bob carol; do "$BOXEL" user add $u --role annotator >/dev/null; done
"$BOXEL" user add rita --role reviewer >/dev/null
"$BOXEL" user add adam --role admin >/dev/null
ROCKET=$(q "SELECT id FROM tasks WHERE image = 'rocket.jpg'")
CAT=$(q "SELECT id FROM tasks WHERE image = 'chelsea.png'")
# gold for the rocket: the same box alice draws
q "INSERT INTO gold(task, answer) VALUES ($ROCKET, '{\"annotations\":[{\"box\":[10,20,100,120],\"class\":\"cup\"}],\"global\":{\"scene\":\"outdoor\"}}')"
"$BOXEL" batch create cal --kind calibration --overlap 2 --tasks all >/dev/null

ans() { # ans CLASS X: a judgment file
	printf '{"annotations":[{"class":"%s","box":[%s,20,100,120]%s}],"global":{"scene":"outdoor"}}\n' \
	    "$1" "$2" "$([ "$1" = cat ] && echo ',"attributes":{"pose":"sitting"}')"
}
work() { # work USER: claim and submit everything USER can get
	local c j t img
	while c=$("$BOXEL" queue claim --user "$1" --json 2>/dev/null); do
		j=$(/usr/bin/python3 -c 'import json,sys; print(json.loads(sys.argv[1])["judgment"])' "$c")
		t=$(/usr/bin/python3 -c 'import json,sys; print(json.loads(sys.argv[1])["token"])' "$c")
		img=$(q "SELECT t.image FROM judgments j JOIN tasks t ON t.id = j.task WHERE j.id = $j")
		# alice and bob agree everywhere but on the cat photo
		if [ "$img" = chelsea.png ] && [ "$1" = bob ]; then ans cup 300; else ans cup 10; fi > "$T_TMP/a.json"
		"$BOXEL" queue submit --judgment "$j" --token "$t" "$T_TMP/a.json" >/dev/null || { fail "submit $1 $j"; return; }
	done
}
work alice; work bob
check "10 submitted judgments" test "$(q "SELECT count(*) FROM judgments WHERE state = 'submitted'")" = 10

# --- list
expect_rc 0 "review list" "$BOXEL" review list
check "lists all 10" contains "$OUT" "10 to review"
check "no escape reaches the terminal" test "$(printf '%s' "$OUT" | grep -c $'\033')" = 0
first=$(printf '%s\n' "$OUT" | sed -n 2p)
check "the disagreement comes first, marked" contains "$first" " !"
check "... and it is the cat photo" contains "$first" "chelsea.png"
expect_rc 0 "review list --flagged --json" "$BOXEL" review list --flagged --json
check "flagged: the cat photo's two judgments" /usr/bin/python3 -c '
import json, sys
d = json.loads(sys.argv[1])
assert len(d) == 2 and all(x["flagged"] and x["image"] == "chelsea.png" for x in d), d
assert all(x["agreement"] < 0.6 for x in d)' "$OUT"
expect_rc 0 "review list --json" "$BOXEL" review list --json
check "gold accuracy: 1 for alice's rocket, and bob's (same box)" /usr/bin/python3 -c '
import json, sys
d = json.loads(sys.argv[1])
g = [x for x in d if x["image"] == "rocket.jpg"]
assert len(g) == 2 and all(x["gold_accuracy"] == 1 for x in g), g
assert all(x["gold_accuracy"] is None for x in d if x["image"] != "rocket.jpg")' "$OUT"
expect_rc 0 "review list --sample 50" "$BOXEL" review list --sample 50 --json
S1=$OUT
check "a sample: some tasks, whole, flagged ones always, the same every time" /usr/bin/python3 -c '
import json, sys
s, a = json.loads(sys.argv[1]), json.loads(sys.argv[2])
tasks = {x["task"] for x in s}
assert 0 < len(s) < len(a), (len(s), len(a))
assert {x["judgment"] for x in a if x["flagged"]} <= {x["judgment"] for x in s}
assert {x["judgment"] for x in a if x["task"] in tasks} == {x["judgment"] for x in s}' "$S1" "$(cd "$T_TMP" && "$BOXEL" review list --json)"
expect_rc 0 "sample again" "$BOXEL" review list --sample 50 --json
check "same sample" test "$OUT" = "$S1"
expect_rc 2 "--sample 0 is refused" "$BOXEL" review list --sample 0
expect_rc 0 "list --batch --limit" "$BOXEL" review list --batch cal --limit 3
check "limit says so" contains "$OUT" "3 of 10 to review shown"
expect_rc 0 "list of an unknown batch is empty" "$BOXEL" review list --batch nope
check "says nothing to review" contains "$OUT" "nothing to review"

CJ=$(q "SELECT j.id FROM judgments j JOIN users u ON u.id = j.labeler WHERE j.task = $CAT AND u.name = 'bob'")
RJ=$(q "SELECT j.id FROM judgments j JOIN users u ON u.id = j.labeler WHERE j.task = $ROCKET AND u.name = 'alice'")
AJ=$(q "SELECT j.id FROM judgments j JOIN users u ON u.id = j.labeler JOIN tasks t ON t.id = j.task WHERE t.image = 'astronaut.png' AND u.name = 'alice'")

# --- show
expect_rc 0 "show" "$BOXEL" review show "$RJ"
check "show: the answer as a judgment file" contains "$OUT" 'answer    {"annotations":[{"box":[10,20,100,120],"class":"cup"}],"global":{"scene":"outdoor"}}'
check "show: the gold answer" contains "$OUT" 'gold      {"annotations":[{"box":[10,20,100,120],"class":"cup"}]'
expect_rc 0 "show --json" "$BOXEL" review show "$CJ" --json
check "show --json: flagged, labeler, no gold" /usr/bin/python3 -c '
import json, sys
d = json.loads(sys.argv[1])
assert d["flagged"] and d["labeler"] == "bob" and d["gold"] is None and d["state"] == "submitted"
assert d["answer"]["annotations"][0]["box"] == [300, 20, 100, 120]' "$OUT"
expect_rc 2 "show an unknown judgment" "$BOXEL" review show 9999
check "one line" one_line "$ERR"

# --- refusals change nothing
before=$(dump)
expect_rc 2 "an annotator may not review" "$BOXEL" review accept "$AJ" --user carol
check "says who may" contains "$ERR" "carol may not review"
expect_rc 2 "reject needs a comment" "$BOXEL" review reject "$CJ" --user rita
check "says so" contains "$ERR" "--comment TEXT is required"
expect_rc 2 "not a number" "$BOXEL" review accept x1 --user rita
expect_rc 2 "two ids" "$BOXEL" review accept 1 2 --user rita
expect_rc 2 "fix without a file" "$BOXEL" review fix "$CJ" --user rita
printf '{"annotations":[{"class":"dragon","box":[1,2,3,4]}],"global":{"scene":"outdoor"}}' > "$T_TMP/bad.json"
expect_rc 2 "fix with an unknown class" "$BOXEL" review fix "$CJ" "$T_TMP/bad.json" --user rita
check "names the file and the class" contains "$ERR" "bad.json: "
check "... dragon" contains "$ERR" "dragon"
printf '{"annotations":[{"class":"cup","box":[400,20,100,120]}],"global":{"scene":"outdoor"}}' > "$T_TMP/out.json"
expect_rc 2 "fix with a box outside the 451x300 image" "$BOXEL" review fix "$CJ" "$T_TMP/out.json" --user rita
printf '{"annotations":[' > "$T_TMP/trunc.json"
expect_rc 2 "fix with malformed JSON" "$BOXEL" review fix "$CJ" "$T_TMP/trunc.json" --user rita
expect_rc 2 "answer and comment both on stdin" "$BOXEL" review fix "$CJ" - --comment - --user rita
check "the refusals left the store unchanged" test "$before" = "$(dump)"

# an admin's own judgment (a second batch, overlap 1, served first: cal
# would give adam its gold, every labeler's own in calibration batches)
"$BOXEL" batch create solo --kind production --tasks all --priority 1 >/dev/null
c=$("$BOXEL" queue claim --user adam --json)
SJ=$(/usr/bin/python3 -c 'import json,sys; print(json.loads(sys.argv[1])["judgment"])' "$c")
ans cup 10 | "$BOXEL" queue submit --judgment "$SJ" --token "$(/usr/bin/python3 -c 'import json,sys; print(json.loads(sys.argv[1])["token"])' "$c")" - >/dev/null
before=$(dump)
expect_rc 2 "no one reviews their own judgment" "$BOXEL" review accept "$SJ" --user adam
check "says so" contains "$ERR" "adam may not review their own judgment"
check "unchanged" test "$before" = "$(dump)"

# --- verdicts
expect_rc 0 "rita accepts" "$BOXEL" review accept "$AJ" --user rita --comment fine
check "accepted" test "$(q "SELECT state FROM judgments WHERE id = $AJ")" = accepted
check "review row" test "$(q "SELECT u.name || ' ' || verdict || ' ' || comment FROM reviews r JOIN users u ON u.id = r.reviewer WHERE judgment = $AJ")" = "rita accept fine"
check "event logged" test "$(q "SELECT count(*) FROM events WHERE what = 'review' AND actor = 'rita'")" = 1
expect_rc 2 "a reviewed judgment cannot be reviewed again" "$BOXEL" review reject "$AJ" --user rita --comment again
check "says its state" contains "$ERR" "is accepted, not submitted"

n=$(q "SELECT count(*) FROM judgments WHERE task = $CAT AND batch = (SELECT id FROM batches WHERE name = 'cal')")
echo "box is on the saucer, not the cup" > "$T_TMP/why.txt"
expect_rc 0 "adam rejects bob's cat judgment, comment on stdin" sh -c '"$0" review reject "$1" --user adam --comment - < "$2"' "$BOXEL" "$CJ" "$T_TMP/why.txt"
check "the reject says where the task went" contains "$OUT" "rejected; the task goes back to bob with your comment"
check "rejected" test "$(q "SELECT state FROM judgments WHERE id = $CJ")" = rejected
check "the comment, without its newline" test "$(q "SELECT comment FROM reviews WHERE judgment = $CJ")" = "box is on the saucer, not the cup"
check "a new replica, open and already bob's" test "$(q "SELECT j.state || ':' || coalesce(u.name, '-') FROM judgments j LEFT JOIN users u ON u.id = j.labeler WHERE j.task = $CAT AND j.batch = (SELECT id FROM batches WHERE name = 'cal') AND j.id > $CJ")" = "open:bob"
expect_rc 0 "carol claims" "$BOXEL" queue claim --user carol --json
check "... but not bob's returned task" /usr/bin/python3 -c '
import json, sys
d = json.loads(sys.argv[1])
assert not (d["batch"] == "cal" and d["image"] == "chelsea.png"), d' "$OUT"
expect_rc 0 "bob's next claim returns it, with the comment" "$BOXEL" queue claim --user bob --json
check "the cat photo, returned, with adam's comment" /usr/bin/python3 -c '
import json, sys
d = json.loads(sys.argv[1])
assert d["image"] == "chelsea.png" and d["returned"] is True and not d["resumed"], d
assert d["review_comment"] == "adam: box is on the saucer, not the cup", d' "$OUT"
BR=$(/usr/bin/python3 -c 'import json,sys; print(json.loads(sys.argv[1])["judgment"])' "$OUT")
BT=$(/usr/bin/python3 -c 'import json,sys; print(json.loads(sys.argv[1])["token"])' "$OUT")
expect_rc 0 "claiming again resumes it, comment still there" "$BOXEL" queue claim --user bob --json
check "resumed, same judgment, comment" /usr/bin/python3 -c '
import json, sys
d = json.loads(sys.argv[1])
assert d["judgment"] == int(sys.argv[2]) and d["resumed"] and d["review_comment"].startswith("adam: "), d' "$OUT" "$BR"
ans cup 12 > "$T_TMP/redo.json"
expect_rc 0 "bob submits the rework" "$BOXEL" queue submit --user bob --judgment "$BR" --token "$BT" "$T_TMP/redo.json"
check "the rework is in the review queue again" contains "$(cd "$T_TMP" && "$BOXEL" review list)" "$BR "
# a suspended labeler's returned work goes to anyone
expect_rc 0 "reject the rework" "$BOXEL" review reject "$BR" --user rita --comment "still off"
check "returned to bob again" test "$(q "SELECT coalesce(labeler, 0) FROM judgments WHERE id > $BR AND task = $CAT")" = "$(q "SELECT id FROM users WHERE name = 'bob'")"
# the native export keeps it: open and bob's, also after an import
expect_rc 0 "export jsonl" "$BOXEL" export --format jsonl "$T_TMP/r1.jsonl"
check "exported as open, bob's" contains "$(cat "$T_TMP/r1.jsonl")" '"labeler":"bob","state":"open"'
"$BOXEL" init --db "$R2" --images "$SRC/sample-data" --taxonomy "$SRC/sample-data/taxonomy.json" >/dev/null
# (the task whose name holds an escape sequence is refused, as it should be)
expect_rc 1 "import it into a fresh store" "$BOXEL" import --db "$R2" --as accepted "$T_TMP/r1.jsonl"
check "only the escape-named task refused" test "$(printf '%s\n' "$ERR" | grep -c 'control character')" = 1
# (reviews and leases do not travel, so the files differ there; the returned
# work does:)
check "and bob's next claim there is the returned task" test \
	"$("$BOXEL" queue claim --db "$R2" --user bob --json | /usr/bin/python3 -c 'import json,sys; d=json.load(sys.stdin); print(d["image"], d["returned"])')" = "chelsea.png True"
"$BOXEL" user qual bob suspended >/dev/null
check "bob suspended: the returned work is open to anyone" test "$(q "SELECT state || ':' || coalesce(CAST(labeler AS TEXT), '-') FROM judgments WHERE id > $BR AND task = $CAT")" = "open:-"
"$BOXEL" user reinstate bob >/dev/null

ans cup 40 > "$T_TMP/fixed.json"
expect_rc 0 "rita fixes alice's rocket from stdin" sh -c '"$0" review fix "$1" - --user rita < "$2"' "$BOXEL" "$RJ" "$T_TMP/fixed.json"
check "accepted" test "$(q "SELECT state FROM judgments WHERE id = $RJ")" = accepted
expect_rc 0 "export coco" "$BOXEL" export --batch cal --format coco "$T_TMP/out.coco.json"
check "export carries the fixed box for the rocket" /usr/bin/python3 -c '
import json, sys
d = json.load(open(sys.argv[1]))
img = [i["id"] for i in d["images"] if i["file_name"] == "rocket.jpg"][0]
assert [a["bbox"] for a in d["annotations"] if a["image_id"] == img] == [[40, 20, 100, 120]]' "$T_TMP/out.coco.json"
expect_rc 0 "list afterwards" "$BOXEL" review list --batch cal
check "three fewer to review" contains "$OUT" "7 to review"
# rejected judgments are not done work: their replicas count once submitted
expect_rc 0 "batch show after rejects" "$BOXEL" batch show cal
# (the rocket is gold: each labeler's own, outside the 4 x 2 of the overlap)
check "progress counts submitted and accepted only" contains "$OUT" "progress   $(q "SELECT count(*) FROM judgments WHERE batch = (SELECT id FROM batches WHERE name = 'cal') AND state IN ('submitted','accepted') AND gold = 0") of 8 judgments done"
check "and a rejected one was there" test "$(q "SELECT count(*) FROM judgments WHERE state = 'rejected'")" -gt 0

# --- over SSH (the forced command, run directly)
S() { local who=$1; shift; SSH_ORIGINAL_COMMAND=$1 run "$BOXEL" session --db "$BOXEL_DB" --user "$who"; }
S rita "review list --json"
check "ssh: a reviewer lists (exit $RC)" test "$RC" = 0
S alice "review list"
check "ssh: an annotator may not (exit $RC)" test "$RC" = 2
check "ssh: says the role" contains "$ERR" "needs the reviewer role"
BJ=$(q "SELECT j.id FROM judgments j JOIN users u ON u.id = j.labeler JOIN tasks t ON t.id = j.task WHERE t.image = 'coffee.png' AND u.name = 'bob' AND j.state = 'submitted'")
S rita "review fix $BJ $T_TMP/fixed.json"
check "ssh: a server path is refused (exit $RC)" test "$RC" = 2
SSH_ORIGINAL_COMMAND="review fix $BJ" run "$BOXEL" session --db "$BOXEL_DB" --user rita < "$T_TMP/fixed.json"
check "ssh: fix with the answer on stdin (exit $RC)" test "$RC" = 0
check "ssh: accepted, reviewed by rita" test "$(q "SELECT j.state || ' ' || u.name FROM judgments j JOIN reviews r ON r.judgment = j.id JOIN users u ON u.id = r.reviewer WHERE j.id = $BJ")" = "accepted rita"
S rita "review accept $BJ --user adam"
check "ssh: --user is the session's (exit $RC)" test "$RC" = 2
on_file && check "integrity" test "$(q 'PRAGMA integrity_check')" = ok
finish
