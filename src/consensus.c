/* consensus.c: one answer out of several labelers' answers to a task
 * (clusters by IoU, quorum, mean box / medoid polygon, majority class), the
 * task's agreement (mean pairwise F1), and Krippendorff's alpha for nominal
 * image classes. Image pixels; rules are spelled out in quality.h. */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "boxel/codec.h"
#include "boxel/err.h"
#include "boxel/match.h"
#include "boxel/quality.h"
#include "boxel/geom.h"
#include "boxel/util.h"

struct cons {
	int n;                  /* judgments */
	const double *weight;   /* judgment k's vote weight, or NULL: 1 each */
	struct bx_qobj *obj;    /* every annotation of every judgment */
	int *start;             /* judgment k's objects: obj[start[k] .. start[k+1]) */
	int *member;            /* cluster c, judgment k: object index or -1 */
	int nclusters, cap;
};

/* Objects with a place in the image (not image classes). */
static int
is_geom(enum bx_geom g)
{
	const struct bx_geom_kind *k = bx_geom_kind(g);

	return k != NULL && k->family != BX_FAM_TAG && k->family != BX_FAM_NONE;
}

static int *
cluster_row(struct cons *cs, int c)
{
	return cs->member + (size_t)c * (size_t)cs->n;
}

static int
new_cluster(struct cons *cs)
{
	int k;

	if (cs->nclusters == cs->cap) {
		cs->cap = cs->cap ? 2 * cs->cap : 16;
		cs->member = bx_realloc(cs->member, (size_t)cs->cap * (size_t)cs->n * sizeof(int));
	}
	for (k = 0; k < cs->n; k++)
		cluster_row(cs, cs->nclusters)[k] = -1;
	return cs->nclusters++;
}

/* Kinds that may share a cluster: those of one family (boxes with
 * polygons, points with points). */
static int
kind(enum bx_geom g)
{
	const struct bx_geom_kind *k = bx_geom_kind(g);

	return k != NULL ? (int)k->family : 0;
}

static void
cluster(struct bx_quality_ws *ws, struct cons *cs, const struct bx_score_opts *o)
{
	struct bx_match_ws *mw = bx_match_ws_new();
	double *sim = NULL, s, sum;
	int *rowm = NULL, k, i, c, q, cnt, no, nc, ok, c0;
	size_t cap = 0, need;

	for (k = 0; k < cs->n; k++) {
		no = cs->start[k + 1] - cs->start[k];
		nc = cs->nclusters;
		need = (size_t)no * (size_t)nc + 1;
		if (need > cap) {
			cap = 2 * need;
			sim = bx_realloc(sim, cap * sizeof(double));
		}
		rowm = bx_realloc(rowm, (size_t)(no + 1) * sizeof(int));
		for (i = 0; i < no; i++) {
			const struct bx_qobj *a = &cs->obj[cs->start[k] + i];

			for (c = 0; c < nc; c++) {
				ok = is_geom(a->geom);
				sum = 0;
				cnt = 0;
				for (q = 0; ok && q < k; q++) {
					int m = cluster_row(cs, c)[q];

					if (m < 0)
						continue;
					if (kind(cs->obj[m].geom) != kind(a->geom)) {
						ok = 0;
						break;
					}
					s = bx_qobj_sim(ws, a, &cs->obj[m], o);
					if (s < 0)
						ok = 0;
					sum += s;
					cnt++;
				}
				sim[(size_t)i * nc + c] = ok && cnt > 0 ? sum / cnt : -1;
			}
		}
		bx_match_assign(mw, sim, no, nc, rowm, NULL);
		for (i = 0; i < no; i++) {
			if (!is_geom(cs->obj[cs->start[k] + i].geom))
				continue;
			c0 = rowm[i] >= 0 ? rowm[i] : new_cluster(cs);
			cluster_row(cs, c0)[k] = cs->start[k] + i;
		}
	}
	free(sim);
	free(rowm);
	bx_match_ws_free(mw);
}

/* The class with the largest summed vote weight among a cluster's
 * members (weights NULL: the most frequent); ties: smallest by strcmp. */
