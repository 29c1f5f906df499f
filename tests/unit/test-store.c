/* test-store.c: the store on a temporary database file with a pinned clock:
 * creation and migrations, pragmas, settings, users, idempotent tasks,
 * import answers, batches, the append-only event log. The test reads the
 * file with sqlite3 directly to check what the API cannot show. */
#include <sqlite3.h>
#include <stdlib.h>
#include <sys/wait.h>
#include <unistd.h>

#include "boxel/codec.h"
#include "boxel/store.h"
#include "boxel/util.h"
#include "harness.h"
#include "src/store-int.h" /* the writers' gate */

#define NOW 1767225600000LL

static char tmpdir[] = "/tmp/boxel-test-store.XXXXXX";

static char *
db_path(const char *name)
{
	return bx_asprintf("%s/%s", tmpdir, name);
}

static struct bx_store *
fresh(const char *name)
{
	struct bx_store *st = NULL;
	struct bx_err err = { 0 };
	char *p = db_path(name);

	if (bx_store_open(p, BX_STORE_CREATE, &st, &err) < 0)
		fprintf(stderr, "open %s: %s\n", p, err.msg);
	free(p);
	return st;
}

/* One integer or text from a query on a separate raw connection. */
static long long
raw_int(const char *name, const char *sql)
{
	sqlite3 *db;
	sqlite3_stmt *s;
	long long v = -1;
	char *p = db_path(name);

	sqlite3_open(p, &db);
	if (sqlite3_prepare_v2(db, sql, -1, &s, NULL) == SQLITE_OK) {
		if (sqlite3_step(s) == SQLITE_ROW)
			v = sqlite3_column_int64(s, 0);
		sqlite3_finalize(s);
	}
	sqlite3_close(db);
	free(p);
	return v;
}

static int
raw_exec(const char *name, const char *sql, char *msg, size_t msgsz)
{
	sqlite3 *db;
	char *e = NULL;
	int rc;
	char *p = db_path(name);

	sqlite3_open(p, &db);
	rc = sqlite3_exec(db, sql, NULL, NULL, &e);
	if (msg)
		snprintf(msg, msgsz, "%s", e ? e : "");
	sqlite3_free(e);
	sqlite3_close(db);
	free(p);
	return rc;
}

static void
test_open(void)
{
	struct bx_store *st;
	struct bx_err err = { 0 };
	char *p, mode[16] = "";
	sqlite3 *db;
	sqlite3_stmt *s;
	FILE *f;

	p = db_path("missing.db");
	CHECK_INT(bx_store_open(p, 0, &st, &err), BX_ENOENT);
	CHECK(st == NULL);
	CHECK(strstr(err.msg, "boxel init") != NULL);
	CHECK(access(p, F_OK) != 0); /* not created by a failed open */
	free(p);

	st = fresh("a.db");
	CHECK(st != NULL);
	bx_store_close(st);
	CHECK_INT(raw_int("a.db", "PRAGMA user_version"), 12);
	p = db_path("a.db");
	sqlite3_open(p, &db);
	sqlite3_prepare_v2(db, "PRAGMA journal_mode", -1, &s, NULL);
	if (sqlite3_step(s) == SQLITE_ROW)
		snprintf(mode, sizeof mode, "%s", sqlite3_column_text(s, 0));
	sqlite3_finalize(s);
	sqlite3_close(db);
	CHECK_STR(mode, "wal");
	/* Reopening without CREATE works and keeps the version. */
	CHECK_INT(bx_store_open(p, 0, &st, &err), 0);
	bx_store_close(st);
	free(p);
	/* Every table is STRICT. */
	CHECK_INT(raw_int("a.db", "SELECT count(*) FROM pragma_table_list "
	    "WHERE schema = 'main' AND name NOT LIKE 'sqlite_%' AND strict = 0"), 0);
	CHECK(raw_int("a.db", "SELECT count(*) FROM pragma_table_list WHERE strict = 1") >= 12);

	/* An empty file (say, a crashed init) is adopted and migrated from 0. */
	p = db_path("empty.db");
	f = fopen(p, "w");
	fclose(f);
	CHECK_INT(bx_store_open(p, BX_STORE_CREATE, &st, &err), 0);
	bx_store_close(st);
	CHECK_INT(raw_int("empty.db", "PRAGMA user_version"), 12);
	free(p);

	/* Someone else's database is refused; so is a newer schema. */
	raw_exec("other.db", "CREATE TABLE x(a)", NULL, 0);
	p = db_path("other.db");
	CHECK_INT(bx_store_open(p, BX_STORE_CREATE, &st, &err), BX_EINVAL);
	CHECK(strstr(err.msg, "not a boxel store") != NULL);
	free(p);
	raw_exec("a.db", "PRAGMA user_version = 99", NULL, 0);
	p = db_path("a.db");
	CHECK_INT(bx_store_open(p, 0, &st, &err), BX_EINVAL);
	CHECK(strstr(err.msg, "newer") != NULL);
	free(p);
	/* Not a database at all. */
	p = db_path("text.db");
	f = fopen(p, "w");
	fputs("hello, this is not sqlite, just some text that is long enough........", f);
	fclose(f);
	CHECK(bx_store_open(p, 0, &st, &err) < 0);
	CHECK(st == NULL);
	free(p);
}

