/* store-consensus.c: consensus over a whole batch at once (boxel consensus
 * --batch): each task is merged as at submit (clusters, quorum, geometry),
 * then the class of every kept object and every task's image classes are
 * chosen by Dawid-Skene over the batch's votes, which learns each
 * labeler's confusion from all their work instead of counting votes one
 * task at a time. The batch is read in one read transaction, aggregated
 * with no transaction open, and written in one write transaction only if
 * the judgments it read are still the ones that count (else it reads
 * again), as the submit's precompute does.
 *
 * The result outlives later merges: each task's answer is kept in
 * ds_answers with a fingerprint of what it came from (the judgments that
 * count, the settings the merge reads); the per-task merge at a submit or
 * review (consensus_step in store-merge.c) stores that answer instead of
 * its own vote while the fingerprint holds, and marks the task 'vote'
 * otherwise. Under aggregation = dawid-skene a batch whose consensus has a
 * 'vote' task is stale: Dawid-Skene runs again before an export of it
 * (bx_store_consensus_refresh), in the admin's process. Never in a
 * labeler's or reviewer's: the submit that completes a batch would wait
 * for the whole batch's EM. */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "boxel/aggregate.h"
#include "boxel/codec.h"
#include "boxel/util.h"
#include "store-int.h"

/* The judgments consensus counts, as replicas_sql in store-merge.c. */
static const char batch_replicas_sql[] =
    "SELECT j.task, j.id, j.labeler, j.answer, " BX_ST_LABELER_ACCURACY " FROM judgments j "
    "WHERE j.batch = ?1 AND j.state IN ('submitted','accepted') "
    "  AND NOT (j.held = 1 AND j.state = 'submitted') "
    "ORDER BY j.task, j.id";

struct brow {
	int64_t task, jid, uid;
	char *text;
	double acc;                /* the labeler's gold accuracy, -1: none */
};

struct btask {
	int64_t task;
	int first, n;              /* rows[first .. first + n) */
	struct bx_answer *ans;     /* n, canonical */
	struct bx_consensus cons;
	int tag_item;              /* item of its image classes, or -1 */
	int obj_item0;             /* item of answer object 0 (tags excluded) */
	char *fp;                  /* bx_st_merge_fp of its judgments */
};

struct bctx {
	const char *name;          /* the batch by name, or by id when NULL */
	char bname[72];
	const char *trigger;       /* the event's: "admin", "export" */
	int64_t batch;
	int overlap;
	struct brow *rows;
	int nrows;
	/* the write side */
	struct btask *t;
	int nt;
	char **json;               /* per task: the consensus to store */
	const char *actor;
	int64_t now;
	struct bx_consensus_batch *res;
	int stale;
};

static void
rows_free(struct brow *r, int n)
{
	int i;

	for (i = 0; i < n; i++)
		free(r[i].text);
	free(r);
}

static int
read_rows(struct bx_store *st, int64_t batch, struct brow **out, int *n_out,
          struct bx_err *err)
{
	struct bx_dbst *s;
	struct brow *r = NULL;
	int rc, n = 0;

	if ((s = bx_st_prep(st, batch_replicas_sql, err)) == NULL)
		return err ? err->code : BX_EDB;
	bx_db_bind_int64(s, 1, batch);
	while ((rc = bx_st_step(st, s, "read the batch's judgments", err)) == 1) {
		r = bx_realloc(r, sizeof *r * (size_t)(n + 1));
		r[n].task = bx_db_col_int64(s, 0);
		r[n].jid = bx_db_col_int64(s, 1);
		r[n].uid = bx_db_col_int64(s, 2);
		r[n].text = bx_strdup(bx_db_col_null(s, 3) ? "{}" :
		    (const char *)bx_db_col_text(s, 3));
		r[n].acc = bx_db_col_null(s, 4) ? -1 : bx_db_col_double(s, 4);
		n++;
	}
	bx_db_reset(s);
	if (rc < 0) {
		rows_free(r, n);
		return rc;
	}
	*out = r;
	*n_out = n;
	return 0;
}

