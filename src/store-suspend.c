/* store-suspend.c: the gold rules at submit time and at a settings change:
 * score a gold task's judgment (gold_scores), the labeler's rolling
 * window, qualifying trainees, arming and taking effect of a gold
 * suspension (its grace), the one reinstate path, and re-evaluating every
 * governed labeler when accuracy_bar / gold_window / gold_min change. */
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

/* ---- gold_scores rows ---- */

static void
score_row(struct bx_dbst *s, int col, struct bx_score *o)
{
	o->tp = bx_db_col_int64(s, col);
	o->mismatch = bx_db_col_int64(s, col + 1);
	o->fp = bx_db_col_int64(s, col + 2);
	o->fn = bx_db_col_int64(s, col + 3);
	o->iou_n = bx_db_col_int64(s, col + 4);
	o->iou_sum = bx_db_col_double(s, col + 5);
	o->tag_right = bx_db_col_int64(s, col + 6);
	o->tag_wrong = bx_db_col_int64(s, col + 7);
}

#define SCORE_COLS "tp, mismatch, fp, fn, iou_n, iou_sum, tag_right, tag_wrong"
/* A gold judgment a reviewer rejected is redone by its labeler, and the redo
 * is scored: the rejected one no longer counts (else both would). */
#define NOT_REJECTED \
	" AND NOT EXISTS (SELECT 1 FROM judgments rj WHERE rj.id = g.judgment " \
	"                 AND rj.state = 'rejected') "

/* The labeler's rolling window: their last `window` gold judgments outside
 * training batches scored after gold_since (the last reinstatement), summed;
 * rows_out (may be NULL) gets them oldest first. */
int
window_sum(struct bx_store *st, int64_t uid, long window, struct bx_score *sum, int *n_out,
           struct bx_score **rows_out, struct bx_err *err)
{
	static const char sql[] =
	    "SELECT " SCORE_COLS " FROM gold_scores g "
	    "WHERE g.labeler = ?1 AND g.batch_kind <> 'training' "
	    "  AND g.id > (SELECT gold_since FROM users WHERE id = ?1) " NOT_REJECTED
	    "ORDER BY g.id DESC LIMIT ?2";
	struct bx_score one, *rows = NULL;
	struct bx_dbst *s;
	int rc, n = 0, i;

	memset(sum, 0, sizeof *sum);
	if ((s = bx_st_prep(st, sql, err)) == NULL)
		return err ? err->code : BX_EDB;
	bx_db_bind_int64(s, 1, uid);
	bx_db_bind_int64(s, 2, window);
	while ((rc = bx_st_step(st, s, "read gold window", err)) == 1) {
		score_row(s, 0, &one);
		bx_score_add(sum, &one);
		if (rows_out) {
			rows = bx_realloc(rows, (size_t)(n + 1) * sizeof *rows);
			rows[n] = one;
		}
		n++;
	}
	bx_db_reset(s);
	if (rc < 0) {
		free(rows);
		return rc;
	}
	/* newest first from SQL: reverse to oldest first */
	for (i = 0; rows && i < n / 2; i++) {
		one = rows[i];
		rows[i] = rows[n - 1 - i];
		rows[n - 1 - i] = one;
	}
	*n_out = n;
	if (rows_out)
		*rows_out = rows;
	return 0;
}

/* All of the labeler's training gold judgments since gold_since, summed. */
int
training_sum(struct bx_store *st, int64_t uid, struct bx_score *sum, int *n_out,
             struct bx_err *err)
{
	static const char sql[] =
	    "SELECT " SCORE_COLS " FROM gold_scores g "
	    "WHERE g.labeler = ?1 AND g.batch_kind = 'training' "
	    "  AND g.id > (SELECT gold_since FROM users WHERE id = ?1) " NOT_REJECTED;
	struct bx_score one;
	struct bx_dbst *s;
	int rc, n = 0;

	memset(sum, 0, sizeof *sum);
	if ((s = bx_st_prep(st, sql, err)) == NULL)
		return err ? err->code : BX_EDB;
	bx_db_bind_int64(s, 1, uid);
	while ((rc = bx_st_step(st, s, "read training scores", err)) == 1) {
		score_row(s, 0, &one);
		bx_score_add(sum, &one);
		n++;
	}
	bx_db_reset(s);
	if (rc < 0)
		return rc;
	*n_out = n;
	return 0;
}

