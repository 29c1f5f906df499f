# bench-queue.sh: claim+submit transactions per second and p50/p99 claim
# latency with 1, 8, 32 and 128 writer processes (BENCH_WRITERS), on SQLite
# (synchronous=FULL, WAL) and then on PostgreSQL (a throwaway local cluster,
# fsync and synchronous_commit on), side by side in one run
# (tests/bench/bench-queue.c, built next to boxel as tests/bench-queue).
# Figures only. BENCH_DIR=/some/dir measures SQLite on that file system
# instead of /tmp (e.g. /dev/shm to take the disk's fsync out of the
# picture). Without PostgreSQL's server binaries the second half is skipped
# with a line saying so.
set -u
: "${BOXEL:?BOXEL must point at the boxel binary}"
BENCH=${BENCH_QUEUE:-$(dirname "$BOXEL")/tests/bench-queue}
W=${BENCH_WRITERS:-1,8,32,128}
"$BENCH" "${BENCH_TASKS:-2000}" "${BENCH_DIR:--}" "$W" || exit 1
. "$(dirname "$0")/../pg/cluster.sh"
if ! pg_cluster_bin >/dev/null; then
	echo "bench-queue: PostgreSQL half skipped: no server binaries (Debian package postgresql)"
	exit 0
fi
PG_CLUSTER_FSYNC=on pg_cluster_start || exit 1
BOXEL_TEST_PG=$BOXEL_TEST_PG "$BENCH" "${BENCH_TASKS:-2000}" - "$W"
