/* codec.c: the answer model (annot.h) <-> judgment JSON (codec.h), plus the
 * canonical JSON writers the exporters share (formats.h). Coordinates pass
 * through untouched: image pixels, origin top-left. Parsing is strict (unknown
 * keys are typos, not extensions); writing is canonical (sorted keys, compact,
 * shortest numbers that parse back to the identical double). */
#include <jansson.h>
#include <locale.h>
#include <stdarg.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "boxel/codec.h"
#include "boxel/geom.h"
#include "boxel/formats.h"
#include "boxel/util.h"
#include "json-int.h"

/* ---- writing ---- */

/* printf/strtod follow LC_NUMERIC. main() sets only LC_CTYPE, but the
 * codec is a library too (tests, fuzzers): a decimal comma would corrupt
 * every file, so format under a private "C" locale regardless. */
static locale_t
c_locale(void)
{
	static locale_t loc;

	if (loc == (locale_t)0)
		loc = newlocale(LC_NUMERIC_MASK, "C", (locale_t)0);
	return loc;
}

/* A whole number of at most 15 digits: the text %.15g gives it, which
 * parses back exactly, written without snprintf, strtod and the locale
 * switch. Pixel coordinates are mostly whole: a 9,000-vertex answer's
 * submit spent 69% of its instructions formatting numbers. */
static void
put_whole(struct bx_buf *b, double v)
{
	char tmp[24], *p = tmp + sizeof tmp;
	long long n = (long long)v;
	unsigned long long u = n < 0 ? 0ULL - (unsigned long long)n : (unsigned long long)n;

	*--p = '\0';
	do {
		*--p = (char)('0' + u % 10);
		u /= 10;
	} while (u != 0);
	if (n < 0)
		*--p = '-';
	bx_buf_puts(b, p);
}

void
bx_json_put_num(struct bx_buf *b, double v)
{
	char tmp[40];
	locale_t old = (locale_t)0, loc;
	int prec;

	if (!isfinite(v)) {            /* never produced by the codec; keep JSON valid */
		bx_buf_puts(b, "0");
		return;
	}
	if (v == 0) {                  /* -0 and 0 print alike */
		bx_buf_puts(b, "0");
		return;
	}
	if (fabs(v) < 1e15 && v == trunc(v)) {
		put_whole(b, v);
		return;
	}
	if ((loc = c_locale()) != (locale_t)0)
		old = uselocale(loc);
	for (prec = 15; prec <= 17; prec++) {
		snprintf(tmp, sizeof tmp, "%.*g", prec, v);
		if (strtod(tmp, NULL) == v)
			break;
	}
	if (old != (locale_t)0)
		uselocale(old);
	bx_buf_puts(b, tmp);
}

void
bx_json_put_box(struct bx_buf *b, double x, double y, double w, double h)
{
	bx_buf_putc(b, '[');
	bx_json_put_num(b, x);
	bx_buf_putc(b, ',');
	bx_json_put_num(b, y);
	bx_buf_putc(b, ',');
	bx_json_put_num(b, w);
	bx_buf_putc(b, ',');
	bx_json_put_num(b, h);
	bx_buf_putc(b, ']');
}

