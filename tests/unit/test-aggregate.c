/* test-aggregate.c: majority vote, weighted majority and Dawid-Skene
 * (aggregate.c). The synthetic crowds are made here with known labeler
 * confusion (a fixed-seed generator, so every run is the same crowd); each
 * prints how much of the truth majority vote and Dawid-Skene recover. */
#include "harness.h"

#include "boxel/aggregate.h"
#include "boxel/err.h"

static unsigned long long rng_state;

static double
rnd(void)
{
	/* xorshift64*: plenty for drawing a crowd. */
	rng_state ^= rng_state >> 12;
	rng_state ^= rng_state << 25;
	rng_state ^= rng_state >> 27;
	return (double)((rng_state * 2685821657736338717ULL) >> 11) / 9007199254740992.0;
}

static int
draw(const double *p, int k)
{
	double r = rnd(), acc = 0;
	int c;

	for (c = 0; c < k - 1; c++) {
		acc += p[c];
		if (r < acc)
			return c;
	}
	return k - 1;
}

#define K 3
#define MAXL 12

/* A labeler: conf[t][v], the chance of saying v when the truth is t. */
struct labeler {
	double conf[K][K];
};

static void
symmetric(struct labeler *l, double acc)
{
	int t, v;

	for (t = 0; t < K; t++)
		for (v = 0; v < K; v++)
			l->conf[t][v] = t == v ? acc : (1 - acc) / (K - 1);
}

struct crowd {
	const char *name;
	int nitems, nlab, per_item;
	struct labeler lab[MAXL];
};

struct result {
	double mv, wmv, ds;
	double conf[MAXL][K][K]; /* Dawid-Skene's estimate */
	double acc[MAXL];        /* each labeler's true accuracy on the crowd */
};

static double
share_right(const int *got, const int *truth, int n)
{
	int i, right = 0;

	for (i = 0; i < n; i++)
		right += got[i] == truth[i];
	return (double)right / n;
}

static void
run_crowd(const struct crowd *cr, unsigned long long seed, struct result *r)
{
	int *truth = calloc((size_t)cr->nitems, sizeof *truth);
	int *got = calloc((size_t)cr->nitems, sizeof *got);
	struct bx_vote *votes = calloc((size_t)cr->nitems * (size_t)cr->per_item, sizeof *votes);
	int nright[MAXL] = { 0 }, nvote[MAXL] = { 0 };
	double w[MAXL], conf[MAXL * K * K];
	struct bx_agg a;
	int i, j, n = 0, used[MAXL], l, iters = 0;

	rng_state = seed;
	for (i = 0; i < cr->nitems; i++) {
		truth[i] = (int)(rnd() * K) % K;
		memset(used, 0, sizeof used);
		for (j = 0; j < cr->per_item; j++) {
			do
				l = (int)(rnd() * cr->nlab) % cr->nlab;
			while (used[l]);
			used[l] = 1;
			votes[n].item = i;
			votes[n].labeler = l;
			votes[n].cls = draw(cr->lab[l].conf[truth[i]], K);
			nright[l] += votes[n].cls == truth[i];
			nvote[l]++;
			n++;
		}
	}
	a.nitems = cr->nitems;
	a.nlabelers = cr->nlab;
	a.nclasses = K;
	a.votes = votes;
	a.nvotes = n;
	for (l = 0; l < cr->nlab; l++) {
		r->acc[l] = nvote[l] ? (double)nright[l] / nvote[l] : 0;
		w[l] = bx_agg_weight(r->acc[l], K);
	}
	CHECK_INT(bx_agg_majority(&a, NULL, got), 0);
	r->mv = share_right(got, truth, cr->nitems);
	CHECK_INT(bx_agg_majority(&a, w, got), 0);
	r->wmv = share_right(got, truth, cr->nitems);
	CHECK_INT(bx_agg_dawid_skene(&a, 200, got, NULL, conf, &iters), 0);
	r->ds = share_right(got, truth, cr->nitems);
	memcpy(r->conf, conf, sizeof conf);
	printf("crowd %-28s items %d, %d votes each: majority %.3f, gold-weighted %.3f, "
	    "Dawid-Skene %.3f (%+.1f points, %d rounds)\n", cr->name, cr->nitems, cr->per_item,
	    r->mv, r->wmv, r->ds, 100 * (r->ds - r->mv), iters);
	free(truth);
	free(got);
	free(votes);
}

/* Three experts (0.85) among six spammers who answer at random, five
 * votes per item: the majority is often the spammers'; Dawid-Skene learns
 * that a spammer's vote says nothing (rows of 1/3) and follows the
 * experts. */
