/* fmt-voc.c: Pascal VOC XML (one file per image) <-> struct bx_dataset.
 * VOC counts pixels from 1, inclusive at both ends: a box x, y, w, h in
 * boxel's pixels (origin top-left, edges between pixels) is written as
 * xmin = round(x) + 1, xmax = round(x + w), and read back as x = xmin - 1,
 * w = xmax - xmin + 1. The XML is xml.c's tree (expat); XML attributes
 * and namespaces are ignored. Which kinds VOC holds, and as which box, the
 * kinds' maps say (boxel/fmt-voc-map.h): this file names no kind. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "boxel/fmt-voc-map.h"
#include "boxel/formats.h"
#include "boxel/geom.h"
#include "boxel/util.h"
#include "boxel/xml.h"

/* ---- writing ---- */

/* Text escaped (boxel/xml.h); a character XML cannot carry is left out
 * and *bad set (the export leaves such values out before writing). */
static void
put_xml_text(struct bx_buf *b, const char *s, int *bad)
{
	if (bx_xml_put(b, s) < 0)
		*bad = 1;
}

/* Attribute values as text: numbers as in JSON, lists comma-separated. */
static void
put_value_text(struct bx_buf *b, const struct bx_value *v, int *bad)
{
	struct bx_buf t;

	bx_buf_init(&t);
	bx_value_put_text(&t, v);
	put_xml_text(b, t.p ? t.p : "", bad);
	bx_buf_free(&t);
}

static int
is_flag(const char *key, int object)
{
	return object && (strcmp(key, "pose") == 0 || strcmp(key, "truncated") == 0 ||
	    strcmp(key, "difficult") == 0 || strcmp(key, "occluded") == 0);
}

/* <attributes> of an object leaves out what VOC's own elements carry. */
static void
put_attrs(struct bx_buf *b, const struct bx_attrs *as, const char *indent, int object,
          int *bad)
{
	int i, n = 0;

	for (i = 0; i < as->n; i++)
		n += !is_flag(as->a[i].key, object);
	if (n == 0)
		return;
	bx_buf_printf(b, "%s<attributes>\n", indent);
	for (i = 0; i < as->n; i++) {
		if (is_flag(as->a[i].key, object))
			continue;
		bx_buf_printf(b, "%s\t<attribute><name>", indent);
		put_xml_text(b, as->a[i].key, bad);
		bx_buf_puts(b, "</name><value>");
		put_value_text(b, &as->a[i].v, bad);
		bx_buf_puts(b, "</value></attribute>\n");
	}
	bx_buf_printf(b, "%s</attributes>\n", indent);
}

static long
voc_round(double v)
{
	return lround(v);
}

static int
flag_on(const struct bx_attrs *as, const char *key)
{
	const struct bx_value *v = bx_attrs_get(as, key);

	return v != NULL && ((v->type == BX_VAL_BOOL && v->b) ||
	    (v->type == BX_VAL_NUM && v->num != 0) ||
	    (v->type == BX_VAL_STR && v->str && (strcmp(v->str, "1") == 0 ||
	    strcmp(v->str, "true") == 0)));
}

