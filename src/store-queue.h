/* store-queue.h: what the queue's files share (store-queue.c claims,
 * store-lease.c, store-submit.c and store-drafts.c the token-fenced writes)
 * and the rest of the store does not see. */
#ifndef BOXEL_STORE_QUEUE_H
#define BOXEL_STORE_QUEUE_H

#include <stdint.h>

#include "boxel/store.h"

struct bx_st_claim_ctx {
	const char *user;
	int64_t lease_ms, now;
	struct bx_claim *out;
	int64_t uid;
	int recycle; /* setting gold_recycle */
	char token[33];
};

/* One claim as a write transaction's fn (ctx: a bx_st_claim_ctx). */
int bx_st_claim_tx(struct bx_store *st, void *ctx, struct bx_err *err);

/* BX_EPERM: name is suspended by gold (a claim's or a submit's refusal). */
int bx_st_gold_suspended(const char *name, struct bx_err *err);

/* A token-fenced write's arguments. */
struct bx_st_fenced_ctx {
	int64_t jid;
	const char *token;
	int64_t lease_ms, now, until;
	const char *reason;
	const char *answer_json;
	const struct bx_answer *ans;
	const struct bx_st_annot_rows *rows; /* submit: ans's rows, made before the transaction */
	double seconds;
	/* drafts */
	const char *state_json, *entry;
	int seq;
	const char *reviewer; /* a review's draft: fenced by the reviewer, not a lease */
	int suspended; /* submit: this submit suspended the labeler */
	struct bx_st_precomp *pre; /* submit: quality computed before the transaction */
};

/* BX_ELEASE for judgment, the one message for a lease that is gone. */
int bx_st_lease_lost(int64_t judgment, struct bx_err *err);
/* The fence: the judgment is still leased under token (store-lease.c). */
int bx_st_fence(struct bx_store *st, int64_t jid, const char *token, int64_t *labeler,
                int64_t *task, int64_t *batch, struct bx_err *err);
/* The write's event, named for the labeler uid. */
int bx_st_fenced_event(struct bx_store *st, struct bx_st_fenced_ctx *c, int64_t uid,
                       int64_t task, const char *what, struct bx_err *err);

#endif
