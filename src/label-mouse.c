/* label-mouse.c: the mouse on the labeling and review screens: cells to
 * image pixels, the object under a point, and the events themselves (a
 * drag draws a box, a click places or selects, the wheel zooms, a click in
 * the object list selects). Cells in, image pixels out. */
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
		r = bx_edit_cursor_to(ed, x, y);
		/* A tool dragged out (a box) waits for the drag or the release. */
		if (bx_tool_at(ed->tool)->drag)
			return label_apply(L, r, now);
		L->mouse_down = 0;
		if (bx_tool_at(ed->tool)->snap_extreme)
			return label_extreme_place(L, now);
		return label_place(L, 0, now);
	case BX_MOUSE_DRAG:
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
