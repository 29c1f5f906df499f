/* fmt-cvat.c: CVAT for images 1.1 XML <-> struct bx_dataset. One file:
 * <annotations><version>1.1</version><meta> (the task's labels and their
 * attributes), then one <image id name width height> per image with its
 * objects. Which element a kind is, and its coordinates, is the kind's
 * (struct bx_cvat_map in its descriptor, boxel/fmt-cvat-map.h); this file
 * writes what every element shares (label, source, occluded, z_order,
 * <attribute> children), the meta, and reads the tree xml.c builds. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "boxel/formats.h"
#include "boxel/fmt-cvat-map.h"
#include "boxel/geom.h"
#include "boxel/taxonomy.h"
#include "boxel/util.h"
#include "boxel/xml.h"

/* ---- writing ---- */

/* Into an attribute value or text (boxel/xml.h); a control character
 * XML cannot carry makes the export fail (*bad set). */
static void
put_esc(struct bx_buf *b, const char *s, int *bad)
{
	if (bx_xml_put(b, s) < 0)
		*bad = 1;
}

static void
indent_to(struct bx_buf *b, int indent)
{
	while (indent-- > 0)
		bx_buf_puts(b, "  ");
}

void
bx_cvat_open(const struct bx_cvat_out *o, int indent, const char *element, const char *label,
             int shape, int group)
{
	indent_to(o->b, indent);
	bx_buf_printf(o->b, "<%s label=\"", element);
	put_esc(o->b, label ? label : "", o->bad);
	bx_buf_puts(o->b, "\" source=\"manual\"");
	if (shape)
		bx_buf_puts(o->b, " occluded=\"0\"");
	if (group > 0)
		bx_buf_printf(o->b, " group_id=\"%d\"", group);
}

void
bx_cvat_num(const struct bx_cvat_out *o, const char *name, double v)
{
	/* "-0.00" would not read back as what it was written from */
	if (fabs(v) < 0.005)
		v = 0;
	bx_buf_printf_c(o->b, " %s=\"%.2f\"", name, v);
}

void
bx_cvat_points(const struct bx_cvat_out *o, const struct bx_pt *p, int n)
{
	int i;

	bx_buf_puts(o->b, " points=\"");
	for (i = 0; i < n; i++)
		bx_buf_printf_c(o->b, "%s%.2f,%.2f", i ? ";" : "", fabs(p[i].x) < 0.005 ? 0 : p[i].x,
		    fabs(p[i].y) < 0.005 ? 0 : p[i].y);
	bx_buf_putc(o->b, '"');
}

void
bx_cvat_attr_put(const struct bx_cvat_out *o, const char *name, const char *value)
{
	bx_buf_printf(o->b, " %s=\"", name);
	put_esc(o->b, value, o->bad);
	bx_buf_putc(o->b, '"');
}

/* An attribute's value as CVAT's text: booleans "true"/"false" (its
 * checkbox), a multi-choice set comma-separated. */
static void
put_value(struct bx_buf *b, const struct bx_value *v, int *bad)
{
	struct bx_buf t;

	bx_buf_init(&t);
	bx_value_put_text(&t, v);
	put_esc(b, t.p ? t.p : "", bad);
	bx_buf_free(&t);
}

void
bx_cvat_body(const struct bx_cvat_out *o, const struct bx_annot *an, int shape)
{
	int i;

	if (shape)
		bx_buf_puts(o->b, " z_order=\"0\"");
	bx_buf_puts(o->b, ">\n");
	for (i = 0; i < an->attrs.n; i++) {
		bx_buf_puts(o->b, "      <attribute name=\"");
		put_esc(o->b, an->attrs.a[i].key, o->bad);
		bx_buf_puts(o->b, "\">");
		put_value(o->b, &an->attrs.a[i].v, o->bad);
		bx_buf_puts(o->b, "</attribute>\n");
	}
}

void
bx_cvat_end(const struct bx_cvat_out *o, int indent, const char *element)
{
	indent_to(o->b, indent);
	bx_buf_printf(o->b, "</%s>\n", element);
}

void
bx_cvat_write_nums(const struct bx_cvat_out *o, const char *element, const struct bx_annot *an,
                   const char *const *names, const double *v, int n, double rotation)
{
	int i;

	bx_cvat_open(o, 2, element, an->cls, 1, 0);
	for (i = 0; i < n; i++)
		bx_cvat_num(o, names[i], v[i]);
	bx_cvat_rotation(o, rotation);
	bx_cvat_body(o, an, 1);
	bx_cvat_end(o, 2, element);
}

