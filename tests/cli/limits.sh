# limits.sh: one request's work is bounded. Vertices per polygon, objects
# per answer and bytes per answer are project settings (max_vertices,
# max_objects, max_answer_bytes) held wherever an answer enters: queue
# submit (file or standard input), review fix, import. Each refusal is one
# line naming the setting, and nothing is written.
. "$(dirname "$0")/lib.sh"

SRC=${BOXEL_SOURCE_ROOT:?}
PY=/usr/bin/python3
export BOXEL_DB=$T_TMP/l.db
cd "$T_TMP" || exit 2
mkdir img
cp "$SRC"/sample-data/chelsea.png img/
dump() { sqlite3 "$BOXEL_DB" .dump; }
jget() { $PY -c 'import json,sys; print(json.loads(sys.argv[1])[sys.argv[2]])' "$1" "$2"; }

"$BOXEL" init --images img --taxonomy "$SRC/sample-data/taxonomy.json" >/dev/null
"$BOXEL" user add alice --role annotator >/dev/null
"$BOXEL" user add rita --role reviewer >/dev/null
sqlite3 "$BOXEL_DB" "INSERT INTO tasks(image, width, height, created_ms) VALUES ('a.jpg', 2000, 2000, 1)"
"$BOXEL" batch create p --kind production >/dev/null

# polygon N FILE: an answer with one polygon of N vertices on a circle
polygon() {
	$PY -c '
import math, sys
n = int(sys.argv[1])
pts = ",".join("[%.6f,%.6f]" % (1000 + 900 * math.cos(2 * math.pi * i / n),
                                 1000 + 900 * math.sin(2 * math.pi * i / n)) for i in range(n))
sys.stdout.write("{\"annotations\":[{\"class\":\"plume\",\"polygon\":[" + pts + "]}]}")' "$1" > "$2"
}
# boxes N FILE: an answer with N small boxes
boxes() {
	$PY -c '
import sys
n = int(sys.argv[1])
sys.stdout.write("{\"annotations\":[" + ",".join("{\"class\":\"rocket\",\"box\":[%d,1,1,1]}" % (i % 1900) for i in range(n)) + "],\"global\":{\"scene\":\"indoor\"}}")' "$1" > "$2"
}

# --- settings
expect_rc 0 "defaults listed" "$BOXEL" config list
check "max_vertices default 10000" grep -Eq "^max_vertices +10000 " <<<"$OUT"
check "max_objects default 5000" grep -Eq "^max_objects +5000 " <<<"$OUT"
check "max_answer_bytes default 4 MiB" grep -Eq "^max_answer_bytes +4194304 " <<<"$OUT"
expect_rc 2 "max_vertices under 3 refused" "$BOXEL" config set max_vertices 2
check "the range is named" contains "$ERR" "max_vertices"
expect_rc 2 "max_objects 0 refused" "$BOXEL" config set max_objects 0
expect_rc 2 "max_answer_bytes of 1 GB refused" "$BOXEL" config set max_answer_bytes 1073741824
expect_rc 2 "max_vertices not a number" "$BOXEL" config set max_vertices lots

C=$("$BOXEL" queue claim --user alice --json)
J=$(jget "$C" judgment); K=$(jget "$C" token)

# --- an 11 MB answer of 1,000,000 vertices on standard input
polygon 1000000 huge.json
check "the hostile answer is over 10 MB" test "$(stat -c %s huge.json)" -gt 10000000
before=$(dump)
expect_rc 2 "11 MB answer on stdin refused" "$BOXEL" queue submit --judgment "$J" --token "$K" - < huge.json
check "refusal names the setting" contains "$ERR" "standard input: answer is more than 4194304 bytes, the project allows 4194304 (setting max_answer_bytes)"
check "one line" one_line "$ERR"
check "nothing written" test "$before" = "$(dump)"

# with room for the bytes, the vertices are what is refused
expect_rc 0 "an admin allows 64 MB answers" "$BOXEL" config set max_answer_bytes 67108864
before=$(dump)
expect_rc 2 "1,000,000 vertices refused" "$BOXEL" queue submit --judgment "$J" --token "$K" - < huge.json
check "refusal names the polygon and the setting" contains "$ERR" "standard input: annotations[0]: polygon has 1000000 vertices, the project allows 10000 (setting max_vertices)"
check "one line" one_line "$ERR"
check "nothing written" test "$before" = "$(dump)"

# --- the settings are the project's, not constants
polygon 50 fifty.json
"$BOXEL" config set max_answer_bytes 4194304 >/dev/null
expect_rc 0 "max_vertices lowered to 40" "$BOXEL" config set max_vertices 40
expect_rc 2 "50 vertices now refused" "$BOXEL" queue submit --judgment "$J" --token "$K" fifty.json
check "names 40" contains "$ERR" "fifty.json: annotations[0]: polygon has 50 vertices, the project allows 40 (setting max_vertices)"
boxes 30 thirty.json
expect_rc 0 "max_objects lowered to 20" "$BOXEL" config set max_objects 20
expect_rc 2 "30 objects refused" "$BOXEL" queue submit --judgment "$J" --token "$K" thirty.json
check "names max_objects" contains "$ERR" "thirty.json: answer has 30 objects, the project allows 20 (setting max_objects)"
"$BOXEL" config set max_objects 5000 >/dev/null
"$BOXEL" config set max_answer_bytes 1024 >/dev/null
before=$(dump)
check "thirty boxes are over 1024 bytes" test "$(stat -c %s thirty.json)" -gt 1024
expect_rc 2 "a 30-box answer over 1024 bytes refused" "$BOXEL" queue submit --judgment "$J" --token "$K" thirty.json
check "names max_answer_bytes" contains "$ERR" "thirty.json: answer is more than 1024 bytes, the project allows 1024 (setting max_answer_bytes)"
check "nothing written" test "$before" = "$(dump)"
"$BOXEL" config set max_answer_bytes 4194304 >/dev/null
"$BOXEL" config set max_objects 20 >/dev/null
boxes 19 nineteen.json
expect_rc 0 "within every limit: submitted" "$BOXEL" queue submit --judgment "$J" --token "$K" nineteen.json

