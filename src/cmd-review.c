/* cmd-review.c: `boxel review list|show|accept|reject|fix`: the headless face
 * of review, as `boxel queue` is of labeling. Reviewers (and admins) walk
 * the submitted judgments nobody has reviewed yet, flagged consensus first,
 * read one with its gold answer and scores, and accept it, reject it with a
 * comment (the task goes back to its labeler, or to anyone when they may not
 * work) or fix it (a
 * judgment file checked against the taxonomy becomes the task's reviewed
 * answer). The store refuses annotators and a reviewer's own judgments. */
#include <getopt.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "boxel/cli.h"
#include "boxel/codec.h"
#include "boxel/formats.h"
#include "boxel/label.h"
#include "boxel/util.h"
#include "store-cli.h"

extern const struct bx_cmd bx_cmd_review;

struct ropts {
	const char *user, *batch, *comment, *labeler;
	int64_t since, until;
	int json, flagged;
	long limit, sample;
	int64_t judgment;
	const char *file;
};

/* What a reject really did: the task went back to its labeler with the
 * comment, or (labeler suspended, paused out of it or disabled) to anyone:
 * the store's requeue gives the new replica to the labeler only when they
 * may still work. */
static void
say_rejected(struct bx_store *st, int64_t judgment)
{
	struct bx_err err = { 0 };
	struct bx_user u;
	char *state = NULL, *lab = NULL;
	int64_t task = 0;
	int back = 0;

	if (bx_store_judgment_get(st, judgment, &state, &lab, &task, NULL, &err) == 0 &&
	    lab != NULL && bx_store_user_get(st, lab, &u, &err) == 0) {
		back = u.active && strcmp(u.qual, "suspended") != 0;
		bx_user_free(&u);
	}
	if (back)
		printf("judgment %lld: rejected; the task goes back to %s with your comment\n",
		    (long long)judgment, lab);
	else
		printf("judgment %lld: rejected; %s may not work now (suspended or disabled), "
		    "so the task is open to anyone\n", (long long)judgment, lab ? lab : "its labeler");
	free(state);
	free(lab);
}

/* Options, then the positionals the subcommand takes: JUDGMENT for all but
 * list, and FILE after it for fix. */
static int
parse_opts(int argc, char **argv, const char *sub, struct ropts *o)
{
	static const struct option opts[] = {
		{ "user", required_argument, NULL, 'u' },
		{ "batch", required_argument, NULL, 'b' },
		{ "comment", required_argument, NULL, 'c' },
		{ "limit", required_argument, NULL, 'l' },
		{ "sample", required_argument, NULL, 's' },
		{ "flagged", no_argument, NULL, 'f' },
		{ "json", no_argument, NULL, 'J' },
		{ "labeler", required_argument, NULL, 'L' },
		{ "since", required_argument, NULL, 'S' },
		{ "until", required_argument, NULL, 'U' },
		{ 0, 0, 0, 0 },
	};
	int c, want = strcmp(sub, "list") == 0 ? 0 : strcmp(sub, "fix") == 0 ? 2 : 1;
	long v;

	memset(o, 0, sizeof *o);
	optind = 1;
	while ((c = getopt_long(argc, argv, "", opts, NULL)) != -1) {
		switch (c) {
		case 'u': o->user = optarg; break;
		case 'b': o->batch = optarg; break;
		case 'c': o->comment = optarg; break;
		case 'f': o->flagged = 1; break;
		case 'J': o->json = 1; break;
		case 'L': o->labeler = optarg; break;
		case 'S':
		case 'U':
			if (bx_cli_parse_time(optarg, c == 'S' ? "--since" : "--until",
			    c == 'S' ? &o->since : &o->until) < 0)
				return -1;
			break;
		case 'l':
			if (bx_cli_parse_long(optarg, "--limit", 1, 1000000, &o->limit) < 0)
				return -1;
			break;
		case 's':
			if (bx_cli_parse_long(optarg, "--sample", 1, 100, &o->sample) < 0)
				return -1;
			break;
		default:
			bx_cli_usage(&bx_cmd_review);
			return -1;
		}
	}
	if (argc - optind != want) {
		bx_cli_error("review %s: %s", sub, want == 0 ? "takes no argument" :
		    want == 1 ? "give one JUDGMENT id" :
		    "give a JUDGMENT id and the fixed answer's FILE.json (- reads standard input)");
		return -1;
	}
	if (want >= 1) {
		if (bx_cli_parse_long(argv[optind], "JUDGMENT", 1, 0x7fffffffL, &v) < 0)
			return -1;
		o->judgment = v;
	}
	if (want == 2)
		o->file = argv[optind + 1];
	return 0;
}