static int
find_batch(struct bx_store *st, struct bctx *c, struct bx_err *err)
{
	static const char sql[] =
	    "SELECT id, overlap, name FROM batches WHERE name = ?1 OR id = ?2";
	struct bx_dbst *s;
	int rc;

	if ((s = bx_st_prep(st, sql, err)) == NULL)
		return err ? err->code : BX_EDB;
	if (c->name != NULL)
		bx_db_bind_text(s, 1, c->name);
	bx_db_bind_int64(s, 2, c->name != NULL ? 0 : c->batch);
	rc = bx_st_step(st, s, "find batch", err);
	if (rc == 1) {
		c->batch = bx_db_col_int64(s, 0);
		c->overlap = bx_db_col_int(s, 1);
		snprintf(c->bname, sizeof c->bname, "%s", (const char *)bx_db_col_text(s, 2));
	}
	bx_db_reset(s);
	if (rc == 0 && c->name == NULL)
		return bx_err_set(err, BX_ENOENT, "batch %lld vanished", (long long)c->batch);
	if (rc == 0)
		return bx_err_set(err, BX_ENOENT, "no batch %s (see 'boxel batch list')", c->name);
	if (rc < 0)
		return rc;
	if (c->overlap <= 1)
		return bx_err_set(err, BX_EINVAL, "batch %s has overlap %d: one judgment per task, "
		    "nothing to aggregate", c->bname, c->overlap);
	return 0;
}

static int
read_rx(struct bx_store *st, void *ctx, struct bx_err *err)
{
	struct bctx *c = ctx;
	int rc;

	if ((rc = find_batch(st, c, err)) < 0)
		return rc;
	return read_rows(st, c->batch, &c->rows, &c->nrows, err);
}

static char *merge_fp_rows(const char *fence, const struct brow *rows, int n);

/* ---- votes ---- */

/* A growing list of distinct names; index = category. */
struct names {
	char **v;
	int n;
};

static int
name_id(struct names *nm, const char *s)
{
	int i;

	for (i = 0; i < nm->n; i++)
		if (strcmp(nm->v[i], s) == 0)
			return i;
	nm->v = bx_realloc(nm->v, sizeof *nm->v * (size_t)(nm->n + 1));
	nm->v[nm->n] = bx_strdup(s);
	return nm->n++;
}

static void
names_free(struct names *nm)
{
	int i;

	for (i = 0; i < nm->n; i++)
		free(nm->v[i]);
	free(nm->v);
}

static int
cmp_cstr(const void *a, const void *b)
{
	return strcmp(*(const char *const *)a, *(const char *const *)b);
}

/* A judgment's image classes as one category: the sorted set, each name
 * followed by \x1f (the empty set is a category too). Caller frees. */
static char *
tag_set(const struct bx_answer *a)
{
	const char **v = bx_malloc(sizeof *v * (size_t)(a->n + 1));
	struct bx_buf b;
	int i, t = 0;

	for (i = 0; i < a->n; i++)
		if (a->a[i].geom == BX_GEOM_TAG)
			v[t++] = a->a[i].cls ? a->a[i].cls : "";
	qsort(v, (size_t)t, sizeof *v, cmp_cstr);
	bx_buf_init(&b);
	bx_buf_puts(&b, "");
	for (i = 0; i < t; i++) {
		if (i > 0 && strcmp(v[i], v[i - 1]) == 0)
			continue;
		bx_buf_puts(&b, v[i]);
		bx_buf_putc(&b, '\x1f');
	}
	free(v);
	return b.p;
}

static int
has_tags(const struct bx_answer *a)
{
	int i;

	for (i = 0; i < a->n; i++)
		if (a->a[i].geom == BX_GEOM_TAG)
			return 1;
	return 0;
}

static int
cmp_i64(const void *a, const void *b)
{
	int64_t p = *(const int64_t *)a, q = *(const int64_t *)b;

	return (p > q) - (p < q);
}

struct votes {
	struct bx_vote *v;
	int n, nitems;
	struct names cls;
};

static void
vote_add(struct votes *vs, int item, int labeler, int cls)
{
	vs->v = bx_realloc(vs->v, sizeof *vs->v * (size_t)(vs->n + 1));
	vs->v[vs->n].item = item;
	vs->v[vs->n].labeler = labeler;
	vs->v[vs->n].cls = cls;
	vs->n++;
}

