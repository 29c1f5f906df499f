/* cmd-admin.c: `boxel admin`: the live dashboard (view-admin.c) on the
 * terminal until q or a signal. Reads only. */
#include <getopt.h>
#include <signal.h>
#include <string.h>

#include "boxel/cli.h"
#include "boxel/tty.h"
#include "boxel/util.h"
#include "boxel/view-admin.h"
#include "store-cli.h"

extern const struct bx_cmd bx_cmd_admin;

static volatile sig_atomic_t stop_flag;

static void
on_stop(int sig)
{
	(void)sig;
	stop_flag = 1;
}

static int
cmd_admin_exec(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "db", required_argument, NULL, 'd' },
		{ "interval", required_argument, NULL, 'i' },
		{ NULL, 0, NULL, 0 },
	};
	const char *db = NULL;
	struct bx_store *st;
	struct bx_tty *tty;
	struct bx_view v;
	struct bx_err err = { 0 };
	long interval = 2;
	int c, cols, rows;

	optind = 1;
	while ((c = getopt_long(argc, argv, "", opts, NULL)) != -1) {
		switch (c) {
		case 'd': db = optarg; break;
		case 'i':
			if (bx_cli_parse_long(optarg, "--interval", 1, 3600, &interval) < 0)
				return BX_EXIT_USAGE;
			break;
		default: return bx_cli_usage(&bx_cmd_admin);
		}
	}
	if (optind != argc) {
		bx_cli_error("admin: unexpected argument '%s'", argv[optind]);
		return BX_EXIT_USAGE;
	}
	if ((st = bx_cli_store_open(db)) == NULL)
		return BX_EXIT_USAGE;
	bx_view_signals(on_stop);
	if (bx_tty_open(&tty, &err) != 0) {
		bx_cli_error("admin: %s", err.msg);
		bx_store_close(st);
		return BX_EXIT_USAGE;
	}
	bx_tty_size(tty, &cols, &rows);
	bx_view_admin_init(&v, st, bx_cli_db_path(db), bx_tty_no_color(tty), (int)interval * 1000,
	                   cols, rows, bx_now_ms());
	bx_view_run(&v, tty, &stop_flag, 500);
	v.ops->free(&v);
	bx_tty_close(tty);
	bx_store_close(st);
	return BX_EXIT_OK;
}

const struct bx_cmd bx_cmd_admin = {
	.name = "admin",
	.usage = "[--interval S]  [--db FILE]",
	.summary = "live dashboard: batches, labelers' accuracy and pace, class confusion",
	.help =
	    "  Batches with their progress, consensus agreement and flagged tasks;\n"
	    "  each user's role, state, judgments done, pace, median seconds, gold\n"
	    "  accuracy over their rolling window and submits per hour over the last\n"
	    "  24 h (sparkline); the class confusion against gold as a heat map.\n"
	    "  Re-read every --interval seconds (default 2); r refreshes now, q quits.\n",
	.min_role = BX_ROLE_ADMIN,
	.exec = cmd_admin_exec,
	.remote = 1,
};
