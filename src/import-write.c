/* import-write.c: queued items into the store, in chunks of CHUNK tasks
 * per write transaction, with the judgments a jsonl line restores (those
 * beyond a batch's overlap written last, in the exporting store's order). */
#include <stdlib.h>
#include <string.h>

#include "boxel/cli.h"
#include "import-int.h"
#include "store-cli.h"

/* The judgments of a jsonl line against the taxonomy, as an import checks
 * answers (partial: attributes an old export lacks are not demanded). */
int
imp_check_judgments(struct imp *im, const struct bx_manifest_line *jl, int w, int h, char *msg,
                size_t msgsz)
{
	struct bx_err err = { 0 };
	int i;

	for (i = 0; i < jl->njudgments; i++) {
		const struct bx_manifest_judgment *mj = &jl->judgments[i];
		if (mj->ans.n == 0 && mj->ans.global.n == 0)
			continue;
		if (im->tax == NULL) {
			snprintf(msg, msgsz, "judgments[%d]: the project has no taxonomy to check "
			    "annotations against", i);
			return -1;
		}
		/* The limits hold even where the image size is not known yet. */
		if (bx_answer_check_limits(&mj->ans, &im->tax->limits, &err) < 0 ||
		    (w > 0 && bx_taxonomy_check_answer_flags(im->tax, &mj->ans, w, h,
		    BX_CHECK_PARTIAL, &err) < 0)) {
			snprintf(msg, msgsz, "judgments[%d]: %s", i, err.msg);
			return -1;
		}
	}
	return 0;
}

static void
judgment_of(struct bx_judgment_import *j, const struct bx_manifest_judgment *mj)
{
	j->labeler = mj->labeler;
	j->state = mj->state;
	j->batch = mj->batch;
	j->replica = mj->replica;
	j->ans = mj->has_answer ? &mj->ans : NULL;
	j->seconds = mj->seconds;
	j->submitted_ms = mj->submitted_ms;
}

static int
later_cmp(const void *a, const void *b)
{
	const struct later *x = a, *y = b;

	return (x->mj->id > y->mj->id) - (x->mj->id < y->mj->id);
}

/* The batches earlier lines gave (jsonl), once their chunks are written
 * or the run is over. */
void
imp_forget_batches(struct imp *im)
{
	int i;

	for (i = 0; i < im->nseen; i++) {
		free(im->seen[i].name);
		free(im->seen[i].kind);
	}
	free(im->seen);
	im->seen = NULL;
	im->nseen = 0;
}

/* After every line: the later judgments (one transaction each: they are
 * the few that a skip or reject requeued), then the replicas the queue
 * still owes. */
void
imp_restore_later(struct imp *im)
{
	struct bx_judgment_import j;
	struct bx_err err = { 0 };
	int i, added, rc;

	if (im->nlater > 1) /* im->later is NULL when there is nothing to sort */
		qsort(im->later, (size_t)im->nlater, sizeof *im->later, later_cmp);
	for (i = 0; i < im->nlater && !im->fatal; i++) {
		judgment_of(&j, im->later[i].mj);
		bx_err_clear(&err);
		added = 0;
		rc = bx_store_judgment_import(im->st, im->later[i].task, NULL, 0, &j, 1,
		    bx_cli_actor(), im->now, &added, &err);
		if (rc < 0) {
			imp_item_fail(im, im->later[i].where, err.msg);
			if (rc == BX_EBUSY || rc == BX_EDB)
				im->fatal = 1;
		}
		im->judgments += added;
	}
	bx_err_clear(&err);
	if (!im->fatal && bx_store_judgment_topup(im->st, im->topup, im->ntopup, &err) < 0) {
		bx_cli_error("%s", err.msg);
		im->failed++;
		im->fatal = 1;
	}
	for (i = 0; i < im->nkept; i++) {
		bx_manifest_line_free(im->kept[i]);
		free(im->kept[i]);
		free(im->kept_where[i]);
	}
	free(im->kept);
	free(im->kept_where);
	free(im->later);
	free(im->topup);
	imp_forget_batches(im);
	im->kept = NULL;
	im->kept_where = NULL;
	im->later = NULL;
	im->topup = NULL;
	im->nkept = im->nlater = im->ntopup = 0;
}

static void
count_task(struct imp *im, struct item *it, int created)
{
	int i;

	im->tasks++;
	im->created += created;
	if (it->kind != NULL) {
		im->answers++;
		im->last_kind = it->kind;
		for (i = 0; i < it->ans.n; i++)
			imp_tally_add(&im->geoms, bx_geom_name(it->ans.a[i].geom), 1);
	}
	im->unlabeled += it->unlabeled;
	im->done++;
	imp_progress(im, 0);
}

/* A jsonl line with batches or judgments: the task, its answer, the
 * labelers missing from the store and its judgments in one transaction
 * (bx_store_item_import), so a refused line leaves nothing behind. */
