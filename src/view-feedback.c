/* view-feedback.c: training feedback, pushed over the labeling screen
 * after a training task is submitted: the labeler's objects and the gold
 * (the image pane draws both while L->fb_on) and the score in the right
 * pane. Owns the moment between the submit and the next task: any key
 * not in its table (bx_keymap_feedback) claims the next one. */
#include <stdio.h>
#include <stdlib.h>

#include "boxel/keymap.h"
#include "view-label-int.h"

struct feedback {
	struct label *L;
	char done[256];    /* what the submit said, said again over the next task */
};

static void
feedback_draw(struct bx_view *v, struct bx_grid *g, int64_t now)
{
	struct feedback *F = v->data;
	struct label *L = F->L;

	(void)now;
	if (!L->fb_on || L->cols < MIN_COLS || L->rows < MIN_ROWS)
		return;
	bx_grid_fill(g, L->rx, 1, L->rw, L->rows - 3, ' ', BX_COLOR_DEFAULT, BX_COLOR_DEFAULT, 0);
	label_draw_feedback_pane(L, g, 1, L->rows - 2);
}

static int
feedback_key(struct bx_view *v, const struct bx_key *k, int64_t now)
{
	struct feedback *F = v->data;
	struct label *L = F->L;
	int r;

	switch (bx_keymap_action(&bx_keymap_feedback, k->key)) {
	case BX_FB_IGNORE:
		return 0;
	case BX_FB_QUIT:
		return BX_VIEW_QUIT;
	default:
		break;
	}
	bx_training_feedback_free(&L->fb);
	L->fb_on = 0;
	L->msg[0] = '\0';
	r = label_next_task(L, now);
	label_msg(L, 0, "%s", F->done);
	return r | BX_VIEW_HANDLED | BX_VIEW_REDRAW | BX_VIEW_CLOSE;
}

static void
feedback_free(struct bx_view *v)
{
	free(v->data);
	v->data = NULL;
}

static const struct bx_view_ops feedback_ops = {
	.name = "feedback",
	.free = feedback_free,
	.resize = NULL,
	.key = feedback_key,
	.tick = NULL,
	.draw = feedback_draw,
};

struct bx_view *
label_feedback_new(struct label *L, const char *done)
{
	struct feedback *F = bx_calloc(1, sizeof *F);

	F->L = L;
	snprintf(F->done, sizeof F->done, "%s", done);
	L->fb_on = 1;
	return bx_view_new(&feedback_ops, F);
}
