/* store-premerge.c: the heavy part of a submit, a review or a settings
 * change (the gold score, the merges) computed before the write
 * transaction, in a read transaction, so one labeler's huge answer does
 * not hold every other writer up. The write uses it only if its inputs
 * (the quality fence, the replicas) are unchanged. */
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

/* What gold scoring and consensus read besides the answers, as one
 * string: equal in both phases means they computed under the same rules. */
int
quality_fence(struct bx_store *st, char **out, struct bx_err *err)
{
	static const char *const keys[] = { "iou_threshold", "quorum", "compare_attributes",
	                                    "taxonomy", "aggregation", "accuracy_bar",
	                                    "line_thickness" };

	return bx_st_settings_fence(st, keys, BX_ARRAY_LEN(keys), out, err);
}

void
bx_st_precomp_free(struct bx_st_precomp *p)
{
	int i;

	free(p->fence);
	free(p->gold_text);
	for (i = 0; i < p->n; i++)
		free(p->texts[i]);
	free(p->texts);
	free(p->ids);
	free(p->acc);
	bx_consensus_free(&p->cons);
	if (p->hold != NULL) {
		bx_st_preset_free(p->hold);
		free(p->hold);
	}
	memset(p, 0, sizeof *p);
}

void
bx_st_preset_free(struct bx_st_preset *ps)
{
	int i;

	for (i = 0; i < ps->n; i++)
		bx_st_precomp_free(&ps->v[i]);
	free(ps->v);
	free(ps->fence);
	memset(ps, 0, sizeof *ps);
}

static int predict_hold(struct bx_store *st, int64_t jid, struct bx_st_precomp *p,
                        struct bx_err *err);

/* Whether the merge of r, the replicas once judgment jid is in, is left to
 * a process of its own: the other answers are heavy together and jid's is
 * not. Parsing and measuring a heavy answer takes its merge from tens of
 * milliseconds to a second (4 MiB of polygons: 0.5 s); the labeler who
 * completes the task would wait that long for their submit, and at every
 * such task again. (A heavy answer's own submit merges as always: at its
 * lowered priority, store-cli.c.) */
static int
heavy_others(const struct replicas *r, int64_t jid)
{
	size_t own = 0, others = 0, len;
	int i;

	for (i = 0; i < r->n; i++) {
		len = strlen(r->texts[i]);
		if (r->ids[i] == jid)
			own += len;
		else
			others += len;
	}
	return others >= BX_HEAVY_ANSWER_BYTES && own < BX_HEAVY_ANSWER_BYTES;
}

/* p takes r, the replicas that count (once the submit is in), and their
 * merge, when they reach the overlap; with later, not the merge (left to
 * a process of its own, heavy_others). r is consumed. */
static int
merge_ahead(struct bx_store *st, struct bx_st_precomp *p, struct replicas *r, int overlap,
            int later, struct bx_err *err)
{
	int rc = 0;

	if (overlap > 1 && r->n >= overlap) {
		if (later)
			p->later = 1;
		else if ((rc = replicas_merge(st, p->task, r, &p->cons, err)) == 0)
			p->merged = 1;
	}
	if (p->merged) {
		p->n = r->n;
		p->ids = r->ids;
		p->texts = r->texts;
		p->acc = r->acc;
		memset(r, 0, sizeof *r);
	}
	replicas_free(r);
	return rc;
}

struct pre_ctx {
	int64_t jid;
	const char *token;
	const struct bx_answer *ans;
	const char *ans_json;
	struct bx_st_precomp *p;
};

/* In a read transaction: a consistent snapshot, and no write lock, so
 * every other writer goes on while this computes. */
