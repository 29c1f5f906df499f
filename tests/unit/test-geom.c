/* test-geom.c: the geometry table (geom-table.c) and the polyline kind end
 * to end through the pure layers: table integrity, JSON round trip and
 * validation, taxonomy check, drawing and editing in the edit model,
 * similarity, scoring and consensus. Expected values are worked out by
 * hand in the comments. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "boxel/codec.h"
#include "boxel/edit.h"
#include "boxel/geom.h"
#include "boxel/geometry.h"
#include "boxel/quality.h"
#include "boxel/taxonomy.h"
#include "boxel/util.h"
#include "harness.h"

static void
test_table(void)
{
	const struct bx_geom_kind *k, *q;
	int i, j, seen = 0;

	for (i = 0; (k = bx_geom_at(i)) != NULL; i++) {
		CASE(k->name);
		CHECK(bx_geom_by_name(k->name) == k);
		CHECK(bx_geom_kind(k->id) == k);
		CHECK_STR(bx_geom_name(k->id), k->name);
		/* one bit each, never shared: classes keep a mask */
		CHECK((k->id & (k->id - 1)) == 0);
		CHECK((seen & (int)k->id) == 0);
		seen |= (int)k->id;
		CHECK(k->describe != NULL && k->check != NULL && k->bounds != NULL &&
		      k->translate != NULL && k->nhandles != NULL && k->draw != NULL);
		CHECK(k->form != BX_FORM_POINTS || k->min_pts >= 2);
		CHECK(k->family != BX_FAM_LINE || k->similarity != NULL);
		for (j = 0; (q = bx_geom_at(j)) != NULL; j++)
			CHECK(j == i || q->letter != k->letter);
	}
	CHECK(i >= 5);
	CHECK(bx_geom_by_name("hexagon") == NULL);
	CHECK(bx_geom_by_name(NULL) == NULL);
	CHECK_STR(bx_geom_name((enum bx_geom)0), "?");
}

static const char LINE_JSON[] =
	"{\"annotations\":[{\"class\":\"lane\",\"polyline\":[[10,10],[50,10],[50,40]]}],"
	"\"global\":{}}";


/* The table's kind names as messages list them, "a, b or c" (only kinds
 * with coordinates) or "a, b, c" (all): built from the table, so a new
 * kind's line needs no edit here. */
static const char *
table_names(int all)
{
	static char buf[512];
	const struct bx_geom_kind *k;
	int i, n = 0, last = -1;

	for (i = 0; (k = bx_geom_at(i)) != NULL; i++)
		if (all || k->form != BX_FORM_NONE)
			last = i;
	buf[0] = '\0';
	for (i = 0; (k = bx_geom_at(i)) != NULL; i++) {
		if (!all && k->form == BX_FORM_NONE)
			continue;
		snprintf(buf + strlen(buf), sizeof buf - strlen(buf), "%s%s",
		    n == 0 ? "" : !all && i == last ? " or " : ", ", k->name);
		n++;
	}
	return buf;
}

static void
test_codec(void)
{
	struct bx_answer ans;
	struct bx_limits lim;
	struct bx_err err;
	char *text;

	CASE("polyline round trip");
	bx_answer_init(&ans);
	CHECK_INT(bx_answer_from_json(LINE_JSON, &ans, &err), 0);
	CHECK_INT(ans.n, 1);
	CHECK_INT(ans.a[0].geom, BX_GEOM_POLYLINE);
	CHECK_INT(ans.a[0].npts, 3);
	CHECK_NEAR(ans.a[0].pts[2].y, 40, 0);
	text = bx_answer_to_json(&ans);
	CHECK_STR(text, LINE_JSON);
	free(text);

	CASE("max_vertices applies to polylines");
	bx_limits_default(&lim);
	lim.max_vertices = 2;
	CHECK(bx_answer_check_limits(&ans, &lim, &err) < 0);
	CHECK(strstr(err.msg, "polyline has 3 vertices") != NULL);
	bx_answer_free(&ans);

	CASE("one vertex is not a line");
	bx_answer_init(&ans);
	CHECK(bx_answer_from_json("{\"annotations\":[{\"class\":\"lane\",\"polyline\":[[1,2]]}]}",
	    &ans, &err) < 0);
	CHECK(strstr(err.msg, "a polyline must be a list of at least 2 [x, y] points") != NULL);
	bx_answer_free(&ans);

	CASE("two geometries");
	bx_answer_init(&ans);
	CHECK(bx_answer_from_json("{\"annotations\":[{\"class\":\"lane\",\"polyline\":[[1,2],[3,4]],"
	    "\"point\":[1,2]}]}", &ans, &err) < 0);
	CHECK(strstr(err.msg, table_names(0)) != NULL);
	CHECK(strstr(err.msg, "box, polygon, point, polyline") != NULL);
	bx_answer_free(&ans);
}

static void
test_taxonomy(void)
{
	static const char tax[] = "{\"name\":\"t\",\"classes\":["
		"{\"name\":\"lane\",\"geometries\":[\"polyline\"]},"
		"{\"name\":\"car\",\"geometries\":[\"box\"]}]}";
	struct bx_taxonomy *t = NULL;
	struct bx_answer ans;
	struct bx_err err;

	CHECK_INT(bx_taxonomy_load_text(tax, "t.json", &t, &err), 0);
	bx_answer_init(&ans);
	CHECK_INT(bx_answer_from_json(LINE_JSON, &ans, &err), 0);
	CASE("allowed and inside");
	CHECK_INT(bx_taxonomy_check_answer(t, &ans, 100, 80, &err), 0);
	CASE("outside the image");
	CHECK(bx_taxonomy_check_answer(t, &ans, 40, 80, &err) < 0);
	CHECK(strstr(err.msg, "vertex (50, 10) is outside the 40x80 image") != NULL);
	CASE("class does not allow it");
	free(ans.a[0].cls);
	ans.a[0].cls = bx_strdup("car");
	CHECK(bx_taxonomy_check_answer(t, &ans, 100, 80, &err) < 0);
	CHECK(strstr(err.msg, "a polyline is not allowed for this class") != NULL);
	bx_answer_free(&ans);
	bx_taxonomy_free(t);

	CASE("unknown geometry names the table's kinds");
	t = NULL;
	CHECK(bx_taxonomy_load_text("{\"name\":\"t\",\"classes\":[{\"name\":\"a\","
	    "\"geometries\":[\"line\"]}]}", "t.json", &t, &err) < 0);
	CHECK(strstr(err.msg, table_names(1)) != NULL && strstr(err.msg, "(box, polygon, point, tag, ") != NULL);
	bx_taxonomy_free(t);
}

