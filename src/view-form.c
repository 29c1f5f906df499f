/* view-form.c: the attribute editor (a: the selected object's, g: the
 * image's global ones), a view pushed over the labeling screen with its
 * own table (bx_keymap_form); a text or number field pushes the prompt
 * (view-prompt.c) over it. Owns the cursor (field, option); values are
 * checked against the taxonomy before they reach the answer. Drawn over
 * the right pane. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "boxel/keymap.h"
#include "view-label-int.h"

struct form {
	struct label *L;
	int global;        /* editing the global attributes */
	int obj;           /* object index (when !global) */
	int row;           /* selected field */
	int opt;           /* option cursor in a multi field */
};

/* The attribute specs the form edits. */
static const struct bx_attr_spec *
form_specs(const struct form *F, int *n)
{
	const struct label *L = F->L;
	const struct bx_class *c;

	if (F->global) {
		*n = L->s->tax->nglobal;
		return L->s->tax->global;
	}
	if (F->obj < 0 || F->obj >= L->ed.ans.n) {
		*n = 0;
		return NULL;
	}
	c = label_class_of(L, L->ed.ans.a[F->obj].cls);
	*n = c ? c->nattrs : 0;
	return c ? c->attrs : NULL;
}

static const struct bx_attrs *
form_attrs(const struct form *F)
{
	if (F->global)
		return &F->L->ed.ans.global;
	return &F->L->ed.ans.a[F->obj].attrs;
}

/* ---- attribute form ---- */

static int
form_set(struct form *F, const struct bx_attr_spec *sp, const struct bx_value *v, int64_t now)
{
	struct label *L = F->L;
	struct bx_err err;

	if (v->type != BX_VAL_NONE && bx_taxonomy_check_value(sp, v, &err) != 0) {
		label_msg(L, 1, "%s: %s", sp->name, err.msg);
		return BX_VIEW_REDRAW;
	}
	return label_apply(L, bx_edit_set_attr(&L->ed, F->global ? -1 : F->obj, sp->name, v),
	             now) | BX_VIEW_REDRAW;
}

static int
form_cycle(struct form *F, const struct bx_attr_spec *sp, const struct bx_value *cur, int dir,
           int64_t now)
{
	struct bx_value v;
	int i, idx = -1, n = sp->noptions;

	memset(&v, 0, sizeof v);
	if (sp->type == BX_ATTR_BOOL) {
		v.type = BX_VAL_BOOL;
		v.b = !(cur != NULL && cur->type == BX_VAL_BOOL ? cur->b
		        : sp->def.type == BX_VAL_BOOL ? sp->def.b : 0);
		return form_set(F, sp, &v, now);
	}
	if (sp->type == BX_ATTR_MULTI) {
		F->opt = n > 0 ? ((F->opt + dir) % n + n) % n : 0;
		return BX_VIEW_REDRAW;
	}
	if (sp->type != BX_ATTR_CHOICE || n == 0)
		return BX_VIEW_HANDLED;
	if (cur != NULL && cur->type == BX_VAL_STR)
		for (i = 0; i < n; i++)
			if (strcmp(sp->options[i], cur->str) == 0)
				idx = i;
	/* -1 is "unset" in the cycle. */
	idx = ((idx + 1 + dir) % (n + 1) + (n + 1)) % (n + 1) - 1;
	if (idx < 0) {
		v.type = BX_VAL_NONE;
	} else {
		v.type = BX_VAL_STR;
		v.str = sp->options[idx];
	}
	return form_set(F, sp, &v, now);
}

