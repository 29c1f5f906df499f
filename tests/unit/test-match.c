/* test-match.c: the Hungarian algorithm and the assignment rule (most
 * allowed pairs, then largest total similarity), on matrices where greedy
 * picking would be wrong. Negative similarity = forbidden pair. */
#include "boxel/match.h"
#include "boxel/util.h"
#include "harness.h"

#define X -1.0

static void
test_hungarian(void)
{
	/* Rows 0..2 to columns: 0->1 (1), 1->0 (2), 2->2 (2): total 5, the
	 * only assignment of cost 5 (check all 6 permutations by hand:
	 * 4+0+2=6, 4+5+2=11, 1+2+2=5, 1+5+3=9, 3+2+2=7, 3+0+3=6). */
	static const double cost[] = { 4, 1, 3, 2, 0, 5, 3, 2, 2 };
	/* 2 x 3: row 0 -> col 2 (1), row 1 -> col 0 (1) */
	static const double rect[] = { 5, 4, 1, 1, 6, 7 };
	struct bx_match_ws *ws = bx_match_ws_new();
	int row[3];

	CASE("3x3 textbook");
	bx_match_hungarian(ws, cost, 3, 3, row);
	CHECK_INT(row[0], 1);
	CHECK_INT(row[1], 0);
	CHECK_INT(row[2], 2);
	CASE("2x3");
	bx_match_hungarian(ws, rect, 2, 3, row);
	CHECK_INT(row[0], 2);
	CHECK_INT(row[1], 0);
	bx_match_ws_free(ws);
}

static void
test_assign(void)
{
	static const struct {
		const char *name;
		int n, m;
		double sim[16];
		int rows[4];
		int count;
	} cases[] = {
		/* greedy takes 0.9 and strands row 1; optimal matches both */
		{ "greedy would match one", 2, 2, { 0.9, 0.6, 0.8, X }, { 1, 0 }, 2 },
		/* same count: 0.8 + 0.85 = 1.65 beats 0.9 + 0.1 = 1.0 */
		{ "greedy would lose IoU", 2, 2, { 0.9, 0.8, 0.85, 0.1 }, { 1, 0 }, 2 },
		/* two pairs of total 1.0 beat one pair of 1.0 */
		{ "more pairs beat more IoU", 2, 2, { 1.0, 0.5, 0.5, X }, { 1, 0 }, 2 },
		/* two pairs 0.5 + 0.5 = 1.0 beat one pair of 0.99 */
		{ "count first", 2, 2, { 0.99, 0.5, 0.5, X }, { 1, 0 }, 2 },
		{ "one row, three columns", 1, 3, { 0.6, 0.9, 0.7 }, { 1 }, 1 },
		{ "three rows, one column", 3, 1, { 0.6, 0.9, 0.7 }, { -1, 0, -1 }, 1 },
		{ "all forbidden", 2, 2, { X, X, X, X }, { -1, -1 }, 0 },
		{ "NaN is forbidden", 1, 2, { NAN, 0.7 }, { 1 }, 1 },
		{ "similarity 0 is still allowed", 1, 1, { 0 }, { 0 }, 1 },
		/* two components {r0,r1,c0,c1} and {r2,r3,c2,c3}, each a trap */
		{ "two components", 4, 4,
		  { 0.9, 0.6, X, X,
		    0.8, X,   X, X,
		    X,   X,   0.7, 0.9,
		    X,   X,   X,   0.8 }, { 1, 0, 2, 3 }, 4 },
		/* 3 rows, 2 cols: row 2 is the only one for col 1, rows 0/1 compete for col 0 */
		{ "rectangular trap", 3, 2, { 0.9, X, 0.95, X, 0.5, 0.6 }, { -1, 0, 1 }, 2 },
	};
	struct bx_match_ws *ws = bx_match_ws_new();
	int rows[4], cols[4], i, k;
	size_t c;

	for (c = 0; c < BX_ARRAY_LEN(cases); c++) {
		CASE(cases[c].name);
		CHECK_INT(bx_match_assign(ws, cases[c].sim, cases[c].n, cases[c].m, rows, cols),
		    cases[c].count);
		for (i = 0; i < cases[c].n; i++)
			CHECK_INT(rows[i], cases[c].rows[i]);
		/* cols is the inverse of rows */
		for (k = 0; k < cases[c].m; k++)
			if (cols[k] >= 0)
				CHECK_INT(rows[cols[k]], k);
	}
	CASE("empty sides");
	CHECK_INT(bx_match_assign(ws, NULL, 0, 3, NULL, cols), 0);
	CHECK_INT(cols[0], -1);
	CHECK_INT(bx_match_assign(ws, NULL, 2, 0, rows, NULL), 0);
	CHECK_INT(rows[1], -1);
	bx_match_ws_free(ws);
}

static void
test_reuse(void)
{
	/* One workspace across growing and shrinking problems. */
	struct bx_match_ws *ws = bx_match_ws_new();
	double sim[40 * 40];
	int rows[40], i, j, n;

	for (n = 1; n <= 40; n += 13) {
		/* diagonal 0.9, neighbours 0.6: the identity is optimal */
		for (i = 0; i < n; i++)
			for (j = 0; j < n; j++)
				sim[i * n + j] = i == j ? 0.9 : (i - j == 1 || j - i == 1) ? 0.6 : X;
		CASE("banded");
		CHECK_INT(bx_match_assign(ws, sim, n, n, rows, NULL), n);
		for (i = 0; i < n; i++)
			CHECK_INT(rows[i], i);
	}
	bx_match_ws_free(ws);
}

BX_TESTS(T(test_hungarian), T(test_assign), T(test_reuse))
