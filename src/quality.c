/* quality.c: scoring a labeler's objects against gold objects: pairwise
 * similarity (geometry.c), two-pass class-aware matching (match.c), and the
 * TP / M / FP / FN counts and ratios. Image pixels, as in annot.h. */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "boxel/err.h"
#include "boxel/geometry.h"
#include "boxel/match.h"
#include "boxel/quality.h"
#include "boxel/shape-math.h"
#include "boxel/geom.h"
#include "boxel/taxonomy.h"
#include "boxel/util.h"

enum { KIND_NONE, KIND_AREA, KIND_POINT, KIND_TAG, KIND_LINE, KIND_KPTS };

/* Per-object facts computed once per scoring call. */
struct qinfo {
	int kind;
	int ok;               /* finite coordinates */
	double area;
	double x0, y0, x1, y1; /* bounding box */
	struct bx_shape shape;
	struct bx_pt corners[BX_GEOM_RING_MAX]; /* a box's 4, or the kind's ring */
};

struct bx_quality_ws {
	struct bx_geom_ws *g;
	struct bx_match_ws *m;
	struct qinfo *info;
	int cap_info;
	double *sim, *sim2;
	size_t cap_sim, cap_sim2;
	int *gm, *lm, *grow, *lcol, *rowm;
	int cap_idx;
	struct bx_qobj *objs;
	int cap_objs;
};

void
bx_score_opts_default(struct bx_score_opts *o)
{
	o->iou = BX_IOU_DEFAULT;
	o->point_radius = BX_POINT_RADIUS_DEFAULT;
	o->line_thickness = BX_LINE_THICKNESS_DEFAULT;
	o->sigmas = NULL;
	o->nsigmas = 0;
}

struct bx_kpt_sigmas *
bx_kpt_sigmas_of(const struct bx_taxonomy *t, int *n_out)
{
	struct bx_kpt_sigmas *s = NULL;
	int i, n = 0;

	for (i = 0; t != NULL && i < t->nclasses; i++) {
		if (t->classes[i].nkpts <= 0 || t->classes[i].sigmas == NULL)
			continue;
		s = bx_realloc(s, (size_t)(n + 1) * sizeof *s);
		s[n++] = (struct bx_kpt_sigmas){ t->classes[i].name, t->classes[i].sigmas,
		                                 t->classes[i].nkpts };
	}
	*n_out = n;
	return s;
}

void
bx_score_add(struct bx_score *sum, const struct bx_score *s)
{
	sum->tp += s->tp;
	sum->mismatch += s->mismatch;
	sum->fp += s->fp;
	sum->fn += s->fn;
	sum->iou_n += s->iou_n;
	sum->iou_sum += s->iou_sum;
	sum->tag_right += s->tag_right;
	sum->tag_wrong += s->tag_wrong;
}

static int
ratio(double num, double den, double *out)
{
	if (!(den > 0))
		return 0;
	*out = num / den;
	return 1;
}

int
bx_score_precision(const struct bx_score *s, double *out)
{
	return ratio((double)s->tp, (double)(s->tp + s->mismatch + s->fp), out);
}

int
bx_score_recall(const struct bx_score *s, double *out)
{
	return ratio((double)s->tp, (double)(s->tp + s->mismatch + s->fn), out);
}

int
bx_score_accuracy(const struct bx_score *s, double *out)
{
	return ratio((double)s->tp, (double)(s->tp + s->mismatch + s->fp + s->fn), out);
}

int
bx_score_mean_iou(const struct bx_score *s, double *out)
{
	return ratio(s->iou_sum, (double)s->iou_n, out);
}

int
bx_score_f1(const struct bx_score *s, double *out)
{
	return ratio(2.0 * (double)s->tp,
	    2.0 * (double)s->tp + 2.0 * (double)s->mismatch + (double)s->fp + (double)s->fn, out);
}

struct bx_quality_ws *
bx_quality_ws_new(void)
{
	struct bx_quality_ws *ws = bx_calloc(1, sizeof *ws);

	ws->g = bx_geom_ws_new();
	ws->m = bx_match_ws_new();
	return ws;
}

