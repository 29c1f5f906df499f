/* cmd-session.c: `boxel session --user NAME`, the forced command of every
 * line `boxel user authorized-keys` writes. The SSH key chose NAME; this
 * file decides what NAME may run: SSH_ORIGINAL_COMMAND is split into words
 * without a shell, checked against the rule table below (command and
 * subcommand, least role, allowed options, no paths), --db and --user are
 * forced, and the command runs in-process through the command table.
 * Every refusal is one line on stderr, exit 2, and a "session_refused"
 * event in the store's log. */
#include <fcntl.h>
#include <getopt.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "boxel/cli.h"
#include "boxel/formats.h"
#include "boxel/util.h"
#include "store-cli.h"

extern const struct bx_cmd bx_cmd_session;

enum {
	AS_USER = 1, /* append --user NAME: the command acts as the session's user */
	SELF = 2,    /* the one positional names a user: NAME only (admins: anyone);
	              * NAME is appended when it is left out */
	STDIN = 4,   /* the last positional is "-" (standard input), appended when
	              * left out: the client's file travels over the connection */
};

/* What may run over SSH. The command must also be remote-safe in its table
 * entry (.remote, or `label`, whose entry lives in the TUI's file) and the
 * user's role at least both the rule's and the entry's min_role. opts: the
 * accepted options, each followed by '=' when it takes a value. npos: the
 * positional words accepted after the (sub)command; none may be a path. */
static const struct rule {
	const char *cmd, *sub;
	enum bx_role role;
	const char *opts;
	int npos;
	unsigned flags;
	const char *what;
} rules[] = {
	{ "label", NULL, BX_ROLE_ANNOTATOR, "--keys", 0, AS_USER,
	  "label your next tasks (the default)" },
	{ "queue", "claim", BX_ROLE_ANNOTATOR, "--lease= --json", 0, AS_USER,
	  "lease your next task (scripts)" },
	{ "queue", "heartbeat", BX_ROLE_ANNOTATOR, "--judgment= --token= --lease= --json", 0,
	  AS_USER, "extend your lease" },
	{ "queue", "release", BX_ROLE_ANNOTATOR, "--judgment= --token=", 0, AS_USER,
	  "give your task back" },
	{ "queue", "skip", BX_ROLE_ANNOTATOR, "--judgment= --token= --reason=", 0, AS_USER,
	  "decline your task" },
	{ "queue", "save", BX_ROLE_ANNOTATOR, "--judgment= --token= --seconds=", 1,
	  AS_USER | STDIN, "keep an answer as your task's draft, sent on standard input" },
	{ "queue", "submit", BX_ROLE_ANNOTATOR, "--judgment= --token= --seconds=", 1,
	  AS_USER | STDIN, "submit your task's answer, sent on standard input" },
	{ "user", "show", BX_ROLE_ANNOTATOR, "--json", 1, SELF,
	  "your accuracy and throughput (admins: anyone's)" },
	{ "review", "list", BX_ROLE_REVIEWER,
	  "--batch= --flagged --sample= --limit= --json --labeler= --since= --until=", 0, 0,
	  "submitted judgments to review, flagged first" },
	{ "review", "show", BX_ROLE_REVIEWER, "--json", 1, 0, "one judgment with its gold" },
	{ "review", "accept", BX_ROLE_REVIEWER, "--comment=", 1, AS_USER,
	  "accept a judgment (--comment -: the comment on standard input)" },
	{ "review", "reject", BX_ROLE_REVIEWER, "--comment=", 1, AS_USER,
	  "reject a judgment; --comment - reads the reason from standard input" },
	{ "review", "fix", BX_ROLE_REVIEWER, "--comment=", 2, AS_USER | STDIN,
	  "accept with a fixed answer, sent on standard input" },
	/* After the subcommands: plain `review` is the review screen. */
	{ "review", NULL, BX_ROLE_REVIEWER, "--batch= --sample=", 0, AS_USER,
	  "the review screen (ssh -t)" },
	{ "stats", NULL, BX_ROLE_REVIEWER, "--json", 0, 0, "progress and throughput" },
	{ "report", "calibration", BX_ROLE_REVIEWER, "--json", 1, 0,
	  "where labelers disagree in a batch" },
	{ "admin", NULL, BX_ROLE_ADMIN, "--interval=", 0, 0, "the live dashboard (ssh -t)" },
	{ "batch", "list", BX_ROLE_ADMIN, "--json", 0, 0, "batches with progress" },
	{ "batch", "show", BX_ROLE_ADMIN, "--json", 1, 0, "one batch" },
	{ "user", "list", BX_ROLE_ADMIN, "--json", 0, 0, "every user" },
	{ "config", "list", BX_ROLE_ADMIN, "", 0, 0, "the project's settings" },
	{ "config", "get", BX_ROLE_ADMIN, "", 1, 0, "one setting" },
};

