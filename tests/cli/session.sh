# session.sh: SSH keys, authorized_keys and the forced command.
# `boxel user add --key` / `user key` validate public keys (each type
# ssh-keygen makes, and synthetic security-key blobs) and refuse hostile
# ones in one line; `user authorized-keys` prints the exact forced-command
# lines (disabled users left out) and --write keeps the file's other
# lines; `boxel session` runs or refuses SSH_ORIGINAL_COMMAND per role,
# logging every refusal. Last, one real sshd on 127.0.0.1 (own host key,
# own config) runs the forced command for a key, and `restrict` blocks a
# shell and port forwarding. The sshd part skips (counted as neither pass
# nor fail) when sshd cannot run here.
. "$(dirname "$0")/lib.sh"

SRC=${BOXEL_SOURCE_ROOT:?}
DB=$T_TMP/s.db
export BOXEL_DB=$DB
K=$T_TMP/keys
mkdir -m 700 "$K"
q() { sqlite3 "$DB" "$1"; }
refusals() { q "SELECT count(*) FROM events WHERE what = 'session_refused'"; }

if ! command -v ssh-keygen >/dev/null; then
	echo "ssh-keygen not installed (Debian: openssh-client): skipping"
	echo "0 passed, 0 failed"
	exit 77
fi

"$BOXEL" init --images "$T_TMP" --taxonomy "$SRC/sample-data/taxonomy.json" >/dev/null
# The scenario below follows tasks in import order (the default order is a
# keyed hash, tested in tests/cli/gold.sh).
"$BOXEL" config set serve_order import >/dev/null
printf '{"annotations":[{"class":"cup","box":[1,2,30,40]}],"global":{"scene":"indoor"}}\n' > "$T_TMP/ans.json"
for i in 1 2 3; do
	q "INSERT INTO tasks(image, width, height, created_ms) VALUES ('img$i.jpg', 200, 100, $i)"
done
"$BOXEL" batch create prod --kind production >/dev/null

keygen() { ssh-keygen -q -N '' -C "$1@example" -f "$K/$1" "${@:2}"; }
keygen alice -t ed25519
keygen bob -t rsa -b 2048
keygen carol -t ecdsa -b 256
keygen e384 -t ecdsa -b 384
keygen e521 -t ecdsa -b 521
keygen spare -t ed25519
# Security keys need hardware to generate; their public blobs are plain
# SSH strings, so build them: type, then key material, then "ssh:".
/usr/bin/python3 - "$K" <<'PY'
import base64, os, struct, sys
def s(b): return struct.pack(">I", len(b)) + b
def line(t, body): return t + " " + base64.b64encode(s(t.encode()) + body).decode() + " token\n"
open(sys.argv[1] + "/sk1.pub", "w").write(
    line("sk-ssh-ed25519@openssh.com", s(os.urandom(32)) + s(b"ssh:")))
open(sys.argv[1] + "/sk2.pub", "w").write(
    line("sk-ecdsa-sha2-nistp256@openssh.com", s(b"nistp256") + s(b"\x04" + os.urandom(64)) + s(b"ssh:")))
PY

# --- keys: every good type accepted (set, then replaced)
expect_rc 0 "add alice with an ed25519 key" "$BOXEL" user add alice --role annotator --key "$K/alice.pub"
expect_rc 0 "add bob (admin) with an rsa key" "$BOXEL" user add bob --role admin --key "$K/bob.pub"
expect_rc 0 "add carol with an ecdsa-256 key" "$BOXEL" user add carol --role annotator --key "$K/carol.pub"
expect_rc 0 "add dave without a key" "$BOXEL" user add dave --role reviewer
for k in e384 e521 sk1 sk2 spare; do
	expect_rc 0 "dave's key: $k" "$BOXEL" user key dave "$K/$k.pub"
	check "stored as TYPE BLOB ($k)" test "$(q "SELECT ssh_key FROM users WHERE name='dave'")" = \
		"$(cut -d' ' -f1,2 "$K/$k.pub")"
done
expect_rc 0 "dave's key removed" "$BOXEL" user key dave --remove
check "no key left" test "$(q "SELECT ssh_key IS NULL FROM users WHERE name='dave'")" = 1