void
bx_json_put_str(struct bx_buf *b, const char *s)
{
	const unsigned char *p;
	char esc[12];
	unsigned cp;
	size_t n;

	bx_buf_putc(b, '"');
	for (p = (const unsigned char *)s; *p; p++) {
		switch (*p) {
		case '"': bx_buf_puts(b, "\\\""); break;
		case '\\': bx_buf_puts(b, "\\\\"); break;
		case '\n': bx_buf_puts(b, "\\n"); break;
		case '\r': bx_buf_puts(b, "\\r"); break;
		case '\t': bx_buf_puts(b, "\\t"); break;
		case '\b': bx_buf_puts(b, "\\b"); break;
		case '\f': bx_buf_puts(b, "\\f"); break;
		default:
			/* C1 controls and bidi overrides are escaped too: a
			 * terminal or editor showing the JSON must not act on
			 * them or reorder what follows. */
			if (*p < 0x20 || *p == 0x7f) {
				snprintf(esc, sizeof esc, "\\u%04x", *p);
				bx_buf_puts(b, esc);
			} else if (*p < 0x80) {
				bx_buf_putc(b, (char)*p);
			} else if (*p >= 0xc2 && (cp = bx_utf8_hidden((const char *)p, &n)) != 0) {
				snprintf(esc, sizeof esc, "\\u%04x", cp);
				bx_buf_puts(b, esc);
				p += n - 1;
			} else {
				/* JSON is UTF-8: a byte that starts no valid sequence
				 * becomes U+FFFD rather than an invalid document. Import
				 * refuses such names and export refuses to write them, so
				 * this only guards text from elsewhere. */
				uint32_t u;
				int len = bx_utf8_decode((const char *)p, strnlen((const char *)p, 4), &u);
				if (len == 0)
					bx_buf_puts(b, "\xef\xbf\xbd");
				else {
					bx_buf_append(b, (const char *)p, (size_t)len);
					p += len - 1;
				}
			}
		}
	}
	bx_buf_putc(b, '"');
}

void
bx_json_put_value(struct bx_buf *b, const struct bx_value *v)
{
	int i;

	switch (v->type) {
	case BX_VAL_STR: bx_json_put_str(b, v->str ? v->str : ""); break;
	case BX_VAL_NUM: bx_json_put_num(b, v->num); break;
	case BX_VAL_BOOL: bx_buf_puts(b, v->b ? "true" : "false"); break;
	case BX_VAL_LIST:
		bx_buf_putc(b, '[');
		for (i = 0; i < v->nlist; i++) {
			if (i)
				bx_buf_putc(b, ',');
			bx_json_put_str(b, v->list[i]);
		}
		bx_buf_putc(b, ']');
		break;
	case BX_VAL_NONE: bx_buf_puts(b, "null"); break;
	}
}

void
bx_value_put_text(struct bx_buf *b, const struct bx_value *v)
{
	int i;

	switch (v->type) {
	case BX_VAL_STR: bx_buf_puts(b, v->str ? v->str : ""); break;
	case BX_VAL_NUM: bx_json_put_num(b, v->num); break;
	case BX_VAL_BOOL: bx_buf_puts(b, v->b ? "true" : "false"); break;
	case BX_VAL_LIST:
		for (i = 0; i < v->nlist; i++) {
			if (i)
				bx_buf_putc(b, ',');
			bx_buf_puts(b, v->list[i]);
		}
		break;
	case BX_VAL_NONE: break;
	}
}

/* Attribute sets are kept sorted by key (annot.c), so emitting them in
 * order is already canonical. */
void
bx_json_put_attrs(struct bx_buf *b, const struct bx_attrs *as)
{
	int i;

	bx_buf_putc(b, '{');
	for (i = 0; i < as->n; i++) {
		if (i)
			bx_buf_putc(b, ',');
		bx_json_put_str(b, as->a[i].key);
		bx_buf_putc(b, ':');
		bx_json_put_value(b, &as->a[i].v);
	}
	bx_buf_putc(b, '}');
}

static void
put_pt(struct bx_buf *b, const struct bx_pt *p)
{
	bx_buf_putc(b, '[');
	bx_json_put_num(b, p->x);
	bx_buf_putc(b, ',');
	bx_json_put_num(b, p->y);
	bx_buf_putc(b, ']');
}