static void
test_edit(void)
{
	struct bx_edit ed;
	double x, y;

	bx_edit_init(&ed, 100, 80);
	bx_edit_set_class(&ed, "lane");
	bx_edit_set_tool(&ed, bx_tool_from_name("polyline"));
	CHECK_STR(bx_tool_name(ed.tool), "polyline");
	CHECK_INT(bx_tool_by_key('_'), bx_tool_from_name("polyline"));

	CASE("Enter with one vertex places a second, not a line");
	bx_edit_cursor_to(&ed, 10, 10);
	bx_edit_place(&ed);
	CHECK_INT(bx_edit_close(&ed), BX_EDIT_VIEW); /* refused: says why */
	CHECK(strstr(ed.msg, "a polyline needs at least 2 vertices (1 so far)") != NULL);
	CHECK_INT(ed.ans.n, 0);

	CASE("back on the first vertex does not close a line");
	bx_edit_cursor_to(&ed, 50, 10);
	bx_edit_place(&ed);
	bx_edit_cursor_to(&ed, 10, 10);
	bx_edit_place(&ed);
	CHECK_INT(ed.ans.n, 0);
	CHECK_INT(ed.npend, 3);

	CASE("Enter ends it");
	CHECK(bx_edit_enter(&ed) & BX_EDIT_ANSWER);
	CHECK_INT(ed.ans.n, 1);
	CHECK_INT(ed.ans.a[0].geom, BX_GEOM_POLYLINE);
	CHECK_INT(ed.ans.a[0].npts, 3);
	CHECK_INT(ed.npend, 0);

	CASE("handles are the vertices; moving one");
	bx_edit_select_index(&ed, 0);
	CHECK_INT(bx_edit_handle_count(&ed), 3);
	bx_edit_grab_handle(&ed, 1);
	CHECK_INT(bx_edit_handle_pos(&ed, 1, &x, &y), 0);
	CHECK_NEAR(x, 50, 0);
	bx_edit_nudge(&ed, 5, 20);
	CHECK_NEAR(ed.ans.a[0].pts[1].x, 55, 0);
	CHECK_NEAR(ed.ans.a[0].pts[1].y, 30, 0);

	CASE("insert after the last vertex splits the last segment");
	bx_edit_grab_handle(&ed, 2);
	CHECK(bx_edit_insert_vertex(&ed) & BX_EDIT_ANSWER);
	CHECK_INT(ed.ans.a[0].npts, 4);
	/* between (55, 30) and (10, 10): (32.5, 20) rounds to (33, 20) */
	CHECK_NEAR(ed.ans.a[0].pts[2].x, 33, 0);
	CHECK_NEAR(ed.ans.a[0].pts[2].y, 20, 0);

	CASE("delete down to 2 vertices, not below");
	CHECK(bx_edit_delete_vertex(&ed) & BX_EDIT_ANSWER);
	CHECK(bx_edit_delete_vertex(&ed) & BX_EDIT_ANSWER);
	CHECK_INT(ed.ans.a[0].npts, 2);
	CHECK_INT(bx_edit_delete_vertex(&ed), BX_EDIT_VIEW);
	CHECK(strstr(ed.msg, "a polyline keeps at least 2 vertices") != NULL);

	CASE("undo walks back to the line as drawn");
	bx_edit_undo(&ed);
	bx_edit_undo(&ed);
	bx_edit_undo(&ed);
	bx_edit_undo(&ed);
	CHECK_INT(ed.ans.a[0].npts, 3);
	CHECK_NEAR(ed.ans.a[0].pts[1].x, 50, 0);
	bx_edit_undo(&ed);
	CHECK_INT(ed.ans.n, 0);
	bx_edit_redo(&ed);
	CHECK_INT(ed.ans.n, 1);
	bx_edit_free(&ed);
}

static void
line(struct bx_annot *an, const char *cls, double x0, double y0, double x1, double y1)
{
	memset(an, 0, sizeof *an);
	an->geom = BX_GEOM_POLYLINE;
	an->cls = bx_strdup(cls);
	an->npts = 2;
	an->pts = bx_malloc(2 * sizeof *an->pts);
	an->pts[0].x = x0, an->pts[0].y = y0;
	an->pts[1].x = x1, an->pts[1].y = y1;
}

