/* test-queue.c: the queue on a temporary database file with a pinned clock:
 * claim order, resume, one judgment per task and labeler, overlap, expiry,
 * attempts -> set aside, token fencing (nothing changes on a lost lease),
 * gold mixing, refused users, training batches, skip/release, drafts with
 * the journal's redo branch, and the export walk. */
#include <sqlite3.h>
#include <stdlib.h>
#include <unistd.h>

#include "boxel/codec.h"
#include "boxel/store.h"
#include "boxel/util.h"
#include "harness.h"
#include "store-fixture.h"

/* Every row of the judgments table as one string, to show nothing changed. */
static char *
snapshot(void)
{
	char *j = raw_rows("SELECT * FROM judgments ORDER BY id");
	char *d = raw_rows("SELECT judgment, state FROM drafts ORDER BY judgment");
	char *all = bx_asprintf("%s%s", j, d);

	free(j);
	free(d);
	return all;
}

static void
users(struct bx_store *st, int n)
{
	char name[16];
	int i;

	for (i = 0; i < n; i++) {
		snprintf(name, sizeof name, "u%d", i);
		bx_store_user_add(st, name, "annotator", "root", NOW, &err);
		bx_store_user_set_qual(st, name, "qualified", "root", NOW, &err);
	}
}

static void
batch(struct bx_store *st, const char *name, const char *kind, int overlap, double rate,
      int prio, const char *const *images, int n)
{
	struct bx_batch_new b = { name, kind, overlap, rate, prio,
	                          images ? BX_BATCH_LIST : BX_BATCH_UNBATCHED, images, n };

	if (bx_store_batch_create(st, &b, "root", NOW, NULL, NULL, &err) < 0)
		fprintf(stderr, "batch %s: %s\n", name, err.msg);
}

static struct bx_answer *
answer(const char *cls)
{
	static struct bx_answer a;
	char *js = bx_asprintf("{\"annotations\":[{\"class\":\"%s\",\"box\":[1,2,3,4]}]}", cls);

	bx_answer_free(&a);
	bx_answer_init(&a);
	bx_answer_from_json(js, &a, &err);
	free(js);
	return &a;
}

static void
test_order(void)
{
	static const char *const low[] = { "l0.jpg", "l1.jpg" };
	static const char *const high[] = { "h1.jpg", "h0.jpg" };
	/* Batches by priority; inside one, the serving order's hash. */
	static const char *const want[] = { "h0.jpg h1.jpg", "h0.jpg h1.jpg",
	                                    "l0.jpg l1.jpg", "l0.jpg l1.jpg" };
	char seen[64] = "";
	struct bx_store *st = fresh("order.db");
	struct bx_claim c;
	size_t i;

	users(st, 1);
	task(st, "l0.jpg");
	task(st, "h0.jpg"); /* h0 is older than h1 */
	task(st, "l1.jpg");
	task(st, "h1.jpg");
	batch(st, "low", "production", 1, 0, 0, low, 2);
	batch(st, "high", "production", 1, 0, 10, high, 2);
	for (i = 0; i < BX_ARRAY_LEN(want); i++) {
		CASE(want[i]);
		CHECK_INT(bx_queue_claim(st, "u0", LEASE, NOW, &c, &err), 0);
		CHECK(c.image != NULL && strstr(want[i], c.image) != NULL);
		CHECK(c.image != NULL && strstr(seen, c.image) == NULL);
		if (c.image != NULL)
			snprintf(seen + strlen(seen), sizeof seen - strlen(seen), "%s ", c.image);
		CHECK_INT(c.width, 100);
		CHECK_INT(c.height, 80);
		CHECK_INT(c.lease_until, NOW + LEASE);
		CHECK_INT(strlen(c.token), 32);
		CHECK_INT(c.resumed, 0);
		CHECK_INT(c.position, (int)(i % 2) + 1);
		CHECK_INT(c.total, 2);
		CHECK_INT(bx_queue_submit(st, c.judgment, c.token, answer("cat"), 3.5, NOW, &err), 0);
		bx_claim_free(&c);
	}
	CASE("empty");
	CHECK_INT(bx_queue_claim(st, "u0", LEASE, NOW, &c, &err), BX_EEMPTY);
	bx_store_close(st);
}

static void
test_resume(void)
{
	struct bx_store *st = fresh("resume.db");
	struct bx_claim a, b;

	users(st, 1);
	task(st, "a.jpg");
	task(st, "b.jpg");
	batch(st, "x", "production", 1, 0, 0, NULL, 0);
	CHECK_INT(bx_queue_claim(st, "u0", LEASE, NOW, &a, &err), 0);
	CHECK_INT(bx_queue_claim(st, "u0", LEASE, NOW + 1000, &b, &err), 0);
	CHECK_INT(b.judgment, a.judgment);
	CHECK_STR(b.token, a.token);
	CHECK_INT(b.resumed, 1);
	CHECK_INT(b.lease_until, NOW + 1000 + LEASE);
	bx_claim_free(&b);
	/* Expired but not taken by anyone: still theirs, same token. */
	CHECK_INT(bx_queue_claim(st, "u0", LEASE, NOW + 10 * LEASE, &b, &err), 0);
	CHECK_INT(b.judgment, a.judgment);
	CHECK_STR(b.token, a.token);
	CHECK_INT(raw_int("SELECT count(*) FROM events WHERE what = 'resume'"), 2);
	bx_claim_free(&a);
	bx_claim_free(&b);
	bx_store_close(st);
}

