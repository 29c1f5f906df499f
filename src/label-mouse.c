/* label-mouse.c: the mouse on the labeling and review screens: cells to
 * image pixels, the object under a point, and the events themselves (a
 * drag from a handle of the selected object moves that handle, from inside
 * it moves the object, from elsewhere draws a box; a click places or
 * selects, the wheel zooms, a click in the object list selects). Cells in,
 * image pixels out. */
#include <math.h>

#include "boxel/geom.h"

#include "view-label-int.h"

int
label_cell_to_image(const struct label *L, int col, int row, double *x, double *y)
{
	if (col < 0 || col >= L->pw || row < 0 || row >= L->ph)
		return -1;
	*x = L->left + (col + 0.5) / L->sc;
	*y = L->top + (2.0 * row + 1.0) / L->sc;
	return 0;
}

/* The smallest object whose bounds contain (x, y), or -1. */
int
label_object_at(const struct label *L, double x, double y)
{
	double bx, by, bw, bh, best = HUGE_VAL, tol = 2 / L->sc;
	int i, found = -1;

	for (i = 0; i < L->ed.ans.n; i++) {
		const struct bx_annot *an = &L->ed.ans.a[i];
		if (an->geom == BX_GEOM_TAG)
			continue;
		bx_annot_bounds(an, &bx, &by, &bw, &bh);
		if (x >= bx - tol && x <= bx + bw + tol && y >= by - tol && y <= by + bh + tol &&
		    bw * bh < best) {
			best = bw * bh;
			found = i;
		}
	}
	return found;
}

/* Distance in cells from the cell centre (pc, pr) to the segment from
 * (ac, ar) to (bc, br), cell units; rows are two display pixels tall. */
static double
cell_dist(double pc, double pr, double ac, double ar, double bc, double br)
{
	double dc = bc - ac, dr = br - ar, len = dc * dc + dr * dr, t = 0;

	if (len > 0)
		t = fmax(0, fmin(1, ((pc - ac) * dc + (pr - ar) * dr) / len));
	return hypot(pc - (ac + t * dc), pr - (ar + t * dr));
}

/* The handle of the selected object a press on cell (col, row) takes:
 * the nearest within about a cell (a box's edge anywhere along it, its
 * corners first), -1 inside the object, MOUSE_NO_GRAB elsewhere. In
 * cells, not pixels: at fit zoom a handle is as easy to hit as at 8x. */
static int
handle_at(const struct label *L, int col, int row)
{
	const struct bx_edit *ed = &L->ed;
	const struct bx_annot *an;
	double pc = col + 0.5, pr = row + 0.5, hc[8], hr[8], x, y, w, h, d, best = HUGE_VAL;
	int i, n, found = MOUSE_NO_GRAB;

	if (ed->sel < 0 || ed->sel >= ed->ans.n || ed->npend > 0)
		return MOUSE_NO_GRAB;
	an = &ed->ans.a[ed->sel];
	if (an->geom == BX_GEOM_TAG)
		return MOUSE_NO_GRAB;
	n = bx_edit_handle_count(ed);
	for (i = 0; i < n; i++) {
		bx_edit_handle_pos(ed, i, &x, &y);
		if (i < 8) {
			hc[i] = (x - L->left) * L->sc;
			hr[i] = (y - L->top) * L->sc / 2;
		}
		/* A box's edge is the whole side; a corner wins where they
		 * meet: within a cell of it, whatever the edges' distance
		 * (the press's cell centre is up to half a cell off it). */
		if (an->geom == BX_GEOM_BOX && i >= BX_H_TOP) {
			if (found != MOUSE_NO_GRAB && best <= 1.0)
				break;
			d = cell_dist(pc, pr, hc[(i - BX_H_TOP) % 4], hr[(i - BX_H_TOP) % 4],
			              hc[(i - BX_H_TOP + 1) % 4], hr[(i - BX_H_TOP + 1) % 4]);
		} else {
			d = cell_dist(pc, pr, (x - L->left) * L->sc, (y - L->top) * L->sc / 2,
			              (x - L->left) * L->sc, (y - L->top) * L->sc / 2);
		}
		if (d <= 1.5 && d < best) {
			best = d;
			found = i;
		}
	}
	if (found != MOUSE_NO_GRAB)
		return found;
	bx_annot_bounds(an, &x, &y, &w, &h);
	if (label_cell_to_image(L, col, row, &pc, &pr) == 0 && pc >= x && pc <= x + w && pr >= y &&
	    pr <= y + h)
		return -1;
	return MOUSE_NO_GRAB;
}

/* The drag moves the grabbed handle onto the pixel corner under the
 * pointer (the crosshair's), or the whole object by the pointer's way. */
