/* cmd-report.c: `boxel report calibration BATCH [--json]`: per task and per
 * class, how well the batch's labelers agree with each other and with gold,
 * worst first, with the disagreeing judgments named, so an admin sees which
 * instruction or class is unclear, and per labeler: ranked against gold and
 * consensus, with a labeler x labeler agreement matrix. Reads through
 * store.h (export walk, gold) and computes with the pure quality module;
 * coordinates are image pixels. */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "boxel/cli.h"
#include "boxel/formats.h"
#include "boxel/quality.h"
#include "boxel/util.h"
#include "store-cli.h"

extern const struct bx_cmd bx_cmd_report;

struct rj {                     /* one judgment with an answer */
	int64_t id;
	char *labeler;
	struct bx_answer ans;
	/* against the consensus (n >= 2) */
	int extra, missed, other;
	/* The task's gold and this answer as the store's gold scoring sees
	 * them (bx_store_score_policy: canonical, globals the gold states,
	 * compare_attributes); empty without gold. */
	struct bx_answer g_gold, g_lab;
	struct bx_attrs said; /* the global attributes as the labeler stated them */
};

struct rtask {
	int64_t id;
	char *image;
	struct rj *j;
	int nj;
	int has_gold;
	struct bx_answer gold;
	int has_agree;
	double agree;
	struct bx_score vs_gold;
	int has_gold_acc;
	double gold_acc;
};

struct rclass {
	char *name;
	long objects;                 /* in judgments */
	long pair_tp, pair_miss;      /* pairwise: 2 TP / (2 TP + miss) */
	long gold_tp, gold_miss;      /* against gold, the same F1 */
	int has_pair, has_gold;
	double pair_f1, gold_f1;
	/* confusions: with class index k, count */
	int *conf_k;
	long *conf_n;
	int nconf;
};

/* One labeler: their judgments scored against the consensus (tasks with
 * two or more judgments) and against gold. */
struct rlab {
	char *name;
	int nj;
	struct bx_score vs_cons, vs_gold;
	int ncons, ngold;
	int has_cons, has_gold;
	double cons_f1, gold_acc;
};

struct report {
	struct rtask *t;
	int nt;
	struct rclass *c;
	int nc;
	struct rlab *l;
	int nl;
	/* Labeler x labeler (indices into l, fixed once every labeler is
	 * known): the sum and count of pairwise F1 over tasks both judged. */
	double *pair_sum;
	int *pair_n;
	struct bx_score_opts opts;
	int quorum;
	double bar;
};

static int
collect(const struct bx_export_task *et, void *ctx)
{
	struct report *r = ctx;
	struct rtask *t;
	int i;

	r->t = bx_realloc(r->t, (size_t)(r->nt + 1) * sizeof *r->t);
	t = &r->t[r->nt++];
	memset(t, 0, sizeof *t);
	t->id = et->id;
	t->image = bx_strdup(et->image);
	t->has_gold = et->has_gold;
	for (i = 0; i < et->njudgments; i++) {
		const struct bx_export_judgment *ej = &et->judgments[i];
		struct rj *j;
		/* Rejected judgments were sent back: they are not the batch's word. */
		if (!ej->has_answer || strcmp(ej->state, "rejected") == 0)
			continue;
		t->j = bx_realloc(t->j, (size_t)(t->nj + 1) * sizeof *t->j);
		j = &t->j[t->nj++];
		memset(j, 0, sizeof *j);
		j->id = ej->id;
		j->labeler = bx_strdup(ej->labeler ? ej->labeler : "?");
		bx_answer_copy(&j->ans, &ej->answer);
	}
	return 0;
}

static int
lab_idx(struct report *r, const char *name)
{
	int i;

	for (i = 0; i < r->nl; i++)
		if (strcmp(r->l[i].name, name) == 0)
			return i;
	r->l = bx_realloc(r->l, (size_t)(r->nl + 1) * sizeof *r->l);
	memset(&r->l[r->nl], 0, sizeof r->l[r->nl]);
	r->l[r->nl].name = bx_strdup(name);
	return r->nl++;
}

static int
class_idx(struct report *r, const char *name)
{
	int i;

	if (name == NULL)
		name = "";
	for (i = 0; i < r->nc; i++)
		if (strcmp(r->c[i].name, name) == 0)
			return i;
	r->c = bx_realloc(r->c, (size_t)(r->nc + 1) * sizeof *r->c);
	memset(&r->c[r->nc], 0, sizeof r->c[r->nc]);
	r->c[r->nc].name = bx_strdup(name);
	return r->nc++;
}

