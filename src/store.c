/* store.c: the project's SQLite file: opening, pragmas, the schema and its
 * forward migrations, the statement cache, write transactions with busy
 * back-off (all SQL through db.h), and the simple tables (settings, users, tasks, task answers,
 * gold, events). The queue lives in store-queue.c, batches/stats/export in
 * store-batch.c. Times are ms since the epoch, always passed in. */
#include <errno.h>
#include <fcntl.h>
#include <malloc.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <sys/random.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "boxel/codec.h"
#include "boxel/formats.h"
#include "boxel/util.h"
#include "store-int.h"

/* Migration i takes user_version i to i+1. Add a version: append one entry;
 * never edit a released one. */
static const char *const migrations[] = {
	/* 0 -> 1: the initial schema. */
	"CREATE TABLE settings(\n"
	"  key TEXT PRIMARY KEY,\n"
	"  value TEXT NOT NULL) STRICT;\n"
	"CREATE TABLE users(\n"
	"  id INTEGER PRIMARY KEY,\n"
	"  name TEXT NOT NULL UNIQUE,\n"
	"  role TEXT NOT NULL CHECK (role IN ('annotator','reviewer','admin')),\n"
	"  active INTEGER NOT NULL DEFAULT 1 CHECK (active IN (0,1)),\n"
	"  qual TEXT NOT NULL DEFAULT 'training'\n"
	"    CHECK (qual IN ('training','qualified','suspended')),\n"
	"  created_ms INTEGER NOT NULL) STRICT;\n"
	"CREATE TABLE tasks(\n"
	"  id INTEGER PRIMARY KEY,\n"
	"  image TEXT NOT NULL UNIQUE,\n"
	"  width INTEGER NOT NULL CHECK (width > 0),\n"
	"  height INTEGER NOT NULL CHECK (height > 0),\n"
	"  hash TEXT,\n"
	"  meta TEXT CHECK (meta IS NULL OR json_valid(meta)),\n"
	"  created_ms INTEGER NOT NULL) STRICT;\n"
	"CREATE TABLE batches(\n"
	"  id INTEGER PRIMARY KEY,\n"
	"  name TEXT NOT NULL UNIQUE,\n"
	"  kind TEXT NOT NULL CHECK (kind IN ('self','calibration','production','training')),\n"
	"  overlap INTEGER NOT NULL CHECK (overlap >= 1),\n"
	"  gold_rate REAL NOT NULL DEFAULT 0 CHECK (gold_rate >= 0 AND gold_rate <= 1),\n"
	"  priority INTEGER NOT NULL DEFAULT 0,\n"
	"  created_ms INTEGER NOT NULL) STRICT;\n"
	"CREATE TABLE batch_tasks(\n"
	"  batch INTEGER NOT NULL REFERENCES batches(id),\n"
	"  task INTEGER NOT NULL REFERENCES tasks(id),\n"
	"  PRIMARY KEY (batch, task)) STRICT, WITHOUT ROWID;\n"
	"CREATE INDEX batch_tasks_task ON batch_tasks(task);\n"
	"CREATE TABLE judgments(\n"
	"  id INTEGER PRIMARY KEY,\n"
	"  task INTEGER NOT NULL REFERENCES tasks(id),\n"
	"  batch INTEGER NOT NULL REFERENCES batches(id),\n"
	"  replica INTEGER NOT NULL CHECK (replica >= 0),\n"
	"  state TEXT NOT NULL DEFAULT 'open' CHECK (state IN\n"
	"    ('open','leased','submitted','skipped','set_aside','accepted','rejected')),\n"
	"  labeler INTEGER REFERENCES users(id),\n"
	"  lease_token TEXT,\n"
	"  lease_until INTEGER,\n"
	"  attempts INTEGER NOT NULL DEFAULT 0,\n"
	"  answer TEXT CHECK (answer IS NULL OR json_valid(answer)),\n"
	"  seconds REAL,\n"
	"  claimed_ms INTEGER,\n"
	"  submitted_ms INTEGER,\n"
	"  UNIQUE (task, batch, replica)) STRICT;\n"
	/* The claim's subquery walks this in id order per batch; the literal
	 * state IN (...) in the query is what lets SQLite pick it. */
	"CREATE INDEX judgments_claim ON judgments(batch, id) WHERE state IN ('open','leased');\n"
	"CREATE INDEX judgments_leased ON judgments(lease_until) WHERE state = 'leased';\n"
	"CREATE INDEX judgments_labeler ON judgments(labeler, batch);\n"
	"CREATE TABLE drafts(\n"
	"  judgment INTEGER PRIMARY KEY REFERENCES judgments(id),\n"
	"  labeler INTEGER REFERENCES users(id),\n"
	"  state TEXT NOT NULL,\n"
	"  updated_ms INTEGER NOT NULL) STRICT;\n"
	"CREATE TABLE journal(\n"
	"  judgment INTEGER NOT NULL REFERENCES judgments(id),\n"
	"  seq INTEGER NOT NULL CHECK (seq >= 1),\n"
	"  entry TEXT NOT NULL,\n"
	"  PRIMARY KEY (judgment, seq)) STRICT, WITHOUT ROWID;\n"
	"CREATE TABLE annotations(\n"
	"  judgment INTEGER NOT NULL REFERENCES judgments(id),\n"
	"  idx INTEGER NOT NULL,\n"
	"  geom TEXT NOT NULL CHECK (geom IN ('box','polygon','point','tag')),\n"
	"  class TEXT NOT NULL,\n"
	"  x REAL, y REAL, w REAL, h REAL,\n"
	"  points TEXT,\n"
	"  attributes TEXT,\n"
	"  PRIMARY KEY (judgment, idx)) STRICT, WITHOUT ROWID;\n"
	"CREATE INDEX annotations_class ON annotations(class);\n"
	"CREATE TABLE task_answers(\n"
	"  task INTEGER NOT NULL REFERENCES tasks(id),\n"
	"  kind TEXT NOT NULL CHECK (kind IN ('prelabel','suggestion','consensus')),\n"
	"  answer TEXT NOT NULL CHECK (json_valid(answer)),\n"
	"  PRIMARY KEY (task, kind)) STRICT, WITHOUT ROWID;\n"
	"CREATE TABLE gold(\n"
	"  task INTEGER PRIMARY KEY REFERENCES tasks(id),\n"
	"  answer TEXT NOT NULL CHECK (json_valid(answer))) STRICT;\n"
	"CREATE TABLE reviews(\n"
	"  id INTEGER PRIMARY KEY,\n"
	"  judgment INTEGER NOT NULL REFERENCES judgments(id),\n"
	"  reviewer INTEGER NOT NULL REFERENCES users(id),\n"
	"  verdict TEXT NOT NULL CHECK (verdict IN ('accept','reject','fix')),\n"
	"  comment TEXT,\n"
	"  answer TEXT CHECK (answer IS NULL OR json_valid(answer)),\n"
	"  created_ms INTEGER NOT NULL) STRICT;\n"
	"CREATE INDEX reviews_judgment ON reviews(judgment);\n"
	"CREATE TABLE events(\n"
	"  id INTEGER PRIMARY KEY,\n"
	"  ms INTEGER NOT NULL,\n"
	"  actor TEXT,\n"
	"  what TEXT NOT NULL,\n"
	"  detail TEXT CHECK (detail IS NULL OR json_valid(detail))) STRICT;\n"
	"CREATE TRIGGER events_no_update BEFORE UPDATE ON events\n"
	"  BEGIN SELECT RAISE(ABORT, 'the event log is append-only'); END;\n"
	"CREATE TRIGGER events_no_delete BEFORE DELETE ON events\n"
	"  BEGIN SELECT RAISE(ABORT, 'the event log is append-only'); END;\n",
	/* 1 -> 2: a batch's task count, fixed at creation, so a claim does not
	 * count batch_tasks (O(batch size)) for its "position of total". */
	"ALTER TABLE batches ADD COLUMN ntasks INTEGER NOT NULL DEFAULT 0;\n"
	"UPDATE batches SET ntasks = (SELECT count(*) FROM batch_tasks bt\n"
	"                             WHERE bt.batch = batches.id);\n",
	/* 2 -> 3: the claim's "not already judged by this labeler" test looks
	 * up (labeler, task); with only (labeler, batch) it walked every
	 * judgment of the labeler for each candidate. */
	"CREATE INDEX judgments_labeler_task ON judgments(labeler, task);\n",
	/* 3 -> 4: judgments.gold mirrors "the task has a gold answer" (kept by
	 * triggers, whoever writes gold or judgments), so a claim that wants a
	 * gold (or ordinary) task seeks it in the claim index instead of
	 * testing every open judgment of the batch. */
	"ALTER TABLE judgments ADD COLUMN gold INTEGER NOT NULL DEFAULT 0\n"
	"  CHECK (gold IN (0,1));\n"
	"UPDATE judgments SET gold = 1 WHERE task IN (SELECT task FROM gold);\n"
	"DROP INDEX judgments_claim;\n"
	"CREATE INDEX judgments_claim ON judgments(batch, gold, id)\n"
	"  WHERE state IN ('open','leased');\n"
	"CREATE TRIGGER gold_added AFTER INSERT ON gold\n"
	"  BEGIN UPDATE judgments SET gold = 1 WHERE task = NEW.task; END;\n"
	"CREATE TRIGGER gold_removed AFTER DELETE ON gold\n"
	"  BEGIN UPDATE judgments SET gold = 0 WHERE task = OLD.task; END;\n"
	"CREATE TRIGGER judgment_gold AFTER INSERT ON judgments\n"
	"  WHEN EXISTS (SELECT 1 FROM gold WHERE task = NEW.task)\n"
	"  BEGIN UPDATE judgments SET gold = 1 WHERE id = NEW.id; END;\n",
	/* 4 -> 5: quality. A gold judgment's score (counts, summable over a
	 * labeler's window); a task's consensus agreement per batch; and where
	 * a labeler's window starts (the last gold_scores id before their
	 * reinstatement). */
	"CREATE TABLE gold_scores(\n"
	"  id INTEGER PRIMARY KEY,\n"
	"  judgment INTEGER NOT NULL UNIQUE REFERENCES judgments(id),\n"
	"  task INTEGER NOT NULL REFERENCES tasks(id),\n"
	"  labeler INTEGER NOT NULL REFERENCES users(id),\n"
	"  batch INTEGER NOT NULL REFERENCES batches(id),\n"
	"  batch_kind TEXT NOT NULL,\n"
	"  ms INTEGER NOT NULL,\n"
	"  tp INTEGER NOT NULL, mismatch INTEGER NOT NULL,\n"
	"  fp INTEGER NOT NULL, fn INTEGER NOT NULL,\n"
	"  iou_n INTEGER NOT NULL, iou_sum REAL NOT NULL,\n"
	"  tag_right INTEGER NOT NULL, tag_wrong INTEGER NOT NULL) STRICT;\n"
	"CREATE INDEX gold_scores_labeler ON gold_scores(labeler, id);\n"
	"CREATE TABLE task_consensus(\n"
	"  task INTEGER NOT NULL REFERENCES tasks(id),\n"
	"  batch INTEGER NOT NULL REFERENCES batches(id),\n"
	"  njudgments INTEGER NOT NULL,\n"
	"  agreement REAL NOT NULL,\n"
	"  geom_f1_sum REAL NOT NULL, geom_pairs INTEGER NOT NULL,\n"
	"  needs_review INTEGER NOT NULL CHECK (needs_review IN (0,1)),\n"
	"  ms INTEGER NOT NULL,\n"
	"  PRIMARY KEY (task, batch)) STRICT, WITHOUT ROWID;\n"
	"ALTER TABLE users ADD COLUMN gold_since INTEGER NOT NULL DEFAULT 0;\n",
	/* 5 -> 6: a user's SSH public key ("TYPE BASE64", checked by the CLI),
	 * from which `boxel user authorized-keys` writes the forced-command
	 * lines. Unique: the key is the identity, one key names one user. */
	"ALTER TABLE users ADD COLUMN ssh_key TEXT;\n"
	"CREATE UNIQUE INDEX users_ssh_key ON users(ssh_key) WHERE ssh_key IS NOT NULL;\n",
	/* 6 -> 7: gold is served per labeler in production batches (see
	 * store-queue.c): a gold judgment is created by the claim for its
	 * labeler, so it never uses up a task's overlap. A gold task's
	 * unowned open judgment in such a batch (what batch creation, a skip,
	 * a release or a suspension would leave) is therefore removed as soon
	 * as it appears, with its draft. Training, calibration and self
	 * batches keep gold inside the overlap: everyone judging the same
	 * tasks is their point. */
	"DELETE FROM journal WHERE judgment IN (SELECT j.id FROM judgments j\n"
	"  JOIN batches b ON b.id = j.batch WHERE j.gold = 1 AND j.state = 'open'\n"
	"  AND j.labeler IS NULL AND b.kind = 'production');\n"
	"DELETE FROM drafts WHERE judgment IN (SELECT j.id FROM judgments j\n"
	"  JOIN batches b ON b.id = j.batch WHERE j.gold = 1 AND j.state = 'open'\n"
	"  AND j.labeler IS NULL AND b.kind = 'production');\n"
	"DELETE FROM judgments WHERE gold = 1 AND state = 'open' AND labeler IS NULL\n"
	"  AND batch IN (SELECT id FROM batches WHERE kind = 'production');\n"
	"CREATE TRIGGER gold_pool_insert AFTER INSERT ON judgments\n"
	"  WHEN NEW.state = 'open' AND NEW.labeler IS NULL\n"
	"   AND EXISTS (SELECT 1 FROM gold WHERE task = NEW.task)\n"
	"   AND (SELECT kind FROM batches WHERE id = NEW.batch) = 'production'\n"
	"  BEGIN DELETE FROM judgments WHERE id = NEW.id; END;\n"
	"CREATE TRIGGER gold_pool_unowned AFTER UPDATE OF labeler, state ON judgments\n"
	"  WHEN NEW.state = 'open' AND NEW.labeler IS NULL AND NEW.gold = 1\n"
	"   AND (SELECT kind FROM batches WHERE id = NEW.batch) = 'production'\n"
	"  BEGIN DELETE FROM journal WHERE judgment = NEW.id;\n"
	"        DELETE FROM drafts WHERE judgment = NEW.id;\n"
	"        DELETE FROM judgments WHERE id = NEW.id; END;\n"
	"CREATE TRIGGER gold_pool_added AFTER INSERT ON gold\n"
	"  BEGIN DELETE FROM journal WHERE judgment IN (SELECT j.id FROM judgments j\n"
	"          JOIN batches b ON b.id = j.batch WHERE j.task = NEW.task\n"
	"          AND j.state = 'open' AND j.labeler IS NULL AND b.kind = 'production');\n"
	"        DELETE FROM drafts WHERE judgment IN (SELECT j.id FROM judgments j\n"
	"          JOIN batches b ON b.id = j.batch WHERE j.task = NEW.task\n"
	"          AND j.state = 'open' AND j.labeler IS NULL AND b.kind = 'production');\n"
	"        DELETE FROM judgments WHERE task = NEW.task AND state = 'open'\n"
	"          AND labeler IS NULL\n"
	"          AND batch IN (SELECT id FROM batches WHERE kind = 'production'); END;\n"
	/* ... and the rules for everyone: why a labeler is suspended ('gold'
	 * or 'admin') and what they were before (a lifted gold suspension
	 * returns there); an admin's pause (no work, not a quality state);
	 * the settings these rules read (rows, so config get/list see them). */
	"ALTER TABLE users ADD COLUMN suspended_by TEXT\n"
	"  CHECK (suspended_by IS NULL OR suspended_by IN ('gold','admin'));\n"
	"ALTER TABLE users ADD COLUMN suspended_from TEXT\n"
	"  CHECK (suspended_from IS NULL OR suspended_from IN ('training','qualified'));\n"
	"ALTER TABLE users ADD COLUMN paused INTEGER NOT NULL DEFAULT 0 CHECK (paused IN (0,1));\n"
	/* held: submitted work of a labeler who was suspended, kept out of
	 * consensus and export until a reviewer rules on it (on_suspend). */
	"ALTER TABLE judgments ADD COLUMN held INTEGER NOT NULL DEFAULT 0 CHECK (held IN (0,1));\n"
	"INSERT INTO settings(key, value) VALUES ('gold_recycle', '0'), ('gold_min', '10'),\n"
	"  ('compare_attributes', 'all'), ('on_suspend', 'review'), ('max_overlap', '0')\n"
	"  ON CONFLICT(key) DO NOTHING;\n",
	/* 7 -> 8: annotations.geom no longer lists the kinds. Which names
	 * exist is the geometry table's business (src/geom-table.c), checked
	 * before a row is written, so adding a kind needs no migration. SQLite
	 * cannot drop a CHECK in place: rebuild the table. */
	"CREATE TABLE annotations_new(\n"
	"  judgment INTEGER NOT NULL REFERENCES judgments(id),\n"
	"  idx INTEGER NOT NULL,\n"
	"  geom TEXT NOT NULL CHECK (length(geom) > 0),\n"
	"  class TEXT NOT NULL,\n"
	"  x REAL, y REAL, w REAL, h REAL,\n"
	"  points TEXT,\n"
	"  attributes TEXT,\n"
	"  PRIMARY KEY (judgment, idx)) STRICT, WITHOUT ROWID;\n"
	"INSERT INTO annotations_new SELECT judgment, idx, geom, class, x, y, w, h, points,\n"
	"  attributes FROM annotations;\n"
	"DROP TABLE annotations;\n"
	"ALTER TABLE annotations_new RENAME TO annotations;\n"
	"CREATE INDEX annotations_class ON annotations(class);\n",
	/* 8 -> 9: gold is per labeler in every batch kind, as in production
	 * since 6 -> 7 (store-queue.c says why), so the triggers lose their
	 * kind test; serve_key, the secret of the serving order (random
	 * per project, never shown to annotators), serve_order, and how
	 * consensus counts class votes (aggregation). */
	"DROP TRIGGER gold_pool_insert;\n"
	"DROP TRIGGER gold_pool_unowned;\n"
	"DROP TRIGGER gold_pool_added;\n"
	"DELETE FROM journal WHERE judgment IN (SELECT id FROM judgments\n"
	"  WHERE gold = 1 AND state = 'open' AND labeler IS NULL);\n"
	"DELETE FROM drafts WHERE judgment IN (SELECT id FROM judgments\n"
	"  WHERE gold = 1 AND state = 'open' AND labeler IS NULL);\n"
	"DELETE FROM judgments WHERE gold = 1 AND state = 'open' AND labeler IS NULL;\n"
	"CREATE TRIGGER gold_pool_insert AFTER INSERT ON judgments\n"
	"  WHEN NEW.state = 'open' AND NEW.labeler IS NULL\n"
	"   AND EXISTS (SELECT 1 FROM gold WHERE task = NEW.task)\n"
	"  BEGIN DELETE FROM judgments WHERE id = NEW.id; END;\n"
	"CREATE TRIGGER gold_pool_unowned AFTER UPDATE OF labeler, state ON judgments\n"
	"  WHEN NEW.state = 'open' AND NEW.labeler IS NULL AND NEW.gold = 1\n"
	"  BEGIN DELETE FROM journal WHERE judgment = NEW.id;\n"
	"        DELETE FROM drafts WHERE judgment = NEW.id;\n"
	"        DELETE FROM judgments WHERE id = NEW.id; END;\n"
	"CREATE TRIGGER gold_pool_added AFTER INSERT ON gold\n"
	"  BEGIN DELETE FROM journal WHERE judgment IN (SELECT id FROM judgments\n"
	"          WHERE task = NEW.task AND state = 'open' AND labeler IS NULL);\n"
	"        DELETE FROM drafts WHERE judgment IN (SELECT id FROM judgments\n"
	"          WHERE task = NEW.task AND state = 'open' AND labeler IS NULL);\n"
	"        DELETE FROM judgments WHERE task = NEW.task AND state = 'open'\n"
	"          AND labeler IS NULL; END;\n"
	/* retired: out of the pool (boxel gold retire), its scores kept. */
	"ALTER TABLE gold ADD COLUMN retired INTEGER NOT NULL DEFAULT 0 CHECK (retired IN (0,1));\n"
	"INSERT INTO settings(key, value) VALUES ('serve_key', lower(hex(randomblob(8)))),\n"
	"  ('serve_order', 'random'), ('aggregation', 'weighted')\n"
	"  ON CONFLICT(key) DO NOTHING;\n",
	/* 9 -> 10: a gold suspension armed, with the ordinary submits left
	 * before it takes effect (store-suspend.c: the claim right after the
	 * gold submit would otherwise name that task as gold). */
	"ALTER TABLE users ADD COLUMN suspend_grace INTEGER CHECK (suspend_grace >= 0);\n",
	/* 10 -> 11: Dawid-Skene's answers survive a later merge of their task
	 * (store-consensus.c): each task's answer with the fingerprint of the
	 * judgments and settings it came from, applied while that holds; and
	 * how each stored consensus was chosen ('vote': per task, which makes
	 * the batch's Dawid-Skene result stale). */
	"CREATE TABLE ds_answers(\n"
	"  task INTEGER NOT NULL REFERENCES tasks(id),\n"
	"  batch INTEGER NOT NULL REFERENCES batches(id),\n"
	"  fp TEXT NOT NULL,\n"
	"  answer TEXT NOT NULL,\n"
	"  PRIMARY KEY (task, batch)) STRICT, WITHOUT ROWID;\n"
	"ALTER TABLE task_consensus ADD COLUMN method TEXT NOT NULL DEFAULT 'vote'\n"
	"  CHECK (method IN ('vote','dawid-skene'));\n",
	/* 11 -> 12: how hard a commit waits for the disk (store_sync below);
	 * a labeler's own lease or returned work found without reading all
	 * their judgments (each claim asks twice, store-queue.c claim_own:
	 * 1.7 ms a question at 10,000 judgments, 0.01 with the index). */
	"INSERT INTO settings(key, value) VALUES ('synchronous', 'full')\n"
	"  ON CONFLICT(key) DO NOTHING;\n"
	"CREATE INDEX judgments_own ON judgments(labeler, state, id);\n",
};

