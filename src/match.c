/* match.c: optimal assignment between gold objects (rows) and a labeler's
 * objects (columns). Indices only, no coordinates: the caller turns
 * geometry into similarities. The allowed pairs form a bipartite graph whose
 * connected components are solved separately (an optimal assignment never
 * benefits from a forbidden pair), so a crowded image with mostly separate
 * objects costs little more than its pairwise similarities. */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "boxel/match.h"
#include "boxel/util.h"

struct bx_match_ws {
	/* component split */
	int *parent, *start, *order;
	int cap_nodes;
	int *rows, *cols, *sub;
	int cap_side;
	double *cost;
	size_t cap_cost;
	/* Hungarian, 1-based as in the textbook formulation */
	double *u, *v, *minv;
	int *p, *way;
	unsigned char *used;
	int cap_h;
};

struct bx_match_ws *
bx_match_ws_new(void)
{
	return bx_calloc(1, sizeof(struct bx_match_ws));
}

void
bx_match_ws_free(struct bx_match_ws *ws)
{
	if (ws == NULL)
		return;
	free(ws->parent);
	free(ws->start);
	free(ws->order);
	free(ws->rows);
	free(ws->cols);
	free(ws->sub);
	free(ws->cost);
	free(ws->u);
	free(ws->v);
	free(ws->minv);
	free(ws->p);
	free(ws->way);
	free(ws->used);
	free(ws);
}

static void
reserve_h(struct bx_match_ws *ws, int n)
{
	size_t sz;

	if (n + 1 <= ws->cap_h)
		return;
	ws->cap_h = 2 * (n + 1);
	sz = (size_t)ws->cap_h;
	ws->u = bx_realloc(ws->u, sz * sizeof(double));
	ws->v = bx_realloc(ws->v, sz * sizeof(double));
	ws->minv = bx_realloc(ws->minv, sz * sizeof(double));
	ws->p = bx_realloc(ws->p, sz * sizeof(int));
	ws->way = bx_realloc(ws->way, sz * sizeof(int));
	ws->used = bx_realloc(ws->used, sz);
}

void
bx_match_hungarian(struct bx_match_ws *ws, const double *a, int n, int m, int *row_out)
{
	double *u, *v, *minv, delta, cur;
	int *p, *way, i, j, i0, j0, j1;
	unsigned char *used;

	reserve_h(ws, n > m ? n : m);
	u = ws->u; v = ws->v; minv = ws->minv; p = ws->p; way = ws->way; used = ws->used;
	for (j = 0; j <= m; j++) {
		v[j] = 0;
		p[j] = 0;
	}
	for (i = 0; i <= n; i++)
		u[i] = 0;
	/* Add rows one at a time; each finds a shortest augmenting path in
	 * reduced costs (Dijkstra-like over columns), keeping u + v <= cost
	 * with equality on the assignment. */
	for (i = 1; i <= n; i++) {
		p[0] = i;
		j0 = 0;
		for (j = 0; j <= m; j++) {
			minv[j] = HUGE_VAL;
			used[j] = 0;
		}
		do {
			const double *row;

			used[j0] = 1;
			i0 = p[j0];
			row = a + (size_t)(i0 - 1) * (size_t)m;
			delta = HUGE_VAL;
			j1 = 0;
			for (j = 1; j <= m; j++) {
				if (used[j])
					continue;
				cur = row[j - 1] - u[i0] - v[j];
				if (cur < minv[j]) {
					minv[j] = cur;
					way[j] = j0;
				}
				if (minv[j] < delta) {
					delta = minv[j];
					j1 = j;
				}
			}
			if (j1 == 0) /* only with NaN costs, which callers never pass */
				break;
			for (j = 0; j <= m; j++) {
				if (used[j]) {
					u[p[j]] += delta;
					v[j] -= delta;
				} else {
					minv[j] -= delta;
				}
			}
			j0 = j1;
		} while (p[j0] != 0);
		do {
			j1 = way[j0];
			p[j0] = p[j1];
			j0 = j1;
		} while (j0 != 0);
	}
	for (i = 0; i < n; i++)
		row_out[i] = -1;
	for (j = 1; j <= m; j++)
		if (p[j] != 0)
			row_out[p[j] - 1] = j - 1;
}

static int
find(int *parent, int x)
{
	while (parent[x] != x) {
		parent[x] = parent[parent[x]];
		x = parent[x];
	}
	return x;
}

