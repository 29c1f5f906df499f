# queue.sh: boxel queue claim / heartbeat / release / skip / save / submit from the
# shell, with a pinned clock: leases, resume, overlap, expiry, the token
# fence (a lost lease changes nothing), and judgment files checked against
# the taxonomy and the image size.
. "$(dirname "$0")/lib.sh"

export BOXEL_DB=$(db_new q)
T0=$BOXEL_NOW_MS
at() { local s=$1; shift; BOXEL_NOW_MS=$((T0 + s * 1000)) "$@"; }
dump() { db_dump "$BOXEL_DB"; }
jget() { /usr/bin/python3 -c 'import json,sys; print(json.loads(sys.argv[1])[sys.argv[2]])' "$1" "$2"; }

"$BOXEL" init --images "$T_TMP" --taxonomy "$BOXEL_SOURCE_ROOT/sample-data/taxonomy.json" >/dev/null
# The scenario below follows tasks in import order (the default order is a
# keyed hash, tested in tests/cli/gold.sh).
"$BOXEL" config set serve_order import >/dev/null
for u in alice bob carol; do
	"$BOXEL" user add $u --role annotator >/dev/null
done
for i in 1 2 3; do
	db_query "$BOXEL_DB" "INSERT INTO tasks(image, width, height, created_ms) VALUES ('img$i.jpg', 200, 100, $i)"
done
"$BOXEL" batch create cal --kind calibration --overlap 2 >/dev/null

good=$T_TMP/good.json
cat > "$good" <<'EOF'
{"annotations": [{"class": "cat", "box": [10, 10, 50, 40], "attributes": {"pose": "sitting"}},
                 {"class": "plume", "polygon": [[1, 1], [20, 1], [10, 30]]}],
 "global": {"scene": "indoor"}}
EOF

# --- claim
expect_rc 2 "claim without --user" "$BOXEL" queue claim
expect_rc 2 "claim unknown user" "$BOXEL" queue claim --user ghost
check "unknown user named" contains "$ERR" "ghost"
expect_rc 2 "claim bad --lease" "$BOXEL" queue claim --user alice --lease 0
expect_rc 2 "unknown subcommand" "$BOXEL" queue grab --user alice
expect_rc 0 "alice claims" "$BOXEL" queue claim --user alice --json
A=$OUT
check "claim json has the fields" /usr/bin/python3 -c '
import json,sys; d=json.loads(sys.argv[1])
for k in ("judgment","token","task","image","width","height","lease_until"): assert k in d, k
assert d["image"]=="img1.jpg" and d["width"]==200 and d["height"]==100
assert d["lease_until"]==int(sys.argv[2])+300000 and len(d["token"])==32 and d["resumed"] is False' "$A" "$T0"
AJ=$(jget "$A" judgment); AT=$(jget "$A" token)
expect_rc 0 "alice claims again: resume" at 10 "$BOXEL" queue claim --user alice --json
check "resume: same judgment" test "$(jget "$OUT" judgment)" = "$AJ"
check "resume: same token" test "$(jget "$OUT" token)" = "$AT"
check "resume: lease extended" test "$(jget "$OUT" lease_until)" = $((T0 + 310000))
expect_rc 0 "bob claims" "$BOXEL" queue claim --user bob --json
B=$OUT; BJ=$(jget "$B" judgment); BT=$(jget "$B" token)
check "overlap 2: bob gets the same task" test "$(jget "$B" task)" = "$(jget "$A" task)"
check "bob gets another judgment" test "$BJ" != "$AJ"
expect_rc 0 "plain claim output" "$BOXEL" queue claim --user carol
check "plain claim shows the image" contains "$OUT" "img2.jpg"

