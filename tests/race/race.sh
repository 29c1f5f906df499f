# race.sh: the queue's race test (tests/race/race-queue.c, built next to
# boxel as tests/race-queue): 32 processes claim and submit 2,000 tasks with
# overlap 2 on 2-second leases while some are SIGKILLed mid-work; then the
# store is checked (2 distinct labelers per task, no double submit,
# integrity_check ok). It prints its own "N passed, N failed".
set -u
: "${BOXEL:?BOXEL must point at the boxel binary}"
RACE=${RACE_QUEUE:-$(dirname "$BOXEL")/tests/race-queue}
exec "$RACE" "${RACE_TASKS:-2000}" "${RACE_WORKERS:-32}" "${RACE_KILLS:-16}"
