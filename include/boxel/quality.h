/* quality.h: scoring a labeler's answer against gold, consensus across
 * several labelers' answers to one task, and agreement statistics. Pure:
 * answers in, counts out; the store and the CLI decide what to keep.
 *
 * Matching (for scoring and for agreement): boxes and polygons compare as
 * areas (IoU, a pair is allowed when IoU >= iou), points by distance (allowed
 * within point_radius pixels, similarity 1 - d / radius), image classes
 * (tags) with each other (always allowed, similarity 1). Kinds never mix.
 * Pass 1 pairs same-class objects with bx_match_assign (most pairs, then
 * largest total similarity); pass 2 pairs what is left regardless of class
 * (CVAT's order). A matched pair is TP when classes and attributes are
 * equal, else a mismatch (M); unmatched labeler objects are FP, unmatched
 * gold objects FN. */
#ifndef BOXEL_QUALITY_H
#define BOXEL_QUALITY_H

#include "boxel/annot.h"

#define BX_IOU_DEFAULT 0.5
#define BX_POINT_RADIUS_DEFAULT 10.0
#define BX_LINE_THICKNESS_DEFAULT 10.0

struct bx_score_opts {
	double iou;          /* (0, 1]: minimum IoU of a box/polygon match */
	double point_radius; /* image pixels: largest distance of a point match */
	/* image pixels: the tolerance t of line similarity (polylines match
	 * when it is >= iou; geom-polyline.c) */
	double line_thickness;
	/* Skeletons: COCO's sigma of each point, per class, looked up by the
	 * gold object's class (borrowed: the filler says how long it lives).
	 * A class not listed, or listed with another count of points, gets
	 * COCO's person sigmas for 17 points, else 0.067 each. */
	const struct bx_kpt_sigmas *sigmas;
	int nsigmas;
};
/* One skeleton class's sigmas (taxonomy "sigmas"), n of them. */
struct bx_kpt_sigmas {
	const char *cls;
	const double *sigma;
	int n;
};
void bx_score_opts_default(struct bx_score_opts *o);
/* The sigma table of t's skeleton classes (*n_out entries; NULL when
 * none), to hang on bx_score_opts: it borrows t's names and sigmas, so t
 * must outlive it. Free it with free(). */
struct bx_taxonomy;
struct bx_kpt_sigmas *bx_kpt_sigmas_of(const struct bx_taxonomy *t, int *n_out);

/* Counts, summable: a labeler's rolling window or a whole file is the sum of
 * its judgments' scores, and ratios are taken from the sums. */
struct bx_score {
	long tp, mismatch, fp, fn;
	long iou_n;          /* box/polygon matches (TP and M) */
	double iou_sum;      /* sum of their IoU */
	long tag_right;      /* judgments whose image classes were all right */
	long tag_wrong;      /* judgments with image classes, some wrong/missing/extra */
};
void bx_score_add(struct bx_score *sum, const struct bx_score *s);

/* Ratios: return 1 and store the value, or return 0 when the denominator is
 * 0 (undefined: shown as null / "-"). */
int bx_score_precision(const struct bx_score *s, double *out); /* TP/(TP+M+FP) */
int bx_score_recall(const struct bx_score *s, double *out);    /* TP/(TP+M+FN) */
int bx_score_accuracy(const struct bx_score *s, double *out);  /* TP/(TP+M+FP+FN) */
int bx_score_mean_iou(const struct bx_score *s, double *out);  /* iou_sum/iou_n */
/* F1 = 2TP/(2TP+2M+FP+FN), the harmonic mean of precision and recall;
 * returns 0 when nothing was there on either side. */
int bx_score_f1(const struct bx_score *s, double *out);

/* One object to score, borrowing the caller's memory. Boxes use x, y, w, h;
 * points x, y; polygons pts (several rings concatenated, ring_end as in
 * struct bx_shape; ring_end NULL means one ring); tags only cls. */
