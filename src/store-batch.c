/* store-batch.c: batches (creation with their judgment rows, listing with
 * per-state counts), labeler statistics, reviews, and the export walk (one
 * short read transaction per task, the callback runs outside it). */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "boxel/codec.h"
#include "boxel/formats.h"
#include "boxel/util.h"
#include "store-int.h"

#define PREP(s, sql) do { if (((s) = bx_st_prep(st, (sql), err)) == NULL) \
	return err ? err->code : BX_EDB; } while (0)

int
bx_st_batch_name_ok(const char *name)
{
	size_t n = 0;

	for (; name[n]; n++)
		if (!((name[n] >= 'a' && name[n] <= 'z') || (name[n] >= 'A' && name[n] <= 'Z') ||
		    (name[n] >= '0' && name[n] <= '9') || strchr("._-", name[n]) != NULL))
			return 0;
	return n >= 1 && n <= 64;
}

static int
valid_kind(const char *k)
{
	return k != NULL && (strcmp(k, "self") == 0 || strcmp(k, "calibration") == 0 ||
	    strcmp(k, "production") == 0 || strcmp(k, "training") == 0);
}

struct batch_ctx {
	const struct bx_batch_new *b;
	const char *actor;
	int64_t now, id;
	int ntasks;
};

static int
batch_create_tx(struct bx_store *st, void *ctx, struct bx_err *err)
{
	static const char ins[] =
	    "INSERT INTO batches(name, kind, overlap, gold_rate, priority, created_ms) "
	    "VALUES (?1, ?2, ?3, ?4, ?5, ?6) ON CONFLICT(name) DO NOTHING RETURNING id";
	static const char all[] =
	    "INSERT INTO batch_tasks(batch, task) SELECT ?1, id FROM tasks ORDER BY id";
	static const char unb[] =
	    "INSERT INTO batch_tasks(batch, task) SELECT ?1, t.id FROM tasks t "
	    "WHERE NOT EXISTS (SELECT 1 FROM batch_tasks bt WHERE bt.task = t.id) ORDER BY t.id";
	static const char one[] =
	    "INSERT INTO batch_tasks(batch, task) SELECT ?1, id FROM tasks WHERE image = ?2 "
	    "ON CONFLICT DO NOTHING";
	static const char cnt[] = "SELECT count(*) FROM batch_tasks WHERE batch = ?1";
	static const char setn[] = "UPDATE batches SET ntasks = ?2 WHERE id = ?1";
	/* overlap rows per task, task by task: judgment ids then follow task
	 * age, which is the queue's "oldest first". */
	static const char jud[] =
	    "WITH RECURSIVE r(n) AS (SELECT 0 UNION ALL SELECT n + 1 FROM r WHERE n + 1 < ?2) "
	    "INSERT INTO judgments(task, batch, replica) "
	    "SELECT bt.task, ?1, r.n FROM batch_tasks bt, r WHERE bt.batch = ?1 "
	    "ORDER BY bt.task, r.n";
	struct batch_ctx *c = ctx;
	const struct bx_batch_new *b = c->b;
	struct bx_buf d;
	struct bx_dbst *s;
	int rc, i;

	PREP(s, ins);
	bx_db_bind_text(s, 1, b->name);
	bx_db_bind_text(s, 2, b->kind);
	bx_db_bind_int(s, 3, b->overlap);
	bx_db_bind_double(s, 4, b->gold_rate);
	bx_db_bind_int(s, 5, b->priority);
	bx_db_bind_int64(s, 6, c->now);
	if ((rc = bx_st_insert_id(st, s, "create batch", &c->id, err)) < 0)
		return rc;
	if (rc == 0)
		return bx_err_set(err, BX_EEXIST, "batch %s already exists", b->name);
	if (b->tasks == BX_BATCH_LIST) {
		for (i = 0; i < b->nimages; i++) {
			PREP(s, one);
			bx_db_bind_int64(s, 1, c->id);
			bx_db_bind_text(s, 2, b->images[i]);
			if ((rc = bx_st_exec(st, s, "add task to batch", err)) < 0)
				return rc;
			if (bx_db_changes(st->db) == 0) {
				int64_t tid;
				/* Either unknown, or listed twice (harmless). */
				if ((rc = bx_store_task_find(st, b->images[i], &tid, err)) < 0) {
					bx_err_prefix(err, "line %d", i + 1);
					return rc;
				}
			}
		}
	} else {
		PREP(s, b->tasks == BX_BATCH_ALL ? all : unb);
		bx_db_bind_int64(s, 1, c->id);
		if ((rc = bx_st_exec(st, s, "select tasks", err)) < 0)
			return rc;
	}
	PREP(s, cnt);
	bx_db_bind_int64(s, 1, c->id);
	if ((rc = bx_st_step(st, s, "count tasks", err)) < 0)
		return rc;
	c->ntasks = bx_db_col_int(s, 0);
	bx_db_reset(s);
	PREP(s, setn);
	bx_db_bind_int64(s, 1, c->id);
	bx_db_bind_int(s, 2, c->ntasks);
	if ((rc = bx_st_exec(st, s, "count tasks", err)) < 0)
		return rc;
	if (c->ntasks == 0)
		return bx_err_set(err, BX_EINVAL, "batch %s would have no tasks (%s)", b->name,
		    b->tasks == BX_BATCH_UNBATCHED ? "every task is already in a batch" :
		    "import some images first");
	PREP(s, jud);
	bx_db_bind_int64(s, 1, c->id);
	bx_db_bind_int(s, 2, b->overlap);
	if ((rc = bx_st_exec(st, s, "create judgments", err)) < 0)
		return rc;
	bx_buf_init(&d);
	bx_buf_puts(&d, "{\"name\":");
	bx_st_json_str(&d, b->name);
	bx_buf_printf(&d, ",\"kind\":\"%s\",\"overlap\":%d,\"gold_rate\":", b->kind,
	    b->overlap);
	bx_json_put_num(&d, b->gold_rate);
	bx_buf_printf(&d, ",\"priority\":%d,\"tasks\":%d}", b->priority, c->ntasks);
	rc = bx_st_event(st, c->actor, "batch_create", d.p, c->now, err);
	bx_buf_free(&d);
	return rc;
}