int
bx_st_read_answer_col(struct bx_dbst *s, int col, struct bx_answer *out, struct bx_err *err)
{
	const char *json = (const char *)bx_db_col_text(s, col);

	bx_answer_init(out);
	if (json == NULL)
		return 0;
	return bx_answer_from_json(json, out, err);
}

/* ---- at submit ---- */

int
load_info(struct bx_store *st, struct sub_info *in, struct bx_err *err)
{
	static const char sql[] =
	    "SELECT b.id, b.kind, b.overlap, u.qual, u.name FROM judgments j "
	    "JOIN batches b ON b.id = j.batch JOIN users u ON u.id = j.labeler "
	    "WHERE j.id = ?1";
	struct bx_dbst *s;
	int rc;

	if ((s = bx_st_prep(st, sql, err)) == NULL)
		return err ? err->code : BX_EDB;
	bx_db_bind_int64(s, 1, in->jid);
	rc = bx_st_step(st, s, "read submitted judgment", err);
	if (rc == 1) {
		in->batch = bx_db_col_int64(s, 0);
		snprintf(in->kind, sizeof in->kind, "%s", (const char *)bx_db_col_text(s, 1));
		in->overlap = bx_db_col_int(s, 2);
		snprintf(in->qual, sizeof in->qual, "%s", (const char *)bx_db_col_text(s, 3));
		snprintf(in->name, sizeof in->name, "%s", (const char *)bx_db_col_text(s, 4));
	}
	bx_db_reset(s);
	if (rc == 0)
		return bx_err_set(err, BX_EDB, "submitted judgment %lld vanished",
		    (long long)in->jid);
	return rc < 0 ? rc : 0;
}

/* The judgment's task (a skip knows only the judgment). */
static int
load_task(struct bx_store *st, struct sub_info *in, struct bx_err *err)
{
	static const char sql[] = "SELECT task FROM judgments WHERE id = ?1";
	struct bx_dbst *s;
	int rc;

	if ((s = bx_st_prep(st, sql, err)) == NULL)
		return err ? err->code : BX_EDB;
	bx_db_bind_int64(s, 1, in->jid);
	rc = bx_st_step(st, s, "read judgment", err);
	if (rc == 1)
		in->task = bx_db_col_int64(s, 0);
	bx_db_reset(s);
	return rc < 0 ? rc : 0;
}

static int
set_qual(struct bx_store *st, struct sub_info *in, const char *qual, const struct bx_score *sum,
         int n, int64_t now, struct bx_err *err)
{
	/* A gold suspension remembers what it interrupted (a lifted one
	 * returns there). */
	static const char sql[] =
	    "UPDATE users SET qual = ?2, suspend_grace = NULL, "
	    "  suspended_by = CASE WHEN ?2 = 'suspended' THEN 'gold' END, "
	    "  suspended_from = CASE WHEN ?2 = 'suspended' THEN qual END "
	    "WHERE id = ?1";
	struct bx_buf d;
	struct bx_dbst *s;
	double acc = 0;
	int rc;

	if ((s = bx_st_prep(st, sql, err)) == NULL)
		return err ? err->code : BX_EDB;
	bx_db_bind_int64(s, 1, in->uid);
	bx_db_bind_text(s, 2, qual);
	if ((rc = bx_st_exec(st, s, "change qualification", err)) < 0)
		return rc;
	if (strcmp(qual, "suspended") == 0 && ((rc = bx_st_release_user(st, in->uid, err)) < 0 ||
	    (rc = in->defer != NULL ? hold_work_deferred(st, in->uid, in->defer, err) :
	    bx_st_hold_work(st, in->uid, now, in->hold != NULL ? in->hold :
	    in->pre_ok && in->pre != NULL ? in->pre->hold : NULL, err)) < 0))
		return rc;
	snprintf(in->qual, sizeof in->qual, "%s", qual);
	bx_score_accuracy(sum, &acc);
	bx_buf_init(&d);
	bx_buf_puts(&d, "{\"name\":");
	bx_st_json_str(&d, in->name);
	bx_buf_puts(&d, ",\"qual\":");
	bx_st_json_str(&d, qual);
	bx_buf_printf(&d, ",\"reason\":\"%s\",\"judgment\":%lld,\"gold_judgments\":%d,"
	    "\"accuracy\":", in->reason ? in->reason : "gold", (long long)in->jid, n);
	bx_json_put_num(&d, acc);
	bx_buf_putc(&d, '}');
	rc = bx_st_event(st, "boxel", "user_qual", d.p, now, err);
	bx_buf_free(&d);
	return rc;
}

