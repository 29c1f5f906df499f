/* cmd-user.c: `boxel user add|list|disable|qual`: the project's people.
 * Names are [A-Za-z0-9._-]{1,64} (the store refuses others); roles are
 * annotator, reviewer, admin; qualification training|qualified|suspended. */
#include <getopt.h>
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
	    strcmp(sub, "qual") != 0) {
		bx_cli_error("user %s: unknown subcommand (add, list, disable, qual)", sub);
		return BX_EXIT_USAGE;
	}
	if ((st = bx_cli_store_open(db)) == NULL)
		return BX_EXIT_USAGE;
	if (strcmp(sub, "add") == 0)
		rc = user_add(st, argc - 1, argv + 1);
	else if (strcmp(sub, "list") == 0)
		rc = user_list(st, argc - 1, argv + 1);
	else
		rc = user_change(st, argc - 1, argv + 1, strcmp(sub, "disable") == 0);
	bx_store_close(st);
	return rc;
}

const struct bx_cmd bx_cmd_user = {
	.name = "user",
	.usage = "add NAME --role ROLE | list [--json] | disable NAME | qual NAME STATE  [--db FILE]",
	.summary = "add, list, disable or (re)qualify the project's users",
	.help =
	    "  add NAME --role R   R: annotator, reviewer or admin; NAME: 1-64 of\n"
	    "                      A-Z a-z 0-9 . _ - ; annotators start in training,\n"
	    "                      reviewers and admins qualified\n"
	    "  list [--json]       every user with role, qualification, active\n"
	    "  disable NAME        refuse their claims; their leases return to the queue\n"
	    "  qual NAME STATE     STATE: training, qualified or suspended (reinstate a\n"
	    "                      suspended labeler with 'qualified')\n"
	    "  --db FILE           the store (default $BOXEL_DB, else ./boxel.db)\n",
	.min_role = BX_ROLE_ADMIN,
	.exec = cmd_user_exec,
};
