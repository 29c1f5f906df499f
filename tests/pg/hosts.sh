# tests/pg/hosts.sh: the issue's "done means", as two SSH front hosts would
# see it (run by tests/pg/run.sh, which exports the cluster helpers). An
# admin moves the demo project into PostgreSQL with `boxel store copy`,
# adds work (overlap 2, some gold), and two groups of labelers work it at
# once: each group has its own HOME and reaches the server through its own
# libpq environment; group A runs `boxel queue` as a shell user would,
# group B goes through `boxel session`, the SSH forced command, as its
# authorized_keys line would run it. Afterwards: every ordinary task has
# exactly its overlap from distinct labelers, nobody got one task twice,
# every submit the workers saw is in the store once, and `batch show`,
# `stats` and the JSONL export count every judgment exactly once.
set -u
. "$(dirname "$0")/../cli/lib.sh"
. "$(dirname "$0")/cluster.sh"
: "${BOXEL_TEST_PG:?run through tests/pg/run.sh}"
NTASK=${HOSTS_TASKS:-14}
PY=/usr/bin/python3
D=$T_TMP/demo
PG=$(pg_new_db)
q() { pg_psql "$PG" -At -c "$1"; }

# --- the admin: the demo project, moved to PostgreSQL in one command
expect_rc 0 "demo project" "$BOXEL" demo "$D" --no-label --user adm
expect_rc 0 "store copy into PostgreSQL" "$BOXEL" store copy "$D/boxel.db" "$PG"
export BOXEL_DB=$PG
# More work: small PNGs beside the demo's images, gold for four of them.
$PY - "$D/images" "$NTASK" <<'PY'
import struct, sys, zlib
def png(path, rgb):
    w = h = 64
    raw = b"".join(b"\0" + bytes(rgb) * w for _ in range(h))
    def chunk(t, d):
        return struct.pack(">I", len(d)) + t + d + struct.pack(">I", zlib.crc32(t + d))
    with open(path, "wb") as f:
        f.write(b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", struct.pack(">IIBBBBB", w, h, 8, 2, 0, 0, 0))
                + chunk(b"IDAT", zlib.compress(raw)) + chunk(b"IEND", b""))
for i in range(int(sys.argv[2])):
    png("%s/w%03d.png" % (sys.argv[1], i), (i * 7 % 256, i * 13 % 256, 200))
PY
expect_rc 0 "import the new images" "$BOXEL" import "$D/images"
for i in 000 001 002 003; do
	echo "{\"image\":\"w$i.png\",\"width\":64,\"height\":64,\"answer\":{\"annotations\":[{\"class\":\"cat\",\"box\":[4,4,20,20],\"attributes\":{\"pose\":\"lying\"}}],\"global\":{\"scene\":\"indoor\"}}}"
done >"$T_TMP/gold.jsonl"
expect_rc 0 "import gold" "$BOXEL" import --as gold "$T_TMP/gold.jsonl"
expect_rc 0 "a batch with overlap 2 and gold" "$BOXEL" batch create work --kind production \
	--overlap 2 --gold-rate 0.2 --priority 1 --tasks unbatched
A=(a1 a2 a3)
B=(b1 b2 b3)
for u in "${A[@]}" "${B[@]}"; do
	expect_rc 0 "user $u" "$BOXEL" user add $u --role annotator
	expect_rc 0 "qualify $u" "$BOXEL" user qual $u qualified
done
unset BOXEL_DB
cat >"$T_TMP/ans.json" <<'J'
{"annotations":[{"class":"cat","box":[4,4,20,20],"attributes":{"pose":"lying"}}],"global":{"scene":"indoor"}}
J

