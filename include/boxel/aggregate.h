/* aggregate.h: one class per item out of many labelers' votes, across a
 * whole set of items (aggregate.c): majority vote, majority weighted by
 * each labeler's record, and Dawid-Skene (EM over one confusion matrix per
 * labeler). Pure: no store, no I/O. Classes and labelers are small ints
 * the caller maps to names. */
#ifndef BOXEL_AGGREGATE_H
#define BOXEL_AGGREGATE_H

/* One vote: labeler `labeler` said item `item` is class `cls`. */
struct bx_vote {
	int item, labeler, cls;
};

struct bx_agg {
	int nitems, nlabelers, nclasses;
	const struct bx_vote *votes; /* borrowed for the call */
	int nvotes;
};

/* Majority vote: out[i] = the class with the largest summed weight among
 * item i's votes (weights NULL: 1 each); ties: the smallest class; an item
 * without votes: -1. Returns 0, or BX_EINVAL for a vote out of range. */
int bx_agg_majority(const struct bx_agg *a, const double *weights, int *out);

/* The weight a labeler's vote gets from their gold accuracy acc over a
 * classes: the log-odds of a correct vote against one given wrong class,
 * log(acc (k - 1) / (1 - acc)), the optimal weight when errors are
 * spread evenly (Nitzan & Paroush 1982); acc is clamped to [1/k, 0.99],
 * so a labeler at chance or worse counts 0, a perfect one about 4.6 + log(k-1). */
double bx_agg_weight(double acc, int k);

/* Dawid-Skene (1979). E-step: the posterior of item i's true class c is
 * prior[c] * prod over its votes (labeler l said v) of pi_l[c][v];
 * M-step: prior and each labeler's confusion pi_l from the posteriors
 * (with add-alpha smoothing, alpha = 0.01, so a class a labeler never saw
 * does not zero the product). Starts from the majority vote's soft
 * counts; stops when no posterior moves by more than 1e-7 or after
 * max_iter rounds. out[i]: the most probable class (ties: the smallest;
 * no votes: -1). post_out (nitems x nclasses) and confusion_out
 * (nlabelers x nclasses x nclasses, row = true class) may be NULL.
 * *iters_out (may be NULL): rounds run. */
int bx_agg_dawid_skene(const struct bx_agg *a, int max_iter, int *out, double *post_out,
                       double *confusion_out, int *iters_out);

#endif