#define SCHEMA_VERSION ((int)BX_ARRAY_LEN(migrations))

int bx_st_schema_limit;

void
bx_st_random(void *buf, size_t n)
{
	bx_random(buf, n);
}

/* Every message names the store file: an admin with three projects open
 * must know which one is locked, read-only or damaged. */
int
bx_st_fail(struct bx_store *st, int rc, const char *what, struct bx_err *err)
{
	st->last_fail = rc;
	if (rc == -BX_DBE_LOST)
		return bx_err_set(err, BX_EDB, "%s: %s: the connection to the database server was "
		    "lost (%s); try again", st->path, what, bx_db_errmsg(st->db));
	if (rc == -BX_DBE_SERIAL)
		return bx_err_set(err, BX_EBUSY, "%s: %s: conflicting with other sessions' writes "
		    "(%s); try again", st->path, what, bx_db_errmsg(st->db));
	if (rc == -BX_DBE_BUSY)
		return bx_err_set(err, BX_EBUSY,
		    "%s: %s: the database stayed locked (other sessions are writing); try again",
		    st->path, what);
	if (rc == -BX_DBE_CONSTRAINT)
		return bx_err_set(err, BX_EINVAL, "%s: %s", what, bx_db_errmsg(st->db));
	if (rc == -BX_DBE_READONLY)
		return bx_err_set(err, BX_EPERM, "%s: %s: the store is read-only here (check the "
		    "permissions of the file and its directory)", st->path, what);
	return bx_err_set(err, BX_EDB, "%s: %s: %s", st->path, what, bx_db_errmsg(st->db));
}

