/* label-detail.c: the pixels the image pane needs at the resolution the
 * zoom needs, without decoding the whole image there. An image whose whole
 * decode at the view's scale would exceed WHOLE_MAX pixels is shown from
 * its overview (decoded at the pane's size when the task opens) plus a
 * detail: the visible rectangle and a margin around it, decoded as a
 * region at the smallest DCT / block scale 1/den that still has a pixel
 * per display pixel (1:1 and deeper: den 1, exact). Panning within the
 * margin costs nothing; past it the region is decoded again. Image pixels;
 * d* are pixels of the detail raster (image pixels / den). */
#include <math.h>
#include <stdio.h>
#include <string.h>

#include "view-label-int.h"

#define WHOLE_MAX 8000000.0  /* pixels decoded whole at the view's scale (24 MB) */
#define MARGIN 0.5           /* of the visible size, on each side */

void
label_detail_free(struct label *L)
{
	bx_image_release(&L->det);
	memset(&L->det, 0, sizeof L->det);
	L->det_ok = 0;
}

/* Whether the view fits a whole decode at its scale. */
int
label_detail_needed(const struct label *L)
{
	double s = fmin(L->sc, 1.0);

	return (double)L->ed.img_w * s * (double)L->ed.img_h * s > WHOLE_MAX;
}

static int
den_for(double sc)
{
	int den = 1;

	while (den < 8 && 1.0 / (2 * den) >= sc - 1e-9)
		den *= 2;
	return den;
}

/* Decode the detail when the view left the one held (or its scale
 * changed). Says so on the message line when it cannot. */
void
label_detail_update(struct label *L)
{
	double vw = L->pw / L->sc, vh = 2.0 * L->ph / L->sc, x0, y0, x1, y1;
	int den = den_for(L->sc), sw, sh, rx, ry, rw, rh;
	struct bx_image im;
	struct bx_err err;

	if (!label_detail_needed(L) || L->s->image_path == NULL) {
		if (L->det_ok)
			label_detail_free(L);
		return;
	}
	x0 = fmax(0, L->left);
	y0 = fmax(0, L->top);
	x1 = fmin(L->ed.img_w, L->left + vw);
	y1 = fmin(L->ed.img_h, L->top + vh);
	if (L->det_ok && L->det_den == den && x0 >= L->det_x0 && y0 >= L->det_y0 &&
	    x1 <= L->det_x1 && y1 <= L->det_y1)
		return;
	/* The scaled image is ceil(full / den); the region in its pixels. */
	sw = (L->ed.img_w + den - 1) / den;
	sh = (L->ed.img_h + den - 1) / den;
	rx = (int)fmax(0, floor((x0 - MARGIN * vw) / den));
	ry = (int)fmax(0, floor((y0 - MARGIN * vh) / den));
	rw = (int)fmin(sw, ceil((x1 + MARGIN * vw) / den)) - rx;
	rh = (int)fmin(sh, ceil((y1 + MARGIN * vh) / den)) - ry;
	if (rw < 1 || rh < 1)
		return;
	if (bx_image_load_region(L->s->image_path, rx, ry, rw, rh, den, NULL, &im, &err) != 0) {
		label_msg(L, 1, "this part of %s cannot be shown at this zoom (%s); the view is the "
		          "overview, not exact", L->s->claim.image, err.msg);
		label_detail_free(L);
		return;
	}
	label_detail_free(L);
	L->det = im;
	L->det_ok = 1;
	L->det_den = den;
	L->det_x0 = rx * (double)den;
	L->det_y0 = ry * (double)den;
	L->det_x1 = fmin(L->ed.img_w, (rx + rw) * (double)den);
	L->det_y1 = fmin(L->ed.img_h, (ry + rh) * (double)den);
}

/* The raster to draw the view from: the detail when it covers the view,
 * else the overview. *k is its pixels per image pixel, (*ox, *oy) the
 * image point of its pixel (0, 0). NULL when there is nothing. */
const struct bx_raster *
label_detail_source(const struct label *L, double *k, double *ox, double *oy)
{
	if (L->det_ok) {
		*k = 1.0 / L->det_den;
		*ox = L->det_x0;
		*oy = L->det_y0;
		return L->det.pix;
	}
	if (!L->img_ok)
		return NULL;
	*k = (double)L->img.pix->w / L->ed.img_w;
	*ox = *oy = 0;
	return L->img.pix;
}
