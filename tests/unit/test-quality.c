/* test-quality.c: TP / M / FP / FN counts, the same-class-first matching
 * order, points, image classes, attributes, ratios with zero denominators,
 * and summing. Expected counts are worked out in each case's comment. */
#include "boxel/err.h"
#include "boxel/quality.h"
#include "boxel/util.h"
#include "harness.h"

/* A tiny answer description: kind letter, class, x, y, w, h, optional
 * attribute "color" value. 'b' box, 'p' point (x, y), 'q' polygon (the box
 * x, y, w, h as a 4-vertex ring), 't' tag. */
struct obj {
	char kind;
	const char *cls;
	double x, y, w, h;
	const char *color;
};

#define MAXO 6
#define B(c, X, Y, W, H) { .kind = 'b', .cls = c, .x = X, .y = Y, .w = W, .h = H }
#define BA(c, X, Y, W, H, col) { .kind = 'b', .cls = c, .x = X, .y = Y, .w = W, .h = H, .color = col }
#define Q(c, X, Y, W, H) { .kind = 'q', .cls = c, .x = X, .y = Y, .w = W, .h = H }
#define P(c, X, Y) { .kind = 'p', .cls = c, .x = X, .y = Y }
#define TG(c) { .kind = 't', .cls = c }

static void
build(struct bx_answer *ans, const struct obj *o)
{
	struct bx_annot an;
	struct bx_pt pts[4];
	struct bx_value v;
	int i;

	bx_answer_init(ans);
	for (i = 0; i < MAXO && o[i].kind; i++) {
		memset(&an, 0, sizeof an);
		an.cls = (char *)o[i].cls;
		switch (o[i].kind) {
		case 'b':
			an.geom = BX_GEOM_BOX;
			an.x = o[i].x; an.y = o[i].y; an.w = o[i].w; an.h = o[i].h;
			break;
		case 'q':
			an.geom = BX_GEOM_POLYGON;
			pts[0] = (struct bx_pt){ o[i].x, o[i].y };
			pts[1] = (struct bx_pt){ o[i].x + o[i].w, o[i].y };
			pts[2] = (struct bx_pt){ o[i].x + o[i].w, o[i].y + o[i].h };
			pts[3] = (struct bx_pt){ o[i].x, o[i].y + o[i].h };
			an.pts = pts;
			an.npts = 4;
			break;
		case 'p':
			an.geom = BX_GEOM_POINT;
			pts[0] = (struct bx_pt){ o[i].x, o[i].y };
			an.pts = pts;
			an.npts = 1;
			break;
		case 't':
			an.geom = BX_GEOM_TAG;
			break;
		}
		bx_answer_add(ans, &an);
		if (o[i].color) {
			memset(&v, 0, sizeof v);
			v.type = BX_VAL_STR;
			v.str = (char *)o[i].color;
			bx_attrs_set(&ans->a[ans->n - 1].attrs, "color", &v);
		}
	}
}

