/* store-queue.c: the task queue on the judgments table: claim (resume own
 * lease, set aside exhausted judgments, then one UPDATE ... WHERE id =
 * (SELECT ... LIMIT 1) RETURNING per candidate), the serving order, gold
 * drawn into the queue, and the next claim predicted (prefetch). The
 * token-fenced writes are in store-lease.c, store-submit.c and
 * store-drafts.c. Times are ms since the epoch, passed in by the caller. */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "boxel/codec.h"
#include "boxel/formats.h"
#include "boxel/geom.h"
#include "boxel/util.h"
#include "store-int.h"
#include "store-queue.h"

static const char *const jstate_names[BX_J_NSTATES] = {
	"open", "leased", "submitted", "skipped", "set_aside", "accepted", "rejected",
};

const char *
bx_jstate_name(enum bx_jstate s)
{
	return (unsigned)s < BX_J_NSTATES ? jstate_names[s] : "?";
}

void
bx_claim_free(struct bx_claim *c)
{
	if (c == NULL)
		return;
	free(c->image);
	free(c->batch);
	free(c->batch_kind);
	free(c->review_comment);
	memset(c, 0, sizeof *c);
}

static int
setting_int(struct bx_store *st, const char *key, long lo, long hi, long *out,
            struct bx_err *err)
{
	char *v, *end;
	long n;
	int rc;

	if ((rc = bx_store_setting_get(st, key, &v, err)) < 0)
		return rc;
	n = strtol(v, &end, 10);
	if (end == v || *end != '\0' || n < lo || n > hi) {
		rc = bx_err_set(err, BX_EINVAL, "setting %s: '%s' is not a number in %ld..%ld",
		    key, v, lo, hi);
		free(v);
		return rc;
	}
	free(v);
	*out = n;
	return 0;
}

/* ---- claim ---- */

/* Fill the claim's task, batch and progress fields for judgment id. */
static int
claim_fill(struct bx_store *st, struct bx_st_claim_ctx *c, int64_t jid, struct bx_err *err)
{
	static const char sql[] =
	    "SELECT j.task, t.image, t.width, t.height, j.lease_until, b.name, b.kind, "
	    "  j.lease_token, j.batch, "
	    "  (SELECT count(*) FROM judgments m WHERE m.labeler = j.labeler "
	    "     AND m.batch = j.batch AND m.state IN ('submitted','accepted','rejected')), "
	    "  b.ntasks "
	    "FROM judgments j JOIN tasks t ON t.id = j.task JOIN batches b ON b.id = j.batch "
	    "WHERE j.id = ?1";
	static const char csql[] =
	    "SELECT u.name, r.comment FROM judgments j JOIN judgments p ON p.task = j.task "
	    "  AND p.batch = j.batch AND p.labeler = j.labeler AND p.state = 'rejected' "
	    "  AND p.id < j.id "
	    "JOIN reviews r ON r.judgment = p.id AND r.verdict = 'reject' "
	    "JOIN users u ON u.id = r.reviewer "
	    "WHERE j.id = ?1 ORDER BY r.id DESC LIMIT 1";
	struct bx_claim *o = c->out;
	struct bx_dbst *s;
	const char *tok;
	int rc;

	if ((s = bx_st_prep(st, sql, err)) == NULL)
		return err ? err->code : BX_EDB;
	bx_db_bind_int64(s, 1, jid);
	rc = bx_st_step(st, s, "read claimed task", err);
	if (rc == 1) {
		o->judgment = jid;
		o->task = bx_db_col_int64(s, 0);
		o->image = bx_st_col_dup(s, 1);
		o->width = bx_db_col_int(s, 2);
		o->height = bx_db_col_int(s, 3);
		o->lease_until = bx_db_col_int64(s, 4);
		o->batch = bx_st_col_dup(s, 5);
		o->batch_kind = bx_st_col_dup(s, 6);
		tok = (const char *)bx_db_col_text(s, 7);
		snprintf(o->token, sizeof o->token, "%s", tok ? tok : "");
		o->position = bx_db_col_int(s, 9) + 1;
		o->total = bx_db_col_int(s, 10);
	}
	bx_db_reset(s);
	if (rc == 0)
		return bx_err_set(err, BX_EDB, "claimed judgment %lld vanished", (long long)jid);
	if (rc < 0)
		return rc;
	/* A rework: the reviewer's word on the answer it replaces. */
	if ((s = bx_st_prep(st, csql, err)) == NULL)
		return err ? err->code : BX_EDB;
	bx_db_bind_int64(s, 1, jid);
	rc = bx_st_step(st, s, "read review comment", err);
	if (rc == 1) {
		const char *who = (const char *)bx_db_col_text(s, 0);
		const char *why = (const char *)bx_db_col_text(s, 1);
		o->review_comment = bx_asprintf("%s: %s", who ? who : "?", why ? why : "");
	}
	bx_db_reset(s);
	return rc < 0 ? rc : 0;
}

