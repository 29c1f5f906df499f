/* test-edit.c: the pure editing model (edit.c). Every expectation is worked
 * out by hand from a 100x80 image with the crosshair starting at (50, 40). */
#include "boxel/draft.h"
#include "boxel/edit.h"
#include "boxel/geom.h"
#include "boxel/util.h"
#include "harness.h"

static void
fresh(struct bx_edit *ed)
{
	bx_edit_init(ed, 100, 80);
	bx_edit_set_class(ed, "car");
}

/* Draw a box from (x0,y0) to (x1,y1) with cursor moves and two places. */
static int
draw_box(struct bx_edit *ed, double x0, double y0, double x1, double y1)
{
	bx_edit_set_tool(ed, bx_tool_from_name("box"));
	bx_edit_cursor_to(ed, x0, y0);
	bx_edit_place(ed);
	bx_edit_cursor_to(ed, x1, y1);
	return bx_edit_place(ed);
}

static void
test_cursor(void)
{
	static const struct {
		const char *name;
		double dx, dy, x, y;
	} cases[] = {
		{ "right 5", 5, 0, 55, 40 },
		{ "up 3", 0, -3, 50, 37 },
		{ "far left clamps at 0", -500, 0, 0, 40 },
		{ "far down clamps at height", 0, 500, 50, 80 },
		{ "fraction rounds to whole pixels", 0.4, 0.6, 50, 41 },
	};
	struct bx_edit ed;
	size_t i;

	for (i = 0; i < BX_ARRAY_LEN(cases); i++) {
		CASE(cases[i].name);
		bx_edit_init(&ed, 100, 80);
		CHECK_NEAR(ed.cx, 50, 0);
		bx_edit_cursor(&ed, cases[i].dx, cases[i].dy);
		CHECK_NEAR(ed.cx, cases[i].x, 0);
		CHECK_NEAR(ed.cy, cases[i].y, 0);
		bx_edit_free(&ed);
	}
	bx_edit_init(&ed, 100, 80);
	CHECK_INT(bx_edit_cursor(&ed, 0, 0), 0); /* no change: nothing to redraw */
	bx_edit_free(&ed);
}

static void
test_box(void)
{
	struct bx_edit ed;
	int r;

	fresh(&ed);
	/* Corners in any order make a normalized box. */
	r = draw_box(&ed, 30, 20, 10, 5);
	CHECK(r & BX_EDIT_ANSWER);
	CHECK_INT(ed.ans.n, 1);
	CHECK_INT(ed.ans.a[0].geom, BX_GEOM_BOX);
	CHECK_NEAR(ed.ans.a[0].x, 10, 0);
	CHECK_NEAR(ed.ans.a[0].y, 5, 0);
	CHECK_NEAR(ed.ans.a[0].w, 20, 0);
	CHECK_NEAR(ed.ans.a[0].h, 15, 0);
	CHECK_STR(ed.ans.a[0].cls, "car");
	CHECK_INT(ed.sel, 0);
	CHECK_INT(ed.grab, 0);
	CHECK_INT(ed.pos, 1);
	CHECK_INT(ed.npend, 0);

	/* A zero-width box is refused and the first corner kept. */
	bx_edit_cursor_to(&ed, 40, 40);
	bx_edit_place(&ed);
	bx_edit_cursor_to(&ed, 40, 60);
	r = bx_edit_place(&ed);
	CHECK(!(r & BX_EDIT_ANSWER));
	CHECK(ed.msg[0] != '\0');
	CHECK_INT(ed.npend, 1);
	CHECK_INT(ed.ans.n, 1);
	/* Esc drops it. */
	bx_edit_cancel(&ed);
	CHECK_INT(ed.npend, 0);
	bx_edit_free(&ed);

	/* No class yet: nothing is placed. */
	bx_edit_init(&ed, 100, 80);
	r = bx_edit_place(&ed);
	CHECK(!(r & BX_EDIT_ANSWER));
	CHECK_INT(ed.npend, 0);
	CHECK(strstr(ed.msg, "class") != NULL);
	bx_edit_free(&ed);
}

