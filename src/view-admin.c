/* view-admin.c: `boxel admin`, the live dashboard: batch progress and
 * agreement, each labeler's throughput, gold accuracy and submits per hour
 * over the last day (sparklines), and the class confusion against gold as a
 * heat map. Read only; it re-reads the store every refresh interval (the
 * confusion, which re-matches every gold judgment, every tenth refresh or on
 * r). Draws text into the cell grid like every view. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "boxel/keymap.h"
#include "boxel/util.h"
#include "boxel/view-admin.h"

struct admin {
	struct bx_store *st;
	char *title;
	int no_color, cols, rows;
	int64_t interval_ms, next_ms;
	int refreshes;
	struct bx_dashboard d;
	struct bx_confusion conf;
	int have_d, have_conf;
	char err[600];
};

static uint32_t
ui(const struct admin *A, uint32_t rgb)
{
	return A->no_color ? BX_COLOR_DEFAULT : rgb;
}

static void
refresh(struct admin *A, int64_t now, int with_confusion)
{
	struct bx_err err = { 0 };

	A->err[0] = '\0';
	if (A->have_d)
		bx_dashboard_free(&A->d);
	A->have_d = bx_store_dashboard(A->st, now, &A->d, &err) == 0;
	if (!A->have_d)
		snprintf(A->err, sizeof A->err, "%s", err.msg);
	if (with_confusion) {
		if (A->have_conf)
			bx_confusion_free(&A->conf);
		A->have_conf = bx_store_confusion(A->st, &A->conf, &err) == 0;
		if (!A->have_conf)
			snprintf(A->err, sizeof A->err, "%s", err.msg);
	}
	A->refreshes++;
	A->next_ms = now + A->interval_ms;
}

/* A bar of at most w cells for a fraction in 0..1, in eighths; returns
 * the cells it takes. */
static int
bar(char *buf, size_t n, double frac, int w)
{
	static const char *const eighth[] = { "", "▏", "▎", "▍", "▌", "▋", "▊", "▉" };
	int units = (int)floor(fmax(0, fmin(1, frac)) * w * 8 + 0.5), i;

	buf[0] = '\0';
	for (i = 0; i < units / 8 && strlen(buf) + 4 < n; i++)
		strcat(buf, "█");
	if (units % 8 && strlen(buf) + 4 < n)
		strcat(buf, eighth[units % 8]);
	return units / 8 + (units % 8 != 0);
}

/* Sparkline of v[0..n) scaled to its own maximum. */
static void
spark(char *buf, size_t n, const int *v, int k)
{
	static const char *const lv[] = { "▁", "▂", "▃", "▄", "▅", "▆", "▇", "█" };
	int max = 0, i;

	buf[0] = '\0';
	for (i = 0; i < k; i++)
		if (v[i] > max)
			max = v[i];
	for (i = 0; i < k && strlen(buf) + 4 < n; i++)
		strcat(buf, v[i] == 0 ? " " : lv[max > 0 ? (v[i] * 7 + max - 1) / max : 0]);
}

/* Sparkline of fractions in 0..1 (absolute: a full block is 1). */
static void
spark01(char *buf, size_t n, const double *v, int k)
{
	static const char *const lv[] = { "▁", "▂", "▃", "▄", "▅", "▆", "▇", "█" };
	int i;

	buf[0] = '\0';
	for (i = 0; i < k && strlen(buf) + 4 < n; i++)
		strcat(buf, lv[(int)floor(fmax(0, fmin(1, v[i])) * 7 + 0.5)]);
}

static int
put(struct admin *A, struct bx_grid *g, int x, int y, const char *text, uint32_t fg, int attr)
{
	if (y >= A->rows - 1 || x >= A->cols)
		return 0;
	return bx_grid_put_text(g, x, y, text, fg, BX_COLOR_DEFAULT, attr, A->cols - x);
}

static int
heading(struct admin *A, struct bx_grid *g, int y, const char *text)
{
	if (y >= A->rows - 1)
		return y;
	bx_grid_fill(g, 0, y, A->cols, 1, ' ', BX_COLOR_DEFAULT, ui(A, BX_RGB(0x30, 0x30, 0x48)),
	             A->no_color ? BX_CELL_UNDERLINE : 0);
	bx_grid_put_text(g, 0, y, text, ui(A, BX_RGB(0xff, 0xff, 0xff)),
	                 ui(A, BX_RGB(0x30, 0x30, 0x48)),
	                 BX_CELL_BOLD | (A->no_color ? BX_CELL_UNDERLINE : 0), A->cols);
	return y + 1;
}