static int
claim_event(struct bx_store *st, struct bx_st_claim_ctx *c, const char *what, struct bx_err *err)
{
	char d[160];

	snprintf(d, sizeof d, "{\"judgment\":%lld,\"task\":%lld,\"lease_until\":%lld}",
	    (long long)c->out->judgment, (long long)c->out->task,
	    (long long)c->out->lease_until);
	return bx_st_event(st, c->user, what, d, c->now, err);
}

/* What is already the user's, before anything new: first their own lease,
 * live or expired but not yet taken by anyone (extended, same token, so a
 * reconnecting session finds its task: returned = 0); then work a reviewer
 * rejected back to them, an open judgment that is already theirs (see
 * bx_store_review_add; leased with the claim's new token: returned = 1). */
static int
claim_own(struct bx_store *st, struct bx_st_claim_ctx *c, int returned, int *found,
          struct bx_err *err)
{
	static const char resume[] =
	    "UPDATE judgments SET lease_until = ?3 "
	    "WHERE id = (SELECT id FROM judgments WHERE labeler = ?1 AND state = 'leased' "
	    "            ORDER BY id LIMIT 1) "
	    "RETURNING id";
	static const char rework[] =
	    "UPDATE judgments SET state = 'leased', lease_token = ?2, lease_until = ?3, "
	    "  attempts = attempts + 1, claimed_ms = ?4 "
	    "WHERE id = (SELECT id FROM judgments WHERE labeler = ?1 AND state = 'open' "
	    "            ORDER BY id LIMIT 1) "
	    "RETURNING id";
	struct bx_dbst *s;
	int64_t jid = 0;
	int rc;

	*found = 0;
	if ((s = bx_st_prep(st, returned ? rework : resume, err)) == NULL)
		return err ? err->code : BX_EDB;
	bx_db_bind_int64(s, 1, c->uid);
	bx_db_bind_int64(s, 3, c->now + c->lease_ms);
	if (returned) {
		bx_db_bind_text(s, 2, c->token);
		bx_db_bind_int64(s, 4, c->now);
	}
	rc = bx_st_step(st, s, returned ? "claim returned work" : "resume lease", err);
	if (rc == 1)
		jid = bx_db_col_int64(s, 0);
	bx_db_reset(s);
	if (rc <= 0)
		return rc;
	*found = 1;
	if (returned)
		c->out->returned = 1;
	else
		c->out->resumed = 1;
	if ((rc = claim_fill(st, c, jid, err)) < 0)
		return rc;
	return claim_event(st, c, returned ? "claim" : "resume", err);
}

/* The two claim statements share their first five parameters: the user,
 * the new lease token, its end, now, and the batch; and both return the
 * id of the judgment they leased. */
static struct bx_dbst *
claim_prep(struct bx_store *st, const char *sql, const struct bx_st_claim_ctx *c, int64_t batch,
           struct bx_err *err)
{
	struct bx_dbst *s = bx_st_prep(st, sql, err);

	if (s == NULL)
		return NULL;
	bx_db_bind_int64(s, 1, c->uid);
	bx_db_bind_text(s, 2, c->token);
	bx_db_bind_int64(s, 3, c->now + c->lease_ms);
	bx_db_bind_int64(s, 4, c->now);
	bx_db_bind_int64(s, 5, batch);
	return s;
}

static int
claim_step(struct bx_store *st, struct bx_dbst *s, const char *what, int64_t *jid,
           struct bx_err *err)
{
	int rc = bx_st_step(st, s, what, err);

	if (rc == 1)
		*jid = bx_db_col_int64(s, 0);
	bx_db_reset(s);
	return rc < 0 ? rc : 0;
}

/* ---- the serving order ----
 *
 * Ordinary work is served from a point of the batch's range of fresh
 * judgment ids onwards (wrapping round), not from its start: served in
 * import order, a gold task would stand out by its task id or image name
 * among its neighbours. The point is a keyed hash of (the project's
 * serve_key setting, the user, the batch, how many judgments the user has
 * there) over the range of the batch's unclaimed judgments, so the peek,
 * asked while the current judgment is still leased, finds the point the
 * claim after its submit will use (unless someone takes the first or last
 * unclaimed judgment, or a skip queues a new one, in between). Not a cryptographic
 * PRF: it only has to be unpredictable to an annotator, who never sees the
 * key. With the setting serve_order = import, tasks come in import order
 * (frames of a video, say), and gold stands out by its position. */

static uint64_t
mix64(uint64_t x)
{
	/* splitmix64's finalizer: every input bit moves every output bit. */
	x ^= x >> 30;
	x *= 0xbf58476d1ce4e5b9ULL;
	x ^= x >> 27;
	x *= 0x94d049bb133111ebULL;
	x ^= x >> 31;
	return x;
}

