/* store-quality.c: the read side of quality: a labeler's record (rolling
 * window, recent gold, armed suspension), gold left per labeler for admins,
 * a batch's agreement and a task's consensus. What happens at submit is in
 * store-suspend.c (gold rules), store-merge.c (per-task consensus) and
 * store-premerge.c (the same computed outside the write lock); the attribute
 * policy is store-policy.c; batch-wide Dawid-Skene store-consensus.c; the
 * dashboard's reads store-dashboard.c; training feedback store-feedback.c. */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "boxel/codec.h"
#include "boxel/formats.h"
#include "boxel/taxonomy.h"
#include "boxel/util.h"
#include "boxel/aggregate.h"
#include "store-int.h"
#include "store-quality-int.h"

/* ---- read side ---- */

void
bx_user_quality_free(struct bx_user_quality *q)
{
	if (q == NULL)
		return;
	free(q->recent);
	memset(q, 0, sizeof *q);
}

struct uq_ctx {
	const char *name;
	struct bx_user_quality *q;
};

static int
user_quality_rx(struct bx_store *st, void *ctx, struct bx_err *err)
{
	static const char tot[] =
	    "SELECT count(*), coalesce(sum(batch_kind = 'training'), 0) FROM gold_scores "
	    "WHERE labeler = ?1";
	struct uq_ctx *c = ctx;
	struct bx_user_quality *q = c->q;
	struct bx_dbst *s;
	double w;
	int64_t uid;
	int rc;

	if ((rc = bx_st_user_id(st, c->name, &uid, err)) < 0)
		return rc;
	if ((rc = bx_st_setting_num(st, "gold_window", 1, 1e6, &w, err)) < 0)
		return rc;
	q->window_size = (int)w;
	if ((rc = window_sum(st, uid, q->window_size, &q->window, &q->window_n, &q->recent,
	    err)) < 0)
		return rc;
	q->nrecent = q->window_n;
	if ((rc = training_sum(st, uid, &q->training, &q->training_n, err)) < 0)
		return rc;
	if ((s = bx_st_prep(st, tot, err)) == NULL)
		return err ? err->code : BX_EDB;
	bx_db_bind_int64(s, 1, uid);
	rc = bx_st_step(st, s, "count gold", err);
	if (rc == 1) {
		q->total_gold = bx_db_col_int(s, 0);
		q->total_training = bx_db_col_int(s, 1);
	}
	bx_db_reset(s);
	return rc < 0 ? rc : 0;
}

int
bx_store_user_quality(struct bx_store *st, const char *name, struct bx_user_quality *out,
                      struct bx_err *err)
{
	struct uq_ctx c = { name, out };
	int rc;

	memset(out, 0, sizeof *out);
	rc = bx_st_read(st, user_quality_rx, &c, err);
	if (rc < 0)
		bx_user_quality_free(out);
	return rc;
}

/* ---- gold left per labeler (admins) ---- */

void
bx_gold_left_free(struct bx_gold_left *g, int n)
{
	int i;

	for (i = 0; i < n; i++) {
		free(g[i].batch);
		free(g[i].labeler);
	}
	free(g);
}

struct gl_ctx {
	const char *batch, *user;
	struct bx_gold_left *out;
	int n;
};