static void
test_counts(void)
{
	static const struct {
		const char *name;
		struct obj gold[MAXO], lab[MAXO];
		long tp, m, fp, fn, iou_n;
		double iou_sum;
		long tag_right, tag_wrong;
	} cases[] = {
		{ "perfect",
		  { B("cat", 0, 0, 10, 10), B("dog", 50, 50, 10, 10) },
		  { B("dog", 50, 50, 10, 10), B("cat", 0, 0, 10, 10) },
		  2, 0, 0, 0, 2, 2.0, 0, 0 },
		{ "wrong class is a mismatch",
		  { B("cat", 0, 0, 10, 10) }, { B("dog", 0, 0, 10, 10) },
		  0, 1, 0, 0, 1, 1.0, 0, 0 },
		{ "wrong attribute is a mismatch",
		  { BA("cat", 0, 0, 10, 10, "red") }, { BA("cat", 0, 0, 10, 10, "blue") },
		  0, 1, 0, 0, 1, 1.0, 0, 0 },
		{ "missing attribute is a mismatch",
		  { BA("cat", 0, 0, 10, 10, "red") }, { B("cat", 0, 0, 10, 10) },
		  0, 1, 0, 0, 1, 1.0, 0, 0 },
		/* IoU 50/150 = 1/3 < 0.5: no match */
		{ "too little overlap",
		  { B("cat", 0, 0, 10, 10) }, { B("cat", 5, 0, 10, 10) },
		  0, 0, 1, 1, 0, 0, 0, 0 },
		/* IoU 50/100 = 0.5 exactly: matched (>=) */
		{ "threshold is inclusive",
		  { B("cat", 0, 0, 10, 10) }, { B("cat", 0, 0, 10, 5) },
		  1, 0, 0, 0, 1, 0.5, 0, 0 },
		/* Same class first: gold cat matches the labeler's cat (IoU
		 * 60/100 = 0.6), not the better-placed dog (IoU 1), which is FP.
		 * Matching on IoU alone would give M 1, FP 1. */
		{ "same class before better IoU",
		  { B("cat", 0, 0, 10, 10) },
		  { B("dog", 0, 0, 10, 10), B("cat", 0, 0, 10, 6) },
		  1, 0, 1, 0, 1, 0.6, 0, 0 },
		/* Pass 2 pairs leftovers of other classes: cat-dog and a TP. */
		{ "leftovers matched as mismatches",
		  { B("cat", 0, 0, 10, 10), B("car", 100, 100, 10, 10) },
		  { B("dog", 0, 0, 10, 10), B("car", 100, 100, 10, 10) },
		  1, 1, 0, 0, 2, 2.0, 0, 0 },
		{ "empty both", { { 0 } }, { { 0 } }, 0, 0, 0, 0, 0, 0, 0, 0 },
		{ "labeler found nothing",
		  { B("cat", 0, 0, 10, 10), P("eye", 5, 5) }, { { 0 } },
		  0, 0, 0, 2, 0, 0, 0, 0 },
		/* polygon with the box's corners: IoU 1 */
		{ "polygon against box",
		  { Q("cat", 0, 0, 10, 10) }, { B("cat", 0, 0, 10, 10) },
		  1, 0, 0, 0, 1, 1.0, 0, 0 },
		/* points: (3,4) is 5 px away (radius 10): TP, not in mean IoU;
		 * (30,0) is too far: FP and the gold point at (100,100) FN */
		{ "points by distance",
		  { P("eye", 0, 0), P("eye", 100, 100) },
		  { P("eye", 3, 4), P("eye", 30, 0) },
		  1, 0, 1, 1, 0, 0, 0, 0 },
		/* a point never matches a box, even inside it */
		{ "point against box",
		  { B("cat", 0, 0, 10, 10) }, { P("cat", 5, 5) },
		  0, 0, 1, 1, 0, 0, 0, 0 },
		{ "image class right",
		  { TG("day") }, { TG("day") }, 1, 0, 0, 0, 0, 0, 1, 0 },
		{ "image class wrong",
		  { TG("day") }, { TG("night") }, 0, 1, 0, 0, 0, 0, 0, 1 },
		/* multi-label: one right, one missing: the judgment's classes are wrong */
		{ "image classes partly right",
		  { TG("day"), TG("rain") }, { TG("day") }, 1, 0, 0, 1, 0, 0, 0, 1 },
		{ "tag and box together",
		  { TG("day"), B("cat", 0, 0, 10, 10) },
		  { B("cat", 0, 0, 10, 10), TG("day") }, 2, 0, 0, 0, 1, 1.0, 1, 0 },
	};
	struct bx_quality_ws *ws = bx_quality_ws_new();
	struct bx_score_opts o;
	struct bx_answer g, l;
	struct bx_score s;
	size_t i;

	bx_score_opts_default(&o);
	for (i = 0; i < BX_ARRAY_LEN(cases); i++) {
		CASE(cases[i].name);
		build(&g, cases[i].gold);
		build(&l, cases[i].lab);
		CHECK_INT(bx_score_answer(ws, &g, &l, &o, &s, NULL), 0);
		CHECK_INT(s.tp, cases[i].tp);
		CHECK_INT(s.mismatch, cases[i].m);
		CHECK_INT(s.fp, cases[i].fp);
		CHECK_INT(s.fn, cases[i].fn);
		CHECK_INT(s.iou_n, cases[i].iou_n);
		CHECK_NEAR(s.iou_sum, cases[i].iou_sum, 1e-12);
		CHECK_INT(s.tag_right, cases[i].tag_right);
		CHECK_INT(s.tag_wrong, cases[i].tag_wrong);
		bx_answer_free(&g);
		bx_answer_free(&l);
	}
	bx_quality_ws_free(ws);
}