static int
draw_batches(struct admin *A, struct bx_grid *g, int y)
{
	char line[512], b[128], agree[32];
	int i, k, total, done, bw;

	y = heading(A, g, y, " Batches");
	snprintf(line, sizeof line, " %-16s %-11s %6s  %-19s %6s %6s %7s %6s", "BATCH", "KIND",
	         "TASKS", "JUDGMENTS DONE", "LEASED", "OPEN", "AGREE", "REVIEW");
	put(A, g, 0, y++, line, ui(A, BX_RGB(0x90, 0x90, 0x90)), 0);
	for (i = 0; i < A->d.nbatches; i++) {
		const struct bx_batch *bt = &A->d.batches[i];
		for (total = 0, k = 0; k < BX_J_NSTATES; k++)
			total += bt->count[k];
		done = total - bt->count[BX_J_OPEN] - bt->count[BX_J_LEASED];
		bw = bar(b, sizeof b, total ? (double)done / total : 0, 14);
		if (A->d.cons_n[i] > 0)
			snprintf(agree, sizeof agree, "%.2f", A->d.cons_agreement[i]);
		else
			snprintf(agree, sizeof agree, "-");
		snprintf(line, sizeof line, " %-16.16s %-11s %6d  ", bt->name, bt->kind, bt->ntasks);
		k = put(A, g, 0, y, line, BX_COLOR_DEFAULT, 0);
		k += put(A, g, k, y, b, ui(A, BX_RGB(0x40, 0xc0, 0x60)), 0);
		snprintf(line, sizeof line, "%*s%4d%% %6d %6d %7s %6d", 14 - bw, "",
		         total ? 100 * done / total : 0, bt->count[BX_J_LEASED], bt->count[BX_J_OPEN],
		         agree, A->d.cons_review[i]);
		put(A, g, k, y++, line, BX_COLOR_DEFAULT, 0);
	}
	if (A->d.nbatches == 0)
		put(A, g, 1, y++, "no batches yet (boxel batch create NAME --kind KIND)",
		    BX_COLOR_DEFAULT, 0);
	return y + 1;
}

static int
draw_labelers(struct admin *A, struct bx_grid *g, int y)
{
	char line[512], sp[128], acc[32], b[64], rec[80];
	double a;
	int i, x;

	y = heading(A, g, y, " Labelers (gold accuracy: their rolling window, then each of their last 16 "
	            "gold judgments; submits per hour over the last 24 h)");
	snprintf(line, sizeof line, " %-14s %-10s %-10s %6s %6s %6s  %-16s %-16s %s", "NAME", "ROLE",
	         "STATE", "DONE", "/HOUR", "MED S", "GOLD ACCURACY", "RECENT GOLD", "LAST 24 H");
	put(A, g, 0, y++, line, ui(A, BX_RGB(0x90, 0x90, 0x90)), 0);
	for (i = 0; i < A->d.nlab; i++) {
		const struct bx_dash_labeler *l = &A->d.lab[i];
		if (l->window_n > 0 && bx_score_accuracy(&l->window, &a)) {
			snprintf(acc, sizeof acc, "%.2f ", a);
			bar(b, sizeof b, a, 8);
		} else {
			snprintf(acc, sizeof acc, "-");
			b[0] = '\0';
		}
		spark(sp, sizeof sp, l->hourly, 24);
		spark01(rec, sizeof rec, l->recent, l->nrecent);
		snprintf(line, sizeof line, " %-14.14s %-10s %-10s %6d %6.1f %6.0f  %s", l->name, l->role,
		         l->active ? l->qual : "disabled", l->submitted, l->per_hour,
		         l->median_seconds, acc);
		x = put(A, g, 0, y, line,
		        l->active && strcmp(l->qual, "suspended") != 0 ? BX_COLOR_DEFAULT :
		        ui(A, BX_RGB(0xff, 0x70, 0x70)), 0);
		x += put(A, g, x, y, b, ui(A, BX_RGB(0x40, 0xa0, 0xff)), 0);
		x = x < 77 ? 77 : x + 1;
		put(A, g, x, y, rec, ui(A, BX_RGB(0x40, 0xa0, 0xff)), 0);
		put(A, g, x + 17, y++, sp, ui(A, BX_RGB(0xff, 0xc0, 0x40)), 0);
	}
	return y + 1;
}

/* Rows: gold classes, then objects the labelers drew that gold lacks;
 * columns: what the labelers said, then "missed". A cell's background is
 * its share of the row: the diagonal should be bright. */
