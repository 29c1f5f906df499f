/* store-gold.h: managing the gold set (store-gold.c): each gold task's
 * pass rate, retiring a gold task from the pool and putting it back,
 * promoting a reviewed answer to gold. */
#ifndef BOXEL_STORE_GOLD_H
#define BOXEL_STORE_GOLD_H

#include <stdint.h>

#include "boxel/err.h"

struct bx_store;

/* One gold task. A judgment passes when its score has no mismatch, no
 * false positive or negative and no wrong image class. */
struct bx_gold_item {
	int64_t task;
	char *image;     /* owned */
	int width, height;
	int retired;     /* out of the pool: served to nobody (scores kept) */
	int judged;      /* gold judgments scored against it, training included */
	int passed;
	long tp, total;  /* summed TP and TP + M + FP + FN: its accuracy */
	char *answer;    /* owned: the gold answer's JSON */
};
/* Every gold task, hardest first (lowest pass rate, then image). */
int bx_store_gold_list(struct bx_store *st, struct bx_gold_item **out, int *n,
                       struct bx_err *err);
void bx_gold_items_free(struct bx_gold_item *it, int n);

/* Retire (retired = 1) or put back (0) the gold of the task with this
 * image. BX_ENOENT: no such task or it has no gold. Logged as an event. */
int bx_store_gold_retire(struct bx_store *st, const char *image, int retired, const char *actor,
                         int64_t now_ms, struct bx_err *err);

/* The answer of an accepted judgment (a reviewer accepted or fixed it)
 * becomes its task's gold, replacing any gold it had. BX_EINVAL when the
 * judgment is not accepted, BX_ENOENT when there is none. *task_out (may
 * be NULL) gets the task. */
int bx_store_gold_promote(struct bx_store *st, int64_t judgment, const char *actor,
                          int64_t now_ms, int64_t *task_out, struct bx_err *err);

#endif