static void
test_settings(void)
{
	static const struct { const char *key, *def; } defaults[] = {
		{ "iou_threshold", "0.5" }, { "lease_seconds", "300" }, { "max_attempts", "3" },
		{ "image_root", "" }, { "require_training", "0" },
	};
	struct bx_store *st = fresh("settings.db");
	struct bx_err err = { 0 };
	char *v;
	size_t i;

	for (i = 0; i < BX_ARRAY_LEN(defaults); i++) {
		CASE(defaults[i].key);
		CHECK_INT(bx_store_setting_get(st, defaults[i].key, &v, &err), 0);
		CHECK_STR(v, defaults[i].def);
		free(v);
	}
	CASE("set");
	CHECK_INT(bx_store_setting_set(st, "lease_seconds", "60", "root", NOW, &err), 0);
	CHECK_INT(bx_store_setting_get(st, "lease_seconds", &v, &err), 0);
	CHECK_STR(v, "60");
	free(v);
	CHECK_INT(bx_store_setting_set(st, "lease_seconds", "90", "root", NOW, &err), 0);
	CHECK_INT(bx_store_setting_get(st, "lease_seconds", &v, &err), 0);
	CHECK_STR(v, "90");
	free(v);
	CHECK_INT(bx_store_setting_get(st, "no_such_key", &v, &err), BX_ENOENT);
	CHECK(v == NULL);
	bx_store_close(st);
	CHECK_INT(raw_int("settings.db", "SELECT count(*) FROM events WHERE what = 'setting'"), 2);
}