static void
confuse(struct report *r, int a, int b)
{
	struct rclass *c = &r->c[a];
	int i;

	for (i = 0; i < c->nconf; i++)
		if (c->conf_k[i] == b) {
			c->conf_n[i]++;
			return;
		}
	c->conf_k = bx_realloc(c->conf_k, (size_t)(c->nconf + 1) * sizeof *c->conf_k);
	c->conf_n = bx_realloc(c->conf_n, (size_t)(c->nconf + 1) * sizeof *c->conf_n);
	c->conf_k[c->nconf] = b;
	c->conf_n[c->nconf++] = 1;
}

/* Score b against a (a plays gold) and credit each class: a matched
 * same-class pair is one TP for its class; every other object (missed,
 * extra, or matched to another class) is a miss for its own class; a
 * matched pair of two classes is a confusion of each with the other. */
static int
credit(struct report *r, struct bx_quality_ws *ws, const struct bx_answer *a,
       const struct bx_answer *b, int gold, struct bx_score *sc_out)
{
	struct bx_score sc;
	struct bx_score_detail d = { 0 };
	int *gm = bx_malloc((size_t)(a->n + 1) * sizeof *gm);
	int *lm = bx_malloc((size_t)(b->n + 1) * sizeof *lm);
	enum bx_verdict *gv = bx_malloc((size_t)(a->n + 1) * sizeof *gv);
	enum bx_verdict *lv = bx_malloc((size_t)(b->n + 1) * sizeof *lv);
	int i, rc, ka, kb;

	d.gold_match = gm;
	d.lab_match = lm;
	d.gold_verdict = gv;
	d.lab_verdict = lv;
	rc = bx_score_answer(ws, a, b, &r->opts, &sc, &d);
	if (rc == 0) {
		for (i = 0; i < a->n; i++) {
			ka = class_idx(r, a->a[i].cls);
			if (gv[i] == BX_V_TP) {
				if (gold)
					r->c[ka].gold_tp++;
				else
					r->c[ka].pair_tp++;
				continue;
			}
			if (gold)
				r->c[ka].gold_miss++;
			else
				r->c[ka].pair_miss++;
			if (gm[i] >= 0) {
				kb = class_idx(r, b->a[gm[i]].cls);
				if (kb != ka) {
					confuse(r, ka, kb);
					if (!gold)
						confuse(r, kb, ka);
				}
			}
		}
		for (i = 0; i < b->n; i++) {
			if (lv[i] == BX_V_TP)
				continue;
			kb = class_idx(r, b->a[i].cls);
			if (gold)
				r->c[kb].gold_miss++;
			else
				r->c[kb].pair_miss++;
		}
		if (sc_out)
			*sc_out = sc;
	}
	free(gm);
	free(lm);
	free(gv);
	free(lv);
	return rc;
}

/* A global attribute neither of the two stated is no item of theirs: its
 * default filled in on both sides would be a free match that lifts every
 * pair alike. One side stating it is compared with the other's canonical
 * value (unset = the default), as gold scoring compares a global the gold
 * states. */
static void
globals_stated(struct bx_attrs *g, const struct bx_attrs *a, const struct bx_attrs *b)
{
	static const struct bx_value none = { .type = BX_VAL_NONE };
	int i;

	for (i = g->n - 1; i >= 0; i--)
		if (bx_attrs_get(a, g->a[i].key) == NULL && bx_attrs_get(b, g->a[i].key) == NULL)
			bx_attrs_set(g, g->a[i].key, &none);
}

static int
pair_score(struct bx_quality_ws *ws, const struct bx_score_opts *o, const struct rj *a,
           const struct rj *b, struct bx_score *sc)
{
	struct bx_answer x, y;
	int rc;

	bx_answer_copy(&x, &a->ans);
	bx_answer_copy(&y, &b->ans);
	globals_stated(&x.global, &a->said, &b->said);
	globals_stated(&y.global, &a->said, &b->said);
	rc = bx_score_answer(ws, &x, &y, o, sc, NULL);
	bx_answer_free(&x);
	bx_answer_free(&y);
	return rc;
}

