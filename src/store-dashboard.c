/* store-dashboard.c: the read side of `boxel admin`: per batch progress,
 * consensus and the gold left; per labeler their work, gold window, pace
 * over active time, review outcomes and reviews done; and the class
 * confusion against gold. Read transactions only; scoring rules are
 * store-policy.c's (bx_st_score_policy). */
#include <stdlib.h>
#include <string.h>

#include "boxel/codec.h"
#include "boxel/util.h"
#include "store-int.h"

/* ---- the admin dashboard ---- */

struct dash_ctx {
	int64_t now;
	struct bx_dashboard *d;
};

static struct bx_dash_labeler *
dash_find(struct bx_dashboard *d, const char *name)
{
	int i;

	for (i = 0; i < d->nlab; i++)
		if (strcmp(d->lab[i].name, name) == 0)
			return &d->lab[i];
	return NULL;
}

/* Review outcomes, reviews made. CASE, not a sum of booleans: the two
 * dialects agree on it. */
static int
dash_people(struct bx_store *st, struct bx_dashboard *d, struct bx_err *err)
{
	static const char rsql[] =
	    "SELECT u.name, sum(CASE WHEN r.verdict = 'accept' THEN 1 ELSE 0 END), "
	    "  sum(CASE WHEN r.verdict = 'reject' THEN 1 ELSE 0 END), "
	    "  sum(CASE WHEN r.verdict = 'fix' THEN 1 ELSE 0 END) "
	    "FROM reviews r JOIN judgments j ON j.id = r.judgment "
	    "JOIN users u ON u.id = j.labeler GROUP BY u.name";
	static const char vsql[] =
	    "SELECT u.name, count(*) FROM reviews r JOIN users u ON u.id = r.reviewer "
	    "GROUP BY u.name";
	struct bx_dash_labeler *l;
	struct bx_dbst *s;
	int rc;

	if ((s = bx_st_prep(st, rsql, err)) == NULL)
		return err ? err->code : BX_EDB;
	while ((rc = bx_st_step(st, s, "read review outcomes", err)) == 1)
		if ((l = dash_find(d, (const char *)bx_db_col_text(s, 0))) != NULL) {
			l->accepted = bx_db_col_int(s, 1);
			l->rejected = bx_db_col_int(s, 2);
			l->fixed = bx_db_col_int(s, 3);
		}
	bx_db_reset(s);
	if (rc < 0 || (s = bx_st_prep(st, vsql, err)) == NULL)
		return rc < 0 ? rc : err ? err->code : BX_EDB;
	while ((rc = bx_st_step(st, s, "read reviews made", err)) == 1)
		if ((l = dash_find(d, (const char *)bx_db_col_text(s, 0))) != NULL)
			l->reviews = bx_db_col_int(s, 1);
	bx_db_reset(s);
	return rc < 0 ? rc : 0;
}

static int
dash_rx(struct bx_store *st, void *ctx, struct bx_err *err)
{
	static const char csql[] =
	    "SELECT b.id, count(c.task), coalesce(sum(c.needs_review), 0), avg(c.agreement) "
	    "FROM batches b LEFT JOIN task_consensus c ON c.batch = b.id GROUP BY b.id";
	static const char hsql[] =
	    "SELECT u.name, 23 - max(?1 - j.submitted_ms, 0) / 3600000, count(*) FROM judgments j "
	    "JOIN users u ON u.id = j.labeler WHERE j.submitted_ms > ?1 - 24 * 3600000 "
	    "  AND j.state IN ('submitted','accepted','rejected') GROUP BY 1, 2";
	struct dash_ctx *c = ctx;
	struct bx_dashboard *d = c->d;
	struct bx_dbst *s;
	int rc, i, h;

	d->cons_n = bx_calloc((size_t)d->nbatches + 1, sizeof *d->cons_n);
	d->cons_review = bx_calloc((size_t)d->nbatches + 1, sizeof *d->cons_review);
	d->cons_agreement = bx_calloc((size_t)d->nbatches + 1, sizeof *d->cons_agreement);
	if ((s = bx_st_prep(st, csql, err)) == NULL)
		return err ? err->code : BX_EDB;
	while ((rc = bx_st_step(st, s, "read consensus", err)) == 1)
		for (i = 0; i < d->nbatches; i++)
			if (d->batches[i].id == bx_db_col_int64(s, 0)) {
				d->cons_n[i] = bx_db_col_int(s, 1);
				d->cons_review[i] = bx_db_col_int(s, 2);
				d->cons_agreement[i] = bx_db_col_double(s, 3);
			}
	bx_db_reset(s);
	if (rc < 0)
		return rc;
	if ((s = bx_st_prep(st, hsql, err)) == NULL)
		return err ? err->code : BX_EDB;
	bx_db_bind_int64(s, 1, c->now);
	while ((rc = bx_st_step(st, s, "read submits per hour", err)) == 1) {
		const char *name = (const char *)bx_db_col_text(s, 0);
		h = bx_db_col_int(s, 1);
		for (i = 0; i < d->nlab && h >= 0 && h < 24; i++)
			if (strcmp(d->lab[i].name, name) == 0)
				d->lab[i].hourly[h] += bx_db_col_int(s, 2);
	}
	bx_db_reset(s);
	if (rc < 0)
		return rc;
	return dash_people(st, d, err);
}

