/* test-gold.c: quality in the store, on a temporary database with a pinned
 * clock: the gold score written at submit (hand-computed counts), the
 * rolling window summing exactly the last N, qualification after training,
 * suspension after 10 bad gold judgments with the labeler's leases returned
 * to the queue, reinstatement restarting the window, and consensus stored
 * when the last replica arrives (not before) with its review flag. */
#include <sqlite3.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "boxel/codec.h"
#include "boxel/store.h"
#include "boxel/util.h"
#include "harness.h"
#include "store-fixture.h"

static void
user(struct bx_store *st, const char *name, const char *qual)
{
	bx_store_user_add(st, name, "annotator", "root", NOW, &err);
	bx_store_user_set_qual(st, name, qual, "root", NOW, &err);
}

static void
batch(struct bx_store *st, const char *name, const char *kind, int overlap, int prio,
      const char *const *images, int n)
{
	struct bx_batch_new b = { name, kind, overlap, 0, prio, BX_BATCH_LIST, images, n };

	if (bx_store_batch_create(st, &b, "root", NOW, NULL, NULL, &err) < 0)
		fprintf(stderr, "batch %s: %s\n", name, err.msg);
}

/* An answer from JSON (static: valid until the next call). */
static struct bx_answer *
ans(const char *json)
{
	static struct bx_answer a;

	bx_answer_free(&a);
	bx_answer_init(&a);
	if (bx_answer_from_json(json, &a, &err) < 0)
		fprintf(stderr, "answer: %s\n", err.msg);
	return &a;
}

static void
gold(struct bx_store *st, int64_t t, const char *json)
{
	struct bx_answer a;

	bx_answer_init(&a);
	bx_answer_from_json(json, &a, &err);
	bx_store_task_answer_put(st, t, "gold", &a, &err);
	bx_answer_free(&a);
}

#define ONE_CUP "{\"annotations\":[{\"class\":\"cup\",\"box\":[0,0,10,10]}]}"
#define EMPTY "{\"annotations\":[]}"

/* Claim for user and submit json; returns the judgment's id (0 on failure). */
static int64_t
claim_submit(struct bx_store *st, const char *u, const char *json, int64_t now)
{
	struct bx_claim c;
	int64_t j;

	if (bx_queue_claim(st, u, LEASE, now, &c, &err) < 0) {
		fprintf(stderr, "claim %s: %s\n", u, err.msg);
		return 0;
	}
	j = c.judgment;
	if (bx_queue_submit(st, c.judgment, c.token, ans(json), 12, now + 1000, &err) < 0) {
		fprintf(stderr, "submit %s: %s\n", u, err.msg);
		j = 0;
	}
	bx_claim_free(&c);
	return j;
}

#define ROCKET "{\"annotations\":[{\"class\":\"rocket\",\"box\":[50,50,10,10]}]}"

/* Claim for u and answer by the image: on_c1 for c1.jpg, else other. */
static int64_t
claim_answer(struct bx_store *st, const char *u, const char *on_c1, const char *other,
             int64_t now)
{
	struct bx_claim c;
	int64_t j;

	if (bx_queue_claim(st, u, LEASE, now, &c, &err) < 0) {
		fprintf(stderr, "claim %s: %s\n", u, err.msg);
		return 0;
	}
	j = c.judgment;
	if (bx_queue_submit(st, c.judgment, c.token,
	    ans(strcmp(c.image, "c1.jpg") == 0 ? on_c1 : other), 12, now + 1000, &err) < 0) {
		fprintf(stderr, "submit %s: %s\n", u, err.msg);
		j = 0;
	}
	bx_claim_free(&c);
	return j;
}

static void
test_gold_row(void)
{
	static const char *const imgs[] = { "g.jpg" };
	struct bx_store *st = fresh("row.db");
	int64_t t, j;
	char *q;

	user(st, "ann", "qualified");
	t = task(st, "g.jpg");
	/* gold: cup, rocket, person; labeler: cup at half the area (IoU 0.5:
	 * TP), a "cup" exactly on the rocket (IoU 1: mismatch), an extra
	 * person far away (FP); the gold person is missed (FN). */
	gold(st, t, "{\"annotations\":[{\"class\":\"cup\",\"box\":[0,0,10,10]},"
	    "{\"class\":\"rocket\",\"box\":[20,20,10,10]},"
	    "{\"class\":\"person\",\"box\":[50,50,10,10]}]}");
	batch(st, "prod", "production", 1, 0, imgs, 1);
	j = claim_submit(st, "ann", "{\"annotations\":[{\"class\":\"cup\",\"box\":[0,0,10,5]},"
	    "{\"class\":\"cup\",\"box\":[20,20,10,10]},"
	    "{\"class\":\"person\",\"box\":[80,0,5,5]}]}", NOW);
	CHECK(j > 0);
	CHECK_INT(raw_int("SELECT count(*) FROM gold_scores"), 1);
	q = bx_asprintf("SELECT tp * 1000 + mismatch * 100 + fp * 10 + fn FROM gold_scores "
	    "WHERE judgment = %lld", (long long)j);
	CHECK_INT(raw_int(q), 1111);
	free(q);
	CHECK_INT(raw_int("SELECT iou_n FROM gold_scores"), 2);
	CHECK_INT(raw_int("SELECT round(iou_sum * 1000) FROM gold_scores"), 1500);
	CHECK_INT(raw_int("SELECT tag_right + tag_wrong FROM gold_scores"), 0);
	CHECK_INT(raw_int("SELECT batch_kind = 'production' AND ms = 1767225601000 "
	    "FROM gold_scores"), 1);
	CHECK_INT(raw_int("SELECT labeler = (SELECT id FROM users WHERE name = 'ann') "
	    "FROM gold_scores"), 1);
	/* A task without gold leaves no row. */
	task(st, "plain.jpg");
	{
		static const char *const p[] = { "plain.jpg" };
		batch(st, "plain", "production", 1, 0, p, 1);
	}
	CHECK(claim_submit(st, "ann", ONE_CUP, NOW + 5000) > 0);
	CHECK_INT(raw_int("SELECT count(*) FROM gold_scores"), 1);
	bx_store_close(st);
}

