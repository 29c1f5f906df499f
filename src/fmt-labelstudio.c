/* fmt-labelstudio.c: Label Studio's JSON export <-> struct bx_dataset.
 * Label Studio places regions in percent of the original image size
 * (x = 100 * px / original_width); boxel keeps pixels, origin top-left.
 * Percentages are written with 12 significant digits, so that reading them
 * back and writing again gives the same text. Region attributes are
 * per-region results sharing the region's id; image classes are a
 * "choices" result named image_class; other unattached results are global
 * attributes. How each geometry kind is written and read is its own
 * (struct bx_ls_map in its src/geom-<kind>.c, boxel/fmt-ls-map.h); this
 * file walks the kinds' table and keeps the conventions they share. */
#include <jansson.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "boxel/fmt-ls-map.h"
#include "boxel/formats.h"
#include "boxel/taxonomy.h"
#include "boxel/geom.h"
#include "boxel/util.h"
#include "boxel/xml.h"
#include "json-int.h"

void
bx_ls_put_pct(struct bx_buf *b, const char *key, double px, int size)
{
	struct bx_buf tmp;
	double v = size > 0 ? px * 100.0 / size : 0;

	if (key != NULL)
		bx_buf_printf(b, "\"%s\":", key);
	if (!isfinite(v) || v == 0) {
		bx_buf_putc(b, '0');
		return;
	}
	/* shortest form that survives the 12-digit rounding (bx_json_put_num's
	 * own formatting would print 17 digits); C locale both ways */
	bx_buf_init(&tmp);
	bx_buf_printf_c(&tmp, "%.12g", v);
	bx_json_put_num(b, bx_strtod_c(tmp.p, NULL));
	bx_buf_free(&tmp);
}

/* One control per geometry: Label Studio refuses a config whose one
 * from_name would need to be a RectangleLabels and a PolygonLabels. */
static void
put_region_head(struct bx_buf *b, int rid, const char *type, const char *control,
                const struct bx_ds_image *im)
{
	bx_buf_printf(b, "{\"id\":\"r%d\",\"type\":\"%s\",\"from_name\":\"%s\",\"to_name\":"
	    "\"image\",\"original_width\":%d,\"original_height\":%d,\"image_rotation\":0,"
	    "\"value\":{", rid, type, control, im->width, im->height);
}

void
bx_ls_put_turned(struct bx_buf *b, int width, int height, double x, double y, const char *wkey,
                 double w, const char *hkey, double h, double angle)
{
	bx_ls_put_pct(b, "x", x, width);
	bx_buf_putc(b, ',');
	bx_ls_put_pct(b, "y", y, height);
	bx_buf_putc(b, ',');
	bx_ls_put_pct(b, wkey, w, width);
	bx_buf_putc(b, ',');
	bx_ls_put_pct(b, hkey, h, height);
	bx_buf_puts(b, ",\"rotation\":");
	bx_json_put_num(b, angle < 0 ? angle + 360 : angle);
}

/* The kind's map, or NULL when Label Studio cannot hold it. */
static const struct bx_ls_map *
ls_map(enum bx_geom g)
{
	const struct bx_geom_kind *k = bx_geom_kind(g);

	return k != NULL ? k->ls : NULL;
}

/* The image-level kind (a map without hooks: image classes). */
static const struct bx_geom_kind *
image_kind(void)
{
	const struct bx_geom_kind *k;
	int i;

	for (i = 0; (k = bx_geom_at(i)) != NULL; i++)
		if (k->ls != NULL && k->ls->write == NULL && k->ls->read == NULL)
			return k;
	return NULL;
}

/* The taxonomy's spec of attribute key, on class cls (NULL: global). */
static const struct bx_attr_spec *
attr_spec(const struct bx_taxonomy *tax, const char *cls, const char *key)
{
	const struct bx_attr_spec *specs = NULL;
	const struct bx_class *c;
	int i, n = 0;

	if (tax == NULL)
		return NULL;
	if (cls == NULL) {
		specs = tax->global;
		n = tax->nglobal;
	} else if ((c = bx_taxonomy_class(tax, cls)) != NULL) {
		specs = c->attrs;
		n = c->nattrs;
	}
	for (i = 0; i < n; i++)
		if (strcmp(specs[i].name, key) == 0)
			return &specs[i];
	return NULL;
}

/* An attribute as a classification result (per region when rid > 0); a
 * choice attribute (spec) is a Choices control, not free text. */
