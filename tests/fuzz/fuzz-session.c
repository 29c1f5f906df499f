/* fuzz-session.c: libFuzzer target for the SSH forced command's splitter
 * and rule checks (src/cmd-session.c, included so its static split() and
 * run_words() are reachable). The command table is replaced by one whose
 * entries record what would run instead of running it, so every accepted
 * command line is checked against what the session promises:
 *   - the role the matching rule needs (and the entry's) is the user's or
 *     lower; file-touching commands (remote 0) never run;
 *   - --db is the session's store, exactly once, and --user the key's user
 *     (once, and only where the rule acts as the user);
 *   - every option is one the rule lists; no positional is a path, and
 *     there are at most as many as the rule takes.
 * The first byte picks the user's role; the rest is SSH_ORIGINAL_COMMAND. */
#include "../../src/cmd-session.c"

#include <stdint.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define FUZZ_DB "/srv/boxel/project.db"
static enum bx_role cur_role;
static const char *cur_user;

static int fake_exec(int argc, char **argv);
static int never_exec(int argc, char **argv)
{
	(void)argc;
	fprintf(stderr, "fuzz-session: a command that is not remote-safe ran: %s\n", argv[0]);
	abort();
}

static const struct bx_cmd table[] = {
	{ "label", "", "", NULL, BX_ROLE_ANNOTATOR, fake_exec, 0 },
	{ "queue", "", "", NULL, BX_ROLE_ANNOTATOR, fake_exec, 1 },
	{ "user", "", "", NULL, BX_ROLE_ANNOTATOR, fake_exec, 1 },
	{ "review", "", "", NULL, BX_ROLE_REVIEWER, fake_exec, 1 },
	{ "stats", "", "", NULL, BX_ROLE_REVIEWER, fake_exec, 1 },
	{ "report", "", "", NULL, BX_ROLE_REVIEWER, fake_exec, 1 },
	{ "admin", "", "", NULL, BX_ROLE_ADMIN, fake_exec, 1 },
	{ "batch", "", "", NULL, BX_ROLE_ADMIN, fake_exec, 1 },
	{ "config", "", "", NULL, BX_ROLE_ADMIN, fake_exec, 1 },
	{ "init", "", "", NULL, BX_ROLE_ADMIN, never_exec, 0 },
	{ "import", "", "", NULL, BX_ROLE_ADMIN, never_exec, 0 },
	{ "export", "", "", NULL, BX_ROLE_ADMIN, never_exec, 0 },
	{ "show", "", "", NULL, BX_ROLE_ANNOTATOR, never_exec, 0 },
};

#define CHECK(c) do { if (!(c)) { fprintf(stderr, "fuzz-session: %s\n", #c); abort(); } } while (0)

static int
fake_exec(int argc, char **argv)
{
	const struct rule *r = NULL;
	const struct bx_cmd *cmd = bx_cli_find(argv[0]);
	int i, ndb = 0, nuser = 0, npos = 0;
	size_t k;

	CHECK(cmd != NULL && argc >= 3 && argv[argc] == NULL && argc <= WORDS_MAX + 8);
	for (k = 0; k < BX_ARRAY_LEN(rules); k++)
		if (strcmp(rules[k].cmd, argv[0]) == 0 &&
		    (rules[k].sub == NULL || strcmp(rules[k].sub, argv[1]) == 0)) {
			r = &rules[k];
			break;
		}
	CHECK(r != NULL);
	CHECK(cur_role >= r->role && cur_role >= cmd->min_role);
	for (i = r->sub ? 2 : 1; i < argc; i++) {
		if (strcmp(argv[i], "--db") == 0) {
			ndb++;
			CHECK(i + 1 < argc && strcmp(argv[i + 1], FUZZ_DB) == 0);
			i++;
			continue;
		}
		if (strcmp(argv[i], "--user") == 0) {
			nuser++;
			CHECK(i + 1 < argc && strcmp(argv[i + 1], cur_user) == 0);
			i++;
			continue;
		}
		CHECK(strncmp(argv[i], "--db", 4) != 0 && strncmp(argv[i], "--user", 6) != 0 &&
		      strncmp(argv[i], "--images", 8) != 0);
		/* Positionals are never paths (option values are ids, tokens and
		 * text; none names a file). */
		if (argv[i][0] == '-' && argv[i][1] != '\0') {
			int val = 0;
			CHECK(opt_listed(r->opts, argv[i], strcspn(argv[i], "="), &val));
			if (val && strchr(argv[i], '=') == NULL)
				i++;
			continue;
		}
		CHECK(strchr(argv[i], '/') == NULL);
		npos++;
	}
	CHECK(npos <= r->npos);
	CHECK(ndb == 1);
	CHECK(nuser == ((r->flags & AS_USER) ? 1 : 0));
	return BX_EXIT_OK;
}

/* What cli.c and the store would provide. */
const struct bx_cmd *
bx_cli_find(const char *name)
{
	size_t i;

	for (i = 0; i < BX_ARRAY_LEN(table); i++)
		if (strcmp(table[i].name, name) == 0)
			return &table[i];
	return NULL;
}
void bx_cli_error(const char *fmt, ...) { (void)fmt; }
int bx_cli_usage(const struct bx_cmd *cmd) { (void)cmd; return BX_EXIT_USAGE; }
const char *bx_cli_db_path(const char *opt) { return opt ? opt : FUZZ_DB; }
int bx_store_log(struct bx_store *st, const char *actor, const char *what, const char *detail,
                 int64_t now_ms, struct bx_err *err)
{ (void)st; (void)actor; (void)what; (void)detail; (void)now_ms; (void)err; return 0; }
void bx_store_close(struct bx_store *st) { (void)st; }
int bx_store_open(const char *path, int flags, struct bx_store **out, struct bx_err *err)
{ (void)path; (void)flags; *out = NULL; return bx_err_set(err, BX_EIO, "no store here"); }
int bx_store_user_get(struct bx_store *st, const char *name, struct bx_user *out,
                      struct bx_err *err)
{ (void)st; (void)name; (void)out; return bx_err_set(err, BX_ENOENT, "no user"); }
void bx_user_free(struct bx_user *u) { (void)u; }

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const char *const names[] = { "alice", "bob", "root" };
	static int quiet;
	char *line, *words[WORDS_MAX];
	struct sess s = { 0 };
	int n = 0;

	if (size < 1)
		return 0;
	/* `help` prints the allowed commands: not worth the fuzzer's time. */
	if (!quiet++ && freopen("/dev/null", "w", stdout) == NULL)
		abort();
	cur_role = (enum bx_role)(data[0] & 3);
	cur_user = names[(data[0] >> 2) % 3];
	line = bx_strndup((const char *)data + 1, size - 1);
	s.name = cur_user;
	s.line = line;
	if (split(line, words, &n) == NULL) {
		CHECK(n <= WORDS_MAX);
		if (n > 0)
			run_words(&s, FUZZ_DB, cur_role, words, n);
	}
	free(line);
	return 0;
}
