/* test-feedback.c: two store calls the labeling view makes, on a temporary
 * database with a pinned clock: bx_queue_peek_next predicts exactly what
 * the next claim returns (priorities, gold rate, skips, the end of the
 * queue) and writes nothing; bx_store_training_feedback gives the gold and
 * per-object verdicts of a submitted training judgment to its labeler only,
 * and refuses everything else (not submitted, someone else's, production). */
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
batch(struct bx_store *st, const char *name, const char *kind, double rate, int prio,
      const char *const *images, int n)
{
	struct bx_batch_new b = { name, kind, 1, rate, prio, BX_BATCH_LIST, images, n };

	if (bx_store_batch_create(st, &b, "root", NOW, NULL, NULL, &err) < 0)
		fprintf(stderr, "batch %s: %s\n", name, err.msg);
}

static void
answer_put(struct bx_store *st, int64_t t, const char *json)
{
	struct bx_answer a;

	bx_answer_init(&a);
	bx_answer_from_json(json, &a, &err);
	bx_store_task_answer_put(st, t, "gold", &a, &err);
	bx_answer_free(&a);
}

#define BOX(c, x, y, w, h) "{\"class\":\"" c "\",\"box\":[" #x "," #y "," #w "," #h "]}"

static void
test_peek(void)
{
	static const char *const low[] = { "a1.png", "a2.png", "a3.png", "a4.png" };
	static const char *const high[] = { "b1.png" };
	/* The serving order within a batch is a keyed hash (store-queue.c):
	 * not known here, but the peek must name what the claim after the
	 * current submit (or skip) takes: b1 first (priority 5), then a's
	 * ordinary tasks, each once; a2 is gold, served by the claim's draw
	 * only, which the peek does not foresee (rate 0 here). */
	struct bx_store *st = fresh("peek.db");
	struct bx_claim c;
	struct bx_answer empty;
	char *img = NULL, seen[64] = "";
	int w = 0, h = 0, i, rc;
	long long events;
	int64_t cur = 0;

	bx_answer_init(&empty);
	bx_store_user_add(st, "alice", "annotator", "root", NOW, &err);
	bx_store_user_set_qual(st, "alice", "qualified", "root", NOW, &err);
	for (i = 0; i < 4; i++)
		task(st, low[i]);
	task(st, high[0]);
	answer_put(st, 2, "{\"annotations\":[" BOX("cup", 0, 0, 10, 10) "]}");
	batch(st, "a", "calibration", 0, 0, low, 4);
	batch(st, "b", "production", 0, 5, high, 1);

	for (i = 0; i < 4; i++) {
		CASE(i == 0 ? "first: the high batch" : "next");
		events = raw_int("SELECT count(*) FROM events");
		rc = bx_queue_peek_next(st, "alice", cur, NOW + i, &img, &w, &h, &err);
		CHECK_INT(rc, 0);
		if (i == 0)
			CHECK_STR(img ? img : "", "b1.png");
		CHECK_INT(w, 100);
		CHECK_INT(h, 80);
		CHECK_INT(raw_int("SELECT count(*) FROM events"), events); /* read only */
		CHECK_INT(raw_int("SELECT count(*) FROM judgments WHERE state = 'leased'"), cur ? 1 : 0);
		/* now what the view does: finish the current task, claim */
		if (cur != 0) {
			if (i == 2)
				rc = bx_queue_skip(st, c.judgment, c.token, "blurry", NOW + i, &err);
			else
				rc = bx_queue_submit(st, c.judgment, c.token, &empty, 1, NOW + i, &err);
			CHECK_INT(rc, 0);
			bx_claim_free(&c);
		}
		CHECK_INT(bx_queue_claim(st, "alice", LEASE, NOW + i, &c, &err), 0);
		/* A skip queues a new replica: the range moved, no promise. */
		if (i != 2)
			CHECK_STR(c.image ? c.image : "", img ? img : "");
		CHECK(c.image != NULL && strcmp(c.image, "a2.png") != 0);
		CHECK(c.image != NULL && strstr(seen, c.image) == NULL); /* each once */
		if (c.image != NULL)
			snprintf(seen + strlen(seen), sizeof seen - strlen(seen), "%s ", c.image);
		free(img);
		img = NULL;
		cur = c.judgment;
	}
	CASE("end of the queue");
	CHECK_INT(bx_queue_peek_next(st, "alice", cur, NOW + 9, &img, &w, &h, &err), BX_EEMPTY);
	CHECK(img == NULL);
	CHECK_INT(bx_queue_submit(st, c.judgment, c.token, &empty, 1, NOW + 9, &err), 0);
	bx_claim_free(&c);
	/* The peek does not foresee gold: a calibration batch serves the
	 * rest of its gold pool, each labeler's own, at the end. */
	CASE("then the gold");
	CHECK_INT(bx_queue_claim(st, "alice", LEASE, NOW + 9, &c, &err), 0);
	CHECK_STR(c.image ? c.image : "", "a2.png");
	CHECK_INT(bx_queue_submit(st, c.judgment, c.token, &empty, 1, NOW + 9, &err), 0);
	bx_claim_free(&c);
	CHECK_INT(bx_queue_claim(st, "alice", LEASE, NOW + 9, &c, &err), BX_EEMPTY);
	CASE("unknown user");
	CHECK_INT(bx_queue_peek_next(st, "nobody", 0, NOW, &img, &w, &h, &err), BX_EEMPTY);
	bx_store_close(st);
}

