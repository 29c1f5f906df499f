/* store-feedback.c: training feedback: what a trainee's answer got wrong
 * against the gold, said as the labeler would type it (the differing
 * attribute and the gold's value). */
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

/* ---- training feedback (added by tui2) ---- */

void
bx_training_feedback_free(struct bx_training_feedback *f)
{
	int i;

	if (f == NULL)
		return;
	bx_answer_free(&f->gold);
	free(f->gold_verdict);
	free(f->lab_verdict);
	free(f->gold_match);
	free(f->lab_match);
	free(f->gold_sim);
	for (i = 0; f->lab_note != NULL && i < f->answer.n; i++)
		free(f->lab_note[i]);
	free(f->lab_note);
	bx_answer_free(&f->answer);
	memset(f, 0, sizeof *f);
}

/* A value as the labeler would type it. */
static void
value_text(struct bx_buf *b, const struct bx_value *v)
{
	int i;

	switch (v->type) {
	case BX_VAL_STR: bx_buf_puts(b, v->str ? v->str : ""); break;
	case BX_VAL_NUM: bx_buf_printf(b, "%g", v->num); break;
	case BX_VAL_BOOL: bx_buf_puts(b, v->b ? "true" : "false"); break;
	case BX_VAL_LIST:
		for (i = 0; i < v->nlist; i++)
			bx_buf_printf(b, "%s%s", i ? "," : "", v->list[i]);
		break;
	default: bx_buf_puts(b, "(unset)"); break;
	}
}

/* For a matched object of the gold's class that still mismatched: the first
 * attribute (by name, among those compared) whose value differs, with the
 * gold's value: "occluded: gold says true". NULL when the classes differ
 * (the view names the gold's class) or nothing differs. */
static char *
attr_note(const struct bx_annot *lab, const struct bx_annot *gold)
{
	static const struct bx_value unset = { .type = BX_VAL_NONE };
	const struct bx_attrs *sides[2] = { &gold->attrs, &lab->attrs };
	const struct bx_value *gv, *lv;
	struct bx_buf b;
	int k, i;

	if (strcmp(lab->cls ? lab->cls : "", gold->cls ? gold->cls : "") != 0)
		return NULL;
	for (k = 0; k < 2; k++)
		for (i = 0; i < sides[k]->n; i++) {
			const char *key = sides[k]->a[i].key;
			struct bx_attrs one_g = { 0 }, one_l = { 0 };
			gv = bx_attrs_get(&gold->attrs, key);
			lv = bx_attrs_get(&lab->attrs, key);
			bx_attrs_set(&one_g, key, gv ? gv : &unset);
			bx_attrs_set(&one_l, key, lv ? lv : &unset);
			if (!bx_attrs_equal(&one_g, &one_l)) {
				bx_attrs_free(&one_g);
				bx_attrs_free(&one_l);
				bx_buf_init(&b);
				bx_buf_printf(&b, "%s: gold says ", key);
				value_text(&b, gv ? gv : &unset);
				return b.p;
			}
			bx_attrs_free(&one_g);
			bx_attrs_free(&one_l);
		}
	return NULL;
}

struct tf_ctx {
	int64_t jid;
	const char *user;
	struct bx_training_feedback *f;
};

