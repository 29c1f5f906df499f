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
};

enum bx_role { BX_ROLE_NONE = 0, BX_ROLE_ANNOTATOR, BX_ROLE_REVIEWER, BX_ROLE_ADMIN };

struct bx_cmd {
	const char *name;
	const char *usage;    /* "FILE..." etc., after "boxel NAME " */
	const char *summary;  /* one line for `boxel help` */
	const char *help;     /* longer text: options, one per line; may be NULL */
	enum bx_role min_role; /* for the SSH forced-command session */
	int (*exec)(int argc, char **argv); /* argv[0] is the command name */
};

/* Print "boxel: " + message to stderr, sanitized, with a newline. */
void bx_cli_error(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
/* Print usage of cmd to stderr and return BX_EXIT_USAGE. */
int bx_cli_usage(const struct bx_cmd *cmd);
/* True (and prints the command's help to stdout) if argv holds -h/--help. */
int bx_cli_wants_help(const struct bx_cmd *cmd, int argc, char **argv);
/* The store path: the --db value if given, else $BOXEL_DB, else ./boxel.db. */
const char *bx_cli_db_path(const char *opt);

#endif