int
bx_store_batch_create(struct bx_store *st, const struct bx_batch_new *b, const char *actor,
                      int64_t now_ms, int64_t *id_out, int *ntasks_out, struct bx_err *err)
{
	struct batch_ctx c = { b, actor, now_ms, 0, 0 };
	int rc;

	if (b->name == NULL || !bx_st_batch_name_ok(b->name))
		return bx_err_set(err, BX_EINVAL,
		    "batch name must be 1-64 characters of A-Z a-z 0-9 . _ -");
	if (!valid_kind(b->kind))
		return bx_err_set(err, BX_EINVAL,
		    "batch kind must be self, calibration, production or training");
	if (b->overlap < 1 || b->overlap > 1000)
		return bx_err_set(err, BX_EINVAL, "overlap must be an integer in 1..1000");
	if (!isfinite(b->gold_rate) || b->gold_rate < 0 || b->gold_rate > 1)
		return bx_err_set(err, BX_EINVAL, "gold rate must be a number in 0..1");
	if (b->tasks < BX_BATCH_ALL || b->tasks > BX_BATCH_LIST)
		return bx_err_set(err, BX_EINVAL, "batch: bad task selection");
	rc = bx_st_write(st, batch_create_tx, &c, err);
	if (rc < 0)
		return rc;
	if (id_out)
		*id_out = c.id;
	if (ntasks_out)
		*ntasks_out = c.ntasks;
	return 0;
}

int
bx_batch_done(const struct bx_batch *b)
{
	return b->count[BX_J_SUBMITTED] + b->count[BX_J_ACCEPTED] -
	    b->gold_count[BX_J_SUBMITTED] - b->gold_count[BX_J_ACCEPTED];
}

int
bx_batch_want(const struct bx_batch *b)
{
	return (b->ntasks - b->ngold) * b->overlap;
}

void
bx_batch_free(struct bx_batch *b)
{
	if (b == NULL)
		return;
	free(b->name);
	free(b->kind);
	memset(b, 0, sizeof *b);
}

void
bx_batches_free(struct bx_batch *b, int n)
{
	int i;

	for (i = 0; b != NULL && i < n; i++)
		bx_batch_free(&b[i]);
	free(b);
}

static void
batch_row(struct bx_dbst *s, struct bx_batch *b)
{
	memset(b, 0, sizeof *b);
	b->id = bx_db_col_int64(s, 0);
	b->name = bx_st_col_dup(s, 1);
	b->kind = bx_st_col_dup(s, 2);
	b->overlap = bx_db_col_int(s, 3);
	b->gold_rate = bx_db_col_double(s, 4);
	b->priority = bx_db_col_int(s, 5);
	b->created_ms = bx_db_col_int64(s, 6);
	b->ntasks = bx_db_col_int(s, 7);
	b->ngold = bx_db_col_int(s, 8);
}

static int
batch_counts(struct bx_store *st, struct bx_batch *b, struct bx_err *err)
{
	static const char sql[] =
	    "SELECT state, count(*), sum(gold) FROM judgments WHERE batch = ?1 GROUP BY state";
	struct bx_dbst *s;
	int rc, k;

	PREP(s, sql);
	bx_db_bind_int64(s, 1, b->id);
	while ((rc = bx_st_step(st, s, "count judgments", err)) == 1) {
		const char *name = (const char *)bx_db_col_text(s, 0);
		for (k = 0; k < BX_J_NSTATES; k++)
			if (strcmp(name, bx_jstate_name(k)) == 0) {
				b->count[k] = bx_db_col_int(s, 1);
				b->gold_count[k] = bx_db_col_int(s, 2);
			}
	}
	bx_db_reset(s);
	return rc;
}

struct blist_ctx {
	const char *name;
	struct bx_batch *b;
	int n;
};

static int
batch_list_rx(struct bx_store *st, void *ctx, struct bx_err *err)
{
	static const char one[] =
	    "SELECT id, name, kind, overlap, gold_rate, priority, created_ms, "
	    "  ntasks, (SELECT count(*) FROM batch_tasks bt JOIN gold g ON g.task = bt.task "
	    "   WHERE bt.batch = b.id) "
	    "FROM batches b WHERE name = ?1";
	static const char all[] =
	    "SELECT id, name, kind, overlap, gold_rate, priority, created_ms, "
	    "  ntasks, (SELECT count(*) FROM batch_tasks bt JOIN gold g ON g.task = bt.task "
	    "   WHERE bt.batch = b.id) "
	    "FROM batches b ORDER BY priority DESC, id";
	struct blist_ctx *c = ctx;
	struct bx_dbst *s;
	int rc, i;

	PREP(s, c->name ? one : all);
	if (c->name)
		bx_db_bind_text(s, 1, c->name);
	while ((rc = bx_st_step(st, s, "list batches", err)) == 1) {
		c->b = bx_realloc(c->b, (size_t)(c->n + 1) * sizeof *c->b);
		batch_row(s, &c->b[c->n++]);
	}
	bx_db_reset(s);
	for (i = 0; rc == 0 && i < c->n; i++)
		rc = batch_counts(st, &c->b[i], err);
	return rc;
}

int
bx_store_batch_get(struct bx_store *st, const char *name, struct bx_batch *out,
                   struct bx_err *err)
{
	struct blist_ctx c = { name, NULL, 0 };
	int rc;

