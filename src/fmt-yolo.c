/* fmt-yolo.c: YOLO label files ("CLASS CX CY W H" or YOLO-seg
 * "CLASS X1 Y1 X2 Y2 ...", normalized to 0..1 by the image size) and the
 * class names of data.yaml. Converts to and from image pixels, origin
 * top-left: x = (cx - w/2) * W. Normalized values are written with 6
 * decimals, the convention of YOLO tools. data.yaml is read in
 * fmt-yolo-yaml.c. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "boxel/formats.h"
#include "boxel/geom.h"
#include "boxel/util.h"

static int
parse_num(const char *tok, double *out)
{
	char *end;

	*out = bx_strtod_c(tok, &end);
	return *end == '\0' && isfinite(*out) ? 0 : -1;
}

/* Ultralytics' tolerance: a value or box edge up to 1% past 0..1 is a
 * rounding artifact of the tool that wrote it, clamped; further is an
 * error. */
#define EDGE_TOL 0.01

static double
clamp01(double v, int *clamped)
{
	if (v < 0) {
		*clamped = 1;
		return 0;
	}
	if (v > 1) {
		*clamped = 1;
		return 1;
	}
	return v;
}

/* A 4-point polygon that is exactly the rectangle a box is written as
 * ((x,y) (x+w,y) (x+w,y+h) (x,y+h)) comes back as that box. */
static int
rect_polygon(const double *v, int n)
{
	return n == 8 && v[0] == v[6] && v[1] == v[3] && v[2] == v[4] && v[5] == v[7] &&
	    v[2] > v[0] && v[5] > v[1];
}

int
bx_yolo_read_labels(const char *text, const char *name, int width, int height,
                    const struct bx_dataset *names, struct bx_answer *out,
                    struct bx_dataset *errs)
{
	char *copy = bx_strdup(text), *line, *next, *tok, *save;
	double v[2 * 4096 + 2];
	struct bx_annot an;
	int lineno = 0, bad = 0, n, i, cls, conf, clamped, any_poly = 0, nconf = 0, nlines = 0;
	int first_conf_line = 0, first_plain_line = 0;
	char *end;