static void
put_attr_result(struct bx_buf *b, const char *id, const struct bx_attr *a,
                const struct bx_attr_spec *spec)
{
	int i, choice = spec != NULL && spec->type == BX_ATTR_CHOICE;

	bx_buf_printf(b, ",\n{\"id\":\"%s\",\"type\":\"%s\",\"from_name\":", id,
	    a->v.type == BX_VAL_NUM ? "number" : a->v.type == BX_VAL_STR && !choice ? "textarea" :
	    "choices");
	bx_json_put_str(b, a->key);
	bx_buf_puts(b, ",\"to_name\":\"image\",\"value\":{");
	switch (a->v.type) {
	case BX_VAL_NUM:
		bx_buf_puts(b, "\"number\":");
		bx_json_put_num(b, a->v.num);
		break;
	case BX_VAL_STR:
		bx_buf_puts(b, choice ? "\"choices\":[" : "\"text\":[");
		bx_json_put_str(b, a->v.str ? a->v.str : "");
		bx_buf_putc(b, ']');
		break;
	case BX_VAL_BOOL:
		bx_buf_printf(b, "\"choices\":[\"%s\"]", a->v.b ? "true" : "false");
		break;
	case BX_VAL_LIST:
		bx_buf_puts(b, "\"choices\":[");
		for (i = 0; i < a->v.nlist; i++) {
			if (i)
				bx_buf_putc(b, ',');
			bx_json_put_str(b, a->v.list[i]);
		}
		bx_buf_putc(b, ']');
		break;
	case BX_VAL_NONE:
		break;
	}
	bx_buf_puts(b, "}}");
}

/* An answer's regions, image classes and global attributes, as the
 * results of one annotation. */
static void
put_results(struct bx_buf *b, const struct bx_ds_image *im, const struct bx_answer *ans,
            const struct bx_taxonomy *tax)
{
	const struct bx_ls_map *m, *tags = image_kind() ? image_kind()->ls : NULL;
	char id[32];
	int k, first, ntag, rid;

	first = 1;
	rid = 0;
	for (k = 0; k < ans->n; k++) {
		const struct bx_annot *an = &ans->a[k];
		int a;

		m = ls_map(an->geom);
		if (m == NULL || m->write == NULL || an->cls == NULL)
			continue;
		if (!first)
			bx_buf_puts(b, ",");
		bx_buf_putc(b, '\n');
		first = 0;
		rid++;              /* regions are numbered alone: tags move on import */
		put_region_head(b, rid, m->type, m->control, im);
		m->write(b, an, im->width, im->height);
		bx_buf_printf(b, ",\"%s\":[", m->type);
		bx_json_put_str(b, an->cls);
		bx_buf_puts(b, "]}");
		if (an->flags & BX_ANNOT_SUGGESTION) {
			bx_buf_puts(b, ",\"score\":");
			bx_json_put_num(b, an->score);
		}
		bx_buf_putc(b, '}');
		snprintf(id, sizeof id, "r%d", rid);
		for (a = 0; a < an->attrs.n; a++)
			put_attr_result(b, id, &an->attrs.a[a],
			    attr_spec(tax, an->cls, an->attrs.a[a].key));
	}
	for (ntag = 0, k = 0; tags != NULL && k < ans->n; k++) {
		const struct bx_annot *an = &ans->a[k];
		if (ls_map(an->geom) != tags || an->cls == NULL)
			continue;
		if (ntag++ == 0) {
			bx_buf_puts(b, first ? "\n" : ",\n");
			bx_buf_printf(b, "{\"id\":\"tags\",\"type\":\"%s\",\"from_name\":\"%s\","
			    "\"to_name\":\"image\",\"value\":{\"%s\":[", tags->type, tags->control,
			    tags->type);
			first = 0;
		} else
			bx_buf_putc(b, ',');
		bx_json_put_str(b, an->cls);
	}
	if (ntag)
		bx_buf_puts(b, "]}}");
	for (k = 0; k < ans->global.n; k++) {
		snprintf(id, sizeof id, "g%d", k + 1);
		if (first) {
			/* put_attr_result starts with ",\n" */
			struct bx_buf t;
			bx_buf_init(&t);
			put_attr_result(&t, id, &ans->global.a[k],
			    attr_spec(tax, NULL, ans->global.a[k].key));
			bx_buf_puts(b, t.p + 1);
			bx_buf_free(&t);
			first = 0;
		} else
			put_attr_result(b, id, &ans->global.a[k],
			    attr_spec(tax, NULL, ans->global.a[k].key));
	}
}

/* A judgment as the annotation of its labeler: completed_by is Label
 * Studio's user id for a name bx_ls_read made of one ("ls-user-7"), else
 * the name as the email (which bx_ls_read turns back into the same name);
 * created_at and updated_at its submit time, lead_time its seconds. */
