/* cmd-batch.c: `boxel batch create|list|show`: sets of tasks of one kind
 * (self, calibration, production, training) with their overlap, gold rate
 * and priority. Creating a batch queues overlap judgments per task. */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "boxel/cli.h"
#include "boxel/formats.h"
#include "boxel/util.h"
#include "store-cli.h"

extern const struct bx_cmd bx_cmd_batch;

/* One image path per line; blank lines and '#' comments skipped, CR LF
 * accepted. Lines are checked here so the error names FILE:LINE. */
static int
read_list(const char *path, char **text_out, char ***lines_out, int *n_out)
{
	struct bx_err err = { 0 };
	char *text, *p, *e, **v = NULL;
	size_t len;
	int n = 0, line = 0;

	if (bx_read_file(path, 64u << 20, &text, &len, &err) < 0) {
		bx_cli_error("--tasks %s: %s", path, err.msg);
		return -1;
	}
	if (strlen(text) != len) {
		bx_cli_error("--tasks %s: contains a NUL byte", path);
		free(text);
		return -1;
	}
	for (p = text; *p; p = e) {
		line++;
		e = strchr(p, '\n');
		if (e != NULL)
			*e++ = '\0';
		else
			e = p + strlen(p);
		if (*p && p[strlen(p) - 1] == '\r')
			p[strlen(p) - 1] = '\0';
		if (*p == '\0' || *p == '#')
			continue;
		if (!bx_path_is_safe_relative(p)) {
			bx_cli_error("%s:%d: '%s' is not a path relative to the image root", path,
			    line, p);
			free(v);
			free(text);
			return -1;
		}
		v = bx_realloc(v, (size_t)(n + 1) * sizeof *v);
		v[n++] = p;
	}
	if (n == 0) {
		bx_cli_error("--tasks %s: no image paths in the file", path);
		free(v);
		free(text);
		return -1;
	}
	*text_out = text;
	*lines_out = v;
	*n_out = n;
	return 0;
}

static int
batch_create(struct bx_store *st, int argc, char **argv)
{
	static const struct option opts[] = {
		{ "kind", required_argument, NULL, 'k' },
		{ "overlap", required_argument, NULL, 'o' },
		{ "gold-rate", required_argument, NULL, 'g' },
		{ "priority", required_argument, NULL, 'p' },
		{ "tasks", required_argument, NULL, 't' },
		{ 0, 0, 0, 0 },
	};
	struct bx_batch_new b = { .overlap = 1, .tasks = BX_BATCH_UNBATCHED };
	struct bx_err err = { 0 };
	const char *tasks = "unbatched";
	char *text = NULL, **lines = NULL, gr[32];
	long v;
	int c, n = 0, rc;

	optind = 1;
	while ((c = getopt_long(argc, argv, "", opts, NULL)) != -1) {
		switch (c) {
		case 'k': b.kind = optarg; break;
		case 'o':
			if (bx_cli_parse_long(optarg, "--overlap", 1, 1000, &v) < 0)
				return BX_EXIT_USAGE;
			b.overlap = (int)v;
			break;
		case 'g':
			if (bx_cli_parse_double(optarg, "--gold-rate", 0, 1, &b.gold_rate) < 0)
				return BX_EXIT_USAGE;
			break;
		case 'p':
			if (bx_cli_parse_long(optarg, "--priority", -1000000, 1000000, &v) < 0)
				return BX_EXIT_USAGE;
			b.priority = (int)v;
			break;
		case 't': tasks = optarg; break;
		default: return bx_cli_usage(&bx_cmd_batch);
		}
	}
	if (optind != argc - 1 || b.kind == NULL) {
		bx_cli_error("batch create: give NAME and --kind self|calibration|production|training");
		return BX_EXIT_USAGE;
	}
	b.name = argv[optind];
	if (strcmp(tasks, "all") == 0) {
		b.tasks = BX_BATCH_ALL;
	} else if (strcmp(tasks, "unbatched") == 0) {
		b.tasks = BX_BATCH_UNBATCHED;
	} else {
		if (read_list(tasks, &text, &lines, &n) < 0)
			return BX_EXIT_USAGE;
		b.tasks = BX_BATCH_LIST;
		b.images = (const char *const *)lines;
		b.nimages = n;
	}
	rc = bx_store_batch_create(st, &b, bx_cli_actor(), bx_now_ms(), NULL, &n, &err);
	free(lines);
	free(text);
	if (rc < 0) {
		bx_err_prefix(&err, "batch create %s", b.name);
		return bx_cli_store_fail(&err);
	}
	printf("created batch %s (%s): %d task%s x overlap %d = %d judgments, gold rate %s, "
	    "priority %d\n", b.name, b.kind, n, n == 1 ? "" : "s", b.overlap, n * b.overlap,
	    bx_cli_num(gr, sizeof gr, "%g", b.gold_rate), b.priority);
	return BX_EXIT_OK;
}

