/* store-submit.c: a submit, token-fenced: the answer, its annotation rows,
 * the draft dropped, the event, and the quality work computed ahead
 * committed with it; a submit and the next claim in one transaction. */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "boxel/codec.h"
#include "boxel/formats.h"
#include "boxel/geom.h"
#include "boxel/util.h"
#include "store-int.h"
#include "store-queue.h"

static void
points_json(struct bx_buf *b, const struct bx_annot *an)
{
	int i;

	bx_buf_putc(b, '[');
	for (i = 0; i < an->npts; i++)
	{
		/* bx_json_put_num: locale-proof shortest round-trip numbers. */
		bx_buf_puts(b, i ? ",[" : "[");
		bx_json_put_num(b, an->pts[i].x);
		bx_buf_putc(b, ',');
		bx_json_put_num(b, an->pts[i].y);
		bx_buf_putc(b, ']');
	}
	bx_buf_putc(b, ']');
}

/* The text and bounds of an answer's annotation rows, made before the
 * write transaction: a 9,000-vertex polygon's points text costs 4M
 * instructions, which the writers' gate need not wait for. */
struct bx_st_annot_row {
	const struct bx_annot *an;
	const struct bx_geom_kind *k;
	double x, y, w, h;
	char *points, *attrs;
};

void
bx_st_annot_rows_make(const struct bx_answer *ans, struct bx_st_annot_rows *out)
{
	struct bx_buf pts;
	int i;

	out->n = ans->n;
	out->r = ans->n > 0 ? bx_calloc((size_t)ans->n, sizeof *out->r) : NULL;
	for (i = 0; i < ans->n; i++) {
		struct bx_st_annot_row *r = &out->r[i];

		r->an = &ans->a[i];
		r->k = bx_geom_kind(r->an->geom);
		bx_annot_bounds(r->an, &r->x, &r->y, &r->w, &r->h);
		if (r->k != NULL && (r->k->form == BX_FORM_POINT || r->k->form == BX_FORM_POINTS)) {
			bx_buf_init(&pts);
			points_json(&pts, r->an);
			r->points = pts.p;
		}
		r->attrs = r->an->attrs.n > 0 ? bx_attrs_to_json(&r->an->attrs) : NULL;
	}
}

void
bx_st_annot_rows_free(struct bx_st_annot_rows *rows)
{
	int i;

	for (i = 0; i < rows->n; i++) {
		free(rows->r[i].points);
		free(rows->r[i].attrs);
	}
	free(rows->r);
	rows->r = NULL;
	rows->n = 0;
}

int
bx_st_annot_rows_put(struct bx_store *st, int64_t judgment, const struct bx_st_annot_rows *rows,
                     struct bx_err *err)
{
	static const char del[] = "DELETE FROM annotations WHERE judgment = ?1";
	static const char ins[] =
	    "INSERT INTO annotations(judgment, idx, geom, class, x, y, w, h, points, attributes) "
	    "VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10)";
	struct bx_dbst *s;
	int i, rc;

	if ((s = bx_st_prep(st, del, err)) == NULL)
		return err ? err->code : BX_EDB;
	bx_db_bind_int64(s, 1, judgment);
	if ((rc = bx_st_exec(st, s, "clear annotations", err)) < 0)
		return rc;
	for (i = 0; i < rows->n; i++) {
		const struct bx_st_annot_row *r = &rows->r[i];

		if ((s = bx_st_prep(st, ins, err)) == NULL)
			return err ? err->code : BX_EDB;
		bx_db_bind_int64(s, 1, judgment);
		bx_db_bind_int(s, 2, i);
		bx_db_bind_text(s, 3, bx_geom_name(r->an->geom));
		bx_db_bind_text(s, 4, r->an->cls ? r->an->cls : "");
		if (r->k != NULL && r->k->form != BX_FORM_NONE) {
			bx_db_bind_double(s, 5, r->x);
			bx_db_bind_double(s, 6, r->y);
			bx_db_bind_double(s, 7, r->w);
			bx_db_bind_double(s, 8, r->h);
		}
		/* Copied: the rows may be freed before the cached statement is
		 * next cleared. */
		bx_db_bind_text_copy(s, 9, r->points);
		bx_db_bind_text_copy(s, 10, r->attrs);
		if ((rc = bx_st_exec(st, s, "store annotation", err)) < 0)
			return rc;
	}
	return 0;
}

