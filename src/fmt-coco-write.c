/* fmt-coco-write.c: struct bx_dataset -> a COCO detection file
 * (formats.h): images, categories (with a skeleton class's keypoint names
 * and edges), annotations with bbox, area and segmentation or keypoints.
 * Pixels, origin top-left, as in fmt-coco.c. */
#include <math.h>

#include "boxel/formats.h"
#include "boxel/geom.h"
#include "boxel/geometry.h"
#include "boxel/taxonomy.h"

static int64_t
class_id(const struct bx_dataset *ds, int i)
{
	return ds->class_ids ? ds->class_ids[i] : i + 1;
}

/* Points as COCO's flat polygon: x,y,x,y,... (no brackets). */
static void
put_flat(struct bx_buf *b, const struct bx_pt *pts, int n)
{
	int p;

	for (p = 0; p < n; p++) {
		if (p)
			bx_buf_putc(b, ',');
		bx_json_put_num(b, pts[p].x);
		bx_buf_putc(b, ',');
		bx_json_put_num(b, pts[p].y);
	}
}

/* A multipolygon as the COCO object it came from: the bbox of every ring,
 * one segmentation polygon per ring, and area that of their union (what
 * COCOeval's mask covers): rings that overlap, as traced or hand-drawn
 * parts may, count their common part once (geometry.c's exact sweep). */
static void
put_rings(struct bx_buf *b, const struct bx_annot *an)
{
	const struct bx_shape sh = { an->pts, an->npts, an->ring_end, an->nrings };
	struct bx_geom_ws *ws = bx_geom_ws_new();
	double x, y, w, h, area;
	int r, from;

	bx_annot_bounds(an, &x, &y, &w, &h);
	bx_json_put_box(b, x, y, w, h);
	area = bx_shape_area(ws, &sh);
	bx_geom_ws_free(ws);
	bx_buf_puts(b, ",\"area\":");
	bx_json_put_num(b, area);
	bx_buf_puts(b, ",\"iscrowd\":0,\"segmentation\":[");
	for (r = 0, from = 0; r < an->nrings; r++) {
		bx_buf_puts(b, r ? ",[" : "[");
		put_flat(b, an->pts + from, an->ring_end[r] - from);
		bx_buf_putc(b, ']');
		from = an->ring_end[r];
	}
	bx_buf_putc(b, ']');
}

/* What follows an object's geometry in images' points and in annotations
 * alike: its attributes, its score when it is a suggestion, the closing
 * brace. */
static void
put_tail(struct bx_buf *b, const struct bx_annot *an)
{
	if (an->attrs.n > 0) {
		bx_buf_puts(b, ",\"attributes\":");
		bx_json_put_attrs(b, &an->attrs);
	}
	if (an->flags & BX_ANNOT_SUGGESTION) {
		bx_buf_puts(b, ",\"score\":");
		bx_json_put_num(b, an->score);
	}
	bx_buf_putc(b, '}');
}

/* Kinds COCO has no form for (those with an outline in their descriptor:
 * a rotated box, an ellipse, a cuboid): the segmentation is the outline
 * the kind itself gives (its ring: what area overlap uses, an ellipse's
 * ring holding the ellipse's own area), so COCOeval and other tools see
 * the region as a polygon, and area is that polygon's. The bbox is the
 * shape's own, and boxel's key beside it ("rotated_box": [cx, cy, w, h,
 * angle], "ellipse": [cx, cy, rx, ry, angle], "cuboid": [[x, y] x 8], as
 * in jsonl) gives the shape back exactly on import. */
