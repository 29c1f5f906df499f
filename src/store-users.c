/* store-users.c: what an admin does to a user beyond adding them: enable
 * (undoing disable), role, pause/unpause, an admin's suspension and putting
 * a labeler back in training. Each is one write transaction with its event;
 * each says through its return what really happened (0 changed, 1 it was
 * already so). Gold suspensions and reinstatement live in store-suspend.c. */
#include <stdio.h>
#include <string.h>

#include "boxel/util.h"
#include "store-int.h"

int
bx_st_user_active(struct bx_store *st, const char *name, int64_t *uid, struct bx_err *err)
{
	static const char sql[] = "SELECT id, active FROM users WHERE name = ?1";
	struct bx_dbst *s;
	int rc, active = 0;

	if (name == NULL)
		return bx_err_set(err, BX_EINVAL, "no user given");
	if ((s = bx_st_prep(st, sql, err)) == NULL)
		return err ? err->code : BX_EDB;
	bx_db_bind_text(s, 1, name);
	rc = bx_st_step(st, s, "read user", err);
	if (rc == 1) {
		*uid = bx_db_col_int64(s, 0);
		active = bx_db_col_int(s, 1);
	}
	bx_db_reset(s);
	if (rc < 0)
		return rc;
	if (rc == 0)
		return bx_err_set(err, BX_ENOENT, "no user %s (see 'boxel user list')", name);
	if (!active)
		return bx_err_set(err, BX_EPERM, "user %s is disabled: 'boxel user enable %s' first",
		    name, name);
	return 0;
}

enum uop { U_ENABLE, U_ROLE, U_PAUSE, U_UNPAUSE, U_SUSPEND, U_TRAINING };

struct uop_ctx {
	enum uop op;
	const char *name, *arg, *actor;
	int64_t now;
	int same; /* out: it was already so */
	struct bx_st_preset pre; /* a suspension's consensus redo, merged ahead */
};

/* Per operation: the test that it is already so, the update, the event. */
static const struct {
	const char *same, *update, *event;
	int release; /* their leases go back to the queue */
} uops[] = {
	[U_ENABLE] = { "SELECT active = 1 FROM users WHERE id = ?1",
	    "UPDATE users SET active = 1 WHERE id = ?1", "user_enable", 0 },
	[U_ROLE] = { "SELECT role = ?2 FROM users WHERE id = ?1",
	    "UPDATE users SET role = ?2 WHERE id = ?1", "user_role", 0 },
	[U_PAUSE] = { "SELECT paused = 1 FROM users WHERE id = ?1",
	    "UPDATE users SET paused = 1 WHERE id = ?1", "user_pause", 1 },
	[U_UNPAUSE] = { "SELECT paused = 0 FROM users WHERE id = ?1",
	    "UPDATE users SET paused = 0 WHERE id = ?1", "user_unpause", 0 },
	[U_SUSPEND] = { "SELECT qual = 'suspended' AND suspended_by IS NOT DISTINCT FROM 'admin' FROM users "
	    "WHERE id = ?1",
	    "UPDATE users SET suspended_from = CASE WHEN qual = 'suspended' THEN suspended_from "
	    "  ELSE qual END, qual = 'suspended', suspended_by = 'admin' WHERE id = ?1",
	    "user_qual", 1 },
	[U_TRAINING] = { "SELECT qual = 'training' FROM users WHERE id = ?1",
	    "UPDATE users SET qual = 'training', suspended_by = NULL, suspended_from = NULL "
	    "WHERE id = ?1", "user_qual", 0 },
};