static int
gold_left_rx(struct bx_store *st, void *ctx, struct bx_err *err)
{
	/* Per (batch with its own gold, labeler who worked in it): the pool,
	 * the labeler's gold judgments there, and the pool tasks they have
	 * never judged (anywhere: what the claim may still give them). */
	static const char sql[] =
	    "SELECT b.name, u.name, "
	    "  (SELECT count(*) FROM gold g CROSS JOIN batch_tasks bt "
	    "   WHERE bt.batch = b.id AND bt.task = g.task), "
	    "  (SELECT count(*) FROM judgments j WHERE j.batch = b.id AND j.labeler = u.id "
	    "   AND j.gold = 1 AND j.state IN ('submitted','accepted','rejected')), "
	    "  (SELECT count(*) FROM gold g CROSS JOIN batch_tasks bt "
	    "   WHERE bt.batch = b.id AND bt.task = g.task AND NOT EXISTS "
	    "   (SELECT 1 FROM judgments m WHERE m.task = g.task AND m.labeler = u.id)) "
	    "FROM batches b CROSS JOIN users u "
	    "WHERE (?1 IS NULL OR b.name = ?1) "
	    "  AND (?2 IS NULL OR u.name = ?2) "
	    "  AND EXISTS (SELECT 1 FROM judgments j WHERE j.labeler = u.id AND j.batch = b.id) "
	    "ORDER BY b.priority DESC, b.id, u.name";
	struct gl_ctx *c = ctx;
	struct bx_gold_left *g;
	struct bx_dbst *s;
	int rc;

	if ((s = bx_st_prep(st, sql, err)) == NULL)
		return err ? err->code : BX_EDB;
	if (c->batch)
		bx_db_bind_text(s, 1, c->batch);
	if (c->user)
		bx_db_bind_text(s, 2, c->user);
	while ((rc = bx_st_step(st, s, "read gold left", err)) == 1) {
		c->out = bx_realloc(c->out, (size_t)(c->n + 1) * sizeof *c->out);
		g = &c->out[c->n++];
		g->batch = bx_st_col_dup(s, 0);
		g->labeler = bx_st_col_dup(s, 1);
		g->pool = bx_db_col_int(s, 2);
		g->done = bx_db_col_int(s, 3);
		g->left = bx_db_col_int(s, 4);
	}
	bx_db_reset(s);
	return rc < 0 ? rc : 0;
}

int
bx_store_gold_left(struct bx_store *st, const char *batch, const char *user,
                   struct bx_gold_left **out, int *n_out, struct bx_err *err)
{
	struct gl_ctx c = { batch, user, NULL, 0 };
	int rc;

	*out = NULL;
	*n_out = 0;
	if ((rc = bx_st_read(st, gold_left_rx, &c, err)) < 0) {
		bx_gold_left_free(c.out, c.n);
		return rc;
	}
	*out = c.out;
	*n_out = c.n;
	return 0;
}

struct bq_ctx {
	const char *name;
	struct bx_batch_quality *q;
};

