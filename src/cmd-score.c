/* cmd-score.c: `boxel score GOLD.json LABELS.json [--iou T] [--taxonomy FILE] [--json]`:
 * COCO annotations (or COCO results) scored against COCO gold, image by
 * image and in total, with the same code that scores gold tasks in the
 * queue (quality.c). No store involved. */
#include <getopt.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "boxel/cli.h"
#include "boxel/formats.h"
#include "boxel/quality.h"
#include "boxel/taxonomy.h"
#include "boxel/util.h"

extern const struct bx_cmd bx_cmd_score;

#define SCORE_MAX_FILE (1024u << 20)

/* What the COCO reader must allow for scoring: a multi-polygon annotation
 * is one object (its union is scored), images need only ids (a labels file
 * may list its own), and labels may name images the gold lacks. */
#define SCORE_COCO_FLAGS (BX_COCO_GROUPS | BX_COCO_IDS_ONLY | BX_COCO_NEW_IMAGES)

/* Read a COCO file (gold: gold == NULL) or labels / results against gold.
 * Scoring wants every object: any refused item fails the file. */
static int
load(const char *path, const struct bx_dataset *gold, struct bx_dataset *out)
{
	struct bx_err err = { 0 };
	char *text;
	size_t len;
	int rc;

	bx_dataset_init(out);
	rc = bx_read_file(path, SCORE_MAX_FILE, &text, &len, &err);
	if (rc) {
		bx_cli_error("%s: %s", path, err.msg);
		return rc;
	}
	if (strlen(text) != len) {
		bx_cli_error("%s: contains a NUL byte", path);
		free(text);
		return BX_EINVAL;
	}
	rc = bx_coco_read_with(text, path, gold, SCORE_COCO_FLAGS, out, &err);
	free(text);
	if (rc) {
		bx_cli_error("%s", err.msg);
		return rc;
	}
	if (gold == NULL && out->results)
		bx_cli_error("%s: a results list (no images or categories) cannot be the gold", path);
	else if (out->nerrors > 0)
		bx_cli_error("%s", out->errors[0]);
	else
		return 0;
	bx_dataset_free(out);
	return BX_EINVAL;
}

/* One image's annotations as objects to score, image tags left out (COCO
 * images carry no classes of their own). The polygons of one group become
 * one object of several rings, copied into pts / ring_end (at[k]: where
 * object k's copy starts, -1 for none); everything else points into the
 * image. Storage is reused image after image. */
struct objs {
	struct bx_qobj *o;
	int *at;
	int n, cap;
	struct bx_pt *pts;
	int npts, ptcap;
	int *ring_end;
	int nring, ringcap;
};

static void
objs_free(struct objs *s)
{
	free(s->o);
	free(s->at);
	free(s->pts);
	free(s->ring_end);
}

/* Copy polygons a[0..n) as the rings of one object. */
static void
objs_rings(struct objs *s, const struct bx_annot *a, int n)
{
	int r, base = s->npts;

	if (s->nring + n > s->ringcap) {
		s->ringcap = (s->nring + n) * 2;
		s->ring_end = bx_realloc(s->ring_end, sizeof(int) * (size_t)s->ringcap);
	}
	for (r = 0; r < n; r++) {
		if (s->npts + a[r].npts > s->ptcap) {
			s->ptcap = (s->npts + a[r].npts) * 2;
			s->pts = bx_realloc(s->pts, sizeof *s->pts * (size_t)s->ptcap);
		}
		memcpy(s->pts + s->npts, a[r].pts, sizeof *s->pts * (size_t)a[r].npts);
		s->npts += a[r].npts;
		s->ring_end[s->nring++] = s->npts - base;
	}
}

static void
objs_fill(struct objs *s, const struct bx_ds_image *im)
{
	const struct bx_annot *an;
	struct bx_qobj *q;
	int k, e;

	s->n = s->npts = s->nring = 0;
	for (k = 0; im != NULL && k < im->ans.n; k = e) {
		an = &im->ans.a[k];
		for (e = k + 1; im->group && an->geom == BX_GEOM_POLYGON && e < im->ans.n &&
		    im->ans.a[e].geom == BX_GEOM_POLYGON && im->group[e] == im->group[k]; e++)
			;
		if (an->geom == BX_GEOM_TAG)
			continue;
		if (s->n == s->cap) {
			s->cap = s->cap ? s->cap * 2 : 64;
			s->o = bx_realloc(s->o, sizeof *s->o * (size_t)s->cap);
			s->at = bx_realloc(s->at, sizeof(int) * (size_t)s->cap * 2);
		}
		q = &s->o[s->n];
		bx_qobj_from_annot(q, an);
		s->at[2 * s->n] = s->at[2 * s->n + 1] = -1;
		if (e > k + 1) {
			s->at[2 * s->n] = s->npts;
			s->at[2 * s->n + 1] = s->nring;
			objs_rings(s, an, e - k);
			q->npts = s->ring_end[s->nring - 1];
			q->nrings = e - k;
		}
		s->n++;
	}
	/* the copies are complete: point into them */
	for (k = 0; k < s->n; k++) {
		if (s->at[2 * k] < 0)
			continue;
		s->o[k].pts = s->pts + s->at[2 * k];
		s->o[k].ring_end = s->ring_end + s->at[2 * k + 1];
	}
}