struct bx_dbst *
bx_st_prep(struct bx_store *st, const char *sql, struct bx_err *err)
{
	struct bx_dbst *s;
	int i, rc;

	for (i = 0; i < st->ncache; i++)
		if (st->cache[i].sql == sql) {
			bx_db_clear(st->cache[i].stmt);
			return st->cache[i].stmt;
		}
	rc = bx_db_prepare(st->db, sql, &s);
	if (rc < 0) {
		bx_st_fail(st, rc, "prepare", err);
		return NULL;
	}
	if (st->ncache == st->capcache) {
		st->capcache = st->capcache ? 2 * st->capcache : 64;
		st->cache = bx_realloc(st->cache, (size_t)st->capcache * sizeof *st->cache);
	}
	st->cache[st->ncache].sql = sql;
	st->cache[st->ncache].stmt = s;
	st->ncache++;
	return s;
}

int
bx_st_step(struct bx_store *st, struct bx_dbst *s, const char *what, struct bx_err *err)
{
	int rc = bx_db_step(s);

	if (rc >= 0)
		return rc;
	rc = bx_st_fail(st, rc, what, err);
	bx_db_reset(s);
	return rc;
}

int
bx_st_insert_id(struct bx_store *st, struct bx_dbst *s, const char *what, int64_t *id_out,
                struct bx_err *err)
{
	int rc = bx_st_step(st, s, what, err);

