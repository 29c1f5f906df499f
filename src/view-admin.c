/* view-admin.c: `boxel admin`, the live dashboard: batch progress (ordinary
 * work only), agreement and gold left; one line per labeler (gold sample and
 * accuracy, skips, review outcomes, pace over active time, reviews made,
 * and an alert: an armed gold suspension or a window under the bar on too
 * few gold to suspend yet), sorted (worst accuracy first, pace, name) and scrolled by keys, fitting
 * 80x24; sparklines from 120 columns; the class confusion against gold as a
 * heat map below when rows remain. Read only; it re-reads the store every
 * refresh interval (the confusion, which re-matches every gold judgment,
 * every tenth refresh or on r). Draws text into the cell grid like every
 * view. */
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
	int sort;          /* BX_AD_SORT_* */
	int top, page;     /* first labeler shown; labeler rows at the last draw */
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

/* 80 columns hold every column of both tables; wider terminals add the
 * labelers' sparklines. */
static int
draw_batches(struct admin *A, struct bx_grid *g, int y)
{
	char line[512], b[128], agree[32], left[16];
	int i, k, done, want, bw;

	y = heading(A, g, y, " Batches (progress: ordinary work; gold is each labeler's own)");
	snprintf(line, sizeof line, " %-12s %-11s %5s  %-15s %5s %5s %5s %6s %5s", "BATCH", "KIND",
	         "TASKS", "DONE", "LEASE", "OPEN", "AGREE", "REVIEW", "GOLD");
	put(A, g, 0, y++, line, ui(A, BX_RGB(0x90, 0x90, 0x90)), 0);
	for (i = 0; i < A->d.nbatches && y < A->rows - 1; i++) {
		const struct bx_batch *bt = &A->d.batches[i];
		done = bx_batch_done(bt);
		want = bx_batch_want(bt);
		bw = bar(b, sizeof b, want ? (double)done / want : 1, 10);
		if (A->d.cons_n[i] > 0)
			snprintf(agree, sizeof agree, "%.2f", A->d.cons_agreement[i]);
		else
			snprintf(agree, sizeof agree, "-");
		if (A->d.gold_left != NULL && A->d.gold_left[i] >= 0)
			snprintf(left, sizeof left, "%d", A->d.gold_left[i]);
		else
			snprintf(left, sizeof left, "-");
		snprintf(line, sizeof line, " %-12.12s %-11.11s %5d  ", bt->name, bt->kind, bt->ntasks);
		k = put(A, g, 0, y, line, BX_COLOR_DEFAULT, 0);
		k += put(A, g, k, y, b, ui(A, BX_RGB(0x40, 0xc0, 0x60)), 0);
		snprintf(line, sizeof line, "%*s%4d%% %5d %5d %5s %6d %5s", 10 - bw, "",
		         want ? 100 * done / want : 100, bt->count[BX_J_LEASED] -
		         bt->gold_count[BX_J_LEASED], bt->count[BX_J_OPEN] - bt->gold_count[BX_J_OPEN],
		         agree, A->d.cons_review[i], left);
		put(A, g, k, y++, line, BX_COLOR_DEFAULT, 0);
	}
	if (A->d.nbatches == 0)
		put(A, g, 1, y++, "no batches yet (boxel batch create NAME --kind KIND)",
		    BX_COLOR_DEFAULT, 0);
	return y + 1;
}

static double
lab_acc(const struct bx_dash_labeler *l)
{
	double a;

	return l->window_n > 0 && bx_score_accuracy(&l->window, &a) ? a : 2; /* none: last */
}

/* qsort's comparator needs the view; the draw is single-threaded. */
static const struct admin *sort_admin;

/* Worst accuracy first, slowest first, or by name; ties by name. */
static int
cmp_lab(const void *pa, const void *pb)
{
	const struct bx_dash_labeler *a = &sort_admin->d.lab[*(const int *)pa];
	const struct bx_dash_labeler *b = &sort_admin->d.lab[*(const int *)pb];
	double x = 0, y = 0;

	if (sort_admin->sort == BX_AD_SORT_ACC) {
		x = lab_acc(a);
		y = lab_acc(b);
	} else if (sort_admin->sort == BX_AD_SORT_PACE) {
		x = a->active_per_hour > 0 ? a->active_per_hour : 1e300;
		y = b->active_per_hour > 0 ? b->active_per_hour : 1e300;
	}
	if (x != y)
		return x < y ? -1 : 1;
	return strcmp(a->name, b->name);
}