static int
cmp_id(const void *a, const void *b)
{
	int64_t p = *(const int64_t *)a, q = *(const int64_t *)b;

	return (p > q) - (p < q);
}

/* Every image id of both files, sorted and distinct. */
static int64_t *
all_ids(const struct bx_dataset *g, const struct bx_dataset *l, int *n_out)
{
	int64_t *ids = bx_malloc(sizeof(int64_t) * (size_t)(g->n + l->n + 1));
	int i, n = 0, k = 0;

	for (i = 0; i < g->n; i++)
		ids[n++] = g->img[i].id;
	for (i = 0; i < l->n; i++)
		ids[n++] = l->img[i].id;
	qsort(ids, (size_t)n, sizeof *ids, cmp_id);
	for (i = 0; i < n; i++)
		if (k == 0 || ids[i] != ids[k - 1])
			ids[k++] = ids[i];
	*n_out = k;
	return ids;
}

static void
put_ratio(struct bx_buf *b, const char *key, int defined, double v)
{
	bx_buf_printf(b, ",\"%s\":", key);
	if (defined)
		bx_json_put_num(b, v);
	else
		bx_buf_puts(b, "null");
}

static void
put_score(struct bx_buf *b, const struct bx_score *s)
{
	double v = 0;
	int d;

	bx_buf_printf(b, "\"tp\":%ld,\"mismatch\":%ld,\"fp\":%ld,\"fn\":%ld", s->tp, s->mismatch,
	    s->fp, s->fn);
	d = bx_score_precision(s, &v);
	put_ratio(b, "precision", d, v);
	d = bx_score_recall(s, &v);
	put_ratio(b, "recall", d, v);
	d = bx_score_accuracy(s, &v);
	put_ratio(b, "accuracy", d, v);
	d = bx_score_mean_iou(s, &v);
	put_ratio(b, "mean_iou", d, v);
}

/* One ratio as text, "-" when undefined. */
static void
cell(char *buf, size_t sz, int (*ratio)(const struct bx_score *, double *),
     const struct bx_score *s)
{
	double v;

	if (ratio(s, &v))
		snprintf(buf, sz, "%.4f", v);
	else
		snprintf(buf, sz, "-");
}

static void
put_row(struct bx_buf *b, const char *label, const struct bx_score *s)
{
	char p[32], r[32], a[32], m[32];

	cell(p, sizeof p, bx_score_precision, s);
	cell(r, sizeof r, bx_score_recall, s);
	cell(a, sizeof a, bx_score_accuracy, s);
	cell(m, sizeof m, bx_score_mean_iou, s);
	bx_buf_printf(b, "%-12s %6ld %8ld %6ld %6ld %9s %9s %9s %9s\n", label, s->tp, s->mismatch,
	    s->fp, s->fn, p, r, a, m);
}

static const struct bx_ds_image *
find(const struct bx_dataset *ds, int64_t id)
{
	int i = bx_dataset_find(ds, id);

	return i < 0 ? NULL : &ds->img[i];
}