static void
put_judgment(struct bx_buf *b, const struct bx_ds_image *im, const struct bx_manifest_judgment *j,
             const struct bx_taxonomy *tax)
{
	char when[32], *end;
	long long uid = -1;

	if (strncmp(j->labeler, "ls-user-", 8) == 0 && j->labeler[8] >= '1' &&
	    j->labeler[8] <= '9') {
		uid = strtoll(j->labeler + 8, &end, 10);
		if (*end != '\0')
			uid = -1;
	}
	if (uid > 0)
		bx_buf_printf(b, ",\n{\"completed_by\":%lld", uid);
	else {
		bx_buf_puts(b, ",\n{\"completed_by\":{\"email\":");
		bx_json_put_str(b, j->labeler);
		bx_buf_putc(b, '}');
	}
	if (j->submitted_ms > 0) {
		bx_iso_time_put(j->submitted_ms, when);
		bx_buf_printf(b, ",\"created_at\":\"%s\",\"updated_at\":\"%s\"", when, when);
	}
	bx_buf_puts(b, ",\"lead_time\":");
	bx_json_put_num(b, j->seconds);
	bx_buf_puts(b, ",\"result\":[");
	put_results(b, im, &j->ans, tax);
	bx_buf_puts(b, "]}");
}

void
bx_ls_write(const struct bx_dataset *ds, struct bx_buf *b)
{
	bx_ls_write_tax(ds, NULL, b);
}

void
bx_ls_write_tax(const struct bx_dataset *ds, const struct bx_taxonomy *tax, struct bx_buf *b)
{
	int i, k;

	bx_buf_putc(b, '[');
	for (i = 0; i < ds->n; i++) {
		const struct bx_ds_image *im = &ds->img[i];

		bx_buf_printf(b, "%s{\"id\":%lld,\"data\":{\"image\":", i ? ",\n" : "\n",
		    (long long)im->id);
		bx_json_put_str(b, im->file_name ? im->file_name : "");
		bx_buf_puts(b, "},\"annotations\":[{\"result\":[");
		put_results(b, im, &im->ans, tax);
		bx_buf_puts(b, "]}");
		for (k = 0; k < im->njudg; k++)
			put_judgment(b, im, &im->judg[k], tax);
		bx_buf_puts(b, "]}");
	}
	bx_buf_puts(b, "\n]\n");
}

/* ---- the labeling config an export implies ---- */

/* A quoted XML attribute value (boxel/xml.h's escaper). Only names go
 * here: the taxonomy refuses a name with a control character, so none
 * holds one XML cannot carry. */
static void
put_xml_attr(struct bx_buf *b, const char *s)
{
	bx_buf_putc(b, '"');
	(void)bx_xml_put(b, s);
	bx_buf_putc(b, '"');
}

/* One attribute control, unless one of that name was written already
 * (names are unique in a config; the first spec of a name decides). */
static void
put_attr_control(struct bx_buf *b, const struct bx_attr_spec *sp, int per_region,
                 const char ***done, int *ndone)
{
	int i;

	for (i = 0; i < *ndone; i++)
		if (strcmp((*done)[i], sp->name) == 0)
			return;
	*done = bx_realloc(*done, sizeof(char *) * (size_t)(*ndone + 1));
	(*done)[(*ndone)++] = sp->name;
	switch (sp->type) {
	case BX_ATTR_CHOICE:
	case BX_ATTR_MULTI:
	case BX_ATTR_BOOL:
		bx_buf_puts(b, "  <Choices name=");
		put_xml_attr(b, sp->name);
		bx_buf_printf(b, " toName=\"image\"%s choice=\"%s\">\n",
		    per_region ? " perRegion=\"true\"" : "",
		    sp->type == BX_ATTR_MULTI ? "multiple" : "single");
		if (sp->type == BX_ATTR_BOOL)
			bx_buf_puts(b, "    <Choice value=\"true\"/>\n    <Choice value=\"false\"/>\n");
		for (i = 0; sp->type != BX_ATTR_BOOL && i < sp->noptions; i++) {
			bx_buf_puts(b, "    <Choice value=");
			put_xml_attr(b, sp->options[i]);
			bx_buf_puts(b, "/>\n");
		}
		bx_buf_puts(b, "  </Choices>\n");
		break;
	case BX_ATTR_TEXT:
	case BX_ATTR_NUMBER:
		bx_buf_puts(b, sp->type == BX_ATTR_TEXT ? "  <TextArea name=" : "  <Number name=");
		put_xml_attr(b, sp->name);
		bx_buf_printf(b, " toName=\"image\"%s/>\n", per_region ? " perRegion=\"true\"" : "");
		break;
	}
}