void
bx_quality_ws_free(struct bx_quality_ws *ws)
{
	if (ws == NULL)
		return;
	bx_geom_ws_free(ws->g);
	bx_match_ws_free(ws->m);
	free(ws->info);
	free(ws->sim);
	free(ws->sim2);
	free(ws->gm);
	free(ws->lm);
	free(ws->grow);
	free(ws->lcol);
	free(ws->rowm);
	free(ws->objs);
	free(ws);
}

void
bx_qobj_from_annot(struct bx_qobj *o, const struct bx_annot *an)
{
	const struct bx_geom_kind *k = bx_geom_kind(an->geom);

	memset(o, 0, sizeof *o);
	o->geom = an->geom;
	o->cls = an->cls;
	o->attrs = &an->attrs;
	switch (k != NULL ? k->form : BX_FORM_NONE) {
	case BX_FORM_RBOX:
		o->angle = an->angle;
		/* fall through */
	case BX_FORM_BOX:
		o->x = an->x;
		o->y = an->y;
		o->w = an->w;
		o->h = an->h;
		break;
	case BX_FORM_POINTS:
		o->pts = an->pts;
		o->npts = an->npts;
		break;
	case BX_FORM_RINGS:
		o->pts = an->pts;
		o->npts = an->npts;
		o->ring_end = an->ring_end;
		o->nrings = an->nrings;
		break;
	case BX_FORM_KPTS:
		o->pts = an->pts;
		o->npts = an->npts;
		o->vis = an->vis;
		break;
	case BX_FORM_POINT:
		if (an->npts >= 1) {
			o->x = an->pts[0].x;
			o->y = an->pts[0].y;
		} else {
			o->x = an->x;
			o->y = an->y;
		}
		break;
	case BX_FORM_NONE:
		break;
	}
}

/* What is compared comes from the kind's family; how its outline is read
 * from its form. */