static void
test_similarity(void)
{
	const struct bx_geom_kind *k = bx_geom_kind(BX_GEOM_POLYLINE);
	struct bx_pt a[2] = { { 0, 0 }, { 100, 0 } }, b[2] = { { 0, 2.5 }, { 100, 2.5 } };
	struct bx_pt c[3] = { { 0, 0 }, { 50, 0 }, { 100, 0 } }, r[2] = { { 100, 0 }, { 0, 0 } };

	CASE("identical, reversed, with an extra collinear vertex: 1");
	CHECK_NEAR(k->similarity(a, 2, a, 2, 10), 1, 1e-12);
	CHECK_NEAR(k->similarity(a, 2, r, 2, 10), 1, 1e-12);
	CHECK_NEAR(k->similarity(a, 2, c, 3, 10), 1, 1e-12);
	CASE("parallel 2.5 px apart at t = 10: 1 - 2.5/10");
	CHECK_NEAR(k->similarity(a, 2, b, 2, 10), 0.75, 1e-12);
	CHECK_NEAR(k->similarity(b, 2, a, 2, 10), 0.75, 1e-12);
	CASE("farther than t: 0");
	b[0].y = b[1].y = 30;
	CHECK_NEAR(k->similarity(a, 2, b, 2, 10), 0, 0);
}

static void
test_score_consensus(void)
{
	struct bx_quality_ws *ws = bx_quality_ws_new();
	struct bx_score_opts o;
	struct bx_answer g, l, m;
	const struct bx_answer *js[3] = { &g, &l, &m };
	struct bx_consensus cs;
	struct bx_score s;
	struct bx_annot an;

	bx_score_opts_default(&o);
	bx_answer_init(&g);
	bx_answer_init(&l);
	bx_answer_init(&m);
	line(&an, "lane", 0, 0, 100, 0);
	bx_answer_add(&g, &an);
	bx_annot_free(&an);
	line(&an, "lane", 0, 2, 100, 2);      /* 2 px off: 0.8 */
	bx_answer_add(&l, &an);
	bx_annot_free(&an);
	line(&an, "lane", 0, 60, 100, 60);    /* far: FP, and gold's is FN */
	bx_answer_add(&l, &an);
	bx_annot_free(&an);
	line(&an, "lane", 0, 1, 100, 1);      /* 1 px off */
	bx_answer_add(&m, &an);
	bx_annot_free(&an);

	CASE("score: one TP, one FP");
	CHECK_INT(bx_score_answer(ws, &g, &l, &o, &s, NULL), 0);
	CHECK_INT(s.tp, 1);
	CHECK_INT(s.fp, 1);
	CHECK_INT(s.fn, 0);
	CASE("a polyline never matches a box over the same pixels");
	memset(&an, 0, sizeof an);
	an.geom = BX_GEOM_BOX;
	an.cls = bx_strdup("lane");
	an.w = 100;
	an.h = 1;
	bx_answer_remove(&l, 0);
	bx_answer_remove(&l, 0);
	bx_answer_add(&l, &an);
	bx_annot_free(&an);
	CHECK_INT(bx_score_answer(ws, &g, &l, &o, &s, NULL), 0);
	CHECK_INT(s.tp, 0);
	bx_answer_remove(&l, 0);
	line(&an, "lane", 0, 2, 100, 2);
	bx_answer_add(&l, &an);
	bx_annot_free(&an);

	CASE("consensus keeps the medoid: the line 1 px off, closest to both others");
	memset(&cs, 0, sizeof cs);
	CHECK_INT(bx_consensus_run(ws, js, 3, 0, &o, &cs), 0);
	CHECK_INT(cs.answer.n, 1);
	CHECK_INT(cs.answer.a[0].geom, BX_GEOM_POLYLINE);
	CHECK_NEAR(cs.answer.a[0].pts[0].y, 1, 0);
	bx_consensus_free(&cs);
	bx_answer_free(&g);
	bx_answer_free(&l);
	bx_answer_free(&m);
	bx_quality_ws_free(ws);
}


static void
test_rbox(void)
{
	struct bx_quality_ws *ws = bx_quality_ws_new();
	struct bx_score_opts o;
	struct bx_answer ans;
	struct bx_annot sq, up;
	struct bx_qobj a, b;
	struct bx_err err;
	struct bx_edit ed;
	double x, y;
	char *text;
	static const char J[] = "{\"annotations\":[{\"class\":\"car\",\"rotated_box\":"
		"[50,40,20,10,30]}],\"global\":{}}";

	CASE("rotated box round trip");
	bx_answer_init(&ans);
	CHECK_INT(bx_answer_from_json(J, &ans, &err), 0);
	CHECK_INT(ans.a[0].geom, BX_GEOM_RBOX);
	CHECK_NEAR(ans.a[0].angle, 30, 0);
	text = bx_answer_to_json(&ans);
	CHECK_STR(text, J);
	free(text);
	bx_answer_free(&ans);
	bx_answer_init(&ans);
	CHECK(bx_answer_from_json("{\"annotations\":[{\"class\":\"car\",\"rotated_box\":[1,2,3,4]}]}",
	    &ans, &err) < 0);
	CHECK(strstr(err.msg, "a rotated_box must be [cx, cy, w, h, angle]") != NULL);
	bx_answer_free(&ans);

	CASE("IoU: a square against itself turned 90, and turned 45 (1/sqrt 2)");
	bx_score_opts_default(&o);
	memset(&sq, 0, sizeof sq);
	sq.geom = BX_GEOM_RBOX;
	sq.x = sq.y = 50;
	sq.w = sq.h = 20;
	up = sq;
	up.angle = 90;
	bx_qobj_from_annot(&a, &sq);
	bx_qobj_from_annot(&b, &up);
	CHECK_NEAR(bx_qobj_sim(ws, &a, &b, &o), 1, 1e-9);
	up.angle = 45;
	bx_qobj_from_annot(&b, &up);
	CHECK_NEAR(bx_qobj_sim(ws, &a, &b, &o), sqrt(0.5), 1e-9);
	CASE("an upright rotated box and the same box: 1");
	up.geom = BX_GEOM_BOX;
	up.x = up.y = 40;
	bx_qobj_from_annot(&b, &up);
	CHECK_NEAR(bx_qobj_sim(ws, &a, &b, &o), 1, 1e-9);

	CASE("draw upright, turn, set, undo; refused at the edge");
	bx_edit_init(&ed, 100, 80);
	bx_edit_set_class(&ed, "car");
	bx_edit_set_tool(&ed, bx_tool_from_name("rotated_box"));
	bx_edit_cursor_to(&ed, 40, 30);
	bx_edit_place(&ed);
	bx_edit_cursor_to(&ed, 60, 40);
	CHECK(bx_edit_place(&ed) & BX_EDIT_ANSWER);
	CHECK_INT(ed.ans.a[0].geom, BX_GEOM_RBOX);
	CHECK_NEAR(ed.ans.a[0].x, 50, 0);
	CHECK_NEAR(ed.ans.a[0].y, 35, 0);
	CHECK(bx_edit_rotate(&ed, 30) & BX_EDIT_ANSWER);
	CHECK(bx_edit_rotate(&ed, -40) & BX_EDIT_ANSWER);
	CHECK_NEAR(ed.ans.a[0].angle, -10, 1e-12);
	CHECK(bx_edit_set_angle(&ed, 90) & BX_EDIT_ANSWER);
	CHECK_NEAR(ed.ans.a[0].angle, 90, 1e-12);
	/* turned 90: corner 0 (top-left of the upright box) is at
	 * centre + (5, -10) */
	CHECK_INT(bx_edit_handle_count(&ed), 4);
	CHECK_INT(bx_edit_handle_pos(&ed, 0, &x, &y), 0);
	CHECK_NEAR(x, 55, 1e-9);
	CHECK_NEAR(y, 25, 1e-9);
	bx_edit_undo(&ed);
	CHECK_NEAR(ed.ans.a[0].angle, -10, 1e-12);
	bx_edit_set_angle(&ed, 0);
	bx_edit_select_index(&ed, 0);
	bx_edit_nudge(&ed, 0, 40);  /* stops with its bottom on the edge (80): centre y 75 */
	CHECK_NEAR(ed.ans.a[0].y, 75, 1e-9);
	CHECK_INT(bx_edit_rotate(&ed, 90), BX_EDIT_VIEW);
	CHECK(strstr(ed.msg, "outside the image") != NULL);
	CHECK_NEAR(ed.ans.a[0].angle, 0, 0);
	bx_edit_free(&ed);
	bx_quality_ws_free(ws);
}