# --- heartbeat / fence
expect_rc 0 "heartbeat" at 20 "$BOXEL" queue heartbeat --user alice --judgment "$AJ" --token "$AT" --json
check "heartbeat extends" test "$(jget "$OUT" lease_until)" = $((T0 + 320000))
expect_rc 2 "heartbeat without token" "$BOXEL" queue heartbeat --judgment "$AJ"
expect_rc 2 "heartbeat bad judgment id" "$BOXEL" queue heartbeat --judgment x1 --token "$AT"
expect_rc 2 "heartbeat unknown judgment" "$BOXEL" queue heartbeat --judgment 999 --token "$AT"
before=$(dump)
expect_rc 4 "heartbeat wrong token" "$BOXEL" queue heartbeat --judgment "$AJ" --token 0123456789abcdef0123456789abcdef
check "lease lost message" contains "$ERR" "lease lost"
check "lease lost: one line" one_line "$ERR"
expect_rc 4 "submit with a wrong token" "$BOXEL" queue submit --judgment "$AJ" --token deadbeef "$good"
expect_rc 4 "submit with bob's token" "$BOXEL" queue submit --judgment "$AJ" --token "$BT" "$good"
expect_rc 4 "submit as the wrong user" "$BOXEL" queue submit --user bob --judgment "$AJ" --token "$AT" "$good"
expect_rc 4 "release with a wrong token" "$BOXEL" queue release --judgment "$AJ" --token nope
expect_rc 4 "skip with a wrong token" "$BOXEL" queue skip --judgment "$AJ" --token nope

# --- judgment files refused before anything changes
bad() { # NAME JSON EXPECTED-TEXT
	printf '%s' "$2" > "$T_TMP/$1.json"
	expect_rc 2 "refused: $1" "$BOXEL" queue submit --user alice --judgment "$AJ" --token "$AT" "$T_TMP/$1.json"
	check "refused $1: one line" one_line "$ERR"
	check "refused $1: says why ($3)" contains "$ERR" "$3"
}
bad malformed '{"annotations": [' "malformed.json"
bad not-object '[1, 2]' "JSON object"
bad unknown-class '{"annotations": [{"class": "dragon", "box": [1, 1, 2, 2]}], "global": {"scene": "indoor"}}' "dragon"
bad geometry '{"annotations": [{"class": "cat", "point": [1, 1], "attributes": {"pose": "lying"}}], "global": {"scene": "indoor"}}' "point"
bad required-attr '{"annotations": [{"class": "cat", "box": [1, 1, 2, 2]}], "global": {"scene": "indoor"}}' "pose"
bad outside '{"annotations": [{"class": "cat", "box": [150, 10, 60, 10], "attributes": {"pose": "lying"}}], "global": {"scene": "indoor"}}' "width"
bad negative-box '{"annotations": [{"class": "cat", "box": [1, 1, -5, 2], "attributes": {"pose": "lying"}}], "global": {"scene": "indoor"}}' "box"
bad nan '{"annotations": [{"class": "cat", "box": [NaN, 1, 5, 2]}]}' "NaN"
bad missing-global '{"annotations": []}' "scene"
printf '{"annotations": [], "glob\0al": {}}' > "$T_TMP/nul.json"
expect_rc 2 "NUL byte" "$BOXEL" queue submit --judgment "$AJ" --token "$AT" "$T_TMP/nul.json"
expect_rc 2 "missing file" "$BOXEL" queue submit --judgment "$AJ" --token "$AT" "$T_TMP/none.json"
expect_rc 2 "NUL byte on standard input" sh -c '"$0" queue submit --judgment "$1" --token "$2" - < "$3"' "$BOXEL" "$AJ" "$AT" "$T_TMP/nul.json"
check "names standard input" contains "$ERR" "standard input: contains a NUL byte"
head -c 17000000 /dev/zero | tr '\0' ' ' > "$T_TMP/huge.json"
expect_rc 2 "17 MB on standard input" sh -c '"$0" queue submit --judgment "$1" --token "$2" - < "$3"' "$BOXEL" "$AJ" "$AT" "$T_TMP/huge.json"
check "too large, said in one line" one_line "$ERR"
check "says how much is allowed" contains "$ERR" "standard input: answer is more than 4194304 bytes, the project allows 4194304 (setting max_answer_bytes)"
expect_rc 2 "two files" "$BOXEL" queue submit --judgment "$AJ" --token "$AT" "$good" "$good"
expect_rc 2 "bad --seconds" "$BOXEL" queue submit --judgment "$AJ" --token "$AT" --seconds -3 "$good"
check "lost leases and bad files left the store unchanged" test "$before" = "$(dump)"

