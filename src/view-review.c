/* view-review.c: the review screen (`boxel review`): the labeling screen's
 * core and editing keys (view-label.c, label-keys.c) with the review role:
 * its own key table (bx_keymap_review: s accepts, or fixes once edited; n
 * rejects with a comment; Ctrl-N passes), no lease, the judgment's origin
 * and gold accuracy on the message line, and its own empty screen. The
 * session (label.c) turns a submit into the verdict. */
#include <stdio.h>

#include "boxel/keymap.h"
#include "boxel/view-label.h"
#include "view-label-int.h"

/* s: accept as it is, or fix (the edited answer is stored with it). */
static int
verdict(struct label *L, int64_t now)
{
	char done[256];
	int r, kept;

	if (label_send(L, now, &kept, &r) != 0)
		return r;
	snprintf(done, sizeof done, "%s %s (%d object%s)", L->s->verdict, L->s->claim.image, kept,
	         kept == 1 ? "" : "s");
	r = label_next_task(L, now);
	if (L->s->have_task)
		label_msg(L, 0, "%s; next: %s", done, L->s->review_info);
	else
		label_msg(L, 0, "%s", done);
	return r | BX_VIEW_REDRAW;
}

/* n, then the comment: the task goes back to be labeled again. */
static int
reject_typed(struct label *L, void *ctx, const char *text, int64_t now)
{
	struct bx_err err;
	int r;

	(void)ctx;
	if (text[0] == '\0') {
		label_msg(L, 1, "a reject needs a comment (e.g. \"box misses the handle\")");
		return BX_VIEW_HANDLED;
	}
	if (bx_session_skip(L->s, text, now, &err) != 0) {
		if (L->s->lost)
			L->mode = M_LOST;
		label_msg(L, 1, "reject failed: %s", err.msg);
		return BX_VIEW_HANDLED | BX_VIEW_CLOSE;
	}
	r = label_next_task(L, now);
	if (L->s->have_task)
		label_msg(L, 0, "rejected (%s); next: %s", text, L->s->review_info);
	else
		label_msg(L, 0, "rejected (%s)", text);
	return r | BX_VIEW_HANDLED | BX_VIEW_CLOSE;
}

static int
review_key(struct label *L, int action, int64_t now)
{
	switch (action) {
	case BX_RA_VERDICT:
		return verdict(L, now);
	case BX_RA_REJECT:
		return label_push(L, label_prompt_new(L, "reject: what is wrong (Enter rejects, Esc cancels): ",
		                                      NULL, reject_typed, NULL));
	case BX_RA_PASS:
		bx_session_pass(L->s);
		return label_next_task(L, now) | BX_VIEW_HANDLED | BX_VIEW_REDRAW;
	default:
		return 0;
	}
}

static void
review_opened(struct label *L)
{
	if (L->s->claim.resumed && L->msg[0] == '\0')
		label_msg(L, 0, "resumed your task %s", L->s->claim.image);
	if (L->msg[0] == '\0')
		label_msg(L, 0, "%s", L->s->review_info);
}

static void
review_empty(const struct label *L, char *buf, size_t n)
{
	snprintf(buf, n,
	         "Nothing to review for %s right now (%d reviewed in this session,\n"
	         "%d passed over).\n\nr checks again, q quits.", L->s->user, L->s->submitted,
	         L->s->npassed);
}

static const struct label_role reviewing = {
	.unit = "review",
	.leased = 0,
	.hint = "? help  s accept (fix once edited)  n reject  ^N pass  q quit  u undo  Tab select",
	.help_title = "boxel review: keys (any key closes; j/k scroll)",
	.keys = &bx_keymap_review,
	.key = review_key,
	.opened = review_opened,
	.empty = review_empty,
};

void
bx_view_review_init(struct bx_view *v, struct bx_session *s, enum bx_colors colors, int no_color,
                    int cols, int rows, int64_t now)
{
	label_init(v, &reviewing, s, colors, no_color, cols, rows, now);
}
