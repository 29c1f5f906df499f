/* store.h: the project's store, and the task queue on top of it. The store
 * module (src/store*.c over src/db*.c) is the only one that talks SQL.
 *
 * One file per project, WAL, synchronous=FULL, STRICT tables, schema version
 * in PRAGMA user_version. Every write runs in BEGIN IMMEDIATE with SQLITE_BUSY
 * retried after a random back-off; no read transaction outlives a call. Time
 * is always a parameter (now_ms, ms since the epoch): the store never reads
 * the clock. Strings returned in structs are owned by the struct and freed by
 * its _free function. */
#ifndef BOXEL_STORE_H
#define BOXEL_STORE_H

#include <stdint.h>

#include "boxel/annot.h"
#include "boxel/codec.h"
#include "boxel/err.h"
#include "boxel/quality.h"

struct bx_store;

enum { BX_STORE_CREATE = 1, BX_STORE_READONLY = 2, BX_STORE_EXCL = 4 };

/* Open (and with BX_STORE_CREATE create) the store at path, migrating the
 * schema forward. Opening a missing file without CREATE is BX_ENOENT with a
 * message suggesting `boxel init`. CREATE|EXCL: only a new file, created
 * exclusively (BX_EEXIST if it exists, even if it appeared a moment ago).
 * READONLY: no write ever (bx_st_write refuses), nothing created or
 * migrated; works on a write-protected file or directory. Every error
 * names path. */
int bx_store_open(const char *path, int flags, struct bx_store **out, struct bx_err *err);
void bx_store_close(struct bx_store *st);
/* Whether path names an existing project: a file (SQLite), or a PostgreSQL
 * database (path a postgresql:// URI) holding a boxel schema. 1 yes, 0 no,
 * < 0 cannot tell (err says why, e.g. the server is unreachable). */
int bx_store_exists(const char *path, struct bx_err *err);
/* 1 if path is a PostgreSQL URI, not a file. */
int bx_store_is_server(const char *path);
/* Copy the whole project at from (every row of every table, ids kept) into
 * to: a new file, or a PostgreSQL database with no project or an empty one.
 * from's write lock is held throughout (its writers wait); to is written in
 * one transaction, so on any error it is left without data (a new file is
 * removed). A table from holds that the copy does not know is refused.
 * store-copy.c. */
struct bx_store_copy_stats {
	int tables;
	int64_t rows;
};
int bx_store_copy(const char *from, const char *to, struct bx_store_copy_stats *out,
                  struct bx_err *err);
/* Called while a write waits for a lock another process holds (SQLite's, or
 * the gate that lines boxel's writers up): first after
 * about 300 ms of waiting, then about once a second, with the time waited
 * so far. A screen uses it to say "store busy" instead of freezing without
 * a word. fn NULL removes it. fn must not call the store. */
void bx_store_set_wait_hook(struct bx_store *st, void (*fn)(void *ctx, long waited_ms),
                            void *ctx);
/* An answer far over ordinary work (ordinary ones are a few KiB; 64 KiB is
 * a polygon of thousands of vertices or hundreds of objects). A request
 * carrying one yields the cores (store-cli.c); a merge that must read one,
 * for a submit whose own answer is not heavy, is left to a process of its
 * own (bx_store_merge_later), so the heavy answer's cost is not paid by
 * whoever completes its task. */
#define BX_HEAVY_ANSWER_BYTES (64 * 1024)

/* The consensus of judgment jid's task merged now, from the judgments that
 * count now, as its submit would have (what a submit beside a heavy answer
 * leaves to a process of its own); computed outside the write lock. 0 when
 * merged (or nothing to merge: the task lacks judgments). */
int bx_store_merge_later(struct bx_store *st, int64_t jid, int64_t now_ms, struct bx_err *err);
/* How a merge left to a process of its own is started: fn(path, jid) starts
 * it (bx_store_merge_later on the store at path, in another process) and
 * returns 0, else non-zero, and the submit merges in its own process after
 * its commit. Unset (a library user, the unit tests): merged so. boxel sets
 * it once, in main: `boxel consensus --judgment ID`, detached
 * (merge-detach.c). */
void bx_store_set_merge_runner(int (*fn)(const char *path, int64_t jid));
/* The tasks whose merge was left to a process of its own and never landed
 * (that process was killed): each merged now as bx_store_merge_later does.
 * *n_out: how many. */
int bx_store_merge_pending(struct bx_store *st, int64_t now_ms, int *n_out, struct bx_err *err);

/* This command's writes are heavy (an answer far over ordinary work): after
 * each, once the writers' gate is free again, it pays the store's upkeep
 * its write made (SQLite: copying the WAL into the database) instead of
 * leaving it to the next ordinary writer (bx_db_tidy). */
