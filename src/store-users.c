/* store-users.c: the users table: adding, reading, listing and disabling a
 * user, and what an admin does to one beyond that: enable (undoing
 * disable), role, pause/unpause, an admin's suspension and putting a
 * labeler back in training. Each change is one write transaction with its
 * event; the admin's operations say through their return what really
 * happened (0 changed, 1 it was already so). Gold suspensions and
 * reinstatement live in store-suspend.c. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "boxel/util.h"
#include "store-int.h"

/* ---- adding, reading and disabling ---- */

void
bx_user_free(struct bx_user *u)
{
	if (u == NULL)
		return;
	free(u->name);
	free(u->role);
	free(u->qual);
	memset(u, 0, sizeof *u);
}

void
bx_users_free(struct bx_user *u, int n)
{
	int i;

	for (i = 0; u != NULL && i < n; i++)
		bx_user_free(&u[i]);
	free(u);
}

static int
valid_name(const char *name)
{
	size_t n = 0;

	for (; name[n]; n++)
		if (!((name[n] >= 'a' && name[n] <= 'z') || (name[n] >= 'A' && name[n] <= 'Z') ||
		    (name[n] >= '0' && name[n] <= '9') || strchr("._-", name[n]) != NULL))
			return 0;
	return n >= 1 && n <= 64;
}

struct user_ctx {
	const char *name, *role, *actor, *qual;
	int64_t now;
};

static int
user_add_tx(struct bx_store *st, void *ctx, struct bx_err *err)
{
	static const char sql[] =
	    "INSERT INTO users(name, role, qual, created_ms) VALUES (?1, ?2, ?3, ?4) "
	    "ON CONFLICT(name) DO NOTHING";
	struct user_ctx *c = ctx;
	struct bx_buf d;
	struct bx_dbst *s;
	int rc;

	if ((s = bx_st_prep(st, sql, err)) == NULL)
		return err ? err->code : BX_EDB;
	bx_db_bind_text(s, 1, c->name);
	bx_db_bind_text(s, 2, c->role);
	bx_db_bind_text(s, 3, c->qual);
	bx_db_bind_int64(s, 4, c->now);
	if ((rc = bx_st_exec(st, s, "add user", err)) < 0)
		return rc;
	if (bx_db_changes(st->db) == 0)
		return bx_err_set(err, BX_EEXIST, "user %s already exists", c->name);
	bx_buf_init(&d);
	bx_buf_puts(&d, "{\"name\":");
	bx_st_json_str(&d, c->name);
	bx_buf_puts(&d, ",\"role\":");
	bx_st_json_str(&d, c->role);
	bx_buf_putc(&d, '}');
	rc = bx_st_event(st, c->actor, "user_add", d.p, c->now, err);
	bx_buf_free(&d);
	return rc;
}

int
bx_st_user_ensure(struct bx_store *st, const char *name, const char *actor, int64_t now_ms,
                  int *created_out, struct bx_err *err)
{
	struct user_ctx c = { name, "annotator", actor, "training", now_ms };
	int rc;

	*created_out = 0;
	if (name == NULL || !valid_name(name))
		return bx_err_set(err, BX_EINVAL,
		    "user name must be 1-64 characters of A-Z a-z 0-9 . _ -");
	rc = user_add_tx(st, &c, err);
	if (rc == BX_EEXIST) {
		bx_err_clear(err);
		return 0;
	}
	if (rc == 0)
		*created_out = 1;
	return rc;
}

int
bx_store_user_add(struct bx_store *st, const char *name, const char *role,
                  const char *actor, int64_t now_ms, struct bx_err *err)
{
	struct user_ctx c = { name, role, actor, "training", now_ms };

	if (name == NULL || !valid_name(name))
		return bx_err_set(err, BX_EINVAL,
		    "user name must be 1-64 characters of A-Z a-z 0-9 . _ -");
	if (role == NULL || (strcmp(role, "annotator") != 0 && strcmp(role, "reviewer") != 0 &&
	    strcmp(role, "admin") != 0))
		return bx_err_set(err, BX_EINVAL,
		    "role must be annotator, reviewer or admin");
	/* Reviewers and admins are trusted: they start qualified. Annotators
	 * start in training (which only restricts them when the project sets
	 * require_training = 1). */
	if (strcmp(role, "annotator") != 0)
		c.qual = "qualified";
	return bx_st_write(st, user_add_tx, &c, err);
}

static int
user_row(struct bx_dbst *s, struct bx_user *u)
{
	u->id = bx_db_col_int64(s, 0);
	u->name = bx_st_col_dup(s, 1);
	u->role = bx_st_col_dup(s, 2);
	u->active = bx_db_col_int(s, 3);
	u->qual = bx_st_col_dup(s, 4);
	u->created_ms = bx_db_col_int64(s, 5);
	u->suspend_grace = bx_db_col_int(s, 6);
	return 0;
}