static int
form_toggle_multi(struct form *F, const struct bx_attr_spec *sp, const struct bx_value *cur,
                  int64_t now)
{
	struct bx_value v;
	const char *opt;
	char **list;
	int i, n = 0, on = 0, r;

	if (sp->noptions == 0)
		return BX_VIEW_HANDLED;
	opt = sp->options[F->opt];
	list = bx_calloc((size_t)(cur && cur->type == BX_VAL_LIST ? cur->nlist : 0) + 1, sizeof *list);
	if (cur != NULL && cur->type == BX_VAL_LIST) {
		for (i = 0; i < cur->nlist; i++) {
			if (strcmp(cur->list[i], opt) == 0)
				on = 1;
			else
				list[n++] = bx_strdup(cur->list[i]);
		}
	}
	if (!on)
		list[n++] = bx_strdup(opt);
	/* Keep the set sorted, as annot.h wants. */
	for (i = 1; i < n; i++) {
		int j = i;
		while (j > 0 && strcmp(list[j - 1], list[j]) > 0) {
			char *t = list[j];
			list[j] = list[j - 1];
			list[j - 1] = t;
			j--;
		}
	}
	memset(&v, 0, sizeof v);
	v.type = BX_VAL_LIST;
	v.list = list;
	v.nlist = n;
	/* Copies: setting the value frees the old one these came from. */
	r = form_set(F, sp, &v, now);
	for (i = 0; i < n; i++)
		free(list[i]);
	free(list);
	return r;
}

/* The text or number typed in the prompt for the field under the cursor:
 * set it, or complain and keep the prompt open. */
static int
form_typed(struct label *L, void *ctx, const char *text, int64_t now)
{
	struct form *F = ctx;
	const struct bx_attr_spec *specs, *sp;
	struct bx_value v;
	char *end;
	int n, r;

	specs = form_specs(F, &n);
	if (n == 0 || F->row >= n)
		return BX_VIEW_HANDLED | BX_VIEW_CLOSE;
	sp = &specs[F->row];
	memset(&v, 0, sizeof v);
	if (text[0] == '\0') {
		v.type = BX_VAL_NONE;
	} else if (sp->type == BX_ATTR_NUMBER) {
		v.type = BX_VAL_NUM;
		v.num = strtod(text, &end);
		if (end == text || *end != '\0' || !isfinite(v.num)) {
			label_msg(L, 1, "%s: \"%s\" is not a number", sp->name, text);
			return BX_VIEW_HANDLED;
		}
	} else {
		v.type = BX_VAL_STR;
		v.str = (char *)text;
	}
	r = form_set(F, sp, &v, now);
	if (L->msg_err && L->msg[0])
		return r; /* out of range: let them fix it */
	return r | BX_VIEW_CLOSE;
}

static int
form_act(struct bx_view *v, const struct bx_key *k, int64_t now)
{
	struct form *F = v->data;
	struct label *L = F->L;
	int n, action;
	const struct bx_attr_spec *specs = form_specs(F, &n), *sp;
	const struct bx_value *cur;
	struct bx_value none = { .type = BX_VAL_NONE };
	char buf[128];

	label_touch(L, now);
	L->msg[0] = '\0';
	action = bx_keymap_action(&bx_keymap_form, k->key);
	if (L->mode != M_NORMAL || action == BX_FA_CANCEL || n == 0 ||
	    (!F->global && F->obj >= L->ed.ans.n))
		return BX_VIEW_HANDLED | BX_VIEW_REDRAW | BX_VIEW_CLOSE;
	if (F->row >= n)
		F->row = n - 1;
	sp = &specs[F->row];
	cur = bx_attrs_get(form_attrs(F), sp->name);
	switch (action) {
	case BX_FA_UP:
		F->row = (F->row + n - 1) % n;
		F->opt = 0;
		return BX_VIEW_REDRAW;
	case BX_FA_DOWN:
		F->row = (F->row + 1) % n;
		F->opt = 0;
		return BX_VIEW_REDRAW;
	case BX_FA_LEFT:
		return form_cycle(F, sp, cur, -1, now);
	case BX_FA_RIGHT:
		return form_cycle(F, sp, cur, 1, now);
	case BX_FA_TOGGLE:
	case BX_FA_OK:
		if (sp->type == BX_ATTR_MULTI && action == BX_FA_TOGGLE)
			return form_toggle_multi(F, sp, cur, now);
		if (sp->type == BX_ATTR_BOOL || sp->type == BX_ATTR_CHOICE)
			return action == BX_FA_OK ? BX_VIEW_REDRAW | BX_VIEW_CLOSE
			                          : form_cycle(F, sp, cur, 1, now);
		if (sp->type == BX_ATTR_TEXT || sp->type == BX_ATTR_NUMBER) {
			if (cur != NULL)
				label_value_text(cur, buf, sizeof buf);
			v->push = label_prompt_new(L, "value (Enter sets, Esc cancels): ",
			                           cur != NULL ? buf : NULL, form_typed, F);
			return BX_VIEW_HANDLED | BX_VIEW_REDRAW | BX_VIEW_PUSH;
		}
		return BX_VIEW_REDRAW | BX_VIEW_CLOSE;
	case BX_FA_CLEAR:
		return form_set(F, sp, &none, now);
	default:
		return BX_VIEW_HANDLED;
	}
}