static int
run(const char *gpath, const char *lpath, double iou, const struct bx_taxonomy *tax, int json)
{
	struct bx_kpt_sigmas *sig;
	struct bx_dataset g, l;
	struct objs go = { 0 }, lo = { 0 };
	struct bx_quality_ws *ws;
	struct bx_score_opts o;
	struct bx_score s, total = { 0 };
	struct bx_buf b;
	int64_t *ids, id;
	int i, nids, nimg = 0, rc = BX_EXIT_OK;
	char label[32];

	if (load(gpath, NULL, &g))
		return BX_EXIT_USAGE;
	if (load(lpath, &g, &l)) {
		bx_dataset_free(&g);
		return BX_EXIT_USAGE;
	}
	bx_score_opts_default(&o);
	o.iou = iou;
	/* the skeleton classes' sigmas (none without --taxonomy) */
	o.sigmas = sig = bx_kpt_sigmas_of(tax, &o.nsigmas);
	ws = bx_quality_ws_new();
	bx_buf_init(&b);
	if (json)
		bx_buf_puts(&b, "\"images\":[");
	else
		bx_buf_printf(&b, "%-12s %6s %8s %6s %6s %9s %9s %9s %9s\n", "image", "tp", "mismatch",
		    "fp", "fn", "precision", "recall", "accuracy", "mean_iou");

	/* Image by image over the union of both files' ids. */
	ids = all_ids(&g, &l, &nids);
	for (i = 0; i < nids; i++) {
		id = ids[i];
		objs_fill(&go, find(&g, id));
		objs_fill(&lo, find(&l, id));
		if (bx_score_objs(ws, go.o, go.n, lo.o, lo.n, &o, &s, NULL) < 0) {
			bx_cli_error("score: image %lld: %d gold x %d labeled objects is more than "
			    "boxel scores in one image (%.0f pairs)", (long long)id, go.n, lo.n,
			    BX_SCORE_MAX_PAIRS);
			rc = BX_EXIT_USAGE;
			break;
		}
		bx_score_add(&total, &s);
		nimg++;
		if (json) {
			bx_buf_printf(&b, "%s{\"image_id\":%lld,", i == 0 ? "" : ",", (long long)id);
			put_score(&b, &s);
			bx_buf_putc(&b, '}');
		} else {
			snprintf(label, sizeof label, "%lld", (long long)id);
			put_row(&b, label, &s);
		}
	}
	/* Everything was built in memory: a failure prints nothing but the error. */
	if (rc != BX_EXIT_OK) {
		/* nothing */
	} else if (json) {
		bx_buf_puts(&b, "]");
		fputs("{\"total\":{", stdout);
		{
			struct bx_buf t;

			bx_buf_init(&t);
			put_score(&t, &total);
			fputs(t.p, stdout);
			bx_buf_free(&t);
		}
		printf("},%s}\n", b.p);
	} else {
		put_row(&b, "total", &total);
		fputs(b.p, stdout);
		printf("%d image%s, IoU threshold %g\n", nimg, nimg == 1 ? "" : "s", iou);
	}
	bx_buf_free(&b);
	bx_quality_ws_free(ws);
	free(sig);
	free(ids);
	objs_free(&go);
	objs_free(&lo);
	bx_dataset_free(&g);
	bx_dataset_free(&l);
	return rc;
}

static int
cmd_score_exec(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "iou", required_argument, NULL, 'i' },
		{ "json", no_argument, NULL, 'j' },
		{ "taxonomy", required_argument, NULL, 't' },
		{ 0, 0, 0, 0 },
	};
	struct bx_taxonomy *tax = NULL;
	struct bx_err err = { 0 };
	double iou = BX_IOU_DEFAULT;
	const char *taxpath = NULL;
	char *end;
	int c, rc, json = 0;

	optind = 1;
	while ((c = getopt_long(argc, argv, "", opts, NULL)) != -1) {
		switch (c) {
		case 'i':
			iou = strtod(optarg, &end);
			if (end == optarg || *end != '\0' || !(iou > 0 && iou <= 1)) {
				bx_cli_error("score: --iou must be a number in (0, 1], got '%s'", optarg);
				return BX_EXIT_USAGE;
			}
			break;
		case 'j':
			json = 1;
			break;
		case 't':
			taxpath = optarg;
			break;
		default:
			return bx_cli_usage(&bx_cmd_score);
		}
	}
	if (argc - optind != 2)
		return bx_cli_usage(&bx_cmd_score);
	if (taxpath != NULL && bx_taxonomy_load_file(taxpath, &tax, &err) < 0) {
		bx_cli_error("score: %s", err.msg);
		return BX_EXIT_USAGE;
	}
	rc = run(argv[optind], argv[optind + 1], iou, tax, json);
	bx_taxonomy_free(tax);
	return rc;
}

const struct bx_cmd bx_cmd_score = {
	.name = "score",
	.usage = "GOLD.json LABELS.json [--iou T] [--taxonomy FILE] [--json]",
	.summary = "score COCO annotations or results against COCO gold",
	.help =
	    "  --iou T    minimum IoU of a match, in (0, 1] (default 0.5)\n"
	    "  --taxonomy FILE  skeletons: OKS with the sigmas of FILE's class of\n"
	    "             the gold's category name (default: COCO's person sigmas for\n"
	    "             17 points, else 0.067 a point)\n"
	    "  --json     print {\"total\": {...}, \"images\": [{\"image_id\": N, ...}]}\n"
	    "\n"
	    "Per image and in total: tp, mismatch (matched, other class or attributes),\n"
	    "fp, fn, precision = tp/(tp+mismatch+fp), recall = tp/(tp+mismatch+fn),\n"
	    "accuracy = tp/(tp+mismatch+fp+fn), mean IoU of matches; '-' (null in JSON)\n"
	    "when undefined. LABELS may be a COCO results list whose category ids are\n"
	    "GOLD's. Images in only one file are counted. Malformed input: exit 2.\n",
	.min_role = BX_ROLE_ADMIN,
	.exec = cmd_score_exec,
};