static int
analyse(struct report *r)
{
	struct bx_quality_ws *ws = bx_quality_ws_new();
	const struct bx_answer **ptrs = NULL;
	struct bx_consensus cons;
	struct bx_score sc;
	int ti, i, k, rc = 0, li, lk;
	double f1;

	for (ti = 0; ti < r->nt; ti++)
		for (i = 0; i < r->t[ti].nj; i++) {
			li = lab_idx(r, r->t[ti].j[i].labeler); /* may move r->l */
			r->l[li].nj++;
		}
	r->pair_sum = bx_calloc((size_t)r->nl * (size_t)r->nl + 1, sizeof *r->pair_sum);
	r->pair_n = bx_calloc((size_t)r->nl * (size_t)r->nl + 1, sizeof *r->pair_n);
	for (ti = 0; ti < r->nt && rc == 0; ti++) {
		struct rtask *t = &r->t[ti];
		for (i = 0; i < t->nj; i++)
			for (k = 0; k < t->j[i].ans.n; k++) {
				int ci = class_idx(r, t->j[i].ans.a[k].cls); /* may move r->c */
				r->c[ci].objects++;
			}
		if (t->nj >= 2) {
			ptrs = bx_realloc(ptrs, (size_t)t->nj * sizeof *ptrs);
			for (i = 0; i < t->nj; i++)
				ptrs[i] = &t->j[i].ans;
			rc = bx_consensus_run(ws, ptrs, t->nj, r->quorum > t->nj ? t->nj : r->quorum,
			    &r->opts, &cons);
			if (rc < 0)
				break;
			t->has_agree = 1;
			t->agree = cons.agreement;
			for (i = 0; i < t->nj && rc == 0; i++) {
				if ((rc = bx_score_answer(ws, &cons.answer, &t->j[i].ans, &r->opts, &sc,
				    NULL)) < 0)
					break;
				t->j[i].extra = (int)sc.fp;
				t->j[i].missed = (int)sc.fn;
				t->j[i].other = (int)sc.mismatch;
				li = lab_idx(r, t->j[i].labeler);
				bx_score_add(&r->l[li].vs_cons, &sc);
				r->l[li].ncons++;
			}
			bx_consensus_free(&cons);
			/* Who agrees with whom: one F1 per pair of labelers per task. */
			for (i = 0; i < t->nj && rc == 0; i++)
				for (k = 0; k < t->nj && rc == 0; k++) {
					li = lab_idx(r, t->j[i].labeler);
					lk = lab_idx(r, t->j[k].labeler);
					if (k <= i || li == lk)
						continue;
					if ((rc = pair_score(ws, &r->opts, &t->j[i], &t->j[k], &sc)) < 0)
						break;
					f1 = bx_score_f1(&sc, &f1) ? f1 : 1;
					r->pair_sum[li * r->nl + lk] += f1;
					r->pair_sum[lk * r->nl + li] += f1;
					r->pair_n[li * r->nl + lk]++;
					r->pair_n[lk * r->nl + li]++;
				}
			for (i = 0; i < t->nj && rc == 0; i++)
				for (k = i + 1; k < t->nj && rc == 0; k++)
					rc = credit(r, ws, &t->j[i].ans, &t->j[k].ans, 0, NULL);
		}
		if (t->has_gold)
			for (i = 0; i < t->nj && rc == 0; i++) {
				rc = credit(r, ws, &t->j[i].g_gold, &t->j[i].g_lab, 1, &sc);
				if (rc == 0) {
					bx_score_add(&t->vs_gold, &sc);
					li = lab_idx(r, t->j[i].labeler);
					bx_score_add(&r->l[li].vs_gold, &sc);
					r->l[li].ngold++;
				}
			}
		if (t->has_gold && t->nj > 0)
			t->has_gold_acc = bx_score_accuracy(&t->vs_gold, &t->gold_acc);
	}
	for (i = 0; i < r->nc; i++) {
		struct rclass *c = &r->c[i];
		if (c->pair_tp + c->pair_miss > 0) {
			c->has_pair = 1;
			c->pair_f1 = 2.0 * c->pair_tp / (2.0 * c->pair_tp + c->pair_miss);
		}
		if (c->gold_tp + c->gold_miss > 0) {
			c->has_gold = 1;
			c->gold_f1 = 2.0 * c->gold_tp / (2.0 * c->gold_tp + c->gold_miss);
		}
	}
	for (i = 0; i < r->nl; i++) {
		struct rlab *l = &r->l[i];
		l->has_cons = l->ncons > 0 && bx_score_f1(&l->vs_cons, &l->cons_f1);
		l->has_gold = l->ngold > 0 && bx_score_accuracy(&l->vs_gold, &l->gold_acc);
	}
	free(ptrs);
	bx_quality_ws_free(ws);
	return rc;
}

/* Labelers worst first: by accuracy against gold, then by F1 against the
 * consensus (undefined last), then by name. Sorted as indices, so the
 * matrix keeps its own order. */
static const struct report *rank_report;

static int
cmp_lab(const void *pa, const void *pb)
{
	const struct rlab *a = &rank_report->l[*(const int *)pa];
	const struct rlab *b = &rank_report->l[*(const int *)pb];
	double ga = a->has_gold ? a->gold_acc : 2, gb = b->has_gold ? b->gold_acc : 2;
	double ca = a->has_cons ? a->cons_f1 : 2, cb = b->has_cons ? b->cons_f1 : 2;

	if (ga != gb)
		return ga < gb ? -1 : 1;
	if (ca != cb)
		return ca < cb ? -1 : 1;
	return strcmp(a->name, b->name);
}

