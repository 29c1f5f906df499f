/* label-keys.c: the editing keys of the labeling and review screens, read
 * through bx_keymap_label (after the screen's own table, struct
 * label_role): moves with counts, tools, placing, classes by number,
 * hotkey or picker, selection and handles, attributes (the form),
 * suggestions, undo, and the overlays pushed from here. Image pixels. */
#include <stdlib.h>
#include <string.h>

#include "boxel/geom.h"
#include "boxel/keymap.h"
#include "boxel/view-help.h"
#include "view-label-int.h"

static const char help_foot[] =
	"A number before a move is a count (5l); else it picks that class. "
	"Mouse: drag draws a box, click places/selects, wheel zooms.";

static int
class_allows(const struct label *L, const char *cls, int tool)
{
	const struct bx_class *c = label_class_of(L, cls);

	if (c == NULL)
		return 1;
	return bx_tool_kind(tool) != NULL && (c->geoms & (int)bx_tool_kind(tool)->id) != 0;
}

int
label_pick_class(struct label *L, const struct bx_class *c, int64_t now)
{
	int r;

	if (c->geoms == BX_GEOM_TAG)
		return label_apply(L, bx_edit_toggle_tag(&L->ed, c->name), now);
	if (L->ed.cls != NULL && strcmp(L->ed.cls, c->name) != 0) {
		free(L->prev_cls);
		L->prev_cls = bx_strdup(L->ed.cls);
	}
	r = bx_edit_set_class(&L->ed, c->name);
	/* Switch to a tool the class allows. */
	if (!class_allows(L, c->name, L->ed.tool)) {
		const struct bx_geom_kind *k;
		int i;

		for (i = 0; (k = bx_geom_at(i)) != NULL; i++)
			if (k->tools[0] != NULL && (c->geoms & (int)k->id)) {
				r |= bx_edit_set_tool(&L->ed, bx_tool_of_kind(k->id));
				break;
			}
	}
	return label_apply(L, r | BX_EDIT_VIEW, now);
}

static int
set_tool(struct label *L, int tool, int64_t now)
{
	int r;

	/* The current tool's key again: a new object, as CVAT's N starts
	 * one. It lets go of the selected object, so the next drag draws
	 * even where it starts on that one (two boxes that touch) instead
	 * of moving it, for one key where Esc takes two after a grab. */
	if (tool == L->ed.tool && L->ed.npend == 0 && L->ed.sel >= 0) {
		bx_edit_release(&L->ed);
		L->grab_named = 0;
		label_msg(L, 0, "a new %s: the next drag or place draws it", bx_tool_name(tool));
		return label_apply(L, bx_edit_cancel(&L->ed) | BX_EDIT_VIEW, now);
	}
	r = bx_edit_set_tool(&L->ed, tool);

	if (!class_allows(L, L->ed.cls, tool))
		label_msg(L, 0, "note: class %s does not allow %s; pick another class", L->ed.cls,
		        bx_tool_name(tool));
	return label_apply(L, r | BX_EDIT_VIEW, now);
}

int
label_place(struct label *L, int enter, int64_t now)
{
	struct bx_edit *ed = &L->ed;
	int r, n = ed->ans.n;

	if (ed->npend == 0 && !class_allows(L, ed->cls, ed->tool)) {
		label_msg(L, 1, "class %s does not allow %s: pick another class or tool", ed->cls,
		          bx_tool_name(ed->tool));
		return BX_VIEW_REDRAW;
	}
	ed->kpts = label_class_of(L, ed->cls) != NULL ? label_class_of(L, ed->cls)->nkpts : 0;
	r = label_apply(L, enter ? bx_edit_enter(ed) : bx_edit_place(ed), now);
	/* A box just drawn with the box tool: tighten it when asked to. */
	if (L->auto_tighten && bx_tool_at(ed->tool)->tighten && ed->ans.n == n + 1 && ed->sel == n &&
	    ed->ans.a[n].geom == BX_GEOM_BOX)
		r |= label_tighten(L, now);
	return r;
}