# --- keys: hostile ones, one line each, nothing stored
ed=$(cut -d' ' -f2 "$K/spare.pub")
printf 'ssh-ed25519 AAAA!!notbase64== x\n' > "$K/garbage.pub"
printf 'ssh-rsa %s x\n' "$ed" > "$K/mismatch.pub"
printf 'command="sh" %s\n' "$(cat "$K/spare.pub")" > "$K/options.pub"
printf 'no-pty,restrict %s\n' "$(cat "$K/spare.pub")" > "$K/options2.pub"
cat "$K/spare.pub" "$K/e384.pub" > "$K/twolines.pub"
printf 'ssh-ed25519 %s evil\033]0;title\007\n' "$ed" > "$K/control.pub"
printf 'ssh-ed25519 %s\rssh-rsa x\n' "$ed" > "$K/cr.pub"
printf 'ssh-ed25519 AAAAC3NzaC1lZDI1NTE5 x\n' > "$K/truncated.pub"
printf 'ssh-dss %s x\n' "$ed" > "$K/dss.pub"
: > "$K/empty.pub"
before=$(q "SELECT count(*) FROM events")
for bad in garbage mismatch options options2 twolines control cr truncated dss empty; do
	expect_rc 2 "refused key: $bad" "$BOXEL" user key dave "$K/$bad.pub"
	check "one line ($bad)" one_line "$ERR"
	check "no escape echoed ($bad)" no_escape "$ERR"
done
check "mismatch says so" contains "$(SSH_ORIGINAL_COMMAND= "$BOXEL" user key dave "$K/mismatch.pub" 2>&1)" "embedded type"
check "options say so" contains "$("$BOXEL" user key dave "$K/options.pub" 2>&1)" "options"
check "nothing stored for dave" test "$(q "SELECT ssh_key IS NULL FROM users WHERE name='dave'")" = 1
check "no event for refused keys" test "$(q "SELECT count(*) FROM events")" = "$before"
expect_rc 2 "one key cannot name two users" "$BOXEL" user key dave "$K/alice.pub"
check "duplicate names the holder" contains "$ERR" "alice"
expect_rc 2 "add with a taken key" "$BOXEL" user add erin --role annotator --key "$K/bob.pub"
check "erin not added" test "$(q "SELECT count(*) FROM users WHERE name='erin'")" = 0
expect_rc 2 "key for an unknown user" "$BOXEL" user key ghost "$K/spare.pub"

# --- authorized-keys: exact lines, disabled users left out
EXE=$(readlink -f "$BOXEL")
DBABS=$(readlink -f "$DB")
akline() { printf 'restrict,pty,command="%s session --db %s --user %s" %s boxel:%s\n' \
	"$EXE" "$DBABS" "$1" "$(cut -d' ' -f1,2 "$K/${2:-$1}.pub")" "$1"; }
START="# boxel start: written by 'boxel user authorized-keys'; edits here are lost"
"$BOXEL" user disable carol >/dev/null
want=$(printf '%s\n%s%s\n# boxel end' "$START" "$(akline alice)" "$(printf '\n%s' "$(akline bob)")")
expect_rc 0 "authorized-keys prints" "$BOXEL" user authorized-keys
check "exact lines: alice, bob; carol (disabled) absent" test "$OUT" = "$want"
[ "$OUT" = "$want" ] || diff <(echo "$want") <(echo "$OUT") >&2

# --write keeps the account's own lines and is rewritten on changes
AK=$T_TMP/authorized_keys
printf '# the admin'"'"'s own key\n%s\n' "$(cat "$K/e521.pub")" > "$AK"
expect_rc 0 "authorized-keys --write" "$BOXEL" user authorized-keys --write "$AK"
check "own line kept" grep -qF "$(cat "$K/e521.pub")" "$AK"
check "block written" test "$(sed -n '/^# boxel start/,/^# boxel end/p' "$AK")" = "$want"
expect_rc 0 "a key change rewrites the file" "$BOXEL" user key dave "$K/spare.pub"
check "dave now in the file" grep -qF "$(akline dave spare)" "$AK"
expect_rc 0 "disable rewrites the file" "$BOXEL" user disable dave
check "dave gone again" test "$(grep -c 'boxel:dave' "$AK")" = 0
check "still one block" test "$(grep -c '^# boxel start' "$AK")" = 1
check "own line still kept" grep -qF "$(cat "$K/e521.pub")" "$AK"
printf '%s\n' "$(cat "$K/alice.pub")" >> "$AK"
expect_rc 2 "a managed key outside the block is refused" "$BOXEL" user authorized-keys --write "$AK"
check "refusal names the line" contains "$ERR" "line"
check "file left alone" grep -qF "$(cat "$K/alice.pub")" "$AK"
sed -i '$d' "$AK"
# sshd also separates fields with tabs and skips quoted options: such a line
# holding a managed key is found as well (the fuzzer's find).
read -r ktype kblob _ < "$K/alice.pub"
printf '%s\t%s tabbed\n' "$ktype" "$kblob" >> "$AK"
expect_rc 2 "a managed key after a tab is refused" "$BOXEL" user authorized-keys --write "$AK"
sed -i '$d' "$AK"
printf 'from="10.0.0.1",command="echo a b" \t%s\t%s opts\n' "$ktype" "$kblob" >> "$AK"
expect_rc 2 "a managed key after quoted options and tabs is refused" "$BOXEL" user authorized-keys --write "$AK"
sed -i '$d' "$AK"
printf 'command="%s %s" ssh-rsa AAAAB3NzaC1yc2EAAAADAQABAAABAQCother other\n' "$ktype" "$kblob" >> "$AK"
expect_rc 0 "a key only inside another line's quoted option is that line's business" \
	"$BOXEL" user authorized-keys --write "$AK"