void
bx_ls_write_config(const struct bx_taxonomy *tax, struct bx_buf *b)
{
	const struct bx_geom_kind *kg, *ko;
	const char **done = NULL;
	int g, o, i, k, n, mask, ndone = 0, idx;

	bx_buf_puts(b, "<View>\n  <Image name=\"image\" value=\"$image\"/>\n");
	/* one control per type, in table order, holding the classes of
	 * every kind of that type */
	for (g = 0; (kg = bx_geom_at(g)) != NULL; g++) {
		const struct bx_ls_map *m = kg->ls;
		int choices;

		for (o = 0; m != NULL && (ko = bx_geom_at(o)) != kg; o++)
			if (ko->ls != NULL && strcmp(ko->ls->type, m->type) == 0)
				break;
		if (m == NULL || ko != kg)
			continue;
		for (mask = 0, o = g; (ko = bx_geom_at(o)) != NULL; o++)
			if (ko->ls != NULL && strcmp(ko->ls->type, m->type) == 0)
				mask |= (int)ko->id;
		for (n = 0, i = 0; i < tax->nclasses; i++)
			n += (tax->classes[i].geoms & mask) != 0;
		if (n == 0)
			continue;
		choices = m->write == NULL;
		bx_buf_printf(b, "  <%s name=\"%s\" toName=\"image\"%s>\n", m->tag, m->control,
		    choices ? " choice=\"multiple\"" : "");
		for (idx = 0, i = 0; i < tax->nclasses; i++) {
			if (!(tax->classes[i].geoms & mask))
				continue;
			bx_buf_puts(b, choices ? "    <Choice value=" : "    <Label value=");
			put_xml_attr(b, tax->classes[i].name);
			if (m->label_index)
				bx_buf_printf(b, " model_index=\"%d\"", idx++);
			bx_buf_puts(b, "/>\n");
		}
		bx_buf_printf(b, "  </%s>\n", m->tag);
	}
	for (i = 0; i < tax->nclasses; i++)
		for (k = 0; k < tax->classes[i].nattrs; k++)
			put_attr_control(b, &tax->classes[i].attrs[k], 1, &done, &ndone);
	for (k = 0; k < tax->nglobal; k++)
		put_attr_control(b, &tax->global[k], 0, &done, &ndone);
	bx_buf_puts(b, "</View>\n");
	free(done);
}

/* ---- reading ---- */

/* Label Studio serves local files as "/data/local-files/?d=PATH" (PATH
 * URL-encoded) and uploads as "/data/upload/N/NAME"; URLs name a host. Keep
 * the path part; the importer looks for it beneath the image root. */
static char *
image_path(const char *s)
{
	static const char local[] = "/data/local-files/?d=";
	const char *p = s;
	struct bx_buf b;

	bx_buf_init(&b);
	if (strncmp(p, local, sizeof local - 1) == 0) {
		for (p += sizeof local - 1; *p; p++) {
			int hi, lo;
			if (*p == '%' && p[1] && p[2] &&
			    (hi = (p[1] | 32) >= 'a' ? (p[1] | 32) - 'a' + 10 : p[1] - '0') >= 0 &&
			    hi < 16 && (lo = (p[2] | 32) >= 'a' ? (p[2] | 32) - 'a' + 10 : p[2] - '0') >= 0 &&
			    lo < 16 && hi * 16 + lo != 0) {
				bx_buf_putc(&b, (char)(hi * 16 + lo));
				p += 2;
			} else
				bx_buf_putc(&b, *p);
		}
		return b.p ? b.p : bx_strdup("");
	}
	if (strstr(p, "://") != NULL) {
		p = strstr(p, "://") + 3;
		p = strchr(p, '/');
		if (p == NULL)
			p = "";
	}
	bx_buf_puts(&b, p);
	return b.p ? b.p : bx_strdup("");
}

/* What the kinds' read hooks see of a region (fmt-ls-map.h). */
struct bx_ls_in {
	const json_t *val;
	int width, height;
};

int
bx_ls_num(const struct bx_ls_in *in, const char *key, double *out)
{
	if (json_object_get(in->val, key) == NULL)
		return 1;
	return bx_json_key_finite(in->val, key, out) ? -1 : 0;
}

double
bx_ls_px(const struct bx_ls_in *in, double v, int axis)
{
	return v * (axis ? in->height : in->width) / 100.0;
}

double
bx_ls_angle(double a)
{
	a = fmod(a, 360);
	if (a > 180)
		a -= 360;
	else if (a <= -180)
		a += 360;
	return a;
}

