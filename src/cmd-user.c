/* cmd-user.c: `boxel user add|list|disable|qual`: the project's people.
 * Names are [A-Za-z0-9._-]{1,64} (the store refuses others); roles are
 * annotator, reviewer, admin; qualification training|qualified|suspended;
 * `show` and `reinstate` read and reset the gold-based state (store-quality.c). */
#include <getopt.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "boxel/cli.h"
#include "boxel/formats.h"
#include "boxel/util.h"
#include "store-cli.h"

extern const struct bx_cmd bx_cmd_user;

static int
user_add(struct bx_store *st, int argc, char **argv)
{
	static const struct option opts[] = {
		{ "role", required_argument, NULL, 'r' },
		{ 0, 0, 0, 0 },
	};
	struct bx_err err = { 0 };
	const char *role = NULL;
	int c;

	optind = 1;
	while ((c = getopt_long(argc, argv, "", opts, NULL)) != -1) {
		if (c != 'r')
			return bx_cli_usage(&bx_cmd_user);
		role = optarg;
	}
	if (optind != argc - 1 || role == NULL) {
		bx_cli_error("user add: give NAME and --role annotator|reviewer|admin");
		return BX_EXIT_USAGE;
	}
	if (bx_store_user_add(st, argv[optind], role, bx_cli_actor(), bx_now_ms(), &err) < 0) {
		bx_err_prefix(&err, "user add %s", argv[optind]);
		return bx_cli_store_fail(&err);
	}
	printf("added %s (%s)\n", argv[optind], role); /* the name passed the store's check */
	return BX_EXIT_OK;
}

static int
user_list(struct bx_store *st, int argc, char **argv)
{
	static const struct option opts[] = {
		{ "json", no_argument, NULL, 'j' },
		{ 0, 0, 0, 0 },
	};
	struct bx_err err = { 0 };
	struct bx_user *u;
	struct bx_buf b;
	int c, n, i, json = 0;

	optind = 1;
	while ((c = getopt_long(argc, argv, "", opts, NULL)) != -1) {
		if (c != 'j')
			return bx_cli_usage(&bx_cmd_user);
		json = 1;
	}
	if (optind != argc)
		return bx_cli_usage(&bx_cmd_user);
	if (bx_store_user_list(st, &u, &n, &err) < 0)
		return bx_cli_store_fail(&err);
	bx_buf_init(&b);
	if (json) {
		bx_buf_putc(&b, '[');
		for (i = 0; i < n; i++) {
			bx_buf_puts(&b, i ? ",{\"name\":" : "{\"name\":");
			bx_json_put_str(&b, u[i].name);
			bx_buf_puts(&b, ",\"role\":");
			bx_json_put_str(&b, u[i].role);
			bx_buf_printf(&b, ",\"active\":%s,\"qual\":", u[i].active ? "true" : "false");
			bx_json_put_str(&b, u[i].qual);
			bx_buf_printf(&b, ",\"created_ms\":%lld}", (long long)u[i].created_ms);
		}
		bx_buf_puts(&b, "]\n");
	} else {
		for (i = 0; i < n; i++)
			bx_buf_printf(&b, "%-20s %-10s %-10s %s\n", u[i].name, u[i].role, u[i].qual,
			    u[i].active ? "active" : "disabled");
		if (n == 0)
			bx_buf_puts(&b, "no users yet (boxel user add NAME --role ROLE)\n");
	}
	fputs(b.p, stdout);
	bx_buf_free(&b);
	bx_users_free(u, n);
	return BX_EXIT_OK;
}

static int
user_change(struct bx_store *st, int argc, char **argv, int disable)
{
	struct bx_err err = { 0 };
	int rc;

	if (argc != (disable ? 2 : 3)) {
		bx_cli_error(disable ? "user disable: give NAME" :
		    "user qual: give NAME and training|qualified|suspended");
		return BX_EXIT_USAGE;
	}
	rc = disable ? bx_store_user_disable(st, argv[1], bx_cli_actor(), bx_now_ms(), &err) :
	    bx_store_user_set_qual(st, argv[1], argv[2], bx_cli_actor(), bx_now_ms(), &err);
	if (rc < 0)
		return bx_cli_store_fail(&err);
	if (disable)
		printf("disabled %s; their leases went back to the queue\n", argv[1]);
	else
		printf("%s is now %s\n", argv[1], argv[2]);
	return BX_EXIT_OK;
}