static void
reserve(struct bx_match_ws *ws, int nodes)
{
	if (nodes + 1 <= ws->cap_nodes)
		return;
	ws->cap_nodes = 2 * (nodes + 1);
	ws->parent = bx_realloc(ws->parent, (size_t)ws->cap_nodes * sizeof(int));
	ws->start = bx_realloc(ws->start, (size_t)ws->cap_nodes * sizeof(int));
	ws->order = bx_realloc(ws->order, (size_t)ws->cap_nodes * sizeof(int));
	ws->rows = bx_realloc(ws->rows, (size_t)ws->cap_nodes * sizeof(int));
	ws->cols = bx_realloc(ws->cols, (size_t)ws->cap_nodes * sizeof(int));
	ws->sub = bx_realloc(ws->sub, (size_t)ws->cap_nodes * sizeof(int));
}

static double
simval(const double *sim, int m, int i, int j)
{
	double s = sim[(size_t)i * (size_t)m + (size_t)j];

	return s > 1 ? 1 : s;
}

int
bx_match_assign(struct bx_match_ws *ws, const double *sim, int n, int m,
                int *row_out, int *col_out)
{
	int i, j, k, r, c, nodes = n + m, root, matched = 0, nr, nc, lo, hi, trans;
	double big;
	size_t need;

	for (i = 0; row_out && i < n; i++)
		row_out[i] = -1;
	for (j = 0; col_out && j < m; j++)
		col_out[j] = -1;
	if (n <= 0 || m <= 0)
		return 0;
	reserve(ws, nodes);
	for (k = 0; k < nodes; k++)
		ws->parent[k] = k;
	for (i = 0; i < n; i++) {
		const double *row = sim + (size_t)i * (size_t)m;

		for (j = 0; j < m; j++) {
			if (row[j] >= 0) {
				r = find(ws->parent, i);
				c = find(ws->parent, n + j);
				if (r != c)
					ws->parent[r] = c;
			}
		}
	}
	/* Group nodes by component root (counting sort). Singletons are
	 * nodes without allowed pairs: nothing to match. */
	memset(ws->start, 0, (size_t)(nodes + 1) * sizeof(int));
	for (k = 0; k < nodes; k++)
		ws->start[find(ws->parent, k) + 1]++;
	for (k = 0; k < nodes; k++)
		ws->start[k + 1] += ws->start[k];
	for (k = 0; k < nodes; k++)
		ws->sub[k] = ws->start[k];
	for (k = 0; k < nodes; k++)
		ws->order[ws->sub[find(ws->parent, k)]++] = k;

	for (root = 0; root < nodes; root++) {
		lo = ws->start[root];
		hi = ws->start[root + 1];
		if (hi - lo < 2)
			continue;
		nr = nc = 0;
		for (k = lo; k < hi; k++) {
			if (ws->order[k] < n)
				ws->rows[nr++] = ws->order[k];
			else
				ws->cols[nc++] = ws->order[k] - n;
		}
		if (nr == 1 && nc == 1) {
			i = ws->rows[0];
			j = ws->cols[0];
			if (row_out) row_out[i] = j;
			if (col_out) col_out[j] = i;
			matched++;
			continue;
		}
		/* Dense sub-problem, rows <= columns (transpose if needed).
		 * A forbidden pair costs more than all allowed pairs together,
		 * so the optimum first minimizes how many it uses. */
		trans = nr > nc;
		big = (double)(trans ? nc : nr) + 1;
		need = (size_t)nr * (size_t)nc;
		if (need > ws->cap_cost) {
			ws->cap_cost = 2 * need;
			ws->cost = bx_realloc(ws->cost, ws->cap_cost * sizeof(double));
		}
		for (r = 0; r < nr; r++) {
			for (c = 0; c < nc; c++) {
				double s = simval(sim, m, ws->rows[r], ws->cols[c]);
				double cost = s >= 0 ? 1 - s : big;

				if (trans)
					ws->cost[(size_t)c * (size_t)nr + (size_t)r] = cost;
				else
					ws->cost[(size_t)r * (size_t)nc + (size_t)c] = cost;
			}
		}
		if (!trans)
			bx_match_hungarian(ws, ws->cost, nr, nc, ws->sub);
		else
			bx_match_hungarian(ws, ws->cost, nc, nr, ws->sub);
		for (k = 0; k < (trans ? nc : nr); k++) {
			if (ws->sub[k] < 0)
				continue;
			r = trans ? ws->sub[k] : k;
			c = trans ? k : ws->sub[k];
			i = ws->rows[r];
			j = ws->cols[c];
			if (!(simval(sim, m, i, j) >= 0))
				continue;
			if (row_out) row_out[i] = j;
			if (col_out) col_out[j] = i;
			matched++;
		}
	}
	return matched;
}
