/* label-image.c: the labeling screen's image pane: the view rectangle of
 * the decoded image in display pixels (two per cell vertically), with the
 * annotator's display choices (brightness, contrast, gamma), the objects
 * drawn into those pixels (an outline with a dark halo so it shows on any
 * background), handles, the shape being drawn, guides, the crosshair, and
 * class names over the objects. Display pixels are d*; the rest image
 * pixels. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "boxel/geom.h"
#include "view-label-int.h"

static uint32_t
dim(uint32_t c)
{
	return BX_RGB((BX_RGB_R(c) + 0x80) / 2, (BX_RGB_G(c) + 0x80) / 2, (BX_RGB_B(c) + 0x80) / 2);
}

static double
label_dx(const struct label *L, double x)
{
	return (x - L->left) * L->sc;
}

static double
label_dy(const struct label *L, double y)
{
	return (y - L->top) * L->sc;
}

static void
draw_handle(struct label *L, double x, double y, uint32_t c)
{
	double dx = label_dx(L, x), dy = label_dy(L, y);

	bx_raster_fill_rect(L->disp, dx - 1, dy - 1, dx + 1, dy + 1, c);
}

/* Each outline is drawn twice: a black line one display pixel outside,
 * then the class color, so it stays visible on any background (a yellow
 * box on sand, a dark one at night). */
static double
pen_x(const void *ctx, double x)
{
	return label_dx(ctx, x);
}

static double
pen_y(const void *ctx, double y)
{
	return label_dy(ctx, y);
}

static void
draw_kind(struct label *L, const struct bx_annot *an, uint32_t c, int dash,
          enum bx_pen_style style)
{
	const struct bx_geom_kind *k = bx_geom_kind(an->geom);
	struct bx_geom_pen pen = { L->disp, pen_x, pen_y, L, c, BX_RGB(0, 0, 0), dash, style,
	                           NULL, 0 };
	const struct bx_class *cl = label_class_of(L, an->cls);

	if (cl != NULL && an->vis != NULL) {
		pen.edges = cl->edges;
		pen.nedges = cl->nedges;
	}
	if (k != NULL)
		k->draw(&pen, an);
}

static void
draw_annot(struct label *L, const struct bx_annot *an, int selected)
{
	uint32_t c = label_class_color(L, an->cls);
	int dash = 0;

	if (an->flags & BX_ANNOT_SUGGESTION) {
		c = dim(c);
		/* 16 or 8 colors: a dashed line breaks into the dithered
		 * image's noise; solid and paler. */
		dash = L->colors == BX_COLORS_16 || L->colors == BX_COLORS_8 ? 0 : 2;
	}
	draw_kind(L, an, c, dash, selected ? BX_PEN_SELECTED : BX_PEN_PLAIN);
}

/* Display-only brightness, contrast and gamma (the `V` menu): a lookup
 * table over the pane's raster, never the image or the answer. */
static void
adjust_pixels(struct label *L)
{
	const struct label_look *lk = &L->look;
	uint8_t lut[256];
	double v, g = lk->gamma / 10.0, k = (100.0 + lk->contrast) / 100.0;
	size_t i, n;

	if (lk->bright == 0 && lk->contrast == 0 && lk->gamma == 10)
		return;
	for (i = 0; i < 256; i++) {
		v = pow(i / 255.0, 1.0 / g);
		v = (v - 0.5) * k + 0.5 + lk->bright / 100.0;
		lut[i] = (uint8_t)(v <= 0 ? 0 : v >= 1 ? 255 : v * 255 + 0.5);
	}
	n = (size_t)L->disp->w * (size_t)L->disp->h * 3;
	for (i = 0; i < n; i++)
		L->disp->px[i] = lut[L->disp->px[i]];
}

/* Whether object i is drawn under the annotator's display choices. */
static int
visible(const struct label *L, int i)
{
	const struct bx_annot *an = &L->ed.ans.a[i];

	if (L->look.hide == 2 || (L->look.hide == 1 && i != L->ed.sel))
		return 0;
	return !(L->look.hide_sugg && (an->flags & BX_ANNOT_SUGGESTION) && i != L->ed.sel);
}