static int
precompute_rx(struct bx_store *st, void *ctx, struct bx_err *err)
{
	/* Only for a submit that will go through (its lease is good now):
	 * a stale or forged token costs no computing. */
	static const char jsql[] =
	    "SELECT j.task, j.batch, b.overlap FROM judgments j JOIN batches b ON b.id = j.batch "
	    "WHERE j.id = ?1 AND j.lease_token = ?2 AND j.state = 'leased'";
	static const char gsql[] = "SELECT answer FROM gold WHERE task = ?1";
	static const char asql[] =
	    "SELECT " LABELER_ACCURACY " FROM judgments j WHERE j.id = ?1";
	struct pre_ctx *c = ctx;
	struct bx_st_precomp *p = c->p;
	struct bx_answer gold;
	struct replicas r;
	struct bx_dbst *s;
	int64_t task = 0, batch = 0;
	double acc;
	int rc, overlap = 0, found;

	if ((rc = quality_fence(st, &p->fence, err)) < 0)
		return rc;
	if ((s = bx_st_prep(st, jsql, err)) == NULL)
		return err ? err->code : BX_EDB;
	bx_db_bind_int64(s, 1, c->jid);
	bx_db_bind_text(s, 2, c->token);
	rc = bx_st_step(st, s, "read judgment", err);
	if (rc == 1) {
		task = bx_db_col_int64(s, 0);
		batch = bx_db_col_int64(s, 1);
		overlap = bx_db_col_int(s, 2);
	}
	bx_db_reset(s);
	if (rc <= 0)
		return rc < 0 ? rc : BX_ENOENT;
	if ((s = bx_st_prep(st, gsql, err)) == NULL)
		return err ? err->code : BX_EDB;
	bx_db_bind_int64(s, 1, task);
	rc = bx_st_step(st, s, "read gold", err);
	found = rc == 1 && bx_db_col_text(s, 0) != NULL;
	if (found) {
		p->gold_text = bx_strdup(bx_db_col_text(s, 0));
		rc = bx_st_read_answer_col(s, 0, &gold, err);
	}
	bx_db_reset(s);
	if (rc < 0)
		return rc;
	if (found) {
		rc = score_against(st, &gold, c->ans, &p->sc, err);
		bx_answer_free(&gold);
		if (rc < 0 || (rc = predict_hold(st, c->jid, p, err)) < 0)
			return rc;
		p->scored = 1;
	}
	if (overlap <= 1)
		return 0;
	if ((s = bx_st_prep(st, asql, err)) == NULL)
		return err ? err->code : BX_EDB;
	bx_db_bind_int64(s, 1, c->jid);
	rc = bx_st_step(st, s, "read labeler accuracy", err);
	acc = rc == 1 && !bx_db_col_null(s, 0) ? bx_db_col_double(s, 0) : -1;
	bx_db_reset(s);
	if (rc < 0)
		return rc;
	if ((rc = replicas_read(st, task, batch, c->jid, c->ans_json, acc, &r, err)) < 0)
		return rc;
	p->task = task;
	p->batch = batch;
	return merge_ahead(st, p, &r, overlap, heavy_others(&r, c->jid), err);
}

int
bx_st_merge_later_rx(struct bx_store *st, int64_t jid, struct bx_st_precomp *p,
                     struct bx_err *err)
{
	static const char jsql[] =
	    "SELECT j.task, j.batch, b.overlap FROM judgments j JOIN batches b ON b.id = j.batch "
	    "WHERE j.id = ?1";
	struct replicas r;
	struct bx_dbst *s;
	int rc, overlap = 0;

	if ((rc = quality_fence(st, &p->fence, err)) < 0)
		return rc;
	if ((s = bx_st_prep(st, jsql, err)) == NULL)
		return err ? err->code : BX_EDB;
	bx_db_bind_int64(s, 1, jid);
	rc = bx_st_step(st, s, "read judgment", err);
	if (rc == 1) {
		p->task = bx_db_col_int64(s, 0);
		p->batch = bx_db_col_int64(s, 1);
		overlap = bx_db_col_int(s, 2);
	}
	bx_db_reset(s);
	if (rc <= 0)
		return rc < 0 ? rc : BX_ENOENT;
	if ((rc = replicas_read(st, p->task, p->batch, 0, NULL, 0, &r, err)) < 0)
		return rc;
	return merge_ahead(st, p, &r, overlap, 0, err);
}

void
bx_st_precompute(struct bx_store *st, int64_t jid, const char *token, const struct bx_answer *ans,
                 const char *ans_json, struct bx_st_precomp *p)
{
	struct pre_ctx c = { jid, token, ans, ans_json, p };
	struct bx_err err = { 0 };

	memset(p, 0, sizeof *p);
	if (token == NULL || bx_st_read(st, precompute_rx, &c, &err) < 0)
		bx_st_precomp_free(p);
}