/* Dawid-Skene over vs; out (nitems) the chosen class, -1 without votes. */
static int *
run_ds(const struct votes *vs, int nlabelers, int *iters)
{
	struct bx_agg a = { vs->nitems, nlabelers, vs->cls.n, vs->v, vs->n };
	int *out = bx_malloc(sizeof *out * (size_t)(vs->nitems + 1));
	int it = 0;

	if (vs->nitems > 0 && bx_agg_dawid_skene(&a, 200, out, NULL, NULL, &it) < 0) {
		free(out);
		return NULL;
	}
	if (it > *iters)
		*iters = it;
	return out;
}

/* Replace answer's image classes by the set named by cat (tag_set form),
 * each copied from the first judgment that has it. */
static void
set_tags(struct btask *t, const char *cat)
{
	const char *p, *e;
	int i, k;

	for (i = t->cons.answer.n - 1; i >= 0; i--)
		if (t->cons.answer.a[i].geom == BX_GEOM_TAG)
			bx_answer_remove(&t->cons.answer, i);
	for (p = cat; (e = strchr(p, '\x1f')) != NULL; p = e + 1)
		for (k = 0; k < t->n; k++) {
			for (i = 0; i < t->ans[k].n; i++) {
				const struct bx_annot *an = &t->ans[k].a[i];

				if (an->geom == BX_GEOM_TAG && strlen(an->cls ? an->cls : "") ==
				    (size_t)(e - p) && strncmp(an->cls ? an->cls : "", p,
				    (size_t)(e - p)) == 0) {
					struct bx_annot cp;

					bx_annot_copy(&cp, an);
					cp.flags = 0;
					cp.score = 0;
					bx_answer_add(&t->cons.answer, &cp);
					bx_annot_free(&cp);
					break;
				}
			}
			if (i < t->ans[k].n)
				break;
		}
}

/* An object's class becomes cls; its attributes are those of the first
 * member that has that class (none: no attributes, the defaults). */
static void
set_class(struct btask *t, int obj, const char *cls)
{
	struct bx_annot *an = &t->cons.answer.a[obj];
	const struct bx_annot *m;
	int k, mi;

	free(an->cls);
	an->cls = bx_strdup(cls);
	bx_attrs_free(&an->attrs);
	memset(&an->attrs, 0, sizeof an->attrs);
	for (k = 0; k < t->n; k++) {
		if ((mi = t->cons.member[(size_t)obj * t->cons.njudgments + k]) < 0)
			continue;
		m = &t->ans[k].a[mi];
		if (strcmp(m->cls ? m->cls : "", cls) == 0) {
			bx_attrs_copy(&an->attrs, &m->attrs);
			break;
		}
	}
}

/* Merge every task with its overlap of judgments, then choose classes by
 * Dawid-Skene across them. No transaction is open. */