static void
info_fill(struct qinfo *q, const struct bx_qobj *o, struct bx_geom_ws *g)
{
	const struct bx_geom_kind *k = bx_geom_kind(o->geom);
	int i;

	memset(q, 0, sizeof *q);
	q->ok = 1;
	q->kind = KIND_NONE;
	if (k == NULL)
		return;
	if (k->family == BX_FAM_AREA && k->form == BX_FORM_BOX) {
		q->kind = KIND_AREA;
		bx_box_ring(o->x, o->y, o->w, o->h, q->corners);
		q->shape.pts = q->corners;
		q->shape.npts = 4;
		q->ok = isfinite(o->x) && isfinite(o->y) && isfinite(o->w) && isfinite(o->h);
		q->x0 = q->corners[0].x;
		q->y0 = q->corners[0].y;
		q->x1 = q->corners[2].x;
		q->y1 = q->corners[2].y;
		q->area = q->ok ? (q->x1 - q->x0) * (q->y1 - q->y0) : 0;
		if (!isfinite(q->area))
			q->ok = 0, q->area = 0;
	} else if (k->family == BX_FAM_AREA && k->ring != NULL) {
		/* The kind's ring (a rotated box's 4 corners: exact; an
		 * ellipse's 64 vertices of its own area: geom.h). */
		int nr;

		q->kind = KIND_AREA;
		q->ok = isfinite(o->x) && isfinite(o->y) && isfinite(o->w) && isfinite(o->h) &&
		        isfinite(o->angle);
		nr = k->ring(o->x, o->y, o->w, o->h, o->angle, q->corners);
		q->shape.pts = q->corners;
		q->shape.npts = nr;
		q->x0 = q->x1 = q->corners[0].x;
		q->y0 = q->y1 = q->corners[0].y;
		for (i = 1; i < nr; i++) {
			q->x0 = fmin(q->x0, q->corners[i].x);
			q->x1 = fmax(q->x1, q->corners[i].x);
			q->y0 = fmin(q->y0, q->corners[i].y);
			q->y1 = fmax(q->y1, q->corners[i].y);
		}
		q->area = o->measured ? o->area : q->ok ? bx_shape_area(g, &q->shape) : 0;
		if (!isfinite(q->area))
			q->ok = 0, q->area = 0;
	} else if (k->family == BX_FAM_AREA) {
		q->kind = KIND_AREA;
		q->shape.pts = o->pts;
		q->shape.npts = o->npts;
		/* a cuboid: its hull, not its vertex list */
		if (k->outline != NULL && o->pts != NULL && o->npts > 0 &&
		    o->npts < BX_GEOM_RING_MAX) {
			q->shape.npts = k->outline(o->pts, o->npts, q->corners);
			q->shape.pts = q->corners;
		}
		q->shape.ring_end = o->ring_end;
		q->shape.nrings = o->nrings;
		if (o->npts <= 0 || o->pts == NULL) {
			q->ok = 0;
			return;
		}
		q->x0 = q->x1 = o->pts[0].x;
		q->y0 = q->y1 = o->pts[0].y;
		for (i = 0; i < o->npts; i++) {
			if (!isfinite(o->pts[i].x) || !isfinite(o->pts[i].y))
				q->ok = 0;
			q->x0 = fmin(q->x0, o->pts[i].x);
			q->x1 = fmax(q->x1, o->pts[i].x);
			q->y0 = fmin(q->y0, o->pts[i].y);
			q->y1 = fmax(q->y1, o->pts[i].y);
		}
		q->area = o->measured ? o->area : q->ok ? bx_shape_area(g, &q->shape) : 0;
	} else if (k->family == BX_FAM_POINT) {
		q->kind = KIND_POINT;
		q->ok = isfinite(o->x) && isfinite(o->y);
	} else if (k->family == BX_FAM_TAG) {
		q->kind = KIND_TAG;
	} else if (k->family == BX_FAM_KPTS) {
		q->kind = KIND_KPTS;
		q->ok = o->npts > 0 && o->pts != NULL && o->vis != NULL;
		for (i = 0; q->ok && i < o->npts; i++)
			if (!isfinite(o->pts[i].x) || !isfinite(o->pts[i].y))
				q->ok = 0;
	} else if (k->family == BX_FAM_LINE) {
		q->kind = KIND_LINE;
		q->ok = o->npts > 0 && o->pts != NULL && k->similarity != NULL;
		for (i = 0; q->ok && i < o->npts; i++)
			if (!isfinite(o->pts[i].x) || !isfinite(o->pts[i].y))
				q->ok = 0;
	}
}

static int
is_box(enum bx_geom g)
{
	const struct bx_geom_kind *k = bx_geom_kind(g);

	return k != NULL && k->form == BX_FORM_BOX && k->family == BX_FAM_AREA;
}

/* COCO's per-point sigmas of its 17 person keypoints (pycocotools), and
 * what a point of another skeleton gets: their mean, rounded. Used only
 * when the options carry no sigmas for the gold's class (boxel score
 * without --taxonomy, a class the taxonomy no longer has). */
static const double coco_person_sigmas[17] = {
	.026, .025, .025, .035, .035, .079, .079, .072, .072, .062, .062, .107, .107, .087, .087,
	.089, .089,
};
#define DEFAULT_SIGMA 0.067

/* The sigmas of gold class cls's n points: the class's own when the
 * options list it with n points, else COCO's defaults. */
static const double *
class_sigmas(const struct bx_score_opts *o, const char *cls, int n)
{
	int i;

	for (i = 0; cls != NULL && i < o->nsigmas; i++)
		if (o->sigmas[i].n == n && strcmp(o->sigmas[i].cls, cls) == 0)
			return o->sigmas[i].sigma;
	return NULL;
}

/* OKS of skeleton b against gold a (COCO's computeOks), with the sigmas of
 * a's class: the area is that of the box of a's labeled points, as COCO's
 * own keypoint-only objects have it when no segmentation gives one. */