struct bx_qobj {
	enum bx_geom geom;
	const char *cls;
	const struct bx_attrs *attrs;  /* NULL: no attributes */
	double x, y, w, h;
	double angle;                  /* rotated boxes: x, y is the centre */
	const struct bx_pt *pts;
	int npts;
	const unsigned char *vis;      /* skeletons: COCO's v per point */
	const int *ring_end;
	int nrings;
	/* Set by bx_qobj_measure (0 from bx_qobj_from_annot or a memset: not
	 * measured, computed at each comparison): the area of an area kind. */
	int measured;
	double area;
};
/* View an annotation as a struct bx_qobj (no copy: an must outlive it). */
void bx_qobj_from_annot(struct bx_qobj *o, const struct bx_annot *an);

/* What happened to each object: gold objects are TP, M or FN; labeler
 * objects TP, M or FP. */
enum bx_verdict { BX_V_TP = 1, BX_V_MISMATCH, BX_V_FP, BX_V_FN };

/* Optional per-object detail, arrays sized by the caller (NULL to skip):
 * gold_match[i] / lab_match[j] = index on the other side or -1, gold_sim[i]
 * = similarity of gold i's match (IoU for areas), gold_verdict / lab_verdict. */
struct bx_score_detail {
	int *gold_match, *lab_match;
	double *gold_sim;
	enum bx_verdict *gold_verdict, *lab_verdict;
};

/* Scratch space reused across calls (one per thread). */
struct bx_quality_ws;
struct bx_quality_ws *bx_quality_ws_new(void);
void bx_quality_ws_free(struct bx_quality_ws *ws);

/* Measure o's area once, for an object compared with many others (a
 * consensus compares each with every cluster): a polygon's area is a sweep
 * over all its edges (67M instructions for the load test's 9,000-vertex
 * outline). */
void bx_qobj_measure(struct bx_quality_ws *ws, struct bx_qobj *o);

/* Similarity of one pair under the rules above (IoU, point similarity, 1 for
 * tags), or -1 when the pair may not be matched (other kind, under the
 * threshold). Class is not looked at. */
double bx_qobj_sim(struct bx_quality_ws *ws, const struct bx_qobj *a, const struct bx_qobj *b,
                   const struct bx_score_opts *opts);

/* Gold x labeler objects of one answer that one call accepts: keeps the
 * similarity matrix (two of them, 8 bytes a pair) and the assignment's
 * worst case bounded. Real images have at most a few thousand objects. */
#define BX_SCORE_MAX_PAIRS 4000000.0

/* Score lab against gold. *out is overwritten (not added to). Returns 0,
 * BX_EINVAL when opts are out of range, BX_ELIMIT past BX_SCORE_MAX_PAIRS. */
int bx_score_objs(struct bx_quality_ws *ws, const struct bx_qobj *gold, int ngold,
                  const struct bx_qobj *lab, int nlab, const struct bx_score_opts *opts,
                  struct bx_score *out, struct bx_score_detail *detail);
/* The same for two answers (annotation i of an answer is object i), plus
 * the answers' global (per-image) attributes by bx_score_globals. detail
 * covers the objects only. */
int bx_score_answer(struct bx_quality_ws *ws, const struct bx_answer *gold,
                    const struct bx_answer *lab, const struct bx_score_opts *opts,
                    struct bx_score *out, struct bx_score_detail *detail);
/* Adds global attributes to *out, one scored item per key of gold: TP when
 * lab has the same value, M when another, FN when lab lacks the key. With
 * symmetric, each key only lab has is FP (agreement, where neither side is
 * the reference); without, it is not counted. Pass answers in canonical
 * form (defaults filled) so an unset default equals the default. */
void bx_score_globals(const struct bx_attrs *gold, const struct bx_attrs *lab, int symmetric,
                      struct bx_score *out);