static void
test_spammers(void)
{
	static struct crowd cr = { "3 experts, 6 spammers", 2000, 9, 5, { { { { 0 } } } } };
	struct result r;
	double err;
	int l, t, v;

	for (l = 0; l < 9; l++)
		symmetric(&cr.lab[l], l < 3 ? 0.85 : 1.0 / K);
	CASE("spammers");
	run_crowd(&cr, 42, &r);
	CHECK_MSG(r.ds >= r.mv + 0.05, "DS %.3f, MV %.3f", r.ds, r.mv);
	CHECK_MSG(r.wmv >= r.mv + 0.03, "weighted %.3f, MV %.3f", r.wmv, r.mv);
	/* The confusion DS estimated is near the one the crowd was made with
	 * (on average: with 2000 items EM leaves a few entries 0.1 off), and
	 * tells experts (diagonal 0.85) from spammers (1/3) every time. */
	for (l = 0, err = 0; l < 9; l++)
		for (t = 0; t < K; t++) {
			for (v = 0; v < K; v++)
				err += fabs(r.conf[l][t][v] - cr.lab[l].conf[t][v]);
			CHECK_MSG(l < 3 ? r.conf[l][t][t] > 0.65 : r.conf[l][t][t] < 0.5,
			    "labeler %d, class %d: diagonal %.3f", l, t, r.conf[l][t][t]);
		}
	err /= 9 * K * K;
	printf("  mean error of the estimated confusion entries: %.3f\n", err);
	CHECK_MSG(err < 0.05, "mean error %.3f", err);
}

/* Five labelers at 0.7, two of whom call class 0 class 1 four times in
 * five: the majority follows the biased pair whenever one other errs the
 * same way; Dawid-Skene reads a biased "1" as probably 0. */
static void
test_biased(void)
{
	static struct crowd cr = { "2 of 5 biased 0 -> 1", 2000, 5, 5, { { { { 0 } } } } };
	struct result r;
	int l;

	for (l = 0; l < 5; l++)
		symmetric(&cr.lab[l], 0.7);
	for (l = 3; l < 5; l++) {
		cr.lab[l].conf[0][0] = 0.15;
		cr.lab[l].conf[0][1] = 0.8;
		cr.lab[l].conf[0][2] = 0.05;
	}
	CASE("biased");
	run_crowd(&cr, 7, &r);
	CHECK_MSG(r.ds >= r.mv + 0.03, "DS %.3f, MV %.3f", r.ds, r.mv);
}

/* Identical symmetric labelers, everyone votes on everything: the
 * majority is already the Bayes decision, so DS can only match it (up to
 * sampling noise in the confusion it estimates). */
static void
test_homogeneous(void)
{
	static struct crowd cr = { "5 alike at 0.7", 2000, 5, 5, { { { { 0 } } } } };
	struct result r;
	int l;

	for (l = 0; l < 5; l++)
		symmetric(&cr.lab[l], 0.7);
	CASE("homogeneous");
	run_crowd(&cr, 99, &r);
	CHECK_MSG(r.ds >= r.mv - 0.01, "DS %.3f, MV %.3f", r.ds, r.mv);
	CHECK_MSG(r.mv > 0.8, "MV %.3f", r.mv); /* 5 votes at 0.7, 3 classes: about 0.87 */
}

static void
test_small(void)
{
	/* item 0: 0, 1 (tie: 0); item 1: 2, 2, 1; item 2: no votes */
	static const struct bx_vote v[] = {
		{ 0, 0, 0 }, { 0, 1, 1 }, { 1, 0, 2 }, { 1, 1, 2 }, { 1, 2, 1 },
	};
	static const struct bx_vote bad[] = { { 0, 0, 3 } };
	struct bx_agg a = { 3, 3, 3, v, 5 };
	double w[3] = { 0, 1, 5 };
	int out[3];

	CASE("majority: tie to the smallest class, no votes -1");
	CHECK_INT(bx_agg_majority(&a, NULL, out), 0);
	CHECK_INT(out[0], 0);
	CHECK_INT(out[1], 2);
	CHECK_INT(out[2], -1);
	CASE("weighted: labeler 2 outweighs two others");
	CHECK_INT(bx_agg_majority(&a, w, out), 0);
	CHECK_INT(out[0], 1);
	CHECK_INT(out[1], 1);
	CASE("Dawid-Skene: unvoted item -1, unanimous kept");
	CHECK_INT(bx_agg_dawid_skene(&a, 50, out, NULL, NULL, NULL), 0);
	CHECK_INT(out[2], -1);
	CHECK_INT(out[1], 2);
	CASE("a vote out of range");
	a.votes = bad;
	a.nvotes = 1;
	CHECK_INT(bx_agg_majority(&a, NULL, out), BX_EINVAL);
	CHECK_INT(bx_agg_dawid_skene(&a, 50, out, NULL, NULL, NULL), BX_EINVAL);
	CASE("weights");
	CHECK_NEAR(bx_agg_weight(1.0 / 3, 3), 0, 1e-12);  /* chance: nothing */
	CHECK_NEAR(bx_agg_weight(0.1, 3), 0, 1e-12);      /* worse: clamped */
	CHECK_NEAR(bx_agg_weight(0.8, 3), log(8), 1e-12); /* 0.8 x 2 / 0.2 */
}

BX_TESTS(T(test_small), T(test_spammers), T(test_biased), T(test_homogeneous))