static int *
lab_rank(const struct report *r)
{
	int *o = bx_malloc((size_t)(r->nl + 1) * sizeof *o), i;

	for (i = 0; i < r->nl; i++)
		o[i] = i;
	rank_report = r;
	qsort(o, (size_t)r->nl, sizeof *o, cmp_lab);
	return o;
}

static int
pair_has(const struct report *r, int a, int b, double *f1)
{
	int n = r->pair_n[a * r->nl + b];

	if (n > 0)
		*f1 = r->pair_sum[a * r->nl + b] / n;
	return n > 0;
}

/* Worst first: defined values ascending, undefined last; ties by name. */
static int
cmp_task(const void *pa, const void *pb)
{
	const struct rtask *a = pa, *b = pb;

	if (a->has_agree != b->has_agree)
		return b->has_agree - a->has_agree;
	if (a->has_agree && a->agree != b->agree)
		return a->agree < b->agree ? -1 : 1;
	if (a->has_gold_acc != b->has_gold_acc)
		return b->has_gold_acc - a->has_gold_acc;
	if (a->has_gold_acc && a->gold_acc != b->gold_acc)
		return a->gold_acc < b->gold_acc ? -1 : 1;
	return strcmp(a->image, b->image);
}

static int
cmp_class(const void *pa, const void *pb)
{
	const struct rclass *a = pa, *b = pb;
	double fa = a->has_pair ? a->pair_f1 : a->has_gold ? a->gold_f1 : 2;
	double fb = b->has_pair ? b->pair_f1 : b->has_gold ? b->gold_f1 : 2;

	if (fa != fb)
		return fa < fb ? -1 : 1;
	return strcmp(a->name, b->name);
}

/* ---- output ---- */

static void
num_or_null(struct bx_buf *b, int ok, double v)
{
	if (ok)
		bx_json_put_num(b, v);
	else
		bx_buf_puts(b, "null");
}

static const char *
fmt3(char *buf, size_t n, int ok, double v)
{
	return ok ? bx_cli_num(buf, n, "%.3f", v) : "-";
}

/* Terminal columns of a sanitized UTF-8 string (one per character: the
 * names here are Latin or similar; wide CJK would count double). */
static int
width(const char *s)
{
	int w = 0;

	for (; *s; s++)
		w += ((unsigned char)*s & 0xc0) != 0x80;
	return w;
}

/* s sanitized, cut to max columns, padded to w columns. */
static void
put_col(struct bx_buf *b, const char *s, int w, int max)
{
	char *z = bx_sanitize_dup(s ? s : "");
	int cw = width(z), i;
	char *p = z;

	if (cw > max) {
		/* cut after max - 1 characters, mark with '~' */
		for (i = 0; *p && i < max - 1; i++)
			for (p++; (*p & 0xc0) == 0x80; p++)
				;
		*p = '\0';
		bx_buf_puts(b, z);
		bx_buf_putc(b, '~');
		cw = max;
	} else {
		bx_buf_puts(b, z);
	}
	for (; cw < w; cw++)
		bx_buf_putc(b, ' ');
	free(z);
}

/* "car x2, dog x1" (sanitized): what a judgment said, by class. */
static void
class_counts(struct bx_buf *b, const struct bx_answer *a, int json)
{
	int i, k, n, first = 1;

	if (json)
		bx_buf_putc(b, '{');
	for (i = 0; i < a->n; i++) {
		const char *ci = a->a[i].cls ? a->a[i].cls : "";
		for (k = 0; k < i; k++)
			if (strcmp(a->a[k].cls ? a->a[k].cls : "", ci) == 0)
				break;
		if (k < i)
			continue;
		for (n = 0, k = i; k < a->n; k++)
			n += strcmp(a->a[k].cls ? a->a[k].cls : "", ci) == 0;
		if (json) {
			if (!first)
				bx_buf_putc(b, ',');
			bx_json_put_str(b, ci);
			bx_buf_printf(b, ":%d", n);
		} else {
			char *z = bx_sanitize_dup(ci);
			bx_buf_printf(b, "%s%s x%d", first ? "" : ", ", z, n);
			free(z);
		}
		first = 0;
	}
	if (json)
		bx_buf_putc(b, '}');
	else if (first)
		bx_buf_puts(b, "(nothing)");
}

static int
sort_conf_desc(struct rclass *c, int *order)
{
	int i, k, t;

	for (i = 0; i < c->nconf; i++)
		order[i] = i;
	for (i = 1; i < c->nconf; i++)
		for (k = i; k > 0 && c->conf_n[order[k]] > c->conf_n[order[k - 1]]; k--) {
			t = order[k];
			order[k] = order[k - 1];
			order[k - 1] = t;
		}
	return c->nconf;
}

