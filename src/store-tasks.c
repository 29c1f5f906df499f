/* store-tasks.c: tasks, and the answers attached to them by import
 * (pre-labels, suggestions, gold) and by review (a rejected answer). */
#include <stdlib.h>
#include <string.h>

#include "boxel/codec.h"
#include "boxel/formats.h"
#include "boxel/util.h"
#include "store-int.h"

int
bx_st_task_check(const struct bx_task_new *t, struct bx_err *err)
{
	if (t->image == NULL || !bx_path_is_safe_relative(t->image))
		return bx_err_set(err, BX_EINVAL,
		    "%s: image path must be relative to the image root, without '..'",
		    t->image ? t->image : "(null)");
	if (t->width <= 0 || t->height <= 0)
		return bx_err_set(err, BX_EINVAL, "%s: bad size %dx%d", t->image, t->width,
		    t->height);
	return 0;
}

int
bx_st_task_insert(struct bx_store *st, const struct bx_task_new *t, int64_t *id_out,
                  int *created_out, struct bx_err *err)
{
	static const char ins[] =
	    "INSERT INTO tasks(image, width, height, hash, meta, created_ms) "
	    "VALUES (?1, ?2, ?3, ?4, ?5, ?6) ON CONFLICT(image) DO NOTHING RETURNING id";
	struct bx_dbst *s;
	int rc;

	if ((s = bx_st_prep(st, ins, err)) == NULL)
		return err ? err->code : BX_EDB;
	bx_db_bind_text(s, 1, t->image);
	bx_db_bind_int(s, 2, t->width);
	bx_db_bind_int(s, 3, t->height);
	bx_db_bind_text(s, 4, t->hash);
	bx_db_bind_text(s, 5, t->meta_json);
	bx_db_bind_int64(s, 6, t->now_ms);
	if ((rc = bx_st_insert_id(st, s, "add task", id_out, err)) < 0) {
		bx_err_prefix(err, "%s", t->image);
		return rc;
	}
	*created_out = rc;
	if (rc == 1)
		return 0;
	return bx_store_task_find(st, t->image, id_out, err);
}

struct task_ctx {
	const struct bx_task_new *t;
	int64_t id;
	int created;
};

static int
task_add_tx(struct bx_store *st, void *ctx, struct bx_err *err)
{
	struct task_ctx *c = ctx;

	return bx_st_task_insert(st, c->t, &c->id, &c->created, err);
}

int
bx_store_task_add(struct bx_store *st, const struct bx_task_new *t, int64_t *id_out,
                  int *created_out, struct bx_err *err)
{
	struct task_ctx c = { t, 0, 0 };
	int rc;

	if ((rc = bx_st_task_check(t, err)) < 0)
		return rc;
	rc = bx_st_write(st, task_add_tx, &c, err);
	if (rc < 0)
		return rc;
	if (id_out)
		*id_out = c.id;
	if (created_out)
		*created_out = c.created;
	return 0;
}

int
bx_store_task_find(struct bx_store *st, const char *image, int64_t *id_out, struct bx_err *err)
{
	static const char sql[] = "SELECT id FROM tasks WHERE image = ?1";
	struct bx_dbst *s;
	int rc;

	if ((s = bx_st_prep(st, sql, err)) == NULL)
		return err ? err->code : BX_EDB;
	bx_db_bind_text(s, 1, image);
	rc = bx_st_step(st, s, "find task", err);
	if (rc == 1)
		*id_out = bx_db_col_int64(s, 0);
	bx_db_reset(s);
	if (rc == 0)
		return bx_err_set(err, BX_ENOENT, "no task for image %s", image);
	return rc < 0 ? rc : 0;
}

/* ---- answers attached by import ---- */

int
bx_st_answer_kind_ok(const char *kind)
{
	return kind != NULL && (strcmp(kind, "prelabel") == 0 || strcmp(kind, "suggestion") == 0 ||
	    strcmp(kind, "gold") == 0 || strcmp(kind, "consensus") == 0);
}

int
bx_st_answer_put(struct bx_store *st, int64_t task, const char *kind, const char *json,
                 struct bx_err *err)
{
	static const char gold[] =
	    "INSERT INTO gold(task, answer) VALUES (?1, ?2) "
	    "ON CONFLICT(task) DO UPDATE SET answer = excluded.answer";
	static const char other[] =
	    "INSERT INTO task_answers(task, kind, answer) VALUES (?1, ?3, ?2) "
	    "ON CONFLICT(task, kind) DO UPDATE SET answer = excluded.answer";
	int is_gold = strcmp(kind, "gold") == 0;
	struct bx_dbst *s = bx_st_prep(st, is_gold ? gold : other, err);