	memset(out, 0, sizeof *out);
	rc = bx_st_read(st, batch_list_rx, &c, err);
	if (rc == 0 && c.n == 0)
		rc = bx_err_set(err, BX_ENOENT, "no batch %s (see 'boxel batch list')", name);
	if (rc == 0) {
		*out = c.b[0];
		free(c.b);
		return 0;
	}
	bx_batches_free(c.b, c.n);
	return rc;
}

int
bx_store_batch_list(struct bx_store *st, struct bx_batch **out, int *n_out,
                    struct bx_err *err)
{
	struct blist_ctx c = { NULL, NULL, 0 };
	int rc;

	*out = NULL;
	*n_out = 0;
	rc = bx_st_read(st, batch_list_rx, &c, err);
	if (rc < 0) {
		bx_batches_free(c.b, c.n);
		return rc;
	}
	*out = c.b;
	*n_out = c.n;
	return 0;
}

int
bx_store_batch_names(struct bx_store *st, char ***names_out, int *n_out, struct bx_err *err)
{
	static const char sql[] = "SELECT name FROM batches ORDER BY id";
	struct bx_dbst *s;
	char **v = NULL;
	int n = 0, rc, i;

	*names_out = NULL;
	*n_out = 0;
	PREP(s, sql);
	while ((rc = bx_st_step(st, s, "list batches", err)) == 1) {
		v = bx_realloc(v, (size_t)(n + 1) * sizeof *v);
		v[n++] = bx_st_col_dup(s, 0);
	}
	bx_db_reset(s);
	if (rc < 0) {
		for (i = 0; i < n; i++)
			free(v[i]);
		free(v);
		return rc;
	}
	*names_out = v;
	*n_out = n;
	return 0;
}

static int
batch_id(struct bx_store *st, const char *name, int64_t *id, struct bx_err *err)
{
	static const char sql[] = "SELECT id FROM batches WHERE name = ?1";
	struct bx_dbst *s;
	int rc;

	PREP(s, sql);
	bx_db_bind_text(s, 1, name);
	rc = bx_st_step(st, s, "find batch", err);
	if (rc == 1)
		*id = bx_db_col_int64(s, 0);
	bx_db_reset(s);
	if (rc == 0)
		return bx_err_set(err, BX_ENOENT, "no batch %s (see 'boxel batch list')", name);
	return rc < 0 ? rc : 0;
}

int
bx_store_task_count(struct bx_store *st, const char *batch, int64_t *n_out, struct bx_err *err)
{
	static const char all[] = "SELECT count(*) FROM tasks";
	static const char one[] = "SELECT count(*) FROM batch_tasks WHERE batch = ?1";
	struct bx_dbst *s;
	int64_t bid = 0;
	int rc;

	*n_out = 0;
	if (batch && (rc = batch_id(st, batch, &bid, err)) < 0)
		return rc;
	PREP(s, batch ? one : all);
	if (batch)
		bx_db_bind_int64(s, 1, bid);
	rc = bx_st_step(st, s, "count tasks", err);
	if (rc == 1)
		*n_out = bx_db_col_int64(s, 0);
	bx_db_reset(s);
	return rc < 0 ? rc : 0;
}

/* ---- labeler statistics ---- */

static int
cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return x < y ? -1 : x > y;
}

struct lstats_ctx {
	struct bx_labeler_stats *v;
	int n;
};

static int
lstats_rx(struct bx_store *st, void *ctx, struct bx_err *err)
{
	static const char sql[] =
	    "SELECT u.id, u.name, "
	    "  sum(j.state IN ('submitted','accepted','rejected')), "
	    "  sum(j.state = 'skipped'), sum(j.state = 'leased'), "
	    "  min(CASE WHEN j.state IN ('submitted','accepted','rejected') THEN j.claimed_ms END), "
	    "  max(CASE WHEN j.state IN ('submitted','accepted','rejected') THEN j.submitted_ms END), "
	    "  sum(CASE WHEN j.state IN ('submitted','accepted','rejected') "
	    "      AND j.claimed_ms IS NOT NULL AND j.submitted_ms IS NOT NULL THEN 1 ELSE 0 END), "
	    "  sum(CASE WHEN j.state NOT IN ('submitted','accepted','rejected') "
	    "      OR j.claimed_ms IS NULL OR j.submitted_ms IS NULL THEN 0 "
	    "      WHEN j.submitted_ms - j.claimed_ms > ?1 THEN ?1 "
	    "      WHEN j.submitted_ms < j.claimed_ms THEN 0 "
	    "      ELSE j.submitted_ms - j.claimed_ms END) "
	    "FROM users u JOIN judgments j ON j.labeler = u.id "
	    "GROUP BY u.id ORDER BY u.name";
	static const char secs[] =
	    "SELECT seconds FROM judgments WHERE labeler = ?1 "
	    "AND state IN ('submitted','accepted','rejected') AND seconds IS NOT NULL "
	    "ORDER BY seconds";
	struct lstats_ctx *c = ctx;
	struct bx_dbst *s;
	int64_t *ids = NULL;
	double *sv = NULL;
	int rc, i, ns;

	PREP(s, sql);
	bx_db_bind_int64(s, 1, BX_ACTIVE_CAP_MS);
	while ((rc = bx_st_step(st, s, "labeler stats", err)) == 1) {
		struct bx_labeler_stats *l;
		c->v = bx_realloc(c->v, (size_t)(c->n + 1) * sizeof *c->v);
		ids = bx_realloc(ids, (size_t)(c->n + 1) * sizeof *ids);
		l = &c->v[c->n];
		memset(l, 0, sizeof *l);
		ids[c->n++] = bx_db_col_int64(s, 0);
		l->name = bx_st_col_dup(s, 1);
		l->submitted = bx_db_col_int(s, 2);
		l->skipped = bx_db_col_int(s, 3);
		l->leased = bx_db_col_int(s, 4);
		l->first_ms = bx_db_col_int64(s, 5);
		l->last_ms = bx_db_col_int64(s, 6);
		/* Pace over active time: judgments (those with a claim and a
		 * submit time; an import has none) per hour of claim-to-submit
		 * time, each capped (a task left open over lunch is not work). */
		if (bx_db_col_double(s, 8) > 0)
			l->per_hour = bx_db_col_int(s, 7) * 3600000.0 / bx_db_col_double(s, 8);
	}
	bx_db_reset(s);
	for (i = 0; rc == 0 && i < c->n; i++) {
		if ((s = bx_st_prep(st, secs, err)) == NULL) {
			rc = err ? err->code : BX_EDB;
			break;
		}
		bx_db_bind_int64(s, 1, ids[i]);
		ns = 0;
		while ((rc = bx_st_step(st, s, "labeler seconds", err)) == 1) {
			sv = bx_realloc(sv, (size_t)(ns + 1) * sizeof *sv);
			sv[ns++] = bx_db_col_double(s, 0);
		}
		bx_db_reset(s);
		if (ns > 0) {
			qsort(sv, (size_t)ns, sizeof *sv, cmp_double);
			c->v[i].median_seconds = ns % 2 ? sv[ns / 2] :
			    (sv[ns / 2 - 1] + sv[ns / 2]) / 2;
		}
	}
	free(ids);
	free(sv);
	return rc;
}

