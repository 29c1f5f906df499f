# sshd.sh: one real sshd on 127.0.0.1 for a test (source it after lib.sh).
# sshd_start DIR AUTHORIZED_KEYS [CONFIG_LINE...] writes its own host key
# and sshd_config in DIR (a free port, no passwords, no PAM, the extra lines
# appended: e.g. SetEnv for the forced command's environment), starts sshd
# in the foreground of a background job and waits for it to listen. On
# success SSHD_PORT and SSHD_PID are set; on failure it returns 1 with the
# reason in SSHD_WHY (the caller skips: an unprivileged sshd is OpenSSH's
# best effort). sshd_stop stops it; the caller's EXIT trap must call it.
SSHD=/usr/sbin/sshd
SSHD_PID=
SSHD_MADE_RUN=

# sshd_need_tools: skip the whole test (exit 77) without sshd, ssh or ssh-keygen.
sshd_need_tools() {
	local tool
	for tool in "$SSHD" ssh ssh-keygen; do
		if ! command -v "$tool" >/dev/null; then
			echo "$tool not installed (Debian: openssh-server, openssh-client): skipping"
			echo "0 passed, 0 failed"
			exit 77
		fi
	done
}

free_port() { /usr/bin/python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'; }
listening() { /usr/bin/python3 -c "import socket; socket.create_connection(('127.0.0.1', $1), 1)" 2>/dev/null; }

sshd_start() {
	local dir=$1 ak=$2 i=0 line
	shift 2
	if [ ! -x "$SSHD" ] || ! command -v ssh >/dev/null || ! command -v ssh-keygen >/dev/null; then
		SSHD_WHY="sshd or ssh not installed (openssh-server, openssh-client)"
		return 1
	fi
	ssh-keygen -q -t ed25519 -N '' -f "$dir/host_key" || { SSHD_WHY="ssh-keygen failed"; return 1; }
	SSHD_PORT=$(free_port)
	cat > "$dir/sshd_config" <<CONF
Port $SSHD_PORT
ListenAddress 127.0.0.1
HostKey $dir/host_key
PidFile $dir/sshd.pid
AuthorizedKeysFile $ak
UsePAM no
StrictModes no
PasswordAuthentication no
KbdInteractiveAuthentication no
PubkeyAuthentication yes
PermitRootLogin prohibit-password
AllowTcpForwarding yes
PrintMotd no
PrintLastLog no
LogLevel ERROR
CONF
	for line in "$@"; do printf '%s\n' "$line" >> "$dir/sshd_config"; done
	# As root, sshd insists on its privilege-separation directory; Debian's
	# init script creates it, a container may not have it.
	if [ ! -d /run/sshd ] && [ "$(id -u)" = 0 ]; then
		mkdir -p /run/sshd && chmod 755 /run/sshd && SSHD_MADE_RUN=1
	fi
	if ! "$SSHD" -t -f "$dir/sshd_config" 2>"$dir/check.log"; then
		SSHD_WHY="sshd refuses the config: $(head -1 "$dir/check.log")"
		return 1
	fi
	"$SSHD" -D -e -f "$dir/sshd_config" 2>"$dir/sshd.log" &
	SSHD_PID=$!
	until listening "$SSHD_PORT"; do
		i=$((i + 1))
		if [ $i -gt 100 ] || ! kill -0 "$SSHD_PID" 2>/dev/null; then
			SSHD_WHY="sshd did not start: $(head -1 "$dir/sshd.log")"
			return 1
		fi
		sleep 0.1
	done
}

sshd_stop() {
	if [ -n "$SSHD_PID" ]; then
		kill "$SSHD_PID" 2>/dev/null
		wait "$SSHD_PID" 2>/dev/null
		SSHD_PID=
	fi
	[ -n "$SSHD_MADE_RUN" ] && rmdir /run/sshd 2>/dev/null
	SSHD_MADE_RUN=
}