/* Overlap K: every task ends with K judgments from K distinct labelers, and
 * no labeler ever holds two judgments of one task. */
static void
test_overlap(void)
{
	struct bx_store *st = fresh("overlap.db");
	struct bx_claim c;
	int round, u, done = 0, rc;
	char name[8];

	users(st, 4);
	task(st, "a.jpg");
	task(st, "b.jpg");
	task(st, "c.jpg");
	batch(st, "x", "calibration", 3, 0, 0, NULL, 0);
	for (round = 0; round < 5; round++)
		for (u = 0; u < 4; u++) {
			snprintf(name, sizeof name, "u%d", u);
			rc = bx_queue_claim(st, name, LEASE, NOW, &c, &err);
			if (rc == BX_EEMPTY)
				continue;
			CHECK_INT(rc, 0);
			CHECK_INT(bx_queue_submit(st, c.judgment, c.token, answer("cat"), 1, NOW,
			    &err), 0);
			done++;
			bx_claim_free(&c);
		}
	CHECK_INT(done, 9);
	CHECK_INT(raw_int("SELECT count(*) FROM (SELECT task FROM judgments "
	    "WHERE state = 'submitted' GROUP BY task HAVING count(DISTINCT labeler) = 3) x"), 3);
	CHECK_INT(raw_int("SELECT count(*) FROM (SELECT 1 FROM judgments WHERE labeler IS NOT NULL "
	    "GROUP BY task, labeler HAVING count(*) > 1) x"), 0);
	bx_store_close(st);
}

/* A submit completing a task beside a heavy answer (over 64 KiB) leaves
 * the merge to the program's runner (boxel's starts a process of its own),
 * and the task has no consensus until bx_store_merge_later; without a
 * runner, or when it cannot start one, the submit merges after its commit;
 * the heavy answer's own submit merges at once. */
static int64_t runner_jid;
static int runner_calls, runner_rc;

static int
runner(const char *path, int64_t jid)
{
	(void)path;
	runner_jid = jid;
	runner_calls++;
	return runner_rc;
}

static struct bx_answer *
heavy(void)
{
	static struct bx_answer a;
	struct bx_buf b;
	int i;

	bx_buf_init(&b);
	bx_buf_puts(&b, "{\"annotations\":[{\"class\":\"cat\",\"box\":[1,2,3,4]},"
	    "{\"class\":\"cat\",\"polygon\":[");
	for (i = 0; i < 6000; i++)
		bx_buf_printf(&b, "%s[%d.25,%d.75]", i ? "," : "", 100 + (i % 2) * 9,
		    10 + i / 2);
	bx_buf_puts(&b, "]}]}");
	bx_answer_free(&a);
	bx_answer_init(&a);
	if (bx_answer_from_json(b.p, &a, &err) < 0)
		fprintf(stderr, "heavy: %s\n", err.msg);
	bx_buf_free(&b);
	return &a;
}

/* One task, overlap 2: u0 submits first, u1 completes it; u1's judgment. */
static int64_t
pair(struct bx_store *st, struct bx_answer *(*first)(void), struct bx_answer *(*second)(void))
{
	struct bx_claim c;
	int64_t jid = 0;

	users(st, 2);
	task(st, "a.jpg");
	batch(st, "x", "production", 2, 0, 0, NULL, 0);
	CHECK_INT(bx_queue_claim(st, "u0", LEASE, NOW, &c, &err), 0);
	CHECK_INT(bx_queue_submit(st, c.judgment, c.token, first(), 1, NOW, &err), 0);
	bx_claim_free(&c);
	CHECK_INT(bx_queue_claim(st, "u1", LEASE, NOW, &c, &err), 0);
	CHECK_INT(bx_queue_submit(st, c.judgment, c.token, second(), 1, NOW, &err), 0);
	jid = c.judgment;
	bx_claim_free(&c);
	return jid;
}

static struct bx_answer *
small(void)
{
	return answer("cat");
}