static void
print_json(struct bx_buf *b, struct report *r, const struct bx_batch *bt,
           const struct bx_batch_quality *q)
{
	int i, k, *order;

	bx_buf_puts(b, "{\"batch\":");
	bx_json_put_str(b, bt->name);
	bx_buf_puts(b, ",\"kind\":");
	bx_json_put_str(b, bt->kind);
	bx_buf_printf(b, ",\"overlap\":%d,\"agreement_bar\":", bt->overlap);
	bx_json_put_num(b, r->bar);
	bx_buf_puts(b, ",\"quality\":");
	bx_cli_batch_quality_json(b, q);
	bx_buf_puts(b, ",\"tasks\":[");
	for (i = 0; i < r->nt; i++) {
		struct rtask *t = &r->t[i];
		bx_buf_printf(b, "%s{\"task\":%lld,\"image\":", i ? "," : "", (long long)t->id);
		bx_json_put_str(b, t->image);
		bx_buf_printf(b, ",\"judgments\":%d,\"agreement\":", t->nj);
		num_or_null(b, t->has_agree, t->agree);
		bx_buf_printf(b, ",\"needs_review\":%s,\"gold\":%s,\"gold_accuracy\":",
		    t->has_agree && t->agree < r->bar - 1e-12 ? "true" : "false",
		    t->has_gold ? "true" : "false");
		num_or_null(b, t->has_gold_acc, t->gold_acc);
		bx_buf_puts(b, ",\"disagreeing\":[");
		for (k = 0; k < t->nj; k++) {
			struct rj *j = &t->j[k];
			if (!t->has_agree || j->extra + j->missed + j->other == 0)
				continue;
			bx_buf_printf(b, "%s{\"judgment\":%lld,\"labeler\":",
			    b->p[b->len - 1] == '[' ? "" : ",", (long long)j->id);
			bx_json_put_str(b, j->labeler);
			bx_buf_puts(b, ",\"classes\":");
			class_counts(b, &j->ans, 1);
			bx_buf_printf(b, ",\"extra\":%d,\"missed\":%d,\"other\":%d}", j->extra,
			    j->missed, j->other);
		}
		bx_buf_puts(b, "]}");
	}
	bx_buf_puts(b, "],\"classes\":[");
	for (i = 0; i < r->nc; i++) {
		struct rclass *c = &r->c[i];
		bx_buf_puts(b, i ? ",{\"class\":" : "{\"class\":");
		bx_json_put_str(b, c->name);
		bx_buf_printf(b, ",\"objects\":%ld,\"agreement_f1\":", c->objects);
		num_or_null(b, c->has_pair, c->pair_f1);
		bx_buf_puts(b, ",\"gold_f1\":");
		num_or_null(b, c->has_gold, c->gold_f1);
		bx_buf_puts(b, ",\"confused_with\":[");
		order = bx_malloc((size_t)(c->nconf + 1) * sizeof *order);
		sort_conf_desc(c, order);
		for (k = 0; k < c->nconf; k++) {
			bx_buf_puts(b, k ? ",{\"class\":" : "{\"class\":");
			bx_json_put_str(b, r->c[c->conf_k[order[k]]].name);
			bx_buf_printf(b, ",\"count\":%ld}", c->conf_n[order[k]]);
		}
		free(order);
		bx_buf_puts(b, "]}");
	}
	order = lab_rank(r);
	bx_buf_puts(b, "],\"labelers\":[");
	for (i = 0; i < r->nl; i++) {
		struct rlab *l = &r->l[order[i]];
		bx_buf_puts(b, i ? ",{\"labeler\":" : "{\"labeler\":");
		bx_json_put_str(b, l->name);
		bx_buf_printf(b, ",\"judgments\":%d,\"consensus_f1\":", l->nj);
		num_or_null(b, l->has_cons, l->cons_f1);
		bx_buf_printf(b, ",\"gold_judgments\":%d,\"gold_accuracy\":", l->ngold);
		num_or_null(b, l->has_gold, l->gold_acc);
		bx_buf_putc(b, '}');
	}
	/* Rows and columns in the ranking's order; null: no task in common. */
	bx_buf_puts(b, "],\"agreement_matrix\":[");
	for (i = 0; i < r->nl; i++) {
		double f1 = 0;
		int ok;
		bx_buf_puts(b, i ? ",[" : "[");
		for (k = 0; k < r->nl; k++) {
			if (k)
				bx_buf_putc(b, ',');
			ok = order[i] != order[k] && pair_has(r, order[i], order[k], &f1);
			num_or_null(b, ok, f1);
		}
		bx_buf_putc(b, ']');
	}
	free(order);
	bx_buf_puts(b, "]}\n");
}

