/* cmd-stats.c: `boxel stats`: judgments per batch and state, and per
 * labeler the submitted count, throughput over their active span (first
 * claim to last submit of their submitted judgments) and median seconds. */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>

#include "boxel/cli.h"
#include "boxel/formats.h"
#include "boxel/util.h"
#include "store-cli.h"

extern const struct bx_cmd bx_cmd_stats;

static int
cmd_stats_exec(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "db", required_argument, NULL, 'd' },
		{ "json", no_argument, NULL, 'j' },
		{ 0, 0, 0, 0 },
	};
	const char *db = NULL;
	struct bx_err err = { 0 };
	struct bx_store *st;
	struct bx_batch *bs = NULL;
	struct bx_labeler_stats *ls = NULL;
	struct bx_batch_quality q;
	struct bx_buf o;
	char n1[32], n2[32];
	int c, json = 0, nb = 0, nl = 0, i, k, rc = BX_EXIT_OK;

	optind = 1;
	while ((c = getopt_long(argc, argv, "", opts, NULL)) != -1) {
		switch (c) {
		case 'd': db = optarg; break;
		case 'j': json = 1; break;
		default: return bx_cli_usage(&bx_cmd_stats);
		}
	}
	if (optind != argc)
		return bx_cli_usage(&bx_cmd_stats);
	if ((st = bx_cli_store_open_ro(db)) == NULL)
		return BX_EXIT_USAGE;
	if (bx_store_batch_list(st, &bs, &nb, &err) < 0 ||
	    bx_store_labeler_stats(st, &ls, &nl, &err) < 0) {
		rc = bx_cli_store_fail(&err);
		goto out;
	}
	bx_buf_init(&o);
	if (json) {
		bx_buf_puts(&o, "{\"batches\":[");
		for (i = 0; i < nb; i++) {
			bx_buf_puts(&o, i ? ",{\"name\":" : "{\"name\":");
			bx_json_put_str(&o, bs[i].name);
			bx_buf_puts(&o, ",\"kind\":");
			bx_json_put_str(&o, bs[i].kind);
			bx_buf_printf(&o, ",\"tasks\":%d,\"overlap\":%d,\"judgments\":{", bs[i].ntasks,
			    bs[i].overlap);
			for (k = 0; k < BX_J_NSTATES; k++)
				bx_buf_printf(&o, "%s\"%s\":%d", k ? "," : "", bx_jstate_name(k),
				    bs[i].count[k]);
			bx_buf_puts(&o, "},\"quality\":");
			if (bx_store_batch_quality(st, bs[i].name, &q, &err) < 0) {
				bx_buf_free(&o);
				rc = bx_cli_store_fail(&err);
				goto out;
			}
			bx_cli_batch_quality_json(&o, &q);
			bx_buf_putc(&o, '}');
		}
		bx_buf_puts(&o, "],\"labelers\":[");
		for (i = 0; i < nl; i++) {
			bx_buf_puts(&o, i ? ",{\"name\":" : "{\"name\":");
			bx_json_put_str(&o, ls[i].name);
			bx_buf_printf(&o, ",\"submitted\":%d,\"skipped\":%d,\"leased\":%d,"
			    "\"first_ms\":%lld,\"last_ms\":%lld,\"per_hour\":", ls[i].submitted,
			    ls[i].skipped, ls[i].leased, (long long)ls[i].first_ms,
			    (long long)ls[i].last_ms);
			bx_json_put_num(&o, ls[i].per_hour);
			bx_buf_puts(&o, ",\"median_seconds\":");
			bx_json_put_num(&o, ls[i].median_seconds);
			bx_buf_putc(&o, '}');
		}
		bx_buf_puts(&o, "]}\n");
	} else {
		bx_buf_printf(&o, "%-24s %-12s", "BATCH", "KIND");
		for (k = 0; k < BX_J_NSTATES; k++)
			bx_buf_printf(&o, " %9s", bx_jstate_name(k));
		bx_buf_putc(&o, '\n');
		for (i = 0; i < nb; i++) {
			bx_buf_printf(&o, "%-24s %-12s", bs[i].name, bs[i].kind);
			for (k = 0; k < BX_J_NSTATES; k++)
				bx_buf_printf(&o, " %9d", bs[i].count[k]);
			bx_buf_putc(&o, '\n');
		}
		bx_buf_printf(&o, "\n%-24s %9s %7s %6s %9s %11s\n", "LABELER", "SUBMITTED", "SKIPPED",
		    "LEASED", "PER HOUR", "MEDIAN SEC");
		for (i = 0; i < nl; i++)
			bx_buf_printf(&o, "%-24s %9d %7d %6d %9s %11s\n", ls[i].name, ls[i].submitted,
			    ls[i].skipped, ls[i].leased,
			    ls[i].per_hour > 0 ? bx_cli_num(n1, sizeof n1, "%.1f", ls[i].per_hour) : "-",
			    ls[i].submitted > 0 ?
			    bx_cli_num(n2, sizeof n2, "%.1f", ls[i].median_seconds) : "-");
		if (nl == 0)
			bx_buf_puts(&o, "(no judgments yet)\n");
	}
	fputs(o.p, stdout);
	bx_buf_free(&o);
out:
	bx_batches_free(bs, nb);
	bx_labeler_stats_free(ls, nl);
	bx_store_close(st);
	return rc;
}

const struct bx_cmd bx_cmd_stats = {
	.name = "stats",
	.usage = "[--json] [--db FILE]",
	.summary = "judgments per batch and state; throughput per labeler",
	.help =
	    "  --json      one object: batches (with judgments per state and \"quality\":\n"
	    "              tasks_with_consensus, needs_review, mean_agreement,\n"
	    "              kalpha_classes, geometry_f1) and labelers\n"
	    "              (submitted, skipped, leased, first_ms, last_ms, per_hour,\n"
	    "              median_seconds)\n"
	    "  --db FILE   the store (default $BOXEL_DB, else ./boxel.db)\n"
	    "  Throughput is submitted judgments per hour between the labeler's first\n"
	    "  claim and last submit; median seconds is over the time they reported.\n",
	.min_role = BX_ROLE_REVIEWER,
	.exec = cmd_stats_exec,
	.remote = 1,
};
