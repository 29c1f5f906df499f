/* test-consensus.c: clustering with a quorum, mean boxes, medoid polygons,
 * majority class and its tie rule, image-class votes, pairwise-F1
 * agreement, and Krippendorff's alpha (Krippendorff's own worked example:
 * 113/152). */
#include "boxel/quality.h"
#include "boxel/util.h"
#include "harness.h"

static void
add_box(struct bx_answer *a, const char *cls, double x, double y, double w, double h)
{
	struct bx_annot an = { .geom = BX_GEOM_BOX, .cls = (char *)cls, .x = x, .y = y, .w = w, .h = h };

	bx_answer_add(a, &an);
}

static void
add_tag(struct bx_answer *a, const char *cls)
{
	struct bx_annot an = { .geom = BX_GEOM_TAG, .cls = (char *)cls };

	bx_answer_add(a, &an);
}

static void
add_square_poly(struct bx_answer *a, const char *cls, double x, double y, double s)
{
	struct bx_pt p[4] = { { x, y }, { x + s, y }, { x + s, y + s }, { x, y + s } };
	struct bx_annot an = { .geom = BX_GEOM_POLYGON, .cls = (char *)cls, .pts = p, .npts = 4 };

	bx_answer_add(a, &an);
}

static void
add_point(struct bx_answer *a, const char *cls, double x, double y)
{
	struct bx_pt p = { x, y };
	struct bx_annot an = { .geom = BX_GEOM_POINT, .cls = (char *)cls, .pts = &p, .npts = 1 };

	bx_answer_add(a, &an);
}

static const struct bx_annot *
find_cls(const struct bx_answer *a, const char *cls)
{
	int i;

	for (i = 0; i < a->n; i++)
		if (strcmp(a->a[i].cls, cls) == 0)
			return &a->a[i];
	return NULL;
}

static void
test_three_labelers(void)
{
	struct bx_answer j[3];
	const struct bx_answer *jp[3] = { &j[0], &j[1], &j[2] };
	struct bx_quality_ws *ws = bx_quality_ws_new();
	struct bx_score_opts o;
	struct bx_consensus c;
	const struct bx_annot *a;
	int i;

	for (i = 0; i < 3; i++)
		bx_answer_init(&j[i]);
	/* cat: IoU 90/110 between J0-J1 and J0-J2, 81/119 between J1-J2 */
	add_box(&j[0], "cat", 0, 0, 10, 10);
	add_box(&j[1], "cat", 1, 0, 10, 10);
	add_box(&j[2], "cat", 0, 1, 10, 10);
	add_box(&j[0], "dog", 100, 100, 10, 10);
	add_box(&j[1], "dog", 100, 100, 10, 10);
	add_box(&j[2], "wolf", 100, 100, 10, 10);
	add_box(&j[2], "fox", 200, 200, 5, 5);  /* one judgment only: dropped */
	add_tag(&j[0], "day");
	add_tag(&j[1], "day");
	add_tag(&j[2], "night");
	bx_score_opts_default(&o);

	CASE("three labelers, majority quorum");
	CHECK_INT(bx_consensus_run(ws, jp, 3, 0, &o, &c), 0);
	CHECK_INT(c.nclusters, 3);
	CHECK_INT(c.answer.n, 3);
	a = find_cls(&c.answer, "cat");
	CHECK(a != NULL);
	if (a) {
		CHECK_INT(a->geom, BX_GEOM_BOX);
		CHECK_NEAR(a->x, 1.0 / 3, 1e-12);
		CHECK_NEAR(a->y, 1.0 / 3, 1e-12);
		CHECK_NEAR(a->w, 10, 1e-12);
	}
	a = find_cls(&c.answer, "dog"); /* dog 2 : wolf 1 */
	CHECK(a != NULL);
	CHECK(find_cls(&c.answer, "wolf") == NULL);
	CHECK(find_cls(&c.answer, "fox") == NULL);
	a = find_cls(&c.answer, "day");
	CHECK(a != NULL && a->geom == BX_GEOM_TAG);
	CHECK(find_cls(&c.answer, "night") == NULL);
	/* Pairs: J0-J1 agree fully (F1 1). J0-J2 and J1-J2: cat TP, dog-wolf
	 * M, day-night M, fox FP: F1 = 2/(2+4+1) = 2/7. Mean (1+4/7)/3. */
	CHECK_INT(c.npairs, 3);
	CHECK_NEAR(c.agreement, (1 + 4.0 / 7) / 3, 1e-12);
	/* Geometry only: 1, and 2/(2+2+1) twice. */
	CHECK_INT(c.geom_pairs, 3);
	CHECK_NEAR(c.geom_f1_sum, 1 + 0.8, 1e-12);
	bx_consensus_free(&c);

	CASE("quorum 3 keeps only unanimous clusters");
	CHECK_INT(bx_consensus_run(ws, jp, 3, 3, &o, &c), 0);
	CHECK_INT(c.answer.n, 2); /* cat, dog; no tag has 3 votes */
	CHECK(find_cls(&c.answer, "day") == NULL);
	bx_consensus_free(&c);

	CASE("quorum 1 keeps everything");
	CHECK_INT(bx_consensus_run(ws, jp, 3, 1, &o, &c), 0);
	CHECK_INT(c.answer.n, 5); /* cat, dog, fox, day, night */
	bx_consensus_free(&c);

	for (i = 0; i < 3; i++)
		bx_answer_free(&j[i]);
	bx_quality_ws_free(ws);
}

