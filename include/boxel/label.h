/* label.h: the labeling session: one annotator, one store, the task they
 * hold (claim, lease token, heartbeat), and the draft/submit/skip calls the
 * labeling view makes. Implemented in src/label.c; the view (view-label.c)
 * owns the screen, this owns the store side. Times are ms since the epoch. */
#ifndef BOXEL_LABEL_H
#define BOXEL_LABEL_H

#include <stdint.h>

#include "boxel/draft.h"
#include "boxel/edit.h"
#include "boxel/err.h"
#include "boxel/store.h"
#include "boxel/taxonomy.h"

struct bx_prefetch;

struct bx_session {
	struct bx_store *st;
	char *db_path;
	char *user;
	struct bx_taxonomy *tax;   /* never NULL once opened */
	char *instructions;        /* may be "" */
	char *image_root;          /* absolute directory */
	int64_t lease_ms;
	double suggest_threshold;  /* setting suggestion_threshold, default 0.5 */

	int have_task;
	struct bx_claim claim;
	char *image_path;          /* resolved beneath image_root, or NULL */
	int lost;                  /* the lease was lost: stop editing this task */
	int64_t next_heartbeat_ms;
	int submitted;             /* tasks submitted (review: judgments reviewed) */
	/* The first undo step whose journal entry a failed save (a full disk,
	 * a store locked too long) left unwritten, 0: none. The next save
	 * writes it and every step after it, so the journal has no gap. */
	int unsaved_from;

	/* Review mode (boxel review): the "tasks" are other labelers'
	 * submitted judgments, oldest flagged first; submit accepts (or fixes,
	 * when the answer was edited), skip rejects with the reason as the
	 * comment, pass leaves it for another reviewer. No lease; the fix in
	 * progress is the reviewer's draft of the judgment. */
	int review;
	char *review_batch;        /* NULL: every batch */
	int review_sample;         /* percent of tasks (bx_review_filter), 0: all */
	int64_t *passed;           /* judgments passed over in this session */
	int npassed;
	char *review_orig;         /* the judgment's answer (defaults filled), JSON */
	struct bx_answer review_gold; /* the task's gold answer (n = 0: none) */
	char review_info[200];     /* labeler, agreement, gold score of the open one */
	const char *verdict;       /* of the last review: "accepted", "fixed", "rejected" */

	/* The next task's image, made ready in the background (prefetch.h);
	 * NULL: no guess under way. */
	struct bx_prefetch *prefetch;
};

/* Open the store and the project's settings for user. */
int bx_session_open(struct bx_session *s, const char *db, const char *user,
                    struct bx_err *err);
/* Switch an open session to review mode (batch NULL: all); BX_EPERM unless
 * user is an active reviewer or admin. */
int bx_session_review(struct bx_session *s, const char *batch, int sample, struct bx_err *err);
/* Review mode: leave the open judgment unreviewed for someone else. */
void bx_session_pass(struct bx_session *s);
void bx_session_close(struct bx_session *s);

/* Claim the next task (the user's own live lease first). BX_EEMPTY when the
 * queue has nothing for them. */
int bx_session_claim(struct bx_session *s, int64_t now_ms, struct bx_err *err);
/* Fill ed (initialised by the caller with the task's image size) and v from
 * the task's draft, or from its prelabels and suggestions when it has none. */
int bx_session_restore(struct bx_session *s, struct bx_edit *ed, struct bx_draft_view *v,
                       struct bx_err *err);
/* Save the draft after an edit: what is bx_edit's flags (BX_EDIT_ANSWER adds
 * the journal entry of step ed->pos). BX_ELEASE sets s->lost. */
int bx_session_save(struct bx_session *s, const struct bx_edit *ed,
                    const struct bx_draft_view *v, int what, int64_t now_ms,
                    struct bx_err *err);
/* Extend the lease when due (every lease/3). */
int bx_session_heartbeat(struct bx_session *s, int64_t now_ms, struct bx_err *err);
/* Check the answer against the taxonomy (defaults filled in) and submit. */
int bx_session_submit(struct bx_session *s, const struct bx_answer *ans, double seconds,
                      int64_t now_ms, struct bx_err *err);
int bx_session_skip(struct bx_session *s, const char *reason, int64_t now_ms,
                    struct bx_err *err);
/* Forget the current task (after submit/skip/lost). */
void bx_session_drop_task(struct bx_session *s);

/* The labeling screen on db as user; with review set, the review screen of
 * batch (NULL: all), sample percent of the tasks (0: all). Returns the exit
 * code. (cmd-label.c) */
int bx_label_run(const char *db, const char *user, int review, const char *batch, int sample);

#endif