static void
test_users(void)
{
	static const struct { const char *name, *role; int rc; } cases[] = {
		{ "alice", "annotator", 0 },
		{ "bob.k_2-x", "reviewer", 0 },
		{ "root", "admin", 0 },
		{ "alice", "admin", BX_EEXIST },
		{ "", "annotator", BX_EINVAL },
		{ "has space", "annotator", BX_EINVAL },
		{ "esc\x1b[31m", "annotator", BX_EINVAL },
		{ "x", "boss", BX_EINVAL },
		{ "0123456789012345678901234567890123456789012345678901234567890123", "admin", 0 },
		{ "01234567890123456789012345678901234567890123456789012345678901234", "admin",
		  BX_EINVAL },
	};
	struct bx_store *st = fresh("users.db");
	struct bx_err err = { 0 };
	struct bx_user u, *list;
	size_t i;
	int n;

	for (i = 0; i < BX_ARRAY_LEN(cases); i++) {
		CASE(cases[i].name);
		CHECK_INT(bx_store_user_add(st, cases[i].name, cases[i].role, "root", NOW, &err),
		    cases[i].rc);
	}
	CASE("get");
	CHECK_INT(bx_store_user_get(st, "alice", &u, &err), 0);
	CHECK_STR(u.role, "annotator");
	CHECK_STR(u.qual, "training");
	CHECK_INT(u.active, 1);
	CHECK_INT(u.created_ms, NOW);
	bx_user_free(&u);
	CHECK_INT(bx_store_user_get(st, "bob.k_2-x", &u, &err), 0);
	CHECK_STR(u.qual, "qualified"); /* reviewers start qualified */
	bx_user_free(&u);
	CHECK_INT(bx_store_user_get(st, "nobody", &u, &err), BX_ENOENT);
	CASE("list");
	CHECK_INT(bx_store_user_list(st, &list, &n, &err), 0);
	CHECK_INT(n, 4);
	if (n == 4) {
		CHECK_STR(list[0].name, "0123456789012345678901234567890123456789012345678901234567890123");
		CHECK_STR(list[1].name, "alice");
		CHECK_STR(list[3].name, "root");
	}
	bx_users_free(list, n);
	CASE("disable");
	CHECK_INT(bx_store_user_disable(st, "alice", "root", NOW, &err), 0);
	CHECK_INT(bx_store_user_get(st, "alice", &u, &err), 0);
	CHECK_INT(u.active, 0);
	bx_user_free(&u);
	CHECK_INT(bx_store_user_disable(st, "nobody", "root", NOW, &err), BX_ENOENT);
	CASE("qual");
	CHECK_INT(bx_store_user_set_qual(st, "alice", "qualified", "root", NOW, &err), 0);
	CHECK_INT(bx_store_user_set_qual(st, "alice", "great", "root", NOW, &err), BX_EINVAL);
	CHECK_INT(bx_store_user_get(st, "alice", &u, &err), 0);
	CHECK_STR(u.qual, "qualified");
	bx_user_free(&u);
	bx_store_close(st);
	CHECK_INT(raw_int("users.db", "SELECT count(*) FROM events WHERE what = 'user_add'"), 4);
	CHECK_INT(raw_int("users.db", "SELECT count(*) FROM events WHERE what = 'user_disable'"), 1);
}

static void
test_tasks(void)
{
	static const struct { const char *image; int w, h, rc, created; } cases[] = {
		{ "a.jpg", 640, 480, 0, 1 },
		{ "dir/b.png", 10, 20, 0, 1 },
		{ "a.jpg", 640, 480, 0, 0 },       /* idempotent */
		{ "../escape.jpg", 10, 10, BX_EINVAL, 0 },
		{ "/etc/passwd", 10, 10, BX_EINVAL, 0 },
		{ "zero.jpg", 0, 10, BX_EINVAL, 0 },
		{ "neg.jpg", 10, -1, BX_EINVAL, 0 },
		{ "ctl\x1b.jpg", 10, 10, BX_EINVAL, 0 },
	};
	struct bx_store *st = fresh("tasks.db");
	struct bx_err err = { 0 };
	struct bx_task_new t = { 0 };
	int64_t id, first = 0, found;
	int created;
	size_t i;

	for (i = 0; i < BX_ARRAY_LEN(cases); i++) {
		CASE(cases[i].image);
		t.image = cases[i].image;
		t.width = cases[i].w;
		t.height = cases[i].h;
		t.now_ms = NOW;
		created = -1;
		CHECK_INT(bx_store_task_add(st, &t, &id, &created, &err), cases[i].rc);
		if (cases[i].rc == 0) {
			CHECK_INT(created, cases[i].created);
			if (i == 0)
				first = id;
			if (i == 2)
				CHECK_INT(id, first);
		}
	}
	CASE("meta");
	t.image = "m.jpg";
	t.meta_json = "{\"camera\": 3}";
	CHECK_INT(bx_store_task_add(st, &t, &id, &created, &err), 0);
	t.image = "badmeta.jpg";
	t.meta_json = "{not json";
	CHECK_INT(bx_store_task_add(st, &t, &id, &created, &err), BX_EINVAL);
	CHECK_INT(bx_store_task_find(st, "dir/b.png", &found, &err), 0);
	CHECK_INT(bx_store_task_find(st, "nope.png", &found, &err), BX_ENOENT);
	bx_store_close(st);
	CHECK_INT(raw_int("tasks.db", "SELECT count(*) FROM tasks"), 3);
}

