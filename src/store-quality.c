/* store-quality.c: what the store does with quality at submit time, in the
 * submit's own transaction: score a gold task's judgment (gold_scores),
 * move the labeler between training / qualified / suspended, and store a
 * task's consensus once its last replica is in; plus the read side (a
 * labeler's rolling window, a batch's agreement). The heavy part (the score,
 * the merge) is computed before the transaction, in a read transaction,
 * and used inside only if its inputs are unchanged (bx_st_precompute), so
 * one labeler's huge answer does not hold every other writer up. Scoring itself is the pure
 * quality module; this file only feeds it answers and keeps its counts. Batch-wide
 * consensus (Dawid-Skene) is store-consensus.c; the dashboard's reads store-dashboard.c. */
#include <locale.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "boxel/codec.h"
#include "boxel/formats.h"
#include "boxel/taxonomy.h"
#include "boxel/util.h"
#include "boxel/aggregate.h"
#include "store-int.h"


/* ---- settings ---- */

int
bx_st_setting_num(struct bx_store *st, const char *key, double lo, double hi, double *out,
            struct bx_err *err)
{
	static locale_t cloc;
	char *v, *end;
	double d;
	int rc;

	if ((rc = bx_store_setting_get(st, key, &v, err)) < 0)
		return rc;
	if (cloc == (locale_t)0)
		cloc = newlocale(LC_NUMERIC_MASK, "C", (locale_t)0);
	d = strtod_l(v, &end, cloc);
	if (end == v || *end != '\0' || !isfinite(d) || d < lo || d > hi) {
		rc = bx_err_set(err, BX_EINVAL, "setting %s: '%s' is not a number in %g..%g", key,
		    v, lo, hi);
		free(v);
		return rc;
	}
	free(v);
	*out = d;
	return 0;
}

int
bx_st_score_opts(struct bx_store *st, struct bx_score_opts *o, struct bx_err *err)
{
	int rc;

	bx_score_opts_default(o);
	if ((rc = bx_st_setting_num(st, "iou_threshold", 1e-9, 1, &o->iou, err)) < 0 ||
	    (rc = bx_st_setting_num(st, "line_thickness", 1e-9, 1000, &o->line_thickness, err)) < 0)
		return rc;
	return bx_st_score_sigmas(st, o, err);
}

/* Keep only the attributes named in the comma list (empty: none). */
static void
attrs_keep(struct bx_attrs *as, const char *list)
{
	static const struct bx_value none = { .type = BX_VAL_NONE };
	size_t kl;
	const char *p;
	int i, keep;

	for (i = as->n - 1; i >= 0; i--) {
		kl = strlen(as->a[i].key);
		keep = 0;
		for (p = list; *p && !keep; p += strcspn(p, ","), p += *p == ',')
			keep = strcspn(p, ",") == kl && strncmp(p, as->a[i].key, kl) == 0;
		if (!keep)
			bx_attrs_set(as, as->a[i].key, &none);
	}
}

/* The one attribute policy of scoring, applied to both sides: answers in
 * canonical form (an unset attribute is the taxonomy's default, whoever
 * wrote the answer: import, screen, submit, gold), then only what the
 * setting compare_attributes names: all (default), none, or a comma list
 * (CVAT's compare_attributes). A store without a usable taxonomy skips the
 * first step. */
/* The n answers in canonical form (an unset attribute is the taxonomy's
 * default): what scoring, consensus and agreement compare. A store
 * without a usable taxonomy leaves them as they are. */
int
bx_st_canonical(struct bx_store *st, struct bx_answer *const *ans, int n, struct bx_err *err)
{
	struct bx_taxonomy *t = NULL;
	struct bx_err terr = { 0 };
	char *text;
	int rc, i;

	if (n == 0)
		return 0;
	if ((rc = bx_store_setting_get(st, "taxonomy", &text, err)) < 0)
		return rc;
	if (*text && bx_taxonomy_load_text(text, "taxonomy (project)", &t, &terr) == 0) {
		for (i = 0; i < n; i++)
			bx_taxonomy_canonical(t, ans[i]);
		bx_taxonomy_free(t);
	}
	free(text);
	return 0;
}