static int
serve_start(struct bx_store *st, int64_t uid, int64_t batch, int gold, int64_t *start,
            int *random_out, struct bx_err *err)
{
	static const char sql[] =
	    "SELECT (SELECT value FROM settings WHERE key = 'serve_key') "
	    "    || coalesce((SELECT ':' FROM settings WHERE key = 'serve_order' "
	    "                 AND value = 'import'), ''), "
	    "  (SELECT count(*) FROM judgments WHERE labeler = ?1 AND batch = ?2), "
	    "  (SELECT min(id) FROM judgments WHERE batch = ?2 AND gold = ?3 "
	    "     AND state IN ('open','leased') AND state = 'open' AND labeler IS NULL), "
	    "  (SELECT max(id) FROM judgments WHERE batch = ?2 AND gold = ?3 "
	    "     AND state IN ('open','leased') AND state = 'open' AND labeler IS NULL)";
	struct bx_dbst *s;
	const char *key;
	char *end = NULL;
	uint64_t h = 0;
	int64_t lo = 0, hi = 0;
	int rc, imported;

	*start = 0;
	*random_out = 0;
	if ((s = bx_st_prep(st, sql, err)) == NULL)
		return err ? err->code : BX_EDB;
	bx_db_bind_int64(s, 1, uid);
	bx_db_bind_int64(s, 2, batch);
	bx_db_bind_int(s, 3, gold);
	rc = bx_st_step(st, s, "read serving order", err);
	if (rc == 1 && !bx_db_col_null(s, 2)) {
		key = bx_db_col_text(s, 0);
		h = key ? strtoull(key, &end, 16) : 0;
		imported = key == NULL || *end == ':';
		h = mix64(h ^ mix64((uint64_t)uid ^ mix64((uint64_t)batch ^
		    mix64((uint64_t)bx_db_col_int64(s, 1) * 2 + (uint64_t)gold))));
		lo = bx_db_col_int64(s, 2);
		hi = bx_db_col_int64(s, 3);
		*start = imported ? 0 : lo + (int64_t)(h % (uint64_t)(hi - lo + 1));
		*random_out = !imported;
	}
	bx_db_reset(s);
	return rc < 0 ? rc : 0;
}

/* A fresh judgment takes the next id when it is first claimed, as a gold
 * judgment (created by its claim) does: ids then tell claims apart by
 * time only, never gold from ordinary work. Only a judgment nobody ever
 * claimed moves (claimed_ms IS NULL), so nothing refers to it yet, not
 * even the audit log; a reclaimed one keeps the id the log names. */
/* The judgment with id (SQL text) may move: nobody claimed it and nothing
 * refers to it. */
#define UNREFERENCED(id) \
	    "claimed_ms IS NULL " \
	    "  AND NOT EXISTS (SELECT 1 FROM drafts WHERE judgment = " id ") " \
	    "  AND NOT EXISTS (SELECT 1 FROM journal WHERE judgment = " id ") " \
	    "  AND NOT EXISTS (SELECT 1 FROM annotations WHERE judgment = " id ") " \
	    "  AND NOT EXISTS (SELECT 1 FROM reviews WHERE judgment = " id ") " \
	    "  AND NOT EXISTS (SELECT 1 FROM gold_scores WHERE judgment = " id ") "

static int
renumber(struct bx_store *st, int64_t *jid, struct bx_err *err)
{
	/* (PostgreSQL renumbers inside its claim statement, from the
	 * column's sequence: claim_one.) */
	static const char sql[] =
	    "UPDATE judgments SET id = (SELECT max(id) + 1 FROM judgments) "
	    "WHERE id = ?1 AND " UNREFERENCED("?1") "RETURNING id";
	struct bx_dbst *s;
	int rc;

	if ((s = bx_st_prep(st, sql, err)) == NULL)
		return err ? err->code : BX_EDB;
	bx_db_bind_int64(s, 1, *jid);
	rc = bx_st_step(st, s, "renumber claim", err);
	if (rc == 1)
		*jid = bx_db_col_int64(s, 0);
	bx_db_reset(s);
	return rc < 0 ? rc : 0;
}

/* The claim's step of the queue walk: find the first judgment of batch
 * (gold or not) that this user may get, from the serving order's point
 * (wrapping round), give it its claim id, lease it. */
static int
claim_one(struct bx_store *st, void *ctx, int64_t batch, int gold, int64_t *jid,
          struct bx_err *err)
{
	struct bx_st_claim_ctx *c = ctx;
#define FIND_SQL \
	    "SELECT j.id FROM judgments j " \
	    "WHERE j.batch = ?5 AND j.state IN ('open','leased') " \
	    "  AND ((j.state = 'open' AND j.labeler IS NULL) OR j.lease_until < ?4) " \
	    "  AND j.gold = ?6 AND j.id >= ?7 " \
	    "  AND NOT EXISTS (SELECT 1 FROM judgments m WHERE m.task = j.task AND m.labeler = ?1) " \
	    "ORDER BY j.id LIMIT 1"
	static const char find[] = FIND_SQL;
	/* On PostgreSQL the claim is one statement: the candidate row is
	 * locked as it is picked, one another claim holds is passed over
	 * (the job-queue pattern: claims run side by side there), and the
	 * row is leased and, in the random order (?8), given its claim id
	 * from the sequence, all at once. */
	static const char pg_claim[] =
	    "WITH c AS (" FIND_SQL " FOR UPDATE OF j SKIP LOCKED) "
	    "UPDATE judgments SET state = 'leased', labeler = ?1, lease_token = ?2, "
	    "  lease_until = ?3, attempts = attempts + 1, claimed_ms = ?4, "
	    "  id = CASE WHEN ?8 <> 0 AND " UNREFERENCED("c.id")
	    "    THEN nextval(pg_get_serial_sequence('judgments', 'id')) ELSE c.id END "
	    "FROM c WHERE judgments.id = c.id "
	    "RETURNING judgments.id";
#undef FIND_SQL
	static const char take[] =
	    "UPDATE judgments SET state = 'leased', labeler = ?1, lease_token = ?2, "
	    "  lease_until = ?3, attempts = attempts + 1, claimed_ms = ?4 "
	    "WHERE id = ?6 AND batch = ?5 "
	    "RETURNING id";
	struct bx_dbst *s;
	int64_t start, found = 0;
	int rc, pass, random;