/* The replicas of task in batch once judgment `keep` counts (accepted out
 * of hold), the submitted work of labeler drop_uid is held and judgment
 * drop_id left (rejected); 0 for none of these. The labeler and state
 * columns let premerge drop the work of several labelers (drop_uids). */
static const char future_sql[] =
    "SELECT j.id, j.answer, " LABELER_ACCURACY ", j.labeler, j.state FROM judgments j "
    "WHERE j.task = ?1 AND j.batch = ?2 AND (j.id = ?3 OR "
    "  (j.state IN ('submitted','accepted') AND NOT (j.held = 1 AND j.state = 'submitted'))) "
    "  AND NOT (j.labeler = ?4 AND j.state = 'submitted') AND j.id <> ?5 "
    "ORDER BY j.id";

struct future {
	int64_t keep, drop_uid, drop_id;
	const int64_t *drop_uids; /* more labelers whose submitted work is held */
	int ndrop;
};

static int
dropped(const struct future *f, struct bx_dbst *s)
{
	int64_t uid = bx_db_col_int64(s, 3);
	int i;

	if (strcmp((const char *)bx_db_col_text(s, 4), "submitted") != 0)
		return 0;
	for (i = 0; i < f->ndrop; i++)
		if (f->drop_uids[i] == uid)
			return 1;
	return 0;
}

/* One task's consensus as it will be after f, appended to ps when enough
 * replicas will remain to merge. */
static int
premerge(struct bx_store *st, int64_t task, int64_t batch, int overlap, const struct future *f,
         struct bx_st_preset *ps, struct bx_err *err)
{
	struct bx_st_precomp *p;
	struct replicas r;
	struct bx_dbst *s;
	int rc;

	memset(&r, 0, sizeof r);
	if ((s = bx_st_prep(st, future_sql, err)) == NULL)
		return err ? err->code : BX_EDB;
	bx_db_bind_int64(s, 1, task);
	bx_db_bind_int64(s, 2, batch);
	bx_db_bind_int64(s, 3, f->keep);
	bx_db_bind_int64(s, 4, f->drop_uid);
	bx_db_bind_int64(s, 5, f->drop_id);
	while ((rc = bx_st_step(st, s, "read replicas", err)) == 1)
		if (!dropped(f, s))
			replicas_add(&r, bx_db_col_int64(s, 0), bx_db_col_text(s, 1),
			             bx_db_col_null(s, 2) ? -1 : bx_db_col_double(s, 2));
	bx_db_reset(s);
	if (rc < 0 || r.n < overlap) {
		replicas_free(&r);
		return rc < 0 ? rc : 0;
	}
	ps->v = bx_realloc(ps->v, (size_t)(ps->n + 1) * sizeof *ps->v);
	p = &ps->v[ps->n];
	memset(p, 0, sizeof *p);
	if ((rc = replicas_merge(st, task, &r, &p->cons, err)) < 0) {
		replicas_free(&r);
		return rc;
	}
	ps->n++;
	p->task = task;
	p->batch = batch;
	p->merged = 1;
	p->n = r.n;
	p->ids = r.ids;
	p->texts = r.texts;
	p->acc = r.acc;
	return 0;
}

struct merge_task { int64_t task, batch; int overlap; };

/* The rows of sql (task, batch, overlap; ?1 bound to id) added to *ts,
 * each (task, batch) once. */
static int
tasks_read(struct bx_store *st, const char *sql, int64_t id, struct merge_task **ts, int *n,
           struct bx_err *err)
{
	struct bx_dbst *s;
	int64_t task, batch;
	int rc, k;

	if ((s = bx_st_prep(st, sql, err)) == NULL)
		return err ? err->code : BX_EDB;
	bx_db_bind_int64(s, 1, id);
	while ((rc = bx_st_step(st, s, "read tasks to merge", err)) == 1) {
		task = bx_db_col_int64(s, 0);
		batch = bx_db_col_int64(s, 1);
		for (k = 0; k < *n && ((*ts)[k].task != task || (*ts)[k].batch != batch); k++)
			;
		if (k < *n)
			continue;
		*ts = bx_realloc(*ts, (size_t)(*n + 1) * sizeof **ts);
		(*ts)[*n].task = task;
		(*ts)[*n].batch = batch;
		(*ts)[(*n)++].overlap = bx_db_col_int(s, 2);
	}
	bx_db_reset(s);
	return rc < 0 ? rc : 0;
}