static void
line_import(struct imp *im, struct item *it, struct bx_import_task *t)
{
	struct bx_manifest_line *jl = it->jl;
	struct bx_batch_new *b;
	struct bx_judgment_import *j;
	struct bx_err err = { 0 };
	char msg[sizeof err.msg + 64];
	const char **who;
	int i, added = 0, users = 0, rc, nj = 0, nlater = 0, nwho = 0;

	if (imp_check_judgments(im, jl, it->width, it->height, msg, sizeof msg) < 0) {
		imp_item_fail(im, it->where, msg);
		return;
	}
	b = bx_calloc((size_t)jl->nbatches + 1, sizeof *b);
	j = bx_calloc((size_t)jl->njudgments + 1, sizeof *j);
	who = bx_calloc((size_t)jl->njudgments + 1, sizeof *who);
	/* Labelers missing from the store are created as annotators (an open
	 * judgment with a labeler is work returned to them; a lease does not
	 * travel). */
	for (i = 0; i < jl->njudgments; i++) {
		const char *st = jl->judgments[i].state;
		if (strcmp(st, "leased") == 0 || jl->judgments[i].labeler == NULL)
			continue;
		who[nwho++] = jl->judgments[i].labeler;
	}
	for (i = 0; i < jl->nbatches; i++) {
		b[i].name = jl->batches[i].name;
		b[i].kind = jl->batches[i].kind;
		b[i].overlap = jl->batches[i].overlap;
		b[i].gold_rate = jl->batches[i].gold_rate;
		b[i].priority = jl->batches[i].priority;
	}
	for (i = 0; i < jl->njudgments; i++) {
		const struct bx_manifest_judgment *mj = &jl->judgments[i];
		int k;

		for (k = 0; k < jl->nbatches; k++)
			if (mj->batch && strcmp(jl->batches[k].name, mj->batch) == 0)
				break;
		if (k < jl->nbatches && mj->replica >= jl->batches[k].overlap) {
			im->later = bx_realloc(im->later, (size_t)(im->nlater + 1) * sizeof *im->later);
			im->later[im->nlater].task = 0; /* known once the line is in */
			im->later[im->nlater].mj = mj;
			im->later[im->nlater++].where = it->where;
			nlater++;
			continue;
		}
		judgment_of(&j[nj++], mj);
	}
	rc = bx_store_item_import(im->st, t, who, nwho, b, jl->nbatches, j, nj, &im->ev,
	    bx_cli_actor(), im->now, &added, &users, &err);
	free(who);
	free(b);
	free(j);
	if (rc < 0) {
		im->nlater -= nlater;  /* the line failed: none of it goes in */
		imp_item_fail(im, it->where, err.msg);
		if (rc == BX_EBUSY || rc == BX_EDB || rc == BX_EPERM)
			im->fatal = 1;
		return;
	}
	for (i = im->nlater - nlater; i < im->nlater; i++)
		im->later[i].task = t->id_out;
	if (nlater > 0) {
		/* The later judgments point into the line (and its where): keep them. */
		im->kept = bx_realloc(im->kept, (size_t)(im->nkept + 2) * sizeof *im->kept);
		im->kept[im->nkept++] = jl;
		it->jl = NULL;
		im->kept_where = bx_realloc(im->kept_where, (size_t)(im->nkept + 1) *
		    sizeof *im->kept_where);
		im->kept_where[im->nkept - 1] = it->where;
		it->where = NULL;
	}
	im->judgments += added;
	im->users += users;
	for (i = 0; i < jl->njudgments; i++)
		if (strcmp(jl->judgments[i].state, "skipped") == 0 ||
		    strcmp(jl->judgments[i].state, "rejected") == 0) {
			im->topup = bx_realloc(im->topup, (size_t)(im->ntopup + 1) * sizeof *im->topup);
			im->topup[im->ntopup++] = t->id_out;
			break;
		}
	count_task(im, it, t->created_out);
}

/* Items [from, from + n) without judgments: one transaction for them all;
 * if it fails, each item alone, so the bad one is named and skipped and
 * the rest still go in. */
static void
flush_run(struct imp *im, struct bx_import_task *t, int from, int n)
{
	struct bx_err err = { 0 };
	int i, rc;

	if (n == 0 || im->fatal)
		return;
	rc = bx_store_import_chunk(im->st, t + from, n, &im->ev, &err);
	if (rc == BX_EBUSY || rc == BX_EDB || rc == BX_EPERM) {
		bx_cli_error("%s", err.msg);
		im->failed += n;
		im->fatal = 1;
	} else if (rc == 0) {
		for (i = from; i < from + n; i++)
			count_task(im, &im->items[i], t[i].created_out);
	} else {
		for (i = from; i < from + n; i++) {
			bx_err_clear(&err);
			if (bx_store_import_chunk(im->st, &t[i], 1, &im->ev, &err) < 0) {
				imp_item_fail(im, im->items[i].where, err.msg);
				if (err.code == BX_EBUSY || err.code == BX_EDB)
					im->fatal = 1;
			} else
				count_task(im, &im->items[i], t[i].created_out);
		}
	}
}

/* The items gathered so far, in file order (task ids follow it). */
void
imp_flush(struct imp *im)
{
	struct bx_import_task *t;
	char **json;
	int i, run = 0;

	if (im->n == 0)
		return;
	if (im->dry) {
		for (i = 0; i < im->n; i++) {
			count_task(im, &im->items[i], 0);
			imp_item_free(&im->items[i]);
		}
		im->n = 0;
		return;
	}
	t = bx_calloc((size_t)im->n, sizeof *t);
	json = bx_calloc((size_t)im->n, sizeof *json);
	for (i = 0; i < im->n; i++) {
		struct item *it = &im->items[i];
		t[i].task.image = it->image;
		t[i].task.width = it->width;
		t[i].task.height = it->height;
		t[i].task.meta_json = it->meta;
		t[i].task.now_ms = im->now;
		t[i].kind = it->kind;
		if (it->kind != NULL)
			t[i].answer_json = json[i] = bx_answer_to_json(&it->ans);
	}
	for (i = 0; i < im->n; i++) {
		if (im->items[i].jl == NULL)
			continue;
		flush_run(im, t, run, i - run);
		if (!im->fatal)
			line_import(im, &im->items[i], &t[i]);
		run = i + 1;
	}
	flush_run(im, t, run, im->n - run);
	for (i = 0; i < im->n; i++) {
		imp_item_free(&im->items[i]);
		free(json[i]);
	}
	free(json);
	free(t);
	im->n = 0;
}