/* Area of the lens of two circles of radius r, centres d apart. */
static double
lens(double r, double d)
{
	return 2 * r * r * acos(d / (2 * r)) - d / 2 * sqrt(4 * r * r - d * d);
}

static void
test_ellipse(void)
{
	struct bx_quality_ws *ws = bx_quality_ws_new();
	struct bx_score_opts o;
	struct bx_answer ans;
	struct bx_annot e, f;
	struct bx_qobj a, b;
	struct bx_err err;
	struct bx_edit ed;
	double x, y, w, h, in, want;
	char *text;
	static const char J[] = "{\"annotations\":[{\"class\":\"eye\",\"ellipse\":"
		"[50,40,20,10,-30]}],\"global\":{}}";
	static const char T[] = "{\"name\":\"t\",\"classes\":[{\"name\":\"eye\","
		"\"geometries\":[\"ellipse\"]}]}";
	struct bx_taxonomy *t = NULL;

	CASE("ellipse round trip and its JSON form");
	bx_answer_init(&ans);
	CHECK_INT(bx_answer_from_json(J, &ans, &err), 0);
	CHECK_INT(ans.a[0].geom, BX_GEOM_ELLIPSE);
	text = bx_answer_to_json(&ans);
	CHECK_STR(text, J);
	free(text);
	CASE("taxonomy: inside a 100x80 image, not a 60x80 one");
	CHECK_INT(bx_taxonomy_load_text(T, "t.json", &t, &err), 0);
	CHECK_INT(bx_taxonomy_check_answer(t, &ans, 100, 80, &err), 0);
	/* turned 30: half-width sqrt(400 cos^2 30 + 100 sin^2 30) = 18.03 */
	CHECK(bx_taxonomy_check_answer(t, &ans, 60, 80, &err) < 0);
	CHECK(strstr(err.msg, "ellipse leaves the image") != NULL);
	bx_taxonomy_free(t);
	bx_answer_free(&ans);
	bx_answer_init(&ans);
	CHECK(bx_answer_from_json("{\"annotations\":[{\"class\":\"e\",\"ellipse\":[1,2,3]}]}",
	    &ans, &err) < 0);
	CHECK(strstr(err.msg, "an ellipse must be [cx, cy, rx, ry, angle]") != NULL);
	bx_answer_free(&ans);

	CASE("bounds of a turned ellipse");
	memset(&e, 0, sizeof e);
	e.geom = BX_GEOM_ELLIPSE;
	e.x = 50, e.y = 40, e.w = 20, e.h = 10, e.angle = 90;
	bx_annot_bounds(&e, &x, &y, &w, &h);
	CHECK_NEAR(x, 40, 1e-9);
	CHECK_NEAR(w, 20, 1e-9);
	CHECK_NEAR(h, 40, 1e-9);

	CASE("IoU: itself 1; two circles against the lens formula (ring: 0.1%)");
	bx_score_opts_default(&o);
	bx_qobj_from_annot(&a, &e);
	bx_qobj_from_annot(&b, &e);
	CHECK_NEAR(bx_qobj_sim(ws, &a, &b, &o), 1, 1e-9);
	e.w = e.h = 10;
	f = e;
	f.x += 5;
	bx_qobj_from_annot(&a, &e);
	bx_qobj_from_annot(&b, &f);
	in = lens(10, 5);
	want = in / (2 * M_PI * 100 - in);
	CHECK_NEAR(bx_qobj_sim(ws, &a, &b, &o), want, 2e-3);
	/* the ring pokes out of the square by 0.08% of r at its 4 axis
	 * vertices: a little under pi/4 */
	CASE("a circle inside its bounding square: pi/4");
	f.geom = BX_GEOM_BOX;
	f.x = 40, f.y = 30, f.w = f.h = 20;
	bx_qobj_from_annot(&b, &f);
	CHECK_NEAR(bx_qobj_sim(ws, &a, &b, &o), M_PI / 4, 1e-4);

	CASE("draw from its bounding box, turn, stretch an axis, undo");
	bx_edit_init(&ed, 100, 80);
	bx_edit_set_class(&ed, "eye");
	bx_edit_set_tool(&ed, bx_tool_from_name("ellipse"));
	CHECK_STR(bx_tool_name(ed.tool), "ellipse");
	bx_edit_cursor_to(&ed, 30, 30);
	bx_edit_place(&ed);
	bx_edit_cursor_to(&ed, 70, 50);
	CHECK(bx_edit_place(&ed) & BX_EDIT_ANSWER);
	CHECK_INT(ed.ans.a[0].geom, BX_GEOM_ELLIPSE);
	CHECK_NEAR(ed.ans.a[0].x, 50, 0);
	CHECK_NEAR(ed.ans.a[0].w, 20, 0);
	CHECK_NEAR(ed.ans.a[0].h, 10, 0);
	CHECK(bx_edit_rotate(&ed, 90) & BX_EDIT_ANSWER);
	bx_edit_select_index(&ed, 0);
	/* handle 0: end of its own x axis, turned 90: straight below */
	CHECK_INT(bx_edit_handle_pos(&ed, 0, &x, &y), 0);
	CHECK_NEAR(x, 50, 1e-9);
	CHECK_NEAR(y, 60, 1e-9);
	bx_edit_grab_handle(&ed, 0);
	bx_edit_nudge(&ed, 3, 5);   /* along its axis: +5 (the 3 across is ignored) */
	CHECK_NEAR(ed.ans.a[0].w, 25, 1e-9);
	CHECK_NEAR(ed.ans.a[0].h, 10, 1e-9);
	bx_edit_nudge(&ed, 0, 30);  /* would leave the image: not made */
	CHECK_NEAR(ed.ans.a[0].w, 25, 1e-9);
	bx_edit_undo(&ed);
	CHECK_NEAR(ed.ans.a[0].w, 20, 1e-9);
	bx_edit_free(&ed);
	bx_quality_ws_free(ws);
}