static void
test_polygon(void)
{
	static const double v[][2] = { { 10, 10 }, { 30, 10 }, { 30, 30 }, { 10, 30 } };
	struct bx_edit ed;
	int i, r;

	fresh(&ed);
	bx_edit_set_tool(&ed, bx_tool_from_name("polygon"));
	for (i = 0; i < 4; i++) {
		bx_edit_cursor_to(&ed, v[i][0], v[i][1]);
		bx_edit_place(&ed);
	}
	CHECK_INT(ed.npend, 4);
	/* The same spot twice is refused. */
	bx_edit_place(&ed);
	CHECK_INT(ed.npend, 4);
	/* Backspace removes the last vertex; Enter closes with 3. */
	bx_edit_backspace(&ed);
	CHECK_INT(ed.npend, 3);
	r = bx_edit_enter(&ed);
	CHECK(r & BX_EDIT_ANSWER);
	CHECK_INT(ed.ans.n, 1);
	CHECK_INT(ed.ans.a[0].geom, BX_GEOM_POLYGON);
	CHECK_INT(ed.ans.a[0].npts, 3);
	CHECK_NEAR(ed.ans.a[0].pts[2].x, 30, 0);
	CHECK_NEAR(ed.ans.a[0].pts[2].y, 30, 0);

	/* Two vertices then Enter: places a third, does not close. */
	bx_edit_cursor_to(&ed, 50, 50);
	bx_edit_place(&ed);
	bx_edit_cursor_to(&ed, 60, 50);
	bx_edit_place(&ed);
	bx_edit_cursor_to(&ed, 60, 60);
	r = bx_edit_enter(&ed);
	CHECK(!(r & BX_EDIT_ANSWER));
	CHECK_INT(ed.npend, 3);
	/* Placing on the first vertex closes. */
	bx_edit_cursor_to(&ed, 50, 50);
	r = bx_edit_place(&ed);
	CHECK(r & BX_EDIT_ANSWER);
	CHECK_INT(ed.ans.n, 2);
	CHECK_INT(ed.ans.a[1].npts, 3);

	/* Explicit close with 2 vertices is refused. */
	bx_edit_cursor_to(&ed, 70, 70);
	bx_edit_place(&ed);
	bx_edit_cursor_to(&ed, 71, 70);
	bx_edit_place(&ed);
	r = bx_edit_close(&ed);
	CHECK(!(r & BX_EDIT_ANSWER));
	CHECK(strstr(ed.msg, "3") != NULL);
	/* Switching tools abandons the shape. */
	bx_edit_set_tool(&ed, bx_tool_from_name("box"));
	CHECK_INT(ed.npend, 0);
	bx_edit_free(&ed);
}

static void
test_point(void)
{
	struct bx_edit ed;

	fresh(&ed);
	bx_edit_set_tool(&ed, bx_tool_from_name("point"));
	bx_edit_cursor_to(&ed, 7, 9);
	CHECK(bx_edit_place(&ed) & BX_EDIT_ANSWER);
	CHECK_INT(ed.ans.a[0].geom, BX_GEOM_POINT);
	CHECK_INT(ed.ans.a[0].npts, 1);
	CHECK_NEAR(ed.ans.a[0].pts[0].x, 7, 0);
	CHECK_NEAR(ed.ans.a[0].pts[0].y, 9, 0);
	/* A whole-object move carries the point and the crosshair. */
	bx_edit_select_index(&ed, 0);
	bx_edit_move(&ed, 3, -2);
	CHECK_NEAR(ed.ans.a[0].pts[0].x, 10, 0);
	CHECK_NEAR(ed.ans.a[0].pts[0].y, 7, 0);
	CHECK_NEAR(ed.cx, 10, 0);
	CHECK_NEAR(ed.cy, 7, 0);
	bx_edit_free(&ed);
}

static void
test_select(void)
{
	struct bx_edit ed;

	fresh(&ed);
	CHECK(bx_edit_select(&ed, 1) == BX_EDIT_VIEW);
	CHECK(ed.msg[0] != '\0'); /* no objects */
	draw_box(&ed, 0, 0, 10, 10);
	draw_box(&ed, 20, 20, 30, 30);
	draw_box(&ed, 40, 40, 50, 50);
	bx_edit_cancel(&ed); /* deselect */
	CHECK_INT(ed.sel, -1);
	bx_edit_select(&ed, 1);
	CHECK_INT(ed.sel, 0);
	CHECK_INT(ed.grab, 1);
	bx_edit_select(&ed, -1);
	CHECK_INT(ed.sel, 2); /* wraps */
	bx_edit_select(&ed, 1);
	CHECK_INT(ed.sel, 0);
	bx_edit_cancel(&ed); /* release */
	CHECK_INT(ed.grab, 0);
	CHECK_INT(ed.sel, 0);
	/* Released: arrows move the crosshair, not the object. */
	bx_edit_move(&ed, 1, 0);
	CHECK_NEAR(ed.ans.a[0].x, 0, 0);
	bx_edit_cancel(&ed);
	CHECK_INT(ed.sel, -1);
	CHECK_INT(bx_edit_cancel(&ed), 0);
	bx_edit_free(&ed);
}