/* Options the session sets itself: a client naming one is refused. */
static const char *const forced[] = { "--db", "--user", "--images" };

#define CMD_MAX 1024  /* bytes of SSH_ORIGINAL_COMMAND */
#define WORDS_MAX 32

struct sess {
	struct bx_store *st;
	const char *db;    /* the store's path */
	const char *name;  /* the user the key names */
	const char *line;  /* the client's command, as sent */
};

static enum bx_role
role_of(const char *role)
{
	if (strcmp(role, "admin") == 0)
		return BX_ROLE_ADMIN;
	if (strcmp(role, "reviewer") == 0)
		return BX_ROLE_REVIEWER;
	if (strcmp(role, "annotator") == 0)
		return BX_ROLE_ANNOTATOR;
	return BX_ROLE_NONE;
}

static const char *
role_name(enum bx_role r)
{
	return r == BX_ROLE_ADMIN ? "admin" : r == BX_ROLE_REVIEWER ? "reviewer" :
	    r == BX_ROLE_ANNOTATOR ? "annotator" : "none";
}

/* The client's command for the log: sanitized, and with the value of
 * --token replaced: a lease token in the audit log would let anyone who
 * reads it submit or release that labeler's task. */
static void
logged_line(struct bx_buf *b, const char *line)
{
	char clean[256];
	struct bx_buf out;
	const char *p, *v;

	bx_sanitize(clean, sizeof clean, line != NULL ? line : "");
	bx_buf_init(&out);
	for (p = clean; *p; ) {
		if (strncmp(p, "--token", 7) != 0 || (p[7] != '=' && p[7] != ' ' && p[7] != '\t')) {
			bx_buf_putc(&out, *p++);
			continue;
		}
		for (v = p + 7; *v == '=' || *v == ' ' || *v == '\t'; v++)
			;
		bx_buf_printf(&out, "%.*s", (int)(v - p), p);
		if (*v != '\0')
			bx_buf_puts(&out, "***");
		p = v + strcspn(v, " \t");
	}
	bx_json_put_str(b, out.p != NULL ? out.p : "");
	bx_buf_free(&out);
}

/* One event of the session. The store may be locked past the busy budget
 * or unwritable: the event then goes, one JSON line, to the fallback log
 * beside it (DB-audit.log, as gitolite keeps its own log) rather than
 * nowhere; only if both fail is it dropped, and then said so. */