/* --comment - reads the comment from standard input (over SSH a comment of
 * several words cannot be one argument); one trailing newline is dropped.
 * *buf holds what was read, for the caller to free. */
static int
comment_of(const char *sub, const char *opt, const char **out, char **buf)
{
	struct bx_err err = { 0 };
	size_t len;

	*out = opt;
	*buf = NULL;
	if (opt != NULL && strcmp(opt, "-") == 0) {
		if (bx_read_fd(0, 2000, buf, &len, &err) < 0) {
			bx_cli_error("review %s: comment on standard input: %s", sub, err.msg);
			return -1;
		}
		if (len > 0 && (*buf)[len - 1] == '\n')
			(*buf)[--len] = '\0';
		if (strlen(*buf) != len) {
			bx_cli_error("review %s: comment on standard input: contains a NUL byte", sub);
			return -1;
		}
		*out = *buf;
	}
	if (*out != NULL && strlen(*out) > 2000) {
		bx_cli_error("review %s: --comment is longer than 2000 bytes", sub);
		return -1;
	}
	return 0;
}

static void
put_num(struct bx_buf *b, int defined, double v)
{
	char num[32];

	if (defined && isfinite(v))
		bx_buf_puts(b, bx_cli_num(num, sizeof num, "%.4g", v));
	else
		bx_buf_puts(b, "null");
}

/* "0.750 (3 TP, 1 FN)" style gold column, or "-". */
static const char *
gold_text(char *buf, size_t n, const struct bx_review_item *it)
{
	char num[32];
	double acc;

	if (!it->has_gold)
		return "-";
	if (!bx_score_accuracy(&it->gold, &acc))
		return "n/a";
	snprintf(buf, n, "%s", bx_cli_num(num, sizeof num, "%.3f", acc));
	return buf;
}

static int
review_list(struct bx_store *st, const struct ropts *o)
{
	struct bx_err err = { 0 };
	struct bx_review_item *it;
	struct bx_buf b;
	int n, i;
	char g[32], a[32], *img;
	double acc = 0;
	int defined, total;

	struct bx_review_filter f = { o->batch, o->flagged, NULL, (int)o->sample, o->labeler,
	                              o->since, o->until };

	if (bx_store_review_list(st, &f, (int)o->limit, &it, &n, &total, &err) < 0)
		return bx_cli_store_fail(&err);
	bx_buf_init(&b);
	if (o->json) {
		bx_buf_putc(&b, '[');
		for (i = 0; i < n; i++) {
			bx_buf_printf(&b, "%s{\"judgment\":%lld,\"task\":%lld,\"image\":", i ? "," : "",
			    (long long)it[i].judgment, (long long)it[i].task);
			bx_json_put_str(&b, it[i].image);
			bx_buf_puts(&b, ",\"batch\":");
			bx_json_put_str(&b, it[i].batch);
			bx_buf_puts(&b, ",\"labeler\":");
			bx_json_put_str(&b, it[i].labeler);
			bx_buf_printf(&b, ",\"submitted_ms\":%lld,\"seconds\":",
			    (long long)it[i].submitted_ms);
			put_num(&b, 1, it[i].seconds);
			bx_buf_printf(&b, ",\"annotations\":%d,\"flagged\":%s,\"held\":%s,"
			    "\"agreement\":", it[i].nannotations, it[i].flagged ? "true" : "false",
			    it[i].held ? "true" : "false");
			put_num(&b, it[i].has_consensus, it[i].agreement);
			bx_buf_puts(&b, ",\"gold_accuracy\":");
			defined = it[i].has_gold && bx_score_accuracy(&it[i].gold, &acc);
			put_num(&b, defined, acc);
			bx_buf_putc(&b, '}');
		}
		bx_buf_puts(&b, "]\n");
		fputs(b.p, stdout);
	} else if (n == 0) {
		printf("nothing to review%s%s%s\n", o->batch ? " in batch " : "",
		    o->batch ? o->batch : "", o->flagged ? " (flagged only)" : "");
	} else {
		printf("%-9s %-16s %-14s %4s %-7s %-6s %s\n", "JUDGMENT", "BATCH", "LABELER", "OBJ",
		    "AGREE", "GOLD", "IMAGE");
		for (i = 0; i < n; i++) {
			img = bx_sanitize_dup(it[i].image);
			if (it[i].has_consensus)
				bx_cli_num(a, sizeof a, "%.3f", it[i].agreement);
			else
				snprintf(a, sizeof a, "-");
			printf("%-9lld %-16s %-14s %4d %-5s%s %-6s %s\n", (long long)it[i].judgment,
			    it[i].batch, it[i].labeler, it[i].nannotations, a,
			    it[i].held ? " S" : it[i].flagged ? " !" : "  ",
			    gold_text(g, sizeof g, &it[i]), img);
			free(img);
		}
		if (n < total)
			printf("%d of %d to review shown ('!': consensus under the agreement bar)\n",
			    n, total);
		else
			printf("%d to review ('!': consensus under the agreement bar)\n", n);
	}
	bx_buf_free(&b);
	bx_review_items_free(it, n);
	return BX_EXIT_OK;
}