	*jid = 0;
	if ((rc = serve_start(st, c->uid, batch, gold, &start, &random, err)) < 0)
		return rc;
	/* From the serving order's point, then (wrapping round) from the
	 * start: the second statement runs only when the first found none. */
	for (pass = 0; pass < 2 && found == 0; pass++) {
		int pg = bx_db_kind(st->db) == BX_DB_PG;
		if ((s = claim_prep(st, pg ? pg_claim : find, c, batch, err)) == NULL)
			return err ? err->code : BX_EDB;
		bx_db_bind_int(s, 6, gold);
		bx_db_bind_int64(s, 7, pass == 0 ? start : 0);
		bx_db_bind_int(s, 8, random);
		if ((rc = claim_step(st, s, "claim", pg ? jid : &found, err)) < 0)
			return rc;
		if (pg && *jid != 0)
			return 0;
	}
	/* In import order ids may stay: position tells gold apart anyway. */
	if (found == 0 || (random && (rc = renumber(st, &found, err)) < 0))
		return found == 0 ? 0 : rc;
	if ((s = claim_prep(st, take, c, batch, err)) == NULL)
		return err ? err->code : BX_EDB;
	bx_db_bind_int64(s, 6, found);
	return claim_step(st, s, "claim", jid, err);
}

/* Gold is the labeler's own in every batch kind: the claim creates a
 * judgment of a gold task of the batch for this user (leased at once), so
 * it never takes a place of the task's overlap and every labeler can get
 * every gold task (a trainee needs training_min of them; calibration
 * measures everyone on the same gold whatever the overlap). Which one is
 * random among those the user has not judged; with recycle (setting
 * gold_recycle = 1), one they have judged least often. mode: GOLD_DRAWN
 * only while the batch has ordinary work for the user (after the end a
 * claim that succeeds would be gold by elimination); GOLD_EVAL only when
 * every task of the batch is gold (an evaluation batch, served whole to
 * each labeler); GOLD_ANY (training, calibration, self: every labeler
 * judges the whole set there) either way. The pool is read from the gold table (small) into the batch,
 * not from the batch (large) into the gold table. */
enum { GOLD_DRAWN, GOLD_EVAL, GOLD_ANY };

static int
claim_gold(struct bx_store *st, struct bx_st_claim_ctx *c, int64_t batch, int recycle, int mode,
           int64_t *jid, struct bx_err *err)
{
	static const char sql[] =
	    "INSERT INTO judgments(task, batch, replica, state, labeler, lease_token, "
	    "  lease_until, attempts, claimed_ms) "
	    "SELECT g.task, ?5, (SELECT coalesce(max(m.replica) + 1, 0) FROM judgments m "
	    "                   WHERE m.task = g.task AND m.batch = ?5), "
	    "  'leased', ?1, ?2, ?3, 1, ?4 "
	    "FROM gold g CROSS JOIN batch_tasks bt "
	    "WHERE bt.batch = ?5 AND bt.task = g.task AND g.retired = 0 "
	    "  AND (?6 <> 0 OR NOT EXISTS (SELECT 1 FROM judgments m "
	    "                         WHERE m.task = g.task AND m.labeler = ?1)) "
	    "  AND (?7 <> 1 OR (SELECT ntasks FROM batches WHERE id = ?5) = "
	    "      (SELECT count(*) FROM gold g2 CROSS JOIN batch_tasks b2 "
	    "       WHERE b2.batch = ?5 AND b2.task = g2.task)) "
	    "  AND (?7 <> 0 OR EXISTS (SELECT 1 FROM judgments j WHERE j.batch = ?5 "
	    "      AND j.state IN ('open','leased') "
	    "      AND ((j.state = 'open' AND j.labeler IS NULL) OR j.lease_until < ?4) "
	    "      AND j.gold = 0 AND NOT EXISTS (SELECT 1 FROM judgments m "
	    "                                     WHERE m.task = j.task AND m.labeler = ?1))) "
	    "ORDER BY (SELECT count(*) FROM judgments m WHERE m.task = g.task "
	    "          AND m.labeler = ?1), random() LIMIT 1 "
	    "RETURNING id";
	/* Two claims side by side (PostgreSQL) could draw one gold task and
	 * number their replicas alike: gold is drawn one claim at a time per
	 * batch. */
	static const char pg_batch_lock[] =
	    "SELECT pg_advisory_xact_lock(2, CAST(?1 % 2147483647 AS INTEGER))";
	struct bx_dbst *s;
	int rc;

	*jid = 0;
	if (bx_db_kind(st->db) == BX_DB_PG) {
		if ((s = bx_st_prep(st, pg_batch_lock, err)) == NULL)
			return err ? err->code : BX_EDB;
		bx_db_bind_int64(s, 1, batch);
		if ((rc = bx_st_exec(st, s, "lock the batch's gold", err)) < 0)
			return rc;
	}
	if ((s = claim_prep(st, sql, c, batch, err)) == NULL)
		return err ? err->code : BX_EDB;
	bx_db_bind_int(s, 6, recycle);
	bx_db_bind_int(s, 7, mode);
	return claim_step(st, s, "claim gold", jid, err);
}

