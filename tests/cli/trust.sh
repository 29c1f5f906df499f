# trust.sh: what a labeler (or anyone on the SSH side) may not decide for
# themselves: the lease length, model-only answer fields, boxel's own
# environment variables; what the audit log must keep (refusals, events
# while the store is locked) and must not (lease tokens); JSON output that
# cannot reorder or hide text; taxonomy names that cannot either.
. "$(dirname "$0")/lib.sh"

SRC=${BOXEL_SOURCE_ROOT:?}
PY=/usr/bin/python3
export BOXEL_DB=$T_TMP/t.db
DB=$BOXEL_DB
T0=$BOXEL_NOW_MS
cd "$T_TMP" || exit 2
q() { sqlite3 "$DB" "$1"; }
jget() { $PY -c 'import json,sys; print(json.loads(sys.argv[1])[sys.argv[2]])' "$1" "$2"; }

"$BOXEL" init --images "$T_TMP" --taxonomy "$SRC/sample-data/taxonomy.json" >/dev/null
# The scenario below follows tasks in import order (the default order is a
# keyed hash, tested in tests/cli/gold.sh).
"$BOXEL" config set serve_order import >/dev/null
for u in alice bob; do "$BOXEL" user add $u --role annotator >/dev/null; done
"$BOXEL" user add rita --role reviewer >/dev/null
# a task whose name carries a bidi override (U+202E) and a C1 control (U+0085)
q "INSERT INTO tasks(image, width, height, created_ms) VALUES ('gpj.' || char(8238) || 'evil' || char(133) || '.png', 200, 100, 1)"
for i in 2 3 4 5; do
	q "INSERT INTO tasks(image, width, height, created_ms) VALUES ('img$i.jpg', 200, 100, $i)"
done
"$BOXEL" batch create p --kind production >/dev/null

# --- the lease length is the project's
expect_rc 2 "a 7-day lease in a 300 s project is refused" "$BOXEL" queue claim --user alice --lease 604800
check "says the bound and the setting" test "$ERR" = "boxel: --lease 604800: the project allows leases of at most 300 s (setting lease_seconds)"
check "no lease taken" test "$(q "SELECT count(*) FROM judgments WHERE state = 'leased'")" = 0
expect_rc 0 "a shorter lease is fine" "$BOXEL" queue claim --user alice --lease 60 --json
A=$OUT; AJ=$(jget "$A" judgment); AT=$(jget "$A" token)
check "lease of 60 s" test "$(jget "$A" lease_until)" = $((T0 + 60000))
expect_rc 2 "heartbeat cannot stretch it either" "$BOXEL" queue heartbeat --judgment "$AJ" --token "$AT" --lease 3600
expect_rc 0 "an admin raises the setting" "$BOXEL" config set lease_seconds 3600
expect_rc 0 "then an hour is fine" "$BOXEL" queue heartbeat --judgment "$AJ" --token "$AT" --lease 3600
"$BOXEL" config set lease_seconds 300 >/dev/null

# --- --json escapes C1 controls and bidi overrides
check "the claimed task is the one with the hostile name" contains "$A" '"image":"gpj.\u202eevil\u0085.png"'
check "no raw U+202E or U+0085 in the JSON" test -z "$(printf '%s' "$A" | grep -P '\x{202e}|\x{85}')"
expect_rc 0 "batch show --json" "$BOXEL" batch list --json

# --- a person's answer carries no model fields
printf '{"annotations":[{"class":"cup","box":[1,2,30,40],"score":0.99}],"global":{"scene":"indoor"}}\n' > score.json
printf '{"annotations":[{"class":"cup","box":[1,2,30,40],"suggestion":true,"score":0.5}],"global":{"scene":"indoor"}}\n' > sugg.json
printf '{"annotations":[{"class":"cup","box":[1,2,30,40]}],"global":{"scene":"indoor"}}\n' > plain.json
before=$(q "SELECT state FROM judgments WHERE id = $AJ")
expect_rc 2 "submit with a score refused" "$BOXEL" queue submit --judgment "$AJ" --token "$AT" score.json
check "says why" test "$ERR" = 'boxel: score.json: annotations[0]: "score" is a model'"'"'s field; a person'"'"'s answer may not carry "score" or "suggestion"'
expect_rc 2 "submit of a suggestion refused" "$BOXEL" queue submit --judgment "$AJ" --token "$AT" - < sugg.json
check "names suggestion" contains "$ERR" "standard input: annotations[0]: \"suggestion\" is a model's field"
check "still leased" test "$(q "SELECT state FROM judgments WHERE id = $AJ")" = "$before"
expect_rc 0 "a plain answer is submitted" "$BOXEL" queue submit --judgment "$AJ" --token "$AT" plain.json
expect_rc 2 "review fix with a score refused" "$BOXEL" review fix "$AJ" score.json --user rita

# --- boxel session: BOXEL_* from the SSH side is not trusted
S() { local who=$1; shift; SSH_ORIGINAL_COMMAND=$1 run "$BOXEL" session --db "$DB" --user "$who"; }
FAR=9999999999000
SSH_CONNECTION="203.0.113.5 50000 127.0.0.1 22" BOXEL_NOW_MS=$FAR BOXEL_ACTOR=mallory \
	SSH_ORIGINAL_COMMAND="queue claim --json" run "$BOXEL" session --db "$DB" --user bob