	if (rc < 0)
		return rc;
	if (rc == 1)
		*id_out = bx_db_col_int64(s, 0);
	/* Step past the row: the insert is not finished until the statement
	 * has run to its end. */
	while ((rc == 1) && bx_db_step(s) == 1)
		;
	bx_db_reset(s);
	return rc;
}

int
bx_st_exec(struct bx_store *st, struct bx_dbst *s, const char *what, struct bx_err *err)
{
	int rc;

	while ((rc = bx_db_step(s)) == 1)
		;
	if (rc < 0) {
		rc = bx_st_fail(st, rc, what, err);
		bx_db_reset(s);
		return rc;
	}
	bx_db_reset(s);
	return 0;
}

char *
bx_st_col_dup(struct bx_dbst *s, int col)
{
	const char *t = bx_db_col_text(s, col);

	return t == NULL ? NULL : bx_strdup(t);
}

void
bx_st_json_str(struct bx_buf *b, const char *s)
{
	bx_json_put_str(b, s); /* one JSON string writer: its escapes hold here too */
}

/* Random back-off for a locked database: a uniform sleep in [250 us,
 * 250 us + cap] with the cap doubling per retry from 1 ms up to
 * BX_BACKOFF_CAP_US, so many writers spread out instead of waking together.
 * Much shorter sleeps make 32 pollers on 2 cores steal the CPU from the
 * lock holder; much longer ones leave the lock idle. Returns 0 once the
 * budget is spent. */