static void
test_ratios(void)
{
	static const struct {
		const char *name;
		struct bx_score s;
		int p_def, r_def, a_def, f_def;
		double p, r, a, f;
	} cases[] = {
		/* TP 6, M 1, FP 1, FN 2: P 6/8, R 6/9, A 6/10, F1 12/(12+2+1+2) */
		{ "mixed", { 6, 1, 1, 2, 0, 0, 0, 0 }, 1, 1, 1, 1, 0.75, 6.0 / 9, 0.6, 12.0 / 17 },
		{ "nothing at all", { 0, 0, 0, 0, 0, 0, 0, 0 }, 0, 0, 0, 0, 0, 0, 0, 0 },
		/* gold empty, labeler drew 2: P 0/2 = 0, R 0/0 undefined */
		{ "only false positives", { 0, 0, 2, 0, 0, 0, 0, 0 }, 1, 0, 1, 1, 0, 0, 0, 0 },
		{ "only misses", { 0, 0, 0, 3, 0, 0, 0, 0 }, 0, 1, 1, 1, 0, 0, 0, 0 },
		{ "only mismatches", { 0, 2, 0, 0, 0, 0, 0, 0 }, 1, 1, 1, 1, 0, 0, 0, 0 },
	};
	double v;
	size_t i;

	for (i = 0; i < BX_ARRAY_LEN(cases); i++) {
		CASE(cases[i].name);
		v = -1;
		CHECK_INT(bx_score_precision(&cases[i].s, &v), cases[i].p_def);
		if (cases[i].p_def)
			CHECK_NEAR(v, cases[i].p, 1e-12);
		CHECK_INT(bx_score_recall(&cases[i].s, &v), cases[i].r_def);
		if (cases[i].r_def)
			CHECK_NEAR(v, cases[i].r, 1e-12);
		CHECK_INT(bx_score_accuracy(&cases[i].s, &v), cases[i].a_def);
		if (cases[i].a_def)
			CHECK_NEAR(v, cases[i].a, 1e-12);
		CHECK_INT(bx_score_f1(&cases[i].s, &v), cases[i].f_def);
		if (cases[i].f_def)
			CHECK_NEAR(v, cases[i].f, 1e-12);
	}
	CASE("mean IoU undefined without matches");
	CHECK_INT(bx_score_mean_iou(&cases[1].s, &v), 0);
}

static void
test_sum(void)
{
	/* Rolling windows sum counts: (1 TP of 1) + (0 TP of 3) gives
	 * accuracy 1/4, not the mean of ratios (1 + 0) / 2. */
	struct bx_score a = { 1, 0, 0, 0, 1, 0.8, 0, 0 }, b = { 0, 1, 1, 1, 1, 0.6, 1, 1 };
	struct bx_score sum = { 0 };
	double v;

	bx_score_add(&sum, &a);
	bx_score_add(&sum, &b);
	CHECK_INT(sum.tp, 1);
	CHECK_INT(sum.mismatch + sum.fp + sum.fn, 3);
	CHECK(bx_score_accuracy(&sum, &v));
	CHECK_NEAR(v, 0.25, 1e-12);
	CHECK(bx_score_mean_iou(&sum, &v));
	CHECK_NEAR(v, 0.7, 1e-12);
	CHECK_INT(sum.tag_right + sum.tag_wrong, 2);
}

static void
test_detail_and_opts(void)
{
	static const struct obj gold[MAXO] = {
		B("cat", 0, 0, 10, 10), B("dog", 50, 0, 10, 10), B("cow", 200, 0, 10, 10) };
	static const struct obj lab[MAXO] = {
		B("cat", 0, 0, 10, 8), B("cat", 50, 0, 10, 10), B("cow", 400, 0, 10, 10) };
	struct bx_quality_ws *ws = bx_quality_ws_new();
	struct bx_score_opts o;
	struct bx_answer g, l;
	struct bx_score s;
	int gm[3], lm[3];
	double gs[3];
	enum bx_verdict gv[3], lv[3];
	struct bx_score_detail d = { gm, lm, gs, gv, lv };

	bx_score_opts_default(&o);
	build(&g, gold);
	build(&l, lab);
	CASE("verdicts");
	CHECK_INT(bx_score_answer(ws, &g, &l, &o, &s, &d), 0);
	CHECK_INT(gm[0], 0);
	CHECK_INT(gv[0], BX_V_TP);
	CHECK_NEAR(gs[0], 0.8, 1e-12);
	CHECK_INT(gm[1], 1);
	CHECK_INT(gv[1], BX_V_MISMATCH);
	CHECK_INT(lv[1], BX_V_MISMATCH);
	CHECK_INT(gm[2], -1);
	CHECK_INT(gv[2], BX_V_FN);
	CHECK_INT(lm[2], -1);
	CHECK_INT(lv[2], BX_V_FP);
	CASE("a stricter threshold drops the 0.8 match");
	o.iou = 0.9;
	CHECK_INT(bx_score_answer(ws, &g, &l, &o, &s, &d), 0);
	CHECK_INT(s.tp, 0);
	CHECK_INT(s.mismatch, 1);
	CHECK_INT(s.fn, 2);
	CHECK_INT(s.fp, 2);
	CASE("bad options");
	o.iou = 0;
	CHECK_INT(bx_score_answer(ws, &g, &l, &o, &s, NULL), BX_EINVAL);
	o.iou = 1.5;
	CHECK_INT(bx_score_answer(ws, &g, &l, &o, &s, NULL), BX_EINVAL);
	o.iou = NAN;
	CHECK_INT(bx_score_answer(ws, &g, &l, &o, &s, NULL), BX_EINVAL);
	bx_answer_free(&g);
	bx_answer_free(&l);
	bx_quality_ws_free(ws);
}

BX_TESTS(T(test_counts), T(test_ratios), T(test_sum), T(test_detail_and_opts))
