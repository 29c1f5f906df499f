/* store-settings.c: the project's settings (table settings) with their
 * defaults, the taxonomy that refuses to drop classes in use, and the
 * per-request limits read from them. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "boxel/codec.h"
#include "boxel/formats.h"
#include "boxel/util.h"
#include "store-int.h"

static const struct { const char *key, *def; } setting_defaults[] = {
	{ "image_root", "" }, { "taxonomy", "" }, { "instructions", "" },
	{ "iou_threshold", "0.5" }, { "line_thickness", "10" }, { "accuracy_bar", "0.8" },
	{ "lease_seconds", "300" },
	{ "max_attempts", "3" }, { "quorum", "2" }, { "agreement_bar", "0.6" },
	{ "gold_window", "50" }, { "require_training", "0" }, { "training_min", "5" },
	{ "max_vertices", "10000" }, { "max_objects", "5000" }, { "max_answer_bytes", "4194304" },
	{ "tile_cache_mb", "20000" }, { "synchronous", "full" },
};

int
bx_store_setting_get(struct bx_store *st, const char *key, char **val_out, struct bx_err *err)
{
	static const char sql[] = "SELECT value FROM settings WHERE key = ?1";
	struct bx_dbst *s;
	size_t i;
	int rc;

	*val_out = NULL;
	if (st->as_if_key != NULL && strcmp(key, st->as_if_key) == 0) {
		*val_out = bx_strdup(st->as_if_val);
		return 0;
	}
	if ((s = bx_st_prep(st, sql, err)) == NULL)
		return err ? err->code : BX_EDB;
	bx_db_bind_text(s, 1, key);
	rc = bx_st_step(st, s, "read setting", err);
	if (rc < 0)
		return rc;
	if (rc == 1) {
		*val_out = bx_st_col_dup(s, 0);
		bx_db_reset(s);
		return 0;
	}
	bx_db_reset(s);
	for (i = 0; i < BX_ARRAY_LEN(setting_defaults); i++)
		if (strcmp(setting_defaults[i].key, key) == 0) {
			*val_out = bx_strdup(setting_defaults[i].def);
			return 0;
		}
	return bx_err_set(err, BX_ENOENT, "no setting '%s'", key);
}

struct set_ctx {
	const char *key, *val, *actor;
	int64_t now;
};

static int
setting_set_tx(struct bx_store *st, void *ctx, struct bx_err *err)
{
	static const char sql[] =
	    "INSERT INTO settings(key, value) VALUES (?1, ?2) "
	    "ON CONFLICT(key) DO UPDATE SET value = excluded.value";
	struct set_ctx *c = ctx;
	struct bx_buf d;
	struct bx_dbst *s;
	int rc;

	if ((s = bx_st_prep(st, sql, err)) == NULL)
		return err ? err->code : BX_EDB;
	bx_db_bind_text(s, 1, c->key);
	bx_db_bind_text(s, 2, c->val);
	if ((rc = bx_st_exec(st, s, "write setting", err)) < 0)
		return rc;
	/* The log names the key, not the value: taxonomies are large. */
	bx_buf_init(&d);
	bx_buf_puts(&d, "{\"key\":");
	bx_st_json_str(&d, c->key);
	bx_buf_printf(&d, ",\"bytes\":%zu}", strlen(c->val));
	rc = bx_st_event(st, c->actor, "setting", d.p, c->now, err);
	bx_buf_free(&d);
	return rc;
}

int
bx_store_setting_set(struct bx_store *st, const char *key, const char *val,
                     const char *actor, int64_t now_ms, struct bx_err *err)
{
	struct set_ctx c = { key, val, actor, now_ms };

	if (key == NULL || *key == '\0' || val == NULL)
		return bx_err_set(err, BX_EINVAL, "setting: empty key or value");
	return bx_st_write(st, setting_set_tx, &c, err);
}

/* Where a class is still used: submitted answers, review fixes, task
 * answers (prelabels, suggestions, consensus), gold and drafts. */