/* The rule: 1 when the labeler's rolling window (gold_window) holds at
 * least gold_min gold judgments and its summed accuracy is under bar; the
 * window's sum, size and accuracy in the out-parameters. */
int
under_bar(struct bx_store *st, int64_t uid, double bar, struct bx_score *sum, int *n,
          double *acc, struct bx_err *err)
{
	double window, min;
	int rc;

	*acc = 0;
	if ((rc = bx_st_setting_num(st, "gold_window", 1, 1e6, &window, err)) < 0 ||
	    (rc = bx_st_setting_num(st, "gold_min", 1, 1e6, &min, err)) < 0 ||
	    (rc = window_sum(st, uid, (long)window, sum, n, NULL, err)) < 0)
		return rc;
	return *n >= (int)min && bx_score_accuracy(sum, acc) && *acc < bar - 1e-12;
}

static int load_task(struct bx_store *st, struct sub_info *in, struct bx_err *err);

/* Qualify a trainee once they have done enough of the training gold
 * (training_min, or all of this batch's gold if it has fewer) and the sum
 * over all their training gold reaches the bar. */
static int
training_qualify(struct bx_store *st, struct sub_info *in, double bar, int64_t now,
                 struct bx_err *err)
{
	static const char ngold[] =
	    "SELECT count(*) FROM batch_tasks bt JOIN gold g ON g.task = bt.task "
	    "WHERE bt.batch = ?1";
	struct bx_score sum;
	struct bx_dbst *s;
	double tmin, acc;
	int rc, n = 0;

	if (strcmp(in->qual, "training") != 0)
		return 0;
	if ((rc = bx_st_setting_num(st, "training_min", 1, 1e6, &tmin, err)) < 0)
		return rc;
	if ((s = bx_st_prep(st, ngold, err)) == NULL)
		return err ? err->code : BX_EDB;
	bx_db_bind_int64(s, 1, in->batch);
	if ((rc = bx_st_step(st, s, "count training gold", err)) < 0)
		return rc;
	if (rc == 1 && bx_db_col_double(s, 0) < tmin)
		tmin = bx_db_col_double(s, 0);
	bx_db_reset(s);
	if ((rc = training_sum(st, in->uid, &sum, &n, err)) < 0)
		return rc;
	if (n > 0 && n >= tmin && bx_score_accuracy(&sum, &acc) && acc >= bar - 1e-12)
		return set_qual(st, in, "qualified", &sum, n, now, err);
	return 0;
}

int
bx_st_after_skip(struct bx_store *st, int64_t jid, int64_t uid, int64_t now,
                 struct bx_err *err)
{
	struct bx_answer nothing;
	struct sub_info in;
	int rc, suspended = 0;

	memset(&in, 0, sizeof in);
	in.jid = jid;
	in.uid = uid;
	if ((rc = load_info(st, &in, err)) < 0)
		return rc;
	if (strcmp(in.kind, "training") != 0)
		return 0;
	/* Scored as an empty answer: the training task never comes back to
	 * them, and skipping the hard ones must not be a way to qualify. */
	if ((rc = load_task(st, &in, err)) < 0)
		return rc;
	bx_answer_init(&nothing);
	return gold_step(st, &in, &nothing, now, &suspended, err);
}

/* The labeler's answer scored against gold (which score_policy puts in
 * canonical form, in place). */
int
score_against(struct bx_store *st, struct bx_answer *gold, const struct bx_answer *ans,
              struct bx_score *sc, struct bx_err *err)
{
	struct bx_answer lab;
	struct bx_score_opts o;
	int rc;

	bx_answer_init(&lab);
	bx_answer_copy(&lab, ans);
	if ((rc = bx_st_score_opts(st, &o, err)) == 0 && (rc = bx_st_score_policy(st, gold, &lab, err)) == 0)
		rc = bx_score_answer(bx_st_qws(st), gold, &lab, &o, sc, NULL);
	bx_answer_free(&lab);
	return rc;
}

/* ---- when a gold suspension takes effect ----
 *
 * A suspension that showed at the claim right after the gold submit that
 * caused it would tell the labeler that task was gold. So the gold submit
 * only arms it: users.suspend_grace = 0, 1 or 2 at random, the ordinary
 * submits still allowed; each ordinary submit counts it down, and the
 * first claim that finds it at 0 suspends (set_qual: leases released,
 * unreviewed work held, which includes the work of the grace) and says
 * why. While it is armed no gold is served (the pending labeler's scores
 * cannot move, and the gold pool is not spent on them). What the labeler
 * can learn: one of their last one to three submits was gold, not which. */

