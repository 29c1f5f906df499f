/* store-cli.c: shared glue of the store's commands: open with one clear
 * error line, the acting identity, strict number parsing, error -> exit
 * code. No SQL here: everything goes through store.h. */
#include <errno.h>
#include <fcntl.h>
#include <locale.h>
#include <math.h>
#include <pwd.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <time.h>
#include <unistd.h>

#include "boxel/cli.h"
#include "boxel/codec.h"
#include "boxel/formats.h"
#include "boxel/taxonomy.h"
#include "boxel/util.h"
#include "store-cli.h"

static struct bx_store *
store_open(const char *db_opt, int flags)
{
	struct bx_store *st;
	struct bx_err err = { 0 };

	if (bx_store_open(bx_cli_db_path(db_opt), flags, &st, &err) < 0) {
		bx_cli_error("%s", err.msg);
		return NULL;
	}
	return st;
}

struct bx_store *
bx_cli_store_open(const char *db_opt)
{
	return store_open(db_opt, 0);
}

struct bx_store *
bx_cli_store_open_ro(const char *db_opt)
{
	return store_open(db_opt, BX_STORE_READONLY);
}

const char *
bx_cli_take_db(int *argc, char **argv)
{
	const char *db = NULL;
	int i, j = 1;

	for (i = 1; i < *argc; i++) {
		if (strcmp(argv[i], "--") == 0) {
			while (i < *argc)
				argv[j++] = argv[i++];
			break;
		}
		if (strcmp(argv[i], "--db") == 0 && i + 1 < *argc) {
			db = argv[++i];
			continue;
		}
		if (strncmp(argv[i], "--db=", 5) == 0) {
			db = argv[i] + 5;
			continue;
		}
		argv[j++] = argv[i];
	}
	*argc = j;
	argv[j] = NULL;
	return db;
}

const char *
bx_cli_actor(void)
{
	const char *a = getenv("BOXEL_ACTOR");
	struct passwd *pw;

	if (a != NULL && *a != '\0')
		return a;
	pw = getpwuid(getuid());
	if (pw != NULL && pw->pw_name != NULL)
		return pw->pw_name;
	a = getenv("USER");
	return a != NULL && *a != '\0' ? a : "unknown";
}

int
bx_cli_parse_long(const char *s, const char *what, long lo, long hi, long *out)
{
	char *end;
	long v;

	errno = 0;
	v = strtol(s, &end, 10);
	if (end == s || *end != '\0' || errno != 0 || v < lo || v > hi) {
		bx_cli_error("%s: '%s' is not an integer in %ld..%ld", what, s, lo, hi);
		return -1;
	}
	*out = v;
	return 0;
}

static locale_t
c_locale(void)
{
	static locale_t loc;

	if (loc == (locale_t)0)
		loc = newlocale(LC_NUMERIC_MASK, "C", (locale_t)0);
	return loc;
}

const char *
bx_cli_num(char *buf, size_t n, const char *fmt, double v)
{
	locale_t old = uselocale(c_locale());

	snprintf(buf, n, fmt, v);
	uselocale(old);
	return buf;
}

int
bx_cli_parse_double(const char *s, const char *what, double lo, double hi, double *out)
{
	char *end;
	double v;

	errno = 0;
	v = strtod_l(s, &end, c_locale()); /* "0.25" whatever LC_NUMERIC says */
	if (end == s || *end != '\0' || errno != 0 || !isfinite(v) || v < lo || v > hi) {
		bx_cli_error("%s: '%s' is not a number in %g..%g", what, s, lo, hi);
		return -1;
	}
	*out = v;
	return 0;
}

int
bx_cli_store_fail(const struct bx_err *err)
{
	bx_cli_error("%s", err->msg);
	if (err->code == BX_EEMPTY)
		return BX_EXIT_EMPTY;
	if (err->code == BX_ELEASE)
		return BX_EXIT_LEASE;
	return BX_EXIT_USAGE;
}