static double
skeleton_oks(const struct bx_qobj *a, const struct bx_qobj *b, const struct bx_score_opts *o)
{
	struct bx_kpt ga[64], gb[64];
	double sig[64], x0 = HUGE_VAL, y0 = HUGE_VAL, x1 = -HUGE_VAL, y1 = -HUGE_VAL;
	const double *own;
	int i, n = a->npts;

	if (a->npts != b->npts || n > 64)
		return 0;
	own = class_sigmas(o, a->cls, n);
	for (i = 0; i < n; i++) {
		ga[i] = (struct bx_kpt){ a->pts[i].x, a->pts[i].y, a->vis[i] };
		gb[i] = (struct bx_kpt){ b->pts[i].x, b->pts[i].y, b->vis[i] };
		sig[i] = own ? own[i] : n == 17 ? coco_person_sigmas[i] : DEFAULT_SIGMA;
		if (a->vis[i] > 0) {
			x0 = fmin(x0, a->pts[i].x);
			y0 = fmin(y0, a->pts[i].y);
			x1 = fmax(x1, a->pts[i].x);
			y1 = fmax(y1, a->pts[i].y);
		}
	}
	if (x0 > x1)
		return 0;
	return bx_oks(ga, gb, sig, n, (x1 - x0) * (y1 - y0), NULL);
}

/* Similarity of a pair, or -1 when they may not be matched. */
static double
pair_sim(struct bx_geom_ws *g, const struct bx_qobj *a, const struct qinfo *qa,
         const struct bx_qobj *b, const struct qinfo *qb, const struct bx_score_opts *o)
{
	double iou;

	if (qa->kind != qb->kind || qa->kind == KIND_NONE || !qa->ok || !qb->ok)
		return -1;
	switch (qa->kind) {
	case KIND_TAG:
		return 1;
	case KIND_POINT: {
		struct bx_pt p = { a->x, a->y }, q = { b->x, b->y };

		return bx_point_sim(p, q, o->point_radius);
	}
	case KIND_KPTS:
		iou = skeleton_oks(a, b, o);
		return iou >= o->iou ? iou : -1;
	case KIND_LINE:
		/* Kinds of one line family compare by the first's measure. */
		iou = bx_geom_kind(a->geom)->similarity(a->pts, a->npts, b->pts, b->npts,
		    o->line_thickness);
		return iou >= o->iou ? iou : -1;
	case KIND_AREA:
		if (is_box(a->geom) && is_box(b->geom)) {
			iou = bx_box_iou(a->x, a->y, a->w, a->h, b->x, b->y, b->w, b->h);
		} else if (a->geom == b->geom && bx_geom_kind(a->geom)->iou_same != NULL) {
			const double fa[5] = { a->x, a->y, a->w, a->h, a->angle };
			const double fb[5] = { b->x, b->y, b->w, b->h, b->angle };

			iou = bx_geom_kind(a->geom)->iou_same(fa, fb);
		} else if (qa->area == 0 && qb->area == 0) {
			iou = a->geom == b->geom ? bx_shape_iou(g, &qa->shape, &qb->shape) : 0;
		} else if (qa->x1 <= qb->x0 || qb->x1 <= qa->x0 ||
		           qa->y1 <= qb->y0 || qb->y1 <= qa->y0) {
			iou = 0;
		} else {
			iou = bx_iou_from_areas(bx_shape_inter_area(g, &qa->shape, &qb->shape),
			    qa->area, qb->area);
		}
		return iou >= o->iou ? iou : -1;
	}
	return -1;
}

static int
same_class(const char *a, const char *b)
{
	return strcmp(a ? a : "", b ? b : "") == 0;
}

static int
same_attrs(const struct bx_attrs *a, const struct bx_attrs *b)
{
	static const struct bx_attrs none = { NULL, 0 };

	return bx_attrs_equal(a ? a : &none, b ? b : &none);
}

static void *
grow_to(void *p, size_t *cap, size_t need, size_t elem)
{
	if (need <= *cap)
		return p;
	*cap = need < 16 ? 16 : 2 * need;
	return bx_realloc(p, *cap * elem);
}