void
bx_cvat_write_points(const struct bx_cvat_out *o, const char *element, const struct bx_annot *an,
                     int group)
{
	bx_cvat_open(o, 2, element, an->cls, 1, group);
	bx_cvat_points(o, an->pts, an->npts);
	bx_cvat_body(o, an, 1);
	bx_cvat_end(o, 2, element);
}

void
bx_cvat_rotation(const struct bx_cvat_out *o, double deg)
{
	if (bx_cvat_angle_out(deg) != 0)
		bx_cvat_num(o, "rotation", bx_cvat_angle_out(deg));
}

double
bx_cvat_angle_out(double deg)
{
	double a = fmod(deg, 360);

	if (a < 0)
		a += 360;
	return a >= 359.995 ? 0 : a;
}

double
bx_cvat_angle_in(double deg)
{
	double a = fmod(deg, 360);

	if (a > 180)
		a -= 360;
	else if (a <= -180)
		a += 360;
	return a;
}

/* CVAT's input types: a choice is a select of its options, a boolean a
 * checkbox, a number a number with "min\nmax\nstep" (unbounded ends as
 * +-1e6, step 1 as CVAT's default; a fraction is kept, CVAT's editor
 * rounds to the step), text and multi-choice (no CVAT form: its options
 * comma-separated) text. */
static void
put_attr_spec(struct bx_buf *b, const struct bx_attr_spec *s, int *bad)
{
	const char *type;
	int i;

	switch (s->type) {
	case BX_ATTR_CHOICE: type = "select"; break;
	case BX_ATTR_BOOL: type = "checkbox"; break;
	case BX_ATTR_NUMBER: type = "number"; break;
	default: type = "text"; break;
	}
	bx_buf_puts(b, "            <attribute>\n              <name>");
	put_esc(b, s->name, bad);
	bx_buf_printf(b, "</name>\n              <mutable>False</mutable>\n              "
	    "<input_type>%s</input_type>\n              <default_value>", type);
	if (s->def.type != BX_VAL_NONE)
		put_value(b, &s->def, bad);
	else if (s->type == BX_ATTR_CHOICE && s->noptions > 0)
		put_esc(b, s->options[0], bad);
	else if (s->type == BX_ATTR_BOOL)
		bx_buf_puts(b, "false");
	else if (s->type == BX_ATTR_NUMBER)
		bx_buf_printf_c(b, "%.15g", isfinite(s->min) ? s->min : 0);
	bx_buf_puts(b, "</default_value>\n              <values>");
	if (s->type == BX_ATTR_CHOICE || s->type == BX_ATTR_MULTI)
		for (i = 0; i < s->noptions; i++) {
			if (i)
				bx_buf_puts(b, "\n");
			put_esc(b, s->options[i], bad);
		}
	else if (s->type == BX_ATTR_BOOL)
		bx_buf_puts(b, "false\ntrue");
	else if (s->type == BX_ATTR_NUMBER)
		bx_buf_printf_c(b, "%.15g\n%.15g\n1", isfinite(s->min) ? s->min : -1e6,
		    isfinite(s->max) ? s->max : 1e6);
	bx_buf_puts(b, "</values>\n            </attribute>\n");
}

static void
put_label(struct bx_buf *b, const char *name, const char *type, const char *parent,
          const struct bx_class *c, int *bad)
{
	int i;

	bx_buf_puts(b, "        <label>\n          <name>");
	put_esc(b, name, bad);
	bx_buf_printf(b, "</name>\n          <type>%s</type>\n", type);
	if (parent != NULL) {
		bx_buf_puts(b, "          <parent>");
		put_esc(b, parent, bad);
		bx_buf_puts(b, "</parent>\n");
	}
	/* a skeleton's drawing, as CVAT keeps it: its edges between the
	 * numbered points (1-based), which readers take its edges from */
	if (c != NULL && c->nkpts > 0) {
		struct bx_buf svg;

		bx_buf_init(&svg);
		for (i = 0; i < c->nedges; i++)
			bx_buf_printf(&svg, "<line x1=\"0\" y1=\"0\" x2=\"0\" y2=\"0\" data-type=\"edge\" "
			    "data-node-from=\"%d\" data-node-to=\"%d\"></line>", c->edges[2 * i] + 1,
			    c->edges[2 * i + 1] + 1);
		for (i = 0; i < c->nkpts; i++)
			bx_buf_printf(&svg, "<circle r=\"0.75\" cx=\"0\" cy=\"0\" data-type=\"element "
			    "node\" data-element-id=\"%d\" data-node-id=\"%d\" data-label-name=\"%s\">"
			    "</circle>", i + 1, i + 1, c->kpt_names[i]);
		bx_buf_puts(b, "          <svg>");
		put_esc(b, svg.p ? svg.p : "", bad);
		bx_buf_puts(b, "</svg>\n");
		bx_buf_free(&svg);
	}
	bx_buf_puts(b, "          <attributes>\n");
	for (i = 0; c != NULL && i < c->nattrs; i++)
		put_attr_spec(b, &c->attrs[i], bad);
	bx_buf_puts(b, "          </attributes>\n        </label>\n");
}