/* The per-claim gold draw outside training: gold with probability rate,
 * from the kernel's random bytes, so neither the position of a claim nor
 * anything an annotator saw before predicts it (the first claim is not
 * special). */
static int
draw_gold(double rate)
{
	uint32_t r;

	if (rate <= 0)
		return 0;
	bx_st_random(&r, sizeof r);
	return (double)r < rate * 4294967296.0;
}

/* Training batches: whether the user's next judgment should be gold: gold
 * while their gold count is below rate * (judgments + 1), which spreads gold
 * evenly (rate 0.25: gold, 3 others, gold, ...). */
static int
want_gold(struct bx_store *st, int64_t uid, int64_t batch, double rate, int *want,
          struct bx_err *err)
{
	static const char sql[] =
	    "SELECT count(*), "
	    "  coalesce(sum(j.gold), 0) "
	    "FROM judgments j WHERE j.labeler = ?1 AND j.batch = ?2";
	struct bx_dbst *s;
	int rc;

	*want = 0;
	if (rate <= 0)
		return 0;
	if ((s = bx_st_prep(st, sql, err)) == NULL)
		return err ? err->code : BX_EDB;
	bx_db_bind_int64(s, 1, uid);
	bx_db_bind_int64(s, 2, batch);
	rc = bx_st_step(st, s, "count gold", err);
	if (rc == 1)
		*want = (double)bx_db_col_int64(s, 1) <
		    rate * (double)(bx_db_col_int64(s, 0) + 1) - 1e-9;
	bx_db_reset(s);
	return rc < 0 ? rc : 0;
}

/* A reclaimed judgment's draft belongs to the labeler who lost it. */
static int
drop_foreign_draft(struct bx_store *st, int64_t jid, int64_t uid, struct bx_err *err)
{
	static const char jsql[] =
	    "DELETE FROM journal WHERE judgment = ?1 AND EXISTS "
	    "(SELECT 1 FROM drafts WHERE judgment = ?1 AND labeler IS DISTINCT FROM ?2)";
	static const char dsql[] = "DELETE FROM drafts WHERE judgment = ?1 AND labeler IS DISTINCT FROM ?2";
	const char *const sqls[] = { jsql, dsql };
	struct bx_dbst *s;
	int i, rc;

	for (i = 0; i < 2; i++) {
		if ((s = bx_st_prep(st, sqls[i], err)) == NULL)
			return err ? err->code : BX_EDB;
		bx_db_bind_int64(s, 1, jid);
		bx_db_bind_int64(s, 2, uid);
		if ((rc = bx_st_exec(st, s, "drop old draft", err)) < 0)
			return rc;
	}
	return 0;
}

int
bx_st_gold_suspended(const char *name, struct bx_err *err)
{
	return bx_err_set(err, BX_EPERM, "user %s is suspended (gold accuracy under the "
	    "project's bar); an admin can reinstate them", name);
}

/* Who may take work: the user's id and qualification, or BX_EPERM with the
 * reason as it is (unknown, disabled, paused, suspended by gold or by an
 * admin). */
static int
queue_user(struct bx_store *st, const char *name, int64_t *uid, char *qual, size_t qualsz,
           struct bx_err *err)
{
	static const char usql[] =
	    "SELECT id, active, qual, paused, coalesce(suspended_by, '') FROM users "
	    "WHERE name = ?1";
	struct bx_dbst *s;
	int rc, active = 0, paused = 0;
	char by[8] = "";

	if ((s = bx_st_prep(st, usql, err)) == NULL)
		return err ? err->code : BX_EDB;
	bx_db_bind_text(s, 1, name);
	rc = bx_st_step(st, s, "read user", err);
	if (rc == 1) {
		*uid = bx_db_col_int64(s, 0);
		active = bx_db_col_int(s, 1);
		snprintf(qual, qualsz, "%s", (const char *)bx_db_col_text(s, 2));
		paused = bx_db_col_int(s, 3);
		snprintf(by, sizeof by, "%s", (const char *)bx_db_col_text(s, 4));
	}
	bx_db_reset(s);
	if (rc < 0)
		return rc;
	if (rc == 0)
		return bx_err_set(err, BX_EPERM, "no user %s (see 'boxel user list')", name);
	if (!active)
		return bx_err_set(err, BX_EPERM, "user %s is disabled", name);
	if (strcmp(qual, "suspended") == 0 && strcmp(by, "admin") == 0)
		return bx_err_set(err, BX_EPERM,
		    "user %s is suspended by an admin; an admin can reinstate them", name);
	if (strcmp(qual, "suspended") == 0)
		return bx_st_gold_suspended(name, err);
	if (paused)
		return bx_err_set(err, BX_EPERM,
		    "user %s is paused by an admin: no new work until they unpause you", name);
	return 0;
}