void bx_store_heavy(struct bx_store *st);

/* Project settings, as text. Known keys (with defaults when unset):
 *   image_root (""), taxonomy (JSON text), instructions (""),
 *   iou_threshold ("0.5"), accuracy_bar ("0.8"), lease_seconds ("300"),
 *   max_attempts ("3"), quorum ("2"), agreement_bar ("0.6"), gold_window ("50") */
int bx_store_setting_get(struct bx_store *st, const char *key, char **val_out, struct bx_err *err);
int bx_store_setting_set(struct bx_store *st, const char *key, const char *val,
                         const char *actor, int64_t now_ms, struct bx_err *err);
/* The options gold scoring and consensus use: iou_threshold,
 * line_thickness and the taxonomy's keypoint sigmas per skeleton class.
 * The sigma table is the store's: it lives until bx_store_close. */
int bx_store_score_opts(struct bx_store *st, struct bx_score_opts *o, struct bx_err *err);
/* The project's answer limits (settings max_vertices, max_objects,
 * max_answer_bytes; codec.h's defaults where unset). */
/* Replace the taxonomy, unless one of the dropped class names is still
 * used by an answer, task answer, gold answer or draft (BX_EINVAL naming the
 * class and the uses). Checked and written in one transaction. */
int bx_store_taxonomy_set(struct bx_store *st, const char *text, const char *const *dropped,
                          int ndropped, const char *actor, int64_t now_ms, struct bx_err *err);
int bx_store_limits(struct bx_store *st, struct bx_limits *out, struct bx_err *err);

/* Users. role: "annotator" | "reviewer" | "admin"; active: 1 or 0 (disabled);
 * qual: "training" | "qualified" | "suspended". */
struct bx_user {
	int64_t id;
	char *name, *role, *qual;
	int active;
	int64_t created_ms;
	/* A gold suspension armed and not yet in effect: the ordinary submits
	 * left before it applies (0: at the next claim); -1 none. For admins'
	 * eyes only: shown to the labeler it would tell that one of their
	 * last submits was gold. */
	int suspend_grace;
};
void bx_user_free(struct bx_user *u);
int bx_store_user_add(struct bx_store *st, const char *name, const char *role,
                      const char *actor, int64_t now_ms, struct bx_err *err);
int bx_store_user_get(struct bx_store *st, const char *name, struct bx_user *out, struct bx_err *err);

/* Tasks. image is relative to the image root. Adding a task whose image is
 * already present is a no-op that reports created = 0 (idempotent import). */
struct bx_task_new {
	const char *image;
	int width, height;
	const char *hash;      /* content hash, may be NULL */
	const char *meta_json; /* may be NULL */
	int64_t now_ms;        /* creation time; 0 when unknown (added by store) */
};
int bx_store_task_add(struct bx_store *st, const struct bx_task_new *t, int64_t *id_out,
                      int *created_out, struct bx_err *err);
int bx_store_task_find(struct bx_store *st, const char *image, int64_t *id_out, struct bx_err *err);

/* Answers attached to a task by import, not by a labeler.
 * kind "prelabel": shown as the annotator's starting draft;
 * kind "suggestion": model predictions (BX_ANNOT_SUGGESTION set, score kept);
 * kind "gold": the reference answer, readable only through admin/reviewer
 * paths (bx_store_gold_get), never through the claim. Replaces any earlier
 * answer of that kind for the task. */
int bx_store_task_answer_put(struct bx_store *st, int64_t task, const char *kind,
                             const struct bx_answer *ans, struct bx_err *err);
/* Prelabels and suggestions merged, for seeding a new draft. */
int bx_store_prelabels_get(struct bx_store *st, int64_t task, struct bx_answer *out,
                           struct bx_err *err);
int bx_store_gold_get(struct bx_store *st, int64_t task, struct bx_answer *out, struct bx_err *err);
/* For a judgment a reviewer returned to its labeler (see bx_store_review_add):
 * the rejected answer it replaces, to start the rework from. BX_ENOENT when
 * the judgment is not such a rework. */
int bx_store_rejected_answer(struct bx_store *st, int64_t judgment, struct bx_answer *out,
                             struct bx_err *err);

/* The queue. */
struct bx_claim {
	int64_t judgment, task;
	char token[33];        /* hex lease token */
	char *image;           /* relative to the image root */
	int width, height;
	int64_t lease_until;   /* ms since the epoch */
	char *batch;           /* batch name */
	char *batch_kind;      /* self | calibration | production | training */
	int position, total;   /* this labeler's done count + 1, and tasks in the batch */
	int resumed;           /* 1 if this was the labeler's own live lease */
	int returned;          /* 1 if a reviewer rejected it back to this labeler */
	char *review_comment;  /* then (and on resuming it): "REVIEWER: comment", else NULL */
};
void bx_claim_free(struct bx_claim *c);

