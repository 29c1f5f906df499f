/* fmt-scale.c: Scale-style image annotation tasks <-> struct bx_dataset:
 * [{"task_id", "params": {"attachment", "attachment_type": "image",
 * "metadata": {"width", "height"}}, "response": {"annotations": [...],
 * "global_attributes": {...}, "tags": [...]}}]. Boxes are left, top, width,
 * height in pixels (origin top-left), as boxel stores them. How each
 * geometry kind is written and read is its own (struct bx_scale_map in its
 * src/geom-<kind>.c, boxel/fmt-scale-map.h); this file walks the kinds'
 * table and keeps the conventions they share. */
#include <jansson.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "boxel/fmt-scale-map.h"
#include "boxel/formats.h"
#include "boxel/geom.h"
#include "boxel/util.h"
#include "json-int.h"

/* ---- ellipses and cuboids: Scale's vertices <-> boxel's shapes ---- */

/* Scale names an ellipse by the ends of its axes: the top, right, bottom
 * and left ones of the upright ellipse, turned with it. boxel's angle is
 * clockwise on screen (y down), so the ellipse's own x axis points along
 * (cos a, sin a) and its y axis along (-sin a, cos a). */
void
bx_scale_ellipse_vertices(const struct bx_annot *an, struct bx_pt v[4])
{
	double t = an->angle * M_PI / 180, c = cos(t), s = sin(t);

	v[0].x = an->x + an->h * s;
	v[0].y = an->y - an->h * c;
	v[1].x = an->x + an->w * c;
	v[1].y = an->y + an->w * s;
	v[2].x = an->x - an->h * s;
	v[2].y = an->y + an->h * c;
	v[3].x = an->x - an->w * c;
	v[3].y = an->y - an->w * s;
}

/* The ellipse whose axis ends v are, or -1 when they are not the ends of
 * two perpendicular axes through one centre (within a pixel and a degree:
 * Scale may round vertices to whole pixels). */
int
bx_scale_ellipse_of(const struct bx_pt v[4], struct bx_annot *an)
{
	double ax = v[1].x - v[3].x, ay = v[1].y - v[3].y;
	double bx = v[2].x - v[0].x, by = v[2].y - v[0].y;
	double la = hypot(ax, ay), lb = hypot(bx, by);

	if (la == 0 || lb == 0 || hypot((v[1].x + v[3].x) - (v[0].x + v[2].x),
	    (v[1].y + v[3].y) - (v[0].y + v[2].y)) / 2 > 1 ||
	    fabs(ax * bx + ay * by) / (la * lb) > sin(M_PI / 180))
		return -1;
	an->x = (v[1].x + v[3].x) / 2;
	an->y = (v[1].y + v[3].y) / 2;
	an->w = la / 2;
	an->h = lb / 2;
	an->angle = atan2(ay, ax) * 180 / M_PI;
	if (an->angle <= -180)
		an->angle += 360;
	return 0;
}

/* Scale's 2D cuboid is its front face and the two corners of the side it
 * shows; the back face is the front moved as that side's edges move it
 * (the top corners by the top edge, the bottom ones by the bottom edge).
 * boxel's 8 vertices: front top-left, top-right, bottom-right,
 * bottom-left, then the back face in the same order. */
const char *const bx_scale_cuboid_names[6] = { "face-topleft", "face-topright",
	"face-bottomright", "face-bottomleft", "side-topcorner", "side-bottomcorner" };

void
bx_scale_cuboid_of(const struct bx_pt six[6], struct bx_pt eight[8])
{
	int left = six[4].x < six[0].x;  /* the side shown is the left one */
	int top = left ? 0 : 1, bottom = left ? 3 : 2;   /* the front corners it joins */
	double tx = six[4].x - six[top].x, ty = six[4].y - six[top].y;
	double bx = six[5].x - six[bottom].x, by = six[5].y - six[bottom].y;

	memcpy(eight, six, 4 * sizeof *eight);
	eight[4].x = six[0].x + tx;
	eight[4].y = six[0].y + ty;
	eight[5].x = six[1].x + tx;
	eight[5].y = six[1].y + ty;
	eight[6].x = six[2].x + bx;
	eight[6].y = six[2].y + by;
	eight[7].x = six[3].x + bx;
	eight[7].y = six[3].y + by;
	eight[4 + top] = six[4];          /* the given corners exactly */
	eight[4 + bottom] = six[5];
}

