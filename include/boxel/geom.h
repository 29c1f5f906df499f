/* geom.h: geometry kinds as one table. Each kind (box, polygon, point,
 * tag, ...) is one descriptor in its own file (src/geom-<kind>.c) listed
 * once in boxel/geom-kinds.def; code elsewhere asks the table what a kind's
 * JSON looks like, how it is drawn, where its handles are, how it moves,
 * how it is compared and merged, what other tools call it, and how its
 * drawing tools place it (struct bx_geom_tool: key, placement, mouse),
 * instead of switching on the kind. Adding a kind of an existing form =
 * its file and its line at the end of geom-kinds.def (the enum value,
 * the table entry and the build's source list come from that line); a
 * new form (as the skeleton's per-point visibility) also
 * teaches the codec and the layers that read it.
 *
 * Pure: no I/O, no curses, no SQL, no JSON library (the codec reads the
 * form fields and does the JSON itself). Drawing goes into a display
 * raster through a pen that maps image pixels to display pixels. */
#ifndef BOXEL_GEOM_H
#define BOXEL_GEOM_H

#include <stddef.h>
#include <stdint.h>

#include "boxel/annot.h"

struct bx_raster;
struct bx_yolo_map;
struct bx_voc_map;
struct bx_cvat_map;

/* Where a kind keeps its coordinates in struct bx_annot and how its JSON
 * value looks. */
enum bx_geom_form {
	BX_FORM_NONE = 0, /* no coordinates (image-level class) */
	BX_FORM_BOX,      /* x, y, w, h; JSON [x, y, w, h], w, h >= 0 */
	BX_FORM_POINT,    /* pts[0]; JSON [x, y] */
	BX_FORM_POINTS,   /* pts[0 .. npts), npts >= min_pts; JSON [[x, y], ...] */
	BX_FORM_RBOX,     /* centre x, y, two sizes w, h >= 0, angle: 5 numbers in JSON
	                   * (form_hint names them) */
	BX_FORM_RINGS,    /* pts in rings (ring_end, nrings >= 1, each >= min_pts);
	                   * JSON [[[x, y], ...], ...] */
	BX_FORM_KPTS,     /* pts[0 .. npts) with vis[]; JSON [[x, y, v], ...] (COCO's
	                   * v: 0 not labeled, at 0, 0; 1 occluded; 2 visible) */
};

/* How objects are compared: only kinds of one family are matched against
 * each other (a box with a polygon by area IoU; a point with a point). */
enum bx_geom_family {
	BX_FAM_NONE = 0,
	BX_FAM_TAG,   /* image classes: compared by class only */
	BX_FAM_AREA,  /* region IoU */
	BX_FAM_POINT, /* distance within a radius */
	BX_FAM_LINE,  /* the kind's similarity at a line thickness */
	BX_FAM_KPTS,  /* COCO's object keypoint similarity (OKS) */
};

enum bx_pen_style {
	BX_PEN_PLAIN = 0, /* an object: halo, then its class color */
	BX_PEN_SELECTED,  /* the selected object: as plain, areas tinted */
	BX_PEN_GOLD,      /* a gold reference: dashed, no halo, no fill */
};

/* Draws into r; to_x/to_y map image pixels to display pixels. */
struct bx_geom_pen {
	struct bx_raster *r;
	double (*to_x)(const void *ctx, double x);
	double (*to_y)(const void *ctx, double y);
	const void *ctx;
	uint32_t color, halo;
	int dash;
	enum bx_pen_style style;
	/* A skeleton's edges from its class: pairs of point indices (0-based),
	 * nedges pairs; NULL when the class declares none. */
	const int *edges;
	int nedges;
};

/* Export formats, as bits of struct bx_geom_kind.formats. JSONL (boxel's
 * own answers) holds every kind. */
enum {
	BX_FMT_COCO = 1 << 0,
	BX_FMT_YOLO = 1 << 1,
	BX_FMT_VOC = 1 << 2,
	BX_FMT_LS = 1 << 3,
	BX_FMT_SCALE = 1 << 4,
	BX_FMT_CVAT = 1 << 5,
	BX_FMT_ALL = (1 << 6) - 1,
};