static void
put_shape(struct bx_buf *b, const struct bx_annot *an)
{
	const struct bx_geom_kind *k = bx_geom_kind(an->geom);
	struct bx_pt ring[BX_GEOM_RING_MAX + 1];
	double x, y, w, h;
	int n;

	if (k->form == BX_FORM_RBOX)
		n = k->ring(an->x, an->y, an->w, an->h, an->angle, ring);
	else
		n = k->outline(an->pts, an->npts, ring);
	bx_annot_bounds(an, &x, &y, &w, &h);
	bx_json_put_box(b, x, y, w, h);
	bx_buf_puts(b, ",\"area\":");
	bx_json_put_num(b, fabs(bx_ring_signed_area(ring, n)));
	bx_buf_puts(b, ",\"iscrowd\":0,\"segmentation\":[[");
	put_flat(b, ring, n);
	bx_buf_puts(b, "]],");
	bx_json_put_geom(b, an);
}

/* A skeleton class's category names its points and its edges (COCO's
 * 1-based pairs), as person_keypoints files do. */
static void
skeleton_category(struct bx_buf *b, const struct bx_dataset *ds, int ci)
{
	const struct bx_class *c = ds->tax ? bx_taxonomy_class(ds->tax, ds->classes[ci]) : NULL;
	int i;

	if (c == NULL || c->nkpts == 0 || !(c->geoms & BX_GEOM_SKELETON))
		return;
	bx_buf_puts(b, ",\"keypoints\":[");
	for (i = 0; i < c->nkpts; i++) {
		bx_buf_puts(b, i ? "," : "");
		bx_json_put_str(b, c->kpt_names[i]);
	}
	bx_buf_puts(b, "],\"skeleton\":[");
	for (i = 0; i < c->nedges; i++)
		bx_buf_printf(b, "%s[%d,%d]", i ? "," : "", c->edges[2 * i] + 1, c->edges[2 * i + 1] + 1);
	bx_buf_putc(b, ']');
}

