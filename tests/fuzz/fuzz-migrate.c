/* fuzz-migrate.c: libFuzzer target for opening and migrating a hostile
 * store (bx_store_open, src/store.c): a file an attacker or a broken disk
 * made, handed to `boxel init --force` or any command. The first byte picks
 * how the store is made (its value modulo 3):
 *   0: the rest is SQL run on a fresh schema-1 store (rows of any type,
 *      dropped or altered tables, triggers, odd user_version values);
 *   1: the rest is the database file itself;
 *   2: the rest patches a schema-1 store's file: (offset high, offset low,
 *      byte) triples (torn pages, a corrupt header or schema in a file that
 *      is otherwise a real store).
 * Then the store is opened with create (which migrates it to the current
 * schema) and, when that succeeds, read through the calls every command
 * makes first. The open must succeed or fail with a message; it must never
 * crash, hang or read outside the migrations table (user_version -1 once
 * did). The SQL step is bounded (no ATTACH or VACUUM INTO: they write
 * files; a progress limit stops runaway recursive queries). */
#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include <unistd.h>

#include <sqlite3.h>

#include "boxel/store.h"
#include "boxel/util.h"
#include "store-int.h" /* bx_st_schema_limit */

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define CHECK(c) do { if (!(c)) { fprintf(stderr, "fuzz-migrate: %s\n", #c); abort(); } } while (0)

static char dir[64], tmpl[96], work[96];
static uint8_t *tmpl_bytes;
static size_t tmpl_len;

static void
drop_work(void)
{
	char p[128];

	unlink(work);
	snprintf(p, sizeof p, "%s-wal", work);
	unlink(p);
	snprintf(p, sizeof p, "%s-shm", work);
	unlink(p);
	snprintf(p, sizeof p, "%s-journal", work);
	unlink(p);
}

static void
write_file(const char *path, const uint8_t *d, size_t n)
{
	int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0600);

	CHECK(fd >= 0);
	CHECK(n == 0 || write(fd, d, n) == (ssize_t)n);
	close(fd);
}

/* A schema-1 store, made once; each input starts from its bytes. */
static void
setup(void)
{
	struct bx_store *st;
	struct bx_err err = { 0 };
	FILE *f;
	long n;

	snprintf(dir, sizeof dir, "%s/boxel-fuzz-migrate.%d",
	         access("/dev/shm", W_OK) == 0 ? "/dev/shm" : "/tmp", (int)getpid());
	CHECK(mkdir(dir, 0700) == 0);
	snprintf(tmpl, sizeof tmpl, "%s/v1.db", dir);
	snprintf(work, sizeof work, "%s/w.db", dir);
	bx_st_schema_limit = 1;
	CHECK(bx_store_open(tmpl, BX_STORE_CREATE, &st, &err) == 0);
	bx_store_close(st);
	bx_st_schema_limit = 0;
	CHECK((f = fopen(tmpl, "rb")) != NULL);
	fseek(f, 0, SEEK_END);
	n = ftell(f);
	rewind(f);
	tmpl_bytes = bx_malloc((size_t)n);
	CHECK(fread(tmpl_bytes, 1, (size_t)n, f) == (size_t)n);
	fclose(f);
	tmpl_len = (size_t)n;
}

static int
stop_runaway(void *ctx)
{
	return ++*(int *)ctx > 2000; /* x 1000 VM steps */
}

static void
run_sql(const char *sql)
{
	sqlite3 *db;
	int steps = 0;

	if (sqlite3_open_v2(work, &db, SQLITE_OPEN_READWRITE, NULL) != SQLITE_OK) {
		sqlite3_close(db);
		return;
	}
	sqlite3_limit(db, SQLITE_LIMIT_ATTACHED, 0);
	sqlite3_limit(db, SQLITE_LIMIT_LENGTH, 1 << 20);
	sqlite3_progress_handler(db, 1000, stop_runaway, &steps);
	sqlite3_exec(db, sql, NULL, NULL, NULL);
	sqlite3_close(db);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct bx_store *st = NULL;
	struct bx_err err = { 0 };
	char *v = NULL, *sql;
	size_t i;

	if (tmpl_bytes == NULL)
		setup();
	if (size < 1)
		return 0;
	drop_work();
	if (data[0] % 3 == 1) {
		write_file(work, data + 1, size - 1);
	} else if (data[0] % 3 == 2) {
		uint8_t *b = bx_malloc(tmpl_len);
		memcpy(b, tmpl_bytes, tmpl_len);
		for (i = 1; i + 2 < size; i += 3)
			b[((size_t)data[i] << 8 | data[i + 1]) % tmpl_len] = data[i + 2];
		write_file(work, b, tmpl_len);
		free(b);
	} else {
		sql = bx_strndup((const char *)data + 1, size - 1);
		for (i = 0; sql[i]; i++) {
			if (strncasecmp(sql + i, "attach", 6) == 0 || strncasecmp(sql + i, "vacuum", 6) == 0 ||
			    strncasecmp(sql + i, "load_extension", 14) == 0) {
				free(sql);
				return 0;
			}
		}
		write_file(work, tmpl_bytes, tmpl_len);
		run_sql(sql);
		free(sql);
	}
	if (bx_store_open(work, BX_STORE_CREATE, &st, &err) == 0) {
		/* What every command reads first: a setting. */
		if (bx_store_setting_get(st, "lease_seconds", &v, &err) == 0)
			free(v);
		bx_store_close(st);
	} else {
		CHECK(err.msg[0] != '\0');
	}
	/* Read-only, as the reading commands open it. */
	if (bx_store_open(work, BX_STORE_READONLY, &st, &err) == 0)
		bx_store_close(st);
	else
		CHECK(err.msg[0] != '\0');
	return 0;
}