static void
test_merge_later(void)
{
	struct bx_store *st;
	int64_t jid;

	bx_store_set_merge_runner(runner);
	runner_calls = 0;
	runner_rc = 0;
	st = fresh("later1.db");
	jid = pair(st, heavy, small);
	CHECK_INT(runner_calls, 1);
	CHECK_INT(runner_jid, jid);
	CHECK_INT(raw_int("SELECT count(*) FROM judgments WHERE state = 'submitted'"), 2);
	CHECK_INT(raw_int("SELECT count(*) FROM task_consensus"), 0);
	CHECK_INT(bx_store_merge_later(st, jid, NOW, &err), 0);
	CHECK_INT(raw_int("SELECT njudgments FROM task_consensus"), 2);
	CHECK_INT(raw_int("SELECT count(*) FROM events WHERE what = 'consensus'"), 1);
	CHECK_INT(bx_store_merge_later(st, 9999, NOW, &err), BX_ENOENT);
	bx_store_close(st);

	/* The runner could not start it: merged by the submit itself. */
	runner_calls = 0;
	runner_rc = -1;
	st = fresh("later2.db");
	pair(st, heavy, small);
	CHECK_INT(runner_calls, 1);
	CHECK_INT(raw_int("SELECT njudgments FROM task_consensus"), 2);
	bx_store_close(st);

	/* The heavy answer completes the task: merged at once, no runner. */
	runner_calls = 0;
	st = fresh("later3.db");
	pair(st, small, heavy);
	CHECK_INT(runner_calls, 0);
	CHECK_INT(raw_int("SELECT njudgments FROM task_consensus"), 2);
	bx_store_close(st);

	/* No runner (a library user): merged after the commit. */
	bx_store_set_merge_runner(NULL);
	st = fresh("later4.db");
	pair(st, heavy, small);
	CHECK_INT(raw_int("SELECT njudgments FROM task_consensus"), 2);
	bx_store_close(st);
}

/* Fenced writes: a wrong token and an expired-and-reclaimed lease are both
 * BX_ELEASE, and nothing in the judgments or drafts changes. */
static void
test_fencing(void)
{
	struct bx_store *st = fresh("fence.db");
	struct bx_claim a, b;
	char *before, *after;
	int64_t until;

	users(st, 2);
	task(st, "a.jpg");
	batch(st, "x", "production", 1, 0, 0, NULL, 0);
	CHECK_INT(bx_queue_claim(st, "u0", LEASE, NOW, &a, &err), 0);
	CHECK_INT(bx_draft_save(st, a.judgment, a.token, "{\"v\":1}", 1, "e1", NOW, &err), 0);
	CHECK_INT(bx_queue_heartbeat(st, a.judgment, a.token, LEASE, NOW + 1000, &until, &err), 0);
	CHECK_INT(until, NOW + 1000 + LEASE);

	before = snapshot();
	CASE("wrong token");
	CHECK_INT(bx_queue_heartbeat(st, a.judgment, "00000000000000000000000000000000", LEASE,
	    NOW, &until, &err), BX_ELEASE);
	CHECK(strstr(err.msg, "lease lost") != NULL);
	CHECK_INT(bx_queue_submit(st, a.judgment, "deadbeef", answer("cat"), 1, NOW, &err),
	    BX_ELEASE);
	CHECK_INT(bx_draft_save(st, a.judgment, "x", "{}", 2, "e2", NOW, &err), BX_ELEASE);
	CHECK_INT(bx_queue_release(st, a.judgment, "x", NOW, &err), BX_ELEASE);
	CHECK_INT(bx_queue_skip(st, a.judgment, NULL, "no", NOW, &err), BX_ELEASE);
	CHECK_INT(bx_queue_submit(st, a.judgment + 99, a.token, answer("cat"), 1, NOW, &err),
	    BX_ELEASE);
	after = snapshot();
	CHECK_STR(after, before);
	free(before);
	free(after);

	CASE("expired and reclaimed");
	CHECK_INT(bx_queue_claim(st, "u1", LEASE, NOW + 2 * LEASE, &b, &err), 0);
	CHECK_INT(b.judgment, a.judgment);
	CHECK(strcmp(b.token, a.token) != 0);
	/* The reclaimer does not inherit the old labeler's draft. */
	{
		char *state, **ent;
		int n;
		CHECK_INT(bx_draft_load(st, b.judgment, NULL, &state, &ent, &n, &err), BX_ENOENT);
	}
	before = snapshot();
	CHECK_INT(bx_queue_heartbeat(st, a.judgment, a.token, LEASE, NOW + 2 * LEASE, &until,
	    &err), BX_ELEASE);
	CHECK_INT(bx_queue_submit(st, a.judgment, a.token, answer("cat"), 1, NOW + 2 * LEASE,
	    &err), BX_ELEASE);
	CHECK_INT(bx_draft_save(st, a.judgment, a.token, "{}", 1, "e", NOW + 2 * LEASE, &err),
	    BX_ELEASE);
	CHECK_INT(bx_queue_release(st, a.judgment, a.token, NOW + 2 * LEASE, &err), BX_ELEASE);
	after = snapshot();
	CHECK_STR(after, before);
	free(before);
	free(after);
	CASE("holder submits");
	CHECK_INT(bx_queue_submit(st, b.judgment, b.token, answer("dog"), 2, NOW + 2 * LEASE,
	    &err), 0);
	/* A second submit with the same token is refused: no double submit. */
	CHECK_INT(bx_queue_submit(st, b.judgment, b.token, answer("dog"), 2, NOW + 2 * LEASE,
	    &err), BX_ELEASE);
	CHECK_INT(raw_int("SELECT count(*) FROM events WHERE what = 'submit'"), 1);
	CHECK_INT(raw_int("SELECT count(*) FROM annotations WHERE class = 'dog'"), 1);
	bx_claim_free(&a);
	bx_claim_free(&b);
	bx_store_close(st);
}

