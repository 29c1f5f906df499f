/* store-import.c: bx_store_import_chunk (store-import.h): the rows of
 * bx_store_task_add and bx_store_task_answer_put for many tasks in one
 * BEGIN IMMEDIATE ... COMMIT, so an import of 100,000 tasks pays for a
 * handful of fsyncs instead of 100,000. Lives beside the store because it
 * needs its connection (store-int.h); the checks and rows are the store's
 * own (bx_st_task_check, bx_st_task_insert, bx_st_answer_put in store.c). */
#include <string.h>

#include "boxel/store-import.h"
#include "boxel/util.h"
#include "store-int.h"

struct chunk_ctx {
	struct bx_import_task *t;
	int n;
};

static int
chunk_tx(struct bx_store *st, void *ctx, struct bx_err *err)
{
	struct chunk_ctx *c = ctx;
	int i, rc;

	for (i = 0; i < c->n; i++) {
		struct bx_import_task *t = &c->t[i];

		if ((rc = bx_st_task_insert(st, &t->task, &t->id_out, &t->created_out, err)) < 0)
			return rc;
		if (t->kind == NULL)
			continue;
		if ((rc = bx_st_answer_put(st, t->id_out, t->kind, t->answer_json, err)) < 0) {
			bx_err_prefix(err, "%s", t->task.image);
			return rc;
		}
	}
	return 0;
}

int
bx_store_import_chunk(struct bx_store *st, struct bx_import_task *t, int n, struct bx_err *err)
{
	struct chunk_ctx c = { t, n };
	int i;

	for (i = 0; i < n; i++) {
		int rc = bx_st_task_check(&t[i].task, err);

		if (rc < 0)
			return rc;
		if (t[i].kind != NULL && !bx_st_answer_kind_ok(t[i].kind))
			return bx_err_set(err, BX_EINVAL,
			    "answer kind must be prelabel, suggestion, gold or consensus");
		if (t[i].kind != NULL && t[i].answer_json == NULL)
			return bx_err_set(err, BX_EINVAL, "%s: answer missing", t[i].task.image);
		t[i].id_out = 0;
		t[i].created_out = 0;
	}
	return bx_st_write(st, chunk_tx, &c, err) < 0 ? (err ? err->code : BX_EDB) : 0;
}
