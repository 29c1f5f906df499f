/* geom-tag.c: an image-level class. No coordinates, nothing to draw or
 * move; compared by class only. */
#include <stdio.h>

#include "boxel/fmt-ls-map.h"
#include "boxel/fmt-scale-map.h"
#include "boxel/fmt-cvat-map.h"
#include "boxel/geom.h"

static void
describe(const struct bx_annot *an, char *buf, size_t n)
{
	(void)an;
	snprintf(buf, n, "image class");
}

static int
check(const struct bx_annot *an, int width, int height, char *why, size_t n)
{
	(void)an, (void)width, (void)height, (void)why, (void)n;
	return 0;
}

static void
bounds(const struct bx_annot *an, double *x, double *y, double *w, double *h)
{
	(void)an;
	*x = *y = *w = *h = 0;
}

static void
translate(struct bx_annot *an, double dx, double dy)
{
	(void)an, (void)dx, (void)dy;
}

static int
nhandles(const struct bx_annot *an)
{
	(void)an;
	return 0;
}

static void
draw(const struct bx_geom_pen *p, const struct bx_annot *an)
{
	(void)p, (void)an;
}

/* An image's classes: Label Studio's one "choices" result of the
 * image_class control; Scale's response "tags". No hooks: not regions. */
static const struct bx_ls_map ls_map = {
	.type = "choices",
	.control = "image_class",
	.tag = "Choices",
};

static const struct bx_scale_map scale_map = { 0 };
/* CVAT's <tag>: an image-level label. */
static void
cvat_write(const struct bx_cvat_out *o, const struct bx_annot *an)
{
	bx_cvat_open(o, 2, "tag", an->cls, 0, 0);
	bx_cvat_body(o, an, 0);
	bx_cvat_end(o, 2, "tag");
}

static int
cvat_read(const struct bx_xml_node *e, const struct bx_class *cls, struct bx_annot *an,
          char *why, size_t n)
{
	(void)e;
	(void)cls;
	(void)why;
	(void)n;
	an->geom = BX_GEOM_TAG;
	return 1;
}

static const struct bx_cvat_map cvat_map = { "tag", 0, cvat_write, cvat_read };

const struct bx_geom_kind bx_geom_tag = {
	.id = BX_GEOM_TAG,
	.name = "tag",
	.vertex = "point",
	.letter = 't',
	.form = BX_FORM_NONE,
	.family = BX_FAM_TAG,
	.describe = describe,
	.check = check,
	.bounds = bounds,
	.translate = translate,
	.nhandles = nhandles,
	.draw = draw,
	/* YOLO and VOC label objects only, never the whole image */
	.formats = BX_FMT_ALL & ~(BX_FMT_YOLO | BX_FMT_VOC),
	.ls = &ls_map,
	.scale = &scale_map,
	.cvat = &cvat_map,
};
