/* store-import.c: bx_store_import_chunk (store-import.h): the rows of
 * bx_store_task_add and bx_store_task_answer_put for many tasks in one
 * BEGIN IMMEDIATE ... COMMIT, so an import of 100,000 tasks pays for a
 * handful of fsyncs instead of 100,000. Lives beside the store because it
 * needs its connection (store-int.h); the checks and rows are the store's
 * own (bx_st_task_check, bx_st_task_insert, bx_st_answer_put in store-tasks.c).
 * Also bx_store_judgment_import (store.h): a jsonl export's batches and
 * judgments written back for one task, in image pixels as stored. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "boxel/codec.h"
#include "boxel/store-import.h"
#include "boxel/util.h"
#include "store-int.h"

struct chunk_ctx {
	struct bx_import_task *t;
	int n;
	struct bx_import_event *ev;
};

/* The run's import_begin event, in the transaction of its first rows: an
 * import killed after that still leaves who imported what, and when. */
static int
begin_event(struct bx_store *st, struct bx_import_event *ev, struct bx_err *err)
{
	if (ev == NULL || ev->written)
		return 0;
	return bx_st_event(st, ev->actor, "import_begin", ev->detail, ev->now_ms, err);
}

static int
chunk_tx(struct bx_store *st, void *ctx, struct bx_err *err)
{
	struct chunk_ctx *c = ctx;
	int i, rc;

	if ((rc = begin_event(st, c->ev, err)) < 0)
		return rc;
	for (i = 0; i < c->n; i++) {
		struct bx_import_task *t = &c->t[i];

		if ((rc = bx_st_task_insert(st, &t->task, &t->id_out, &t->created_out, err)) < 0)
			return rc;
		if (t->kind == NULL)
			continue;
		if ((rc = bx_st_answer_put(st, t->id_out, t->kind, t->answer_json, err)) < 0) {
			bx_err_prefix(err, "%s", t->task.image);
			return rc;
		}
	}
	return 0;
}

static int
check_tasks(struct bx_import_task *t, int n, struct bx_err *err)
{
	int i;

	for (i = 0; i < n; i++) {
		int rc = bx_st_task_check(&t[i].task, err);

		if (rc < 0)
			return rc;
		if (t[i].kind != NULL && !bx_st_answer_kind_ok(t[i].kind))
			return bx_err_set(err, BX_EINVAL,
			    "answer kind must be prelabel, suggestion, gold or consensus");
		if (t[i].kind != NULL && t[i].answer_json == NULL)
			return bx_err_set(err, BX_EINVAL, "%s: answer missing", t[i].task.image);
		t[i].id_out = 0;
		t[i].created_out = 0;
	}
	return 0;
}

int
bx_store_import_chunk(struct bx_store *st, struct bx_import_task *t, int n,
                      struct bx_import_event *ev, struct bx_err *err)
{
	struct chunk_ctx c = { t, n, ev };
	int rc;

	if ((rc = check_tasks(t, n, err)) < 0)
		return rc;
	if (bx_st_write(st, chunk_tx, &c, err) < 0)
		return err ? err->code : BX_EDB;
	if (ev != NULL)
		ev->written = 1;
	return 0;
}

/* ---- judgments of a jsonl export (bx_store_judgment_import) ---- */

#define PREP(s, sql) do { if (((s) = bx_st_prep(st, (sql), err)) == NULL) \
	return err ? err->code : BX_EDB; } while (0)

struct jimp_ctx {
	struct bx_import_task *newtask; /* bx_store_item_import: created first */
	struct bx_import_event *ev;
	const char *const *labelers;    /* ensured as users first */
	int nlabelers;
	int users;                      /* labelers created */
	int64_t task, now;
	const struct bx_batch_new *b;
	int nb;
	const struct bx_judgment_import *j;
	int nj;
	const char *actor;
	int added;
};

/* The task joins batch bid: its batch_tasks row and, when new, its overlap
 * open judgment rows (as bx_store_batch_create makes them). */