/* Class names over the objects, in the cell row above each one's top-left
 * corner (inside it when at the pane's top). */
static void
draw_names(struct label *L, struct bx_grid *g)
{
	double bx, by, bw, bh;
	int i, col, row;

	if (!L->look.names)
		return;
	for (i = 0; i < L->ed.ans.n; i++) {
		const struct bx_annot *an = &L->ed.ans.a[i];
		if (an->geom == BX_GEOM_TAG || !visible(L, i) || an->cls == NULL)
			continue;
		bx_annot_bounds(an, &bx, &by, &bw, &bh);
		col = (int)floor(label_dx(L, bx));
		row = (int)floor(label_dy(L, by) / 2) - 1;
		if (row < 0)
			row = 0;
		if (col < 0 || col >= L->pw - 1 || row >= L->ph)
			continue;
		bx_grid_put_text(g, col, row, an->cls, BX_RGB(0, 0, 0), label_class_color(L, an->cls), 0,
		                 L->pw - col);
	}
}

/* A color change costs 11-20 bytes on the wire, and ncurses
 * only resends a color when it changes from the previous cell. So, within
 * a few levels (invisible next to a half block's own coarseness): a cell's
 * two pixels take one color (the cell becomes a space), and a pixel that
 * is close to the same half of the previous cell repeats its color. The
 * error stays bounded per pixel (it is measured against the true pixel). */
static int
near(const uint8_t *a, const uint8_t *b, int limit)
{
	return abs(a[0] - b[0]) + abs(a[1] - b[1]) + abs(a[2] - b[2]) <= limit;
}

/* limit: sum of |dR|+|dG|+|dB| treated as the same color; in 256 colors
 * the palette's own steps are ~40 levels, so a larger one costs nothing
 * visible there. */
static void
economize(struct bx_raster *r, int limit)
{
	int x, y, i;
	uint8_t *a, *b;

	for (y = 0; y + 1 < r->h; y += 2) {
		for (x = 0; x < r->w; x++) {
			a = r->px + 3 * ((size_t)y * r->w + x);
			b = a + 3 * (size_t)r->w;
			if (x > 0 && near(a, a - 3, limit))
				memcpy(a, a - 3, 3);
			if (x > 0 && near(b, b - 3, limit))
				memcpy(b, b - 3, 3);
			if (near(a, b, limit))
				for (i = 0; i < 3; i++)
					b[i] = a[i];
		}
	}
}

/* A space shows only its background: give it the foreground of the cell
 * before it, so the terminal is not sent a color nobody sees. */
static void
economize_cells(struct bx_grid *g, int w, int h)
{
	int x, y;
	struct bx_cell *c;

	for (y = 0; y < h && y < g->h; y++) {
		for (x = 1; x < w && x < g->w; x++) {
			c = &g->c[y * g->w + x];
			if (c->ch == ' ' && c->attr == 0)
				c->fg = c[-1].fg;
		}
	}
}

/* The crosshair: one display pixel in a color that stands out from the
 * pixel it covers. Kept to one pixel so a step changes two cells on the
 * wire (the status line says where it is, in image pixels). */
static void
draw_cursor(struct label *L)
{
	int x = (int)floor(label_dx(L, L->ed.cx)), y = (int)floor(label_dy(L, L->ed.cy)), lum;
	uint32_t c;

	/* The crosshair may sit on the image's far edge (x = width). */
	if (x >= L->disp->w)
		x = L->disp->w - 1;
	if (y >= L->disp->h)
		y = L->disp->h - 1;
	c = bx_raster_get(L->disp, x, y);
	lum = (BX_RGB_R(c) * 3 + BX_RGB_G(c) * 6 + BX_RGB_B(c)) / 10;
	bx_raster_set(L->disp, x, y, lum > 140 ? BX_RGB(0, 0, 0) : BX_RGB(0xff, 0xff, 0xff));
}