int
bx_st_score_policy(struct bx_store *st, struct bx_answer *gold, struct bx_answer *lab,
             struct bx_err *err)
{
	static const struct bx_value none = { .type = BX_VAL_NONE };
	struct bx_answer *sides[2] = { gold, lab };
	struct bx_attrs said;
	char *cmp;
	int rc, k, i;

	/* A global attribute is scored where the gold states it. Filled in
	 * from a default it would be a free TP to every labeler on gold made
	 * without globals (standard COCO), lifting a labeler who draws nothing
	 * to 0.5 accuracy; the labeler's side is canonical, so leaving a
	 * default unset still equals a gold that states the default. */
	bx_attrs_copy(&said, &gold->global);
	rc = bx_st_canonical(st, sides, 2, err);
	for (i = gold->global.n - 1; rc == 0 && i >= 0; i--)
		if (bx_attrs_get(&said, gold->global.a[i].key) == NULL)
			bx_attrs_set(&gold->global, gold->global.a[i].key, &none);
	bx_attrs_free(&said);
	if (rc < 0)
		return rc;
	if ((rc = bx_store_setting_get(st, "compare_attributes", &cmp, err)) < 0)
		return rc;
	if (strcmp(cmp, "all") != 0)
		for (k = 0; k < 2; k++) {
			for (i = 0; i < sides[k]->n; i++)
				attrs_keep(&sides[k]->a[i].attrs, strcmp(cmp, "none") ? cmp : "");
			attrs_keep(&sides[k]->global, strcmp(cmp, "none") ? cmp : "");
		}
	free(cmp);
	return 0;
}

int
bx_store_score_policy(struct bx_store *st, struct bx_answer *gold, struct bx_answer *lab,
                      struct bx_err *err)
{
	return bx_st_score_policy(st, gold, lab, err);
}

/* The quality workspace lives with the connection: grown once, kept. */
struct bx_quality_ws *
bx_st_qws(struct bx_store *st)
{
	if (st->qws == NULL)
		st->qws = bx_quality_ws_new();
	return st->qws;
}

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
static int
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
static int
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

struct sub_info {
	const char *reason; /* for the log: NULL = "gold" (a submit) */
	int64_t jid, uid, task, batch;
	char kind[16];
	int overlap;
	char qual[16];
	char name[72];
	struct bx_st_precomp *pre; /* computed outside the write lock, or NULL */
	int pre_ok;                /* pre's settings are the store's */
	struct bx_st_preset *ps;   /* merges ahead for several tasks (a redo), or NULL */
	struct bx_st_preset *hold; /* what a suspension here holds, merged ahead, or NULL */
	int gold;                  /* the task has gold (the judgment was scored) */
};

