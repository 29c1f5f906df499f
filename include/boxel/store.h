/* store.h: the project's SQLite file, and the task queue on top of it. The
 * store module is the only one that includes sqlite3.h.
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
#include "boxel/err.h"

struct bx_store;

enum { BX_STORE_CREATE = 1 };

/* Open (and with BX_STORE_CREATE create) the store at path, migrating the
 * schema forward. Opening a missing file without CREATE is BX_ENOENT with a
 * message suggesting `boxel init`. */
int bx_store_open(const char *path, int flags, struct bx_store **out, struct bx_err *err);
void bx_store_close(struct bx_store *st);

/* Project settings, as text. Known keys (with defaults when unset):
 *   image_root (""), taxonomy (JSON text), instructions (""),
 *   iou_threshold ("0.5"), accuracy_bar ("0.8"), lease_seconds ("300"),
 *   max_attempts ("3"), quorum ("2"), agreement_bar ("0.6"), gold_window ("50") */
int bx_store_setting_get(struct bx_store *st, const char *key, char **val_out, struct bx_err *err);
int bx_store_setting_set(struct bx_store *st, const char *key, const char *val,
                         const char *actor, int64_t now_ms, struct bx_err *err);

/* Users. role: "annotator" | "reviewer" | "admin"; active: 1 or 0 (disabled);
 * qual: "training" | "qualified" | "suspended". */
struct bx_user {
	int64_t id;
	char *name, *role, *qual;
	int active;
	int64_t created_ms;
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

/* Drafts: the labeling view's state for a judgment (opaque JSON owned by
 * the view: answer, zoom, selection, undo position) plus an undo journal of
 * opaque entries numbered from 1. One transaction, fenced by the token:
 * upsert the draft; if entry != NULL, delete journal entries with seq >= seq
 * (the abandoned redo branch) and insert entry at seq. */
int bx_draft_save(struct bx_store *st, int64_t judgment, const char *token,
                  const char *state_json, int seq, const char *entry, int64_t now_ms,
                  struct bx_err *err);
/* BX_ENOENT when there is no draft. entries_out[i] is entry seq i+1; free
 * each and the array. */
int bx_draft_load(struct bx_store *st, int64_t judgment, char **state_json_out,
                  char ***entries_out, int *n_out, struct bx_err *err);

/* Append-only event log (also written by the store itself for claims,
 * submits, reviews, imports and user changes). */
int bx_store_log(struct bx_store *st, const char *actor, const char *what,
                 const char *detail_json, int64_t now_ms, struct bx_err *err);

#endif
