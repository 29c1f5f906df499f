/* store-fixture.h: a temporary store for the store-level unit tests
 * (test-queue, test-gold, test-feedback): one temp directory per program,
 * a fresh database file per test, a pinned clock, and counts read straight
 * from the file through a second connection. Include after harness.h; list
 * T(setup) first in BX_TESTS. */
#ifndef BOXEL_STORE_FIXTURE_H
#define BOXEL_STORE_FIXTURE_H

#include <sqlite3.h>
#include <stdlib.h>
#include <unistd.h>

#include "boxel/store.h"
#include "boxel/util.h"

#define NOW 1767225600000LL /* 2026-01-01T00:00:00Z */
#define LEASE 60000

#define BX_UNUSED __attribute__((unused))

static char tmpdir[] = "/tmp/boxel-test.XXXXXX";
static struct bx_err err;
static char *cur_path;

/* A new store file in the temp directory; later raw_* calls read it. */
static BX_UNUSED struct bx_store *
fresh(const char *name)
{
	struct bx_store *st = NULL;

	free(cur_path);
	cur_path = bx_asprintf("%s/%s", tmpdir, name);
	if (bx_store_open(cur_path, BX_STORE_CREATE, &st, &err) < 0)
		fprintf(stderr, "open: %s\n", err.msg);
	return st;
}

/* One integer straight from the file (the store's own connection aside);
 * -1 when the query fails. */
static BX_UNUSED long long
raw_int(const char *sql)
{
	sqlite3 *db;
	sqlite3_stmt *s;
	long long v = -1;

	sqlite3_open(cur_path, &db);
	sqlite3_busy_timeout(db, 5000);
	if (sqlite3_prepare_v2(db, sql, -1, &s, NULL) == SQLITE_OK) {
		if (sqlite3_step(s) == SQLITE_ROW)
			v = sqlite3_column_int64(s, 0);
		sqlite3_finalize(s);
	} else {
		fprintf(stderr, "raw_int: %s\n", sqlite3_errmsg(db));
	}
	sqlite3_close(db);
	return v;
}

/* A 100x80 task for image; its id. */
static BX_UNUSED int64_t
task(struct bx_store *st, const char *image)
{
	struct bx_task_new t = { .image = image, .width = 100, .height = 80, .now_ms = NOW };
	int64_t id = 0;

	bx_store_task_add(st, &t, &id, NULL, &err);
	return id;
}

static void
cleanup(void)
{
	char *cmd = bx_asprintf("rm -rf '%s'", tmpdir);

	if (system(cmd) != 0)
		fprintf(stderr, "could not remove %s\n", tmpdir);
	free(cmd);
	free(cur_path);
}

static void
setup(void)
{
	if (mkdtemp(tmpdir) == NULL) {
		perror("mkdtemp");
		exit(2);
	}
	atexit(cleanup);
}

#endif