static int
motion(int action, int *dx, int *dy, int *far)
{
	*dx = *dy = *far = 0;
	switch (action) {
	case BX_LA_LEFT: *dx = -1; break;
	case BX_LA_RIGHT: *dx = 1; break;
	case BX_LA_UP: *dy = -1; break;
	case BX_LA_DOWN: *dy = 1; break;
	case BX_LA_LEFT_FAR: *dx = -1; *far = 1; break;
	case BX_LA_RIGHT_FAR: *dx = 1; *far = 1; break;
	case BX_LA_UP_FAR: *dy = -1; *far = 1; break;
	case BX_LA_DOWN_FAR: *dy = 1; *far = 1; break;
	default: return 0;
	}
	return 1;
}

/* After `"`: the handle the key names (keymap.c's named-grab table),
 * grabbed on the selected box. */
static int
grab_named(struct label *L, int key, int64_t now)
{
	static const int handle[] = {
		[BX_GA_LEFT] = BX_H_LEFT, [BX_GA_BOTTOM] = BX_H_BOTTOM, [BX_GA_TOP] = BX_H_TOP,
		[BX_GA_RIGHT] = BX_H_RIGHT, [BX_GA_TL] = BX_H_TL, [BX_GA_TR] = BX_H_TR,
		[BX_GA_BL] = BX_H_BL, [BX_GA_BR] = BX_H_BR,
	};
	struct bx_edit *ed = &L->ed;
	char name[32];
	int a;

	L->grab_named = 0;
	if (ed->sel < 0 || ed->sel >= ed->ans.n || ed->ans.a[ed->sel].geom != BX_GEOM_BOX) {
		label_msg(L, 1, "\" grabs an edge or corner of the selected box: select a box first (Tab, v)");
		return BX_VIEW_HANDLED | BX_VIEW_REDRAW;
	}
	if ((a = bx_keymap_action(&bx_keymap_grab, key)) == 0) {
		label_msg(L, 1, "\" then h j k l (an edge) or y u b n (a corner); nothing grabbed");
		return BX_VIEW_HANDLED | BX_VIEW_REDRAW;
	}
	label_msg(L, 0, "grabbed the %s: moves go by image pixels (5h: five)",
	          label_handle_name(L, handle[a], name, sizeof name));
	a = label_apply(L, bx_edit_grab_handle(ed, handle[a]), now) | BX_VIEW_REDRAW;
	L->named_sel = ed->sel;
	L->named_handle = ed->handle;
	return a;
}

/* The digits typed so far pick class N (1-based, taxonomy order). */
int
label_digits_pick(struct label *L, int64_t now)
{
	int n = L->num;

	L->num = L->ndigits = 0;
	if (n < 1 || n > L->s->tax->nclasses) {
		label_msg(L, 1, "no class %d (the taxonomy has %d; / searches by name)", n,
		          L->s->tax->nclasses);
		return BX_VIEW_HANDLED | BX_VIEW_REDRAW;
	}
	return label_pick_class(L, &L->s->tax->classes[n - 1], now);
}

static int
accept_all(struct label *L, int64_t now)
{
	int i, before = 0, after = 0, r;

	for (i = 0; i < L->ed.ans.n; i++)
		before += (L->ed.ans.a[i].flags & BX_ANNOT_SUGGESTION) != 0;
	r = label_apply(L, bx_edit_accept_all(&L->ed, L->s->suggest_threshold), now);
	for (i = 0; i < L->ed.ans.n; i++)
		after += (L->ed.ans.a[i].flags & BX_ANNOT_SUGGESTION) != 0;
	label_msg(L, 0, "accepted %d suggestion%s with score >= %.2f; %d left", before - after,
	          before - after == 1 ? "" : "s", L->s->suggest_threshold, after);
	return r | BX_VIEW_REDRAW;
}