static void
test_nudge_box(void)
{
	static const struct {
		const char *name;
		int handle;
		double dx, dy;
		double x, y, w, h;
	} cases[] = {
		/* box 10,10 20x20 in a 100x80 image */
		{ "whole right", -1, 1, 0, 11, 10, 20, 20 },
		{ "whole clamps at left edge", -1, -50, 0, 0, 10, 20, 20 },
		{ "whole clamps at bottom", -1, 0, 100, 10, 60, 20, 20 },
		{ "top-left corner", BX_H_TL, -2, -3, 8, 7, 22, 23 },
		{ "bottom-right corner", BX_H_BR, 5, 5, 10, 10, 25, 25 },
		{ "top-right corner", BX_H_TR, 1, 1, 10, 11, 21, 19 },
		{ "bottom-left corner", BX_H_BL, 1, 1, 11, 10, 19, 21 },
		{ "top edge ignores dx", BX_H_TOP, 4, 2, 10, 12, 20, 18 },
		{ "right edge ignores dy", BX_H_RIGHT, 3, 9, 10, 10, 23, 20 },
		{ "left edge stops short of the right edge", BX_H_LEFT, 40, 0, 29, 10, 1, 20 },
		{ "bottom edge clamps to image", BX_H_BOTTOM, 0, 200, 10, 10, 20, 70 },
	};
	struct bx_edit ed;
	size_t i;

	for (i = 0; i < BX_ARRAY_LEN(cases); i++) {
		CASE(cases[i].name);
		fresh(&ed);
		draw_box(&ed, 10, 10, 30, 30);
		bx_edit_select_index(&ed, 0);
		while (ed.handle != cases[i].handle)
			bx_edit_handle(&ed, 1);
		CHECK(bx_edit_move(&ed, cases[i].dx, cases[i].dy) & BX_EDIT_ANSWER);
		CHECK_NEAR(ed.ans.a[0].x, cases[i].x, 0);
		CHECK_NEAR(ed.ans.a[0].y, cases[i].y, 0);
		CHECK_NEAR(ed.ans.a[0].w, cases[i].w, 0);
		CHECK_NEAR(ed.ans.a[0].h, cases[i].h, 0);
		bx_edit_free(&ed);
	}
}

/* A box drawn on fractions of a pixel: what a key moves lands on whole
 * pixels (a reviewer's arrow-key fix exports no 103.7). */
static void
test_nudge_snaps(void)
{
	struct bx_edit ed;

	CASE("whole box: every edge on a whole pixel");
	fresh(&ed);
	draw_box(&ed, 10.4, 10.6, 30.3, 30.2);
	bx_edit_select_index(&ed, 0);
	CHECK(bx_edit_move(&ed, 1, 0) & BX_EDIT_ANSWER);
	CHECK_NEAR(ed.ans.a[0].x, 11, 0);
	CHECK_NEAR(ed.ans.a[0].y, 11, 0);
	CHECK_NEAR(ed.ans.a[0].w, 20, 0);
	CHECK_NEAR(ed.ans.a[0].h, 19, 0);
	bx_edit_free(&ed);
	CASE("a handle: whole pixels too");
	fresh(&ed);
	draw_box(&ed, 10.4, 10.6, 30.3, 30.2);
	bx_edit_select_index(&ed, 0);
	while (ed.handle != BX_H_BR)
		bx_edit_handle(&ed, 1);
	CHECK(bx_edit_move(&ed, 2, 0) & BX_EDIT_ANSWER);
	CHECK_NEAR(ed.ans.a[0].x, 10, 0);
	CHECK_NEAR(ed.ans.a[0].w, 22, 0); /* 30.3 + 2 -> 32 */
	bx_edit_free(&ed);
}

static void
test_handles(void)
{
	struct bx_edit ed;
	double x, y;

	fresh(&ed);
	draw_box(&ed, 10, 10, 30, 30);
	bx_edit_select_index(&ed, 0);
	CHECK_INT(bx_edit_handle_count(&ed), 8);
	CHECK_INT(ed.handle, -1);
	bx_edit_handle(&ed, -1);
	CHECK_INT(ed.handle, BX_H_LEFT); /* backwards from the whole object */
	bx_edit_handle(&ed, 1);
	CHECK_INT(ed.handle, -1);
	bx_edit_handle(&ed, 1);
	bx_edit_handle(&ed, 1);
	bx_edit_handle(&ed, 1);
	CHECK_INT(ed.handle, BX_H_BR);
	/* The crosshair jumps to the grabbed handle. */
	CHECK_NEAR(ed.cx, 30, 0);
	CHECK_NEAR(ed.cy, 30, 0);
	CHECK(bx_edit_handle_pos(&ed, BX_H_RIGHT, &x, &y) == 0);
	CHECK_NEAR(x, 30, 0);
	CHECK_NEAR(y, 20, 0);
	CHECK(bx_edit_handle_pos(&ed, 8, &x, &y) < 0);
	bx_edit_free(&ed);
}

