/* store.c: the project's SQLite file: opening, pragmas, the schema and its
 * forward migrations, closing. Statements and write transactions are in
 * store-tx.c; the simple tables in store-events.c, store-settings.c,
 * store-users.c and store-tasks.c; the queue in store-queue.c,
 * batches/stats/export in store-batch.c. Times are ms since the epoch,
 * always passed in. */
#include <errno.h>
#include <fcntl.h>
#include <malloc.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
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

static int
exec_sql(struct bx_store *st, const char *sql, const char *what, struct bx_err *err)
{
	int rc = bx_db_exec(st->db, sql);

	return rc == 0 ? 0 : bx_st_fail(st, rc, what, err);
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
	rc = bx_db_sqlite_open(name, oflags, bx_st_busy_handler, st, &st->db);
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

void
bx_store_heavy(struct bx_store *st)
{
	st->heavy = 1;
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
	 * the next. The WAL stays instead, while it is small (sq_close says
	 * why SQLite's automatic checkpoint does not keep it so). The price:
	 * the first command to open the store while no other has it open
	 * reads the WAL to rebuild its index. A reader finds the -wal and
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
	free(st->cache);
	bx_gate_close(st->gate);
	bx_quality_ws_free(st->qws);
	bx_st_sigmas_free(st);
	bx_db_close(st->db);
	free(st->path);
	free(st);
}