/* The six vertices Scale would be given for an (8-vertex) cuboid. */
void
bx_scale_cuboid_six(const struct bx_annot *an, struct bx_pt six[6])
{
	int left = an->pts[5].x - an->pts[1].x < 0;

	memcpy(six, an->pts, 4 * sizeof *six);
	six[4] = an->pts[left ? 4 : 5];
	six[5] = an->pts[left ? 7 : 6];
}

int
bx_scale_cuboid_fits(const struct bx_annot *an)
{
	struct bx_pt six[6], back[8];
	int i;

	if (an->npts != 8)
		return 0;
	bx_scale_cuboid_six(an, six);
	bx_scale_cuboid_of(six, back);
	for (i = 0; i < 8; i++)
		if (fabs(back[i].x - an->pts[i].x) > 1e-6 || fabs(back[i].y - an->pts[i].y) > 1e-6)
			return 0;
	return 1;
}

static double
sig12(double v)
{
	struct bx_buf t;
	double r;

	bx_buf_init(&t);
	bx_buf_printf_c(&t, "%.12g", v);
	r = bx_strtod_c(t.p, NULL);
	bx_buf_free(&t);
	return r;
}

/* A vertex, with 12 significant digits when it was computed (an
 * ellipse's): what Scale gave comes back as the same text. */
static void
put_vertex(struct bx_buf *b, const char *desc, double x, double y, int rounded)
{
	bx_buf_puts(b, "{");
	if (desc != NULL)
		bx_buf_printf(b, "\"description\":\"%s\",", desc);
	bx_buf_puts(b, "\"x\":");
	bx_json_put_num(b, rounded ? sig12(x) : x);
	bx_buf_puts(b, ",\"y\":");
	bx_json_put_num(b, rounded ? sig12(y) : y);
	bx_buf_putc(b, '}');
}

void
bx_scale_put_nums(struct bx_buf *b, const char *const *keys, const double *v, int n)
{
	int i;

	for (i = 0; i < n; i++) {
		bx_buf_printf(b, ",\"%s\":", keys[i]);
		bx_json_put_num(b, v[i]);
	}
}

void
bx_scale_put_vertices(struct bx_buf *b, const struct bx_pt *pts, int n, const char *const *names,
                      int rounded)
{
	int p;

	bx_buf_puts(b, ",\"vertices\":[");
	for (p = 0; p < n; p++) {
		if (p)
			bx_buf_putc(b, ',');
		put_vertex(b, names ? names[p] : NULL, pts[p].x, pts[p].y, rounded);
	}
	bx_buf_putc(b, ']');
}

/* The kind's map, or NULL when Scale cannot hold it. */
static const struct bx_scale_map *
scale_map(enum bx_geom g)
{
	const struct bx_geom_kind *k = bx_geom_kind(g);

	return k != NULL ? k->scale : NULL;
}

/* The image-level kind (a map without hooks: the response's tags). */
static const struct bx_geom_kind *
image_kind(void)
{
	const struct bx_geom_kind *k;
	int i;

	for (i = 0; (k = bx_geom_at(i)) != NULL; i++)
		if (k->scale != NULL && k->scale->write == NULL && k->scale->read == NULL)
			return k;
	return NULL;
}