static void
put_meta(const struct bx_dataset *ds, struct bx_buf *b, int *bad)
{
	const struct bx_class *c;
	int i, k;

	bx_buf_printf(b, "  <meta>\n    <task>\n      <name>boxel</name>\n      <size>%d</size>\n"
	    "      <mode>annotation</mode>\n      <labels>\n", ds->n);
	for (i = 0; i < ds->nclasses; i++) {
		c = ds->tax != NULL ? bx_taxonomy_class(ds->tax, ds->classes[i]) : NULL;
		put_label(b, ds->classes[i], c != NULL && c->nkpts > 0 ? "skeleton" : "any", NULL, c,
		    bad);
		for (k = 0; c != NULL && k < c->nkpts; k++)
			put_label(b, c->kpt_names[k], "points", c->name, NULL, bad);
	}
	bx_buf_puts(b, "      </labels>\n    </task>\n  </meta>\n");
}

int
bx_cvat_write(const struct bx_dataset *ds, struct bx_buf *b, struct bx_err *err)
{
	const struct bx_geom_kind *k;
	struct bx_cvat_out o;
	int i, a, group = 1, bad = 0;

	memset(&o, 0, sizeof o);
	o.b = b;
	o.next_group = &group;
	o.bad = &bad;
	bx_buf_puts(b, "<?xml version=\"1.0\" encoding=\"utf-8\"?>\n<annotations>\n"
	    "  <version>1.1</version>\n");
	put_meta(ds, b, &bad);
	if (bad)
		return bx_err_set(err, BX_EINVAL, "a class or attribute name has a control "
		    "character, which XML cannot carry: nothing written");
	for (i = 0; i < ds->n; i++) {
		const struct bx_ds_image *im = &ds->img[i];

		bx_buf_printf(b, "  <image id=\"%d\"", i);
		bx_cvat_attr_put(&o, "name", im->file_name ? im->file_name : "");
		bx_buf_printf(b, " width=\"%d\" height=\"%d\">\n", im->width, im->height);
		for (a = 0; a < im->ans.n; a++) {
			const struct bx_annot *an = &im->ans.a[a];

			if (bx_dataset_class_index(ds, an->cls) < 0)
				continue;  /* a class the taxonomy no longer has */
			k = bx_geom_kind(an->geom);
			if (k == NULL || k->cvat == NULL)
				continue;  /* the export left these out, with a line */
			o.cls = ds->tax != NULL ? bx_taxonomy_class(ds->tax, an->cls) : NULL;
			if (k->cvat->write != NULL)
				k->cvat->write(&o, an);
			else
				bx_cvat_write_points(&o, k->cvat->element, an, 0);
		}
		bx_buf_puts(b, "  </image>\n");
		if (bad)
			return bx_err_set(err, BX_EINVAL, "task %lld (%s): a value has a control "
			    "character, which XML cannot carry: nothing written", (long long)im->id,
			    im->file_name ? im->file_name : "");
	}
	bx_buf_puts(b, "</annotations>\n");
	return 0;
}

/* ---- reading ---- */

static int
parse_num(const char *s, double *out)
{
	char *end;

	while (*s == ' ')
		s++;
	*out = bx_strtod_c(s, &end);
	while (*end == ' ')
		end++;
	return end != s && *end == '\0' && isfinite(*out) ? 0 : -1;
}

int
bx_cvat_get_num(const struct bx_xml_node *e, const char *name, double *out, char *why,
                size_t n)
{
	const char *v = bx_xml_attr(e, name);

	if (v == NULL)
		return snprintf(why, n, "no %s", name), -1;
	if (parse_num(v, out) < 0)
		return snprintf(why, n, "%s=\"%.40s\" is not a number", name, v), -1;
	return 0;
}