static int
aggregate(struct bx_store *st, struct bctx *c, struct bx_err *err)
{
	struct bx_score_opts o;
	struct votes ov = { 0 }, tv = { 0 };
	int64_t *uids;
	double quorum, bar;
	int i, k, q, rc = 0, nu = 0, obj, *oout = NULL, *tout = NULL, item;
	char *cat, *fence = NULL;

	if ((rc = bx_st_score_opts(st, &o, err)) < 0 ||
	    (rc = bx_st_setting_num(st, "quorum", 0, 1000, &quorum, err)) < 0 ||
	    (rc = bx_st_setting_num(st, "accuracy_bar", 0, 1, &bar, err)) < 0 ||
	    (rc = bx_st_merge_fence(st, &fence, err)) < 0)
		return rc;
	/* Labelers as small ints. */
	uids = bx_malloc(sizeof *uids * (size_t)(c->nrows + 1));
	for (i = 0; i < c->nrows; i++)
		uids[i] = c->rows[i].uid;
	qsort(uids, (size_t)c->nrows, sizeof *uids, cmp_i64);
	for (i = 0; i < c->nrows; i++)
		if (nu == 0 || uids[nu - 1] != uids[i])
			uids[nu++] = uids[i];
	/* Tasks with their overlap of judgments, merged as at submit. */
	for (i = 0; i < c->nrows && rc == 0; i = q) {
		struct btask *t;
		struct bx_answer **mut;
		double *acc, *w = NULL;

		for (q = i; q < c->nrows && c->rows[q].task == c->rows[i].task; q++)
			;
		if (q - i < c->overlap)
			continue;
		c->t = bx_realloc(c->t, sizeof *c->t * (size_t)(c->nt + 1));
		t = &c->t[c->nt++];
		memset(t, 0, sizeof *t);
		t->task = c->rows[i].task;
		t->first = i;
		t->tag_item = -1;
		t->ans = bx_malloc(sizeof *t->ans * (size_t)(q - i));
		mut = bx_malloc(sizeof *mut * (size_t)(q - i));
		for (k = 0; k < q - i && rc == 0; k++) {
			if ((rc = bx_answer_from_json(c->rows[i + k].text, &t->ans[k], err)) < 0)
				bx_err_prefix(err, "judgment %lld", (long long)c->rows[i + k].jid);
			else
				mut[t->n++] = &t->ans[k];
		}
		/* Merged as at submit (the same class weights), so the answer
		 * differs from the per-task one only in what Dawid-Skene chose. */
		acc = bx_malloc(sizeof *acc * (size_t)(q - i));
		for (k = 0; k < q - i; k++)
			acc[k] = c->rows[i + k].acc;
		if (rc == 0)
			rc = bx_st_canonical(st, mut, t->n, err);
		if (rc == 0)
			rc = bx_st_vote_weights(st, acc, t->n, bar, &w, err);
		if (rc == 0)
			rc = bx_consensus_run_weighted(bx_st_qws(st),
			    (const struct bx_answer *const *)mut, w, t->n,
			    (int)quorum > t->n ? t->n : (int)quorum, &o, &t->cons);
		free(w);
		free(acc);
		free(mut);
		if (rc == 0)
			t->fp = merge_fp_rows(fence, &c->rows[i], q - i);
		if (rc < 0)
			break;
		/* Votes: each kept object's members' classes; the image classes
		 * as one set per judgment, where any judgment has some. */
		t->obj_item0 = ov.nitems;
		for (obj = 0; obj < t->cons.answer.n; obj++) {
			if (t->cons.answer.a[obj].geom == BX_GEOM_TAG)
				continue;
			for (k = 0; k < t->n; k++) {
				int mi = t->cons.member[(size_t)obj * t->cons.njudgments + k];
				const char *cl;

				if (mi < 0)
					continue;
				cl = t->ans[k].a[mi].cls ? t->ans[k].a[mi].cls : "";
				vote_add(&ov, ov.nitems, (int)((int64_t *)bsearch(&c->rows[i + k].uid,
				    uids, (size_t)nu, sizeof *uids, cmp_i64) - uids), name_id(&ov.cls, cl));
			}
			ov.nitems++;
		}
		for (k = 0; k < t->n && !has_tags(&t->ans[k]); k++)
			;
		if (k < t->n) {
			t->tag_item = tv.nitems++;
			for (k = 0; k < t->n; k++) {
				cat = tag_set(&t->ans[k]);
				vote_add(&tv, t->tag_item, (int)((int64_t *)bsearch(&c->rows[i + k].uid,
				    uids, (size_t)nu, sizeof *uids, cmp_i64) - uids), name_id(&tv.cls, cat));
				free(cat);
			}
		}
	}
	if (rc == 0 && ((oout = run_ds(&ov, nu, &c->res->iters)) == NULL ||
	    (tout = run_ds(&tv, nu, &c->res->iters)) == NULL))
		rc = bx_err_set(err, BX_EINVAL, "Dawid-Skene: a vote out of range");
	for (i = 0; rc == 0 && i < c->nt; i++) {
		struct btask *t = &c->t[i];

		c->res->ntasks++;
		for (obj = 0, item = t->obj_item0; obj < t->cons.answer.n; obj++) {
			const char *now, *want;

			if (t->cons.answer.a[obj].geom == BX_GEOM_TAG)
				continue;
			c->res->nobjects++;
			now = t->cons.answer.a[obj].cls ? t->cons.answer.a[obj].cls : "";
			want = oout[item] >= 0 ? ov.cls.v[oout[item]] : now;
			if (strcmp(now, want) != 0) {
				set_class(t, obj, want);
				c->res->nobjects_changed++;
			}
			item++;
		}
		if (t->tag_item >= 0 && tout[t->tag_item] >= 0) {
			c->res->nimages++;
			cat = tag_set(&t->cons.answer);
			if (strcmp(cat, tv.cls.v[tout[t->tag_item]]) != 0) {
				set_tags(t, tv.cls.v[tout[t->tag_item]]);
				c->res->nimages_changed++;
			}
			free(cat);
		}
	}
	if (rc == 0) {
		c->json = bx_malloc(sizeof *c->json * (size_t)(c->nt + 1));
		for (i = 0; i < c->nt; i++)
			c->json[i] = bx_answer_to_json(&c->t[i].cons.answer);
	}
	free(fence);
	free(oout);
	free(tout);
	free(ov.v);
	free(tv.v);
	names_free(&ov.cls);
	names_free(&tv.cls);
	free(uids);
	return rc;
}