# --- save: the answer checked as a submit's, kept as the task's draft
drafts() { # the draft's labeler, objects, undo steps and seconds
	echo "$(db_query "$BOXEL_DB" "SELECT labeler FROM drafts WHERE judgment = $AJ")" \
		"$(db_query "$BOXEL_DB" "SELECT state FROM drafts WHERE judgment = $AJ" | /usr/bin/python3 -c '
import json, sys
d = json.loads(sys.stdin.read())
print(len(d["answer"]["annotations"]), d["nsteps"], int(d["seconds"]))')"
}
expect_rc 2 "save refuses what submit refuses" "$BOXEL" queue save --judgment "$AJ" --token "$AT" "$T_TMP/unknown-class.json"
check "save's refusal: one line naming the class" contains "$ERR" "dragon"
expect_rc 2 "save without a file" "$BOXEL" queue save --judgment "$AJ" --token "$AT"
expect_rc 4 "save with bob's token" "$BOXEL" queue save --judgment "$AJ" --token "$BT" "$good"
expect_rc 4 "save as the wrong user" "$BOXEL" queue save --user bob --judgment "$AJ" --token "$AT" "$good"
check "refused saves left the store unchanged" test "$before" = "$(dump)"
printf '{"annotations": [{"class": "cat", "box": [1, 1, 5, 5], "attributes": {"pose": "lying"}}], "global": {"scene": "indoor"}}' > "$T_TMP/one.json"
expect_rc 0 "alice saves a draft" at 12 "$BOXEL" queue save --user alice --judgment "$AJ" --token "$AT" "$T_TMP/one.json"
check "save says so" contains "$OUT" "judgment $AJ: draft saved (1 annotation)"
check "the draft holds the answer, no undo steps, the time since the claim" test "$(drafts)" = "$(db_query "$BOXEL_DB" "SELECT id FROM users WHERE name='alice'") 1 0 12"
check "still leased after a save" test "$(db_query "$BOXEL_DB" "SELECT state FROM judgments WHERE id=$AJ")" = leased
expect_rc 0 "a second save replaces the draft" sh -c '"$0" queue save --judgment "$1" --token "$2" --seconds 20 - < "$3"' "$BOXEL" "$AJ" "$AT" "$good"
check "one draft, the second answer, its --seconds" test "$(drafts)" = "$(db_query "$BOXEL_DB" "SELECT id FROM users WHERE name='alice'") 2 0 20"

# --- submit
expect_rc 0 "alice submits" at 30 "$BOXEL" queue submit --user alice --judgment "$AJ" --token "$AT" "$good"
check "submit says so" contains "$OUT" "submitted (2 annotations)"
check "judgment stored as submitted" test "$(db_query "$BOXEL_DB" "SELECT state FROM judgments WHERE id=$AJ")" = submitted
check "seconds default to time since claim" test "$(db_query "$BOXEL_DB" "SELECT CAST(seconds * 10 AS INTEGER) FROM judgments WHERE id=$AJ")" = 300
check "the submit dropped the draft" test "$(db_query "$BOXEL_DB" "SELECT count(*) FROM drafts WHERE judgment=$AJ")" = 0
check "annotations rows written" test "$(db_query "$BOXEL_DB" "SELECT geom || ':' || class FROM annotations WHERE judgment=$AJ ORDER BY idx" | paste -sd,)" = "box:cat,polygon:plume"
before=$(dump)
expect_rc 4 "second submit with the same token" at 31 "$BOXEL" queue submit --judgment "$AJ" --token "$AT" "$good"
check "double submit changed nothing" test "$before" = "$(dump)"
expect_rc 0 "alice's next claim is another task" "$BOXEL" queue claim --user alice --json
check "never the same task twice" test "$(jget "$OUT" task)" != "$(jget "$A" task)"
A2J=$(jget "$OUT" judgment); A2T=$(jget "$OUT" token)