int
bx_st_annotations_put(struct bx_store *st, int64_t judgment, const struct bx_answer *ans,
                      struct bx_err *err)
{
	struct bx_st_annot_rows rows;
	int rc;

	bx_st_annot_rows_make(ans, &rows);
	rc = bx_st_annot_rows_put(st, judgment, &rows, err);
	bx_st_annot_rows_free(&rows);
	return rc;
}

int
bx_st_drop_draft(struct bx_store *st, int64_t jid, struct bx_err *err)
{
	static const char jsql[] = "DELETE FROM journal WHERE judgment = ?1";
	static const char dsql[] = "DELETE FROM drafts WHERE judgment = ?1";
	struct bx_dbst *s;
	int rc;

	if ((s = bx_st_prep(st, jsql, err)) == NULL)
		return err ? err->code : BX_EDB;
	bx_db_bind_int64(s, 1, jid);
	if ((rc = bx_st_exec(st, s, "drop journal", err)) < 0)
		return rc;
	if ((s = bx_st_prep(st, dsql, err)) == NULL)
		return err ? err->code : BX_EDB;
	bx_db_bind_int64(s, 1, jid);
	return bx_st_exec(st, s, "drop draft", err);
}

static int
submit_tx(struct bx_store *st, void *ctx, struct bx_err *err)
{
	static const char sql[] =
	    "UPDATE judgments SET state = 'submitted', answer = ?3, seconds = ?4, "
	    "  submitted_ms = ?5, lease_until = NULL "
	    "WHERE id = ?1 AND lease_token = ?2 AND state = 'leased' "
	    "RETURNING labeler, task";
	struct bx_st_fenced_ctx *c = ctx;
	struct bx_dbst *s;
	int64_t uid = 0, task = 0;
	int rc;

	if (c->token == NULL)
		return bx_st_lease_lost(c->jid, err);
	if ((s = bx_st_prep(st, sql, err)) == NULL)
		return err ? err->code : BX_EDB;
	bx_db_bind_int64(s, 1, c->jid);
	bx_db_bind_text(s, 2, c->token);
	bx_db_bind_text(s, 3, c->answer_json);
	bx_db_bind_double(s, 4, c->seconds);
	bx_db_bind_int64(s, 5, c->now);
	rc = bx_st_step(st, s, "submit", err);
	if (rc == 1) {
		uid = bx_db_col_int64(s, 0);
		task = bx_db_col_int64(s, 1);
	}
	bx_db_reset(s);
	if (rc < 0)
		return rc;
	if (rc == 0)
		return bx_st_lease_lost(c->jid, err);
	if ((rc = bx_st_annot_rows_put(st, c->jid, c->rows, err)) < 0 ||
	    (rc = bx_st_drop_draft(st, c->jid, err)) < 0 ||
	    (rc = bx_st_fenced_event(st, c, uid, task, "submit", err)) < 0)
		return rc;
	/* Gold score, labeler state and consensus commit with the submit
	 * (computed before it, when nothing changed since). */
	return bx_st_after_submit(st, c->jid, uid, task, c->ans, c->pre, c->now, &c->suspended,
	                          err);
}

int
bx_queue_submit(struct bx_store *st, int64_t judgment, const char *token,
                const struct bx_answer *ans, double seconds, int64_t now_ms,
                struct bx_err *err)
{
	struct bx_st_fenced_ctx c = { .jid = judgment, .token = token, .now = now_ms, .ans = ans,
	                        .seconds = seconds };
	struct bx_st_annot_rows rows;
	struct bx_st_precomp pre;
	int rc;

	if (!isfinite(seconds) || seconds < 0)
		return bx_err_set(err, BX_EINVAL, "seconds must be a finite number >= 0");
	c.answer_json = bx_answer_to_json(ans);
	bx_st_annot_rows_make(ans, &rows);
	c.rows = &rows;
	bx_st_precompute(st, judgment, token, ans, c.answer_json, &pre);
	c.pre = &pre;
	rc = bx_st_write(st, submit_tx, &c, err);
	if (rc >= 0 && pre.later)
		bx_st_merge_detach(st, judgment);
	bx_st_precomp_free(&pre);
	bx_st_annot_rows_free(&rows);
	free((char *)c.answer_json);
	return rc;
}