void
bx_coco_write(const struct bx_dataset *ds, struct bx_buf *b)
{
	const struct bx_annot *an;
	double x, y, w, h;
	int64_t ann_id = 0;
	int i, k, p, ci, first, ntag;

	bx_buf_puts(b, "{\"info\":{\"description\":\"" BX_COCO_DESCRIPTION "\"},\"licenses\":[],\n"
	    "\"images\":[");
	for (i = 0; i < ds->n; i++) {
		const struct bx_ds_image *im = &ds->img[i];

		bx_buf_puts(b, i ? ",\n{" : "\n{");
		bx_buf_printf(b, "\"id\":%lld,\"file_name\":", (long long)im->id);
		bx_json_put_str(b, im->file_name ? im->file_name : "");
		bx_buf_printf(b, ",\"width\":%d,\"height\":%d", im->width, im->height);
		if (im->ans.global.n > 0) {
			bx_buf_puts(b, ",\"attributes\":");
			bx_json_put_attrs(b, &im->ans.global);
		}
		for (ntag = 0, k = 0; k < im->ans.n; k++) {
			an = &im->ans.a[k];
			if (an->geom != BX_GEOM_POINT || an->npts < 1 ||
			    bx_dataset_class_index(ds, an->cls) < 0)
				continue;
			bx_buf_puts(b, ntag++ ? ",{\"class\":" : ",\"points\":[{\"class\":");
			bx_json_put_str(b, an->cls);
			bx_buf_puts(b, ",\"point\":[");
			bx_json_put_num(b, an->pts[0].x);
			bx_buf_putc(b, ',');
			bx_json_put_num(b, an->pts[0].y);
			bx_buf_putc(b, ']');
			put_tail(b, an);
		}
		if (ntag)
			bx_buf_putc(b, ']');
		for (ntag = 0, k = 0; k < im->ans.n; k++) {
			an = &im->ans.a[k];
			if (an->geom != BX_GEOM_TAG || bx_dataset_class_index(ds, an->cls) < 0)
				continue;
			bx_buf_puts(b, ntag++ ? "," : ",\"tags\":[");
			bx_json_put_str(b, an->cls);
		}
		if (ntag)
			bx_buf_putc(b, ']');
		bx_buf_putc(b, '}');
	}
	bx_buf_puts(b, "],\n\"annotations\":[");
	first = 1;
	for (i = 0; i < ds->n; i++) {
		const struct bx_ds_image *im = &ds->img[i];

		for (k = 0; k < im->ans.n; k++) {
			an = &im->ans.a[k];
			ci = bx_dataset_class_index(ds, an->cls);
			if (ci < 0 || an->geom == BX_GEOM_TAG || an->geom == BX_GEOM_POINT)
				continue;
			if ((an->geom == BX_GEOM_POLYGON && an->npts < 3) ||
			    (an->geom == BX_GEOM_POINT && an->npts < 1))
				continue;
			bx_buf_puts(b, first ? "\n{" : ",\n{");
			first = 0;
			bx_buf_printf(b, "\"id\":%lld,\"image_id\":%lld,\"category_id\":%lld,\"bbox\":",
			    (long long)++ann_id, (long long)im->id, (long long)class_id(ds, ci));
			if (an->geom == BX_GEOM_SKELETON) {
				/* COCO keypoints: bbox and area of the labeled points' box
				 * (what OKS scales by); the segmentation every COCO
				 * object carries is empty, as Datumaro (CVAT) writes
				 * it and requires it */
				bx_annot_bounds(an, &x, &y, &w, &h);
				bx_json_put_box(b, x, y, w, h);
				bx_buf_puts(b, ",\"area\":");
				bx_json_put_num(b, w * h);
				bx_buf_puts(b, ",\"iscrowd\":0,\"segmentation\":[],\"keypoints\":[");
				for (ntag = 0, p = 0; p < an->npts; p++) {
					int v = an->vis != NULL ? an->vis[p] : 2;
					bx_buf_puts(b, p ? "," : "");
					bx_json_put_num(b, v ? an->pts[p].x : 0);
					bx_buf_putc(b, ',');
					bx_json_put_num(b, v ? an->pts[p].y : 0);
					bx_buf_printf(b, ",%d", v);
					ntag += v > 0;
				}
				bx_buf_printf(b, "],\"num_keypoints\":%d", ntag);
			} else if (an->geom == BX_GEOM_POLYGON) {
				bx_annot_bounds(an, &x, &y, &w, &h);
				bx_json_put_box(b, x, y, w, h);
				bx_buf_puts(b, ",\"area\":");
				bx_json_put_num(b, fabs(bx_ring_signed_area(an->pts, an->npts)));
				bx_buf_puts(b, ",\"iscrowd\":0,\"segmentation\":[[");
				put_flat(b, an->pts, an->npts);
				bx_buf_puts(b, "]]");
			} else if (an->geom == BX_GEOM_MULTIPOLYGON) {
				put_rings(b, an);
			} else if (bx_geom_kind(an->geom)->ring != NULL ||
			    bx_geom_kind(an->geom)->outline != NULL) {
				put_shape(b, an);
			} else {
				const struct bx_pt c[4] = { { an->x, an->y }, { an->x + an->w, an->y },
				    { an->x + an->w, an->y + an->h }, { an->x, an->y + an->h } };

				bx_json_put_box(b, an->x, an->y, an->w, an->h);
				bx_buf_puts(b, ",\"area\":");
				bx_json_put_num(b, an->w * an->h);
				bx_buf_puts(b, ",\"iscrowd\":0,\"segmentation\":[[");
				put_flat(b, c, 4);
				bx_buf_puts(b, "]]");
			}
			put_tail(b, an);
		}
	}
	bx_buf_puts(b, "],\n\"categories\":[");
	for (i = 0; i < ds->nclasses; i++) {
		bx_buf_printf(b, "%s{\"id\":%lld,\"name\":", i ? ",\n" : "\n",
		    (long long)class_id(ds, i));
		bx_json_put_str(b, ds->classes[i]);
		bx_buf_puts(b, ",\"supercategory\":\"\"");
		skeleton_category(b, ds, i);
		bx_buf_putc(b, '}');
	}
	bx_buf_puts(b, "]}\n");
}
