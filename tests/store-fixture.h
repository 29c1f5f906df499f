/* store-fixture.h: a temporary store for the store-level unit tests
 * (test-queue, test-gold, test-feedback): one temp directory per program,
 * a fresh database file per test, a pinned clock, and counts read straight
 * from the file through a second connection. Include after harness.h; list
 * T(setup) first in BX_TESTS.
 *
 * With BOXEL_TEST_PG set (a postgresql:// URI of a database on a
 * throwaway cluster: tests/pg/run.sh), each fresh store is instead a new
 * database on that server, and the raw_* helpers read it through libpq. */
#ifndef BOXEL_STORE_FIXTURE_H
#define BOXEL_STORE_FIXTURE_H

#include <libpq-fe.h>
#include <sqlite3.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "boxel/store.h"
#include "boxel/util.h"

#define NOW 1767225600000LL /* 2026-01-01T00:00:00Z */
#define LEASE 60000

#define BX_UNUSED __attribute__((unused))

static char tmpdir[] = "/tmp/boxel-test.XXXXXX";
static struct bx_err err;
static char *cur_path;
static int fx_ndb;

/* BOXEL_TEST_PG's URI, or NULL: the tests run on SQLite files. */
static const char *
fx_pg(void)
{
	const char *pg = getenv("BOXEL_TEST_PG");

	return pg != NULL && *pg ? pg : NULL;
}

/* Run sql on the PostgreSQL database uri; the result, or NULL (said). */
static BX_UNUSED PGresult *
fx_pg_exec(const char *uri, const char *sql)
{
	PGconn *c = PQconnectdb(uri);
	PGresult *r = NULL;

	if (PQstatus(c) != CONNECTION_OK)
		fprintf(stderr, "fixture: %s: %s", uri, PQerrorMessage(c));
	else {
		PQclear(PQexec(c, "SET client_min_messages = warning"));
		r = PQexec(c, sql);
		if (PQresultStatus(r) != PGRES_TUPLES_OK && PQresultStatus(r) != PGRES_COMMAND_OK) {
			fprintf(stderr, "fixture: %s: %s", sql, PQresultErrorMessage(r));
			PQclear(r);
			r = NULL;
		}
	}
	PQfinish(c);
	return r;
}

/* A new store file in the temp directory (or a new database on the test
 * server); later raw_* calls read it. */
static BX_UNUSED struct bx_store *
fresh(const char *name)
{
	struct bx_store *st = NULL;

	free(cur_path);
	if (fx_pg() != NULL) {
		/* The URI's database part swapped for a new database's name. */
		const char *pg = fx_pg(), *q = strchr(pg, '?');
		char *sql, *dbn = bx_asprintf("fx_%d_%d", (int)getpid(), ++fx_ndb);
		sql = bx_asprintf("CREATE DATABASE %s", dbn);
		PQclear(fx_pg_exec(pg, sql));
		cur_path = bx_asprintf("postgresql:///%s%s", dbn, q ? q : "");
		free(sql);
		free(dbn);
		(void)name;
	} else
		cur_path = bx_asprintf("%s/%s", tmpdir, name);
	if (bx_store_open(cur_path, BX_STORE_CREATE, &st, &err) < 0)
		fprintf(stderr, "open: %s\n", err.msg);
	return st;
}

/* Every row of sql as text, columns ending in '|', rows in newlines (NULL
 * as "NULL"); caller frees. */
static BX_UNUSED char *
raw_rows(const char *sql)
{
	struct bx_buf b;
	int i, j;

	bx_buf_init(&b);
	if (fx_pg() != NULL) {
		PGresult *r = fx_pg_exec(cur_path, sql);
		for (i = 0; r != NULL && i < PQntuples(r); i++) {
			for (j = 0; j < PQnfields(r); j++)
				bx_buf_printf(&b, "%s|", PQgetisnull(r, i, j) ? "NULL" :
				    PQgetvalue(r, i, j));
			bx_buf_putc(&b, '\n');
		}
		PQclear(r);
	} else {
		sqlite3 *db;
		sqlite3_stmt *s;
		sqlite3_open(cur_path, &db);
		sqlite3_busy_timeout(db, 5000);
		if (sqlite3_prepare_v2(db, sql, -1, &s, NULL) == SQLITE_OK) {
			while (sqlite3_step(s) == SQLITE_ROW) {
				for (j = 0; j < sqlite3_column_count(s); j++) {
					const unsigned char *t = sqlite3_column_text(s, j);
					bx_buf_printf(&b, "%s|", t ? (const char *)t : "NULL");
				}
				bx_buf_putc(&b, '\n');
			}
			sqlite3_finalize(s);
		} else
			fprintf(stderr, "raw_rows: %s\n", sqlite3_errmsg(db));
		sqlite3_close(db);
	}
	bx_buf_puts(&b, "");
	return b.p;
}

/* Run sql (no rows) straight on the store. */
static BX_UNUSED void
raw_exec(const char *sql)
{
	if (fx_pg() != NULL) {
		PQclear(fx_pg_exec(cur_path, sql));
	} else {
		sqlite3 *db;
		char *msg = NULL;
		sqlite3_open(cur_path, &db);
		sqlite3_busy_timeout(db, 5000);
		if (sqlite3_exec(db, sql, NULL, NULL, &msg) != SQLITE_OK)
			fprintf(stderr, "raw_exec: %s\n", msg);
		sqlite3_free(msg);
		sqlite3_close(db);
	}
}

/* One integer straight from the file (the store's own connection aside);
 * -1 when the query fails. */
static BX_UNUSED long long
raw_int(const char *sql)
{
	sqlite3 *db;
	sqlite3_stmt *s;
	long long v = -1;

	if (fx_pg() != NULL) {
		PGresult *r = fx_pg_exec(cur_path, sql);
		if (r != NULL && PQntuples(r) > 0 && !PQgetisnull(r, 0, 0)) {
			const char *t = PQgetvalue(r, 0, 0);
			/* a comparison is a boolean there, 1 or 0 in SQLite */
			v = strcmp(t, "t") == 0 ? 1 : strcmp(t, "f") == 0 ? 0 : strtoll(t, NULL, 10);
		}
		PQclear(r);
		return v;
	}
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
	/* The test cluster is removed whole by its script: databases made
	 * here are left to it. */
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
