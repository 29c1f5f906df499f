/* store-gold.c: the gold set as an admin manages it: per-task pass rates
 * read from gold_scores, the retired flag (claim_gold in store-queue.c
 * serves only gold that is not retired) and promotion of a reviewed
 * answer. Plain sqlite3 through store-int.h, each call one statement set. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "boxel/store-gold.h"
#include "boxel/util.h"
#include "store-int.h"

void
bx_gold_items_free(struct bx_gold_item *it, int n)
{
	int i;

	for (i = 0; i < n; i++) {
		free(it[i].image);
		free(it[i].answer);
	}
	free(it);
}

struct list_ctx {
	struct bx_gold_item *out;
	int n;
};

static int
list_rx(struct bx_store *st, void *ctx, struct bx_err *err)
{
	static const char sql[] =
	    "SELECT g.task, t.image, t.width, t.height, g.retired, count(s.id), "
	    "  coalesce(sum(s.mismatch + s.fp + s.fn + s.tag_wrong = 0), 0), "
	    "  coalesce(sum(s.tp), 0), coalesce(sum(s.tp + s.mismatch + s.fp + s.fn), 0), g.answer "
	    "FROM gold g JOIN tasks t ON t.id = g.task "
	    "LEFT JOIN gold_scores s ON s.task = g.task "
	    /* t.id too: PostgreSQL takes t's columns as grouped only by
	     * t's own key. */
	    "GROUP BY g.task, t.id "
	    "ORDER BY CASE WHEN count(s.id) = 0 THEN 2.0 "
	    "  ELSE 1.0 * sum(s.mismatch + s.fp + s.fn + s.tag_wrong = 0) / count(s.id) END, "
	    "  t.image";
	struct list_ctx *c = ctx;
	struct bx_gold_item *g;
	struct bx_dbst *s;
	int rc;

	if ((s = bx_st_prep(st, sql, err)) == NULL)
		return err ? err->code : BX_EDB;
	while ((rc = bx_st_step(st, s, "list gold", err)) == 1) {
		c->out = bx_realloc(c->out, (size_t)(c->n + 1) * sizeof *c->out);
		g = &c->out[c->n++];
		g->task = bx_db_col_int64(s, 0);
		g->image = bx_st_col_dup(s, 1);
		g->width = bx_db_col_int(s, 2);
		g->height = bx_db_col_int(s, 3);
		g->retired = bx_db_col_int(s, 4);
		g->judged = bx_db_col_int(s, 5);
		g->passed = bx_db_col_int(s, 6);
		g->tp = (long)bx_db_col_int64(s, 7);
		g->total = (long)bx_db_col_int64(s, 8);
		g->answer = bx_st_col_dup(s, 9);
	}
	bx_db_reset(s);
	return rc < 0 ? rc : 0;
}

int
bx_store_gold_list(struct bx_store *st, struct bx_gold_item **out, int *n, struct bx_err *err)
{
	struct list_ctx c = { NULL, 0 };
	int rc = bx_st_read(st, list_rx, &c, err);

	if (rc < 0) {
		bx_gold_items_free(c.out, c.n);
		return rc;
	}
	*out = c.out;
	*n = c.n;
	return 0;
}

struct retire_ctx {
	const char *image, *actor;
	int retired;
	int64_t now;
};

static int
retire_tx(struct bx_store *st, void *ctx, struct bx_err *err)
{
	static const char sql[] =
	    "UPDATE gold SET retired = ?2 "
	    "WHERE task = (SELECT id FROM tasks WHERE image = ?1) RETURNING task";
	struct retire_ctx *c = ctx;
	char d[96];
	struct bx_dbst *s;
	int64_t task = 0;
	int rc;

	if ((s = bx_st_prep(st, sql, err)) == NULL)
		return err ? err->code : BX_EDB;
	bx_db_bind_text(s, 1, c->image);
	bx_db_bind_int(s, 2, c->retired);
	rc = bx_st_step(st, s, "retire gold", err);
	if (rc == 1)
		task = bx_db_col_int64(s, 0);
	bx_db_reset(s);
	if (rc < 0)
		return rc;
	if (rc == 0)
		return bx_err_set(err, BX_ENOENT, "no gold for image '%s' (see 'boxel gold list')",
		    c->image);
	snprintf(d, sizeof d, "{\"task\":%lld,\"retired\":%s}", (long long)task,
	    c->retired ? "true" : "false");
	return bx_st_event(st, c->actor, "gold_retire", d, c->now, err);
}

int
bx_store_gold_retire(struct bx_store *st, const char *image, int retired, const char *actor,
                     int64_t now_ms, struct bx_err *err)
{
	struct retire_ctx c = { image, actor, retired != 0, now_ms };

	return bx_st_write(st, retire_tx, &c, err);
}

struct promote_ctx {
	int64_t jid, now, task;
	const char *actor;
};

static int
promote_tx(struct bx_store *st, void *ctx, struct bx_err *err)
{
	static const char get[] = "SELECT state, task, answer FROM judgments WHERE id = ?1";
	static const char put[] =
	    "INSERT INTO gold(task, answer) VALUES (?1, ?2) "
	    "ON CONFLICT(task) DO UPDATE SET answer = excluded.answer, retired = 0";
	struct promote_ctx *c = ctx;
	char *state = NULL, *answer = NULL, d[96];
	struct bx_dbst *s;
	int rc;

	if ((s = bx_st_prep(st, get, err)) == NULL)
		return err ? err->code : BX_EDB;
	bx_db_bind_int64(s, 1, c->jid);
	rc = bx_st_step(st, s, "read judgment", err);
	if (rc == 1) {
		state = bx_st_col_dup(s, 0);
		c->task = bx_db_col_int64(s, 1);
		answer = bx_st_col_dup(s, 2);
	}
	bx_db_reset(s);
	if (rc == 0)
		rc = bx_err_set(err, BX_ENOENT, "no judgment %lld", (long long)c->jid);
	else if (rc > 0 && (strcmp(state, "accepted") != 0 || answer == NULL))
		rc = bx_err_set(err, BX_EINVAL, "judgment %lld is %s: only an accepted (reviewed) "
		    "answer can become gold", (long long)c->jid, state);
	if (rc < 0)
		goto out;
	if ((s = bx_st_prep(st, put, err)) == NULL) {
		rc = err ? err->code : BX_EDB;
		goto out;
	}
	bx_db_bind_int64(s, 1, c->task);
	bx_db_bind_text(s, 2, answer);
	if ((rc = bx_st_exec(st, s, "store gold", err)) < 0)
		goto out;
	snprintf(d, sizeof d, "{\"judgment\":%lld,\"task\":%lld}", (long long)c->jid,
	    (long long)c->task);
	rc = bx_st_event(st, c->actor, "gold_promote", d, c->now, err);
out:
	free(state);
	free(answer);
	return rc;
}

int
bx_store_gold_promote(struct bx_store *st, int64_t judgment, const char *actor, int64_t now_ms,
                      int64_t *task_out, struct bx_err *err)
{
	struct promote_ctx c = { judgment, now_ms, 0, actor };
	int rc = bx_st_write(st, promote_tx, &c, err);

	if (rc == 0 && task_out)
		*task_out = c.task;
	return rc;
}
