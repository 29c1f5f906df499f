/* label-form.c: the labeling screen's attribute editor (a, g) and its
 * one-line prompt (text and number values, the skip reason, a reviewer's
 * reject comment). Keys come from bx_keymap_form; values are checked
 * against the taxonomy before they reach the answer. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "boxel/keymap.h"
#include "view-label-int.h"

/* ---- attribute form ---- */

static int
form_set(struct label *L, const struct bx_attr_spec *sp, const struct bx_value *v, int64_t now)
{
	struct bx_err err;

	if (v->type != BX_VAL_NONE && bx_taxonomy_check_value(sp, v, &err) != 0) {
		label_msg(L, 1, "%s: %s", sp->name, err.msg);
		return BX_VIEW_REDRAW;
	}
	return label_apply(L, bx_edit_set_attr(&L->ed, L->form.global ? -1 : L->form.obj, sp->name, v),
	             now) | BX_VIEW_REDRAW;
}

static int
form_cycle(struct label *L, const struct bx_attr_spec *sp, const struct bx_value *cur, int dir,
           int64_t now)
{
	struct bx_value v;
	int i, idx = -1, n = sp->noptions;

	memset(&v, 0, sizeof v);
	if (sp->type == BX_ATTR_BOOL) {
		v.type = BX_VAL_BOOL;
		v.b = !(cur != NULL && cur->type == BX_VAL_BOOL ? cur->b
		        : sp->def.type == BX_VAL_BOOL ? sp->def.b : 0);
		return form_set(L, sp, &v, now);
	}
	if (sp->type == BX_ATTR_MULTI) {
		L->form.opt = n > 0 ? ((L->form.opt + dir) % n + n) % n : 0;
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
	return form_set(L, sp, &v, now);
}

static int
form_toggle_multi(struct label *L, const struct bx_attr_spec *sp, const struct bx_value *cur,
                  int64_t now)
{
	struct bx_value v;
	const char *opt;
	char **list;
	int i, n = 0, on = 0, r;

	if (sp->noptions == 0)
		return BX_VIEW_HANDLED;
	opt = sp->options[L->form.opt];
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
	r = form_set(L, sp, &v, now);
	for (i = 0; i < n; i++)
		free(list[i]);
	free(list);
	return r;
}

int
label_key_form(struct label *L, const struct bx_key *k, int64_t now)
{
	int n, action;
	const struct bx_attr_spec *specs = label_form_specs(L, &n), *sp;
	const struct bx_value *cur;
	struct bx_value none = { .type = BX_VAL_NONE };
	char buf[128];

	L->msg[0] = '\0';
	action = bx_keymap_action(&bx_keymap_form, k->key);
	if (action == BX_FA_CANCEL || n == 0 || (!L->form.global && L->form.obj >= L->ed.ans.n)) {
		L->mode = M_NORMAL;
		return BX_VIEW_HANDLED | BX_VIEW_REDRAW;
	}
	if (L->form.row >= n)
		L->form.row = n - 1;
	sp = &specs[L->form.row];
	cur = bx_attrs_get(label_form_attrs(L), sp->name);
	switch (action) {
	case BX_FA_UP:
		L->form.row = (L->form.row + n - 1) % n;
		L->form.opt = 0;
		return BX_VIEW_REDRAW;
	case BX_FA_DOWN:
		L->form.row = (L->form.row + 1) % n;
		L->form.opt = 0;
		return BX_VIEW_REDRAW;
	case BX_FA_LEFT:
		return form_cycle(L, sp, cur, -1, now);
	case BX_FA_RIGHT:
		return form_cycle(L, sp, cur, 1, now);
	case BX_FA_TOGGLE:
	case BX_FA_OK:
		if (sp->type == BX_ATTR_MULTI && action == BX_FA_TOGGLE)
			return form_toggle_multi(L, sp, cur, now);
		if (sp->type == BX_ATTR_BOOL || sp->type == BX_ATTR_CHOICE)
			return action == BX_FA_OK ? (L->mode = M_NORMAL, BX_VIEW_REDRAW)
			                          : form_cycle(L, sp, cur, 1, now);
		if (sp->type == BX_ATTR_TEXT || sp->type == BX_ATTR_NUMBER) {
			L->mode = M_PROMPT;
			L->prompt = P_ATTR;
			bx_buf_reset(&L->line);
			if (cur != NULL) {
				label_value_text(cur, buf, sizeof buf);
				bx_buf_puts(&L->line, buf);
			}
			return BX_VIEW_REDRAW;
		}
		L->mode = M_NORMAL;
		return BX_VIEW_REDRAW;
	case BX_FA_CLEAR:
		return form_set(L, sp, &none, now);
	default:
		return BX_VIEW_HANDLED;
	}
}

/* ---- one-line prompt ---- */

static int
prompt_done(struct label *L, int64_t now)
{
	struct bx_err err;
	const char *text = L->line.p ? L->line.p : "";
	int n, r;

	if (L->prompt == P_SKIP) {
		const char *what = L->s->review ? "reject" : "skip";
		if (text[0] == '\0') {
			label_msg(L, 1, L->s->review ? "a reject needs a comment (e.g. \"box misses the "
			        "handle\")" : "a skip needs a reason (e.g. \"image unclear\")");
			return BX_VIEW_REDRAW;
		}
		if (bx_session_skip(L->s, text, now, &err) != 0) {
			L->mode = L->s->lost ? M_LOST : M_NORMAL;
			label_msg(L, 1, "%s failed: %s", what, err.msg);
			return BX_VIEW_REDRAW;
		}
		L->mode = M_NORMAL;
		r = label_next_task(L, now);
		if (L->s->review && L->s->have_task)
			label_msg(L, 0, "rejected (%s); next: %s", text, L->s->review_info);
		else
			label_msg(L, 0, "%s (%s)", L->s->review ? "rejected" : "skipped", text);
		return r | BX_VIEW_REDRAW;
	}
	if (L->prompt == P_GOTO) {
		double x, y;
		char *end;
		/* "x y" or "x,y", image pixels, C locale like every number. */
		x = bx_strtod_c(text, &end);
		while (*end == ' ' || *end == ',')
			end++;
		y = bx_strtod_c(end, &end);
		if (*end != '\0' || !isfinite(x) || !isfinite(y) || x < 0 || y < 0 ||
		    x > L->ed.img_w || y > L->ed.img_h) {
			label_msg(L, 1, "go to: \"%s\" is not x,y inside the image (0..%d, 0..%d)", text,
			          L->ed.img_w, L->ed.img_h);
			return BX_VIEW_REDRAW;
		}
		L->mode = M_NORMAL;
		return label_apply(L, bx_edit_cursor_to(&L->ed, x, y) | BX_EDIT_VIEW, now) | BX_VIEW_REDRAW;
	}
	/* P_ATTR: text or number for the form's field. */
	{
		const struct bx_attr_spec *specs = label_form_specs(L, &n), *sp;
		struct bx_value v;
		char *end;

		L->mode = M_FORM;
		if (n == 0 || L->form.row >= n)
			return BX_VIEW_REDRAW;
		sp = &specs[L->form.row];
		memset(&v, 0, sizeof v);
		if (text[0] == '\0') {
			v.type = BX_VAL_NONE;
		} else if (sp->type == BX_ATTR_NUMBER) {
			v.type = BX_VAL_NUM;
			v.num = strtod(text, &end);
			if (end == text || *end != '\0' || !isfinite(v.num)) {
				label_msg(L, 1, "%s: \"%s\" is not a number", sp->name, text);
				L->mode = M_PROMPT;
				return BX_VIEW_REDRAW;
			}
		} else {
			v.type = BX_VAL_STR;
			v.str = (char *)text;
		}
		r = form_set(L, sp, &v, now);
		if (L->msg_err && L->msg[0])
			L->mode = M_PROMPT; /* out of range: let them fix it */
		return r;
	}
}

int
label_key_prompt(struct label *L, const struct bx_key *k, int64_t now)
{
	char u[5];
	size_t i;
	int len;

	switch (k->key) {
	case BX_KEY_ESC:
		L->mode = L->prompt == P_ATTR ? M_FORM : M_NORMAL; /* P_SKIP, P_GOTO */
		L->msg[0] = '\0';
		return BX_VIEW_REDRAW;
	case BX_KEY_ENTER:
		L->msg[0] = '\0';
		return prompt_done(L, now);
	case BX_KEY_BACKSPACE:
		/* Drop one whole UTF-8 character. */
		i = L->line.len;
		while (i > 0 && ((unsigned char)L->line.p[i - 1] & 0xc0) == 0x80)
			i--;
		if (i > 0)
			i--;
		L->line.len = i;
		if (L->line.p)
			L->line.p[i] = '\0';
		return BX_VIEW_REDRAW;
	default:
		if (k->key >= ' ' && k->key < BX_KEY_SPECIAL && k->key != 127 &&
		    !(k->key >= 0x80 && k->key < 0xa0) && L->line.len < 200) {
			len = bx_utf8_encode((uint32_t)k->key, u);
			bx_buf_append(&L->line, u, (size_t)len);
			return BX_VIEW_REDRAW;
		}
		return BX_VIEW_HANDLED;
	}
}

