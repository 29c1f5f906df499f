/* cmd-gold.c: `boxel gold list|retire|recycle|promote|export`: the gold set
 * as an admin keeps it. Pass rates come from the gold scores (store-gold.c);
 * export writes the gold as a JSONL manifest that `boxel import --as gold`
 * reads back. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "boxel/cli.h"
#include "boxel/formats.h"
#include "boxel/store-gold.h"
#include "boxel/util.h"
#include "store-cli.h"

extern const struct bx_cmd bx_cmd_gold;

static int
gold_list(struct bx_store *st, int json)
{
	struct bx_err err = { 0 };
	struct bx_gold_item *g = NULL;
	struct bx_buf b;
	char rate[32], acc[32];
	int n = 0, i;

	if (bx_store_gold_list(st, &g, &n, &err) < 0)
		return bx_cli_store_fail(&err);
	bx_buf_init(&b);
	if (json)
		bx_buf_putc(&b, '[');
	else
		bx_buf_printf(&b, "%-32s %7s %6s %6s %8s  %s\n", "IMAGE", "JUDGED", "PASSED",
		    "RATE", "ACCURACY", "STATE");
	for (i = 0; i < n; i++) {
		if (json) {
			bx_buf_puts(&b, i ? ",{\"image\":" : "{\"image\":");
			bx_json_put_str(&b, g[i].image);
			bx_buf_printf(&b, ",\"task\":%lld,\"retired\":%s,\"judged\":%d,\"passed\":%d,"
			    "\"pass_rate\":", (long long)g[i].task, g[i].retired ? "true" : "false",
			    g[i].judged, g[i].passed);
			if (g[i].judged > 0)
				bx_json_put_num(&b, (double)g[i].passed / g[i].judged);
			else
				bx_buf_puts(&b, "null");
			bx_buf_puts(&b, ",\"accuracy\":");
			if (g[i].total > 0)
				bx_json_put_num(&b, (double)g[i].tp / (double)g[i].total);
			else
				bx_buf_puts(&b, "null");
			bx_buf_putc(&b, '}');
			continue;
		}
		if (g[i].judged > 0)
			bx_cli_num(rate, sizeof rate, "%.2f", (double)g[i].passed / g[i].judged);
		else
			snprintf(rate, sizeof rate, "-");
		if (g[i].total > 0)
			bx_cli_num(acc, sizeof acc, "%.2f", (double)g[i].tp / (double)g[i].total);
		else
			snprintf(acc, sizeof acc, "-");
		{
			char *img = bx_sanitize_dup(g[i].image);
			bx_buf_printf(&b, "%-32s %7d %6d %6s %8s  %s\n", img, g[i].judged,
			    g[i].passed, rate, acc, g[i].retired ? "retired" : "in the pool");
			free(img);
		}
	}
	if (json)
		bx_buf_puts(&b, "]\n");
	else
		bx_buf_printf(&b, "%d gold task%s, hardest first\n", n, n == 1 ? "" : "s");
	fwrite(b.p, 1, b.len, stdout);
	bx_buf_free(&b);
	bx_gold_items_free(g, n);
	return BX_EXIT_OK;
}

static int
cmp_image(const void *a, const void *b)
{
	return strcmp(((const struct bx_gold_item *)a)->image,
	    ((const struct bx_gold_item *)b)->image);
}

/* One manifest line per gold task, by image name (the same set exports
 * the same file): image, size and the gold answer. */
static int
gold_export(struct bx_store *st, const char *path)
{
	struct bx_err err = { 0 };
	struct bx_gold_item *g = NULL;
	struct bx_afile af;
	struct bx_buf b;
	int n = 0, i, rc;

	if (bx_store_gold_list(st, &g, &n, &err) < 0)
		return bx_cli_store_fail(&err);
	if (n > 1)
		qsort(g, (size_t)n, sizeof *g, cmp_image);
	bx_buf_init(&b);
	for (i = 0; i < n; i++) {
		bx_buf_puts(&b, "{\"image\":");
		bx_json_put_str(&b, g[i].image);
		bx_buf_printf(&b, ",\"width\":%d,\"height\":%d,\"answer\":%s}\n", g[i].width,
		    g[i].height, g[i].answer ? g[i].answer : "{}");
	}
	bx_gold_items_free(g, n);
	if (strcmp(path, "-") == 0) {
		rc = b.len > 0 && fwrite(b.p, 1, b.len, stdout) != b.len;
		bx_buf_free(&b);
		if (rc || fflush(stdout) != 0) {
			bx_cli_error("gold export: standard output: write failed");
			return BX_EXIT_USAGE;
		}
		return BX_EXIT_OK;
	}
	if (bx_afile_open(&af, path, &err) < 0) {
		bx_buf_free(&b);
		bx_cli_error("gold export: %s", err.msg);
		return BX_EXIT_USAGE;
	}
	if (b.len > 0 && fwrite(b.p, 1, b.len, af.f) != b.len) {
		bx_afile_abort(&af);
		bx_buf_free(&b);
		bx_cli_error("gold export: %s: write failed", path);
		return BX_EXIT_USAGE;
	}
	bx_buf_free(&b);
	if ((rc = bx_afile_commit(&af, &err)) < 0) {
		bx_cli_error("gold export: %s", err.msg);
		return BX_EXIT_USAGE;
	}
	fprintf(stderr, "exported %d gold task%s to %s\n", n, n == 1 ? "" : "s", path);
	return BX_EXIT_OK;
}