/* Resume the user's own live lease, else claim the next judgment: priority
 * order, then oldest first; never a second judgment of one task for a user;
 * gold mixed in at the batch's gold rate. BX_EEMPTY when there is no work,
 * BX_EPERM when the user is unknown, disabled or suspended. */
int bx_queue_claim(struct bx_store *st, const char *user, int64_t lease_ms, int64_t now_ms,
                   struct bx_claim *out, struct bx_err *err);
/* All fenced by the lease token: BX_ELEASE ("the lease was lost ...") when
 * the token does not hold the judgment any more; nothing is changed then. */
int bx_queue_heartbeat(struct bx_store *st, int64_t judgment, const char *token,
                       int64_t lease_ms, int64_t now_ms, int64_t *lease_until_out,
                       struct bx_err *err);
int bx_queue_release(struct bx_store *st, int64_t judgment, const char *token,
                     int64_t now_ms, struct bx_err *err);
int bx_queue_skip(struct bx_store *st, int64_t judgment, const char *token,
                  const char *reason, int64_t now_ms, struct bx_err *err);
/* Submit ans (already checked against the taxonomy by the caller). seconds is
 * the labeler's time spent. */
int bx_queue_submit(struct bx_store *st, int64_t judgment, const char *token,
                    const struct bx_answer *ans, double seconds, int64_t now_ms,
                    struct bx_err *err);

/* Submit, then claim the user's next judgment in the same transaction: one
 * commit (one fsync) instead of two, for "submit and get the next at once".
 * 0: submitted and *next_out filled. BX_EEMPTY: submitted, no next task.
 * Any other error: nothing changed (BX_ELEASE as bx_queue_submit; BX_EPERM
 * when user is not the labeler holding the judgment). (Added by store.) */
int bx_queue_submit_next(struct bx_store *st, int64_t judgment, const char *token,
                         const struct bx_answer *ans, double seconds, const char *user,
                         int64_t lease_ms, int64_t now_ms, struct bx_claim *next_out,
                         struct bx_err *err);

/* Drafts: the labeling view's state for a judgment (opaque JSON owned by
 * the view: answer, zoom, selection, undo position) plus an undo journal of
 * opaque entries numbered from 1. One transaction, fenced by the token:
 * upsert the draft; if entry != NULL, delete journal entries with seq >= seq
 * (the abandoned redo branch) and insert entry at seq. */
int bx_draft_save(struct bx_store *st, int64_t judgment, const char *token,
                  const char *state_json, int seq, const char *entry, int64_t now_ms,
                  struct bx_err *err);
/* The same for a reviewer's fix in progress of a submitted judgment (the
 * judgment's draft row is free once it was submitted): BX_ELEASE when it no
 * longer awaits review, BX_EEXIST when another reviewer's draft holds the
 * row. A verdict drops the draft. */
int bx_review_draft_save(struct bx_store *st, int64_t judgment, const char *reviewer,
                         const char *state_json, int seq, const char *entry, int64_t now_ms,
                         struct bx_err *err);
/* BX_ENOENT when there is no draft (owner != NULL: none of that user's).
 * entries_out[i] is entry seq i+1; free each and the array. */
int bx_draft_load(struct bx_store *st, int64_t judgment, const char *owner,
                  char **state_json_out, char ***entries_out, int *n_out,
                  struct bx_err *err);

/* Append-only event log (also written by the store itself for claims,
 * submits, reviews, imports and user changes). */
int bx_store_log(struct bx_store *st, const char *actor, const char *what,
                 const char *detail_json, int64_t now_ms, struct bx_err *err);

/* ---- Added by the store helper (everything below is additive). ---- */

/* Users, all of them, ordered by name. Free with bx_users_free. */
int bx_store_user_list(struct bx_store *st, struct bx_user **out, int *n_out, struct bx_err *err);
void bx_users_free(struct bx_user *u, int n);
/* Disable (active = 0): claims are refused, live leases return to the queue. */
int bx_store_user_disable(struct bx_store *st, const char *name, const char *actor,
                          int64_t now_ms, struct bx_err *err);
/* qual: "training" | "qualified" | "suspended". Suspending returns the user's
 * live leases to the queue. Used by quality (gold scoring) and admins. */
int bx_store_user_set_qual(struct bx_store *st, const char *name, const char *qual,
                           const char *actor, int64_t now_ms, struct bx_err *err);

/* Batches. kind: "self" | "calibration" | "production" | "training".
 * A task may belong to several batches (batch_tasks); "unbatched" selects the
 * tasks that belong to none. Creating a batch creates overlap judgment rows
 * (replica 0..overlap-1) per task at once. */