static void
test_attempts(void)
{
	struct bx_store *st = fresh("attempts.db");
	struct bx_claim c;
	int64_t t = NOW;

	users(st, 3);
	bx_store_setting_set(st, "max_attempts", "2", "root", NOW, &err);
	task(st, "a.jpg");
	batch(st, "x", "production", 1, 0, 0, NULL, 0);
	CHECK_INT(bx_queue_claim(st, "u0", LEASE, t, &c, &err), 0);
	bx_claim_free(&c);
	t += 2 * LEASE;
	CHECK_INT(bx_queue_claim(st, "u1", LEASE, t, &c, &err), 0); /* attempt 2 */
	bx_claim_free(&c);
	CHECK_INT(raw_int("SELECT attempts FROM judgments"), 2);
	t += 2 * LEASE;
	CHECK_INT(bx_queue_claim(st, "u2", LEASE, t, &c, &err), BX_EEMPTY);
	CHECK_INT(raw_int("SELECT count(*) FROM judgments WHERE state = 'set_aside'"), 1);
	bx_store_close(st);
}

static void
test_skip_release(void)
{
	struct bx_store *st = fresh("skip.db");
	struct bx_claim a, b;

	users(st, 2);
	task(st, "a.jpg");
	batch(st, "x", "production", 1, 0, 0, NULL, 0);
	CASE("release");
	CHECK_INT(bx_queue_claim(st, "u0", LEASE, NOW, &a, &err), 0);
	CHECK_INT(bx_queue_release(st, a.judgment, a.token, NOW, &err), 0);
	CHECK_INT(raw_int("SELECT attempts FROM judgments"), 0);
	CHECK_INT(raw_int("SELECT labeler IS NULL AND state = 'open' FROM judgments"), 1);
	bx_claim_free(&a);
	CASE("skip");
	CHECK_INT(bx_queue_claim(st, "u0", LEASE, NOW, &a, &err), 0);
	CHECK_INT(bx_queue_skip(st, a.judgment, a.token, "blurry", NOW, &err), 0);
	/* The skipper never gets the task again; the replica goes to others. */
	CHECK_INT(bx_queue_claim(st, "u0", LEASE, NOW, &b, &err), BX_EEMPTY);
	CHECK_INT(bx_queue_claim(st, "u1", LEASE, NOW, &b, &err), 0);
	CHECK(b.judgment != a.judgment);
	CHECK_STR(b.image, "a.jpg");
	CHECK_INT(raw_int("SELECT count(*) FROM judgments WHERE state = 'skipped'"), 1);
	bx_claim_free(&a);
	bx_claim_free(&b);
	bx_store_close(st);
}

/* Whether judgment jid is of a gold task. */
static int
is_gold(int64_t jid)
{
	char *q = bx_asprintf("SELECT count(*) FROM gold g JOIN judgments j ON j.task = g.task "
	    "WHERE j.id = %lld", (long long)jid);
	int n = raw_int(q);

	free(q);
	return n;
}

static void
claim_submit_n(struct bx_store *st, const char *user, int n, int *ngold, int *nclaims)
{
	struct bx_claim c;
	int i;

	for (i = 0; i < n && bx_queue_claim(st, user, LEASE, NOW, &c, &err) == 0; i++) {
		*ngold += is_gold(c.judgment);
		(*nclaims)++;
		bx_queue_submit(st, c.judgment, c.token, answer("cat"), 1, NOW, &err);
		bx_claim_free(&c);
	}
}

/* Gold outside training is the labeler's own: the pool never shrinks for
 * others, the first claim is not special, the share follows the rate, no
 * gold task comes twice to one labeler, and with nothing ordinary left the
 * rest of the pool is served once. The draw is random: the bounds below are
 * more than 4 standard deviations wide. */