void
bx_labeler_stats_free(struct bx_labeler_stats *s, int n)
{
	int i;

	for (i = 0; s != NULL && i < n; i++)
		free(s[i].name);
	free(s);
}

int
bx_store_labeler_stats(struct bx_store *st, struct bx_labeler_stats **out, int *n_out,
                       struct bx_err *err)
{
	struct lstats_ctx c = { NULL, 0 };
	int rc;

	*out = NULL;
	*n_out = 0;
	rc = bx_st_read(st, lstats_rx, &c, err);
	if (rc < 0) {
		bx_labeler_stats_free(c.v, c.n);
		return rc;
	}
	*out = c.v;
	*n_out = c.n;
	return 0;
}

/* ---- reviews ---- */

struct review_ctx {
	int64_t jid;
	const char *reviewer, *verdict, *comment;
	char *fixed_json;
	int64_t now;
	struct bx_st_preset pre; /* the consensus redo, merged ahead */
};

static int
review_tx(struct bx_store *st, void *ctx, struct bx_err *err)
{
	static const char who[] = "SELECT id, role, active FROM users WHERE name = ?1";
	static const char jst[] = "SELECT state, labeler FROM judgments WHERE id = ?1";
	static const char ins[] =
	    "INSERT INTO reviews(judgment, reviewer, verdict, comment, answer, created_ms) "
	    "VALUES (?1, ?2, ?3, ?4, ?5, ?6)";
	static const char upd[] = "UPDATE judgments SET state = ?2 WHERE id = ?1";
	struct review_ctx *c = ctx;
	struct bx_dbst *s;
	int64_t rid = 0, labeler = 0;
	char role[16] = "", state[16] = "";
	int rc, active = 0;
	char d[128];

	PREP(s, who);
	bx_db_bind_text(s, 1, c->reviewer);
	rc = bx_st_step(st, s, "read reviewer", err);
	if (rc == 1) {
		rid = bx_db_col_int64(s, 0);
		snprintf(role, sizeof role, "%s", (const char *)bx_db_col_text(s, 1));
		active = bx_db_col_int(s, 2);
	}
	bx_db_reset(s);
	if (rc < 0)
		return rc;
	if (rc == 0 || !active || strcmp(role, "annotator") == 0)
		return bx_err_set(err, BX_EPERM, "%s may not review (needs an active reviewer or "
		    "admin)", c->reviewer);
	PREP(s, jst);
	bx_db_bind_int64(s, 1, c->jid);
	rc = bx_st_step(st, s, "read judgment", err);
	if (rc == 1) {
		snprintf(state, sizeof state, "%s", (const char *)bx_db_col_text(s, 0));
		labeler = bx_db_col_int64(s, 1);
	}
	bx_db_reset(s);
	if (rc < 0)
		return rc;
	if (rc == 0)
		return bx_err_set(err, BX_ENOENT, "no judgment %lld", (long long)c->jid);
	if (labeler == rid)
		return bx_err_set(err, BX_EPERM, "%s may not review their own judgment %lld",
		    c->reviewer, (long long)c->jid);
	if (strcmp(state, "submitted") != 0)
		return bx_err_set(err, BX_EINVAL, "judgment %lld is %s, not submitted",
		    (long long)c->jid, state);
	PREP(s, ins);
	bx_db_bind_int64(s, 1, c->jid);
	bx_db_bind_int64(s, 2, rid);
	bx_db_bind_text(s, 3, c->verdict);
	bx_db_bind_text(s, 4, c->comment);
	bx_db_bind_text(s, 5, c->fixed_json);
	bx_db_bind_int64(s, 6, c->now);
	if ((rc = bx_st_exec(st, s, "add review", err)) < 0)
		return rc;
	PREP(s, upd);
	bx_db_bind_int64(s, 1, c->jid);
	bx_db_bind_text(s, 2, strcmp(c->verdict, "reject") == 0 ? "rejected" : "accepted");
	if ((rc = bx_st_exec(st, s, "review judgment", err)) < 0)
		return rc;
	/* A reviewer's fix in progress (bx_review_draft_save) is done; a
	 * rejected task goes back to its labeler, open but already theirs. */
	if ((rc = bx_st_drop_draft(st, c->jid, err)) < 0 ||
	    (strcmp(c->verdict, "reject") == 0 && (rc = bx_st_requeue(st, c->jid, 1, err)) < 0))
		return rc;
	/* The task's agreement must not outlive a rejected judgment (nor miss
	 * an accepted one that was held). */
	if ((rc = bx_st_consensus_redo(st, c->jid, c->now, &c->pre, err)) < 0)
		return rc;
	snprintf(d, sizeof d, "{\"judgment\":%lld,\"verdict\":\"%s\"}", (long long)c->jid,
	    c->verdict);
	return bx_st_event(st, c->reviewer, "review", d, c->now, err);
}