static void
print_text(struct bx_buf *b, struct report *r, const struct bx_batch *bt,
           const struct bx_batch_quality *q)
{
	char n1[32], n2[32], n3[32], n4[32];
	int i, k, wi = 5, wc = 5, wl = 8, *order;

	for (i = 0; i < r->nt; i++) {
		char *z = bx_sanitize_dup(r->t[i].image);
		if (width(z) > wi)
			wi = width(z);
		free(z);
		for (k = 0; k < r->t[i].nj; k++)
			if (width(r->t[i].j[k].labeler) > wl)
				wl = width(r->t[i].j[k].labeler);
	}
	for (i = 0; i < r->nc; i++) {
		char *z = bx_sanitize_dup(r->c[i].name);
		if (width(z) > wc)
			wc = width(z);
		free(z);
	}
	wi = wi > 40 ? 40 : wi;
	wc = wc > 24 ? 24 : wc;
	wl = wl > 24 ? 24 : wl;

	bx_buf_puts(b, "calibration report: batch ");
	put_col(b, bt->name, 0, 64);
	bx_buf_printf(b, " (%s, overlap %d, %d tasks, %d with gold)\n", bt->kind, bt->overlap,
	    bt->ntasks, bt->ngold);
	bx_buf_printf(b, "agreement %s mean over %d task%s with consensus; %d under the bar %s; "
	    "alpha (image classes) %s; geometry F1 %s\n\n",
	    fmt3(n1, sizeof n1, q->has_agreement, q->agreement), q->ncomplete,
	    q->ncomplete == 1 ? "" : "s", q->nreview, bx_cli_num(n3, sizeof n3, "%g", r->bar),
	    fmt3(n2, sizeof n2, q->has_alpha, q->alpha),
	    fmt3(n4, sizeof n4, q->has_geom_f1, q->geom_f1));

	bx_buf_puts(b, "TASKS, worst agreement first\n");
	put_col(b, "IMAGE", wi + 2, wi);
	bx_buf_puts(b, "JUDGMENTS  AGREEMENT  GOLD ACC  REVIEW\n");
	for (i = 0; i < r->nt; i++) {
		struct rtask *t = &r->t[i];
		put_col(b, t->image, wi + 2, wi);
		bx_buf_printf(b, "%9d  %9s  %8s%s\n", t->nj,
		    fmt3(n1, sizeof n1, t->has_agree, t->agree),
		    fmt3(n2, sizeof n2, t->has_gold_acc, t->gold_acc),
		    t->has_agree && t->agree < r->bar - 1e-12 ? "  yes" : "");
		for (k = 0; k < t->nj; k++) {
			struct rj *j = &t->j[k];
			if (!t->has_agree || j->extra + j->missed + j->other == 0)
				continue;
			bx_buf_puts(b, "    ");
			put_col(b, j->labeler, wl + 2, wl);
			bx_buf_printf(b, "differs from consensus: %d extra, %d missed, %d other "
			    "class/attributes; said ", j->extra, j->missed, j->other);
			class_counts(b, &j->ans, 0);
			bx_buf_putc(b, '\n');
		}
	}
	if (r->nt == 0)
		bx_buf_puts(b, "(no tasks)\n");

	bx_buf_puts(b, "\nCLASSES, worst first (F1 between labelers; against gold)\n");
	put_col(b, "CLASS", wc + 2, wc);
	bx_buf_puts(b, "OBJECTS  AGREE F1  GOLD F1  CONFUSED WITH\n");
	for (i = 0; i < r->nc; i++) {
		struct rclass *c = &r->c[i];
		put_col(b, c->name, wc + 2, wc);
		bx_buf_printf(b, "%7ld  %8s  %7s", c->objects,
		    fmt3(n1, sizeof n1, c->has_pair, c->pair_f1),
		    fmt3(n2, sizeof n2, c->has_gold, c->gold_f1));
		if (c->nconf > 0)
			bx_buf_puts(b, "  ");
		order = bx_malloc((size_t)(c->nconf + 1) * sizeof *order);
		sort_conf_desc(c, order);
		for (k = 0; k < c->nconf; k++) {
			if (k)
				bx_buf_puts(b, ", ");
			put_col(b, r->c[c->conf_k[order[k]]].name, 0, 24);
			bx_buf_printf(b, " %ld", c->conf_n[order[k]]);
		}
		free(order);
		bx_buf_putc(b, '\n');
	}
	if (r->nc == 0)
		bx_buf_puts(b, "(no classes used)\n");

	order = lab_rank(r);
	bx_buf_puts(b, "\nLABELERS, worst first (accuracy against gold, then F1 against the "
	    "consensus)\n");
	put_col(b, "LABELER", wl + 2, wl);
	bx_buf_puts(b, "JUDGMENTS  CONSENSUS F1  GOLD  GOLD ACC\n");
	for (i = 0; i < r->nl; i++) {
		struct rlab *l = &r->l[order[i]];
		put_col(b, l->name, wl + 2, wl);
		bx_buf_printf(b, "%9d  %12s  %4d  %8s\n", l->nj,
		    fmt3(n1, sizeof n1, l->has_cons, l->cons_f1), l->ngold,
		    fmt3(n2, sizeof n2, l->has_gold, l->gold_acc));
	}
	if (r->nl == 0)
		bx_buf_puts(b, "(no judgments)\n");
	/* Columns are numbered after the rows so the matrix stays narrow. */
	bx_buf_puts(b, "\nAGREEMENT BETWEEN LABELERS (mean pairwise F1 over the tasks both "
	    "judged; - none)\n");
	for (i = 0; i < r->nl; i++) {
		double f1 = 0;
		int ok;
		bx_buf_printf(b, "%3d ", i + 1);
		put_col(b, r->l[order[i]].name, wl + 2, wl);
		for (k = 0; k < r->nl; k++) {
			ok = pair_has(r, order[i], order[k], &f1);
			bx_buf_printf(b, " %5s", order[i] == order[k] ? "  ·" :
			    fmt3(n1, sizeof n1, ok, f1));
		}
		bx_buf_putc(b, '\n');
	}
	if (r->nl > 0) {
		bx_buf_printf(b, "%*s", wl + 6, "");
		for (k = 0; k < r->nl; k++)
			bx_buf_printf(b, " %5d", k + 1);
		bx_buf_putc(b, '\n');
	}
	free(order);
}