static void
test_ties_medoid_points(void)
{
	struct bx_answer j[3];
	const struct bx_answer *jp[3] = { &j[0], &j[1], &j[2] };
	struct bx_quality_ws *ws = bx_quality_ws_new();
	struct bx_score_opts o;
	struct bx_consensus c;
	struct bx_value v = { .type = BX_VAL_STR, .str = "red" };
	int i;

	bx_score_opts_default(&o);
	for (i = 0; i < 3; i++)
		bx_answer_init(&j[i]);
	/* dog first, then cat: the tie goes to "cat" (strcmp), with the
	 * attributes of the first cat member (J1's). */
	add_box(&j[0], "dog", 0, 0, 10, 10);
	add_box(&j[1], "cat", 0, 0, 10, 10);
	bx_attrs_set(&j[1].a[0].attrs, "color", &v);
	CASE("class tie");
	CHECK_INT(bx_consensus_run(ws, jp, 2, 2, &o, &c), 0);
	CHECK_INT(c.answer.n, 1);
	CHECK_STR(c.answer.a[0].cls, "cat");
	CHECK(bx_attrs_get(&c.answer.a[0].attrs, "color") != NULL);
	bx_consensus_free(&c);
	for (i = 0; i < 3; i++) {
		bx_answer_free(&j[i]);
		bx_answer_init(&j[i]);
	}

	/* Polygons x = 0, 1, 2: IoU 0-1 and 1-2 = 90/110, 0-2 = 80/120; J1
	 * has the highest mean IoU: the medoid. */
	add_square_poly(&j[0], "lake", 0, 0, 10);
	add_square_poly(&j[1], "lake", 1, 0, 10);
	add_square_poly(&j[2], "lake", 2, 0, 10);
	CASE("polygon medoid");
	CHECK_INT(bx_consensus_run(ws, jp, 3, 0, &o, &c), 0);
	CHECK_INT(c.answer.n, 1);
	CHECK_INT(c.answer.a[0].geom, BX_GEOM_POLYGON);
	CHECK_INT(c.answer.a[0].npts, 4);
	CHECK_NEAR(c.answer.a[0].pts[0].x, 1, 0);
	bx_consensus_free(&c);
	for (i = 0; i < 3; i++) {
		bx_answer_free(&j[i]);
		bx_answer_init(&j[i]);
	}

	/* Points 4 px apart (radius 10): one cluster at the mean. */
	add_point(&j[0], "eye", 0, 0);
	add_point(&j[1], "eye", 4, 0);
	CASE("points averaged");
	CHECK_INT(bx_consensus_run(ws, jp, 2, 0, &o, &c), 0);
	CHECK_INT(c.answer.n, 1);
	CHECK_NEAR(c.answer.a[0].pts[0].x, 2, 1e-12);
	bx_consensus_free(&c);

	CASE("one judgment");
	CHECK_INT(bx_consensus_run(ws, jp, 1, 0, &o, &c), 0);
	CHECK_INT(c.answer.n, 1);
	CHECK_NEAR(c.agreement, 1, 0);
	CHECK_INT(c.npairs, 0);
	bx_consensus_free(&c);

	CASE("two empty judgments agree");
	CHECK_INT(bx_consensus_run(ws, jp + 2, 1, 0, &o, &c), 0);
	bx_consensus_free(&c);
	{
		struct bx_answer e[2];
		const struct bx_answer *ep[2] = { &e[0], &e[1] };

		bx_answer_init(&e[0]);
		bx_answer_init(&e[1]);
		CHECK_INT(bx_consensus_run(ws, ep, 2, 0, &o, &c), 0);
		CHECK_NEAR(c.agreement, 1, 0);
		CHECK_INT(c.geom_pairs, 0);
		CHECK_INT(c.answer.n, 0);
		bx_consensus_free(&c);
	}
	for (i = 0; i < 3; i++)
		bx_answer_free(&j[i]);
	bx_quality_ws_free(ws);
}