static const char *
majority_class(const struct cons *cs, const int *row)
{
	const char *best = NULL, *ci, *cj;
	double bestn = -1, cnt;
	int i, j;

	for (i = 0; i < cs->n; i++) {
		if (row[i] < 0)
			continue;
		ci = cs->obj[row[i]].cls ? cs->obj[row[i]].cls : "";
		cnt = 0;
		for (j = 0; j < cs->n; j++) {
			if (row[j] < 0)
				continue;
			cj = cs->obj[row[j]].cls ? cs->obj[row[j]].cls : "";
			if (strcmp(ci, cj) == 0)
				cnt += cs->weight ? cs->weight[j] : 1;
		}
		if (cnt > bestn + 1e-12 || (fabs(cnt - bestn) <= 1e-12 && strcmp(ci, best) < 0)) {
			best = ci;
			bestn = cnt;
		}
	}
	return best ? best : "";
}

static void
emit_cluster(struct bx_quality_ws *ws, const struct cons *cs,
             const struct bx_answer *const *j, const int *row,
             const struct bx_score_opts *o, struct bx_answer *out)
{
	const char *cls = majority_class(cs, row);
	const struct bx_annot *src = NULL, *attr_src = NULL;
	const struct bx_annot **m = bx_malloc(sizeof *m * (size_t)(cs->n > 0 ? cs->n : 1));
	const struct bx_geom_kind *gk;
	struct bx_annot an;
	int k, q, same = 1, n = 0, best = -1, idx;
	double s, bests = -1;

	/* Find each member's annotation: object index -> (judgment, slot). */
	for (k = 0; k < cs->n; k++) {
		const struct bx_annot *a;

		if (row[k] < 0)
			continue;
		a = &j[k]->a[row[k] - cs->start[k]];
		if (attr_src == NULL && strcmp(a->cls ? a->cls : "", cls) == 0)
			attr_src = a;
		if (src != NULL && a->geom != src->geom)
			same = 0;
		m[n++] = a;
		if (src == NULL)
			src = a;
	}
	gk = bx_geom_kind(src->geom);
	/* Members all of one kind that can be averaged are; anything else
	 * (polygons, mixed kinds) keeps its medoid. */
	if (same && gk != NULL && gk->average != NULL) {
		bx_annot_copy(&an, src);
		gk->average(&an, m, n);
	} else {
		/* Medoid: highest mean IoU to the other members (complete
		 * linkage keeps every pair above the threshold). */
		for (k = 0; k < cs->n; k++) {
			if (row[k] < 0)
				continue;
			s = 0;
			for (q = 0; q < cs->n; q++)
				if (q != k && row[q] >= 0)
					s += fmax(0, bx_qobj_sim(ws, &cs->obj[row[k]], &cs->obj[row[q]], o));
			if (s > bests) {
				bests = s;
				best = k;
			}
		}
		bx_annot_copy(&an, &j[best]->a[row[best] - cs->start[best]]);
	}
	free(an.cls);
	an.cls = bx_strdup(cls);
	bx_attrs_free(&an.attrs);
	if (attr_src != NULL)
		bx_attrs_copy(&an.attrs, &attr_src->attrs);
	an.flags = 0;
	an.score = 0;
	idx = bx_answer_add(out, &an);
	(void)idx;
	bx_annot_free(&an);
	free(m);
}

void
bx_consensus_free(struct bx_consensus *c)
{
	if (c == NULL)
		return;
	bx_answer_free(&c->answer);
	free(c->member);
	c->member = NULL;
}

static int
cmp_cstr(const void *a, const void *b)
{
	return strcmp(*(const char *const *)a, *(const char *const *)b);
}

/* Image classes: a class is kept when at least quorum judgments have it;
 * attributes from the first judgment that has it. */
static void
emit_tags(const struct bx_answer *const *j, int n, int quorum, struct bx_answer *out)
{
	const char **names = NULL;
	int total = 0, k, i, u, cnt, q;

	for (k = 0; k < n; k++)
		for (i = 0; i < j[k]->n; i++)
			total += j[k]->a[i].geom == BX_GEOM_TAG;
	if (total == 0)
		return;
	names = bx_malloc(sizeof(char *) * (size_t)total);
	total = 0;
	for (k = 0; k < n; k++)
		for (i = 0; i < j[k]->n; i++)
			if (j[k]->a[i].geom == BX_GEOM_TAG)
				names[total++] = j[k]->a[i].cls ? j[k]->a[i].cls : "";
	qsort(names, (size_t)total, sizeof(char *), cmp_cstr);
	for (u = 0; u < total; u = q) {
		for (q = u; q < total && strcmp(names[q], names[u]) == 0; q++)
			;
		/* Judgments that have the class (a judgment counts once). */
		cnt = 0;
		for (k = 0; k < n; k++) {
			for (i = 0; i < j[k]->n; i++)
				if (j[k]->a[i].geom == BX_GEOM_TAG &&
				    strcmp(j[k]->a[i].cls ? j[k]->a[i].cls : "", names[u]) == 0)
					break;
			cnt += i < j[k]->n;
		}
		if (cnt < quorum)
			continue;
		for (k = 0; k < n; k++) {
			for (i = 0; i < j[k]->n; i++) {
				if (j[k]->a[i].geom == BX_GEOM_TAG &&
				    strcmp(j[k]->a[i].cls ? j[k]->a[i].cls : "", names[u]) == 0) {
					struct bx_annot an;

					bx_annot_copy(&an, &j[k]->a[i]);
					an.flags = 0;
					an.score = 0;
					bx_answer_add(out, &an);
					bx_annot_free(&an);
					break;
				}
			}
			if (i < j[k]->n)
				break;
		}
	}
	free(names);
}

