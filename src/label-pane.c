/* label-pane.c: the labeling screen's right pane: the class window, the
 * object list, the selected object's and the global attributes, and the
 * instructions rendered from Markdown (headings, bold, lists); also the
 * rows the overlays draw over it (headings, attribute rows, training
 * feedback). Cells; the grid's sanitizing writer draws every string from
 * data. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "boxel/geom.h"
#include "boxel/keymap.h"
#include "boxel/quality.h"
#include "view-label-int.h"

/* Width in columns of UTF-8 text (sanitized the way the grid writes it). */
static int
text_cols(const char *s, size_t n)
{
	size_t i = 0;
	int cols = 0, len;
	uint32_t cp;

	while (i < n) {
		len = bx_utf8_decode(s + i, n - i, &cp);
		if (len <= 0) {
			cols++;
			i++;
			continue;
		}
		cols += cp < 0x20 ? 1 : bx_wcwidth(cp);
		i += (size_t)len;
	}
	return cols;
}

/* Greedy word wrap of text into lines of at most width columns. Returns
 * the number of lines; *out holds malloc'd strings (free each and it). */
int
label_wrap(const char *text, int width, char ***out)
{
	char **lines = NULL;
	int n = 0, cap = 0;
	const char *p = text, *eol, *q, *brk, *end;

	if (width < 8)
		width = 8;
	while (*p != '\0' || n == 0) {
		eol = strchr(p, '\n');
		end = eol ? eol : p + strlen(p);
		do {
			/* Take as many whole words as fit. */
			q = p;
			brk = NULL;
			while (q < end && text_cols(p, (size_t)(q - p + 1)) <= width) {
				if (*q == ' ')
					brk = q;
				q++;
			}
			if (q < end && brk != NULL && brk > p)
				q = brk;
			while (q < end && q > p && ((unsigned char)*q & 0xc0) == 0x80)
				q--; /* never split a UTF-8 character */
			if (q == p && p < end)
				q = p + 1;
			if (n == cap) {
				cap = cap ? cap * 2 : 32;
				lines = bx_realloc(lines, sizeof *lines * (size_t)cap);
			}
			lines[n++] = bx_strndup(p, (size_t)(q - p));
			p = q;
			while (p < end && *p == ' ')
				p++;
		} while (p < end);
		if (eol == NULL)
			break;
		p = eol + 1;
		if (*p == '\0')
			break;
	}
	*out = lines;
	return n;
}

/* Markdown-ish instructions come hard-wrapped; join a paragraph's lines so
 * they wrap to the pane. A line starts a new block when it is blank or
 * opens a heading, list item or quote. Caller frees. */
static int
starts_block(const char *p)
{
	while (*p == ' ')
		p++;
	if (*p == '#' || *p == '>' || *p == '\n' || *p == '\0')
		return 1;
	if ((*p == '-' || *p == '*' || *p == '+') && p[1] == ' ')
		return 1;
	while (*p >= '0' && *p <= '9')
		p++;
	return *p == '.' && p[-1] >= '0' && p[-1] <= '9';
}

static char *
reflow(const char *text)
{
	struct bx_buf b;
	const char *p = text, *eol;
	int prev_text = 0, prev_heading = 0;

	bx_buf_init(&b);
	bx_buf_puts(&b, "");
	while (*p != '\0') {
		eol = strchr(p, '\n');
		if (eol == NULL)
			eol = p + strlen(p);
		if (eol == p) {
			bx_buf_puts(&b, prev_text ? "\n\n" : "\n");
			prev_text = 0;
		} else if (prev_text && !prev_heading && !starts_block(p)) {
			while (*p == ' ')
				p++;
			bx_buf_putc(&b, ' ');
			bx_buf_append(&b, p, (size_t)(eol - p));
		} else {
			if (prev_text)
				bx_buf_putc(&b, '\n');
			bx_buf_append(&b, p, (size_t)(eol - p));
			prev_text = 1;
			prev_heading = *p == '#';
		}
		p = *eol ? eol + 1 : eol;
	}
	return b.p;
}

void
label_free_lines(char **lines, int n)
{
	int i;

	for (i = 0; i < n; i++)
		free(lines[i]);
	free(lines);
}

