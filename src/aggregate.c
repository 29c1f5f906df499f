/* aggregate.c: majority vote, weighted majority and Dawid-Skene over a
 * set of items (aggregate.h). Works on small ints only; the posteriors are
 * kept in log space during the E-step, since a product of a few dozen
 * probabilities under 0.1 leaves the range of a double's normal numbers. */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "boxel/aggregate.h"
#include "boxel/err.h"
#include "boxel/util.h"

#define DS_ALPHA 0.01
#define DS_EPS 1e-7

static int
check_votes(const struct bx_agg *a)
{
	int v;

	if (a->nitems < 0 || a->nlabelers < 0 || a->nclasses < 1 || a->nvotes < 0)
		return BX_EINVAL;
	for (v = 0; v < a->nvotes; v++) {
		const struct bx_vote *x = &a->votes[v];
		if (x->item < 0 || x->item >= a->nitems || x->labeler < 0 ||
		    x->labeler >= a->nlabelers || x->cls < 0 || x->cls >= a->nclasses)
			return BX_EINVAL;
	}
	return 0;
}

/* Summed weight per (item, class): tally[i * k + c]. */
static double *
tally(const struct bx_agg *a, const double *weights)
{
	size_t k = (size_t)a->nclasses;
	double *t = bx_calloc((size_t)a->nitems * k + 1, sizeof *t);
	int v;

	for (v = 0; v < a->nvotes; v++) {
		const struct bx_vote *x = &a->votes[v];
		t[(size_t)x->item * k + (size_t)x->cls] += weights ? weights[x->labeler] : 1;
	}
	return t;
}

/* The largest of row[0..k); ties: the smallest index. */
static int
argmax(const double *row, int k)
{
	int c, best = 0;

	for (c = 1; c < k; c++)
		if (row[c] > row[best])
			best = c;
	return best;
}

int
bx_agg_majority(const struct bx_agg *a, const double *weights, int *out)
{
	double *t;
	int *nv, i, v;

	if (check_votes(a) < 0)
		return BX_EINVAL;
	t = tally(a, weights);
	nv = bx_calloc((size_t)a->nitems + 1, sizeof *nv);
	for (v = 0; v < a->nvotes; v++)
		nv[a->votes[v].item]++;
	for (i = 0; i < a->nitems; i++)
		out[i] = nv[i] ? argmax(t + (size_t)i * (size_t)a->nclasses, a->nclasses) : -1;
	free(nv);
	free(t);
	return 0;
}

double
bx_agg_weight(double acc, int k)
{
	double lo = k > 1 ? 1.0 / k : 0.5;

	if (k < 2)
		k = 2;
	if (!(acc >= lo))
		acc = lo;
	if (acc > 0.99)
		acc = 0.99;
	return log(acc * (k - 1) / (1 - acc));
}

/* M-step: prior[c] and pi[l][c][v] from the posteriors. */
static void
ds_mstep(const struct bx_agg *a, const double *post, const int *nv, double *prior, double *pi)
{
	size_t k = (size_t)a->nclasses, l, c, v;
	double sum, n = 0;
	int i, x;

	for (c = 0; c < k; c++)
		prior[c] = DS_ALPHA;
	for (i = 0; i < a->nitems; i++) {
		if (nv[i] == 0)
			continue;
		for (c = 0; c < k; c++)
			prior[c] += post[(size_t)i * k + c];
		n += 1;
	}
	for (c = 0; c < k; c++)
		prior[c] /= n + DS_ALPHA * (double)k;
	for (l = 0; l < (size_t)a->nlabelers * k * k; l++)
		pi[l] = DS_ALPHA;
	for (x = 0; x < a->nvotes; x++) {
		const struct bx_vote *vt = &a->votes[x];
		for (c = 0; c < k; c++)
			pi[((size_t)vt->labeler * k + c) * k + (size_t)vt->cls] +=
			    post[(size_t)vt->item * k + c];
	}
	for (l = 0; l < (size_t)a->nlabelers; l++)
		for (c = 0; c < k; c++) {
			double *row = pi + (l * k + c) * k;
			for (sum = 0, v = 0; v < k; v++)
				sum += row[v];
			for (v = 0; v < k; v++)
				row[v] /= sum;
		}
}

/* E-step: the posteriors from prior and pi; returns the largest change. */
static double
ds_estep(const struct bx_agg *a, const int *nv, const double *prior, const double *pi,
         double *lp, double *post)
{
	size_t k = (size_t)a->nclasses, c;
	double m, sum, d, delta = 0;
	int i, x;

	for (i = 0; i < a->nitems; i++)
		for (c = 0; c < k; c++)
			lp[(size_t)i * k + c] = log(prior[c]);
	for (x = 0; x < a->nvotes; x++) {
		const struct bx_vote *vt = &a->votes[x];
		for (c = 0; c < k; c++)
			lp[(size_t)vt->item * k + c] +=
			    log(pi[((size_t)vt->labeler * k + c) * k + (size_t)vt->cls]);
	}
	for (i = 0; i < a->nitems; i++) {
		double *row = lp + (size_t)i * k;
		if (nv[i] == 0)
			continue;
		for (m = row[0], c = 1; c < k; c++)
			m = fmax(m, row[c]);
		for (sum = 0, c = 0; c < k; c++)
			sum += exp(row[c] - m);
		for (c = 0; c < k; c++) {
			double p = exp(row[c] - m) / sum;
			d = fabs(p - post[(size_t)i * k + c]);
			delta = fmax(delta, d);
			post[(size_t)i * k + c] = p;
		}
	}
	return delta;
}

int
bx_agg_dawid_skene(const struct bx_agg *a, int max_iter, int *out, double *post_out,
                   double *confusion_out, int *iters_out)
{
	size_t k = (size_t)a->nclasses, c;
	double *post, *lp, *prior, *pi, sum;
	int *nv, i, v, it = 0;

	if (check_votes(a) < 0 || max_iter < 0)
		return BX_EINVAL;
	nv = bx_calloc((size_t)a->nitems + 1, sizeof *nv);
	for (v = 0; v < a->nvotes; v++)
		nv[a->votes[v].item]++;
	/* Start: the majority vote's shares per item. */
	post = tally(a, NULL);
	for (i = 0; i < a->nitems; i++) {
		double *row = post + (size_t)i * k;
		for (sum = 0, c = 0; c < k; c++)
			sum += row[c];
		for (c = 0; c < k; c++)
			row[c] = sum > 0 ? row[c] / sum : 1.0 / (double)k;
	}
	lp = bx_malloc(((size_t)a->nitems * k + 1) * sizeof *lp);
	prior = bx_malloc(k * sizeof *prior);
	pi = bx_malloc(((size_t)a->nlabelers * k * k + 1) * sizeof *pi);
	while (it < max_iter) {
		it++;
		ds_mstep(a, post, nv, prior, pi);
		if (ds_estep(a, nv, prior, pi, lp, post) < DS_EPS)
			break;
	}
	if (it == 0)
		ds_mstep(a, post, nv, prior, pi);
	for (i = 0; i < a->nitems; i++)
		out[i] = nv[i] ? argmax(post + (size_t)i * k, a->nclasses) : -1;
	if (post_out)
		memcpy(post_out, post, (size_t)a->nitems * k * sizeof *post);
	if (confusion_out)
		memcpy(confusion_out, pi, (size_t)a->nlabelers * k * k * sizeof *pi);
	if (iters_out)
		*iters_out = it;
	free(nv);
	free(post);
	free(lp);
	free(prior);
	free(pi);
	return 0;
}