static void
test_cuboid(void)
{
	struct bx_quality_ws *ws = bx_quality_ws_new();
	struct bx_score_opts o;
	struct bx_answer ans;
	struct bx_annot c, b;
	struct bx_qobj qa, qb;
	struct bx_err err;
	struct bx_edit ed;
	struct bx_pt p[8] = { { 0, 0 }, { 10, 0 }, { 10, 10 }, { 0, 10 },
	                      { 3, -3 }, { 13, -3 }, { 13, 7 }, { 3, 7 } };
	char *text;
	static const char J[] = "{\"annotations\":[{\"class\":\"crate\",\"cuboid\":"
		"[[0,0],[10,0],[10,10],[0,10],[3,-3],[13,-3],[13,7],[3,7]]}],\"global\":{}}";

	CASE("cuboid round trip; exactly 8 vertices");
	bx_answer_init(&ans);
	CHECK_INT(bx_answer_from_json(J, &ans, &err), 0);
	CHECK_INT(ans.a[0].geom, BX_GEOM_CUBOID);
	text = bx_answer_to_json(&ans);
	CHECK_STR(text, J);
	free(text);
	bx_answer_free(&ans);
	bx_answer_init(&ans);
	CHECK(bx_answer_from_json("{\"annotations\":[{\"class\":\"c\",\"cuboid\":[[0,0],[1,0],[1,1],"
	    "[0,1],[0,0],[1,0],[1,1],[0,1],[2,2]]}]}", &ans, &err) < 0);
	CHECK(strstr(err.msg, "a cuboid must be a list of 8 [x, y] points") != NULL);
	bx_answer_free(&ans);

	CASE("hull IoU: the hexagon hull (area 160) inside its 13x13 bounding box");
	bx_score_opts_default(&o);
	memset(&c, 0, sizeof c);
	c.geom = BX_GEOM_CUBOID;
	c.pts = p;
	c.npts = 8;
	memset(&b, 0, sizeof b);
	b.geom = BX_GEOM_BOX;
	b.y = -3;
	b.w = b.h = 13;
	bx_qobj_from_annot(&qa, &c);
	bx_qobj_from_annot(&qb, &b);
	CHECK_NEAR(bx_qobj_sim(ws, &qa, &qb, &o), 160.0 / 169, 1e-12);
	CHECK_NEAR(bx_qobj_sim(ws, &qa, &qa, &o), 1, 1e-12);

	CASE("drawn from its front face; 8 handles; no vertex inserted");
	bx_edit_init(&ed, 100, 80);
	bx_edit_set_class(&ed, "crate");
	bx_edit_set_tool(&ed, bx_tool_from_name("cuboid"));
	bx_edit_cursor_to(&ed, 30, 30);
	bx_edit_place(&ed);
	bx_edit_cursor_to(&ed, 60, 50);
	CHECK(bx_edit_place(&ed) & BX_EDIT_ANSWER);
	CHECK_INT(ed.ans.a[0].geom, BX_GEOM_CUBOID);
	CHECK_INT(ed.ans.a[0].npts, 8);
	/* back face: a third of 20 up and right, rounded: (36.67, 23.33) */
	CHECK_NEAR(ed.ans.a[0].pts[4].x, 37, 0);
	CHECK_NEAR(ed.ans.a[0].pts[4].y, 23, 0);
	CHECK_NEAR(ed.ans.a[0].pts[2].x, 60, 0);
	bx_edit_select_index(&ed, 0);
	CHECK_INT(bx_edit_handle_count(&ed), 8);
	bx_edit_grab_handle(&ed, 4);
	CHECK_INT(bx_edit_insert_vertex(&ed), BX_EDIT_VIEW);
	CHECK_INT(bx_edit_delete_vertex(&ed), BX_EDIT_VIEW);
	CHECK_INT(ed.ans.a[0].npts, 8);
	bx_edit_nudge(&ed, 2, -1);
	CHECK_NEAR(ed.ans.a[0].pts[4].x, 39, 0);
	bx_edit_undo(&ed);
	CHECK_NEAR(ed.ans.a[0].pts[4].x, 37, 0);
	bx_edit_free(&ed);
	bx_quality_ws_free(ws);
}