int
label_key_edit(struct label *L, const struct bx_key *k, int64_t now)
{
	struct bx_edit *ed = &L->ed;
	const struct bx_class *c;
	int action, own = 0, dx, dy, far, n, step, d, r = 0;

	action = bx_keymap_action(&bx_keymap_label, k->key);
	if (action == BX_LA_MOUSE) {
		L->grab_named = 0;
		return label_key_mouse(L, k, now);
	}
	L->msg[0] = '\0';
	ed->msg[0] = '\0';
	if (L->grab_named)
		return grab_named(L, k->key, now);
	/* Digits wait for the next key: see struct label. 0 alone fits. */
	if ((d = bx_key_digit(k->key)) >= 0 && (L->ndigits > 0 || action == BX_LA_CLASS)) {
		if (L->ndigits < 4) {
			L->num = L->num * 10 + d;
			L->ndigits++;
		}
		return BX_VIEW_HANDLED | BX_VIEW_REDRAW;
	}
	if (L->role->keys != NULL && (own = bx_keymap_action(L->role->keys, k->key)) != 0)
		action = 0;
	if (motion(action, &dx, &dy, &far)) {
		n = L->ndigits ? L->num : 1;
		L->num = L->ndigits = 0;
		step = label_step(L) * n * (far ? 10 : 1);
		return label_apply(L, bx_edit_move(ed, dx * step, dy * step), now);
	}
	/* Turning takes the count as degrees (30>), or the angle itself (45@). */
	if (action == BX_LA_ROTATE_CW || action == BX_LA_ROTATE_CCW || action == BX_LA_ANGLE) {
		n = L->ndigits ? L->num : -1;
		L->num = L->ndigits = 0;
		if (action == BX_LA_ANGLE)
			return label_apply(L, bx_edit_set_angle(ed, n < 0 ? 0 : n), now);
		return label_apply(L, bx_edit_rotate(ed, (n < 0 ? 5 : n) *
		    (action == BX_LA_ROTATE_CW ? 1 : -1)), now);
	}
	if (L->ndigits > 0 && action == BX_LA_CANCEL) {
		L->num = L->ndigits = 0;
		return BX_VIEW_HANDLED | BX_VIEW_REDRAW;
	}
	/* A number before any other key picks its class, then the key does
	 * what it says: 3b is class 3 and the box tool. */
	if (L->ndigits > 0)
		r = label_digits_pick(L, now);
	/* Taxonomy hotkeys, except on keys this view uses (the taxonomy loader
	 * refuses the reserved ones; the shadowable ones, tool keys among them,
	 * go to the class). */
	if (bx_key_graph(k->key) && strchr(BX_TAXONOMY_RESERVED_KEYS, k->key) == NULL &&
	    ((action == 0 && own == 0) || bx_taxonomy_key_shadowable(k->key)) &&
	    (c = bx_taxonomy_class_by_hotkey(L->s->tax, k->key)) != NULL)
		return r | label_pick_class(L, c, now);
	if (own != 0)
		return r | L->role->key(L, own, now);
	switch (action) {
	case BX_LA_PAN_LEFT: return r | label_pan(L, -1, 0, now);
	case BX_LA_PAN_RIGHT: return r | label_pan(L, 1, 0, now);
	case BX_LA_PAN_UP: return r | label_pan(L, 0, -1, now);
	case BX_LA_PAN_DOWN: return r | label_pan(L, 0, 1, now);
	case BX_LA_ZOOM_IN: return r | label_zoom(L, 2, now);
	case BX_LA_ZOOM_OUT: return r | label_zoom(L, 0.5, now);
	case BX_LA_ZOOM_FIT:
		L->dv.zoom = 1;
		label_compute_view(L);
		return r | label_apply(L, BX_EDIT_VIEW, now);
	case BX_LA_ZOOM_1TO1:
		label_compute_view(L);
		return r | label_zoom(L, 1 / L->sc, now);
	case BX_LA_ZOOM_OBJECT:
		if (ed->sel < 0 || ed->sel >= ed->ans.n) {
			label_msg(L, 1, "select an object first (Tab, or v under the crosshair)");
			return r | BX_VIEW_HANDLED | BX_VIEW_REDRAW;
		}
		label_show_selected(L, 1);
		return r | label_apply(L, BX_EDIT_VIEW, now);
	case BX_LA_PLACE:
		if (bx_tool_at(ed->tool)->snap_extreme)
			return r | label_extreme_place(L, now);
		return r | label_place(L, 0, now);
	case BX_LA_ENTER:
		if (ed->npend == 0 && ed->sel >= 0 && ed->sel < ed->ans.n &&
		    (ed->ans.a[ed->sel].flags & BX_ANNOT_SUGGESTION))
			return r | label_apply(L, bx_edit_accept(ed), now);
		if (bx_tool_at(ed->tool)->snap_extreme)
			return r | label_extreme_place(L, now);
		return r | label_place(L, 1, now);
	case BX_LA_BACKSPACE: return r | label_apply(L, bx_edit_backspace(ed), now);
	case BX_LA_SKIP_POINT:
		ed->kpts = label_class_of(L, ed->cls) != NULL ? label_class_of(L, ed->cls)->nkpts : 0;
		return r | label_apply(L, bx_edit_skip_point(ed), now);
	case BX_LA_OCCLUDED: return r | label_apply(L, bx_edit_toggle_occluded(ed), now);
	case BX_LA_CANCEL:
		L->fine = 0;
		return r | label_apply(L, bx_edit_cancel(ed) | BX_EDIT_VIEW, now);
	case BX_LA_FINE:
		/* `,` turns off what is on, the named grab's pixels too. */
		L->fine = !label_fine(L);
		L->named_sel = -1;
		label_msg(L, 0, L->fine ? "fine steps: one image pixel (, or Esc: back to %d)"
		                        : "steps of one display pixel (%d image pixels)", label_step_display(L));
		return r | BX_VIEW_HANDLED | BX_VIEW_REDRAW;
	case BX_LA_CLASS_NEXT:
		if (L->s->tax->nclasses == 0)
			return r | BX_VIEW_HANDLED;
		n = ed->cls ? bx_taxonomy_class_index(L->s->tax, ed->cls) : -1;
		return r | label_pick_class(L, &L->s->tax->classes[(n + 1) % L->s->tax->nclasses], now);
	case BX_LA_CLASS_PREV:
		if (L->prev_cls == NULL || (c = label_class_of(L, L->prev_cls)) == NULL) {
			label_msg(L, 1, "no previous class yet");
			return r | BX_VIEW_HANDLED | BX_VIEW_REDRAW;
		}
		return r | label_pick_class(L, c, now);
	case BX_LA_PICKER: return r | label_push(L, label_picker_new(L));
	case BX_LA_JUMP: return r | label_push(L, label_jump_new(L, 0));
	case BX_LA_JUMP_EXACT: return r | label_push(L, label_jump_new(L, 1));
	case BX_LA_LOOK: return r | label_push(L, label_look_new(L));
	case BX_LA_SELECT_NEXT:
	case BX_LA_SELECT_PREV:
		r |= label_apply(L, bx_edit_select(ed, action == BX_LA_SELECT_NEXT ? 1 : -1), now);
		label_show_selected(L, 0);
		return r;
	case BX_LA_SELECT_HERE: return r | label_select_here(L, now);
	case BX_LA_GRAB_NEAREST: return r | label_grab_nearest(L, now);
	case BX_LA_GRAB_NAMED:
		L->grab_named = 1;
		label_msg(L, 0, "grab: h j k l an edge, y u b n a corner");
		return r | BX_VIEW_HANDLED | BX_VIEW_REDRAW;
	case BX_LA_HANDLE_NEXT: return r | label_apply(L, bx_edit_handle(ed, 1), now);
	case BX_LA_HANDLE_PREV: return r | label_apply(L, bx_edit_handle(ed, -1), now);
	case BX_LA_INSERT_VERTEX: return r | label_apply(L, bx_edit_insert_vertex(ed), now);
	case BX_LA_DELETE_VERTEX: return r | label_apply(L, bx_edit_delete_vertex(ed), now);
	case BX_LA_DELETE: return r | label_apply(L, bx_edit_delete(ed), now);
	case BX_LA_TIGHTEN: return r | label_tighten(L, now);
	case BX_LA_AUTO_TIGHTEN:
		L->auto_tighten = !L->auto_tighten;
		label_msg(L, 0, "tighten after each box: %s", L->auto_tighten ? "on" : "off");
		return r | BX_VIEW_HANDLED | BX_VIEW_REDRAW;
	case BX_LA_WAND: return r | label_wand(L, 1, 0, now);
	case BX_LA_WAND_BOX: return r | label_wand(L, 1, 1, now);
	case BX_LA_WAND_SHRINK: return r | label_wand(L, -1, L->wand_box, now);
	case BX_LA_REPEAT: return r | label_repeat_last(L, now);
	case BX_LA_COPY_PREV: return r | label_copy_previous(L, now);
	case BX_LA_ATTRS:
		if (ed->sel < 0 || ed->sel >= ed->ans.n) {
			label_msg(L, 1, "select an object first (Tab)");
			return r | BX_VIEW_REDRAW;
		}
		return r | label_push(L, label_form_new(L, 0, ed->sel));
	case BX_LA_GLOBAL_ATTRS:
		return r | label_push(L, label_form_new(L, 1, ed->sel));
	case BX_LA_ACCEPT: return r | label_apply(L, bx_edit_accept(ed), now);
	case BX_LA_REJECT: return r | label_apply(L, bx_edit_reject(ed), now);
	case BX_LA_ACCEPT_ALL: return r | accept_all(L, now);
	case BX_LA_UNDO: return r | label_apply(L, bx_edit_undo(ed), now);
	case BX_LA_REDO: return r | label_apply(L, bx_edit_redo(ed), now);
	case BX_LA_INSTR_UP:
		L->instr_scroll = L->instr_scroll > 5 ? L->instr_scroll - 5 : 0;
		return r | BX_VIEW_HANDLED | BX_VIEW_REDRAW;
	case BX_LA_INSTR_DOWN:
		L->instr_scroll += 5;
		return r | BX_VIEW_HANDLED | BX_VIEW_REDRAW;
	case BX_LA_SUBMIT: return r | label_submit(L, now);
	case BX_LA_SKIP: return r | label_push(L, label_skip_new(L));
	case BX_LA_PASS:
		label_msg(L, 1, "Ctrl-N passes a judgment in boxel review; here n skips");
		return r | BX_VIEW_HANDLED | BX_VIEW_REDRAW;
	case BX_LA_GOTO: return r | label_push(L, label_goto_new(L));
	case BX_LA_MINIMAP:
		L->look.minimap = !L->look.minimap;
		return r | BX_VIEW_HANDLED | BX_VIEW_REDRAW;
	case BX_LA_QUIT: return label_quit(L, now);
	case BX_LA_HELP:
		return r | label_push(L, bx_view_help_new(L->role->help_title, bx_keymaps_label_screen,
		                                          bx_keymaps_label_screen_n, help_foot));
	case BX_LA_REDRAW:
		return r | BX_VIEW_HANDLED | BX_VIEW_REDRAW | BX_VIEW_FULL;
	default:
		/* The drawing tools' keys (the kinds' descriptors). */
		if (action >= BX_LA_TOOL)
			return r | set_tool(L, action - BX_LA_TOOL, now);
		break;
	}
	return r;
}