static void
test_window(void)
{
	static const char *const imgs[] = { "w1.jpg", "w2.jpg", "w3.jpg", "w4.jpg", "w5.jpg" };
	/* per judgment: TP 1; FN 1; TP 1 + FP 1; TP 1; FN 1 */
	static const char *const said[] = {
		ONE_CUP, EMPTY,
		"{\"annotations\":[{\"class\":\"cup\",\"box\":[0,0,10,10]},"
		"{\"class\":\"cup\",\"box\":[60,60,10,10]}]}",
		ONE_CUP, EMPTY,
	};
	struct bx_store *st = fresh("window.db");
	struct bx_user_quality q;
	double a;
	int i;

	user(st, "w", "qualified");
	for (i = 0; i < 5; i++)
		gold(st, task(st, imgs[i]), ONE_CUP);
	batch(st, "prod", "production", 1, 0, imgs, 5);
	CHECK_INT(bx_store_setting_set(st, "gold_window", "3", "root", NOW, &err), 0);
	for (i = 0; i < 5; i++)
		CHECK(claim_submit(st, "w", said[i], NOW + i * 10000) > 0);
	CHECK_INT(bx_store_user_quality(st, "w", &q, &err), 0);
	CASE("last 3 of 5: TP 1+1+0, FP 1, FN 1");
	CHECK_INT(q.window_n, 3);
	CHECK_INT(q.window_size, 3);
	CHECK_INT(q.total_gold, 5);
	CHECK_INT(q.window.tp, 2);
	CHECK_INT(q.window.fp, 1);
	CHECK_INT(q.window.fn, 1);
	CHECK_INT(q.window.mismatch, 0);
	CHECK(bx_score_accuracy(&q.window, &a));
	CHECK_NEAR(a, 0.5, 1e-12);
	CASE("recent rows oldest first");
	CHECK_INT(q.nrecent, 3);
	CHECK_INT(q.recent[0].fp, 1);
	CHECK_INT(q.recent[2].fn, 1);
	bx_user_quality_free(&q);
	CHECK_INT(bx_store_user_quality(st, "nobody", &q, &err), BX_ENOENT);
	bx_store_close(st);
}

static void
test_training(void)
{
	static const char *const imgs[] = { "t1.jpg", "t2.jpg" };
	struct bx_store *st = fresh("training.db");
	struct bx_user u;
	struct bx_user_quality q;
	double a;

	user(st, "good", "training");
	user(st, "poor", "training");
	gold(st, task(st, "t1.jpg"), ONE_CUP);
	gold(st, task(st, "t2.jpg"), ONE_CUP);
	batch(st, "train", "training", 2, 0, imgs, 2);
	/* min(training_min 5, 2 gold tasks) = 2 judgments before qualifying */
	CHECK(claim_submit(st, "good", ONE_CUP, NOW) > 0);
	bx_store_user_get(st, "good", &u, &err);
	CHECK_STR(u.qual, "training");
	bx_user_free(&u);
	CHECK(claim_submit(st, "good", ONE_CUP, NOW + 10000) > 0);
	bx_store_user_get(st, "good", &u, &err);
	CHECK_STR(u.qual, "qualified");
	bx_user_free(&u);
	CHECK_INT(raw_int("SELECT count(*) FROM events WHERE what = 'user_qual' "
	    "AND detail ->> 'qual' = 'qualified' AND detail ->> 'name' = 'good'"), 1);
	/* poor: one right, one empty: 1 / 2 = 0.5 < 0.8 */
	CHECK(claim_submit(st, "poor", ONE_CUP, NOW + 20000) > 0);
	CHECK(claim_submit(st, "poor", EMPTY, NOW + 30000) > 0);
	bx_store_user_get(st, "poor", &u, &err);
	CHECK_STR(u.qual, "training");
	bx_user_free(&u);
	CHECK_INT(bx_store_user_quality(st, "poor", &q, &err), 0);
	CHECK_INT(q.training_n, 2);
	CHECK(bx_score_accuracy(&q.training, &a));
	CHECK_NEAR(a, 0.5, 1e-12);
	CHECK_INT(q.window_n, 0); /* training is not in the rolling window */
	bx_user_quality_free(&q);
	bx_store_close(st);
}

