/* store-drafts.c: drafts, the labeling screen's work in progress: saved
 * under the lease (or a reviewer's fix under the review), loaded back on
 * resume. */
#include <stdlib.h>
#include <string.h>

#include "boxel/codec.h"
#include "boxel/formats.h"
#include "boxel/geom.h"
#include "boxel/util.h"
#include "store-int.h"
#include "store-queue.h"

/* ---- drafts ---- */

/* A review's draft lives in the judgment's draft row, free once it was
 * submitted: the judgment must still await review and the row be nobody
 * else's (another reviewer's fix in progress is not overwritten, unless
 * they left it untouched for REVIEW_DRAFT_STALE_MS). */
#define REVIEW_DRAFT_STALE_MS (30 * 60 * 1000LL)

static int
review_fence(struct bx_store *st, int64_t jid, const char *reviewer, int64_t now,
             int64_t *uid, struct bx_err *err)
{
	static const char sql[] =
	    "SELECT j.state, u.id, (SELECT d.labeler FROM drafts d WHERE d.judgment = j.id "
	    "                        AND d.updated_ms > ?3) "
	    "FROM judgments j, users u WHERE j.id = ?1 AND u.name = ?2";
	struct bx_dbst *s;
	int rc, ok = 0, busy = 0;

	if ((s = bx_st_prep(st, sql, err)) == NULL)
		return err ? err->code : BX_EDB;
	bx_db_bind_int64(s, 1, jid);
	bx_db_bind_text(s, 2, reviewer);
	bx_db_bind_int64(s, 3, now - REVIEW_DRAFT_STALE_MS);
	rc = bx_st_step(st, s, "check review", err);
	if (rc == 1) {
		*uid = bx_db_col_int64(s, 1);
		ok = strcmp((const char *)bx_db_col_text(s, 0), "submitted") == 0;
		busy = !bx_db_col_null(s, 2) &&
		    bx_db_col_int64(s, 2) != *uid;
	}
	bx_db_reset(s);
	if (rc < 0)
		return rc;
	if (rc == 0 || !ok)
		return bx_err_set(err, BX_ELEASE, "judgment %lld is no longer waiting for review",
		    (long long)jid);
	if (busy)
		return bx_err_set(err, BX_EEXIST, "another reviewer has a fix of judgment %lld "
		    "in progress", (long long)jid);
	return 0;
}

static int
draft_save_tx(struct bx_store *st, void *ctx, struct bx_err *err)
{
	static const char up[] =
	    "INSERT INTO drafts(judgment, labeler, state, updated_ms) VALUES (?1, ?2, ?3, ?4) "
	    "ON CONFLICT(judgment) DO UPDATE SET labeler = excluded.labeler, "
	    "  state = excluded.state, updated_ms = excluded.updated_ms";
	static const char trunc[] = "DELETE FROM journal WHERE judgment = ?1 AND seq >= ?2";
	static const char ins[] = "INSERT INTO journal(judgment, seq, entry) VALUES (?1, ?2, ?3)";
	struct bx_st_fenced_ctx *c = ctx;
	struct bx_dbst *s;
	int64_t uid;
	int rc;

	if ((rc = c->reviewer ? review_fence(st, c->jid, c->reviewer, c->now, &uid, err) :
	    bx_st_fence(st, c->jid, c->token, &uid, NULL, NULL, err)) < 0)
		return rc;
	if ((s = bx_st_prep(st, up, err)) == NULL)
		return err ? err->code : BX_EDB;
	bx_db_bind_int64(s, 1, c->jid);
	bx_db_bind_int64(s, 2, uid);
	bx_db_bind_text(s, 3, c->state_json);
	bx_db_bind_int64(s, 4, c->now);
	if ((rc = bx_st_exec(st, s, "save draft", err)) < 0)
		return rc;
	if (c->entry == NULL)
		return 0;
	if ((s = bx_st_prep(st, trunc, err)) == NULL)
		return err ? err->code : BX_EDB;
	bx_db_bind_int64(s, 1, c->jid);
	bx_db_bind_int(s, 2, c->seq);
	if ((rc = bx_st_exec(st, s, "truncate journal", err)) < 0)
		return rc;
	if ((s = bx_st_prep(st, ins, err)) == NULL)
		return err ? err->code : BX_EDB;
	bx_db_bind_int64(s, 1, c->jid);
	bx_db_bind_int(s, 2, c->seq);
	bx_db_bind_text(s, 3, c->entry);
	return bx_st_exec(st, s, "append journal", err);
}