/* Consensus over n judgments of one task (consensus.c).
 *
 * Clustering: judgments are taken in order; the objects of judgment k are
 * assigned to the clusters built so far by bx_match_assign, regardless of
 * class: an object may join a cluster when it could be matched with every
 * member (same kind, IoU >= iou, points within point_radius: complete
 * linkage), with the mean similarity to the members as the pair's
 * similarity; objects left over start new clusters. Tags are
 * clustered by class name. A cluster is kept when it has members from at
 * least quorum judgments. Its class is the most frequent class among its
 * members (ties: the smallest by strcmp); its attributes are those of the
 * first member (in judgment order) that has that class. Global (per-image)
 * attributes: each key any judgment sets takes the value most judgments
 * that set it agree on (weighted: the largest summed weight; ties: the first
 * in judgment order), so it is present even below quorum. Geometry: all boxes
 * -> the mean of x, y, w, h; otherwise the medoid, the member with the
 * highest mean IoU to the others (ties: the first); points -> the mean.
 *
 * Agreement: F1 of every pair of judgments (one scored as gold against the
 * other; symmetric) over objects, averaged; two empty judgments agree
 * (F1 = 1); global attributes have their own alpha. A single
 * judgment has agreement 1. */
struct bx_consensus {
	struct bx_answer answer;  /* owned: bx_consensus_free */
	double agreement;         /* mean pairwise F1, all objects and tags */
	int npairs;               /* judgment pairs averaged */
	double geom_f1_sum;       /* sum of pairwise F1 over geometry only ... */
	int geom_pairs;           /* ... over pairs where either side has geometry */
	int nclusters;            /* clusters formed (kept or not) */
	/* Who made each object of answer (owned): member[i * njudgments + k]
	 * is the index in judgment k's annotations of answer object i's
	 * member from judgment k, or -1 (none; always -1 for image classes).
	 * Batch-wide aggregation (Dawid-Skene) reads the class votes here. */
	int *member;
	int njudgments;
};
void bx_consensus_free(struct bx_consensus *c);
/* quorum <= 0 means a strict majority (n / 2 + 1). */
int bx_consensus_run(struct bx_quality_ws *ws, const struct bx_answer *const *judgments, int n,
                     int quorum, const struct bx_score_opts *opts, struct bx_consensus *out);
/* The same with judgment k's class vote weighing weights[k] (>= 0; NULL:
 * 1 each) when a cluster's class is chosen: the class with the largest
 * summed weight wins (ties: the smallest by strcmp). Which objects are
 * kept (quorum), geometry and agreement do not depend on weights. Global
 * attributes are chosen by the same weights. */
int bx_consensus_run_weighted(struct bx_quality_ws *ws, const struct bx_answer *const *judgments,
                              const double *weights, int n, int quorum,
                              const struct bx_score_opts *opts, struct bx_consensus *out);

/* Krippendorff's alpha for nominal data. Unit u holds the values
 * values[unit_off[u] .. unit_off[u + 1]) (one per coder who coded it;
 * missing coders simply absent). Units with fewer than two values are not
 * pairable and ignored. Returns 1 and sets *alpha, or 0 when alpha is
 * undefined (fewer than two pairable values, or a single category used:
 * no expected disagreement). */
int bx_kalpha_nominal(const int *values, const int *unit_off, int nunits, double *alpha);
/* The same over image classes: unit u's judgments are
 * judgments[unit_off[u] .. unit_off[u + 1]); a judgment's value is its set
 * of tag classes (an empty set is a value too). */
int bx_kalpha_tags(const struct bx_answer *const *judgments, const int *unit_off, int nunits,
                   double *alpha);
/* The same over global (per-image) attributes: each key a judgment of task
 * u sets is a unit, whose values are the values the task's judgments give
 * it (a judgment without the key is a missing coder). Pass answers in
 * canonical form. */
int bx_kalpha_globals(const struct bx_answer *const *judgments, const int *unit_off, int nunits,
                      double *alpha);

#endif