static void
batch_json(struct bx_buf *o, const struct bx_batch *b)
{
	int k;

	bx_buf_puts(o, "{\"name\":");
	bx_json_put_str(o, b->name);
	bx_buf_puts(o, ",\"kind\":");
	bx_json_put_str(o, b->kind);
	bx_buf_printf(o, ",\"overlap\":%d,\"gold_rate\":", b->overlap);
	bx_json_put_num(o, b->gold_rate);
	bx_buf_printf(o, ",\"priority\":%d,\"created_ms\":%lld,\"tasks\":%d,\"gold_tasks\":%d,"
	    "\"judgments\":{", b->priority, (long long)b->created_ms, b->ntasks, b->ngold);
	for (k = 0; k < BX_J_NSTATES; k++)
		bx_buf_printf(o, "%s\"%s\":%d", k ? "," : "", bx_jstate_name(k), b->count[k]);
	bx_buf_puts(o, "}}");
}

/* Gold is each labeler's own (store-queue.c) and sits outside the
 * overlap: progress counts the ordinary work only. A rejected judgment is
 * not done work: its task got a new replica, which counts once submitted
 * (else "45 of 42 done" with work still open). */
static int
batch_list(struct bx_store *st, int argc, char **argv, int show)
{
	static const struct option opts[] = {
		{ "json", no_argument, NULL, 'j' },
		{ 0, 0, 0, 0 },
	};
	struct bx_err err = { 0 };
	struct bx_batch *bs = NULL, one;
	struct bx_batch_quality q;
	struct bx_gold_left *gl = NULL;
	struct bx_buf o;
	char gr[32];
	int c, n, i, k, json = 0, rc, ngl = 0;

	optind = 1;
	while ((c = getopt_long(argc, argv, "", opts, NULL)) != -1) {
		if (c != 'j')
			return bx_cli_usage(&bx_cmd_batch);
		json = 1;
	}
	if (optind != argc - (show ? 1 : 0)) {
		bx_cli_error(show ? "batch show: give NAME" : "batch list takes no arguments");
		return BX_EXIT_USAGE;
	}
	if (show) {
		rc = bx_store_batch_get(st, argv[optind], &one, &err);
		if (rc == 0) {
			bs = bx_malloc(sizeof *bs);
			bs[0] = one;
		}
		n = 1;
	} else {
		rc = bx_store_batch_list(st, &bs, &n, &err);
	}
	if (rc < 0)
		return bx_cli_store_fail(&err);
	if (show && ((rc = bx_store_batch_quality(st, bs[0].name, &q, &err)) < 0 ||
	    (rc = bx_store_gold_left(st, bs[0].name, NULL, &gl, &ngl, &err)) < 0)) {
		bx_batches_free(bs, n);
		return bx_cli_store_fail(&err);
	}
	bx_buf_init(&o);
	if (json) {
		if (!show)
			bx_buf_putc(&o, '[');
		for (i = 0; i < n; i++) {
			if (i)
				bx_buf_putc(&o, ',');
			batch_json(&o, &bs[i]);
		}
		if (show) {
			/* batch_json closed the object: reopen it for "quality". */
			o.p[--o.len] = '\0';
			bx_buf_puts(&o, ",\"quality\":");
			bx_cli_batch_quality_json(&o, &q);
			bx_buf_puts(&o, ",\"gold_left\":[");
			for (i = 0; i < ngl; i++) {
				bx_buf_puts(&o, i ? ",{\"labeler\":" : "{\"labeler\":");
				bx_json_put_str(&o, gl[i].labeler);
				bx_buf_printf(&o, ",\"pool\":%d,\"done\":%d,\"left\":%d}",
				    gl[i].pool, gl[i].done, gl[i].left);
			}
			bx_buf_puts(&o, "]}");
		}
		bx_buf_puts(&o, show ? "\n" : "]\n");
	} else if (show) {
		const struct bx_batch *b = &bs[0];
		bx_buf_printf(&o, "batch      %s\nkind       %s\ntasks      %d (%d gold)\n"
		    "overlap    %d\ngold rate  %s\npriority   %d\nprogress   %d of %d judgments done\n",
		    b->name, b->kind, b->ntasks, b->ngold, b->overlap,
		    bx_cli_num(gr, sizeof gr, "%g", b->gold_rate), b->priority, bx_batch_done(b),
		    bx_batch_want(b));
		for (k = 0; k < BX_J_NSTATES; k++)
			bx_buf_printf(&o, "  %-10s %d\n", bx_jstate_name(k), b->count[k]);
		if (b->overlap > 1 || q.ncomplete > 0) {
			bx_buf_printf(&o, "consensus  %d task%s, %d need%s review (agreement < bar)\n",
			    q.ncomplete, q.ncomplete == 1 ? "" : "s", q.nreview,
			    q.nreview == 1 ? "s" : "");
			bx_buf_printf(&o, "agreement  %s mean per task\n", q.has_agreement ?
			    bx_cli_num(gr, sizeof gr, "%.3f", q.agreement) : "n/a");
			bx_buf_printf(&o, "alpha      %s Krippendorff's alpha, image classes\n",
			    q.has_alpha ? bx_cli_num(gr, sizeof gr, "%.3f", q.alpha) : "n/a");
			bx_buf_printf(&o, "alpha      %s Krippendorff's alpha, global attributes\n",
			    q.has_alpha_globals ? bx_cli_num(gr, sizeof gr, "%.3f", q.alpha_globals) :
			    "n/a");
			bx_buf_printf(&o, "geom F1    %s mean pairwise F1, boxes/polygons/points\n",
			    q.has_geom_f1 ? bx_cli_num(gr, sizeof gr, "%.3f", q.geom_f1) : "n/a");
		}
		if (ngl > 0)
			bx_buf_printf(&o, "gold left  per labeler, of a pool of %d (their own "
			    "gold; outside the overlap)\n", gl[0].pool);
		for (i = 0; i < ngl; i++)
			bx_buf_printf(&o, "  %-20s %d done, %d left\n", gl[i].labeler, gl[i].done,
			    gl[i].left);
	} else {
		bx_buf_printf(&o, "%-24s %-12s %5s %7s %4s %5s %8s %7s %6s\n", "BATCH", "KIND",
		    "TASKS", "OVERLAP", "GOLD", "PRIO", "DONE", "LEASED", "OPEN");
		for (i = 0; i < n; i++)
			bx_buf_printf(&o, "%-24s %-12s %5d %7d %4s %5d %8d %7d %6d\n", bs[i].name,
			    bs[i].kind, bs[i].ntasks, bs[i].overlap,
			    bx_cli_num(gr, sizeof gr, "%.2g", bs[i].gold_rate), bs[i].priority,
			    bx_batch_done(&bs[i]), bs[i].count[BX_J_LEASED], bs[i].count[BX_J_OPEN]);
		if (n == 0)
			bx_buf_puts(&o, "no batches yet (boxel batch create NAME --kind KIND)\n");
	}
	fputs(o.p, stdout);
	bx_buf_free(&o);
	bx_batches_free(bs, n);
	bx_gold_left_free(gl, ngl);
	return BX_EXIT_OK;
}

