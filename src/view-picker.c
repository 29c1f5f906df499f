/* view-picker.c: the class picker (`/`): type part of a class name, the
 * list narrows (names starting with the text first, then containing it,
 * taxonomy order within each), Enter picks. For taxonomies of 80 classes
 * where digits and hotkeys run out. Cells; drawn over the right pane. */
#include <ctype.h>
#include <stdlib.h>
#include <string.h>

#include "boxel/keymap.h"
#include "view-label-int.h"

struct picker {
	struct label *L;
	char text[64];
	int len;
	int *match;        /* class indexes, best first */
	int nmatch;
	int cur;           /* highlighted match */
};

static int
has_ci(const char *hay, const char *needle, int at_start)
{
	size_t n = strlen(needle), i;

	for (i = 0; hay[i] != '\0'; i++) {
		if (strncasecmp(hay + i, needle, n) == 0)
			return 1;
		if (at_start)
			return 0;
	}
	return n == 0;
}

static void
refilter(struct picker *P)
{
	const struct bx_taxonomy *tax = P->L->s->tax;
	int i, pass;

	P->nmatch = 0;
	for (pass = 0; pass < 2; pass++)
		for (i = 0; i < tax->nclasses; i++) {
			int start = has_ci(tax->classes[i].name, P->text, 1);
			if ((pass == 0 && start) ||
			    (pass == 1 && !start && has_ci(tax->classes[i].name, P->text, 0)))
				P->match[P->nmatch++] = i;
		}
	if (P->cur >= P->nmatch)
		P->cur = P->nmatch > 0 ? P->nmatch - 1 : 0;
}

static void
picker_draw(struct bx_view *v, struct bx_grid *g, int64_t now)
{
	struct picker *P = v->data;
	struct label *L = P->L;
	int x = L->rx, w = L->rw, rows = L->rows - 4, first, i, y;
	char line[160];

	(void)now;
	bx_grid_fill(g, x, 0, w, L->rows - 2, ' ', BX_COLOR_DEFAULT, BX_COLOR_DEFAULT, 0);
	snprintf(line, sizeof line, "class: %s_", P->text);
	bx_grid_put_text(g, x, 0, line, BX_COLOR_DEFAULT, BX_COLOR_DEFAULT, BX_CELL_BOLD, w);
	snprintf(line, sizeof line, "%d of %d match (Enter picks, Esc closes)", P->nmatch,
	         L->s->tax->nclasses);
	bx_grid_put_text(g, x, 1, line, BX_COLOR_DEFAULT, BX_COLOR_DEFAULT, 0, w);
	/* Keep the highlighted one in view. */
	first = P->cur - rows / 2;
	if (first > P->nmatch - rows)
		first = P->nmatch - rows;
	if (first < 0)
		first = 0;
	for (i = first, y = 2; i < P->nmatch && y < 2 + rows; i++, y++) {
		const struct bx_class *c = &L->s->tax->classes[P->match[i]];
		snprintf(line, sizeof line, "%c%3d %s", i == P->cur ? '>' : ' ', P->match[i] + 1, c->name);
		bx_grid_put_text(g, x + 2, y, line, BX_COLOR_DEFAULT, BX_COLOR_DEFAULT,
		                 i == P->cur ? BX_CELL_REVERSE : 0, w - 2);
		bx_grid_fill(g, x, y, 1, 1, ' ', BX_COLOR_DEFAULT, label_class_color(L, c->name), 0);
	}
}

static int
picker_key(struct bx_view *v, const struct bx_key *k, int64_t now)
{
	struct picker *P = v->data;

	switch (bx_keymap_action(&bx_keymap_picker, k->key)) {
	case BX_PA_UP:
		if (P->cur > 0)
			P->cur--;
		return BX_VIEW_HANDLED | BX_VIEW_REDRAW;
	case BX_PA_DOWN:
		if (P->cur + 1 < P->nmatch)
			P->cur++;
		return BX_VIEW_HANDLED | BX_VIEW_REDRAW;
	case BX_PA_PICK:
		if (P->nmatch == 0)
			return BX_VIEW_HANDLED;
		return (label_pick_class(P->L, &P->L->s->tax->classes[P->match[P->cur]], now) &
		        ~BX_VIEW_QUIT) | BX_VIEW_CLOSE | BX_VIEW_REDRAW;
	case BX_PA_CANCEL:
		return BX_VIEW_CLOSE | BX_VIEW_HANDLED;
	case BX_PA_BACK:
		if (P->len > 0)
			P->text[--P->len] = '\0';
		refilter(P);
		return BX_VIEW_HANDLED | BX_VIEW_REDRAW;
	default:
		break;
	}
	/* Class names are matched as bytes: printable ASCII is typed here. */
	if (bx_key_text(k->key) && k->key < 0x7f && P->len + 1 < (int)sizeof P->text) {
		P->text[P->len++] = (char)k->key;
		P->text[P->len] = '\0';
		P->cur = 0;
		refilter(P);
		return BX_VIEW_HANDLED | BX_VIEW_REDRAW;
	}
	return BX_VIEW_HANDLED;
}

static void
picker_free(struct bx_view *v)
{
	struct picker *P = v->data;

	if (P == NULL)
		return;
	free(P->match);
	free(P);
	v->data = NULL;
}

static const struct bx_view_ops picker_ops = {
	.name = "picker",
	.free = picker_free,
	.resize = NULL,
	.key = picker_key,
	.tick = NULL,
	.draw = picker_draw,
};

struct bx_view *
label_picker_new(struct label *L)
{
	struct picker *P = bx_calloc(1, sizeof *P);
	int i;

	P->L = L;
	P->match = bx_calloc((size_t)L->s->tax->nclasses + 1, sizeof *P->match);
	refilter(P);
	/* Start on the current class. */
	for (i = 0; L->ed.cls != NULL && i < P->nmatch; i++)
		if (strcmp(L->s->tax->classes[P->match[i]].name, L->ed.cls) == 0)
			P->cur = i;
	return bx_view_new(&picker_ops, P);
}