static void
test_suspend(void)
{
	static const char *imgs[12];
	static const char *const hot[] = { "hot.jpg" };
	struct bx_store *st = fresh("suspend.db");
	struct bx_claim c, d;
	struct bx_user u;
	struct bx_user_quality q;
	char name[12][16], *sql;
	int64_t hot_j;
	int i;

	user(st, "bad", "qualified");
	user(st, "ok", "qualified");
	for (i = 0; i < 12; i++) {
		snprintf(name[i], sizeof name[i], "s%02d.jpg", i);
		imgs[i] = name[i];
		gold(st, task(st, name[i]), ONE_CUP);
	}
	task(st, "hot.jpg");
	batch(st, "prod", "production", 1, 0, imgs, 12);
	for (i = 0; i < 9; i++)
		CHECK(claim_submit(st, "bad", EMPTY, NOW + i * 1000) > 0);
	bx_store_user_get(st, "bad", &u, &err);
	CASE("9 bad gold judgments: not yet");
	CHECK_STR(u.qual, "qualified");
	bx_user_free(&u);
	/* The 10th is claimed; then a second live lease is given to "bad" (as
	 * a parallel session would hold) in a higher-priority batch. */
	CHECK_INT(bx_queue_claim(st, "bad", LEASE, NOW + 20000, &c, &err), 0);
	batch(st, "hot", "production", 1, 5, hot, 1);
	hot_j = raw_int("SELECT id FROM judgments WHERE batch = (SELECT id FROM batches "
	    "WHERE name = 'hot')");
	sql = bx_asprintf("UPDATE judgments SET state = 'leased', labeler = (SELECT id FROM "
	    "users WHERE name = 'bad'), lease_token = 'x', lease_until = %lld, attempts = 1, "
	    "claimed_ms = %lld WHERE id = %lld", NOW + 900000, NOW + 20000, (long long)hot_j);
	raw_exec(sql);
	free(sql);
	CHECK_INT(bx_queue_submit(st, c.judgment, c.token, ans(EMPTY), 5, NOW + 21000, &err), 0);
	bx_claim_free(&c);
	/* The gold submit only arms the suspension (0-2 ordinary submits of
	 * grace, drawn at random; tests/cli/suspend.sh counts them down). */
	CASE("10th bad gold judgment: armed, not yet visible");
	bx_store_user_get(st, "bad", &u, &err);
	CHECK_STR(u.qual, "qualified");
	bx_user_free(&u);
	CHECK_INT(raw_int("SELECT suspend_grace BETWEEN 0 AND 2 FROM users WHERE name = 'bad'"), 1);
	raw_exec("UPDATE users SET suspend_grace = 0 WHERE name = 'bad'"); /* the draw: 0 */
	CHECK_INT(bx_queue_claim(st, "bad", LEASE, NOW + 21500, &c, &err), BX_EPERM);
	CHECK(strstr(err.msg, "suspended (gold accuracy under the project's bar)") != NULL);
	CASE("the next claim: suspended, lease returned");
	bx_store_user_get(st, "bad", &u, &err);
	CHECK_STR(u.qual, "suspended");
	bx_user_free(&u);
	CHECK_INT(raw_int("SELECT suspend_grace IS NULL FROM users WHERE name = 'bad'"), 1);
	sql = bx_asprintf("SELECT state = 'open' AND labeler IS NULL AND lease_token IS NULL "
	    "FROM judgments WHERE id = %lld", (long long)hot_j);
	CHECK_INT(raw_int(sql), 1);
	free(sql);
	CHECK_INT(raw_int("SELECT count(*) FROM events WHERE what = 'user_qual' "
	    "AND detail ->> 'qual' = 'suspended' AND CAST(detail ->> 'gold_judgments' AS INTEGER) = 10"), 1);
	CHECK_INT(bx_queue_claim(st, "bad", LEASE, NOW + 22000, &c, &err), BX_EPERM);
	CHECK_INT(bx_queue_claim(st, "ok", LEASE, NOW + 23000, &d, &err), 0);
	CHECK_INT(d.judgment, hot_j);
	bx_claim_free(&d);

	CASE("reinstate: qualified, window restarted");
	CHECK_INT(bx_store_user_reinstate(st, "bad", "root", NOW + 30000, &err), 0);
	bx_store_user_get(st, "bad", &u, &err);
	CHECK_STR(u.qual, "qualified");
	bx_user_free(&u);
	CHECK_INT(bx_store_user_quality(st, "bad", &q, &err), 0);
	CHECK_INT(q.window_n, 0);
	CHECK_INT(q.total_gold, 10);
	bx_user_quality_free(&q);
	CHECK(claim_submit(st, "bad", EMPTY, NOW + 40000) > 0);
	bx_store_user_get(st, "bad", &u, &err);
	CHECK_STR(u.qual, "qualified"); /* 1 in the new window < 10 */
	bx_user_free(&u);
	CHECK_INT(bx_store_user_reinstate(st, "ghost", "root", NOW, &err), BX_ENOENT);
	bx_store_close(st);
}

static void
test_suspend_submit_next(void)
{
	static const char *imgs[11];
	struct bx_store *st = fresh("next.db");
	struct bx_claim c, n;
	char name[11][16];
	int i, rc;

	user(st, "b", "qualified");
	for (i = 0; i < 11; i++) {
		snprintf(name[i], sizeof name[i], "n%02d.jpg", i);
		imgs[i] = name[i];
		gold(st, task(st, name[i]), ONE_CUP);
	}
	batch(st, "prod", "production", 1, 0, imgs, 11);
	CHECK_INT(bx_queue_claim(st, "b", LEASE, NOW, &c, &err), 0);
	for (i = 0; i < 10; i++) {
		rc = bx_queue_submit_next(st, c.judgment, c.token, ans(EMPTY), 3, "b", LEASE,
		    NOW + (i + 1) * 1000, &n, &err);
		bx_claim_free(&c);
		if (i < 9) {
			CHECK_INT(rc, 0);
			c = n;
		}
	}
	/* The reason is the next claim's, not the submit's: it must not
	 * name the task just submitted as gold. */
	CASE("submit_next that suspends: submitted, the next claim refused");
	CHECK_INT(rc, BX_EPERM);
	CHECK(strstr(err.msg, "user b is suspended (gold accuracy") == err.msg);
	CHECK_INT(raw_int("SELECT count(*) FROM judgments WHERE state = 'submitted'"), 10);
	CHECK_INT(raw_int("SELECT count(*) FROM judgments WHERE state = 'leased'"), 0);
	CHECK_INT(raw_int("SELECT qual = 'suspended' FROM users WHERE name = 'b'"), 1);
	bx_store_close(st);
}