void
bx_scale_write(const struct bx_dataset *ds, struct bx_buf *b)
{
	const struct bx_scale_map *m;
	char uuid[37];
	int i, k, first, ntag;

	bx_buf_putc(b, '[');
	for (i = 0; i < ds->n; i++) {
		const struct bx_ds_image *im = &ds->img[i];

		bx_buf_printf(b, "%s{\"task_id\":\"%lld\",\"type\":\"imageannotation\","
		    "\"status\":\"completed\",\"params\":{\"attachment\":", i ? ",\n" : "\n",
		    (long long)im->id);
		bx_json_put_str(b, im->file_name ? im->file_name : "");
		bx_buf_printf(b, ",\"attachment_type\":\"image\",\"metadata\":{\"width\":%d,"
		    "\"height\":%d}},\"response\":{\"annotations\":[", im->width, im->height);
		first = 1;
		for (k = 0; k < im->ans.n; k++) {
			const struct bx_annot *an = &im->ans.a[k];

			m = scale_map(an->geom);
			if (m == NULL || m->write == NULL)
				continue;
			bx_buf_puts(b, first ? "\n{" : ",\n{");
			first = 0;
			bx_buf_puts(b, "\"type\":");
			bx_json_put_str(b, m->type);
			bx_buf_puts(b, ",\"label\":");
			bx_json_put_str(b, an->cls ? an->cls : "");
			m->write(b, an);
			bx_buf_puts(b, ",\"attributes\":");
			bx_json_put_attrs(b, &an->attrs);
			if (an->flags & BX_ANNOT_SUGGESTION) {
				bx_buf_puts(b, ",\"score\":");
				bx_json_put_num(b, an->score);
			}
			/* Scale names every annotation; one that came from Scale
			 * keeps its name, a new one gets one derived from its
			 * task and place, so exports stay reproducible (the same
			 * answer, the same bytes) and name it the same each time */
			if (an->uuid == NULL)
				bx_uuid_derived(uuid, (uint64_t)im->id, (uint64_t)k);
			bx_buf_puts(b, ",\"uuid\":");
			bx_json_put_str(b, an->uuid != NULL ? an->uuid : uuid);
			bx_buf_putc(b, '}');
		}
		bx_buf_puts(b, "],\"global_attributes\":");
		bx_json_put_attrs(b, &im->ans.global);
		bx_buf_puts(b, ",\"tags\":[");
		for (ntag = 0, k = 0; k < im->ans.n; k++)
			if ((m = scale_map(im->ans.a[k].geom)) != NULL && m->write == NULL &&
			    m->read == NULL) {
				if (ntag++)
					bx_buf_putc(b, ',');
				bx_json_put_str(b, im->ans.a[k].cls ? im->ans.a[k].cls : "");
			}
		bx_buf_puts(b, "]}}");
	}
	bx_buf_puts(b, "\n]\n");
}

/* ---- reading ---- */

/* Scale leaves absent attributes out or null. */
static int
read_attrs(const json_t *o, const char *where, struct bx_attrs *out, char *why, size_t whysz)
{
	if (o == NULL || json_is_null(o))
		return 0;
	return bx_json_read_attrs(o, where, out, why, whysz);
}

/* What the kinds' read hooks see of an annotation (fmt-scale-map.h). */
struct bx_scale_in {
	const json_t *a;
};

int
bx_scale_num(const struct bx_scale_in *in, const char *key, double *out)
{
	return bx_json_key_finite(in->a, key, out) ? -1 : 0;
}

int
bx_scale_vertices(const struct bx_scale_in *in, int min, struct bx_pt **out, int *nout,
                  char *why, size_t whysz)
{
	const json_t *j = json_object_get(in->a, "vertices");
	struct bx_pt *pts;
	size_t p;

	if (!json_is_array(j) || json_array_size(j) < (size_t)min) {
		snprintf(why, whysz, ".vertices: expected at least %d {x, y}", min);
		return -1;
	}
	pts = bx_malloc(sizeof *pts * json_array_size(j));
	for (p = 0; p < json_array_size(j); p++)
		if (bx_json_key_finite(json_array_get(j, p), "x", &pts[p].x) ||
		    bx_json_key_finite(json_array_get(j, p), "y", &pts[p].y)) {
			free(pts);
			snprintf(why, whysz, ".vertices[%zu]: expected {x, y}", p);
			return -1;
		}
	*out = pts;
	*nout = (int)json_array_size(j);
	return 0;
}