/* The order work is served in, one walk for the claim and for the peek, so
 * a prediction cannot drift from the real thing (except for gold, which it
 * does not predict): batches by priority, then oldest first; training
 * batches only for labelers in training (and with require_training,
 * nothing else for them). step() tries one batch's ordinary work and sets
 * *jid when it found (claim: took) a judgment.
 *
 * gold(ctx, batch, mode, jid) serves the labeler's own gold (claim_gold):
 * first, drawn at the batch's rate (GOLD_DRAWN); in training batches
 * instead while the user's gold share there is under the rate (gold,
 * 3 others, gold, ... at 0.25: the trainee is told which was gold anyway);
 * then ordinary work; then what is left of the pool: in production only
 * an evaluation batch's (GOLD_EVAL), in training, calibration and self
 * batches all of it (GOLD_ANY: everyone judging the whole set is their
 * point, and a trainee who finished the ordinary work still reaches
 * training_min). NULL (the peek): gold is not predicted. */
typedef int (*walk_gold_fn)(struct bx_store *, void *, int64_t, int, int64_t *,
                            struct bx_err *);

static int
queue_walk(struct bx_store *st, int64_t uid, const char *qual,
           int (*step)(struct bx_store *, void *, int64_t, int, int64_t *, struct bx_err *),
           walk_gold_fn gold, void *ctx, int64_t *jid, struct bx_err *err)
{
	static const char bsql[] =
	    "SELECT id, kind, gold_rate FROM batches ORDER BY priority DESC, id";
	struct { int64_t id; int training, whole; double rate; } *bs = NULL;
	int rc, nb = 0, i, want, trainee = strcmp(qual, "training") == 0;
	const char *kind;
	long require_training;
	struct bx_dbst *s;

	*jid = 0;
	if ((rc = setting_int(st, "require_training", 0, 1, &require_training, err)) < 0)
		return rc;
	/* Read the batch list first: the steps below run while no other
	 * statement is stepping. */
	if ((s = bx_st_prep(st, bsql, err)) == NULL)
		return err ? err->code : BX_EDB;
	while ((rc = bx_st_step(st, s, "list batches", err)) == 1) {
		bs = bx_realloc(bs, (size_t)(nb + 1) * sizeof *bs);
		bs[nb].id = bx_db_col_int64(s, 0);
		kind = (const char *)bx_db_col_text(s, 1);
		bs[nb].training = strcmp(kind, "training") == 0;
		bs[nb].whole = strcmp(kind, "production") != 0;
		bs[nb].rate = bx_db_col_double(s, 2);
		nb++;
	}
	bx_db_reset(s);
	for (i = 0; rc >= 0 && i < nb && *jid == 0; i++) {
		if (bs[i].training != trainee && (bs[i].training || require_training))
			continue;
		want = 0;
		if (gold != NULL && bs[i].training)
			rc = want_gold(st, uid, bs[i].id, bs[i].rate, &want, err);
		else if (gold != NULL)
			want = draw_gold(bs[i].rate);
		if (rc >= 0 && want)
			rc = gold(st, ctx, bs[i].id, bs[i].training ? GOLD_ANY : GOLD_DRAWN, jid, err);
		if (rc >= 0 && *jid == 0)
			rc = step(st, ctx, bs[i].id, 0, jid, err);
		if (rc >= 0 && *jid == 0 && gold != NULL)
			rc = gold(st, ctx, bs[i].id, bs[i].whole ? GOLD_ANY : GOLD_EVAL, jid, err);
	}
	free(bs);
	return rc < 0 ? rc : 0;
}

static int
claim_gold_step(struct bx_store *st, void *ctx, int64_t batch, int mode, int64_t *jid,
                struct bx_err *err)
{
	struct bx_st_claim_ctx *c = ctx;

	/* Recycling only by the draw (or in training): the rest of an
	 * evaluation pool is served once. */
	return claim_gold(st, c, batch, mode != GOLD_EVAL && c->recycle, mode, jid, err);
}

