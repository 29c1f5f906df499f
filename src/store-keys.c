/* store-keys.c: users.ssh_key (schema 6), the rows behind store-keys.h.
 * Keys are opaque text here; their syntax is checked by cmd-user.c before
 * they reach the store. */
#include <stdlib.h>
#include <string.h>

#include "boxel/store-keys.h"
#include "boxel/util.h"
#include "store-int.h"

struct key_ctx {
	const char *name, *key, *actor;
	int64_t now;
};

static int
key_set_tx(struct bx_store *st, void *ctx, struct bx_err *err)
{
	static const char other[] = "SELECT name FROM users WHERE ssh_key = ?1 AND name != ?2";
	static const char upd[] = "UPDATE users SET ssh_key = ?2 WHERE id = ?1";
	struct key_ctx *c = ctx;
	struct bx_buf d;
	struct bx_dbst *s;
	int64_t uid;
	int rc;

	if ((rc = bx_st_user_id(st, c->name, &uid, err)) < 0)
		return rc;
	if (c->key != NULL) {
		/* Checked here for a clear message; the unique index is the guard. */
		if ((s = bx_st_prep(st, other, err)) == NULL)
			return err ? err->code : BX_EDB;
		bx_db_bind_text(s, 1, c->key);
		bx_db_bind_text(s, 2, c->name);
		rc = bx_st_step(st, s, "check key", err);
		if (rc == 1) {
			char *holder = bx_st_col_dup(s, 0);
			bx_db_reset(s);
			rc = bx_err_set(err, BX_EEXIST,
			    "this key already belongs to user %s (one key, one identity)", holder);
			free(holder);
			return rc;
		}
		bx_db_reset(s);
		if (rc < 0)
			return rc;
	}
	if ((s = bx_st_prep(st, upd, err)) == NULL)
		return err ? err->code : BX_EDB;
	bx_db_bind_int64(s, 1, uid);
	bx_db_bind_text(s, 2, c->key);
	if ((rc = bx_st_exec(st, s, "set key", err)) < 0)
		return rc;
	bx_buf_init(&d);
	bx_buf_puts(&d, "{\"name\":");
	bx_st_json_str(&d, c->name);
	bx_buf_printf(&d, ",\"key\":\"%s\"}", c->key != NULL ? "set" : "removed");
	rc = bx_st_event(st, c->actor, "user_key", d.p, c->now, err);
	bx_buf_free(&d);
	return rc;
}

int
bx_store_user_key_set(struct bx_store *st, const char *name, const char *key,
                      const char *actor, int64_t now_ms, struct bx_err *err)
{
	struct key_ctx c = { name, key, actor, now_ms };

	if (name == NULL || *name == '\0')
		return bx_err_set(err, BX_EINVAL, "user key: no user name");
	if (key != NULL && *key == '\0')
		return bx_err_set(err, BX_EINVAL, "user key: empty key");
	return bx_st_write(st, key_set_tx, &c, err);
}

void
bx_user_keys_free(struct bx_user_key *k, int n)
{
	int i;

	for (i = 0; k != NULL && i < n; i++) {
		free(k[i].name);
		free(k[i].role);
		free(k[i].key);
	}
	free(k);
}

int
bx_store_user_keys(struct bx_store *st, struct bx_user_key **out, int *n_out,
                   struct bx_err *err)
{
	static const char sql[] =
	    "SELECT name, role, active, ssh_key FROM users WHERE ssh_key IS NOT NULL "
	    "ORDER BY name";
	struct bx_user_key *k = NULL;
	struct bx_dbst *s;
	int n = 0, rc;

	*out = NULL;
	*n_out = 0;
	if ((s = bx_st_prep(st, sql, err)) == NULL)
		return err ? err->code : BX_EDB;
	while ((rc = bx_st_step(st, s, "list keys", err)) == 1) {
		k = bx_realloc(k, (size_t)(n + 1) * sizeof *k);
		k[n].name = bx_st_col_dup(s, 0);
		k[n].role = bx_st_col_dup(s, 1);
		k[n].active = bx_db_col_int(s, 2);
		k[n].key = bx_st_col_dup(s, 3);
		n++;
	}
	bx_db_reset(s);
	if (rc < 0) {
		bx_user_keys_free(k, n);
		return rc;
	}
	*out = k;
	*n_out = n;
	return 0;
}