	if (s == NULL)
		return err ? err->code : BX_EDB;
	bx_db_bind_int64(s, 1, task);
	bx_db_bind_text(s, 2, json);
	if (!is_gold)
		bx_db_bind_text(s, 3, kind);
	return bx_st_exec(st, s, "store answer", err);
}

struct answer_ctx {
	int64_t task;
	const char *kind;
	const char *json;
};

static int
answer_put_tx(struct bx_store *st, void *ctx, struct bx_err *err)
{
	struct answer_ctx *c = ctx;

	return bx_st_answer_put(st, c->task, c->kind, c->json, err);
}

int
bx_store_task_answer_put(struct bx_store *st, int64_t task, const char *kind,
                         const struct bx_answer *ans, struct bx_err *err)
{
	struct answer_ctx c = { task, kind, NULL };
	int rc;

	if (!bx_st_answer_kind_ok(kind))
		return bx_err_set(err, BX_EINVAL,
		    "answer kind must be prelabel, suggestion, gold or consensus");
	c.json = bx_answer_to_json(ans);
	rc = bx_st_write(st, answer_put_tx, &c, err);
	if (rc < 0 && err && err->code == BX_EINVAL)
		bx_err_prefix(err, "task %lld", (long long)task);
	free((char *)c.json);
	return rc;
}

static int
answer_get(struct bx_store *st, const char *sql, int64_t task, const char *kind,
           struct bx_answer *out, int *found, struct bx_err *err)
{
	struct bx_dbst *s;
	char *json = NULL;
	int rc;

	*found = 0;
	if ((s = bx_st_prep(st, sql, err)) == NULL)
		return err ? err->code : BX_EDB;
	bx_db_bind_int64(s, 1, task);
	if (kind)
		bx_db_bind_text(s, 2, kind);
	rc = bx_st_step(st, s, "read answer", err);
	if (rc == 1)
		json = bx_st_col_dup(s, 0);
	bx_db_reset(s);
	if (rc <= 0)
		return rc;
	rc = bx_answer_from_json(json, out, err);
	free(json);
	if (rc < 0) {
		bx_err_prefix(err, "stored answer of task %lld", (long long)task);
		return rc;
	}
	*found = 1;
	return 0;
}

int
bx_store_rejected_answer(struct bx_store *st, int64_t judgment, struct bx_answer *out,
                         struct bx_err *err)
{
	/* answer_get binds its "task" as ?1: here the judgment being reworked. */
	static const char sql[] =
	    "SELECT p.answer FROM judgments j JOIN judgments p ON p.task = j.task "
	    "  AND p.batch = j.batch AND p.labeler = j.labeler AND p.state = 'rejected' "
	    "  AND p.id < j.id AND p.answer IS NOT NULL "
	    "WHERE j.id = ?1 ORDER BY p.id DESC LIMIT 1";
	int rc, found;

	bx_answer_init(out);
	rc = answer_get(st, sql, judgment, NULL, out, &found, err);
	if (rc < 0)
		return rc;
	if (!found)
		return bx_err_set(err, BX_ENOENT, "judgment %lld is no rework", (long long)judgment);
	return 0;
}

int
bx_store_prelabels_get(struct bx_store *st, int64_t task, struct bx_answer *out,
                       struct bx_err *err)
{
	static const char sql[] = "SELECT answer FROM task_answers WHERE task = ?1 AND kind = ?2";
	struct bx_answer sug;
	int rc, found, i;

	bx_answer_init(out);
	rc = answer_get(st, sql, task, "prelabel", out, &found, err);
	if (rc < 0)
		return rc;
	if (!found)
		bx_answer_init(out);
	bx_answer_init(&sug);
	rc = answer_get(st, sql, task, "suggestion", &sug, &found, err);
	if (rc < 0) {
		bx_answer_free(out);
		return rc;
	}
	if (found) {
		for (i = 0; i < sug.n; i++) {
			int k = bx_answer_add(out, &sug.a[i]);
			out->a[k].flags |= BX_ANNOT_SUGGESTION;
		}
		bx_answer_free(&sug);
	}
	return 0;
}

int
bx_store_gold_get(struct bx_store *st, int64_t task, struct bx_answer *out, struct bx_err *err)
{
	static const char sql[] = "SELECT answer FROM gold WHERE task = ?1";
	int rc, found;

	bx_answer_init(out);
	rc = answer_get(st, sql, task, NULL, out, &found, err);
	if (rc < 0)
		return rc;
	if (!found) {
		bx_answer_init(out);
		return bx_err_set(err, BX_ENOENT, "task %lld has no gold answer", (long long)task);
	}
	return 0;
}