/* F1 of one pair of judgments' objects. Global attributes stay out: every
 * judgment carries each one (defaults filled), so they would lift every
 * pair's F1 alike and hide disagreement about the objects; they have their
 * own alpha (bx_kalpha_globals). */
static double
pair_f1(struct bx_quality_ws *ws, const struct bx_qobj *a, int na, const struct bx_qobj *b,
        int nb, const struct bx_score_opts *o)
{
	struct bx_score s;
	double f1;

	bx_score_objs(ws, a, na, b, nb, o, &s, NULL);
	return bx_score_f1(&s, &f1) ? f1 : 1;
}

/* Global (per-image) attributes: each key any judgment sets takes the value
 * with the largest summed vote weight among the judgments that set it
 * (weights NULL: the most judgments; ties: the first in judgment order),
 * so a required one such as a scene is never lost, not even when every
 * voter weighs 0. */
static void
emit_globals(const struct bx_answer *const *j, int n, const double *weight,
             struct bx_answer *out)
{
	const struct bx_value *v, *w, *best;
	const char *key;
	int k, i, m, c;
	double cnt, bestcnt;

	for (k = 0; k < n; k++)
		for (i = 0; i < j[k]->global.n; i++) {
			key = j[k]->global.a[i].key;
			if (bx_attrs_get(&out->global, key) != NULL)
				continue; /* decided at its first judgment */
			best = &j[k]->global.a[i].v;
			bestcnt = -1;
			for (m = k; m < n; m++) {
				if ((v = bx_attrs_get(&j[m]->global, key)) == NULL)
					continue;
				for (c = k, cnt = 0; c < n; c++)
					if ((w = bx_attrs_get(&j[c]->global, key)) != NULL &&
					    bx_value_equal(w, v))
						cnt += weight ? weight[c] : 1;
				if (cnt > bestcnt) {
					best = v;
					bestcnt = cnt;
				}
			}
			bx_attrs_set(&out->global, key, best);
		}
}

int
bx_consensus_run(struct bx_quality_ws *ws, const struct bx_answer *const *j, int n,
                 int quorum, const struct bx_score_opts *o, struct bx_consensus *out)
{
	return bx_consensus_run_weighted(ws, j, NULL, n, quorum, o, out);
}