/* *due: an armed suspension has no grace left. */
static int
grace_used_up(struct bx_store *st, int64_t uid, int *due, struct bx_err *err)
{
	static const char get[] = "SELECT suspend_grace FROM users WHERE id = ?1";
	struct bx_dbst *s;
	int rc;

	if ((s = bx_st_prep(st, get, err)) == NULL)
		return err ? err->code : BX_EDB;
	bx_db_bind_int64(s, 1, uid);
	rc = bx_st_step(st, s, "read suspension", err);
	*due = rc == 1 && !bx_db_col_null(s, 0) && bx_db_col_int(s, 0) == 0;
	bx_db_reset(s);
	return rc < 0 ? rc : 0;
}

/* The gold window fell under the bar: arm the suspension (once).
 * *due: it takes effect at the next claim. */
static int
suspend_later(struct bx_store *st, int64_t uid, int *due, struct bx_err *err)
{
	static const char sql[] =
	    "UPDATE users SET suspend_grace = ?2 WHERE id = ?1 AND suspend_grace IS NULL";
	struct bx_dbst *s;
	unsigned char r;
	int rc;

	/* 0, 1 or 2 alike: a byte of 255 would favour 0 (256 = 3 * 85 + 1). */
	do
		bx_st_random(&r, 1);
	while (r == 255);
	if ((s = bx_st_prep(st, sql, err)) == NULL)
		return err ? err->code : BX_EDB;
	bx_db_bind_int64(s, 1, uid);
	bx_db_bind_int(s, 2, r % 3);
	if ((rc = bx_st_exec(st, s, "arm suspension", err)) < 0)
		return rc;
	return grace_used_up(st, uid, due, err);
}

/* An ordinary submit counts an armed suspension down; *due as above. */
int
grace_step(struct bx_store *st, int64_t uid, int *due, struct bx_err *err)
{
	static const char sql[] =
	    "UPDATE users SET suspend_grace = suspend_grace - 1 "
	    "WHERE id = ?1 AND suspend_grace > 0";
	struct bx_dbst *s;
	int rc;

	if ((s = bx_st_prep(st, sql, err)) == NULL)
		return err ? err->code : BX_EDB;
	bx_db_bind_int64(s, 1, uid);
	if ((rc = bx_st_exec(st, s, "count down suspension", err)) < 0)
		return rc;
	return grace_used_up(st, uid, due, err);
}

int
bx_st_suspend_due(struct bx_store *st, int64_t uid, int64_t now, int force, int *armed,
                  struct bx_err *err)
{
	static const char sql[] = "SELECT suspend_grace, name, qual FROM users WHERE id = ?1";
	static const char clear[] = "UPDATE users SET suspend_grace = NULL WHERE id = ?1";
	struct sub_info in;
	struct bx_score sum;
	struct bx_dbst *s;
	double bar, acc;
	int rc, grace = -1, n;

	*armed = 0;
	memset(&in, 0, sizeof in);
	in.uid = uid;
	if ((s = bx_st_prep(st, sql, err)) == NULL)
		return err ? err->code : BX_EDB;
	bx_db_bind_int64(s, 1, uid);
	rc = bx_st_step(st, s, "read suspension", err);
	if (rc == 1 && !bx_db_col_null(s, 0)) {
		grace = bx_db_col_int(s, 0);
		snprintf(in.name, sizeof in.name, "%s", (const char *)bx_db_col_text(s, 1));
		snprintf(in.qual, sizeof in.qual, "%s", (const char *)bx_db_col_text(s, 2));
	}
	bx_db_reset(s);
	if (rc < 0 || grace < 0)
		return rc < 0 ? rc : 0;
	if (grace > 0 && !force) {
		*armed = 1;
		return 0;
	}
	/* Still under the bar (an admin may have lowered it meanwhile)? */
	if ((rc = bx_st_setting_num(st, "accuracy_bar", 0, 1, &bar, err)) < 0 ||
	    (rc = under_bar(st, uid, bar, &sum, &n, &acc, err)) < 0)
		return rc;
	if (rc == 1 && (strcmp(in.qual, "qualified") == 0 || strcmp(in.qual, "training") == 0)) {
		if ((rc = set_qual(st, &in, "suspended", &sum, n, now, err)) < 0)
			return rc;
		return 1;
	}
	if ((s = bx_st_prep(st, clear, err)) == NULL)
		return err ? err->code : BX_EDB;
	bx_db_bind_int64(s, 1, uid);
	return bx_st_exec(st, s, "clear suspension", err);
}