enum bx_batch_tasks { BX_BATCH_ALL = 1, BX_BATCH_UNBATCHED = 2, BX_BATCH_LIST = 3 };
struct bx_batch_new {
	const char *name, *kind;
	int overlap;          /* >= 1 */
	double gold_rate;     /* 0..1 */
	int priority;         /* higher first */
	enum bx_batch_tasks tasks;
	const char *const *images; /* BX_BATCH_LIST: image paths (as stored) */
	int nimages;
};
/* Unknown images in a list are BX_ENOENT naming the first one (nothing is
 * created). *ntasks_out (may be NULL) receives the number of tasks. */
int bx_store_batch_create(struct bx_store *st, const struct bx_batch_new *b, const char *actor,
                          int64_t now_ms, int64_t *id_out, int *ntasks_out, struct bx_err *err);

enum bx_jstate {
	BX_J_OPEN, BX_J_LEASED, BX_J_SUBMITTED, BX_J_SKIPPED, BX_J_SET_ASIDE,
	BX_J_ACCEPTED, BX_J_REJECTED, BX_J_NSTATES
};
const char *bx_jstate_name(enum bx_jstate s); /* "open", "leased", ... */

struct bx_batch {
	int64_t id;
	char *name, *kind;
	int overlap, priority;
	double gold_rate;
	int64_t created_ms;
	int ntasks, ngold;              /* tasks in the batch, of which gold */
	int count[BX_J_NSTATES];        /* judgments per state */
	int gold_count[BX_J_NSTATES];   /* of which of gold tasks */
};
/* Progress counts ordinary work only: a batch's gold judgments are each
 * labeler's own, outside the overlap, so counting them would say "45 of
 * 42 done" with work still open. done: submitted or accepted judgments of
 * ordinary tasks; want: ordinary tasks x overlap (dynamic judgments past
 * the overlap can make done exceed it). */
int bx_batch_done(const struct bx_batch *b);
int bx_batch_want(const struct bx_batch *b);
void bx_batch_free(struct bx_batch *b);
void bx_batches_free(struct bx_batch *b, int n);
/* BX_ENOENT when there is no such batch. */
int bx_store_batch_get(struct bx_store *st, const char *name, struct bx_batch *out,
                       struct bx_err *err);
/* All batches by priority (desc) then id. */
int bx_store_batch_list(struct bx_store *st, struct bx_batch **out, int *n_out,
                        struct bx_err *err);

/* Per labeler: submitted (incl. accepted/rejected) judgments, their span
 * (first claim to last submit of those judgments), median seconds, and
 * their pace over active time: judgments per hour of the time from each
 * one's claim to its submit, capped at BX_ACTIVE_CAP_MS a judgment (0 when
 * none is timed). stats, user show and the dashboard all show this pace. */
struct bx_labeler_stats {
	char *name;
	int submitted, skipped, leased;
	int64_t first_ms, last_ms;
	double median_seconds, per_hour;
};
#define BX_ACTIVE_CAP_MS (10 * 60 * 1000)
int bx_store_labeler_stats(struct bx_store *st, struct bx_labeler_stats **out, int *n_out,
                           struct bx_err *err);
void bx_labeler_stats_free(struct bx_labeler_stats *s, int n);

/* Export/iteration. One short read transaction per task; fn's non-zero
 * return stops the walk and is returned. batch NULL walks every task (by id);
 * otherwise the tasks of that batch (BX_ENOENT if it does not exist).
 * judgments lists every judgment that a labeler touched (labeler != NULL;
 * open placeholder rows are left out), of the batch when one is given, by id.
 * accepted: the answer of the latest "fix" review, else of the latest
 * "accept" review (the reviewed judgment's answer), else a stored consensus
 * (task_answers kind "consensus"), else the only submitted/accepted
 * judgment; NULL when none of these applies. Pointers live until fn returns. */
struct bx_export_judgment {
	int64_t id;
	const char *labeler;    /* user name */
	const char *state;      /* bx_jstate_name */
	const char *batch;      /* batch name */
	int replica;
	int has_answer;         /* submitted/accepted/rejected judgments */
	struct bx_answer answer;
	double seconds;
	int64_t submitted_ms;   /* 0 if not submitted */
};
struct bx_export_batch {
	const char *name, *kind;
	int overlap, priority;
	double gold_rate;
};
struct bx_export_task {
	int64_t id;
	const char *image;      /* relative to the image root */
	int width, height;
	const char *hash;       /* may be NULL */
	const char *meta_json;  /* may be NULL */
	const char *batch;      /* the batch walked, else the task's first batch, else NULL */
	struct bx_export_judgment *judgments;
	int njudgments;
	const struct bx_answer *accepted;  /* NULL when none */
	const char *accepted_from;         /* "review" | "consensus" | "single" | NULL */
	int has_gold;
	/* The batches the task belongs to (only the walked one with a batch
	 * given), by id: what an import needs to recreate them. */
	struct bx_export_batch *batches;
	int nbatches;
};
int bx_store_export_each(struct bx_store *st, const char *batch,
                         int (*fn)(const struct bx_export_task *t, void *ctx), void *ctx,
                         struct bx_err *err);
