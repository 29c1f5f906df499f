/* store-tx.c: statements and transactions: the statement cache, one
 * error message per database failure (naming the store), row helpers, and
 * the write-transaction runner with the writers' gate and random busy
 * back-off (all SQL through db.h). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "boxel/formats.h"
#include "boxel/util.h"
#include "store-int.h"

void
bx_st_random(void *buf, size_t n)
{
	bx_random(buf, n);
}

/* Every message names the store file: an admin with three projects open
 * must know which one is locked, read-only or damaged. */
int
bx_st_fail(struct bx_store *st, int rc, const char *what, struct bx_err *err)
{
	st->last_fail = rc;
	if (rc == -BX_DBE_LOST)
		return bx_err_set(err, BX_EDB, "%s: %s: the connection to the database server was "
		    "lost (%s); try again", st->path, what, bx_db_errmsg(st->db));
	if (rc == -BX_DBE_SERIAL)
		return bx_err_set(err, BX_EBUSY, "%s: %s: conflicting with other sessions' writes "
		    "(%s); try again", st->path, what, bx_db_errmsg(st->db));
	if (rc == -BX_DBE_BUSY)
		return bx_err_set(err, BX_EBUSY,
		    "%s: %s: the database stayed locked (other sessions are writing); try again",
		    st->path, what);
	if (rc == -BX_DBE_CONSTRAINT)
		return bx_err_set(err, BX_EINVAL, "%s: %s", what, bx_db_errmsg(st->db));
	if (rc == -BX_DBE_READONLY)
		return bx_err_set(err, BX_EPERM, "%s: %s: the store is read-only here (check the "
		    "permissions of the file and its directory)", st->path, what);
	return bx_err_set(err, BX_EDB, "%s: %s: %s", st->path, what, bx_db_errmsg(st->db));
}

struct bx_dbst *
bx_st_prep(struct bx_store *st, const char *sql, struct bx_err *err)
{
	struct bx_dbst *s;
	int i, rc;

	for (i = 0; i < st->ncache; i++)
		if (st->cache[i].sql == sql) {
			bx_db_clear(st->cache[i].stmt);
			return st->cache[i].stmt;
		}
	rc = bx_db_prepare(st->db, sql, &s);
	if (rc < 0) {
		bx_st_fail(st, rc, "prepare", err);
		return NULL;
	}
	if (st->ncache == st->capcache) {
		st->capcache = st->capcache ? 2 * st->capcache : 64;
		st->cache = bx_realloc(st->cache, (size_t)st->capcache * sizeof *st->cache);
	}
	st->cache[st->ncache].sql = sql;
	st->cache[st->ncache].stmt = s;
	st->ncache++;
	return s;
}

int
bx_st_step(struct bx_store *st, struct bx_dbst *s, const char *what, struct bx_err *err)
{
	int rc = bx_db_step(s);

	if (rc >= 0)
		return rc;
	rc = bx_st_fail(st, rc, what, err);
	bx_db_reset(s);
	return rc;
}

int
bx_st_insert_id(struct bx_store *st, struct bx_dbst *s, const char *what, int64_t *id_out,
                struct bx_err *err)
{
	int rc = bx_st_step(st, s, what, err);

	if (rc < 0)
		return rc;
	if (rc == 1)
		*id_out = bx_db_col_int64(s, 0);
	/* Step past the row: the insert is not finished until the statement
	 * has run to its end. */
	while ((rc == 1) && bx_db_step(s) == 1)
		;
	bx_db_reset(s);
	return rc;
}

int
bx_st_exec(struct bx_store *st, struct bx_dbst *s, const char *what, struct bx_err *err)
{
	int rc;

	while ((rc = bx_db_step(s)) == 1)
		;
	if (rc < 0) {
		rc = bx_st_fail(st, rc, what, err);
		bx_db_reset(s);
		return rc;
	}
	bx_db_reset(s);
	return 0;
}

char *
bx_st_col_dup(struct bx_dbst *s, int col)
{
	const char *t = bx_db_col_text(s, col);

	return t == NULL ? NULL : bx_strdup(t);
}

void
bx_st_json_str(struct bx_buf *b, const char *s)
{
	bx_json_put_str(b, s); /* one JSON string writer: its escapes hold here too */
}

/* Random back-off for a locked database: a uniform sleep in [250 us,
 * 250 us + cap] with the cap doubling per retry from 1 ms up to
 * BX_BACKOFF_CAP_US, so many writers spread out instead of waking together.
 * Much shorter sleeps make 32 pollers on 2 cores steal the CPU from the
 * lock holder; much longer ones leave the lock idle. Returns 0 once the
 * budget is spent. */
