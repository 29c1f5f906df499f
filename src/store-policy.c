/* store-policy.c: the settings quality reads and the one attribute policy
 * of scoring: numeric settings with their bounds, the score options, the
 * canonical form of answers (an unset attribute is the taxonomy's default)
 * and the policy applied to both sides before a comparison. The pure
 * scoring is the quality module; this file feeds it the store's rules. */
#include <locale.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "boxel/codec.h"
#include "boxel/formats.h"
#include "boxel/taxonomy.h"
#include "boxel/util.h"
#include "boxel/aggregate.h"
#include "store-int.h"
#include "store-quality-int.h"

/* ---- settings ---- */

int
bx_st_setting_num(struct bx_store *st, const char *key, double lo, double hi, double *out,
            struct bx_err *err)
{
	static locale_t cloc;
	char *v, *end;
	double d;
	int rc;

	if ((rc = bx_store_setting_get(st, key, &v, err)) < 0)
		return rc;
	if (cloc == (locale_t)0)
		cloc = newlocale(LC_NUMERIC_MASK, "C", (locale_t)0);
	d = strtod_l(v, &end, cloc);
	if (end == v || *end != '\0' || !isfinite(d) || d < lo || d > hi) {
		rc = bx_err_set(err, BX_EINVAL, "setting %s: '%s' is not a number in %g..%g", key,
		    v, lo, hi);
		free(v);
		return rc;
	}
	free(v);
	*out = d;
	return 0;
}

int
bx_st_score_opts(struct bx_store *st, struct bx_score_opts *o, struct bx_err *err)
{
	int rc;

	bx_score_opts_default(o);
	if ((rc = bx_st_setting_num(st, "iou_threshold", 1e-9, 1, &o->iou, err)) < 0 ||
	    (rc = bx_st_setting_num(st, "line_thickness", 1e-9, 1000, &o->line_thickness, err)) < 0)
		return rc;
	return bx_st_score_sigmas(st, o, err);
}

/* Keep only the attributes named in the comma list (empty: none). */
static void
attrs_keep(struct bx_attrs *as, const char *list)
{
	static const struct bx_value none = { .type = BX_VAL_NONE };
	size_t kl;
	const char *p;
	int i, keep;

	for (i = as->n - 1; i >= 0; i--) {
		kl = strlen(as->a[i].key);
		keep = 0;
		for (p = list; *p && !keep; p += strcspn(p, ","), p += *p == ',')
			keep = strcspn(p, ",") == kl && strncmp(p, as->a[i].key, kl) == 0;
		if (!keep)
			bx_attrs_set(as, as->a[i].key, &none);
	}
}

/* The one attribute policy of scoring, applied to both sides: answers in
 * canonical form (an unset attribute is the taxonomy's default, whoever
 * wrote the answer: import, screen, submit, gold), then only what the
 * setting compare_attributes names: all (default), none, or a comma list
 * (CVAT's compare_attributes). A store without a usable taxonomy skips the
 * first step. */
/* The n answers in canonical form (an unset attribute is the taxonomy's
 * default): what scoring, consensus and agreement compare. A store
 * without a usable taxonomy leaves them as they are. */
int
bx_st_canonical(struct bx_store *st, struct bx_answer *const *ans, int n, struct bx_err *err)
{
	struct bx_taxonomy *t = NULL;
	struct bx_err terr = { 0 };
	char *text;
	int rc, i;

	if (n == 0)
		return 0;
	if ((rc = bx_store_setting_get(st, "taxonomy", &text, err)) < 0)
		return rc;
	if (*text && bx_taxonomy_load_text(text, "taxonomy (project)", &t, &terr) == 0) {
		for (i = 0; i < n; i++)
			bx_taxonomy_canonical(t, ans[i]);
		bx_taxonomy_free(t);
	}
	free(text);
	return 0;
}

int
bx_st_score_policy(struct bx_store *st, struct bx_answer *gold, struct bx_answer *lab,
             struct bx_err *err)
{
	static const struct bx_value none = { .type = BX_VAL_NONE };
	struct bx_answer *sides[2] = { gold, lab };
	struct bx_attrs said;
	char *cmp;
	int rc, k, i;

	/* A global attribute is scored where the gold states it. Filled in
	 * from a default it would be a free TP to every labeler on gold made
	 * without globals (standard COCO), lifting a labeler who draws nothing
	 * to 0.5 accuracy; the labeler's side is canonical, so leaving a
	 * default unset still equals a gold that states the default. */
	bx_attrs_copy(&said, &gold->global);
	rc = bx_st_canonical(st, sides, 2, err);
	for (i = gold->global.n - 1; rc == 0 && i >= 0; i--)
		if (bx_attrs_get(&said, gold->global.a[i].key) == NULL)
			bx_attrs_set(&gold->global, gold->global.a[i].key, &none);
	bx_attrs_free(&said);
	if (rc < 0)
		return rc;
	if ((rc = bx_store_setting_get(st, "compare_attributes", &cmp, err)) < 0)
		return rc;
	if (strcmp(cmp, "all") != 0)
		for (k = 0; k < 2; k++) {
			for (i = 0; i < sides[k]->n; i++)
				attrs_keep(&sides[k]->a[i].attrs, strcmp(cmp, "none") ? cmp : "");
			attrs_keep(&sides[k]->global, strcmp(cmp, "none") ? cmp : "");
		}
	free(cmp);
	return 0;
}

int
bx_store_canonical(struct bx_store *st, struct bx_answer *const *ans, int n, struct bx_err *err)
{
	return bx_st_canonical(st, ans, n, err);
}

int
bx_store_score_policy(struct bx_store *st, struct bx_answer *gold, struct bx_answer *lab,
                      struct bx_err *err)
{
	return bx_st_score_policy(st, gold, lab, err);
}

/* The quality workspace lives with the connection: grown once, kept. */
struct bx_quality_ws *
bx_st_qws(struct bx_store *st)
{
	if (st->qws == NULL)
		st->qws = bx_quality_ws_new();
	return st->qws;
}
