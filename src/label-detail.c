/* label-detail.c: the pixels the image pane needs at the resolution the
 * zoom needs, without decoding the whole image there. An image that
 * bx_image_plan says needs tiles (a PNG or baseline JPEG over 8 MP) is read
 * from its tile pyramid, built on its first open: the overview from the
 * smallest level covering the pane, the detail from the level whose pixels
 * are at least the display's (level 0 from 1:1 on). Any other image whose
 * decode at the view's scale would exceed WHOLE_MAX pixels is shown from
 * its overview (decoded at the pane's size when the task opens) plus a
 * detail: the visible rectangle and a margin around it, decoded as a
 * region at the smallest DCT / block scale 1/den that still has a pixel
 * per display pixel (1:1 and deeper: den 1, exact). Panning within the
 * margin costs nothing; past it the region is read again. Image pixels;
 * d* are pixels of the detail raster (image pixels / den). */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "boxel/prefetch.h"
#include "boxel/tiles.h"
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

/* Whether the view fits a whole decode at its scale (from tiles: whether
 * it shows more than the overview has). */
int
label_detail_needed(const struct label *L)
{
	double s = fmin(L->sc, 1.0);

	if (L->tjob != NULL)
		return 0; /* nothing finer to read until the pyramid is made */
	if (L->tiles != NULL)
		return L->img_ok && L->sc > (double)L->img.pix->w / L->ed.img_w + 1e-9;
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

/* The tile level for the view's scale: the coarsest whose pixels are
 * still at least one per display pixel; as den, 2^level. */
static int
tiles_den(const struct label *L)
{
	int den = 1, k = 0;

	while (k + 1 < bx_tiles_levels(L->tiles) && 1.0 / (2 * den) >= L->sc - 1e-9) {
		den *= 2;
		k++;
	}
	return den;
}

static int
level_of(int den)
{
	int k = 0;

	while ((1 << k) < den)
		k++;
	return k;
}

/* The region [rx, rx+rw) x [ry, ry+rh) at scale 1/den: from the tiles when
 * there are, else decoded from the file. A tile that fails its checksum
 * gets the pyramid rebuilt (it is never shown) and the region read again. */
int
label_image_region(struct label *L, int rx, int ry, int rw, int rh, int den, struct bx_image *im,
                   struct bx_err *err)
{
	int rc;

	if (L->tiles == NULL)
		return bx_image_load_region(L->s->image_path, rx, ry, rw, rh, den, NULL, im, err);
	rc = bx_tiles_region(L->tiles, level_of(den), rx, ry, rw, rh, im, err);
	if (rc != BX_EIO)
		return rc;
	/* Never shown: built again on the worker, the overview meanwhile. */
	bx_tiles_discard(L->tiles);
	label_tiles_close(L);
	label_tiles_open(L);
	return bx_err_set(err, BX_EIO, "its tile cache was damaged: building it again");
}

/* Decode the detail when the view left the one held (or its scale
 * changed). Says so on the message line when it cannot. */
void
label_detail_update(struct label *L)
{
	double vw = L->pw / L->sc, vh = 2.0 * L->ph / L->sc, x0, y0, x1, y1;
	int den, sw, sh, rx, ry, rw, rh;
	struct bx_image im;
	struct bx_err err;

	if (!label_detail_needed(L) || L->s->image_path == NULL) {
		if (L->det_ok)
			label_detail_free(L);
		return;
	}
	den = L->tiles != NULL ? tiles_den(L) : den_for(L->sc);
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
	if (label_image_region(L, rx, ry, rw, rh, den, &im, &err) != 0) {
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

/* ---- the tile pyramid ---- */

/* Where this store keeps tiles and how much: once per screen. */
static void
tiles_config(struct label *L)
{
	struct bx_err err;
	char *v = NULL;
	double mb = 20000;

	if (L->tiles_dir[0] != '\0')
		return;
	if (bx_tiles_dir_for(L->s->db_path, L->tiles_dir, sizeof L->tiles_dir) < 0)
		snprintf(L->tiles_dir, sizeof L->tiles_dir, "/nonexistent");
	if (bx_store_setting_get(L->s->st, "tile_cache_mb", &v, &err) == 0 && atof(v) >= 1)
		mb = atof(v);
	free(v);
	L->tiles_limit = (uint64_t)(mb * 1e6);
}

const char *
label_tiles_dir(struct label *L, uint64_t *limit_out)
{
	tiles_config(L);
	*limit_out = L->tiles_limit;
	return L->tiles_dir;
}

void
label_tiles_close(struct label *L)
{
	bx_tiles_job_free(L->tjob);
	L->tjob = NULL;
	L->tjob_rows = 0;
	bx_tiles_close(L->tiles);
	L->tiles = NULL;
}

int
label_tiles_building(const struct label *L)
{
	return L->tjob != NULL;
}

int
label_tiles_progress(const struct label *L)
{
	int done;

	return L->tjob != NULL ? bx_tiles_job_progress(L->tjob, &done) : 100;
}

/* The overview's size: the pane's at fit, whatever the zoom. */
static void
overview_want(const struct label *L, int *w_out, int *h_out)
{
	double fit = fmin(fmin((double)L->pw / L->ed.img_w, 2.0 * L->ph / L->ed.img_h), 1.0);

	*w_out = (int)ceil(L->ed.img_w * fit);
	*h_out = (int)ceil(L->ed.img_h * fit);
}

int
label_tiles_open(struct label *L)
{
	struct bx_image_plan plan;
	struct bx_err err;
	int rc, ow, oh;

	label_tiles_close(L);
	if (L->s->image_path == NULL || bx_image_plan(L->s->image_path, &plan, &err) < 0 ||
	    !plan.tiles)
		return 0; /* the load says what is wrong, if anything */
	tiles_config(L);
	if (bx_tiles_open(L->tiles_dir, L->s->image_path, L->tiles_limit, 0, &L->tiles, NULL,
	                  &err) == 0)
		return 0;
	/* Building takes as long as reading the image once and writing its
	 * pyramid (minutes for 1600 MP): on a worker, the screen stays live
	 * and fills in as the rows come. */
	overview_want(L, &ow, &oh);
	rc = bx_tiles_job_start(L->tiles_dir, L->s->image_path, L->tiles_limit, ow, oh, &L->tjob,
	                        &err);
	if (rc < 0) {
		label_msg(L, 1, "%s has no tile cache (%s): large views decode the file, slowly",
		          L->s->claim.image, err.msg);
		return rc;
	}
	label_msg(L, 0, "building tiles 0%% (first open of %s, %dx%d): keys work meanwhile",
	          L->s->claim.image, plan.w, plan.h);
	return 0;
}

/* The image from the tiles, or the build's picture so far. */
static void
reload(struct label *L)
{
	struct bx_image im;
	struct bx_err err;
	int ow, oh;

	overview_want(L, &ow, &oh);
	if (label_image_load(L, ow, oh, &im, &err) == 0) {
		bx_image_release(&L->img);
		L->img = im;
		L->img_ok = 1;
		L->img_err[0] = '\0';
		/* The minimap knows its source by address, which a new
		 * raster can reuse: made again from this one. */
		bx_raster_free(L->mini);
		L->mini = NULL;
		L->mini_of = NULL;
	} else if (!L->img_ok) {
		snprintf(L->img_err, sizeof L->img_err, "%s: %s", L->s->claim.image, err.msg);
	}
}

/* The job ended: its pyramid in place of the preview (said when asked). */
static int
job_ended(struct label *L, int say)
{
	struct bx_err err;
	int rc;

	rc = bx_tiles_job_finish(L->tjob, &L->tiles, &err);
	bx_tiles_job_free(L->tjob);
	L->tjob = NULL;
	L->tjob_rows = 0;
	if (rc < 0) {
		label_msg(L, 1, "%s has no tile cache (%s): large views decode the file, slowly",
		          L->s->claim.image, err.msg);
		return BX_VIEW_REDRAW;
	}
	reload(L);
	label_detail_free(L);
	if (say)
		label_msg(L, 0, "tiles ready: %s is shown exactly at every zoom", L->s->claim.image);
	return BX_VIEW_REDRAW | BX_VIEW_NEWIMAGE;
}

int
label_tiles_tick(struct label *L)
{
	int pct, done;

	if (L->tjob == NULL)
		return 0;
	pct = bx_tiles_job_progress(L->tjob, &done);
	if (done)
		return job_ended(L, 1);
	/* A new preview only when rows came since the one shown (a slow
	 * source can leave several ticks without any). */
	if (bx_tiles_job_preview_rows(L->tjob) != L->tjob_rows)
		reload(L);
	label_msg(L, 0, "building tiles %d%% (first open of %s): the view is the overview "
	          "until they are made", pct, L->s->claim.image);
	return BX_VIEW_REDRAW;
}

void
label_prefetch_start(struct label *L, int64_t now)
{
	uint64_t limit;
	const char *dir = label_tiles_dir(L, &limit);

	bx_prefetch_start(L->s, now, L->pw, 2 * L->ph, dir, limit);
}

int
label_prefetch_take(struct label *L)
{
	struct bx_tiles_job *job;
	struct bx_image im;
	int done;

	if (!bx_prefetch_take(L->s, &im, &job))
		return 0;
	if (job == NULL) {
		bx_image_release(&L->img);
		L->img = im;
		L->img_ok = 1;
		L->img_err[0] = '\0';
		return 1;
	}
	/* The guess's pyramid, made or still being made: it goes on here. */
	label_tiles_close(L);
	L->tjob = job;
	bx_tiles_job_progress(job, &done);
	if (done)
		job_ended(L, 0);
	else
		label_tiles_tick(L);
	return 1;
}

int
label_image_load(struct label *L, int want_w, int want_h, struct bx_image *out,
                 struct bx_err *err)
{
	int ow, oh, rows;

	/* From tiles the overview stays at the pane's size whatever the zoom
	 * (a resumed task may open at 1:1): the detail shows the rest. */
	if (L->tiles != NULL) {
		overview_want(L, &ow, &oh);
		return bx_tiles_overview(L->tiles, ow, oh, out, err);
	}
	if (L->tjob != NULL) {
		memset(out, 0, sizeof *out);
		out->pix = bx_tiles_job_preview(L->tjob, &rows);
		if (out->pix == NULL)
			return bx_err_set(err, BX_EEMPTY, "building its tiles: the first rows are coming");
		L->tjob_rows = rows;
		out->full_w = L->ed.img_w;
		out->full_h = L->ed.img_h;
		return 0;
	}
	return bx_image_load(L->s->image_path, want_w, want_h, NULL, out, err);
}