static int
review_show(struct bx_store *st, const struct ropts *o)
{
	struct bx_err err = { 0 };
	struct bx_judgment_info ji;
	struct bx_answer ans, gold;
	char *aj = NULL, *gj = NULL, *img;
	double agreement = 0;
	int flagged = 0, has_agree = 0, has_gold = 0, rc;
	struct bx_buf b;

	if (bx_store_judgment_info(st, o->judgment, &ji, &err) < 0)
		return bx_cli_store_fail(&err);
	bx_answer_init(&ans);
	bx_answer_init(&gold);
	rc = bx_store_judgment_get(st, o->judgment, NULL, NULL, NULL, &ans, &err);
	if (rc == 0) {
		rc = bx_store_gold_get(st, ji.task, &gold, &err);
		has_gold = rc == 0;
		if (rc == BX_ENOENT)
			rc = 0;
	}
	if (rc == 0) {
		rc = bx_store_task_agreement(st, ji.task, ji.batch, &agreement, &flagged, &err);
		has_agree = rc == 0;
		if (rc == BX_ENOENT)
			rc = 0;
	}
	if (rc < 0) {
		rc = bx_cli_store_fail(&err);
		goto out;
	}
	aj = bx_answer_to_json(&ans);
	if (has_gold)
		gj = bx_answer_to_json(&gold);
	bx_buf_init(&b);
	if (o->json) {
		bx_buf_printf(&b, "{\"judgment\":%lld,\"task\":%lld,\"image\":",
		    (long long)ji.id, (long long)ji.task);
		bx_json_put_str(&b, ji.image);
		bx_buf_printf(&b, ",\"width\":%d,\"height\":%d,\"batch\":", ji.width, ji.height);
		bx_json_put_str(&b, ji.batch);
		bx_buf_puts(&b, ",\"labeler\":");
		if (ji.labeler != NULL)
			bx_json_put_str(&b, ji.labeler);
		else
			bx_buf_puts(&b, "null");
		bx_buf_puts(&b, ",\"state\":");
		bx_json_put_str(&b, ji.state);
		bx_buf_printf(&b, ",\"flagged\":%s,\"agreement\":", flagged ? "true" : "false");
		put_num(&b, has_agree, agreement);
		bx_buf_printf(&b, ",\"answer\":%s,\"gold\":%s}\n", aj, gj ? gj : "null");
		fputs(b.p, stdout);
	} else {
		char num[32];
		img = bx_sanitize_dup(ji.image);
		printf("judgment  %lld (%s)\ntask      %lld  %s (%dx%d)\nbatch     %s\n"
		    "labeler   %s\n", (long long)ji.id, ji.state, (long long)ji.task, img, ji.width,
		    ji.height, ji.batch, ji.labeler ? ji.labeler : "-");
		if (has_agree)
			printf("agreement %s%s\n", bx_cli_num(num, sizeof num, "%.3f", agreement),
			    flagged ? " (under the bar: flagged for review)" : "");
		free(img);
		/* The answer as a judgment file (save it, edit it, `review fix`);
		 * labels come from outside, so nothing raw reaches the terminal. */
		img = bx_sanitize_dup(aj);
		printf("answer    %s\n", img);
		free(img);
		img = gj ? bx_sanitize_dup(gj) : NULL;
		printf("gold      %s\n", img ? img : "none");
		free(img);
	}
	bx_buf_free(&b);
	rc = BX_EXIT_OK;
out:
	free(aj);
	free(gj);
	bx_answer_free(&ans);
	bx_answer_free(&gold);
	bx_judgment_info_free(&ji);
	return rc;
}