int
bx_consensus_run_weighted(struct bx_quality_ws *ws, const struct bx_answer *const *j,
                          const double *weights, int n, int quorum,
                          const struct bx_score_opts *o, struct bx_consensus *out)
{
	struct cons cs;
	struct bx_qobj *geo;
	int *gstart, k, i, total = 0, c, cnt, a, b;
	double f1sum = 0;

	memset(out, 0, sizeof *out);
	bx_answer_init(&out->answer);
	out->agreement = 1;
	if (n < 0 || o == NULL || !(o->iou > 0 && o->iou <= 1))
		return BX_EINVAL;
	if (n == 0)
		return 0;
	if (quorum <= 0)
		quorum = n / 2 + 1;

	memset(&cs, 0, sizeof cs);
	cs.n = n;
	cs.weight = weights;
	for (k = 0; k < n; k++)
		total += j[k]->n;
	cs.obj = bx_malloc(sizeof(struct bx_qobj) * (size_t)(total + 1));
	cs.start = bx_malloc(sizeof(int) * (size_t)(n + 1));
	geo = bx_malloc(sizeof(struct bx_qobj) * (size_t)(total + 1));
	gstart = bx_malloc(sizeof(int) * (size_t)(n + 1));
	total = 0;
	cnt = 0;
	for (k = 0; k < n; k++) {
		cs.start[k] = total;
		gstart[k] = cnt;
		for (i = 0; i < j[k]->n; i++) {
			/* Measured once here, not at each of its comparisons. */
			bx_qobj_from_annot(&cs.obj[total], &j[k]->a[i]);
			bx_qobj_measure(ws, &cs.obj[total]);
			if (is_geom(j[k]->a[i].geom))
				geo[cnt++] = cs.obj[total];
			total++;
		}
	}
	cs.start[n] = total;
	gstart[n] = cnt;

	cluster(ws, &cs, o);
	out->nclusters = cs.nclusters;
	for (c = 0; c < cs.nclusters; c++) {
		const int *row = cluster_row(&cs, c);

		for (k = 0, cnt = 0; k < n; k++)
			cnt += row[k] >= 0;
		if (cnt < quorum)
			continue;
		emit_cluster(ws, &cs, j, row, o, &out->answer);
		out->member = bx_realloc(out->member,
		    sizeof(int) * (size_t)out->answer.n * (size_t)n);
		for (k = 0; k < n; k++)
			out->member[(size_t)(out->answer.n - 1) * n + k] =
			    row[k] >= 0 ? row[k] - cs.start[k] : -1;
	}
	emit_tags(j, n, quorum, &out->answer);
	if (out->answer.n > 0) {
		out->member = bx_realloc(out->member,
		    sizeof(int) * (size_t)out->answer.n * (size_t)n);
		for (i = out->answer.n - 1; i >= 0 && out->answer.a[i].geom == BX_GEOM_TAG; i--)
			for (k = 0; k < n; k++)
				out->member[(size_t)i * n + k] = -1;
	}
	out->njudgments = n;
	emit_globals(j, n, weights, &out->answer);

	for (a = 0; a < n; a++) {
		for (b = a + 1; b < n; b++) {
			f1sum += pair_f1(ws, cs.obj + cs.start[a], cs.start[a + 1] - cs.start[a],
			    cs.obj + cs.start[b], cs.start[b + 1] - cs.start[b], o);
			out->npairs++;
			if (gstart[a + 1] > gstart[a] || gstart[b + 1] > gstart[b]) {
				out->geom_f1_sum += pair_f1(ws, geo + gstart[a], gstart[a + 1] - gstart[a],
				    geo + gstart[b], gstart[b + 1] - gstart[b], o);
				out->geom_pairs++;
			}
		}
	}
	out->agreement = out->npairs > 0 ? f1sum / out->npairs : 1;

	free(cs.obj);
	free(cs.start);
	free(cs.member);
	free(geo);
	free(gstart);
	return 0;
}

static int
cmp_int(const void *a, const void *b)
{
	int p = *(const int *)a, q = *(const int *)b;

	return (p > q) - (p < q);
}

int
bx_kalpha_nominal(const int *values, const int *unit_off, int nunits, double *alpha)
{
	int u, i, q, mu, cap = 0, *tmp = NULL, *all = NULL, nall = 0;
	double dobs = 0, n = 0, sumsq = 0, cnt, de;

	/* Observed disagreement: within each pairable unit, the share of
	 * ordered value pairs that differ, weighted 1/(m_u - 1) as in the
	 * coincidence matrix: (m_u^2 - sum_c n_uc^2) / (m_u - 1). */
	for (u = 0; u < nunits; u++) {
		mu = unit_off[u + 1] - unit_off[u];
		if (mu < 2)
			continue;
		if (mu > cap) {
			cap = 2 * mu;
			tmp = bx_realloc(tmp, sizeof(int) * (size_t)cap);
		}
		memcpy(tmp, values + unit_off[u], sizeof(int) * (size_t)mu);
		qsort(tmp, (size_t)mu, sizeof(int), cmp_int);
		cnt = 0;
		for (i = 0; i < mu; i = q) {
			for (q = i; q < mu && tmp[q] == tmp[i]; q++)
				;
			cnt += (double)(q - i) * (q - i);
		}
		dobs += ((double)mu * mu - cnt) / (mu - 1);
		n += mu;
		all = bx_realloc(all, sizeof(int) * (size_t)(nall + mu));
		memcpy(all + nall, tmp, sizeof(int) * (size_t)mu);
		nall += mu;
	}
	/* Expected disagreement from the pooled category totals n_c. */
	if (nall > 0)
		qsort(all, (size_t)nall, sizeof(int), cmp_int);
	for (i = 0; i < nall; i = q) {
		for (q = i; q < nall && all[q] == all[i]; q++)
			;
		sumsq += (double)(q - i) * (q - i);
	}
	free(tmp);
	free(all);
	de = n * n - sumsq;
	if (n < 2 || !(de > 0))
		return 0;
	*alpha = 1 - (n - 1) * dobs / de;
	return 1;
}