static int
backoff(struct bx_store *st, int attempt)
{
	unsigned int r;
	long cap = 1000L << (attempt < 5 ? attempt : 5), us;
	struct timespec ts;

	if (cap > BX_BACKOFF_CAP_US)
		cap = BX_BACKOFF_CAP_US;
	if (st->busy_slept_us >= (long)BX_BUSY_BUDGET_MS * 1000)
		return 0;
	bx_st_random(&r, sizeof r);
	us = 250 + (long)(r % (unsigned)cap);
	st->busy_slept_us += us;
	/* Tell a waiting screen, from 300 ms on, about once a second. */
	if (st->wait_fn != NULL && st->busy_slept_us >= 300000 &&
	    (st->wait_told_us == 0 || st->busy_slept_us - st->wait_told_us >= 1000000)) {
		st->wait_told_us = st->busy_slept_us;
		st->wait_fn(st->wait_ctx, st->busy_slept_us / 1000);
	}
	ts.tv_sec = us / 1000000;
	ts.tv_nsec = (us % 1000000) * 1000L;
	nanosleep(&ts, NULL);
	return 1;
}

int
bx_st_busy_handler(void *arg, int count)
{
	return backoff(arg, count);
}

static int
write_tx(struct bx_store *st, enum bx_db_tx kind,
         int (*fn)(struct bx_store *, void *, struct bx_err *), void *ctx, struct bx_err *err)
{
	int rc, attempt = 0, lost = 0;

again:
	for (;;) {
		rc = bx_db_begin(st->db, kind);
		if (rc == 0)
			break;
		if (rc != -BX_DBE_BUSY)
			return bx_st_fail(st, rc, "begin", err);
		/* The busy handler already waited; this covers the cases it is
		 * not called for (e.g. a WAL being recovered). */
		if (!backoff(st, attempt++))
			return bx_st_fail(st, rc, "begin", err);
	}
	st->last_fail = 0;
	rc = fn(st, ctx, err);
	if (rc < 0) {
		bx_db_rollback(st->db);
		/* On a server (db-pg.c) the transaction is gone whole: redo it
		 * after a serialization failure (bounded by the busy budget),
		 * or once on a fresh connection after losing the old one. */
		if (st->last_fail == -BX_DBE_SERIAL && backoff(st, attempt++))
			goto again;
		if (st->last_fail == -BX_DBE_LOST && !lost++)
			goto again;
		return rc;
	}
	for (;;) {
		int c = bx_db_commit(st->db), synced;
		if (c == 0)
			return rc;
		if (c == -BX_DBE_BUSY && backoff(st, attempt++))
			continue;
		if (c == -BX_DBE_SERIAL && backoff(st, attempt++))
			goto again;
		/* A failed sync after the commit frame was written leaves the
		 * whole transaction in the WAL: the next open may recover it
		 * (tests/fault/faults.sh finds this with a disk that keeps
		 * failing). Say so rather than promise that nothing changed. */
		synced = c != -BX_DBE_FSYNC && c != -BX_DBE_LOST;
		c = bx_st_fail(st, c, "commit", err);
		if (!synced && err != NULL) {
			size_t l = strlen(err->msg);
			snprintf(err->msg + l, sizeof err->msg - l,
			    " (the change may have been saved all the same: check before redoing it)");
		}
		bx_db_rollback(st->db);
		return c;
	}
}

static int
write_kind(struct bx_store *st, enum bx_db_tx kind,
           int (*fn)(struct bx_store *, void *, struct bx_err *), void *ctx, struct bx_err *err)
{
	int rc;

	st->busy_slept_us = 0;
	st->wait_told_us = 0;
	if (st->readonly)
		return bx_err_set(err, BX_EPERM, "%s: opened read-only for this command", st->path);
	if (st->gate != NULL) {
		rc = bx_gate_lock_notify(st->gate, BX_BUSY_BUDGET_MS, st->wait_fn, st->wait_ctx);
		if (rc == 1)
			return bx_err_set(err, BX_EBUSY,
			    "the database stayed locked for %d s (another boxel session is "
			    "stuck writing); try again", BX_BUSY_BUDGET_MS / 1000);
		if (rc == 2) {
			bx_gate_close(st->gate);
			st->gate = NULL;
		}
	}
	rc = write_tx(st, kind, fn, ctx, err);
	if (st->gate != NULL)
		bx_gate_unlock(st->gate);
	/* The upkeep a commit leaves (db-sqlite.c: the WAL's checkpoint) is
	 * done here, once the other writers may go on, not inside the
	 * commit where SQLite would do it with the gate held. */
	bx_db_tidy(st->db, st->heavy);
	return rc;
}

int
bx_st_write(struct bx_store *st, int (*fn)(struct bx_store *, void *, struct bx_err *),
            void *ctx, struct bx_err *err)
{
	return write_kind(st, BX_DB_TX_WRITE, fn, ctx, err);
}

int
bx_st_write_claim(struct bx_store *st, int (*fn)(struct bx_store *, void *, struct bx_err *),
                  void *ctx, struct bx_err *err)
{
	return write_kind(st, BX_DB_TX_CLAIM, fn, ctx, err);
}

int
bx_st_read(struct bx_store *st, int (*fn)(struct bx_store *, void *, struct bx_err *),
           void *ctx, struct bx_err *err)
{
	int rc;

	st->busy_slept_us = 0;
	rc = bx_db_begin(st->db, BX_DB_TX_READ);
	if (rc < 0)
		return bx_st_fail(st, rc, "begin", err);
	rc = fn(st, ctx, err);
	if (rc < 0)
		bx_db_rollback(st->db);
	else
		bx_db_commit(st->db);
	return rc;
}
