/* annot.c: values, attribute sets and answers (see annot.h). Image pixels,
 * origin top-left. Attribute sets stay sorted by key and multi-choice lists
 * stay sorted, so equality never depends on input order. */
#include <stdlib.h>
#include <string.h>

#include "boxel/annot.h"
#include "boxel/geom.h"
#include "boxel/util.h"

void
bx_value_free(struct bx_value *v)
{
	int i;

	free(v->str);
	for (i = 0; i < v->nlist; i++)
		free(v->list[i]);
	free(v->list);
	memset(v, 0, sizeof *v);
}

static int
cmp_str(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

void
bx_value_copy(struct bx_value *dst, const struct bx_value *src)
{
	int i;

	*dst = *src;
	dst->str = src->str ? bx_strdup(src->str) : NULL;
	dst->list = NULL;
	if (src->nlist > 0) {
		dst->list = bx_malloc(sizeof(char *) * (size_t)src->nlist);
		for (i = 0; i < src->nlist; i++)
			dst->list[i] = bx_strdup(src->list[i]);
		qsort(dst->list, (size_t)dst->nlist, sizeof(char *), cmp_str);
	}
}

int
bx_value_equal(const struct bx_value *a, const struct bx_value *b)
{
	int i;

	if (a->type != b->type)
		return 0;
	switch (a->type) {
	case BX_VAL_NONE: return 1;
	case BX_VAL_STR: return strcmp(a->str ? a->str : "", b->str ? b->str : "") == 0;
	case BX_VAL_NUM: return a->num == b->num;
	case BX_VAL_BOOL: return !a->b == !b->b;
	case BX_VAL_LIST:
		if (a->nlist != b->nlist)
			return 0;
		for (i = 0; i < a->nlist; i++)
			if (strcmp(a->list[i], b->list[i]) != 0)
				return 0;
		return 1;
	}
	return 0;
}

void
bx_attrs_free(struct bx_attrs *as)
{
	int i;

	for (i = 0; i < as->n; i++) {
		free(as->a[i].key);
		bx_value_free(&as->a[i].v);
	}
	free(as->a);
	as->a = NULL;
	as->n = 0;
}

void
bx_attrs_copy(struct bx_attrs *dst, const struct bx_attrs *src)
{
	int i;

	dst->n = src->n;
	dst->a = src->n ? bx_malloc(sizeof *dst->a * (size_t)src->n) : NULL;
	for (i = 0; i < src->n; i++) {
		dst->a[i].key = bx_strdup(src->a[i].key);
		bx_value_copy(&dst->a[i].v, &src->a[i].v);
	}
}

static int
attrs_find(const struct bx_attrs *as, const char *key, int *pos)
{
	int lo = 0, hi = as->n - 1, mid, c;

	while (lo <= hi) {
		mid = (lo + hi) / 2;
		c = strcmp(as->a[mid].key, key);
		if (c == 0) {
			*pos = mid;
			return 1;
		}
		if (c < 0)
			lo = mid + 1;
		else
			hi = mid - 1;
	}
	*pos = lo;
	return 0;
}

void
bx_attrs_set(struct bx_attrs *as, const char *key, const struct bx_value *v)
{
	int pos;

	if (attrs_find(as, key, &pos)) {
		bx_value_free(&as->a[pos].v);
		if (v->type == BX_VAL_NONE) {
			free(as->a[pos].key);
			memmove(as->a + pos, as->a + pos + 1,
			    sizeof *as->a * (size_t)(as->n - pos - 1));
			as->n--;
			return;
		}
		bx_value_copy(&as->a[pos].v, v);
		return;
	}
	if (v->type == BX_VAL_NONE)
		return;
	as->a = bx_realloc(as->a, sizeof *as->a * (size_t)(as->n + 1));
	memmove(as->a + pos + 1, as->a + pos, sizeof *as->a * (size_t)(as->n - pos));
	as->a[pos].key = bx_strdup(key);
	bx_value_copy(&as->a[pos].v, v);
	as->n++;
}

const struct bx_value *
bx_attrs_get(const struct bx_attrs *as, const char *key)
{
	int pos;

	return attrs_find(as, key, &pos) ? &as->a[pos].v : NULL;
}

int
bx_attrs_equal(const struct bx_attrs *a, const struct bx_attrs *b)
{
	int i;

	if (a->n != b->n)
		return 0;
	for (i = 0; i < a->n; i++)
		if (strcmp(a->a[i].key, b->a[i].key) != 0 ||
		    !bx_value_equal(&a->a[i].v, &b->a[i].v))
			return 0;
	return 1;
}

void
bx_annot_free(struct bx_annot *an)
{
	free(an->cls);
	free(an->pts);
	free(an->ring_end);
	free(an->uuid);
	free(an->vis);
	bx_attrs_free(&an->attrs);
	memset(an, 0, sizeof *an);
}

void
bx_annot_copy(struct bx_annot *dst, const struct bx_annot *src)
{
	*dst = *src;
	dst->cls = src->cls ? bx_strdup(src->cls) : NULL;
	dst->pts = NULL;
	if (src->npts > 0) {
		dst->pts = bx_malloc(sizeof *dst->pts * (size_t)src->npts);
		memcpy(dst->pts, src->pts, sizeof *dst->pts * (size_t)src->npts);
	}
	dst->uuid = src->uuid ? bx_strdup(src->uuid) : NULL;
	dst->ring_end = NULL;
	if (src->nrings > 0) {
		dst->ring_end = bx_malloc(sizeof *dst->ring_end * (size_t)src->nrings);
		memcpy(dst->ring_end, src->ring_end, sizeof *dst->ring_end * (size_t)src->nrings);
	}
	dst->vis = NULL;
	if (src->vis != NULL && src->npts > 0) {
		dst->vis = bx_malloc((size_t)src->npts);
		memcpy(dst->vis, src->vis, (size_t)src->npts);
	}
	bx_attrs_copy(&dst->attrs, &src->attrs);
}

/* Ask the kind: the store and the edit code call this for any geometry. */
void
bx_annot_bounds(const struct bx_annot *an, double *x, double *y, double *w, double *h)
{
	const struct bx_geom_kind *k = bx_geom_kind(an->geom);

	if (k == NULL) {
		bx_geom_pts_bounds(an, x, y, w, h);
		return;
	}
	k->bounds(an, x, y, w, h);
}

void
bx_answer_init(struct bx_answer *ans)
{
	memset(ans, 0, sizeof *ans);
}

void
bx_answer_free(struct bx_answer *ans)
{
	int i;

	for (i = 0; i < ans->n; i++)
		bx_annot_free(&ans->a[i]);
	free(ans->a);
	bx_attrs_free(&ans->global);
	bx_answer_init(ans);
}

void
bx_answer_copy(struct bx_answer *dst, const struct bx_answer *src)
{
	int i;

	bx_answer_init(dst);
	for (i = 0; i < src->n; i++)
		bx_answer_add(dst, &src->a[i]);
	bx_attrs_copy(&dst->global, &src->global);
}

int
bx_answer_add(struct bx_answer *ans, const struct bx_annot *an)
{
	if (ans->n == ans->cap) {
		ans->cap = ans->cap ? ans->cap * 2 : 8;
		ans->a = bx_realloc(ans->a, sizeof *ans->a * (size_t)ans->cap);
	}
	bx_annot_copy(&ans->a[ans->n], an);
	return ans->n++;
}

void
bx_answer_remove(struct bx_answer *ans, int idx)
{
	if (idx < 0 || idx >= ans->n)
		return;
	bx_annot_free(&ans->a[idx]);
	memmove(ans->a + idx, ans->a + idx + 1, sizeof *ans->a * (size_t)(ans->n - idx - 1));
	ans->n--;
}