struct keyed {
	char *key;
	int idx;
};

static int
cmp_keyed(const void *a, const void *b)
{
	return strcmp(((const struct keyed *)a)->key, ((const struct keyed *)b)->key);
}

int
bx_kalpha_tags(const struct bx_answer *const *j, const int *unit_off, int nunits, double *alpha)
{
	int n = nunits > 0 ? unit_off[nunits] : 0, k, i, t, cat, r;
	struct keyed *keys = bx_malloc(sizeof(struct keyed) * (size_t)(n + 1));
	int *vals = bx_malloc(sizeof(int) * (size_t)(n + 1));
	const char **names = NULL;
	struct bx_buf b;

	/* A judgment's value is its sorted set of tag classes, as one string. */
	for (k = 0; k < n; k++) {
		names = bx_realloc(names, sizeof(char *) * (size_t)(j[k]->n + 1));
		for (i = 0, t = 0; i < j[k]->n; i++)
			if (j[k]->a[i].geom == BX_GEOM_TAG)
				names[t++] = j[k]->a[i].cls ? j[k]->a[i].cls : "";
		qsort(names, (size_t)t, sizeof(char *), cmp_cstr);
		bx_buf_init(&b);
		bx_buf_puts(&b, "");
		for (i = 0; i < t; i++) {
			if (i > 0 && strcmp(names[i], names[i - 1]) == 0)
				continue;
			bx_buf_puts(&b, names[i]);
			bx_buf_putc(&b, '\x1f');
		}
		keys[k].key = b.p;
		keys[k].idx = k;
	}
	qsort(keys, (size_t)n, sizeof(struct keyed), cmp_keyed);
	for (k = 0, cat = -1; k < n; k++) {
		if (k == 0 || strcmp(keys[k].key, keys[k - 1].key) != 0)
			cat++;
		vals[keys[k].idx] = cat;
	}
	r = bx_kalpha_nominal(vals, unit_off, nunits, alpha);
	for (k = 0; k < n; k++)
		free(keys[k].key);
	free(keys);
	free(vals);
	free(names);
	return r;
}

int
bx_kalpha_globals(const struct bx_answer *const *j, const int *unit_off, int nunits,
                  double *alpha)
{
	struct bx_attrs one = { 0 };
	struct keyed *keys = NULL;
	int *vals = NULL, *off, nv = 0, no = 0, u, k, i, m, cat, r;
	const struct bx_value *v;
	const char *key;

	/* Units are (task, key) for every key a judgment of the task sets; a
	 * value is the canonical JSON of {key: value}, so equal values compare
	 * equal whatever their type. A judgment without the key is a missing
	 * coder of that unit. */
	off = bx_malloc(sizeof(int));
	off[0] = 0;
	for (u = 0; u < nunits; u++)
		for (k = unit_off[u]; k < unit_off[u + 1]; k++)
			for (i = 0; i < j[k]->global.n; i++) {
				key = j[k]->global.a[i].key;
				for (m = unit_off[u]; m < k; m++)
					if (bx_attrs_get(&j[m]->global, key) != NULL)
						break;
				if (m < k)
					continue; /* the unit was made at judgment m */
				for (m = k; m < unit_off[u + 1]; m++) {
					if ((v = bx_attrs_get(&j[m]->global, key)) == NULL)
						continue;
					keys = bx_realloc(keys, sizeof *keys * (size_t)(nv + 1));
					bx_attrs_set(&one, key, v);
					keys[nv].key = bx_attrs_to_json(&one);
					keys[nv].idx = nv;
					bx_attrs_free(&one);
					nv++;
				}
				off = bx_realloc(off, sizeof(int) * (size_t)(no + 2));
				off[++no] = nv;
			}
	vals = bx_malloc(sizeof(int) * (size_t)(nv + 1));
	if (nv > 0)
		qsort(keys, (size_t)nv, sizeof(struct keyed), cmp_keyed);
	for (k = 0, cat = -1; k < nv; k++) {
		if (k == 0 || strcmp(keys[k].key, keys[k - 1].key) != 0)
			cat++;
		vals[keys[k].idx] = cat;
	}
	r = bx_kalpha_nominal(vals, off, no, alpha);
	for (k = 0; k < nv; k++)
		free(keys[k].key);
	free(keys);
	free(vals);
	free(off);
	return r;
}