static void
test_consensus(void)
{
	static const char *const imgs[] = { "c1.jpg", "c2.jpg" };
	struct bx_store *st = fresh("consensus.db");
	struct bx_batch_quality bq;
	double agree;
	int review;
	int64_t t1, t2;

	user(st, "a", "qualified");
	user(st, "b", "qualified");
	user(st, "c", "qualified");
	t1 = task(st, "c1.jpg");
	t2 = task(st, "c2.jpg");
	batch(st, "cal", "calibration", 3, 0, imgs, 2);
	/* The serving order is a hash: each claim is answered by its image,
	 * a cup everywhere except c's rocket on c1. */
	CHECK(claim_answer(st, "a", ONE_CUP, ONE_CUP, NOW) > 0);
	CHECK(claim_answer(st, "b", ONE_CUP, ONE_CUP, NOW + 1000) > 0);
	CASE("two replicas at most: no consensus yet");
	CHECK_INT(raw_int("SELECT count(*) FROM task_answers WHERE kind = 'consensus'"), 0);
	CHECK_INT(bx_store_task_agreement(st, t1, "cal", &agree, &review, &err), BX_ENOENT);
	CHECK(claim_answer(st, "c", ROCKET, ONE_CUP, NOW + 2000) > 0);
	CHECK(claim_answer(st, "a", ONE_CUP, ONE_CUP, NOW + 3000) > 0);
	CHECK(claim_answer(st, "b", ONE_CUP, ONE_CUP, NOW + 4000) > 0);
	CHECK(claim_answer(st, "c", ROCKET, ONE_CUP, NOW + 5000) > 0);
	CASE("c1: consensus = the cup two of three drew");
	CHECK_INT(raw_int("SELECT count(*) FROM task_answers WHERE kind = 'consensus'"), 2);
	CHECK_INT(bx_store_task_agreement(st, t1, "cal", &agree, &review, &err), 0);
	/* pairwise F1: (a,b) 1, (a,c) 0, (b,c) 0 */
	CHECK_NEAR(agree, 1.0 / 3, 1e-12);
	CHECK_INT(review, 1);
	{
		char *sql = bx_asprintf("SELECT count(*) FROM task_answers WHERE task = %lld AND "
		    "kind = 'consensus' AND answer ->> '$.annotations[0].class' = 'cup' AND "
		    "json_array_length(answer, '$.annotations') = 1", (long long)t1);
		CHECK_INT(raw_int(sql), 1);
		free(sql);
	}
	CASE("all agree on c2: agreement 1, no review");
	CHECK_INT(bx_store_task_agreement(st, t2, "cal", &agree, &review, &err), 0);
	CHECK_NEAR(agree, 1, 1e-12);
	CHECK_INT(review, 0);
	CASE("batch: 2 tasks, 1 to review, geometry F1 4/6");
	CHECK_INT(bx_store_batch_quality(st, "cal", &bq, &err), 0);
	CHECK_INT(bq.ncomplete, 2);
	CHECK_INT(bq.nreview, 1);
	CHECK(bq.has_agreement);
	CHECK_NEAR(bq.agreement, (1.0 / 3 + 1) / 2, 1e-12);
	CHECK(bq.has_geom_f1);
	CHECK_NEAR(bq.geom_f1, 4.0 / 6, 1e-12);
	CHECK(!bq.has_alpha); /* no image classes: undefined */
	CHECK_INT(bx_store_batch_quality(st, "nope", &bq, &err), BX_ENOENT);
	bx_store_close(st);
}

/* Consensus weighs class votes by the labelers' gold record (setting
 * aggregation = weighted, the default): a, right on gold, outweighs b
 * and c, wrong on it; with aggregation = majority the two win. */
static void
test_weighted_consensus(void)
{
	static const char *const ev[] = { "ev.jpg" };
	static const char *const one[] = { "w1.jpg" };
	static const char *const two[] = { "w2.jpg" };
	struct bx_store *st = fresh("weighted.db");
	const char *u[3] = { "a", "b", "c" };
	int i;

	for (i = 0; i < 3; i++)
		user(st, u[i], "qualified");
	gold(st, task(st, "ev.jpg"), ONE_CUP);
	task(st, "w1.jpg");
	task(st, "w2.jpg");
	batch(st, "eval", "production", 1, 9, ev, 1); /* all gold: everyone's own */
	batch(st, "one", "calibration", 3, 5, one, 1);
	batch(st, "two", "calibration", 3, 0, two, 1);
	CHECK(claim_submit(st, "a", ONE_CUP, NOW) > 0);
	CHECK(claim_submit(st, "b", EMPTY, NOW) > 0);
	CHECK(claim_submit(st, "c", EMPTY, NOW) > 0);
	CHECK_INT(raw_int("SELECT count(*) FROM gold_scores"), 3);
#define CLS(c) "{\"annotations\":[{\"class\":\"" c "\",\"box\":[20,20,10,10]}]}"
	CASE("weighted: a's cat");
	CHECK(claim_submit(st, "a", CLS("cat"), NOW + 1000) > 0);
	CHECK(claim_submit(st, "b", CLS("dog"), NOW + 1000) > 0);
	CHECK(claim_submit(st, "c", CLS("dog"), NOW + 1000) > 0);
	CHECK_INT(raw_int("SELECT count(*) FROM task_answers t JOIN tasks k ON k.id = t.task "
	    "WHERE k.image = 'w1.jpg' AND t.kind = 'consensus' "
	    "AND t.answer ->> '$.annotations[0].class' = 'cat'"), 1);
	CASE("majority: b's and c's dog");
	raw_exec("UPDATE settings SET value = 'majority' WHERE key = 'aggregation'");
	CHECK(claim_submit(st, "a", CLS("cat"), NOW + 2000) > 0);
	CHECK(claim_submit(st, "b", CLS("dog"), NOW + 2000) > 0);
	CHECK(claim_submit(st, "c", CLS("dog"), NOW + 2000) > 0);
	CHECK_INT(raw_int("SELECT count(*) FROM task_answers t JOIN tasks k ON k.id = t.task "
	    "WHERE k.image = 'w2.jpg' AND t.kind = 'consensus' "
	    "AND t.answer ->> '$.annotations[0].class' = 'dog'"), 1);
#undef CLS
	bx_store_close(st);
}