/* Every task of ts merged ahead for f. */
static int
premerge_tasks(struct bx_store *st, const struct merge_task *ts, int n, const struct future *f,
               struct bx_st_preset *ps, struct bx_err *err)
{
	int rc = 0, i;

	if (ps->fence == NULL && (rc = quality_fence(st, &ps->fence, err)) < 0)
		return rc;
	for (i = 0; rc >= 0 && i < n; i++)
		rc = premerge(st, ts[i].task, ts[i].batch, ts[i].overlap, f, ps, err);
	return rc < 0 ? rc : 0;
}

/* Every task of the rows of sql merged ahead for f. */
static int
premerge_all(struct bx_store *st, const char *sql, int64_t id, const struct future *f,
             struct bx_st_preset *ps, struct bx_err *err)
{
	struct merge_task *ts = NULL;
	int rc, n = 0;

	if ((rc = tasks_read(st, sql, id, &ts, &n, err)) == 0)
		rc = premerge_tasks(st, ts, n, f, ps, err);
	free(ts);
	return rc;
}

/* The tasks whose consensus holding uid's submitted work redoes. */
static const char hold_tasks_sql[] =
    "SELECT DISTINCT j.task, j.batch, b.overlap FROM judgments j "
    "JOIN batches b ON b.id = j.batch "
    "WHERE j.labeler = ?1 AND j.state = 'submitted' AND j.held = 0 AND b.overlap > 1";

/* Whether the gold score p->sc will suspend its labeler (gold_step's rule,
 * the score added to the window): then the work of theirs that the
 * suspension holds is merged ahead too. */
static int
predict_hold(struct bx_store *st, int64_t jid, struct bx_st_precomp *p, struct bx_err *err)
{
	static const char sql[] =
	    "SELECT j.labeler, b.kind = 'training', u.qual IN ('qualified', 'training') "
	    "FROM judgments j JOIN batches b ON b.id = j.batch JOIN users u ON u.id = j.labeler "
	    "WHERE j.id = ?1";
	struct future f = { 0, 0, 0, NULL, 0 };
	struct bx_score sum;
	struct bx_dbst *s;
	double bar, window, min, acc;
	int rc, n, governed = 0;

	if ((s = bx_st_prep(st, sql, err)) == NULL)
		return err ? err->code : BX_EDB;
	bx_db_bind_int64(s, 1, jid);
	rc = bx_st_step(st, s, "read labeler", err);
	if (rc == 1) {
		f.drop_uid = bx_db_col_int64(s, 0);
		governed = !bx_db_col_int(s, 1) && bx_db_col_int(s, 2);
	}
	bx_db_reset(s);
	if (rc <= 0 || !governed)
		return rc < 0 ? rc : 0;
	if ((rc = bx_st_setting_num(st, "accuracy_bar", 0, 1, &bar, err)) < 0 ||
	    (rc = bx_st_setting_num(st, "gold_window", 1, 1e6, &window, err)) < 0 ||
	    (rc = bx_st_setting_num(st, "gold_min", 1, 1e6, &min, err)) < 0 ||
	    (rc = window_sum(st, f.drop_uid, (long)window - 1, &sum, &n, NULL, err)) < 0)
		return rc;
	bx_score_add(&sum, &p->sc);
	if (n + 1 < (int)min || !bx_score_accuracy(&sum, &acc) || acc >= bar - 1e-12)
		return 0;
	p->hold = bx_malloc(sizeof *p->hold);
	memset(p->hold, 0, sizeof *p->hold);
	return premerge_all(st, hold_tasks_sql, f.drop_uid, &f, p->hold, err);
}

struct hold_ctx {
	const char *name;
	struct bx_st_preset *ps;
};