static int
backoff(struct bx_store *st, int attempt)
{
	unsigned int r;
	long cap = 1000L << (attempt < 5 ? attempt : 5), us;
	struct timespec ts;

	if (cap > BX_BACKOFF_CAP_US)
		cap = BX_BACKOFF_CAP_US;
	if (st->busy_slept_us >= (long)BX_BUSY_BUDGET_MS * 1000)
		return 0;
	bx_st_random(&r, sizeof r);
	us = 250 + (long)(r % (unsigned)cap);
	st->busy_slept_us += us;
	/* Tell a waiting screen, from 300 ms on, about once a second. */
	if (st->wait_fn != NULL && st->busy_slept_us >= 300000 &&
	    (st->wait_told_us == 0 || st->busy_slept_us - st->wait_told_us >= 1000000)) {
		st->wait_told_us = st->busy_slept_us;
		st->wait_fn(st->wait_ctx, st->busy_slept_us / 1000);
	}
	ts.tv_sec = us / 1000000;
	ts.tv_nsec = (us % 1000000) * 1000L;
	nanosleep(&ts, NULL);
	return 1;
}

static int
busy_handler(void *arg, int count)
{
	return backoff(arg, count);
}

static int
exec_sql(struct bx_store *st, const char *sql, const char *what, struct bx_err *err)
{
	int rc = bx_db_exec(st->db, sql);

	return rc == 0 ? 0 : bx_st_fail(st, rc, what, err);
}

static int
write_tx(struct bx_store *st, enum bx_db_tx kind,
         int (*fn)(struct bx_store *, void *, struct bx_err *), void *ctx, struct bx_err *err)
{
	int rc, attempt = 0, lost = 0;

again:
	for (;;) {
		rc = bx_db_begin(st->db, kind);
		if (rc == 0)
			break;
		if (rc != -BX_DBE_BUSY)
			return bx_st_fail(st, rc, "begin", err);
		/* The busy handler already waited; this covers the cases it is
		 * not called for (e.g. a WAL being recovered). */
		if (!backoff(st, attempt++))
			return bx_st_fail(st, rc, "begin", err);
	}
	st->last_fail = 0;
	rc = fn(st, ctx, err);
	if (rc < 0) {
		bx_db_rollback(st->db);
		/* On a server (db-pg.c) the transaction is gone whole: redo it
		 * after a serialization failure (bounded by the busy budget),
		 * or once on a fresh connection after losing the old one. */
		if (st->last_fail == -BX_DBE_SERIAL && backoff(st, attempt++))
			goto again;
		if (st->last_fail == -BX_DBE_LOST && !lost++)
			goto again;
		return rc;
	}
	for (;;) {
		int c = bx_db_commit(st->db), synced;
		if (c == 0)
			return rc;
		if (c == -BX_DBE_BUSY && backoff(st, attempt++))
			continue;
		if (c == -BX_DBE_SERIAL && backoff(st, attempt++))
			goto again;
		/* A failed sync after the commit frame was written leaves the
		 * whole transaction in the WAL: the next open may recover it
		 * (tests/fault/faults.sh finds this with a disk that keeps
		 * failing). Say so rather than promise that nothing changed. */
		synced = c != -BX_DBE_FSYNC && c != -BX_DBE_LOST;
		c = bx_st_fail(st, c, "commit", err);
		if (!synced && err != NULL) {
			size_t l = strlen(err->msg);
			snprintf(err->msg + l, sizeof err->msg - l,
			    " (the change may have been saved all the same: check before redoing it)");
		}
		bx_db_rollback(st->db);
		return c;
	}
}

int
bx_st_write_here(struct bx_store *st, enum bx_db_tx kind,
                 int (*fn)(struct bx_store *, void *, struct bx_err *), void *ctx,
                 struct bx_err *err)
{
	int rc;

	st->busy_slept_us = 0;
	st->wait_told_us = 0;
	if (st->readonly)
		return bx_err_set(err, BX_EPERM, "%s: opened read-only for this command", st->path);
	if (st->gate != NULL) {
		rc = bx_gate_lock_notify(st->gate, BX_BUSY_BUDGET_MS, st->wait_fn, st->wait_ctx);
		if (rc == 1)
			return bx_err_set(err, BX_EBUSY,
			    "the database stayed locked for %d s (another boxel session is "
			    "stuck writing); try again", BX_BUSY_BUDGET_MS / 1000);
		if (rc == 2) {
			bx_gate_close(st->gate);
			st->gate = NULL;
		}
	}
	rc = write_tx(st, kind, fn, ctx, err);
	if (st->gate != NULL)
		bx_gate_unlock(st->gate);
	return rc;
}

static int
write_kind(struct bx_store *st, enum bx_db_tx kind,
           int (*fn)(struct bx_store *, void *, struct bx_err *), void *ctx, struct bx_err *err)
{
	if (st->yield != NULL)
		return bx_st_yield_write(st, kind, fn, ctx, err);
	return bx_st_write_here(st, kind, fn, ctx, err);
}

int
bx_st_write(struct bx_store *st, int (*fn)(struct bx_store *, void *, struct bx_err *),
            void *ctx, struct bx_err *err)
{
	return write_kind(st, BX_DB_TX_WRITE, fn, ctx, err);
}

int
bx_st_write_claim(struct bx_store *st, int (*fn)(struct bx_store *, void *, struct bx_err *),
                  void *ctx, struct bx_err *err)
{
	return write_kind(st, BX_DB_TX_CLAIM, fn, ctx, err);
}

int
bx_st_read(struct bx_store *st, int (*fn)(struct bx_store *, void *, struct bx_err *),
           void *ctx, struct bx_err *err)
{
	int rc;

	st->busy_slept_us = 0;
	rc = bx_db_begin(st->db, BX_DB_TX_READ);
	if (rc < 0)
		return bx_st_fail(st, rc, "begin", err);
	rc = fn(st, ctx, err);
	if (rc < 0)
		bx_db_rollback(st->db);
	else
		bx_db_commit(st->db);
	return rc;
}

static int
user_version(struct bx_store *st, int *v, struct bx_err *err)
{
	struct bx_dbst *s;
	int rc;

	rc = bx_db_prepare(st->db, "PRAGMA user_version", &s);
	if (rc < 0)
		return bx_st_fail(st, rc, "read schema version", err);
	rc = bx_db_step(s);
	*v = rc == 1 ? bx_db_col_int(s, 0) : 0;
	bx_db_finalize(s);
	return rc == 1 ? 0 : bx_st_fail(st, rc < 0 ? rc : -BX_DBE_OTHER, "read schema version",
	    err);
}

/* user_version is any 32-bit integer a hand or a bad tool may write;
 * migrations[v] must never see one below 0. */
static int
bad_version(struct bx_store *st, int v, struct bx_err *err)
{
	return bx_err_set(err, BX_EINVAL, "%s: schema version %d is not one boxel ever wrote "
	    "(damaged store? restore a backup)", st->path, v);
}

