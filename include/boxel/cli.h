/* cli.h: subcommands are data. Each src/cmd-NAME.c defines one
 * `const struct bx_cmd bx_cmd_NAME`, and cli.c lists them all in one table,
 * from which `boxel help` and `boxel CMD --help` are generated. */
#ifndef BOXEL_CLI_H
#define BOXEL_CLI_H

/* Exit codes, the same for every subcommand. */
enum {
	BX_EXIT_OK = 0,
	BX_EXIT_SOME = 1,   /* some items failed, the rest were done */
	BX_EXIT_USAGE = 2,  /* usage error or fatal */
	BX_EXIT_EMPTY = 3,  /* no work (queue claim) */
	BX_EXIT_LEASE = 4,  /* lease lost: the task went to someone else or
	                     * expired; nothing was changed (queue commands) */
};

enum bx_role { BX_ROLE_NONE = 0, BX_ROLE_ANNOTATOR, BX_ROLE_REVIEWER, BX_ROLE_ADMIN };

struct bx_cmd {
	const char *name;
	const char *usage;    /* "FILE..." etc., after "boxel NAME " */
	const char *summary;  /* one line for `boxel help` */
	const char *help;     /* longer text: options, one per line; may be NULL */
	enum bx_role min_role; /* for the SSH forced-command session */
	int (*exec)(int argc, char **argv); /* argv[0] is the command name */
	/* 1: `boxel session` may run it for a remote user (with role >=
	 * min_role, under the subcommand and option rules of cmd-session.c).
	 * Commands that read or write files of the server stay 0. */
	int remote;
};

/* Print "boxel: " + message to stderr, sanitized, with a newline. */
void bx_cli_error(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
/* Print usage of cmd to stderr and return BX_EXIT_USAGE. */
int bx_cli_usage(const struct bx_cmd *cmd);
/* True (and prints the command's help to stdout) if argv holds -h/--help. */
int bx_cli_wants_help(const struct bx_cmd *cmd, int argc, char **argv);
/* The store path: the --db value if given, else $BOXEL_DB, else ./boxel.db. */
const char *bx_cli_db_path(const char *opt);
/* The command of that name in the table, or NULL. */
const struct bx_cmd *bx_cli_find(const char *name);

#endif
