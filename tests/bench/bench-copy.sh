# bench-copy.sh: peak memory (RSS) and time of `boxel store copy` from a
# PostgreSQL store holding BENCH_EVENTS events (default 1,000,000; rows of
# the event log as submits write them) into a new SQLite file, on a
# throwaway cluster (tests/pg/cluster.sh). With BOXEL_BEFORE set to another
# boxel binary, the same copy by it too, on the same database, beside. The
# copy reads a PostgreSQL table through a cursor, 10,000 rows per FETCH;
# read whole, libpq would hold the whole table's result in memory. Figures
# only. Skipped with a line without the server binaries.
set -u
: "${BOXEL:?BOXEL must point at the boxel binary}"
N=${BENCH_EVENTS:-1000000}
. "$(dirname "$0")/../pg/cluster.sh"
if ! pg_cluster_bin >/dev/null; then
	echo "bench-copy: skipped: no PostgreSQL server binaries (Debian package postgresql)"
	exit 0
fi
pg_cluster_start || exit 1
T=$(mktemp -d "${TMPDIR:-/tmp}/boxel-bench-copy.XXXXXX")
trap 'rm -rf "$T"; pg_cluster_stop' EXIT
PG=$(pg_new_db)
"$BOXEL" --db "$PG" init --images "$T" >/dev/null || exit 1
pg_psql "$PG" -c "INSERT INTO events(ms, actor, what, detail)
	SELECT 1767225600000 + g, 'labeler' || (g % 50), 'submit',
	'{\"judgment\":' || g || ',\"task\":' || (g / 3) || ',\"token\":\"' || md5(g::text) ||
	'\",\"seconds\":12.5}' FROM generate_series(1, $N) g" >/dev/null || exit 1
echo "bench-copy: $N events ($(pg_psql "$PG" -At -c "SELECT pg_size_pretty(pg_total_relation_size('events'))") on the server); load $(cut -d' ' -f1-3 /proc/loadavg)"
one() { # one LABEL BINARY
	rm -f "$T/c.db"
	/usr/bin/time -f "%M %e" -o "$T/time" "$2" store copy "$PG" "$T/c.db" >/dev/null || {
		echo "bench-copy: $1: the copy failed"; return; }
	read -r kb s < "$T/time"
	printf 'bench-copy: %-8s peak RSS %6d MB, %6.1f s (%s rows in the file)\n' "$1" \
		$((kb / 1024)) "$s" "$(sqlite3 "$T/c.db" "SELECT count(*) FROM events")"
}
[ -n "${BOXEL_BEFORE:-}" ] && one before "$BOXEL_BEFORE"
one this "$BOXEL"