int
bx_cvat_get_points(const struct bx_xml_node *e, struct bx_pt **pts, int *npts, char *why,
                   size_t n)
{
	const char *v = bx_xml_attr(e, "points");
	char *copy, *pair, *save = NULL, *comma;
	int k = 0, rc = 0;

	*pts = NULL;
	*npts = 0;
	if (v == NULL)
		return snprintf(why, n, "no points"), -1;
	copy = bx_strdup(v);
	for (pair = strtok_r(copy, ";", &save); pair != NULL && rc == 0;
	    pair = strtok_r(NULL, ";", &save)) {
		*pts = bx_realloc(*pts, sizeof **pts * (size_t)(k + 1));
		comma = strchr(pair, ',');
		if (comma != NULL)
			*comma = '\0';
		if (comma == NULL || parse_num(pair, &(*pts)[k].x) < 0 ||
		    parse_num(comma + 1, &(*pts)[k].y) < 0)
			rc = -1;
		k++;
	}
	if (rc < 0 || k == 0) {
		snprintf(why, n, "points=\"%.40s\": expected x,y;x,y;...", v);
		free(*pts);
		*pts = NULL;
		k = 0;
		rc = -1;
	}
	free(copy);
	*npts = k;
	return rc;
}

int
bx_cvat_read_points(const struct bx_xml_node *e, struct bx_annot *an, enum bx_geom g, int min,
                    int max, char *why, size_t n)
{
	struct bx_pt *p;
	int np;

	if (bx_cvat_get_points(e, &p, &np, why, n) < 0)
		return -1;
	if (np < min || (max > 0 && np > max)) {
		free(p);
		if (max == min)
			snprintf(why, n, "<%s> of %d points: %s %s has exactly %d", e->name, np,
			    bx_geom_article(g), bx_geom_name(g), min);
		else
			snprintf(why, n, "<%s> of %d points: %s %s has at least %d", e->name, np,
			    bx_geom_article(g), bx_geom_name(g), min);
		return 0;
	}
	an->geom = g;
	an->pts = p;
	an->npts = np;
	return 1;
}

/* ---- reading: images and objects ---- */

struct reader {
	const char *name;
	struct bx_dataset *out;
	struct bx_ds_image *im;
	int *group;   /* per object of im: its group_id (0: none) */
	int ngroup;
};

/* <attribute name="k">text</attribute> children: values as text; the
 * importer converts them with the taxonomy's types. */
static int
read_attrs(const struct bx_xml_node *e, struct bx_attrs *out, char *why, size_t n)
{
	struct bx_value v;
	const char *k;
	int i;

	for (i = 0; i < e->nkids; i++) {
		if (strcmp(e->kids[i]->name, "attribute") != 0)
			continue;
		k = bx_xml_attr(e->kids[i], "name");
		if (k == NULL || k[0] == '\0')
			return snprintf(why, n, "line %d: <attribute> without a name", e->kids[i]->line),
			    -1;
		memset(&v, 0, sizeof v);
		v.type = BX_VAL_STR;
		v.str = e->kids[i]->text.p ? e->kids[i]->text.p : "";
		bx_attrs_set(out, k, &v);
	}
	return 0;
}

/* Offer e to the kinds whose map names it, in table order: those the
 * class draws (drawn 1) or the others (0; without a class, all in the
 * first). 1 taken into an, 0 all declined, -1 bad (why). */
static int
offer(const struct bx_xml_node *e, const struct bx_class *cls, int drawn, struct bx_annot *an,
      int *named, char *why, size_t n)
{
	const struct bx_geom_kind *k;
	char *label = an->cls;
	int i, rc;

	for (i = 0; (k = bx_geom_at(i)) != NULL; i++) {
		if (k->cvat == NULL || strcmp(k->cvat->element, e->name) != 0 ||
		    (cls != NULL && ((cls->geoms & (int)k->id) != 0) != drawn))
			continue;
		*named = 1;
		if (k->cvat->read == NULL && k->cvat->grouped)
			continue;
		memset(an, 0, sizeof *an);
		an->cls = label;
		if (k->cvat->read != NULL)
			rc = k->cvat->read(e, cls, an, why, n);
		else
			rc = bx_cvat_read_points(e, an, k->id, k->form == BX_FORM_POINT ? 1 : k->min_pts,
			    k->form == BX_FORM_POINT ? 1 : k->max_pts, why, n);
		if (rc > 0)
			return 1;
		an->cls = NULL;
		bx_annot_free(an);
		an->cls = label;
		if (rc < 0)
			return -1;
	}
	return 0;
}