/* A kind's coordinates under its own key (geom.h's forms). */
static void
put_geom(struct bx_buf *b, const struct bx_geom_kind *k, const struct bx_annot *an)
{
	int i, r;

	bx_buf_putc(b, '"');
	bx_buf_puts(b, k->name);
	bx_buf_puts(b, "\":");
	switch (k->form) {
	case BX_FORM_BOX:
		bx_json_put_box(b, an->x, an->y, an->w, an->h);
		break;
	case BX_FORM_POINT:
		put_pt(b, &an->pts[0]);
		break;
	case BX_FORM_RBOX:
		bx_buf_putc(b, '[');
		bx_json_put_num(b, an->x);
		bx_buf_putc(b, ',');
		bx_json_put_num(b, an->y);
		bx_buf_putc(b, ',');
		bx_json_put_num(b, an->w);
		bx_buf_putc(b, ',');
		bx_json_put_num(b, an->h);
		bx_buf_putc(b, ',');
		bx_json_put_num(b, an->angle);
		bx_buf_putc(b, ']');
		break;
	case BX_FORM_POINTS:
		bx_buf_putc(b, '[');
		for (i = 0; i < an->npts; i++) {
			if (i)
				bx_buf_putc(b, ',');
			put_pt(b, &an->pts[i]);
		}
		bx_buf_putc(b, ']');
		break;
	case BX_FORM_RINGS:
		bx_buf_puts(b, "[[");
		for (i = 0, r = 0; i < an->npts; i++) {
			if (r < an->nrings && i == an->ring_end[r] && i > 0) {
				bx_buf_puts(b, "],[");
				r++;
			} else if (i)
				bx_buf_putc(b, ',');
			put_pt(b, &an->pts[i]);
		}
		bx_buf_puts(b, "]]");
		break;
	case BX_FORM_KPTS:
		bx_buf_putc(b, '[');
		for (i = 0; i < an->npts; i++) {
			if (i)
				bx_buf_putc(b, ',');
			bx_buf_putc(b, '[');
			bx_json_put_num(b, an->pts[i].x);
			bx_buf_putc(b, ',');
			bx_json_put_num(b, an->pts[i].y);
			bx_buf_printf(b, ",%d]", an->vis != NULL ? an->vis[i] : 2);
		}
		bx_buf_putc(b, ']');
		break;
	case BX_FORM_NONE:
		break;
	}
}

void
bx_json_put_geom(struct bx_buf *b, const struct bx_annot *an)
{
	const struct bx_geom_kind *k = bx_geom_kind(an->geom);

	if (k != NULL && k->form != BX_FORM_NONE)
		put_geom(b, k, an);
}

/* Keys in byte order (attributes, box, class, point, polygon, score,
 * suggestion): a kind's key goes before or after "class" by its name, so
 * the text stays canonical whatever kinds the table holds. */
void
bx_json_put_annot(struct bx_buf *b, const struct bx_annot *an)
{
	const struct bx_geom_kind *k = bx_geom_kind(an->geom);
	int has = k != NULL && k->form != BX_FORM_NONE &&
	          (k->form != BX_FORM_POINT || an->npts >= 1);
	int before = has && strcmp(k->name, "class") < 0;

	bx_buf_putc(b, '{');
	if (an->attrs.n > 0) {
		bx_buf_puts(b, "\"attributes\":");
		bx_json_put_attrs(b, &an->attrs);
		bx_buf_putc(b, ',');
	}
	if (before) {
		put_geom(b, k, an);
		bx_buf_putc(b, ',');
	}
	bx_buf_puts(b, "\"class\":");
	bx_json_put_str(b, an->cls ? an->cls : "");
	if (has && !before) {
		bx_buf_putc(b, ',');
		put_geom(b, k, an);
	}
	if (an->score != 0 || (an->flags & BX_ANNOT_SUGGESTION)) {
		bx_buf_puts(b, ",\"score\":");
		bx_json_put_num(b, an->score);
	}
	if (an->flags & BX_ANNOT_SUGGESTION)
		bx_buf_puts(b, ",\"suggestion\":true");
	if (an->uuid != NULL) {
		bx_buf_puts(b, ",\"uuid\":");
		bx_json_put_str(b, an->uuid);
	}
	bx_buf_putc(b, '}');
}