static void
test_feedback(void)
{
	static const char *const tr[] = { "t1.png" };
	static const char *const pr[] = { "p1.png" };
	struct bx_store *st = fresh("feedback.db");
	struct bx_training_feedback f;
	struct bx_claim c;
	struct bx_answer a;
	int64_t tj, pj;

	bx_store_user_add(st, "bob", "annotator", "root", NOW, &err);   /* starts in training */
	bx_store_user_add(st, "carol", "annotator", "root", NOW, &err);
	task(st, "t1.png");
	task(st, "p1.png");
	answer_put(st, 1, "{\"annotations\":[" BOX("cat", 10, 10, 20, 20) "," BOX("dog", 50, 50, 10, 10) "]}");
	answer_put(st, 2, "{\"annotations\":[" BOX("cat", 10, 10, 20, 20) "]}");
	batch(st, "train", "training", 1, 10, tr, 1);
	batch(st, "prod", "production", 1, 0, pr, 1);

	CHECK_INT(bx_queue_claim(st, "bob", LEASE, NOW, &c, &err), 0);
	CHECK_STR(c.image, "t1.png");
	tj = c.judgment;
	CASE("leased, not submitted");
	CHECK_INT(bx_store_training_feedback(st, tj, "bob", &f, &err), BX_EINVAL);
	/* the gold's cat drawn as a dog (same box: wrong class), a cat far
	 * away (extra); the gold dog is missed */
	bx_answer_init(&a);
	bx_answer_from_json("{\"annotations\":[" BOX("dog", 10, 10, 20, 20) "," BOX("cat", 70, 0, 5, 5) "]}",
	                    &a, &err);
	CHECK_INT(bx_queue_submit(st, tj, c.token, &a, 3, NOW + 1, &err), 0);
	bx_answer_free(&a);
	bx_claim_free(&c);
	CASE("someone else's");
	CHECK_INT(bx_store_training_feedback(st, tj, "carol", &f, &err), BX_EPERM);
	CHECK_INT(bx_store_training_feedback(st, tj, NULL, &f, &err), BX_EPERM);
	CASE("no such judgment");
	CHECK_INT(bx_store_training_feedback(st, 999, "bob", &f, &err), BX_ENOENT);
	CASE("the labeler's own, submitted");
	CHECK_INT(bx_store_training_feedback(st, tj, "bob", &f, &err), 0);
	CHECK_INT(f.gold.n, 2);
	CHECK_INT(f.answer.n, 2);
	CHECK_INT(f.score.tp, 0);
	CHECK_INT(f.score.mismatch, 1);
	CHECK_INT(f.score.fp, 1);
	CHECK_INT(f.score.fn, 1);
	CHECK_INT(f.lab_verdict[0], BX_V_MISMATCH);
	CHECK_INT(f.lab_match[0], 0);
	CHECK_NEAR(f.gold_sim[0], 1.0, 1e-9);
	CHECK_INT(f.lab_verdict[1], BX_V_FP);
	CHECK_INT(f.lab_match[1], -1);
	CHECK_INT(f.gold_verdict[0], BX_V_MISMATCH);
	CHECK_INT(f.gold_verdict[1], BX_V_FN);
	/* the same counts the store kept at submit */
	CHECK_INT(raw_int("SELECT mismatch * 100 + fp * 10 + fn FROM gold_scores"), 111);
	bx_training_feedback_free(&f);
	bx_training_feedback_free(&f); /* twice is harmless */
	bx_training_feedback_free(NULL);

	CASE("a production gold task");
	bx_store_user_set_qual(st, "bob", "qualified", "root", NOW, &err);
	CHECK_INT(bx_queue_claim(st, "bob", LEASE, NOW + 2, &c, &err), 0);
	CHECK_STR(c.image, "p1.png");
	pj = c.judgment;
	bx_answer_init(&a);
	CHECK_INT(bx_queue_submit(st, pj, c.token, &a, 3, NOW + 3, &err), 0);
	bx_claim_free(&c);
	CHECK_INT(bx_store_training_feedback(st, pj, "bob", &f, &err), BX_EPERM);
	CHECK(f.gold.n == 0 && f.gold_verdict == NULL);
	bx_store_close(st);
}

