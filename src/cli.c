/* cli.c: the one table of subcommands, dispatch, and the help generated
 * from it. Each command lives in src/cmd-NAME.c as bx_cmd_NAME. */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "boxel/cli.h"
#include "boxel/util.h"
#include "config.h"

/* The order here is the order of `boxel help`. Add a command: one line. */
#define BX_COMMANDS(X) \
	X(help) \
	X(demo) \
	X(label) \
	X(init) \
	X(user) \
	X(batch) \
	X(queue) \
	X(review) \
	X(admin) \
	X(stats) \
	X(config) \
	X(report) \
	X(consensus) \
	X(show) \
	X(taxonomy) \
	X(import) \
	X(export) \
	X(score) \
	X(gold) \
	X(store) \
	X(session)

#define X(name) extern const struct bx_cmd bx_cmd_##name;
BX_COMMANDS(X)
#undef X

static const struct bx_cmd *const commands[] = {
#define X(name) &bx_cmd_##name,
	BX_COMMANDS(X)
#undef X
};

void
bx_cli_error(const char *fmt, ...)
{
	char raw[2048], safe[2048];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(raw, sizeof raw, fmt, ap);
	va_end(ap);
	bx_sanitize(safe, sizeof safe, raw);
	fprintf(stderr, "boxel: %s\n", safe);
}

int
bx_cli_usage(const struct bx_cmd *cmd)
{
	fprintf(stderr, "usage: boxel %s %s\n", cmd->name, cmd->usage);
	fprintf(stderr, "Try 'boxel %s --help' for more.\n", cmd->name);
	return BX_EXIT_USAGE;
}

static void
print_help(const struct bx_cmd *cmd, FILE *f)
{
	fprintf(f, "usage: boxel %s %s\n\n%s\n", cmd->name, cmd->usage, cmd->summary);
	if (cmd->help != NULL)
		fprintf(f, "\n%s", cmd->help);
}

int
bx_cli_wants_help(const struct bx_cmd *cmd, int argc, char **argv)
{
	int i;

	for (i = 1; i < argc; i++) {
		if (strcmp(argv[i], "--") == 0)
			break;
		if (strcmp(argv[i], "-h") == 0 || strcmp(argv[i], "--help") == 0) {
			print_help(cmd, stdout);
			return 1;
		}
	}
	return 0;
}

const char *
bx_cli_db_path(const char *opt)
{
	const char *env;

	if (opt != NULL)
		return opt;
	env = getenv("BOXEL_DB");
	if (env != NULL && *env != '\0')
		return env;
	return "./boxel.db";
}

static const struct bx_cmd *
find_cmd(const char *name)
{
	size_t i;

	for (i = 0; i < BX_ARRAY_LEN(commands); i++)
		if (strcmp(commands[i]->name, name) == 0)
			return commands[i];
	return NULL;
}

const struct bx_cmd *
bx_cli_find(const char *name)
{
	return find_cmd(name);
}

static void
print_overview(FILE *f)
{
	size_t i;

	fprintf(f, "boxel %s: terminal labeling workstation\n\n", BOXEL_VERSION);
	fprintf(f, "usage: boxel COMMAND [ARGS...]\n\ncommands:\n");
	for (i = 0; i < BX_ARRAY_LEN(commands); i++)
		fprintf(f, "  %-10s %s\n", commands[i]->name, commands[i]->summary);
	fprintf(f, "\n'boxel COMMAND --help' describes one command.\n");
}

static int
cmd_help_exec(int argc, char **argv)
{
	const struct bx_cmd *cmd;

	if (argc < 2) {
		print_overview(stdout);
		return BX_EXIT_OK;
	}
	cmd = find_cmd(argv[1]);
	if (cmd == NULL) {
		bx_cli_error("%s: no such command (see 'boxel help')", argv[1]);
		return BX_EXIT_USAGE;
	}
	print_help(cmd, stdout);
	return BX_EXIT_OK;
}

const struct bx_cmd bx_cmd_help = {
	.name = "help",
	.usage = "[COMMAND]",
	.summary = "list the commands, or describe one",
	.exec = cmd_help_exec,
};

/* `boxel --db X init`, as git and sqlite3 users type: options before the
 * command word are moved behind it, so the command's own option parser
 * reads them (and refuses those it does not take). --db is the one global
 * option with a separate argument; the rest are flags or --name=value. */
static void
hoist_options(int argc, char **argv)
{
	int i = 1, k;
	char *cmd;

	while (i < argc && strncmp(argv[i], "--", 2) == 0 && argv[i][2] != '\0' &&
	    strcmp(argv[i], "--help") != 0 && strcmp(argv[i], "--version") != 0)
		i += strcmp(argv[i], "--db") == 0 ? 2 : 1;
	if (i == 1 || i >= argc || find_cmd(argv[i]) == NULL)
		return;
	cmd = argv[i];
	for (k = i; k > 1; k--)
		argv[k] = argv[k - 1];
	argv[1] = cmd;
}

int
bx_cli_main(int argc, char **argv)
{
	const struct bx_cmd *cmd;

	hoist_options(argc, argv);
	if (argc < 2) {
		print_overview(stderr);
		return BX_EXIT_USAGE;
	}
	if (strcmp(argv[1], "--version") == 0 || strcmp(argv[1], "-V") == 0) {
		printf("boxel %s\n", BOXEL_VERSION);
		return BX_EXIT_OK;
	}
	if (strcmp(argv[1], "--help") == 0 || strcmp(argv[1], "-h") == 0) {
		print_overview(stdout);
		return BX_EXIT_OK;
	}
	cmd = find_cmd(argv[1]);
	if (cmd == NULL) {
		bx_cli_error("%s: no such command (see 'boxel help')", argv[1]);
		return BX_EXIT_USAGE;
	}
	if (cmd->exec != cmd_help_exec && bx_cli_wants_help(cmd, argc - 1, argv + 1))
		return BX_EXIT_OK;
	return cmd->exec(argc - 1, argv + 1);
}