/* The same walk for one labeler and/or a time span (export --labeler,
 * --since, --until): only judgments by labeler (NULL: anyone's) submitted
 * in [since_ms, until_ms) (0: no bound); a task without one is skipped; the
 * accepted answer is a review of one of them, else their one answer (never
 * a consensus, which is no one labeler's). BX_ENOENT for an unknown
 * labeler. f NULL: bx_store_export_each. */
struct bx_export_filter {
	const char *labeler;
	int64_t since_ms, until_ms;
};
int bx_store_export_filtered(struct bx_store *st, const char *batch,
                             const struct bx_export_filter *f,
                             int (*fn)(const struct bx_export_task *t, void *ctx), void *ctx,
                             struct bx_err *err);
/* Number of tasks (of batch, or all when NULL). */
int bx_store_task_count(struct bx_store *st, const char *batch, int64_t *n_out,
                        struct bx_err *err);
/* Batch names ordered by id. Free each and the array. */
int bx_store_batch_names(struct bx_store *st, char ***names_out, int *n_out, struct bx_err *err);

/* Reviews: verdict "accept" (judgment -> accepted), "reject" (-> rejected,
 * and the task goes back to the same labeler: a new replica, open but
 * already theirs, which their next claim returns before any new work, with
 * the comment; if they are suspended or disabled it goes to anyone), "fix"
 * (answer required; -> accepted, the fixed answer becomes the task's
 * reviewed answer). Only submitted judgments can be reviewed (else
 * BX_EINVAL); nobody reviews their own (BX_EPERM). */
int bx_store_review_add(struct bx_store *st, int64_t judgment, const char *reviewer,
                        const char *verdict, const char *comment,
                        const struct bx_answer *fixed, int64_t now_ms, struct bx_err *err);

/* The review queue: submitted judgments no one has reviewed yet (state
 * "submitted") that pass the filter; tasks whose consensus was flagged
 * (agreement under the bar) first, then oldest submit first; at most limit
 * (<= 0: all). *total_out (may be NULL): how many there are without the
 * limit. Free with bx_review_items_free. */
struct bx_review_filter {
	const char *batch;   /* NULL: every batch */
	int flagged_only;
	const char *not_by;  /* leave out this labeler's judgments (NULL: none) */
	int sample;          /* 1..99: that percent of the tasks (a fixed pseudo-random
	                      * choice by task id) plus every flagged task; else all */
	const char *labeler; /* only this labeler's judgments (NULL: everyone's) */
	int64_t since_ms, until_ms; /* submitted in [since, until) (0: open end) */
};
/* flagged: consensus under the bar, or held (a suspended labeler's work,
 * out of consensus and export until reviewed). */
struct bx_review_item {
	int held;
	int64_t judgment, task;
	char *image, *batch, *batch_kind, *labeler;
	int width, height;
	int64_t submitted_ms;
	double seconds;
	int nannotations;
	int has_consensus, flagged; /* the task's consensus in this batch */
	double agreement;           /* when has_consensus */
	int has_gold;               /* a gold task: the answer's score against it */
	struct bx_score gold;
};
int bx_store_review_list(struct bx_store *st, const struct bx_review_filter *f, int limit,
                         struct bx_review_item **items_out, int *n_out, int *total_out,
                         struct bx_err *err);
void bx_review_items_free(struct bx_review_item *items, int n);

/* The state, labeler name, task and answer of a judgment (admin/debug paths, the
 * TUI's recovery). Any out pointer may be NULL; strings are the caller's. */
int bx_store_judgment_get(struct bx_store *st, int64_t judgment, char **state_out,
                          char **labeler_out, int64_t *task_out, struct bx_answer *answer_out,
                          struct bx_err *err);

/* One judgment with its task, for the CLI's fenced commands (size checks,
 * default seconds). BX_ENOENT when there is no such judgment. */
struct bx_judgment_info {
	int64_t id, task;
	char *state, *labeler;  /* labeler NULL when none */
	char *image, *batch;
	int width, height, attempts;
	int64_t lease_until, claimed_ms; /* 0 when unset */
};
int bx_store_judgment_info(struct bx_store *st, int64_t judgment, struct bx_judgment_info *out,
                           struct bx_err *err);
void bx_judgment_info_free(struct bx_judgment_info *j);