static int
join_batch(struct bx_store *st, int64_t task, int64_t bid, int overlap, struct bx_err *err)
{
	static const char bt[] =
	    "INSERT INTO batch_tasks(batch, task) VALUES (?1, ?2) ON CONFLICT DO NOTHING";
	static const char nt[] = "UPDATE batches SET ntasks = ntasks + 1 WHERE id = ?1";
	static const char rows[] =
	    "WITH RECURSIVE r(n) AS (SELECT 0 UNION ALL SELECT n + 1 FROM r WHERE n + 1 < ?3) "
	    "INSERT INTO judgments(task, batch, replica) SELECT ?1, ?2, r.n FROM r WHERE 1 = 1 "
	    "ON CONFLICT DO NOTHING";
	struct bx_dbst *s;
	int rc;

	PREP(s, bt);
	bx_db_bind_int64(s, 1, bid);
	bx_db_bind_int64(s, 2, task);
	if ((rc = bx_st_exec(st, s, "add task to batch", err)) < 0)
		return rc;
	if (bx_db_changes(st->db) == 0)
		return 0;
	PREP(s, nt);
	bx_db_bind_int64(s, 1, bid);
	if ((rc = bx_st_exec(st, s, "count tasks", err)) < 0)
		return rc;
	PREP(s, rows);
	bx_db_bind_int64(s, 1, task);
	bx_db_bind_int64(s, 2, bid);
	bx_db_bind_int(s, 3, overlap);
	return bx_st_exec(st, s, "create judgments", err);
}

/* Find batch b by name, creating it when missing; other settings than b's
 * are BX_EEXIST. */
static int
ensure_batch(struct bx_store *st, const struct bx_batch_new *b, int64_t now, int64_t *id_out,
             struct bx_err *err)
{
	static const char sel[] =
	    "SELECT id, kind, overlap, gold_rate, priority FROM batches WHERE name = ?1";
	static const char ins[] =
	    "INSERT INTO batches(name, kind, overlap, gold_rate, priority, created_ms) "
	    "VALUES (?1, ?2, ?3, ?4, ?5, ?6) RETURNING id";
	struct bx_dbst *s;
	char kind[16] = "";
	int rc, overlap = 0, prio = 0;
	double rate = 0;

	PREP(s, sel);
	bx_db_bind_text(s, 1, b->name);
	rc = bx_st_step(st, s, "read batch", err);
	if (rc == 1) {
		*id_out = bx_db_col_int64(s, 0);
		snprintf(kind, sizeof kind, "%s", (const char *)bx_db_col_text(s, 1));
		overlap = bx_db_col_int(s, 2);
		rate = bx_db_col_double(s, 3);
		prio = bx_db_col_int(s, 4);
	}
	bx_db_reset(s);
	if (rc < 0)
		return rc;
	if (rc == 1) {
		if (strcmp(kind, b->kind) == 0 && overlap == b->overlap && rate == b->gold_rate &&
		    prio == b->priority)
			return 0;
		return bx_err_set(err, BX_EEXIST, "batch %s exists as kind %s, overlap %d, gold "
		    "rate %g, priority %d; the file has kind %s, overlap %d, gold rate %g, "
		    "priority %d", b->name, kind, overlap, rate, prio, b->kind, b->overlap,
		    b->gold_rate, b->priority);
	}
	if (!bx_st_batch_name_ok(b->name))
		return bx_err_set(err, BX_EINVAL, "batch name: 1 to 64 of A-Z a-z 0-9 . _ -");
	PREP(s, ins);
	bx_db_bind_text(s, 1, b->name);
	bx_db_bind_text(s, 2, b->kind);
	bx_db_bind_int(s, 3, b->overlap);
	bx_db_bind_double(s, 4, b->gold_rate);
	bx_db_bind_int(s, 5, b->priority);
	bx_db_bind_int64(s, 6, now);
	rc = bx_st_insert_id(st, s, "create batch", id_out, err);
	return rc < 0 ? rc : 0;
}

/* The row judgment j goes into: *id_out the row (0: insert one with
 * *replica_out), or *skip_out = 1 when it is already there. */