int
bx_st_claim_tx(struct bx_store *st, void *ctx, struct bx_err *err)
{
#define SWEEP_SQL(lock) \
	    "UPDATE judgments SET state = 'set_aside', lease_token = NULL, lease_until = NULL " \
	    "WHERE id IN (SELECT id FROM judgments " \
	    "  WHERE state = 'leased' AND lease_until < ?1 AND attempts >= ?2" lock ")"
	static const char sweep[] = SWEEP_SQL("");
	/* Claims run side by side on PostgreSQL: a row another claim holds is
	 * its to take or set aside. */
	static const char pg_sweep[] = SWEEP_SQL(" FOR UPDATE SKIP LOCKED");
#undef SWEEP_SQL
	/* ... and one user's claims run one at a time: "one judgment per
	 * labeler and task" and their own lease found first need to see the
	 * user's previous claim (two sessions of one user). */
	static const char pg_user_lock[] =
	    "SELECT pg_advisory_xact_lock(1, CAST(?1 % 2147483647 AS INTEGER))";
	static const char pg_due_lock[] =
	    "SELECT pg_advisory_xact_lock(7142365) FROM users "
	    "WHERE id = ?1 AND suspend_grace = 0";
	struct bx_st_claim_ctx *c = ctx;
	unsigned char raw[16];
	struct bx_dbst *s;
	long max_attempts, recycle;
	int rc, found, i, armed, pg = bx_db_kind(st->db) == BX_DB_PG;
	char qual[16] = "";
	int64_t jid = 0;

	if ((rc = queue_user(st, c->user, &c->uid, qual, sizeof qual, err)) < 0)
		return rc;
	if (pg) {
		if ((s = bx_st_prep(st, pg_user_lock, err)) == NULL)
			return err ? err->code : BX_EDB;
		bx_db_bind_int64(s, 1, c->uid);
		if ((rc = bx_st_exec(st, s, "lock the user's claims", err)) < 0)
			return rc;
		/* Claims share the writers' lock; a suspension due now writes
		 * what a submit would (held work, consensus), so it takes the
		 * lock whole first, as every other writer does. */
		if ((s = bx_st_prep(st, pg_due_lock, err)) == NULL)
			return err ? err->code : BX_EDB;
		bx_db_bind_int64(s, 1, c->uid);
		while ((rc = bx_st_step(st, s, "lock for a suspension", err)) == 1)
			;
		bx_db_reset(s);
		if (rc < 0)
			return rc;
	}
	/* A gold suspension takes effect here, a few submits after the gold
	 * that caused it (store-suspend.c): 2 commits it, then refuses. */
	if ((rc = bx_st_suspend_due(st, c->uid, c->now, 0, &armed, err)) != 0)
		return rc < 0 ? rc : 2;
	if ((rc = claim_own(st, c, 0, &found, err)) < 0 || found)
		return rc;

	if ((rc = setting_int(st, "max_attempts", 1, 1000000, &max_attempts, err)) < 0 ||
	    (rc = setting_int(st, "gold_recycle", 0, 1, &recycle, err)) < 0)
		return rc;
	c->recycle = (int)recycle;
	if ((s = bx_st_prep(st, pg ? pg_sweep : sweep, err)) == NULL)
		return err ? err->code : BX_EDB;
	bx_db_bind_int64(s, 1, c->now);
	bx_db_bind_int64(s, 2, max_attempts);
	if ((rc = bx_st_exec(st, s, "set aside", err)) < 0)
		return rc;

	bx_st_random(raw, sizeof raw);
	for (i = 0; i < 16; i++)
		snprintf(c->token + 2 * i, 3, "%02x", raw[i]);
	if ((rc = claim_own(st, c, 1, &found, err)) < 0 || found)
		return rc;
	if ((rc = queue_walk(st, c->uid, qual, claim_one, armed ? NULL : claim_gold_step, c, &jid,
	    err)) < 0)
		return rc;
	/* No ordinary work left to count an armed suspension down. */
	if (jid == 0 && armed &&
	    (rc = bx_st_suspend_due(st, c->uid, c->now, 1, &armed, err)) != 0)
		return rc < 0 ? rc : 2;
	if (jid == 0)
		return 1; /* empty: commit anyway, the sweep above must stick */
	if ((rc = drop_foreign_draft(st, jid, c->uid, err)) < 0 ||
	    (rc = claim_fill(st, c, jid, err)) < 0)
		return rc;
	return claim_event(st, c, "claim", err);
}

int
bx_queue_claim(struct bx_store *st, const char *user, int64_t lease_ms, int64_t now_ms,
               struct bx_claim *out, struct bx_err *err)
{
	struct bx_st_claim_ctx c;
	int rc;

	memset(out, 0, sizeof *out);
	if (user == NULL)
		return bx_err_set(err, BX_EPERM, "no user given");
	if (lease_ms <= 0)
		return bx_err_set(err, BX_EINVAL, "lease must be positive");
	memset(&c, 0, sizeof c);
	c.user = user;
	c.lease_ms = lease_ms;
	c.now = now_ms;
	c.out = out;
	rc = bx_st_write_claim(st, bx_st_claim_tx, &c, err);
	if (rc == 2)
		rc = bx_st_gold_suspended(user, err);
	if (rc == 1)
		rc = bx_err_set(err, BX_EEMPTY,
		    "no work for %s: every open task is leased, done, or already judged by %s",
		    user, user);
	if (rc < 0)
		bx_claim_free(out);
	return rc;
}

/* ---- the next claim, predicted (prefetch) ---- */

struct peek_ctx {
	int64_t uid, current, now;
	long max_attempts;
};

/* The peek's step of the queue walk: what claim_one would take, read only.
 * A lease at its attempt limit would be set aside by the claim's sweep, not
 * given, so it is skipped here. */