int
bx_store_review_add(struct bx_store *st, int64_t judgment, const char *reviewer,
                    const char *verdict, const char *comment,
                    const struct bx_answer *fixed, int64_t now_ms, struct bx_err *err)
{
	struct review_ctx c = { judgment, reviewer, verdict, comment, NULL, now_ms, { 0 } };
	int rc;

	if (verdict == NULL || (strcmp(verdict, "accept") != 0 && strcmp(verdict, "reject") != 0 &&
	    strcmp(verdict, "fix") != 0))
		return bx_err_set(err, BX_EINVAL, "verdict must be accept, reject or fix");
	if ((strcmp(verdict, "fix") == 0) != (fixed != NULL))
		return bx_err_set(err, BX_EINVAL, "a fixed answer goes with verdict fix only");
	if (reviewer == NULL)
		return bx_err_set(err, BX_EPERM, "no reviewer given");
	if (fixed)
		c.fixed_json = bx_answer_to_json(fixed);
	/* The task's consensus again is merged before the write lock. */
	bx_st_premerge_review(st, judgment, strcmp(verdict, "reject") == 0, &c.pre);
	rc = bx_st_write(st, review_tx, &c, err);
	bx_st_preset_free(&c.pre);
	free(c.fixed_json);
	return rc;
}

struct rlist_ctx {
	const struct bx_review_filter *f;
	int limit;
	struct bx_review_item *items;
	int n, total;
};

static int
review_list_rx(struct bx_store *st, void *ctx, struct bx_err *err)
{
#define RLIST_FROM \
	"FROM judgments j JOIN tasks t ON t.id = j.task JOIN batches b ON b.id = j.batch " \
	"  JOIN users u ON u.id = j.labeler " \
	"  LEFT JOIN task_consensus c ON c.task = j.task AND c.batch = j.batch " \
	"  LEFT JOIN gold_scores g ON g.judgment = j.id " \
	"WHERE j.state = 'submitted' AND (?1 IS NULL OR b.name = ?1) " \
	"  AND (?2 = 0 OR c.needs_review = 1 OR j.held = 1) AND (?4 IS NULL OR u.name <> ?4) " \
	"  AND (?5 <= 0 OR ?5 >= 100 OR coalesce(c.needs_review, 0) = 1 OR j.held = 1 " \
	"       OR (j.task * 2654435761 + 12345) % 100 < ?5) " \
	"  AND (?6 IS NULL OR u.name = ?6) AND (?7 = 0 OR j.submitted_ms >= ?7) " \
	"  AND (?8 = 0 OR j.submitted_ms < ?8) "
	static const char sql[] =
	    "SELECT j.id, j.task, t.image, b.name, u.name, j.submitted_ms, j.seconds, "
	    "  (SELECT count(*) FROM annotations a WHERE a.judgment = j.id), "
	    "  c.agreement, (coalesce(c.needs_review, 0) <> 0 OR j.held <> 0), "
	    "  g.tp, g.mismatch, g.fp, g.fn, g.iou_n, g.iou_sum, g.tag_right, g.tag_wrong, "
	    "  t.width, t.height, b.kind, j.held "
	    RLIST_FROM
	    "  AND 1 = 1 " /* (keeps ?3 after ?1, ?2, ?4 in both statements) */
	    "ORDER BY j.held DESC, coalesce(c.needs_review, 0) DESC, j.submitted_ms, j.id "
	    "LIMIT ?3";
	static const char csql[] = "SELECT count(*) " RLIST_FROM;
	const char *const sqls[] = { csql, sql };
	struct rlist_ctx *c = ctx;
	struct bx_dbst *s;
	int rc = 0, k;

	for (k = 0; k < 2; k++) {
		PREP(s, sqls[k]);
		if (c->f->batch != NULL)
			bx_db_bind_text(s, 1, c->f->batch);
		bx_db_bind_int(s, 2, c->f->flagged_only);
		if (k == 1)
			bx_db_bind_int64(s, 3, c->limit > 0 ? c->limit : INT64_MAX);
		if (c->f->not_by != NULL)
			bx_db_bind_text(s, 4, c->f->not_by);
		bx_db_bind_int(s, 5, c->f->sample);
		if (c->f->labeler != NULL)
			bx_db_bind_text(s, 6, c->f->labeler);
		bx_db_bind_int64(s, 7, c->f->since_ms);
		bx_db_bind_int64(s, 8, c->f->until_ms);
		if (k == 0) {
			rc = bx_st_step(st, s, "count the review queue", err);
			if (rc == 1)
				c->total = bx_db_col_int(s, 0);
			bx_db_reset(s);
			if (rc < 0)
				return rc;
		}
	}
#undef RLIST_FROM
	while ((rc = bx_st_step(st, s, "read review queue", err)) == 1) {
		struct bx_review_item *it;
		c->items = bx_realloc(c->items, (size_t)(c->n + 1) * sizeof *c->items);
		it = &c->items[c->n++];
		memset(it, 0, sizeof *it);
		it->judgment = bx_db_col_int64(s, 0);
		it->task = bx_db_col_int64(s, 1);
		it->image = bx_st_col_dup(s, 2);
		it->batch = bx_st_col_dup(s, 3);
		it->labeler = bx_st_col_dup(s, 4);
		it->submitted_ms = bx_db_col_int64(s, 5);
		it->seconds = bx_db_col_double(s, 6);
		it->nannotations = bx_db_col_int(s, 7);
		it->has_consensus = !bx_db_col_null(s, 8);
		it->agreement = bx_db_col_double(s, 8);
		it->flagged = bx_db_col_int(s, 9);
		it->has_gold = !bx_db_col_null(s, 10);
		it->gold.tp = bx_db_col_int64(s, 10);
		it->gold.mismatch = bx_db_col_int64(s, 11);
		it->gold.fp = bx_db_col_int64(s, 12);
		it->gold.fn = bx_db_col_int64(s, 13);
		it->gold.iou_n = bx_db_col_int64(s, 14);
		it->gold.iou_sum = bx_db_col_double(s, 15);
		it->gold.tag_right = bx_db_col_int64(s, 16);
		it->gold.tag_wrong = bx_db_col_int64(s, 17);
		it->width = bx_db_col_int(s, 18);
		it->height = bx_db_col_int(s, 19);
		it->batch_kind = bx_st_col_dup(s, 20);
		it->held = bx_db_col_int(s, 21);
	}
	bx_db_reset(s);
	return rc < 0 ? rc : 0;
}