static void
test_gold(void)
{
	struct bx_store *st = fresh("gold.db");
	struct bx_claim c;
	char name[32];
	int i, ngold = 0, n = 0, first_gold = 0;
	int64_t id;

	users(st, 50);
	for (i = 0; i < 600; i++) {
		snprintf(name, sizeof name, "t%03d.jpg", i);
		id = task(st, name);
		if (i % 3 == 0 && i != 3)
			bx_store_task_answer_put(st, id, "gold", answer("cat"), &err);
	}
	batch(st, "x", "production", 1, 0.2, 0, NULL, 0);
	CASE("gold tasks are not queued as ordinary work");
	CHECK_INT(raw_int("SELECT count(*) FROM judgments"), 401);
	/* Gold imported after the batch exists takes the task out of the
	 * ordinary queue too (trigger on the gold table). */
	CHECK_INT(bx_store_task_find(st, "t003.jpg", &id, &err), 0);
	bx_store_task_answer_put(st, id, "gold", answer("cat"), &err);
	CHECK_INT(raw_int("SELECT count(*) FROM judgments"), 400);
	CHECK_INT(raw_int("SELECT count(*) FROM judgments WHERE gold = 1"), 0);

	CASE("first claims: some gold, not all");
	for (i = 0; i < 50; i++) {
		snprintf(name, sizeof name, "u%d", i);
		CHECK_INT(bx_queue_claim(st, name, LEASE, NOW, &c, &err), 0);
		first_gold += is_gold(c.judgment);
		bx_queue_submit(st, c.judgment, c.token, answer("cat"), 1, NOW, &err);
		bx_claim_free(&c);
	}
	CHECK_MSG(first_gold > 0 && first_gold < 50, "%d of 50 first claims gold", first_gold);

	CASE("share near the rate over 300 claims, each gold task once");
	claim_submit_n(st, "u0", 300, &ngold, &n);
	CHECK_INT(n, 300);
	CHECK_MSG(ngold >= 35 && ngold <= 85, "%d gold of 300", ngold);
	CHECK_INT(raw_int("SELECT count(*) - count(DISTINCT task) FROM judgments "
	    "WHERE labeler = (SELECT id FROM users WHERE name = 'u0')"), 0);
	CASE("gold does not use up overlap: a gold task u0 did is still there for u1");
	CHECK_INT(raw_int("SELECT count(*) FROM judgments j JOIN gold g ON g.task = j.task "
	    "WHERE j.labeler = (SELECT id FROM users WHERE name = 'u1')") <= 1, 1);
	CHECK(raw_int("SELECT count(DISTINCT labeler) FROM judgments WHERE gold = 1") >= 2 ||
	    first_gold < 2);

	CASE("nothing ordinary left: no flood of gold, then nothing");
	/* u1 drains the ordinary work; gold only came by the draw (about a
	 * fifth of their claims), never the rest of the pool at the end. */
	ngold = n = 0;
	claim_submit_n(st, "u1", 100000, &ngold, &n);
	CHECK_INT(raw_int("SELECT count(*) FROM judgments WHERE gold = 0 AND state = 'open'"), 0);
	CHECK_MSG(ngold * 2 < n, "%d gold of %d claims", ngold, n);
	/* ... and no gold by the draw either: a claim that succeeded after
	 * "no work" would be gold by elimination. */
	for (i = n = 0; i < 40; i++)
		n += bx_queue_claim(st, "u1", LEASE, NOW, &c, &err) == BX_EEMPTY;
	CHECK_INT(n, 40);

	CASE("a batch of gold only: each labeler gets the whole pool once");
	for (i = 0; i < 5; i++) {
		snprintf(name, sizeof name, "e%d.jpg", i);
		bx_store_task_answer_put(st, task(st, name), "gold", answer("cat"), &err);
	}
	batch(st, "eval", "production", 1, 0, 0, NULL, 0);
	for (i = 2; i < 4; i++) {
		snprintf(name, sizeof name, "u%d", i);
		ngold = n = 0;
		claim_submit_n(st, name, 100, &ngold, &n);
		CHECK_INT(raw_int("SELECT count(*) FROM judgments j JOIN batches b ON b.id = j.batch "
		    "WHERE b.name = 'eval' AND j.labeler = (SELECT id FROM users WHERE name = 'u2')"), 5);
	}
	CHECK_INT(raw_int("SELECT count(*) FROM judgments j JOIN batches b ON b.id = j.batch "
	    "WHERE b.name = 'eval'"), 10);
	bx_store_close(st);
}

/* gold_recycle: a labeler who has done the whole pool gets gold again at
 * the rate (least often seen first); without it, never twice. */