/* ---- Added by quality2 (gold scores, labeler states, consensus). ----
 *
 * At every submit (bx_queue_submit, bx_queue_submit_next), in the submit's
 * transaction: a task with gold has the answer scored (bx_score_answer,
 * setting iou_threshold) into gold_scores. A labeler in training qualifies
 * at the submit of a training gold task once they have at least
 * min(training_min, gold tasks of that batch) training gold judgments and
 * the summed accuracy of all of them reaches accuracy_bar. A labeler in
 * training or qualified is suspended at the submit of a gold task outside
 * training when their rolling window (last gold_window non-training gold
 * judgments since their last reinstatement) holds >= gold_min judgments and
 * its summed accuracy is under accuracy_bar; their live leases return to
 * the queue. In a batch
 * with overlap > 1, the submit that completes a task's overlap stores its
 * consensus (task_answers kind "consensus"; quorum setting, capped at the
 * judgments there are) and agreement; agreement < agreement_bar flags it
 * for review. bx_queue_submit_next returns BX_EEMPTY (submitted, no next
 * task) when that submit suspended the labeler. */
struct bx_user_quality {
	struct bx_score window;     /* summed over the rolling window */
	int window_n, window_size;  /* judgments in it; the gold_window setting */
	struct bx_score training;   /* all training gold since the last reinstatement */
	int training_n;
	int total_gold, total_training; /* every gold score ever (incl. before reinstatement) */
	struct bx_score *recent;    /* the window's judgments, oldest first */
	int nrecent;
};
void bx_user_quality_free(struct bx_user_quality *q);
/* BX_ENOENT for an unknown user. */
int bx_store_user_quality(struct bx_store *st, const char *name, struct bx_user_quality *out,
                          struct bx_err *err);
/* What an admin does to a user (store-users.c). Each returns 0 when it
 * changed something, 1 when it was already so (nothing written), or a
 * negative error: BX_ENOENT unknown user, BX_EPERM a disabled user (all but
 * enable). pause: no claims and their leases return to the queue, with no
 * bearing on their quality record (unpause: pause = 0). suspend: an admin's
 * suspension (said as such; re-evaluation never lifts it). to_training:
 * back to training. Reinstating is bx_store_user_reinstate. */
int bx_store_user_enable(struct bx_store *st, const char *name, const char *actor,
                         int64_t now_ms, struct bx_err *err);
int bx_store_user_role(struct bx_store *st, const char *name, const char *role,
                       const char *actor, int64_t now_ms, struct bx_err *err);
int bx_store_user_pause(struct bx_store *st, const char *name, int pause, const char *actor,
                        int64_t now_ms, struct bx_err *err);
int bx_store_user_suspend(struct bx_store *st, const char *name, const char *actor,
                          int64_t now_ms, struct bx_err *err);
int bx_store_user_to_training(struct bx_store *st, const char *name, const char *actor,
                              int64_t now_ms, struct bx_err *err);
/* Whether the user is paused, and why they are suspended ("gold", "admin",
 * "" when not suspended or not recorded). BX_ENOENT for an unknown user. */
int bx_store_user_status(struct bx_store *st, const char *name, int *paused_out,
                         char *suspended_by, size_t bysz, struct bx_err *err);

/* Set a setting the quality rules read (accuracy_bar, gold_window, gold_min)
 * and re-evaluate every labeler against it in the same transaction: an
 * active trainee or qualified labeler whose rolling window holds >= gold_min
 * gold judgments under accuracy_bar is suspended (their leases return); a
 * gold suspension the window no longer supports is lifted back to the state
 * it interrupted. gold_window < gold_min is refused (BX_EINVAL, nothing
 * written). The counts of both in the out-parameters (may be NULL). */
int bx_store_quality_setting_set(struct bx_store *st, const char *key, const char *val,
                                 const char *actor, int64_t now_ms, int *suspended_out,
                                 int *lifted_out, struct bx_err *err);

/* Gold served per labeler (production batches): for each such
 * batch (name given: that one) and each labeler who has a judgment in it
 * (user given: that one), the batch's gold pool, the labeler's submitted
 * gold judgments in it (also once reviewed) and the pool tasks they have never judged
 * (what the claim may still give them without gold_recycle). For admins:
 * no annotator-facing command shows it. */
struct bx_gold_left {
	char *batch, *labeler;
	int pool, done, left;
};
void bx_gold_left_free(struct bx_gold_left *g, int n);
int bx_store_gold_left(struct bx_store *st, const char *batch, const char *user,
                       struct bx_gold_left **out, int *n_out, struct bx_err *err);
/* -> qualified, and the rolling window restarts (earlier gold judgments no
 * longer count towards suspension); clears any suspension, admin's or gold's.
 * BX_EPERM for a disabled user. */
