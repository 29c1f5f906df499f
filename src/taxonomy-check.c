/* taxonomy-check.c: an answer against its taxonomy: attribute values
 * (type, options, range), required and unknown attributes, classes and the
 * geometries they allow, coordinates inside the image (image pixels, origin
 * top-left); the canonical form (unset attributes take their defaults) and
 * the coercion of values read from other tools' files. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "boxel/geom.h"
#include "boxel/taxonomy.h"
#include "boxel/util.h"
#include "taxonomy-int.h"

static int
has_option(const struct bx_attr_spec *spec, const char *s)
{
	int i;

	for (i = 0; i < spec->noptions; i++)
		if (strcmp(spec->options[i], s) == 0)
			return 1;
	return 0;
}

static void
options_list(const struct bx_attr_spec *spec, char *out, size_t outsz)
{
	size_t len = 0;
	int i;

	out[0] = '\0';
	for (i = 0; i < spec->noptions && len + 1 < outsz; i++) {
		snprintf(out + len, outsz - len, "%s%s", i ? ", " : "", spec->options[i]);
		len = strlen(out);
	}
}

int
bx_taxonomy_check_value(const struct bx_attr_spec *spec, const struct bx_value *v,
                        struct bx_err *err)
{
	static const char *const want[] = { NULL, "one of the options (a string)",
	    "a list of options", "true or false", "text (a string)", "a number" };
	static const enum bx_value_type vt[] = { 0, BX_VAL_STR, BX_VAL_LIST, BX_VAL_BOOL,
	    BX_VAL_STR, BX_VAL_NUM };
	char opts[200];
	int i;

	if (spec->type < BX_ATTR_CHOICE || spec->type > BX_ATTR_NUMBER)
		return bx_err_set(err, BX_EINVAL, "attribute has no type");
	if (v->type != vt[spec->type])
		return bx_err_set(err, BX_EINVAL, "expected %s", want[spec->type]);
	switch (spec->type) {
	case BX_ATTR_CHOICE:
		if (!has_option(spec, v->str ? v->str : "")) {
			options_list(spec, opts, sizeof opts);
			return bx_err_set(err, BX_EINVAL, "\"%.60s\" is not one of %s",
			    v->str ? v->str : "", opts);
		}
		break;
	case BX_ATTR_MULTI:
		for (i = 0; i < v->nlist; i++)
			if (!has_option(spec, v->list[i])) {
				options_list(spec, opts, sizeof opts);
				return bx_err_set(err, BX_EINVAL, "\"%.60s\" is not one of %s",
				    v->list[i], opts);
			}
		break;
	case BX_ATTR_NUMBER:
		if (!isfinite(v->num))
			return bx_err_set(err, BX_EINVAL, "number is not finite");
		if ((v->num < spec->min || v->num > spec->max) && isfinite(spec->min) &&
		    isfinite(spec->max))
			return bx_err_set(err, BX_EINVAL, "%.15g is outside [%.15g, %.15g]", v->num,
			    spec->min, spec->max);
		if (v->num < spec->min)
			return bx_err_set(err, BX_EINVAL, "%.15g is below the minimum %.15g", v->num,
			    spec->min);
		if (v->num > spec->max)
			return bx_err_set(err, BX_EINVAL, "%.15g is above the maximum %.15g", v->num,
			    spec->max);
		break;
	case BX_ATTR_TEXT:
		if (v->str != NULL && strlen(v->str) > 4096)
			return bx_err_set(err, BX_EINVAL, "text longer than 4096 bytes");
		break;
	default:
		break;
	}
	return 0;
}

void
bx_taxonomy_fill_defaults(const struct bx_attr_spec *specs, int nspecs, struct bx_attrs *out)
{
	int i;

	for (i = 0; i < nspecs; i++)
		if (specs[i].def.type != BX_VAL_NONE && bx_attrs_get(out, specs[i].name) == NULL)
			bx_attrs_set(out, specs[i].name, &specs[i].def);
}

void
bx_taxonomy_canonical(const struct bx_taxonomy *t, struct bx_answer *a)
{
	const struct bx_class *c;
	int i;

	for (i = 0; i < a->n; i++)
		if (a->a[i].cls != NULL && (c = bx_taxonomy_class(t, a->a[i].cls)) != NULL)
			bx_taxonomy_fill_defaults(c->attrs, c->nattrs, &a->a[i].attrs);
	bx_taxonomy_fill_defaults(t->global, t->nglobal, &a->global);
}

/* Check attrs against specs; the first problem goes to err. */
static int
check_attrs(const struct bx_attr_spec *specs, int nspecs, const struct bx_attrs *as,
            const char *where, int flags, struct bx_err *err)
{
	const struct bx_attr_spec *s;
	struct bx_err e;
	int i;

	for (i = 0; i < as->n; i++) {
		s = bx_tx_find_spec(specs, nspecs, as->a[i].key);
		if (s == NULL)
			return bx_err_set(err, BX_EINVAL, "%s: unknown attribute \"%.60s\"", where,
			    as->a[i].key);
		bx_err_clear(&e);
		if (bx_taxonomy_check_value(s, &as->a[i].v, &e) != 0)
			return bx_err_set(err, BX_EINVAL, "%s: attribute \"%.60s\": %s", where,
			    as->a[i].key, e.msg);
	}
	for (i = 0; i < nspecs && !(flags & BX_CHECK_PARTIAL); i++)
		if (specs[i].required && bx_attrs_get(as, specs[i].name) == NULL)
			return bx_err_set(err, BX_EINVAL, "%s: required attribute \"%.60s\" is missing",
			    where, specs[i].name);
	return 0;
}