void
label_pane_heading(struct label *L, struct bx_grid *g, int y, const char *text)
{
	bx_grid_fill(g, L->rx, y, L->rw, 1, ' ', BX_COLOR_DEFAULT, label_ui(L, BX_RGB(0x30, 0x30, 0x48)),
	             L->no_color ? BX_CELL_UNDERLINE : 0);
	bx_grid_put_text(g, L->rx, y, text, label_ui(L, BX_RGB(0xff, 0xff, 0xff)),
	                 label_ui(L, BX_RGB(0x30, 0x30, 0x48)),
	                 BX_CELL_BOLD | (L->no_color ? BX_CELL_UNDERLINE : 0), L->rw);
}

void
label_value_text(const struct bx_value *v, char *buf, size_t n)
{
	struct bx_buf b;
	int i;

	switch (v ? v->type : BX_VAL_NONE) {
	case BX_VAL_STR:
		snprintf(buf, n, "%s", v->str);
		return;
	case BX_VAL_NUM:
		snprintf(buf, n, "%g", v->num);
		return;
	case BX_VAL_BOOL:
		snprintf(buf, n, "%s", v->b ? "yes" : "no");
		return;
	case BX_VAL_LIST:
		bx_buf_init(&b);
		for (i = 0; i < v->nlist; i++) {
			if (i)
				bx_buf_putc(&b, ',');
			bx_buf_puts(&b, v->list[i]);
		}
		snprintf(buf, n, "%s", b.p ? b.p : "");
		bx_buf_free(&b);
		return;
	default:
		snprintf(buf, n, "-");
	}
}

/* "car bp": the class and the letters of the kinds it allows. */
static void
class_line(const struct bx_class *c, char *buf, size_t n)
{
	const struct bx_geom_kind *k;
	size_t len;
	int i;

	snprintf(buf, n, "%s ", c->name);
	len = strlen(buf);
	for (i = 0; (k = bx_geom_at(i)) != NULL && len + 1 < n; i++)
		if (c->geoms & (int)k->id)
			buf[len++] = k->letter;
	buf[len] = '\0';
}

static void
geom_text(const struct bx_annot *an, char *buf, size_t n)
{
	const struct bx_geom_kind *k = bx_geom_kind(an->geom);

	if (k != NULL)
		k->describe(an, buf, n);
	else
		snprintf(buf, n, "image class");
}

static void
attrs_summary(const struct bx_attrs *as, char *buf, size_t n)
{
	size_t len = 0;
	char v[64];
	int i;

	buf[0] = '\0';
	for (i = 0; i < as->n && len + 2 < n; i++) {
		label_value_text(&as->a[i].v, v, sizeof v);
		len += (size_t)snprintf(buf + len, n - len, "%s%s=%s", i ? " " : "", as->a[i].key, v);
	}
}

/* One line per attribute spec: "* name: value". y advances. */
int
label_draw_attr_rows(struct label *L, struct bx_grid *g, int y, int ymax,
                     const struct bx_attr_spec *specs, int n, const struct bx_attrs *as, int cursor,
                     int opt)
{
	char v[160], line[400];
	const struct bx_value *val;
	int i, j;
	uint16_t attr;

	for (i = 0; i < n && y < ymax; i++, y++) {
		val = bx_attrs_get(as, specs[i].name);
		if (val == NULL && specs[i].def.type != BX_VAL_NONE) {
			label_value_text(&specs[i].def, v, sizeof v);
			strncat(v, " (default)", sizeof v - strlen(v) - 1);
		} else {
			label_value_text(val, v, sizeof v);
		}
		snprintf(line, sizeof line, "%s%s %s: %s", i == cursor ? ">" : " ",
		         specs[i].required ? "*" : " ", specs[i].name, v);
		if (i == cursor && specs[i].type == BX_ATTR_MULTI) {
			/* Show the options with the option cursor. */
			size_t len = (size_t)snprintf(line, sizeof line, ">%s %s:", specs[i].required ? "*" : " ",
			                              specs[i].name);
			for (j = 0; j < specs[i].noptions && len + 4 < sizeof line; j++) {
				int on = 0, k;
				if (val != NULL && val->type == BX_VAL_LIST)
					for (k = 0; k < val->nlist; k++)
						if (strcmp(val->list[k], specs[i].options[j]) == 0)
							on = 1;
				len += (size_t)snprintf(line + len, sizeof line - len, " %s%s%s%s",
				                        j == opt ? "<" : "", on ? "+" : "-",
				                        specs[i].options[j], j == opt ? ">" : "");
			}
		}
		attr = i == cursor ? BX_CELL_REVERSE : 0;
		bx_grid_put_text(g, L->rx, y, line, BX_COLOR_DEFAULT, BX_COLOR_DEFAULT, attr, L->rw);
	}
	return y;
}