/* One object element of an image: the first kind that takes it, of those
 * its class draws, then of the others (for the importer's conversions,
 * as a box to a rotated box): a 2-point <polyline> of a class of another
 * 2-point kind is that kind's. 0, or -1 with why. */
static int
read_object(struct reader *r, const struct bx_xml_node *e, char *why, size_t n)
{
	const struct bx_class *cls;
	struct bx_annot an;
	const char *label = bx_xml_attr(e, "label"), *g;
	double group = 0;
	int i, rc, named = 0;

	if (label == NULL || label[0] == '\0')
		return snprintf(why, n, "<%s> without a label", e->name), -1;
	cls = r->out->tax != NULL ? bx_taxonomy_class(r->out->tax, label) : NULL;
	why[0] = '\0';
	memset(&an, 0, sizeof an);
	an.cls = (char *)label;
	rc = offer(e, cls, 1, &an, &named, why, n);
	if (rc == 0 && cls != NULL)
		rc = offer(e, cls, 0, &an, &named, why, n);
	if (!named)
		return -2;   /* no kind is this element */
	if (rc <= 0)
		return -1;
	if (read_attrs(e, &an.attrs, why, n) < 0) {
		an.cls = NULL;
		bx_annot_free(&an);
		return -1;
	}
	/* CVAT's occluded flag: kept as the attribute "occluded" when the
	 * class has one (and the element did not give it), else a loss */
	if ((g = bx_xml_attr(e, "occluded")) != NULL && strcmp(g, "1") == 0 &&
	    bx_attrs_get(&an.attrs, "occluded") == NULL) {
		struct bx_value v = { .type = BX_VAL_STR, .str = "true" };

		for (i = 0; cls != NULL && i < cls->nattrs; i++)
			if (strcmp(cls->attrs[i].name, "occluded") == 0)
				break;
		if (cls != NULL && i < cls->nattrs)
			bx_attrs_set(&an.attrs, "occluded", &v);
		else
			bx_dataset_loss(r->out, "CVAT occluded flags dropped: the object's class has no "
			    "'occluded' attribute");
	}
	if ((g = bx_xml_attr(e, "group_id")) != NULL && (parse_num(g, &group) < 0 || group < 0 ||
	    group != floor(group) || group > 1e9)) {
		an.cls = NULL;
		bx_annot_free(&an);
		return snprintf(why, n, "group_id=\"%.20s\" is not a whole number", g), -1;
	}
	bx_answer_add(&r->im->ans, &an);
	an.cls = NULL;
	bx_annot_free(&an);
	r->group = bx_realloc(r->group, sizeof *r->group * (size_t)r->im->ans.n);
	r->group[r->im->ans.n - 1] = (int)group;
	return 0;
}

/* The kind, of those written as a group, whose element e's kind's is, and
 * that the class may draw (or NULL). */
static const struct bx_geom_kind *
grouped_kind(const struct reader *r, const struct bx_annot *an)
{
	const struct bx_geom_kind *k, *of = bx_geom_kind(an->geom);
	const struct bx_class *c;
	int i;

	for (i = 0; of != NULL && of->cvat != NULL && (k = bx_geom_at(i)) != NULL; i++) {
		if (k->cvat == NULL || !k->cvat->grouped || k->form != BX_FORM_RINGS ||
		    strcmp(k->cvat->element, of->cvat->element) != 0)
			continue;
		c = r->out->tax != NULL ? bx_taxonomy_class(r->out->tax, an->cls) : NULL;
		if (r->out->tax == NULL || (c != NULL && (c->geoms & (int)k->id)))
			return k;
	}
	return NULL;
}

/* Objects of one group_id, one label and one kind whose element a grouped
 * kind shares (polygons) become one object of that kind: their rings. */