static int
cmd_gold_exec(int argc, char **argv)
{
	struct bx_err err = { 0 };
	struct bx_store *st;
	const char *db, *sub;
	int64_t task;
	long jid;
	int rc = BX_EXIT_OK, json = 0, want, writes;

	db = bx_cli_take_db(&argc, argv);
	if (argc >= 2 && strcmp(argv[argc - 1], "--json") == 0) {
		json = 1;
		argc--;
	}
	if (argc < 2)
		return bx_cli_usage(&bx_cmd_gold);
	sub = argv[1];
	want = strcmp(sub, "list") == 0 ? 2 : strcmp(sub, "retire") == 0 ||
	    strcmp(sub, "recycle") == 0 || strcmp(sub, "promote") == 0 ||
	    strcmp(sub, "export") == 0 ? 3 : -1;
	if (want < 0) {
		bx_cli_error("gold: unknown subcommand '%s' (list, retire, recycle, promote, export)",
		    sub);
		return BX_EXIT_USAGE;
	}
	if (argc != want || (json && strcmp(sub, "list") != 0)) {
		bx_cli_error("gold %s: %s", sub, strcmp(sub, "list") == 0 ? "takes no argument" :
		    strcmp(sub, "promote") == 0 ? "give one JUDGMENT id" :
		    strcmp(sub, "export") == 0 ? "give one FILE (- for standard output)" :
		    "give one IMAGE (as imported)");
		return BX_EXIT_USAGE;
	}
	if (strcmp(sub, "promote") == 0 &&
	    bx_cli_parse_long(argv[2], "gold promote: judgment", 1, 0x7fffffffL, &jid) < 0)
		return BX_EXIT_USAGE;
	writes = strcmp(sub, "list") != 0 && strcmp(sub, "export") != 0;
	if ((st = writes ? bx_cli_store_open(db) : bx_cli_store_open_ro(db)) == NULL)
		return BX_EXIT_USAGE;
	if (strcmp(sub, "list") == 0) {
		rc = gold_list(st, json);
	} else if (strcmp(sub, "export") == 0) {
		rc = gold_export(st, argv[2]);
	} else if (strcmp(sub, "promote") == 0) {
		if (bx_store_gold_promote(st, jid, bx_cli_actor(), bx_now_ms(), &task, &err) < 0)
			rc = bx_cli_store_fail(&err);
		else
			printf("judgment %ld's answer is now the gold of task %lld\n", jid,
			    (long long)task);
	} else {
		int retire = strcmp(sub, "retire") == 0;
		char *img = bx_sanitize_dup(argv[2]);

		if (bx_store_gold_retire(st, argv[2], retire, bx_cli_actor(), bx_now_ms(), &err) < 0)
			rc = bx_cli_store_fail(&err);
		else
			printf(retire ? "%s: gold retired (served to nobody; its scores stay)\n" :
			    "%s: gold back in the pool\n", img);
		free(img);
	}
	bx_store_close(st);
	return rc;
}

const struct bx_cmd bx_cmd_gold = {
	.name = "gold",
	.usage = "list [--json] | retire IMAGE | recycle IMAGE | promote JUDGMENT | export FILE"
	    "  [--db FILE]",
	.summary = "the gold set: pass rates, retire, recycle, promote, export",
	.help =
	    "  list                each gold task with how many gold judgments passed it\n"
	    "                      (no mismatch, no false positive or negative, no wrong\n"
	    "                      image class), hardest first; --json for a script\n"
	    "  retire IMAGE        take a gold task out of the pool: nobody is served it\n"
	    "                      again (labelers learn gold they have seen; scores stay)\n"
	    "  recycle IMAGE       put a retired gold task back into the pool\n"
	    "  promote JUDGMENT    an accepted (reviewed) judgment's answer becomes its\n"
	    "                      task's gold\n"
	    "  export FILE         the gold set as a JSONL manifest (image, width, height,\n"
	    "                      answer) that 'boxel import --as gold' reads; - is stdout\n"
	    "  --db FILE           the store (default $BOXEL_DB, else ./boxel.db)\n",
	.min_role = BX_ROLE_ADMIN,
	.exec = cmd_gold_exec,
	.remote = 0,
};