static int
form_key(struct bx_view *v, const struct bx_key *k, int64_t now)
{
	struct form *F = v->data;
	int r = form_act(v, k, now);

	/* A save that found the lease lost: the screen says so, not the form. */
	return F->L->mode != M_NORMAL ? r | BX_VIEW_UNCOVER | BX_VIEW_REDRAW : r;
}

/* Over the right pane, below the image's name. */
static void
form_draw(struct bx_view *v, struct bx_grid *g, int64_t now)
{
	struct form *F = v->data;
	struct label *L = F->L;
	const struct bx_attr_spec *specs, *sp;
	char line[512], **lines;
	int ns, nl, i, y = 1, ymax = L->rows - 2;

	(void)now;
	if (L->mode != M_NORMAL || L->cols < MIN_COLS || L->rows < MIN_ROWS)
		return;
	bx_grid_fill(g, L->rx, 1, L->rw, ymax - 1, ' ', BX_COLOR_DEFAULT, BX_COLOR_DEFAULT, 0);
	specs = form_specs(F, &ns);
	if (F->global)
		snprintf(line, sizeof line, "Global attributes (Esc closes)");
	else if (F->obj >= 0 && F->obj < L->ed.ans.n)
		snprintf(line, sizeof line, "Attributes of #%d %s (Esc closes)", F->obj + 1,
		         L->ed.ans.a[F->obj].cls ? L->ed.ans.a[F->obj].cls : "?");
	else
		return;
	label_pane_heading(L, g, y++, line);
	if (ns == 0)
		bx_grid_put_text(g, L->rx, y++, " (no attributes)", BX_COLOR_DEFAULT, BX_COLOR_DEFAULT, 0,
		                 L->rw);
	y = label_draw_attr_rows(L, g, y, ymax, specs, ns, form_attrs(F), F->row, F->opt);
	y++;
	if (ns > 0 && y < ymax && F->row < ns) {
		sp = &specs[F->row];
		const char *how = sp->type == BX_ATTR_CHOICE ? "Left/Right choose" :
		                  sp->type == BX_ATTR_MULTI ? "Left/Right move, Space toggles" :
		                  sp->type == BX_ATTR_BOOL ? "Space toggles" : "Enter edits";
		snprintf(line, sizeof line, "%s (%s)%s%s", how, bx_attr_type_name(sp->type),
		         sp->description ? ": " : "", sp->description ? sp->description : "");
		nl = label_wrap(line, L->rw, &lines);
		for (i = 0; i < nl && y < ymax; i++)
			bx_grid_put_text(g, L->rx, y++, lines[i], BX_COLOR_DEFAULT, BX_COLOR_DEFAULT, 0,
			                 L->rw);
		label_free_lines(lines, nl);
	}
}

static void
form_free(struct bx_view *v)
{
	free(v->data);
	v->data = NULL;
}

static const struct bx_view_ops form_ops = {
	.name = "form",
	.free = form_free,
	.resize = NULL,
	.key = form_key,
	.tick = NULL,
	.draw = form_draw,
};

struct bx_view *
label_form_new(struct label *L, int global, int obj)
{
	struct form *F = bx_calloc(1, sizeof *F);

	F->L = L;
	F->global = global;
	F->obj = obj;
	return bx_view_new(&form_ops, F);
}
