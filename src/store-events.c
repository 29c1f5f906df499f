/* store-events.c: the audit log (table events): one row per change, in the
 * change's own transaction, or on its own (bx_store_log). */
#include <stdlib.h>

#include "boxel/util.h"
#include "store-int.h"

int
bx_st_event(struct bx_store *st, const char *actor, const char *what,
            const char *detail_json, int64_t now_ms, struct bx_err *err)
{
	static const char sql[] =
	    "INSERT INTO events(ms, actor, what, detail) VALUES (?1, ?2, ?3, ?4)";
	struct bx_dbst *s = bx_st_prep(st, sql, err);

	if (s == NULL)
		return err ? err->code : BX_EDB;
	bx_db_bind_int64(s, 1, now_ms);
	bx_db_bind_text(s, 2, actor);
	bx_db_bind_text(s, 3, what);
	bx_db_bind_text(s, 4, detail_json);
	return bx_st_exec(st, s, "log event", err);
}

struct log_ctx {
	const char *actor, *what, *detail;
	int64_t now;
};

static int
log_tx(struct bx_store *st, void *ctx, struct bx_err *err)
{
	struct log_ctx *c = ctx;

	return bx_st_event(st, c->actor, c->what, c->detail, c->now, err);
}

int
bx_store_log(struct bx_store *st, const char *actor, const char *what,
             const char *detail_json, int64_t now_ms, struct bx_err *err)
{
	struct log_ctx c = { actor, what, detail_json, now_ms };

	if (what == NULL || *what == '\0')
		return bx_err_set(err, BX_EINVAL, "event: empty name");
	return bx_st_write(st, log_tx, &c, err);
}