static int
migrate_tx(struct bx_store *st, void *ctx, struct bx_err *err)
{
	int v, rc, target;
	char pragma[64];
	(void)ctx;

	/* Read the version inside the write lock: two sessions opening a new
	 * store at once must not both run migration 0. */
	if ((rc = user_version(st, &v, err)) < 0)
		return rc;
	if (v < 0) /* checked at open too; a writer may have changed it since */
		return bad_version(st, v, err);
	if (v > SCHEMA_VERSION)
		return bx_err_set(err, BX_EINVAL,
		    "%s: schema version %d is newer than this boxel understands (%d); "
		    "upgrade boxel", st->path, v, SCHEMA_VERSION);
	target = bx_st_schema_limit > 0 && bx_st_schema_limit < SCHEMA_VERSION ?
	    bx_st_schema_limit : SCHEMA_VERSION;
	for (; v < target; v++) {
		if ((rc = exec_sql(st, migrations[v], "migrate", err)) < 0) {
			bx_err_prefix(err, "schema version %d -> %d", v, v + 1);
			return rc;
		}
	}
	snprintf(pragma, sizeof pragma, "PRAGMA user_version = %d", target);
	return exec_sql(st, pragma, "set schema version", err);
}

/* The setting synchronous: 'full' (the default) syncs the WAL at every
 * commit, so a commit survives a power loss; 'normal' syncs it only at a
 * checkpoint, so a commit still survives the process being killed or
 * crashing (the WAL is written before the commit returns) but the last
 * ones may be lost to a power loss or a kernel crash; the database is
 * never left half-written either way. Each commit's fdatasync is time
 * the writers' lock is held: a project that would rather redo a few
 * seconds of labels after a power cut than wait for the disk chooses
 * normal. Read at open, after the pragmas: a running session keeps what
 * it opened with. Read as every setting is (bx_store_setting_get), so
 * its default is in setting_defaults too: a store migrated no further
 * than a version before 12 (tests build such stores) has no row for it. */
static int
store_sync(struct bx_store *st, struct bx_err *err)
{
	char *val;
	int rc, normal;

	if ((rc = bx_store_setting_get(st, "synchronous", &val, err)) < 0)
		return rc; /* the message names the store (bx_st_fail) */
	normal = strcmp(val, "normal") == 0;
	free(val);
	return normal ? exec_sql(st, "PRAGMA synchronous=NORMAL", "pragmas", err) : 0;
}

/* In WAL mode SQLite drops a connection's whole page cache whenever another
 * process has committed, and reads the pages back into fresh heap at the
 * next transaction. glibc hands the top of the heap back to the kernel once
 * 128 KB of it are free, so with several writers every transaction paid for
 * page faults and cross-CPU TLB flushes: 32 writers on 2 cores ran at half
 * speed (tests/bench/bench-queue.c: about 830 against 1,700 claim+submit
 * txn/s, 227,000 against 21,000 page faults). A process with a store keeps
 * up to 8 MB of freed heap instead; large blocks (images) are still mapped
 * and unmapped on their own. */
static void
keep_heap(void)
{
#ifdef M_TRIM_THRESHOLD
	mallopt(M_TRIM_THRESHOLD, 8 << 20);
#endif
}

/* "file:" URI of path with ?immutable=1: for a store in a directory the
 * reader cannot write, where SQLite cannot create the WAL index. */
static char *
immutable_uri(const char *path)
{
	struct bx_buf b;
	const unsigned char *p;

	bx_buf_init(&b);
	bx_buf_puts(&b, "file:");
	for (p = (const unsigned char *)path; *p; p++)
		if (*p == '%' || *p == '?' || *p == '#' || *p < 0x20 || *p >= 0x7f)
			bx_buf_printf(&b, "%%%02X", *p);
		else
			bx_buf_putc(&b, (char)*p);
	bx_buf_puts(&b, "?immutable=1");
	return b.p;
}

static int
open_db(struct bx_store *st, const char *name, int oflags, struct bx_err *err)
{
	int rc;

	bx_db_close(st->db);
	st->db = NULL;
	rc = bx_db_sqlite_open(name, oflags, busy_handler, st, &st->db);
	if (rc < 0)
		return bx_err_set(err, rc == -BX_DBE_CANTOPEN ? BX_EIO : BX_EDB, "%s: %s", st->path,
		    st->db ? bx_db_errmsg(st->db) : "cannot open");
	return 0;
}

/* Read-only: no file is created, nothing migrated. In a directory the
 * reader may not write, a WAL store has no -shm to map; with no -wal
 * beside it either, nothing can be changing the file, and SQLite may
 * read it as immutable. */
static int
open_readonly(struct bx_store *st, int *v, struct bx_err *err)
{
	int rc, oflags = BX_DB_RO | BX_DB_URI;
	char *wal, *uri;
	struct stat sb;

	st->readonly = 1;
	if ((rc = open_db(st, st->path, oflags & ~BX_DB_URI, err)) < 0)
		return rc;
	if (user_version(st, v, err) == 0)
		return 0;
	wal = bx_asprintf("%s-wal", st->path);
	rc = stat(wal, &sb) == 0 && sb.st_size > 0;
	free(wal);
	if (rc) {
		bx_err_prefix(err, "%s", st->path);
		return err ? err->code : BX_EDB;
	}
	uri = immutable_uri(st->path);
	rc = open_db(st, uri, oflags, err);
	free(uri);
	if (rc == 0 && (rc = user_version(st, v, err)) < 0)
		bx_err_prefix(err, "%s", st->path);
	return rc;
}

void
bx_store_set_wait_hook(struct bx_store *st, void (*fn)(void *ctx, long waited_ms), void *ctx)
{
	st->wait_fn = fn;
	st->wait_ctx = ctx;
}