static const char *
verdict_text(const struct bx_annot *mine, const struct bx_annot *gold, enum bx_verdict v)
{
	switch (v) {
	case BX_V_TP: return "matched";
	case BX_V_MISMATCH:
		if (mine && gold && (mine->cls == NULL) != (gold->cls == NULL))
			return "wrong class";
		if (mine && gold && mine->cls && strcmp(mine->cls, gold->cls) != 0)
			return "wrong class";
		return "wrong attributes";
	case BX_V_FP: return "extra";
	case BX_V_FN: return "missed";
	}
	return "?";
}

/* Training feedback: the score, then one line per object (the labeler's
 * in their order, then the gold they missed). */
void
label_draw_feedback_pane(struct label *L, struct bx_grid *g, int y, int ymax)
{
	const struct bx_training_feedback *f = &L->fb;
	char line[512], geo[96], ratio[32];
	const struct bx_annot *an, *gd;
	double v;
	int i, m;

	label_pane_heading(L, g, y++, "Training feedback (any key: next task)");
	snprintf(line, sizeof line, "score: TP %ld  M %ld  FP %ld  FN %ld", f->score.tp,
	         f->score.mismatch, f->score.fp, f->score.fn);
	bx_grid_put_text(g, L->rx, y++, line, BX_COLOR_DEFAULT, BX_COLOR_DEFAULT, BX_CELL_BOLD, L->rw);
	if (bx_score_accuracy(&f->score, &v))
		snprintf(ratio, sizeof ratio, "%.2f", v);
	else
		snprintf(ratio, sizeof ratio, "-");
	snprintf(line, sizeof line, "accuracy %s", ratio);
	bx_grid_put_text(g, L->rx, y++, line, BX_COLOR_DEFAULT, BX_COLOR_DEFAULT, BX_CELL_BOLD, L->rw);
	bx_grid_put_text(g, L->rx, y++, "gold: dashed white; yours: class colors", BX_COLOR_DEFAULT,
	                 BX_COLOR_DEFAULT, 0, L->rw);
	snprintf(line, sizeof line, "Your objects (%d), gold (%d)", f->answer.n, f->gold.n);
	label_pane_heading(L, g, y++, line);
	for (i = 0; i < f->answer.n && y < ymax; i++, y++) {
		an = &f->answer.a[i];
		m = f->lab_match[i];
		gd = m >= 0 && m < f->gold.n ? &f->gold.a[m] : NULL;
		geom_text(an, geo, sizeof geo);
		snprintf(line, sizeof line, "%-16s #%d %s %s", verdict_text(an, gd, f->lab_verdict[i]),
		         i + 1, an->cls ? an->cls : "?", geo);
		if (gd != NULL && f->lab_verdict[i] == BX_V_MISMATCH && an->cls && gd->cls &&
		    strcmp(an->cls, gd->cls) != 0) {
			strncat(line, "  gold: ", sizeof line - strlen(line) - 1);
			strncat(line, gd->cls, sizeof line - strlen(line) - 1);
		} else if (f->lab_note != NULL && f->lab_note[i] != NULL) {
			/* the class is right: the attribute that is not */
			strncat(line, "  ", sizeof line - strlen(line) - 1);
			strncat(line, f->lab_note[i], sizeof line - strlen(line) - 1);
		}
		if (gd != NULL && an->geom != BX_GEOM_TAG) {
			snprintf(ratio, sizeof ratio, "  IoU %.2f", f->gold_sim[m]);
			if (bx_geom_kind(an->geom) != NULL &&
			    bx_geom_kind(an->geom)->family != BX_FAM_AREA)
				snprintf(ratio, sizeof ratio, "  sim %.2f", f->gold_sim[m]);
			strncat(line, ratio, sizeof line - strlen(line) - 1);
		}
		bx_grid_fill(g, L->rx, y, 1, 1, ' ', BX_COLOR_DEFAULT, label_class_color(L, an->cls), 0);
		bx_grid_put_text(g, L->rx + 1, y, line, BX_COLOR_DEFAULT, BX_COLOR_DEFAULT,
		                 f->lab_verdict[i] == BX_V_TP ? 0 : BX_CELL_BOLD, L->rw - 1);
	}
	for (i = 0; i < f->gold.n && y < ymax; i++) {
		if (f->gold_verdict[i] != BX_V_FN)
			continue;
		gd = &f->gold.a[i];
		geom_text(gd, geo, sizeof geo);
		snprintf(line, sizeof line, "%-16s gold %s %s", "missed", gd->cls ? gd->cls : "?", geo);
		bx_grid_put_text(g, L->rx + 1, y++, line, BX_COLOR_DEFAULT, BX_COLOR_DEFAULT,
		                 BX_CELL_BOLD, L->rw - 1);
	}
	if (f->answer.n == 0 && f->gold.n == 0 && y < ymax)
		bx_grid_put_text(g, L->rx, y++, " nothing to find, nothing drawn: right", BX_COLOR_DEFAULT,
		                 BX_COLOR_DEFAULT, 0, L->rw);
}