/* The keypoint skeleton: the taxonomy's named points, edges and sigmas;
 * [x, y, v] JSON; placing point by point with a skip and an occluded
 * one; OKS against a gold; consensus per point. */
static const char SKEL_TAX[] =
	"{\"name\":\"t\",\"classes\":[{\"name\":\"cat\",\"geometries\":[\"skeleton\"],"
	"\"keypoints\":[\"nose\",\"left_eye\",\"tail\"],\"skeleton\":[[1,2],[2,3]]},"
	"{\"name\":\"car\"}]}";
static const char SKEL_JSON[] =
	"{\"annotations\":[{\"class\":\"cat\",\"skeleton\":[[10,10,2],[0,0,0],[20,30,1]]}],"
	"\"global\":{}}";

static void
test_skeleton(void)
{
	struct bx_quality_ws *ws = bx_quality_ws_new();
	const struct bx_class *c;
	const struct bx_answer *jj[2];
	struct bx_consensus cons;
	struct bx_taxonomy *t = NULL;
	struct bx_score_opts o;
	struct bx_answer ans, lab;
	struct bx_qobj qa, qb;
	struct bx_edit ed;
	struct bx_err err;
	char *text;

	CASE("taxonomy: names, 0-based edges, sigmas by COCO name or the default");
	CHECK_INT(bx_taxonomy_load_text(SKEL_TAX, "t.json", &t, &err), 0);
	c = bx_taxonomy_class(t, "cat");
	CHECK(c != NULL && c->nkpts == 3 && c->nedges == 2);
	CHECK_STR(c->kpt_names[2], "tail");
	CHECK_INT(c->edges[2], 1);
	CHECK_INT(c->edges[3], 2);
	CHECK_NEAR(c->sigmas[0], 0.026, 0);
	CHECK_NEAR(c->sigmas[2], 0.067, 0);
	CASE("taxonomy: an edge past the points, points on a box class");
	{
		struct bx_taxonomy *bad = NULL;
		CHECK(bx_taxonomy_load_text("{\"classes\":[{\"name\":\"a\",\"geometries\":"
		    "[\"skeleton\"],\"keypoints\":[\"x\",\"y\"],\"skeleton\":[[1,3]]}]}", "t.json",
		    &bad, &err) < 0);
		CHECK(strstr(err.msg, "classes[0].skeleton[0]: an edge is [a, b]") != NULL);
		CHECK(bx_taxonomy_load_text("{\"classes\":[{\"name\":\"a\",\"keypoints\":[\"x\"]}]}",
		    "t.json", &bad, &err) < 0);
		CHECK(strstr(err.msg, "belong to a class with the \"skeleton\" geometry") != NULL);
		CHECK(bx_taxonomy_load_text("{\"classes\":[{\"name\":\"a\",\"geometries\":"
		    "[\"skeleton\"],\"keypoints\":[\"x\"],\"sigmas\":[0]}]}", "t.json", &bad,
		    &err) < 0);
		CHECK(strstr(err.msg, "a sigma is a number > 0") != NULL);
	}

	CASE("JSON round trip, v kept");
	bx_answer_init(&ans);
	CHECK_INT(bx_answer_from_json(SKEL_JSON, &ans, &err), 0);
	CHECK_INT(ans.a[0].npts, 3);
	CHECK_INT(ans.a[0].vis[1], 0);
	CHECK_INT(ans.a[0].vis[2], 1);
	text = bx_answer_to_json(&ans);
	CHECK_STR(text, SKEL_JSON);
	free(text);
	CHECK_INT(bx_taxonomy_check_answer(t, &ans, 100, 80, &err), 0);
	CASE("bad v, wrong number of points");
	bx_answer_init(&lab);
	CHECK(bx_answer_from_json("{\"annotations\":[{\"class\":\"cat\",\"skeleton\":"
	    "[[1,1,3]]}]}", &lab, &err) < 0);
	CHECK(strstr(err.msg, "visibility must be 0, 1 or 2, not 3") != NULL);
	CHECK_INT(bx_answer_from_json("{\"annotations\":[{\"class\":\"cat\",\"skeleton\":"
	    "[[1,1,2],[2,2,2]]}]}", &lab, &err), 0);
	CHECK(bx_taxonomy_check_answer(t, &lab, 100, 80, &err) < 0);
	CHECK(strstr(err.msg, "the skeleton has 2 points, the class names 3") != NULL);
	bx_answer_free(&lab);

	CASE("placed point by point: a skip (v=0), an occluded one (v=1); undo");
	bx_edit_init(&ed, 100, 80);
	bx_edit_set_class(&ed, "cat");
	bx_edit_set_tool(&ed, bx_tool_from_name("skeleton"));
	CHECK_INT(bx_tool_at(ed.tool)->key, 'S');
	CHECK_INT(bx_edit_place(&ed), BX_EDIT_VIEW); /* no point count from the view */
	CHECK(strstr(ed.msg, "names no points") != NULL);
	ed.npend = 0;
	ed.kpts = 3;
	bx_edit_cursor_to(&ed, 10, 10);
	CHECK_INT(bx_edit_place(&ed), BX_EDIT_VIEW);
	CHECK_INT(bx_edit_skip_point(&ed), BX_EDIT_VIEW);
	bx_edit_toggle_occluded(&ed);
	bx_edit_cursor_to(&ed, 20, 30);
	CHECK(bx_edit_place(&ed) & BX_EDIT_ANSWER);
	CHECK_INT(ed.ans.n, 1);
	text = bx_answer_to_json(&ed.ans);
	CHECK(strstr(text, "\"skeleton\":[[10,10,2],[0,0,0],[20,30,1]]") != NULL);
	free(text);
	CASE("a grabbed point toggles occluded; a skipped one labeled by moving it");
	bx_edit_select_index(&ed, 0);
	CHECK_INT(bx_edit_handle_count(&ed), 3);
	bx_edit_grab_handle(&ed, 2);
	CHECK(bx_edit_toggle_occluded(&ed) & BX_EDIT_ANSWER);
	CHECK_INT(ed.ans.a[0].vis[2], 2);
	bx_edit_grab_handle(&ed, 1);
	bx_edit_nudge(&ed, 5, 5);
	CHECK_INT(ed.ans.a[0].vis[1], 2);
	bx_edit_undo(&ed);
	bx_edit_undo(&ed);
	CHECK_INT(ed.ans.a[0].vis[1], 0);
	CHECK_INT(ed.ans.a[0].vis[2], 1);
	bx_edit_undo(&ed);
	CHECK_INT(ed.ans.n, 0);
	bx_edit_free(&ed);

	CASE("OKS against the gold: area of the gold's labeled points' box");
	bx_score_opts_default(&o);
	bx_answer_init(&lab);
	CHECK_INT(bx_answer_from_json("{\"annotations\":[{\"class\":\"cat\",\"skeleton\":"
	    "[[13,10,2],[50,50,2],[20,30,2]]}]}", &lab, &err), 0);
	bx_qobj_from_annot(&qa, &ans.a[0]);
	bx_qobj_from_annot(&qb, &lab.a[0]);
	/* gold points 1 and 3 labeled, box 10x20: area 200; point 1 is 3 px
	 * off, point 3 exact; point 2 not labeled in the gold: not counted.
	 * sigma 0.067 each, k = 2 sigma. */
	CHECK_NEAR(bx_qobj_sim(ws, &qa, &qb, &o),
	           (exp(-9.0 / (2 * 200 * (2 * 0.067) * (2 * 0.067))) + 1) / 2, 1e-12);
	CHECK_NEAR(bx_qobj_sim(ws, &qa, &qa, &o), 1, 1e-12);

	CASE("consensus: per point the mean of the visible ones");
	lab.a[0].pts[0].x = 11; /* OKS stays above the matching threshold */
	jj[0] = &ans;
	jj[1] = &lab;
	CHECK_INT(bx_consensus_run(ws, jj, 2, 2, &o, &cons), 0);
	CHECK_INT(cons.answer.n, 1);
	if (cons.answer.n == 1) {
		CHECK_NEAR(cons.answer.a[0].pts[0].x, 10.5, 1e-12);
		CHECK_NEAR(cons.answer.a[0].pts[1].x, 50, 1e-12); /* only lab labeled it */
		CHECK_INT(cons.answer.a[0].vis[2], 2);            /* visible beats occluded */
		CHECK_NEAR(cons.answer.a[0].pts[2].y, 30, 1e-12);
	}
	bx_consensus_free(&cons);
	bx_answer_free(&lab);
	bx_answer_free(&ans);
	bx_taxonomy_free(t);
	bx_quality_ws_free(ws);
}