/* A ratio as JSON: null when undefined. */
static void
json_ratio(struct bx_buf *b, int ok, double v)
{
	if (ok)
		bx_json_put_num(b, v);
	else
		bx_buf_puts(b, "null");
}

static const char *
text_ratio(char *buf, size_t n, int ok, double v)
{
	return ok ? bx_cli_num(buf, n, "%.3f", v) : "n/a";
}

/* The trend: accuracy of consecutive windows of 10 gold judgments, counted
 * back from the newest (the oldest may be partial), at most 5, oldest first. */
#define TREND_CHUNK 10
#define TREND_CHUNKS 5
static int
trend_windows(const struct bx_user_quality *q, double *acc, int *ok)
{
	int n = 0, end = q->nrecent, start, i, k;
	struct bx_score sum;

	while (end > 0 && n < TREND_CHUNKS) {
		start = end - TREND_CHUNK > 0 ? end - TREND_CHUNK : 0;
		memset(&sum, 0, sizeof sum);
		for (i = start; i < end; i++)
			bx_score_add(&sum, &q->recent[i]);
		acc[n] = 0;
		ok[n] = bx_score_accuracy(&sum, &acc[n]);
		n++;
		end = start;
	}
	for (i = 0, k = n - 1; i < k; i++, k--) { /* oldest first */
		double a = acc[i]; int o = ok[i];
		acc[i] = acc[k]; ok[i] = ok[k];
		acc[k] = a; ok[k] = o;
	}
	return n;
}