int
bx_store_review_list(struct bx_store *st, const struct bx_review_filter *f, int limit,
                     struct bx_review_item **items_out, int *n_out, int *total_out,
                     struct bx_err *err)
{
	struct rlist_ctx c = { f, limit, NULL, 0, 0 };
	int rc = bx_st_read(st, review_list_rx, &c, err);

	if (rc < 0) {
		bx_review_items_free(c.items, c.n);
		c.items = NULL;
		c.n = c.total = 0;
	}
	*items_out = c.items;
	*n_out = c.n;
	if (total_out != NULL)
		*total_out = c.total;
	return rc < 0 ? rc : 0;
}

void
bx_review_items_free(struct bx_review_item *items, int n)
{
	int i;

	for (i = 0; i < n; i++) {
		free(items[i].image);
		free(items[i].batch);
		free(items[i].batch_kind);
		free(items[i].labeler);
	}
	free(items);
}

int
bx_store_judgment_get(struct bx_store *st, int64_t judgment, char **state_out,
                      char **labeler_out, int64_t *task_out, struct bx_answer *answer_out,
                      struct bx_err *err)
{
	static const char sql[] =
	    "SELECT j.state, u.name, j.task, j.answer FROM judgments j "
	    "LEFT JOIN users u ON u.id = j.labeler WHERE j.id = ?1";
	struct bx_dbst *s;
	char *state = NULL, *lab = NULL, *ans = NULL;
	int64_t task = 0;
	int rc;

	if (answer_out)
		bx_answer_init(answer_out);
	PREP(s, sql);
	bx_db_bind_int64(s, 1, judgment);
	rc = bx_st_step(st, s, "read judgment", err);
	if (rc == 1) {
		state = bx_st_col_dup(s, 0);
		lab = bx_st_col_dup(s, 1);
		task = bx_db_col_int64(s, 2);
		ans = bx_st_col_dup(s, 3);
	}
	bx_db_reset(s);
	if (rc == 0)
		rc = bx_err_set(err, BX_ENOENT, "no judgment %lld", (long long)judgment);
	if (rc >= 0 && answer_out && ans) {
		rc = bx_answer_from_json(ans, answer_out, err);
		if (rc < 0)
			bx_err_prefix(err, "judgment %lld", (long long)judgment);
	}
	free(ans);
	if (rc < 0) {
		free(state);
		free(lab);
		return rc;
	}
	if (state_out)
		*state_out = state;
	else
		free(state);
	if (labeler_out)
		*labeler_out = lab;
	else
		free(lab);
	if (task_out)
		*task_out = task;
	return 0;
}

/* ---- export walk ---- */

struct export_ctx {
	const struct bx_export_filter *f;
	int64_t bid; /* 0: all */
	const char *bname;
	int64_t tid;
	struct bx_export_task t;
	char *image, *hash, *meta, *batch;
	struct bx_answer accepted;
	int has_accepted;
	char **strs; /* strings owned for the judgments */
	int nstrs;
};

static const char *
keep(struct export_ctx *c, char *s)
{
	c->strs = bx_realloc(c->strs, (size_t)(c->nstrs + 1) * sizeof *c->strs);
	c->strs[c->nstrs++] = s;
	return s;
}

static void
export_clear(struct export_ctx *c)
{
	int i;

	for (i = 0; i < c->t.njudgments; i++)
		bx_answer_free(&c->t.judgments[i].answer);
	free(c->t.judgments);
	free(c->t.batches);
	for (i = 0; i < c->nstrs; i++)
		free(c->strs[i]);
	free(c->strs);
	free(c->image);
	free(c->hash);
	free(c->meta);
	free(c->batch);
	if (c->has_accepted)
		bx_answer_free(&c->accepted);
	c->strs = NULL;
	c->nstrs = 0;
	c->image = c->hash = c->meta = c->batch = NULL;
	c->has_accepted = 0;
	memset(&c->t, 0, sizeof c->t);
}

static int
parse_answer(const char *json, struct bx_answer *out, int64_t jid, struct bx_err *err)
{
	int rc = bx_answer_from_json(json, out, err);

	if (rc < 0)
		bx_err_prefix(err, "stored answer of judgment %lld", (long long)jid);
	return rc;
}

/* export --labeler/--since/--until: only judgments of that labeler,
 * submitted in [since, until) (?3, ?4, ?5; NULL / 0: no bound). */
#define EXPORT_FILTER \
	" AND (?3 IS NULL OR u.name = ?3) AND (?4 = 0 OR j.submitted_ms >= ?4) " \
	" AND (?5 = 0 OR j.submitted_ms < ?5) "

/* Always every parameter: a cached statement keeps its last bindings. */
static void
bind_filter(struct bx_dbst *s, const struct bx_export_filter *f)
{
	if (f != NULL && f->labeler != NULL)
		bx_db_bind_text(s, 3, f->labeler);
	else
		bx_db_bind_null(s, 3);
	bx_db_bind_int64(s, 4, f ? f->since_ms : 0);
	bx_db_bind_int64(s, 5, f ? f->until_ms : 0);
}

