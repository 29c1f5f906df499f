/* view-help.c: the help overlay (`?`): every key table of the screen, one
 * after the other under its name, scrolled with its own table (j/k); any
 * other key closes it. Generated from the tables the views look keys up
 * in, so it cannot drift from them. Full screen, in cells; one column,
 * two on terminals of 160 columns and more. */
#include <stdlib.h>

#include "boxel/keymap.h"
#include "boxel/util.h"
#include "boxel/view-help.h"

#define KEYCOL 17

struct help {
	const char *title, *foot;
	char **lines;
	int n;
	int scroll;
};

static void
help_draw(struct bx_view *v, struct bx_grid *g, int64_t now)
{
	struct help *H = v->data;
	int i, y, col, colw, ncols, per;

	(void)now;
	bx_grid_fill(g, 0, 0, g->w, g->h, ' ', BX_COLOR_DEFAULT, BX_COLOR_DEFAULT, 0);
	bx_grid_put_text(g, 0, 0, H->title, BX_COLOR_DEFAULT, BX_COLOR_DEFAULT, BX_CELL_BOLD, g->w);
	ncols = g->w >= 160 ? 2 : 1;
	colw = g->w / ncols;
	per = g->h - 3;
	if (per < 1)
		return;
	if (H->scroll > H->n - 1)
		H->scroll = H->n > 0 ? H->n - 1 : 0;
	for (i = H->scroll; i < H->n; i++) {
		col = (i - H->scroll) / per;
		if (col >= ncols)
			break;
		y = 1 + (i - H->scroll) % per;
		bx_grid_put_text(g, col * colw, y, H->lines[i], BX_COLOR_DEFAULT, BX_COLOR_DEFAULT, 0,
		                 colw - 1);
	}
	if (H->foot != NULL)
		bx_grid_put_text(g, 0, g->h - 1, H->foot, BX_COLOR_DEFAULT, BX_COLOR_DEFAULT, 0, g->w);
}

static int
help_key(struct bx_view *v, const struct bx_key *k, int64_t now)
{
	struct help *H = v->data;

	(void)now;
	switch (bx_keymap_action(&bx_keymap_helpscreen, k->key)) {
	case BX_HA_DOWN:
		H->scroll++;
		return BX_VIEW_HANDLED | BX_VIEW_REDRAW;
	case BX_HA_UP:
		H->scroll = H->scroll > 0 ? H->scroll - 1 : 0;
		return BX_VIEW_HANDLED | BX_VIEW_REDRAW;
	default:
		return BX_VIEW_HANDLED | BX_VIEW_CLOSE;
	}
}

static void
help_free(struct bx_view *v)
{
	struct help *H = v->data;

	if (H == NULL)
		return;
	bx_keymap_help_free(H->lines, H->n);
	free(H);
	v->data = NULL;
}

static const struct bx_view_ops help_ops = {
	.name = "help",
	.free = help_free,
	.resize = NULL,
	.key = help_key,
	.tick = NULL,
	.draw = help_draw,
};

struct bx_view *
bx_view_help_new(const char *title, const struct bx_keymap *const *maps, int n, const char *foot)
{
	struct help *H = bx_calloc(1, sizeof *H);
	char **lines;
	int i, j, k;

	H->title = title;
	H->foot = foot;
	for (i = 0; i < n; i++) {
		k = bx_keymap_help(maps[i], KEYCOL, &lines);
		H->lines = bx_realloc(H->lines, sizeof *H->lines * (size_t)(H->n + k + 2));
		if (i > 0) {
			H->lines[H->n++] = bx_strdup("");
			H->lines[H->n++] = bx_strdup(maps[i]->name);
		}
		for (j = 0; j < k; j++)
			H->lines[H->n++] = bx_strdup(lines[j]);
		bx_keymap_help_free(lines, k);
	}
	return bx_view_new(&help_ops, H);
}