int
bx_ls_rect(const struct bx_ls_in *in, double *x, double *y, double *w, double *h, char *why,
           size_t whysz)
{
	if (bx_ls_num(in, "x", x) || bx_ls_num(in, "y", y) || bx_ls_num(in, "width", w) ||
	    bx_ls_num(in, "height", h) || *w < 0 || *h < 0) {
		snprintf(why, whysz, ": x, y, width, height must be numbers (width, height >= 0)");
		return -1;
	}
	*x = bx_ls_px(in, *x, 0);
	*y = bx_ls_px(in, *y, 1);
	*w = bx_ls_px(in, *w, 0);
	*h = bx_ls_px(in, *h, 1);
	return 0;
}

int
bx_ls_points(const struct bx_ls_in *in, const char *key, int min, struct bx_pt **out, int *nout,
             char *why, size_t whysz)
{
	const json_t *pts = json_object_get(in->val, key), *p;
	struct bx_pt *v;
	int a, n;

	if (!json_is_array(pts) || json_array_size(pts) < (size_t)min) {
		snprintf(why, whysz, ".%s: expected at least %d [x, y] points", key, min);
		return -1;
	}
	n = (int)json_array_size(pts);
	v = bx_malloc(sizeof *v * (size_t)n);
	for (a = 0; a < n; a++) {
		p = json_array_get(pts, (size_t)a);
		if (!json_is_array(p) || json_array_size(p) != 2 ||
		    !json_is_number(json_array_get(p, 0)) || !json_is_number(json_array_get(p, 1))) {
			free(v);
			snprintf(why, whysz, ".%s[%d]: expected [x, y]", key, a);
			return -1;
		}
		v[a].x = bx_ls_px(in, json_number_value(json_array_get(p, 0)), 0);
		v[a].y = bx_ls_px(in, json_number_value(json_array_get(p, 1)), 1);
	}
	*out = v;
	*nout = n;
	return 0;
}

/* The first kind (table order) whose regions are results of type, or
 * NULL: not a region. */
static const struct bx_geom_kind *
region_kind(const char *type)
{
	const struct bx_geom_kind *k;
	int i;

	for (i = 0; (k = bx_geom_at(i)) != NULL; i++)
		if (k->ls != NULL && k->ls->read != NULL && strcmp(k->ls->type, type) == 0)
			return k;
	return NULL;
}

/* A region of type into an (its class and score set): offered to each
 * kind of that type in table order until one takes it. 0, or -1 with the
 * rest of the message after ".value" in why. */
static int
read_region(const struct bx_ls_in *in, const char *type, struct bx_annot *an, char *why,
            size_t whysz)
{
	const struct bx_geom_kind *k;
	int i, rc;

	for (i = 0; (k = bx_geom_at(i)) != NULL; i++) {
		if (k->ls == NULL || k->ls->read == NULL || strcmp(k->ls->type, type) != 0)
			continue;
		an->geom = k->id;
		if ((rc = k->ls->read(in, an, why, whysz)) <= 0)
			return rc;
	}
	snprintf(why, whysz, ": no geometry of boxel's takes this %s", type);
	return -1;
}

/* The label of a region result: value[TYPE][0]. */
static const char *
region_label(const json_t *val, const char *type)
{
	const json_t *l = json_object_get(val, type);

	if (!json_is_array(l) || json_array_size(l) < 1 || !json_is_string(json_array_get(l, 0)))
		return NULL;
	return json_string_value(json_array_get(l, 0));
}

/* A classification result's value as an attribute value (text stays text;
 * the importer converts with the taxonomy's types). */
static int
class_value(const json_t *val, struct bx_value *out)
{
	const json_t *j;
	size_t i;

	memset(out, 0, sizeof *out);
	if ((j = json_object_get(val, "number")) != NULL && json_is_number(j) &&
	    isfinite(json_number_value(j))) {
		out->type = BX_VAL_NUM;
		out->num = json_number_value(j);
		return 0;
	}
	if ((j = json_object_get(val, "text")) != NULL) {
		if (json_is_string(j)) {
			out->type = BX_VAL_STR;
			out->str = bx_strdup(json_string_value(j));
			return 0;
		}
		if (json_is_array(j) && json_array_size(j) >= 1 &&
		    json_is_string(json_array_get(j, 0))) {
			out->type = BX_VAL_STR;
			out->str = bx_strdup(json_string_value(json_array_get(j, 0)));
			return 0;
		}
		return -1;
	}
	if ((j = json_object_get(val, "choices")) != NULL && json_is_array(j)) {
		for (i = 0; i < json_array_size(j); i++)
			if (!json_is_string(json_array_get(j, i)))
				return -1;
		if (json_array_size(j) == 1 && (strcmp(json_string_value(json_array_get(j, 0)),
		    "true") == 0 || strcmp(json_string_value(json_array_get(j, 0)), "false") == 0)) {
			/* how booleans are written; a choice named "true" becomes text again
			 * through the taxonomy (bx_taxonomy_coerce) */
			out->type = BX_VAL_BOOL;
			out->b = json_string_value(json_array_get(j, 0))[0] == 't';
			return 0;
		}
		if (json_array_size(j) == 1) {
			out->type = BX_VAL_STR;
			out->str = bx_strdup(json_string_value(json_array_get(j, 0)));
			return 0;
		}
		out->type = BX_VAL_LIST;
		out->nlist = (int)json_array_size(j);
		out->list = out->nlist ? bx_malloc(sizeof(char *) * (size_t)out->nlist) : NULL;
		for (i = 0; i < json_array_size(j); i++)
			out->list[i] = bx_strdup(json_string_value(json_array_get(j, i)));
		return 0;
	}
	return -1;
}

