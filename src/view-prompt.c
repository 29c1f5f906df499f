/* view-prompt.c: the labeling screen's one-line prompt, pushed over it:
 * a skip reason, a reviewer's reject comment, go to x,y, a text or number
 * value of the attribute editor. Owns the line being typed; what the text
 * means is the caller's done(). Drawn on the message line (the row above
 * the status line), with the last complaint after it. */
#include <stdio.h>
#include <stdlib.h>

#include "boxel/keymap.h"
#include "view-label-int.h"

#define MAX_LINE 200

struct prompt {
	struct label *L;
	const char *title;
	struct bx_buf line;
	label_prompt_done done;
	void *ctx;
};

static void
prompt_draw(struct bx_view *v, struct bx_grid *g, int64_t now)
{
	struct prompt *P = v->data;
	struct label *L = P->L;
	struct bx_buf b;
	int y = L->rows - 2, n;

	(void)now;
	if (L->mode != M_NORMAL || y < 0)
		return;
	bx_buf_init(&b);
	bx_buf_printf(&b, "%s%s_", P->title, P->line.p ? P->line.p : "");
	bx_grid_fill(g, 0, y, L->cols, 1, ' ', BX_COLOR_DEFAULT, BX_COLOR_DEFAULT, 0);
	n = bx_grid_put_text(g, 0, y, b.p, BX_COLOR_DEFAULT, BX_COLOR_DEFAULT, BX_CELL_BOLD, L->cols);
	if (L->msg[0] && n + 3 < L->cols)
		bx_grid_put_text(g, n + 2, y, L->msg, label_ui(L, BX_RGB(0xff, 0x70, 0x70)),
		                 BX_COLOR_DEFAULT, 0, L->cols - n - 2);
	bx_buf_free(&b);
}

static int
prompt_key(struct bx_view *v, const struct bx_key *k, int64_t now)
{
	struct prompt *P = v->data;
	struct label *L = P->L;
	char u[5];
	size_t i;
	int len, r;

	label_touch(L, now);
	switch (bx_keymap_action(&bx_keymap_prompt, k->key)) {
	case BX_TA_CANCEL:
		L->msg[0] = '\0';
		return BX_VIEW_HANDLED | BX_VIEW_REDRAW | BX_VIEW_CLOSE;
	case BX_TA_OK:
		L->msg[0] = '\0';
		r = P->done(L, P->ctx, P->line.p ? P->line.p : "", now) | BX_VIEW_REDRAW;
		/* Whatever it did, a screen without a task has no overlays. */
		return L->mode != M_NORMAL ? r | BX_VIEW_UNCOVER : r;
	case BX_TA_ERASE:
		/* Drop one whole UTF-8 character. */
		i = P->line.len;
		while (i > 0 && ((unsigned char)P->line.p[i - 1] & 0xc0) == 0x80)
			i--;
		if (i > 0)
			i--;
		P->line.len = i;
		if (P->line.p)
			P->line.p[i] = '\0';
		return BX_VIEW_HANDLED | BX_VIEW_REDRAW;
	default:
		break;
	}
	if (bx_key_text(k->key) && P->line.len < MAX_LINE) {
		len = bx_utf8_encode((uint32_t)k->key, u);
		bx_buf_append(&P->line, u, (size_t)len);
		return BX_VIEW_HANDLED | BX_VIEW_REDRAW;
	}
	return BX_VIEW_HANDLED;
}

static void
prompt_free(struct bx_view *v)
{
	struct prompt *P = v->data;

	if (P == NULL)
		return;
	bx_buf_free(&P->line);
	free(P);
	v->data = NULL;
}

static const struct bx_view_ops prompt_ops = {
	.name = "prompt",
	.free = prompt_free,
	.resize = NULL,
	.key = prompt_key,
	.tick = NULL,
	.draw = prompt_draw,
};

struct bx_view *
label_prompt_new(struct label *L, const char *title, const char *text, label_prompt_done done,
                 void *ctx)
{
	struct prompt *P = bx_calloc(1, sizeof *P);

	P->L = L;
	P->title = title;
	P->done = done;
	P->ctx = ctx;
	bx_buf_init(&P->line);
	if (text != NULL)
		bx_buf_puts(&P->line, text);
	return bx_view_new(&prompt_ops, P);
}
