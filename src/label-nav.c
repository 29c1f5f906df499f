/* label-nav.c: moving the labeling screen's view: zoom around the
 * crosshair with a stop at 1:1, pan by a quarter of the pane, bring the
 * selected object into view (Tab) or zoom to it (z), and go to a point
 * typed as x,y (G, through the prompt). Image pixels; the view is dv.zoom
 * times the fit zoom, centred on (dv.vx, dv.vy). */
#include <math.h>

#include "view-label-int.h"

int
label_zoom(struct label *L, double factor, int64_t now)
{
	double old = L->dv.zoom, one = L->dv.zoom / L->sc; /* the zoom of 1:1 */

	L->dv.zoom *= factor;
	/* The ladder stops at 1:1 on the way through, where one image pixel
	 * is one display pixel and step 1 places every corner exactly. */
	if ((old < one - 1e-9 && L->dv.zoom > one + 1e-9) || (old > one + 1e-9 && L->dv.zoom < one - 1e-9))
		L->dv.zoom = one;
	if (L->dv.zoom < 1)
		L->dv.zoom = 1;
	/* Zoom around the crosshair: it keeps its place on the screen. */
	if (L->dv.zoom != old) {
		double ox = L->ed.cx - L->dv.vx, oy = L->ed.cy - L->dv.vy;
		L->dv.vx = L->ed.cx - ox * old / L->dv.zoom;
		L->dv.vy = L->ed.cy - oy * old / L->dv.zoom;
	}
	label_compute_view(L);
	return label_apply(L, BX_EDIT_VIEW, now);
}

void
label_show_selected(struct label *L, int fill)
{
	double bx, by, bw, bh, fit, need, vw, vh;

	if (L->ed.sel < 0 || L->ed.sel >= L->ed.ans.n || L->ed.ans.a[L->ed.sel].geom == BX_GEOM_TAG)
		return;
	bx_annot_bounds(&L->ed.ans.a[L->ed.sel], &bx, &by, &bw, &bh);
	label_compute_view(L);
	vw = L->pw / L->sc;
	vh = 2.0 * L->ph / L->sc;
	fit = L->dv.zoom / L->sc; /* zoom per display pixel per image pixel */
	if (fill) {
		/* The object fills about 70% of the pane, at most 1:1 x 8. */
		need = fmin(0.7 * L->pw / fmax(bw, 1), 0.7 * 2.0 * L->ph / fmax(bh, 1));
		L->dv.zoom = fmax(1, fmin(need, 8) * fit);
	} else if (bw > vw * 0.95 || bh > vh * 0.95) {
		need = fmin(0.9 * L->pw / fmax(bw, 1), 0.9 * 2.0 * L->ph / fmax(bh, 1));
		L->dv.zoom = fmax(1, need * fit);
	} else if (bx >= L->left && by >= L->top && bx + bw <= L->left + vw && by + bh <= L->top + vh) {
		return; /* already in view */
	}
	L->dv.vx = bx + bw / 2;
	L->dv.vy = by + bh / 2;
	label_compute_view(L);
	bx_edit_cursor_to(&L->ed, floor(bx + bw / 2), floor(by + bh / 2));
	L->view_dirty = 1;
}

int
label_pan(struct label *L, int dx, int dy, int64_t now)
{
	double vw = L->pw / L->sc, vh = 2.0 * L->ph / L->sc;

	(void)now;
	L->dv.vx += dx * vw / 4;
	L->dv.vy += dy * vh / 4;
	label_compute_view(L);
	/* Bring the crosshair along if it left the view. */
	bx_edit_cursor_to(&L->ed, fmin(fmax(L->ed.cx, ceil(L->left)), floor(L->left + vw)),
	                  fmin(fmax(L->ed.cy, ceil(L->top)), floor(L->top + vh)));
	L->view_dirty = 1;
	return BX_VIEW_HANDLED | BX_VIEW_REDRAW;
}


/* "x y" or "x,y", image pixels, C locale like every number. */
static int
goto_typed(struct label *L, void *ctx, const char *text, int64_t now)
{
	double x, y;
	char *end;

	(void)ctx;
	x = bx_strtod_c(text, &end);
	while (*end == ' ' || *end == ',')
		end++;
	y = bx_strtod_c(end, &end);
	if (*end != '\0' || !isfinite(x) || !isfinite(y) || x < 0 || y < 0 || x > L->ed.img_w ||
	    y > L->ed.img_h) {
		label_msg(L, 1, "go to: \"%s\" is not x,y inside the image (0..%d, 0..%d)", text,
		          L->ed.img_w, L->ed.img_h);
		return BX_VIEW_HANDLED;
	}
	return label_apply(L, bx_edit_cursor_to(&L->ed, x, y) | BX_EDIT_VIEW, now) | BX_VIEW_CLOSE;
}

struct bx_view *
label_goto_new(struct label *L)
{
	return label_prompt_new(L, "go to x,y (Enter goes, Esc cancels): ", NULL, goto_typed, NULL);
}