sed -i '/ssh-rsa AAAAB3NzaC1yc2EAAAADAQABAAABAQCother/d' "$AK"
expect_rc 0 "--forget" "$BOXEL" user authorized-keys --forget

# --- the forced command
S() { local who=$1; shift; SSH_ORIGINAL_COMMAND=$1 run "$BOXEL" session --db "$DB" --user "$who"; }
expect_session() {
	local want=$1 desc=$2 who=$3 cmd=$4
	S "$who" "$cmd"
	if [ "$RC" -eq "$want" ]; then pass; else fail "$desc: exit $RC, expected $want"; echo "  stderr: $ERR" >&2; fi
}
refused() {
	local desc=$1 who=$2 cmd=$3 n
	n=$(refusals)
	expect_session 2 "$desc" "$who" "$cmd"
	check "$desc: one line" one_line "$ERR"
	check "$desc: no escape echoed" no_escape "$ERR"
	check "$desc: says refused" contains "$ERR" "refused"
	check "$desc: logged" test "$(refusals)" = $((n + 1))
}

expect_session 0 "annotator claims as themselves" alice "queue claim --json"
check "claim is alice's" test "$(q "SELECT u.name FROM judgments j JOIN users u ON u.id = j.labeler WHERE j.state = 'leased'")" = alice
check "claim json" /usr/bin/python3 -c 'import json,sys; d=json.loads(sys.argv[1]); assert d["image"]=="img1.jpg" and d["width"]==200' "$OUT"
check "claim event acted by alice" test "$(q "SELECT count(*) FROM events WHERE what='session' AND actor='alice'")" = 1
refused "annotator: stats" alice "stats"
refused "annotator: import" alice "import x"
refused "annotator: label --db" alice "label --db /etc/x"
refused "annotator: label --db=" alice "label --db=/etc/x"
refused "annotator: label --user" alice "label --user bob"
refused "annotator: queue claim --user" alice "queue claim --user bob --json"
refused "annotator: show a server file" alice "show /etc/passwd"
refused "annotator: ; rm" alice "label; rm -rf /"
refused "annotator: backticks" alice 'label `id`'
refused "annotator: \$()" alice 'label $(id)'
refused "annotator: pipe" alice "queue claim | sh"
refused "annotator: quotes" alice "queue claim --reason 'x'"
refused "annotator: newline" alice $'queue claim\nstats'
refused "annotator: escape" alice $'queue claim \033[2J'
refused "annotator: abbreviated option" alice "queue claim --us bob"
refused "annotator: short option" alice "label -u bob"
refused "annotator: queue submit (server file)" alice "queue submit --judgment 1 --token x a.json"
check "the refusal says to send the answer on standard input" contains "$ERR" "standard input"
refused "annotator: queue save (server file)" alice "queue save --judgment 1 --token x /etc/passwd"
refused "annotator: another user's show" alice "user show bob"
refused "annotator: user list" alice "user list"
refused "annotator: user add" alice "user add mallory --role admin"
refused "annotator: export" alice "export coco"
refused "annotator: init" alice "init"
refused "annotator: path argument" alice "report calibration ../x"
refused "admin: config set" bob "config set lease_seconds 1"
refused "admin: --images" bob "stats --images /"
refused "admin: batch create" bob "batch create x --kind self"
refused "disabled user" carol "queue claim --json"
check "disabled named" contains "$ERR" "disabled"
refused "unknown user" mallory "label"
check "the refusal's actor is the key's user" test "$(q "SELECT count(*) FROM events WHERE what='session_refused' AND actor='mallory'")" = 1
check "logged command is sanitized JSON" test "$(q "SELECT count(*) FROM events WHERE what='session_refused' AND detail LIKE '%'||char(27)||'%'")" = 0
expect_session 0 "annotator: own user show" alice "user show --json"
check "show is alice's" contains "$OUT" '"name":"alice"'
expect_session 0 "annotator: help" alice "help"
check "help lists label" contains "$OUT" "label"
check "help hides stats from annotators" test "$(printf '%s\n' "$OUT" | grep -c '^  stats')" = 0
expect_session 0 "admin: stats" bob "stats --json"
check "stats is JSON" /usr/bin/python3 -c 'import json,sys; json.loads(sys.argv[1])' "$OUT"
expect_session 0 "admin: batch list" bob "batch list"
expect_session 0 "admin: user show anyone" bob "user show alice"
expect_session 0 "admin: config get" bob "config get lease_seconds"
expect_session 0 "review list --labeler --since --until over SSH" bob "review list --labeler alice --since 2020-01-01 --until 2099-01-01 --json"
check "review list over SSH: a JSON list" /usr/bin/python3 -c 'import json,sys; assert isinstance(json.loads(sys.argv[1]), list)' "$OUT"
refused "review list: a bad option still refused" bob "review list --labeler=alice --db x"
expect_session 0 "admin: no command lists what they may run" bob ""
check "admin help lists stats" contains "$OUT" "stats"
expect_session 0 "admin: heartbeat fenced by token (lease is alice's)" alice \
	"queue heartbeat --judgment $(q "SELECT id FROM judgments WHERE state='leased'") --token $(q "SELECT lease_token FROM judgments WHERE state='leased'") --json"