static void
test_vertices(void)
{
	static const double v[][2] = { { 10, 10 }, { 30, 10 }, { 30, 30 } };
	struct bx_edit ed;
	int i;

	fresh(&ed);
	bx_edit_set_tool(&ed, bx_tool_from_name("polygon"));
	for (i = 0; i < 3; i++) {
		bx_edit_cursor_to(&ed, v[i][0], v[i][1]);
		bx_edit_place(&ed);
	}
	bx_edit_close(&ed);
	bx_edit_select_index(&ed, 0);
	/* Deleting below 3 vertices is refused. */
	bx_edit_handle(&ed, 1);
	CHECK_INT(ed.handle, 0);
	CHECK(!(bx_edit_delete_vertex(&ed) & BX_EDIT_ANSWER));
	/* Insert after vertex 0: midpoint of (10,10)-(30,10). */
	CHECK(bx_edit_insert_vertex(&ed) & BX_EDIT_ANSWER);
	CHECK_INT(ed.ans.a[0].npts, 4);
	CHECK_NEAR(ed.ans.a[0].pts[1].x, 20, 0);
	CHECK_NEAR(ed.ans.a[0].pts[1].y, 10, 0);
	CHECK_INT(ed.handle, 1);
	/* Move the new vertex up and out: clamps at y = 0. */
	bx_edit_move(&ed, 0, -15);
	CHECK_NEAR(ed.ans.a[0].pts[1].y, 0, 0);
	/* Insert after the last vertex wraps to the first. */
	ed.handle = 3;
	bx_edit_insert_vertex(&ed);
	CHECK_INT(ed.ans.a[0].npts, 5);
	CHECK_NEAR(ed.ans.a[0].pts[4].x, 20, 0); /* (30,30)-(10,10) */
	CHECK_NEAR(ed.ans.a[0].pts[4].y, 20, 0);
	CHECK(bx_edit_delete_vertex(&ed) & BX_EDIT_ANSWER);
	CHECK_INT(ed.ans.a[0].npts, 4);
	CHECK_INT(ed.handle, 3);
	bx_edit_free(&ed);
}

static void
test_undo(void)
{
	struct bx_edit ed;
	int i;

	fresh(&ed);
	draw_box(&ed, 10, 10, 30, 30);
	draw_box(&ed, 40, 40, 50, 50);
	CHECK_INT(ed.pos, 2);
	CHECK(bx_edit_undo(&ed) & BX_EDIT_UNDO);
	CHECK_INT(ed.ans.n, 1);
	CHECK_INT(ed.pos, 1);
	CHECK(bx_edit_redo(&ed) & BX_EDIT_UNDO);
	CHECK_INT(ed.ans.n, 2);
	CHECK_NEAR(ed.ans.a[1].x, 40, 0);
	CHECK(!(bx_edit_redo(&ed) & BX_EDIT_UNDO)); /* nothing to redo */
	/* Ten nudges of one object are one undo step. */
	bx_edit_select_index(&ed, 0);
	for (i = 0; i < 10; i++)
		bx_edit_move(&ed, 1, 0);
	CHECK_INT(ed.pos, 3);
	CHECK_NEAR(ed.ans.a[0].x, 20, 0);
	/* A mouse drag of the same object after them is its own step,
	 * and its moves merge into it. */
	ed.move_apart = 1;
	bx_edit_move(&ed, 2, 0);
	bx_edit_move(&ed, 2, 0);
	CHECK_INT(ed.pos, 4);
	CHECK_INT(ed.move_apart, 0);
	bx_edit_undo(&ed);
	CHECK_NEAR(ed.ans.a[0].x, 20, 0);
	bx_edit_undo(&ed);
	CHECK_NEAR(ed.ans.a[0].x, 10, 0);
	bx_edit_redo(&ed);
	bx_edit_redo(&ed);
	bx_edit_undo(&ed);
	bx_edit_forget_redo(&ed);
	bx_edit_undo(&ed);
	CHECK_NEAR(ed.ans.a[0].x, 10, 0);
	/* A new edit after undo drops the redo branch. */
	bx_edit_undo(&ed);
	CHECK_INT(ed.pos, 1);
	CHECK_INT(ed.nsteps, 3);
	draw_box(&ed, 60, 60, 70, 70);
	CHECK_INT(ed.pos, 2);
	CHECK_INT(ed.nsteps, 2);
	CHECK_NEAR(ed.ans.a[1].x, 60, 0);
	CHECK(bx_edit_step_at(&ed, 2) != NULL);
	CHECK(bx_edit_step_at(&ed, 3) == NULL);
	/* Undo everything, then one more is refused. */
	bx_edit_undo(&ed);
	bx_edit_undo(&ed);
	CHECK_INT(ed.ans.n, 0);
	CHECK(!(bx_edit_undo(&ed) & BX_EDIT_UNDO));
	bx_edit_free(&ed);
}

