/* cmd-queue.c: `boxel queue claim|heartbeat|release|skip|save|submit`: the
 * scriptable face of the task queue, the same store calls the labeling view
 * makes. Exit codes: 0 done, 2 bad input or refused, 3 no work (claim),
 * 4 lease lost (the store is unchanged). Times: bx_now_ms (BOXEL_NOW_MS). */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "boxel/cli.h"
#include "boxel/draft.h"
#include "boxel/edit.h"
#include "boxel/formats.h"
#include "boxel/util.h"
#include "store-cli.h"

extern const struct bx_cmd bx_cmd_queue;

struct qopts {
	const char *user, *token, *reason;
	int64_t judgment;
	long lease_s;   /* 0: the project's lease_seconds */
	double seconds; /* < 0: from the claim time */
	int json;
	const char *file;
};

static int
parse_opts(int argc, char **argv, struct qopts *o, int want_file)
{
	static const struct option opts[] = {
		{ "user", required_argument, NULL, 'u' },
		{ "judgment", required_argument, NULL, 'j' },
		{ "token", required_argument, NULL, 't' },
		{ "lease", required_argument, NULL, 'l' },
		{ "seconds", required_argument, NULL, 's' },
		{ "reason", required_argument, NULL, 'r' },
		{ "json", no_argument, NULL, 'J' },
		{ 0, 0, 0, 0 },
	};
	long v;
	int c;

	memset(o, 0, sizeof *o);
	o->seconds = -1;
	optind = 1;
	while ((c = getopt_long(argc, argv, "", opts, NULL)) != -1) {
		switch (c) {
		case 'u': o->user = optarg; break;
		case 't': o->token = optarg; break;
		case 'r': o->reason = optarg; break;
		case 'J': o->json = 1; break;
		case 'j':
			if (bx_cli_parse_long(optarg, "--judgment", 1, 0x7fffffffL, &v) < 0)
				return -1;
			o->judgment = v;
			break;
		case 'l':
			if (bx_cli_parse_long(optarg, "--lease", 1, 7 * 86400, &v) < 0)
				return -1;
			o->lease_s = v;
			break;
		case 's':
			if (bx_cli_parse_double(optarg, "--seconds", 0, 1e9, &o->seconds) < 0)
				return -1;
			break;
		default:
			bx_cli_usage(&bx_cmd_queue);
			return -1;
		}
	}
	if (want_file) {
		if (optind != argc - 1) {
			bx_cli_error("queue %s: give one judgment FILE.json (- reads standard input)",
			    argv[0]);
			return -1;
		}
		o->file = argv[optind];
	} else if (optind != argc) {
		bx_cli_error("queue %s: unexpected argument '%s'", argv[0], argv[optind]);
		return -1;
	}
	return 0;
}

static int
need(const struct qopts *o, const char *sub, int user, int lease)
{
	if (user && o->user == NULL) {
		bx_cli_error("queue %s: --user NAME is required", sub);
		return -1;
	}
	if (lease && (o->judgment == 0 || o->token == NULL)) {
		bx_cli_error("queue %s: --judgment ID and --token T (from queue claim) are required",
		    sub);
		return -1;
	}
	return 0;
}

/* The lease to take: the project's lease_seconds, or a shorter --lease.
 * A longer one is refused: a 7-day lease would let one labeler sit on a
 * task the project meant to recycle in minutes. */
static int
lease_ms(struct bx_store *st, const struct qopts *o, int64_t *ms)
{
	struct bx_err err = { 0 };
	char *v;
	long n;

	if (bx_store_setting_get(st, "lease_seconds", &v, &err) < 0)
		return bx_cli_store_fail(&err), -1;
	if (bx_cli_parse_long(v, "setting lease_seconds", 1, 7 * 86400, &n) < 0) {
		free(v);
		return -1;
	}
	free(v);
	if (o->lease_s > n) {
		bx_cli_error("--lease %ld: the project allows leases of at most %ld s (setting "
		    "lease_seconds)", o->lease_s, n);
		return -1;
	}
	*ms = (int64_t)(o->lease_s > 0 ? o->lease_s : n) * 1000;
	return 0;
}

static void
iso_time(int64_t ms, char *buf, size_t n)
{
	time_t t = (time_t)(ms / 1000);
	struct tm tm;

	gmtime_r(&t, &tm);
	strftime(buf, n, "%Y-%m-%dT%H:%M:%SZ", &tm);
}

