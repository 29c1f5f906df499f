# bench-queue.sh: claim+submit transactions per second and p50/p99 claim
# latency with 1, 8 and 32 writer processes at synchronous=FULL
# (tests/bench/bench-queue.c, built next to boxel as tests/bench-queue).
# Figures only. BENCH_DIR=/some/dir measures on that file system instead of
# /tmp (e.g. /dev/shm to take the disk's fsync out of the picture).
set -u
: "${BOXEL:?BOXEL must point at the boxel binary}"
BENCH=${BENCH_QUEUE:-$(dirname "$BOXEL")/tests/bench-queue}
if [ -n "${BENCH_DIR:-}" ]; then
	exec "$BENCH" "${BENCH_TASKS:-2000}" "$BENCH_DIR"
fi
exec "$BENCH" "${BENCH_TASKS:-2000}"