/* One annotation's (or prediction's: pred) result into ans; returns 0 or
 * -1 with why. at: its index, for messages. The regions' original size
 * must agree with im's (set by the first). */
static int
read_result(const json_t *ann, size_t at, int pred, struct bx_dataset *ds,
            struct bx_ds_image *im, struct bx_answer *ans, char *why, size_t whysz)
{
	const json_t *res, *r, *val, *j;
	const char *type, *rid, *lab;
	struct bx_annot an;
	struct bx_value v;
	char **ids = NULL;
	int *idx = NULL, nids = 0;
	size_t i, k;
	struct bx_ls_in in;
	const struct bx_geom_kind *tk = image_kind();
	char rest[400];
	int W = 0, H = 0, rc = -1, a;
	double pscore = 0;

	res = json_object_get(ann, "result");
	if (!json_is_array(res)) {
		snprintf(why, whysz, ".%s[%zu].result: expected an array", pred ? "predictions" :
		    "annotations", at);
		return -1;
	}
	/* regions first, so attributes can find them by id */
	for (k = 0; k < json_array_size(res); k++) {
		r = json_array_get(res, k);
		type = json_string_value(json_object_get(r, "type"));
		val = json_object_get(r, "value");
		if (!json_is_object(r) || type == NULL || !json_is_object(val)) {
			snprintf(why, whysz, ".result[%zu]: expected {type, value, ...}", k);
			goto out;
		}
		if (region_kind(type) == NULL) {
			if (strcmp(type, "choices") != 0 && strcmp(type, "textarea") != 0 &&
			    strcmp(type, "number") != 0) {
				char what[160];
				snprintf(what, sizeof what, "Label Studio \"%.40s\" results dropped: boxel "
				    "has no such geometry or control", type);
				bx_dataset_loss(ds, what);
			}
			continue;
		}
		lab = region_label(val, type);
		if (lab == NULL || lab[0] == '\0') {
			snprintf(why, whysz, ".result[%zu].value.%s: expected one label", k, type);
			goto out;
		}
		/* range-checked as doubles: casting 4.6e9 to int is undefined */
		j = json_object_get(r, "original_width");
		W = json_is_number(j) && json_number_value(j) >= 1 && json_number_value(j) <= 1000000 ?
		    (int)json_number_value(j) : 0;
		j = json_object_get(r, "original_height");
		H = json_is_number(j) && json_number_value(j) >= 1 && json_number_value(j) <= 1000000 ?
		    (int)json_number_value(j) : 0;
		if (W <= 0 || H <= 0 || W > 1000000 || H > 1000000) {
			snprintf(why, whysz, ".result[%zu]: needs original_width and original_height "
			    "(percentages are relative to them)", k);
			goto out;
		}
		if ((im->width && im->width != W) || (im->height && im->height != H)) {
			snprintf(why, whysz, ".result[%zu]: original size %dx%d differs from %dx%d", k, W,
			    H, im->width, im->height);
			goto out;
		}
		im->width = W;
		im->height = H;
		memset(&an, 0, sizeof an);
		an.cls = (char *)lab;
		if (pred) {
			/* a region's own score, else the prediction's */
			j = json_object_get(ann, "score");
			pscore = json_is_number(j) && isfinite(json_number_value(j)) ?
			    json_number_value(j) : 0;
			an.score = pscore;
			an.flags = BX_ANNOT_SUGGESTION;
		}
		if ((j = json_object_get(r, "score")) != NULL && json_is_number(j)) {
			an.score = json_number_value(j);
			an.flags = BX_ANNOT_SUGGESTION;
		}
		in.val = val;
		in.width = W;
		in.height = H;
		if (read_region(&in, type, &an, rest, sizeof rest) < 0) {
			snprintf(why, whysz, ".result[%zu].value%s", k, rest);
			goto out;
		}
		bx_answer_add(ans, &an);
		free(an.pts);
		rid = json_string_value(json_object_get(r, "id"));
		ids = bx_realloc(ids, sizeof(char *) * (size_t)(nids + 1));
		idx = bx_realloc(idx, sizeof(int) * (size_t)(nids + 1));
		ids[nids] = bx_strdup(rid ? rid : "");
		idx[nids++] = ans->n - 1;
	}
	/* classifications: region attributes, image classes, global attributes */
	for (k = 0; k < json_array_size(res); k++) {
		const char *from;
		int target = -1;

		r = json_array_get(res, k);
		type = json_string_value(json_object_get(r, "type"));
		val = json_object_get(r, "value");
		if (strcmp(type, "choices") != 0 && strcmp(type, "textarea") != 0 &&
		    strcmp(type, "number") != 0)
			continue;
		from = json_string_value(json_object_get(r, "from_name"));
		if (from == NULL || from[0] == '\0') {
			snprintf(why, whysz, ".result[%zu].from_name: expected the control's name", k);
			goto out;
		}
		rid = json_string_value(json_object_get(r, "id"));
		for (a = 0; rid != NULL && a < nids; a++)
			if (strcmp(ids[a], rid) == 0)
				target = idx[a];
		if (target < 0 && tk != NULL && strcmp(from, tk->ls->control) == 0 &&
		    strcmp(type, tk->ls->type) == 0) {
			const json_t *ch = json_object_get(val, tk->ls->type);
			for (i = 0; json_is_array(ch) && i < json_array_size(ch); i++) {
				if (!json_is_string(json_array_get(ch, i)))
					continue;
				memset(&an, 0, sizeof an);
				an.geom = tk->id;
				an.cls = (char *)json_string_value(json_array_get(ch, i));
				bx_answer_add(ans, &an);
			}
			continue;
		}
		if (class_value(val, &v) != 0) {
			snprintf(why, whysz, ".result[%zu].value: expected choices, text or number, got "
			    "%s", k, bx_json_type(val));
			goto out;
		}
		bx_attrs_set(target >= 0 ? &ans->a[target].attrs : &ans->global, from, &v);
		bx_value_free(&v);
	}
	rc = 0;
out:
	for (a = 0; a < nids; a++)
		free(ids[a]);
	free(ids);
	free(idx);
	return rc;
}

