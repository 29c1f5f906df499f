/* geom-table.c: the table of geometry kinds (see geom.h), made from the
 * list in boxel/geom-kinds.def, and helpers the kinds share. Table order
 * is the order names appear in messages and in the taxonomy's help. */
#include <stdio.h>
#include <string.h>

#include "boxel/geom.h"

#define KIND(file, ID) extern const struct bx_geom_kind bx_geom_##file;
#include "boxel/geom-kinds.def"
#undef KIND

static const struct bx_geom_kind *const kinds[] = {
#define KIND(file, ID) &bx_geom_##file,
#include "boxel/geom-kinds.def"
#undef KIND
};

#define NKINDS ((int)(sizeof kinds / sizeof kinds[0]))

const struct bx_geom_kind *
bx_geom_at(int i)
{
	return i >= 0 && i < NKINDS ? kinds[i] : NULL;
}

const struct bx_geom_kind *
bx_geom_kind(enum bx_geom g)
{
	int i;

	for (i = 0; i < NKINDS; i++)
		if (kinds[i]->id == g)
			return kinds[i];
	return NULL;
}

const struct bx_geom_kind *
bx_geom_by_name(const char *name)
{
	int i;

	for (i = 0; name != NULL && i < NKINDS; i++)
		if (strcmp(kinds[i]->name, name) == 0)
			return kinds[i];
	return NULL;
}

const char *
bx_geom_name(enum bx_geom g)
{
	const struct bx_geom_kind *k = bx_geom_kind(g);

	return k != NULL ? k->name : "?";
}

const char *
bx_geom_article(enum bx_geom g)
{
	const char *n = bx_geom_name(g);

	return strchr("aeiou", n[0]) != NULL ? "an" : "a";
}

void
bx_geom_list(char *buf, size_t n, const char *sep, const char *last,
             int (*filter)(const struct bx_geom_kind *k))
{
	const struct bx_geom_kind *pick[NKINDS];
	size_t len = 0;
	int i, m = 0;

	for (i = 0; i < NKINDS; i++)
		if (filter == NULL || filter(kinds[i]))
			pick[m++] = kinds[i];
	if (n == 0)
		return;
	buf[0] = '\0';
	for (i = 0; i < m && len < n; i++) {
		snprintf(buf + len, n - len, "%s%s", i == 0 ? "" : i == m - 1 ? last : sep,
		         pick[i]->name);
		len += strlen(buf + len);
	}
}

/* Tools are numbered across the kinds in table order. */
static const struct bx_geom_tool *
tool_at(int t, const struct bx_geom_kind **kind_out)
{
	int i, j;

	for (i = 0; t >= 0 && i < NKINDS; i++) {
		for (j = 0; j < 2 && kinds[i]->tools[j] != NULL; j++) {
			if (t-- == 0) {
				if (kind_out != NULL)
					*kind_out = kinds[i];
				return kinds[i]->tools[j];
			}
		}
	}
	return NULL;
}

const struct bx_geom_tool *
bx_tool_at(int t)
{
	return tool_at(t, NULL);
}

const struct bx_geom_kind *
bx_tool_kind(int t)
{
	const struct bx_geom_kind *k = NULL;

	tool_at(t, &k);
	return k;
}

const char *
bx_tool_name(int t)
{
	const struct bx_geom_tool *tl = bx_tool_at(t);

	return tl != NULL ? tl->name : "?";
}

int
bx_tool_from_name(const char *name)
{
	const struct bx_geom_tool *tl;
	int t;

	for (t = 0; name != NULL && (tl = bx_tool_at(t)) != NULL; t++)
		if (strcmp(tl->name, name) == 0)
			return t;
	return -1;
}

int
bx_tool_by_key(int key)
{
	const struct bx_geom_tool *tl;
	int t;

	for (t = 0; (tl = bx_tool_at(t)) != NULL; t++)
		if (tl->key == key)
			return t;
	return -1;
}

int
bx_tool_of_kind(enum bx_geom g)
{
	const struct bx_geom_kind *k;
	int t;

	for (t = 0; (k = bx_tool_kind(t)) != NULL; t++)
		if (k->id == g)
			return t;
	return -1;
}

double
bx_geom_clamp(double v, double lo, double hi)
{
	if (v < lo)
		return lo;
	if (v > hi)
		return hi;
	return v;
}

void
bx_geom_pts_clip(struct bx_annot *an, int width, int height)
{
	int k;

	for (k = 0; k < an->npts; k++) {
		an->pts[k].x = bx_geom_clamp(an->pts[k].x, 0, width);
		an->pts[k].y = bx_geom_clamp(an->pts[k].y, 0, height);
	}
}

void
bx_geom_pts_bounds(const struct bx_annot *an, double *x, double *y, double *w, double *h)
{
	double x0, y0, x1, y1;
	int i;

	if (an->npts == 0) {
		*x = *y = *w = *h = 0;
		return;
	}
	x0 = x1 = an->pts[0].x;
	y0 = y1 = an->pts[0].y;
	for (i = 1; i < an->npts; i++) {
		if (an->pts[i].x < x0) x0 = an->pts[i].x;
		if (an->pts[i].x > x1) x1 = an->pts[i].x;
		if (an->pts[i].y < y0) y0 = an->pts[i].y;
		if (an->pts[i].y > y1) y1 = an->pts[i].y;
	}
	*x = x0, *y = y0, *w = x1 - x0, *h = y1 - y0;
}

void
bx_geom_pts_translate(struct bx_annot *an, double dx, double dy)
{
	int i;

	for (i = 0; i < an->npts; i++) {
		an->pts[i].x += dx;
		an->pts[i].y += dy;
	}
}