static int
queue_claim(struct bx_store *st, const struct qopts *o)
{
	struct bx_err err = { 0 };
	struct bx_claim c;
	struct bx_buf b;
	int64_t ms;
	char when[32];

	if (need(o, "claim", 1, 0) < 0 || lease_ms(st, o, &ms) < 0)
		return BX_EXIT_USAGE;
	if (bx_queue_claim(st, o->user, ms, bx_now_ms(), &c, &err) < 0)
		return bx_cli_store_fail(&err);
	bx_buf_init(&b);
	if (o->json) {
		bx_buf_printf(&b, "{\"judgment\":%lld,\"token\":\"%s\",\"task\":%lld,\"image\":",
		    (long long)c.judgment, c.token, (long long)c.task);
		bx_json_put_str(&b, c.image);
		bx_buf_printf(&b, ",\"width\":%d,\"height\":%d,\"lease_until\":%lld,\"batch\":",
		    c.width, c.height, (long long)c.lease_until);
		bx_json_put_str(&b, c.batch);
		bx_buf_puts(&b, ",\"kind\":");
		bx_json_put_str(&b, c.batch_kind);
		bx_buf_printf(&b, ",\"position\":%d,\"total\":%d,\"resumed\":%s,\"returned\":%s",
		    c.position, c.total, c.resumed ? "true" : "false",
		    c.returned ? "true" : "false");
		if (c.review_comment != NULL) {
			bx_buf_puts(&b, ",\"review_comment\":");
			bx_json_put_str(&b, c.review_comment);
		}
		bx_buf_puts(&b, "}\n");
		fputs(b.p, stdout);
	} else {
		char *img = bx_sanitize_dup(c.image);
		iso_time(c.lease_until, when, sizeof when);
		printf("judgment %lld%s (task %lld, batch %s, %d of %d)\n", (long long)c.judgment,
		    c.resumed ? " resumed" : "", (long long)c.task, c.batch, c.position, c.total);
		printf("image    %s (%dx%d)\ntoken    %s\nlease    until %s\n", img, c.width,
		    c.height, c.token, when);
		if (c.review_comment != NULL) {
			char *rc = bx_sanitize_dup(c.review_comment);
			printf("returned by %s\n", rc);
			free(rc);
		}
		free(img);
	}
	bx_buf_free(&b);
	bx_claim_free(&c);
	return BX_EXIT_OK;
}

/* With --user, the judgment must be that user's lease: one clear line
 * instead of a bare token mismatch. On failure ji is freed (or was never
 * filled). */
static int
check_owner(struct bx_store *st, const struct qopts *o, struct bx_judgment_info *ji)
{
	struct bx_err err = { 0 };

	if (bx_store_judgment_info(st, o->judgment, ji, &err) < 0)
		return bx_cli_store_fail(&err);
	if (o->user != NULL && (ji->labeler == NULL || strcmp(ji->labeler, o->user) != 0 ||
	    strcmp(ji->state, "leased") != 0)) {
		bx_judgment_info_free(ji);
		bx_cli_error("judgment %lld: lease lost: this task was given to someone else or "
		    "expired; your draft is kept", (long long)o->judgment);
		return BX_EXIT_LEASE;
	}
	return 0;
}

static int
queue_fenced(struct bx_store *st, const char *sub, const struct qopts *o)
{
	struct bx_err err = { 0 };
	struct bx_judgment_info ji;
	int64_t ms = 0, until = 0;
	int rc;

	if (need(o, sub, 0, 1) < 0)
		return BX_EXIT_USAGE;
	if (strcmp(sub, "heartbeat") == 0 && lease_ms(st, o, &ms) < 0)
		return BX_EXIT_USAGE;
	if ((rc = check_owner(st, o, &ji)) != 0)
		return rc;
	bx_judgment_info_free(&ji);
	if (strcmp(sub, "heartbeat") == 0)
		rc = bx_queue_heartbeat(st, o->judgment, o->token, ms, bx_now_ms(), &until, &err);
	else if (strcmp(sub, "release") == 0)
		rc = bx_queue_release(st, o->judgment, o->token, bx_now_ms(), &err);
	else
		rc = bx_queue_skip(st, o->judgment, o->token, o->reason, bx_now_ms(), &err);
	if (rc < 0)
		return bx_cli_store_fail(&err);
	if (strcmp(sub, "heartbeat") == 0) {
		char when[32];
		iso_time(until, when, sizeof when);
		if (o->json)
			printf("{\"judgment\":%lld,\"lease_until\":%lld}\n", (long long)o->judgment,
			    (long long)until);
		else
			printf("judgment %lld: lease until %s\n", (long long)o->judgment, when);
	} else {
		printf("judgment %lld: %s\n", (long long)o->judgment,
		    strcmp(sub, "release") == 0 ? "released to the queue" : "skipped");
	}
	return BX_EXIT_OK;
}

/* The draft a save leaves: the answer, no undo history, the view fitted
 * and centred, and the time on the task so far. The label screen resumes
 * from it as from its own draft; journal entries an earlier session left
 * lie past the state's nsteps (0) and are not replayed. */
static int
save_draft(struct bx_store *st, const struct qopts *o, const struct bx_answer *ans, int w,
           int h, double secs, int64_t now, struct bx_err *err)
{
	struct bx_edit ed;
	struct bx_draft_view v = { .zoom = 1, .vx = w / 2.0, .vy = h / 2.0, .seconds = secs };
	char *state;
	int rc;

	bx_edit_init(&ed, w, h);
	bx_edit_set_answer(&ed, ans);
	state = bx_draft_state_to_json(&ed, &v);
	bx_edit_free(&ed);
	rc = bx_draft_save(st, o->judgment, o->token, state, 0, NULL, now, err);
	free(state);
	return rc;
}