static void
test_kalpha(void)
{
	/* Krippendorff (2011), "Computing Krippendorff's alpha-reliability",
	 * nominal example: 4 observers, 12 units, missing values; alpha =
	 * 113/152 = 0.743. Units listed by their present values; unit 12 has
	 * a single value and is not pairable. */
	static const int ex[] = {
		1, 1, 1,      2, 2, 3, 2,   3, 3, 3, 3,   3, 3, 3, 3,   2, 2, 2, 2,
		1, 2, 3, 4,   4, 4, 4, 4,   1, 1, 2, 1,   2, 2, 2, 2,   5, 5, 5,
		1, 1,         3,
	};
	static const int ex_off[] = { 0, 3, 7, 11, 15, 19, 23, 27, 31, 35, 38, 40, 41 };
	/* Two coders, units (a,a) (a,b) (b,b) (b,b): n_a 3, n_b 5, n 8;
	 * observed 2, expected 64 - 34 = 30: alpha = 1 - 7 * 2 / 30 = 8/15. */
	static const int small[] = { 0, 0, 0, 1, 1, 1, 1, 1 };
	static const int small_off[] = { 0, 2, 4, 6, 8 };
	static const int perfect[] = { 0, 0, 1, 1, 1 };
	static const int perfect_off[] = { 0, 2, 5 };
	static const int one_cat[] = { 7, 7, 7, 7 };
	static const int one_cat_off[] = { 0, 2, 4 };
	static const int lone[] = { 1, 2 };
	static const int lone_off[] = { 0, 1, 2 };
	double a = -9;

	CASE("Krippendorff's example");
	CHECK_INT(bx_kalpha_nominal(ex, ex_off, 12, &a), 1);
	CHECK_NEAR(a, 113.0 / 152, 1e-12);
	CASE("two coders by hand");
	CHECK_INT(bx_kalpha_nominal(small, small_off, 4, &a), 1);
	CHECK_NEAR(a, 8.0 / 15, 1e-12);
	CASE("perfect agreement");
	CHECK_INT(bx_kalpha_nominal(perfect, perfect_off, 2, &a), 1);
	CHECK_NEAR(a, 1, 1e-12);
	CASE("one category: undefined");
	CHECK_INT(bx_kalpha_nominal(one_cat, one_cat_off, 2, &a), 0);
	CASE("no pairable unit: undefined");
	CHECK_INT(bx_kalpha_nominal(lone, lone_off, 2, &a), 0);
	CHECK_INT(bx_kalpha_nominal(NULL, small_off, 0, &a), 0);
}

static void
test_kalpha_tags(void)
{
	/* The two-coder case again as image classes: a=day, b=night. */
	static const char *cls[] = { "day", "day", "day", "night", "night", "night", "night", "night" };
	static const int off[] = { 0, 2, 4, 6, 8 };
	struct bx_answer j[8];
	const struct bx_answer *jp[8];
	double a = -9;
	int i;

	for (i = 0; i < 8; i++) {
		bx_answer_init(&j[i]);
		add_tag(&j[i], cls[i]);
		jp[i] = &j[i];
	}
	CASE("tags as nominal values");
	CHECK_INT(bx_kalpha_tags(jp, off, 4, &a), 1);
	CHECK_NEAR(a, 8.0 / 15, 1e-12);
	/* An empty answer is its own value: the first unit becomes (day, {}) -
	 * still one disagreement, but a third category. */
	bx_answer_free(&j[1]);
	bx_answer_init(&j[1]);
	CASE("empty answers are a value");
	CHECK_INT(bx_kalpha_tags(jp, off, 4, &a), 1);
	/* values: (d,d) (d,n) (n,n) (n,n) -> (d,{}) (d,n) (n,n) (n,n):
	 * n_d 2, n_{} 1, n_n 5; observed 2 + 2 = 4; expected 64 - 30 = 34:
	 * 1 - 7 * 4 / 34 = 3/17 */
	CHECK_NEAR(a, 3.0 / 17, 1e-12);
	for (i = 0; i < 8; i++)
		bx_answer_free(&j[i]);
}