/* A gold object in training feedback and review: dashed white, whatever
 * its class, so it reads apart from the labeler's own (solid, class
 * colors). */
static void
draw_gold(struct label *L, const struct bx_annot *an)
{
	draw_kind(L, an, BX_RGB(0xff, 0xff, 0xff), 3, BX_PEN_GOLD);
}

/* The minimap (M): the overview, about a quarter of the pane's width, in
 * its top-right corner with a frame, and the visible rectangle in yellow. */
static void
draw_minimap(struct label *L)
{
	struct bx_raster *mini;
	double k, vw = L->pw / L->sc, vh = 2.0 * L->ph / L->sc;
	int w, h, x0, y0, i, j;

	if (!L->look.minimap || !L->img_ok)
		return;
	k = fmin(L->disp->w / 4.0 / L->ed.img_w, L->disp->h / 3.0 / L->ed.img_h);
	w = (int)fmax(4, L->ed.img_w * k);
	h = (int)fmax(4, L->ed.img_h * k);
	if (w + 2 > L->disp->w || h + 2 > L->disp->h)
		return;
	/* Made once per image and pane size, not per frame. */
	if (L->mini == NULL || L->mini_of != L->img.pix || L->mini->w != w || L->mini->h != h) {
		bx_raster_free(L->mini);
		L->mini = bx_raster_downscale(L->img.pix, w, h);
		L->mini_of = L->img.pix;
	}
	if ((mini = L->mini) == NULL)
		return;
	x0 = L->disp->w - w - 1;
	y0 = 1;
	for (j = 0; j < h; j++)
		for (i = 0; i < w; i++)
			bx_raster_set(L->disp, x0 + i, y0 + j, bx_raster_get(mini, i, j));
	bx_raster_rect(L->disp, x0 - 1, y0 - 1, x0 + w + 1, y0 + h + 1, BX_RGB(0x90, 0x90, 0x90), 0);
	bx_raster_rect(L->disp, x0 + fmax(0, L->left) * k, y0 + fmax(0, L->top) * k,
	               x0 + fmin(L->ed.img_w, L->left + vw) * k, y0 + fmin(L->ed.img_h, L->top + vh) * k,
	               BX_RGB(0xff, 0xd0, 0x00), 0);
}