static int
filtering(const struct bx_export_filter *f)
{
	return f != NULL && (f->labeler != NULL || f->since_ms != 0 || f->until_ms != 0);
}

static int
export_task_rx(struct bx_store *st, void *ctx, struct bx_err *err)
{
	static const char tsql[] =
	    "SELECT image, width, height, hash, meta, "
	    "  EXISTS (SELECT 1 FROM gold g WHERE g.task = t.id), "
	    "  (SELECT b.name FROM batch_tasks bt JOIN batches b ON b.id = bt.batch "
	    "   WHERE bt.task = t.id ORDER BY bt.batch LIMIT 1) "
	    "FROM tasks t WHERE id = ?1";
	static const char jsql[] =
	    "SELECT j.id, u.name, j.state, b.name, j.replica, j.answer, j.seconds, "
	    "  j.submitted_ms "
	    "FROM judgments j JOIN users u ON u.id = j.labeler JOIN batches b ON b.id = j.batch "
	    "WHERE j.task = ?1 AND (?2 = 0 OR j.batch = ?2) "
	    /* a suspended labeler's unreviewed work stays out (on_suspend) */
	    "  AND NOT (j.held = 1 AND j.state = 'submitted') " EXPORT_FILTER
	    "ORDER BY j.id";
	static const char rsql[] =
	    "SELECT r.verdict, r.answer, j.answer, j.id FROM reviews r "
	    "JOIN judgments j ON j.id = r.judgment JOIN users u ON u.id = j.labeler "
	    "WHERE j.task = ?1 AND (?2 = 0 OR j.batch = ?2) AND r.verdict IN ('fix','accept') "
	    EXPORT_FILTER
	    "ORDER BY r.verdict = 'fix' DESC, r.id DESC LIMIT 1";
	static const char csql[] =
	    "SELECT answer FROM task_answers WHERE task = ?1 AND kind = 'consensus'";
	static const char bsql[] =
	    "SELECT b.name, b.kind, b.overlap, b.gold_rate, b.priority FROM batch_tasks bt "
	    "JOIN batches b ON b.id = bt.batch WHERE bt.task = ?1 AND (?2 = 0 OR b.id = ?2) "
	    "ORDER BY b.id";
	struct export_ctx *c = ctx;
	struct bx_export_task *t = &c->t;
	struct bx_dbst *s;
	char *json = NULL;
	int rc, single = -1, nsub = 0;
	int64_t rj = 0;

	PREP(s, tsql);
	bx_db_bind_int64(s, 1, c->tid);
	rc = bx_st_step(st, s, "read task", err);
	if (rc == 1) {
		t->id = c->tid;
		t->image = c->image = bx_st_col_dup(s, 0);
		t->width = bx_db_col_int(s, 1);
		t->height = bx_db_col_int(s, 2);
		t->hash = c->hash = bx_st_col_dup(s, 3);
		t->meta_json = c->meta = bx_st_col_dup(s, 4);
		t->has_gold = bx_db_col_int(s, 5);
		c->batch = c->bname ? bx_strdup(c->bname) : bx_st_col_dup(s, 6);
		t->batch = c->batch;
	}
	bx_db_reset(s);
	if (rc <= 0)
		return rc; /* 0: deleted meanwhile; skipped by the caller */

	PREP(s, jsql);
	bx_db_bind_int64(s, 1, c->tid);
	bx_db_bind_int64(s, 2, c->bid);
	bind_filter(s, c->f);
	while ((rc = bx_st_step(st, s, "read judgments", err)) == 1) {
		struct bx_export_judgment *j;
		t->judgments = bx_realloc(t->judgments,
		    (size_t)(t->njudgments + 1) * sizeof *t->judgments);
		j = &t->judgments[t->njudgments++];
		memset(j, 0, sizeof *j);
		bx_answer_init(&j->answer);
		j->id = bx_db_col_int64(s, 0);
		j->labeler = keep(c, bx_st_col_dup(s, 1));
		j->state = keep(c, bx_st_col_dup(s, 2));
		j->batch = keep(c, bx_st_col_dup(s, 3));
		j->replica = bx_db_col_int(s, 4);
		j->seconds = bx_db_col_double(s, 6);
		j->submitted_ms = bx_db_col_int64(s, 7);
		if (!bx_db_col_null(s, 5)) {
			rc = parse_answer((const char *)bx_db_col_text(s, 5), &j->answer, j->id,
			    err);
			if (rc < 0)
				break;
			j->has_answer = 1;
		}
		if (strcmp(j->state, "submitted") == 0 || strcmp(j->state, "accepted") == 0) {
			nsub++;
			single = t->njudgments - 1;
		}
	}
	bx_db_reset(s);
	if (rc < 0)
		return rc;
	if (filtering(c->f) && t->njudgments == 0)
		return 0; /* nothing of theirs (in that time) here: skipped */

	/* The task's batches, for an import to recreate them. */
	PREP(s, bsql);
	bx_db_bind_int64(s, 1, c->tid);
	bx_db_bind_int64(s, 2, c->bid);
	while ((rc = bx_st_step(st, s, "read batches", err)) == 1) {
		struct bx_export_batch *b;
		t->batches = bx_realloc(t->batches, (size_t)(t->nbatches + 1) * sizeof *t->batches);
		b = &t->batches[t->nbatches++];
		b->name = keep(c, bx_st_col_dup(s, 0));
		b->kind = keep(c, bx_st_col_dup(s, 1));
		b->overlap = bx_db_col_int(s, 2);
		b->gold_rate = bx_db_col_double(s, 3);
		b->priority = bx_db_col_int(s, 4);
	}
	bx_db_reset(s);
	if (rc < 0)
		return rc;

	/* The accepted answer: review, else consensus, else a lone judgment. */
	PREP(s, rsql);
	bx_db_bind_int64(s, 1, c->tid);
	bx_db_bind_int64(s, 2, c->bid);
	bind_filter(s, c->f);
	rc = bx_st_step(st, s, "read reviews", err);
	if (rc == 1) {
		int fix = strcmp((const char *)bx_db_col_text(s, 0), "fix") == 0;
		json = bx_st_col_dup(s, fix ? 1 : 2);
		rj = bx_db_col_int64(s, 3);
	}
	bx_db_reset(s);
	if (rc < 0)
		return rc;
	if (json != NULL) {
		rc = parse_answer(json, &c->accepted, rj, err);
		free(json);
		if (rc < 0)
			return rc;
		c->has_accepted = 1;
		t->accepted_from = "review";
	} else if (!filtering(c->f)) { /* a consensus is no one labeler's */
		PREP(s, csql);
		bx_db_bind_int64(s, 1, c->tid);
		rc = bx_st_step(st, s, "read consensus", err);
		if (rc == 1)
			json = bx_st_col_dup(s, 0);
		bx_db_reset(s);
		if (rc < 0)
			return rc;
		if (json != NULL) {
			rc = bx_answer_from_json(json, &c->accepted, err);
			free(json);
			if (rc < 0) {
				bx_err_prefix(err, "consensus of task %lld", (long long)c->tid);
				return rc;
			}
			c->has_accepted = 1;
			t->accepted_from = "consensus";
		} else if (nsub == 1 && t->judgments[single].has_answer) {
			bx_answer_copy(&c->accepted, &t->judgments[single].answer);
			c->has_accepted = 1;
			t->accepted_from = "single";
		}
	} else if (nsub == 1 && t->judgments[single].has_answer) {
		/* filtered: their one answer of the task */
		bx_answer_copy(&c->accepted, &t->judgments[single].answer);
		c->has_accepted = 1;
		t->accepted_from = "single";
	}
	if (c->has_accepted)
		t->accepted = &c->accepted;
	return 1;
}

