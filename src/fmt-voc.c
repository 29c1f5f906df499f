/* fmt-voc.c: Pascal VOC XML (one file per image) <-> struct bx_dataset.
 * VOC counts pixels from 1, inclusive at both ends: a box x, y, w, h in
 * boxel's pixels (origin top-left, edges between pixels) is written as
 * xmin = round(x) + 1, xmax = round(x + w), and read back as x = xmin - 1,
 * w = xmax - xmin + 1. The XML reader is a small one for this subset:
 * elements, text, entities, comments; attributes and namespaces ignored. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "boxel/formats.h"
#include "boxel/util.h"

/* ---- writing ---- */

static void
put_xml_text(struct bx_buf *b, const char *s)
{
	for (; *s; s++) {
		switch (*s) {
		case '&': bx_buf_puts(b, "&amp;"); break;
		case '<': bx_buf_puts(b, "&lt;"); break;
		case '>': bx_buf_puts(b, "&gt;"); break;
		case '"': bx_buf_puts(b, "&quot;"); break;
		default:
			if ((unsigned char)*s < 0x20 && *s != '\t' && *s != '\n')
				bx_buf_printf(b, "&#%d;", *s); /* not allowed raw in XML 1.0 */
			else
				bx_buf_putc(b, *s);
		}
	}
}

/* Attribute values as text: numbers as in JSON, lists comma-separated. */
static void
put_value_text(struct bx_buf *b, const struct bx_value *v)
{
	struct bx_buf t;
	int i;

	bx_buf_init(&t);
	switch (v->type) {
	case BX_VAL_STR: bx_buf_puts(&t, v->str ? v->str : ""); break;
	case BX_VAL_NUM: bx_json_put_num(&t, v->num); break;
	case BX_VAL_BOOL: bx_buf_puts(&t, v->b ? "true" : "false"); break;
	case BX_VAL_LIST:
		for (i = 0; i < v->nlist; i++) {
			if (i)
				bx_buf_putc(&t, ',');
			bx_buf_puts(&t, v->list[i]);
		}
		break;
	case BX_VAL_NONE: break;
	}
	put_xml_text(b, t.p ? t.p : "");
	bx_buf_free(&t);
}

static void
put_attrs(struct bx_buf *b, const struct bx_attrs *as, const char *indent)
{
	int i;

	if (as->n == 0)
		return;
	bx_buf_printf(b, "%s<attributes>\n", indent);
	for (i = 0; i < as->n; i++) {
		bx_buf_printf(b, "%s\t<attribute><name>", indent);
		put_xml_text(b, as->a[i].key);
		bx_buf_puts(b, "</name><value>");
		put_value_text(b, &as->a[i].v);
		bx_buf_puts(b, "</value></attribute>\n");
	}
	bx_buf_printf(b, "%s</attributes>\n", indent);
}

static long
voc_round(double v)
{
	return lround(v);
}

void
bx_voc_write(const struct bx_ds_image *im, struct bx_buf *b)
{
	const char *base;
	double x, y, w, h;
	int i;

	base = im->file_name ? strrchr(im->file_name, '/') : NULL;
	base = base ? base + 1 : im->file_name ? im->file_name : "";
	bx_buf_puts(b, "<annotation>\n\t<filename>");
	put_xml_text(b, base);
	bx_buf_puts(b, "</filename>\n\t<path>");
	put_xml_text(b, im->file_name ? im->file_name : "");
	bx_buf_puts(b, "</path>\n\t<source><database>boxel</database></source>\n");
	bx_buf_printf(b, "\t<size><width>%d</width><height>%d</height><depth>3</depth></size>\n"
	    "\t<segmented>0</segmented>\n", im->width, im->height);
	put_attrs(b, &im->ans.global, "\t");
	for (i = 0; i < im->ans.n; i++) {
		const struct bx_annot *an = &im->ans.a[i];

		if (an->geom != BX_GEOM_BOX && an->geom != BX_GEOM_POLYGON)
			continue;  /* points and image classes have no VOC form */
		bx_annot_bounds(an, &x, &y, &w, &h);
		bx_buf_puts(b, "\t<object>\n\t\t<name>");
		put_xml_text(b, an->cls ? an->cls : "");
		bx_buf_puts(b, "</name>\n\t\t<pose>Unspecified</pose>\n\t\t<truncated>0</truncated>\n"
		    "\t\t<difficult>0</difficult>\n");
		bx_buf_printf(b, "\t\t<bndbox><xmin>%ld</xmin><ymin>%ld</ymin><xmax>%ld</xmax>"
		    "<ymax>%ld</ymax></bndbox>\n", voc_round(x) + 1, voc_round(y) + 1,
		    voc_round(x + w), voc_round(y + h));
		put_attrs(b, &an->attrs, "\t\t");
		bx_buf_puts(b, "\t</object>\n");
	}
	bx_buf_puts(b, "</annotation>\n");
}

/* ---- a small XML tree ---- */