static int
peek_one(struct bx_store *st, void *ctx, int64_t batch, int gold, int64_t *jid,
         struct bx_err *err)
{
	static const char sql[] =
	    "SELECT j.id FROM judgments j "
	    "WHERE j.batch = ?2 AND j.state IN ('open','leased') "
	    "  AND ((j.state = 'open' AND j.labeler IS NULL) "
	    "       OR (j.lease_until < ?3 AND j.attempts < ?5)) "
	    "  AND j.gold = ?4 AND j.id <> ?6 AND j.id >= ?7 "
	    "  AND NOT EXISTS (SELECT 1 FROM judgments m WHERE m.task = j.task AND m.labeler = ?1) "
	    "ORDER BY j.id LIMIT 1";
	struct peek_ctx *c = ctx;
	struct bx_dbst *s;
	int64_t start;
	int rc = 0, pass, random;

	if ((rc = serve_start(st, c->uid, batch, gold, &start, &random, err)) < 0)
		return rc;
	for (pass = 0; pass < 2 && *jid == 0 && rc >= 0; pass++) {
		if ((s = bx_st_prep(st, sql, err)) == NULL)
			return err ? err->code : BX_EDB;
		bx_db_bind_int64(s, 1, c->uid);
		bx_db_bind_int64(s, 2, batch);
		bx_db_bind_int64(s, 3, c->now);
		bx_db_bind_int(s, 4, gold);
		bx_db_bind_int64(s, 5, c->max_attempts);
		bx_db_bind_int64(s, 6, c->current);
		bx_db_bind_int64(s, 7, pass == 0 ? start : 0);
		rc = bx_st_step(st, s, "peek claim", err);
		if (rc == 1)
			*jid = bx_db_col_int64(s, 0);
		bx_db_reset(s);
	}
	return rc < 0 ? rc : 0;
}

struct peek_rx_ctx {
	const char *user;
	struct peek_ctx p;
	char *image;
	int w, h;
};

static int
peek_rx(struct bx_store *st, void *ctx, struct bx_err *err)
{
	/* The user's other live lease comes first, then work a reviewer
	 * returned to them, as claim_own takes them. */
	static const char lsql[] =
	    "SELECT id FROM judgments WHERE labeler = ?1 AND state IN ('leased','open') "
	    "  AND id <> ?2 ORDER BY state = 'open', id LIMIT 1";
	static const char isql[] =
	    "SELECT t.image, t.width, t.height FROM judgments j JOIN tasks t ON t.id = j.task "
	    "WHERE j.id = ?1";
	struct peek_rx_ctx *c = ctx;
	struct bx_err quiet = { 0 };
	char qual[16] = "";
	struct bx_dbst *s;
	int64_t jid = 0;
	int rc;

	/* A user who may not claim has no next task: nothing to predict. */
	if (queue_user(st, c->user, &c->p.uid, qual, sizeof qual, &quiet) < 0)
		return quiet.code == BX_EPERM ? 0 : bx_err_set(err, quiet.code, "%s", quiet.msg);
	if ((s = bx_st_prep(st, lsql, err)) == NULL)
		return err ? err->code : BX_EDB;
	bx_db_bind_int64(s, 1, c->p.uid);
	bx_db_bind_int64(s, 2, c->p.current);
	rc = bx_st_step(st, s, "peek lease", err);
	if (rc == 1)
		jid = bx_db_col_int64(s, 0);
	bx_db_reset(s);
	if (rc < 0)
		return rc;
	if (jid == 0) {
		if ((rc = setting_int(st, "max_attempts", 1, 1000000, &c->p.max_attempts, err)) < 0 ||
		    (rc = queue_walk(st, c->p.uid, qual, peek_one, NULL, &c->p, &jid, err)) < 0)
			return rc;
	}
	if (jid == 0)
		return 0;
	if ((s = bx_st_prep(st, isql, err)) == NULL)
		return err ? err->code : BX_EDB;
	bx_db_bind_int64(s, 1, jid);
	rc = bx_st_step(st, s, "peek task", err);
	if (rc == 1) {
		c->image = bx_st_col_dup(s, 0);
		c->w = bx_db_col_int(s, 1);
		c->h = bx_db_col_int(s, 2);
	}
	bx_db_reset(s);
	return rc < 0 ? rc : 0;
}

int
bx_queue_peek_next(struct bx_store *st, const char *user, int64_t current, int64_t now_ms,
                   char **image_out, int *width_out, int *height_out, struct bx_err *err)
{
	struct peek_rx_ctx c;
	int rc;

	*image_out = NULL;
	if (user == NULL)
		return bx_err_set(err, BX_EPERM, "no user given");
	memset(&c, 0, sizeof c);
	c.user = user;
	c.p.current = current;
	c.p.now = now_ms;
	rc = bx_st_read(st, peek_rx, &c, err);
	if (rc < 0) {
		free(c.image);
		return rc;
	}
	if (c.image == NULL)
		return bx_err_set(err, BX_EEMPTY, "no next task for %s", user);
	*image_out = c.image;
	if (width_out)
		*width_out = c.w;
	if (height_out)
		*height_out = c.h;
	return 0;
}