/* Normalized and percent formats (YOLO, Label Studio) round coordinates;
 * reading them back may overshoot an edge by a hair. A hundredth of a pixel
 * is invisible and keeps such round trips exact. */
static int
check_annot(const struct bx_taxonomy *t, const struct bx_annot *an, int idx, int width,
            int height, int flags, struct bx_err *err)
{
	const struct bx_class *c = bx_taxonomy_class(t, an->cls);
	const struct bx_geom_kind *k;
	char where[160], why[200];

	if (c == NULL)
		return bx_err_set(err, BX_EINVAL, "annotations[%d]: unknown class \"%.60s\"", idx,
		    an->cls ? an->cls : "");
	snprintf(where, sizeof where, "annotations[%d] (%.60s)", idx, an->cls);
	if (!(c->geoms & (int)an->geom))
		return bx_err_set(err, BX_EINVAL, "%s: %s %s is not allowed for this class",
		    where, bx_geom_article(an->geom), bx_geom_name(an->geom));
	/* A skeleton has the points its class names, no more, no fewer. */
	if (an->vis != NULL && an->npts != c->nkpts)
		return bx_err_set(err, BX_EINVAL, "%s: the skeleton has %d points, the class names %d",
		    where, an->npts, c->nkpts);
	k = bx_geom_kind(an->geom);
	if (k != NULL && k->check(an, width, height, why, sizeof why) != 0)
		return bx_err_set(err, BX_EINVAL, "%s: %s", where, why);
	return check_attrs(c->attrs, c->nattrs, &an->attrs, where, flags, err);
}

int
bx_taxonomy_check_answer(const struct bx_taxonomy *t, const struct bx_answer *a, int width,
                         int height, struct bx_err *err)
{
	return bx_taxonomy_check_answer_flags(t, a, width, height, 0, err);
}

int
bx_taxonomy_check_answer_flags(const struct bx_taxonomy *t, const struct bx_answer *a,
                               int width, int height, int flags, struct bx_err *err)
{
	struct bx_err first, e;
	int i, nbad = 0;

	/* Before anything walks the objects: a refused answer costs no more
	 * than counting. */
	if (bx_answer_check_limits(a, &t->limits, err) != 0)
		return BX_ELIMIT;
	bx_err_clear(&first);
	for (i = 0; i < a->n; i++) {
		bx_err_clear(&e);
		if (check_annot(t, &a->a[i], i, width, height, flags, &e) != 0 && nbad++ == 0)
			first = e;
	}
	bx_err_clear(&e);
	if (check_attrs(t->global, t->nglobal, &a->global, "global", flags, &e) != 0 &&
	    nbad++ == 0)
		first = e;
	if (nbad == 0)
		return 0;
	if (nbad > 1)
		return bx_err_set(err, BX_EINVAL, "%s (and %d more problem%s)", first.msg, nbad - 1,
		    nbad > 2 ? "s" : "");
	return bx_err_set(err, BX_EINVAL, "%s", first.msg);
}

static void
coerce_one(const struct bx_attr_spec *s, struct bx_value *v)
{
	struct bx_value nv;
	char buf[64], *end, *p, *tok;
	double d;

	memset(&nv, 0, sizeof nv);
	if (s->type == BX_ATTR_BOOL && v->type == BX_VAL_STR && v->str != NULL) {
		if (strcmp(v->str, "true") == 0 || strcmp(v->str, "1") == 0 ||
		    strcmp(v->str, "yes") == 0)
			nv.type = BX_VAL_BOOL, nv.b = 1;
		else if (strcmp(v->str, "false") == 0 || strcmp(v->str, "0") == 0 ||
		    strcmp(v->str, "no") == 0)
			nv.type = BX_VAL_BOOL, nv.b = 0;
	} else if (s->type == BX_ATTR_NUMBER && v->type == BX_VAL_STR && v->str != NULL &&
	    v->str[0] != '\0') {
		d = strtod(v->str, &end);
		if (*end == '\0' && isfinite(d))
			nv.type = BX_VAL_NUM, nv.num = d;
	} else if (s->type == BX_ATTR_MULTI && v->type == BX_VAL_STR && v->str != NULL) {
		nv.type = BX_VAL_LIST;
		p = bx_strdup(v->str);
		for (tok = strtok(p, ","); tok != NULL; tok = strtok(NULL, ",")) {
			while (*tok == ' ')
				tok++;
			if (*tok == '\0')
				continue;
			nv.list = bx_realloc(nv.list, sizeof(char *) * (size_t)(nv.nlist + 1));
			nv.list[nv.nlist++] = bx_strdup(tok);
		}
		free(p);
	} else if ((s->type == BX_ATTR_CHOICE || s->type == BX_ATTR_TEXT) &&
	    (v->type == BX_VAL_NUM || v->type == BX_VAL_BOOL)) {
		if (v->type == BX_VAL_BOOL)
			snprintf(buf, sizeof buf, "%s", v->b ? "true" : "false");
		else
			snprintf(buf, sizeof buf, "%.17g", v->num);
		nv.type = BX_VAL_STR;
		nv.str = bx_strdup(buf);
	}
	if (nv.type != BX_VAL_NONE) {
		bx_value_free(v);
		bx_value_copy(v, &nv); /* copy sorts multi lists */
		bx_value_free(&nv);
	}
}

void
bx_taxonomy_coerce(const struct bx_attr_spec *specs, int nspecs, struct bx_attrs *as)
{
	const struct bx_attr_spec *s;
	int i;

	for (i = 0; i < as->n; i++)
		if ((s = bx_tx_find_spec(specs, nspecs, as->a[i].key)) != NULL)
			coerce_one(s, &as->a[i].v);
}