/* Per-class sigmas: the same answer against the same gold scores by the
 * sigmas of the gold's class (taxonomy "sigmas"), in scoring and in
 * consensus. The expected OKS is COCO's formula written out here. */
static const char SIG_TAX[] =
	"{\"name\":\"t\",\"classes\":["
	"{\"name\":\"wide\",\"geometries\":[\"skeleton\"],\"keypoints\":[\"a\",\"b\"],"
	"\"sigmas\":[0.1,0.1]},"
	"{\"name\":\"tight\",\"geometries\":[\"skeleton\"],\"keypoints\":[\"a\",\"b\"],"
	"\"sigmas\":[0.02,0.05]}]}";

/* COCO's computeOks for 2 gold points, both labeled; s2 the area. */
static double
oks2(double d0sq, double d1sq, double s0, double s1, double area)
{
	double k0 = 2 * s0, k1 = 2 * s1;

	return (exp(-d0sq / (2 * area * k0 * k0)) + exp(-d1sq / (2 * area * k1 * k1))) / 2;
}

static void
test_skeleton_sigmas(void)
{
	static const char *const cls[2] = { "wide", "tight" };
	struct bx_quality_ws *ws = bx_quality_ws_new();
	const struct bx_answer *jj[2];
	struct bx_taxonomy *t = NULL;
	struct bx_score_opts o;
	struct bx_consensus cons;
	struct bx_answer g, l;
	struct bx_score s;
	struct bx_err err;
	double want[2], sim;
	int gm;
	struct bx_score_detail d = { .gold_match = &gm, .gold_sim = &sim };
	char json[256];
	int k;

	CHECK_INT(bx_taxonomy_load_text(SIG_TAX, "t.json", &t, &err), 0);
	bx_score_opts_default(&o);
	o.sigmas = bx_kpt_sigmas_of(t, &o.nsigmas);
	CHECK_INT(o.nsigmas, 2);
	/* gold (10,10) (30,50): box 20x40, area 800; the label's first point
	 * is 3, 4 off (d^2 = 25), its second exact */
	want[0] = oks2(25, 0, 0.1, 0.1, 800);
	want[1] = oks2(25, 0, 0.02, 0.05, 800);
	CHECK(want[0] > want[1] + 0.2); /* the case tells them apart */
	o.iou = 0.01;
	for (k = 0; k < 2; k++) {
		CASE(cls[k]);
		bx_answer_init(&g);
		bx_answer_init(&l);
		snprintf(json, sizeof json, "{\"annotations\":[{\"class\":\"%s\",\"skeleton\":"
		    "[[10,10,2],[30,50,2]]}]}", cls[k]);
		CHECK_INT(bx_answer_from_json(json, &g, &err), 0);
		snprintf(json, sizeof json, "{\"annotations\":[{\"class\":\"%s\",\"skeleton\":"
		    "[[13,14,2],[30,50,2]]}]}", cls[k]);
		CHECK_INT(bx_answer_from_json(json, &l, &err), 0);
		CHECK_INT(bx_score_answer(ws, &g, &l, &o, &s, &d), 0);
		CHECK_INT(s.tp, 1);
		CHECK_NEAR(sim, want[k], 1e-12);
		/* consensus joins the two only when OKS reaches the threshold
		 * halfway between the classes' values */
		o.iou = (want[0] + want[1]) / 2;
		jj[0] = &g;
		jj[1] = &l;
		CHECK_INT(bx_consensus_run(ws, jj, 2, 2, &o, &cons), 0);
		CHECK_INT(cons.answer.n, k == 0 ? 1 : 0);
		bx_consensus_free(&cons);
		o.iou = 0.01;
		bx_answer_free(&g);
		bx_answer_free(&l);
	}
	CASE("no table: COCO's default 0.067 for a class of 2 points");
	free((void *)o.sigmas);
	o.sigmas = NULL;
	o.nsigmas = 0;
	bx_answer_init(&g);
	bx_answer_init(&l);
	CHECK_INT(bx_answer_from_json("{\"annotations\":[{\"class\":\"wide\",\"skeleton\":"
	    "[[10,10,2],[30,50,2]]}]}", &g, &err), 0);
	CHECK_INT(bx_answer_from_json("{\"annotations\":[{\"class\":\"wide\",\"skeleton\":"
	    "[[13,14,2],[30,50,2]]}]}", &l, &err), 0);
	CHECK_INT(bx_score_answer(ws, &g, &l, &o, &s, &d), 0);
	CHECK_NEAR(sim, oks2(25, 0, 0.067, 0.067, 800), 1e-12);
	bx_answer_free(&g);
	bx_answer_free(&l);
	bx_taxonomy_free(t);
	bx_quality_ws_free(ws);
}

