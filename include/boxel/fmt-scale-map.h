/* fmt-scale-map.h: how a geometry kind is written into and read from a
 * Scale-style task's response: each kind's descriptor (src/geom-<kind>.c)
 * points at its struct bx_scale_map (struct bx_geom_kind.scale; NULL: a
 * Scale export cannot hold the kind and leaves it out with a line).
 * fmt-scale.c does the rest (tasks, attributes, score, uuid) and defines
 * the helpers below, which keep Scale's conventions in one place: pixels,
 * origin top-left; vertex lists of {x, y}; an ellipse as the ends of its
 * axes; a cuboid as its front face and one side's two corners.
 *
 * One annotation type may be shared by several kinds: the reader offers an
 * annotation to the read hook of each kind of that type in table order,
 * and the first that does not decline takes it. A kind with a map but no
 * read hook is written as another kind's type (note says how) and reads
 * back as that kind; the importer's class rules may turn it back (a
 * rotated box's 4-corner polygon, for a class allowing rotated boxes but
 * not polygons). Such a kind is not one Scale holds: its BX_FMT_SCALE bit
 * is clear, as it is for kinds without a map. */
#ifndef BOXEL_FMT_SCALE_MAP_H
#define BOXEL_FMT_SCALE_MAP_H

#include <stddef.h>

#include "boxel/annot.h"
#include "boxel/util.h"

/* An annotation object as the read hooks see it (fmt-scale.c). */
struct bx_scale_in;

struct bx_scale_map {
	/* The annotation's "type". NULL, with no hooks: the kind is the
	 * image's class, no region (the tag): the response's "tags" list. */
	const char *type;
	/* The geometry keys of an after its "label", each with its comma:
	 * ,"left":10,"top":20,... */
	void (*write)(struct bx_buf *b, const struct bx_annot *an);
	/* An annotation of type into an, which arrives with its kind and
	 * class set. Returns 0 (taken), 1 (not this kind's: the next kind of
	 * the type is asked), or -1 with why: the rest of a message after
	 * ".response.annotations[i]" (".vertices: ..."). */
	int (*read)(const struct bx_scale_in *in, struct bx_annot *an, char *why, size_t n);
	/* Export: 0 if an cannot be written so that it reads back the same
	 * (NULL: every one can); those are left out with the line "left out N
	 * <kind>s: <unfit> (jsonl can hold them)". */
	int (*fits)(const struct bx_annot *an);
	const char *unfit;
	/* Written as another kind's type (read is NULL): the export's note
	 * line after "wrote N ", for one and for several. */
	const char *note[2];
};

/* Writing: ,"key":v for each of n keys and numbers. */
void bx_scale_put_nums(struct bx_buf *b, const char *const *keys, const double *v, int n);
/* ,"vertices":[{"x":..,"y":..}, ...]: names[i] (names NULL: none) as each
 * vertex's "description"; sig12: computed vertices, written with 12
 * significant digits, so that what Scale gave comes back as the same text. */
void bx_scale_put_vertices(struct bx_buf *b, const struct bx_pt *pts, int n,
                           const char *const *names, int sig12);

/* Reading: the annotation's key as a finite number, or -1. */
int bx_scale_num(const struct bx_scale_in *in, const char *key, double *out);
/* Its "vertices": at least min {x, y} into *pts (the caller frees) and
 * *npts, or -1 with why. */
int bx_scale_vertices(const struct bx_scale_in *in, int min, struct bx_pt **pts, int *npts,
                      char *why, size_t n);
/* Its "vertices": exactly n {x, y} into pts; names (NULL: in order) are
 * their descriptions, each once, in any order, pts[i] the one named
 * names[i]. what and hint complete the message for a wrong count:
 * "vertices: <what> has <n> {x, y}<hint>". 0, or -1 with why. */
int bx_scale_fixed_vertices(const struct bx_scale_in *in, int n, const char *const *names,
                            const char *what, const char *hint, struct bx_pt *pts, char *why,
                            size_t whysz);

/* Scale's ellipse: the ends of its axes, the top, right, bottom and left
 * ones of the upright ellipse, turned with it; back, -1 when they are
 * not the ends of two perpendicular axes through one centre (within a
 * pixel and a degree: Scale may round vertices to whole pixels). */
void bx_scale_ellipse_vertices(const struct bx_annot *an, struct bx_pt v[4]);
int bx_scale_ellipse_of(const struct bx_pt v[4], struct bx_annot *an);

/* Scale's 2D cuboid: its six vertices' descriptions; the eight vertices
 * (front face top-left, top-right, bottom-right, bottom-left, then the
 * back face so) of six, the back face being the front moved as the side's
 * edges move it; the six Scale is given for an 8-vertex cuboid. */
extern const char *const bx_scale_cuboid_names[6];
void bx_scale_cuboid_of(const struct bx_pt six[6], struct bx_pt eight[8]);
void bx_scale_cuboid_six(const struct bx_annot *an, struct bx_pt six[6]);
/* 1 if the 8-vertex cuboid an is one Scale holds: its back face is its
 * front face moved, the top corners as the top edge of the side it
 * shows, the bottom ones as the bottom edge (within 1e-6 px); Scale keeps
 * the front face and that side's two corners, and reading them back gives
 * the same 8. */
int bx_scale_cuboid_fits(const struct bx_annot *an);

#endif