check "over SSH: claim works ($RC)" test "$RC" = 0
B=$OUT
check "over SSH: the pinned clock is ignored" test "$(jget "$B" lease_until)" -lt $FAR
check "over SSH: the real clock is used" test "$(jget "$B" lease_until)" -gt "$(($(date +%s) * 1000))"
check "over SSH: BOXEL_ACTOR is ignored" test "$(q "SELECT actor FROM events WHERE what = 'claim' ORDER BY id DESC LIMIT 1")" = bob

# --- the log: refusals by the command itself, no lease tokens
BJ=$(jget "$B" judgment); BT=$(jget "$B" token)
n=$(q "SELECT count(*) FROM events WHERE what = 'session_refused'")
S bob "queue claim --lease 604800 --json"
check "a refusal by the command itself exits 2" test "$RC" = 2
check "and is logged as a refusal" test "$(q "SELECT count(*) FROM events WHERE what = 'session_refused' AND actor = 'bob' AND json_extract(detail, '\$.reason') LIKE 'the command refused it%'")" = 1
S bob "queue heartbeat --judgment $BJ --token $BT --json"
check "heartbeat over the session ($RC)" test "$RC" = 0
S bob "queue release --judgment $BJ --token=$BT"
check "release over the session ($RC)" test "$RC" = 0
check "no lease token in any event" test "$(q "SELECT count(*) FROM events WHERE instr(detail, '$BT') > 0 OR instr(detail, '$AT') > 0")" = 0
check "the command is logged with the token masked" test "$(q "SELECT json_extract(detail, '\$.command') FROM events WHERE what = 'session' AND actor = 'bob' ORDER BY id DESC LIMIT 1")" = "queue release --judgment $BJ --token=***"
# (last: a claim at that far time finds every other lease expired)
BOXEL_NOW_MS=$FAR SSH_ORIGINAL_COMMAND="queue claim --json" run "$BOXEL" session --db "$DB" --user alice
check "run locally, the caller's clock pin holds ($RC)" test "$(jget "$OUT" lease_until)" = $((FAR + 300000))

# --- events are not dropped while the store is locked
mkfifo hold
$PY -c '
import sqlite3, sys
c = sqlite3.connect(sys.argv[1], isolation_level=None)
c.execute("BEGIN IMMEDIATE")
open(sys.argv[2], "w").write("locked\n")
sys.stdin.read()
c.execute("ROLLBACK")' "$DB" locked.flag < hold & holder=$!
exec 3>hold
while [ ! -s locked.flag ] && kill -0 $holder 2>/dev/null; do sleep 0.05; done
n=$(q "SELECT count(*) FROM events WHERE what = 'session_refused'")
S alice "sh -c id"
check "refused while locked ($RC)" test "$RC" = 2
exec 3>&-
wait $holder
check "the refusal went to the fallback log beside the store" test -s "$DB-audit.log"
check "as one JSON line naming actor, event and reason" $PY -c '
import json, sys
rows = [json.loads(l) for l in open(sys.argv[1])]
assert len(rows) == 1, rows
r = rows[0]
assert r["actor"] == "alice" and r["what"] == "session_refused", r
assert r["detail"]["command"] == "sh -c id" and "locked" in r["store_error"], r' "$DB-audit.log"
check "the fallback log is private" test "$(stat -c %a "$DB-audit.log")" = 600

# --- taxonomy names that hide or reorder text are refused
mk() { # mk OUT PYEXPR: the sample taxonomy changed by PYEXPR (t is the taxonomy)
	$PY -c '
import json, sys
t = json.load(open(sys.argv[1]))
exec(sys.argv[3])
json.dump(t, open(sys.argv[2], "w"), ensure_ascii=False)' "$SRC/sample-data/taxonomy.json" "$1" "$2"
}
mk zw.json 't["classes"][0]["name"] = "c\u200bat"'
mk rlo.json 't["classes"][1]["attributes"][0]["name"] = "occ\u202eluded"'
mk bom.json 't["classes"][2]["name"] = "\ufeffperson"'
mk c1.json 't["classes"][3]["name"] = "fa\u0085ce"'
mk iso.json 't["classes"][0]["attributes"][2]["options"][0] = "sit\u2067ting"'
for f in zw:"an invisible character U+200B" rlo:"a bidi (direction-changing) character U+202E" \
    bom:"an invisible character U+FEFF" c1:"a control character U+0085" iso:"a bidi (direction-changing) character U+2067"; do
	name=${f%%:*}; want=${f#*:}
	expect_rc 1 "taxonomy with $name refused" "$BOXEL" taxonomy check $name.json
	check "$name: says which character" contains "$ERR" "contains $want"
	expect_rc 2 "init refuses it too" "$BOXEL" init --db $name.db --taxonomy $name.json
done

# --- 300,000 options check in linear time
# (the duplicate check compared each option with every earlier one: over
# 120 s here; linear, well under 2 s. The timeout only stops a hang.)
$PY -c '
import json, sys
t = json.load(open(sys.argv[1]))
t["classes"][0]["attributes"][2]["options"] = ["o%d" % i for i in range(300000)]
json.dump(t, open("big.json", "w"))
t["classes"][0]["attributes"][2]["options"].append("o7")
json.dump(t, open("bigdup.json", "w"))' "$SRC/sample-data/taxonomy.json"
expect_rc 0 "300,000 options are checked" timeout 60 "$BOXEL" taxonomy check big.json
expect_rc 1 "a duplicate among them is found" timeout 60 "$BOXEL" taxonomy check bigdup.json
check "named with its place" contains "$ERR" 'options[300000]: "o7" is listed twice'

finish
