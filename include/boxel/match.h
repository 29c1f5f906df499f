/* match.h: optimal one-to-one assignment between two lists (gold rows,
 * labeler columns) from a similarity matrix. Pure; no allocation once the
 * workspace has grown to the largest problem seen.
 *
 * The result is what scipy.optimize.linear_sum_assignment gives on the cost
 * 1 - sim with forbidden pairs made prohibitively expensive, keeping only
 * allowed pairs: the most allowed pairs possible and, among assignments with
 * that many, the largest total similarity. Ties may be broken differently. */
#ifndef BOXEL_MATCH_H
#define BOXEL_MATCH_H

struct bx_match_ws;
struct bx_match_ws *bx_match_ws_new(void);
void bx_match_ws_free(struct bx_match_ws *ws);

/* sim is n x m, row-major: sim[i * m + j] in [0, 1] for an allowed pair,
 * negative (or NaN) for a forbidden one. Fills row_out[i] with the matched
 * column or -1 and col_out[j] with the matched row or -1 (either may be
 * NULL) and returns the number of matched pairs. n or m may be 0. */
int bx_match_assign(struct bx_match_ws *ws, const double *sim, int n, int m,
                    int *row_out, int *col_out);

/* The Hungarian algorithm (Kuhn-Munkres with potentials, O(n^2 m)) on a
 * dense n x m cost matrix with n <= m: assigns every row, row_out[i] = its
 * column. Exposed for tests and the benchmark. */
void bx_match_hungarian(struct bx_match_ws *ws, const double *cost, int n, int m, int *row_out);

#endif