static int
user_show(struct bx_store *st, int argc, char **argv)
{
	static const struct option opts[] = {
		{ "json", no_argument, NULL, 'j' },
		{ 0, 0, 0, 0 },
	};
	static const char *const bars[8] = { "▁", "▂", "▃", "▄", "▅", "▆", "▇", "█" };
	struct bx_err err = { 0 };
	struct bx_user u;
	struct bx_user_quality q;
	struct bx_labeler_stats *ls = NULL, *me = NULL;
	struct bx_buf b;
	double acc, prec, rec, miou, tacc, tw[TREND_CHUNKS], a;
	int okacc, okprec, okrec, okmiou, oktacc, okw[TREND_CHUNKS], ntw;
	char n1[32], n2[32], n3[32];
	int c, json = 0, nl = 0, i;

	optind = 1;
	while ((c = getopt_long(argc, argv, "", opts, NULL)) != -1) {
		if (c != 'j')
			return bx_cli_usage(&bx_cmd_user);
		json = 1;
	}
	if (optind != argc - 1) {
		bx_cli_error("user show: give NAME");
		return BX_EXIT_USAGE;
	}
	if (bx_store_user_get(st, argv[optind], &u, &err) < 0)
		return bx_cli_store_fail(&err);
	if (bx_store_user_quality(st, argv[optind], &q, &err) < 0 ||
	    bx_store_labeler_stats(st, &ls, &nl, &err) < 0) {
		bx_user_free(&u);
		return bx_cli_store_fail(&err);
	}
	for (i = 0; i < nl; i++)
		if (strcmp(ls[i].name, u.name) == 0)
			me = &ls[i];
	okacc = bx_score_accuracy(&q.window, &acc);
	okprec = bx_score_precision(&q.window, &prec);
	okrec = bx_score_recall(&q.window, &rec);
	okmiou = bx_score_mean_iou(&q.window, &miou);
	oktacc = bx_score_accuracy(&q.training, &tacc);
	ntw = trend_windows(&q, tw, okw);
	bx_buf_init(&b);
	if (json) {
		bx_buf_puts(&b, "{\"name\":");
		bx_json_put_str(&b, u.name);
		bx_buf_puts(&b, ",\"role\":");
		bx_json_put_str(&b, u.role);
		bx_buf_printf(&b, ",\"active\":%s,\"state\":", u.active ? "true" : "false");
		bx_json_put_str(&b, u.qual);
		bx_buf_printf(&b, ",\"gold_window\":%d,\"gold_count\":%d,\"gold_total\":%d,"
		    "\"training_count\":%d,\"tp\":%ld,\"mismatch\":%ld,\"fp\":%ld,\"fn\":%ld,"
		    "\"accuracy\":", q.window_size, q.window_n, q.total_gold, q.training_n,
		    q.window.tp, q.window.mismatch, q.window.fp, q.window.fn);
		json_ratio(&b, okacc, acc);
		bx_buf_puts(&b, ",\"precision\":");
		json_ratio(&b, okprec, prec);
		bx_buf_puts(&b, ",\"recall\":");
		json_ratio(&b, okrec, rec);
		bx_buf_puts(&b, ",\"mean_iou\":");
		json_ratio(&b, okmiou, miou);
		bx_buf_puts(&b, ",\"training_accuracy\":");
		json_ratio(&b, oktacc, tacc);
		bx_buf_printf(&b, ",\"submitted\":%d,\"per_hour\":", me ? me->submitted : 0);
		json_ratio(&b, me && me->per_hour > 0, me ? me->per_hour : 0);
		bx_buf_puts(&b, ",\"median_seconds\":");
		json_ratio(&b, me && me->submitted > 0, me ? me->median_seconds : 0);
		bx_buf_puts(&b, ",\"trend\":[");
		for (i = 0; i < q.nrecent; i++) {
			int ok = bx_score_accuracy(&q.recent[i], &a);
			if (i)
				bx_buf_putc(&b, ',');
			json_ratio(&b, ok, a);
		}
		bx_buf_puts(&b, "],\"trend_windows\":[");
		for (i = 0; i < ntw; i++) {
			if (i)
				bx_buf_putc(&b, ',');
			json_ratio(&b, okw[i], tw[i]);
		}
		bx_buf_puts(&b, "]}\n");
	} else {
		/* Names passed the store's check: no sanitizing needed. */
		bx_buf_printf(&b, "user        %s\nrole        %s\nactive      %s\nstate       %s\n",
		    u.name, u.role, u.active ? "yes" : "no (disabled)", u.qual);
		bx_buf_printf(&b, "gold        %d in the window (last %d, outside training); "
		    "%d scored in all\n", q.window_n, q.window_size, q.total_gold);
		bx_buf_printf(&b, "accuracy    %s   (TP %ld, M %ld, FP %ld, FN %ld)\n",
		    text_ratio(n1, sizeof n1, okacc, acc), q.window.tp, q.window.mismatch,
		    q.window.fp, q.window.fn);
		bx_buf_printf(&b, "precision   %s\nrecall      %s\nmean IoU    %s\n",
		    text_ratio(n1, sizeof n1, okprec, prec), text_ratio(n2, sizeof n2, okrec, rec),
		    text_ratio(n3, sizeof n3, okmiou, miou));
		bx_buf_printf(&b, "training    accuracy %s over %d gold judgment%s\n",
		    text_ratio(n1, sizeof n1, oktacc, tacc), q.training_n,
		    q.training_n == 1 ? "" : "s");
		if (me != NULL && me->submitted > 0)
			bx_buf_printf(&b, "throughput  %s judgments/hour, median %s s (%d submitted)\n",
			    me->per_hour > 0 ? bx_cli_num(n1, sizeof n1, "%.1f", me->per_hour) : "n/a",
			    bx_cli_num(n2, sizeof n2, "%.1f", me->median_seconds), me->submitted);
		else
			bx_buf_puts(&b, "throughput  n/a (nothing submitted)\n");
		bx_buf_puts(&b, "trend       ");
		for (i = 0; i < q.nrecent; i++) {
			if (!bx_score_accuracy(&q.recent[i], &a)) {
				bx_buf_puts(&b, "·");
				continue;
			}
			bx_buf_puts(&b, bars[(int)lround(a * 7)]);
		}
		if (q.nrecent == 0)
			bx_buf_puts(&b, "(no gold judgments yet)");
		else
			bx_buf_puts(&b, "  per gold judgment, oldest first");
		bx_buf_putc(&b, '\n');
		if (ntw > 0) {
			bx_buf_printf(&b, "windows     ");
			for (i = 0; i < ntw; i++)
				bx_buf_printf(&b, "%s%s", i ? " " : "",
				    text_ratio(n1, sizeof n1, okw[i], tw[i]));
			bx_buf_printf(&b, "  accuracy per %d gold judgments, oldest first\n",
			    TREND_CHUNK);
		}
	}
	fputs(b.p, stdout);
	bx_buf_free(&b);
	bx_labeler_stats_free(ls, nl);
	bx_user_quality_free(&q);
	bx_user_free(&u);
	return BX_EXIT_OK;
}

