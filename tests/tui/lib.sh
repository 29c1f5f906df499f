# lib.sh: helpers for boxel's terminal tests (bash). Sources tests/cli/lib.sh
# (checks, temp dir, pinned clock) and adds a private tmux server: start a
# program in a 160x50 pane, send keys, and poll the screen for text with a
# timeout (never a plain sleep). The server is killed at exit.
. "$(dirname "${BASH_SOURCE[0]}")/../cli/lib.sh"

command -v tmux >/dev/null || { echo "tmux not installed: skipping"; echo "0 passed, 0 failed"; exit 77; }

TUI_SOCK="boxel-test-$$"
TUI_TIMEOUT=${TUI_TIMEOUT:-15}
TUI_W=160
TUI_H=50
export LANG=C.UTF-8
unset LC_ALL
unset NO_COLOR

tmx() { tmux -L "$TUI_SOCK" -f /dev/null "$@"; }
# Killing the server hangs up on the programs in it. A sanitizer build's
# leak check can then stay stuck at exit (LeakSanitizer stops the process
# with ptrace, and the SIGHUP/SIGCONT of the hangup can land in between),
# spinning on a core for good: whatever still runs with the test's files is
# killed with it.
tui_cleanup() {
	tmx kill-server 2>/dev/null
	pkill -KILL -f -- "$T_TMP" 2>/dev/null
	rm -rf "$T_TMP"
}
trap tui_cleanup EXIT

# tui_start CMD...: run CMD in a fresh window (the server starts on first
# use). TERM is xterm-256color so keys and colors are xterm's.
tui_start() {
	local q
	q=$(printf ' %q' "$@")
	if tmx has-session -t t 2>/dev/null; then
		tmx respawn-pane -k -t t "env TERM=xterm-256color$q; sleep 600"
	else
		tmx -u new-session -d -s t -x "$TUI_W" -y "$TUI_H" "env TERM=xterm-256color$q; sleep 600"
	fi
	tmx set-option -t t remain-on-exit on >/dev/null 2>&1
}

# tui_keys KEY...: tmux send-keys names (Enter, Escape, Tab, BTab, C-r, ...)
tui_keys() { tmx send-keys -t t "$@"; }
# tui_type TEXT: literal text
tui_type() { tmx send-keys -t t -l "$1"; }
tui_screen() { tmx capture-pane -p -t t; }

# tui_wait TEXT [SECONDS]: poll the screen until it contains TEXT.
tui_wait() {
	local want=$1 limit=${2:-$TUI_TIMEOUT} i=0
	while [ "$i" -lt $((limit * 10)) ]; do
		if tui_screen | grep -qF -- "$want"; then return 0; fi
		sleep 0.1
		i=$((i + 1))
	done
	echo "  timed out waiting for: $want" >&2
	tui_screen | sed 's/^/  | /' >&2
	return 1
}

# tui_gone TEXT [SECONDS]: poll until TEXT is no longer on the screen.
tui_gone() {
	local want=$1 limit=${2:-$TUI_TIMEOUT} i=0
	while [ "$i" -lt $((limit * 10)) ]; do
		if ! tui_screen | grep -qF -- "$want"; then return 0; fi
		sleep 0.1
		i=$((i + 1))
	done
	echo "  still on screen: $want" >&2
	return 1
}

# expect_screen DESC TEXT: one check that waits for TEXT.
expect_screen() { if tui_wait "$2"; then pass; else fail "$1"; fi; }

# sq SQL: query the test's store.
sq() { sqlite3 -batch -noheader "$DB" "$@"; }

# wait_sql DESC SQL WANT: poll the store until SQL returns WANT.
wait_sql() {
	local desc=$1 sql=$2 want=$3 i=0 got=
	while [ "$i" -lt $((TUI_TIMEOUT * 10)) ]; do
		got=$(sq "$sql" 2>/dev/null)
		if [ "$got" = "$want" ]; then pass; return 0; fi
		sleep 0.1
		i=$((i + 1))
	done
	fail "$desc: got '$got', expected '$want'"
	return 1
}

# make_project DIR [SAMPLE_DIR]: the demo project for user alice.
make_project() {
	local dir=$1
	if [ -n "${2:-}" ]; then
		BOXEL_SAMPLE_DIR=$2 "$BOXEL" demo "$dir" --no-label --user alice >/dev/null
	else
		"$BOXEL" demo "$dir" --no-label --user alice >/dev/null
	fi
	DB=$dir/boxel.db
	# The screens below follow the tasks in import order (the default
	# order is a keyed hash: tests/cli/gold.sh).
	"$BOXEL" config set --db "$DB" serve_order import >/dev/null
}

# project_with_class JSON: the demo project (make_project) on a copy of the
# sample data whose taxonomy has the class JSON (an object) seventh.
project_with_class() {
	cp -r "$BOXEL_SOURCE_ROOT/sample-data" "$T_TMP/s"
	python3 -c 'import json, sys
t = json.load(open(sys.argv[1]))
t["classes"].insert(6, json.loads(sys.argv[2]))
json.dump(t, open(sys.argv[1], "w"), indent=1)' "$T_TMP/s/taxonomy.json" "$1"
	make_project "$T_TMP/p" "$T_TMP/s"
}

# scene_project [N]: N (1) copies of the synthetic scene (make-scene.py:
# scene.png, scene2.png, ...) for alice, one box class "thing" (its
# geometries SCENE_GEOMS when set: '"polygon"'), the tasks in import order;
# sets P and DB.
scene_project() {
	local i n=${1:-1}
	P=$T_TMP/p
	mkdir -p "$P/img"
	python3 "$(dirname "${BASH_SOURCE[0]}")/make-scene.py" "$P/img/scene.png"
	for ((i = 2; i <= n; i++)); do cp "$P/img/scene.png" "$P/img/scene$i.png"; done
	printf '{"name": "t", "classes": [{"name": "thing", "geometries": [%s]}]}\n' \
		"${SCENE_GEOMS:-\"box\"}" > "$P/tax.json"
	DB=$P/boxel.db
	"$BOXEL" init --db "$DB" --images "$P/img" --taxonomy "$P/tax.json" >/dev/null
	"$BOXEL" config set --db "$DB" serve_order import >/dev/null
	"$BOXEL" import --db "$DB" "$P/img" >/dev/null
	"$BOXEL" user add alice --role annotator --db "$DB" >/dev/null
	"$BOXEL" batch create b --kind production --tasks all --db "$DB" >/dev/null
}

# drop_terminal: the terminal goes away mid-task (tmux kill-server sends
# SIGHUP, as a dropped SSH link does); one check that boxel exits.
drop_terminal() {
	local i=0
	tmx kill-server
	while pgrep -f "label --db $DB" >/dev/null && [ $i -lt 100 ]; do sleep 0.1; i=$((i + 1)); done
	if pgrep -f "label --db $DB" >/dev/null; then fail "boxel exits on SIGHUP"; else pass; fi
}

# label: start boxel label on $DB as alice.
label() { tui_start "$BOXEL" label --db "$DB" --user alice "$@"; }

# Mouse reports as xterm sends them (SGR, 1-based cells): a press, a drag
# (the button held) to a cell, a release.
press() { tui_type $'\033[<0;'"$1;$2"'M'; }
drag() { tui_type $'\033[<32;'"$1;$2"'M'; }
release() { tui_type $'\033[<0;'"$1;$2"'m'; }

# The crosshair's image x and y, read off the status line.
xy() { tui_screen | tail -1 | sed -n 's/.* x \([0-9]*\) y \([0-9]*\) .*/\1 \2/p'; }
