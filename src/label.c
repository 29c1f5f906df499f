/* label.c: the store side of a labeling session (see label.h): settings,
 * claim and lease, draft saves fenced by the lease token, heartbeat, submit
 * and skip. No curses here; times are passed in. */
#include <libgen.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>

#include "boxel/codec.h"
#include "boxel/draft.h"
#include "boxel/label.h"
#include "boxel/prefetch.h"
#include "boxel/util.h"

static char *
setting(struct bx_store *st, const char *key, const char *def)
{
	char *v = NULL;
	struct bx_err e;

	if (bx_store_setting_get(st, key, &v, &e) != 0 || v == NULL)
		return bx_strdup(def);
	return v;
}

/* The image root: absolute as given; relative (or empty) ones are taken
 * from the directory of the store file, so a project folder can move. */
static char *
resolve_root(const char *db, const char *root)
{
	char *dbcopy, *dir, *joined, real[PATH_MAX];

	if (root[0] == '/')
		return bx_strdup(root);
	dbcopy = bx_strdup(db);
	dir = dirname(dbcopy);
	joined = root[0] ? bx_asprintf("%s/%s", dir, root) : bx_strdup(dir);
	free(dbcopy);
	if (realpath(joined, real) != NULL) {
		free(joined);
		return bx_strdup(real);
	}
	return joined;
}

int
bx_session_open(struct bx_session *s, const char *db, const char *user, struct bx_err *err)
{
	struct bx_user u;
	char *tax_text, *root, *v;
	int rc;

	memset(s, 0, sizeof *s);
	rc = bx_store_open(db, 0, &s->st, err);
	if (rc != 0)
		return rc;
	s->db_path = bx_strdup(db);
	s->user = bx_strdup(user);
	memset(&u, 0, sizeof u);
	rc = bx_store_user_get(s->st, user, &u, err);
	if (rc == BX_ENOENT)
		rc = bx_err_set(err, BX_EPERM,
		                "no user '%s' in %s: ask an admin to run 'boxel user add %s --role annotator'",
		                user, db, user);
	if (rc != 0)
		goto fail;
	bx_user_free(&u);

	tax_text = setting(s->st, "taxonomy", "");
	if (tax_text[0] == '\0') {
		free(tax_text);
		rc = bx_err_set(err, BX_EINVAL,
		                "the project has no taxonomy yet: ask an admin to set one (boxel taxonomy set FILE)");
		goto fail;
	}
	rc = bx_taxonomy_load_text(tax_text, "taxonomy", &s->tax, err);
	free(tax_text);
	if (rc == 0)
		rc = bx_store_limits(s->st, &s->tax->limits, err);
	if (rc != 0)
		goto fail;
	s->instructions = setting(s->st, "instructions", "");
	root = setting(s->st, "image_root", "");
	s->image_root = resolve_root(db, root);
	free(root);
	v = setting(s->st, "lease_seconds", "300");
	s->lease_ms = (int64_t)(atof(v) * 1000);
	free(v);
	if (s->lease_ms < 10000)
		s->lease_ms = 10000;
	v = setting(s->st, "suggestion_threshold", "0.5");
	s->suggest_threshold = atof(v);
	free(v);
	return 0;
fail:
	bx_session_close(s);
	return rc;
}

int
bx_session_review(struct bx_session *s, const char *batch, int sample, struct bx_err *err)
{
	struct bx_user u;
	int rc, ok;

	memset(&u, 0, sizeof u);
	if ((rc = bx_store_user_get(s->st, s->user, &u, err)) != 0)
		return rc;
	ok = u.active && u.role != NULL && strcmp(u.role, "annotator") != 0;
	bx_user_free(&u);
	if (!ok)
		return bx_err_set(err, BX_EPERM, "%s may not review (needs an active reviewer or "
		    "admin)", s->user);
	s->review = 1;
	free(s->review_batch);
	s->review_batch = batch ? bx_strdup(batch) : NULL;
	s->review_sample = sample;
	return 0;
}