/* ---- instructions: a small Markdown subset ----
 * Headings (#) bold, list items (-, *, +, 1.) with a hanging indent and a
 * bullet, **bold** and *emphasis* (underlined) inline. Anything else is
 * text as written. */

struct md_line {
	char *text;        /* markers of headings and bullets removed */
	int indent;        /* columns before the text */
	int attrs;         /* at the line's start: BX_CELL_BOLD, BX_CELL_UNDERLINE */
};

/* Length of a list marker at p ("- ", "12. "), 0 if none. */
static int
list_marker(const char *p)
{
	const char *q = p;

	if ((*p == '-' || *p == '*' || *p == '+') && p[1] == ' ')
		return 2;
	while (*q >= '0' && *q <= '9')
		q++;
	return q > p && q - p < 4 && *q == '.' && q[1] == ' ' ? (int)(q - p) + 2 : 0;
}

/* Bold and emphasis open at the end of s, given the state at its start. */
static int
inline_state(const char *s, int attrs)
{
	for (; *s; s++) {
		if (s[0] == '*' && s[1] == '*') {
			attrs ^= BX_CELL_BOLD;
			s++;
		} else if (s[0] == '*' && s[1] != ' ' && s[1] != '\0') {
			attrs ^= BX_CELL_UNDERLINE;
		} else if (s[0] == '*' && (attrs & BX_CELL_UNDERLINE)) {
			attrs ^= BX_CELL_UNDERLINE;
		}
	}
	return attrs;
}

static int
markdown_lines(const char *flow, int width, struct md_line **out)
{
	struct md_line *ml = NULL;
	int n = 0, cap = 0, k, i, nw, indent, attrs, heading;
	const char *p = flow, *eol;
	char *para, **w;
	char bullet[16];

	while (*p) {
		eol = strchr(p, '\n');
		if (eol == NULL)
			eol = p + strlen(p);
		para = bx_strndup(p, (size_t)(eol - p));
		p = *eol ? eol + 1 : eol;
		indent = 0;
		heading = 0;
		bullet[0] = '\0';
		{
			char *q = para;
			while (*q == ' ')
				q++;
			if (*q == '#') {
				while (*q == '#')
					q++;
				while (*q == ' ')
					q++;
				heading = 1;
			} else if ((k = list_marker(q)) > 0) {
				if (q[0] >= '0' && q[0] <= '9')
					snprintf(bullet, sizeof bullet, "%.*s ", k - 1, q);
				else
					snprintf(bullet, sizeof bullet, "\xe2\x80\xa2 ");
				indent = q[0] >= '0' && q[0] <= '9' ? k : 2;
				q += k;
			}
			memmove(para, q, strlen(q) + 1);
		}
		nw = label_wrap(para[0] ? para : " ", width - indent, &w);
		attrs = heading ? BX_CELL_BOLD : 0;
		for (i = 0; i < nw; i++) {
			if (n == cap) {
				cap = cap ? 2 * cap : 32;
				ml = bx_realloc(ml, sizeof *ml * (size_t)cap);
			}
			if (i == 0 && bullet[0]) {
				size_t len = strlen(bullet) + strlen(w[i]) + 1;
				ml[n].text = bx_malloc(len);
				snprintf(ml[n].text, len, "%s%s", bullet, w[i]);
				ml[n].indent = 0;
			} else {
				ml[n].text = bx_strdup(w[i]);
				ml[n].indent = indent;
			}
			ml[n].attrs = heading ? BX_CELL_BOLD : attrs;
			if (!heading)
				attrs = inline_state(w[i], attrs);
			n++;
		}
		label_free_lines(w, nw);
		free(para);
	}
	*out = ml;
	return n;
}