static void
test_answers(void)
{
	struct bx_store *st = fresh("answers.db");
	struct bx_err err = { 0 };
	struct bx_task_new t = { .image = "a.jpg", .width = 100, .height = 100 };
	struct bx_answer a, b, got;
	int64_t id;
	char *js;

	bx_store_task_add(st, &t, &id, NULL, &err);
	CHECK_INT(bx_answer_from_json("{\"annotations\":[{\"class\":\"cat\",\"box\":[1,2,3,4]}]}",
	    &a, &err), 0);
	CHECK_INT(bx_answer_from_json("{\"annotations\":[{\"class\":\"dog\",\"point\":[5,6]}]}",
	    &b, &err), 0);
	CHECK_INT(bx_store_gold_get(st, id, &got, &err), BX_ENOENT);
	CHECK_INT(bx_store_task_answer_put(st, id, "gold", &a, &err), 0);
	CHECK_INT(bx_store_gold_get(st, id, &got, &err), 0);
	js = bx_answer_to_json(&got);
	CHECK_STR(js, "{\"annotations\":[{\"box\":[1,2,3,4],\"class\":\"cat\"}],\"global\":{}}");
	free(js);
	bx_answer_free(&got);
	/* Replacing gold keeps one row. */
	CHECK_INT(bx_store_task_answer_put(st, id, "gold", &b, &err), 0);
	CHECK_INT(bx_store_task_answer_put(st, id, "bogus", &b, &err), BX_EINVAL);
	CHECK_INT(bx_store_task_answer_put(st, 9999, "prelabel", &b, &err), BX_EINVAL);
	/* Prelabels and suggestions merge; suggestions carry the flag. */
	CHECK_INT(bx_store_task_answer_put(st, id, "prelabel", &a, &err), 0);
	CHECK_INT(bx_store_task_answer_put(st, id, "suggestion", &b, &err), 0);
	CHECK_INT(bx_store_prelabels_get(st, id, &got, &err), 0);
	CHECK_INT(got.n, 2);
	if (got.n == 2) {
		CHECK_STR(got.a[0].cls, "cat");
		CHECK_INT(got.a[0].flags & BX_ANNOT_SUGGESTION, 0);
		CHECK_STR(got.a[1].cls, "dog");
		CHECK(got.a[1].flags & BX_ANNOT_SUGGESTION);
	}
	bx_answer_free(&got);
	bx_answer_free(&a);
	bx_answer_free(&b);
	bx_store_close(st);
	CHECK_INT(raw_int("answers.db", "SELECT count(*) FROM gold"), 1);
}

static void
add_tasks(struct bx_store *st, int n, const char *fmt)
{
	struct bx_err err = { 0 };
	char name[64];
	int i;

	for (i = 0; i < n; i++) {
		struct bx_task_new t = { .image = name, .width = 64, .height = 48, .now_ms = NOW };
		snprintf(name, sizeof name, fmt, i);
		bx_store_task_add(st, &t, NULL, NULL, &err);
	}
}