static void
report_free(struct report *r)
{
	int i, k;

	for (i = 0; i < r->nt; i++) {
		for (k = 0; k < r->t[i].nj; k++) {
			free(r->t[i].j[k].labeler);
			bx_answer_free(&r->t[i].j[k].ans);
			bx_answer_free(&r->t[i].j[k].g_gold);
			bx_answer_free(&r->t[i].j[k].g_lab);
			bx_attrs_free(&r->t[i].j[k].said);
		}
		free(r->t[i].j);
		free(r->t[i].image);
		if (r->t[i].has_gold)
			bx_answer_free(&r->t[i].gold);
	}
	free(r->t);
	for (i = 0; i < r->nc; i++) {
		free(r->c[i].name);
		free(r->c[i].conf_k);
		free(r->c[i].conf_n);
	}
	free(r->c);
	for (i = 0; i < r->nl; i++)
		free(r->l[i].name);
	free(r->l);
	free(r->pair_sum);
	free(r->pair_n);
}

static int
setting_double(struct bx_store *st, const char *key, double *out)
{
	struct bx_err err = { 0 };
	char *v;
	double d;

	if (bx_store_setting_get(st, key, &v, &err) < 0)
		return bx_cli_store_fail(&err);
	if (bx_cli_parse_double(v, key, 0, 1000, &d) < 0) {
		free(v);
		return BX_EXIT_USAGE;
	}
	free(v);
	*out = d;
	return 0;
}