static int
batch_quality_rx(struct bx_store *st, void *ctx, struct bx_err *err)
{
	static const char bsql[] = "SELECT id FROM batches WHERE name = ?1";
	static const char csql[] =
	    "SELECT count(*), coalesce(sum(needs_review), 0), avg(agreement), "
	    "  coalesce(sum(geom_f1_sum), 0), coalesce(sum(geom_pairs), 0) "
	    "FROM task_consensus WHERE batch = ?1";
	/* Judgments of tasks with two or more of them, by task. */
	static const char jsql[] =
	    "SELECT task, answer FROM judgments WHERE batch = ?1 "
	    "  AND state IN ('submitted','accepted') "
	    "  AND task IN (SELECT task FROM judgments WHERE batch = ?1 "
	    "               AND state IN ('submitted','accepted') "
	    "               GROUP BY task HAVING count(*) >= 2) "
	    "ORDER BY task, id";
	struct bq_ctx *c = ctx;
	struct bx_batch_quality *q = c->q;
	struct bx_answer *ans = NULL, **mut = NULL;
	const struct bx_answer **ptrs = NULL;
	int *off = NULL;
	struct bx_dbst *s;
	int64_t bid = 0, last = -1;
	int rc, n = 0, nu = 0, i;

	if ((s = bx_st_prep(st, bsql, err)) == NULL)
		return err ? err->code : BX_EDB;
	bx_db_bind_text(s, 1, c->name);
	rc = bx_st_step(st, s, "find batch", err);
	if (rc == 1)
		bid = bx_db_col_int64(s, 0);
	bx_db_reset(s);
	if (rc < 0)
		return rc;
	if (rc == 0)
		return bx_err_set(err, BX_ENOENT, "no batch %s (see 'boxel batch list')", c->name);
	if ((s = bx_st_prep(st, csql, err)) == NULL)
		return err ? err->code : BX_EDB;
	bx_db_bind_int64(s, 1, bid);
	rc = bx_st_step(st, s, "read agreement", err);
	if (rc == 1) {
		q->ncomplete = bx_db_col_int(s, 0);
		q->nreview = bx_db_col_int(s, 1);
		q->has_agreement = q->ncomplete > 0;
		q->agreement = bx_db_col_double(s, 2);
		q->has_geom_f1 = bx_db_col_int(s, 4) > 0;
		if (q->has_geom_f1)
			q->geom_f1 = bx_db_col_double(s, 3) / bx_db_col_double(s, 4);
	}
	bx_db_reset(s);
	if (rc < 0)
		return rc;
	if ((s = bx_st_prep(st, jsql, err)) == NULL)
		return err ? err->code : BX_EDB;
	bx_db_bind_int64(s, 1, bid);
	while ((rc = bx_st_step(st, s, "read judgments", err)) == 1) {
		int64_t t = bx_db_col_int64(s, 0);
		ans = bx_realloc(ans, (size_t)(n + 1) * sizeof *ans);
		if ((rc = bx_st_read_answer_col(s, 1, &ans[n], err)) < 0)
			break;
		if (t != last) {
			off = bx_realloc(off, (size_t)(nu + 2) * sizeof *off);
			off[nu++] = n;
			last = t;
		}
		n++;
	}
	bx_db_reset(s);
	if (rc >= 0 && nu > 0) {
		off[nu] = n;
		ptrs = bx_malloc((size_t)n * sizeof *ptrs);
		mut = bx_malloc((size_t)n * sizeof *mut);
		for (i = 0; i < n; i++)
			ptrs[i] = mut[i] = &ans[i];
		q->has_alpha = bx_kalpha_tags(ptrs, off, nu, &q->alpha);
		if ((rc = bx_st_canonical(st, mut, n, err)) == 0)
			q->has_alpha_globals = bx_kalpha_globals(ptrs, off, nu, &q->alpha_globals);
	}
	for (i = 0; i < n; i++)
		bx_answer_free(&ans[i]);
	free(ans);
	free(ptrs);
	free(mut);
	free(off);
	return rc < 0 ? rc : 0;
}

int
bx_store_batch_quality(struct bx_store *st, const char *name, struct bx_batch_quality *out,
                       struct bx_err *err)
{
	struct bq_ctx c = { name, out };

	memset(out, 0, sizeof *out);
	return bx_st_read(st, batch_quality_rx, &c, err);
}

int
bx_store_task_agreement(struct bx_store *st, int64_t task, const char *batch,
                        double *agreement_out, int *needs_review_out, struct bx_err *err)
{
	static const char sql[] =
	    "SELECT c.agreement, c.needs_review FROM task_consensus c "
	    "JOIN batches b ON b.id = c.batch WHERE c.task = ?1 AND b.name = ?2";
	struct bx_dbst *s;
	int rc;

	if ((s = bx_st_prep(st, sql, err)) == NULL)
		return err ? err->code : BX_EDB;
	bx_db_bind_int64(s, 1, task);
	bx_db_bind_text(s, 2, batch);
	rc = bx_st_step(st, s, "read agreement", err);
	if (rc == 1) {
		if (agreement_out)
			*agreement_out = bx_db_col_double(s, 0);
		if (needs_review_out)
			*needs_review_out = bx_db_col_int(s, 1);
	}
	bx_db_reset(s);
	if (rc == 0)
		return bx_err_set(err, BX_ENOENT, "task %lld has no consensus in batch %s",
		    (long long)task, batch);
	return rc < 0 ? rc : 0;
}
