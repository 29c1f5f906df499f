/* db-sqlite.c: the database interface on SQLite, the embedded default. A
 * thin layer: statements are sqlite3 statements, result codes become the
 * BX_DBE_* classes. The busy handler, pragmas and WAL stay with the store
 * (store.c, store-tx.c), which knows why it waits. */
#include <pthread.h>
#include <sqlite3.h>
#include <stdlib.h>
#include <sys/stat.h>

#include "boxel/util.h"
#include "db-int.h"

struct sq_db {
	struct bx_db base;
	sqlite3 *h;
	int keep_wal; /* BX_DB_NO_CLOSE_CKPT */
	int wal_frames; /* the WAL's frames after this connection's last commit */
};

struct sq_st {
	struct bx_dbst base;
	sqlite3_stmt *h;
};

static int
sq_class(int rc)
{
	if (rc == SQLITE_IOERR_FSYNC)
		return -BX_DBE_FSYNC;
	switch (rc & 0xff) {
	case SQLITE_BUSY:
	case SQLITE_LOCKED:
		return -BX_DBE_BUSY;
	case SQLITE_CONSTRAINT:
		return -BX_DBE_CONSTRAINT;
	case SQLITE_READONLY:
		return -BX_DBE_READONLY;
	case SQLITE_CANTOPEN:
		return -BX_DBE_CANTOPEN;
	}
	return -BX_DBE_OTHER;
}

#define SQ(db) (((struct sq_db *)(db))->h)
#define SQS(s) (((struct sq_st *)(s))->h)

/* The WAL's size past which the last connection to close copies it into
 * the database and deletes it (BX_DB_NO_CLOSE_CKPT keeps it below). */
#define SQ_WAL_KEEP_BYTES ((off_t)256 * 1024)

static off_t
sq_wal_size(sqlite3 *h)
{
	const char *f = sqlite3_db_filename(h, "main"), *w;
	struct stat sb;

	if (f == NULL || *f == '\0' || (w = sqlite3_filename_wal(f)) == NULL ||
	    stat(w, &sb) != 0)
		return 0;
	return sb.st_size;
}

/* A WAL kept across processes does not stay small by itself. The first
 * connection to open it rebuilds its index from the frames and, in doing
 * so, forgets how far the last checkpoint got, so the log never restarts
 * from its first frame while commands come one at a time (as an
 * annotator's do over SSH): it grew without end (27 MB after 450 claims
 * and submits), each command read all of it at open (43M instructions
 * and 7,560 reads for a claim instead of 4.7M) and each commit past 1000
 * frames checkpointed all of it again. So past SQ_WAL_KEEP_BYTES the
 * close checkpoints: SQLite does it only in the last connection to close
 * (it needs the file to itself, tried without waiting), then deletes the
 * WAL; any other connection closes as before. */
static void
sq_close(struct bx_db *db)
{
	struct sq_db *d = (struct sq_db *)db;

	if (d->h != NULL && d->keep_wal && sq_wal_size(d->h) > SQ_WAL_KEEP_BYTES)
		sqlite3_db_config(d->h, SQLITE_DBCONFIG_NO_CKPT_ON_CLOSE, 0, NULL);
	sqlite3_close(d->h);
	free(db);
}

static const char *
sq_errmsg(struct bx_db *db)
{
	return SQ(db) != NULL ? sqlite3_errmsg(SQ(db)) : "cannot open";
}

static int
sq_prepare(struct bx_db *db, const char *sql, struct bx_dbst **out)
{
	sqlite3_stmt *h;
	struct sq_st *s;
	int rc;

	*out = NULL;
	rc = sqlite3_prepare_v3(SQ(db), sql, -1, SQLITE_PREPARE_PERSISTENT, &h, NULL);
	if (rc != SQLITE_OK)
		return sq_class(rc);
	s = bx_calloc(1, sizeof *s);
	s->base.db = db;
	s->h = h;
	*out = &s->base;
	return 0;
}

static void
sq_finalize(struct bx_dbst *s)
{
	sqlite3_finalize(SQS(s));
	free(s);
}

static void
sq_reset(struct bx_dbst *s, int clear)
{
	sqlite3_reset(SQS(s));
	if (clear)
		sqlite3_clear_bindings(SQS(s));
}

static void
sq_bind_int64(struct bx_dbst *s, int i, int64_t v)
{
	sqlite3_bind_int64(SQS(s), i, v);
}

static void
sq_bind_double(struct bx_dbst *s, int i, double v)
{
	sqlite3_bind_double(SQS(s), i, v);
}

static void
sq_bind_null(struct bx_dbst *s, int i)
{
	sqlite3_bind_null(SQS(s), i);
}

static void
sq_bind_text(struct bx_dbst *s, int i, const char *t, int copy)
{
	sqlite3_bind_text(SQS(s), i, t, -1, copy ? SQLITE_TRANSIENT : SQLITE_STATIC);
}

static int
sq_step(struct bx_dbst *s)
{
	int rc = sqlite3_step(SQS(s));

	if (rc == SQLITE_ROW)
		return 1;
	if (rc == SQLITE_DONE)
		return 0;
	return sq_class(rc);
}

static int64_t
sq_col_int64(struct bx_dbst *s, int i)
{
	return sqlite3_column_int64(SQS(s), i);
}

static double
sq_col_double(struct bx_dbst *s, int i)
{
	return sqlite3_column_double(SQS(s), i);
}

static const char *
sq_col_text(struct bx_dbst *s, int i)
{
	return (const char *)sqlite3_column_text(SQS(s), i);
}