/* An all-gold production batch of n tasks named PREFIX00.. */
static void
gold_batch(struct bx_store *st, const char *bname, const char *prefix, int n)
{
	static char names[64][16];
	static const char *imgs[64];
	int i;

	for (i = 0; i < n; i++) {
		snprintf(names[i], sizeof names[i], "%s%02d.jpg", prefix, i);
		imgs[i] = names[i];
		gold(st, task(st, names[i]), ONE_CUP);
	}
	batch(st, bname, "production", 1, 0, imgs, n);
}

static const char *
qual_of(struct bx_store *st, const char *name)
{
	static char q[16];
	struct bx_user u;

	if (bx_store_user_get(st, name, &u, &err) < 0)
		return "?";
	snprintf(q, sizeof q, "%s", u.qual);
	bx_user_free(&u);
	return q;
}

/* Rules for everyone: a labeler still in training doing production work is
 * suspended like anyone once gold_min gold judgments are under the bar. */
static void
test_trainee_suspended(void)
{
	struct bx_store *st = fresh("trainee.db");
	int i;

	user(st, "t", "training");
	gold_batch(st, "prod", "p", 12);
	CHECK_INT(bx_store_quality_setting_set(st, "gold_min", "4", "root", NOW, NULL, NULL,
	    &err), 0);
	for (i = 0; i < 3; i++)
		CHECK(claim_submit(st, "t", EMPTY, NOW + i * 2000) > 0);
	CASE("3 bad of gold_min 4: still in training");
	CHECK_STR(qual_of(st, "t"), "training");
	CHECK(claim_submit(st, "t", EMPTY, NOW + 10000) > 0);
	CASE("4th: armed");
	CHECK_STR(qual_of(st, "t"), "training");
	raw_exec("UPDATE users SET suspend_grace = 0 WHERE name = 't'"); /* the draw: 0 */
	{
		struct bx_claim c;

		CHECK_INT(bx_queue_claim(st, "t", LEASE, NOW + 11000, &c, &err), BX_EPERM);
	}
	CASE("the next claim: suspended, by gold, from training");
	CHECK_STR(qual_of(st, "t"), "suspended");
	CHECK_INT(raw_int("SELECT suspended_by = 'gold' AND suspended_from = 'training' "
	    "FROM users WHERE name = 't'"), 1);
	bx_store_close(st);
}

/* gold_window < gold_min is refused (nothing written); changing the bar
 * re-evaluates everyone at once, both ways; admin suspensions stand. */
static void
test_rules_settings(void)
{
	struct bx_store *st = fresh("rules.db");
	int i, susp = -1, lifted = -1;
	char *v;

	user(st, "good", "qualified");
	user(st, "half", "qualified");
	user(st, "admsusp", "qualified");
	gold_batch(st, "prod", "r", 12);
	CASE("gold_window under gold_min: refused, unchanged");
	CHECK_INT(bx_store_quality_setting_set(st, "gold_window", "5", "root", NOW, NULL, NULL,
	    &err), BX_EINVAL);
	CHECK(strstr(err.msg, "gold_min") != NULL);
	bx_store_setting_get(st, "gold_window", &v, &err);
	CHECK_STR(v, "50");
	free(v);
	CHECK_INT(bx_store_quality_setting_set(st, "gold_min", "51", "root", NOW, NULL, NULL,
	    &err), BX_EINVAL);
	CHECK_INT(bx_store_quality_setting_set(st, "gold_min", "4", "root", NOW, &susp, &lifted,
	    &err), 0);
	CHECK_INT(susp, 0);
	/* good: 4 of 4 right; half: 2 right, 2 wrong (accuracy 0.5 < 0.8 would
	 * suspend at the 4th submit: lower the bar first). */
	CHECK_INT(bx_store_quality_setting_set(st, "accuracy_bar", "0.4", "root", NOW, NULL,
	    NULL, &err), 0);
	for (i = 0; i < 4; i++) {
		CHECK(claim_submit(st, "good", ONE_CUP, NOW + i * 1000) > 0);
		CHECK(claim_submit(st, "half", i % 2 ? EMPTY : ONE_CUP, NOW + i * 1000) > 0);
	}
	CHECK_INT(bx_store_user_suspend(st, "admsusp", "root", NOW, &err), 0);
	CHECK_STR(qual_of(st, "half"), "qualified");
	CASE("raising the bar suspends half at once, not good");
	CHECK_INT(bx_store_quality_setting_set(st, "accuracy_bar", "0.8", "root", NOW, &susp,
	    &lifted, &err), 0);
	CHECK_INT(susp, 1);
	CHECK_INT(lifted, 0);
	CHECK_STR(qual_of(st, "half"), "suspended");
	CHECK_STR(qual_of(st, "good"), "qualified");
	CHECK_INT(raw_int("SELECT count(*) FROM events WHERE what = 'user_qual' "
	    "AND detail ->> 'reason' = 'settings' AND detail ->> 'name' = 'half'"), 1);
	CASE("a larger minimum lifts half's gold suspension; the admin's stands");
	CHECK_INT(bx_store_quality_setting_set(st, "gold_min", "5", "root", NOW, &susp, &lifted,
	    &err), 0);
	CHECK_INT(lifted, 1);
	CHECK_STR(qual_of(st, "half"), "qualified");
	CHECK_STR(qual_of(st, "admsusp"), "suspended");
	CASE("claims say which suspension it is");
	{
		struct bx_claim c;
		CHECK_INT(bx_queue_claim(st, "admsusp", LEASE, NOW, &c, &err), BX_EPERM);
		CHECK(strstr(err.msg, "by an admin") != NULL);
		CHECK(strstr(err.msg, "gold") == NULL);
	}
	bx_store_close(st);
}

/* Users: enable undoes disable; reinstate/qual/role/pause refused for a
 * disabled user; pause stops claims with its own reason; each says when
 * nothing changed. */