/* Label Studio's annotator (completed_by: a user id, or an object with an
 * email) as a boxel user name: "ls-user-ID", or the email with every byte
 * a name cannot hold as '_' (alice@example.com: alice_example.com), at most
 * 64 bytes. NULL when the annotation names nobody. */
static char *
labeler_of(const json_t *ann)
{
	const json_t *by = json_object_get(ann, "completed_by"), *e;
	char *name;
	size_t i;

	if (json_is_object(by)) {
		e = json_object_get(by, "email");
		if (json_is_string(e) && json_string_value(e)[0] != '\0') {
			name = bx_strndup(json_string_value(e), strnlen(json_string_value(e), 64));
			for (i = 0; name[i]; i++)
				if (!((name[i] >= 'a' && name[i] <= 'z') || (name[i] >= 'A' &&
				    name[i] <= 'Z') || (name[i] >= '0' && name[i] <= '9') ||
				    strchr("._-", name[i]) != NULL))
					name[i] = '_';
			return name;
		}
		by = json_object_get(by, "id");
	}
	if (json_is_integer(by))
		return bx_asprintf("ls-user-%lld", (long long)json_integer_value(by));
	return NULL;
}

/* An annotation's submit time and time spent: updated_at (the answer as it
 * stands was saved then), else created_at, and lead_time in seconds.
 * Absent or null is "not known" (0); anything else that is not a time or
 * a number of seconds refuses the task rather than becoming 0. */
static int
read_times(const json_t *ann, size_t at, struct bx_manifest_judgment *mj, char *why,
           size_t whysz)
{
	static const char *const keys[] = { "updated_at", "created_at" };
	const json_t *j;
	int64_t ms;
	size_t k;

	for (k = 0; k < BX_ARRAY_LEN(keys); k++) {
		j = json_object_get(ann, keys[k]);
		if (j == NULL || json_is_null(j))
			continue;
		if (!json_is_string(j) || bx_iso_time_parse(json_string_value(j), &ms) < 0) {
			char *v = json_is_string(j) ? bx_sanitize_dup(json_string_value(j)) : NULL;

			snprintf(why, whysz, ".annotations[%zu].%s: %s%.40s%s is not an ISO 8601 time "
			    "(YYYY-MM-DDTHH:MM:SS[.ffffff][Z|+HH:MM], 1970 or later)", at, keys[k],
			    v ? "'" : "", v ? v : "not a string", v ? "'" : "");
			free(v);
			return -1;
		}
		if (mj->submitted_ms == 0)
			mj->submitted_ms = ms;
	}
	j = json_object_get(ann, "lead_time");
	if (j != NULL && !json_is_null(j)) {
		if (!json_is_number(j) || !isfinite(json_number_value(j)) ||
		    json_number_value(j) < 0 || json_number_value(j) > 1e9) {
			snprintf(why, whysz, ".annotations[%zu].lead_time: expected seconds spent, "
			    "a number from 0 to 1e9", at);
			return -1;
		}
		mj->seconds = json_number_value(j);
	}
	return 0;
}