int
bx_store_open(const char *path, int flags, struct bx_store **out, struct bx_err *err)
{
	static pthread_once_t heap_once = PTHREAD_ONCE_INIT;
	struct bx_store *st;
	int rc, v, oflags = 0;
	int creating = 0;

	*out = NULL;
	if (bx_st_is_pg(path)) {
		st = bx_calloc(1, sizeof *st);
		st->path = bx_strdup(path);
		if ((rc = bx_st_open_pg(st, path, flags, SCHEMA_VERSION, err)) < 0) {
			bx_store_close(st);
			return rc;
		}
		*out = st;
		return 0;
	}
	if (access(path, F_OK) != 0) {
		if (!(flags & BX_STORE_CREATE))
			return bx_err_set(err, BX_ENOENT,
			    "%s: no such store; create it with 'boxel init' "
			    "(or point --db / BOXEL_DB at an existing one)", path);
		oflags |= BX_DB_CREATE;
		creating = 1;
	}
	/* Two `boxel init` at once both saw no file: O_EXCL lets exactly one
	 * of them create it, the other is told it exists. */
	if ((flags & BX_STORE_EXCL) && creating) {
		int fd = open(path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0666);
		if (fd < 0 && errno == EEXIST)
			return bx_err_set(err, BX_EEXIST, "%s already exists (another 'boxel init' "
			    "created it just now)", path);
		if (fd < 0)
			return bx_err_set(err, BX_EIO, "%s: %s", path, strerror(errno));
		close(fd);
	} else if (flags & BX_STORE_EXCL)
		return bx_err_set(err, BX_EEXIST, "%s already exists", path);
	pthread_once(&heap_once, keep_heap);
	st = bx_calloc(1, sizeof *st);
	st->path = bx_strdup(path);
	if (flags & BX_STORE_READONLY) {
		if ((rc = open_readonly(st, &v, err)) < 0)
			goto fail;
		if (v < 0) {
			rc = bad_version(st, v, err);
			goto fail;
		}
		if (v == 0) {
			rc = bx_err_set(err, BX_EINVAL, "%s: empty or not a boxel store", path);
			goto fail;
		}
		if (v > SCHEMA_VERSION)
			rc = bx_err_set(err, BX_EINVAL, "%s: schema version %d is newer than this "
			    "boxel understands (%d); upgrade boxel", path, v, SCHEMA_VERSION);
		else if (v < SCHEMA_VERSION)
			rc = bx_err_set(err, BX_EINVAL, "%s: schema version %d needs upgrading to %d, "
			    "and the store is opened read-only: run a writing command on it once",
			    path, v, SCHEMA_VERSION);
		if (rc < 0)
			goto fail;
		*out = st;
		return 0;
	}
	/* Every CLI command is a process of its own, and the last one to close
	 * the store checkpointed the whole WAL into the database: 0.7-2 ms of
	 * CPU and two more fsyncs with the file locked exclusively (a command
	 * starting meanwhile waits), then the WAL deleted and created again by
	 * the next. The WAL stays instead; SQLite's automatic checkpoint (at
	 * 1000 pages, run by a committing writer) keeps it from growing. The
	 * price: the first command to open the store while no other has it
	 * open reads the WAL to rebuild its index. A reader finds the -wal and
	 * -shm beside the file even where it cannot write them
	 * (open_readonly). */
	oflags |= BX_DB_NO_CLOSE_CKPT;
	if ((rc = open_db(st, path, oflags, err)) < 0)
		goto fail;
	/* WAL is a property of the file, set once at creation; the others are
	 * per connection. */
	if (creating && (rc = exec_sql(st, "PRAGMA journal_mode=WAL", "set WAL", err)) < 0)
		goto fail;
	if ((rc = exec_sql(st, "PRAGMA synchronous=FULL; PRAGMA foreign_keys=ON;",
	    "pragmas", err)) < 0)
		goto fail;
	if ((rc = user_version(st, &v, err)) < 0) {
		/* A non-database file fails here. */
		bx_err_prefix(err, "%s", path);
		goto fail;
	}
	if (v < 0) {
		rc = bad_version(st, v, err);
		goto fail;
	}
	if (v == 0 && !creating) {
		struct bx_dbst *s;
		int n = 0;
		/* An empty file (a crashed init) may be adopted; a database with
		 * other tables is someone else's. */
		if (bx_db_prepare(st->db, "SELECT count(*) FROM sqlite_schema", &s) == 0) {
			if (bx_db_step(s) == 1)
				n = bx_db_col_int(s, 0);
			bx_db_finalize(s);
		}
		if (n > 0) {
			rc = bx_err_set(err, BX_EINVAL, "%s: not a boxel store", path);
			goto fail;
		}
		if (!(flags & BX_STORE_CREATE)) {
			rc = bx_err_set(err, BX_ENOENT,
			    "%s: empty store; create it with 'boxel init'", path);
			goto fail;
		}
		if ((rc = exec_sql(st, "PRAGMA journal_mode=WAL", "set WAL", err)) < 0)
			goto fail;
	}
	st->gate = bx_gate_open(path);
	if (v != SCHEMA_VERSION && (rc = bx_st_write(st, migrate_tx, NULL, err)) < 0)
		goto fail;
	if ((rc = store_sync(st, err)) < 0)
		goto fail;
	*out = st;
	return 0;
fail:
	bx_store_close(st);
	return rc;
}

int
bx_store_is_server(const char *path)
{
	return bx_st_is_pg(path);
}

int
bx_store_exists(const char *path, struct bx_err *err)
{
	struct bx_store *st;
	int rc;

	if (!bx_st_is_pg(path))
		return access(path, F_OK) == 0;
	rc = bx_store_open(path, BX_STORE_READONLY, &st, err);
	bx_store_close(st);
	if (rc == BX_ENOENT)
		return 0;
	return rc < 0 ? rc : 1;
}

void
bx_store_close(struct bx_store *st)
{
	int i;

	if (st == NULL)
		return;
	for (i = 0; i < st->ncache; i++)
		bx_db_finalize(st->cache[i].stmt);
	bx_st_yield_free(st->yield);
	free(st->cache);
	bx_gate_close(st->gate);
	bx_quality_ws_free(st->qws);
	bx_st_sigmas_free(st);
	bx_db_close(st->db);
	free(st->path);
	free(st);
}

/* ---- events ---- */

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

/* ---- settings ---- */

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

/* ---- users ---- */

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

/* ---- tasks ---- */

int
bx_st_task_check(const struct bx_task_new *t, struct bx_err *err)
{
	if (t->image == NULL || !bx_path_is_safe_relative(t->image))
		return bx_err_set(err, BX_EINVAL,
		    "%s: image path must be relative to the image root, without '..'",
		    t->image ? t->image : "(null)");
	if (t->width <= 0 || t->height <= 0)
		return bx_err_set(err, BX_EINVAL, "%s: bad size %dx%d", t->image, t->width,
		    t->height);
	return 0;
}

int
bx_st_task_insert(struct bx_store *st, const struct bx_task_new *t, int64_t *id_out,
                  int *created_out, struct bx_err *err)
{
	static const char ins[] =
	    "INSERT INTO tasks(image, width, height, hash, meta, created_ms) "
	    "VALUES (?1, ?2, ?3, ?4, ?5, ?6) ON CONFLICT(image) DO NOTHING RETURNING id";
	struct bx_dbst *s;
	int rc;

	if ((s = bx_st_prep(st, ins, err)) == NULL)
		return err ? err->code : BX_EDB;
	bx_db_bind_text(s, 1, t->image);
	bx_db_bind_int(s, 2, t->width);
	bx_db_bind_int(s, 3, t->height);
	bx_db_bind_text(s, 4, t->hash);
	bx_db_bind_text(s, 5, t->meta_json);
	bx_db_bind_int64(s, 6, t->now_ms);
	if ((rc = bx_st_insert_id(st, s, "add task", id_out, err)) < 0) {
		bx_err_prefix(err, "%s", t->image);
		return rc;
	}
	*created_out = rc;
	if (rc == 1)
		return 0;
	return bx_store_task_find(st, t->image, id_out, err);
}

struct task_ctx {
	const struct bx_task_new *t;
	int64_t id;
	int created;
};

static int
task_add_tx(struct bx_store *st, void *ctx, struct bx_err *err)
{
	struct task_ctx *c = ctx;

	return bx_st_task_insert(st, c->t, &c->id, &c->created, err);
}