static void
test_user_admin(void)
{
	struct bx_store *st = fresh("users.db");
	struct bx_claim c;
	int64_t j;

	user(st, "u", "qualified");
	gold_batch(st, "prod", "u", 3);
	CHECK_INT(bx_queue_claim(st, "u", LEASE, NOW, &c, &err), 0);
	j = c.judgment;
	bx_claim_free(&c);
	CASE("pause: lease returned (gold lease dropped), claims refused as paused");
	CHECK_INT(bx_store_user_pause(st, "u", 1, "root", NOW, &err), 0);
	CHECK_INT(bx_store_user_pause(st, "u", 1, "root", NOW, &err), 1);
	{
		char *q = bx_asprintf("SELECT count(*) FROM judgments WHERE id = %lld", (long long)j);
		CHECK_INT(raw_int(q), 0);
		free(q);
	}
	CHECK_INT(bx_queue_claim(st, "u", LEASE, NOW, &c, &err), BX_EPERM);
	CHECK(strstr(err.msg, "paused") != NULL);
	CHECK_STR(qual_of(st, "u"), "qualified");
	CHECK_INT(bx_store_user_pause(st, "u", 0, "root", NOW, &err), 0);
	CHECK_INT(bx_queue_claim(st, "u", LEASE, NOW, &c, &err), 0);
	bx_claim_free(&c);
	CASE("disabled: reinstate, qual, role, pause refused; enable undoes it");
	CHECK_INT(bx_store_user_disable(st, "u", "root", NOW, &err), 0);
	CHECK_INT(bx_store_user_reinstate(st, "u", "root", NOW, &err), BX_EPERM);
	CHECK(strstr(err.msg, "disabled") != NULL);
	CHECK_INT(bx_store_user_suspend(st, "u", "root", NOW, &err), BX_EPERM);
	CHECK_INT(bx_store_user_to_training(st, "u", "root", NOW, &err), BX_EPERM);
	CHECK_INT(bx_store_user_role(st, "u", "reviewer", "root", NOW, &err), BX_EPERM);
	CHECK_INT(bx_store_user_pause(st, "u", 1, "root", NOW, &err), BX_EPERM);
	CHECK_INT(bx_store_user_enable(st, "u", "root", NOW, &err), 0);
	CHECK_INT(bx_store_user_enable(st, "u", "root", NOW, &err), 1);
	CHECK_INT(bx_queue_claim(st, "u", LEASE, NOW, &c, &err), 0);
	bx_claim_free(&c);
	CASE("role");
	CHECK_INT(bx_store_user_role(st, "u", "reviewer", "root", NOW, &err), 0);
	CHECK_INT(bx_store_user_role(st, "u", "reviewer", "root", NOW, &err), 1);
	CHECK_INT(bx_store_user_role(st, "u", "boss", "root", NOW, &err), BX_EINVAL);
	CHECK_INT(raw_int("SELECT role = 'reviewer' FROM users WHERE name = 'u'"), 1);
	CHECK_INT(bx_store_user_role(st, "ghost", "admin", "root", NOW, &err), BX_ENOENT);
	CHECK_INT(raw_int("SELECT count(*) FROM events WHERE what IN ('user_enable', "
	    "'user_role', 'user_pause', 'user_unpause')"), 4);
	bx_store_close(st);
}

/* One attribute policy: unset = the default (a gold without attributes
 * scores a pixel-perfect box with the defaults filled in as TP), and
 * compare_attributes all | none | a list decides what counts. */
static void
test_attribute_policy(void)
{
	static const char tax[] =
	    "{\"name\":\"t\",\"classes\":[{\"name\":\"cup\",\"hotkey\":\"m\","
	    "\"geometries\":[\"box\"],\"attributes\":["
	    "{\"name\":\"occluded\",\"type\":\"bool\",\"default\":false},"
	    "{\"name\":\"full\",\"type\":\"bool\",\"default\":true}]}]}";
	static const char *const screen =
	    "{\"annotations\":[{\"class\":\"cup\",\"box\":[0,0,10,10],"
	    "\"attributes\":{\"occluded\":false,\"full\":true}}]}";
	static const char *const other =
	    "{\"annotations\":[{\"class\":\"cup\",\"box\":[0,0,10,10],"
	    "\"attributes\":{\"occluded\":true,\"full\":true}}]}";
	struct bx_store *st = fresh("attrs.db");
	int64_t j;
	char *q;

	CHECK_INT(bx_store_setting_set(st, "taxonomy", tax, "root", NOW, &err), 0);
	user(st, "u", "qualified");
	gold_batch(st, "prod", "a", 4);
	CASE("defaults filled by the screen against gold without attributes: TP");
	j = claim_submit(st, "u", screen, NOW);
	q = bx_asprintf("SELECT tp * 10 + mismatch FROM gold_scores WHERE judgment = %lld",
	    (long long)j);
	CHECK_INT(raw_int(q), 10);
	free(q);
	CASE("a different value: mismatch under 'all'");
	j = claim_submit(st, "u", other, NOW + 1000);
	q = bx_asprintf("SELECT tp * 10 + mismatch FROM gold_scores WHERE judgment = %lld",
	    (long long)j);
	CHECK_INT(raw_int(q), 1);
	free(q);
	CASE("compare_attributes none / a list without it: TP");
	CHECK_INT(bx_store_setting_set(st, "compare_attributes", "none", "root", NOW, &err), 0);
	j = claim_submit(st, "u", other, NOW + 2000);
	q = bx_asprintf("SELECT tp * 10 + mismatch FROM gold_scores WHERE judgment = %lld",
	    (long long)j);
	CHECK_INT(raw_int(q), 10);
	free(q);
	CHECK_INT(bx_store_setting_set(st, "compare_attributes", "full,occluded", "root", NOW,
	    &err), 0);
	j = claim_submit(st, "u", other, NOW + 3000);
	q = bx_asprintf("SELECT tp * 10 + mismatch FROM gold_scores WHERE judgment = %lld",
	    (long long)j);
	CHECK_INT(raw_int(q), 1);
	free(q);
	bx_store_close(st);
}