static void
test_class_attrs(void)
{
	struct bx_edit ed;
	struct bx_value v = { .type = BX_VAL_STR, .str = (char *)"red" };
	struct bx_value none = { .type = BX_VAL_NONE };

	fresh(&ed);
	draw_box(&ed, 10, 10, 30, 30);
	/* Just drawn (selected, not grabbed): only the class for new objects. */
	CHECK_INT(bx_edit_set_class(&ed, "bus"), BX_EDIT_VIEW);
	CHECK_STR(ed.ans.a[0].cls, "car");
	bx_edit_select_index(&ed, 0);
	/* Grabbed: the class changes on the object too (one step). */
	CHECK(bx_edit_set_class(&ed, "truck") & BX_EDIT_ANSWER);
	CHECK_STR(ed.ans.a[0].cls, "truck");
	CHECK_STR(ed.cls, "truck");
	/* The same class again is no change. */
	CHECK(!(bx_edit_set_class(&ed, "truck") & BX_EDIT_ANSWER));
	/* Nothing selected: only the class for new objects. */
	bx_edit_cancel(&ed);
	CHECK_INT(bx_edit_set_class(&ed, "car"), BX_EDIT_VIEW);
	CHECK_STR(ed.ans.a[0].cls, "truck");

	CHECK(bx_edit_set_attr(&ed, 0, "color", &v) & BX_EDIT_ANSWER);
	CHECK_STR(bx_attrs_get(&ed.ans.a[0].attrs, "color")->str, "red");
	CHECK_INT(bx_edit_set_attr(&ed, 0, "color", &v), 0); /* unchanged */
	CHECK(bx_edit_set_attr(&ed, -1, "scene", &v) & BX_EDIT_ANSWER);
	CHECK(bx_attrs_get(&ed.ans.global, "scene") != NULL);
	CHECK(bx_edit_set_attr(&ed, 0, "color", &none) & BX_EDIT_ANSWER);
	CHECK(bx_attrs_get(&ed.ans.a[0].attrs, "color") == NULL);
	CHECK_INT(bx_edit_set_attr(&ed, 5, "color", &v), 0); /* no such object */
	bx_edit_undo(&ed);
	CHECK_STR(bx_attrs_get(&ed.ans.a[0].attrs, "color")->str, "red");

	/* Tags toggle. */
	CHECK(bx_edit_toggle_tag(&ed, "outdoor") & BX_EDIT_ANSWER);
	CHECK_INT(ed.ans.n, 2);
	CHECK_INT(ed.ans.a[1].geom, BX_GEOM_TAG);
	CHECK(bx_edit_toggle_tag(&ed, "outdoor") & BX_EDIT_ANSWER);
	CHECK_INT(ed.ans.n, 1);
	CHECK(bx_edit_delete(&ed) == BX_EDIT_VIEW); /* nothing selected */
	bx_edit_select_index(&ed, 0);
	CHECK(bx_edit_delete(&ed) & BX_EDIT_ANSWER);
	CHECK_INT(ed.ans.n, 0);
	CHECK_INT(ed.sel, -1);
	bx_edit_free(&ed);
}

static void
add_suggestion(struct bx_answer *ans, double x, double score)
{
	struct bx_annot an;

	memset(&an, 0, sizeof an);
	an.geom = BX_GEOM_BOX;
	an.cls = (char *)"car";
	an.x = x;
	an.y = 0;
	an.w = an.h = 5;
	an.score = score;
	an.flags = BX_ANNOT_SUGGESTION;
	bx_answer_add(ans, &an);
}

static void
test_suggestions(void)
{
	struct bx_edit ed;
	struct bx_answer seed;

	bx_answer_init(&seed);
	add_suggestion(&seed, 0, 0.9);
	add_suggestion(&seed, 10, 0.4);
	add_suggestion(&seed, 20, 0.7);
	add_suggestion(&seed, 30, 0.2);
	fresh(&ed);
	bx_edit_set_answer(&ed, &seed);
	CHECK_INT(ed.pos, 0);
	CHECK(!(bx_edit_accept(&ed) & BX_EDIT_ANSWER)); /* nothing selected */
	CHECK(bx_edit_accept_all(&ed, 0.5) & BX_EDIT_ANSWER);
	CHECK_INT(ed.ans.a[0].flags & BX_ANNOT_SUGGESTION, 0);
	CHECK_INT(ed.ans.a[1].flags & BX_ANNOT_SUGGESTION, BX_ANNOT_SUGGESTION);
	CHECK_INT(ed.ans.a[2].flags & BX_ANNOT_SUGGESTION, 0);
	CHECK(!(bx_edit_accept_all(&ed, 0.95) & BX_EDIT_ANSWER));
	bx_edit_select_index(&ed, 1);
	CHECK(bx_edit_reject(&ed) & BX_EDIT_ANSWER);
	CHECK_INT(ed.ans.n, 3);
	CHECK_NEAR(ed.ans.a[1].x, 20, 0);
	/* Editing a suggestion makes it the annotator's own. */
	bx_edit_select_index(&ed, 2);
	bx_edit_move(&ed, 1, 0);
	CHECK_INT(ed.ans.a[2].flags & BX_ANNOT_SUGGESTION, 0);
	CHECK_NEAR(ed.ans.a[2].score, 0, 0);
	bx_edit_select_index(&ed, 0);
	CHECK(!(bx_edit_reject(&ed) & BX_EDIT_ANSWER)); /* not a suggestion any more */
	bx_edit_free(&ed);
	bx_answer_free(&seed);
}