int bx_store_user_reinstate(struct bx_store *st, const char *name, const char *actor,
                            int64_t now_ms, struct bx_err *err);

struct bx_batch_quality {
	int ncomplete;            /* tasks with a stored consensus */
	int nreview;              /* of which flagged (agreement < agreement_bar) */
	int has_agreement, has_geom_f1, has_alpha; /* 0: undefined */
	double agreement;         /* mean per-task agreement */
	double geom_f1;           /* mean pairwise F1 over geometry */
	double alpha;             /* Krippendorff's alpha of image classes, tasks with >= 2 */
	int has_alpha_globals;
	double alpha_globals;     /* the same over global attributes (bx_kalpha_globals) */
};
/* Consensus over a whole batch (store-consensus.c): every task with its
 * overlap of judgments is merged as at submit, then each kept object's
 * class and each task's image classes (a judgment's set of them is one
 * vote) are chosen by Dawid-Skene over all the batch's votes, and stored
 * as the tasks' consensus answers (agreement is unchanged: it does not
 * depend on the classes chosen). Computed outside the write transaction;
 * stored only if the judgments are unchanged by then (else read again, up
 * to 3 times, then BX_EBUSY). BX_ENOENT unknown batch, BX_EINVAL overlap 1. */
struct bx_consensus_batch {
	int ntasks;               /* tasks with a consensus */
	int nobjects, nobjects_changed;  /* kept objects; whose class DS changed */
	int nimages, nimages_changed;    /* tasks with image classes; changed */
	int iters;                /* EM rounds (the larger of the two runs) */
};
int bx_store_consensus_batch(struct bx_store *st, const char *batch, const char *actor,
                             int64_t now_ms, struct bx_consensus_batch *out,
                             struct bx_err *err);
/* Under aggregation = dawid-skene, how many batches (the one named, or
 * all) have a consensus chosen by the per-task vote since Dawid-Skene last
 * ran over them (a read; 0 under another setting). refresh runs
 * Dawid-Skene over each of them (as bx_store_consensus_batch, actor
 * logged), *n_out how many were done before any error. */
int bx_store_consensus_stale(struct bx_store *st, const char *batch, int *n_out,
                             struct bx_err *err);
int bx_store_consensus_refresh(struct bx_store *st, const char *batch, const char *actor,
                               int64_t now_ms, int *n_out, struct bx_err *err);
/* What the store's gold scoring does to answers before it compares them,
 * for a report that scores outside the store (one code path): a gold
 * answer and a labeler's answer prepared in place exactly as a gold submit
 * is scored (canonical: an unset attribute is the taxonomy's default;
 * globals only where the gold states them; compare_attributes). */
struct bx_answer;
int bx_store_score_policy(struct bx_store *st, struct bx_answer *gold, struct bx_answer *lab,
                          struct bx_err *err);
/* The n answers in canonical form (an unset attribute is the taxonomy's
 * default), as the store's consensus merge and gold scoring compare them:
 * for a report that compares labelers with each other outside the store. */
int bx_store_canonical(struct bx_store *st, struct bx_answer *const *ans, int n,
                       struct bx_err *err);
/* BX_ENOENT for an unknown batch. */
int bx_store_batch_quality(struct bx_store *st, const char *name, struct bx_batch_quality *out,
                           struct bx_err *err);
/* A task's stored agreement in a batch; BX_ENOENT when it has none yet. */
int bx_store_task_agreement(struct bx_store *st, int64_t task, const char *batch,
                            double *agreement_out, int *needs_review_out, struct bx_err *err);

/* ---- The admin dashboard (boxel admin). ---- */

/* One labeler's line: who, what they did, their rolling gold window, and
 * their submits per hour over the last 24 hours (hourly[23] is the hour up
 * to now). */
struct bx_dash_labeler {
	char *name, *role, *qual;
	int active;
	int submitted, skipped, leased;
	double per_hour, median_seconds;
	struct bx_score window; /* the gold window (see bx_store_user_quality) */
	int window_n;
	double recent[16];      /* accuracy of their last gold judgments, oldest first */
	int nrecent;
	int hourly[24];
	/* Pace over active time (bx_labeler_stats' per_hour); 0 when none. */
	double active_per_hour;
	int accepted, rejected, fixed; /* reviews of their judgments, by verdict */
	int reviews;                   /* reviews they made (reviewers' activity) */
	/* Who to coach before the rule acts: an armed gold suspension (the
	 * ordinary submits left, bx_user's suspend_grace; -1 none), and
	 * at_risk: governed, window under accuracy_bar on fewer than gold_min
	 * gold judgments (too few to suspend yet). Admins' eyes only. */
	int suspend_grace;
	int at_risk;
};
struct bx_dashboard {
	struct bx_batch *batches;  /* bx_store_batch_list */
	int nbatches;
	int *cons_n, *cons_review; /* per batch: tasks with consensus, flagged */
	double *cons_agreement;    /* mean agreement (when cons_n > 0) */
	int *gold_left;            /* per batch: the least gold any labeler in it has
	                            * left (bx_store_gold_left), -1 none */
	struct bx_dash_labeler *lab;
	int nlab;
};
int bx_store_dashboard(struct bx_store *st, int64_t now_ms, struct bx_dashboard *out,
                       struct bx_err *err);