int
bx_store_user_get(struct bx_store *st, const char *name, struct bx_user *out, struct bx_err *err)
{
	static const char sql[] =
	    "SELECT id, name, role, active, qual, created_ms, coalesce(suspend_grace, -1) "
	    "FROM users WHERE name = ?1";
	struct bx_dbst *s;
	int rc;

	memset(out, 0, sizeof *out);
	if ((s = bx_st_prep(st, sql, err)) == NULL)
		return err ? err->code : BX_EDB;
	bx_db_bind_text(s, 1, name);
	rc = bx_st_step(st, s, "read user", err);
	if (rc == 1)
		user_row(s, out);
	bx_db_reset(s);
	if (rc == 0)
		return bx_err_set(err, BX_ENOENT, "no user %s (see 'boxel user list')", name);
	return rc < 0 ? rc : 0;
}

int
bx_store_user_list(struct bx_store *st, struct bx_user **out, int *n_out, struct bx_err *err)
{
	static const char sql[] =
	    "SELECT id, name, role, active, qual, created_ms, coalesce(suspend_grace, -1) "
	    "FROM users ORDER BY name";
	struct bx_dbst *s;
	struct bx_user *u = NULL;
	int n = 0, rc;

	*out = NULL;
	*n_out = 0;
	if ((s = bx_st_prep(st, sql, err)) == NULL)
		return err ? err->code : BX_EDB;
	while ((rc = bx_st_step(st, s, "list users", err)) == 1) {
		u = bx_realloc(u, (size_t)(n + 1) * sizeof *u);
		user_row(s, &u[n++]);
	}
	bx_db_reset(s);
	if (rc < 0) {
		bx_users_free(u, n);
		return rc;
	}
	*out = u;
	*n_out = n;
	return 0;
}

int
bx_st_user_id(struct bx_store *st, const char *name, int64_t *id_out, struct bx_err *err)
{
	static const char sql[] = "SELECT id FROM users WHERE name = ?1";
	struct bx_dbst *s;
	int rc;

	if ((s = bx_st_prep(st, sql, err)) == NULL)
		return err ? err->code : BX_EDB;
	bx_db_bind_text(s, 1, name);
	rc = bx_st_step(st, s, "read user", err);
	if (rc == 1)
		*id_out = bx_db_col_int64(s, 0);
	bx_db_reset(s);
	if (rc == 0)
		return bx_err_set(err, BX_ENOENT, "no user %s (see 'boxel user list')", name);
	return rc < 0 ? rc : 0;
}

int
bx_st_release_user(struct bx_store *st, int64_t uid, struct bx_err *err)
{
	/* A release is not a failed attempt: give the attempt back. Work a
	 * reviewer returned to them (open, still theirs) goes to anyone. */
	static const char sql[] =
	    "UPDATE judgments SET state = 'open', labeler = NULL, lease_token = NULL, "
	    "lease_until = NULL, attempts = max(attempts - 1, 0) "
	    "WHERE labeler = ?1 AND state IN ('leased','open')";
	struct bx_dbst *s = bx_st_prep(st, sql, err);

	if (s == NULL)
		return err ? err->code : BX_EDB;
	bx_db_bind_int64(s, 1, uid);
	return bx_st_exec(st, s, "release leases", err);
}

static int
user_change_tx(struct bx_store *st, void *ctx, struct bx_err *err)
{
	static const char sql_disable[] = "UPDATE users SET active = 0 WHERE id = ?1";
	static const char sql_qual[] = "UPDATE users SET qual = ?2 WHERE id = ?1";
	struct user_ctx *c = ctx;
	struct bx_buf d;
	struct bx_dbst *s;
	int64_t uid;
	int rc;

	if ((rc = bx_st_user_id(st, c->name, &uid, err)) < 0)
		return rc;
	if ((s = bx_st_prep(st, c->qual ? sql_qual : sql_disable, err)) == NULL)
		return err ? err->code : BX_EDB;
	bx_db_bind_int64(s, 1, uid);
	if (c->qual)
		bx_db_bind_text(s, 2, c->qual);
	if ((rc = bx_st_exec(st, s, "change user", err)) < 0)
		return rc;
	if ((c->qual == NULL || strcmp(c->qual, "suspended") == 0) &&
	    (rc = bx_st_release_user(st, uid, err)) < 0)
		return rc;
	bx_buf_init(&d);
	bx_buf_puts(&d, "{\"name\":");
	bx_st_json_str(&d, c->name);
	if (c->qual) {
		bx_buf_puts(&d, ",\"qual\":");
		bx_st_json_str(&d, c->qual);
	}
	bx_buf_putc(&d, '}');
	rc = bx_st_event(st, c->actor, c->qual ? "user_qual" : "user_disable", d.p, c->now, err);
	bx_buf_free(&d);
	return rc;
}

int
bx_store_user_disable(struct bx_store *st, const char *name, const char *actor,
                      int64_t now_ms, struct bx_err *err)
{
	struct user_ctx c = { name, NULL, actor, NULL, now_ms };

	return bx_st_write(st, user_change_tx, &c, err);
}

int
bx_store_user_set_qual(struct bx_store *st, const char *name, const char *qual,
                       const char *actor, int64_t now_ms, struct bx_err *err)
{
	struct user_ctx c = { name, NULL, actor, qual, now_ms };

	if (qual == NULL || (strcmp(qual, "training") != 0 && strcmp(qual, "qualified") != 0 &&
	    strcmp(qual, "suspended") != 0))
		return bx_err_set(err, BX_EINVAL,
		    "qualification must be training, qualified or suspended");
	return bx_st_write(st, user_change_tx, &c, err);
}

/* ---- what an admin does beyond adding ---- */

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
