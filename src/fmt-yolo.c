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
#include "boxel/util.h"

static int
parse_num(const char *tok, double *out)
{
	char *end;

	*out = bx_strtod_c(tok, &end);
	return *end == '\0' && isfinite(*out) ? 0 : -1;
}

int
bx_yolo_read_labels(const char *text, const char *name, int width, int height,
                    const struct bx_dataset *names, struct bx_answer *out,
                    struct bx_dataset *errs)
{
	char *copy = bx_strdup(text), *line, *next, *tok, *save;
	double v[2 * 4096 + 1];
	struct bx_annot an;
	int lineno = 0, bad = 0, n, i, cls;
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
		if (n != 4 && (n < 6 || n % 2 != 0)) {
			bx_dataset_error(errs, "%s:%d: expected CLASS CX CY W H, or CLASS and at least 3 "
			    "x y pairs; got %d numbers", name, lineno, n);
			bad = 1;
			continue;
		}
		for (i = 0; i < n; i++)
			if (v[i] < 0 || v[i] > 1) {
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
		if (n == 4) {
			an.geom = BX_GEOM_BOX;
			an.w = v[2] * width;
			an.h = v[3] * height;
			an.x = (v[0] - v[2] / 2) * width;
			an.y = (v[1] - v[3] / 2) * height;
			/* 6-decimal rounding may overshoot an edge by 5e-7: allow 1e-6 */
			if (v[0] - v[2] / 2 < -1e-6 || v[1] - v[3] / 2 < -1e-6 ||
			    v[0] + v[2] / 2 > 1 + 1e-6 || v[1] + v[3] / 2 > 1 + 1e-6) {
				bx_dataset_error(errs, "%s:%d: the box reaches outside the image", name,
				    lineno);
				bad = 1;
				continue;
			}
			bx_answer_add(out, &an);
		} else {
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
	}
	free(copy);
	if (bad) {
		bx_answer_free(out);
		return -1;
	}
	return 0;
}

void
bx_yolo_write_labels(const struct bx_dataset *ds, const struct bx_ds_image *im, struct bx_buf *out)
{
	double W = im->width > 0 ? im->width : 1, H = im->height > 0 ? im->height : 1;
	int i, k, c;

	for (i = 0; i < im->ans.n; i++) {
		const struct bx_annot *an = &im->ans.a[i];

		c = bx_dataset_class_index(ds, an->cls);
		if (c < 0)
			continue;
		if (an->geom == BX_GEOM_BOX)
			bx_buf_printf_c(out, "%d %.6f %.6f %.6f %.6f\n", c, (an->x + an->w / 2) / W,
			    (an->y + an->h / 2) / H, an->w / W, an->h / H);
		else if (an->geom == BX_GEOM_POLYGON && an->npts >= 3) {
			bx_buf_printf(out, "%d", c);
			for (k = 0; k < an->npts; k++)
				bx_buf_printf_c(out, " %.6f %.6f", an->pts[k].x / W, an->pts[k].y / H);
			bx_buf_putc(out, '\n');
		}
	}
}

void
bx_yolo_write_yaml(const struct bx_dataset *ds, struct bx_buf *out)
{
	int i;

	bx_buf_puts(out, "# written by boxel: class names in index order; labels/ mirrors the\n"
	    "# image paths (relative to the image root) listed in images.txt\n");
	bx_buf_printf(out, "nc: %d\nnames:\n", ds->nclasses);
	for (i = 0; i < ds->nclasses; i++) {
		bx_buf_puts(out, "  - ");
		bx_json_put_str(out, ds->classes[i]); /* a JSON string is a YAML double-quoted scalar */
		bx_buf_putc(out, '\n');
	}
}