int
bx_store_dashboard(struct bx_store *st, int64_t now_ms, struct bx_dashboard *d,
                   struct bx_err *err)
{
	struct bx_labeler_stats *ls = NULL;
	struct bx_user *us = NULL;
	struct bx_user_quality q;
	struct dash_ctx c = { now_ms, d };
	struct bx_gold_left *gl = NULL;
	double bar, gmin, a;
	int nls = 0, nus = 0, ngl = 0, i, k, rc;

	memset(d, 0, sizeof *d);
	if ((rc = bx_st_setting_num(st, "accuracy_bar", 0, 1, &bar, err)) < 0 ||
	    (rc = bx_st_setting_num(st, "gold_min", 1, 1e6, &gmin, err)) < 0)
		return rc;
	if ((rc = bx_store_batch_list(st, &d->batches, &d->nbatches, err)) < 0 ||
	    (rc = bx_store_user_list(st, &us, &nus, err)) < 0 ||
	    (rc = bx_store_labeler_stats(st, &ls, &nls, err)) < 0)
		goto out;
	d->lab = bx_calloc((size_t)nus + 1, sizeof *d->lab);
	for (i = 0; i < nus; i++) {
		struct bx_dash_labeler *l = &d->lab[d->nlab++];
		l->name = bx_strdup(us[i].name);
		l->role = bx_strdup(us[i].role);
		l->qual = bx_strdup(us[i].qual ? us[i].qual : "");
		l->active = us[i].active;
		l->suspend_grace = us[i].suspend_grace;
		for (k = 0; k < nls; k++)
			if (strcmp(ls[k].name, us[i].name) == 0) {
				l->submitted = ls[k].submitted;
				l->skipped = ls[k].skipped;
				l->leased = ls[k].leased;
				l->per_hour = ls[k].per_hour;
				l->active_per_hour = ls[k].per_hour;
				l->median_seconds = ls[k].median_seconds;
			}
		memset(&q, 0, sizeof q);
		if ((rc = bx_store_user_quality(st, us[i].name, &q, err)) < 0)
			goto out;
		l->window = q.window;
		l->window_n = q.window_n;
		/* The rule's own test (under_bar), short only of gold_min. */
		l->at_risk = l->active && l->suspend_grace < 0 &&
		    (strcmp(l->qual, "qualified") == 0 || strcmp(l->qual, "training") == 0) &&
		    q.window_n > 0 && q.window_n < (int)gmin &&
		    bx_score_accuracy(&q.window, &a) && a < bar - 1e-12;
		for (k = q.nrecent > 16 ? q.nrecent - 16 : 0; k < q.nrecent; k++)
			if (bx_score_accuracy(&q.recent[k], &l->recent[l->nrecent]))
				l->nrecent++;
		bx_user_quality_free(&q);
	}
	rc = bx_st_read(st, dash_rx, &c, err);
	if (rc == 0 && (rc = bx_store_gold_left(st, NULL, NULL, &gl, &ngl, err)) == 0) {
		d->gold_left = bx_malloc(sizeof *d->gold_left * (size_t)(d->nbatches + 1));
		for (i = 0; i < d->nbatches; i++) {
			d->gold_left[i] = -1;
			for (k = 0; k < ngl; k++)
				if (strcmp(gl[k].batch, d->batches[i].name) == 0 &&
				    (d->gold_left[i] < 0 || gl[k].left < d->gold_left[i]))
					d->gold_left[i] = gl[k].left;
		}
	}
	bx_gold_left_free(gl, ngl);
out:
	for (i = 0; i < nus; i++)
		bx_user_free(&us[i]);
	free(us);
	bx_labeler_stats_free(ls, nls);
	if (rc < 0)
		bx_dashboard_free(d);
	return rc < 0 ? rc : 0;
}

void
bx_dashboard_free(struct bx_dashboard *d)
{
	int i;

	bx_batches_free(d->batches, d->nbatches);
	free(d->cons_n);
	free(d->cons_review);
	free(d->cons_agreement);
	free(d->gold_left);
	for (i = 0; i < d->nlab; i++) {
		free(d->lab[i].name);
		free(d->lab[i].role);
		free(d->lab[i].qual);
	}
	free(d->lab);
	memset(d, 0, sizeof *d);
}

