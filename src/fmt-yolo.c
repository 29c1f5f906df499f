/* fmt-yolo.c: YOLO label files ("CLASS CX CY W H" or YOLO-seg
 * "CLASS X1 Y1 X2 Y2 ...", normalized to 0..1 by the image size) and the
 * class names of data.yaml. Converts to and from image pixels, origin
 * top-left: x = (cx - w/2) * W. Normalized values are written with 6
 * decimals, the convention of YOLO tools. data.yaml is read in
 * fmt-yolo-yaml.c. Which kind a line is, and which line a kind is, the
 * kinds' maps say (boxel/fmt-yolo-map.h): this file names no kind. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "boxel/fmt-yolo-map.h"
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

int
bx_yolo_outline_pts(const struct bx_annot *an, struct bx_pt *buf, const struct bx_pt **pts)
{
	(void)buf;
	*pts = an->pts;
	return an->npts;
}

int
bx_yolo_outline_room(const struct bx_annot *an)
{
	int n = an->npts + 2 * an->nrings;

	return n > BX_GEOM_RING_MAX + 1 ? n : BX_GEOM_RING_MAX + 1;
}

int
bx_yolo_outline_ring(const struct bx_annot *an, struct bx_pt *buf, const struct bx_pt **pts)
{
	const struct bx_geom_kind *k = bx_geom_kind(an->geom);

	*pts = buf;
	if (k->ring != NULL)
		return k->ring(an->x, an->y, an->w, an->h, an->angle, buf);
	return k->outline(an->pts, an->npts, buf);
}

/* The first kind in table order whose map reads the line (a box line:
 * box set; a polygon line: an's pts set): an's kind set, 0; -1 when none
 * does. */
static int
read_line(struct bx_annot *an, const double *box)
{
	const struct bx_geom_kind *k;
	int g;

	for (g = 0; (k = bx_geom_at(g)) != NULL; g++) {
		if (k->yolo == NULL)
			continue;
		if (box != NULL && k->yolo->read_box != NULL &&
		    k->yolo->read_box(an, box[0], box[1], box[2], box[3]) == 0)
			break;
		if (box == NULL && k->yolo->read_poly != NULL && k->yolo->read_poly(an) == 0)
			break;
	}
	if (k == NULL)
		return -1;
	an->geom = k->id;
	return 0;
}

int
bx_yolo_read_labels(const char *text, const char *name, int width, int height,
                    const struct bx_dataset *names, struct bx_answer *out,
                    struct bx_dataset *errs)
{
	char *copy = bx_strdup(text), *line, *next, *tok, *save;
	/* a line's numbers: as many as it has (a polygon line of the
	 * project's max_vertices, a multipolygon's joined rings); the
	 * taxonomy check refuses what the project does not allow */
	double *v = NULL, box[4];
	size_t vcap = 0;
	struct bx_annot an;
	int lineno = 0, bad = 0, n, i, cls, conf, clamped, nconf = 0, nlines = 0;
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
		while ((tok = strtok_r(NULL, " \t\r", &save)) != NULL) {
			if ((size_t)n == vcap) {
				vcap = vcap ? 2 * vcap : 64;
				v = bx_realloc(v, sizeof *v * vcap);
			}
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
			if (x0 == v[0] - v[2] / 2 && x1 == v[0] + v[2] / 2 && y0 == v[1] - v[3] / 2 &&
			    y1 == v[1] + v[3] / 2) {
				/* untouched: the exact arithmetic a round trip relies on */
				box[2] = v[2] * width;
				box[3] = v[3] * height;
				box[0] = (v[0] - v[2] / 2) * width;
				box[1] = (v[1] - v[3] / 2) * height;
			} else {
				box[0] = x0 * width;
				box[1] = y0 * height;
				box[2] = (x1 - x0) * width;
				box[3] = (y1 - y0) * height;
			}
			if (read_line(&an, box) == 0)
				bx_answer_add(out, &an);
		} else {
			struct bx_pt *pts;

			for (i = 0; i < n; i++)
				v[i] = clamp01(v[i], &clamped);
			an.npts = n / 2;
			an.pts = pts = bx_malloc(sizeof *an.pts * (size_t)an.npts);
			for (i = 0; i < an.npts; i++) {
				an.pts[i].x = v[2 * i] * width;
				an.pts[i].y = v[2 * i + 1] * height;
			}
			if (read_line(&an, NULL) == 0) {
				if (an.npts == 0)
					an.pts = NULL;
				bx_answer_add(out, &an);
			}
			free(pts);
		}
		errs->nclamped += clamped;
	}
	free(copy);
	free(v);
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
	return 0;
}

/* The map of an's kind when the task holds it, else NULL. */
static const struct bx_yolo_map *
held(const struct bx_annot *an, enum bx_yolo_task task)
{
	const struct bx_geom_kind *k = bx_geom_kind(an->geom);

	return k != NULL && k->yolo != NULL && (k->yolo->tasks & BX_YOLO_IN(task)) ? k->yolo :
	    NULL;
}

/* Ultralytics reads a label file as all boxes or all polygons: in the
 * default export, when an image has polygon lines, its boxes are written
 * as 4-point polygons. A detect file is all boxes, a segment or obb file
 * all polygons. */
void
bx_yolo_write_task(const struct bx_dataset *ds, const struct bx_ds_image *im,
                   enum bx_yolo_task task, struct bx_buf *out)
{
	double W = im->width > 0 ? im->width : 1, H = im->height > 0 ? im->height : 1;
	double x, y, w, h;
	struct bx_pt *buf = NULL;
	const struct bx_pt *pts;
	const struct bx_yolo_map *m;
	int i, k, n, c, room = 0, polys = task == BX_YOLO_TASK_SEGMENT || task == BX_YOLO_TASK_OBB;

	for (i = 0; i < im->ans.n; i++) {
		n = bx_yolo_outline_room(&im->ans.a[i]);
		room = n > room ? n : room;
	}
	if (room > 0)
		buf = bx_malloc(sizeof *buf * (size_t)room);
	for (i = 0; task == BX_YOLO_TASK_ANY && i < im->ans.n; i++)
		polys |= (m = held(&im->ans.a[i], task)) != NULL && m->poly &&
		    m->outline(&im->ans.a[i], buf, &pts) >= 3 &&
		    bx_dataset_class_index(ds, im->ans.a[i].cls) >= 0;
	for (i = 0; i < im->ans.n; i++) {
		const struct bx_annot *an = &im->ans.a[i];

		c = bx_dataset_class_index(ds, an->cls);
		if (c < 0 || (m = held(an, task)) == NULL)
			continue;
		if (task == BX_YOLO_TASK_DETECT || (!polys && !m->poly)) {
			bx_annot_bounds(an, &x, &y, &w, &h);
			bx_buf_printf_c(out, "%d %.6f %.6f %.6f %.6f\n", c, (x + w / 2) / W,
			    (y + h / 2) / H, w / W, h / H);
			continue;
		}
		n = m->outline(an, buf, &pts);
		if (n < 3 || (task == BX_YOLO_TASK_OBB && n != 4))
			continue;
		bx_buf_printf(out, "%d", c);
		for (k = 0; k < n; k++)
			bx_buf_printf_c(out, " %.6f %.6f", pts[k].x / W, pts[k].y / H);
		bx_buf_putc(out, '\n');
	}
	free(buf);
}

void
bx_yolo_write_labels(const struct bx_dataset *ds, const struct bx_ds_image *im, struct bx_buf *out)
{
	bx_yolo_write_task(ds, im, BX_YOLO_TASK_ANY, out);
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