static void
audit(struct sess *s, const char *what, const char *detail)
{
	struct bx_err err = { 0 };
	struct bx_store *st = s->st;
	struct bx_buf b;
	char *path;
	int64_t now = bx_now_ms();
	int fd, ok = 0;

	if (st == NULL && s->db != NULL && bx_store_open(s->db, 0, &st, &err) < 0)
		st = NULL;
	if (st != NULL && bx_store_log(st, s->name, what, detail, now, &err) == 0)
		ok = 1;
	if (st != s->st)
		bx_store_close(st);
	if (ok || s->db == NULL)
		return;
	bx_buf_init(&b);
	bx_buf_printf(&b, "{\"ms\":%lld,\"actor\":", (long long)now);
	bx_json_put_str(&b, s->name);
	bx_buf_puts(&b, ",\"what\":");
	bx_json_put_str(&b, what);
	bx_buf_printf(&b, ",\"detail\":%s,\"store_error\":", detail);
	bx_json_put_str(&b, err.msg);
	bx_buf_puts(&b, "}\n");
	path = bx_asprintf("%s-audit.log", s->db);
	fd = open(path, O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC | O_NOFOLLOW, 0600);
	if (fd < 0 || write(fd, b.p, b.len) != (ssize_t)b.len)
		bx_cli_error("session: could not log '%s' in the store (%s) nor in %s", what,
		    err.msg, path);
	if (fd >= 0)
		close(fd);
	free(path);
	bx_buf_free(&b);
}

/* One line on stderr, a session_refused event (the refusal stands even
 * when it cannot be recorded), exit 2. */
static int __attribute__((format(printf, 2, 3)))
refuse(struct sess *s, const char *fmt, ...)
{
	char reason[512];
	struct bx_buf d;
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(reason, sizeof reason, fmt, ap);
	va_end(ap);
	bx_cli_error("session: refused: %s", reason);
	if (s->st == NULL && s->db == NULL)
		return BX_EXIT_USAGE;
	bx_sanitize(reason, sizeof reason, reason);
	bx_buf_init(&d);
	bx_buf_puts(&d, "{\"command\":");
	logged_line(&d, s->line);
	bx_buf_puts(&d, ",\"reason\":");
	bx_json_put_str(&d, reason);
	bx_buf_putc(&d, '}');
	audit(s, "session_refused", d.p);
	bx_buf_free(&d);
	return BX_EXIT_USAGE;
}

/* The audit trail of what each key ran. */
static void
log_session(struct sess *s)
{
	struct bx_buf d;

	bx_buf_init(&d);
	bx_buf_puts(&d, "{\"command\":");
	logged_line(&d, s->line);
	bx_buf_putc(&d, '}');
	audit(s, "session", d.p);
	bx_buf_free(&d);
}

/* sshd hands the forced command the client's accepted variables, and a
 * key's environment= when the server permits it. Nothing of boxel's own
 * (BOXEL_DB, BOXEL_NOW_MS that pins the clock, BOXEL_ACTOR, ...) may come
 * from there: over SSH every BOXEL_* variable is dropped. Run locally (the
 * tests, an admin trying a command), the caller's environment is its own. */
static void
scrub_env(void)
{
	extern char **environ;
	char name[128];
	int i;

	if (getenv("SSH_CONNECTION") == NULL && getenv("SSH_CLIENT") == NULL)
		return;
	for (i = 0; environ[i] != NULL; ) {
		size_t n = strcspn(environ[i], "=");
		if (strncmp(environ[i], "BOXEL_", 6) == 0 && n < sizeof name) {
			memcpy(name, environ[i], n);
			name[n] = '\0';
			unsetenv(name);  /* environ shifts down: look at i again */
			continue;
		}
		i++;
	}
}

/* A word for a message: sanitized and cut short. */
static const char *
shown(char *buf, size_t n, const char *w)
{
	char tmp[64];

	snprintf(tmp, sizeof tmp, "%s", w);
	if (strlen(w) >= sizeof tmp)
		memcpy(tmp + sizeof tmp - 4, "...", 4);
	bx_sanitize(buf, n, tmp);
	return buf;
}

/* Split the client's command into words at spaces and tabs, no shell:
 * anything a shell would interpret is refused rather than passed on as
 * text, so no one is misled about what ran. NULL reason on success. */