int
bx_review_draft_save(struct bx_store *st, int64_t judgment, const char *reviewer,
                     const char *state_json, int seq, const char *entry, int64_t now_ms,
                     struct bx_err *err)
{
	struct bx_st_fenced_ctx c = { .jid = judgment, .reviewer = reviewer, .now = now_ms,
	                        .state_json = state_json, .entry = entry, .seq = seq };

	if (reviewer == NULL || state_json == NULL || (entry != NULL && seq < 1))
		return bx_err_set(err, BX_EINVAL, "review draft: reviewer, state and seq >= 1");
	return bx_st_write(st, draft_save_tx, &c, err);
}

int
bx_draft_save(struct bx_store *st, int64_t judgment, const char *token,
              const char *state_json, int seq, const char *entry, int64_t now_ms,
              struct bx_err *err)
{
	struct bx_st_fenced_ctx c = { .jid = judgment, .token = token, .now = now_ms,
	                        .state_json = state_json, .entry = entry, .seq = seq };

	if (state_json == NULL)
		return bx_err_set(err, BX_EINVAL, "draft: no state");
	if (entry != NULL && seq < 1)
		return bx_err_set(err, BX_EINVAL, "draft: journal seq must be >= 1");
	return bx_st_write(st, draft_save_tx, &c, err);
}

struct draft_load_ctx {
	int64_t jid;
	const char *owner; /* only this user's draft (reviews), or NULL */
	char *state;
	char **entries;
	int n;
};

static int
draft_load_rx(struct bx_store *st, void *ctx, struct bx_err *err)
{
	static const char dsql[] = "SELECT state FROM drafts WHERE judgment = ?1";
	static const char osql[] =
	    "SELECT state FROM drafts WHERE judgment = ?1 "
	    "  AND labeler = (SELECT id FROM users WHERE name = ?2)";
	static const char jsql[] = "SELECT entry FROM journal WHERE judgment = ?1 ORDER BY seq";
	struct draft_load_ctx *c = ctx;
	struct bx_dbst *s;
	int rc;

	if ((s = bx_st_prep(st, c->owner ? osql : dsql, err)) == NULL)
		return err ? err->code : BX_EDB;
	bx_db_bind_int64(s, 1, c->jid);
	if (c->owner)
		bx_db_bind_text(s, 2, c->owner);
	rc = bx_st_step(st, s, "load draft", err);
	if (rc == 1)
		c->state = bx_st_col_dup(s, 0);
	bx_db_reset(s);
	if (rc < 0)
		return rc;
	if (rc == 0)
		return bx_err_set(err, BX_ENOENT, "judgment %lld has no draft", (long long)c->jid);
	if ((s = bx_st_prep(st, jsql, err)) == NULL)
		return err ? err->code : BX_EDB;
	bx_db_bind_int64(s, 1, c->jid);
	while ((rc = bx_st_step(st, s, "load journal", err)) == 1) {
		c->entries = bx_realloc(c->entries, (size_t)(c->n + 1) * sizeof *c->entries);
		c->entries[c->n++] = bx_st_col_dup(s, 0);
	}
	bx_db_reset(s);
	return rc;
}

int
bx_draft_load(struct bx_store *st, int64_t judgment, const char *owner, char **state_json_out,
              char ***entries_out, int *n_out, struct bx_err *err)
{
	struct draft_load_ctx c = { judgment, owner, NULL, NULL, 0 };
	int rc, i;

	*state_json_out = NULL;
	*entries_out = NULL;
	*n_out = 0;
	rc = bx_st_read(st, draft_load_rx, &c, err);
	if (rc < 0) {
		free(c.state);
		for (i = 0; i < c.n; i++)
			free(c.entries[i]);
		free(c.entries);
		return rc;
	}
	*state_json_out = c.state;
	*entries_out = c.entries;
	*n_out = c.n;
	return 0;
}