static void
reserve_idx(struct bx_quality_ws *ws, int n)
{
	if (n <= ws->cap_idx)
		return;
	ws->cap_idx = 2 * n + 16;
	ws->gm = bx_realloc(ws->gm, (size_t)ws->cap_idx * sizeof(int));
	ws->lm = bx_realloc(ws->lm, (size_t)ws->cap_idx * sizeof(int));
	ws->grow = bx_realloc(ws->grow, (size_t)ws->cap_idx * sizeof(int));
	ws->lcol = bx_realloc(ws->lcol, (size_t)ws->cap_idx * sizeof(int));
	ws->rowm = bx_realloc(ws->rowm, (size_t)ws->cap_idx * sizeof(int));
}

static int
opts_ok(const struct bx_score_opts *o)
{
	return o != NULL && o->iou > 0 && o->iou <= 1 && o->point_radius >= 0 &&
	    isfinite(o->point_radius);
}

void
bx_qobj_measure(struct bx_quality_ws *ws, struct bx_qobj *o)
{
	struct qinfo q;

	o->measured = 0;
	info_fill(&q, o, ws->g);
	o->area = q.area;
	o->measured = 1;
}

double
bx_qobj_sim(struct bx_quality_ws *ws, const struct bx_qobj *a, const struct bx_qobj *b,
            const struct bx_score_opts *o)
{
	struct qinfo qa, qb;

	info_fill(&qa, a, ws->g);
	info_fill(&qb, b, ws->g);
	return pair_sim(ws->g, a, &qa, b, &qb, o);
}

int
bx_score_objs(struct bx_quality_ws *ws, const struct bx_qobj *gold, int ng,
              const struct bx_qobj *lab, int nl, const struct bx_score_opts *o,
              struct bx_score *out, struct bx_score_detail *d)
{
	int i, j, r, c, nr, nc, tags = 0, tags_bad = 0;
	size_t nm;
	double *sim;

	memset(out, 0, sizeof *out);
	if (!opts_ok(o))
		return BX_EINVAL;
	if (ng < 0 || nl < 0)
		return BX_EINVAL;
	if ((double)ng * (double)nl > BX_SCORE_MAX_PAIRS)
		return BX_ELIMIT;
	if (ng + nl > ws->cap_info) {
		ws->cap_info = 2 * (ng + nl) + 16;
		ws->info = bx_realloc(ws->info, (size_t)ws->cap_info * sizeof(struct qinfo));
	}
	for (i = 0; i < ng; i++)
		info_fill(&ws->info[i], &gold[i], ws->g);
	for (j = 0; j < nl; j++)
		info_fill(&ws->info[ng + j], &lab[j], ws->g);
	reserve_idx(ws, ng > nl ? ng : nl);

	/* All pairwise similarities once; pass 1 reads them through the
	 * class filter, pass 2 through the leftovers. */
	nm = (size_t)ng * (size_t)nl;
	ws->sim = grow_to(ws->sim, &ws->cap_sim, nm, sizeof(double));
	ws->sim2 = grow_to(ws->sim2, &ws->cap_sim2, nm, sizeof(double));
	sim = ws->sim;
	for (i = 0; i < ng; i++)
		for (j = 0; j < nl; j++)
			sim[(size_t)i * nl + j] = pair_sim(ws->g, &gold[i], &ws->info[i],
			    &lab[j], &ws->info[ng + j], o);

	for (i = 0; i < ng; i++)
		for (j = 0; j < nl; j++)
			ws->sim2[(size_t)i * nl + j] = same_class(gold[i].cls, lab[j].cls) ?
			    sim[(size_t)i * nl + j] : -1;
	bx_match_assign(ws->m, ws->sim2, ng, nl, ws->gm, ws->lm);

	/* Pass 2: the leftovers, any class. */
	nr = nc = 0;
	for (i = 0; i < ng; i++)
		if (ws->gm[i] < 0)
			ws->grow[nr++] = i;
	for (j = 0; j < nl; j++)
		if (ws->lm[j] < 0)
			ws->lcol[nc++] = j;
	if (nr > 0 && nc > 0) {
		for (r = 0; r < nr; r++)
			for (c = 0; c < nc; c++)
				ws->sim2[(size_t)r * nc + c] = sim[(size_t)ws->grow[r] * nl + ws->lcol[c]];
		bx_match_assign(ws->m, ws->sim2, nr, nc, ws->rowm, NULL);
		for (r = 0; r < nr; r++) {
			if (ws->rowm[r] < 0)
				continue;
			ws->gm[ws->grow[r]] = ws->lcol[ws->rowm[r]];
			ws->lm[ws->lcol[ws->rowm[r]]] = ws->grow[r];
		}
	}