struct xnode {
	char *name;
	struct bx_buf text;
	struct xnode **kids;
	int nkids;
	int line;
};

struct xparse {
	const char *s;
	size_t i;
	int line;
	char err[200];
};

static void
xfree(struct xnode *n)
{
	int i;

	if (n == NULL)
		return;
	for (i = 0; i < n->nkids; i++)
		xfree(n->kids[i]);
	free(n->kids);
	free(n->name);
	bx_buf_free(&n->text);
	free(n);
}

static void
xadv(struct xparse *x, size_t k)
{
	while (k-- > 0 && x->s[x->i]) {
		if (x->s[x->i] == '\n')
			x->line++;
		x->i++;
	}
}

static int
xskip_to(struct xparse *x, const char *end)
{
	const char *p = strstr(x->s + x->i, end);

	if (p == NULL) {
		snprintf(x->err, sizeof x->err, "%d: unterminated markup (no \"%s\")", x->line, end);
		return -1;
	}
	xadv(x, (size_t)(p - (x->s + x->i)) + strlen(end));
	return 0;
}

static void
xentity(struct xparse *x, struct bx_buf *out)
{
	static const struct { const char *e, *c; } ents[] = {
		{ "&amp;", "&" }, { "&lt;", "<" }, { "&gt;", ">" }, { "&quot;", "\"" },
		{ "&apos;", "'" } };
	const char *p = x->s + x->i;
	char u8[4], *end;
	unsigned long cp;
	size_t k;

	for (k = 0; k < BX_ARRAY_LEN(ents); k++)
		if (strncmp(p, ents[k].e, strlen(ents[k].e)) == 0) {
			bx_buf_puts(out, ents[k].c);
			xadv(x, strlen(ents[k].e));
			return;
		}
	if (p[1] == '#') {
		cp = p[2] == 'x' ? strtoul(p + 3, &end, 16) : strtoul(p + 2, &end, 10);
		if (*end == ';' && cp > 0 && cp < 0x110000 && !(cp >= 0xd800 && cp <= 0xdfff)) {
			bx_buf_append(out, u8, (size_t)bx_utf8_encode((uint32_t)cp, u8));
			xadv(x, (size_t)(end + 1 - p));
			return;
		}
	}
	bx_buf_putc(out, '&');  /* a stray ampersand: keep it */
	xadv(x, 1);
}

static struct xnode *
xelement(struct xparse *x, int depth)
{
	struct xnode *n;
	size_t start;

	if (depth > 32) {
		snprintf(x->err, sizeof x->err, "%d: elements nested too deep", x->line);
		return NULL;
	}
	/* at '<' of a start tag */
	xadv(x, 1);
	start = x->i;
	while (x->s[x->i] && !strchr(" \t\r\n/>", x->s[x->i]))
		xadv(x, 1);
	if (x->i == start) {
		snprintf(x->err, sizeof x->err, "%d: expected an element name", x->line);
		return NULL;
	}
	n = bx_calloc(1, sizeof *n);
	n->name = bx_strndup(x->s + start, x->i - start);
	n->line = x->line;
	bx_buf_init(&n->text);
	/* skip attributes */
	while (x->s[x->i] && x->s[x->i] != '>' && !(x->s[x->i] == '/' && x->s[x->i + 1] == '>')) {
		if (x->s[x->i] == '"' || x->s[x->i] == '\'') {
			char q = x->s[x->i];
			xadv(x, 1);
			while (x->s[x->i] && x->s[x->i] != q)
				xadv(x, 1);
		}
		xadv(x, 1);
	}
	if (x->s[x->i] == '\0') {
		snprintf(x->err, sizeof x->err, "%d: unterminated tag <%.40s>", n->line, n->name);
		xfree(n);
		return NULL;
	}
	if (x->s[x->i] == '/') {
		xadv(x, 2);
		return n;
	}
	xadv(x, 1);
	for (;;) {
		const char *p = x->s + x->i;

		if (*p == '\0') {
			snprintf(x->err, sizeof x->err, "%d: <%.40s> is never closed", n->line, n->name);
			xfree(n);
			return NULL;
		}
		if (strncmp(p, "</", 2) == 0) {
			size_t len = strlen(n->name);
			if (strncmp(p + 2, n->name, len) != 0 || (p[2 + len] != '>' &&
			    !strchr(" \t\r\n", p[2 + len]))) {
				snprintf(x->err, sizeof x->err, "%d: expected </%.40s>", x->line, n->name);
				xfree(n);
				return NULL;
			}
			if (xskip_to(x, ">") < 0) {
				xfree(n);
				return NULL;
			}
			return n;
		}
		if (strncmp(p, "<!--", 4) == 0 || strncmp(p, "<?", 2) == 0) {
			if (xskip_to(x, p[1] == '!' ? "-->" : "?>") < 0) {
				xfree(n);
				return NULL;
			}
			continue;
		}
		if (strncmp(p, "<![CDATA[", 9) == 0) {
			const char *e = strstr(p + 9, "]]>");
			if (e == NULL) {
				snprintf(x->err, sizeof x->err, "%d: unterminated CDATA", x->line);
				xfree(n);
				return NULL;
			}
			bx_buf_append(&n->text, p + 9, (size_t)(e - p - 9));
			xadv(x, (size_t)(e + 3 - p));
			continue;
		}
		if (*p == '<') {
			struct xnode *k = xelement(x, depth + 1);
			if (k == NULL) {
				xfree(n);
				return NULL;
			}
			n->kids = bx_realloc(n->kids, sizeof *n->kids * (size_t)(n->nkids + 1));
			n->kids[n->nkids++] = k;
			continue;
		}
		if (*p == '&') {
			xentity(x, &n->text);
			continue;
		}
		bx_buf_putc(&n->text, *p);
		xadv(x, 1);
	}
}