/* One line, its ** and * markers turned into bold and underline. */
static void
draw_md_line(struct bx_grid *g, int x, int y, int width, const struct md_line *m)
{
	const char *s = m->text, *seg = s;
	int attrs = m->attrs, col = x + m->indent, end = x + width;

	while (col < end) {
		int toggle = 0, skip = 0;
		if (*s == '\0' || (s[0] == '*' && s[1] == '*')) {
			toggle = BX_CELL_BOLD;
			skip = 2;
		} else if (s[0] == '*' && s[1] != ' ' && s[1] != '\0' && !(attrs & BX_CELL_UNDERLINE)) {
			toggle = BX_CELL_UNDERLINE;
			skip = 1;
		} else if (s[0] == '*' && (attrs & BX_CELL_UNDERLINE)) {
			toggle = BX_CELL_UNDERLINE;
			skip = 1;
		}
		if (!toggle) {
			s++;
			continue;
		}
		if (s > seg) {
			char *t = bx_strndup(seg, (size_t)(s - seg));
			col += bx_grid_put_text(g, col, y, t, BX_COLOR_DEFAULT, BX_COLOR_DEFAULT, attrs,
			                        end - col);
			free(t);
		}
		if (*s == '\0')
			break;
		attrs ^= toggle;
		s += skip;
		seg = s;
	}
}