expect_session 4 "bob cannot heartbeat alice's lease" bob \
	"queue heartbeat --judgment $(q "SELECT id FROM judgments WHERE state='leased'") --token x"
# submit: the answer comes on standard input ("-", or nothing: the session adds it)
LJ=$(q "SELECT id FROM judgments WHERE state='leased'")
LT=$(q "SELECT lease_token FROM judgments WHERE state='leased'")
S_IN() { local who=$1; shift; SSH_ORIGINAL_COMMAND=$1 run "$BOXEL" session --db "$DB" --user "$who" < "$2"; }
printf '{"annotations":[{"class":"nope","box":[1,2,3,4]}]}\n' > "$T_TMP/bad-ans.json"
S_IN alice "queue submit --judgment $LJ --token $LT -" "$T_TMP/bad-ans.json"
check "submit over the session: a bad answer is refused (exit $RC)" test "$RC" = 2
check "the refusal names standard input and the class" contains "$ERR" "standard input: "
check "still leased" test "$(q "SELECT state FROM judgments WHERE id = $LJ")" = leased
S_IN bob "queue submit --judgment $LJ --token $LT" "$T_TMP/ans.json"
check "bob cannot submit alice's judgment (exit $RC)" test "$RC" != 0
check "still leased after bob" test "$(q "SELECT state FROM judgments WHERE id = $LJ")" = leased
S_IN alice "queue save --judgment $LJ --token $LT" "$T_TMP/bad-ans.json"
check "save over the session: a bad answer is refused (exit $RC)" test "$RC" = 2
S_IN bob "queue save --judgment $LJ --token $LT" "$T_TMP/ans.json"
check "bob cannot save into alice's judgment (exit $RC)" test "$RC" != 0
S_IN alice "queue save --judgment $LJ --token $LT" "$T_TMP/ans.json"
check "alice saves a draft from standard input (exit $RC)" test "$RC" = 0
check "the draft holds the answer" test "$(q "SELECT json_array_length(json_extract(state, '\$.answer.annotations')) FROM drafts WHERE judgment = $LJ")" = 1
S_IN alice "queue submit --judgment $LJ --token $LT --seconds 7" "$T_TMP/ans.json"
check "alice submits from standard input (exit $RC)" test "$RC" = 0
check "submitted with the answer" test "$(q "SELECT state || ' ' || seconds || ' ' || (SELECT count(*) FROM annotations WHERE judgment = $LJ) FROM judgments WHERE id = $LJ")" = "submitted 7.0 1"
"$BOXEL" user qual alice suspended >/dev/null
expect_session 2 "suspended annotator connects, gets the queue's refusal" alice "queue claim"
check "queue's own message" contains "$ERR" "suspended"
expect_rc 2 "session without --user" env SSH_ORIGINAL_COMMAND=label "$BOXEL" session --db "$DB"
check "integrity after everything" test "$(q 'PRAGMA integrity_check')" = ok