static int
class_index(struct bx_confusion *c, const char *name)
{
	int i;

	for (i = 0; i < c->n; i++)
		if (strcmp(c->classes[i], name) == 0)
			return i;
	c->classes = bx_realloc(c->classes, (size_t)(c->n + 1) * sizeof *c->classes);
	c->classes[c->n] = bx_strdup(name);
	return c->n++;
}

struct pair { int r, c; };

static int
cmp_name(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

static int
confusion_rx(struct bx_store *st, void *ctx, struct bx_err *err)
{
	static const char sql[] =
	    "SELECT j.answer, g.answer FROM gold_scores s JOIN judgments j ON j.id = s.judgment "
	    "JOIN gold g ON g.task = j.task WHERE j.answer IS NOT NULL ORDER BY s.id";
	struct bx_confusion *c = ctx;
	struct bx_score_opts o;
	struct bx_score sc;
	struct bx_score_detail d;
	struct bx_answer lab, gold;
	struct pair *pairs = NULL;
	size_t np = 0;
	struct bx_dbst *s;
	char **sorted;
	int *map, rc, i, j;

	if ((rc = bx_st_score_opts(st, &o, err)) < 0)
		return rc;
	if ((s = bx_st_prep(st, sql, err)) == NULL)
		return err ? err->code : BX_EDB;
	while ((rc = bx_st_step(st, s, "read gold judgments", err)) == 1) {
		bx_answer_init(&lab);
		bx_answer_init(&gold);
		if ((rc = bx_st_read_answer_col(s, 0, &lab, err)) < 0 ||
		    (rc = bx_st_read_answer_col(s, 1, &gold, err)) < 0) {
			bx_answer_free(&lab);
			bx_answer_free(&gold);
			break;
		}
		memset(&d, 0, sizeof d);
		d.gold_match = bx_calloc((size_t)gold.n + 1, sizeof *d.gold_match);
		d.lab_match = bx_calloc((size_t)lab.n + 1, sizeof *d.lab_match);
		if (bx_st_score_policy(st, &gold, &lab, NULL) == 0 &&
		    bx_score_answer(bx_st_qws(st), &gold, &lab, &o, &sc, &d) == 0) {
			c->judgments++;
			/* class -1 stands for "none" until the classes are known */
			for (i = 0; i < gold.n; i++) {
				pairs = bx_realloc(pairs, (np + 1) * sizeof *pairs);
				pairs[np].r = class_index(c, gold.a[i].cls ? gold.a[i].cls : "-");
				j = d.gold_match[i];
				pairs[np++].c = j >= 0 && j < lab.n ?
				    class_index(c, lab.a[j].cls ? lab.a[j].cls : "-") : -1;
			}
			for (j = 0; j < lab.n; j++)
				if (d.lab_match[j] < 0) {
					pairs = bx_realloc(pairs, (np + 1) * sizeof *pairs);
					pairs[np].r = -1;
					pairs[np++].c = class_index(c, lab.a[j].cls ? lab.a[j].cls : "-");
				}
		}
		free(d.gold_match);
		free(d.lab_match);
		bx_answer_free(&lab);
		bx_answer_free(&gold);
	}
	bx_db_reset(s);
	if (rc >= 0) {
		/* Sort the classes by name and count the pairs in that order. */
		sorted = bx_malloc(((size_t)c->n + 1) * sizeof *sorted);
		memcpy(sorted, c->classes, (size_t)c->n * sizeof *sorted);
		qsort(sorted, (size_t)c->n, sizeof *sorted, cmp_name);
		map = bx_malloc(((size_t)c->n + 1) * sizeof *map);
		for (i = 0; i < c->n; i++)
			for (j = 0; j < c->n; j++)
				if (sorted[j] == c->classes[i])
					map[i] = j;
		c->counts = bx_calloc((size_t)(c->n + 1) * (size_t)(c->n + 1), sizeof *c->counts);
		for (i = 0; i < (int)np; i++)
			c->counts[(pairs[i].r < 0 ? c->n : map[pairs[i].r]) * (c->n + 1) +
			    (pairs[i].c < 0 ? c->n : map[pairs[i].c])]++;
		free(c->classes);
		c->classes = sorted;
		free(map);
		rc = 0;
	}
	free(pairs);
	return rc;
}

int
bx_store_confusion(struct bx_store *st, struct bx_confusion *out, struct bx_err *err)
{
	int rc;

	memset(out, 0, sizeof *out);
	rc = bx_st_read(st, confusion_rx, out, err);
	if (rc < 0)
		bx_confusion_free(out);
	return rc < 0 ? rc : 0;
}

void
bx_confusion_free(struct bx_confusion *c)
{
	int i;

	for (i = 0; i < c->n; i++)
		free(c->classes[i]);
	free(c->classes);
	free(c->counts);
	memset(c, 0, sizeof *c);
}
