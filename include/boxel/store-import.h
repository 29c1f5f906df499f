/* store-import.h: many tasks (and their imported answers) in one write
 * transaction, for `boxel import`. Additive to store.h, implemented in
 * src/store-import.c beside the store (it shares store-int.h); the same
 * rows bx_store_task_add and bx_store_task_answer_put write, without a
 * transaction (and an fsync) per task. */
#ifndef BOXEL_STORE_IMPORT_H
#define BOXEL_STORE_IMPORT_H

#include <stdint.h>

#include "boxel/err.h"
#include "boxel/store.h"

struct bx_import_task {
	struct bx_task_new task;
	const char *kind;        /* "prelabel" | "suggestion" | "gold" | "consensus", or NULL */
	const char *answer_json; /* the answer (codec.h JSON) when kind != NULL */
	int64_t id_out;          /* filled on success */
	int created_out;         /* 1 if the task is new */
};

/* An import run's first committed transaction also writes the event
 * import_begin (actor, detail JSON): an import killed afterwards still
 * leaves its trace. written is set once it is in. May be NULL. */
struct bx_import_event {
	const char *actor, *detail;
	int64_t now_ms;
	int written;
};
/* Add every task (idempotent on the image path, as bx_store_task_add) and
 * replace its answer of that kind, all in one transaction: all or nothing.
 * On failure nothing is written and err names the item ("a/b.png: ..."). */
int bx_store_import_chunk(struct bx_store *st, struct bx_import_task *t, int n,
                          struct bx_import_event *ev, struct bx_err *err);
/* One manifest line, all or nothing: the task t (and its answer), each of
 * labelers the store lacks (as an annotator in training), then what
 * bx_store_judgment_import writes, in one transaction. *added_out:
 * judgments written; *users_out: users created. */
struct bx_batch_new;
struct bx_judgment_import;
int bx_store_item_import(struct bx_store *st, struct bx_import_task *t,
                         const char *const *labelers, int nlabelers,
                         const struct bx_batch_new *batches, int nbatches,
                         const struct bx_judgment_import *j, int nj, struct bx_import_event *ev,
                         const char *actor, int64_t now_ms, int *added_out, int *users_out,
                         struct bx_err *err);

#endif