# --- one real sshd
. "$(dirname "$0")/sshd.sh"
sshd_skip() { echo "skipped: real-sshd scenario: $*"; finish; }
"$BOXEL" user qual alice qualified >/dev/null
SD=$T_TMP/sshd
mkdir -m 700 "$SD"
AK2=$SD/authorized_keys
"$BOXEL" user authorized-keys --write "$AK2" >/dev/null
FWD_PID=
sshd_cleanup() {
	[ -n "$FWD_PID" ] && kill "$FWD_PID" 2>/dev/null
	sshd_stop
	rm -rf "$T_TMP"
}
trap sshd_cleanup EXIT
sshd_start "$SD" "$AK2" || sshd_skip "$SSHD_WHY"
PORT=$SSHD_PORT
SSH_OPTS=(-p "$PORT" -o BatchMode=yes -o StrictHostKeyChecking=no -o UserKnownHostsFile=/dev/null
	-o LogLevel=ERROR -o ConnectTimeout=10 -o IdentitiesOnly=yes)
S_SSH() { local key=$1; shift; run timeout 30 ssh "${SSH_OPTS[@]}" -i "$K/$key" "$(id -un)@127.0.0.1" "$@"; }

S_SSH alice "queue claim --json"
check "ssh: claim works (exit $RC)" test "$RC" = 0
# (sshd passes no BOXEL_NOW_MS: the real clock runs, and the pinned lease
# of earlier has expired, so this may be a fresh lease.)
J=$(/usr/bin/python3 -c 'import json,sys; print(json.loads(sys.argv[1])["judgment"])' "$OUT" 2>/dev/null)
TOK=$(/usr/bin/python3 -c 'import json,sys; print(json.loads(sys.argv[1])["token"])' "$OUT" 2>/dev/null)
check "ssh: claim JSON names a judgment" test -n "$J"
check "ssh: the judgment is leased to alice" test \
	"$(q "SELECT u.name FROM judgments j JOIN users u ON u.id = j.labeler WHERE j.id = ${J:-0}")" = alice
n=$(refusals)
S_SSH alice "sh -c id"
check "ssh: a shell is refused (exit $RC)" test "$RC" = 2
check "ssh: no shell ran" test -z "$(printf '%s' "$OUT" | grep 'uid=')"
check "ssh: refusal logged" test "$(refusals)" = $((n + 1))
S_SSH alice "queue submit --judgment ${J:-0} --token ${TOK:-x} -" < "$T_TMP/ans.json"
check "ssh: submit with the answer on standard input (exit $RC)" test "$RC" = 0
check "ssh: the judgment is submitted" test "$(q "SELECT state FROM judgments WHERE id = ${J:-0}")" = submitted
S_SSH bob "stats --json"
check "ssh: admin stats (exit $RC)" test "$RC" = 0
S_SSH carol "queue claim"
check "ssh: disabled user's key is not in the file: auth fails (exit $RC)" test "$RC" = 255
# Port forwarding: the tunnel would reach sshd's own port; restrict denies
# the channel, so nothing comes back through it.
LPORT=$(free_port)
# (A loaded machine can take many seconds to log the client in: wait for
# it to listen, or to exit, up to 90 s.)
timeout 120 ssh -o LogLevel=INFO "${SSH_OPTS[@]}" -i "$K/alice" -N -L "$LPORT:127.0.0.1:$PORT" "$(id -un)@127.0.0.1" 2>"$SD/fwd.log" &
FWD_PID=$!
deadline=$((SECONDS + 90))
until listening "$LPORT" || ! kill -0 "$FWD_PID" 2>/dev/null || [ $SECONDS -gt $deadline ]; do sleep 0.2; done
check "ssh -L: the client listens ($(head -c 200 "$SD/fwd.log"))" listening "$LPORT"
banner=$(/usr/bin/python3 -c "
import socket
s = socket.create_connection(('127.0.0.1', $LPORT), 5); s.settimeout(5)
try: print(s.recv(64).decode(errors='replace').strip())
except Exception: pass" 2>/dev/null)
check "ssh -L: forwarding refused by restrict (got '${banner:0:20}')" test -z "$banner"
kill "$FWD_PID" 2>/dev/null
wait "$FWD_PID" 2>/dev/null
FWD_PID=
check "ssh -L: the server said why" grep -q "prohibited" "$SD/fwd.log"
finish