void
bx_json_put_answer(struct bx_buf *b, const struct bx_answer *ans)
{
	int i;

	bx_buf_puts(b, "{\"annotations\":[");
	for (i = 0; i < ans->n; i++) {
		if (i)
			bx_buf_putc(b, ',');
		bx_json_put_annot(b, &ans->a[i]);
	}
	bx_buf_puts(b, "],\"global\":");
	bx_json_put_attrs(b, &ans->global);
	bx_buf_putc(b, '}');
}

char *
bx_answer_to_json(const struct bx_answer *ans)
{
	struct bx_buf b;

	bx_buf_init(&b);
	bx_json_put_answer(&b, ans);
	return b.p;
}

/* ---- limits ---- */

void
bx_limits_default(struct bx_limits *l)
{
	l->max_vertices = BX_DEFAULT_MAX_VERTICES;
	l->max_objects = BX_DEFAULT_MAX_OBJECTS;
	l->max_answer_bytes = BX_DEFAULT_MAX_ANSWER_BYTES;
}

int
bx_answer_check_size(size_t len, const struct bx_limits *l, struct bx_err *err)
{
	if (l->max_answer_bytes > 0 && len > (size_t)l->max_answer_bytes)
		return bx_err_set(err, BX_ELIMIT, "answer is %zu bytes, the project allows %ld "
		    "(setting max_answer_bytes)", len, l->max_answer_bytes);
	return 0;
}

/* Counts first, bytes last: the canonical text is only built once the
 * cheap bounds hold, so its cost is bounded too. */
int
bx_answer_check_limits(const struct bx_answer *ans, const struct bx_limits *l,
                       struct bx_err *err)
{
	struct bx_buf b;
	int i, rc;

	if (l->max_objects > 0 && ans->n > l->max_objects)
		return bx_err_set(err, BX_ELIMIT, "answer has %d objects, the project allows %ld "
		    "(setting max_objects)", ans->n, l->max_objects);
	for (i = 0; i < ans->n; i++)
		if (l->max_vertices > 0 && ans->a[i].npts > l->max_vertices)
			return bx_err_set(err, BX_ELIMIT, "annotations[%d]: %s has %d vertices, the "
			    "project allows %ld (setting max_vertices)", i,
			    bx_geom_name(ans->a[i].geom), ans->a[i].npts, l->max_vertices);
	if (l->max_answer_bytes <= 0)
		return 0;
	bx_buf_init(&b);
	bx_json_put_answer(&b, ans);
	rc = bx_answer_check_size(b.len, l, err);
	bx_buf_free(&b);
	return rc;
}

char *
bx_attrs_to_json(const struct bx_attrs *as)
{
	struct bx_buf b;

	bx_buf_init(&b);
	bx_json_put_attrs(&b, as);
	return b.p;
}

/* ---- parsing ---- */

static int
perr(struct bx_err *err, const struct bx_json_path *p, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

static int
perr(struct bx_err *err, const struct bx_json_path *p, const char *fmt, ...)
{
	char msg[400];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof msg, fmt, ap);
	va_end(ap);
	return bx_err_set(err, BX_EINVAL, "%s: %s", p->len ? p->s : "(top)", msg);
}

static int
get_num(const json_t *j, struct bx_json_path *p, double *out, struct bx_err *err)
{
	if (!json_is_number(j))
		return perr(err, p, "expected a number, got %s", bx_json_type(j));
	*out = json_number_value(j);
	if (!isfinite(*out))
		return perr(err, p, "number is not finite");
	return 0;
}

static int
parse_pt(const json_t *j, struct bx_json_path *p, struct bx_pt *out, struct bx_err *err)
{
	size_t o;
	int rc;

	if (!json_is_array(j) || json_array_size(j) != 2)
		return perr(err, p, "a point must be [x, y]");
	o = bx_json_path_idx(p, 0);
	rc = get_num(json_array_get(j, 0), p, &out->x, err);
	bx_json_path_pop(p, o);
	if (rc)
		return rc;
	o = bx_json_path_idx(p, 1);
	rc = get_num(json_array_get(j, 1), p, &out->y, err);
	bx_json_path_pop(p, o);
	return rc;
}