int
bx_voc_write(const struct bx_ds_image *im, struct bx_buf *b)
{
	const struct bx_value *v;
	const char *base;
	double x, y, w, h;
	int i, bad = 0;

	base = im->file_name ? strrchr(im->file_name, '/') : NULL;
	base = base ? base + 1 : im->file_name ? im->file_name : "";
	bx_buf_puts(b, "<annotation>\n\t<filename>");
	put_xml_text(b, base, &bad);
	bx_buf_puts(b, "</filename>\n\t<path>");
	put_xml_text(b, im->file_name ? im->file_name : "", &bad);
	bx_buf_puts(b, "</path>\n\t<source><database>boxel</database></source>\n");
	bx_buf_printf(b, "\t<size><width>%d</width><height>%d</height><depth>3</depth></size>\n"
	    "\t<segmented>0</segmented>\n", im->width, im->height);
	put_attrs(b, &im->ans.global, "\t", 0, &bad);
	for (i = 0; i < im->ans.n; i++) {
		const struct bx_annot *an = &im->ans.a[i];
		const struct bx_geom_kind *k = bx_geom_kind(an->geom);

		if (k == NULL || k->voc == NULL)
			continue;  /* points and image classes have no VOC form */
		k->voc->bndbox(an, &x, &y, &w, &h);
		bx_buf_puts(b, "\t<object>\n\t\t<name>");
		put_xml_text(b, an->cls ? an->cls : "", &bad);
		bx_buf_puts(b, "</name>\n\t\t<pose>");
		v = bx_attrs_get(&an->attrs, "pose");
		put_xml_text(b, v != NULL && v->type == BX_VAL_STR && v->str && v->str[0] ? v->str :
		    "Unspecified", &bad);
		bx_buf_printf(b, "</pose>\n\t\t<truncated>%d</truncated>\n\t\t<difficult>%d"
		    "</difficult>\n", flag_on(&an->attrs, "truncated"), flag_on(&an->attrs, "difficult"));
		/* VOC2007 has no <occluded>; written only when the answer says */
		if (bx_attrs_get(&an->attrs, "occluded") != NULL)
			bx_buf_printf(b, "\t\t<occluded>%d</occluded>\n", flag_on(&an->attrs,
			    "occluded"));
		bx_buf_printf(b, "\t\t<bndbox><xmin>%ld</xmin><ymin>%ld</ymin><xmax>%ld</xmax>"
		    "<ymax>%ld</ymax></bndbox>\n", voc_round(x) + 1, voc_round(y) + 1,
		    voc_round(x + w), voc_round(y + h));
		put_attrs(b, &an->attrs, "\t\t", 1, &bad);
		bx_buf_puts(b, "\t</object>\n");
	}
	bx_buf_puts(b, "</annotation>\n");
	return bad ? -1 : 0;
}

/* ---- reading (the tree: boxel/xml.h) ---- */

static const struct bx_xml_node *
xchild(const struct bx_xml_node *n, const char *name)
{
	int i;

	for (i = 0; n != NULL && i < n->nkids; i++)
		if (strcmp(n->kids[i]->name, name) == 0)
			return n->kids[i];
	return NULL;
}

static char *
xtrim(const struct bx_xml_node *n)
{
	const char *p = n && n->text.p ? n->text.p : "";
	size_t len;

	while (*p == ' ' || *p == '\t' || *p == '\n' || *p == '\r')
		p++;
	len = strlen(p);
	while (len > 0 && strchr(" \t\r\n", p[len - 1]))
		len--;
	return bx_strndup(p, len);
}

static int
xnum(const struct bx_xml_node *n, double *out)
{
	char *t = xtrim(n), *end;
	int rc;

	*out = bx_strtod_c(t, &end);
	rc = t[0] != '\0' && *end == '\0' && isfinite(*out) ? 0 : -1;
	free(t);
	return rc;
}

/* <attributes><attribute><name/><value/></attribute>...: values as text;
 * the importer converts them with the taxonomy's types. */
static int
read_attrs(const struct bx_xml_node *n, struct bx_attrs *out, const char *name, char *err,
           size_t errsz)
{
	struct bx_value v;
	char *k;
	int i;

	for (i = 0; n != NULL && i < n->nkids; i++) {
		const struct bx_xml_node *a = n->kids[i];
		if (strcmp(a->name, "attribute") != 0)
			continue;
		k = xtrim(xchild(a, "name"));
		if (k[0] == '\0') {
			snprintf(err, errsz, "%s:%d: attribute without a <name>", name, a->line);
			free(k);
			return -1;
		}
		memset(&v, 0, sizeof v);
		v.type = BX_VAL_STR;
		v.str = xtrim(xchild(a, "value"));
		bx_attrs_set(out, k, &v);
		free(v.str);
		free(k);
	}
	return 0;
}