/* How a drawing tool takes its places (crosshair positions, clicks). */
enum bx_place {
	BX_PLACE_CORNERS = 0, /* two opposite corners of an upright box (box-like:
	                       * a rubber band while drawing; the mouse may drag) */
	BX_PLACE_VERTICES,    /* vertex after vertex; Enter ends it (a closed kind:
	                       * also the first vertex again) */
	BX_PLACE_COUNT,       /* a fixed number of places in order, then made */
	BX_PLACE_RINGS,       /* rings of vertices (an object in parts): back on a
	                       * ring's first vertex, or Enter, closes it and starts
	                       * the next; Enter on the new, empty ring (or back on
	                       * the closed ring's first vertex) makes the object */
};

/* Most points a tool's make hook writes into its buffer. */
#define BX_TOOL_PTS 8

/* A drawing tool of the labeling view. The generic editing code
 * (edit.c, label-keys.c, label-mouse.c, label-image.c, fmt-draft.c) asks
 * this instead of naming tools: a new kind brings its own. */
struct bx_geom_tool {
	const char *name;  /* drafts and the status line: "box", "extreme" */
	int key;           /* its key in the labeling view (tty.h code); a class
	                    * hotkey on it wins unless it is a reserved key */
	const char *help;  /* that key's line in the help */
	enum bx_place place;
	int npts;          /* BX_PLACE_COUNT: how many places make it (0: as many
	                    * as the class names points, struct bx_edit's kpts) */
	int drag;          /* the mouse drags it out (else each click places) */
	int tighten;       /* T (tighten every box as drawn) applies */
	int snap_extreme;  /* each place snaps to the object's extreme point on
	                    * its side (left, top, right, bottom: label-assist.c) */
	/* Make the object from the places pend[0 .. n). an arrives with
	 * its kind set, and for BX_PLACE_CORNERS with x, y, w, h of the
	 * upright box the corners span; for BX_PLACE_VERTICES and
	 * BX_PLACE_COUNT its pts are pend. an->pts may point into buf (BX_TOOL_PTS points). Returns 0,
	 * or -1 with why the places make nothing (they are dropped). NULL:
	 * an is the object as it arrives. */
	int (*make)(struct bx_annot *an, const struct bx_pt *pend, const unsigned char *vis, int n,
	            struct bx_pt *buf, double img_w, double img_h, char *why, size_t whyn);
	/* The status line's note while n of want places are down; next is
	 * the class's name of the next one, or NULL (NULL hook: no note). */
	void (*status)(int n, int want, const char *next, char *buf, size_t len);
};

/* A conversion into a kind, declared by that kind: on import, an object
 * of kind from whose class does not allow from but allows this kind (the
 * first such kind in table order with a conversion from it that fits;
 * fallbacks only when no other conversion fits). */
struct bx_geom_conv {
	enum bx_geom from;
	/* Append an (of kind from) to out as objects of this kind: returns
	 * how many (0: it does not fit; nothing appended). */
	int (*convert)(const struct bx_annot *an, struct bx_answer *out);
	/* NULL: the object is kept whole; else what the conversion loses, the
	 * import report's line counting the objects so converted. */
	const char *loss;
	/* Tried only after every other kind the class draws declined: the
	 * least specific form (a box as a polygon, where a class drawing
	 * rotated boxes too should get the rotated box). */
	int fallback;
};

struct bx_geom_kind {
	enum bx_geom id;         /* one bit: classes allow a mask of kinds */
	const char *name;        /* JSON key, taxonomy name, store column value */
	const char *vertex;      /* what one of its points is called in messages */
	char letter;             /* the class pane's shorthand */
	enum bx_geom_form form;
	int min_pts;             /* BX_FORM_POINTS: fewest points */
	int max_pts;             /* BX_FORM_POINTS: most points (0: max_vertices) */
	int closed;              /* BX_FORM_POINTS: the last vertex joins the first */
	const char *form_hint;   /* BX_FORM_RBOX: "[cx, cy, w, h, angle]" */
	enum bx_geom_family family;
	/* Its drawing tools, the first the one picking a class switches to
	 * (NULL: none, or no second one). */
	const struct bx_geom_tool *tools[2];
	int major_handles;       /* handles shown unless grabbed: [0, major); 0: all */