/* A multipolygon's region is the union of its rings, also where they
 * overlap: squares (0,0)-(4,4) and (2,2)-(6,6) cover 16 + 16 - 4 = 28 (not
 * their sum, 32); a ring inside the first adds nothing. Against the square
 * (0,0)-(6,6), area 36, that covers them all: IoU 28 / 36 (with the sum it
 * would read 28 / 40). */
static void
test_multipolygon_union(void)
{
	static const struct bx_pt pts[] = {
		{ 0, 0 }, { 4, 0 }, { 4, 4 }, { 0, 4 },
		{ 2, 2 }, { 6, 2 }, { 6, 6 }, { 2, 6 },
		{ 1, 1 }, { 2, 1 }, { 1, 2 },
	};
	static const struct bx_pt big[] = { { 0, 0 }, { 6, 0 }, { 6, 6 }, { 0, 6 } };
	static const int ends[] = { 4, 8, 11 };
	struct bx_quality_ws *ws = bx_quality_ws_new();
	struct bx_geom_ws *g = bx_geom_ws_new();
	struct bx_score_opts o;
	struct bx_annot m, p;
	struct bx_qobj qm, qp;
	struct bx_shape sh = { pts, 11, ends, 3 };

	CASE("area: the union of overlapping rings");
	CHECK_NEAR(bx_shape_area(g, &sh), 28, 1e-12);
	sh.npts = 8, sh.nrings = 2;
	CHECK_NEAR(bx_shape_area(g, &sh), 28, 1e-12);
	CASE("IoU of the multipolygon with a polygon");
	memset(&m, 0, sizeof m);
	m.geom = BX_GEOM_MULTIPOLYGON;
	m.cls = "stain";
	m.pts = (struct bx_pt *)pts;
	m.npts = 11;
	m.ring_end = (int *)ends;
	m.nrings = 3;
	memset(&p, 0, sizeof p);
	p.geom = BX_GEOM_POLYGON;
	p.cls = "stain";
	p.pts = (struct bx_pt *)big;
	p.npts = 4;
	bx_qobj_from_annot(&qm, &m);
	bx_qobj_from_annot(&qp, &p);
	bx_score_opts_default(&o);
	CHECK_NEAR(bx_qobj_sim(ws, &qm, &qp, &o), 28.0 / 36.0, 1e-12);
	CHECK_NEAR(bx_qobj_sim(ws, &qp, &qm, &o), 28.0 / 36.0, 1e-12);
	CHECK_NEAR(bx_qobj_sim(ws, &qm, &qm, &o), 1, 1e-12);
	bx_geom_ws_free(g);
	bx_quality_ws_free(ws);
}

BX_TESTS(T(test_table), T(test_rbox), T(test_ellipse), T(test_cuboid), T(test_skeleton), T(test_skeleton_sigmas), T(test_multipolygon_union), T(test_codec), T(test_taxonomy), T(test_edit), T(test_similarity),
         T(test_score_consensus))
