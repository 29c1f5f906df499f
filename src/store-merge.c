/* store-merge.c: a task's consensus inside the write transaction: the
 * replicas it merges, dynamic judgments (max_overlap), the merge once the
 * last replica is in, and again after judgments were held (a suspension,
 * a review). A merge computed ahead (store-premerge.c) is used when its
 * inputs are unchanged. Batch-wide Dawid-Skene is store-consensus.c. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "boxel/codec.h"
#include "boxel/formats.h"
#include "boxel/taxonomy.h"
#include "boxel/util.h"
#include "boxel/aggregate.h"
#include "store-int.h"
#include "store-quality-int.h"

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

/* The replicas consensus merges: submitted or accepted, not held; each
 * with its labeler's gold accuracy (the weight of their class votes). */
static const char replicas_sql[] =
    "SELECT j.id, j.answer, " LABELER_ACCURACY " FROM judgments j "
    "WHERE j.task = ?1 AND j.batch = ?2 "
    "  AND j.state IN ('submitted','accepted') AND NOT (j.held = 1 AND j.state = 'submitted') "
    "ORDER BY j.id";

void
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

void
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
int
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
int
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

/* A task's consensus in a batch gone (until merged again). */
static int
drop_consensus(struct bx_store *st, int64_t task, int64_t batch, struct bx_err *err)
{
	static const char d1[] = "DELETE FROM task_consensus WHERE task = ?1 AND batch = ?2";
	static const char d2[] = "DELETE FROM task_answers WHERE task = ?1 AND kind = 'consensus'";
	const char *const dels[] = { d1, d2 };
	struct bx_dbst *s;
	int rc, k;

	for (k = 0; k < 2; k++) {
		if ((s = bx_st_prep(st, dels[k], err)) == NULL)
			return err ? err->code : BX_EDB;
		bx_db_bind_int64(s, 1, task);
		if (k == 0)
			bx_db_bind_int64(s, 2, batch);
		if ((rc = bx_st_exec(st, s, "drop consensus", err)) < 0)
			return rc;
	}
	return 0;
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
	if (in->pre != NULL && in->pre->later) {
		/* Beside a heavy answer: no consensus until a process of its
		 * own has merged it (bx_st_merge_detach, after this commit),
		 * from the replicas there are then; one of fewer replicas is
		 * no longer the task's. Not even read here: the heavy answer
		 * would be read inside the write lock for nothing. */
		return drop_consensus(st, in->task, in->batch, err);
	}
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
	if (in->ahead_only && !(in->pre_ok && same_replicas(&r, in->pre))) {
		rc = 1;
		goto out;
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
	struct sub_info in;
	struct bx_dbst *s;
	int rc;

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
	if ((rc = drop_consensus(st, task, batch, err)) < 0)
		return rc;
	return consensus_step(st, &in, now, err);
}

int
bx_st_merge_later_tx(struct bx_store *st, int64_t jid, int64_t now, struct bx_st_precomp *pre,
                     struct bx_err *err)
{
	struct sub_info in;
	char *fence, detail[96];
	int rc;

	memset(&in, 0, sizeof in);
	in.jid = jid; /* low agreement asks for one more judgment, as at its submit */
	in.task = pre->task;
	if ((rc = load_info(st, &in, err)) < 0)
		return rc;
	if (pre->fence != NULL) {
		if ((rc = quality_fence(st, &fence, err)) < 0)
			return rc;
		in.pre = pre;
		in.pre_ok = strcmp(fence, pre->fence) == 0;
		free(fence);
	}
	in.ahead_only = pre->fence != NULL && pre->merged;
	if ((rc = consensus_step(st, &in, now, err)) != 0)
		return rc; /* 1: its replicas changed since pre was merged */
	/* The log says where the merge was made. */
	snprintf(detail, sizeof detail, "{\"task\":%lld,\"judgment\":%lld,\"trigger\":\"later\"}",
	    (long long)in.task, (long long)jid);
	return bx_st_event(st, NULL, "consensus", detail, now, err);
}

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

/* Hold uid's submitted work (requeue it too under on_suspend = requeue)
 * and add its tasks to acc, each (task, batch) once; returns how many
 * judgments were held. Their consensus is redone by redo_held. */
int
hold_work_deferred(struct bx_store *st, int64_t uid, struct held_tasks *acc,
                   struct bx_err *err)
{
	static const char hold[] =
	    "UPDATE judgments SET held = 1 WHERE labeler = ?1 AND state = 'submitted' "
	    "  AND held = 0 RETURNING id, task, batch";
	struct { int64_t id, task, batch; } *hs = NULL;
	struct bx_dbst *s;
	char *mode;
	int rc, n = 0, i, k, requeue;

	if ((rc = bx_store_setting_get(st, "on_suspend", &mode, err)) < 0)
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
	for (i = 0; rc >= 0 && i < n; i++) {
		if (requeue && (rc = bx_st_requeue(st, hs[i].id, 0, err)) < 0)
			break;
		for (k = 0; k < acc->n; k++)
			if (acc->v[k].task == hs[i].task && acc->v[k].batch == hs[i].batch)
				break;
		if (k == acc->n) {
			acc->v = bx_realloc(acc->v, (size_t)(acc->n + 1) * sizeof *acc->v);
			acc->v[acc->n].task = hs[i].task;
			acc->v[acc->n++].batch = hs[i].batch;
		}
	}
	free(hs);
	return rc < 0 ? rc : n;
}

/* Each task of acc merged again, once, from the judgments that count now. */
int
redo_held(struct bx_store *st, const struct held_tasks *acc, int64_t now,
          struct bx_st_preset *ps, struct bx_err *err)
{
	int rc, i;

	if ((rc = preset_check(st, &ps, err)) < 0)
		return rc;
	for (i = 0; rc >= 0 && i < acc->n; i++)
		rc = consensus_redo(st, acc->v[i].task, acc->v[i].batch, now, ps, err);
	return rc < 0 ? rc : 0;
}

int
bx_st_hold_work(struct bx_store *st, int64_t uid, int64_t now, struct bx_st_preset *ps,
                struct bx_err *err)
{
	struct held_tasks acc = { 0, NULL };
	int rc, n;

	if ((n = hold_work_deferred(st, uid, &acc, err)) >= 0 &&
	    (rc = redo_held(st, &acc, now, ps, err)) < 0)
		n = rc;
	free(acc.v);
	return n;
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