	/* One line for the side pane: "box 10,20 30x40". */
	void (*describe)(const struct bx_annot *an, char *buf, size_t n);
	/* Why an (already well-formed) annotation does not fit a width x
	 * height image, into why; 0 when it fits. */
	int (*check)(const struct bx_annot *an, int width, int height, char *why, size_t n);
	void (*bounds)(const struct bx_annot *an, double *x, double *y, double *w, double *h);
	void (*translate)(struct bx_annot *an, double dx, double dy);
	/* Clip an (reaching outside it, as model suggestions often do by a
	 * pixel) to the width x height image. NULL: the kind cannot be clipped
	 * and stay itself (a rotated box cut by the image's edge is no rotated
	 * box): such a suggestion is dropped, and the import says so. */
	void (*clip)(struct bx_annot *an, int width, int height);
	int (*nhandles)(const struct bx_annot *an);
	void (*handle_pos)(const struct bx_annot *an, int h, double *x, double *y);
	/* Move handle h by dx, dy, staying inside the img_w x img_h image. */
	void (*move_handle)(struct bx_annot *an, int h, double dx, double dy, double img_w,
	                    double img_h);
	void (*draw)(const struct bx_geom_pen *pen, const struct bx_annot *an);
	/* Consensus: out (a copy of m[0]) becomes the mean of m[0 .. n), all of
	 * this kind. NULL: the cluster's medoid is kept instead. */
	void (*average)(struct bx_annot *out, const struct bx_annot *const *m, int n);
	/* BX_FORM_RBOX: its outline from the five numbers, as a ring of at
	 * most BX_GEOM_RING_MAX vertices into out; returns how many. */
	int (*ring)(double x, double y, double w, double h, double angle, struct bx_pt *out);
	/* BX_FORM_RBOX: the exact IoU of two objects of this kind, from their
	 * five numbers x, y, w, h, angle (NULL: through their rings, which
	 * are exact for a rotated box). */
	double (*iou_same)(const double a[5], const double b[5]);
	/* BX_FAM_AREA with BX_FORM_POINTS: the region is not the vertex ring
	 * but this outline of pts (n < BX_GEOM_RING_MAX; writes at most n + 1
	 * vertices into out; returns how many make the ring). */
	int (*outline)(const struct bx_pt *pts, int n, struct bx_pt *out);
	/* Turn by deg degrees clockwise (NULL: the kind does not turn). */
	void (*rotate)(struct bx_annot *an, double deg);
	/* BX_FAM_LINE: similarity in [0, 1] of two vertex lists at a
	 * tolerance of scale image pixels. */
	double (*similarity)(const struct bx_pt *a, int na, const struct bx_pt *b, int nb,
	                     double scale);
	/* Conversions into this kind (import), ended by one with a NULL
	 * convert; NULL: none. */
	const struct bx_geom_conv *convert_from;

	/* The export formats that hold it (BX_FMT_*); export leaves the rest
	 * out with a warning. */
	int formats;
	/* Label Studio: its result type and hooks (boxel/fmt-ls-map.h). */
	const struct bx_ls_map *ls;
	/* Scale: its annotation type and hooks (boxel/fmt-scale-map.h). */
	const struct bx_scale_map *scale;
	/* YOLO label lines (boxel/fmt-yolo-map.h); NULL: no YOLO task holds it. */
	const struct bx_yolo_map *yolo;
	/* Pascal VOC <bndbox> (boxel/fmt-voc-map.h); NULL: VOC cannot hold it. */
	const struct bx_voc_map *voc;
	/* CVAT for images XML (boxel/fmt-cvat-map.h). */
	const struct bx_cvat_map *cvat;
};