/* Gold: score, keep the row, then the labeler's state. */
int
gold_step(struct bx_store *st, struct sub_info *in, const struct bx_answer *ans, int64_t now,
          int *suspended, struct bx_err *err)
{
	static const char gsql[] = "SELECT answer FROM gold WHERE task = ?1";
	/* A rescore replaces the row with a new id (the window is in id
	 * order): delete, then insert, which both dialects speak. */
	static const char del[] = "DELETE FROM gold_scores WHERE judgment = ?1";
	static const char ins[] =
	    "INSERT INTO gold_scores(judgment, task, labeler, batch, batch_kind, ms, "
	    "  " SCORE_COLS ") VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14)";
	struct bx_answer gold;
	struct bx_score sc, sum;
	struct bx_dbst *s;
	const char *text;
	double bar, acc;
	int rc, n = 0, found, reuse = 0;

	if ((s = bx_st_prep(st, gsql, err)) == NULL)
		return err ? err->code : BX_EDB;
	bx_db_bind_int64(s, 1, in->task);
	rc = bx_st_step(st, s, "read gold", err);
	found = rc == 1;
	text = found ? bx_db_col_text(s, 0) : NULL;
	if (found && in->pre_ok && in->pre->scored && text != NULL &&
	    strcmp(text, in->pre->gold_text) == 0) {
		sc = in->pre->sc; /* scored outside the lock against this gold */
		reuse = 1;
	} else if (found && (rc = bx_st_read_answer_col(s, 0, &gold, err)) < 0) {
		bx_err_prefix(err, "gold of task %lld", (long long)in->task);
	}
	bx_db_reset(s);
	if (rc < 0 || !found)
		return rc < 0 ? rc : 0;
	in->gold = 1;
	if (!reuse) {
		rc = score_against(st, &gold, ans, &sc, err);
		bx_answer_free(&gold);
		if (rc < 0) {
			if (rc == BX_ELIMIT || rc == BX_EINVAL)
				bx_err_prefix(err, "gold score of judgment %lld", (long long)in->jid);
			return rc;
		}
	}
	if ((s = bx_st_prep(st, del, err)) == NULL)
		return err ? err->code : BX_EDB;
	bx_db_bind_int64(s, 1, in->jid);
	if ((rc = bx_st_exec(st, s, "store gold score", err)) < 0)
		return rc;
	if ((s = bx_st_prep(st, ins, err)) == NULL)
		return err ? err->code : BX_EDB;
	bx_db_bind_int64(s, 1, in->jid);
	bx_db_bind_int64(s, 2, in->task);
	bx_db_bind_int64(s, 3, in->uid);
	bx_db_bind_int64(s, 4, in->batch);
	bx_db_bind_text(s, 5, in->kind);
	bx_db_bind_int64(s, 6, now);
	bx_db_bind_int64(s, 7, sc.tp);
	bx_db_bind_int64(s, 8, sc.mismatch);
	bx_db_bind_int64(s, 9, sc.fp);
	bx_db_bind_int64(s, 10, sc.fn);
	bx_db_bind_int64(s, 11, sc.iou_n);
	bx_db_bind_double(s, 12, sc.iou_sum);
	bx_db_bind_int64(s, 13, sc.tag_right);
	bx_db_bind_int64(s, 14, sc.tag_wrong);
	if ((rc = bx_st_exec(st, s, "store gold score", err)) < 0)
		return rc;

	if ((rc = bx_st_setting_num(st, "accuracy_bar", 0, 1, &bar, err)) < 0)
		return rc;
	if (strcmp(in->kind, "training") == 0)
		return training_qualify(st, in, bar, now, err);
	/* Outside training the rule holds for everyone doing the work:
	 * trainees too (a project without a training batch has nothing but
	 * trainees). */
	if (strcmp(in->qual, "qualified") != 0 && strcmp(in->qual, "training") != 0)
		return 0;
	if ((rc = under_bar(st, in->uid, bar, &sum, &n, &acc, err)) < 0)
		return rc;
	if (rc == 1)
		return suspend_later(st, in->uid, suspended, err);
	return 0;
}