static void
test_batches(void)
{
	static const char *const list[] = { "t2.jpg", "t0.jpg", "t2.jpg" };
	static const char *const bad_list[] = { "t1.jpg", "missing.jpg" };
	struct bx_store *st = fresh("batches.db");
	struct bx_err err = { 0 };
	struct bx_batch b, *bs;
	int64_t id;
	int n, nb;
	static const struct { struct bx_batch_new b; int rc, ntasks; } cases[] = {
		{ { "first", "calibration", 2, 0, 0, BX_BATCH_LIST, list, 3 }, 0, 2 },
		{ { "rest", "production", 1, 0.1, 5, BX_BATCH_UNBATCHED, NULL, 0 }, 0, 3 },
		{ { "again", "production", 1, 0, 0, BX_BATCH_UNBATCHED, NULL, 0 }, BX_EINVAL, 0 },
		{ { "everything", "self", 3, 1, -1, BX_BATCH_ALL, NULL, 0 }, 0, 5 },
		{ { "first", "production", 1, 0, 0, BX_BATCH_ALL, NULL, 0 }, BX_EEXIST, 0 },
		{ { "bad kind", "production", 1, 0, 0, BX_BATCH_ALL, NULL, 0 }, BX_EINVAL, 0 },
		{ { "k", "weekly", 1, 0, 0, BX_BATCH_ALL, NULL, 0 }, BX_EINVAL, 0 },
		{ { "k", "production", 0, 0, 0, BX_BATCH_ALL, NULL, 0 }, BX_EINVAL, 0 },
		{ { "k", "production", 1, 1.5, 0, BX_BATCH_ALL, NULL, 0 }, BX_EINVAL, 0 },
		{ { "k", "production", 1, -0.1, 0, BX_BATCH_ALL, NULL, 0 }, BX_EINVAL, 0 },
		{ { "k", "production", 1, 0, 0, BX_BATCH_LIST, bad_list, 2 }, BX_ENOENT, 0 },
	};
	size_t i;

	add_tasks(st, 5, "t%d.jpg");
	for (i = 0; i < BX_ARRAY_LEN(cases); i++) {
		CASE(cases[i].b.name);
		n = -1;
		CHECK_INT(bx_store_batch_create(st, &cases[i].b, "root", NOW, &id, &n, &err),
		    cases[i].rc);
		if (cases[i].rc == 0)
			CHECK_INT(n, cases[i].ntasks);
	}
	CASE("get");
	CHECK_INT(bx_store_batch_get(st, "first", &b, &err), 0);
	CHECK_INT(b.ntasks, 2);
	CHECK_INT(b.overlap, 2);
	CHECK_INT(b.count[BX_J_OPEN], 4);
	CHECK_STR(b.kind, "calibration");
	bx_batch_free(&b);
	CHECK_INT(bx_store_batch_get(st, "everything", &b, &err), 0);
	CHECK_INT(b.count[BX_J_OPEN], 15);
	bx_batch_free(&b);
	CHECK_INT(bx_store_batch_get(st, "k", &b, &err), BX_ENOENT);
	CASE("list by priority");
	CHECK_INT(bx_store_batch_list(st, &bs, &nb, &err), 0);
	CHECK_INT(nb, 3);
	if (nb == 3) {
		CHECK_STR(bs[0].name, "rest");
		CHECK_STR(bs[1].name, "first");
		CHECK_STR(bs[2].name, "everything");
	}
	bx_batches_free(bs, nb);
	bx_store_close(st);
	/* The failed list batch left nothing behind. */
	CHECK_INT(raw_int("batches.db", "SELECT count(*) FROM batches WHERE name = 'k'"), 0);
	CHECK_INT(raw_int("batches.db", "SELECT count(*) FROM judgments"), 4 + 3 + 15);
	CHECK_INT(raw_int("batches.db", "SELECT count(*) FROM events WHERE what = 'batch_create'"),
	    3);
}

/* A version-1 store migrates forward on open through every later version:
 * batches get their task counts, judgments their gold flag (from the gold
 * table), and the claim index its new shape. */
static void
test_migrate_from_1(void)
{
	struct bx_store *st;
	struct bx_err err = { 0 };
	struct bx_batch got;
	char *p = db_path("v1.db");

	bx_st_schema_limit = 1;
	st = fresh("v1.db");
	bx_st_schema_limit = 0;
	CHECK(st != NULL);
	bx_store_close(st);
	CHECK_INT(raw_int("v1.db", "PRAGMA user_version"), 1);
	/* Rows as version 1 wrote them. */
	CHECK_INT(raw_exec("v1.db",
	    "INSERT INTO tasks(id, image, width, height, created_ms) VALUES "
	    "  (1, 'a.jpg', 10, 10, 0), (2, 'b.jpg', 10, 10, 0);"
	    "INSERT INTO gold(task, answer) VALUES (2, '{\"annotations\":[]}');"
	    "INSERT INTO batches(id, name, kind, overlap, created_ms) VALUES "
	    "  (1, 'b', 'production', 2, 0);"
	    "INSERT INTO batch_tasks VALUES (1, 1), (1, 2);"
	    "INSERT INTO judgments(task, batch, replica) VALUES (1,1,0), (1,1,1), (2,1,0), (2,1,1);",
	    NULL, 0), SQLITE_OK);
	CHECK_INT(bx_store_open(p, 0, &st, &err), 0);
	CHECK_INT(bx_store_batch_get(st, "b", &got, &err), 0);
	CHECK_INT(got.ntasks, 2);
	CHECK_INT(got.ngold, 1);
	/* Version 7: the gold task's unowned judgments are gone (gold is
	 * served per labeler outside training). */
	CHECK_INT(got.count[BX_J_OPEN], 2);
	bx_batch_free(&got);
	bx_store_close(st);
	free(p);
	CHECK_INT(raw_int("v1.db", "PRAGMA user_version"), 12);
	CHECK_INT(raw_int("v1.db", "SELECT group_concat(task || gold, ',') = '10,10' "
	    "FROM judgments ORDER BY id"), 1);
	CHECK_INT(raw_int("v1.db", "SELECT count(*) FROM sqlite_schema "
	    "WHERE name IN ('judgments_labeler_task', 'gold_added', 'judgment_gold', "
	    "'judgments_own')"), 4);
}