static void
num_or_null(struct bx_buf *b, int ok, double v)
{
	if (ok)
		bx_json_put_num(b, v);
	else
		bx_buf_puts(b, "null");
}

void
bx_cli_batch_quality_json(struct bx_buf *b, const struct bx_batch_quality *q)
{
	bx_buf_printf(b, "{\"tasks_with_consensus\":%d,\"needs_review\":%d,\"mean_agreement\":",
	    q->ncomplete, q->nreview);
	num_or_null(b, q->has_agreement, q->agreement);
	bx_buf_puts(b, ",\"kalpha_classes\":");
	num_or_null(b, q->has_alpha, q->alpha);
	bx_buf_puts(b, ",\"kalpha_globals\":");
	num_or_null(b, q->has_alpha_globals, q->alpha_globals);
	bx_buf_puts(b, ",\"geometry_f1\":");
	num_or_null(b, q->has_geom_f1, q->geom_f1);
	bx_buf_putc(b, '}');
}

const char *
bx_cli_answer_label(const char *file)
{
	return strcmp(file, "-") == 0 ? "standard input" : file;
}

/* A person's answer (submit, review fix) carries no model fields: a
 * "suggestion" or a "score" would pass a labeler's work off as a model's,
 * or a model's as a person's, in scoring and export. */
static int
human_only(const struct bx_answer *ans, struct bx_err *err)
{
	int i;

	for (i = 0; i < ans->n; i++)
		if ((ans->a[i].flags & BX_ANNOT_SUGGESTION) || ans->a[i].score != 0)
			return bx_err_set(err, BX_EINVAL, "annotations[%d]: \"%s\" is a model's "
			    "field; a person's answer may not carry \"score\" or \"suggestion\"", i,
			    (ans->a[i].flags & BX_ANNOT_SUGGESTION) ? "suggestion" : "score");
	return 0;
}

/* An answer far over ordinary work (BX_HEAVY_ANSWER_BYTES) is parsed, checked, merged and committed at nice 10: on a shared host its
 * process then leaves the cores to the other annotators' claims and
 * submits instead of taking its share of them. The project's limits bound
 * what such a request costs; this bounds whom it slows. Its write
 * transaction stays a few milliseconds, and writers waiting for it sleep
 * (store.c's back-off), so the lowered process still gets the CPU for it.
 *
 * With the kernel's autogroup scheduling (on in Debian's and Ubuntu's
 * kernels) every session gets an equal share of the CPU, and a nice value
 * only counts among the processes of its own session. A request over SSH
 * is a session of its own (sshd's setsid; `boxel session` runs the command
 * in its own process), so there nice 10 alone changes nothing: the
 * request also lowers its session's weight (/proc/self/autogroup, which
 * raising needs no privilege). Only when it leads its session: a command
 * typed in a terminal shares the session of the user's shell, which would
 * stay slowed after the command exits. And it pays the WAL's checkpoint its
 * answer makes (bx_store_heavy), so an ordinary writer does not. */
static void
heavy_yields(struct bx_store *st, size_t len)
{
	int cur;

	if (len < BX_HEAVY_ANSWER_BYTES)
		return;
	bx_store_heavy(st);
	errno = 0;
	cur = getpriority(PRIO_PROCESS, 0);
	if (errno == 0 && cur < 10)
		(void)setpriority(PRIO_PROCESS, 0, 10);
	if (getsid(0) == getpid()) {
		int fd = open("/proc/self/autogroup", O_WRONLY | O_CLOEXEC);
		if (fd >= 0) {
			/* Best effort: no autogroup, no change. */
			if (write(fd, "10", 2) < 0)
				errno = 0;
			close(fd);
		}
	}
}