	for (i = 0; i < ng; i++) {
		enum bx_verdict v;

		j = ws->gm[i];
		if (j < 0) {
			v = BX_V_FN;
			out->fn++;
		} else if (same_class(gold[i].cls, lab[j].cls) &&
		           same_attrs(gold[i].attrs, lab[j].attrs)) {
			v = BX_V_TP;
			out->tp++;
		} else {
			v = BX_V_MISMATCH;
			out->mismatch++;
		}
		if (j >= 0 && ws->info[i].kind == KIND_AREA) {
			out->iou_n++;
			out->iou_sum += sim[(size_t)i * nl + j];
		}
		if (ws->info[i].kind == KIND_TAG) {
			tags = 1;
			tags_bad |= v != BX_V_TP;
		}
		if (d && d->gold_match)
			d->gold_match[i] = j;
		if (d && d->gold_sim)
			d->gold_sim[i] = j >= 0 ? sim[(size_t)i * nl + j] : 0;
		if (d && d->gold_verdict)
			d->gold_verdict[i] = v;
	}
	for (j = 0; j < nl; j++) {
		enum bx_verdict v;

		i = ws->lm[j];
		if (i < 0) {
			v = BX_V_FP;
			out->fp++;
		} else {
			v = same_class(gold[i].cls, lab[j].cls) &&
			    same_attrs(gold[i].attrs, lab[j].attrs) ? BX_V_TP : BX_V_MISMATCH;
		}
		if (ws->info[ng + j].kind == KIND_TAG) {
			tags = 1;
			tags_bad |= v != BX_V_TP;
		}
		if (d && d->lab_match)
			d->lab_match[j] = i;
		if (d && d->lab_verdict)
			d->lab_verdict[j] = v;
	}
	if (tags) {
		if (tags_bad)
			out->tag_wrong = 1;
		else
			out->tag_right = 1;
	}
	return 0;
}

int
bx_score_answer(struct bx_quality_ws *ws, const struct bx_answer *gold,
                const struct bx_answer *lab, const struct bx_score_opts *o,
                struct bx_score *out, struct bx_score_detail *d)
{
	int i, rc, n = gold->n + lab->n;

	if (n > ws->cap_objs) {
		ws->cap_objs = 2 * n + 16;
		ws->objs = bx_realloc(ws->objs, (size_t)ws->cap_objs * sizeof(struct bx_qobj));
	}
	for (i = 0; i < gold->n; i++)
		bx_qobj_from_annot(&ws->objs[i], &gold->a[i]);
	for (i = 0; i < lab->n; i++)
		bx_qobj_from_annot(&ws->objs[gold->n + i], &lab->a[i]);
	if ((rc = bx_score_objs(ws, ws->objs, gold->n, ws->objs + gold->n, lab->n, o, out, d)) < 0)
		return rc;
	bx_score_globals(&gold->global, &lab->global, 0, out);
	return 0;
}

/* A global attribute is judged only where the reference says something:
 * a key the labeler set and gold did not is no error (the gold may simply
 * predate the attribute); symmetric adds it as FP, for agreement, where
 * neither side is the reference. */
void
bx_score_globals(const struct bx_attrs *gold, const struct bx_attrs *lab, int symmetric,
                 struct bx_score *out)
{
	const struct bx_value *v;
	int i;

	for (i = 0; i < gold->n; i++) {
		if ((v = bx_attrs_get(lab, gold->a[i].key)) == NULL)
			out->fn++;
		else if (bx_value_equal(v, &gold->a[i].v))
			out->tp++;
		else
			out->mismatch++;
	}
	for (i = 0; symmetric && i < lab->n; i++)
		if (bx_attrs_get(gold, lab->a[i].key) == NULL)
			out->fp++;
}