static const char class_use_sql[] =
    "SELECT (SELECT count(*) FROM judgments, json_each(judgments.answer, '$.annotations') a"
    "        WHERE judgments.answer IS NOT NULL AND json_extract(a.value, '$.class') = ?1)"
    "     + (SELECT count(*) FROM reviews, json_each(reviews.answer, '$.annotations') a"
    "        WHERE reviews.answer IS NOT NULL AND json_extract(a.value, '$.class') = ?1),"
    "  (SELECT count(*) FROM task_answers, json_each(task_answers.answer, '$.annotations') a"
    "   WHERE json_extract(a.value, '$.class') = ?1),"
    "  (SELECT count(*) FROM gold, json_each(gold.answer, '$.annotations') a"
    "   WHERE json_extract(a.value, '$.class') = ?1),"
    "  (SELECT count(*) FROM drafts, json_each(drafts.state, '$.answer.annotations') a"
    "   WHERE json_valid(drafts.state) AND json_extract(a.value, '$.class') = ?1)";

struct tax_ctx {
	struct set_ctx set;
	const char *const *dropped;
	int ndropped;
};

static int
taxonomy_set_tx(struct bx_store *st, void *ctx, struct bx_err *err)
{
	static const char *const what[] = { "answer", "task answer", "gold answer", "draft" };
	struct tax_ctx *c = ctx;
	struct bx_buf b;
	struct bx_dbst *s;
	int64_t n[4];
	int i, k, rc, used = 0;

	for (i = 0; i < c->ndropped; i++) {
		if ((s = bx_st_prep(st, class_use_sql, err)) == NULL)
			return err ? err->code : BX_EDB;
		bx_db_bind_text(s, 1, c->dropped[i]);
		if ((rc = bx_st_step(st, s, "count class uses", err)) < 0)
			return rc;
		for (k = 0; k < 4; k++)
			used |= (n[k] = rc == 1 ? bx_db_col_int64(s, k) : 0) > 0;
		bx_db_reset(s);
		if (!used)
			continue;
		bx_buf_init(&b);
		for (k = 0; k < 4; k++)
			if (n[k] > 0)
				bx_buf_printf(&b, "%s%lld %s%s", b.len ? ", " : "", (long long)n[k],
				    what[k], n[k] == 1 ? "" : "s");
		rc = bx_err_set(err, BX_EINVAL, "the new taxonomy drops class \"%.60s\", which "
		    "objects still use (%s); keep the class or relabel them first", c->dropped[i],
		    b.p);
		bx_buf_free(&b);
		return rc;
	}
	return setting_set_tx(st, &c->set, err);
}

int
bx_store_taxonomy_set(struct bx_store *st, const char *text, const char *const *dropped,
                      int ndropped, const char *actor, int64_t now_ms, struct bx_err *err)
{
	struct tax_ctx c = { { "taxonomy", text, actor, now_ms }, dropped, ndropped };

	return bx_st_write(st, taxonomy_set_tx, &c, err);
}

static long
setting_long(struct bx_store *st, const char *key, long def, struct bx_err *err, int *rc)
{
	char *v, *end;
	long l;

	if (*rc != 0 || (*rc = bx_store_setting_get(st, key, &v, err)) != 0)
		return def;
	l = strtol(v, &end, 10);
	if (end == v || *end != '\0' || l <= 0)
		l = def; /* config set checks its range; a hand-edited row falls back */
	free(v);
	return l;
}

int
bx_store_limits(struct bx_store *st, struct bx_limits *out, struct bx_err *err)
{
	int rc = 0;

	bx_limits_default(out);
	out->max_vertices = setting_long(st, "max_vertices", out->max_vertices, err, &rc);
	out->max_objects = setting_long(st, "max_objects", out->max_objects, err, &rc);
	out->max_answer_bytes = setting_long(st, "max_answer_bytes", out->max_answer_bytes, err,
	    &rc);
	return rc;
}