static int
find_row(struct bx_store *st, int64_t task, int64_t bid, const struct bx_judgment_import *j,
         int64_t *id_out, int *replica_out, int *skip_out, struct bx_err *err)
{
	static const char by_rep[] =
	    "SELECT id, labeler IS NOT NULL OR state <> 'open' FROM judgments "
	    "WHERE task = ?1 AND batch = ?2 AND replica = ?3";
	static const char by_lab[] =
	    "SELECT 1 FROM judgments j JOIN users u ON u.id = j.labeler "
	    "WHERE j.task = ?1 AND j.batch = ?2 AND u.name = ?3";
	static const char free_row[] =
	    "SELECT id FROM judgments WHERE task = ?1 AND batch = ?2 AND labeler IS NULL "
	    "AND state = 'open' ORDER BY replica LIMIT 1";
	static const char next_rep[] =
	    "SELECT coalesce(max(replica) + 1, 0) FROM judgments WHERE task = ?1 AND batch = ?2";
	struct bx_dbst *s;
	int rc;

	*id_out = 0;
	*skip_out = 0;
	*replica_out = j->replica;
	if (j->replica >= 0) {
		PREP(s, by_rep);
		bx_db_bind_int64(s, 1, task);
		bx_db_bind_int64(s, 2, bid);
		bx_db_bind_int(s, 3, j->replica);
		rc = bx_st_step(st, s, "read judgment", err);
		if (rc == 1) {
			*id_out = bx_db_col_int64(s, 0);
			*skip_out = bx_db_col_int(s, 1);
		}
		bx_db_reset(s);
		return rc < 0 ? rc : 0;
	}
	/* No replica (an older export): the labeler's judgment of the task. */
	PREP(s, by_lab);
	bx_db_bind_int64(s, 1, task);
	bx_db_bind_int64(s, 2, bid);
	bx_db_bind_text(s, 3, j->labeler);
	rc = bx_st_step(st, s, "read judgment", err);
	bx_db_reset(s);
	if (rc != 0) {
		*skip_out = 1;
		return rc < 0 ? rc : 0;
	}
	PREP(s, free_row);
	bx_db_bind_int64(s, 1, task);
	bx_db_bind_int64(s, 2, bid);
	rc = bx_st_step(st, s, "read judgment", err);
	if (rc == 1)
		*id_out = bx_db_col_int64(s, 0);
	bx_db_reset(s);
	if (rc != 0)
		return rc < 0 ? rc : 0;
	PREP(s, next_rep);
	bx_db_bind_int64(s, 1, task);
	bx_db_bind_int64(s, 2, bid);
	rc = bx_st_step(st, s, "read judgment", err);
	if (rc == 1)
		*replica_out = bx_db_col_int(s, 0);
	bx_db_reset(s);
	return rc < 0 ? rc : 0;
}

static int
batch_id_of(struct bx_store *st, const char *name, int64_t *id_out, int *overlap_out,
            struct bx_err *err)
{
	static const char sql[] = "SELECT id, overlap FROM batches WHERE name = ?1";
	struct bx_dbst *s;
	int rc;

	PREP(s, sql);
	bx_db_bind_text(s, 1, name);
	rc = bx_st_step(st, s, "read batch", err);
	if (rc == 1) {
		*id_out = bx_db_col_int64(s, 0);
		*overlap_out = bx_db_col_int(s, 1);
	}
	bx_db_reset(s);
	if (rc == 0)
		return bx_err_set(err, BX_ENOENT, "no batch %s (give it in \"batches\")", name);
	return rc < 0 ? rc : 0;
}

static int
put_judgment(struct bx_store *st, struct jimp_ctx *c, const struct bx_judgment_import *j,
             struct bx_err *err)
{
	/* The casts give a NULL its column's type on PostgreSQL. */
	static const char upd[] =
	    "UPDATE judgments SET state = ?2, labeler = CAST(?3 AS BIGINT), answer = ?4, "
	    "  seconds = CAST(?5 AS DOUBLE PRECISION), submitted_ms = CAST(?6 AS BIGINT) "
	    "WHERE id = ?1";
	static const char ins[] =
	    "INSERT INTO judgments(task, batch, replica, state, labeler, answer, seconds, "
	    "  submitted_ms) VALUES (?1, ?2, ?3, ?4, CAST(?5 AS BIGINT), ?6, "
	    "  CAST(?7 AS DOUBLE PRECISION), CAST(?8 AS BIGINT)) RETURNING id";
	int open = strcmp(j->state, "open") == 0 || strcmp(j->state, "leased") == 0;
	/* Open but a labeler's: work a reviewer returned to them. It stays
	 * theirs; a lease (leased) does not travel. */
	int returned = strcmp(j->state, "open") == 0 && j->labeler != NULL;
	int answered = strcmp(j->state, "submitted") == 0 || strcmp(j->state, "accepted") == 0 ||
	    strcmp(j->state, "rejected") == 0;
	int64_t bid = 0, uid = 0, row;
	int rc, overlap = 0, replica, skip;
	char *json = NULL;
	struct bx_dbst *s;