int
bx_store_export_each(struct bx_store *st, const char *batch,
                     int (*fn)(const struct bx_export_task *t, void *ctx), void *ctx,
                     struct bx_err *err)
{
	return bx_store_export_filtered(st, batch, NULL, fn, ctx, err);
}

int
bx_store_export_filtered(struct bx_store *st, const char *batch,
                         const struct bx_export_filter *f,
                         int (*fn)(const struct bx_export_task *t, void *ctx), void *ctx,
                         struct bx_err *err)
{
	static const char next_all[] = "SELECT id FROM tasks WHERE id > ?1 ORDER BY id LIMIT 256";
	static const char next_one[] =
	    "SELECT task FROM batch_tasks WHERE batch = ?2 AND task > ?1 ORDER BY task LIMIT 256";
	struct export_ctx c;
	struct bx_dbst *s;
	int64_t ids[256], last = 0, uid;
	int rc = 0, n, i;

	memset(&c, 0, sizeof c);
	if (batch && (rc = batch_id(st, batch, &c.bid, err)) < 0)
		return rc;
	c.bname = batch;
	c.f = f;
	if (f != NULL && f->labeler != NULL && (rc = bx_st_user_id(st, f->labeler, &uid, err)) < 0)
		return rc;
	for (;;) {
		/* A page of ids (one statement, its own implicit read). */
		PREP(s, batch ? next_one : next_all);
		bx_db_bind_int64(s, 1, last);
		if (batch)
			bx_db_bind_int64(s, 2, c.bid);
		n = 0;
		while (n < 256 && (rc = bx_st_step(st, s, "list tasks", err)) == 1)
			ids[n++] = bx_db_col_int64(s, 0);
		bx_db_reset(s);
		if (rc < 0)
			return rc;
		if (n == 0)
			return 0;
		for (i = 0; i < n; i++) {
			c.tid = ids[i];
			rc = bx_st_read(st, export_task_rx, &c, err);
			if (rc < 0) {
				export_clear(&c);
				return rc;
			}
			if (rc == 1)
				rc = fn(&c.t, ctx); /* outside the read transaction */
			export_clear(&c);
			if (rc != 0)
				return rc;
		}
		last = ids[n - 1];
	}
}

void
bx_judgment_info_free(struct bx_judgment_info *j)
{
	if (j == NULL)
		return;
	free(j->state);
	free(j->labeler);
	free(j->image);
	free(j->batch);
	memset(j, 0, sizeof *j);
}

int
bx_store_judgment_info(struct bx_store *st, int64_t judgment, struct bx_judgment_info *out,
                       struct bx_err *err)
{
	static const char sql[] =
	    "SELECT j.task, j.state, u.name, t.image, b.name, t.width, t.height, j.attempts, "
	    "  coalesce(j.lease_until, 0), coalesce(j.claimed_ms, 0) "
	    "FROM judgments j JOIN tasks t ON t.id = j.task JOIN batches b ON b.id = j.batch "
	    "LEFT JOIN users u ON u.id = j.labeler WHERE j.id = ?1";
	struct bx_dbst *s;
	int rc;

	memset(out, 0, sizeof *out);
	PREP(s, sql);
	bx_db_bind_int64(s, 1, judgment);
	rc = bx_st_step(st, s, "read judgment", err);
	if (rc == 1) {
		out->id = judgment;
		out->task = bx_db_col_int64(s, 0);
		out->state = bx_st_col_dup(s, 1);
		out->labeler = bx_st_col_dup(s, 2);
		out->image = bx_st_col_dup(s, 3);
		out->batch = bx_st_col_dup(s, 4);
		out->width = bx_db_col_int(s, 5);
		out->height = bx_db_col_int(s, 6);
		out->attempts = bx_db_col_int(s, 7);
		out->lease_until = bx_db_col_int64(s, 8);
		out->claimed_ms = bx_db_col_int64(s, 9);
	}
	bx_db_reset(s);
	if (rc == 0)
		return bx_err_set(err, BX_ENOENT, "no judgment %lld", (long long)judgment);
	return rc < 0 ? rc : 0;
}