static int
draw_labelers(struct admin *A, struct bx_grid *g, int y)
{
	static const char *const by[] = { [BX_AD_SORT_ACC] = "gold accuracy, worst first",
	    [BX_AD_SORT_PACE] = "pace, slowest first", [BX_AD_SORT_NAME] = "name" };
	char line[512], sp[128], acc[32], rec[80], skip[16], arf[40], pace[16], alert[16];
	int *order, i, x, n, room, last;
	double a;

	/* The labelers get the rows down to the status line, less a few for
	 * the confusion when it fits below them. */
	room = A->rows - 1 - (y + 2);
	if (room < 1)
		room = 1;
	A->page = room;
	if (A->top > A->d.nlab - room)
		A->top = A->d.nlab - room;
	if (A->top < 0)
		A->top = 0;
	last = A->top + room < A->d.nlab ? A->top + room : A->d.nlab;
	snprintf(line, sizeof line, " Labelers %d-%d of %d by %s (a p n sort, j k scroll)",
	         A->d.nlab ? A->top + 1 : 0, last, A->d.nlab, by[A->sort]);
	y = heading(A, g, y, line);
	snprintf(line, sizeof line, " %-12s %-10s %5s %5s %5s %11s %7s %7s %-7s", "NAME", "STATE",
	         "GOLD", "ACC", "SKIP", "ACC/REJ/FIX", "PACE/H", "REVIEWS", "ALERT");
	if (A->cols >= 120)
		snprintf(line + strlen(line), sizeof line - strlen(line), "  %-16s %s",
		         "RECENT GOLD", "LAST 24 H");
	put(A, g, 0, y++, line, ui(A, BX_RGB(0x90, 0x90, 0x90)), 0);
	order = bx_malloc(sizeof *order * (size_t)(A->d.nlab + 1));
	for (i = 0; i < A->d.nlab; i++)
		order[i] = i;
	sort_admin = A;
	qsort(order, (size_t)A->d.nlab, sizeof *order, cmp_lab);
	for (i = A->top; i < last && y < A->rows - 1; i++) {
		const struct bx_dash_labeler *l = &A->d.lab[order[i]];
		if (l->window_n > 0 && bx_score_accuracy(&l->window, &a))
			snprintf(acc, sizeof acc, "%.2f", a);
		else
			snprintf(acc, sizeof acc, "-");
		n = l->submitted + l->skipped;
		if (n > 0)
			snprintf(skip, sizeof skip, "%d%%", (int)(100.0 * l->skipped / n + 0.5));
		else
			snprintf(skip, sizeof skip, "-");
		snprintf(arf, sizeof arf, "%d/%d/%d", l->accepted, l->rejected, l->fixed);
		if (l->active_per_hour > 0)
			snprintf(pace, sizeof pace, "%.1f", l->active_per_hour);
		else
			snprintf(pace, sizeof pace, "-");
		/* "armed N": suspended after N more ordinary submits (0: at the
		 * next claim); "at risk": under the bar, too few gold to act. */
		if (l->suspend_grace >= 0)
			snprintf(alert, sizeof alert, "armed %d", l->suspend_grace > 9 ? 9 :
			         l->suspend_grace);
		else
			snprintf(alert, sizeof alert, "%s", l->at_risk ? "at risk" : "");
		snprintf(line, sizeof line, " %-12.12s %-10.10s %5d %5s %5s %11s %7s %7d %-7.7s",
		         l->name, l->active ? l->qual : "disabled", l->window_n, acc, skip, arf, pace,
		         l->reviews, alert);
		x = put(A, g, 0, y, line,
		        !l->active || strcmp(l->qual, "suspended") == 0 ?
		        ui(A, BX_RGB(0xff, 0x70, 0x70)) :
		        alert[0] ? ui(A, BX_RGB(0xff, 0xc0, 0x40)) : BX_COLOR_DEFAULT,
		        alert[0] && A->no_color ? BX_CELL_BOLD : 0);
		if (A->cols >= 120) {
			spark01(rec, sizeof rec, l->recent, l->nrecent);
			spark(sp, sizeof sp, l->hourly, 24);
			put(A, g, x + 2, y, rec, ui(A, BX_RGB(0x40, 0xa0, 0xff)), 0);
			put(A, g, x + 19, y, sp, ui(A, BX_RGB(0xff, 0xc0, 0x40)), 0);
		}
		y++;
	}
	free(order);
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
	         A->err[0] ? A->err : "q quit  r refresh  a/p/n sort  j/k PgUp/PgDn scroll");
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
	case BX_AD_SORT_ACC:
	case BX_AD_SORT_PACE:
	case BX_AD_SORT_NAME:
		A->sort = bx_keymap_action(&bx_keymap_admin, k->key);
		A->top = 0;
		return BX_VIEW_HANDLED | BX_VIEW_REDRAW;
	case BX_AD_DOWN:
		A->top++; /* clamped at the draw */
		return BX_VIEW_HANDLED | BX_VIEW_REDRAW;
	case BX_AD_UP:
		A->top = A->top > 0 ? A->top - 1 : 0;
		return BX_VIEW_HANDLED | BX_VIEW_REDRAW;
	case BX_AD_PGDN:
		A->top += A->page > 1 ? A->page - 1 : 1;
		return BX_VIEW_HANDLED | BX_VIEW_REDRAW;
	case BX_AD_PGUP:
		A->top -= A->page > 1 ? A->page - 1 : 1;
		if (A->top < 0)
			A->top = 0;
		return BX_VIEW_HANDLED | BX_VIEW_REDRAW;
	case BX_AD_HOME:
		A->top = 0;
		return BX_VIEW_HANDLED | BX_VIEW_REDRAW;
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
	A->sort = BX_AD_SORT_ACC;
	v->ops = &admin_ops;
	v->data = A;
	admin_resize(v, cols, rows);
	refresh(A, now, 1);
}