static int
count_exported(const struct bx_export_task *t, void *ctx)
{
	int *n = ctx;

	n[0] += t->njudgments;
	n[1] += t->accepted != NULL;
	return 0;
}

/* Acting on a suspension: the suspended labeler's submitted, unreviewed
 * work is held (out of export and consensus, first in review); with
 * on_suspend = requeue each task also goes to someone else. */
static void
test_on_suspend(void)
{
	static const char *const imgs[] = { "h0.jpg", "h1.jpg", "h2.jpg", "h3.jpg" };
	struct bx_store *st = fresh("hold.db");
	struct bx_review_filter f = { .labeler = "bad" };
	struct bx_review_item *it;
	int i, n, total, ex[2] = { 0, 0 };

	user(st, "bad", "qualified");
	user(st, "ok", "qualified");
	bx_store_user_add(st, "rev", "reviewer", "root", NOW, &err);
	for (i = 0; i < 4; i++)
		task(st, imgs[i]);
	batch(st, "prod", "production", 1, 0, imgs, 4);
	CHECK(claim_submit(st, "bad", ONE_CUP, NOW) > 0);
	CHECK(claim_submit(st, "bad", ONE_CUP, NOW + 1000) > 0);
	CHECK(claim_submit(st, "ok", ONE_CUP, NOW + 2000) > 0);
	CHECK_INT(bx_store_export_each(st, "prod", count_exported, ex, &err), 0);
	CHECK_INT(ex[0], 3);
	CASE("review (default): held, out of the export, first in review");
	CHECK_INT(bx_store_user_suspend(st, "bad", "root", NOW + 3000, &err), 0);
	CHECK_INT(raw_int("SELECT count(*) FROM judgments WHERE held = 1"), 2);
	ex[0] = ex[1] = 0;
	CHECK_INT(bx_store_export_each(st, "prod", count_exported, ex, &err), 0);
	CHECK_INT(ex[0], 1);
	CHECK_INT(ex[1], 1);
	CHECK_INT(bx_store_review_list(st, &f, 0, &it, &n, &total, &err), 0);
	CHECK_INT(n, 2);
	CHECK(n == 2 && it[0].held && it[0].flagged && it[1].held);
	bx_review_items_free(it, n);
	f.labeler = "ok";
	CHECK_INT(bx_store_review_list(st, &f, 0, &it, &n, &total, &err), 0);
	CHECK(n == 1 && !it[0].held);
	bx_review_items_free(it, n);
	f.labeler = NULL;
	f.since_ms = NOW + 1000;
	f.until_ms = NOW + 2000;
	CHECK_INT(bx_store_review_list(st, &f, 0, &it, &n, &total, &err), 0);
	CHECK_INT(n, 1); /* bad submitted at NOW + 1000 and + 2000 (claim_submit adds 1 s) */
	bx_review_items_free(it, n);
	CASE("a review brings it back");
	{
		int64_t j = raw_int("SELECT min(id) FROM judgments WHERE held = 1");
		CHECK_INT(bx_store_review_add(st, j, "rev", "accept", NULL, NULL, NOW + 4000, &err),
		    0);
	}
	ex[0] = ex[1] = 0;
	CHECK_INT(bx_store_export_each(st, "prod", count_exported, ex, &err), 0);
	CHECK_INT(ex[0], 2);

	CASE("requeue: a fresh replica for anyone");
	CHECK_INT(bx_store_user_reinstate(st, "bad", "root", NOW, &err), 0);
	CHECK(claim_submit(st, "bad", ONE_CUP, NOW + 5000) > 0);
	CHECK_INT(bx_store_setting_set(st, "on_suspend", "requeue", "root", NOW, &err), 0);
	n = raw_int("SELECT count(*) FROM judgments WHERE state = 'open'");
	CHECK_INT(bx_store_user_suspend(st, "bad", "root", NOW + 6000, &err), 0);
	CHECK_INT(raw_int("SELECT count(*) FROM judgments WHERE state = 'open'"), n + 1);
	bx_store_close(st);
}

/* A rejected gold judgment and its redo: only the redo counts. */
static void
test_rejected_gold(void)
{
	static const char *const imgs[] = { "rj.jpg" };
	struct bx_store *st = fresh("rejected.db");
	struct bx_user_quality q;
	int64_t j;

	user(st, "u", "qualified");
	bx_store_user_add(st, "rev", "reviewer", "root", NOW, &err);
	gold(st, task(st, "rj.jpg"), ONE_CUP);
	batch(st, "prod", "production", 1, 0, imgs, 1);
	j = claim_submit(st, "u", EMPTY, NOW);
	CHECK(j > 0);
	CHECK_INT(bx_store_review_add(st, j, "rev", "reject", "missed the cup", NULL, NOW + 2000,
	    &err), 0);
	CHECK(claim_submit(st, "u", ONE_CUP, NOW + 3000) > 0);
	CHECK_INT(raw_int("SELECT count(*) FROM gold_scores"), 2);
	CHECK_INT(bx_store_user_quality(st, "u", &q, &err), 0);
	CHECK_INT(q.window_n, 1);
	CHECK_INT(q.window.tp, 1);
	CHECK_INT(q.window.fn, 0);
	bx_user_quality_free(&q);
	bx_store_close(st);
}

/* A reject does not leave the task's agreement stale: the consensus goes
 * until the redo arrives, then it is computed from what counts. */