/* The draft JSON (fmt-draft.c) brings back answer, view and history. */
static void
test_draft_roundtrip(void)
{
	struct bx_edit ed, back;
	struct bx_draft_view v = { 2.5, 30, 20, 12.5 }, v2;
	struct bx_err err;
	char *state, *entries[8];
	int i, n;

	fresh(&ed);
	draw_box(&ed, 10, 10, 30, 30);
	draw_box(&ed, 40, 40, 50, 50);
	bx_edit_undo(&ed);              /* pos 1 of 2: one redo pending */
	bx_edit_set_tool(&ed, bx_tool_from_name("polygon"));
	bx_edit_cursor_to(&ed, 5, 6);
	bx_edit_place(&ed);             /* a vertex in progress */
	state = bx_draft_state_to_json(&ed, &v);
	n = ed.nsteps;
	for (i = 0; i < n; i++)
		entries[i] = bx_draft_entry_to_json(bx_edit_step_at(&ed, i + 1));

	bx_edit_init(&back, 100, 80);
	CHECK_INT(bx_draft_restore(&back, &v2, state, entries, n, &err), 0);
	CHECK_INT(back.ans.n, 1);
	CHECK_INT(back.pos, 1);
	CHECK_INT(back.nsteps, 2);
	CHECK_INT(back.tool, bx_tool_from_name("polygon"));
	CHECK_INT(back.npend, 1);
	CHECK_NEAR(back.cx, 5, 0);
	CHECK_NEAR(back.cy, 6, 0);
	CHECK_STR(back.cls, "car");
	CHECK_NEAR(v2.zoom, 2.5, 0);
	CHECK_NEAR(v2.vx, 30, 0);
	CHECK_NEAR(v2.seconds, 12.5, 0);
	/* The history works after the restore. */
	CHECK(bx_edit_redo(&back) & BX_EDIT_UNDO);
	CHECK_INT(back.ans.n, 2);
	CHECK_NEAR(back.ans.a[1].x, 40, 0);
	bx_edit_undo(&back);
	bx_edit_undo(&back);
	CHECK_INT(back.ans.n, 0);
	bx_edit_free(&back);

	/* A dropped redo tail stays dropped, though the journal still holds
	 * its entry (the store overwrites it only with the next step). */
	CASE("forget redo");
	bx_edit_forget_redo(&ed);
	CHECK_INT(ed.nsteps, 1);
	CHECK_INT(ed.pos, 1);
	CHECK(!(bx_edit_redo(&ed) & BX_EDIT_UNDO));
	CHECK_STR(ed.msg, "nothing to redo");
	{
		char *st2 = bx_draft_state_to_json(&ed, &v);
		bx_edit_init(&back, 100, 80);
		CHECK_INT(bx_draft_restore(&back, &v2, st2, entries, n, &err), 0);
		CHECK_INT(back.nsteps, 1);
		CHECK_INT(back.pos, 1);
		CHECK(!(bx_edit_redo(&back) & BX_EDIT_UNDO));
		CHECK_INT(back.ans.n, 1);
		bx_edit_free(&back);
		free(st2);
	}

	/* Malformed inputs are refused with a message. */
	bx_edit_init(&back, 100, 80);
	CHECK(bx_draft_restore(&back, &v2, "{", entries, n, &err) < 0);
	CHECK(bx_draft_restore(&back, &v2, "[]", entries, n, &err) < 0);
	free(entries[0]);
	entries[0] = bx_strdup("{\"before\": 3}");
	CHECK(bx_draft_restore(&back, &v2, state, entries, n, &err) < 0);
	CHECK(strstr(err.msg, "journal entry 1") != NULL);
	CHECK_INT(back.nsteps, 0);
	bx_edit_free(&back);
	for (i = 0; i < n; i++)
		free(entries[i]);
	free(state);
	bx_edit_free(&ed);
}

/* Extreme points: left, top, right, bottom make the box from the left and
 * right points' x and the top and bottom points' y; the draft keeps the
 * tool and the points placed so far. */