static void
test_gold_recycle(void)
{
	struct bx_store *st = fresh("recycle.db");
	char name[32];
	int i, ngold = 0, n = 0;
	int64_t id;

	users(st, 2);
	for (i = 0; i < 202; i++) {
		snprintf(name, sizeof name, "r%03d.jpg", i);
		id = task(st, name);
		if (i < 2)
			bx_store_task_answer_put(st, id, "gold", answer("cat"), &err);
	}
	batch(st, "x", "production", 1, 0.5, 0, NULL, 0);
	claim_submit_n(st, "u0", 60, &ngold, &n);
	CHECK_INT(ngold, 2);
	CHECK_INT(bx_store_setting_set(st, "gold_recycle", "1", "root", NOW, &err), 0);
	ngold = n = 0;
	claim_submit_n(st, "u1", 60, &ngold, &n);
	CHECK_MSG(ngold > 2, "%d gold of 60 with recycling", ngold);
	CHECK_INT(raw_int("SELECT max(c) - min(c) <= 1 FROM (SELECT count(*) c FROM judgments "
	    "WHERE gold = 1 AND labeler = (SELECT id FROM users WHERE name = 'u1') "
	    "GROUP BY task) x"), 1);
	bx_store_close(st);
}

static void
test_users_refused(void)
{
	struct bx_store *st = fresh("refused.db");
	struct bx_claim c;

	users(st, 3);
	task(st, "a.jpg");
	batch(st, "x", "production", 1, 0, 0, NULL, 0);
	CHECK_INT(bx_queue_claim(st, "u0", LEASE, NOW, &c, &err), 0);
	bx_claim_free(&c);
	CHECK_INT(bx_store_user_set_qual(st, "u0", "suspended", "root", NOW, &err), 0);
	/* Suspension returned the lease to the queue. */
	CHECK_INT(raw_int("SELECT count(*) FROM judgments WHERE state = 'open'"), 1);
	CHECK_INT(bx_queue_claim(st, "u0", LEASE, NOW, &c, &err), BX_EPERM);
	CHECK(strstr(err.msg, "suspended") != NULL);
	bx_store_user_disable(st, "u1", "root", NOW, &err);
	CHECK_INT(bx_queue_claim(st, "u1", LEASE, NOW, &c, &err), BX_EPERM);
	CHECK(strstr(err.msg, "disabled") != NULL);
	CHECK_INT(bx_queue_claim(st, "ghost", LEASE, NOW, &c, &err), BX_EPERM);
	CHECK_INT(bx_queue_claim(st, "u2", LEASE, NOW, &c, &err), 0);
	bx_claim_free(&c);
	bx_store_close(st);
}

static void
test_training(void)
{
	static const char *const tr[] = { "tr.jpg" };
	static const char *const pr[] = { "pr.jpg" };
	struct bx_store *st = fresh("training.db");
	struct bx_claim c;

	bx_store_user_add(st, "newbie", "annotator", "root", NOW, &err); /* training */
	users(st, 1);                                                     /* u0 qualified */
	task(st, "tr.jpg");
	task(st, "pr.jpg");
	batch(st, "train", "training", 1, 1, 0, tr, 1);
	batch(st, "prod", "production", 1, 0, 5, pr, 1);
	bx_store_setting_set(st, "require_training", "1", "root", NOW, &err);
	CHECK_INT(bx_queue_claim(st, "newbie", LEASE, NOW, &c, &err), 0);
	CHECK_STR(c.image, "tr.jpg");
	CHECK_STR(c.batch_kind, "training");
	bx_queue_submit(st, c.judgment, c.token, answer("cat"), 1, NOW, &err);
	bx_claim_free(&c);
	CHECK_INT(bx_queue_claim(st, "newbie", LEASE, NOW, &c, &err), BX_EEMPTY);
	/* Qualified labelers never get training batches. */
	CHECK_INT(bx_queue_claim(st, "u0", LEASE, NOW, &c, &err), 0);
	CHECK_STR(c.image, "pr.jpg");
	bx_queue_submit(st, c.judgment, c.token, answer("cat"), 1, NOW, &err);
	bx_claim_free(&c);
	CHECK_INT(bx_queue_claim(st, "u0", LEASE, NOW, &c, &err), BX_EEMPTY);
	bx_store_close(st);
}

