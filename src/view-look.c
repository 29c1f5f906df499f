/* view-look.c: the display menu (`V`): class names on objects, which
 * objects to show, guide lines, brightness / contrast / gamma. Display
 * only, for this session: nothing here reaches the answer or the store.
 * Cells; drawn in the top-left of the image pane. */
#include <stdio.h>
#include <stdlib.h>

#include "boxel/keymap.h"
#include "view-label-int.h"

static int
clampi(int v, int lo, int hi)
{
	return v < lo ? lo : v > hi ? hi : v;
}

static void
look_draw(struct bx_view *v, struct bx_grid *g, int64_t now)
{
	struct label *L = v->data;
	const struct label_look *lk = &L->look;
	static const char *const hide[] = { "all", "only the selected", "none" };
	char **lines, buf[96];
	int n, i, w = 58, y = 0;

	(void)now;
	n = bx_keymap_help(&bx_keymap_look, 4, &lines);
	if (w > L->pw)
		w = L->pw;
	bx_grid_fill(g, 0, 0, w, n + 3, ' ', BX_COLOR_DEFAULT, BX_RGB(0x20, 0x20, 0x30), 0);
	snprintf(buf, sizeof buf, "display: names %s, objects: %s%s%s", lk->names ? "on" : "off",
	         hide[lk->hide], lk->hide_sugg ? ", suggestions hidden" : "",
	         lk->guides ? ", guides" : "");
	bx_grid_put_text(g, 0, y++, buf, BX_COLOR_DEFAULT, BX_RGB(0x20, 0x20, 0x30), BX_CELL_BOLD, w);
	snprintf(buf, sizeof buf, "brightness %+d  contrast %+d  gamma %.1f", lk->bright,
	         lk->contrast, lk->gamma / 10.0);
	bx_grid_put_text(g, 0, y++, buf, BX_COLOR_DEFAULT, BX_RGB(0x20, 0x20, 0x30), 0, w);
	for (i = 0; i < n; i++)
		bx_grid_put_text(g, 0, y++, lines[i], BX_COLOR_DEFAULT, BX_RGB(0x20, 0x20, 0x30), 0, w);
	bx_keymap_help_free(lines, n);
}

static int
look_key(struct bx_view *v, const struct bx_key *k, int64_t now)
{
	struct label *L = v->data;
	struct label_look *lk = &L->look;

	(void)now;
	switch (bx_keymap_action(&bx_keymap_look, k->key)) {
	case BX_KA_NAMES: lk->names = !lk->names; break;
	case BX_KA_HIDE: lk->hide = (lk->hide + 1) % 3; break;
	case BX_KA_SUGG: lk->hide_sugg = !lk->hide_sugg; break;
	case BX_KA_GUIDES: lk->guides = !lk->guides; break;
	case BX_KA_BRIGHT_UP: lk->bright = clampi(lk->bright + 10, -100, 100); break;
	case BX_KA_BRIGHT_DOWN: lk->bright = clampi(lk->bright - 10, -100, 100); break;
	case BX_KA_CONTRAST_UP: lk->contrast = clampi(lk->contrast + 10, -90, 200); break;
	case BX_KA_CONTRAST_DOWN: lk->contrast = clampi(lk->contrast - 10, -90, 200); break;
	case BX_KA_GAMMA_UP: lk->gamma = clampi(lk->gamma + 2, 2, 40); break;
	case BX_KA_GAMMA_DOWN: lk->gamma = clampi(lk->gamma - 2, 2, 40); break;
	case BX_KA_RESET:
		lk->bright = lk->contrast = 0;
		lk->gamma = 10;
		break;
	case BX_KA_CLOSE: return BX_VIEW_CLOSE | BX_VIEW_HANDLED;
	default: return BX_VIEW_HANDLED;
	}
	return BX_VIEW_HANDLED | BX_VIEW_REDRAW;
}

static const struct bx_view_ops look_ops = {
	.name = "look",
	.free = NULL, /* the label view's state, not ours */
	.resize = NULL,
	.key = look_key,
	.tick = NULL,
	.draw = look_draw,
};

struct bx_view *
label_look_new(struct label *L)
{
	return bx_view_new(&look_ops, L);
}
