/* view-jump.c: the jump overlay (`;`), easymotion style: two-letter labels
 * on a grid over the image pane; typing one moves the crosshair there, so
 * any point of the pane is two keys away. Typed in capitals, the label also
 * places there (a corner, a vertex, an extreme point): a rough box is then
 * `;` and two capitals per corner. `:` is the exact jump: after the two
 * letters, one more picks a cell of the block around that label (the
 * grid's 4x2 cells), so a corner lands on the cell a person aims at, not
 * up to two cells off, for one key more (`:` and three capitals place).
 * When a capital placed a box's first corner, the labels stay for the
 * other one: a rough box is `;` and four capitals, tighten's starting
 * point in five keys (`:` or `;` first switches the kind of jump). A jump
 * lets go of a grab, so the keys after it move the crosshair, not the
 * handle fixed before. Cells of the image pane; the crosshair itself is
 * image pixels (label_cell_to_image). */
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
	int exact;         /* `:`: a third letter picks the cell in the block */
	int target;        /* the two letters' target (exact, third letter), -1 */
	int sx, sy;        /* cells between the third letter's choices */
	int second;        /* open again for a box's other corner */
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
	/* At most NL choices for the third letter in a block. */
	J->sx = J->sy = 1;
	while (((J->dx + J->sx - 1) / J->sx) * ((J->dy + J->sy - 1) / J->sy) > NL) {
		if (J->dx / J->sx >= 2 * J->dy / J->sy)
			J->sx++;
		else
			J->sy++;
	}
}

/* The block of target k: the cells nearer its grid point than any other
 * (clipped to the pane). */
static void
block(const struct jump *J, int k, int *c0, int *r0, int *c1, int *r1)
{
	*c0 = (k % J->cols) * J->dx;
	*r0 = (k / J->cols) * J->dy;
	*c1 = *c0 + J->dx < J->L->pw ? *c0 + J->dx : J->L->pw;
	*r1 = *r0 + J->dy < J->L->ph ? *r0 + J->dy : J->L->ph;
}

/* Choice i of the third letter: every sx-th cell of every sy-th row of
 * the block (every cell at the usual 4x2 blocks); -1 past the last. */
static int
choice_cell(const struct jump *J, int i, int *col, int *row)
{
	int c0, r0, c1, r1, across;

	block(J, J->target, &c0, &r0, &c1, &r1);
	across = (c1 - c0 + J->sx - 1) / J->sx;
	*col = c0 + (i % across) * J->sx;
	*row = r0 + (i / across) * J->sy;
	return i < NL && *col < c1 && *row < r1 ? 0 : -1;
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
	if (J->target >= 0) {
		for (k = 0; choice_cell(J, k, &col, &row) == 0; k++) {
			lab[0] = letters[k];
			bx_grid_put_text(g, col, row, lab, BX_RGB(0, 0, 0), BX_RGB(0x80, 0xff, 0x80),
			                 BX_CELL_BOLD, 1);
		}
		n = 0;
	}
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
	                 J->target >= 0 ? "exact jump: the letter of the cell (in capitals: and place; Backspace: back, Esc closes)"
	                 : J->first >= 0 ? "jump: one more letter (Backspace: back, Esc closes)"
	                 : J->second ? (J->exact ? "exact jump to the box's other corner: its label (capitals place; ; plain)"
	                                         : "jump to the box's other corner: its label (capitals place; : exact, Esc)")
	                 : "jump: type the label where the crosshair should go; in capitals it also places (Esc closes)",
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
		if (J->target >= 0)
			J->target = -1;
		else
			J->first = -1;
		return BX_VIEW_HANDLED | BX_VIEW_REDRAW;
	case BX_JA_EXACT:
	case BX_JA_PLAIN:
		/* The kind of jump, before its first letter: so each corner
		 * of a box takes the cheaper one that lands close enough. */
		if (J->first < 0)
			J->exact = bx_keymap_action(&bx_keymap_jump, k->key) == BX_JA_EXACT;
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
	if (J->target >= 0) {
		if (choice_cell(J, idx, &col, &row) != 0)
			return BX_VIEW_HANDLED;
	} else {
		if (J->first * NL + idx >= J->cols * J->rows)
			return BX_VIEW_HANDLED;
		if (J->exact) {
			J->target = J->first * NL + idx;
			return BX_VIEW_HANDLED | BX_VIEW_REDRAW;
		}
		target_cell(J, J->first * NL + idx, &col, &row);
	}
	if (label_cell_to_image(L, col, row, &x, &y) != 0)
		return BX_VIEW_CLOSE | BX_VIEW_HANDLED;
	r = label_apply(L, bx_edit_release(&L->ed) | bx_edit_cursor_to(&L->ed, x, y) | BX_EDIT_VIEW, now);
	if (J->place) {
		r |= bx_tool_at(L->ed.tool)->snap_extreme ? label_extreme_place(L, now) : label_place(L, 0, now);
		/* A box's first corner: the labels again, for the other. */
		if (bx_tool_at(L->ed.tool)->place == BX_PLACE_CORNERS && L->ed.npend == 1) {
			J->first = J->target = -1;
			J->place = 0;
			J->second = 1;
			return (r & ~(BX_VIEW_QUIT | BX_VIEW_CLOSE)) | BX_VIEW_HANDLED | BX_VIEW_REDRAW;
		}
	}
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
label_jump_new(struct label *L, int exact)
{
	struct jump *J = bx_calloc(1, sizeof *J);

	J->L = L;
	J->first = -1;
	J->target = -1;
	J->exact = exact;
	layout(J);
	return bx_view_new(&jump_ops, J);
}