struct reinstate_ctx {
	const char *name, *actor;
	int64_t now;
};

static int
reinstate_tx(struct bx_store *st, void *ctx, struct bx_err *err)
{
	static const char sql[] =
	    "UPDATE users SET qual = 'qualified', suspended_by = NULL, suspended_from = NULL, "
	    "  suspend_grace = NULL, "
	    "  gold_since = (SELECT coalesce(max(id), 0) FROM gold_scores) WHERE id = ?1";
	struct reinstate_ctx *c = ctx;
	struct bx_buf d;
	struct bx_dbst *s;
	int64_t uid;
	int rc;

	if ((rc = bx_st_user_active(st, c->name, &uid, err)) < 0)
		return rc;
	if ((s = bx_st_prep(st, sql, err)) == NULL)
		return err ? err->code : BX_EDB;
	bx_db_bind_int64(s, 1, uid);
	if ((rc = bx_st_exec(st, s, "reinstate", err)) < 0)
		return rc;
	bx_buf_init(&d);
	bx_buf_puts(&d, "{\"name\":");
	bx_st_json_str(&d, c->name);
	bx_buf_puts(&d, ",\"qual\":\"qualified\",\"window\":\"restarted\"}");
	rc = bx_st_event(st, c->actor, "user_reinstate", d.p, c->now, err);
	bx_buf_free(&d);
	return rc;
}

int
bx_store_user_reinstate(struct bx_store *st, const char *name, const char *actor,
                        int64_t now_ms, struct bx_err *err)
{
	struct reinstate_ctx c = { name, actor, now_ms };

	if (name == NULL)
		return bx_err_set(err, BX_EINVAL, "reinstate: no user given");
	return bx_st_write(st, reinstate_tx, &c, err);
}

/* ---- the settings the rules read, and re-evaluating everyone ---- */

struct qset_ctx {
	const char *key, *val, *actor;
	int64_t now;
	int suspended, lifted;
	struct bx_st_preset *pre; /* the suspensions' merges, computed ahead */
};

/* Everyone the rule governs, against the settings as they now are: an
 * active trainee or qualified labeler whose window is under the bar is
 * suspended (as at a submit); a gold suspension the window no longer
 * supports is lifted back to what it interrupted. Admin suspensions stand. */
static int
reevaluate(struct bx_store *st, struct qset_ctx *c, struct bx_err *err)
{
	static const char usql[] =
	    "SELECT id, name, qual, coalesce(suspended_by, ''), coalesce(suspended_from, '') "
	    "FROM users WHERE active = 1 AND (qual IN ('training','qualified') "
	    "  OR suspended_by = 'gold') ORDER BY id";
	static const char lift[] =
	    "UPDATE users SET qual = ?2, suspended_by = NULL, suspended_from = NULL, "
	    "  suspend_grace = NULL WHERE id = ?1";
	struct { int64_t id; char name[72], qual[16], by[8], from[16]; } *us = NULL;
	struct held_tasks held = { 0, NULL };
	struct sub_info in;
	struct bx_score sum;
	struct bx_buf d;
	struct bx_dbst *s;
	double bar, acc;
	int rc, nu = 0, i, n, under;

	if ((rc = bx_st_setting_num(st, "accuracy_bar", 0, 1, &bar, err)) < 0)
		return rc;
	if ((s = bx_st_prep(st, usql, err)) == NULL)
		return err ? err->code : BX_EDB;
	while ((rc = bx_st_step(st, s, "list labelers", err)) == 1) {
		us = bx_realloc(us, (size_t)(nu + 1) * sizeof *us);
		us[nu].id = bx_db_col_int64(s, 0);
		snprintf(us[nu].name, sizeof us[nu].name, "%s",
		    (const char *)bx_db_col_text(s, 1));
		snprintf(us[nu].qual, sizeof us[nu].qual, "%s",
		    (const char *)bx_db_col_text(s, 2));
		snprintf(us[nu].by, sizeof us[nu].by, "%s", (const char *)bx_db_col_text(s, 3));
		snprintf(us[nu].from, sizeof us[nu].from, "%s",
		    (const char *)bx_db_col_text(s, 4));
		nu++;
	}
	bx_db_reset(s);
	for (i = 0; rc >= 0 && i < nu; i++) {
		if ((rc = under_bar(st, us[i].id, bar, &sum, &n, &acc, err)) < 0)
			break;
		under = rc;
		rc = 0;
		if (under && strcmp(us[i].qual, "suspended") != 0) {
			memset(&in, 0, sizeof in);
			in.uid = us[i].id;
			in.reason = "settings";
			in.defer = &held; /* merged once, below, when all are held */
			snprintf(in.name, sizeof in.name, "%s", us[i].name);
			rc = set_qual(st, &in, "suspended", &sum, n, c->now, err);
			c->suspended++;
		} else if (!under && strcmp(us[i].by, "gold") == 0) {
			const char *back = *us[i].from ? us[i].from : "qualified";
			if ((s = bx_st_prep(st, lift, err)) == NULL) {
				rc = err ? err->code : BX_EDB;
				break;
			}
			bx_db_bind_int64(s, 1, us[i].id);
			bx_db_bind_text(s, 2, back);
			if ((rc = bx_st_exec(st, s, "lift suspension", err)) < 0)
				break;
			bx_buf_init(&d);
			bx_buf_puts(&d, "{\"name\":");
			bx_st_json_str(&d, us[i].name);
			bx_buf_puts(&d, ",\"qual\":");
			bx_st_json_str(&d, back);
			bx_buf_printf(&d, ",\"reason\":\"settings\",\"gold_judgments\":%d}", n);
			rc = bx_st_event(st, c->actor, "user_qual", d.p, c->now, err);
			bx_buf_free(&d);
			c->lifted++;
		}
	}
	/* Two labelers suspended here who share a task: it is merged once,
	 * from the labelers that remain, as bx_st_premerge_setting predicted. */
	if (rc >= 0)
		rc = redo_held(st, &held, c->now, c->pre, err);
	free(held.v);
	free(us);
	return rc < 0 ? rc : 0;
}