static int
training_feedback_rx(struct bx_store *st, void *ctx, struct bx_err *err)
{
	static const char jsql[] =
	    "SELECT j.state, u.name, b.kind, j.answer, g.answer FROM judgments j "
	    "JOIN batches b ON b.id = j.batch LEFT JOIN users u ON u.id = j.labeler "
	    "LEFT JOIN gold g ON g.task = j.task WHERE j.id = ?1";
	struct tf_ctx *c = ctx;
	struct bx_training_feedback *f = c->f;
	struct bx_score_detail d;
	struct bx_score_opts o;
	const char *state, *name, *kind;
	struct bx_dbst *s;
	int rc, found, has_gold = 0, i;

	if ((s = bx_st_prep(st, jsql, err)) == NULL)
		return err ? err->code : BX_EDB;
	bx_db_bind_int64(s, 1, c->jid);
	rc = bx_st_step(st, s, "read judgment", err);
	found = rc == 1;
	if (found) {
		rc = 0;
		state = (const char *)bx_db_col_text(s, 0);
		name = (const char *)bx_db_col_text(s, 1);
		kind = (const char *)bx_db_col_text(s, 2);
		has_gold = !bx_db_col_null(s, 4);
		if (name == NULL || strcmp(name, c->user) != 0)
			rc = bx_err_set(err, BX_EPERM, "judgment %lld is not %s's",
			    (long long)c->jid, c->user);
		else if (strcmp(state, "submitted") != 0 && strcmp(state, "accepted") != 0 &&
		    strcmp(state, "rejected") != 0)
			rc = bx_err_set(err, BX_EINVAL, "judgment %lld is not submitted (%s)",
			    (long long)c->jid, state);
		else if (strcmp(kind, "training") != 0)
			rc = bx_err_set(err, BX_EPERM,
			    "judgment %lld is not in a training batch: no feedback",
			    (long long)c->jid);
		else if (!has_gold)
			rc = bx_err_set(err, BX_ENOENT, "judgment %lld: the task has no gold",
			    (long long)c->jid);
		else if ((rc = bx_st_read_answer_col(s, 3, &f->answer, err)) == 0 &&
		    (rc = bx_st_read_answer_col(s, 4, &f->gold, err)) < 0)
			bx_err_prefix(err, "gold of judgment %lld", (long long)c->jid);
	}
	bx_db_reset(s);
	if (!found)
		return rc < 0 ? rc : bx_err_set(err, BX_ENOENT, "no judgment %lld", (long long)c->jid);
	if (rc < 0)
		return rc;
	if ((rc = bx_st_score_opts(st, &o, err)) < 0 ||
	    (rc = bx_st_score_policy(st, &f->gold, &f->answer, err)) < 0)
		return rc;
	/* +1: calloc of 0 elements may be NULL, and NULL means "skip". */
	f->gold_verdict = bx_calloc((size_t)f->gold.n + 1, sizeof *f->gold_verdict);
	f->gold_match = bx_calloc((size_t)f->gold.n + 1, sizeof *f->gold_match);
	f->gold_sim = bx_calloc((size_t)f->gold.n + 1, sizeof *f->gold_sim);
	f->lab_verdict = bx_calloc((size_t)f->answer.n + 1, sizeof *f->lab_verdict);
	f->lab_match = bx_calloc((size_t)f->answer.n + 1, sizeof *f->lab_match);
	d.gold_match = f->gold_match;
	d.lab_match = f->lab_match;
	d.gold_sim = f->gold_sim;
	d.gold_verdict = f->gold_verdict;
	d.lab_verdict = f->lab_verdict;
	if ((rc = bx_score_answer(bx_st_qws(st), &f->gold, &f->answer, &o, &f->score, &d)) < 0)
		return rc;
	f->lab_note = bx_calloc((size_t)f->answer.n + 1, sizeof *f->lab_note);
	for (i = 0; i < f->answer.n; i++)
		if (f->lab_verdict[i] == BX_V_MISMATCH && f->lab_match[i] >= 0)
			f->lab_note[i] = attr_note(&f->answer.a[i], &f->gold.a[f->lab_match[i]]);
	return 0;
}

int
bx_store_training_feedback(struct bx_store *st, int64_t judgment, const char *user,
                           struct bx_training_feedback *out, struct bx_err *err)
{
	struct tf_ctx c = { judgment, user, out };
	int rc;

	memset(out, 0, sizeof *out);
	bx_answer_init(&out->gold);
	bx_answer_init(&out->answer);
	if (user == NULL)
		return bx_err_set(err, BX_EPERM, "no user given");
	rc = bx_st_read(st, training_feedback_rx, &c, err);
	if (rc < 0)
		bx_training_feedback_free(out);
	return rc;
}