static void
join_groups(struct reader *r)
{
	struct bx_answer *ans = &r->im->ans;
	const struct bx_geom_kind *gk;
	struct bx_annot *first;
	enum bx_geom of;
	int i, j, m;

	for (i = 0; i < ans->n; i++) {
		if (r->group[i] == 0 || (gk = grouped_kind(r, &ans->a[i])) == NULL)
			continue;
		first = &ans->a[i];
		of = first->geom;
		for (m = 0, j = i + 1; j < ans->n; j++)
			m += r->group[j] == r->group[i] && ans->a[j].geom == of &&
			    strcmp(ans->a[j].cls, first->cls) == 0;
		if (m == 0)
			continue;
		first->geom = gk->id;
		first->ring_end = bx_malloc(sizeof *first->ring_end * (size_t)(m + 1));
		first->ring_end[0] = first->npts;
		first->nrings = 1;
		for (j = i + 1; j < ans->n; j++) {
			struct bx_annot *an = &ans->a[j];

			if (r->group[j] != r->group[i] || an->geom != of ||
			    strcmp(an->cls, first->cls) != 0)
				continue;
			first->pts = bx_realloc(first->pts, sizeof *first->pts *
			    (size_t)(first->npts + an->npts));
			memcpy(first->pts + first->npts, an->pts, sizeof *an->pts * (size_t)an->npts);
			first->npts += an->npts;
			first->ring_end[first->nrings++] = first->npts;
			bx_answer_remove(ans, j);
			memmove(r->group + j, r->group + j + 1, sizeof *r->group * (size_t)(ans->n - j));
			first = &ans->a[i];
			j--;
		}
	}
}

static void
read_image(struct reader *r, const struct bx_xml_node *e)
{
	const char *name = bx_xml_attr(e, "name");
	double w = 0, h = 0;
	char why[300];
	int i, rc;

	if (name == NULL || name[0] == '\0') {
		bx_dataset_error(r->out, "%s:%d: <image> without a name", r->name, e->line);
		return;
	}
	if ((bx_xml_attr(e, "width") != NULL && (bx_cvat_get_num(e, "width", &w, why,
	    sizeof why) < 0 || w < 1 || w != floor(w) || w > 1000000)) ||
	    (bx_xml_attr(e, "height") != NULL && (bx_cvat_get_num(e, "height", &h, why,
	    sizeof why) < 0 || h < 1 || h != floor(h) || h > 1000000))) {
		bx_dataset_error(r->out, "%s:%d: image %s: width and height must be whole numbers "
		    "of pixels, 1 to 1000000", r->name, e->line, name);
		return;
	}
	r->im = bx_dataset_add(r->out, 0, name, (int)w, (int)h);
	r->im->has_answer = 1;
	r->im->line = e->line;
	for (i = 0; i < e->nkids && !r->im->failed; i++) {
		const struct bx_xml_node *o = e->kids[i];

		rc = read_object(r, o, why, sizeof why);
		if (rc == -2 && strcmp(o->name, "mask") == 0) {
			bx_dataset_loss(r->out, "CVAT <mask> objects dropped: boxel does not read "
			    "CVAT's RLE masks (export them as polygons)");
			continue;
		}
		if (rc == -2)
			snprintf(why, sizeof why, "<%.40s> is not a CVAT object boxel reads", o->name);
		if (rc < 0) {
			bx_dataset_error(r->out, "%s:%d: image %s: %s", r->name, o->line, name, why);
			r->im->failed = 1;
		}
	}
	if (!r->im->failed)
		join_groups(r);
	free(r->group);
	r->group = NULL;
}

int
bx_cvat_read(const char *text, const char *name, struct bx_dataset *out, struct bx_err *err)
{
	struct reader r;
	struct bx_xml_node *root;
	const struct bx_xml_node *e;
	char msg[300];
	int i, rc = 0;

	msg[0] = '\0';
	root = bx_xml_parse(text, msg, sizeof msg);
	if (root == NULL)
		return bx_err_set(err, BX_EINVAL, "%s:%s", name, msg);
	if (strcmp(root->name, "annotations") != 0)
		rc = bx_err_set(err, BX_EINVAL, "%s:%d: expected <annotations> (CVAT for images), "
		    "got <%.40s>", name, root->line, root->name);
	memset(&r, 0, sizeof r);
	r.name = name;
	r.out = out;
	for (i = 0; rc == 0 && i < root->nkids; i++) {
		e = root->kids[i];
		if (strcmp(e->name, "image") == 0)
			read_image(&r, e);
		else if (strcmp(e->name, "track") == 0)
			bx_dataset_error(out, "%s:%d: <track>: CVAT for video's tracks are not read "
			    "(export the task as CVAT for images)", name, e->line);
	}
	bx_xml_free(root);
	return rc;
}