static int
drag_grabbed(struct label *L, double x, double y, int done, int64_t now)
{
	struct bx_edit *ed = &L->ed;
	double hx, hy, bx, by, bw, bh;
	char name[32];
	int r;

	bx_edit_cursor_to(ed, x, y);
	x = ed->cx;
	y = ed->cy;
	if (!L->mouse_moved) {
		bx_edit_grab_handle(ed, L->mouse_grab);
		ed->move_apart = 1;
		L->mouse_moved = 1;
	}
	if (L->mouse_grab >= 0) {
		if (bx_edit_handle_pos(ed, L->mouse_grab, &hx, &hy) != 0)
			return 0;
		r = bx_edit_nudge(ed, x - hx, y - hy);
	} else {
		bx_annot_bounds(&ed->ans.a[ed->sel], &bx, &by, &bw, &bh);
		r = bx_edit_nudge(ed, round(x + L->mouse_ox) - bx, round(y + L->mouse_oy) - by);
	}
	/* The nudge put the crosshair on the handle (an edge's middle may
	 * lie outside the view when zoomed in): keep it at the pointer. */
	bx_edit_cursor_to(ed, x, y);
	label_msg(L, 0, "%s the %s", done ? "moved" : "dragging",
	          label_handle_name(L, L->mouse_grab, name, sizeof name));
	return label_apply(L, r | BX_EDIT_VIEW, now);
}

int
label_key_mouse(struct label *L, const struct bx_key *k, int64_t now)
{
	struct bx_edit *ed = &L->ed;
	double x, y;
	int r = 0, hit, row;

	if (k->mev == BX_MOUSE_WHEEL_UP || k->mev == BX_MOUSE_WHEEL_DOWN) {
		if (label_cell_to_image(L, k->x, k->y, &x, &y) == 0)
			bx_edit_cursor_to(ed, x, y);
		return label_zoom(L, k->mev == BX_MOUSE_WHEEL_UP ? 2 : 0.5, now);
	}
	/* A click in the object list selects. */
	if (k->mev == BX_MOUSE_PRESS && k->x >= L->rx) {
		row = k->y - L->list_y;
		if (row >= 0 && row < L->list_rows &&
		    L->list_first + row < ed->ans.n)
			return label_apply(L, bx_edit_select_index(ed, L->list_first + row), now);
		return 0;
	}
	if (label_cell_to_image(L, k->x, k->y, &x, &y) != 0)
		return 0;
	switch (k->mev) {
	case BX_MOUSE_PRESS:
		L->mouse_down = 1;
		L->mouse_x = k->x;
		L->mouse_y = k->y;
		L->mouse_moved = 0;
		r = bx_edit_cursor_to(ed, x, y);
		/* On a handle or inside the selected object: a drag moves it,
		 * a release where it was pressed is a click (below). */
		L->mouse_grab = handle_at(L, k->x, k->y);
		if (L->mouse_grab != MOUSE_NO_GRAB) {
			double bx, by, bw, bh;
			bx_annot_bounds(&ed->ans.a[ed->sel], &bx, &by, &bw, &bh);
			L->mouse_ox = bx - ed->cx;
			L->mouse_oy = by - ed->cy;
			return label_apply(L, r, now);
		}
		/* A tool dragged out (a box) waits for the drag or the release. */
		if (bx_tool_at(ed->tool)->drag)
			return label_apply(L, r, now);
		L->mouse_down = 0;
		if (bx_tool_at(ed->tool)->snap_extreme)
			return label_extreme_place(L, now);
		return label_place(L, 0, now);
	case BX_MOUSE_DRAG:
		if (L->mouse_down && L->mouse_grab != MOUSE_NO_GRAB &&
		    (L->mouse_moved || k->x != L->mouse_x || k->y != L->mouse_y))
			return drag_grabbed(L, x, y, 0, now);
		r = bx_edit_cursor_to(ed, x, y);
		if (L->mouse_down && bx_tool_at(ed->tool)->drag && ed->npend == 0 &&
		    (k->x != L->mouse_x || k->y != L->mouse_y)) {
			double sx = x, sy = y;
			label_cell_to_image(L, L->mouse_x, L->mouse_y, &sx, &sy);
			bx_edit_cursor_to(ed, sx, sy);
			label_place(L, 0, now);
			bx_edit_cursor_to(ed, x, y);
		}
		return label_apply(L, r | BX_EDIT_VIEW, now);
	case BX_MOUSE_RELEASE:
		if (!L->mouse_down)
			return 0;
		L->mouse_down = 0;
		if (L->mouse_grab != MOUSE_NO_GRAB) {
			int grab = L->mouse_grab;
			L->mouse_grab = MOUSE_NO_GRAB;
			if (L->mouse_moved || k->x != L->mouse_x || k->y != L->mouse_y) {
				L->mouse_moved = 1;
				L->mouse_grab = grab;
				r = drag_grabbed(L, x, y, 1, now);
				L->mouse_grab = MOUSE_NO_GRAB;
				ed->move_apart = 0;
				return r;
			}
			/* A click on the selected object: what a press did
			 * before it could grab. */
			bx_edit_cursor_to(ed, x, y);
			if (!bx_tool_at(ed->tool)->drag) {
				if (bx_tool_at(ed->tool)->snap_extreme)
					return label_extreme_place(L, now);
				return label_place(L, 0, now);
			}
		}
		bx_edit_cursor_to(ed, x, y);
		if (bx_tool_at(ed->tool)->drag && ed->npend > 0)
			return label_place(L, 0, now);
		/* A polygon or line being drawn: the press placed a vertex,
		 * and selecting what lies under it would drop the drawing. */
		if (ed->npend > 0)
			return label_apply(L, BX_EDIT_VIEW, now);
		/* A click without a drag selects what is under it. */
		hit = label_object_at(L, x, y);
		if (hit >= 0)
			return label_apply(L, bx_edit_select_index(ed, hit), now);
		return label_apply(L, BX_EDIT_VIEW, now);
	default:
		return 0;
	}
}