static void
test_drafts(void)
{
	static const char *const want[] = { "add A", "move A", "delete B" };
	struct bx_store *st = fresh("drafts.db");
	struct bx_claim c;
	char *state, **ent;
	int n, i;

	users(st, 1);
	task(st, "a.jpg");
	batch(st, "x", "production", 1, 0, 0, NULL, 0);
	CHECK_INT(bx_queue_claim(st, "u0", LEASE, NOW, &c, &err), 0);
	CHECK_INT(bx_draft_load(st, c.judgment, NULL, &state, &ent, &n, &err), BX_ENOENT);
	CHECK_INT(bx_draft_save(st, c.judgment, c.token, "{\"s\":1}", 1, "add A", NOW, &err), 0);
	CHECK_INT(bx_draft_save(st, c.judgment, c.token, "{\"s\":2}", 2, "add B", NOW, &err), 0);
	CHECK_INT(bx_draft_save(st, c.judgment, c.token, "{\"s\":3}", 3, "add C", NOW, &err), 0);
	/* Undo twice, then a new edit at seq 2 drops the redo branch (2, 3). */
	CHECK_INT(bx_draft_save(st, c.judgment, c.token, "{\"s\":4}", 2, "move A", NOW, &err), 0);
	CHECK_INT(bx_draft_save(st, c.judgment, c.token, "{\"s\":5}", 3, "delete B", NOW, &err), 0);
	/* A state-only save (zoom) keeps the journal. */
	CHECK_INT(bx_draft_save(st, c.judgment, c.token, "{\"s\":6}", 0, NULL, NOW, &err), 0);
	CHECK_INT(bx_draft_save(st, c.judgment, c.token, "{}", 0, "bad seq", NOW, &err), BX_EINVAL);
	CHECK_INT(bx_draft_load(st, c.judgment, NULL, &state, &ent, &n, &err), 0);
	CHECK_STR(state, "{\"s\":6}");
	CHECK_INT(n, 3);
	for (i = 0; i < n && i < 3; i++) {
		CASE(want[i]);
		CHECK_STR(ent[i], want[i]);
	}
	for (i = 0; i < n; i++)
		free(ent[i]);
	free(ent);
	free(state);
	/* Submitting clears the draft. */
	CHECK_INT(bx_queue_submit(st, c.judgment, c.token, answer("cat"), 1, NOW, &err), 0);
	CHECK_INT(raw_int("SELECT count(*) FROM journal"), 0);
	bx_claim_free(&c);
	bx_store_close(st);
}

static void
test_submit_next(void)
{
	struct bx_store *st = fresh("next.db");
	struct bx_claim a, b;
	char *before, *after;

	users(st, 2);
	task(st, "a.jpg");
	task(st, "b.jpg");
	task(st, "c.jpg");
	batch(st, "x", "production", 1, 0, 0, NULL, 0);
	CHECK_INT(bx_queue_claim(st, "u0", LEASE, NOW, &a, &err), 0);
	before = snapshot();
	CHECK_INT(bx_queue_submit_next(st, a.judgment, "bad", answer("cat"), 1, "u0", LEASE, NOW,
	    &b, &err), BX_ELEASE);
	CHECK_INT(bx_queue_submit_next(st, a.judgment, a.token, answer("cat"), 1, "u1", LEASE, NOW,
	    &b, &err), BX_EPERM);
	after = snapshot();
	CHECK_STR(after, before); /* the other user's claim was rolled back too */
	free(before);
	free(after);
	CHECK_INT(bx_queue_submit_next(st, a.judgment, a.token, answer("cat"), 1, "u0", LEASE, NOW,
	    &b, &err), 0);
	CHECK(b.image != NULL && strcmp(b.image, a.image) != 0);
	CHECK_INT(b.position, 2);
	CHECK(b.judgment > a.judgment); /* ids number claims in claim order */
	bx_claim_free(&a);
	CHECK_INT(bx_queue_submit_next(st, b.judgment, b.token, answer("cat"), 1, "u0", LEASE, NOW,
	    &a, &err), 0);
	CHECK(a.image != NULL && strcmp(a.image, b.image) != 0);
	CHECK(a.judgment > b.judgment);
	bx_claim_free(&b);
	CHECK_INT(bx_queue_submit_next(st, a.judgment, a.token, answer("cat"), 1, "u0", LEASE, NOW,
	    &b, &err), BX_EEMPTY);
	CHECK(strstr(err.msg, "submitted") != NULL);
	CHECK_INT(raw_int("SELECT count(*) FROM judgments WHERE state = 'submitted'"), 3);
	CHECK_INT(raw_int("SELECT count(*) FROM events WHERE what = 'submit'"), 3);
	bx_claim_free(&a);
	bx_store_close(st);
}

struct walk {
	int ntasks, njudg, accepted;
	char first_labeler[16], accepted_from[16];
};

static int
walk_fn(const struct bx_export_task *t, void *ctx)
{
	struct walk *w = ctx;

	w->ntasks++;
	w->njudg += t->njudgments;
	if (t->accepted) {
		w->accepted++;
		snprintf(w->accepted_from, sizeof w->accepted_from, "%s", t->accepted_from);
	}
	if (t->njudgments > 0 && w->first_labeler[0] == '\0')
		snprintf(w->first_labeler, sizeof w->first_labeler, "%s", t->judgments[0].labeler);
	return 0;
}