static int
draw_confusion(struct admin *A, struct bx_grid *g, int y)
{
	const struct bx_confusion *c = &A->conf;
	char line[256], name[16];
	int r, k, x, cw = 8;
	long row, v;

	snprintf(line, sizeof line, " Confusion against gold (%d gold judgments): rows gold, "
	         "columns the labelers' class; shade = share of the row", c->judgments);
	y = heading(A, g, y, line);
	if (c->n == 0) {
		put(A, g, 1, y++, "no scored gold judgments yet", BX_COLOR_DEFAULT, 0);
		return y;
	}
	x = 14;
	for (k = 0; k <= c->n; k++, x += cw) {
		snprintf(name, sizeof name, "%7.7s", k < c->n ? c->classes[k] : "missed");
		put(A, g, x, y, name, ui(A, BX_RGB(0x90, 0x90, 0x90)), 0);
	}
	y++;
	for (r = 0; r <= c->n && y < A->rows - 1; r++, y++) {
		for (row = 0, k = 0; k <= c->n; k++)
			row += c->counts[r * (c->n + 1) + k];
		snprintf(name, sizeof name, " %.12s", r < c->n ? c->classes[r] : "extra");
		put(A, g, 0, y, name, ui(A, BX_RGB(0x90, 0x90, 0x90)), 0);
		for (x = 14, k = 0; k <= c->n; k++, x += cw) {
			double share;
			uint32_t bg;
			int lvl;
			v = c->counts[r * (c->n + 1) + k];
			share = row > 0 ? (double)v / row : 0;
			lvl = (int)(40 + 180 * share);
			bg = v == 0 ? BX_COLOR_DEFAULT :
			     r == k ? BX_RGB(0x10, lvl, 0x30) : BX_RGB(lvl, 0x20, 0x20);
			snprintf(line, sizeof line, "%*ld ", cw - 1, v);
			if (x + cw >= A->cols)
				break;
			bx_grid_put_text(g, x, y, v ? line : "      · ", BX_COLOR_DEFAULT,
			                 A->no_color ? BX_COLOR_DEFAULT : bg,
			                 A->no_color && share >= 0.5 ? BX_CELL_BOLD : 0, cw);
		}
	}
	return y;
}

static void
admin_draw(struct bx_view *v, struct bx_grid *g, int64_t now)
{
	struct admin *A = v->data;
	char line[700], when[32];
	time_t t = (time_t)(now / 1000);
	struct tm tm;
	int y = 0;

	bx_grid_fill(g, 0, 0, A->cols, A->rows, ' ', BX_COLOR_DEFAULT, BX_COLOR_DEFAULT, 0);
	localtime_r(&t, &tm);
	strftime(when, sizeof when, "%Y-%m-%d %H:%M:%S", &tm);
	snprintf(line, sizeof line, " boxel admin  %s  %s", A->title, when);
	bx_grid_fill(g, 0, 0, A->cols, 1, ' ', BX_COLOR_DEFAULT, BX_COLOR_DEFAULT, BX_CELL_REVERSE);
	bx_grid_put_text(g, 0, 0, line, BX_COLOR_DEFAULT, BX_COLOR_DEFAULT,
	                 BX_CELL_REVERSE | BX_CELL_BOLD, A->cols);
	y = 2;
	if (A->have_d) {
		y = draw_batches(A, g, y);
		y = draw_labelers(A, g, y);
	}
	if (A->have_conf)
		draw_confusion(A, g, y);
	snprintf(line, sizeof line, "%s%s", A->err[0] ? "error: " : "",
	         A->err[0] ? A->err : "q quits  r refreshes now (the confusion too)");
	bx_grid_put_text(g, 0, A->rows - 1, line,
	                 A->err[0] ? ui(A, BX_RGB(0xff, 0x70, 0x70)) : ui(A, BX_RGB(0x90, 0x90, 0x90)),
	                 BX_COLOR_DEFAULT, 0, A->cols);
}

static int
admin_key(struct bx_view *v, const struct bx_key *k, int64_t now)
{
	struct admin *A = v->data;

	switch (bx_keymap_action(&bx_keymap_admin, k->key)) {
	case BX_AD_QUIT:
		return BX_VIEW_QUIT;
	case BX_AD_REFRESH:
		refresh(A, now, 1);
		return BX_VIEW_HANDLED | BX_VIEW_REDRAW;
	case BX_AD_REDRAW:
		return BX_VIEW_HANDLED | BX_VIEW_FULL;
	default:
		return 0;
	}
}

static int
admin_tick(struct bx_view *v, int64_t now, int why)
{
	struct admin *A = v->data;

	if (why == BX_TICK_STOP)
		return BX_VIEW_QUIT;
	if (now >= A->next_ms || now < A->next_ms - A->interval_ms) {
		refresh(A, now, A->refreshes % 10 == 0);
		return BX_VIEW_REDRAW;
	}
	return 0;
}

static void
admin_resize(struct bx_view *v, int cols, int rows)
{
	struct admin *A = v->data;

	A->cols = cols;
	A->rows = rows;
}

static void
admin_free(struct bx_view *v)
{
	struct admin *A = v->data;

	if (A->have_d)
		bx_dashboard_free(&A->d);
	if (A->have_conf)
		bx_confusion_free(&A->conf);
	free(A->title);
	free(A);
	v->data = NULL;
}

static const struct bx_view_ops admin_ops = {
	"admin", admin_free, admin_resize, admin_key, admin_tick, admin_draw,
};

void
bx_view_admin_init(struct bx_view *v, struct bx_store *st, const char *title, int no_color,
                   int interval_ms, int cols, int rows, int64_t now)
{
	struct admin *A = bx_calloc(1, sizeof *A);

	A->st = st;
	A->title = bx_sanitize_dup(title);
	A->no_color = no_color;
	A->interval_ms = interval_ms > 0 ? interval_ms : 2000;
	v->ops = &admin_ops;
	v->data = A;
	admin_resize(v, cols, rows);
	refresh(A, now, 1);
}