struct submit_next_ctx {
	struct bx_st_fenced_ctx sub;
	struct bx_st_claim_ctx claim;
};

static int
submit_next_tx(struct bx_store *st, void *ctx, struct bx_err *err)
{
	static const char who[] = "SELECT labeler FROM judgments WHERE id = ?1";
	struct submit_next_ctx *c = ctx;
	struct bx_dbst *s;
	int64_t uid = -1;
	int rc;

	if ((rc = submit_tx(st, &c->sub, err)) < 0)
		return rc;
	if (c->sub.suspended) {
		/* Submitted; the claim would refuse them. Still check whose it is. */
		if (bx_st_user_id(st, c->claim.user, &c->claim.uid, NULL) < 0)
			c->claim.uid = -2;
		rc = 1;
	} else if ((rc = bx_st_claim_tx(st, &c->claim, err)) < 0) {
		return rc;
	}
	if ((s = bx_st_prep(st, who, err)) == NULL)
		return err ? err->code : BX_EDB;
	bx_db_bind_int64(s, 1, c->sub.jid);
	if (bx_st_step(st, s, "read labeler", err) == 1)
		uid = bx_db_col_int64(s, 0);
	bx_db_reset(s);
	if (uid != c->claim.uid)
		return bx_err_set(err, BX_EPERM, "judgment %lld is not %s's", (long long)c->sub.jid,
		    c->claim.user);
	return rc; /* 1: no next task; the submit still commits */
}

int
bx_queue_submit_next(struct bx_store *st, int64_t judgment, const char *token,
                     const struct bx_answer *ans, double seconds, const char *user,
                     int64_t lease_ms, int64_t now_ms, struct bx_claim *next_out,
                     struct bx_err *err)
{
	struct submit_next_ctx c;
	struct bx_st_annot_rows rows;
	struct bx_st_precomp pre;
	int rc;

	memset(next_out, 0, sizeof *next_out);
	if (!isfinite(seconds) || seconds < 0)
		return bx_err_set(err, BX_EINVAL, "seconds must be a finite number >= 0");
	if (user == NULL)
		return bx_err_set(err, BX_EPERM, "no user given");
	if (lease_ms <= 0)
		return bx_err_set(err, BX_EINVAL, "lease must be positive");
	memset(&c, 0, sizeof c);
	c.sub.jid = judgment;
	c.sub.token = token;
	c.sub.now = now_ms;
	c.sub.ans = ans;
	c.sub.seconds = seconds;
	c.claim.user = user;
	c.claim.lease_ms = lease_ms;
	c.claim.now = now_ms;
	c.claim.out = next_out;
	c.sub.answer_json = bx_answer_to_json(ans);
	bx_st_annot_rows_make(ans, &rows);
	c.sub.rows = &rows;
	bx_st_precompute(st, judgment, token, ans, c.sub.answer_json, &pre);
	c.sub.pre = &pre;
	rc = bx_st_write(st, submit_next_tx, &c, err);
	if (rc >= 0 && pre.later)
		bx_st_merge_detach(st, judgment);
	bx_st_precomp_free(&pre);
	bx_st_annot_rows_free(&rows);
	free((char *)c.sub.answer_json);
	/* Suspended by this submit: the reason comes from the next claim, as
	 * for any claim of a suspended labeler, never from the submit (that
	 * would name the task just submitted as gold). */
	if (rc == 1 && c.sub.suspended)
		rc = bx_queue_claim(st, user, lease_ms, now_ms, next_out, err);
	else if (rc == 2)
		rc = bx_st_gold_suspended(user, err);
	else if (rc == 1)
		rc = bx_err_set(err, BX_EEMPTY,
		    "submitted; no more work for %s: every open task is leased, done, or "
		    "already judged by %s", user, user);
	if (rc < 0)
		bx_claim_free(next_out);
	return rc;
}