static int
review_verdict(struct bx_store *st, const char *sub, const struct ropts *o)
{
	struct bx_err err = { 0 };
	struct bx_judgment_info ji;
	struct bx_answer fixed;
	const char *who = o->user ? o->user : bx_cli_actor(), *comment;
	char *cbuf;
	int rc = BX_EXIT_OK, fix = strcmp(sub, "fix") == 0;

	if (fix && o->comment != NULL && strcmp(o->comment, "-") == 0 &&
	    strcmp(o->file, "-") == 0) {
		bx_cli_error("review fix: the answer and the comment cannot both come from "
		    "standard input");
		return BX_EXIT_USAGE;
	}
	if (comment_of(sub, o->comment, &comment, &cbuf) < 0) {
		free(cbuf);
		return BX_EXIT_USAGE;
	}
	if (strcmp(sub, "reject") == 0 && (comment == NULL || comment[0] == '\0')) {
		bx_cli_error("review reject: --comment TEXT is required (say what is wrong)");
		free(cbuf);
		return BX_EXIT_USAGE;
	}
	bx_answer_init(&fixed);
	/* The fixed answer is read and checked before anything is written. */
	if (fix) {
		if ((rc = bx_cli_answer_read(st, o->file, &fixed)) != 0)
			goto out;
		if (bx_store_judgment_info(st, o->judgment, &ji, &err) < 0) {
			rc = bx_cli_store_fail(&err);
			goto out;
		}
		rc = bx_cli_answer_check(st, o->file, &fixed, ji.width, ji.height);
		bx_judgment_info_free(&ji);
		if (rc != 0)
			goto out;
	}
	if (bx_store_review_add(st, o->judgment, who, fix ? "fix" : sub, comment,
	    fix ? &fixed : NULL, bx_now_ms(), &err) < 0) {
		rc = bx_cli_store_fail(&err);
		goto out;
	}
	if (strcmp(sub, "reject") == 0)
		say_rejected(st, o->judgment);
	else
		printf("judgment %lld: accepted%s\n", (long long)o->judgment,
		    fix ? " with the fixed answer" : "");
out:
	bx_answer_free(&fixed);
	free(cbuf);
	return rc;
}

/* `boxel review [--user NAME] [--batch NAME]`: the review screen. */
static int
review_screen(const char *db, int argc, char **argv)
{
	static const struct option opts[] = {
		{ "user", required_argument, NULL, 'u' },
		{ "batch", required_argument, NULL, 'b' },
		{ "sample", required_argument, NULL, 's' },
		{ 0, 0, 0, 0 },
	};
	const char *user = NULL, *batch = NULL;
	long sample = 0;
	int c;

	optind = 1;
	while ((c = getopt_long(argc, argv, "", opts, NULL)) != -1) {
		switch (c) {
		case 'u': user = optarg; break;
		case 'b': batch = optarg; break;
		case 's':
			if (bx_cli_parse_long(optarg, "--sample", 1, 100, &sample) < 0)
				return BX_EXIT_USAGE;
			break;
		default: return bx_cli_usage(&bx_cmd_review);
		}
	}
	if (optind != argc) {
		bx_cli_error("review: unexpected argument '%s'", argv[optind]);
		return BX_EXIT_USAGE;
	}
	return bx_label_run(bx_cli_db_path(db), user ? user : bx_cli_actor(), 1, batch,
	                    (int)sample);
}