int
bx_scale_fixed_vertices(const struct bx_scale_in *in, int n, const char *const *names,
                        const char *what, const char *hint, struct bx_pt *pts, char *why,
                        size_t whysz)
{
	const json_t *vs = json_object_get(in->a, "vertices"), *v;
	unsigned char seen[BX_GEOM_RING_MAX] = { 0 };
	struct bx_buf all;
	const char *d;
	int i, at;

	if (!json_is_array(vs) || json_array_size(vs) != (size_t)n || n > BX_GEOM_RING_MAX) {
		snprintf(why, whysz, ".vertices: %s has %d {x, y}%s", what, n, hint);
		return -1;
	}
	for (i = 0; i < n; i++) {
		v = json_array_get(vs, (size_t)i);
		at = i;
		if (names != NULL) {
			d = json_string_value(json_object_get(v, "description"));
			for (at = 0; d != NULL && at < n && strcmp(d, names[at]) != 0; at++)
				;
			if (d == NULL || at == n || seen[at]++) {
				bx_buf_init(&all);
				for (at = 0; at < n; at++)
					bx_buf_printf(&all, "%s%s", at ? ", " : "", names[at]);
				snprintf(why, whysz, ".vertices[%d].description: expected each of %s once",
				    i, all.p);
				bx_buf_free(&all);
				return -1;
			}
		}
		if (bx_json_key_finite(v, "x", &pts[at].x) || bx_json_key_finite(v, "y", &pts[at].y)) {
			snprintf(why, whysz, ".vertices[%d]: expected {x, y}", i);
			return -1;
		}
	}
	return 0;
}

/* An annotation of type into an (its class set): offered to each kind of
 * that type in table order until one takes it. 0, 1 when no kind has the
 * type, or -1 with the rest of the message in why. */
static int
read_geometry(const struct bx_scale_in *in, const char *type, struct bx_annot *an, char *why,
              size_t whysz)
{
	const struct bx_geom_kind *k;
	int i, rc, known = 0;

	for (i = 0; (k = bx_geom_at(i)) != NULL; i++) {
		if (k->scale == NULL || k->scale->read == NULL || strcmp(k->scale->type, type) != 0)
			continue;
		known = 1;
		an->geom = k->id;
		if ((rc = k->scale->read(in, an, why, whysz)) <= 0)
			return rc;
	}
	if (known) {
		snprintf(why, whysz, ": no geometry of boxel's takes this %s", type);
		return -1;
	}
	return 1;
}

/* "box, polygon, ... or cuboid": the types the kinds read. */
static void
type_list(char *buf, size_t n)
{
	const struct bx_geom_kind *k, *o;
	const char *last = NULL;
	size_t len;
	int i, j;

	buf[0] = '\0';
	for (i = 0; (k = bx_geom_at(i)) != NULL; i++) {
		if (k->scale == NULL || k->scale->read == NULL)
			continue;
		for (j = 0; (o = bx_geom_at(j)) != k; j++)
			if (o->scale != NULL && o->scale->read != NULL &&
			    strcmp(o->scale->type, k->scale->type) == 0)
				break;
		if (o != k)
			continue;
		if (last != NULL) {
			len = strlen(buf);
			snprintf(buf + len, n - len, "%s%s", buf[0] ? ", " : "", last);
		}
		last = k->scale->type;
	}
	len = strlen(buf);
	snprintf(buf + len, n - len, "%s%s", buf[0] ? " or " : "", last ? last : "");
}