# --- review fix holds the same limits
expect_rc 2 "review fix with 50 vertices refused" "$BOXEL" review fix "$J" fifty.json --user rita
check "names max_vertices" contains "$ERR" "polygon has 50 vertices, the project allows 40 (setting max_vertices)"
check "one line" one_line "$ERR"

# --- import: a manifest answer and a COCO gold answer over the limits
before=$(dump)
$PY -c '
import json
pts = [[100 + i, 100 + (i % 2) * 50] for i in range(50)]
print(json.dumps({"image": "chelsea.png", "answer": {"annotations": [{"class": "plume", "polygon": pts}]}}))' > poly.jsonl
expect_rc 1 "manifest answer over max_vertices refused" "$BOXEL" import poly.jsonl
check "line, polygon and setting named" contains "$ERR" "poly.jsonl:1: chelsea.png: annotations[0]: polygon has 50 vertices, the project allows 40 (setting max_vertices)"
check "one line" one_line "$ERR"
check "no task imported" test "$(sqlite3 "$BOXEL_DB" "SELECT count(*) FROM tasks WHERE image = 'chelsea.png'")" = 0
$PY -c '
import json
anns = [{"id": i + 1, "image_id": 1, "category_id": 1, "bbox": [i, 1, 1, 1]} for i in range(30)]
print(json.dumps({"images": [{"id": 1, "file_name": "chelsea.png", "width": 451, "height": 300}],
                  "categories": [{"id": 1, "name": "cat"}], "annotations": anns}))' > many.json
expect_rc 1 "COCO gold over max_objects refused" "$BOXEL" import --as gold many.json
check "setting named" contains "$ERR" "answer has 30 objects, the project allows 20 (setting max_objects)"
check "no gold written" test "$(sqlite3 "$BOXEL_DB" "SELECT count(*) FROM gold")" = 0


# --- a heavy answer yields the CPU: a submit over 64 KiB runs at nice 10
# (the others' claims and submits keep the cores), an ordinary one is
# left alone. strace shows the call (bootstrap installs it for the tests).
if command -v strace >/dev/null; then
	"$BOXEL" config set max_vertices 10000 >/dev/null
	"$BOXEL" config set max_objects 5000 >/dev/null
	"$BOXEL" config set max_answer_bytes 4194304 >/dev/null
	sqlite3 "$BOXEL_DB" "INSERT INTO tasks(image, width, height, created_ms) VALUES ('b.jpg', 2000, 2000, 2), ('c.jpg', 2000, 2000, 3), ('d.jpg', 2000, 2000, 4), ('e.jpg', 2000, 2000, 5)"
	"$BOXEL" batch create heavy --kind production >/dev/null
	polygon 4000 heavy.json
	sed -i 's/]}$/],"global":{"scene":"indoor"}}/' heavy.json
	check "the heavy answer is over 64 KiB" test "$(stat -c %s heavy.json)" -gt 65536
	# (LeakSanitizer cannot run under ptrace: off for the traced command.)
	for f in heavy.json nineteen.json; do
		C=$("$BOXEL" queue claim --user alice --json)
		ASAN_OPTIONS="${ASAN_OPTIONS:+$ASAN_OPTIONS:}detect_leaks=0" strace -f -qq -e trace=setpriority,openat -o "$f.trace" "$BOXEL" queue submit \
			--judgment "$(jget "$C" judgment)" --token "$(jget "$C" token)" "$f" >/dev/null 2>"$f.err" ||
			fail "submit $f"
	done
	# (run at nice 10 or more already, there is nothing to lower)
	if [ "$(nice)" -lt 10 ]; then
		check "the heavy submit lowered its priority to 10" grep -q "setpriority(PRIO_PROCESS, 0, 10) *= *0" heavy.json.trace
	fi
	check "the ordinary submit did not" eval '! grep -q setpriority nineteen.json.trace'
	check "a heavy submit that shares its session (a terminal's) leaves the session's weight alone" \
		eval '! grep -q autogroup heavy.json.trace'
	# Over SSH a request leads a session of its own (sshd's setsid), where
	# autogroup scheduling weighs sessions, not nice values: the heavy one
	# lowers its session's weight too, an ordinary one does not.
	if [ -w /proc/self/autogroup ] && command -v setsid >/dev/null; then
		for f in heavy.json nineteen.json; do
			C=$("$BOXEL" queue claim --user alice --json)
			ASAN_OPTIONS="${ASAN_OPTIONS:+$ASAN_OPTIONS:}detect_leaks=0" strace -f -qq -e trace=openat,write -o "$f.sid.trace" setsid -w "$BOXEL" queue submit \
				--judgment "$(jget "$C" judgment)" --token "$(jget "$C" token)" "$f" >/dev/null 2>"$f.err" ||
				fail "submit $f in a session of its own"
		done
		check "the heavy submit leading its session lowered the session's weight" \
			grep -A1 -q '/proc/self/autogroup' heavy.json.sid.trace
		check "... to nice 10" grep -q 'write([0-9]*, "10", 2) *= *2' heavy.json.sid.trace
		check "the ordinary one did not" eval '! grep -q autogroup nineteen.json.sid.trace'
	else
		echo "limits: no autogroup scheduling here: a session's weight is not checked" >&2
	fi
else
	echo "limits: strace not installed: the heavy submit's priority is not checked" >&2
fi

finish