# --- two hosts: separate environments, each its own boxel processes.
# host A: the URI names the socket; host B: a shell-safe URI (as a forced
# command needs) with the server from libpq's environment.
for h in A B; do mkdir -p "$T_TMP/home$h"; done
hostA() { env -i PATH="$PATH" HOME="$T_TMP/homeA" NO_COLOR=1 BOXEL_DB="$PG" "$@"; }
hostB() {
	env -i PATH="$PATH" HOME="$T_TMP/homeB" NO_COLOR=1 PGHOST="$PG_CLUSTER_DIR" \
		PGUSER=boxel "$@"
}
DBB="postgresql:///${PG#postgresql:///}"
DBB=${DBB%%\?*}
jget() { [[ $1 =~ \"$2\":\"?([^\",}]*) ]] && echo "${BASH_REMATCH[1]}"; }
# worker HOST USER: claim and submit until the queue is empty; logs each
# submitted judgment id, and anything unexpected as "error ...".
worker() {
	local host=$1 u=$2 out rc jid n=0 log=$T_TMP/$2.log
	while [ $n -lt 200 ]; do
		n=$((n + 1))
		if [ "$host" = A ]; then
			out=$(hostA BOXEL_ACTOR=$u "$BOXEL" queue claim --user "$u" --json 2>>"$log"); rc=$?
		else
			out=$(hostB SSH_ORIGINAL_COMMAND="queue claim --json" "$BOXEL" session \
				--db "$DBB" --user "$u" 2>>"$log"); rc=$?
		fi
		[ $rc -eq 3 ] && break
		if [ $rc -ne 0 ]; then echo "error claim exit $rc" >>"$log"; break; fi
		jid=$(jget "$out" judgment)
		if [ "$host" = A ]; then
			hostA BOXEL_ACTOR=$u "$BOXEL" queue submit --user "$u" --judgment "$jid" \
				--token "$(jget "$out" token)" "$T_TMP/ans.json" >/dev/null 2>>"$log"
		else
			hostB SSH_ORIGINAL_COMMAND="queue submit --judgment $jid --token $(jget "$out" token) -" \
				"$BOXEL" session --db "$DBB" --user "$u" <"$T_TMP/ans.json" >/dev/null 2>>"$log"
		fi
		rc=$?
		if [ $rc -ne 0 ]; then echo "error submit $jid exit $rc" >>"$log"; break; fi
		echo "$jid" >>"$T_TMP/$u.done"
	done
}
pids=()
for u in "${A[@]}"; do worker A $u & pids+=($!); done
for u in "${B[@]}"; do worker B $u & pids+=($!); done
for p in "${pids[@]}"; do wait "$p"; done

for u in "${A[@]}" "${B[@]}"; do
	check "$u: no errors" test -z "$(grep error "$T_TMP/$u.log" 2>/dev/null)"
	grep error "$T_TMP/$u.log" >&2
	check "$u labeled" test -s "$T_TMP/$u.done"
done
cat "$T_TMP"/*.done | sort -n >"$T_TMP/all.done"
check "both hosts labeled" test -s "$T_TMP/a1.done" -a -s "$T_TMP/b1.done"
check "no judgment submitted twice" test -z "$(uniq -d "$T_TMP/all.done")"
W="j.batch = (SELECT id FROM batches WHERE name = 'work')"
# (The workers went on to the demo's own batch when the new one was done.)
check "the store holds exactly the submits the workers saw" test "$(q "SELECT id FROM judgments
	WHERE state = 'submitted' ORDER BY 1")" = "$(cat "$T_TMP/all.done")"
check "every ordinary task has exactly its overlap, from two labelers" \
	test "$(q "SELECT count(*) FROM (SELECT task FROM judgments j WHERE $W AND gold = 0
	GROUP BY task HAVING count(*) = 2 AND count(DISTINCT labeler) = 2
	AND sum(CASE WHEN state = 'submitted' THEN 1 ELSE 0 END) = 2) t")" -eq $((NTASK - 4))
check "... and no other ordinary judgments" test "$(q "SELECT count(*) FROM judgments j
	WHERE $W AND gold = 0")" -eq $((2 * (NTASK - 4)))
check "nobody was given one task twice" test "$(q "SELECT count(*) FROM (SELECT 1 FROM judgments
	WHERE labeler IS NOT NULL GROUP BY labeler, task HAVING count(*) > 1) t")" -eq 0
check "gold was served" test "$(q "SELECT count(*) FROM judgments j WHERE $W AND gold = 1")" -gt 0
check "nothing left leased or open" test "$(q "SELECT count(*) FROM judgments j WHERE $W
	AND state IN ('open','leased')")" -eq 0
total=$(wc -l <"$T_TMP/all.done")
work=$(q "SELECT count(*) FROM judgments j WHERE $W AND state = 'submitted'")
run "$BOXEL" --db "$PG" batch show work --json
check "batch show counts every judgment once" $PY -c '
import json, sys
b = json.loads(sys.argv[1]); b = b[0] if isinstance(b, list) else b
assert b["judgments"]["submitted"] == int(sys.argv[2]), b["judgments"]' "$OUT" "$work"
run "$BOXEL" --db "$PG" stats --json
check "stats: the labelers' submits add up" $PY -c '
import json, sys
d = json.loads(sys.argv[1])
n = sum(l["submitted"] for l in d["labelers"] if l["name"] != "adm")
assert n == int(sys.argv[2]), (n, d["labelers"])' "$OUT" "$total"
expect_rc 0 "export" "$BOXEL" --db "$PG" export --format jsonl "$T_TMP/all.jsonl"
check "the export has every judgment once" $PY -c '
import json, sys
ids = [j["judgment"] for l in open(sys.argv[1]) for j in json.loads(l)["judgments"]
       if j["state"] == "submitted"]
want = [int(x) for x in open(sys.argv[2])]
assert sorted(ids) == want, (len(ids), len(want))' "$T_TMP/all.jsonl" "$T_TMP/all.done"
finish