	if (j->batch == NULL)
		return bx_err_set(err, BX_EINVAL, "judgment of %s: no batch", j->labeler);
	if ((rc = batch_id_of(st, j->batch, &bid, &overlap, err)) < 0 ||
	    (rc = join_batch(st, c->task, bid, overlap, err)) < 0 ||
	    ((!open || returned) && (rc = bx_st_user_id(st, j->labeler, &uid, err)) < 0))
		return rc;
	if (answered && j->ans == NULL)
		return bx_err_set(err, BX_EINVAL, "%s judgment of %s without an answer", j->state,
		    j->labeler);
	if (open && j->replica < 0)
		return 0; /* an unassigned row, and nothing to key it on */
	if ((rc = find_row(st, c->task, bid, j, &row, &replica, &skip, err)) < 0)
		return rc;
	if (skip || (open && row != 0))
		return 0;
	if (answered)
		json = bx_answer_to_json(j->ans);
	if (row != 0) {
		PREP(s, upd);
		bx_db_bind_int64(s, 1, row);
	} else {
		PREP(s, ins);
		bx_db_bind_int64(s, 1, c->task);
		bx_db_bind_int64(s, 2, bid);
		bx_db_bind_int(s, 3, replica);
	}
	{
		int k = row != 0 ? 2 : 4;  /* first of state, labeler, answer, seconds, ms */
		bx_db_bind_text(s, k, open ? "open" : j->state);
		if (!open || returned)
			bx_db_bind_int64(s, k + 1, uid);
		bx_db_bind_text_copy(s, k + 2, json);
		if (!open && (answered || j->seconds > 0))
			bx_db_bind_double(s, k + 3, j->seconds);
		if (!open && j->submitted_ms > 0)
			bx_db_bind_int64(s, k + 4, j->submitted_ms);
	}
	free(json);
	if (row == 0)
		rc = bx_st_insert_id(st, s, "import judgment", &row, err);
	else
		rc = bx_st_exec(st, s, "import judgment", err);
	if (rc < 0)
		return rc;
	/* The annotation rows a submit writes (the same function). */
	if (answered && (rc = bx_st_annotations_put(st, row, j->ans, err)) < 0)
		return rc;
	c->added++;
	return 0;
}

static int
jimp_tx(struct bx_store *st, void *ctx, struct bx_err *err)
{
	struct jimp_ctx *c = ctx;
	struct bx_buf d;
	int64_t bid = 0;
	int i, rc;

	c->added = 0;
	c->users = 0;
	if (c->newtask != NULL) {
		struct chunk_ctx one = { c->newtask, 1, c->ev };
		if ((rc = chunk_tx(st, &one, err)) < 0)
			return rc;
		c->task = c->newtask->id_out;
		/* Labelers the store lacks join as annotators, in this same
		 * transaction: a refused line leaves no user behind. */
		for (i = 0; i < c->nlabelers; i++) {
			int created = 0;
			if ((rc = bx_st_user_ensure(st, c->labelers[i], c->actor, c->now, &created,
			    err)) < 0) {
				bx_err_prefix(err, "labeler %.64s", c->labelers[i]);
				return rc;
			}
			c->users += created;
		}
	}
	for (i = 0; i < c->nb; i++)
		if ((rc = ensure_batch(st, &c->b[i], c->now, &bid, err)) < 0 ||
		    (rc = join_batch(st, c->task, bid, c->b[i].overlap, err)) < 0)
			return rc;
	for (i = 0; i < c->nj; i++)
		if ((rc = put_judgment(st, c, &c->j[i], err)) < 0) {
			bx_err_prefix(err, "judgments[%d]", i);
			return rc;
		}
	if (c->added == 0)
		return 0;
	bx_buf_init(&d);
	bx_buf_printf(&d, "{\"task\":%lld,\"judgments\":%d}", (long long)c->task, c->added);
	rc = bx_st_event(st, c->actor, "judgment_import", d.p, c->now, err);
	bx_buf_free(&d);
	return rc;
}

static int
check_judgments(const struct bx_batch_new *batches, int nbatches,
                const struct bx_judgment_import *j, int nj, struct bx_err *err)
{
	int i;

	for (i = 0; i < nbatches; i++) {
		const struct bx_batch_new *b = &batches[i];
		if (b->name == NULL || b->kind == NULL || b->overlap < 1 || !(b->gold_rate >= 0 &&
		    b->gold_rate <= 1))
			return bx_err_set(err, BX_EINVAL, "batches[%d]: name, kind, overlap >= 1 and "
			    "gold rate 0..1 required", i);
	}
	for (i = 0; i < nj; i++) {
		int k = 0;

		while (j[i].state != NULL && k < BX_J_NSTATES &&
		    strcmp(bx_jstate_name((enum bx_jstate)k), j[i].state) != 0)
			k++;
		if (j[i].labeler == NULL || k == BX_J_NSTATES || j[i].state == NULL ||
		    !(j[i].seconds >= 0 && j[i].seconds <= 1e12))
			return bx_err_set(err, BX_EINVAL, "judgments[%d]: labeler, a known state and "
			    "seconds >= 0 required", i);
	}
	return 0;
}