static int
user_reinstate(struct bx_store *st, int argc, char **argv)
{
	struct bx_err err = { 0 };

	if (argc != 2) {
		bx_cli_error("user reinstate: give NAME");
		return BX_EXIT_USAGE;
	}
	if (bx_store_user_reinstate(st, argv[1], bx_cli_actor(), bx_now_ms(), &err) < 0)
		return bx_cli_store_fail(&err);
	printf("%s is qualified again; their gold window starts afresh\n", argv[1]);
	return BX_EXIT_OK;
}

static int
cmd_user_exec(int argc, char **argv)
{
	const char *db, *sub;
	struct bx_store *st;
	int rc;

	/* --db may come anywhere; the subcommand parses the rest. */
	db = bx_cli_take_db(&argc, argv);
	if (argc < 2)
		return bx_cli_usage(&bx_cmd_user);
	sub = argv[1];
	if (strcmp(sub, "add") != 0 && strcmp(sub, "list") != 0 && strcmp(sub, "disable") != 0 &&
	    strcmp(sub, "qual") != 0 && strcmp(sub, "show") != 0 && strcmp(sub, "reinstate") != 0) {
		bx_cli_error("user %s: unknown subcommand (add, list, show, disable, qual, reinstate)",
		    sub);
		return BX_EXIT_USAGE;
	}
	if ((st = bx_cli_store_open(db)) == NULL)
		return BX_EXIT_USAGE;
	if (strcmp(sub, "add") == 0)
		rc = user_add(st, argc - 1, argv + 1);
	else if (strcmp(sub, "list") == 0)
		rc = user_list(st, argc - 1, argv + 1);
	else if (strcmp(sub, "show") == 0)
		rc = user_show(st, argc - 1, argv + 1);
	else if (strcmp(sub, "reinstate") == 0)
		rc = user_reinstate(st, argc - 1, argv + 1);
	else
		rc = user_change(st, argc - 1, argv + 1, strcmp(sub, "disable") == 0);
	bx_store_close(st);
	return rc;
}

const struct bx_cmd bx_cmd_user = {
	.name = "user",
	.usage = "add|list|show|disable|qual|reinstate ...  [--db FILE]",
	.summary = "add, list, disable or (re)qualify the project's users",
	.help =
	    "  add NAME --role R   R: annotator, reviewer or admin; NAME: 1-64 of\n"
	    "                      A-Z a-z 0-9 . _ - ; annotators start in training,\n"
	    "                      reviewers and admins qualified\n"
	    "  list [--json]       every user with role, qualification, active\n"
	    "  show NAME [--json]  state, rolling gold accuracy / precision / recall\n"
	    "                      (n/a when undefined), gold count, throughput, trend\n"
	    "  reinstate NAME      a suspended (or training) labeler -> qualified; their\n"
	    "                      rolling gold window starts afresh\n"
	    "  disable NAME        refuse their claims; their leases return to the queue\n"
	    "  qual NAME STATE     STATE: training, qualified or suspended (reinstate a\n"
	    "                      suspended labeler with 'qualified')\n"
	    "  --db FILE           the store (default $BOXEL_DB, else ./boxel.db)\n",
	.min_role = BX_ROLE_ADMIN,
	.exec = cmd_user_exec,
};
