# tests/pg/run.sh: the store, queue, CLI and race checks on PostgreSQL. It
# starts a throwaway cluster owned by this run (tests/pg/cluster.sh: temp
# dir, Unix socket only, trust auth), points the store-level unit tests at
# it through BOXEL_TEST_PG, runs the PostgreSQL CLI checks (tests/pg/cli.sh,
# copy.sh, hosts.sh, ssh.sh through a real sshd, pgbouncer.sh through a
# pooler), core suites of tests/cli and the race test against it, and
# removes the cluster at exit, failed or not. Prints one "N passed, N
# failed" summing every part (a part that exits 77 is skipped, said so).
set -u
: "${BOXEL:?BOXEL must point at the boxel binary}"
here=$(cd "$(dirname "$0")" && pwd)
tests=$(dirname "$BOXEL")/tests
. "$here/cluster.sh"
if ! pg_cluster_bin >/dev/null; then
	echo "pg: no PostgreSQL server binaries (install the Debian package postgresql," \
		"as ./bootstrap test does)" >&2
	echo "0 passed, 1 failed"
	exit 1
fi
pg_cluster_start || { echo "0 passed, 1 failed"; exit 1; }

passed=0
failed=0
part() { # part NAME CMD...: run one program, add its "N passed, N failed"
	local name=$1 out rc line
	shift
	out=$("$@" 2>&1); rc=$?
	if [ "$rc" -eq 77 ]; then
		echo "pg: $name: skipped: $(head -n 1 <<<"$out")"
		return
	fi
	line=$(grep -E '^[0-9]+ passed, [0-9]+ failed' <<<"$out" | tail -n 1)
	if [ -z "$line" ]; then
		line="0 passed, 1 failed"
	elif [ "$rc" -ne 0 ] && [[ "$line" == *" 0 failed" ]]; then
		line="${line%% *} passed, 1 failed"
	fi
	echo "pg: $name: $line (exit $rc)"
	[ "$rc" -ne 0 ] && grep -v '^ok ' <<<"$out" | tail -n 40 >&2
	passed=$((passed + ${line%% passed*}))
	failed=$((failed + $(sed -E 's/.* ([0-9]+) failed/\1/' <<<"$line")))
}

for t in queue gold feedback; do
	part "unit $t" env BOXEL_TEST_PG="$BOXEL_TEST_PG" "$tests/test-$t"
done
part cli bash "$here/cli.sh"
part "store copy" bash "$here/copy.sh"
part "two hosts" bash "$here/hosts.sh"
part "ssh on PostgreSQL" bash "$here/ssh.sh"
part "behind PgBouncer" bash "$here/pgbouncer.sh"
# Core CLI suites again, each store a fresh database on this cluster
# (tests/cli/lib.sh: db_new, db_query; checks only a file can answer, such
# as PRAGMA integrity_check, run on SQLite only). gold.sh passes too but
# takes over a minute, so it is left to PG_CLI_SUITES (quality.sh covers
# gold scoring in the queue). sigmas.sh scores skeletons with per-class
# sigmas through the store's scoring options.
for s in ${PG_CLI_SUITES:-store queue review quality export sigmas later}; do
	part "cli $s.sh" env BOXEL_TEST_ON_PG=1 bash "$here/../cli/$s.sh"
done
# The race (workers SIGKILLed mid-work), then again with the server
# restarted under the sessions 3 s in.
race=(env BOXEL_TEST_PG="$BOXEL_TEST_PG" "$tests/race-queue" "${RACE_TASKS:-450}"
	"${RACE_WORKERS:-16}" "${RACE_KILLS:-8}")
part race "${race[@]}"
restart="$PG_CLUSTER_BIN/pg_ctl -D $PG_CLUSTER_DIR/data -m fast -w restart -l $PG_CLUSTER_DIR/log"
[ "$(id -u)" -eq 0 ] && restart="runuser -u postgres -- $restart"
part "race, server restarted" env RACE_RESTART_CMD="$restart >/dev/null" "${race[@]}"

echo "$passed passed, $failed failed"
[ "$failed" -eq 0 ]