/* Feedback names the attribute that made a box of the right class a
 * mismatch, with the gold's value. */
static void
test_feedback_attribute(void)
{
	static const char *const tr[] = { "a1.png" };
	struct bx_store *st = fresh("fbattr.db");
	struct bx_training_feedback f;
	struct bx_claim c;
	struct bx_answer a;

	bx_store_user_add(st, "bob", "annotator", "root", NOW, &err);
	task(st, "a1.png");
	answer_put(st, 1, "{\"annotations\":[{\"class\":\"cat\",\"box\":[10,10,20,20],"
	    "\"attributes\":{\"pose\":\"sitting\"}},{\"class\":\"dog\",\"box\":[50,50,10,10]}]}");
	batch(st, "train", "training", 1, 0, tr, 1);
	CHECK_INT(bx_queue_claim(st, "bob", LEASE, NOW, &c, &err), 0);
	bx_answer_init(&a);
	bx_answer_from_json("{\"annotations\":[{\"class\":\"cat\",\"box\":[10,10,20,20],"
	    "\"attributes\":{\"pose\":\"lying\"}},{\"class\":\"cat\",\"box\":[50,50,10,10]}]}",
	    &a, &err);
	CHECK_INT(bx_queue_submit(st, c.judgment, c.token, &a, 3, NOW + 1, &err), 0);
	bx_answer_free(&a);
	/* The judgment's id as claimed: gold judgments are made by the claim,
	 * and each backend numbers them its own way. */
	if (bx_store_training_feedback(st, c.judgment, "bob", &f, &err) != 0) {
		CHECK_INT(bx_store_training_feedback(st, c.judgment, "bob", &f, &err), 0);
		bx_claim_free(&c);
		bx_store_close(st);
		return;
	}
	bx_claim_free(&c);
	CHECK_INT(f.lab_verdict[0], BX_V_MISMATCH);
	CHECK(f.lab_note[0] != NULL);
	CHECK_STR(f.lab_note[0] ? f.lab_note[0] : "", "pose: gold says sitting");
	/* a class mismatch: the view names the gold's class, no note */
	CHECK_INT(f.lab_verdict[1], BX_V_MISMATCH);
	CHECK(f.lab_note[1] == NULL);
	bx_training_feedback_free(&f);
	bx_store_close(st);
}

BX_TESTS(T(setup), T(test_peek), T(test_feedback), T(test_feedback_attribute))