# --- release and skip
expect_rc 0 "release" "$BOXEL" queue release --user alice --judgment "$A2J" --token "$A2T"
check "released judgment is open" test "$(db_query "$BOXEL_DB" "SELECT state FROM judgments WHERE id=$A2J")" = open
expect_rc 0 "claim after release" "$BOXEL" queue claim --user alice --json
A3J=$(jget "$OUT" judgment); A3T=$(jget "$OUT" token); A3task=$(jget "$OUT" task)
expect_rc 0 "skip" "$BOXEL" queue skip --user alice --judgment "$A3J" --token "$A3T" --reason blurry
check "skip logged with the reason" test "$(db_query "$BOXEL_DB" "SELECT json_extract(detail, '$.reason') FROM events WHERE what='skip'")" = blurry

# --- expiry: bob's lease runs out at +300 s; carol takes it over
expect_rc 0 "bob submits in time" at 100 "$BOXEL" queue submit --user bob --judgment "$BJ" --token "$BT" --seconds 7 "$good"
expect_rc 0 "carol claims" "$BOXEL" queue claim --user carol --json
CJ=$(jget "$OUT" judgment); CT=$(jget "$OUT" token)
expect_rc 0 "bob claims" at 200 "$BOXEL" queue claim --user bob --json
B2J=$(jget "$OUT" judgment); B2T=$(jget "$OUT" token)
expect_rc 0 "alice claims bob's expired lease" at 600 "$BOXEL" queue claim --user alice --json
check "expired lease went to alice" test "$(jget "$OUT" judgment)" = "$B2J"
before=$(dump)
expect_rc 4 "bob submits after expiry and reclaim" at 601 "$BOXEL" queue submit --user bob --judgment "$B2J" --token "$B2T" "$good"
check "expired submit: message" contains "$ERR" "lease lost"
expect_rc 4 "bob heartbeats after reclaim" at 601 "$BOXEL" queue heartbeat --judgment "$B2J" --token "$B2T"
check "expired-and-reclaimed left the store unchanged" test "$before" = "$(dump)"

# --- no work, refused users
"$BOXEL" user disable carol >/dev/null
expect_rc 2 "disabled user cannot claim" "$BOXEL" queue claim --user carol
check "disabled said" contains "$ERR" "disabled"
check "disable returned carol's lease" test "$(db_query "$BOXEL_DB" "SELECT state FROM judgments WHERE id=$CJ")" = open
"$BOXEL" user qual bob suspended >/dev/null
expect_rc 2 "suspended user cannot claim" "$BOXEL" queue claim --user bob
check "suspended said" contains "$ERR" "suspended"
"$BOXEL" user add dave --role annotator >/dev/null
n=0
while "$BOXEL" queue claim --user dave --json > "$T_TMP/c.json" 2>/dev/null; do
	"$BOXEL" queue submit --judgment "$(jget "$(cat "$T_TMP/c.json")" judgment)" --token "$(jget "$(cat "$T_TMP/c.json")" token)" "$good" >/dev/null || break
	n=$((n + 1)); [ $n -lt 10 ] || break
done
expect_rc 3 "no work: exit 3" "$BOXEL" queue claim --user dave
check "no work: one line" one_line "$ERR"
check "dave judged each task once at most" test "$n" -le 3
check "no labeler holds two judgments of a task" test "$(db_query "$BOXEL_DB" "SELECT count(*) FROM (SELECT 1 FROM judgments WHERE labeler IS NOT NULL GROUP BY task, labeler HAVING count(*) > 1) t")" = 0

expect_rc 0 "stats" "$BOXEL" stats --json
check "stats counts alice's submit" /usr/bin/python3 -c 'import json,sys; d=json.loads(sys.argv[1]); a=[l for l in d["labelers"] if l["name"]=="alice"][0]; b=[l for l in d["labelers"] if l["name"]=="bob"][0]; assert a["submitted"]==1 and a["median_seconds"]==30 and b["median_seconds"]==7' "$OUT"
on_file && check "integrity ok" test "$(db_query "$BOXEL_DB" 'PRAGMA integrity_check')" = ok

finish