static void
test_reject_consensus(void)
{
	static const char *const imgs[] = { "k1.jpg" };
	struct bx_store *st = fresh("rejcons.db");
	double agree;
	int review;
	int64_t t, jc;

	user(st, "a", "qualified");
	user(st, "b", "qualified");
	user(st, "c", "qualified");
	bx_store_user_add(st, "rev", "reviewer", "root", NOW, &err);
	t = task(st, "k1.jpg");
	batch(st, "cal", "calibration", 3, 0, imgs, 1);
	CHECK(claim_submit(st, "a", ONE_CUP, NOW) > 0);
	CHECK(claim_submit(st, "b", ONE_CUP, NOW + 1000) > 0);
	jc = claim_submit(st, "c", "{\"annotations\":[{\"class\":\"rocket\","
	    "\"box\":[50,50,10,10]}]}", NOW + 2000);
	CHECK_INT(bx_store_task_agreement(st, t, "cal", &agree, &review, &err), 0);
	CHECK_NEAR(agree, 1.0 / 3, 1e-12);
	CHECK_INT(bx_store_review_add(st, jc, "rev", "reject", "no rocket here", NULL, NOW + 3000,
	    &err), 0);
	CASE("after the reject: no consensus of two out of three");
	CHECK_INT(bx_store_task_agreement(st, t, "cal", &agree, &review, &err), BX_ENOENT);
	CHECK_INT(raw_int("SELECT count(*) FROM task_answers WHERE kind = 'consensus'"), 0);
	CASE("the redo: agreement from the judgments that count");
	CHECK(claim_submit(st, "c", ONE_CUP, NOW + 4000) > 0);
	CHECK_INT(bx_store_task_agreement(st, t, "cal", &agree, &review, &err), 0);
	CHECK_NEAR(agree, 1, 1e-12);
	bx_store_close(st);
}

/* A trainee who skips a training gold task is not stranded (it never comes
 * back to them): the skip counts as an empty answer, so they are judged on
 * every task, and skipping cannot dodge the hard ones. */
static void
test_training_skip(void)
{
	static const char *const imgs[] = { "s1.jpg", "s2.jpg", "s3.jpg", "s4.jpg", "s5.jpg" };
	struct bx_store *st = fresh("trainskip.db");
	struct bx_claim c;
	int i;

	user(st, "t", "training");
	user(st, "d", "training");
	for (i = 0; i < 5; i++)
		gold(st, task(st, imgs[i]), ONE_CUP);
	batch(st, "train", "training", 2, 0, imgs, 5);
	for (i = 0; i < 4; i++)
		CHECK(claim_submit(st, "t", ONE_CUP, NOW + i * 2000) > 0);
	CHECK_STR(qual_of(st, "t"), "training");
	CHECK_INT(bx_queue_claim(st, "t", LEASE, NOW + 9000, &c, &err), 0);
	CHECK_INT(bx_queue_skip(st, c.judgment, c.token, "blurry", NOW + 9500, &err), 0);
	bx_claim_free(&c);
	CASE("4 right, the 5th skipped: 4/5 = 0.8, qualified at the skip");
	CHECK_STR(qual_of(st, "t"), "qualified");
	CASE("skipping 4 of 5 does not qualify on the one done");
	CHECK(claim_submit(st, "d", ONE_CUP, NOW) > 0);
	for (i = 0; i < 4; i++) {
		CHECK_INT(bx_queue_claim(st, "d", LEASE, NOW + 10000 + i, &c, &err), 0);
		CHECK_INT(bx_queue_skip(st, c.judgment, c.token, "hard", NOW + 10000 + i, &err), 0);
		bx_claim_free(&c);
	}
	CHECK_STR(qual_of(st, "d"), "training");
	bx_store_close(st);
}

/* Dynamic judgments: low agreement after the overlap asks for one more
 * judgment at a time, up to max_overlap, and flags the task only then. */
static void
test_max_overlap(void)
{
	static const char *const imgs[] = { "m1.jpg" };
	static const char *const rocket =
	    "{\"annotations\":[{\"class\":\"rocket\",\"box\":[50,50,10,10]}]}";
	struct bx_store *st = fresh("maxover.db");
	double agree;
	int review;
	int64_t t;

	user(st, "a", "qualified");
	user(st, "b", "qualified");
	user(st, "c", "qualified");
	user(st, "d", "qualified");
	t = task(st, "m1.jpg");
	batch(st, "cal", "calibration", 2, 0, imgs, 1);
	CHECK_INT(bx_store_setting_set(st, "max_overlap", "3", "root", NOW, &err), 0);
	CHECK(claim_submit(st, "a", ONE_CUP, NOW) > 0);
	CHECK(claim_submit(st, "b", rocket, NOW + 1000) > 0);
	CASE("2 of max 3, agreement 0: not flagged, a third judgment queued");
	CHECK_INT(bx_store_task_agreement(st, t, "cal", &agree, &review, &err), 0);
	CHECK_INT(review, 0);
	CHECK_INT(raw_int("SELECT count(*) FROM judgments WHERE state = 'open'"), 1);
	CHECK(claim_submit(st, "c", ONE_CUP, NOW + 2000) > 0);
	CASE("3 of max 3, agreement 1/3: flagged, nothing more queued");
	CHECK_INT(bx_store_task_agreement(st, t, "cal", &agree, &review, &err), 0);
	CHECK_NEAR(agree, 1.0 / 3, 1e-12);
	CHECK_INT(review, 1);
	CHECK_INT(raw_int("SELECT count(*) FROM judgments WHERE state = 'open'"), 0);
	bx_store_close(st);
}

BX_TESTS(T(setup), T(test_gold_row), T(test_window), T(test_training), T(test_suspend),
         T(test_suspend_submit_next), T(test_consensus), T(test_weighted_consensus), T(test_trainee_suspended),
         T(test_rules_settings), T(test_user_admin), T(test_attribute_policy),
         T(test_on_suspend), T(test_rejected_gold),
         T(test_reject_consensus), T(test_training_skip),
         T(test_max_overlap))