static const char *
split(char *line, char **words, int *n_out)
{
	static const char bad[] = "'\"$`;|&<>\\";
	char *p;
	int n = 0;

	if (strlen(line) > CMD_MAX)
		return "command longer than 1024 bytes";
	for (p = line; *p; p++) {
		unsigned char c = (unsigned char)*p;
		if ((c < 0x20 && c != '\t') || c == 0x7f)
			return "control character in the command";
		if (strchr(bad, c) != NULL)
			return "shell syntax (quotes, $, `, ;, |, &, <, >, \\) is not accepted: "
			    "commands run without a shell";
	}
	for (p = line; *p; ) {
		while (*p == ' ' || *p == '\t')
			*p++ = '\0';
		if (*p == '\0')
			break;
		if (n == WORDS_MAX)
			return "more than 32 words";
		words[n++] = p;
		while (*p && *p != ' ' && *p != '\t')
			p++;
	}
	*n_out = n;
	return NULL;
}

static int
allowed_here(const struct bx_cmd *cmd)
{
	/* label's table entry is the TUI's; it is remote-safe by design. */
	return cmd->remote || strcmp(cmd->name, "label") == 0;
}

static void
print_allowed(enum bx_role role, FILE *f)
{
	char use[64];
	size_t i;

	fprintf(f, "boxel over SSH: your key is your identity; commands run without a shell.\n"
	    "You may run (ssh HOST 'COMMAND'):\n");
	for (i = 0; i < BX_ARRAY_LEN(rules); i++) {
		const struct bx_cmd *cmd = bx_cli_find(rules[i].cmd);
		if (cmd == NULL || !allowed_here(cmd) || role < rules[i].role || role < cmd->min_role)
			continue;
		snprintf(use, sizeof use, "%s%s%s%s%s", rules[i].cmd, rules[i].sub ? " " : "",
		    rules[i].sub ? rules[i].sub : "",
		    rules[i].npos > ((rules[i].flags & STDIN) ? 1 : 0) ?
		    (strcmp(rules[i].cmd, "review") == 0 ? " ID" : " NAME") : "",
		    (rules[i].flags & STDIN) ? " -" : "");
		fprintf(f, "  %-24s %s%s%s\n", use, rules[i].what, *rules[i].opts ? "; " : "",
		    rules[i].opts);
	}
	fprintf(f, "--db and --user are set for you; paths are not accepted.\n");
}

/* Does opts (" --a= --b") list word's option name? *takes_value set. */
static int
opt_listed(const char *opts, const char *name, size_t nlen, int *takes_value)
{
	const char *p = opts;

	while (*p) {
		size_t l;
		while (*p == ' ')
			p++;
		l = strcspn(p, " ");
		if (l > 0) {
			int val = p[l - 1] == '=';
			if ((size_t)(l - val) == nlen && memcmp(p, name, nlen) == 0) {
				*takes_value = val;
				return 1;
			}
		}
		p += l;
	}
	return 0;
}