static void
test_events(void)
{
	struct bx_store *st = fresh("events.db");
	struct bx_err err = { 0 };
	char msg[256];

	CHECK_INT(bx_store_log(st, "root", "import", "{\"files\":3}", NOW, &err), 0);
	CHECK_INT(bx_store_log(st, "root", "import", "{bad json", NOW, &err), BX_EINVAL);
	CHECK_INT(bx_store_log(st, "root", "", NULL, NOW, &err), BX_EINVAL);
	bx_store_close(st);
	CHECK_INT(raw_int("events.db", "SELECT count(*) FROM events"), 1);
	CHECK(raw_exec("events.db", "UPDATE events SET actor = 'mallory'", msg, sizeof msg) !=
	    SQLITE_OK);
	CHECK(strstr(msg, "append-only") != NULL);
	CHECK(raw_exec("events.db", "DELETE FROM events", msg, sizeof msg) != SQLITE_OK);
	CHECK_INT(raw_int("events.db", "SELECT count(*) FROM events WHERE actor = 'root'"), 1);
}

/* A writer that dies holding the writers' gate does not block the others
 * (robust mutex), and the gate is only an aid: disabled, writes still work. */
static void
test_gate(void)
{
	struct bx_store *st = fresh("gate.db");
	struct bx_err err = { 0 };
	struct bx_gate *g;
	char *p = db_path("gate.db");
	pid_t pid;
	int status = -1;

	CHECK(st != NULL && st->gate != NULL);
	pid = fork();
	if (pid == 0) {
		g = bx_gate_open(p);
		_exit(g != NULL && bx_gate_lock(g, 1000) == 0 ? 0 : 1); /* dies holding it */
	}
	waitpid(pid, &status, 0);
	CHECK_INT(status, 0);
	CHECK_INT(bx_store_log(st, "root", "after_death", NULL, NOW, &err), 0);
	CHECK_INT(bx_store_log(st, "root", "again", NULL, NOW, &err), 0);
	/* Same, with the dead holder left a zombie (not reaped yet). */
	pid = fork();
	if (pid == 0) {
		g = bx_gate_open(p);
		_exit(g != NULL && bx_gate_lock(g, 1000) == 0 ? 0 : 1);
	}
	{
		siginfo_t si;
		waitid(P_PID, (id_t)pid, &si, WEXITED | WNOWAIT);
	}
	CHECK_INT(bx_store_log(st, "root", "zombie", NULL, NOW, &err), 0);
	waitpid(pid, &status, 0);
	CHECK_INT(status, 0);
	bx_store_close(st);
	setenv("BOXEL_WRITE_GATE", "0", 1);
	CHECK_INT(bx_store_open(p, 0, &st, &err), 0);
	CHECK(st != NULL && st->gate == NULL);
	CHECK_INT(bx_store_log(st, "root", "ungated", NULL, NOW, &err), 0);
	bx_store_close(st);
	unsetenv("BOXEL_WRITE_GATE");
	free(p);
	CHECK_INT(raw_int("gate.db", "SELECT count(*) FROM events"), 4);
}

static void
cleanup(void)
{
	char *cmd = bx_asprintf("rm -rf '%s'", tmpdir);

	if (system(cmd) != 0)
		fprintf(stderr, "could not remove %s\n", tmpdir);
	free(cmd);
}

static void
setup(void)
{
	if (mkdtemp(tmpdir) == NULL) {
		perror("mkdtemp");
		exit(2);
	}
	atexit(cleanup);
}

BX_TESTS(T(setup), T(test_open), T(test_settings), T(test_users), T(test_tasks),
         T(test_answers), T(test_batches), T(test_migrate_from_1), T(test_events),
         T(test_gate))