static int
qset_tx(struct bx_store *st, void *ctx, struct bx_err *err)
{
	static const char sql[] =
	    "INSERT INTO settings(key, value) VALUES (?1, ?2) "
	    "ON CONFLICT(key) DO UPDATE SET value = excluded.value";
	struct qset_ctx *c = ctx;
	struct bx_buf d;
	struct bx_dbst *s;
	double window, min;
	int rc;

	if ((s = bx_st_prep(st, sql, err)) == NULL)
		return err ? err->code : BX_EDB;
	bx_db_bind_text(s, 1, c->key);
	bx_db_bind_text(s, 2, c->val);
	if ((rc = bx_st_exec(st, s, "write setting", err)) < 0)
		return rc;
	/* A window smaller than the minimum sample could never suspend
	 * anyone: refused, whichever of the two changes. */
	if ((rc = bx_st_setting_num(st, "gold_window", 1, 1e6, &window, err)) < 0 ||
	    (rc = bx_st_setting_num(st, "gold_min", 1, 1e6, &min, err)) < 0)
		return rc;
	if (window < min)
		return bx_err_set(err, BX_EINVAL, "%s %s: gold_window (%g) must be at least "
		    "gold_min (%g), or nobody could ever be suspended", c->key, c->val, window, min);
	bx_buf_init(&d);
	bx_buf_puts(&d, "{\"key\":");
	bx_st_json_str(&d, c->key);
	bx_buf_printf(&d, ",\"bytes\":%zu}", strlen(c->val));
	rc = bx_st_event(st, c->actor, "setting", d.p, c->now, err);
	bx_buf_free(&d);
	return rc < 0 ? rc : reevaluate(st, c, err);
}

int
bx_store_quality_setting_set(struct bx_store *st, const char *key, const char *val,
                             const char *actor, int64_t now_ms, int *suspended_out,
                             int *lifted_out, struct bx_err *err)
{
	struct qset_ctx c = { key, val, actor, now_ms, 0, 0, NULL };
	struct bx_st_preset pre;
	int rc;

	if (key == NULL || val == NULL)
		return bx_err_set(err, BX_EINVAL, "setting: empty key or value");
	/* Whom the new value suspends, and the consensus their held work
	 * changes, computed before the write lock (issue 12). */
	bx_st_premerge_setting(st, key, val, &pre);
	c.pre = &pre;
	rc = bx_st_write(st, qset_tx, &c, err);
	bx_st_preset_free(&pre);
	if (rc == 0) {
		if (suspended_out)
			*suspended_out = c.suspended;
		if (lifted_out)
			*lifted_out = c.lifted;
	}
	return rc;
}