/* One task; returns 0 or -1 with why (after "tasks[i]"). The first
 * annotation is the image's answer; each annotation that names its
 * annotator is also a submitted judgment of theirs (im->judg). What it
 * cannot carry is counted in ds's losses. */
static int
read_task(const json_t *t, struct bx_dataset *ds, struct bx_ds_image *im, char *why,
          size_t whysz)
{
	const json_t *anns, *ann = NULL, *j;
	struct bx_manifest_judgment *mj;
	size_t i, at = 0;
	int pred = 0;
	char *who;

	anns = json_object_get(t, "annotations");
	if (anns != NULL && !json_is_array(anns)) {
		snprintf(why, whysz, ".annotations: expected an array");
		return -1;
	}
	for (i = 0; anns != NULL && i < json_array_size(anns); i++) {
		j = json_array_get(anns, i);
		if (!json_is_object(j) || json_is_true(json_object_get(j, "was_cancelled")))
			continue;
		if (ann == NULL) {
			ann = j;
			at = i;
		}
		who = labeler_of(j);
		if (who == NULL) {
			if (ann != j)
				bx_dataset_loss(ds, "Label Studio annotations dropped: beyond a task's "
				    "first, an annotation without completed_by has no labeler to keep it");
			continue;
		}
		im->judg = bx_realloc(im->judg, sizeof *im->judg * (size_t)(im->njudg + 1));
		mj = &im->judg[im->njudg++];
		memset(mj, 0, sizeof *mj);
		mj->labeler = who;
		mj->state = bx_strdup("submitted");
		mj->batch = bx_strdup(BX_LS_BATCH);
		mj->replica = -1;
		mj->has_answer = 1;
		bx_answer_init(&mj->ans);
		if (read_times(j, i, mj, why, whysz) < 0)
			return -1;
		if (read_result(json_array_get(anns, i), i, 0, ds, im, &mj->ans, why, whysz) < 0)
			return -1;
	}
	/* A task nobody annotated: its first prediction, as suggestions (a
	 * model's output, not an answer); beside an annotation, predictions
	 * cannot be kept (an import gives an image one answer). */
	j = json_object_get(t, "predictions");
	for (i = 0; json_is_array(j) && i < json_array_size(j); i++) {
		if (ann == NULL && json_is_object(json_array_get(j, i))) {
			ann = json_array_get(j, i);
			at = i;
			pred = 1;
			continue;
		}
		bx_dataset_loss(ds, pred ? "Label Studio predictions dropped: only a task's first "
		    "prediction is read" : "Label Studio predictions dropped: the task has an "
		    "annotation, which is read instead");
	}
	/* A task nobody annotated has no answer: not "nothing here". */
	if (ann == NULL)
		return 0;
	im->has_answer = 1;
	return read_result(ann, at, pred, ds, im, &im->ans, why, whysz);
}

int
bx_ls_read(const char *text, const char *name, struct bx_dataset *out, struct bx_err *err)
{
	json_t *root, *t, *data, *img, *id;
	struct bx_ds_image *im;
	char why[600], *path;
	size_t i;

	if ((root = bx_json_load(text, name, err)) == NULL)
		return BX_EINVAL;
	if (!json_is_array(root)) {
		json_decref(root);
		return bx_err_set(err, BX_EINVAL, "%s: a Label Studio export is a JSON array of "
		    "tasks", name);
	}
	for (i = 0; i < json_array_size(root); i++) {
		t = json_array_get(root, i);
		data = json_object_get(t, "data");
		img = json_object_get(data, "image");
		if (!json_is_object(t) || !json_is_string(img) || json_string_value(img)[0] == '\0') {
			bx_dataset_error(out, "%s: tasks[%zu].data.image: expected the image path",
			    name, i);
			continue;
		}
		id = json_object_get(t, "id");
		path = image_path(json_string_value(img));
		im = bx_dataset_add(out, json_is_integer(id) ? json_integer_value(id) : 0, path, 0, 0);
		free(path);
		im->line = (int)i + 1;
		if (read_task(t, out, im, why, sizeof why) < 0) {
			bx_dataset_error(out, "%s: tasks[%zu]%s", name, i, why);
			im->failed = 1;
		}
	}
	json_decref(root);
	return 0;
}