	bx_answer_init(out);
	for (line = copy; line != NULL && *line; line = next) {
		next = strchr(line, '\n');
		if (next != NULL)
			*next++ = '\0';
		lineno++;
		n = 0;
		cls = -1;
		tok = strtok_r(line, " \t\r", &save);
		if (tok == NULL)
			continue;                 /* blank line */
		{
			long c = strtol(tok, &end, 10);
			if (*end != '\0' || c < 0 || c > 1000000) {
				bx_dataset_error(errs, "%s:%d: \"%.20s\" is not a class index", name,
				    lineno, tok);
				bad = 1;
				continue;
			}
			if (c >= names->nclasses) {
				bx_dataset_error(errs, "%s:%d: class %ld is out of range (%d name%s, 0..%d)",
				    name, lineno, c, names->nclasses, names->nclasses == 1 ? "" : "s",
				    names->nclasses - 1);
				bad = 1;
				continue;
			}
			cls = (int)c;
		}
		while ((tok = strtok_r(NULL, " \t\r", &save)) != NULL && n < (int)BX_ARRAY_LEN(v)) {
			if (parse_num(tok, &v[n]) != 0) {
				n = -1;
				break;
			}
			n++;
		}
		if (n < 0) {
			bx_dataset_error(errs, "%s:%d: \"%.20s\" is not a number", name, lineno, tok);
			bad = 1;
			continue;
		}
		/* CLASS CX CY W H [CONF] or CLASS X1 Y1 ... XN YN [CONF]: an odd
		 * count is a prediction with its confidence last (Ultralytics'
		 * save_conf) */
		conf = n == 5 || (n >= 7 && n % 2 == 1);
		if (conf)
			n--;
		if (n != 4 && (n < 6 || n % 2 != 0)) {
			bx_dataset_error(errs, "%s:%d: expected CLASS CX CY W H, or CLASS and at least 3 "
			    "x y pairs (each optionally followed by a confidence); got %d numbers", name,
			    lineno, n + conf);
			bad = 1;
			continue;
		}
		nlines++;
		if (conf) {
			nconf++;
			if (!first_conf_line)
				first_conf_line = lineno;
			if (v[n] < 0 || v[n] > 1) {
				bx_dataset_error(errs, "%s:%d: confidence %g is outside 0..1", name, lineno,
				    v[n]);
				bad = 1;
				continue;
			}
		} else if (!first_plain_line)
			first_plain_line = lineno;
		for (i = 0; i < n; i++)
			if (v[i] < -EDGE_TOL || v[i] > 1 + EDGE_TOL) {
				bx_dataset_error(errs, "%s:%d: value %d (%g) is outside 0..1: YOLO "
				    "coordinates are normalized", name, lineno, i + 1, v[i]);
				break;
			}
		if (i < n) {
			bad = 1;
			continue;
		}
		memset(&an, 0, sizeof an);
		an.cls = names->classes[cls];
		if (conf) {
			an.score = v[n];
			an.flags = BX_ANNOT_SUGGESTION;
		}
		clamped = 0;
		if (n == 4) {
			double x0 = v[0] - v[2] / 2, y0 = v[1] - v[3] / 2;
			double x1 = v[0] + v[2] / 2, y1 = v[1] + v[3] / 2;

			if (x0 < -EDGE_TOL || y0 < -EDGE_TOL || x1 > 1 + EDGE_TOL || y1 > 1 + EDGE_TOL) {
				bx_dataset_error(errs, "%s:%d: the box reaches outside the image (more than "
				    "the 1%% Ultralytics tolerates)", name, lineno);
				bad = 1;
				continue;
			}
			/* 6-decimal rounding overshoots an edge by up to 5e-7: not
			 * worth a report, but clamped all the same */
			if (x0 < -1e-6 || y0 < -1e-6 || x1 > 1 + 1e-6 || y1 > 1 + 1e-6)
				clamped = 1;
			x0 = x0 < 0 ? 0 : x0;
			y0 = y0 < 0 ? 0 : y0;
			x1 = x1 > 1 ? 1 : x1;
			y1 = y1 > 1 ? 1 : y1;
			an.geom = BX_GEOM_BOX;
			if (x0 == v[0] - v[2] / 2 && x1 == v[0] + v[2] / 2 && y0 == v[1] - v[3] / 2 &&
			    y1 == v[1] + v[3] / 2) {
				/* untouched: the exact arithmetic a round trip relies on */
				an.w = v[2] * width;
				an.h = v[3] * height;
				an.x = (v[0] - v[2] / 2) * width;
				an.y = (v[1] - v[3] / 2) * height;
			} else {
				an.x = x0 * width;
				an.y = y0 * height;
				an.w = (x1 - x0) * width;
				an.h = (y1 - y0) * height;
			}
			bx_answer_add(out, &an);
		} else {
			any_poly = 1;
			for (i = 0; i < n; i++)
				v[i] = clamp01(v[i], &clamped);
			an.geom = BX_GEOM_POLYGON;
			an.npts = n / 2;
			an.pts = bx_malloc(sizeof *an.pts * (size_t)an.npts);
			for (i = 0; i < an.npts; i++) {
				an.pts[i].x = v[2 * i] * width;
				an.pts[i].y = v[2 * i + 1] * height;
			}
			bx_answer_add(out, &an);
			free(an.pts);
		}
		errs->nclamped += clamped;
	}
	free(copy);
	if (!bad && nconf > 0 && nconf < nlines) {
		bx_dataset_error(errs, "%s:%d: this line has no confidence column but line %d has: "
		    "predictions and labels mixed in one file", name, first_plain_line,
		    first_conf_line);
		bad = 1;
	}
	if (bad) {
		bx_answer_free(out);
		return -1;
	}
	/* A file with polygons holds its boxes as 4-point polygons (that is
	 * how the writer puts them, so Ultralytics reads one kind per file):
	 * rectangles written that way come back as boxes. */
	for (i = 0; any_poly && i < out->n; i++) {
		struct bx_annot *a = &out->a[i];
		double q[8];
		int k;

		if (a->geom != BX_GEOM_POLYGON || a->npts != 4)
			continue;
		for (k = 0; k < 4; k++) {
			q[2 * k] = a->pts[k].x;
			q[2 * k + 1] = a->pts[k].y;
		}
		if (!rect_polygon(q, 8))
			continue;
		a->geom = BX_GEOM_BOX;
		a->x = q[0];
		a->y = q[1];
		a->w = q[2] - q[0];
		a->h = q[5] - q[1];
		free(a->pts);
		a->pts = NULL;
		a->npts = 0;
	}
	return 0;
}

