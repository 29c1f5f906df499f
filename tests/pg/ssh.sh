# tests/pg/ssh.sh: an SSH front host on PostgreSQL (run by tests/pg/run.sh,
# which exports the cluster helpers). The store is a database owned by a
# role that logs in with a password (scram-sha-256 on the socket), as a
# production server would ask. The credentials live where libpq finds them
# by itself: a service file names the server and role, a password file
# (mode 600) holds the password; sshd's SetEnv points the forced command at
# both. So the authorized_keys line holds only `--db postgresql:///NAME`,
# and no command line holds a password. Through a real sshd on 127.0.0.1
# an annotator claims and submits with the answer on standard input; the
# judgment is then in the database; a shell is refused and the refusal is
# in the event log; without the password file nothing connects. Then the
# labeling screen through the same sshd in a real terminal (tmux): a box,
# the required global, submit, each step checked in the database. sshd and
# tmux are stopped at exit; every scripted ssh call has a timeout.
set -u
. "$(dirname "$0")/../cli/lib.sh"
. "$(dirname "$0")/../cli/sshd.sh"
. "$(dirname "$0")/cluster.sh"
: "${BOXEL_TEST_PG:?run through tests/pg/run.sh}"
sshd_need_tools
SRC=$(cd "$(dirname "$0")/../.." && pwd)
cleanup() { sshd_stop; rm -rf "$T_TMP"; }
trap cleanup EXIT

