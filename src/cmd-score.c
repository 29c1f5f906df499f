/* cmd-score.c: `boxel score GOLD.json LABELS.json [--iou T] [--json]`:
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
#include "boxel/util.h"
#include "fmt-coco-score.h"

extern const struct bx_cmd bx_cmd_score;

#define SCORE_MAX_FILE (1024u << 20)

static int
load(const char *path, const struct bx_scoreset *gold, struct bx_scoreset *out)
{
	struct bx_err err = { 0 };
	char *text;
	size_t len;
	int rc;

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
	rc = bx_scoreset_read(text, path, gold, out, &err);
	free(text);
	if (rc)
		bx_cli_error("%s", err.msg);
	return rc;
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

static int
run(const char *gpath, const char *lpath, double iou, int json)
{
	struct bx_scoreset g, l;
	struct bx_quality_ws *ws;
	struct bx_score_opts o;
	struct bx_score s, total = { 0 };
	struct bx_buf b;
	int gi = 0, li = 0, go = 0, lo = 0, gn, ln, nimg = 0, first = 1, rc = BX_EXIT_OK;
	int64_t id;
	char label[32];

	if (load(gpath, NULL, &g))
		return BX_EXIT_USAGE;
	if (load(lpath, &g, &l)) {
		bx_scoreset_free(&g);
		return BX_EXIT_USAGE;
	}
	bx_score_opts_default(&o);
	o.iou = iou;
	ws = bx_quality_ws_new();
	bx_buf_init(&b);
	if (json)
		bx_buf_puts(&b, "\"images\":[");
	else
		bx_buf_printf(&b, "%-12s %6s %8s %6s %6s %9s %9s %9s %9s\n", "image", "tp", "mismatch",
		    "fp", "fn", "precision", "recall", "accuracy", "mean_iou");

	/* Walk the union of both files' image ids (both sorted). */
	while (gi < g.nimg || li < l.nimg) {
		if (li >= l.nimg || (gi < g.nimg && g.img[gi] < l.img[li]))
			id = g.img[gi++];
		else if (gi >= g.nimg || l.img[li] < g.img[gi])
			id = l.img[li++];
		else {
			id = g.img[gi++];
			li++;
		}
		for (gn = 0; go + gn < g.nobj && g.obj_img[go + gn] == id; gn++)
			;
		for (ln = 0; lo + ln < l.nobj && l.obj_img[lo + ln] == id; ln++)
			;
		if (bx_score_objs(ws, g.obj + go, gn, l.obj + lo, ln, &o, &s, NULL) < 0) {
			bx_cli_error("score: image %lld: %d gold x %d labeled objects is more than "
			    "boxel scores in one image (%.0f pairs)", (long long)id, gn, ln,
			    BX_SCORE_MAX_PAIRS);
			rc = BX_EXIT_USAGE;
			break;
		}
		go += gn;
		lo += ln;
		bx_score_add(&total, &s);
		nimg++;
		if (json) {
			bx_buf_printf(&b, "%s{\"image_id\":%lld,", first ? "" : ",", (long long)id);
			put_score(&b, &s);
			bx_buf_putc(&b, '}');
		} else {
			snprintf(label, sizeof label, "%lld", (long long)id);
			put_row(&b, label, &s);
		}
		first = 0;
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
	bx_scoreset_free(&g);
	bx_scoreset_free(&l);
	return rc;
}

static int
cmd_score_exec(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "iou", required_argument, NULL, 'i' },
		{ "json", no_argument, NULL, 'j' },
		{ 0, 0, 0, 0 },
	};
	double iou = BX_IOU_DEFAULT;
	char *end;
	int c, json = 0;

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
		default:
			return bx_cli_usage(&bx_cmd_score);
		}
	}
	if (argc - optind != 2)
		return bx_cli_usage(&bx_cmd_score);
	return run(argv[optind], argv[optind + 1], iou, json);
}

const struct bx_cmd bx_cmd_score = {
	.name = "score",
	.usage = "GOLD.json LABELS.json [--iou T] [--json]",
	.summary = "score COCO annotations or results against COCO gold",
	.help =
	    "  --iou T    minimum IoU of a match, in (0, 1] (default 0.5)\n"
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