static int
cmd_review_exec(int argc, char **argv)
{
	static const char *const subs[] = { "list", "show", "accept", "reject", "fix" };
	const char *db, *sub;
	struct bx_store *st;
	struct ropts o;
	size_t i;
	int rc;

	db = bx_cli_take_db(&argc, argv);
	if (argc < 2 || argv[1][0] == '-')
		return review_screen(db, argc, argv);
	sub = argv[1];
	for (i = 0; i < BX_ARRAY_LEN(subs); i++)
		if (strcmp(sub, subs[i]) == 0)
			break;
	if (i == BX_ARRAY_LEN(subs)) {
		bx_cli_error("review %s: unknown subcommand (list, show, accept, reject, fix)", sub);
		return BX_EXIT_USAGE;
	}
	if (parse_opts(argc - 1, argv + 1, sub, &o) < 0)
		return BX_EXIT_USAGE;
	st = strcmp(sub, "list") == 0 || strcmp(sub, "show") == 0 ? bx_cli_store_open_ro(db) :
	    bx_cli_store_open(db);
	if (st == NULL)
		return BX_EXIT_USAGE;
	if (strcmp(sub, "list") == 0)
		rc = review_list(st, &o);
	else if (strcmp(sub, "show") == 0)
		rc = review_show(st, &o);
	else
		rc = review_verdict(st, sub, &o);
	bx_store_close(st);
	return rc;
}

const struct bx_cmd bx_cmd_review = {
	.name = "review",
	.usage = "[--user NAME] [--batch NAME] [--sample PCT] | list|show|accept|reject|fix "
	    "[OPTIONS]  [--db FILE]",
	.summary = "walk submitted judgments: accept, reject with a comment, or fix",
	.help =
	    "  (no subcommand) [--user NAME] [--batch NAME] [--sample PCT]\n"
	    "        the review screen: each judgment over its image, flagged first;\n"
	    "        s accepts (fixes, once edited), n rejects with a comment, Ctrl-N\n"
	    "        passes it to another reviewer, the rest as in 'boxel label'\n"
	    "  list [--batch NAME] [--flagged] [--sample PCT] [--limit N] [--json]\n"
	    "       [--labeler NAME] [--since T] [--until T]\n"
	    "        T: ms since the epoch or YYYY-MM-DD[THH:MM[:SS]] (UTC), submitted\n"
	    "        in [since, until); 'S': a suspended labeler's held work (first)\n"
	    "        submitted judgments nobody has reviewed, tasks whose consensus is\n"
	    "        under the agreement bar first ('!'), then oldest first; AGREE is the\n"
	    "        task's consensus agreement, GOLD the answer's accuracy on a gold task;\n"
	    "        --sample PCT: that percent of the tasks (the same ones every time)\n"
	    "        plus every flagged task\n"
	    "  show JUDGMENT [--json]\n"
	    "        the judgment, its answer as a judgment file, and the gold answer\n"
	    "  accept JUDGMENT [--comment TEXT] [--user NAME]   (--comment -: read it\n"
	    "        from standard input)\n"
	    "  reject JUDGMENT --comment TEXT [--user NAME]\n"
	    "        the task goes back to its labeler with the comment (to anyone\n"
	    "        when they are suspended or disabled)\n"
	    "  fix JUDGMENT FILE.json [--comment TEXT] [--user NAME]\n"
	    "        FILE (- for standard input) is checked like a submit and becomes the\n"
	    "        task's reviewed answer (what export carries)\n"
	    "  --user: the reviewer (default: your login); reviewers and admins only,\n"
	    "  never on their own judgments. Exit codes: 0 done, 2 refused or bad input\n",
	.min_role = BX_ROLE_REVIEWER,
	.exec = cmd_review_exec,
	.remote = 1,
};