void bx_dashboard_free(struct bx_dashboard *d);

/* The confusion of classes over every scored gold judgment: counts[r * (n +
 * 1) + c] for gold class r (n: an extra object the labeler drew) against
 * the labeler's class c (n: a gold object they missed); classes sorted by
 * name. Matching as in gold scoring (iou_threshold). */
struct bx_confusion {
	char **classes;
	int n;
	long *counts; /* (n + 1) x (n + 1) */
	int judgments;
};
int bx_store_confusion(struct bx_store *st, struct bx_confusion *out, struct bx_err *err);
void bx_confusion_free(struct bx_confusion *c);

/* ---- Added by tui2 (training feedback, prefetch). ---- */

/* Training feedback: a submitted judgment of a training batch scored
 * against its task's gold, with a verdict per object (arrays sized by
 * gold.n and answer.n). Refused unless user is the judgment's labeler
 * (BX_EPERM), it is submitted/accepted/rejected (BX_EINVAL) and its batch
 * is a training batch (BX_EPERM); BX_ENOENT when the judgment or the
 * task's gold does not exist. So the gold of an ordinary gold task is
 * never shown to the labeler. */
struct bx_training_feedback {
	struct bx_answer gold, answer;  /* answer: what the labeler submitted */
	struct bx_score score;
	enum bx_verdict *gold_verdict, *lab_verdict;
	int *gold_match, *lab_match;    /* index on the other side or -1 */
	double *gold_sim;               /* IoU (or similarity) of gold i's match */
	char **lab_note;                /* per labeler object: for a mismatch of the
	                                 * gold's class, the first differing attribute
	                                 * and the gold's value ("pose: gold says
	                                 * sitting"); else NULL */
};
void bx_training_feedback_free(struct bx_training_feedback *f);
int bx_store_training_feedback(struct bx_store *st, int64_t judgment, const char *user,
                               struct bx_training_feedback *out, struct bx_err *err);

/* Predict the task bx_queue_claim would give user next once the judgment
 * `current` is submitted (current 0: none): the same order (their other live
 * lease, then batches by priority, gold rate, oldest judgment first), read
 * only: no lease, no write. *image_out (relative to the image root; free
 * it), width and height. BX_EEMPTY when nothing would be claimed. A guess:
 * another labeler may claim it first. */
int bx_queue_peek_next(struct bx_store *st, const char *user, int64_t current, int64_t now_ms,
                       char **image_out, int *width_out, int *height_out, struct bx_err *err);

/* ---- Added by jsonl (lossless jsonl import). ---- */

/* One judgment read back from a jsonl export. state: any bx_jstate_name;
 * "open" and "leased" become open rows without a labeler (no lease travels). */
struct bx_judgment_import {
	const char *labeler;   /* an existing user's name */
	const char *state;
	const char *batch;     /* batch name */
	int replica;           /* -1: unknown (then keyed on the labeler) */
	const struct bx_answer *ans; /* NULL when none */
	double seconds;
	int64_t submitted_ms;  /* 0: none */
};
/* In one write transaction, for an existing task: each batch of batches
 * (name, kind, overlap, gold_rate, priority; the tasks fields are ignored)
 * is created when missing (BX_EEXIST naming both settings when it exists
 * with others), the task joins it with its overlap open judgment rows, and
 * each judgment is written into its (task, batch, replica) row unless that
 * row already has a labeler or a state other than open: re-importing adds
 * nothing. Submitted, accepted and rejected judgments get their annotation
 * rows as a submit writes them; no gold scoring or consensus runs.
 * *added_out (may be NULL): judgments written. */
int bx_store_judgment_import(struct bx_store *st, int64_t task, const struct bx_batch_new *batches,
                             int nbatches, const struct bx_judgment_import *j, int nj,
                             const char *actor, int64_t now_ms, int *added_out,
                             struct bx_err *err);
/* After importing judgments (one write transaction): each of the tasks, in
 * each of its batches, gets fresh open replicas until its judgments other
 * than skipped and rejected ones reach the batch's overlap, as a skip or a
 * reject queues one. Run it once the whole file is in, so these rows come
 * after the imported ones as they came after the originals. */
int bx_store_judgment_topup(struct bx_store *st, const int64_t *tasks, int n, struct bx_err *err);

#endif
