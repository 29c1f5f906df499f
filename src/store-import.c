/* store-import.c: bx_store_import_chunk (store-import.h): the rows of
 * bx_store_task_add and bx_store_task_answer_put for many tasks in one
 * BEGIN IMMEDIATE ... COMMIT, so an import of 100,000 tasks pays for a
 * handful of fsyncs instead of 100,000. Lives beside the store because it
 * needs its connection (store-int.h); the SQL is the store's own. */
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
	static const char ins[] =
	    "INSERT INTO tasks(image, width, height, hash, meta, created_ms) "
	    "VALUES (?1, ?2, ?3, ?4, ?5, ?6) ON CONFLICT(image) DO NOTHING";
	static const char find[] = "SELECT id FROM tasks WHERE image = ?1";
	static const char gold[] =
	    "INSERT INTO gold(task, answer) VALUES (?1, ?2) "
	    "ON CONFLICT(task) DO UPDATE SET answer = excluded.answer";
	static const char other[] =
	    "INSERT INTO task_answers(task, kind, answer) VALUES (?1, ?3, ?2) "
	    "ON CONFLICT(task, kind) DO UPDATE SET answer = excluded.answer";
	struct chunk_ctx *c = ctx;
	sqlite3_stmt *s;
	int i, rc, is_gold;

	for (i = 0; i < c->n; i++) {
		struct bx_import_task *t = &c->t[i];

		if ((s = bx_st_prep(st, ins, err)) == NULL)
			return err ? err->code : BX_EDB;
		sqlite3_bind_text(s, 1, t->task.image, -1, SQLITE_STATIC);
		sqlite3_bind_int(s, 2, t->task.width);
		sqlite3_bind_int(s, 3, t->task.height);
		sqlite3_bind_text(s, 4, t->task.hash, -1, SQLITE_STATIC);
		sqlite3_bind_text(s, 5, t->task.meta_json, -1, SQLITE_STATIC);
		sqlite3_bind_int64(s, 6, t->task.now_ms);
		if ((rc = bx_st_exec(st, s, "add task", err)) < 0) {
			bx_err_prefix(err, "%s", t->task.image);
			return rc;
		}
		t->created_out = sqlite3_changes(st->db) > 0;
		if (t->created_out)
			t->id_out = sqlite3_last_insert_rowid(st->db);
		else {
			if ((s = bx_st_prep(st, find, err)) == NULL)
				return err ? err->code : BX_EDB;
			sqlite3_bind_text(s, 1, t->task.image, -1, SQLITE_STATIC);
			rc = bx_st_step(st, s, "find task", err);
			if (rc == 1)
				t->id_out = sqlite3_column_int64(s, 0);
			sqlite3_reset(s);
			if (rc <= 0)
				return rc < 0 ? rc : bx_err_set(err, BX_EDB, "%s: task vanished",
				    t->task.image);
		}
		if (t->kind == NULL)
			continue;
		is_gold = strcmp(t->kind, "gold") == 0;
		if ((s = bx_st_prep(st, is_gold ? gold : other, err)) == NULL)
			return err ? err->code : BX_EDB;
		sqlite3_bind_int64(s, 1, t->id_out);
		sqlite3_bind_text(s, 2, t->answer_json, -1, SQLITE_STATIC);
		if (!is_gold)
			sqlite3_bind_text(s, 3, t->kind, -1, SQLITE_STATIC);
		if ((rc = bx_st_exec(st, s, "store answer", err)) < 0) {
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
		if (t[i].task.image == NULL || !bx_path_is_safe_relative(t[i].task.image))
			return bx_err_set(err, BX_EINVAL,
			    "%s: image path must be relative to the image root, without '..'",
			    t[i].task.image ? t[i].task.image : "(null)");
		if (t[i].task.width <= 0 || t[i].task.height <= 0)
			return bx_err_set(err, BX_EINVAL, "%s: bad size %dx%d", t[i].task.image,
			    t[i].task.width, t[i].task.height);
		if (t[i].kind != NULL && strcmp(t[i].kind, "prelabel") != 0 &&
		    strcmp(t[i].kind, "suggestion") != 0 && strcmp(t[i].kind, "gold") != 0 &&
		    strcmp(t[i].kind, "consensus") != 0)
			return bx_err_set(err, BX_EINVAL,
			    "answer kind must be prelabel, suggestion, gold or consensus");
		if (t[i].kind != NULL && t[i].answer_json == NULL)
			return bx_err_set(err, BX_EINVAL, "%s: answer missing", t[i].task.image);
		t[i].id_out = 0;
		t[i].created_out = 0;
	}
	return bx_st_write(st, chunk_tx, &c, err) < 0 ? (err ? err->code : BX_EDB) : 0;
}
