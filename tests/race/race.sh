# race.sh: the queue's race test (tests/race/race-queue.c, built next to
# boxel as tests/race-queue): 32 processes claim and submit 1,600 tasks with
# overlap 2 (and 205 gold tasks at rate 0.2; six of the processes are three
# users with two sessions each) on 2-second leases while some are
# SIGKILLed; then the store is checked (2 distinct labelers per task, no
# double submit, gold at the rate and never twice, integrity_check ok). It
# prints its own "N passed, N failed".
set -u
: "${BOXEL:?BOXEL must point at the boxel binary}"
RACE=${RACE_QUEUE:-$(dirname "$BOXEL")/tests/race-queue}
exec "$RACE" "${RACE_TASKS:-1600}" "${RACE_WORKERS:-32}" "${RACE_KILLS:-16}"