/* Check the words against the rules and run the command. */
static int
run_words(struct sess *s, const char *db, enum bx_role role, char **w, int n)
{
	const struct bx_cmd *cmd;
	const struct rule *r = NULL;
	char *argv[WORDS_MAX + 8], b1[80], b2[80];
	int argc = 0, i, npos = 0, first, has_subs = 0, rc;
	enum bx_role need;
	size_t k;

	if (strcmp(w[0], "help") == 0 && n == 1) {
		print_allowed(role, stdout);
		return BX_EXIT_OK;
	}
	cmd = bx_cli_find(w[0]);
	if (cmd == NULL || !allowed_here(cmd))
		return refuse(s, "'%s' is not available over SSH (try 'help')",
		    shown(b1, sizeof b1, w[0]));
	for (k = 0; k < BX_ARRAY_LEN(rules); k++) {
		if (strcmp(rules[k].cmd, cmd->name) != 0)
			continue;
		if (rules[k].sub == NULL) {
			r = &rules[k];
			break;
		}
		has_subs = 1;
		if (n > 1 && strcmp(rules[k].sub, w[1]) == 0) {
			r = &rules[k];
			break;
		}
	}
	if (r == NULL)
		return refuse(s, has_subs && n > 1 ? "'%s %s' is not available over SSH (try 'help')" :
		    "'%s' needs a subcommand that is available over SSH (try 'help')",
		    cmd->name, n > 1 ? shown(b2, sizeof b2, w[1]) : "");
	need = r->role > cmd->min_role ? r->role : cmd->min_role;
	if (role < need)
		return refuse(s, "'%s%s%s' needs the %s role; %s is %s", cmd->name, r->sub ? " " : "",
		    r->sub ? r->sub : "", role_name(need), s->name, role_name(role));
	argv[argc++] = (char *)cmd->name;
	first = 1;
	if (r->sub != NULL) {
		argv[argc++] = (char *)r->sub;
		first = 2;
	}
	for (i = first; i < n; i++) {
		const char *word = w[i];
		if (word[0] == '-' && word[1] != '\0') {
			size_t nlen = strcspn(word, "=");
			int val = 0;
			for (k = 0; k < BX_ARRAY_LEN(forced); k++)
				if (strlen(forced[k]) == nlen && memcmp(forced[k], word, nlen) == 0)
					return refuse(s, "%.*s is set by the session, not by the client",
					    (int)nlen, word);
			if (!opt_listed(r->opts, word, nlen, &val) || nlen < 3)
				return refuse(s, "option '%s' is not accepted over SSH for '%s%s%s'",
				    shown(b1, sizeof b1, word), cmd->name, r->sub ? " " : "",
				    r->sub ? r->sub : "");
			argv[argc++] = (char *)word;
			if (val && word[nlen] != '=') {
				if (i + 1 >= n)
					return refuse(s, "option %s needs a value", word);
				argv[argc++] = w[++i];
			} else if (!val && word[nlen] == '=') {
				return refuse(s, "option %.*s takes no value", (int)nlen, word);
			}
			continue;
		}
		if (strchr(word, '/') != NULL)
			return refuse(s, "'%s': paths are not accepted over SSH",
			    shown(b1, sizeof b1, word));
		if (++npos > r->npos)
			return refuse(s, "unexpected argument '%s' for '%s%s%s'",
			    shown(b1, sizeof b1, word), cmd->name, r->sub ? " " : "",
			    r->sub ? r->sub : "");
		if ((r->flags & SELF) && role < BX_ROLE_ADMIN && strcmp(word, s->name) != 0)
			return refuse(s, "%s may show only their own user (%s)", s->name, s->name);
		if ((r->flags & STDIN) && npos == r->npos && strcmp(word, "-") != 0)
			return refuse(s, "'%s': files are not accepted over SSH; send the answer on "
			    "standard input (ssh HOST '%s %s ... -' < FILE.json)",
			    shown(b1, sizeof b1, word), cmd->name, r->sub);
		argv[argc++] = (char *)word;
	}
	if ((r->flags & SELF) && npos == 0)
		argv[argc++] = (char *)s->name;
	if ((r->flags & STDIN) && npos == r->npos - 1)
		argv[argc++] = "-";
	argv[argc++] = "--db";
	argv[argc++] = (char *)db;
	if (r->flags & AS_USER) {
		argv[argc++] = "--user";
		argv[argc++] = (char *)s->name;
	}
	argv[argc] = NULL;
	log_session(s);
	/* The store's own events name the session's user. */
	setenv("BOXEL_ACTOR", s->name, 1);
	unsetenv("POSIXLY_CORRECT"); /* options after positionals, as above */
	bx_store_close(s->st);
	s->st = NULL;
	fflush(stdout);
	rc = cmd->exec(argc, argv);
	/* The command itself may refuse (a lease longer than the project's,
	 * an answer over its limits, a role it checks): that is a refusal of
	 * this session too, and the log must say so, not just that it ran. */
	if (rc == BX_EXIT_USAGE) {
		struct bx_buf d;
		bx_buf_init(&d);
		bx_buf_puts(&d, "{\"command\":");
		logged_line(&d, s->line);
		bx_buf_printf(&d, ",\"reason\":\"the command refused it (exit %d)\"}", rc);
		audit(s, "session_refused", d.p);
		bx_buf_free(&d);
	}
	return rc;
}

