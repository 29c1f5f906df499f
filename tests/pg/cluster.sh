# tests/pg/cluster.sh: a throwaway PostgreSQL cluster owned by one test run.
# Source it, then `pg_cluster_start`: it initdbs into a temp dir (trust
# auth, no TCP: listen_addresses='', the Unix socket in the temp dir), starts
# the server and exports BOXEL_TEST_PG, a URI of a fresh database on it.
# An EXIT trap stops the server and removes the directory, whatever the
# tests did. initdb refuses root: as root the server runs as the postgres
# system user (runuser), otherwise as the caller. fsync is off: a test
# cluster need not survive the machine crashing, and CREATE DATABASE per
# test would otherwise sync a whole template each time (PG_CLUSTER_FSYNC=on
# for a benchmark).

pg_cluster_bin() {
	local d
	for d in $(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V -r); do
		[ -x "$d/initdb" ] && { echo "$d"; return 0; }
	done
	command -v initdb >/dev/null && { dirname "$(command -v initdb)"; return 0; }
	return 1
}

pg_as_owner() {
	if [ "$(id -u)" -eq 0 ]; then
		runuser -u postgres -- "$@"
	else
		"$@"
	fi
}

pg_cluster_stop() {
	[ -n "${PG_CLUSTER_DIR:-}" ] || return 0
	if [ -f "$PG_CLUSTER_DIR/data/postmaster.pid" ]; then
		pg_as_owner "$PG_CLUSTER_BIN/pg_ctl" -D "$PG_CLUSTER_DIR/data" -m immediate \
			-w stop >/dev/null 2>&1
	fi
	rm -rf "$PG_CLUSTER_DIR"
	PG_CLUSTER_DIR=
}

# pg_cluster_restart: stop the server (fast: sessions are cut) and start it
# again on the same data, as an admin's restart would.
pg_cluster_restart() {
	pg_as_owner "$PG_CLUSTER_BIN/pg_ctl" -D "$PG_CLUSTER_DIR/data" -m fast -w restart \
		-l "$PG_CLUSTER_DIR/log" >/dev/null
}

pg_cluster_start() {
	PG_CLUSTER_BIN=$(pg_cluster_bin) || {
		echo "pg_cluster_start: no initdb (install the Debian package postgresql)" >&2
		return 1
	}
	PG_CLUSTER_DIR=$(mktemp -d "${TMPDIR:-/tmp}/boxel-pg.XXXXXX") || return 1
	trap pg_cluster_stop EXIT
	chmod 755 "$PG_CLUSTER_DIR"
	[ "$(id -u)" -eq 0 ] && chown postgres: "$PG_CLUSTER_DIR"
	if ! pg_as_owner "$PG_CLUSTER_BIN/initdb" -D "$PG_CLUSTER_DIR/data" -A trust -U boxel \
		-E UTF8 --no-locale >"$PG_CLUSTER_DIR/initdb.log" 2>&1; then
		echo "pg_cluster_start: initdb failed:" >&2
		cat "$PG_CLUSTER_DIR/initdb.log" >&2
		return 1
	fi
	cat >>"$PG_CLUSTER_DIR/data/postgresql.conf" <<CONF
listen_addresses = ''
unix_socket_directories = '$PG_CLUSTER_DIR'
max_connections = 300
synchronous_commit = on
fsync = ${PG_CLUSTER_FSYNC:-off}
CONF
	if ! pg_as_owner "$PG_CLUSTER_BIN/pg_ctl" -D "$PG_CLUSTER_DIR/data" -l "$PG_CLUSTER_DIR/log" \
		-w start >/dev/null; then
		echo "pg_cluster_start: the server did not start:" >&2
		cat "$PG_CLUSTER_DIR/log" >&2
		return 1
	fi
	PG_CLUSTER_N=0
	export PG_CLUSTER_DIR PG_CLUSTER_BIN
	export BOXEL_TEST_PG="postgresql:///boxel?host=$PG_CLUSTER_DIR&user=boxel"
	pg_psql postgres -c "CREATE DATABASE boxel" >/dev/null
}

# pg_new_db: a fresh empty database; prints its URI.
pg_new_db() {
	PG_CLUSTER_N=$((${PG_CLUSTER_N:-0} + 1))
	local name="t${BASHPID}_$PG_CLUSTER_N"  # BASHPID: $(pg_new_db) is a subshell
	pg_psql postgres -c "CREATE DATABASE $name" >/dev/null || return 1
	echo "postgresql:///$name?host=$PG_CLUSTER_DIR&user=boxel"
}

# pg_psql DB ARGS...: psql on the test cluster as its superuser; DB a
# database name or a URI from pg_new_db.
pg_psql() {
	local db=$1
	shift
	case "$db" in
	postgresql://*) "$PG_CLUSTER_BIN/psql" -X -q -v ON_ERROR_STOP=1 -d "$db" "$@" ;;
	*) "$PG_CLUSTER_BIN/psql" -X -q -v ON_ERROR_STOP=1 -h "$PG_CLUSTER_DIR" -U boxel \
		-d "$db" "$@" ;;
	esac
}
