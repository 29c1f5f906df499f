/* cmd-label.c: `boxel label`: the annotator's workstation. Opens the
 * session (label.c), the terminal (tty.c) and the labeling view, and runs
 * the loop until q, a signal (SIGHUP from a dropped SSH link, SIGTERM) or a
 * fatal error. Every edit is already in the store when this returns. */
#include <getopt.h>
#include <pwd.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "boxel/cli.h"
#include "boxel/keymap.h"
#include "boxel/label.h"
#include "boxel/tty.h"
#include "boxel/util.h"
#include "boxel/view-label.h"

extern const struct bx_cmd bx_cmd_label;

static volatile sig_atomic_t stop_flag;

static void
on_stop(int sig)
{
	(void)sig;
	stop_flag = 1;
}

static void
print_keys(void)
{
	char **lines;
	int n, i, k;

	for (k = 0; k < bx_keymaps_label_screen_n; k++) {
		const struct bx_keymap *km = bx_keymaps_label_screen[k];
		n = bx_keymap_help(km, 24, &lines);
		printf(k == 0 ? "boxel label keys:\n" : "\n%s:\n", km->name);
		for (i = 0; i < n; i++)
			printf("  %s\n", lines[i]);
		if (k == 0)
			printf("  %-24s %s\n", "class hotkeys", "the taxonomy's own keys pick classes too");
		bx_keymap_help_free(lines, n);
	}
	printf("\nmouse (where the terminal reports it):\n"
	       "  drag in the image        draw a box (extreme tool: a click places the next point)\n"
	       "  drag a handle            move the selected object's corner, edge or vertex (one undo step)\n"
	       "  drag inside it           move the selected object whole\n"
	       "  click                    move the crosshair; place a polygon vertex or point; select (box tool)\n"
	       "  wheel                    zoom in/out at the pointer\n");
}

/* The Unix login: the identity when there is no SSH forced command. */
static const char *
login_name(void)
{
	struct passwd *pw = getpwuid(getuid());

	return pw != NULL ? pw->pw_name : NULL;
}

int
bx_label_run(const char *db, const char *user, int review, const char *batch, int sample)
{
	struct bx_session s;
	struct bx_tty *tty;
	struct bx_view v;
	struct bx_err err;
	int cols, rows, submitted;
	char *image = NULL;

	if (bx_session_open(&s, db, user, &err) != 0 ||
	    (review && bx_session_review(&s, batch, sample, &err) != 0)) {
		bx_cli_error("%s: %s", review ? "review" : "label", err.msg);
		bx_session_close(&s);
		return BX_EXIT_USAGE;
	}
	/* Before the terminal opens, so ncurses leaves these to us: a
	 * dropped connection or a kill saves the draft and leaves cleanly. */
	bx_view_signals(on_stop);

	if (bx_tty_open(&tty, &err) != 0) {
		bx_cli_error("%s: %s", review ? "review" : "label", err.msg);
		bx_session_close(&s);
		return BX_EXIT_USAGE;
	}
	bx_tty_size(tty, &cols, &rows);
	if (review)
		bx_view_review_init(&v, &s, bx_tty_colors(tty), bx_tty_no_color(tty), cols, rows,
		                    bx_now_ms());
	else
		bx_view_label_init(&v, &s, bx_tty_colors(tty), bx_tty_no_color(tty), cols, rows,
		                   bx_now_ms());
	bx_view_run(&v, tty, &stop_flag, 500);
	v.ops->free(&v);
	bx_tty_close(tty);
	submitted = s.submitted;
	if (s.have_task && !s.lost)
		image = bx_strdup(s.claim.image);
	bx_session_close(&s);
	if (!stop_flag && review) {
		printf("boxel: %d judgment%s reviewed\n", submitted, submitted == 1 ? "" : "s");
	} else if (!stop_flag) {
		printf("boxel: %d task%s submitted", submitted, submitted == 1 ? "" : "s");
		if (image != NULL) {
			char *safe = bx_sanitize_dup(image);
			char *sdb = bx_sanitize_dup(db);
			printf("; your draft of %s is kept: 'boxel label --db %s' reopens it", safe, sdb);
			free(sdb);
			free(safe);
		}
		printf("\n");
	}
	free(image);
	return BX_EXIT_OK;
}

static int
cmd_label_exec(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "db", required_argument, NULL, 'd' },
		{ "user", required_argument, NULL, 'u' },
		{ "keys", no_argument, NULL, 'k' },
		{ NULL, 0, NULL, 0 },
	};
	const char *db = NULL, *user = NULL;
	int c;

	optind = 1;
	while ((c = getopt_long(argc, argv, "d:u:", opts, NULL)) != -1) {
		switch (c) {
		case 'd': db = optarg; break;
		case 'u': user = optarg; break;
		case 'k': print_keys(); return BX_EXIT_OK;
		default: return bx_cli_usage(&bx_cmd_label);
		}
	}
	if (optind != argc)
		return bx_cli_usage(&bx_cmd_label);
	if (user == NULL && (user = login_name()) == NULL) {
		bx_cli_error("label: cannot tell who you are (no passwd entry): use --user NAME");
		return BX_EXIT_USAGE;
	}
	return bx_label_run(bx_cli_db_path(db), user, 0, NULL, 0);
}

const struct bx_cmd bx_cmd_label = {
	.name = "label",
	.usage = "[--db FILE] [--user NAME] [--keys]",
	.summary = "label your next tasks in the terminal",
	.help = "  --db FILE     the project store (default $BOXEL_DB, else ./boxel.db)\n"
	        "  --user NAME   who is labeling (default: your Unix login)\n"
	        "  --keys        print every key and exit\n"
	        "Opens your own unfinished task first, else the next one of your queue.\n"
	        "Every edit is saved at once; q, a dropped connection or SIGTERM keep the draft.\n",
	.min_role = BX_ROLE_ANNOTATOR,
	.exec = cmd_label_exec,
};