static int
premerge_hold_rx(struct bx_store *st, void *ctx, struct bx_err *err)
{
	struct hold_ctx *c = ctx;
	struct future f = { 0, 0, 0, NULL, 0 };
	int rc;

	if ((rc = bx_st_user_id(st, c->name, &f.drop_uid, err)) < 0)
		return rc;
	return premerge_all(st, hold_tasks_sql, f.drop_uid, &f, c->ps, err);
}

void
bx_st_premerge_hold(struct bx_store *st, const char *name, struct bx_st_preset *ps)
{
	struct hold_ctx c = { name, ps };
	struct bx_err err = { 0 };

	memset(ps, 0, sizeof *ps);
	if (name == NULL || bx_st_read(st, premerge_hold_rx, &c, &err) < 0)
		bx_st_preset_free(ps);
}

/* The labelers reevaluate() governs: active, in training or qualified. */
static const char governed_sql[] =
    "SELECT id FROM users WHERE active = 1 AND qual IN ('training','qualified') ORDER BY id";

static int
premerge_setting_rx(struct bx_store *st, void *ctx, struct bx_err *err)
{
	struct bx_st_preset *ps = ctx;
	struct future f = { 0, 0, 0, NULL, 0 };
	struct merge_task *ts = NULL;
	struct bx_score sum;
	struct bx_dbst *s;
	int64_t *ids = NULL, *drop = NULL;
	double bar, acc;
	int rc, n = 0, i, k, nd = 0, nt = 0;

	if ((s = bx_st_prep(st, governed_sql, err)) == NULL)
		return err ? err->code : BX_EDB;
	while ((rc = bx_st_step(st, s, "list labelers", err)) == 1) {
		ids = bx_realloc(ids, (size_t)(n + 1) * sizeof *ids);
		ids[n++] = bx_db_col_int64(s, 0);
	}
	bx_db_reset(s);
	if (rc >= 0)
		rc = bx_st_setting_num(st, "accuracy_bar", 0, 1, &bar, err);
	/* Everyone the new value suspends holds their work before any task is
	 * merged again (reevaluate), so a task two of them share is merged
	 * once, without the work of either. */
	for (i = 0; rc >= 0 && i < n; i++) {
		if ((rc = under_bar(st, ids[i], bar, &sum, &k, &acc, err)) != 1)
			continue;
		drop = bx_realloc(drop, (size_t)(nd + 1) * sizeof *drop);
		drop[nd++] = ids[i];
		rc = tasks_read(st, hold_tasks_sql, ids[i], &ts, &nt, err);
	}
	f.drop_uids = drop;
	f.ndrop = nd;
	if (rc >= 0)
		rc = premerge_tasks(st, ts, nt, &f, ps, err);
	free(ts);
	free(drop);
	free(ids);
	return rc < 0 ? rc : 0;
}

void
bx_st_premerge_setting(struct bx_store *st, const char *key, const char *val,
                       struct bx_st_preset *ps)
{
	struct bx_err err = { 0 };

	memset(ps, 0, sizeof *ps);
	/* The rule and the merges read the setting as it will be. */
	st->as_if_key = key;
	st->as_if_val = val;
	if (bx_st_read(st, premerge_setting_rx, ps, &err) < 0)
		bx_st_preset_free(ps);
	st->as_if_key = st->as_if_val = NULL;
}

struct review_pre {
	int64_t jid;
	int reject;
	struct bx_st_preset *ps;
};

static int
premerge_review_rx(struct bx_store *st, void *ctx, struct bx_err *err)
{
	static const char sql[] =
	    "SELECT j.task, j.batch, b.overlap FROM judgments j JOIN batches b ON b.id = j.batch "
	    "WHERE j.id = ?1 AND j.state = 'submitted' AND b.overlap > 1";
	struct review_pre *c = ctx;
	struct future f = { c->reject ? 0 : c->jid, 0, c->reject ? c->jid : 0, NULL, 0 };

	return premerge_all(st, sql, c->jid, &f, c->ps, err);
}

void
bx_st_premerge_review(struct bx_store *st, int64_t jid, int reject, struct bx_st_preset *ps)
{
	struct review_pre c = { jid, reject, ps };
	struct bx_err err = { 0 };

	memset(ps, 0, sizeof *ps);
	if (bx_st_read(st, premerge_review_rx, &c, &err) < 0)
		bx_st_preset_free(ps);
}