int
bx_store_judgment_import(struct bx_store *st, int64_t task, const struct bx_batch_new *batches,
                         int nbatches, const struct bx_judgment_import *j, int nj,
                         const char *actor, int64_t now_ms, int *added_out,
                         struct bx_err *err)
{
	struct jimp_ctx c = { .task = task, .now = now_ms, .b = batches, .nb = nbatches, .j = j,
	                      .nj = nj, .actor = actor };
	int rc;

	if (added_out)
		*added_out = 0;
	if ((rc = check_judgments(batches, nbatches, j, nj, err)) < 0)
		return rc;
	rc = bx_st_write(st, jimp_tx, &c, err);
	if (rc == 0 && added_out)
		*added_out = c.added;
	return rc < 0 ? rc : 0;
}

int
bx_store_item_import(struct bx_store *st, struct bx_import_task *t,
                     const char *const *labelers, int nlabelers,
                     const struct bx_batch_new *batches, int nbatches,
                     const struct bx_judgment_import *j, int nj, struct bx_import_event *ev,
                     const char *actor, int64_t now_ms, int *added_out, int *users_out,
                     struct bx_err *err)
{
	struct jimp_ctx c = { .newtask = t, .ev = ev, .labelers = labelers,
	                      .nlabelers = nlabelers, .now = now_ms, .b = batches,
	                      .nb = nbatches, .j = j, .nj = nj, .actor = actor };
	int rc;

	*added_out = *users_out = 0;
	if ((rc = check_tasks(t, 1, err)) < 0 ||
	    (rc = check_judgments(batches, nbatches, j, nj, err)) < 0)
		return rc;
	if ((rc = bx_st_write(st, jimp_tx, &c, err)) < 0)
		return rc;
	if (ev != NULL)
		ev->written = 1;
	*added_out = c.added;
	*users_out = c.users;
	return 0;
}

struct topup_ctx {
	const int64_t *tasks;
	int n;
};

static int
topup_tx(struct bx_store *st, void *ctx, struct bx_err *err)
{
	/* Rows that still count towards the overlap: all but skipped and
	 * rejected ones (each of which queued a fresh replica when it happened). */
	static const char want[] =
	    "SELECT b.id, b.overlap - (SELECT count(*) FROM judgments j WHERE j.task = bt.task "
	    "  AND j.batch = b.id AND j.state NOT IN ('skipped','rejected')) "
	    "FROM batch_tasks bt JOIN batches b ON b.id = bt.batch WHERE bt.task = ?1 "
	    "ORDER BY b.id";
	static const char add[] =
	    "INSERT INTO judgments(task, batch, replica) VALUES (?1, ?2, "
	    "  (SELECT coalesce(max(replica) + 1, 0) FROM judgments WHERE task = ?1 AND batch = ?2))";
	struct topup_ctx *c = ctx;
	int64_t bids[64];
	int missing[64], nb, i, k, rc;
	struct bx_dbst *s;

	for (i = 0; i < c->n; i++) {
		PREP(s, want);
		bx_db_bind_int64(s, 1, c->tasks[i]);
		nb = 0;
		while (nb < 64 && (rc = bx_db_step(s)) == 1) {
			bids[nb] = bx_db_col_int64(s, 0);
			missing[nb++] = bx_db_col_int(s, 1);
		}
		if (nb < 64 && rc != 0) {
			rc = bx_st_fail(st, rc, "read overlap", err);
			bx_db_reset(s);
			return rc;
		}
		bx_db_reset(s);
		for (k = 0; k < nb; k++)
			for (; missing[k] > 0; missing[k]--) {
				PREP(s, add);
				bx_db_bind_int64(s, 1, c->tasks[i]);
				bx_db_bind_int64(s, 2, bids[k]);
				if ((rc = bx_st_exec(st, s, "queue a replica", err)) < 0)
					return rc;
			}
	}
	return 0;
}

int
bx_store_judgment_topup(struct bx_store *st, const int64_t *tasks, int n, struct bx_err *err)
{
	struct topup_ctx c = { tasks, n };

	if (n <= 0)
		return 0;
	return bx_st_write(st, topup_tx, &c, err) < 0 ? (err ? err->code : BX_EDB) : 0;
}