void
label_draw_right_pane(struct label *L, struct bx_grid *g)
{
	const struct bx_taxonomy *t = L->s->tax;
	struct bx_edit *ed = &L->ed;
	char line[512], geo[96], sum[256];
	int y = 0, ymax = L->rows - 2, i, first, nlist, n, nl;
	const struct bx_class *c;

	/* separator */
	for (i = 0; i < ymax; i++)
		bx_grid_fill(g, L->rx - 1, i, 1, 1, 0x2502, label_ui(L, BX_RGB(0x60, 0x60, 0x60)),
		             BX_COLOR_DEFAULT, 0);

	snprintf(line, sizeof line, "%s", L->s->claim.image ? L->s->claim.image : "");
	bx_grid_put_text(g, L->rx, y++, line, BX_COLOR_DEFAULT, BX_COLOR_DEFAULT, BX_CELL_BOLD, L->rw);

	/* The class list is a window around the current class, so that the
	 * objects and the selected one's attributes stay on screen with 80
	 * classes at 80x24 (/ finds the rest by name). */
	{
		int cur_i = ed->cls ? bx_taxonomy_class_index(t, ed->cls) : 0, win;
		win = (ymax - 1) / 4;
		if (win < 3)
			win = 3;
		if (win > t->nclasses)
			win = t->nclasses;
		first = cur_i - win / 2;
		if (first > t->nclasses - win)
			first = t->nclasses - win;
		if (first < 0)
			first = 0;
		snprintf(line, sizeof line, win < t->nclasses ? "Classes %d-%d of %d (/ finds)" : "Classes",
		         first + 1, first + win, t->nclasses);
		label_pane_heading(L, g, y++, line);
		for (i = first; i < first + win && y < ymax; i++, y++) {
			c = &t->classes[i];
			int cur = ed->cls && strcmp(ed->cls, c->name) == 0;
			char hk[8] = "";
			if (c->hotkey)
				snprintf(hk, sizeof hk, "%c", c->hotkey);
			bx_grid_put_text(g, L->rx, y, cur ? ">" : " ", BX_COLOR_DEFAULT, BX_COLOR_DEFAULT,
			                 BX_CELL_BOLD, 1);
			snprintf(line, sizeof line, "%2d", (i + 1) % 100);
			bx_grid_put_text(g, L->rx + 1, y, line, BX_COLOR_DEFAULT, BX_COLOR_DEFAULT, 0, 2);
			bx_grid_put_text(g, L->rx + 3, y, hk, BX_COLOR_DEFAULT, BX_COLOR_DEFAULT, 0, 1);
			bx_grid_fill(g, L->rx + 4, y, 2, 1, 0x2588, c->color, BX_COLOR_DEFAULT, 0);
			class_line(c, line, sizeof line);
			bx_grid_put_text(g, L->rx + 7, y, line, BX_COLOR_DEFAULT, BX_COLOR_DEFAULT,
			                 cur ? BX_CELL_BOLD : 0, L->rw - 7);
		}
	}

	snprintf(line, sizeof line, "Objects (%d)", ed->ans.n);
	label_pane_heading(L, g, y++, line);
	/* Leave room for the selected object's attributes and the global
	 * ones below the list; the list scrolls around the selection. */
	{
		int reserve = 2;
		if (ed->sel >= 0 && ed->sel < ed->ans.n &&
		    (c = label_class_of(L, ed->ans.a[ed->sel].cls)) != NULL)
			reserve += 1 + c->nattrs;
		if (t->nglobal > 0)
			reserve += 1 + t->nglobal;
		nlist = ymax - y - reserve;
	}
	if (nlist < 3)
		nlist = 3;
	first = 0;
	if (ed->sel >= 0 && ed->ans.n > nlist)
		first = ed->sel - nlist / 2;
	if (first > ed->ans.n - nlist)
		first = ed->ans.n - nlist;
	if (first < 0)
		first = 0;
	L->list_y = y;
	L->list_first = first;
	L->list_rows = nlist;
	for (i = first; i < ed->ans.n && i < first + nlist && y < ymax; i++, y++) {
		const struct bx_annot *an = &ed->ans.a[i];
		geom_text(an, geo, sizeof geo);
		attrs_summary(&an->attrs, sum, sizeof sum);
		snprintf(line, sizeof line, "%s%2d %-8s %s%s %s", i == ed->sel ? ">" : " ", i + 1,
		         an->cls ? an->cls : "?", geo,
		         (an->flags & BX_ANNOT_SUGGESTION) ? " [suggested]" : "", sum);
		if (an->flags & BX_ANNOT_SUGGESTION) {
			char sc[32];
			snprintf(sc, sizeof sc, " %.2f", an->score);
			strncat(line, sc, sizeof line - strlen(line) - 1);
		}
		bx_grid_fill(g, L->rx, y, 1, 1, ' ', BX_COLOR_DEFAULT, label_class_color(L, an->cls), 0);
		bx_grid_put_text(g, L->rx + 1, y, line, BX_COLOR_DEFAULT, BX_COLOR_DEFAULT,
		                 i == ed->sel ? BX_CELL_REVERSE : 0, L->rw - 1);
	}
	if (ed->ans.n == 0 && y < ymax)
		bx_grid_put_text(g, L->rx, y++, " none yet: pick a class, b/p/o, Space to place",
		                 BX_COLOR_DEFAULT, BX_COLOR_DEFAULT, 0, L->rw);

	if (ed->sel >= 0 && ed->sel < ed->ans.n && y < ymax) {
		c = label_class_of(L, ed->ans.a[ed->sel].cls);
		snprintf(line, sizeof line, "#%d attributes (a edits)", ed->sel + 1);
		label_pane_heading(L, g, y++, line);
		if (c != NULL)
			y = label_draw_attr_rows(L, g, y, ymax, c->attrs, c->nattrs, &ed->ans.a[ed->sel].attrs, -1, -1);
	}
	if (y < ymax && t->nglobal > 0) {
		label_pane_heading(L, g, y++, "Global (g edits)");
		y = label_draw_attr_rows(L, g, y, ymax, t->global, t->nglobal, &ed->ans.global, -1, -1);
	}
	if (y < ymax) {
		label_pane_heading(L, g, y++, "Instructions (PgUp/PgDn)");
		char *flow = reflow(L->s->instructions[0] ? L->s->instructions : "(none)");
		struct md_line *ml;
		nl = markdown_lines(flow, L->rw, &ml);
		free(flow);
		if (L->instr_scroll > nl - 1)
			L->instr_scroll = nl > 0 ? nl - 1 : 0;
		for (i = L->instr_scroll; i < nl && y < ymax; i++)
			draw_md_line(g, L->rx, y++, L->rw, &ml[i]);
		for (i = 0; i < nl; i++)
			free(ml[i].text);
		free(ml);
	}
	(void)n;
}