static int
cmd_batch_exec(int argc, char **argv)
{
	const char *db, *sub;
	struct bx_store *st;
	int rc;

	db = bx_cli_take_db(&argc, argv);
	if (argc < 2)
		return bx_cli_usage(&bx_cmd_batch);
	sub = argv[1];
	if (strcmp(sub, "create") != 0 && strcmp(sub, "list") != 0 && strcmp(sub, "show") != 0) {
		bx_cli_error("batch %s: unknown subcommand (create, list, show)", sub);
		return BX_EXIT_USAGE;
	}
	if ((st = strcmp(sub, "create") == 0 ? bx_cli_store_open(db) : bx_cli_store_open_ro(db)) == NULL)
		return BX_EXIT_USAGE;
	if (strcmp(sub, "create") == 0)
		rc = batch_create(st, argc - 1, argv + 1);
	else
		rc = batch_list(st, argc - 1, argv + 1, strcmp(sub, "show") == 0);
	bx_store_close(st);
	return rc;
}

const struct bx_cmd bx_cmd_batch = {
	.name = "batch",
	.usage = "create NAME --kind KIND [OPTIONS] | list [--json] | show NAME [--json]  [--db FILE]",
	.summary = "create, list and show batches of tasks",
	.help =
	    "  create NAME --kind KIND   KIND: self, calibration, production, training\n"
	    "    --overlap K             judgments per task from distinct labelers (1)\n"
	    "    --gold-rate R           share of gold tasks in each labeler's stream, 0..1 (0)\n"
	    "    --priority P            higher batches are served first (0)\n"
	    "    --tasks all|unbatched|FILE\n"
	    "                            every task, the tasks in no batch yet (default),\n"
	    "                            or the images listed in FILE, one path per line\n"
	    "  list [--json]             batches by priority with progress\n"
	    "  show NAME [--json]        one batch with its judgment counts per state and,\n"
	    "                            with overlap > 1, its agreement: tasks with a\n"
	    "                            consensus, how many need review, Krippendorff's\n"
	    "                            alpha of image classes, mean pairwise geometry F1\n"
	    "                            (JSON: \"quality\"; null when undefined)\n"
	    "  --db FILE                 the store (default $BOXEL_DB, else ./boxel.db)\n",
	.min_role = BX_ROLE_ADMIN,
	.exec = cmd_batch_exec,
	.remote = 1,
};