/* Store the batch's consensus if the judgments that count are still the
 * ones aggregated; else c->stale (the caller reads again). */
static int
write_tx(struct bx_store *st, void *ctx, struct bx_err *err)
{
	static const char put[] =
	    "INSERT INTO task_answers(task, kind, answer) VALUES (?1, 'consensus', ?2) "
	    "ON CONFLICT(task, kind) DO UPDATE SET answer = excluded.answer";
	static const char keep[] =
	    "INSERT INTO ds_answers(task, batch, fp, answer) VALUES (?1, ?2, ?3, ?4) "
	    "ON CONFLICT(task, batch) DO UPDATE SET fp = excluded.fp, answer = excluded.answer";
	static const char mark[] =
	    "UPDATE task_consensus SET method = 'dawid-skene' WHERE task = ?1 AND batch = ?2";
	struct bctx *c = ctx;
	struct brow *now = NULL;
	struct bx_dbst *s;
	struct bx_buf d;
	int n = 0, i, rc;

	if ((rc = read_rows(st, c->batch, &now, &n, err)) < 0)
		return rc;
	c->stale = n != c->nrows;
	for (i = 0; i < n && !c->stale; i++)
		c->stale = now[i].jid != c->rows[i].jid || now[i].uid != c->rows[i].uid ||
		    strcmp(now[i].text, c->rows[i].text) != 0;
	rows_free(now, n);
	if (c->stale)
		return 0;
	for (i = 0; i < c->nt; i++) {
		if ((s = bx_st_prep(st, put, err)) == NULL)
			return err ? err->code : BX_EDB;
		bx_db_bind_int64(s, 1, c->t[i].task);
		bx_db_bind_text(s, 2, c->json[i]);
		if ((rc = bx_st_exec(st, s, "store consensus", err)) < 0)
			return rc;
		if ((s = bx_st_prep(st, keep, err)) == NULL)
			return err ? err->code : BX_EDB;
		bx_db_bind_int64(s, 1, c->t[i].task);
		bx_db_bind_int64(s, 2, c->batch);
		bx_db_bind_text(s, 3, c->t[i].fp);
		bx_db_bind_text(s, 4, c->json[i]);
		if ((rc = bx_st_exec(st, s, "keep Dawid-Skene's answer", err)) < 0)
			return rc;
		if ((s = bx_st_prep(st, mark, err)) == NULL)
			return err ? err->code : BX_EDB;
		bx_db_bind_int64(s, 1, c->t[i].task);
		bx_db_bind_int64(s, 2, c->batch);
		if ((rc = bx_st_exec(st, s, "store consensus", err)) < 0)
			return rc;
	}
	bx_buf_init(&d);
	bx_buf_puts(&d, "{\"batch\":");
	bx_st_json_str(&d, c->bname);
	bx_buf_printf(&d, ",\"method\":\"dawid-skene\",\"trigger\":\"%s\",\"tasks\":%d,"
	    "\"objects_changed\":%d,\"images_changed\":%d}", c->trigger, c->res->ntasks,
	    c->res->nobjects_changed, c->res->nimages_changed);
	rc = bx_st_event(st, c->actor, "consensus", d.p, c->now, err);
	bx_buf_free(&d);
	return rc;
}