/* submit, or save (the answer kept as the task's draft, the task still
 * leased: CVAT's save beside finishing the job). Both check the whole
 * answer before the store is touched. */
static int
queue_answer(struct bx_store *st, const char *sub, const struct qopts *o)
{
	struct bx_err err = { 0 };
	struct bx_judgment_info ji;
	struct bx_answer ans;
	double secs;
	int64_t now = bx_now_ms();
	int rc, w, h, save = strcmp(sub, "save") == 0;

	bx_answer_init(&ans);
	if (need(o, sub, 0, 1) < 0)
		return BX_EXIT_USAGE;
	if ((rc = bx_cli_answer_read(st, o->file, &ans)) != 0)
		goto out;
	if ((rc = check_owner(st, o, &ji)) != 0)
		goto out;
	rc = bx_cli_answer_check(st, o->file, &ans, ji.width, ji.height);
	secs = o->seconds;
	if (secs < 0)
		secs = ji.claimed_ms > 0 && now > ji.claimed_ms ? (now - ji.claimed_ms) / 1000.0 : 0;
	w = ji.width;
	h = ji.height;
	bx_judgment_info_free(&ji);
	if (rc != 0)
		goto out;
	if ((save ? save_draft(st, o, &ans, w, h, secs, now, &err) :
	    bx_queue_submit(st, o->judgment, o->token, &ans, secs, now, &err)) < 0) {
		rc = bx_cli_store_fail(&err);
		goto out;
	}
	printf("judgment %lld: %s (%d annotation%s)\n", (long long)o->judgment,
	    save ? "draft saved" : "submitted", ans.n, ans.n == 1 ? "" : "s");
	rc = BX_EXIT_OK;
out:
	bx_answer_free(&ans);
	return rc;
}

static int
cmd_queue_exec(int argc, char **argv)
{
	static const char *const subs[] = { "claim", "heartbeat", "release", "skip", "save",
		                            "submit" };
	const char *db, *sub;
	struct bx_store *st;
	struct qopts o;
	size_t i;
	int rc;

	db = bx_cli_take_db(&argc, argv);
	if (argc < 2)
		return bx_cli_usage(&bx_cmd_queue);
	sub = argv[1];
	for (i = 0; i < BX_ARRAY_LEN(subs); i++)
		if (strcmp(sub, subs[i]) == 0)
			break;
	if (i == BX_ARRAY_LEN(subs)) {
		bx_cli_error("queue %s: unknown subcommand (claim, heartbeat, release, skip, save, "
		    "submit)", sub);
		return BX_EXIT_USAGE;
	}
	if (parse_opts(argc - 1, argv + 1, &o,
	    strcmp(sub, "submit") == 0 || strcmp(sub, "save") == 0) < 0)
		return BX_EXIT_USAGE;
	if ((st = bx_cli_store_open(db)) == NULL)
		return BX_EXIT_USAGE;
	if (strcmp(sub, "claim") == 0)
		rc = queue_claim(st, &o);
	else if (strcmp(sub, "submit") == 0 || strcmp(sub, "save") == 0)
		rc = queue_answer(st, sub, &o);
	else
		rc = queue_fenced(st, sub, &o);
	bx_store_close(st);
	return rc;
}

const struct bx_cmd bx_cmd_queue = {
	.name = "queue",
	.usage = "claim|heartbeat|release|skip|save|submit [OPTIONS]  [--db FILE]",
	.summary = "claim a task, keep or give back its lease, save or submit a judgment",
	.help =
	    "  claim --user NAME [--lease S] [--json]\n"
	    "        resume NAME's lease, else work a reviewer returned to NAME, else\n"
	    "        lease the next task; --json prints judgment, token, task, image,\n"
	    "        width, height, lease_until (ms), batch, kind, position, total,\n"
	    "        resumed, returned (and review_comment for returned work).\n"
	    "        No work: exit 3\n"
	    "  heartbeat --judgment ID --token T [--user NAME] [--lease S]\n"
	    "        extend the lease (default: the project's lease_seconds, 300;\n"
	    "        --lease may be shorter, never longer)\n"
	    "  release --judgment ID --token T [--user NAME]\n"
	    "        give the task back to the queue\n"
	    "  skip --judgment ID --token T [--user NAME] [--reason TEXT]\n"
	    "        decline the task; it goes to someone else, never back to you\n"
	    "  save --judgment ID --token T [--user NAME] [--seconds S] FILE.json\n"
	    "        check FILE as submit does and keep it as the task's draft: the\n"
	    "        task stays yours, the label screen resumes from it\n"
	    "  submit --judgment ID --token T [--user NAME] [--seconds S] FILE.json\n"
	    "        check FILE (- for standard input) against the taxonomy and the\n"
	    "        image size, then submit; --seconds defaults to the time since the claim\n"
	    "  exit codes: 0 ok, 2 bad input or refused, 3 no work, 4 lease lost\n"
	    "  (nothing changed: the task was given to someone else or expired)\n",
	.min_role = BX_ROLE_ANNOTATOR,
	.exec = cmd_queue_exec,
	.remote = 1,
};
