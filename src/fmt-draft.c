/* fmt-draft.c: the labeling view's draft state and undo journal entries as
 * JSON (see draft.h). The answer inside is codec.h's format; the rest is
 * the view's own. Image pixels throughout. */
#include <jansson.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "boxel/codec.h"
#include "boxel/draft.h"
#include "boxel/geom.h"
#include "boxel/util.h"

static json_t *
answer_json(const struct bx_answer *ans)
{
	char *text = bx_answer_to_json(ans);
	json_t *j = json_loads(text, 0, NULL);

	free(text);
	return j != NULL ? j : json_object();
}

static char *
dump(json_t *root)
{
	char *s = json_dumps(root, JSON_COMPACT | JSON_SORT_KEYS | JSON_REAL_PRECISION(17));
	char *r;

	json_decref(root);
	if (s == NULL)
		abort(); /* only on out of memory */
	r = bx_strdup(s);
	free(s);
	return r;
}

char *
bx_draft_state_to_json(const struct bx_edit *ed, const struct bx_draft_view *v)
{
	json_t *root = json_object(), *pend = json_array();
	int i;

	json_object_set_new(root, "version", json_integer(1));
	json_object_set_new(root, "answer", answer_json(&ed->ans));
	json_object_set_new(root, "zoom", json_real(v->zoom));
	json_object_set_new(root, "vx", json_real(v->vx));
	json_object_set_new(root, "vy", json_real(v->vy));
	json_object_set_new(root, "seconds", json_real(v->seconds));
	json_object_set_new(root, "cx", json_real(ed->cx));
	json_object_set_new(root, "cy", json_real(ed->cy));
	json_object_set_new(root, "sel", json_integer(ed->sel));
	json_object_set_new(root, "grab", json_integer(ed->grab));
	json_object_set_new(root, "handle", json_integer(ed->handle));
	json_object_set_new(root, "tool", json_string(bx_tool_name(ed->tool)));
	if (ed->cls != NULL)
		json_object_set_new(root, "class", json_string(ed->cls));
	json_object_set_new(root, "pos", json_integer(ed->pos));
	/* The journal may hold entries past the history (a dropped redo tail
	 * is only overwritten by the next step): restore this many. */
	json_object_set_new(root, "nsteps", json_integer(ed->nsteps));
	/* A skeleton's places keep their visibility as a third number. */
	for (i = 0; i < ed->npend; i++)
		json_array_append_new(pend, ed->pendv != NULL && ed->pendv[i] != 2 ?
		    json_pack("[ffi]", ed->pend[i].x, ed->pend[i].y, (int)ed->pendv[i]) :
		    json_pack("[ff]", ed->pend[i].x, ed->pend[i].y));
	json_object_set_new(root, "pending", pend);
	return dump(root);
}

char *
bx_draft_entry_to_json(const struct bx_edit_step *s)
{
	json_t *root = json_object();

	json_object_set_new(root, "what", json_string(s->what));
	json_object_set_new(root, "sel", json_integer(s->sel));
	json_object_set_new(root, "before", answer_json(&s->before));
	json_object_set_new(root, "after", answer_json(&s->after));
	return dump(root);
}

static int
answer_from(json_t *j, struct bx_answer *out, struct bx_err *err)
{
	char *text;
	int r;

	bx_answer_init(out);
	if (!json_is_object(j))
		return bx_err_set(err, BX_EINVAL, "answer: not an object");
	text = json_dumps(j, JSON_COMPACT);
	if (text == NULL)
		abort();
	r = bx_answer_from_json(text, out, err);
	free(text);
	return r;
}

static double
num(json_t *o, const char *key, double def)
{
	json_t *j = json_object_get(o, key);
	double d;

	if (!json_is_number(j))
		return def;
	d = json_number_value(j);
	return isfinite(d) ? d : def;
}

static int
restore_step(struct bx_edit *ed, const char *text, int seq, struct bx_err *err)
{
	json_t *root;
	json_error_t je;
	struct bx_answer before, after;
	const char *what;
	int r;

	root = json_loads(text, 0, &je);
	if (!json_is_object(root)) {
		json_decref(root);
		return bx_err_set(err, BX_EINVAL, "journal entry %d: not a JSON object", seq);
	}
	r = answer_from(json_object_get(root, "before"), &before, err);
	if (r == 0) {
		r = answer_from(json_object_get(root, "after"), &after, err);
		if (r != 0)
			bx_answer_free(&before);
	}
	if (r != 0) {
		json_decref(root);
		bx_err_prefix(err, "journal entry %d", seq);
		return r;
	}
	what = json_string_value(json_object_get(root, "what"));
	bx_edit_push_step(ed, what ? what : "edit", &before, &after,
	                  (int)num(root, "sel", -1));
	bx_answer_free(&before);
	bx_answer_free(&after);
	json_decref(root);
	return 0;
}

