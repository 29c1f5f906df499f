/* edit.c: the labeling view's editing model (see edit.h). Pure: operations
 * take the model and return what changed. Image pixels, origin top-left;
 * undo keeps whole answer snapshots per step, which keeps every operation
 * trivially reversible and lets the history be stored as journal entries. */
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "boxel/edit.h"
#include "boxel/geom.h"
#include "boxel/util.h"

static int
say(struct bx_edit *ed, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

/* Record why an operation did nothing; returns BX_EDIT_VIEW so the status
 * line is redrawn. */
static int
say(struct bx_edit *ed, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(ed->msg, sizeof ed->msg, fmt, ap);
	va_end(ap);
	return BX_EDIT_VIEW;
}

void
bx_edit_init(struct bx_edit *ed, int img_w, int img_h)
{
	memset(ed, 0, sizeof *ed);
	bx_answer_init(&ed->ans);
	ed->img_w = img_w;
	ed->img_h = img_h;
	ed->tool = 0; /* the box tool */
	ed->cx = floor(img_w / 2.0);
	ed->cy = floor(img_h / 2.0);
	ed->sel = -1;
	ed->handle = -1;
	ed->next_vis = 2;
}

static void
step_free(struct bx_edit_step *s)
{
	free(s->what);
	bx_answer_free(&s->before);
	bx_answer_free(&s->after);
}

static void
drop_steps_from(struct bx_edit *ed, int from)
{
	int i;

	for (i = from; i < ed->nsteps; i++)
		step_free(&ed->steps[i]);
	if (ed->nsteps > from)
		ed->nsteps = from;
}

void
bx_edit_forget_redo(struct bx_edit *ed)
{
	drop_steps_from(ed, ed->pos);
}

void
bx_edit_free(struct bx_edit *ed)
{
	bx_answer_free(&ed->ans);
	drop_steps_from(ed, 0);
	free(ed->steps);
	free(ed->pend);
	free(ed->pendv);
	free(ed->cls);
	memset(ed, 0, sizeof *ed);
	ed->sel = -1;
	ed->handle = -1;
}

void
bx_edit_set_answer(struct bx_edit *ed, const struct bx_answer *ans)
{
	bx_answer_free(&ed->ans);
	bx_answer_copy(&ed->ans, ans);
	ed->sel = -1;
	ed->grab = 0;
	ed->handle = -1;
	ed->npend = 0;
}

void
bx_edit_push_step(struct bx_edit *ed, const char *what, const struct bx_answer *before,
                  const struct bx_answer *after, int sel)
{
	struct bx_edit_step *s;

	if (ed->nsteps == ed->capsteps) {
		ed->capsteps = ed->capsteps ? ed->capsteps * 2 : 16;
		ed->steps = bx_realloc(ed->steps, sizeof *ed->steps * (size_t)ed->capsteps);
	}
	s = &ed->steps[ed->nsteps++];
	s->what = bx_strdup(what ? what : "edit");
	bx_answer_copy(&s->before, before);
	bx_answer_copy(&s->after, after);
	s->sel = sel;
}

const struct bx_edit_step *
bx_edit_step_at(const struct bx_edit *ed, int seq)
{
	if (seq < 1 || seq > ed->nsteps)
		return NULL;
	return &ed->steps[seq - 1];
}

/* ---- Undo bookkeeping: every mutation goes begin -> change -> commit. */

struct txn {
	struct bx_answer before;
};

static void
begin(struct bx_edit *ed, struct txn *t)
{
	bx_answer_copy(&t->before, &ed->ans);
}

static int
commit(struct bx_edit *ed, struct txn *t, const char *what)
{
	drop_steps_from(ed, ed->pos);
	bx_edit_push_step(ed, what, &t->before, &ed->ans, ed->sel);
	ed->pos = ed->nsteps;
	bx_answer_free(&t->before);
	ed->msg[0] = '\0';
	return BX_EDIT_ANSWER | BX_EDIT_VIEW;
}

static void
abandon(struct txn *t)
{
	bx_answer_free(&t->before);
}

static struct bx_annot *
selected(struct bx_edit *ed)
{
	if (ed->sel < 0 || ed->sel >= ed->ans.n)
		return NULL;
	return &ed->ans.a[ed->sel];
}

/* Editing a suggestion makes it the annotator's own. */
static void
own(struct bx_annot *an)
{
	if (an->flags & BX_ANNOT_SUGGESTION) {
		an->flags &= ~BX_ANNOT_SUGGESTION;
		an->score = 0;
	}
}

/* ---- Crosshair ---- */

int
bx_edit_cursor_to(struct bx_edit *ed, double x, double y)
{
	double nx = bx_geom_clamp(round(x), 0, ed->img_w), ny = bx_geom_clamp(round(y), 0, ed->img_h);

	if (!isfinite(x) || !isfinite(y))
		return 0;
	if (nx == ed->cx && ny == ed->cy)
		return 0;
	ed->cx = nx;
	ed->cy = ny;
	return BX_EDIT_VIEW;
}

int
bx_edit_cursor(struct bx_edit *ed, double dx, double dy)
{
	return bx_edit_cursor_to(ed, ed->cx + dx, ed->cy + dy);
}

/* ---- Handles ---- */

int
bx_edit_handle_count(const struct bx_edit *ed)
{
	const struct bx_geom_kind *k;

	if (ed->sel < 0 || ed->sel >= ed->ans.n)
		return 0;
	k = bx_geom_kind(ed->ans.a[ed->sel].geom);
	return k != NULL ? k->nhandles(&ed->ans.a[ed->sel]) : 0;
}

int
bx_edit_handle_pos(const struct bx_edit *ed, int h, double *x, double *y)
{
	const struct bx_annot *an;

	if (ed->sel < 0 || ed->sel >= ed->ans.n || h < 0 || h >= bx_edit_handle_count(ed))
		return -1;
	an = &ed->ans.a[ed->sel];
	bx_geom_kind(an->geom)->handle_pos(an, h, x, y);
	return 0;
}

static void
cursor_to_handle(struct bx_edit *ed)
{
	double x, y, w, h;

	if (ed->handle >= 0 && bx_edit_handle_pos(ed, ed->handle, &x, &y) == 0) {
		bx_edit_cursor_to(ed, x, y);
	} else if (selected(ed) != NULL && selected(ed)->geom != BX_GEOM_TAG) {
		bx_annot_bounds(selected(ed), &x, &y, &w, &h);
		bx_edit_cursor_to(ed, x, y);
	}
}

int
bx_edit_handle(struct bx_edit *ed, int dir)
{
	int n = bx_edit_handle_count(ed);

	if (selected(ed) == NULL)
		return say(ed, "select an object first (Tab)");
	if (n == 0)
		return say(ed, "a %s has no corners or vertices", bx_geom_name(selected(ed)->geom));
	/* -1 (whole object), 0 .. n-1, cyclic. */
	ed->handle = ((ed->handle + 1 + dir) % (n + 1) + (n + 1)) % (n + 1) - 1;
	ed->grab = 1;
	cursor_to_handle(ed);
	ed->msg[0] = '\0';
	return BX_EDIT_VIEW;
}

/* ---- Moving objects and handles ---- */

static void
move_whole(struct bx_edit *ed, struct bx_annot *an, double dx, double dy, double *adx, double *ady)
{
	double x, y, w, h;

	bx_annot_bounds(an, &x, &y, &w, &h);
	/* Keep the object inside the image. */
	dx = bx_geom_clamp(dx, -x, ed->img_w - (x + w));
	dy = bx_geom_clamp(dy, -y, ed->img_h - (y + h));
	bx_geom_kind(an->geom)->translate(an, dx, dy);
	*adx = dx;
	*ady = dy;
}

/* A key moves by whole display steps, but the object may sit on a
 * fraction of a pixel (drawn with the mouse, imported, a model's
 * suggestion): what the keys moved lands on whole image pixels, so a
 * reviewer's arrow-key fix never exports 103.7. The box keeps at least
 * one pixel each way, inside the image. */
static void
snap_moved(struct bx_edit *ed, struct bx_annot *an, int vertex)
{
	double x0, y0, x1, y1;
	int i;

	if (an->geom == BX_GEOM_BOX) {
		x0 = bx_geom_clamp(round(an->x), 0, ed->img_w - 1);
		y0 = bx_geom_clamp(round(an->y), 0, ed->img_h - 1);
		x1 = bx_geom_clamp(round(an->x + an->w), x0 + 1, ed->img_w);
		y1 = bx_geom_clamp(round(an->y + an->h), y0 + 1, ed->img_h);
		an->x = x0;
		an->y = y0;
		an->w = x1 - x0;
		an->h = y1 - y0;
		return;
	}
	for (i = 0; i < an->npts; i++) {
		if (vertex >= 0 && i != vertex)
			continue;
		an->pts[i].x = bx_geom_clamp(round(an->pts[i].x), 0, ed->img_w);
		an->pts[i].y = bx_geom_clamp(round(an->pts[i].y), 0, ed->img_h);
	}
}

int
bx_edit_nudge(struct bx_edit *ed, double dx, double dy)
{
	struct bx_annot *an = selected(ed);
	const struct bx_geom_kind *k;
	struct bx_edit_step *top;
	struct txn t;
	double adx = dx, ady = dy, hx, hy;
	char what[64];
	int apart;

	if (an == NULL)
		return say(ed, "nothing selected to move");
	k = bx_geom_kind(an->geom);
	if (k == NULL || k->form == BX_FORM_NONE)
		return say(ed, "an image class has no position");
	if (!isfinite(dx) || !isfinite(dy))
		return 0;
	begin(ed, &t);
	if (ed->handle < 0) {
		move_whole(ed, an, dx, dy, &adx, &ady);
		snprintf(what, sizeof what, "move #%d", ed->sel + 1);
	} else if (ed->handle < k->nhandles(an) && k->move_handle != NULL) {
		k->move_handle(an, ed->handle, dx, dy, ed->img_w, ed->img_h);
		/* Vertices are counted from 1 for people; a box's handles keep
		 * their old numbers in the undo list. */
		if (k->form == BX_FORM_BOX)
			snprintf(what, sizeof what, "move #%d handle %d", ed->sel + 1, ed->handle);
		else
			snprintf(what, sizeof what, "move #%d %s %d", ed->sel + 1, k->vertex,
			         ed->handle + 1);
	} else {
		abandon(&t);
		return 0;
	}
	snap_moved(ed, an, k->form == BX_FORM_POINTS ? ed->handle : -1);
	if (ed->handle < 0) {
		bx_edit_cursor(ed, adx, ady);
	} else if (bx_edit_handle_pos(ed, ed->handle, &hx, &hy) == 0) {
		bx_edit_cursor_to(ed, hx, hy);
	}
	own(an);
	apart = ed->move_apart;
	ed->move_apart = 0;
	/* Merge a run of moves of the same thing into one undo step. */
	top = ed->pos > 0 && ed->pos == ed->nsteps ? &ed->steps[ed->pos - 1] : NULL;
	if (top != NULL && !apart && strcmp(top->what, what) == 0 && top->sel == ed->sel) {
		bx_answer_free(&top->after);
		bx_answer_copy(&top->after, &ed->ans);
		abandon(&t);
		ed->msg[0] = '\0';
		return BX_EDIT_ANSWER | BX_EDIT_VIEW;
	}
	return commit(ed, &t, what);
}

int
bx_edit_move(struct bx_edit *ed, double dx, double dy)
{
	if (ed->grab && selected(ed) != NULL && ed->npend == 0)
		return bx_edit_nudge(ed, dx, dy);
	return bx_edit_cursor(ed, dx, dy);
}

/* ---- Drawing ---- */

static void
pend_push_vis(struct bx_edit *ed, double x, double y, int v)
{
	if (ed->npend == ed->cappend) {
		ed->cappend = ed->cappend ? ed->cappend * 2 : 8;
		ed->pend = bx_realloc(ed->pend, sizeof *ed->pend * (size_t)ed->cappend);
		ed->pendv = bx_realloc(ed->pendv, (size_t)ed->cappend);
	}
	ed->pend[ed->npend].x = x;
	ed->pend[ed->npend].y = y;
	ed->pendv[ed->npend] = (unsigned char)v;
	ed->npend++;
}

static void
pend_push(struct bx_edit *ed, double x, double y)
{
	pend_push_vis(ed, x, y, 2);
}

int
bx_edit_set_tool(struct bx_edit *ed, int tool)
{
	if (bx_tool_at(tool) == NULL)
		return 0;
	if (ed->tool == tool && ed->npend == 0)
		return 0;
	ed->tool = tool;
	ed->npend = 0;
	ed->grab = 0;
	ed->msg[0] = '\0';
	return BX_EDIT_VIEW;
}

static int
add_new(struct bx_edit *ed, struct bx_annot *an, const char *what)
{
	struct txn t;

	begin(ed, &t);
	an->cls = ed->cls;
	ed->sel = bx_answer_add(&ed->ans, an);
	an->cls = NULL;
	ed->grab = 0;
	ed->handle = -1;
	ed->npend = 0;
	return commit(ed, &t, what);
}

static int
need_class(struct bx_edit *ed)
{
	if (ed->cls == NULL) {
		say(ed, "pick a class first (1-9)");
		return 1;
	}
	return 0;
}

/* The kind the current tool draws when it places vertices (polygon,
 * polyline), or NULL. */
static const struct bx_geom_kind *
vertex_kind(const struct bx_edit *ed)
{
	const struct bx_geom_tool *t = bx_tool_at(ed->tool);

	return t != NULL && t->place == BX_PLACE_VERTICES ? bx_tool_kind(ed->tool) : NULL;
}

int
bx_edit_close(struct bx_edit *ed)
{
	const struct bx_geom_kind *k = vertex_kind(ed);
	struct bx_annot an;
	char what[48];

	if (k == NULL || ed->npend == 0)
		return 0;
	if (ed->npend < k->min_pts)
		return say(ed, "a %s needs at least %d vertices (%d so far)", k->name, k->min_pts,
		           ed->npend);
	if (need_class(ed))
		return BX_EDIT_VIEW;
	memset(&an, 0, sizeof an);
	an.geom = k->id;
	an.pts = ed->pend;
	an.npts = ed->npend;
	snprintf(what, sizeof what, "add %s", k->name);
	return add_new(ed, &an, what);
}

static int make(struct bx_edit *ed, const struct bx_geom_tool *t, struct bx_annot *an);

/* One more of a fixed count of places (visibility v; skipped ones at
 * 0, 0); the last makes the object. The count is the tool's, or the
 * class's named points. */
static int
place_next(struct bx_edit *ed, const struct bx_geom_tool *t, int v)
{
	struct bx_annot an;
	int want = t->npts > 0 ? t->npts : ed->kpts;

	if (want <= 0)
		return say(ed, "class %s names no points for a %s", ed->cls ? ed->cls : "-", t->name);
	if (v == 0)
		pend_push_vis(ed, 0, 0, 0);
	else
		pend_push_vis(ed, ed->cx, ed->cy, v);
	ed->next_vis = 2;
	ed->msg[0] = '\0';
	if (ed->npend < want)
		return BX_EDIT_VIEW;
	memset(&an, 0, sizeof an);
	an.pts = ed->pend; /* without a make hook the object is its places */
	an.npts = ed->npend;
	return make(ed, t, &an);
}

/* The places so far make the tool's object (its make hook), added as
 * one undo step; when they make nothing they are dropped with why. */
static int
make(struct bx_edit *ed, const struct bx_geom_tool *t, struct bx_annot *an)
{
	struct bx_pt buf[BX_TOOL_PTS];
	char what[48];

	an->geom = bx_tool_kind(ed->tool)->id;
	if (t->make != NULL && t->make(an, ed->pend, ed->pendv, ed->npend, buf, ed->img_w, ed->img_h,
	                               ed->msg, sizeof ed->msg) != 0) {
		ed->npend = 0;
		return BX_EDIT_VIEW;
	}
	snprintf(what, sizeof what, "add %s", bx_geom_name(an->geom));
	return add_new(ed, an, what);
}

/* ---- Rings (an object in parts) ---- */

/* Where the ring being drawn starts in pend: after the last closed one. */
static int
ring_start(const struct bx_edit *ed, int before)
{
	int i;

	for (i = before; i > 0 && ed->pendv[i - 1] != 1; i--)
		;
	return i;
}

int
bx_edit_rings(const struct bx_edit *ed, int *open_out)
{
	int i, n = 0;

	for (i = 0; i < ed->npend; i++)
		n += ed->pendv[i] == 1;
	*open_out = ed->npend - ring_start(ed, ed->npend);
	return n;
}

static int
ring_close(struct bx_edit *ed, const struct bx_geom_kind *k)
{
	int open = ed->npend - ring_start(ed, ed->npend), n;

	if (open < k->min_pts)
		return say(ed, "a ring needs at least %d vertices (%d so far)", k->min_pts, open);
	ed->pendv[ed->npend - 1] = 1;
	n = bx_edit_rings(ed, &open);
	return say(ed, "ring %d closed: draw the next, or Enter to finish the %s", n, k->name);
}

/* The closed rings make the object, one undo step. */
static int
rings_make(struct bx_edit *ed, const struct bx_geom_kind *k)
{
	struct bx_annot an;
	int i, n = 0, open, *ends, r;
	char what[48];

	if (need_class(ed))
		return BX_EDIT_VIEW;
	ends = bx_malloc(sizeof *ends * (size_t)(bx_edit_rings(ed, &open) + 1));
	for (i = 0; i < ed->npend; i++)
		if (ed->pendv[i] == 1)
			ends[n++] = i + 1;
	memset(&an, 0, sizeof an);
	an.geom = k->id;
	an.pts = ed->pend;
	an.npts = ends[n - 1];
	an.ring_end = ends;
	an.nrings = n;
	snprintf(what, sizeof what, "add %s", k->name);
	r = add_new(ed, &an, what);
	free(ends);
	return r;
}

/* A vertex of the ring being drawn; back on its first vertex closes it,
 * back on the first vertex of the ring just closed makes the object. */
static int
ring_place(struct bx_edit *ed, const struct bx_geom_kind *k)
{
	int s = ring_start(ed, ed->npend), open = ed->npend - s, ps;

	if (open == 0 && s > 0) {
		ps = ring_start(ed, s - 1);
		if (ed->pend[ps].x == ed->cx && ed->pend[ps].y == ed->cy)
			return rings_make(ed, k);
	}
	if (open >= k->min_pts && ed->pend[s].x == ed->cx && ed->pend[s].y == ed->cy)
		return ring_close(ed, k);
	if (open > 0 && ed->pend[ed->npend - 1].x == ed->cx && ed->pend[ed->npend - 1].y == ed->cy)
		return say(ed, "a vertex is already there");
	pend_push(ed, ed->cx, ed->cy);
	ed->msg[0] = '\0';
	return BX_EDIT_VIEW;
}

int
bx_edit_place(struct bx_edit *ed)
{
	const struct bx_geom_tool *t = bx_tool_at(ed->tool);
	const struct bx_geom_kind *k;
	struct bx_annot an;
	struct bx_pt p0;

	if (t == NULL)
		return 0;
	memset(&an, 0, sizeof an);
	ed->grab = 0;
	if (ed->npend == 0 && need_class(ed))
		return BX_EDIT_VIEW;
	switch (t->place) {
	case BX_PLACE_CORNERS:
		if (ed->npend == 0) {
			pend_push(ed, ed->cx, ed->cy);
			ed->msg[0] = '\0';
			return BX_EDIT_VIEW;
		}
		p0 = ed->pend[0];
		if (p0.x == ed->cx || p0.y == ed->cy)
			return say(ed, "a box needs a width and a height: move the crosshair away from the first corner");
		pend_push(ed, ed->cx, ed->cy);
		an.x = fmin(p0.x, ed->cx);
		an.y = fmin(p0.y, ed->cy);
		an.w = fabs(ed->cx - p0.x);
		an.h = fabs(ed->cy - p0.y);
		return make(ed, t, &an);
	case BX_PLACE_VERTICES:
		k = vertex_kind(ed);
		/* Back on the first vertex closes a polygon; a polyline ends
		 * with Enter (it may well come back to where it started). */
		if (k->closed && ed->npend >= k->min_pts &&
		    ed->pend[0].x == ed->cx && ed->pend[0].y == ed->cy)
			return bx_edit_close(ed);
		if (ed->npend > 0 && ed->pend[ed->npend - 1].x == ed->cx &&
		    ed->pend[ed->npend - 1].y == ed->cy)
			return say(ed, "a vertex is already there");
		pend_push(ed, ed->cx, ed->cy);
		ed->msg[0] = '\0';
		return BX_EDIT_VIEW;
	case BX_PLACE_COUNT:
		return place_next(ed, t, ed->next_vis);
	case BX_PLACE_RINGS:
		return ring_place(ed, bx_tool_kind(ed->tool));
	}
	return 0;
}

int
bx_edit_skip_point(struct bx_edit *ed)
{
	const struct bx_geom_tool *t = bx_tool_at(ed->tool);

	if (t == NULL || t->place != BX_PLACE_COUNT || t->npts != 0)
		return say(ed, "only the points of a skeleton can be skipped");
	if (ed->npend == 0 && need_class(ed))
		return BX_EDIT_VIEW;
	ed->grab = 0;
	return place_next(ed, t, 0);
}

int
bx_edit_toggle_occluded(struct bx_edit *ed)
{
	const struct bx_geom_tool *t = bx_tool_at(ed->tool);
	struct bx_annot *an = selected(ed);
	struct txn tx;
	char what[48];

	if (ed->npend > 0 || (an == NULL && t != NULL && t->place == BX_PLACE_COUNT && t->npts == 0)) {
		ed->next_vis = ed->next_vis == 1 ? 2 : 1;
		return say(ed, "next point: %s", ed->next_vis == 1 ? "occluded" : "visible");
	}
	if (an == NULL || an->vis == NULL || ed->handle < 0 || ed->handle >= an->npts ||
	    an->vis[ed->handle] == 0)
		return say(ed, "grab a placed skeleton point first (Tab, then ] )");
	begin(ed, &tx);
	an->vis[ed->handle] = an->vis[ed->handle] == 1 ? 2 : 1;
	own(an);
	snprintf(what, sizeof what, "%s #%d point %d", an->vis[ed->handle] == 1 ? "occlude" : "show",
	         ed->sel + 1, ed->handle + 1);
	return commit(ed, &tx, what);
}

int
bx_edit_enter(struct bx_edit *ed)
{
	const struct bx_geom_tool *t = bx_tool_at(ed->tool);
	int open;

	if (vertex_kind(ed) != NULL && ed->npend >= vertex_kind(ed)->min_pts)
		return bx_edit_close(ed);
	/* A ring tool: Enter closes the ring; on the next, still empty, it
	 * finishes the object. */
	if (t != NULL && t->place == BX_PLACE_RINGS && ed->npend > 0) {
		bx_edit_rings(ed, &open);
		return open > 0 ? ring_close(ed, bx_tool_kind(ed->tool)) :
		                  rings_make(ed, bx_tool_kind(ed->tool));
	}
	return bx_edit_place(ed);
}

int
bx_edit_backspace(struct bx_edit *ed)
{
	const struct bx_geom_tool *t = bx_tool_at(ed->tool);

	if (ed->npend == 0)
		return say(ed, "nothing being drawn");
	/* A ring tool on an empty new ring: the ring closed last opens again. */
	if (t != NULL && t->place == BX_PLACE_RINGS && ed->pendv[ed->npend - 1] == 1) {
		ed->pendv[ed->npend - 1] = 2;
		ed->msg[0] = '\0';
		return BX_EDIT_VIEW;
	}
	ed->npend--;
	ed->msg[0] = '\0';
	return BX_EDIT_VIEW;
}

int
bx_edit_cancel(struct bx_edit *ed)
{
	ed->msg[0] = '\0';
	if (ed->npend > 0) {
		ed->npend = 0;
		return BX_EDIT_VIEW;
	}
	if (ed->grab) {
		ed->grab = 0;
		ed->handle = -1;
		return BX_EDIT_VIEW;
	}
	if (ed->sel >= 0) {
		ed->sel = -1;
		ed->handle = -1;
		return BX_EDIT_VIEW;
	}
	return 0;
}

int
bx_edit_release(struct bx_edit *ed)
{
	if (!ed->grab)
		return 0;
	ed->grab = 0;
	ed->handle = -1;
	return BX_EDIT_VIEW;
}

/* ---- Selection ---- */

int
bx_edit_select_index(struct bx_edit *ed, int idx)
{
	if (idx < 0 || idx >= ed->ans.n)
		return 0;
	ed->sel = idx;
	ed->grab = 1;
	ed->handle = -1;
	ed->npend = 0;
	ed->msg[0] = '\0';
	return BX_EDIT_VIEW;
}

int
bx_edit_grab_handle(struct bx_edit *ed, int h)
{
	if (ed->sel < 0 || ed->sel >= ed->ans.n || h < -1 || h >= bx_edit_handle_count(ed))
		return 0;
	ed->grab = 1;
	ed->handle = h;
	ed->npend = 0;
	ed->msg[0] = '\0';
	return BX_EDIT_VIEW;
}

int
bx_edit_select(struct bx_edit *ed, int dir)
{
	int n = ed->ans.n;

	if (n == 0)
		return say(ed, "no objects yet");
	if (ed->sel < 0)
		return bx_edit_select_index(ed, dir > 0 ? 0 : n - 1);
	return bx_edit_select_index(ed, ((ed->sel + dir) % n + n) % n);
}

/* ---- Structural edits of the selected object ---- */

int
bx_edit_insert_vertex(struct bx_edit *ed)
{
	struct bx_annot *an = selected(ed);
	const struct bx_geom_kind *k;
	struct txn t;
	struct bx_pt a, b;
	int h, i;

	if (an == NULL || (k = bx_geom_kind(an->geom)) == NULL || k->form != BX_FORM_POINTS ||
	    (k->max_pts > 0 && an->npts >= k->max_pts))
		return say(ed, "select a polygon or polyline to insert a vertex");
	h = ed->handle >= 0 ? ed->handle : an->npts - 1;
	/* An open line has no segment after its last vertex: split the
	 * one before it. */
	if (!k->closed && h == an->npts - 1)
		h--;
	begin(ed, &t);
	a = an->pts[h];
	b = an->pts[(h + 1) % an->npts];
	an->pts = bx_realloc(an->pts, sizeof *an->pts * (size_t)(an->npts + 1));
	for (i = an->npts; i > h + 1; i--)
		an->pts[i] = an->pts[i - 1];
	an->pts[h + 1].x = round((a.x + b.x) / 2);
	an->pts[h + 1].y = round((a.y + b.y) / 2);
	an->npts++;
	ed->handle = h + 1;
	ed->grab = 1;
	own(an);
	cursor_to_handle(ed);
	return commit(ed, &t, "insert vertex");
}

int
bx_edit_delete_vertex(struct bx_edit *ed)
{
	struct bx_annot *an = selected(ed);
	const struct bx_geom_kind *k;
	struct txn t;
	int h;

	if (an == NULL || (k = bx_geom_kind(an->geom)) == NULL || k->form != BX_FORM_POINTS ||
	    ed->handle < 0)
		return say(ed, "grab a polygon or polyline vertex first (Tab, then ] )");
	if (an->npts <= k->min_pts)
		return say(ed, "a %s keeps at least %d vertices", k->name, k->min_pts);
	h = ed->handle;
	begin(ed, &t);
	memmove(an->pts + h, an->pts + h + 1, sizeof *an->pts * (size_t)(an->npts - h - 1));
	an->npts--;
	if (ed->handle >= an->npts)
		ed->handle = an->npts - 1;
	own(an);
	cursor_to_handle(ed);
	return commit(ed, &t, "delete vertex");
}

static int
turn(struct bx_edit *ed, double deg, int absolute)
{
	struct bx_annot *an = selected(ed), before;
	const struct bx_geom_kind *k;
	struct txn t;
	char what[48], why[200];

	if (an == NULL || (k = bx_geom_kind(an->geom)) == NULL || k->rotate == NULL)
		return say(ed, "select a rotated box or an ellipse to turn it");
	if (!isfinite(deg))
		return 0;
	before = *an;
	k->rotate(an, absolute ? deg - an->angle : deg);
	if (k->check(an, ed->img_w, ed->img_h, why, sizeof why) != 0) {
		*an = before;
		return say(ed, "turning it would take a corner outside the image");
	}
	/* The txn snapshots the answer as it was: redo the turn inside it. */
	*an = before;
	begin(ed, &t);
	an = selected(ed);
	k->rotate(an, absolute ? deg - an->angle : deg);
	own(an);
	cursor_to_handle(ed);
	snprintf(what, sizeof what, "turn #%d to %.0f deg", ed->sel + 1, an->angle);
	return commit(ed, &t, what);
}

int
bx_edit_rotate(struct bx_edit *ed, double deg)
{
	return turn(ed, deg, 0);
}

int
bx_edit_set_angle(struct bx_edit *ed, double deg)
{
	return turn(ed, deg, 1);
}

/* Drop the selected object; the selection moves to the object now at its
 * place (or the last one), released. */
static void
remove_selected(struct bx_edit *ed)
{
	bx_answer_remove(&ed->ans, ed->sel);
	if (ed->sel >= ed->ans.n)
		ed->sel = ed->ans.n - 1;
	ed->grab = 0;
	ed->handle = -1;
}

int
bx_edit_delete(struct bx_edit *ed)
{
	struct txn t;

	if (selected(ed) == NULL)
		return say(ed, "nothing selected to delete");
	begin(ed, &t);
	remove_selected(ed);
	return commit(ed, &t, "delete");
}

/* ---- Classes and attributes ---- */

int
bx_edit_set_class(struct bx_edit *ed, const char *cls)
{
	struct bx_annot *an = selected(ed);
	struct txn t;
	int r = 0;
	char what[96];

	if (cls == NULL)
		return 0;
	if (ed->cls == NULL || strcmp(ed->cls, cls) != 0) {
		free(ed->cls);
		ed->cls = bx_strdup(cls);
		r = BX_EDIT_VIEW;
	}
	ed->msg[0] = '\0';
	/* Only a grabbed object (Tab) takes the class: the one just drawn
	 * stays selected, and picking the class of the next one must not
	 * change it. */
	if (an == NULL || !ed->grab || an->geom == BX_GEOM_TAG ||
	    (an->cls != NULL && strcmp(an->cls, cls) == 0))
		return r;
	begin(ed, &t);
	free(an->cls);
	an->cls = bx_strdup(cls);
	own(an);
	snprintf(what, sizeof what, "class %.80s", cls);
	return commit(ed, &t, what);
}

int
bx_edit_toggle_tag(struct bx_edit *ed, const char *cls)
{
	struct bx_annot an;
	struct txn t;
	int i;

	for (i = 0; i < ed->ans.n; i++) {
		if (ed->ans.a[i].geom == BX_GEOM_TAG && ed->ans.a[i].cls != NULL &&
		    strcmp(ed->ans.a[i].cls, cls) == 0) {
			begin(ed, &t);
			bx_answer_remove(&ed->ans, i);
			if (ed->sel == i)
				ed->sel = -1;
			else if (ed->sel > i)
				ed->sel--;
			ed->grab = 0;
			ed->handle = -1;
			return commit(ed, &t, "remove image class");
		}
	}
	memset(&an, 0, sizeof an);
	an.geom = BX_GEOM_TAG;
	begin(ed, &t);
	an.cls = (char *)cls;
	ed->sel = bx_answer_add(&ed->ans, &an);
	ed->grab = 0;
	ed->handle = -1;
	return commit(ed, &t, "add image class");
}

int
bx_edit_set_attr(struct bx_edit *ed, int idx, const char *key, const struct bx_value *v)
{
	struct bx_attrs *as;
	const struct bx_value *old;
	struct txn t;
	char what[96];

	if (idx >= ed->ans.n || idx < -1)
		return 0;
	as = idx < 0 ? &ed->ans.global : &ed->ans.a[idx].attrs;
	old = bx_attrs_get(as, key);
	if ((old == NULL && v->type == BX_VAL_NONE) || (old != NULL && bx_value_equal(old, v)))
		return 0;
	begin(ed, &t);
	bx_attrs_set(as, key, v);
	if (idx >= 0)
		own(&ed->ans.a[idx]);
	snprintf(what, sizeof what, "%s %.80s", idx < 0 ? "global" : "attribute", key);
	return commit(ed, &t, what);
}

/* ---- Suggestions ---- */

int
bx_edit_accept(struct bx_edit *ed)
{
	struct bx_annot *an = selected(ed);
	struct txn t;

	if (an == NULL || !(an->flags & BX_ANNOT_SUGGESTION))
		return say(ed, "select a suggestion first (Tab)");
	begin(ed, &t);
	own(an);
	return commit(ed, &t, "accept suggestion");
}

int
bx_edit_reject(struct bx_edit *ed)
{
	struct bx_annot *an = selected(ed);
	struct txn t;

	if (an == NULL || !(an->flags & BX_ANNOT_SUGGESTION))
		return say(ed, "select a suggestion first (Tab)");
	begin(ed, &t);
	remove_selected(ed);
	return commit(ed, &t, "reject suggestion");
}

int
bx_edit_accept_all(struct bx_edit *ed, double threshold)
{
	struct txn t;
	int i, n = 0;

	for (i = 0; i < ed->ans.n; i++)
		if ((ed->ans.a[i].flags & BX_ANNOT_SUGGESTION) && ed->ans.a[i].score >= threshold)
			n++;
	if (n == 0)
		return say(ed, "no suggestions with score >= %.2f", threshold);
	begin(ed, &t);
	for (i = 0; i < ed->ans.n; i++)
		if ((ed->ans.a[i].flags & BX_ANNOT_SUGGESTION) && ed->ans.a[i].score >= threshold)
			own(&ed->ans.a[i]);
	return commit(ed, &t, "accept suggestions");
}

/* ---- Undo / redo ---- */

static void
restore(struct bx_edit *ed, const struct bx_answer *ans, int sel)
{
	bx_answer_free(&ed->ans);
	bx_answer_copy(&ed->ans, ans);
	ed->sel = sel < ed->ans.n ? sel : ed->ans.n - 1;
	ed->grab = 0;
	ed->handle = -1;
	ed->npend = 0;
}

int
bx_edit_replace_shape(struct bx_edit *ed, int idx, const struct bx_annot *an, const char *what,
                      int merge)
{
	struct bx_annot *dst;
	struct txn t;
	int r;

	if (idx < 0 || idx >= ed->ans.n || an->geom == BX_GEOM_TAG)
		return 0;
	if (merge && ed->pos > 0 && ed->pos == ed->nsteps &&
	    strcmp(ed->steps[ed->pos - 1].what, what) == 0) {
		/* Start from the state before that step, so one undo undoes both. */
		bx_answer_copy(&t.before, &ed->steps[ed->pos - 1].before);
		ed->pos--;
	} else {
		begin(ed, &t);
	}
	dst = &ed->ans.a[idx];
	free(dst->pts);
	free(dst->ring_end);
	free(dst->vis);
	dst->pts = NULL;
	dst->ring_end = NULL;
	dst->vis = NULL;
	dst->npts = dst->nrings = 0;
	dst->geom = an->geom;
	dst->x = an->x;
	dst->y = an->y;
	dst->w = an->w;
	dst->h = an->h;
	if (an->npts > 0) {
		dst->pts = bx_calloc((size_t)an->npts, sizeof *dst->pts);
		memcpy(dst->pts, an->pts, sizeof *dst->pts * (size_t)an->npts);
		dst->npts = an->npts;
		if (an->vis != NULL) {
			dst->vis = bx_malloc((size_t)an->npts);
			memcpy(dst->vis, an->vis, (size_t)an->npts);
		}
	}
	if (an->nrings > 0) {
		dst->ring_end = bx_malloc(sizeof *dst->ring_end * (size_t)an->nrings);
		memcpy(dst->ring_end, an->ring_end, sizeof *dst->ring_end * (size_t)an->nrings);
		dst->nrings = an->nrings;
	}
	own(dst);
	ed->sel = idx;
	r = commit(ed, &t, what);
	return r;
}

int
bx_edit_add_copies(struct bx_edit *ed, const struct bx_annot *a, int n, const char *what)
{
	struct txn t;
	int i, k;

	if (n < 1)
		return 0;
	begin(ed, &t);
	for (k = 0; k < n; k++) {
		i = bx_answer_add(&ed->ans, &a[k]);
		ed->ans.a[i].flags &= ~BX_ANNOT_SUGGESTION;
		ed->ans.a[i].score = 0;
		free(ed->ans.a[i].uuid);     /* a copy is another object */
		ed->ans.a[i].uuid = NULL;
		ed->sel = i;
	}
	ed->grab = 0;
	ed->handle = -1;
	return commit(ed, &t, what);
}

int
bx_edit_copy_props(struct bx_edit *ed, int idx, int from)
{
	struct bx_annot *dst, *src;
	struct txn t;

	if (idx < 0 || idx >= ed->ans.n || from < 0 || from >= ed->ans.n || idx == from)
		return 0;
	begin(ed, &t);
	dst = &ed->ans.a[idx];
	src = &ed->ans.a[from];
	free(dst->cls);
	dst->cls = src->cls ? bx_strdup(src->cls) : NULL;
	bx_attrs_free(&dst->attrs);
	bx_attrs_copy(&dst->attrs, &src->attrs);
	own(dst);
	return commit(ed, &t, "repeat class and attributes");
}

int
bx_edit_undo(struct bx_edit *ed)
{
	struct bx_edit_step *s;

	if (ed->pos == 0)
		return say(ed, "nothing to undo");
	s = &ed->steps[--ed->pos];
	restore(ed, &s->before, ed->pos > 0 ? ed->steps[ed->pos - 1].sel : -1);
	snprintf(ed->msg, sizeof ed->msg, "undid: %.120s", s->what);
	return BX_EDIT_UNDO | BX_EDIT_VIEW;
}

int
bx_edit_redo(struct bx_edit *ed)
{
	struct bx_edit_step *s;

	if (ed->pos >= ed->nsteps)
		return say(ed, "nothing to redo");
	s = &ed->steps[ed->pos++];
	restore(ed, &s->after, s->sel);
	snprintf(ed->msg, sizeof ed->msg, "redid: %.120s", s->what);
	return BX_EDIT_UNDO | BX_EDIT_VIEW;
}