/* Ultralytics reads a label file as all boxes or all polygons: when an
 * image has polygons, its boxes are written as 4-point polygons. */
void
bx_yolo_write_labels(const struct bx_dataset *ds, const struct bx_ds_image *im, struct bx_buf *out)
{
	double W = im->width > 0 ? im->width : 1, H = im->height > 0 ? im->height : 1;
	int i, k, c, polys = 0;

	for (i = 0; i < im->ans.n; i++)
		polys |= ((im->ans.a[i].geom == BX_GEOM_POLYGON && im->ans.a[i].npts >= 3) ||
		    im->ans.a[i].geom == BX_GEOM_RBOX) &&
		    bx_dataset_class_index(ds, im->ans.a[i].cls) >= 0;
	for (i = 0; i < im->ans.n; i++) {
		const struct bx_annot *an = &im->ans.a[i];

		c = bx_dataset_class_index(ds, an->cls);
		if (c < 0)
			continue;
		if (an->geom == BX_GEOM_BOX && polys) {
			double x0 = an->x / W, y0 = an->y / H, x1 = (an->x + an->w) / W,
			    y1 = (an->y + an->h) / H;
			bx_buf_printf_c(out, "%d %.6f %.6f %.6f %.6f %.6f %.6f %.6f %.6f\n", c, x0, y0,
			    x1, y0, x1, y1, x0, y1);
		} else if (an->geom == BX_GEOM_BOX)
			bx_buf_printf_c(out, "%d %.6f %.6f %.6f %.6f\n", c, (an->x + an->w / 2) / W,
			    (an->y + an->h / 2) / H, an->w / W, an->h / H);
		else if (an->geom == BX_GEOM_RBOX) {
			/* YOLO-OBB: the four corners, clockwise on screen */
			struct bx_pt q[4];

			bx_geom_rbox_corners(an->x, an->y, an->w, an->h, an->angle, q);
			bx_buf_printf(out, "%d", c);
			for (k = 0; k < 4; k++)
				bx_buf_printf_c(out, " %.6f %.6f", q[k].x / W, q[k].y / H);
			bx_buf_putc(out, '\n');
		} else if (an->geom == BX_GEOM_POLYGON && an->npts >= 3) {
			bx_buf_printf(out, "%d", c);
			for (k = 0; k < an->npts; k++)
				bx_buf_printf_c(out, " %.6f %.6f", an->pts[k].x / W, an->pts[k].y / H);
			bx_buf_putc(out, '\n');
		}
	}
}

char *
bx_yolo_label_path(const char *img)
{
	const char *at = NULL, *p, *rest, *dot, *slash;

	if (strncmp(img, "images/", 7) == 0)
		at = img - 1;   /* a leading "images/": as if preceded by '/' */
	for (p = strstr(img, "/images/"); p != NULL; p = strstr(p + 1, "/images/"))
		at = p;
	if (at == NULL)
		return NULL;
	rest = at + 8;
	dot = strrchr(rest, '.');
	slash = strrchr(rest, '/');
	if (dot == NULL || (slash != NULL && dot < slash))
		dot = rest + strlen(rest);
	return bx_asprintf("%.*s%slabels/%.*s.txt", at < img ? 0 : (int)(at - img), img,
	    at < img ? "" : "/", (int)(dot - rest), rest);
}

void
bx_yolo_write_yaml(const struct bx_dataset *ds, const char *path, struct bx_buf *out)
{
	int i;

	bx_buf_puts(out, "# written by boxel. Ultralytics layout: images/train/X (links to the\n"
	    "# images) and labels/train/X.txt; boxel keeps no train/val split, so val is\n"
	    "# the same folder. images.txt lists the images relative to boxel's image root.\n");
	/* JSON strings are YAML double-quoted scalars */
	bx_buf_puts(out, "path: ");
	bx_json_put_str(out, path);
	/*
	 * No "nc": Ultralytics counts the names itself, and Datumaro (CVAT's
	 * importer) takes every key it does not reserve, "nc" included, for a
	 * subset and fails on it.
	 */
	bx_buf_puts(out, "\ntrain: images/train\nval: images/train\nnames:\n");
	for (i = 0; i < ds->nclasses; i++) {
		bx_buf_puts(out, "  - ");
		bx_json_put_str(out, ds->classes[i]);
		bx_buf_putc(out, '\n');
	}
}