static void
test_extreme(void)
{
	static const double pts[4][2] = { { 10, 30 }, { 25, 12 }, { 60, 33 }, { 31, 50 } };
	struct bx_edit ed, back;
	struct bx_draft_view v = { .zoom = 1 };
	struct bx_err err;
	char *json;
	int i;

	fresh(&ed);
	CHECK_INT(bx_edit_set_tool(&ed, bx_tool_from_name("extreme")), BX_EDIT_VIEW);
	CHECK_STR(bx_tool_name(ed.tool), "extreme");
	CHECK_INT(bx_tool_from_name("extreme"), 1); /* the box kind's second tool */
	CHECK_INT(bx_tool_from_name("lasso"), -1);
	for (i = 0; i < 3; i++) {
		bx_edit_cursor_to(&ed, pts[i][0], pts[i][1]);
		CHECK_INT(bx_edit_place(&ed), BX_EDIT_VIEW);
	}
	CHECK_INT(ed.npend, 3);
	CHECK_INT(ed.ans.n, 0);
	json = bx_draft_state_to_json(&ed, &v);
	bx_edit_init(&back, 100, 80);
	CHECK_INT(bx_draft_restore(&back, &v, json, NULL, 0, &err), 0);
	CHECK_INT(back.tool, bx_tool_from_name("extreme"));
	CHECK_INT(back.npend, 3);
	free(json);
	bx_edit_free(&back);
	bx_edit_cursor_to(&ed, pts[3][0], pts[3][1]);
	CHECK_INT(bx_edit_place(&ed), BX_EDIT_ANSWER | BX_EDIT_VIEW);
	CHECK_INT(ed.ans.n, 1);
	CHECK_INT(ed.ans.a[0].geom, BX_GEOM_BOX);
	CHECK_NEAR(ed.ans.a[0].x, 10, 1e-9);
	CHECK_NEAR(ed.ans.a[0].y, 12, 1e-9);
	CHECK_NEAR(ed.ans.a[0].w, 50, 1e-9);
	CHECK_NEAR(ed.ans.a[0].h, 38, 1e-9);
	CHECK_INT(ed.npend, 0);
	/* Four points on one line make no box, and say so. */
	for (i = 0; i < 4; i++) {
		bx_edit_cursor_to(&ed, 20 + i, 20);
		bx_edit_place(&ed);
	}
	CHECK_INT(ed.ans.n, 1);
	CHECK(ed.msg[0] != '\0');
	bx_edit_free(&ed);
}

/* Replacing a shape is one undo step; merged replacements (a wand regrown)
 * are still one; copies are one step; a grab names a handle directly. */
static void
test_replace_copy_grab(void)
{
	struct bx_edit ed;
	struct bx_annot nb = { .geom = BX_GEOM_BOX, .x = 12, .y = 13, .w = 20, .h = 21 };
	struct bx_annot two[2];
	int pos;

	fresh(&ed);
	draw_box(&ed, 10, 10, 40, 40);
	/* an object another tool named keeps its name through edits */
	ed.ans.a[0].uuid = bx_strdup("0f8fad5b-d9cb-469f-a165-70867728950e");
	pos = ed.pos;
	CHECK_INT(bx_edit_replace_shape(&ed, 0, &nb, "tighten", 0), BX_EDIT_ANSWER | BX_EDIT_VIEW);
	CHECK(ed.ans.a[0].uuid != NULL &&
	      strcmp(ed.ans.a[0].uuid, "0f8fad5b-d9cb-469f-a165-70867728950e") == 0);
	CHECK_NEAR(ed.ans.a[0].x, 12, 1e-9);
	CHECK_NEAR(ed.ans.a[0].w, 20, 1e-9);
	CHECK_STR(ed.ans.a[0].cls, "car");
	CHECK_INT(ed.pos, pos + 1);
	nb.w = 30;
	bx_edit_replace_shape(&ed, 0, &nb, "tighten", 1);
	CHECK_INT(ed.pos, pos + 1); /* merged into the previous step */
	CHECK_NEAR(ed.ans.a[0].w, 30, 1e-9);
	bx_edit_undo(&ed);
	CHECK_NEAR(ed.ans.a[0].x, 10, 1e-9); /* one undo: back to the drawn box */
	CHECK_NEAR(ed.ans.a[0].w, 30, 1e-9);
	bx_edit_redo(&ed);
	memset(two, 0, sizeof two);
	two[0] = nb;
	two[0].cls = "bus";
	two[1] = nb;
	two[1].cls = "car";
	two[1].flags = BX_ANNOT_SUGGESTION;
	two[1].uuid = ed.ans.a[0].uuid;
	pos = ed.pos;
	CHECK_INT(bx_edit_add_copies(&ed, two, 2, "copy previous task"), BX_EDIT_ANSWER | BX_EDIT_VIEW);
	CHECK_INT(ed.ans.n, 3);
	CHECK(ed.ans.a[2].uuid == NULL);   /* a copy is another object: no name of its own yet */
	CHECK_INT(ed.pos, pos + 1);
	CHECK_INT(ed.ans.a[2].flags & BX_ANNOT_SUGGESTION, 0); /* copies are the annotator's own */
	CHECK_INT(ed.sel, 2);
	CHECK_INT(bx_edit_copy_props(&ed, 2, 1), BX_EDIT_ANSWER | BX_EDIT_VIEW);
	CHECK_STR(ed.ans.a[2].cls, "bus");
	bx_edit_undo(&ed);
	bx_edit_undo(&ed);
	CHECK(ed.ans.n == 1 && ed.ans.a[0].uuid != NULL);   /* undo keeps it too */
	bx_edit_redo(&ed);
	bx_edit_redo(&ed);
	CHECK_INT(bx_edit_grab_handle(&ed, BX_H_LEFT), BX_EDIT_VIEW);
	CHECK_INT(ed.grab, 1);
	CHECK_INT(ed.handle, BX_H_LEFT);
	CHECK_INT(bx_edit_grab_handle(&ed, 8), 0); /* a box has 8 handles */
	bx_edit_undo(&ed);
	bx_edit_undo(&ed);
	CHECK_INT(ed.ans.n, 1);
	bx_edit_free(&ed);
}