static struct xnode *
xparse_doc(const char *text, char *err, size_t errsz)
{
	struct xparse x = { text, 0, 1, "" };
	struct xnode *root = NULL;

	for (;;) {
		while (x.s[x.i] == ' ' || x.s[x.i] == '\t' || x.s[x.i] == '\r' || x.s[x.i] == '\n')
			xadv(&x, 1);
		if (strncmp(x.s + x.i, "\xef\xbb\xbf", 3) == 0) {
			xadv(&x, 3);
			continue;
		}
		if (strncmp(x.s + x.i, "<?", 2) == 0 || strncmp(x.s + x.i, "<!", 2) == 0) {
			if (xskip_to(&x, x.s[x.i + 1] == '?' ? "?>" :
			    strncmp(x.s + x.i, "<!--", 4) == 0 ? "-->" : ">") < 0)
				break;
			continue;
		}
		break;
	}
	if (x.err[0] == '\0') {
		if (x.s[x.i] != '<')
			snprintf(x.err, sizeof x.err, "%d: expected an XML element", x.line);
		else
			root = xelement(&x, 0);
	}
	if (root == NULL)
		snprintf(err, errsz, "%s", x.err);
	return root;
}

static const struct xnode *
xchild(const struct xnode *n, const char *name)
{
	int i;

	for (i = 0; n != NULL && i < n->nkids; i++)
		if (strcmp(n->kids[i]->name, name) == 0)
			return n->kids[i];
	return NULL;
}

static char *
xtrim(const struct xnode *n)
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
xnum(const struct xnode *n, double *out)
{
	char *t = xtrim(n), *end;
	int rc;

	*out = strtod(t, &end);
	rc = t[0] != '\0' && *end == '\0' && isfinite(*out) ? 0 : -1;
	free(t);
	return rc;
}

/* <attributes><attribute><name/><value/></attribute>...: values as text;
 * the importer converts them with the taxonomy's types. */
static int
read_attrs(const struct xnode *n, struct bx_attrs *out, const char *name, char *err,
           size_t errsz)
{
	struct bx_value v;
	char *k;
	int i;

	for (i = 0; n != NULL && i < n->nkids; i++) {
		const struct xnode *a = n->kids[i];
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

int
bx_voc_read(const char *text, const char *name, struct bx_dataset *out, struct bx_err *err)
{
	char msg[300];
	const struct xnode *size, *o, *bb;
	struct xnode *root;
	struct bx_ds_image *im;
	struct bx_annot an;
	double w = 0, h = 0, c[4];
	static const char *const cn[] = { "xmin", "ymin", "xmax", "ymax" };
	char *path, *cls;
	int i, k, nobj = 0, rc = 0;

	msg[0] = '\0';
	root = xparse_doc(text, msg, sizeof msg);
	if (root == NULL)
		return bx_err_set(err, BX_EINVAL, "%s:%s", name, msg);
	if (strcmp(root->name, "annotation") != 0) {
		rc = bx_err_set(err, BX_EINVAL, "%s:%d: expected <annotation>, got <%.40s>", name,
		    root->line, root->name);
		goto out;
	}
	path = xtrim(xchild(root, "path"));
	if (path[0] == '\0') {
		free(path);
		path = xtrim(xchild(root, "filename"));
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
		an.geom = BX_GEOM_BOX;
		an.cls = cls;
		an.x = c[0] - 1;
		an.y = c[1] - 1;
		an.w = c[2] - c[0] + 1;
		an.h = c[3] - c[1] + 1;
		if (read_attrs(xchild(o, "attributes"), &an.attrs, name, msg, sizeof msg) < 0) {
			bx_attrs_free(&an.attrs);
			free(cls);
			rc = bx_err_set(err, BX_EINVAL, "%s", msg);
			goto fail;
		}
		bx_answer_add(&im->ans, &an);
		bx_attrs_free(&an.attrs);
		free(cls);
	}
	goto out;
fail:
	out->n--;
	free(out->img[out->n].file_name);
	bx_answer_free(&out->img[out->n].ans);
out:
	xfree(root);
	return rc;
}