int
bx_store_task_add(struct bx_store *st, const struct bx_task_new *t, int64_t *id_out,
                  int *created_out, struct bx_err *err)
{
	struct task_ctx c = { t, 0, 0 };
	int rc;

	if ((rc = bx_st_task_check(t, err)) < 0)
		return rc;
	rc = bx_st_write(st, task_add_tx, &c, err);
	if (rc < 0)
		return rc;
	if (id_out)
		*id_out = c.id;
	if (created_out)
		*created_out = c.created;
	return 0;
}

int
bx_store_task_find(struct bx_store *st, const char *image, int64_t *id_out, struct bx_err *err)
{
	static const char sql[] = "SELECT id FROM tasks WHERE image = ?1";
	struct bx_dbst *s;
	int rc;

	if ((s = bx_st_prep(st, sql, err)) == NULL)
		return err ? err->code : BX_EDB;
	bx_db_bind_text(s, 1, image);
	rc = bx_st_step(st, s, "find task", err);
	if (rc == 1)
		*id_out = bx_db_col_int64(s, 0);
	bx_db_reset(s);
	if (rc == 0)
		return bx_err_set(err, BX_ENOENT, "no task for image %s", image);
	return rc < 0 ? rc : 0;
}

/* ---- answers attached by import ---- */

int
bx_st_answer_kind_ok(const char *kind)
{
	return kind != NULL && (strcmp(kind, "prelabel") == 0 || strcmp(kind, "suggestion") == 0 ||
	    strcmp(kind, "gold") == 0 || strcmp(kind, "consensus") == 0);
}

int
bx_st_answer_put(struct bx_store *st, int64_t task, const char *kind, const char *json,
                 struct bx_err *err)
{
	static const char gold[] =
	    "INSERT INTO gold(task, answer) VALUES (?1, ?2) "
	    "ON CONFLICT(task) DO UPDATE SET answer = excluded.answer";
	static const char other[] =
	    "INSERT INTO task_answers(task, kind, answer) VALUES (?1, ?3, ?2) "
	    "ON CONFLICT(task, kind) DO UPDATE SET answer = excluded.answer";
	int is_gold = strcmp(kind, "gold") == 0;
	struct bx_dbst *s = bx_st_prep(st, is_gold ? gold : other, err);

	if (s == NULL)
		return err ? err->code : BX_EDB;
	bx_db_bind_int64(s, 1, task);
	bx_db_bind_text(s, 2, json);
	if (!is_gold)
		bx_db_bind_text(s, 3, kind);
	return bx_st_exec(st, s, "store answer", err);
}

struct answer_ctx {
	int64_t task;
	const char *kind;
	const char *json;
};

static int
answer_put_tx(struct bx_store *st, void *ctx, struct bx_err *err)
{
	struct answer_ctx *c = ctx;

	return bx_st_answer_put(st, c->task, c->kind, c->json, err);
}

int
bx_store_task_answer_put(struct bx_store *st, int64_t task, const char *kind,
                         const struct bx_answer *ans, struct bx_err *err)
{
	struct answer_ctx c = { task, kind, NULL };
	int rc;

	if (!bx_st_answer_kind_ok(kind))
		return bx_err_set(err, BX_EINVAL,
		    "answer kind must be prelabel, suggestion, gold or consensus");
	c.json = bx_answer_to_json(ans);
	rc = bx_st_write(st, answer_put_tx, &c, err);
	if (rc < 0 && err && err->code == BX_EINVAL)
		bx_err_prefix(err, "task %lld", (long long)task);
	free((char *)c.json);
	return rc;
}

static int
answer_get(struct bx_store *st, const char *sql, int64_t task, const char *kind,
           struct bx_answer *out, int *found, struct bx_err *err)
{
	struct bx_dbst *s;
	char *json = NULL;
	int rc;

	*found = 0;
	if ((s = bx_st_prep(st, sql, err)) == NULL)
		return err ? err->code : BX_EDB;
	bx_db_bind_int64(s, 1, task);
	if (kind)
		bx_db_bind_text(s, 2, kind);
	rc = bx_st_step(st, s, "read answer", err);
	if (rc == 1)
		json = bx_st_col_dup(s, 0);
	bx_db_reset(s);
	if (rc <= 0)
		return rc;
	rc = bx_answer_from_json(json, out, err);
	free(json);
	if (rc < 0) {
		bx_err_prefix(err, "stored answer of task %lld", (long long)task);
		return rc;
	}
	*found = 1;
	return 0;
}

int
bx_store_rejected_answer(struct bx_store *st, int64_t judgment, struct bx_answer *out,
                         struct bx_err *err)
{
	/* answer_get binds its "task" as ?1: here the judgment being reworked. */
	static const char sql[] =
	    "SELECT p.answer FROM judgments j JOIN judgments p ON p.task = j.task "
	    "  AND p.batch = j.batch AND p.labeler = j.labeler AND p.state = 'rejected' "
	    "  AND p.id < j.id AND p.answer IS NOT NULL "
	    "WHERE j.id = ?1 ORDER BY p.id DESC LIMIT 1";
	int rc, found;

	bx_answer_init(out);
	rc = answer_get(st, sql, judgment, NULL, out, &found, err);
	if (rc < 0)
		return rc;
	if (!found)
		return bx_err_set(err, BX_ENOENT, "judgment %lld is no rework", (long long)judgment);
	return 0;
}

int
bx_store_prelabels_get(struct bx_store *st, int64_t task, struct bx_answer *out,
                       struct bx_err *err)
{
	static const char sql[] = "SELECT answer FROM task_answers WHERE task = ?1 AND kind = ?2";
	struct bx_answer sug;
	int rc, found, i;

	bx_answer_init(out);
	rc = answer_get(st, sql, task, "prelabel", out, &found, err);
	if (rc < 0)
		return rc;
	if (!found)
		bx_answer_init(out);
	bx_answer_init(&sug);
	rc = answer_get(st, sql, task, "suggestion", &sug, &found, err);
	if (rc < 0) {
		bx_answer_free(out);
		return rc;
	}
	if (found) {
		for (i = 0; i < sug.n; i++) {
			int k = bx_answer_add(out, &sug.a[i]);
			out->a[k].flags |= BX_ANNOT_SUGGESTION;
		}
		bx_answer_free(&sug);
	}
	return 0;
}

int
bx_store_gold_get(struct bx_store *st, int64_t task, struct bx_answer *out, struct bx_err *err)
{
	static const char sql[] = "SELECT answer FROM gold WHERE task = ?1";
	int rc, found;

	bx_answer_init(out);
	rc = answer_get(st, sql, task, NULL, out, &found, err);
	if (rc < 0)
		return rc;
	if (!found) {
		bx_answer_init(out);
		return bx_err_set(err, BX_ENOENT, "task %lld has no gold answer", (long long)task);
	}
	return 0;
}