/* "C:\dir\a.jpg", "C:/dir/a.jpg" or "\\server\share\a.jpg" */
static int
windows_path(const char *p)
{
	return (((p[0] >= 'A' && p[0] <= 'Z') || (p[0] >= 'a' && p[0] <= 'z')) && p[1] == ':' &&
	    (p[2] == '\\' || p[2] == '/')) || strchr(p, '\\') != NULL;
}

/* VOC's own object flags, kept as attributes "voc:pose" ... for the
 * importer, which keeps those the taxonomy has. Their defaults (0,
 * "Unspecified") say nothing and are not kept. */
static const char *const voc_flags[] = { "pose", "truncated", "difficult", "occluded" };

static void
read_flags(const struct bx_xml_node *o, struct bx_attrs *out)
{
	struct bx_value v;
	char key[32];
	size_t k;

	for (k = 0; k < BX_ARRAY_LEN(voc_flags); k++) {
		char *t = xtrim(xchild(o, voc_flags[k]));

		if (t[0] == '\0' || strcmp(t, "0") == 0 || strcasecmp(t, "Unspecified") == 0) {
			free(t);
			continue;
		}
		snprintf(key, sizeof key, "voc:%s", voc_flags[k]);
		memset(&v, 0, sizeof v);
		v.type = BX_VAL_STR;
		v.str = t;
		bx_attrs_set(out, key, &v);
		free(t);
	}
}

/* Corners a pixel past the edge (xmin 0 read 1-based, xmax = width + 1)
 * come from tools counting from 0: clamped, and counted for the report.
 * Further out is an error the importer reports. */
static void
clamp_edge(struct bx_annot *an, double W, double H, int *nclamped)
{
	int c = 0;

	if (an->x < 0 && an->x >= -1) {
		an->w += an->x;
		an->x = 0;
		c = 1;
	}
	if (an->y < 0 && an->y >= -1) {
		an->h += an->y;
		an->y = 0;
		c = 1;
	}
	if (W > 0 && an->x + an->w > W && an->x + an->w <= W + 1) {
		an->w = W - an->x;
		c = 1;
	}
	if (H > 0 && an->y + an->h > H && an->y + an->h <= H + 1) {
		an->h = H - an->y;
		c = 1;
	}
	*nclamped += c;
}

/* The kind a <bndbox> is read as: the first in table order that reads
 * one. */
static const struct bx_geom_kind *
bndbox_kind(void)
{
	const struct bx_geom_kind *k;
	int g;

	for (g = 0; (k = bx_geom_at(g)) != NULL; g++)
		if (k->voc != NULL && k->voc->read != NULL)
			return k;
	abort();   /* the table has no such kind: a build without geom-box.c */
}