static void
test_export(void)
{
	struct bx_store *st = fresh("export.db");
	struct bx_claim c;
	struct walk w;
	int64_t n;
	char u0_did[32] = "";
	int u1_alone, u1_first;

	users(st, 2);
	task(st, "a.jpg");
	task(st, "b.jpg");
	task(st, "c.jpg");
	batch(st, "x", "calibration", 2, 0, 0, NULL, 0);
	bx_store_user_add(st, "rev", "reviewer", "root", NOW, &err);
	/* u0 submits two tasks, u1 one (in the serving order: which ones is
	 * the hash's choice, the expectations below follow it). */
	bx_queue_claim(st, "u0", LEASE, NOW, &c, &err);
	snprintf(u0_did, sizeof u0_did, "%s", c.image);
	bx_queue_submit(st, c.judgment, c.token, answer("cat"), 1, NOW, &err);
	bx_claim_free(&c);
	bx_queue_claim(st, "u0", LEASE, NOW, &c, &err);
	snprintf(u0_did + strlen(u0_did), sizeof u0_did - strlen(u0_did), " %s", c.image);
	bx_queue_submit(st, c.judgment, c.token, answer("cat"), 1, NOW, &err);
	bx_claim_free(&c);
	bx_queue_claim(st, "u1", LEASE, NOW, &c, &err);
	bx_queue_submit(st, c.judgment, c.token, answer("dog"), 1, NOW, &err);
	u1_alone = strstr(u0_did, c.image) == NULL;
	u1_first = u1_alone && strcmp(c.image, "a.jpg") == 0;
	CHECK_INT(bx_store_review_add(st, c.judgment, "u0", "accept", NULL, NULL, NOW, &err),
	    BX_EPERM);
	/* A reviewer's fix in progress: theirs alone, gone with the verdict. */
	bx_store_user_add(st, "rev2", "reviewer", "root", NOW, &err);
	CASE("review drafts");
	CHECK_INT(bx_review_draft_save(st, c.judgment, "rev", "{\"answer\":{}}", 1, "{}", NOW,
	    &err), 0);
	CHECK_INT(bx_review_draft_save(st, c.judgment, "rev2", "{\"answer\":{}}", 1, "{}", NOW,
	    &err), BX_EEXIST);
	/* ... until it was left alone for half an hour: then it is stale. */
	CHECK_INT(bx_review_draft_save(st, c.judgment, "rev2", "{\"answer\":{}}", 1, "{}",
	    NOW + 30 * 60 * 1000 - 1, &err), BX_EEXIST);
	{
		char *state = NULL, **ent = NULL;
		int nent = 0, i;
		CHECK_INT(bx_draft_load(st, c.judgment, "rev2", &state, &ent, &nent, &err),
		    BX_ENOENT);
		CHECK_INT(bx_draft_load(st, c.judgment, "rev", &state, &ent, &nent, &err), 0);
		CHECK_INT(nent, 1);
		free(state);
		for (i = 0; i < nent; i++)
			free(ent[i]);
		free(ent);
	}
	CHECK_INT(bx_review_draft_save(st, c.judgment, "rev2", "{\"answer\":{}}", 1, "{}",
	    NOW + 30 * 60 * 1000 + 1, &err), 0);
	{
		char *state = NULL, **ent = NULL;
		int nent = 0, i;
		CHECK_INT(bx_draft_load(st, c.judgment, "rev", &state, &ent, &nent, &err), BX_ENOENT);
		CHECK_INT(bx_draft_load(st, c.judgment, "rev2", &state, &ent, &nent, &err), 0);
		CHECK_INT(nent, 1);
		free(state);
		for (i = 0; i < nent; i++)
			free(ent[i]);
		free(ent);
	}
	CHECK_INT(bx_store_review_add(st, c.judgment, "rev", "accept", "ok", NULL, NOW, &err), 0);
	{
		char *state = NULL, **ent = NULL;
		int nent = 0;
		CHECK_INT(bx_draft_load(st, c.judgment, NULL, &state, &ent, &nent, &err), BX_ENOENT);
	}
	CHECK_INT(bx_review_draft_save(st, c.judgment, "rev", "{\"answer\":{}}", 1, "{}", NOW,
	    &err), BX_ELEASE);
	CHECK_INT(bx_store_review_add(st, c.judgment, "rev", "accept", "ok", NULL, NOW, &err),
	    BX_EINVAL);
	bx_claim_free(&c);

	memset(&w, 0, sizeof w);
	CHECK_INT(bx_store_export_each(st, NULL, walk_fn, &w, &err), 0);
	CHECK_INT(w.ntasks, 3);
	CHECK_INT(w.njudg, 3);
	/* u1's task: reviewed (accepted); a task of one judgment: that one;
	 * a task nobody did: none. */
	CHECK_INT(w.accepted, 2 + u1_alone);
	CHECK_STR(w.first_labeler, u1_first ? "u1" : "u0"); /* a's, or else b's */
	CHECK_INT(bx_store_export_each(st, "nope", walk_fn, &w, &err), BX_ENOENT);
	CHECK_INT(bx_store_task_count(st, "x", &n, &err), 0);
	CHECK_INT(n, 3);
	bx_store_close(st);
}

BX_TESTS(T(setup), T(test_order), T(test_resume), T(test_overlap), T(test_fencing),
         T(test_attempts), T(test_skip_release), T(test_gold), T(test_gold_recycle), T(test_users_refused),
         T(test_training), T(test_drafts), T(test_submit_next), T(test_export),
         T(test_merge_later))