void
bx_session_pass(struct bx_session *s)
{
	if (!s->review || !s->have_task)
		return;
	s->passed = bx_realloc(s->passed, (size_t)(s->npassed + 1) * sizeof *s->passed);
	s->passed[s->npassed++] = s->claim.judgment;
	bx_session_drop_task(s);
}

void
bx_session_drop_task(struct bx_session *s)
{
	if (s->have_task)
		bx_claim_free(&s->claim);
	free(s->image_path);
	s->image_path = NULL;
	free(s->review_orig);
	s->review_orig = NULL;
	bx_answer_free(&s->review_gold);
	s->review_info[0] = '\0';
	s->have_task = 0;
	s->unsaved_from = 0;
	s->lost = 0;
}

void
bx_session_close(struct bx_session *s)
{
	bx_prefetch_drop(s);
	bx_session_drop_task(s);
	bx_store_close(s->st);
	bx_taxonomy_free(s->tax);
	free(s->db_path);
	free(s->user);
	free(s->instructions);
	free(s->image_root);
	free(s->review_batch);
	free(s->passed);
	memset(s, 0, sizeof *s);
}

static void normalize(const struct bx_session *s, struct bx_answer *a);

static int
passed(const struct bx_session *s, int64_t jid)
{
	int i;

	for (i = 0; i < s->npassed; i++)
		if (s->passed[i] == jid)
			return 1;
	return 0;
}

/* Review mode's claim: the first judgment of the review queue not passed
 * over and not the reviewer's own. Nothing is leased: two reviewers may
 * open the same judgment; the store takes the first verdict. */
static int
review_claim(struct bx_session *s, struct bx_err *err)
{
	struct bx_review_item *it;
	struct bx_claim *c = &s->claim;
	int n, total, i, rc;
	double acc;

	struct bx_review_filter f = { .batch = s->review_batch, .not_by = s->user,
	                              .sample = s->review_sample };

	rc = bx_store_review_list(s->st, &f, s->npassed + 1, &it, &n, &total, err);
	if (rc != 0)
		return rc;
	for (i = 0; i < n && passed(s, it[i].judgment); i++)
		;
	if (i == n) {
		bx_review_items_free(it, n);
		return bx_err_set(err, BX_EEMPTY, "nothing to review");
	}
	memset(c, 0, sizeof *c);
	c->judgment = it[i].judgment;
	c->task = it[i].task;
	c->image = bx_strdup(it[i].image);
	c->width = it[i].width;
	c->height = it[i].height;
	c->batch = bx_strdup(it[i].batch);
	c->batch_kind = bx_strdup(it[i].batch_kind);
	c->position = s->submitted + 1;
	c->total = s->submitted + total - s->npassed;
	snprintf(s->review_info, sizeof s->review_info, "judgment %lld by %s in %s",
	         (long long)c->judgment, it[i].labeler, it[i].batch);
	if (it[i].has_consensus)
		snprintf(s->review_info + strlen(s->review_info),
		         sizeof s->review_info - strlen(s->review_info), "; agreement %.2f%s",
		         it[i].agreement, it[i].flagged ? " (under the bar)" : "");
	if (it[i].has_gold && bx_score_accuracy(&it[i].gold, &acc))
		snprintf(s->review_info + strlen(s->review_info),
		         sizeof s->review_info - strlen(s->review_info), "; gold accuracy %.2f",
		         acc);
	bx_review_items_free(it, n);
	return 0;
}

int
bx_session_claim(struct bx_session *s, int64_t now_ms, struct bx_err *err)
{
	char path[PATH_MAX];
	int rc;

	bx_session_drop_task(s);
	if (s->review)
		rc = review_claim(s, err);
	else
		rc = bx_queue_claim(s->st, s->user, s->lease_ms, now_ms, &s->claim, err);
	if (rc != 0)
		return rc;
	s->have_task = 1;
	s->next_heartbeat_ms = now_ms + s->lease_ms / 3;
	/* A missing or escaping image is shown as an error on the task, not
	 * a reason to stop the session: the annotator can skip it. */
	if (bx_path_resolve(s->image_root, s->claim.image, path, sizeof path, NULL) == 0)
		s->image_path = bx_strdup(path);
	return 0;
}

