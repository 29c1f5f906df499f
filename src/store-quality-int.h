/* store-quality-int.h: what the store's quality files share among
 * themselves (store-suspend.c, store-merge.c, store-premerge.c,
 * store-quality.c): the submit being processed, the replicas a merge
 * reads, and the few functions more than one of them calls. Not a public
 * header, and not for the rest of the store (that is store-int.h). */
#ifndef BOXEL_STORE_QUALITY_INT_H
#define BOXEL_STORE_QUALITY_INT_H

#include <stdint.h>

#include "boxel/quality.h"

struct bx_store;
struct bx_err;
struct bx_answer;
struct bx_consensus;
struct bx_st_precomp;
struct bx_st_preset;

#define LABELER_ACCURACY BX_ST_LABELER_ACCURACY

/* Tasks whose consensus holding work changed, each once: several labelers
 * suspended by one settings change hold all their work first, then each
 * task is merged once from the labelers that remain (store-merge.c). */
struct held_tasks {
	int n;
	struct held_task { int64_t task, batch; } *v;
};

/* One submit (or skip, or redo) as the gold rules and the merge see it. */
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
	struct held_tasks *defer;  /* non-NULL: a suspension only holds, its tasks go here */
	int ahead_only;            /* merge only from pre: if the replicas changed since,
	                            * consensus_step returns 1 (read again) */
};

/* The replicas of one task a merge reads (store-merge.c). */
struct replicas {
	int n;
	int64_t *ids;
	char **texts;
	double *acc; /* the labeler's gold accuracy, -1: none yet */
};

/* store-suspend.c */
int load_info(struct bx_store *st, struct sub_info *in, struct bx_err *err);
int gold_step(struct bx_store *st, struct sub_info *in, const struct bx_answer *ans, int64_t now,
              int *suspended, struct bx_err *err);
int grace_step(struct bx_store *st, int64_t uid, int *due, struct bx_err *err);
int score_against(struct bx_store *st, struct bx_answer *gold, const struct bx_answer *ans,
                  struct bx_score *sc, struct bx_err *err);
int window_sum(struct bx_store *st, int64_t uid, long window, struct bx_score *sum, int *n_out,
               struct bx_score **rows_out, struct bx_err *err);
int training_sum(struct bx_store *st, int64_t uid, struct bx_score *sum, int *n_out,
                 struct bx_err *err);
int under_bar(struct bx_store *st, int64_t uid, double bar, struct bx_score *sum, int *n,
              double *acc, struct bx_err *err);

/* store-merge.c */
void replicas_free(struct replicas *r);
void replicas_add(struct replicas *r, int64_t id, const char *text, double acc);
int replicas_read(struct bx_store *st, int64_t task, int64_t batch, int64_t extra_id,
                  const char *extra_text, double extra_acc, struct replicas *r,
                  struct bx_err *err);
int replicas_merge(struct bx_store *st, int64_t task, const struct replicas *r,
                   struct bx_consensus *cons, struct bx_err *err);

int hold_work_deferred(struct bx_store *st, int64_t uid, struct held_tasks *acc,
                       struct bx_err *err);
int redo_held(struct bx_store *st, const struct held_tasks *acc, int64_t now,
              struct bx_st_preset *ps, struct bx_err *err);

/* store-premerge.c */
int quality_fence(struct bx_store *st, char **out, struct bx_err *err);

#endif