int
bx_cli_answer_read(struct bx_store *st, const char *file, struct bx_answer *ans)
{
	struct bx_err err = { 0 };
	struct bx_limits lim;
	const char *label = bx_cli_answer_label(file);
	char *text;
	size_t len;
	int rc;

	if (bx_store_limits(st, &lim, &err) < 0)
		return bx_cli_store_fail(&err);
	/* Reading stops one byte past the project's limit: a hostile 1 GB
	 * answer costs 4 MB of reading, not a parse. */
	if (strcmp(file, "-") == 0) /* over SSH the answer cannot be a file of the server */
		rc = bx_read_fd(STDIN_FILENO, (size_t)lim.max_answer_bytes, &text, &len, &err);
	else
		rc = bx_read_file(file, (size_t)lim.max_answer_bytes, &text, &len, &err);
	if (rc == BX_ELIMIT) {
		bx_cli_error("%s: answer is more than %ld bytes, the project allows %ld "
		    "(setting max_answer_bytes)", label, lim.max_answer_bytes, lim.max_answer_bytes);
		return BX_EXIT_USAGE;
	}
	if (rc < 0) {
		bx_cli_error("%s: %s", label, err.msg);
		return BX_EXIT_USAGE;
	}
	heavy_yields(st, len);
	rc = BX_EXIT_OK;
	if (strlen(text) != len) {
		bx_cli_error("%s: contains a NUL byte", label);
		rc = BX_EXIT_USAGE;
	} else if (bx_answer_from_json(text, ans, &err) < 0 ||
	    bx_answer_check_limits(ans, &lim, &err) < 0 || human_only(ans, &err) < 0) {
		bx_cli_error("%s: %s", label, err.msg);
		rc = BX_EXIT_USAGE;
	}
	free(text);
	return rc;
}

int
bx_cli_answer_check(struct bx_store *st, const char *file, const struct bx_answer *ans,
                    int w, int h)
{
	struct bx_err err = { 0 };
	struct bx_taxonomy *tax = NULL;
	char *taxtext = NULL;
	int rc = BX_EXIT_OK;

	if (bx_store_setting_get(st, "taxonomy", &taxtext, &err) < 0)
		return bx_cli_store_fail(&err);
	if (taxtext[0] == '\0') {
		bx_cli_error("the project has no taxonomy to check %s against; set one with "
		    "'boxel init --force --taxonomy FILE'", bx_cli_answer_label(file));
		rc = BX_EXIT_USAGE;
	} else if (bx_taxonomy_load_text(taxtext, "project taxonomy", &tax, &err) < 0 ||
	    bx_store_limits(st, &tax->limits, &err) < 0 ||
	    bx_taxonomy_check_answer(tax, ans, w, h, &err) < 0) {
		bx_cli_error("%s: %s", bx_cli_answer_label(file), err.msg);
		rc = BX_EXIT_USAGE;
	}
	bx_taxonomy_free(tax);
	free(taxtext);
	return rc;
}

/* A time for --since/--until: ms since the epoch, or a UTC date
 * YYYY-MM-DD with an optional THH:MM[:SS]. */
int
bx_cli_parse_time(const char *s, const char *what, int64_t *out)
{
	struct tm tm;
	const char *end;
	char *e;
	long long v;

	if (*s >= '0' && *s <= '9' && strchr(s, '-') == NULL) {
		v = strtoll(s, &e, 10);
		if (*e == '\0' && v > 0) {
			*out = v;
			return 0;
		}
	}
	memset(&tm, 0, sizeof tm);
	end = strptime(s, "%Y-%m-%d", &tm);
	if (end != NULL && *end == 'T')
		end = strptime(end + 1, "%H:%M", &tm);
	if (end != NULL && *end == ':')
		end = strptime(end + 1, "%S", &tm);
	if (end == NULL || *end != '\0') {
		char *v2 = bx_sanitize_dup(s);
		bx_cli_error("%s: '%.40s' is not a time (ms since the epoch, or YYYY-MM-DD"
		    "[THH:MM[:SS]] in UTC)", what, v2);
		free(v2);
		return -1;
	}
	*out = (int64_t)timegm(&tm) * 1000;
	return 0;
}