int
bx_voc_read(const char *text, const char *name, struct bx_dataset *out, struct bx_err *err)
{
	char msg[300];
	const struct bx_xml_node *size, *o, *bb;
	struct bx_xml_node *root;
	struct bx_ds_image *im;
	struct bx_annot an;
	double w = 0, h = 0, c[4];
	static const char *const cn[] = { "xmin", "ymin", "xmax", "ymax" };
	const struct bx_geom_kind *kind;
	char *path, *cls;
	int i, k, nobj = 0, rc = 0;

	msg[0] = '\0';
	root = bx_xml_parse(text, msg, sizeof msg);
	if (root == NULL)
		return bx_err_set(err, BX_EINVAL, "%s:%s", name, msg);
	if (strcmp(root->name, "annotation") != 0) {
		rc = bx_err_set(err, BX_EINVAL, "%s:%d: expected <annotation>, got <%.40s>", name,
		    root->line, root->name);
		goto out;
	}
	path = xtrim(xchild(root, "path"));
	if (path[0] == '\0' || windows_path(path)) {
		/* LabelImg on Windows writes C:\Users\...\a.jpg: <filename>
		 * is the name beneath the image root; without one, the path
		 * with '/' separators (the importer retries its suffixes). */
		char *fn = xtrim(xchild(root, "filename")), *q;

		if (fn[0] != '\0') {
			free(path);
			path = fn;
		} else {
			free(fn);
			for (q = path; *q; q++)
				if (*q == '\\')
					*q = '/';
			if (windows_path(path))
				memmove(path, path + 2, strlen(path + 2) + 1);
		}
	}
	if (path[0] == '\0') {
		free(path);
		rc = bx_err_set(err, BX_EINVAL, "%s:%d: no <filename> or <path>", name, root->line);
		goto out;
	}
	size = xchild(root, "size");
	if (size != NULL && (xnum(xchild(size, "width"), &w) != 0 ||
	    xnum(xchild(size, "height"), &h) != 0 || w < 1 || h < 1 || w != floor(w) ||
	    h != floor(h) || w > 1000000 || h > 1000000)) {
		free(path);
		rc = bx_err_set(err, BX_EINVAL, "%s:%d: <size>: width and height must be whole "
		    "numbers of pixels, 1 to 1000000", name, size->line);
		goto out;
	}
	im = bx_dataset_add(out, 0, path, (int)w, (int)h);
	free(path);
	im->has_answer = 1;
	im->line = root->line;
	if (read_attrs(xchild(root, "attributes"), &im->ans.global, name, msg, sizeof msg) < 0) {
		rc = bx_err_set(err, BX_EINVAL, "%s", msg);
		goto fail;
	}
	for (i = 0; i < root->nkids; i++) {
		o = root->kids[i];
		if (strcmp(o->name, "object") != 0)
			continue;
		nobj++;
		cls = xtrim(xchild(o, "name"));
		if (cls[0] == '\0') {
			free(cls);
			rc = bx_err_set(err, BX_EINVAL, "%s:%d: object %d: no <name>", name, o->line, nobj);
			goto fail;
		}
		bb = xchild(o, "bndbox");
		for (k = 0; k < 4; k++)
			if (bb == NULL || xnum(xchild(bb, cn[k]), &c[k]) != 0)
				break;
		if (k < 4) {
			free(cls);
			rc = bx_err_set(err, BX_EINVAL, "%s:%d: object %d: <bndbox> needs numeric "
			    "<%s>", name, bb ? bb->line : o->line, nobj, cn[k]);
			goto fail;
		}
		if (c[2] < c[0] - 1 || c[3] < c[1] - 1) {
			free(cls);
			rc = bx_err_set(err, BX_EINVAL, "%s:%d: object %d: xmax/ymax is before xmin/ymin",
			    name, bb->line, nobj);
			goto fail;
		}
		memset(&an, 0, sizeof an);
		an.cls = cls;
		an.x = c[0] - 1;
		an.y = c[1] - 1;
		an.w = c[2] - c[0] + 1;
		an.h = c[3] - c[1] + 1;
		clamp_edge(&an, w, h, &out->nclamped);
		kind = bndbox_kind();
		an.geom = kind->id;
		kind->voc->read(&an, an.x, an.y, an.w, an.h);
		read_flags(o, &an.attrs);
		if (read_attrs(xchild(o, "attributes"), &an.attrs, name, msg, sizeof msg) < 0) {
			bx_attrs_free(&an.attrs);
			free(an.pts);
			free(cls);
			rc = bx_err_set(err, BX_EINVAL, "%s", msg);
			goto fail;
		}
		bx_answer_add(&im->ans, &an);
		bx_attrs_free(&an.attrs);
		free(an.pts);
		free(cls);
		/* A part is a box that belongs to its object, and actions are
		 * VOC's action-task labels: boxel has neither, and says so. */
		for (k = 0; k < o->nkids; k++) {
			if (strcmp(o->kids[k]->name, "part") == 0)
				bx_dataset_loss(out, "VOC <part> boxes dropped: boxel has no parts of "
				    "objects");
			else if (strcmp(o->kids[k]->name, "actions") == 0)
				bx_dataset_loss(out, "VOC <actions> dropped: boxel has no action labels");
		}
	}
	goto out;
fail:
	out->n--;
	free(out->img[out->n].file_name);
	bx_answer_free(&out->img[out->n].ans);
out:
	bx_xml_free(root);
	return rc;
}