int
bx_session_restore(struct bx_session *s, struct bx_edit *ed, struct bx_draft_view *v,
                   struct bx_err *err)
{
	char *state = NULL, **entries = NULL;
	struct bx_answer seed;
	int n = 0, i, rc;

	v->zoom = 1;
	v->vx = ed->img_w / 2.0;
	v->vy = ed->img_h / 2.0;
	v->seconds = 0;
	if (s->review) {
		/* The labeler's answer, and what an unedited submit would send. */
		bx_answer_init(&seed);
		rc = bx_store_judgment_get(s->st, s->claim.judgment, NULL, NULL, NULL, &seed, err);
		if (rc == 0) {
			bx_edit_set_answer(ed, &seed);
			normalize(s, &seed);
			free(s->review_orig);
			s->review_orig = bx_answer_to_json(&seed);
			/* Reviewers see the gold: drawn dashed over the answer. */
			bx_answer_free(&s->review_gold);
			rc = bx_store_gold_get(s->st, s->claim.task, &s->review_gold, err);
			if (rc == BX_ENOENT)
				rc = 0;
		}
		bx_answer_free(&seed);
		if (rc != 0)
			return rc;
	}
	/* The draft: the labeler's, or in review this reviewer's fix so far. */
	rc = bx_draft_load(s->st, s->claim.judgment, s->review ? s->user : NULL, &state, &entries,
	                   &n, err);
	if (rc == 0) {
		rc = bx_draft_restore(ed, v, state, entries, n, err);
		free(state);
		for (i = 0; i < n; i++)
			free(entries[i]);
		free(entries);
		return rc;
	}
	if (rc != BX_ENOENT || s->review)
		return rc == BX_ENOENT ? 0 : rc;
	/* Work a reviewer returned starts from the rejected answer. */
	rc = bx_store_rejected_answer(s->st, s->claim.judgment, &seed, err);
	if (rc == 0)
		bx_edit_set_answer(ed, &seed);
	bx_answer_free(&seed);
	if (rc != BX_ENOENT)
		return rc;
	bx_answer_init(&seed);
	rc = bx_store_prelabels_get(s->st, s->claim.task, &seed, err);
	if (rc == BX_ENOENT)
		rc = 0;
	if (rc == 0)
		bx_edit_set_answer(ed, &seed);
	bx_answer_free(&seed);
	return rc;
}

static int
save_one(struct bx_session *s, const char *state, int seq, const char *entry, int64_t now_ms,
         struct bx_err *err)
{
	if (s->review)
		return bx_review_draft_save(s->st, s->claim.judgment, s->user, state, seq, entry,
		                            now_ms, err);
	return bx_draft_save(s->st, s->claim.judgment, s->claim.token, state, seq, entry, now_ms,
	                     err);
}

int
bx_session_save(struct bx_session *s, const struct bx_edit *ed, const struct bx_draft_view *v,
                int what, int64_t now_ms, struct bx_err *err)
{
	char *state, *entry;
	int k, rc = 0;

	if (!s->have_task || s->lost)
		return 0;
	/* A reviewer who only looked leaves no draft to hold the row. */
	if (s->review && ed->nsteps == 0)
		return 0;
	if ((rc = bx_answer_check_limits(&ed->ans, &s->tax->limits, err)) != 0)
		return rc;
	if ((what & BX_EDIT_ANSWER) && bx_edit_step_at(ed, ed->pos) != NULL &&
	    (s->unsaved_from == 0 || ed->pos < s->unsaved_from))
		s->unsaved_from = ed->pos;
	if (s->unsaved_from > ed->nsteps) /* undone, then dropped by a new edit */
		s->unsaved_from = 0;
	state = bx_draft_state_to_json(ed, v);
	if (s->unsaved_from == 0) {
		rc = save_one(s, state, 0, NULL, now_ms, err);
	} else {
		/* Each save cuts the journal at its step and appends it: in
		 * order, they leave exactly steps 1..nsteps. */
		for (k = s->unsaved_from; k <= ed->nsteps && rc == 0; k++) {
			entry = bx_draft_entry_to_json(bx_edit_step_at(ed, k));
			rc = save_one(s, state, k, entry, now_ms, err);
			free(entry);
			if (rc == 0)
				s->unsaved_from = k + 1 <= ed->nsteps ? k + 1 : 0;
		}
	}
	free(state);
	/* (A review has no lease to lose: its verdict will say what changed.) */
	if (rc == BX_ELEASE && !s->review)
		s->lost = 1;
	return rc;
}