/* A multipolygon drawn ring after ring: back on a ring's first vertex (or
 * Enter) closes it, Enter on the empty next ring (or back on the closed
 * ring's start) makes the object; Backspace takes back a vertex, then
 * reopens the ring closed last; a draft mid-drawing keeps the closed
 * rings; one undo takes the object back. */
static void
ring(struct bx_edit *ed, const double *xy, int n)
{
	int i;

	for (i = 0; i < n; i++) {
		bx_edit_cursor_to(ed, xy[2 * i], xy[2 * i + 1]);
		bx_edit_place(ed);
	}
}

static void
test_rings(void)
{
	static const double a[] = { 10, 10, 30, 10, 30, 30, 10, 10 };
	static const double b[] = { 50, 50, 70, 50, 60, 70 };
	struct bx_draft_view v = { 1, 50, 40, 0 }, v2;
	struct bx_edit ed, back;
	struct bx_err err;
	char *state;
	int open;

	fresh(&ed);
	CHECK_INT(bx_edit_set_tool(&ed, bx_tool_from_name("multipolygon")), BX_EDIT_VIEW);
	CHECK_INT(bx_tool_by_key('I'), bx_tool_from_name("multipolygon"));
	CASE("a ring of 2 vertices cannot close");
	ring(&ed, a, 2);
	CHECK_INT(bx_edit_enter(&ed), BX_EDIT_VIEW);
	CHECK(strstr(ed.msg, "a ring needs at least 3 vertices (2 so far)") != NULL);
	CASE("back on the first vertex closes ring 1");
	ring(&ed, a + 4, 2);
	CHECK_INT(bx_edit_rings(&ed, &open), 1);
	CHECK_INT(open, 0);
	CHECK_INT(ed.npend, 3);
	CHECK(strstr(ed.msg, "ring 1 closed") != NULL);
	CASE("Backspace reopens it, then takes its last vertex");
	bx_edit_backspace(&ed);
	CHECK_INT(bx_edit_rings(&ed, &open), 0);
	CHECK_INT(open, 3);
	bx_edit_backspace(&ed);
	CHECK_INT(ed.npend, 2);
	ring(&ed, a + 4, 1);
	CHECK_INT(bx_edit_enter(&ed), BX_EDIT_VIEW); /* Enter closes it too */
	CHECK_INT(bx_edit_rings(&ed, &open), 1);
	CASE("ring 2 closed by Enter; a draft mid-drawing keeps both");
	ring(&ed, b, 3);
	bx_edit_enter(&ed);
	bx_edit_cursor_to(&ed, 80, 20);
	bx_edit_place(&ed); /* a vertex of a third ring */
	state = bx_draft_state_to_json(&ed, &v);
	bx_edit_init(&back, 100, 80);
	CHECK_INT(bx_draft_restore(&back, &v2, state, NULL, 0, &err), 0);
	free(state);
	CHECK_INT(bx_edit_rings(&back, &open), 2);
	CHECK_INT(open, 1);
	CHECK_INT(back.tool, bx_tool_from_name("multipolygon"));
	CASE("Enter on the empty next ring makes the object of 2 rings");
	bx_edit_backspace(&back);
	CHECK(bx_edit_enter(&back) & BX_EDIT_ANSWER);
	CHECK_INT(back.ans.n, 1);
	CHECK_INT(back.npend, 0);
	if (back.ans.n == 1) {
		CHECK_INT(back.ans.a[0].geom, BX_GEOM_MULTIPOLYGON);
		CHECK_INT(back.ans.a[0].nrings, 2);
		CHECK_INT(back.ans.a[0].npts, 6);
		CHECK_INT(back.ans.a[0].ring_end[0], 3);
		CHECK_INT(back.ans.a[0].ring_end[1], 6);
		CHECK_NEAR(back.ans.a[0].pts[5].y, 70, 0);
	}
	CASE("one undo takes it back");
	bx_edit_undo(&back);
	CHECK_INT(back.ans.n, 0);
	CASE("with the mouse: back on the closed ring's first vertex finishes");
	bx_edit_backspace(&ed);     /* drop the third ring's vertex */
	bx_edit_cursor_to(&ed, 50, 50);
	CHECK(bx_edit_place(&ed) & BX_EDIT_ANSWER);
	CHECK_INT(ed.ans.n, 1);
	CHECK_INT(ed.ans.a[0].nrings, 2);
	bx_edit_free(&back);
	bx_edit_free(&ed);
}

BX_TESTS(T(test_draft_roundtrip), T(test_cursor), T(test_box), T(test_polygon), T(test_point), T(test_select),
         T(test_nudge_box), T(test_nudge_snaps), T(test_handles), T(test_vertices), T(test_undo),
         T(test_class_attrs), T(test_suggestions), T(test_extreme), T(test_replace_copy_grab), T(test_rings))