static void
set_global(struct bx_answer *a, const char *key, const char *val)
{
	struct bx_value v = { .type = BX_VAL_STR, .str = (char *)val };

	bx_attrs_set(&a->global, key, &v);
}

/* Global attributes are merged: majority per key among the judgments that
 * set it, ties to the first; a key only one judgment sets is kept. */
static void
test_globals(void)
{
	struct bx_answer j[3];
	const struct bx_answer *jp[3] = { &j[0], &j[1], &j[2] };
	struct bx_quality_ws *ws = bx_quality_ws_new();
	struct bx_score_opts o;
	struct bx_consensus c;
	const struct bx_value *v;
	int i;

	for (i = 0; i < 3; i++) {
		bx_answer_init(&j[i]);
		add_box(&j[i], "cat", 0, 0, 10, 10);
	}
	set_global(&j[0], "scene", "outdoor");
	set_global(&j[1], "scene", "indoor");
	set_global(&j[2], "scene", "indoor");
	set_global(&j[1], "light", "day");
	set_global(&j[2], "light", "night");
	set_global(&j[2], "weather", "rain");
	bx_score_opts_default(&o);
	CHECK_INT(bx_consensus_run(ws, jp, 3, 2, &o, &c), 0);
	CHECK_INT(c.answer.global.n, 3);
	v = bx_attrs_get(&c.answer.global, "scene");
	CHECK_STR(v ? v->str : "", "indoor");
	v = bx_attrs_get(&c.answer.global, "light");
	CHECK_STR(v ? v->str : "", "day"); /* 1 : 1, the first */
	v = bx_attrs_get(&c.answer.global, "weather");
	CHECK_STR(v ? v->str : "", "rain");
	bx_consensus_free(&c);
	for (i = 0; i < 3; i++)
		bx_answer_free(&j[i]);
	bx_quality_ws_free(ws);
}

/* Weighted class votes: one trusted labeler outweighs two others on an
 * object's class; the object is kept by quorum, its box still the mean. */
static void
test_weighted(void)
{
	struct bx_answer j[3];
	const struct bx_answer *jp[3] = { &j[0], &j[1], &j[2] };
	struct bx_quality_ws *ws = bx_quality_ws_new();
	struct bx_score_opts o;
	struct bx_consensus c;
	const double w[3] = { 0.2, 0.3, 2.0 }, even[3] = { 1, 1, 1 };
	int i;

	for (i = 0; i < 3; i++)
		bx_answer_init(&j[i]);
	add_box(&j[0], "dog", 0, 0, 10, 10);
	add_box(&j[1], "dog", 1, 0, 10, 10);
	add_box(&j[2], "cat", 2, 0, 10, 10);
	bx_score_opts_default(&o);
	CASE("unweighted: the two");
	CHECK_INT(bx_consensus_run(ws, jp, 3, 2, &o, &c), 0);
	CHECK_STR(c.answer.n == 1 ? c.answer.a[0].cls : "", "dog");
	bx_consensus_free(&c);
	CASE("equal weights: the same as unweighted");
	CHECK_INT(bx_consensus_run_weighted(ws, jp, even, 3, 2, &o, &c), 0);
	CHECK_STR(c.answer.n == 1 ? c.answer.a[0].cls : "", "dog");
	bx_consensus_free(&c);
	CASE("weighted: the trusted one");
	CHECK_INT(bx_consensus_run_weighted(ws, jp, w, 3, 2, &o, &c), 0);
	CHECK_STR(c.answer.n == 1 ? c.answer.a[0].cls : "", "cat");
	CHECK_NEAR(c.answer.n == 1 ? c.answer.a[0].x : -1, 1, 1e-12);
	bx_consensus_free(&c);
	for (i = 0; i < 3; i++)
		bx_answer_free(&j[i]);
	bx_quality_ws_free(ws);
}

BX_TESTS(T(test_three_labelers), T(test_ties_medoid_points), T(test_kalpha), T(test_kalpha_tags),
         T(test_globals), T(test_weighted))