PG=$(pg_new_db)
NAME=${PG#postgresql:///}
NAME=${NAME%%\?*}
q() { pg_psql "$PG" -At -c "$1"; }
refusals() { q "SELECT count(*) FROM events WHERE what = 'session_refused' AND actor = 'alice'"; }

# --- the server: a role with a password, asked for on the socket
ROLE=labelhost
PW=$(/usr/bin/python3 -c 'import secrets; print(secrets.token_hex(16))')
pg_psql postgres -c "CREATE ROLE $ROLE LOGIN PASSWORD '$PW'" >/dev/null 2>&1 ||
	pg_psql postgres -c "ALTER ROLE $ROLE PASSWORD '$PW'" >/dev/null
pg_psql postgres -c "ALTER DATABASE $NAME OWNER TO $ROLE" >/dev/null
HBA=$PG_CLUSTER_DIR/data/pg_hba.conf
if ! grep -q "^local all $ROLE scram-sha-256" "$HBA"; then
	# First match wins: this role's line goes before the cluster's trust lines.
	# (cat >: the file keeps its owner, the server's user.)
	{ echo "local all $ROLE scram-sha-256"; cat "$HBA"; } > "$T_TMP/hba"
	cat "$T_TMP/hba" > "$HBA"
	pg_psql postgres -c "SELECT pg_reload_conf()" >/dev/null
fi

# --- the front host's libpq environment: service file and password file
ENVD=$T_TMP/pgenv
mkdir -m 700 "$ENVD"
printf '[boxel]\nhost=%s\nuser=%s\n' "$PG_CLUSTER_DIR" "$ROLE" > "$ENVD/pg_service.conf"
printf '*:*:%s:%s:%s\n' "$NAME" "$ROLE" "$PW" > "$ENVD/pgpass"
: > "$ENVD/empty"
chmod 600 "$ENVD/pgpass" "$ENVD/empty"
URI="postgresql:///$NAME"
admin() {
	env PGSERVICEFILE="$ENVD/pg_service.conf" PGSERVICE=boxel PGPASSFILE="$ENVD/pgpass" \
		BOXEL_DB="$URI" "$@"
}

expect_rc 2 "the role's password is really asked for: no password file, no store" \
	env PGSERVICEFILE="$ENVD/pg_service.conf" PGSERVICE=boxel PGPASSFILE="$ENVD/empty" \
	"$BOXEL" --db "$URI" init --images "$T_TMP"
check "... said in one line ($ERR)" one_line "$ERR"
check "... naming the password" contains "$ERR" "password"
mkdir "$T_TMP/img"
tiny_pngs "$T_TMP/img" 40 30 a.png b.png c.png
expect_rc 0 "init through the service and password files" admin "$BOXEL" init \
	--images "$T_TMP/img" --taxonomy "$SRC/sample-data/taxonomy.json"
check "the tables are the role's" test "$(q "SELECT tableowner FROM pg_tables WHERE tablename = 'judgments'")" = "$ROLE"
expect_rc 0 "import" admin "$BOXEL" import "$T_TMP/img"
expect_rc 0 "serve in import order" admin "$BOXEL" config set serve_order import
expect_rc 0 "a batch" admin "$BOXEL" batch create prod --kind production
K=$T_TMP/keys
mkdir -m 700 "$K"
ssh-keygen -q -t ed25519 -N '' -C alice -f "$K/alice"
ssh-keygen -q -t ed25519 -N '' -C bob -f "$K/bob"
expect_rc 0 "alice, annotator with a key" admin "$BOXEL" user add alice --role annotator --key "$K/alice.pub"
expect_rc 0 "bob, admin with a key" admin "$BOXEL" user add bob --role admin --key "$K/bob.pub"
SD=$T_TMP/sshd
mkdir -m 700 "$SD"
expect_rc 0 "authorized_keys written from the PostgreSQL store" \
	admin "$BOXEL" user authorized-keys --write "$SD/authorized_keys"
check "the forced command names the URI" grep -q "session --db $URI --user alice\"" "$SD/authorized_keys"
check "no password in authorized_keys" test "$(grep -c "$PW" "$SD/authorized_keys")" = 0

if ! sshd_start "$SD" "$SD/authorized_keys" \
	"SetEnv PGSERVICEFILE=$ENVD/pg_service.conf PGSERVICE=boxel PGPASSFILE=$ENVD/pgpass"; then
	echo "skipped: real-sshd scenario: $SSHD_WHY"
	finish
fi
SSH_OPTS=(-p "$SSHD_PORT" -o BatchMode=yes -o StrictHostKeyChecking=no -o UserKnownHostsFile=/dev/null
	-o LogLevel=ERROR -o ConnectTimeout=10 -o IdentitiesOnly=yes)
S_SSH() { local key=$1; shift; run timeout 60 ssh "${SSH_OPTS[@]}" -i "$K/$key" "$(id -un)@127.0.0.1" "$@"; }
printf '{"annotations":[{"class":"cup","box":[1,2,10,8]}],"global":{"scene":"indoor"}}\n' > "$T_TMP/ans.json"

S_SSH alice "queue claim --json"
check "ssh: claim on PostgreSQL (exit $RC: $ERR)" test "$RC" = 0
J=$(cjget "$OUT" judgment)
TOK=$(cjget "$OUT" token)
check "ssh: the claim names a judgment" test -n "$J"
check "ssh: leased to alice in the database" test "$(q "SELECT u.name || ' ' || j.state FROM judgments j
	JOIN users u ON u.id = j.labeler WHERE j.id = ${J:-0}")" = "alice leased"
check "ssh: the session is in the event log, acted by alice" \
	test "$(q "SELECT count(*) FROM events WHERE what = 'session' AND actor = 'alice'")" -ge 1
n=$(refusals)
S_SSH alice "sh -c id"
check "ssh: a shell is refused (exit $RC)" test "$RC" = 2
check "ssh: the refusal is one line saying so" one_line "$ERR"
check "ssh: ... refused" contains "$ERR" "refused"
check "ssh: no shell ran" test -z "$(printf '%s' "$OUT" | grep 'uid=')"
check "ssh: the refusal is in the database's event log" test "$(refusals)" = $((n + 1))
S_SSH alice "stats"
check "ssh: an annotator's stats refused (exit $RC)" test "$RC" = 2
check "ssh: logged too" test "$(refusals)" = $((n + 2))
S_SSH alice "queue submit --judgment ${J:-0} --token ${TOK:-x} -" < "$T_TMP/ans.json"
check "ssh: submit with the answer on standard input (exit $RC: $ERR)" test "$RC" = 0
check "ssh: the judgment is submitted in the database, with its box" test \
	"$(q "SELECT j.state || ' ' || count(a.*) FROM judgments j LEFT JOIN annotations a
	ON a.judgment = j.id WHERE j.id = ${J:-0} GROUP BY j.state")" = "submitted 1"
S_SSH alice "queue submit --judgment ${J:-0} --token ${TOK:-x} -" < "$T_TMP/ans.json"
check "ssh: the same token again is fenced (exit $RC)" test "$RC" -ne 0
check "ssh: still one submitted judgment" test "$(q "SELECT count(*) FROM judgments WHERE state = 'submitted'")" = 1
S_SSH bob "stats --json"
check "ssh: admin's stats count alice's submit (exit $RC)" /usr/bin/python3 -c '
import json, sys
d = json.loads(sys.argv[1])
assert [l["submitted"] for l in d["labelers"] if l["name"] == "alice"] == [1], d' "$OUT"

# --- the screen: alice labels in a real terminal (tmux) through sshd, on
# the PostgreSQL store: a rocket box, the required global, submit.
if command -v tmux >/dev/null; then
	TMX=(tmux -L "boxel-pgssh-$$" -f /dev/null)
	cleanup() { "${TMX[@]}" kill-server 2>/dev/null; sshd_stop; rm -rf "$T_TMP"; }
	"${TMX[@]}" -u new-session -d -s t -x 120 -y 40 "env TERM=xterm-256color ssh -tt \
		${SSH_OPTS[*]} -i $K/alice $(id -un)@127.0.0.1 label; sleep 600"
	screen_has() { # screen_has TEXT: poll the pane up to 30 s
		local i
		for ((i = 0; i < 300; i++)); do
			"${TMX[@]}" capture-pane -p -t t 2>/dev/null | grep -qF -- "$1" && return 0
			sleep 0.1
		done
		"${TMX[@]}" capture-pane -p -t t 2>/dev/null | grep -v '^ *$' | tail -n 8 >&2
		return 1
	}
	sql_is() { # sql_is SQL WANT: poll the database up to 30 s
		local i
		for ((i = 0; i < 300; i++)); do
			[ "$(q "$1")" = "$2" ] && return 0
			sleep 0.1
		done
		return 1
	}
	check "screen: label opens over ssh on PostgreSQL" screen_has "task 2/3"
	"${TMX[@]}" send-keys -t t r b Space l l l j j Space
	check "screen: a box drawn" screen_has "Objects (1)"
	check "screen: the draft is in the database" sql_is "SELECT count(*) FROM drafts" 1
	"${TMX[@]}" send-keys -t t g
	check "screen: the global attributes open" screen_has "Global attributes"
	"${TMX[@]}" send-keys -t t Right Escape s
	check "screen: submitted, the next task opens" screen_has "task 3/3"
	check "screen: the judgment is in the database, with its box and scene" sql_is \
		"SELECT count(*) FROM judgments j JOIN annotations a ON a.judgment = j.id
		 WHERE j.state = 'submitted' AND j.answer LIKE '%\"scene\"%'" 2
	"${TMX[@]}" send-keys -t t q
fi
check "sshd still running" kill -0 "$SSHD_PID"
finish