void
label_draw_image_pane(struct label *L, struct bx_grid *g)
{
	struct bx_edit *ed = &L->ed;
	const struct bx_annot *an;
	const struct bx_geom_kind *k;
	double x, y;
	int i, n;
	uint32_t cc;

	if (L->disp == NULL)
		return;
	if (!L->img_ok) {
		bx_raster_clear(L->disp, BX_RASTER_OUTSIDE);
	} else {
		double k, ox, oy;
		const struct bx_raster *src = label_detail_source(L, &k, &ox, &oy);
		bx_raster_view_into(src, (L->left - ox) * k, (L->top - oy) * k, L->pw / L->sc * k,
		                    2.0 * L->ph / L->sc * k, L->disp);
		adjust_pixels(L);
	}
	if (L->fb_on) {
		for (i = 0; i < L->fb.answer.n; i++)
			draw_annot(L, &L->fb.answer.a[i], 0);
		for (i = 0; i < L->fb.gold.n; i++)
			draw_gold(L, &L->fb.gold.a[i]);
		economize(L->disp, L->colors == BX_COLORS_FULL ? 10 : 24);
		bx_cells_render(L->disp, BX_SYMBOLS_HALF, L->colors, g, 0, 0);
		economize_cells(g, L->pw, L->ph);
		return;
	}
	for (i = 0; i < ed->ans.n; i++)
		if (i != ed->sel && visible(L, i))
			draw_annot(L, &ed->ans.a[i], 0);
	/* The gold of the judgment under review (none when labeling). */
	for (i = 0; i < L->s->review_gold.n; i++)
		draw_gold(L, &L->s->review_gold.a[i]);
	if (ed->sel >= 0 && ed->sel < ed->ans.n && L->look.hide < 2) {
		an = &ed->ans.a[ed->sel];
		k = bx_geom_kind(an->geom);
		draw_annot(L, an, 1);
		n = bx_edit_handle_count(ed);
		for (i = 0; i < n; i++) {
			if (bx_edit_handle_pos(ed, i, &x, &y) != 0)
				continue;
			if (k->major_handles > 0 && i >= k->major_handles && ed->handle != i)
				continue; /* e.g. a box's edge midpoints: only when grabbed */
			draw_handle(L, x, y, i == ed->handle ? BX_RGB(0xff, 0xff, 0x00)
			                                     : BX_RGB(0xff, 0xff, 0xff));
		}
		if (k->form == BX_FORM_POINT && an->npts >= 1)
			draw_handle(L, an->pts[0].x, an->pts[0].y, BX_RGB(0xff, 0xff, 0xff));
	}
	/* The shape being drawn, up to the crosshair. */
	cc = label_class_color(L, ed->cls);
	if (ed->npend > 0 && bx_tool_at(ed->tool)->place == BX_PLACE_COUNT) {
		for (i = 0; i < ed->npend; i++)
			draw_handle(L, ed->pend[i].x, ed->pend[i].y, cc);
	} else if (ed->npend > 0 && bx_tool_at(ed->tool)->place == BX_PLACE_CORNERS) {
		bx_raster_rect(L->disp, label_dx(L, ed->pend[0].x), label_dy(L, ed->pend[0].y), label_dx(L, ed->cx),
		               label_dy(L, ed->cy), cc, 1);
	} else if (ed->npend > 0) {
		/* A line from vertex to vertex up to the crosshair; a ring tool's
		 * closed rings (pendv 1 on their last vertex) drawn closed. */
		int rings = bx_tool_at(ed->tool)->place == BX_PLACE_RINGS, s = 0, e, m, shut;
		double *xy = bx_malloc(sizeof *xy * 2 * (size_t)(ed->npend + 1));
		for (;;) {
			for (e = s; e < ed->npend && !(rings && ed->pendv[e] == 1); e++)
				;
			shut = e < ed->npend;
			for (m = 0, i = s; i < (shut ? e + 1 : ed->npend); i++, m++) {
				xy[2 * m] = label_dx(L, ed->pend[i].x);
				xy[2 * m + 1] = label_dy(L, ed->pend[i].y);
			}
			if (!shut) {
				xy[2 * m] = label_dx(L, ed->cx);
				xy[2 * m + 1] = label_dy(L, ed->cy);
				m++;
			}
			if (m > 1)
				bx_raster_polyline(L->disp, xy, m, shut, cc, 0);
			if (!shut)
				break;
			s = e + 1;
		}
		for (i = 0; i < ed->npend; i++)
			draw_handle(L, ed->pend[i].x, ed->pend[i].y, cc);
		free(xy);
	}
	economize(L->disp, L->colors == BX_COLORS_FULL ? 10 : 24);
	if (L->look.guides) {
		double gx = floor(label_dx(L, ed->cx)), gy = floor(label_dy(L, ed->cy));
		bx_raster_line(L->disp, 0, gy, L->disp->w - 1, gy, BX_RGB(0xc0, 0xc0, 0xc0), 2);
		bx_raster_line(L->disp, gx, 0, gx, L->disp->h - 1, BX_RGB(0xc0, 0xc0, 0xc0), 2);
	}
	draw_cursor(L);
	draw_minimap(L);
	bx_cells_render(L->disp, BX_SYMBOLS_HALF, L->colors, g, 0, 0);
	economize_cells(g, L->pw, L->ph);
	draw_names(L, g);
	if (!L->img_ok && L->img_err[0])
		bx_grid_put_text(g, 1, L->ph / 2, L->img_err, label_ui(L, BX_RGB(0xff, 0x60, 0x60)),
		                 BX_COLOR_DEFAULT, BX_CELL_BOLD, L->pw - 2);
}
