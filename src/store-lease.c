/* store-lease.c: the lease's fence (the judgment still leased under this
 * token) and the writes it guards besides submit and drafts: heartbeat,
 * release, skip, and putting a judgment back in the queue. */
#include <stdlib.h>
#include <string.h>

#include "boxel/codec.h"
#include "boxel/formats.h"
#include "boxel/geom.h"
#include "boxel/util.h"
#include "store-int.h"
#include "store-queue.h"

#define LEASE_LOST "lease lost: this task was given to someone else or expired; your draft is kept"

int
bx_st_lease_lost(int64_t judgment, struct bx_err *err)
{
	return bx_err_set(err, BX_ELEASE, "judgment %lld: " LEASE_LOST, (long long)judgment);
}

/* ---- fenced writes ---- */

/* The fence: the judgment is still leased under this token. Sets *labeler
 * (user id) when it holds. */
int
bx_st_fence(struct bx_store *st, int64_t jid, const char *token, int64_t *labeler, int64_t *task,
      int64_t *batch, struct bx_err *err)
{
	static const char sql[] =
	    "SELECT labeler, task, batch FROM judgments "
	    "WHERE id = ?1 AND lease_token = ?2 AND state = 'leased'";
	struct bx_dbst *s;
	int rc;

	if (token == NULL)
		return bx_st_lease_lost(jid, err);
	if ((s = bx_st_prep(st, sql, err)) == NULL)
		return err ? err->code : BX_EDB;
	bx_db_bind_int64(s, 1, jid);
	bx_db_bind_text(s, 2, token);
	rc = bx_st_step(st, s, "check lease", err);
	if (rc == 1) {
		if (labeler)
			*labeler = bx_db_col_int64(s, 0);
		if (task)
			*task = bx_db_col_int64(s, 1);
		if (batch)
			*batch = bx_db_col_int64(s, 2);
	}
	bx_db_reset(s);
	if (rc == 0)
		return bx_st_lease_lost(jid, err);
	return rc < 0 ? rc : 0;
}

static char *
user_name(struct bx_store *st, int64_t uid)
{
	static const char sql[] = "SELECT name FROM users WHERE id = ?1";
	struct bx_dbst *s = bx_st_prep(st, sql, NULL);
	char *name = NULL;

	if (s == NULL)
		return NULL;
	bx_db_bind_int64(s, 1, uid);
	if (bx_db_step(s) == 1)
		name = bx_st_col_dup(s, 0);
	bx_db_reset(s);
	return name;
}

int
bx_st_fenced_event(struct bx_store *st, struct bx_st_fenced_ctx *c, int64_t uid, int64_t task,
             const char *what, struct bx_err *err)
{
	struct bx_buf d;
	char *name = user_name(st, uid);
	int rc;

	bx_buf_init(&d);
	bx_buf_printf(&d, "{\"judgment\":%lld,\"task\":%lld", (long long)c->jid, (long long)task);
	if (c->reason) {
		bx_buf_puts(&d, ",\"reason\":");
		bx_st_json_str(&d, c->reason);
	}
	if (c->ans)
	{
		bx_buf_printf(&d, ",\"annotations\":%d,\"seconds\":", c->ans->n);
		bx_json_put_num(&d, c->seconds);
	}
	bx_buf_putc(&d, '}');
	rc = bx_st_event(st, name, what, d.p, c->now, err);
	bx_buf_free(&d);
	free(name);
	return rc;
}

static int
heartbeat_tx(struct bx_store *st, void *ctx, struct bx_err *err)
{
	static const char sql[] =
	    "UPDATE judgments SET lease_until = ?3 "
	    "WHERE id = ?1 AND lease_token = ?2 AND state = 'leased'";
	struct bx_st_fenced_ctx *c = ctx;
	struct bx_dbst *s;
	int rc;

	if (c->token == NULL)
		return bx_st_lease_lost(c->jid, err);
	if ((s = bx_st_prep(st, sql, err)) == NULL)
		return err ? err->code : BX_EDB;
	bx_db_bind_int64(s, 1, c->jid);
	bx_db_bind_text(s, 2, c->token);
	bx_db_bind_int64(s, 3, c->now + c->lease_ms);
	if ((rc = bx_st_exec(st, s, "heartbeat", err)) < 0)
		return rc;
	if (bx_db_changes(st->db) == 0)
		return bx_st_lease_lost(c->jid, err);
	c->until = c->now + c->lease_ms;
	return 0;
}

int
bx_queue_heartbeat(struct bx_store *st, int64_t judgment, const char *token,
                   int64_t lease_ms, int64_t now_ms, int64_t *lease_until_out,
                   struct bx_err *err)
{
	struct bx_st_fenced_ctx c = { .jid = judgment, .token = token, .lease_ms = lease_ms,
	                        .now = now_ms };
	int rc;

