/* cmd-store.c: `boxel store copy FROM TO`: a whole project into a new store,
 * between a file and a PostgreSQL database either way (store-copy.c). */
#include <stdio.h>
#include <string.h>

#include "boxel/cli.h"
#include "boxel/util.h"
#include "store-cli.h"

extern const struct bx_cmd bx_cmd_store;

static int
cmd_store_exec(int argc, char **argv)
{
	struct bx_store_copy_stats stats;
	struct bx_err err = { 0 };
	int i;

	for (i = 1; i < argc; i++)
		if (strncmp(argv[i], "-", 1) == 0 && strcmp(argv[i], "-") != 0) {
			bx_cli_error("store: unknown option '%s' (FROM and TO name the stores; "
			    "--db is not used)", argv[i]);
			return BX_EXIT_USAGE;
		}
	if (argc != 4 || strcmp(argv[1], "copy") != 0)
		return bx_cli_usage(&bx_cmd_store);
	if (strcmp(argv[2], argv[3]) == 0) {
		bx_cli_error("store copy: FROM and TO are the same store");
		return BX_EXIT_USAGE;
	}
	if (bx_store_copy(argv[2], argv[3], &stats, &err) < 0) {
		bx_err_prefix(&err, "store copy");
		return bx_cli_store_fail(&err);
	}
	printf("copied %lld rows in %d tables from %s to %s\n", (long long)stats.rows,
	    stats.tables, argv[2], argv[3]);
	return BX_EXIT_OK;
}

const struct bx_cmd bx_cmd_store = {
	.name = "store",
	.usage = "copy FROM TO",
	.summary = "copy a whole project into a new store (SQLite <-> PostgreSQL)",
	.help =
	    "  copy FROM TO   every row of every table (settings and secrets, users,\n"
	    "                 roles and keys, taxonomy, batches, tasks, judgments with\n"
	    "                 their ids, states, leases and drafts, gold, reviews,\n"
	    "                 consensus, the event log) from the project FROM into TO.\n"
	    "                 Each is a file or a postgresql:// URI. TO must be a new\n"
	    "                 file, or a database with no project or an empty one.\n"
	    "                 FROM's write lock is held during the copy (its writers\n"
	    "                 wait, and give up after 15 s); TO is written in one\n"
	    "                 transaction: on any error it is left without data.\n"
	    "                 FROM at an older schema is migrated forward first, as by\n"
	    "                 any writing command. A table FROM holds that the copy\n"
	    "                 does not know is refused.\n",
	.min_role = BX_ROLE_ADMIN,
	.exec = cmd_store_exec,
	.remote = 0,
};