int
bx_session_heartbeat(struct bx_session *s, int64_t now_ms, struct bx_err *err)
{
	int64_t until;
	int rc;

	if (!s->have_task || s->lost || s->review || now_ms < s->next_heartbeat_ms)
		return 0;
	rc = bx_queue_heartbeat(s->st, s->claim.judgment, s->claim.token, s->lease_ms, now_ms,
	                        &until, err);
	if (rc == 0) {
		s->claim.lease_until = until;
		s->next_heartbeat_ms = now_ms + s->lease_ms / 3;
	} else if (rc == BX_ELEASE) {
		s->lost = 1;
	} else {
		/* Busy database: try again soon rather than at the next third. */
		s->next_heartbeat_ms = now_ms + 2000;
	}
	return rc;
}

/* Unset attributes with defaults count as their default. Suggestions not
 * accepted are not part of the annotator's answer. */
static void
normalize(const struct bx_session *s, struct bx_answer *a)
{
	const struct bx_class *c;
	int i;

	for (i = a->n - 1; i >= 0; i--) {
		if (a->a[i].flags & BX_ANNOT_SUGGESTION) {
			bx_answer_remove(a, i);
			continue;
		}
		c = a->a[i].cls ? bx_taxonomy_class(s->tax, a->a[i].cls) : NULL;
		if (c != NULL)
			bx_taxonomy_fill_defaults(c->attrs, c->nattrs, &a->a[i].attrs);
	}
	bx_taxonomy_fill_defaults(s->tax->global, s->tax->nglobal, &a->global);
}

/* Review mode's submit: accept when the answer is the labeler's as it
 * came, else fix with it. */
static int
review_submit(struct bx_session *s, const struct bx_answer *a, int64_t now_ms,
              struct bx_err *err)
{
	char *json = bx_answer_to_json(a);
	int fix = s->review_orig == NULL || strcmp(json, s->review_orig) != 0, rc;

	free(json);
	rc = bx_store_review_add(s->st, s->claim.judgment, s->user, fix ? "fix" : "accept", NULL,
	                         fix ? a : NULL, now_ms, err);
	if (rc == 0) {
		s->submitted++;
		s->verdict = fix ? "fixed" : "accepted";
	}
	return rc;
}

int
bx_session_submit(struct bx_session *s, const struct bx_answer *ans, double seconds,
                  int64_t now_ms, struct bx_err *err)
{
	struct bx_answer a;
	int rc;

	if (!s->have_task)
		return bx_err_set(err, BX_EINVAL, "no task open");
	bx_answer_copy(&a, ans);
	normalize(s, &a);
	rc = bx_taxonomy_check_answer(s->tax, &a, s->claim.width, s->claim.height, err);
	if (rc == 0 && s->review) {
		rc = review_submit(s, &a, now_ms, err);
	} else if (rc == 0) {
		rc = bx_queue_submit(s->st, s->claim.judgment, s->claim.token, &a, seconds, now_ms,
		                     err);
		if (rc == BX_ELEASE)
			s->lost = 1;
		if (rc == 0)
			s->submitted++;
	}
	bx_answer_free(&a);
	return rc;
}

int
bx_session_skip(struct bx_session *s, const char *reason, int64_t now_ms, struct bx_err *err)
{
	int rc;

	if (!s->have_task)
		return bx_err_set(err, BX_EINVAL, "no task open");
	if (s->review) {
		rc = bx_store_review_add(s->st, s->claim.judgment, s->user, "reject", reason, NULL,
		                         now_ms, err);
		if (rc == 0) {
			s->submitted++;
			s->verdict = "rejected";
		}
		return rc;
	}
	rc = bx_queue_skip(s->st, s->claim.judgment, s->claim.token, reason, now_ms, err);
	if (rc == BX_ELEASE)
		s->lost = 1;
	return rc;
}