static int
sq_col_null(struct bx_dbst *s, int i)
{
	return sqlite3_column_type(SQS(s), i) == SQLITE_NULL;
}

static int64_t
sq_changes(struct bx_db *db)
{
	return sqlite3_changes64(SQ(db));
}

static int
sq_exec(struct bx_db *db, const char *sql)
{
	int rc = sqlite3_exec(SQ(db), sql, NULL, NULL, NULL);

	return rc == SQLITE_OK ? 0 : sq_class(rc);
}

/* A writer takes the write lock at BEGIN (IMMEDIATE), so it waits at the
 * start, where nothing is lost by waiting, instead of failing at its first
 * write with a read snapshot it cannot upgrade. */
static int
sq_begin(struct bx_db *db, enum bx_db_tx kind)
{
	return sq_exec(db, kind != BX_DB_TX_READ ? "BEGIN IMMEDIATE" : "BEGIN");
}

static int
sq_commit(struct bx_db *db)
{
	return sq_exec(db, "COMMIT");
}

static void
sq_rollback(struct bx_db *db)
{
	sqlite3_exec(SQ(db), "ROLLBACK", NULL, NULL, NULL);
}

/* SQLite's automatic checkpoint runs inside the commit that takes the WAL
 * past 1000 frames: that writer copies about 4 MB into the database and
 * syncs it while it still holds boxel's writers' gate, so every other
 * writer waits for it, and it falls on whoever commits then (with one
 * annotator sending 120 KB answers, every few seconds on an ordinary
 * annotator's submit). So the hook only counts, and bx_db_tidy does the
 * checkpoint after the gate: passive, so writers go on meanwhile. */
#define SQ_CKPT_FRAMES 1000

static int
sq_wal_hook(void *arg, sqlite3 *h, const char *name, int frames)
{
	(void)h;
	(void)name;
	((struct sq_db *)arg)->wal_frames = frames;
	return SQLITE_OK;
}

static void
sq_tidy(struct bx_db *db, int force)
{
	struct sq_db *d = (struct sq_db *)db;

	if (d->wal_frames >= SQ_CKPT_FRAMES || (force && d->wal_frames > 0)) {
		/* Busy (another checkpoint running) or failing: the next
		 * writer's tidy tries again, as after SQLite's own. */
		(void)sqlite3_wal_checkpoint_v2(d->h, NULL, SQLITE_CHECKPOINT_PASSIVE, NULL, NULL);
		d->wal_frames = 0;
	}
}

static const struct bx_db_ops sq_ops = {
	.kind = BX_DB_SQLITE,
	.close = sq_close,
	.errmsg = sq_errmsg,
	.prepare = sq_prepare,
	.finalize = sq_finalize,
	.reset = sq_reset,
	.bind_int64 = sq_bind_int64,
	.bind_double = sq_bind_double,
	.bind_null = sq_bind_null,
	.bind_text = sq_bind_text,
	.step = sq_step,
	.col_int64 = sq_col_int64,
	.col_double = sq_col_double,
	.col_text = sq_col_text,
	.col_null = sq_col_null,
	.changes = sq_changes,
	.exec = sq_exec,
	.begin = sq_begin,
	.commit = sq_commit,
	.rollback = sq_rollback,
	.tidy = sq_tidy,
};

/* Every command is a short process whose SQLite work is mostly parsing:
 * the schema at the first statement, then each statement once. Debian's
 * SQLite is built without lookaside, so each parse node is a malloc, and
 * with memory statistics on (its default) each malloc and free also takes
 * a global mutex and updates counters boxel never reads (nor sets a heap
 * limit, which needs them): 14% of a claim's instructions (callgrind,
 * 5.5M -> 4.7M). Off, before SQLite initializes; if something initialized
 * it first, the call is refused and nothing changes. */
static void
sq_configure_once(void)
{
	sqlite3_config(SQLITE_CONFIG_MEMSTATUS, 0);
}

static void
sq_configure(void)
{
	static pthread_once_t once = PTHREAD_ONCE_INIT;

	pthread_once(&once, sq_configure_once);
}

int
bx_db_sqlite_open(const char *name, int flags, int (*busy)(void *, int), void *ctx,
                  struct bx_db **out)
{
	struct sq_db *db = bx_calloc(1, sizeof *db);
	int oflags = SQLITE_OPEN_NOMUTEX, rc;

	sq_configure();
	oflags |= (flags & BX_DB_RO) ? SQLITE_OPEN_READONLY : SQLITE_OPEN_READWRITE;
	if (flags & BX_DB_CREATE)
		oflags |= SQLITE_OPEN_CREATE;
	if (flags & BX_DB_URI)
		oflags |= SQLITE_OPEN_URI;
	db->base.ops = &sq_ops;
	*out = &db->base;
	rc = sqlite3_open_v2(name, &db->h, oflags, NULL);
	if (rc != SQLITE_OK)
		return sq_class(rc);
	sqlite3_extended_result_codes(db->h, 1);
	if (flags & BX_DB_NO_CLOSE_CKPT) {
		sqlite3_db_config(db->h, SQLITE_DBCONFIG_NO_CKPT_ON_CLOSE, 1, NULL);
		db->keep_wal = 1;
	}
	if (busy != NULL)
		sqlite3_busy_handler(db->h, busy, ctx);
	/* Replaces the automatic checkpoint's hook (sq_tidy says why). */
	if (!(flags & BX_DB_RO))
		sqlite3_wal_hook(db->h, sq_wal_hook, db);
	return 0;
}