static int
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
	    (rc = bx_st_hold_work(st, in->uid, now, in->hold != NULL ? in->hold :
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
static int
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

static int gold_step(struct bx_store *st, struct sub_info *in, const struct bx_answer *ans,
                     int64_t now, int *suspended, struct bx_err *err);
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
static int
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
static int
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
static int
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

/* Whether to ask for one more judgment of in's task (*more = 1, and the
 * replica queued for anyone): n judgments so far, under max_overlap (0: off),
 * and none still open or leased for this task in the batch. */
static int
more_judgments(struct bx_store *st, struct sub_info *in, int n, int *more, struct bx_err *err)
{
	static const char pend[] =
	    "SELECT count(*) FROM judgments WHERE task = ?1 AND batch = ?2 "
	    "  AND state IN ('open','leased')";
	struct bx_dbst *s;
	double max;
	int rc;

	*more = 0;
	if ((rc = bx_st_setting_num(st, "max_overlap", 0, 1000, &max, err)) < 0)
		return rc;
	if (n >= (int)max)
		return 0;
	if ((s = bx_st_prep(st, pend, err)) == NULL)
		return err ? err->code : BX_EDB;
	bx_db_bind_int64(s, 1, in->task);
	bx_db_bind_int64(s, 2, in->batch);
	rc = bx_st_step(st, s, "count pending judgments", err);
	*more = rc == 1 && bx_db_col_int(s, 0) > 0;
	bx_db_reset(s);
	if (rc < 0)
		return rc;
	if (*more)
		return 0; /* one is on its way already */
	*more = 1;
	return bx_st_requeue(st, in->jid, 0, err);
}

#define LABELER_ACCURACY BX_ST_LABELER_ACCURACY

/* The replicas consensus merges: submitted or accepted, not held; each
 * with its labeler's gold accuracy (the weight of their class votes). */
static const char replicas_sql[] =
    "SELECT j.id, j.answer, " LABELER_ACCURACY " FROM judgments j "
    "WHERE j.task = ?1 AND j.batch = ?2 "
    "  AND j.state IN ('submitted','accepted') AND NOT (j.held = 1 AND j.state = 'submitted') "
    "ORDER BY j.id";

struct replicas {
	int n;
	int64_t *ids;
	char **texts;
	double *acc; /* the labeler's gold accuracy, -1: none yet */
};

static void
replicas_free(struct replicas *r)
{
	int i;

	for (i = 0; i < r->n; i++)
		free(r->texts[i]);
	free(r->texts);
	free(r->ids);
	free(r->acc);
	memset(r, 0, sizeof *r);
}

static void
replicas_add(struct replicas *r, int64_t id, const char *text, double acc)
{
	r->ids = bx_realloc(r->ids, (size_t)(r->n + 1) * sizeof *r->ids);
	r->texts = bx_realloc(r->texts, (size_t)(r->n + 1) * sizeof *r->texts);
	r->acc = bx_realloc(r->acc, (size_t)(r->n + 1) * sizeof *r->acc);
	r->ids[r->n] = id;
	r->acc[r->n] = acc;
	r->texts[r->n] = bx_strdup(text ? text : "{}");
	r->n++;
}

/* The replicas of task in batch as stored (ids and answer texts), plus
 * (extra_id, extra_text) in id order when extra_text is not NULL: the
 * judgment being submitted, seen before its transaction. */
static int
replicas_read(struct bx_store *st, int64_t task, int64_t batch, int64_t extra_id,
              const char *extra_text, double extra_acc, struct replicas *r,
              struct bx_err *err)
{
	struct bx_dbst *s;
	int64_t id;
	int rc;

	memset(r, 0, sizeof *r);
	if ((s = bx_st_prep(st, replicas_sql, err)) == NULL)
		return err ? err->code : BX_EDB;
	bx_db_bind_int64(s, 1, task);
	bx_db_bind_int64(s, 2, batch);
	while ((rc = bx_st_step(st, s, "read replicas", err)) == 1) {
		id = bx_db_col_int64(s, 0);
		if (extra_text != NULL && id == extra_id)
			continue;
		if (extra_text != NULL && extra_id < id) {
			replicas_add(r, extra_id, extra_text, extra_acc);
			extra_text = NULL;
		}
		replicas_add(r, id, bx_db_col_text(s, 1),
		             bx_db_col_null(s, 2) ? -1 : bx_db_col_double(s, 2));
	}
	bx_db_reset(s);
	if (rc >= 0 && extra_text != NULL)
		replicas_add(r, extra_id, extra_text, extra_acc);
	if (rc < 0)
		replicas_free(r);
	return rc < 0 ? rc : 0;
}

/* How consensus counts class votes (setting aggregation): majority, one
 * vote each (*out NULL); weighted (the default), each labeler's vote
 * weighs the log-odds of their gold accuracy (bx_agg_weight, two-sided:
 * a labeler at or under 0.5 counts nothing), and a labeler without gold
 * yet counts as one at the project's accuracy_bar, the least the project
 * keeps. dawid-skene weighs per task as weighted does: its batch-wide
 * choice needs the whole batch (store-consensus.c, which merges with
 * these weights too). */
int
bx_st_vote_weights(struct bx_store *st, const double *acc, int n, double bar, double **out,
                   struct bx_err *err)
{
	char *mode;
	int rc, i;

	*out = NULL;
	if ((rc = bx_store_setting_get(st, "aggregation", &mode, err)) < 0)
		return rc;
	if (strcmp(mode, "weighted") == 0 || strcmp(mode, "dawid-skene") == 0) {
		*out = bx_malloc((size_t)(n + 1) * sizeof **out);
		for (i = 0; i < n; i++)
			(*out)[i] = bx_agg_weight(acc[i] >= 0 ? acc[i] : bar, 2);
	}
	free(mode);
	return 0;
}

/* The consensus of r (settings read here). */
static int
replicas_merge(struct bx_store *st, int64_t task, const struct replicas *r,
               struct bx_consensus *cons, struct bx_err *err)
{
	struct bx_answer *ans, **mut;
	const struct bx_answer **ptrs;
	struct bx_score_opts o;
	double quorum, bar_acc, *weights = NULL;
	int rc = 0, i, n = 0;

	ans = bx_malloc((size_t)(r->n ? r->n : 1) * sizeof *ans);
	ptrs = bx_malloc((size_t)(r->n ? r->n : 1) * sizeof *ptrs);
	mut = bx_malloc((size_t)(r->n ? r->n : 1) * sizeof *mut);
	for (i = 0; i < r->n && rc == 0; i++) {
		if ((rc = bx_answer_from_json(r->texts[i], &ans[i], err)) == 0) {
			ptrs[i] = mut[i] = &ans[i];
			n++;
		}
	}
	/* Canonical first, so a global attribute left at its default votes
	 * for the default and is in the consensus. */
	if (rc == 0)
		rc = bx_st_canonical(st, mut, n, err);
	if (rc == 0 && (rc = bx_st_score_opts(st, &o, err)) == 0 &&
	    (rc = bx_st_setting_num(st, "quorum", 0, 1000, &quorum, err)) == 0 &&
	    (rc = bx_st_setting_num(st, "accuracy_bar", 0, 1, &bar_acc, err)) == 0 &&
	    (rc = bx_st_vote_weights(st, r->acc, n, bar_acc, &weights, err)) == 0) {
		/* A quorum larger than the judgments there are would keep nothing. */
		rc = bx_consensus_run_weighted(bx_st_qws(st), ptrs, weights, n,
		    (int)quorum > n ? n : (int)quorum, &o, cons);
		if (rc < 0)
			bx_err_prefix(err, "consensus of task %lld", (long long)task);
	}
	free(weights);
	for (i = 0; i < n; i++)
		bx_answer_free(&ans[i]);
	free(ans);
	free(ptrs);
	free(mut);
	return rc;
}

static int
same_replicas(const struct replicas *r, const struct bx_st_precomp *p)
{
	int i;

	if (!p->merged || p->n != r->n)
		return 0;
	for (i = 0; i < r->n; i++)
		if (p->ids[i] != r->ids[i] || p->acc[i] != r->acc[i] ||
		    strcmp(p->texts[i], r->texts[i]) != 0)
			return 0;
	return 1;
}

/* Consensus once the task has its overlap of submitted judgments in this
 * batch (later ones, e.g. after a reject, recompute it); merged outside the
 * write lock when in->pre holds it for exactly these replicas. */
static int
consensus_step(struct bx_store *st, struct sub_info *in, int64_t now, struct bx_err *err)
{
	static const char put[] =
	    "INSERT INTO task_answers(task, kind, answer) VALUES (?1, 'consensus', ?2) "
	    "ON CONFLICT(task, kind) DO UPDATE SET answer = excluded.answer";
	static const char qput[] =
	    "INSERT INTO task_consensus(task, batch, njudgments, agreement, "
	    "  geom_f1_sum, geom_pairs, needs_review, ms, method) "
	    "VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9) "
	    "ON CONFLICT(task, batch) DO UPDATE SET njudgments = excluded.njudgments, "
	    "  agreement = excluded.agreement, geom_f1_sum = excluded.geom_f1_sum, "
	    "  geom_pairs = excluded.geom_pairs, needs_review = excluded.needs_review, "
	    "  ms = excluded.ms, method = excluded.method";
	struct replicas r;
	struct bx_consensus cons;
	struct bx_dbst *s;
	double bar;
	char *json;
	int rc, n, low, more = 0, ds, k;

	if (in->overlap <= 1)
		return 0;
	if ((rc = replicas_read(st, in->task, in->batch, 0, NULL, 0, &r, err)) < 0)
		return rc;
	n = r.n;
	if (n < in->overlap)
		goto out;
	if ((rc = bx_st_setting_num(st, "agreement_bar", 0, 1, &bar, err)) < 0)
		goto out;
	/* Of several merges ahead for this task (two labelers' holds), the one
	 * made from exactly these replicas. */
	for (k = 0; in->ps != NULL && k < in->ps->n && !(in->pre_ok && same_replicas(&r, in->pre));
	    k++)
		if (in->ps->v[k].task == in->task && in->ps->v[k].batch == in->batch) {
			in->pre = &in->ps->v[k];
			in->pre_ok = 1; /* the caller checked the preset's fence */
		}
	if (in->pre_ok && same_replicas(&r, in->pre)) {
		cons = in->pre->cons; /* taken over: pre no longer owns it */
		memset(&in->pre->cons, 0, sizeof in->pre->cons);
		in->pre->merged = 0;
	} else if ((rc = replicas_merge(st, in->task, &r, &cons, err)) < 0) {
		goto out;
	}
	/* Dynamic judgments (Appen): agreement under the bar first asks for
	 * one more judgment, up to max_overlap, before the task is flagged. */
	low = cons.agreement < bar - 1e-12;
	if (low && in->jid != 0 && (rc = more_judgments(st, in, n, &more, err)) < 0) {
		bx_consensus_free(&cons);
		goto out;
	}
	/* Dawid-Skene's answer for exactly these judgments outlives this
	 * merge; else the vote stands (and the batch's result is stale). */
	if ((rc = bx_st_ds_apply(st, in->task, in->batch, r.n, r.ids, r.texts, &json, err)) < 0) {
		bx_consensus_free(&cons);
		goto out;
	}
	ds = json != NULL;
	if (json == NULL)
		json = bx_answer_to_json(&cons.answer);
	if ((s = bx_st_prep(st, put, err)) == NULL) {
		rc = err ? err->code : BX_EDB;
	} else {
		bx_db_bind_int64(s, 1, in->task);
		bx_db_bind_text_copy(s, 2, json);
		rc = bx_st_exec(st, s, "store consensus", err);
	}
	free(json);
	if (rc == 0 && (s = bx_st_prep(st, qput, err)) == NULL)
		rc = err ? err->code : BX_EDB;
	if (rc == 0) {
		bx_db_bind_int64(s, 1, in->task);
		bx_db_bind_int64(s, 2, in->batch);
		bx_db_bind_int(s, 3, n);
		bx_db_bind_double(s, 4, cons.agreement);
		bx_db_bind_double(s, 5, cons.geom_f1_sum);
		bx_db_bind_int(s, 6, cons.geom_pairs);
		bx_db_bind_int(s, 7, low && !more);
		bx_db_bind_int64(s, 8, now);
		bx_db_bind_text(s, 9, ds ? "dawid-skene" : "vote");
		rc = bx_st_exec(st, s, "store agreement", err);
	}
	bx_consensus_free(&cons);
out:
	replicas_free(&r);
	return rc;
}

/* A task's consensus in a batch again, after judgments of it were held:
 * the old one is dropped, a new one stored if enough judgments remain. */
static int
consensus_redo(struct bx_store *st, int64_t task, int64_t batch, int64_t now,
               struct bx_st_preset *ps, struct bx_err *err)
{
	static const char bsql[] = "SELECT kind, overlap FROM batches WHERE id = ?1";
	static const char d1[] = "DELETE FROM task_consensus WHERE task = ?1 AND batch = ?2";
	static const char d2[] = "DELETE FROM task_answers WHERE task = ?1 AND kind = 'consensus'";
	const char *const dels[] = { d1, d2 };
	struct sub_info in;
	struct bx_dbst *s;
	int rc, k;

	memset(&in, 0, sizeof in);
	in.task = task;
	in.batch = batch;
	in.ps = ps; /* consensus_step picks the merge that fits */
	if ((s = bx_st_prep(st, bsql, err)) == NULL)
		return err ? err->code : BX_EDB;
	bx_db_bind_int64(s, 1, batch);
	rc = bx_st_step(st, s, "read batch", err);
	if (rc == 1) {
		snprintf(in.kind, sizeof in.kind, "%s", (const char *)bx_db_col_text(s, 0));
		in.overlap = bx_db_col_int(s, 1);
	}
	bx_db_reset(s);
	if (rc <= 0 || in.overlap <= 1)
		return rc < 0 ? rc : 0;
	for (k = 0; k < 2; k++) {
		if ((s = bx_st_prep(st, dels[k], err)) == NULL)
			return err ? err->code : BX_EDB;
		bx_db_bind_int64(s, 1, task);
		bx_db_bind_int64(s, 2, batch);
		if ((rc = bx_st_exec(st, s, "drop consensus", err)) < 0)
			return rc;
	}
	return consensus_step(st, &in, now, err);
}

static int quality_fence(struct bx_store *st, char **out, struct bx_err *err);

/* ps if it was computed under the settings the store has now, else NULL. */
static int
preset_check(struct bx_store *st, struct bx_st_preset **ps, struct bx_err *err)
{
	char *fence;
	int rc;

	if (*ps == NULL || (*ps)->fence == NULL || (*ps)->n == 0) {
		*ps = NULL;
		return 0;
	}
	if ((rc = quality_fence(st, &fence, err)) < 0)
		return rc;
	if (strcmp(fence, (*ps)->fence) != 0)
		*ps = NULL;
	free(fence);
	return 0;
}

int
bx_st_consensus_redo(struct bx_store *st, int64_t jid, int64_t now,
                     struct bx_st_preset *ps, struct bx_err *err)
{
	static const char sql[] = "SELECT task, batch FROM judgments WHERE id = ?1";
	struct bx_dbst *s;
	int64_t task = 0, batch = 0;
	int rc;

	if ((s = bx_st_prep(st, sql, err)) == NULL)
		return err ? err->code : BX_EDB;
	bx_db_bind_int64(s, 1, jid);
	rc = bx_st_step(st, s, "read judgment", err);
	if (rc == 1) {
		task = bx_db_col_int64(s, 0);
		batch = bx_db_col_int64(s, 1);
	}
	bx_db_reset(s);
	if (rc <= 0 || (rc = preset_check(st, &ps, err)) < 0)
		return rc;
	return consensus_redo(st, task, batch, now, ps, err);
}

int
bx_st_hold_work(struct bx_store *st, int64_t uid, int64_t now, struct bx_st_preset *ps,
                struct bx_err *err)
{
	static const char hold[] =
	    "UPDATE judgments SET held = 1 WHERE labeler = ?1 AND state = 'submitted' "
	    "  AND held = 0 RETURNING id, task, batch";
	struct { int64_t id, task, batch; } *hs = NULL;
	struct bx_dbst *s;
	char *mode;
	int rc, n = 0, i, requeue;

	if ((rc = preset_check(st, &ps, err)) < 0 ||
	    (rc = bx_store_setting_get(st, "on_suspend", &mode, err)) < 0)
		return rc;
	requeue = strcmp(mode, "requeue") == 0;
	free(mode);
	if ((s = bx_st_prep(st, hold, err)) == NULL)
		return err ? err->code : BX_EDB;
	bx_db_bind_int64(s, 1, uid);
	while ((rc = bx_st_step(st, s, "hold work", err)) == 1) {
		hs = bx_realloc(hs, (size_t)(n + 1) * sizeof *hs);
		hs[n].id = bx_db_col_int64(s, 0);
		hs[n].task = bx_db_col_int64(s, 1);
		hs[n].batch = bx_db_col_int64(s, 2);
		n++;
	}
	bx_db_reset(s);
	/* requeue: another labeler answers the task afresh (a gold task's
	 * replica is dropped by its trigger: gold is per labeler). */
	for (i = 0; rc >= 0 && i < n; i++)
		if ((!requeue || (rc = bx_st_requeue(st, hs[i].id, 0, err)) >= 0))
			rc = consensus_redo(st, hs[i].task, hs[i].batch, now, ps, err);
	free(hs);
	return rc < 0 ? rc : n;
}

/* What gold scoring and consensus read besides the answers, as one
 * string: equal in both phases means they computed under the same rules. */
static int
quality_fence(struct bx_store *st, char **out, struct bx_err *err)
{
	static const char *const keys[] = { "iou_threshold", "quorum", "compare_attributes",
	                                    "taxonomy", "aggregation", "accuracy_bar",
	                                    "line_thickness" };
	struct bx_buf b;
	char *v;
	size_t k;
	int rc;

	bx_buf_init(&b);
	for (k = 0; k < sizeof keys / sizeof keys[0]; k++) {
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
	if (r.n >= overlap && (rc = replicas_merge(st, task, &r, &p->cons, err)) == 0) {
		p->merged = 1;
		p->n = r.n;
		p->ids = r.ids;
		p->texts = r.texts;
		p->acc = r.acc;
		memset(&r, 0, sizeof r);
	}
	replicas_free(&r);
	return rc;
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
 * drop_id left (rejected); 0 for none of these. */
static const char future_sql[] =
    "SELECT j.id, j.answer, " LABELER_ACCURACY " FROM judgments j "
    "WHERE j.task = ?1 AND j.batch = ?2 AND (j.id = ?3 OR "
    "  (j.state IN ('submitted','accepted') AND NOT (j.held = 1 AND j.state = 'submitted'))) "
    "  AND NOT (j.labeler = ?4 AND j.state = 'submitted') AND j.id <> ?5 "
    "ORDER BY j.id";

struct future {
	int64_t keep, drop_uid, drop_id;
};

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

/* Every task of the rows of sql (task, batch, overlap; ?1 bound to id)
 * merged ahead for f. */
static int
premerge_all(struct bx_store *st, const char *sql, int64_t id, const struct future *f,
             struct bx_st_preset *ps, struct bx_err *err)
{
	struct { int64_t task, batch; int overlap; } *ts = NULL;
	struct bx_dbst *s;
	int rc, n = 0, i;

	if (ps->fence == NULL && (rc = quality_fence(st, &ps->fence, err)) < 0)
		return rc;
	if ((s = bx_st_prep(st, sql, err)) == NULL)
		return err ? err->code : BX_EDB;
	bx_db_bind_int64(s, 1, id);
	while ((rc = bx_st_step(st, s, "read tasks to merge", err)) == 1) {
		ts = bx_realloc(ts, (size_t)(n + 1) * sizeof *ts);
		ts[n].task = bx_db_col_int64(s, 0);
		ts[n].batch = bx_db_col_int64(s, 1);
		ts[n].overlap = bx_db_col_int(s, 2);
		n++;
	}
	bx_db_reset(s);
	for (i = 0; rc >= 0 && i < n; i++)
		rc = premerge(st, ts[i].task, ts[i].batch, ts[i].overlap, f, ps, err);
	free(ts);
	return rc < 0 ? rc : 0;
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
	struct future f = { 0, 0, 0 };
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
	struct future f = { 0, 0, 0 };
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
	struct future f = { 0, 0, 0 };
	struct bx_score sum;
	struct bx_dbst *s;
	int64_t *ids = NULL;
	double bar, acc;
	int rc, n = 0, i, k;

	if ((s = bx_st_prep(st, governed_sql, err)) == NULL)
		return err ? err->code : BX_EDB;
	while ((rc = bx_st_step(st, s, "list labelers", err)) == 1) {
		ids = bx_realloc(ids, (size_t)(n + 1) * sizeof *ids);
		ids[n++] = bx_db_col_int64(s, 0);
	}
	bx_db_reset(s);
	if (rc >= 0)
		rc = bx_st_setting_num(st, "accuracy_bar", 0, 1, &bar, err);
	for (i = 0; rc >= 0 && i < n; i++) {
		if ((rc = under_bar(st, ids[i], bar, &sum, &k, &acc, err)) != 1)
			continue;
		f.drop_uid = ids[i];
		rc = premerge_all(st, hold_tasks_sql, ids[i], &f, ps, err);
	}
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
	struct future f = { c->reject ? 0 : c->jid, 0, c->reject ? c->jid : 0 };

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

int
bx_st_after_submit(struct bx_store *st, int64_t jid, int64_t uid, int64_t task,
                   const struct bx_answer *ans, struct bx_st_precomp *pre, int64_t now_ms,
                   int *suspended_out, struct bx_err *err)
{
	struct sub_info in;
	char *fence;
	int rc;

	memset(&in, 0, sizeof in);
	in.jid = jid;
	in.uid = uid;
	in.task = task;
	*suspended_out = 0;
	if (pre != NULL && pre->fence != NULL) {
		if ((rc = quality_fence(st, &fence, err)) < 0)
			return rc;
		in.pre = pre;
		in.pre_ok = strcmp(fence, pre->fence) == 0;
		free(fence);
	}
	if ((rc = load_info(st, &in, err)) < 0 ||
	    (rc = gold_step(st, &in, ans, now_ms, suspended_out, err)) < 0)
		return rc;
	if (!in.gold && (rc = grace_step(st, uid, suspended_out, err)) < 0)
		return rc;
	return consensus_step(st, &in, now_ms, err);
}

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
			in.hold = c->pre;
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
