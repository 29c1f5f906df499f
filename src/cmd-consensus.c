/* cmd-consensus.c: `boxel consensus --batch NAME`: the batch's consensus
 * again, classes chosen by Dawid-Skene over the whole batch
 * (store-consensus.c); `--judgment ID` and `--pending`: merges a submit
 * left to a process of its own (store-later.c). */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "boxel/cli.h"
#include "boxel/formats.h"
#include "boxel/store.h"
#include "boxel/util.h"
#include "store-cli.h"

extern const struct bx_cmd bx_cmd_consensus;

static int
cmd_consensus_exec(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "batch", required_argument, NULL, 'b' },
		{ "judgment", required_argument, NULL, 'J' },
		{ "pending", no_argument, NULL, 'p' },
		{ "json", no_argument, NULL, 'j' },
		{ "db", required_argument, NULL, 'd' },
		{ 0, 0, 0, 0 },
	};
	struct bx_err err = { 0 };
	struct bx_consensus_batch r;
	const char *db = NULL, *batch = NULL;
	struct bx_store *st;
	int c, json = 0, rc, pending = 0, n = 0;
	long jid = 0;
	char *name;

	optind = 1;
	while ((c = getopt_long(argc, argv, "", opts, NULL)) != -1) {
		switch (c) {
		case 'b': batch = optarg; break;
		case 'p': pending = 1; break;
		case 'J':
			if (bx_cli_parse_long(optarg, "--judgment", 1, 0x7fffffffL, &jid) < 0)
				return BX_EXIT_USAGE;
			break;
		case 'j': json = 1; break;
		case 'd': db = optarg; break;
		default: return bx_cli_usage(&bx_cmd_consensus);
		}
	}
	if ((batch != NULL) + (jid != 0) + pending != 1 || optind != argc) {
		bx_cli_error("consensus: give one of --batch NAME, --judgment ID or --pending, and "
		    "nothing else");
		return BX_EXIT_USAGE;
	}
	if ((st = bx_cli_store_open(db)) == NULL)
		return BX_EXIT_USAGE;
	if (jid != 0 || pending) {
		rc = jid != 0 ? bx_store_merge_later(st, jid, bx_now_ms(), &err) :
		    bx_store_merge_pending(st, bx_now_ms(), &n, &err);
		bx_store_close(st);
		if (rc < 0)
			return bx_cli_store_fail(&err);
		if (jid != 0)
			printf(json ? "{\"judgment\":%ld,\"merged\":true}\n" :
			    "judgment %ld: its task's consensus merged\n", jid);
		else if (json)
			printf("{\"merged\":%d}\n", n);
		else
			printf("%d pending merge%s done\n", n, n == 1 ? "" : "s");
		return BX_EXIT_OK;
	}
	rc = bx_store_consensus_batch(st, batch, bx_cli_actor(), bx_now_ms(), &r, &err);
	bx_store_close(st);
	if (rc < 0)
		return bx_cli_store_fail(&err);
	if (json) {
		struct bx_buf b;

		bx_buf_init(&b);
		bx_buf_puts(&b, "{\"batch\":");
		bx_json_put_str(&b, batch);
		bx_buf_printf(&b, ",\"method\":\"dawid-skene\",\"tasks\":%d,\"objects\":%d,"
		    "\"objects_changed\":%d,\"images\":%d,\"images_changed\":%d,\"iterations\":%d}\n",
		    r.ntasks, r.nobjects, r.nobjects_changed, r.nimages, r.nimages_changed, r.iters);
		fwrite(b.p, 1, b.len, stdout);
		bx_buf_free(&b);
		return BX_EXIT_OK;
	}
	name = bx_sanitize_dup(batch);
	printf("batch %s: consensus of %d task%s by Dawid-Skene; %d of %d objects and %d of %d "
	    "tasks' image classes changed from the per-task vote\n", name, r.ntasks,
	    r.ntasks == 1 ? "" : "s", r.nobjects_changed, r.nobjects, r.nimages_changed, r.nimages);
	free(name);
	return BX_EXIT_OK;
}

const struct bx_cmd bx_cmd_consensus = {
	.name = "consensus",
	.usage = "--batch NAME | --judgment ID | --pending [--json] [--db FILE]",
	.summary = "a batch's consensus again, classes by Dawid-Skene over the whole batch",
	.help =
	    "  --batch NAME        every task of the batch with its overlap of judgments is\n"
	    "                      merged as at submit; then each kept object's class and\n"
	    "                      each task's image classes are chosen by Dawid-Skene (EM\n"
	    "                      over each labeler's confusion, learned from the whole\n"
	    "                      batch) and stored as the consensus that export writes\n"
	    "  --judgment ID       the consensus of that judgment's task merged now, from\n"
	    "                      the judgments that count now (what a submit beside a\n"
	    "                      heavy answer leaves to a process of its own)\n"
	    "  --pending           every such merge whose process never finished (killed,\n"
	    "                      a crash): complete tasks without a consensus, merged\n"
	    "  --json              the counts as one JSON object\n"
	    "  --db FILE           the store (default $BOXEL_DB, else ./boxel.db)\n"
	    "  Uses the settings iou_threshold and quorum.\n",
	.min_role = BX_ROLE_ADMIN,
	.exec = cmd_consensus_exec,
	.remote = 0,
};
