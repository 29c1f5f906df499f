/* store-yield.c: a heavy request's CPU priority. A command that was handed
 * far more work than ordinary (store-cli.c: an answer over 64 KiB) gives the
 * cores to everybody else while it parses, checks and merges, but not while
 * it holds the write lock: the writers' gate (store-gate.c) is a queue, and
 * a holder the scheduler keeps off the CPU makes every writer behind it wait
 * as long. Measured with a niced process holding the gate (bench-hostile, 4
 * annotators on 2 cores): it spent most of its write transaction runnable
 * but not running, and the others' gate wait tripled.
 *
 * An unprivileged process can lower its priority but never raise it back
 * (RLIMIT_NICE is 0 by default), and Linux keeps the nice value and the
 * scheduling class per thread. So before lowering itself the command starts
 * one helper thread, which keeps the priority the command had, and each
 * write transaction of the rest of the command runs on that thread while the
 * caller waits. The connection is used by one thread at a time. */
#include <pthread.h>
#include <sched.h>
#include <stdlib.h>

#include "boxel/util.h"
#include "store-int.h"

struct bx_st_yield {
	pthread_t thread;
	pthread_mutex_t mu;
	pthread_cond_t cv;
	enum { IDLE, POSTED, DONE, QUIT } state;
	/* The posted write transaction and its result. */
	struct bx_store *st;
	enum bx_db_tx kind;
	int (*fn)(struct bx_store *, void *, struct bx_err *);
	void *ctx;
	struct bx_err *err;
	int rc;
};

static void *
helper(void *arg)
{
	struct bx_st_yield *y = arg;

	pthread_mutex_lock(&y->mu);
	for (;;) {
		while (y->state != POSTED && y->state != QUIT)
			pthread_cond_wait(&y->cv, &y->mu);
		if (y->state == QUIT)
			break;
		pthread_mutex_unlock(&y->mu);
		y->rc = bx_st_write_here(y->st, y->kind, y->fn, y->ctx, y->err);
		pthread_mutex_lock(&y->mu);
		y->state = DONE;
		pthread_cond_broadcast(&y->cv);
	}
	pthread_mutex_unlock(&y->mu);
	return NULL;
}

void
bx_store_yield_cpu(struct bx_store *st)
{
	struct bx_st_yield *y;
	struct sched_param sp = { 0 };

	if (st == NULL || st->yield != NULL || sched_getscheduler(0) == SCHED_IDLE)
		return;
	y = bx_calloc(1, sizeof *y);
	pthread_mutex_init(&y->mu, NULL);
	pthread_cond_init(&y->cv, NULL);
	/* Without the helper, lowering would slow the lock's holder: stay. */
	if (pthread_create(&y->thread, NULL, helper, y) != 0) {
		pthread_cond_destroy(&y->cv);
		pthread_mutex_destroy(&y->mu);
		free(y);
		return;
	}
	st->yield = y;
	/* This thread only (Linux): the helper keeps the command's priority. */
	(void)sched_setscheduler(0, SCHED_IDLE, &sp);
}

int
bx_st_yield_write(struct bx_store *st, enum bx_db_tx kind,
                  int (*fn)(struct bx_store *, void *, struct bx_err *), void *ctx,
                  struct bx_err *err)
{
	struct bx_st_yield *y = st->yield;
	int rc;

	pthread_mutex_lock(&y->mu);
	y->st = st;
	y->kind = kind;
	y->fn = fn;
	y->ctx = ctx;
	y->err = err;
	y->state = POSTED;
	pthread_cond_broadcast(&y->cv);
	while (y->state != DONE)
		pthread_cond_wait(&y->cv, &y->mu);
	y->state = IDLE;
	rc = y->rc;
	pthread_mutex_unlock(&y->mu);
	return rc;
}

void
bx_st_yield_free(struct bx_st_yield *y)
{
	if (y == NULL)
		return;
	pthread_mutex_lock(&y->mu);
	y->state = QUIT;
	pthread_cond_broadcast(&y->cv);
	pthread_mutex_unlock(&y->mu);
	pthread_join(y->thread, NULL);
	pthread_cond_destroy(&y->cv);
	pthread_mutex_destroy(&y->mu);
	free(y);
}
