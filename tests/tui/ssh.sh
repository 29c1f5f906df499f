# ssh.sh: boxel label over a real SSH connection. Starts its own sshd on
# 127.0.0.1 (free port, own host key, own sshd_config, and the
# authorized_keys `boxel user authorized-keys --write` makes: the forced
# command is `boxel session`; alice, an admin, asks for `label`), labels a
# box, drops the connection by killing the client, reconnects and finds
# the draft. sshd is stopped at exit.
. "$(dirname "$0")/lib.sh"

. "$(dirname "$0")/../cli/sshd.sh"
sshd_need_tools

make_project "$T_TMP/p"
K=$T_TMP/ssh
mkdir -m 700 "$K"
ssh-keygen -q -t ed25519 -N '' -f "$K/user_key"
# The admin's way: alice's key in the store, authorized_keys written from it
# (restrict,pty,command="boxel session --db DB --user alice").
"$BOXEL" user key alice "$K/user_key.pub" --db "$DB" >/dev/null
expect_rc 0 "authorized_keys written" "$BOXEL" user authorized-keys --db "$DB" --write "$K/authorized_keys"
check "the forced command is boxel session" grep -q "command=\"[^\"]*session --db [^\"]* --user alice\"" "$K/authorized_keys"
ssh_cleanup() {
	sshd_stop
	tui_cleanup
}
trap ssh_cleanup EXIT
if ! sshd_start "$K" "$K/authorized_keys"; then
	echo "$SSHD_WHY" >&2
	if [ "$(id -u)" != 0 ]; then
		# Unprivileged sshd is a best effort of OpenSSH's; say why.
		echo "skipping: sshd cannot run as $(id -un) here"
		echo "0 passed, 0 failed"
		exit 77
	fi
	fail "sshd starts"
	finish
fi
pass
PORT=$SSHD_PORT

connect() {
	tui_start ssh -tt -p "$PORT" -i "$K/user_key" -o StrictHostKeyChecking=no \
		-o UserKnownHostsFile=/dev/null -o BatchMode=yes -o LogLevel=ERROR \
		-o ServerAliveInterval=0 "$(id -un)@127.0.0.1" label
}

connect
expect_screen "label opens over ssh" "task 1/4"
expect_screen "half blocks arrive (UTF-8 over ssh)" "▄"
tui_keys b Space l l l j j Space
expect_screen "box drawn over ssh" "box 256,256 15x10"
wait_sql "draft in the store" \
	"SELECT json_extract(state, '\$.answer.annotations[0].box') FROM drafts" "[256,256,15,10]"

# Drop the connection: kill the ssh client; sshd hangs up on boxel.
SSH_PID=$(pgrep -P "$(tmx display -p -t t '#{pane_pid}')" -x ssh)
check "found the ssh client" [ -n "$SSH_PID" ]
kill -9 $SSH_PID
i=0
while pgrep -f "session --db $DB" >/dev/null && [ $i -lt 100 ]; do sleep 0.1; i=$((i + 1)); done
gone() { ! pgrep -f "session --db $DB" >/dev/null; }
check "boxel exits when the link drops" gone

connect
expect_screen "reconnect resumes the task" "resumed your task"
expect_screen "draft intact after reconnect" "box 256,256 15x10"
tui_keys q
finish