int
bx_draft_restore(struct bx_edit *ed, struct bx_draft_view *v, const char *state,
                 char *const *entries, int n, struct bx_err *err)
{
	json_t *root, *pend, *p;
	json_error_t je;
	struct bx_answer ans;
	const char *tool, *cls;
	int r, i, w = ed->img_w, h = ed->img_h;
	size_t k;

	root = json_loads(state, 0, &je);
	if (!json_is_object(root)) {
		json_decref(root);
		return bx_err_set(err, BX_EINVAL, "draft state: %s", root ? "not an object" : je.text);
	}
	r = answer_from(json_object_get(root, "answer"), &ans, err);
	if (r != 0) {
		json_decref(root);
		bx_err_prefix(err, "draft state");
		return r;
	}
	bx_edit_set_answer(ed, &ans);
	bx_answer_free(&ans);
	if (json_is_integer(json_object_get(root, "nsteps")) &&
	    num(root, "nsteps", n) >= 0 && num(root, "nsteps", n) < n)
		n = (int)num(root, "nsteps", n);
	for (i = 0; i < n; i++) {
		r = restore_step(ed, entries[i], i + 1, err);
		if (r != 0) {
			json_decref(root);
			bx_edit_free(ed);
			bx_edit_init(ed, w, h);
			return r;
		}
	}
	ed->pos = (int)num(root, "pos", n);
	if (ed->pos < 0 || ed->pos > ed->nsteps)
		ed->pos = ed->nsteps;
	v->zoom = num(root, "zoom", 1);
	v->vx = num(root, "vx", w / 2.0);
	v->vy = num(root, "vy", h / 2.0);
	v->seconds = num(root, "seconds", 0);
	bx_edit_cursor_to(ed, num(root, "cx", ed->cx), num(root, "cy", ed->cy));
	ed->sel = (int)num(root, "sel", -1);
	if (ed->sel < -1 || ed->sel >= ed->ans.n)
		ed->sel = -1;
	ed->grab = ed->sel >= 0 && num(root, "grab", 0) != 0;
	ed->handle = (int)num(root, "handle", -1);
	if (ed->handle < -1 || ed->handle >= bx_edit_handle_count(ed))
		ed->handle = -1;
	tool = json_string_value(json_object_get(root, "tool"));
	ed->tool = bx_tool_from_name(tool) >= 0 ? bx_tool_from_name(tool) : 0;
	cls = json_string_value(json_object_get(root, "class"));
	if (cls != NULL) {
		free(ed->cls);
		ed->cls = bx_strdup(cls);
	}
	pend = json_object_get(root, "pending");
	ed->npend = 0;
	json_array_foreach(pend, k, p) {
		double x = json_number_value(json_array_get(p, 0));
		double y = json_number_value(json_array_get(p, 1));
		if (!isfinite(x) || !isfinite(y) || x < 0 || y < 0 || x > w || y > h)
			continue;
		double v = json_is_integer(json_array_get(p, 2)) ?
		    (double)json_integer_value(json_array_get(p, 2)) : 2;
		if (v != 0 && v != 1)
			v = 2;
		if (ed->npend == ed->cappend) {
			ed->cappend = ed->cappend ? ed->cappend * 2 : 8;
			ed->pend = bx_realloc(ed->pend, sizeof *ed->pend * (size_t)ed->cappend);
			ed->pendv = bx_realloc(ed->pendv, (size_t)ed->cappend);
		}
		ed->pend[ed->npend].x = x;
		ed->pend[ed->npend].y = y;
		ed->pendv[ed->npend] = (unsigned char)v;
		ed->npend++;
	}
	/* The places of a shape not yet made: one corner, or one fewer
	 * than the tool's count. */
	if (bx_tool_at(ed->tool)->place == BX_PLACE_CORNERS && ed->npend > 1)
		ed->npend = 1;
	if (bx_tool_at(ed->tool)->place == BX_PLACE_COUNT && bx_tool_at(ed->tool)->npts > 0 &&
	    ed->npend > bx_tool_at(ed->tool)->npts - 1)
		ed->npend = bx_tool_at(ed->tool)->npts - 1;
	json_decref(root);
	return 0;
}