static void
bctx_clear(struct bctx *c)
{
	int i, k;

	for (i = 0; i < c->nt; i++) {
		for (k = 0; k < c->t[i].n; k++)
			bx_answer_free(&c->t[i].ans[k]);
		free(c->t[i].ans);
		bx_consensus_free(&c->t[i].cons);
		free(c->t[i].fp);
		if (c->json)
			free(c->json[i]);
	}
	free(c->t);
	free(c->json);
	rows_free(c->rows, c->nrows);
	c->t = NULL;
	c->json = NULL;
	c->rows = NULL;
	c->nt = c->nrows = 0;
}

/* Dawid-Skene over the batch c names (by name, or by id when c->name is
 * NULL), stored if the judgments held still. */
static int
ds_run(struct bx_store *st, struct bctx *c, struct bx_consensus_batch *out,
       struct bx_err *err)
{
	int rc, tries;

	c->res = out;
	/* Labelers keep submitting while the batch is aggregated: a few
	 * rounds, then say so rather than hold the write lock for the work. */
	for (tries = 0; tries < 3; tries++) {
		memset(out, 0, sizeof *out);
		if ((rc = bx_st_read(st, read_rx, c, err)) < 0 ||
		    (rc = aggregate(st, c, err)) < 0 ||
		    (rc = bx_st_write(st, write_tx, c, err)) < 0) {
			bctx_clear(c);
			return rc;
		}
		bctx_clear(c);
		if (!c->stale)
			return 0;
	}
	return bx_err_set(err, BX_EBUSY, "batch %s: judgments kept arriving while it was "
	    "aggregated; run it again", c->bname);
}

int
bx_store_consensus_batch(struct bx_store *st, const char *batch, const char *actor,
                         int64_t now_ms, struct bx_consensus_batch *out, struct bx_err *err)
{
	struct bctx c;

	memset(&c, 0, sizeof c);
	if (batch == NULL)
		return bx_err_set(err, BX_EINVAL, "consensus: no batch given");
	c.name = batch;
	c.actor = actor;
	c.now = now_ms;
	c.trigger = "admin";
	return ds_run(st, &c, out, err);
}

/* ---- the fingerprint, and applying a kept answer ---- */

/* The settings keys[0 .. n) as one string, each value with its length:
 * equal fences, equal rules (the merge's and quality's fences). */
int
bx_st_settings_fence(struct bx_store *st, const char *const *keys, size_t n, char **out,
                     struct bx_err *err)
{
	struct bx_buf b;
	char *v;
	size_t k;
	int rc;

	bx_buf_init(&b);
	for (k = 0; k < n; k++) {
		if ((rc = bx_store_setting_get(st, keys[k], &v, err)) < 0) {
			bx_buf_free(&b);
			return rc;
		}
		bx_buf_printf(&b, "%zu:", strlen(v));
		bx_buf_puts(&b, v);
		free(v);
	}
	bx_buf_putc(&b, '\0');
	*out = b.p;
	return 0;
}

/* What the merge reads besides the judgments. */
int
bx_st_merge_fence(struct bx_store *st, char **out, struct bx_err *err)
{
	static const char *const keys[] = { "iou_threshold", "line_thickness", "quorum",
	                                    "taxonomy", "aggregation" };

	return bx_st_settings_fence(st, keys, BX_ARRAY_LEN(keys), out, err);
}

/* FNV-1a, 64 bits, continued from h. */
static uint64_t
fnv(uint64_t h, const void *p, size_t n)
{
	const unsigned char *b = p;

	while (n-- > 0)
		h = (h ^ *b++) * 0x100000001b3ull;
	return h;
}

/* The fingerprint: 16 hex digits over the fence and each judgment's id
 * and answer text, in id order (a collision needs 2^32 different
 * merges of one task). Caller frees. */
static char *
merge_fp(const char *fence, int n, const int64_t *ids, const char *const *texts,
         const struct brow *rows)
{
	uint64_t h = fnv(0xcbf29ce484222325ull, fence, strlen(fence) + 1);
	char num[32], *out = bx_malloc(17);
	const char *t;
	int i;

	for (i = 0; i < n; i++) {
		t = rows ? rows[i].text : texts[i];
		snprintf(num, sizeof num, "%lld:%zu:", (long long)(rows ? rows[i].jid : ids[i]),
		    strlen(t));
		h = fnv(h, num, strlen(num));
		h = fnv(h, t, strlen(t));
	}
	snprintf(out, 17, "%016llx", (unsigned long long)h);
	return out;
}

