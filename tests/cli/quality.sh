# quality.sh: issue 5's "done means" from the shell, with a pinned clock:
# the sample photos plus generated ones, gold imported from a COCO file, a
# training batch (qualification), a calibration batch with overlap 3 and
# gold (consensus, agreement, the calibration report), a production batch
# where one labeler answers badly until suspended (their lease returns and
# another labeler's claim gets it), `boxel user show` against hand-computed
# numbers, reinstatement, `boxel config`, and bad inputs.
. "$(dirname "$0")/lib.sh"

export BOXEL_DB=$(db_new q)
T0=$BOXEL_NOW_MS
at() { local s=$1; shift; BOXEL_NOW_MS=$((T0 + s * 1000)) "$@"; }
py() { /usr/bin/python3 -c "$@"; }
jget() { py 'import json,sys; print(json.loads(sys.argv[1])[sys.argv[2]])' "$1" "$2"; }

IMG=$T_TMP/images
mkdir -p "$IMG"
cp "$BOXEL_SOURCE_ROOT"/sample-data/*.png "$BOXEL_SOURCE_ROOT"/sample-data/*.jpg "$IMG"/
# g01..g12: plain 64x48 RGB PNGs, written with Python's zlib (no ImageMagick
# needed to run this test).
py '
import struct, sys, zlib
def chunk(t, d):
    return struct.pack(">I", len(d)) + t + d + struct.pack(">I", zlib.crc32(t + d))
for i in range(1, 13):
    row = b"\0" + bytes([i * 10, 90, 140]) * 64
    png = (b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", struct.pack(">IIBBBBB", 64, 48, 8, 2, 0, 0, 0))
           + chunk(b"IDAT", zlib.compress(row * 48)) + chunk(b"IEND", b""))
    open("%s/g%02d.png" % (sys.argv[1], i), "wb").write(png)' "$IMG"
"$BOXEL" init --images "$IMG" --taxonomy "$BOXEL_SOURCE_ROOT/sample-data/taxonomy.json" >/dev/null
# The scenario below follows tasks in import order (the default order is a
# keyed hash, tested in tests/cli/gold.sh).
"$BOXEL" config set serve_order import >/dev/null
expect_rc 0 "import the folder" "$BOXEL" import "$IMG"
check "16 tasks" contains "$OUT" "imported 16 tasks"

# Gold: coffee (cup), rocket (rocket), astronaut (person), g01..g12 (cup).
py '
import json, sys
imgs = [("coffee.png", 600, 400, "cup", [100, 100, 200, 200]),
        ("rocket.jpg", 640, 427, "rocket", [300, 50, 40, 300]),
        ("astronaut.png", 512, 512, "person", [100, 50, 300, 450])]
imgs += [("g%02d.png" % i, 64, 48, "cup", [10, 10, 20, 20]) for i in range(1, 13)]
cats = ["cup", "rocket", "person"]
d = {"images": [], "annotations": [],
     "categories": [{"id": i + 1, "name": c} for i, c in enumerate(cats)]}
for k, (f, w, h, c, b) in enumerate(imgs):
    d["images"].append({"id": k + 1, "file_name": f, "width": w, "height": h})
    d["annotations"].append({"id": k + 1, "image_id": k + 1, "bbox": b,
                             "category_id": cats.index(c) + 1})
json.dump(d, open(sys.argv[1], "w"))' "$T_TMP/gold.json"
expect_rc 0 "import gold (COCO)" "$BOXEL" import --format coco --as gold "$T_TMP/gold.json"
check "15 gold answers" contains "$OUT" "15 with gold"

for u in alice bob carol dave; do "$BOXEL" user add $u --role annotator >/dev/null; done

# --- config
expect_rc 0 "config list" "$BOXEL" config list
check "config lists the bars" contains "$OUT" "accuracy_bar"
expect_rc 0 "require training" "$BOXEL" config set require_training 1
expect_rc 0 "config get" "$BOXEL" config get accuracy_bar
check "accuracy_bar default 0.8" test "$OUT" = 0.8
for bad in "accuracy_bar 1.5" "accuracy_bar x" "iou_threshold 0" "quorum -1" "gold_window 0" \
    "require_training 2" "nosuch 1" "taxonomy {}"; do
	expect_rc 2 "config set $bad" "$BOXEL" config set $bad
	check "config set $bad: one line" one_line "$ERR"
done
expect_rc 2 "config get unknown" "$BOXEL" config get $'\e[31mred'
check "config get unknown: no escape" no_escape "$ERR"

# answer FILE ANNOTATIONS-JSON: a judgment file (scene is required).
answer() { printf '{"annotations": [%s], "global": {"scene": "indoor"}}\n' "$2" > "$1"; }
box() { printf '{"class": "%s", "box": [%s]%s}' "$1" "$2" "${3:+, \"attributes\": $3}"; }

# claim_submit AT USER SECONDS ANSWER-FN: claim as USER at AT, write the
# answer ANSWER-FN gives for the claimed image, submit 30 s later.
claim_submit() {
	local t=$1 u=$2 secs=$3 fn=$4 c j tok img
	run at "$t" "$BOXEL" queue claim --user "$u" --json
	if [ "$RC" -ne 0 ]; then fail "claim $u at $t: exit $RC: $ERR"; return 1; fi
	c=$OUT; j=$(jget "$c" judgment); tok=$(jget "$c" token); img=$(jget "$c" image)
	LAST_IMAGE=$img; LAST_J=$j; LAST_TOKEN=$tok
	$fn "$u" "$img" > "$T_TMP/a.json"
	run at $((t + 30)) "$BOXEL" queue submit --user "$u" --judgment "$j" --token "$tok" \
	    --seconds "$secs" "$T_TMP/a.json"
	if [ "$RC" -ne 0 ]; then fail "submit $u $img: exit $RC: $ERR"; return 1; fi
	pass
}

# --- training: coffee and rocket, overlap 3
printf 'coffee.png\nrocket.jpg\n' > "$T_TMP/train.txt"
expect_rc 0 "training batch" "$BOXEL" batch create train --kind training --overlap 3 --tasks "$T_TMP/train.txt"
right() {
	case $2 in
	coffee.png) answer /dev/stdout "$(box cup 100,100,200,200)";;
	rocket.jpg) answer /dev/stdout "$(box rocket 300,50,40,300)";;
	astronaut.png) answer /dev/stdout "$(box person 100,50,300,450)";;
	chelsea.png) answer /dev/stdout "$(box cat 50,30,300,250 '{"pose": "sitting"}')";;
	*) answer /dev/stdout "$(box cup 10,10,20,20)";;
	esac
}
carol_train() { # right on coffee, nothing on the rocket
	case $2 in coffee.png) right "$@";; *) answer /dev/stdout "";; esac
}
claim_submit 100 alice 20 right
check "alice still in training after 1 of 2" contains "$("$BOXEL" user list | grep alice)" training
claim_submit 200 alice 20 right
check "alice qualified after 2 right" contains "$("$BOXEL" user list | grep alice)" qualified
claim_submit 300 bob 20 right
claim_submit 400 bob 20 right
claim_submit 500 carol 20 carol_train
claim_submit 600 carol 20 carol_train
check "carol (1 of 2) stays in training" contains "$("$BOXEL" user list | grep carol)" training
expect_rc 0 "carol's training score" "$BOXEL" user show carol --json
check "carol training accuracy 0.5 over 2" py '
import json, sys; d = json.loads(sys.argv[1])
assert d["state"] == "training" and d["training_count"] == 2 and d["training_accuracy"] == 0.5, d
assert d["gold_count"] == 0 and d["accuracy"] is None and d["precision"] is None' "$OUT"
expect_rc 0 "text show: n/a for undefined" "$BOXEL" user show carol
check "accuracy n/a" contains "$(printf '%s\n' "$OUT" | grep '^accuracy')" "n/a"

# --- calibration: astronaut, chelsea, g01 with overlap 3
printf 'astronaut.png\nchelsea.png\ng01.png\n' > "$T_TMP/cal.txt"
expect_rc 0 "calibration batch" "$BOXEL" batch create cal --kind calibration --overlap 3 --tasks "$T_TMP/cal.txt"
expect_rc 3 "carol in training gets no calibration work" at 700 "$BOXEL" queue claim --user carol
expect_rc 0 "reinstate promotes carol" "$BOXEL" user reinstate carol
check "carol qualified" contains "$("$BOXEL" user list | grep carol)" qualified
# carol: a cup where the others see the cat; an extra rocket beside the cup on g01.
carol_cal() {
	case $2 in
	chelsea.png) answer /dev/stdout "$(box cup 50,30,300,250)";;
	g01.png) answer /dev/stdout "$(box cup 10,10,20,20), $(box rocket 40,30,10,10)";;
	*) right "$@";;
	esac
}
t=1000
for u in alice bob; do
	for k in 1 2 3; do claim_submit $t $u 20 right; t=$((t + 100)); done
done
claim_submit $t carol 20 carol_cal; t=$((t + 100))
claim_submit $t carol 20 carol_cal; t=$((t + 100))
expect_rc 0 "batch show before the last replica" "$BOXEL" batch show cal --json
check "2 tasks complete before carol's last" py '
import json, sys; q = json.loads(sys.argv[1])["quality"]
assert q["tasks_with_consensus"] == 2, q' "$OUT"
claim_submit $t carol 20 carol_cal; t=$((t + 100))

# Hand-computed: agreement astronaut 1, chelsea 1/3, g01 (1 + 2/3 + 2/3)/3 = 7/9;
# mean 19/27; pairwise geometry F1 over the 9 pairs (1+0+0 + 1+2/3+2/3 + 1+1+1)/9
# = 19/27 too (every pair has geometry); no image classes.
expect_rc 0 "batch show --json" "$BOXEL" batch show cal --json
check "batch quality" py '
import json, sys; q = json.loads(sys.argv[1])["quality"]
assert q["tasks_with_consensus"] == 3 and q["needs_review"] == 1, q
assert abs(q["mean_agreement"] - 19/27) < 1e-9 and abs(q["geometry_f1"] - 19/27) < 1e-9, q
assert q["kalpha_classes"] is None' "$OUT"
expect_rc 0 "batch show text" "$BOXEL" batch show cal
check "text: 1 needs review" contains "$OUT" "1 needs review"
check "text: agreement" contains "$OUT" "0.704"
check "text: geometry F1" contains "$(printf '%s\n' "$OUT" | grep '^geom F1')" "0.704"
expect_rc 0 "stats --json" "$BOXEL" stats --json
check "stats has batch quality" py '
import json, sys; d = json.loads(sys.argv[1])
q = [b for b in d["batches"] if b["name"] == "cal"][0]["quality"]
assert q["needs_review"] == 1' "$OUT"
# 2 training tasks (overlap 3 too) + 3 calibration tasks
check "consensus stored for export" test "$(db_query "$BOXEL_DB" "SELECT count(*) FROM task_answers WHERE kind = 'consensus'")" = 5
check "chelsea's consensus is the cat" test "$(db_query "$BOXEL_DB" "SELECT a.answer ->> '\$.annotations[0].class' FROM task_answers a JOIN tasks t ON t.id = a.task WHERE t.image = 'chelsea.png' AND a.kind = 'consensus'")" = cat

# --- the calibration report
expect_rc 0 "report calibration --json" "$BOXEL" report calibration cal --json
check "report: tasks worst first, classes worst first" py '
import json, sys; d = json.loads(sys.argv[1])
t = d["tasks"]
assert [x["image"] for x in t] == ["chelsea.png", "g01.png", "astronaut.png"], t
assert abs(t[0]["agreement"] - 1/3) < 1e-9 and t[0]["needs_review"] and t[0]["gold_accuracy"] is None
assert abs(t[1]["agreement"] - 7/9) < 1e-9 and not t[1]["needs_review"]
assert t[1]["gold_accuracy"] == 0.75 and t[2]["gold_accuracy"] == 1
dis = t[0]["disagreeing"]
assert len(dis) == 1 and dis[0]["labeler"] == "carol" and dis[0]["classes"] == {"cup": 1}, dis
assert dis[0]["other"] == 1 and dis[0]["extra"] == 0
dis = t[1]["disagreeing"]
assert len(dis) == 1 and dis[0]["labeler"] == "carol" and dis[0]["extra"] == 1, dis
assert t[2]["disagreeing"] == []
c = {x["class"]: x for x in d["classes"]}
assert [x["class"] for x in d["classes"]] == ["rocket", "cat", "cup", "person"], d["classes"]
assert c["rocket"]["agreement_f1"] == 0 and c["rocket"]["gold_f1"] == 0
assert c["cat"]["agreement_f1"] == 0.5 and c["cat"]["gold_f1"] is None
assert c["cat"]["confused_with"] == [{"class": "cup", "count": 2}]
assert c["cup"]["agreement_f1"] == 0.75 and c["cup"]["gold_f1"] == 1
assert c["person"]["agreement_f1"] == 1 and c["person"]["gold_f1"] == 1
assert c["cup"]["objects"] == 4 and c["cat"]["objects"] == 2' "$OUT"
# Labelers ranked worst first against gold (astronaut and g01): carol 2 TP,
# 1 FP (the rocket) = 2/3; alice and bob 1, then by consensus F1 and name.
# Pairwise F1 per task (the scene counts as one item): carol with either,
# astronaut 1, chelsea cat/cup + scene 2/4, g01 cup + scene + rocket 4/5.
check "report: labelers ranked, the agreement matrix" py '
import json, sys; d = json.loads(sys.argv[1])
l = d["labelers"]
assert [x["labeler"] for x in l] == ["carol", "alice", "bob"], l
assert abs(l[0]["gold_accuracy"] - 2/3) < 1e-9 and l[0]["gold_judgments"] == 2, l
assert l[1]["gold_accuracy"] == 1 and l[1]["consensus_f1"] == 1 and l[0]["judgments"] == 3, l
m = d["agreement_matrix"]
assert [m[i][i] for i in range(3)] == [None] * 3, m
assert abs(m[0][1] - (1 + 0.5 + 0.8) / 3) < 1e-9 and m[0][1] == m[1][0] == m[0][2], m
assert m[1][2] == 1 == m[2][1], m' "$OUT"
expect_rc 0 "report calibration text" "$BOXEL" report calibration cal
check "text names the worst task first" test "$(printf '%s\n' "$OUT" | grep -m1 -E '\.(png|jpg) ' | awk '{print $1}')" = chelsea.png
check "text names the worst class first" test "$(printf '%s\n' "$OUT" | sed -n '/^CLASS /{n;p;}' | awk '{print $1}')" = rocket
check "text lists carol's judgment" contains "$OUT" "carol"
check "text shows the confusion" contains "$(printf '%s\n' "$OUT" | grep '^cat ')" "cup 2"
check "text ranks carol first" test "$(printf '%s\n' "$OUT" | sed -n '/^LABELER /{n;p;}' | awk '{print $1, $4, $5}')" = "carol 2 0.667"
check "text: the matrix row of carol" test "$(printf '%s\n' "$OUT" | grep -E '^  1 carol' | awk '{print $3, $4, $5}')" = "· 0.767 0.767"
check "report text: no escapes" no_escape "$OUT"
expect_rc 2 "report unknown batch" "$BOXEL" report calibration nosuch
check "unknown batch: one line" one_line "$ERR"
check "unknown batch named" contains "$ERR" "nosuch"
expect_rc 2 "report unknown kind" "$BOXEL" report weekly cal
expect_rc 2 "report without batch" "$BOXEL" report calibration

# --- production: g02..g12; dave answers nothing until suspended
"$BOXEL" user qual dave qualified >/dev/null
printf 'g%02d.png\n' 2 3 4 5 6 7 8 9 10 11 12 > "$T_TMP/prod.txt"
expect_rc 0 "production batch" "$BOXEL" batch create prod --kind production --tasks "$T_TMP/prod.txt"
empty() { answer /dev/stdout ""; }
D=5000
for k in 0 1 2 3 4 5 6 7 8; do claim_submit $((D + 60 * k)) dave 20 empty; done
check "dave still qualified after 9 bad" contains "$("$BOXEL" user list | grep dave)" qualified
# The 10th: claimed; dave also holds a lease on the batch's last gold task,
# as a parallel session would (the queue gives one lease per claim).
run at $((D + 540)) "$BOXEL" queue claim --user dave --json
J10=$(jget "$OUT" judgment); T10=$(jget "$OUT" token)
check "no ordinary work in an all-gold batch" test "$(db_query "$BOXEL_DB" "SELECT count(*) FROM judgments WHERE batch = (SELECT id FROM batches WHERE name = 'prod') AND labeler IS NULL")" = 0
db_query "$BOXEL_DB" "INSERT INTO judgments(task, batch, replica, state, labeler, lease_token, lease_until, attempts) SELECT bt.task, bt.batch, 0, 'leased', (SELECT id FROM users WHERE name = 'dave'), 'other-session', $((T0 + 9000000)), 1 FROM batch_tasks bt WHERE bt.batch = (SELECT id FROM batches WHERE name = 'prod') AND bt.task NOT IN (SELECT task FROM judgments WHERE labeler = (SELECT id FROM users WHERE name = 'dave')) LIMIT 1"
LAST=$(db_query "$BOXEL_DB" "SELECT id FROM judgments WHERE lease_token = 'other-session'")
check "dave holds a second lease" test -n "$LAST"
empty dave x > "$T_TMP/a.json"
expect_rc 0 "dave's 10th bad submit" at $((D + 570)) "$BOXEL" queue submit --user dave --judgment "$J10" --token "$T10" --seconds 20 "$T_TMP/a.json"
# The gold submit arms the suspension; it takes effect at the claim after
# 0-2 more ordinary submits (random; tests/cli/suspend.sh). Pinned to 0 here.
check "dave's suspension armed" test "$(db_query "$BOXEL_DB" "SELECT CASE WHEN suspend_grace BETWEEN 0 AND 2 THEN 1 ELSE 0 END FROM users WHERE name = 'dave'")" = 1
db_query "$BOXEL_DB" "UPDATE users SET suspend_grace = 0 WHERE name = 'dave'"
expect_rc 2 "the next claim suspends dave" at $((D + 580)) "$BOXEL" queue claim --user dave
check "dave suspended" contains "$("$BOXEL" user list | grep dave)" suspended
# Gold is per labeler: the returned lease of a gold task is dropped, not
# handed on (everyone else can still get that gold task as their own).
check "dave's other gold lease dropped" test "$(db_query "$BOXEL_DB" "SELECT count(*) FROM judgments WHERE id = $LAST")" = 0
check "suspension logged" test "$(db_query "$BOXEL_DB" "SELECT count(*) FROM events WHERE what = 'user_qual' AND detail ->> 'qual' = 'suspended' AND detail ->> 'name' = 'dave'")" = 1
expect_rc 2 "suspended dave cannot claim" at $((D + 600)) "$BOXEL" queue claim --user dave
check "says suspended" contains "$ERR" "suspended"
claim_submit $((D + 700)) alice 20 right
check "alice gets gold of prod as her own" test "$(db_query "$BOXEL_DB" "SELECT j.gold || b.name FROM judgments j JOIN batches b ON b.id = j.batch WHERE j.id = $LAST_J")" = 1prod

# --- user show against hand-computed numbers
# dave: 10 gold, TP 0, FN 10: accuracy 0, precision undefined, recall 0;
# 10 submitted with 20 s each (--seconds), each 30 s from its claim to its
# submit (pinned clock): 10 / (300 / 3600) = 120 per hour of active time,
# not the 63.2 of the span from first claim (D) to last submit (D + 570 s).
expect_rc 0 "user show dave --json" "$BOXEL" user show dave --json
check "dave's numbers" py '
import json, sys; d = json.loads(sys.argv[1])
assert d["state"] == "suspended" and d["role"] == "annotator" and d["active"] is True, d
assert d["gold_count"] == 10 and d["gold_window"] == 50 and d["fn"] == 10 and d["tp"] == 0, d
assert d["accuracy"] == 0 and d["precision"] is None and d["recall"] == 0, d
assert d["submitted"] == 10 and d["median_seconds"] == 20, d
assert abs(d["per_hour"] - 120) < 1e-9, d
assert d["trend"] == [0] * 10 and d["trend_windows"] == [0], d' "$OUT"
expect_rc 0 "user show dave" "$BOXEL" user show dave
check "text: state" contains "$OUT" "suspended"
check "text: throughput" contains "$OUT" "120.0 judgments/hour, median 20.0 s"
check "text: sparkline" contains "$OUT" "▁▁▁▁▁▁▁▁▁▁"
check "text: precision n/a" contains "$(printf '%s\n' "$OUT" | grep '^precision')" "n/a"
expect_rc 0 "stats --json" "$BOXEL" stats --json
check "stats: the same pace" py '
import json, sys; d = {l["name"]: l for l in json.loads(sys.argv[1])["labelers"]}
assert abs(d["dave"]["per_hour"] - 120) < 1e-9, d["dave"]' "$OUT"
# carol: astronaut TP; g01 TP + FP: TP 2, FP 1 -> accuracy 2/3, precision 2/3, recall 1.
expect_rc 0 "user show carol --json" "$BOXEL" user show carol --json
check "carol's numbers" py '
import json, sys; d = json.loads(sys.argv[1])
assert d["state"] == "qualified" and d["gold_count"] == 2 and (d["tp"], d["fp"], d["fn"]) == (2, 1, 0), d
assert abs(d["accuracy"] - 2/3) < 1e-9 and abs(d["precision"] - 2/3) < 1e-9 and d["recall"] == 1, d
assert sorted(d["trend"]) == [0.5, 1], d' "$OUT"
# alice: astronaut, g01 and g12 right: 3 of 3.
expect_rc 0 "user show alice --json" "$BOXEL" user show alice --json
check "alice's numbers" py '
import json, sys; d = json.loads(sys.argv[1])
assert d["gold_count"] == 3 and d["accuracy"] == 1 and d["training_accuracy"] == 1, d' "$OUT"

# --- reinstate
expect_rc 0 "reinstate dave" "$BOXEL" user reinstate dave
check "dave qualified again" contains "$("$BOXEL" user list | grep dave)" qualified
expect_rc 0 "dave's window restarted" "$BOXEL" user show dave --json
check "window empty, history kept" py '
import json, sys; d = json.loads(sys.argv[1])
assert d["gold_count"] == 0 and d["gold_total"] == 10 and d["accuracy"] is None, d' "$OUT"
# The one gold task of prod dave has not judged (his dropped second lease).
expect_rc 0 "dave may claim again" at $((D + 900)) "$BOXEL" queue claim --user dave
# carol, dave's 'user qual dave qualified' (the same path) and dave
check "reinstatement logged" test "$(db_query "$BOXEL_DB" "SELECT count(*) FROM events WHERE what = 'user_reinstate'")" = 3

# --- gold per labeler: admins see what is left, annotators see no gold figure
expect_rc 0 "batch show prod --json" "$BOXEL" batch show prod --json
check "gold left per labeler" py '
import json, sys; d = json.loads(sys.argv[1]); g = {x["labeler"]: x for x in d["gold_left"]}
# dave'"'"'s first two gold were cal'"'"'s (astronaut, g01: calibration serves its whole
# gold pool to every labeler, as their own), 8 prod'"'"'s; the 9th is his lease now.
assert g["dave"] == {"labeler": "dave", "pool": 11, "done": 8, "left": 2}, g
assert g["alice"] == {"labeler": "alice", "pool": 11, "done": 1, "left": 10}, g' "$OUT"
expect_rc 0 "batch show prod" "$BOXEL" batch show prod
check "text: gold left" contains "$OUT" "alice                1 done, 10 left"
check "text: progress over ordinary work" contains "$OUT" "progress   0 of 0 judgments done"
expect_rc 0 "admin user show: gold left" "$BOXEL" user show alice
check "text: alice's gold left" contains "$OUT" "gold left   prod: 10 of a pool of 11 (1 done)"
expect_rc 0 "alice's own show" env BOXEL_ACTOR=alice "$BOXEL" user show alice --json
check "own show: no gold figure" py '
import json, sys; d = json.loads(sys.argv[1])
assert set(d) == {"name", "role", "active", "state", "paused", "suspended_by", "training_count", "training_accuracy",
                  "submitted", "per_hour", "median_seconds"}, d' "$OUT"
expect_rc 0 "alice's own show, text" env BOXEL_ACTOR=alice "$BOXEL" user show alice
check "own text: no window, trend or gold left" test "$(printf '%s\n' "$OUT" | grep -cE '^(accuracy|trend|windows|gold)')" = 0
"$BOXEL" user add adm --role admin >/dev/null
expect_rc 0 "an admin's own show is whole" env BOXEL_ACTOR=adm "$BOXEL" user show alice --json
check "admin sees accuracy" contains "$OUT" '"accuracy":'

# --- rules for everyone: gold_min, re-evaluation, one reinstate path, users
for bad in "gold_window 9" "gold_min 51" "gold_min 0"; do
	expect_rc 2 "config set $bad refused" "$BOXEL" config set $bad
	check "config set $bad: one line" one_line "$ERR"
done
check "refusal names both settings" contains "$(at 1 "$BOXEL" config set gold_window 9 2>&1)" "gold_min (10)"
check "gold_window unchanged" test "$("$BOXEL" config get gold_window)" = 50
# dave (reinstated, 1 gold since) under the bar: a larger window changes
# nothing for him; carol (2 of 3, 0.67) is under 0.8 once gold_min is 2.
expect_rc 0 "gold_min 2 re-evaluates everyone" "$BOXEL" config set gold_min 2
check "says who was suspended" contains "$OUT" "1 suspended"
check "carol suspended by the re-evaluation" contains "$("$BOXEL" user show carol)" "suspended (gold accuracy under the bar)"
expect_rc 0 "gold_min back to 10 lifts it" "$BOXEL" config set gold_min 10
check "says one lifted" contains "$OUT" "1 gold suspension lifted"
check "carol qualified again" contains "$("$BOXEL" user list | grep carol)" qualified
expect_rc 0 "admin suspends bob" "$BOXEL" user qual bob suspended
check "says it is the admin's" contains "$OUT" "suspended by you (an admin)"
expect_rc 2 "bob's claim refused" "$BOXEL" queue claim --user bob
check "refusal says admin, not gold" test "$(contains "$ERR" "by an admin" && echo y)$(contains "$ERR" "gold" && echo g)" = y
expect_rc 0 "qual qualified is reinstate" "$BOXEL" user qual bob qualified
check "says reinstated, window restarted" contains "$OUT" "bob is reinstated (qualified); their gold window starts afresh"
expect_rc 0 "pause bob" "$BOXEL" user pause bob
check "pause message" contains "$OUT" "paused bob"
expect_rc 2 "paused bob cannot claim" "$BOXEL" queue claim --user bob
check "refusal says paused" contains "$ERR" "paused by an admin"
expect_rc 0 "pause again" "$BOXEL" user pause bob
check "nothing changed" contains "$OUT" "already paused"
expect_rc 0 "unpause bob" "$BOXEL" user unpause bob
expect_rc 0 "role bob reviewer" "$BOXEL" user role bob reviewer
check "bob is a reviewer" contains "$("$BOXEL" user list | grep bob)" reviewer
expect_rc 2 "bad role" "$BOXEL" user role bob boss
check "bad role: one line" one_line "$ERR"
expect_rc 0 "disable bob" "$BOXEL" user disable bob
for c in "reinstate bob" "qual bob qualified" "qual bob suspended" "role bob admin" "pause bob"; do
	expect_rc 2 "$c on a disabled user refused" "$BOXEL" user $c
	check "$c: says disabled" contains "$ERR" "disabled"
done
expect_rc 0 "enable bob" "$BOXEL" user enable bob
check "enable message" contains "$OUT" "enabled bob"
check "bob active again" contains "$("$BOXEL" user show bob)" "active      yes"
expect_rc 0 "enable again" "$BOXEL" user enable bob
check "already enabled" contains "$OUT" "already enabled"

# --- the attribute policy and on_suspend settings
for bad in "compare_attributes a,,b" "compare_attributes ,x" "on_suspend delete"; do
	expect_rc 2 "config set $bad refused" "$BOXEL" config set $bad
	check "config set $bad: one line" one_line "$ERR"
done
expect_rc 0 "compare_attributes list" "$BOXEL" config set compare_attributes pose,occluded
check "kept as given" test "$("$BOXEL" config get compare_attributes)" = pose,occluded
expect_rc 0 "compare_attributes back to all" "$BOXEL" config set compare_attributes all

# --- bad inputs
expect_rc 2 "user show unknown" "$BOXEL" user show ghost
check "unknown user: one line" one_line "$ERR"
check "unknown user named" contains "$ERR" "ghost"
expect_rc 2 "user reinstate unknown" "$BOXEL" user reinstate ghost
check "reinstate unknown: one line" one_line "$ERR"
expect_rc 2 "user show without name" "$BOXEL" user show
expect_rc 2 "batch show unknown" "$BOXEL" batch show nosuch
check "batch unknown: one line" one_line "$ERR"

finish