static int
cmd_session_exec(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "user", required_argument, NULL, 'u' },
		{ "db", required_argument, NULL, 'd' },
		{ 0, 0, 0, 0 },
	};
	struct bx_err err = { 0 };
	struct sess s = { 0 };
	struct bx_user u;
	const char *db = NULL, *orig;
	char *line, *words[WORDS_MAX];
	const char *why;
	enum bx_role role;
	int c, n = 0, rc;

	scrub_env();
	optind = 1;
	while ((c = getopt_long(argc, argv, "", opts, NULL)) != -1) {
		if (c == 'u')
			s.name = optarg;
		else if (c == 'd')
			db = optarg;
		else
			return bx_cli_usage(&bx_cmd_session);
	}
	if (optind != argc || s.name == NULL) {
		bx_cli_error("session: give --user NAME (authorized_keys does; see "
		    "'boxel user authorized-keys')");
		return BX_EXIT_USAGE;
	}
	db = bx_cli_db_path(db);
	s.db = db;
	orig = getenv("SSH_ORIGINAL_COMMAND");
	s.line = orig;
	if (bx_store_open(db, 0, &s.st, &err) < 0) {
		bx_cli_error("session: %s", err.msg);
		return BX_EXIT_USAGE;
	}
	if (bx_store_user_get(s.st, s.name, &u, &err) < 0) {
		rc = err.code == BX_ENOENT ? refuse(&s, "no user %s in this project", s.name) :
		    refuse(&s, "%s", err.msg);
		bx_store_close(s.st);
		return rc;
	}
	role = role_of(u.role);
	rc = u.active;
	bx_user_free(&u);
	if (!rc) {
		rc = refuse(&s, "user %s is disabled", s.name);
		bx_store_close(s.st);
		return rc;
	}
	line = bx_strdup(orig != NULL ? orig : "");
	if ((why = split(line, words, &n)) != NULL) {
		rc = refuse(&s, "%s", why);
	} else if (n == 0 && role == BX_ROLE_ADMIN) {
		/* An admin's work is headless: say what they may run. */
		print_allowed(role, stdout);
		rc = BX_EXIT_OK;
	} else if (n == 0) {
		/* Annotators label, reviewers review ('ssh HOST label' labels). */
		words[0] = role == BX_ROLE_REVIEWER ? "review" : "label";
		n = 1;
		rc = run_words(&s, db, role, words, n);
	} else {
		rc = run_words(&s, db, role, words, n);
	}
	free(line);
	bx_store_close(s.st);
	return rc;
}

const struct bx_cmd bx_cmd_session = {
	.name = "session",
	.usage = "--user NAME [--db FILE]",
	.summary = "the SSH forced command (authorized_keys runs it; not for people)",
	.help =
	    "  Runs SSH_ORIGINAL_COMMAND for NAME (the user the SSH key names) if\n"
	    "  NAME is active and the command is allowed over SSH for their role;\n"
	    "  no command: annotators get 'label', reviewers 'review', admins a list of\n"
	    "  what they may run ('help' shows it too). Words are split at spaces,\n"
	    "  without a shell; quotes, $, `, ;, |, &, <, >, \\ and control characters\n"
	    "  are refused, so are --db, --user, --images and paths. Refusals: one\n"
	    "  line, exit 2, a 'session_refused' event in the store's log (or, while\n"
	    "  the store cannot be written, a line in FILE-audit.log beside it).\n"
	    "  Over SSH every BOXEL_* variable of the environment is ignored.\n"
	    "  --user NAME   the session's user (written by 'boxel user authorized-keys')\n"
	    "  --db FILE     the store (default $BOXEL_DB, else ./boxel.db)\n",
	.min_role = BX_ROLE_NONE,
	.exec = cmd_session_exec,
};