static int
calibration(struct bx_store *st, const char *name, int json)
{
	struct bx_err err = { 0 };
	struct report r;
	struct bx_batch bt;
	struct bx_batch_quality q;
	struct bx_buf b;
	double quorum;
	int i, rc;

	memset(&r, 0, sizeof r);
	if (bx_store_batch_get(st, name, &bt, &err) < 0)
		return bx_cli_store_fail(&err);
	if (bx_store_score_opts(st, &r.opts, &err) < 0) {
		rc = bx_cli_store_fail(&err);
		goto out;
	}
	if ((rc = setting_double(st, "quorum", &quorum)) != 0 ||
	    (rc = setting_double(st, "agreement_bar", &r.bar)) != 0)
		goto out;
	r.quorum = (int)quorum;
	if (bx_store_batch_quality(st, name, &q, &err) < 0 ||
	    bx_store_export_each(st, name, collect, &r, &err) < 0) {
		rc = bx_cli_store_fail(&err);
		goto out;
	}
	/* Against gold, answers are scored exactly as a gold submit is (a box
	 * whose attributes were left at their defaults is the box that states
	 * them). Between labelers (pairs, the consensus) they are compared as
	 * the store's merge compares them: canonical, so a labeler who leaves
	 * an attribute unset agrees with one who sets it to the default (a
	 * pair compares the globals one of the two stated: pair_score). */
	for (i = 0; i < r.nt; i++) {
		struct rtask *t = &r.t[i];
		struct bx_answer **mut = bx_malloc((size_t)(t->nj + 1) * sizeof *mut);
		int k;

		for (k = 0; k < t->nj; k++) {
			mut[k] = &t->j[k].ans;
			bx_attrs_copy(&t->j[k].said, &t->j[k].ans.global);
		}
		k = bx_store_canonical(st, mut, t->nj, &err);
		free(mut);
		if (k < 0) {
			rc = bx_cli_store_fail(&err);
			goto out;
		}
		if (!t->has_gold)
			continue;
		if (bx_store_gold_get(st, t->id, &t->gold, &err) < 0) {
			t->has_gold = 0;
			rc = bx_cli_store_fail(&err);
			goto out;
		}
		for (k = 0; k < t->nj; k++) {
			bx_answer_copy(&t->j[k].g_gold, &t->gold);
			bx_answer_copy(&t->j[k].g_lab, &t->j[k].ans);
			if (bx_store_score_policy(st, &t->j[k].g_gold, &t->j[k].g_lab, &err) < 0) {
				rc = bx_cli_store_fail(&err);
				goto out;
			}
		}
	}
	if (analyse(&r) < 0) {
		bx_cli_error("report calibration %s: too many objects to compare", bt.name);
		rc = BX_EXIT_USAGE;
		goto out;
	}
	if (r.nt > 0) /* qsort's array must not be NULL, even empty */
		qsort(r.t, (size_t)r.nt, sizeof *r.t, cmp_task);
	/* Sorting classes moves them: remap the confusion indices. */
	{
		int *old = bx_malloc((size_t)(r.nc + 1) * sizeof *old), k;
		char **names = bx_malloc((size_t)(r.nc + 1) * sizeof *names);
		for (i = 0; i < r.nc; i++)
			names[i] = r.c[i].name;
		if (r.nc > 0)
			qsort(r.c, (size_t)r.nc, sizeof *r.c, cmp_class);
		for (i = 0; i < r.nc; i++)
			for (k = 0; k < r.nc; k++)
				if (names[k] == r.c[i].name)
					old[k] = i;
		for (i = 0; i < r.nc; i++)
			for (k = 0; k < r.c[i].nconf; k++)
				r.c[i].conf_k[k] = old[r.c[i].conf_k[k]];
		free(old);
		free(names);
	}
	bx_buf_init(&b);
	if (json)
		print_json(&b, &r, &bt, &q);
	else
		print_text(&b, &r, &bt, &q);
	fputs(b.p, stdout);
	bx_buf_free(&b);
	rc = BX_EXIT_OK;
out:
	report_free(&r);
	bx_batch_free(&bt);
	return rc;
}

static int
cmd_report_exec(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "json", no_argument, NULL, 'j' },
		{ "db", required_argument, NULL, 'd' },
		{ 0, 0, 0, 0 },
	};
	const char *db = NULL;
	struct bx_store *st;
	int c, json = 0, rc;

	optind = 1;
	while ((c = getopt_long(argc, argv, "", opts, NULL)) != -1) {
		switch (c) {
		case 'j': json = 1; break;
		case 'd': db = optarg; break;
		default: return bx_cli_usage(&bx_cmd_report);
		}
	}
	if (optind >= argc)
		return bx_cli_usage(&bx_cmd_report);
	if (strcmp(argv[optind], "calibration") != 0) {
		char *z = bx_sanitize_dup(argv[optind]);
		bx_cli_error("report %s: unknown report (calibration)", z);
		free(z);
		return BX_EXIT_USAGE;
	}
	if (optind != argc - 2) {
		bx_cli_error("report calibration: give one BATCH");
		return BX_EXIT_USAGE;
	}
	if ((st = bx_cli_store_open_ro(db)) == NULL)
		return BX_EXIT_USAGE;
	rc = calibration(st, argv[optind + 1], json);
	bx_store_close(st);
	return rc;
}

const struct bx_cmd bx_cmd_report = {
	.name = "report",
	.usage = "calibration BATCH [--json] [--db FILE]",
	.summary = "which tasks and classes labelers disagree on, worst first",
	.help =
	    "  calibration BATCH   per task (worst agreement first): judgments, agreement\n"
	    "                      (mean pairwise F1), accuracy against gold where there\n"
	    "                      is gold, and each judgment that differs from the\n"
	    "                      consensus (extra / missed / other class, what it said);\n"
	    "                      per class (worst first): F1 between labelers, F1\n"
	    "                      against gold, and the classes it was confused with;\n"
	    "                      per labeler (worst first): accuracy against gold, F1\n"
	    "                      against the consensus; and a labeler x labeler matrix\n"
	    "                      of mean pairwise F1 over the tasks both judged\n"
	    "  --json              the same as one JSON object (null: undefined)\n"
	    "  --db FILE           the store (default $BOXEL_DB, else ./boxel.db)\n"
	    "  Uses the settings iou_threshold, quorum and agreement_bar.\n",
	.min_role = BX_ROLE_REVIEWER,
	.exec = cmd_report_exec,
	.remote = 1,
};