static int
uop_tx(struct bx_store *st, void *ctx, struct bx_err *err)
{
	struct uop_ctx *c = ctx;
	struct bx_buf d;
	struct bx_dbst *s;
	int64_t uid;
	int rc;

	/* Enable is the one thing a disabled user may be given. */
	if (c->op == U_ENABLE) {
		if ((rc = bx_st_user_id(st, c->name, &uid, err)) < 0)
			return rc;
	} else if ((rc = bx_st_user_active(st, c->name, &uid, err)) < 0) {
		return rc;
	}
	if ((s = bx_st_prep(st, uops[c->op].same, err)) == NULL)
		return err ? err->code : BX_EDB;
	bx_db_bind_int64(s, 1, uid);
	if (c->arg)
		bx_db_bind_text(s, 2, c->arg);
	rc = bx_st_step(st, s, "read user", err);
	c->same = rc == 1 && bx_db_col_int(s, 0);
	bx_db_reset(s);
	if (rc < 0 || c->same)
		return rc < 0 ? rc : 0;
	if ((s = bx_st_prep(st, uops[c->op].update, err)) == NULL)
		return err ? err->code : BX_EDB;
	bx_db_bind_int64(s, 1, uid);
	if (c->arg)
		bx_db_bind_text(s, 2, c->arg);
	if ((rc = bx_st_exec(st, s, "change user", err)) < 0)
		return rc;
	if (uops[c->op].release && (rc = bx_st_release_user(st, uid, err)) < 0)
		return rc;
	if (c->op == U_SUSPEND && (rc = bx_st_hold_work(st, uid, c->now, &c->pre, err)) < 0)
		return rc;
	bx_buf_init(&d);
	bx_buf_puts(&d, "{\"name\":");
	bx_st_json_str(&d, c->name);
	if (c->op == U_ROLE) {
		bx_buf_puts(&d, ",\"role\":");
		bx_st_json_str(&d, c->arg);
	} else if (c->op == U_SUSPEND) {
		bx_buf_puts(&d, ",\"qual\":\"suspended\",\"reason\":\"admin\"");
	} else if (c->op == U_TRAINING) {
		bx_buf_puts(&d, ",\"qual\":\"training\",\"reason\":\"admin\"");
	}
	bx_buf_putc(&d, '}');
	rc = bx_st_event(st, c->actor, uops[c->op].event, d.p, c->now, err);
	bx_buf_free(&d);
	return rc;
}

static int
uop(struct bx_store *st, enum uop op, const char *name, const char *arg, const char *actor,
    int64_t now_ms, struct bx_err *err)
{
	struct uop_ctx c = { op, name, arg, actor, now_ms, 0, { 0 } };
	int rc;

	if (name == NULL)
		return bx_err_set(err, BX_EINVAL, "no user given");
	if (op == U_SUSPEND)
		bx_st_premerge_hold(st, name, &c.pre);
	rc = bx_st_write(st, uop_tx, &c, err);
	bx_st_preset_free(&c.pre);
	if (rc < 0)
		return rc;
	return c.same;
}

int
bx_store_user_enable(struct bx_store *st, const char *name, const char *actor, int64_t now_ms,
                     struct bx_err *err)
{
	return uop(st, U_ENABLE, name, NULL, actor, now_ms, err);
}

int
bx_store_user_role(struct bx_store *st, const char *name, const char *role, const char *actor,
                   int64_t now_ms, struct bx_err *err)
{
	if (role == NULL || (strcmp(role, "annotator") != 0 && strcmp(role, "reviewer") != 0 &&
	    strcmp(role, "admin") != 0))
		return bx_err_set(err, BX_EINVAL, "role must be annotator, reviewer or admin");
	return uop(st, U_ROLE, name, role, actor, now_ms, err);
}

int
bx_store_user_pause(struct bx_store *st, const char *name, int pause, const char *actor,
                    int64_t now_ms, struct bx_err *err)
{
	return uop(st, pause ? U_PAUSE : U_UNPAUSE, name, NULL, actor, now_ms, err);
}

int
bx_store_user_suspend(struct bx_store *st, const char *name, const char *actor, int64_t now_ms,
                      struct bx_err *err)
{
	return uop(st, U_SUSPEND, name, NULL, actor, now_ms, err);
}

int
bx_store_user_to_training(struct bx_store *st, const char *name, const char *actor,
                          int64_t now_ms, struct bx_err *err)
{
	return uop(st, U_TRAINING, name, NULL, actor, now_ms, err);
}

int
bx_store_user_status(struct bx_store *st, const char *name, int *paused_out,
                     char *suspended_by, size_t bysz, struct bx_err *err)
{
	static const char sql[] =
	    "SELECT paused, coalesce(suspended_by, '') FROM users WHERE name = ?1";
	struct bx_dbst *s;
	int rc;

	if ((s = bx_st_prep(st, sql, err)) == NULL)
		return err ? err->code : BX_EDB;
	bx_db_bind_text(s, 1, name);
	rc = bx_st_step(st, s, "read user", err);
	if (rc == 1) {
		*paused_out = bx_db_col_int(s, 0);
		snprintf(suspended_by, bysz, "%s", (const char *)bx_db_col_text(s, 1));
	}
	bx_db_reset(s);
	if (rc == 0)
		return bx_err_set(err, BX_ENOENT, "no user %s (see 'boxel user list')", name);
	return rc < 0 ? rc : 0;
}