static char *
merge_fp_rows(const char *fence, const struct brow *rows, int n)
{
	return merge_fp(fence, n, NULL, NULL, rows);
}

int
bx_st_ds_apply(struct bx_store *st, int64_t task, int64_t batch, int n, const int64_t *ids,
               char *const *texts, char **json_out, struct bx_err *err)
{
	static const char sql[] = "SELECT fp, answer FROM ds_answers WHERE task = ?1 AND batch = ?2";
	struct bx_dbst *s;
	char *fence, *fp;
	int rc;

	*json_out = NULL;
	if ((rc = bx_st_merge_fence(st, &fence, err)) < 0)
		return rc;
	fp = merge_fp(fence, n, ids, (const char *const *)texts, NULL);
	free(fence);
	if ((s = bx_st_prep(st, sql, err)) == NULL) {
		free(fp);
		return err ? err->code : BX_EDB;
	}
	bx_db_bind_int64(s, 1, task);
	bx_db_bind_int64(s, 2, batch);
	rc = bx_st_step(st, s, "read Dawid-Skene's answer", err);
	if (rc == 1 && strcmp((const char *)bx_db_col_text(s, 0), fp) == 0)
		*json_out = bx_st_col_dup(s, 1);
	bx_db_reset(s);
	free(fp);
	/* NULL: a vote, and under dawid-skene the batch is stale now (the
	 * task is marked 'vote'); the next admin read that needs the result
	 * (export, consensus --batch) runs Dawid-Skene, never this writer. */
	return rc < 0 ? rc : 0;
}

/* ---- when it runs before an export ---- */

/* Batches (overlap > 1; the one named, or all) with a consensus chosen by
 * vote, when the setting says Dawid-Skene. */
static const char stale_sql[] =
    "SELECT b.id FROM batches b WHERE b.overlap > 1 AND (?1 IS NULL OR b.name = ?1) "
    "  AND (SELECT value FROM settings WHERE key = 'aggregation') = 'dawid-skene' "
    "  AND EXISTS (SELECT 1 FROM task_consensus c WHERE c.batch = b.id AND c.method = 'vote') "
    "ORDER BY b.id";

struct stale_ctx {
	const char *name;
	int64_t *ids;
	int n;
};

static int
stale_rx(struct bx_store *st, void *ctx, struct bx_err *err)
{
	struct stale_ctx *c = ctx;
	struct bx_dbst *s;
	int rc;

	if ((s = bx_st_prep(st, stale_sql, err)) == NULL)
		return err ? err->code : BX_EDB;
	if (c->name != NULL)
		bx_db_bind_text(s, 1, c->name);
	while ((rc = bx_st_step(st, s, "find stale consensus", err)) == 1) {
		c->ids = bx_realloc(c->ids, sizeof *c->ids * (size_t)(c->n + 1));
		c->ids[c->n++] = bx_db_col_int64(s, 0);
	}
	bx_db_reset(s);
	return rc < 0 ? rc : 0;
}

int
bx_store_consensus_stale(struct bx_store *st, const char *batch, int *n_out,
                         struct bx_err *err)
{
	struct stale_ctx sc = { batch, NULL, 0 };
	int rc;

	*n_out = 0;
	rc = bx_st_read(st, stale_rx, &sc, err);
	free(sc.ids);
	if (rc == 0)
		*n_out = sc.n;
	return rc;
}

int
bx_store_consensus_refresh(struct bx_store *st, const char *batch, const char *actor,
                           int64_t now_ms, int *n_out, struct bx_err *err)
{
	struct stale_ctx sc = { batch, NULL, 0 };
	struct bx_consensus_batch r;
	struct bctx c;
	int rc, i;

	*n_out = 0;
	if ((rc = bx_st_read(st, stale_rx, &sc, err)) < 0) {
		free(sc.ids);
		return rc;
	}
	for (i = 0; rc == 0 && i < sc.n; i++) {
		memset(&c, 0, sizeof c);
		c.batch = sc.ids[i];
		c.actor = actor;
		c.now = now_ms;
		c.trigger = "export";
		if ((rc = ds_run(st, &c, &r, err)) == 0)
			(*n_out)++;
	}
	free(sc.ids);
	return rc;
}