	if (lease_ms <= 0)
		return bx_err_set(err, BX_EINVAL, "lease must be positive");
	rc = bx_st_write(st, heartbeat_tx, &c, err);
	if (rc == 0 && lease_until_out)
		*lease_until_out = c.until;
	return rc;
}

static int
release_tx(struct bx_store *st, void *ctx, struct bx_err *err)
{
	static const char sql[] =
	    "UPDATE judgments SET state = 'open', labeler = NULL, lease_token = NULL, "
	    "  lease_until = NULL, attempts = max(attempts - 1, 0) "
	    "WHERE id = ?1 AND lease_token = ?2 AND state = 'leased'";
	struct bx_st_fenced_ctx *c = ctx;
	struct bx_dbst *s;
	int64_t uid, task;
	int rc;

	if ((rc = bx_st_fence(st, c->jid, c->token, &uid, &task, NULL, err)) < 0)
		return rc;
	if ((s = bx_st_prep(st, sql, err)) == NULL)
		return err ? err->code : BX_EDB;
	bx_db_bind_int64(s, 1, c->jid);
	bx_db_bind_text(s, 2, c->token);
	if ((rc = bx_st_exec(st, s, "release", err)) < 0)
		return rc;
	return bx_st_fenced_event(st, c, uid, task, "release", err);
}

int
bx_queue_release(struct bx_store *st, int64_t judgment, const char *token,
                 int64_t now_ms, struct bx_err *err)
{
	struct bx_st_fenced_ctx c = { .jid = judgment, .token = token, .now = now_ms };

	return bx_st_write(st, release_tx, &c, err);
}

int
bx_st_requeue(struct bx_store *st, int64_t jid, int to_labeler, struct bx_err *err)
{
	static const char anyone[] =
	    "INSERT INTO judgments(task, batch, replica) "
	    "SELECT task, batch, (SELECT max(replica) + 1 FROM judgments m "
	    "                     WHERE m.task = j.task AND m.batch = j.batch) "
	    "FROM judgments j WHERE j.id = ?1";
	static const char theirs[] =
	    "INSERT INTO judgments(task, batch, replica, labeler) "
	    "SELECT task, batch, (SELECT max(replica) + 1 FROM judgments m "
	    "                     WHERE m.task = j.task AND m.batch = j.batch), "
	    "  (SELECT u.id FROM users u WHERE u.id = j.labeler AND u.active = 1 "
	    "     AND u.qual <> 'suspended') "
	    "FROM judgments j WHERE j.id = ?1";
	struct bx_dbst *s;

	if ((s = bx_st_prep(st, to_labeler ? theirs : anyone, err)) == NULL)
		return err ? err->code : BX_EDB;
	bx_db_bind_int64(s, 1, jid);
	return bx_st_exec(st, s, "queue a replica", err);
}

static int
skip_tx(struct bx_store *st, void *ctx, struct bx_err *err)
{
	static const char upd[] =
	    "UPDATE judgments SET state = 'skipped', lease_token = NULL, lease_until = NULL, "
	    "  submitted_ms = ?3 "
	    "WHERE id = ?1 AND lease_token = ?2 AND state = 'leased'";
	struct bx_st_fenced_ctx *c = ctx;
	struct bx_dbst *s;
	int64_t uid, task;
	int rc;

	if ((rc = bx_st_fence(st, c->jid, c->token, &uid, &task, NULL, err)) < 0)
		return rc;
	if ((s = bx_st_prep(st, upd, err)) == NULL)
		return err ? err->code : BX_EDB;
	bx_db_bind_int64(s, 1, c->jid);
	bx_db_bind_text(s, 2, c->token);
	bx_db_bind_int64(s, 3, c->now);
	if ((rc = bx_st_exec(st, s, "skip", err)) < 0)
		return rc;
	/* The task still wants its overlap: a fresh replica for others (the
	 * skipper keeps their skipped row, so never gets the task again). */
	if ((rc = bx_st_requeue(st, c->jid, 0, err)) < 0 ||
	    (rc = bx_st_after_skip(st, c->jid, uid, c->now, err)) < 0)
		return rc;
	return bx_st_fenced_event(st, c, uid, task, "skip", err);
}

int
bx_queue_skip(struct bx_store *st, int64_t judgment, const char *token,
              const char *reason, int64_t now_ms, struct bx_err *err)
{
	struct bx_st_fenced_ctx c = { .jid = judgment, .token = token, .now = now_ms,
	                        .reason = reason };

	return bx_st_write(st, skip_tx, &c, err);
}
