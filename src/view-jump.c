/* view-jump.c: the jump overlay (`;`), easymotion style: two-letter labels
 * on a grid over the image pane; typing one moves the crosshair there, so
 * any point of the pane is two keys away. Typed in capitals, the label also
 * places there (a corner, a vertex, an extreme point): a rough box is then
 * `;` and two capitals per corner. Cells of the image pane; the
 * crosshair itself is image pixels (label_cell_to_image). */
#include <ctype.h>
#include <stdlib.h>
#include <string.h>

#include "boxel/geom.h"
#include "boxel/keymap.h"
#include "view-label-int.h"

/* Home row first: the labels nearest the fingers are the most used. */
static const char letters[] = "asdfjklghqwertyuiopzxcvbnm";
#define NL 26

struct jump {
	struct label *L;
	int first;         /* first letter typed (index into letters), -1 none */
	int place;         /* a capital was typed: place at the target */
	int cols, rows;    /* targets across and down */
	int dx, dy;        /* cells between targets */
};

/* Spread targets so that there are at most NL*NL of them, about 5 cells
 * apart across and 2-3 down (a cell is twice as tall as wide). */
static void
layout(struct jump *J)
{
	struct label *L = J->L;

	J->dx = 4;
	J->dy = 2;
	for (;;) {
		J->cols = (L->pw + J->dx - 1) / J->dx;
		J->rows = (L->ph + J->dy - 1) / J->dy;
		if (J->cols * J->rows <= NL * NL)
			break;
		J->dx++;
		J->dy = J->dx / 2;
	}
}

/* Target k sits at the cell of its grid point. */
static void
target_cell(const struct jump *J, int k, int *col, int *row)
{
	*col = (k % J->cols) * J->dx + J->dx / 2;
	*row = (k / J->cols) * J->dy + J->dy / 2;
	if (*col >= J->L->pw)
		*col = J->L->pw - 1;
	if (*row >= J->L->ph)
		*row = J->L->ph - 1;
}

static void
jump_draw(struct bx_view *v, struct bx_grid *g, int64_t now)
{
	struct jump *J = v->data;
	int k, n = J->cols * J->rows, col, row;
	char lab[3] = { 0 };

	(void)now;
	for (k = 0; k < n; k++) {
		if (J->first >= 0 && k / NL != J->first)
			continue;
		target_cell(J, k, &col, &row);
		lab[0] = letters[k / NL];
		lab[1] = letters[k % NL];
		if (J->first >= 0)
			bx_grid_put_text(g, col, row, lab + 1, BX_RGB(0, 0, 0), BX_RGB(0xff, 0xd0, 0x00),
			                 BX_CELL_BOLD, 1);
		else
			bx_grid_put_text(g, col, row, lab, BX_RGB(0, 0, 0), BX_RGB(0xff, 0xd0, 0x00),
			                 BX_CELL_BOLD, J->L->pw - col);
	}
	bx_grid_fill(g, 0, J->L->rows - 2, J->L->cols, 1, ' ', BX_COLOR_DEFAULT, BX_COLOR_DEFAULT, 0);
	bx_grid_put_text(g, 0, J->L->rows - 2,
	                 J->first < 0 ? "jump: type the label where the crosshair should go; in capitals it also places (Esc closes)"
	                              : "jump: one more letter (Backspace: back, Esc closes)",
	                 BX_COLOR_DEFAULT, BX_COLOR_DEFAULT, BX_CELL_BOLD, J->L->cols);
}

static int
jump_key(struct bx_view *v, const struct bx_key *k, int64_t now)
{
	struct jump *J = v->data;
	struct label *L = J->L;
	const char *p;
	int idx, col, row, r;
	double x, y;

	switch (bx_keymap_action(&bx_keymap_jump, k->key)) {
	case BX_JA_CANCEL:
		return BX_VIEW_CLOSE | BX_VIEW_HANDLED;
	case BX_JA_BACK:
		J->first = -1;
		return BX_VIEW_HANDLED | BX_VIEW_REDRAW;
	default:
		break;
	}
	if (bx_key_upper(k->key))
		J->place = 1;
	if (!bx_key_graph(k->key) || (p = strchr(letters, tolower(k->key))) == NULL)
		return BX_VIEW_HANDLED;
	idx = (int)(p - letters);
	if (J->first < 0) {
		if (idx * NL >= J->cols * J->rows)
			return BX_VIEW_HANDLED;
		J->first = idx;
		return BX_VIEW_HANDLED | BX_VIEW_REDRAW;
	}
	if (J->first * NL + idx >= J->cols * J->rows)
		return BX_VIEW_HANDLED;
	target_cell(J, J->first * NL + idx, &col, &row);
	if (label_cell_to_image(L, col, row, &x, &y) != 0)
		return BX_VIEW_CLOSE | BX_VIEW_HANDLED;
	r = label_apply(L, bx_edit_cursor_to(&L->ed, x, y) | BX_EDIT_VIEW, now);
	if (J->place)
		r |= bx_tool_at(L->ed.tool)->snap_extreme ? label_extreme_place(L, now) : label_place(L, 0, now);
	return (r & ~BX_VIEW_QUIT) | BX_VIEW_CLOSE | BX_VIEW_REDRAW;
}

static void
jump_resize(struct bx_view *v, int cols, int rows)
{
	(void)cols;
	(void)rows;
	layout(v->data);
}

static void
jump_free(struct bx_view *v)
{
	free(v->data);
	v->data = NULL;
}

static const struct bx_view_ops jump_ops = {
	.name = "jump",
	.free = jump_free,
	.resize = jump_resize,
	.key = jump_key,
	.tick = NULL,
	.draw = jump_draw,
};

struct bx_view *
label_jump_new(struct label *L)
{
	struct jump *J = bx_calloc(1, sizeof *J);

	J->L = L;
	J->first = -1;
	layout(J);
	return bx_view_new(&jump_ops, J);
}
