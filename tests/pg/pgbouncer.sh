# tests/pg/pgbouncer.sh: boxel behind PgBouncer in transaction pooling (run
# by tests/pg/run.sh, which exports the cluster helpers). A throwaway
# pgbouncer listens on a free loopback port in front of the test cluster's
# socket, with a pool smaller than the number of clients, so one client's
# transactions run on whichever server connection is free: anything boxel
# kept in a session (a session-level advisory lock, a named prepared
# statement, a SET) would be lost or leak to another client. boxel's locks
# are transaction-scoped and its statements unnamed, so the project is
# created, labeled and raced through the pooler; the race (workers
# SIGKILLed mid-work) must still end with every task judged exactly its
# overlap, nobody twice. Statement pooling cannot run a transaction at all:
# boxel refuses it in one line. pgbouncer is stopped at exit.
set -u
. "$(dirname "$0")/../cli/lib.sh"
. "$(dirname "$0")/cluster.sh"
: "${BOXEL_TEST_PG:?run through tests/pg/run.sh}"
PGB=$(command -v pgbouncer || echo /usr/sbin/pgbouncer)
if [ ! -x "$PGB" ]; then
	echo "pgbouncer not installed (Debian: pgbouncer, as ./bootstrap test installs): skipping"
	echo "0 passed, 0 failed"
	exit 77
fi
B=$T_TMP/pgbouncer
mkdir -m 755 "$B"
PORT=$(/usr/bin/python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
PG=$(pg_new_db)
NAME=${PG#postgresql:///}
NAME=${NAME%%\?*}
# Any database of the cluster through the transaction pool ("*"); one alias
# whose pool is in statement mode.
cat > "$B/pgbouncer.ini" <<INI
[databases]
stmt = host=$PG_CLUSTER_DIR dbname=$NAME pool_mode=statement
* = host=$PG_CLUSTER_DIR
[pgbouncer]
listen_addr = 127.0.0.1
listen_port = $PORT
unix_socket_dir =
auth_type = trust
auth_file = $B/userlist.txt
pool_mode = transaction
default_pool_size = 4
max_db_connections = 4
max_client_conn = 200
logfile = $B/pgbouncer.log
pidfile = $B/pgbouncer.pid
INI
echo '"boxel" ""' > "$B/userlist.txt"
# pgbouncer will not run as root: as root it runs as the cluster's user.
PGB_USER=()
if [ "$(id -u)" -eq 0 ]; then
	chmod 711 "$T_TMP"  # (its own directory is 700)
	chown postgres: "$B" "$B"/*
	PGB_USER=(-u postgres)
fi
"$PGB" "${PGB_USER[@]}" "$B/pgbouncer.ini" >"$T_TMP/pgb.out" 2>&1 &
PGB_PID=$!
cleanup() {
	kill "$PGB_PID" 2>/dev/null
	wait "$PGB_PID" 2>/dev/null
	rm -rf "$T_TMP"
}
trap cleanup EXIT
i=0
until /usr/bin/python3 -c "import socket; socket.create_connection(('127.0.0.1', $PORT), 1)" 2>/dev/null; do
	i=$((i + 1))
	if [ $i -gt 100 ] || ! kill -0 "$PGB_PID" 2>/dev/null; then
		fail "pgbouncer starts: $(cat "$T_TMP/pgb.out" "$B/pgbouncer.log" 2>/dev/null | tail -3)"
		finish
	fi
	sleep 0.1
done
pass
POOL="host=127.0.0.1&port=$PORT&user=boxel"
U="postgresql:///$NAME?$POOL"
export BOXEL_DB=$U
q() { pg_psql "$PG" -At -c "$1"; }

mkdir "$T_TMP/img"
tiny_pngs "$T_TMP/img" 40 30 a.png b.png c.png d.png
# (stderr stays empty: no notice of the server's reaches a terminal, with or
# without a session setting on the server connection this client got.)
quiet() { check "$1: nothing on standard error ($ERR)" test -z "$ERR"; }
expect_rc 0 "init through the pooler" "$BOXEL" init --images "$T_TMP/img" \
	--taxonomy "$BOXEL_SOURCE_ROOT/sample-data/taxonomy.json"
quiet init
expect_rc 0 "init --force again: the schema is there" "$BOXEL" init --force --images "$T_TMP/img" \
	--taxonomy "$BOXEL_SOURCE_ROOT/sample-data/taxonomy.json"
quiet "init again"
expect_rc 0 "import" "$BOXEL" import "$T_TMP/img"
expect_rc 0 "a batch with overlap 2" "$BOXEL" batch create prod --kind production --overlap 2
for u in ann1 ann2; do
	expect_rc 0 "user $u" "$BOXEL" user add $u --role annotator
done
printf '{"annotations":[{"class":"cup","box":[1,2,10,8]}],"global":{"scene":"indoor"}}\n' > "$T_TMP/ans.json"
expect_rc 0 "claim through the pooler" "$BOXEL" queue claim --user ann1 --json
quiet claim
J=$(cjget "$OUT" judgment); TOK=$(cjget "$OUT" token)
expect_rc 0 "submit through the pooler" "$BOXEL" queue submit --user ann1 --judgment "$J" \
	--token "$TOK" "$T_TMP/ans.json"
quiet submit
check "submitted, in the server's database" test "$(q "SELECT state FROM judgments WHERE id = ${J:-0}")" = submitted
expect_rc 4 "the spent token is fenced through the pooler" "$BOXEL" queue submit --user ann1 \
	--judgment "$J" --token "$TOK" "$T_TMP/ans.json"

# Statement pooling: every transaction is cut; one line says why, not "try again".
expect_rc 2 "statement pooling refused" "$BOXEL" --db "postgresql:///stmt?$POOL" stats
check "... in one line" one_line "$ERR"
check "... naming the pool mode that works" contains "$ERR" "pool_mode = transaction"
check "... no promise that a retry helps" test -z "$(printf '%s' "$ERR" | grep 'try again')"

# The race through the pool: 12 workers on 4 server connections, some
# SIGKILLed holding a lease or inside submit (tests/race/race-queue.c
# checks overlap, double claims and double submits itself).
race=$(env BOXEL_TEST_PG="postgresql:///boxel?$POOL" "$(dirname "$BOXEL")/tests/race-queue" \
	"${PGB_RACE_TASKS:-150}" 12 4 2>&1)
rc=$?
line=$(grep -E '^[0-9]+ passed, [0-9]+ failed' <<<"$race" | tail -n 1)
check "race through the pooler (exit $rc: $line)" test "$rc" -eq 0 -a "${line#* passed, }" = "0 failed"
[ "$rc" -eq 0 ] || grep -v '^ok ' <<<"$race" | tail -n 20 >&2
grep '^race:' <<<"$race"
check "the pooler logged no error of its own" test -z "$(grep 'pooler error' "$B/pgbouncer.log" |
	grep -v 'stmt/')"
finish