/* The kind of g, or NULL for a value no kind has. */
const struct bx_geom_kind *bx_geom_kind(enum bx_geom g);
/* The kind named name, or NULL. */
const struct bx_geom_kind *bx_geom_by_name(const char *name);
/* The i-th kind in table order (0 ..), NULL past the end. */
const struct bx_geom_kind *bx_geom_at(int i);
/* "box, polygon, point, tag" (the names of kinds passing filter, or all
 * when filter is NULL, joined by sep and, before the last, last) into buf. */
void bx_geom_list(char *buf, size_t n, const char *sep, const char *last,
                  int (*filter)(const struct bx_geom_kind *k));

/* Drawing tools, numbered in table order (each kind's in its order): the
 * i-th tool, NULL past the end; the kind it draws; its number by name or
 * by key (-1: none); its name ("?" for none); the first tool of kind g
 * (-1: none). Tool 0 is the box tool. */
const struct bx_geom_tool *bx_tool_at(int t);
const struct bx_geom_kind *bx_tool_kind(int t);
int bx_tool_from_name(const char *name);
int bx_tool_by_key(int key);
const char *bx_tool_name(int t);
int bx_tool_of_kind(enum bx_geom g);

/* "a" or "an" before the kind's name in messages. */
const char *bx_geom_article(enum bx_geom g);

/* Helpers the kinds share (geom-table.c). */
void bx_geom_pts_bounds(const struct bx_annot *an, double *x, double *y, double *w, double *h);
void bx_geom_pts_translate(struct bx_annot *an, double dx, double dy);
/* Clip: every vertex moved onto the image's nearest edge. */
void bx_geom_pts_clip(struct bx_annot *an, int width, int height);
double bx_geom_clamp(double v, double lo, double hi);
/* Kinds made of vertices (geom-polygon.c): every vertex inside the image
 * (noun names one in the message); move vertex h; vertices as display x,y
 * pairs shifted by off (caller frees). */
int bx_geom_pts_check(const struct bx_annot *an, const char *noun, int width, int height,
                      char *why, size_t n);
int bx_geom_pts_nhandles(const struct bx_annot *an);   /* one per vertex */
void bx_geom_pts_handle_pos(const struct bx_annot *an, int h, double *x, double *y);
void bx_geom_pts_move(struct bx_annot *an, int h, double dx, double dy, double img_w,
                      double img_h);
double *bx_geom_pts_xy(const struct bx_geom_pen *p, const struct bx_annot *an, double off);
/* Draw the ring or line pts[0 .. n) in the pen's style (closed: a ring,
 * tinted when selected), as every outline kind does. */
void bx_geom_draw_outline(const struct bx_geom_pen *p, const struct bx_pt *pts, int n,
                          int closed);
/* Kinds placed by a centre and an angle (rotated box, ellipse): move the
 * centre; turn by deg, the angle kept in (-180, 180]. */
void bx_geom_centre_translate(struct bx_annot *an, double dx, double dy);
void bx_geom_turn(struct bx_annot *an, double deg);
/* A rotated box's corners (geom-rbox.c): top-left, top-right,
 * bottom-right, bottom-left of the unturned box, turned by angle degrees
 * clockwise about the centre (cx, cy). */
void bx_geom_rbox_corners(double cx, double cy, double w, double h, double angle,
                          struct bx_pt out[4]);
/* An ellipse (geom-ellipse.c) as a ring of BX_ELLIPSE_RING vertices with
 * the ellipse's area (the radii scaled so the polygon's area is pi rx ry):
 * what area overlap uses until an exact ellipse IoU is merged. The ring
 * strays from the curve by under 0.2% of the larger radius. */
#define BX_ELLIPSE_RING 64
#define BX_GEOM_RING_MAX BX_ELLIPSE_RING
void bx_geom_ellipse_ring(double cx, double cy, double rx, double ry, double angle,
                          struct bx_pt out[BX_ELLIPSE_RING]);

#endif