static int
cmp_strp(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

int
bx_json_to_value(const void *jv, const char *where, struct bx_value *out, struct bx_err *err)
{
	const json_t *j = jv;
	struct bx_json_path p = { .len = 0 };
	size_t i, n;
	int k;

	snprintf(p.s, sizeof p.s, "%s", where ? where : "");
	p.len = strlen(p.s);
	memset(out, 0, sizeof *out);
	switch (json_typeof(j)) {
	case JSON_STRING:
		out->type = BX_VAL_STR;
		out->str = bx_strdup(json_string_value(j));
		return 0;
	case JSON_INTEGER:
	case JSON_REAL:
		out->type = BX_VAL_NUM;
		return get_num(j, &p, &out->num, err);
	case JSON_TRUE:
	case JSON_FALSE:
		out->type = BX_VAL_BOOL;
		out->b = json_is_true(j);
		return 0;
	case JSON_ARRAY:
		n = json_array_size(j);
		for (i = 0; i < n; i++)
			if (!json_is_string(json_array_get(j, i))) {
				bx_json_path_idx(&p, i);
				return perr(err, &p, "multi-choice values must be strings, got %s",
				    bx_json_type(json_array_get(j, i)));
			}
		out->type = BX_VAL_LIST;
		out->nlist = (int)n;
		out->list = n ? bx_malloc(sizeof(char *) * n) : NULL;
		for (i = 0; i < n; i++)
			out->list[i] = bx_strdup(json_string_value(json_array_get(j, i)));
		if (n > 1)
			qsort(out->list, n, sizeof(char *), cmp_strp);
		for (k = 1; k < out->nlist; k++)
			if (strcmp(out->list[k - 1], out->list[k]) == 0) {
				perr(err, &p, "\"%.60s\" appears twice", out->list[k]);
				bx_value_free(out);
				return BX_EINVAL;
			}
		return 0;
	default:
		return perr(err, &p, "an attribute value must be a string, number, boolean "
		    "or array of strings, got %s", bx_json_type(j));
	}
}

static int
parse_attrs(const json_t *j, struct bx_json_path *p, struct bx_attrs *out, struct bx_err *err)
{
	const char *key;
	json_t *v;
	struct bx_value val;
	size_t o;
	int rc;

	if (!json_is_object(j))
		return perr(err, p, "expected an object of attributes, got %s", bx_json_type(j));
	json_object_foreach((json_t *)j, key, v) {
		o = bx_json_path_key(p, key);
		if (key[0] == '\0') {
			rc = perr(err, p, "empty attribute name");
			bx_json_path_pop(p, o);
			return rc;
		}
		rc = bx_json_to_value(v, p->s, &val, err);
		bx_json_path_pop(p, o);
		if (rc)
			return rc;
		bx_attrs_set(out, key, &val);
		bx_value_free(&val);
	}
	return 0;
}

static int
has_coords(const struct bx_geom_kind *k)
{
	return k->form != BX_FORM_NONE;
}

/* [[[x, y], ...], ...]: the rings one after another in an->pts. */
static int
parse_rings(const json_t *g, struct bx_json_path *p, const struct bx_geom_kind *k,
            struct bx_annot *an, struct bx_err *err)
{
	size_t r, i, nr, n, total = 0, o2, o3;
	const json_t *ring;
	int rc;

	if (!json_is_array(g) || (nr = json_array_size(g)) < 1)
		return perr(err, p, "a %s must be a list of rings, each a list of at least %d "
		    "[x, y] points", k->name, k->min_pts);
	for (r = 0; r < nr; r++) {
		ring = json_array_get(g, r);
		if (!json_is_array(ring) || json_array_size(ring) < (size_t)k->min_pts) {
			o2 = bx_json_path_idx(p, r);
			rc = perr(err, p, "a ring must be a list of at least %d [x, y] points",
			    k->min_pts);
			bx_json_path_pop(p, o2);
			return rc;
		}
		total += json_array_size(ring);
	}
	an->pts = bx_malloc(sizeof *an->pts * total);
	an->ring_end = bx_malloc(sizeof *an->ring_end * nr);
	an->npts = 0;
	an->nrings = (int)nr;
	for (r = 0; r < nr; r++) {
		ring = json_array_get(g, r);
		n = json_array_size(ring);
		o2 = bx_json_path_idx(p, r);
		for (i = 0; i < n; i++) {
			o3 = bx_json_path_idx(p, i);
			rc = parse_pt(json_array_get(ring, i), p, &an->pts[an->npts++], err);
			bx_json_path_pop(p, o3);
			if (rc) {
				bx_json_path_pop(p, o2);
				return rc;
			}
		}
		bx_json_path_pop(p, o2);
		an->ring_end[r] = an->npts;
	}
	return 0;
}

/* The value of a kind's key, by its form. */
static int
parse_geom(const json_t *g, struct bx_json_path *p, const struct bx_geom_kind *k,
           struct bx_annot *an, struct bx_err *err)
{
	size_t i, n, o2;
	double vals[5];
	int rc;

	switch (k->form) {
	case BX_FORM_RBOX:
		if (!json_is_array(g) || json_array_size(g) != 5)
			return perr(err, p, "%s %s must be %s (angle in degrees, clockwise)",
			    bx_geom_article(k->id), k->name, k->form_hint);
		for (i = 0; i < 5; i++) {
			o2 = bx_json_path_idx(p, i);
			rc = get_num(json_array_get(g, i), p, &vals[i], err);
			if (rc == 0 && (i == 2 || i == 3) && vals[i] < 0)
				rc = perr(err, p, "must be >= 0");
			bx_json_path_pop(p, o2);
			if (rc)
				return rc;
		}
		an->x = vals[0], an->y = vals[1], an->w = vals[2], an->h = vals[3];
		an->angle = vals[4];
		return 0;
	case BX_FORM_BOX:
		if (!json_is_array(g) || json_array_size(g) != 4)
			return perr(err, p, "a %s must be [x, y, w, h]", k->name);
		for (i = 0; i < 4; i++) {
			o2 = bx_json_path_idx(p, i);
			rc = get_num(json_array_get(g, i), p, &vals[i], err);
			if (rc == 0 && i >= 2 && vals[i] < 0)
				rc = perr(err, p, "%s must be >= 0", i == 2 ? "width" : "height");
			bx_json_path_pop(p, o2);
			if (rc)
				return rc;
		}
		an->x = vals[0], an->y = vals[1], an->w = vals[2], an->h = vals[3];
		return 0;
	case BX_FORM_POINT:
		an->pts = bx_malloc(sizeof *an->pts);
		an->npts = 1;
		return parse_pt(g, p, &an->pts[0], err);
	case BX_FORM_POINTS:
		if (!json_is_array(g) || (n = json_array_size(g)) < (size_t)k->min_pts)
			return perr(err, p, "a %s must be a list of at least %d [x, y] points", k->name,
			    k->min_pts);
		if (k->max_pts > 0 && n > (size_t)k->max_pts)
			return perr(err, p, "a %s must be a list of %d [x, y] points", k->name,
			    k->max_pts);
		an->pts = bx_malloc(sizeof *an->pts * (n > 0 ? n : 1));
		an->npts = (int)n;
		for (i = 0; i < n; i++) {
			o2 = bx_json_path_idx(p, i);
			rc = parse_pt(json_array_get(g, i), p, &an->pts[i], err);
			bx_json_path_pop(p, o2);
			if (rc)
				return rc;
		}
		return 0;
	case BX_FORM_RINGS:
		return parse_rings(g, p, k, an, err);
	case BX_FORM_KPTS:
		if (!json_is_array(g) || (n = json_array_size(g)) < 1)
			return perr(err, p, "a %s must be a list of [x, y, v] points (v: 0 not labeled, "
			    "1 occluded, 2 visible)", k->name);
		an->pts = bx_malloc(sizeof *an->pts * n);
		an->vis = bx_malloc(n);
		an->npts = (int)n;
		for (i = 0; i < n; i++) {
			json_t *e = json_array_get(g, i);
			double v = -1;

			o2 = bx_json_path_idx(p, i);
			if (!json_is_array(e) || json_array_size(e) != 3)
				rc = perr(err, p, "a keypoint must be [x, y, v]");
			else
				rc = get_num(json_array_get(e, 0), p, &an->pts[i].x, err);
			if (rc == 0)
				rc = get_num(json_array_get(e, 1), p, &an->pts[i].y, err);
			if (rc == 0)
				rc = get_num(json_array_get(e, 2), p, &v, err);
			if (rc == 0 && v != 0 && v != 1 && v != 2)
				rc = perr(err, p, "visibility must be 0, 1 or 2, not %g", v);
			bx_json_path_pop(p, o2);
			if (rc)
				return rc;
			an->vis[i] = (unsigned char)v;
		}
		return 0;
	case BX_FORM_NONE:
		break;
	}
	return 0;
}

static int
parse_annot(const json_t *j, struct bx_json_path *p, struct bx_annot *an, struct bx_err *err)
{
	const struct bx_geom_kind *k, *gk = NULL;
	char names[200];
	const char *key;
	json_t *v, *g;
	size_t o;
	int ngeom = 0, rc;

	if (!json_is_object(j))
		return perr(err, p, "an annotation must be an object, got %s", bx_json_type(j));
	json_object_foreach((json_t *)j, key, v) {
		if ((k = bx_geom_by_name(key)) != NULL && has_coords(k)) {
			ngeom++;
			gk = k;
		} else if (strcmp(key, "class") != 0 && strcmp(key, "attributes") != 0 &&
		    strcmp(key, "score") != 0 && strcmp(key, "suggestion") != 0 &&
		    strcmp(key, "uuid") != 0) {
			bx_geom_list(names, sizeof names, ", ", ", ", has_coords);
			o = bx_json_path_key(p, key);
			rc = perr(err, p, "unknown key (expected class, %s, attributes, score, "
			    "suggestion, uuid)", names);
			bx_json_path_pop(p, o);
			return rc;
		}
	}
	if (ngeom > 1) {
		bx_geom_list(names, sizeof names, ", ", " or ", has_coords);
		return perr(err, p, "an annotation has one geometry: %s", names);
	}

	v = json_object_get(j, "class");
	o = bx_json_path_key(p, "class");
	if (v == NULL)
		rc = perr(err, p, "missing");
	else if (!json_is_string(v))
		rc = perr(err, p, "expected a string, got %s", bx_json_type(v));
	else if (json_string_value(v)[0] == '\0')
		rc = perr(err, p, "empty class name");
	else
		rc = 0;
	bx_json_path_pop(p, o);
	if (rc)
		return rc;
	an->cls = bx_strdup(json_string_value(v));
	an->geom = BX_GEOM_TAG;

	if (gk != NULL) {
		an->geom = gk->id;
		g = json_object_get(j, gk->name);
		o = bx_json_path_key(p, gk->name);
		rc = parse_geom(g, p, gk, an, err);
		bx_json_path_pop(p, o);
		if (rc)
			return rc;
	}

	if ((v = json_object_get(j, "attributes")) != NULL) {
		o = bx_json_path_key(p, "attributes");
		rc = parse_attrs(v, p, &an->attrs, err);
		bx_json_path_pop(p, o);
		if (rc)
			return rc;
	}
	if ((v = json_object_get(j, "score")) != NULL) {
		o = bx_json_path_key(p, "score");
		rc = get_num(v, p, &an->score, err);
		bx_json_path_pop(p, o);
		if (rc)
			return rc;
	}
	if ((v = json_object_get(j, "suggestion")) != NULL) {
		o = bx_json_path_key(p, "suggestion");
		rc = json_is_boolean(v) ? 0 : perr(err, p, "expected true or false, got %s",
		    bx_json_type(v));
		bx_json_path_pop(p, o);
		if (rc)
			return rc;
		if (json_is_true(v))
			an->flags |= BX_ANNOT_SUGGESTION;
	}
	if ((v = json_object_get(j, "uuid")) != NULL) {
		o = bx_json_path_key(p, "uuid");
		rc = json_is_string(v) && bx_object_id_valid(json_string_value(v)) ? 0 :
		    perr(err, p, "expected the object's id: 1 to 128 characters, no control "
		    "characters");
		bx_json_path_pop(p, o);
		if (rc)
			return rc;
		an->uuid = bx_strdup(json_string_value(v));
	}
	return 0;
}

int
bx_answer_from_jansson(const void *jroot, struct bx_answer *out, struct bx_err *err)
{
	const json_t *root = jroot;
	struct bx_json_path p = { .len = 0 };
	struct bx_annot an;
	const char *key;
	json_t *v, *anns;
	size_t i, o;
	int rc = 0;

	p.s[0] = '\0';
	bx_answer_init(out);
	if (!json_is_object(root))
		return bx_err_set(err, BX_EINVAL, "a judgment must be a JSON object, got %s",
		    bx_json_type(root));
	json_object_foreach((json_t *)root, key, v) {
		if (strcmp(key, "annotations") != 0 && strcmp(key, "global") != 0) {
			o = bx_json_path_key(&p, key);
			rc = perr(err, &p, "unknown key (expected annotations, global)");
			bx_json_path_pop(&p, o);
			return rc;
		}
	}
	anns = json_object_get(root, "annotations");
	if (anns != NULL && !json_is_array(anns))
		return bx_err_set(err, BX_EINVAL, "annotations: expected an array, got %s",
		    bx_json_type(anns));
	for (i = 0; anns != NULL && i < json_array_size(anns); i++) {
		memset(&an, 0, sizeof an);
		o = bx_json_path_push(&p, "annotations[%zu]", i);
		rc = parse_annot(json_array_get(anns, i), &p, &an, err);
		bx_json_path_pop(&p, o);
		if (rc == 0) {
			/* take ownership without a deep copy */
			if (out->n == out->cap) {
				out->cap = out->cap ? out->cap * 2 : 8;
				out->a = bx_realloc(out->a, sizeof *out->a * (size_t)out->cap);
			}
			out->a[out->n++] = an;
		} else {
			bx_annot_free(&an);
			bx_answer_free(out);
			return rc;
		}
	}
	if ((v = json_object_get(root, "global")) != NULL) {
		o = bx_json_path_key(&p, "global");
		rc = parse_attrs(v, &p, &out->global, err);
		bx_json_path_pop(&p, o);
		if (rc) {
			bx_answer_free(out);
			return rc;
		}
	}
	return 0;
}

int
bx_answer_from_json(const char *text, struct bx_answer *out, struct bx_err *err)
{
	json_t *root;
	int rc;

	bx_answer_init(out);
	if ((root = bx_json_load(text, NULL, err)) == NULL)
		return BX_EINVAL;
	rc = bx_answer_from_jansson(root, out, err);
	json_decref(root);
	return rc;
}

int
bx_attrs_from_json(const char *text, struct bx_attrs *out, struct bx_err *err)
{
	struct bx_json_path p = { .len = 0 };
	json_t *root;
	int rc;

	p.s[0] = '\0';
	memset(out, 0, sizeof *out);
	if ((root = bx_json_load(text, NULL, err)) == NULL)
		return BX_EINVAL;
	rc = parse_attrs(root, &p, out, err);
	json_decref(root);
	if (rc)
		bx_attrs_free(out);
	return rc;
}