static int
read_task(const json_t *t, struct bx_ds_image *im, char *why, size_t whysz)
{
	const json_t *resp = json_object_get(t, "response"), *anns, *a, *j;
	const struct bx_geom_kind *tk = image_kind();
	struct bx_scale_in in;
	const char *type, *label;
	char types[200], rest[400];
	int rc;
	struct bx_annot an;
	char where[64];
	size_t k;

	im->has_answer = 1;
	if (resp == NULL || json_is_null(resp))
		return 0;
	anns = json_object_get(resp, "annotations");
	if (!json_is_object(resp) || (anns != NULL && !json_is_array(anns))) {
		snprintf(why, whysz, ".response.annotations: expected an array");
		return -1;
	}
	for (k = 0; anns != NULL && k < json_array_size(anns); k++) {
		a = json_array_get(anns, k);
		type = json_string_value(json_object_get(a, "type"));
		label = json_string_value(json_object_get(a, "label"));
		if (type == NULL || label == NULL || label[0] == '\0') {
			snprintf(why, whysz, ".response.annotations[%zu]: expected type and label", k);
			return -1;
		}
		memset(&an, 0, sizeof an);
		an.cls = (char *)label;
		in.a = a;
		if ((rc = read_geometry(&in, type, &an, rest, sizeof rest)) > 0) {
			type_list(types, sizeof types);
			snprintf(why, whysz, ".response.annotations[%zu].type: \"%.30s\" is not %s", k,
			    type, types);
			return -1;
		} else if (rc < 0) {
			snprintf(why, whysz, ".response.annotations[%zu]%s", k, rest);
			return -1;
		}
		if ((j = json_object_get(a, "score")) != NULL && json_is_number(j)) {
			an.score = json_number_value(j);
			an.flags = BX_ANNOT_SUGGESTION;
		}
		if ((j = json_object_get(a, "uuid")) != NULL && !json_is_null(j)) {
			if (!json_is_string(j) || !bx_object_id_valid(json_string_value(j))) {
				free(an.pts);
				snprintf(why, whysz, ".response.annotations[%zu].uuid: expected the "
				    "object's id: 1 to 128 characters, no control characters", k);
				return -1;
			}
			an.uuid = (char *)json_string_value(j);   /* copied by bx_answer_add */
		}
		snprintf(where, sizeof where, ".response.annotations[%zu].attributes", k);
		if (read_attrs(json_object_get(a, "attributes"), where, &an.attrs, why,
		    whysz) < 0) {
			free(an.pts);
			bx_attrs_free(&an.attrs);
			return -1;
		}
		bx_answer_add(&im->ans, &an);
		free(an.pts);
		bx_attrs_free(&an.attrs);
	}
	if (read_attrs(json_object_get(resp, "global_attributes"), ".response.global_attributes",
	    &im->ans.global, why, whysz) < 0)
		return -1;
	j = json_object_get(resp, "tags");
	for (k = 0; tk != NULL && json_is_array(j) && k < json_array_size(j); k++) {
		if (!json_is_string(json_array_get(j, k)))
			continue;
		memset(&an, 0, sizeof an);
		an.geom = tk->id;
		an.cls = (char *)json_string_value(json_array_get(j, k));
		bx_answer_add(&im->ans, &an);
	}
	return 0;
}

int
bx_scale_read(const char *text, const char *name, struct bx_dataset *out, struct bx_err *err)
{
	json_t *root, *t, *params, *att, *md, *id;
	struct bx_ds_image *im;
	char why[600];
	double w = 0, h = 0;
	size_t i;

	if ((root = bx_json_load(text, name, err)) == NULL)
		return BX_EINVAL;
	if (!json_is_array(root)) {
		json_decref(root);
		return bx_err_set(err, BX_EINVAL, "%s: expected a JSON array of tasks", name);
	}
	for (i = 0; i < json_array_size(root); i++) {
		t = json_array_get(root, i);
		params = json_object_get(t, "params");
		att = json_object_get(params, "attachment");
		if (!json_is_string(att) || json_string_value(att)[0] == '\0') {
			bx_dataset_error(out, "%s: tasks[%zu].params.attachment: expected the image path",
			    name, i);
			continue;
		}
		md = json_object_get(params, "metadata");
		w = h = 0;
		if (md != NULL && (bx_json_key_finite(md, "width", &w) == 0) !=
		    (bx_json_key_finite(md, "height", &h) == 0)) {
			bx_dataset_error(out, "%s: tasks[%zu].params.metadata: give both width and height",
			    name, i);
			continue;
		}
		if ((w != 0 || h != 0) && (w < 1 || h < 1 || w != floor(w) || h != floor(h) ||
		    w > 1000000 || h > 1000000)) {
			bx_dataset_error(out, "%s: tasks[%zu].params.metadata: width and height must be "
			    "whole numbers of pixels, 1 to 1000000", name, i);
			continue;
		}
		id = json_object_get(t, "task_id");
		im = bx_dataset_add(out, json_is_string(id) ? strtoll(json_string_value(id), NULL, 10) :
		    json_is_integer(id) ? json_integer_value(id) : 0, json_string_value(att), (int)w,
		    (int)h);
		im->line = (int)i + 1;
		if (read_task(t, im, why, sizeof why) < 0) {
			bx_dataset_error(out, "%s: tasks[%zu]%s", name, i, why);
			im->failed = 1;
		}
	}
	json_decref(root);
	return 0;
}
