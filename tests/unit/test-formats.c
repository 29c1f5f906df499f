/* test-formats.c: each reader and writer on hand-made inputs with
 * hand-computed expectations: COCO (areas, polygons, points, RLE fallback,
 * results), YOLO normalization, VOC 1-based indices, Label Studio percent,
 * Scale-style; every writer's output read back gives the same dataset. */
#include "boxel/codec.h"
#include "boxel/fmt-voc-map.h"
#include "boxel/formats.h"
#include "boxel/geom.h"
#include "boxel/util.h"
#include "harness.h"

static const char *coco_gt =
    "{\"info\": {}, \"images\": [\n"
    "  {\"id\": 7, \"file_name\": \"a/cat.png\", \"width\": 640, \"height\": 480},\n"
    "  {\"id\": 3, \"file_name\": \"b.jpg\", \"width\": 100, \"height\": 50,\n"
    "   \"attributes\": {\"scene\": \"indoor\"}, \"tags\": [\"dark\"]}],\n"
    " \"categories\": [{\"id\": 5, \"name\": \"cat\"}, {\"id\": 1, \"name\": \"cup\"}],\n"
    " \"annotations\": [\n"
    "  {\"id\": 1, \"image_id\": 7, \"category_id\": 5, \"bbox\": [10, 20, 30.5, 40], \"area\": 1220, \"iscrowd\": 0,\n"
    "   \"attributes\": {\"pose\": \"sitting\", \"occluded\": true}},\n"
    "  {\"id\": 2, \"image_id\": 3, \"category_id\": 1, \"bbox\": [0, 0, 10, 10],\n"
    "   \"segmentation\": [[0, 0, 10, 0, 10, 10], [20, 20, 30, 20, 30, 30, 20, 30]]},\n"
    "  {\"id\": 3, \"image_id\": 3, \"category_id\": 1, \"bbox\": [1, 2, 3, 4],\n"
    "   \"segmentation\": {\"counts\": \"abc\", \"size\": [50, 100]}, \"iscrowd\": 1},\n"
    "  {\"id\": 4, \"image_id\": 7, \"category_id\": 5, \"bbox\": [5, 6, 0, 0], \"keypoints\": [5, 6, 2], \"num_keypoints\": 1},\n"
    "  {\"id\": 5, \"image_id\": 7, \"category_id\": 1, \"bbox\": [1, 1, 2, 2], \"score\": 0.25}\n"
    " ]}\n";

static void
test_coco_read(void)
{
	struct bx_dataset ds;
	struct bx_err err = {0};
	const struct bx_ds_image *a, *b;

	CASE("coco gt");
	CHECK_INT(bx_coco_read(coco_gt, "gt.json", &ds, &err), 0);
	CHECK_INT(ds.nerrors, 0);
	CHECK_INT(ds.n, 2);
	CHECK_INT(ds.nclasses, 2);
	CHECK_STR(ds.classes[0], "cat");
	CHECK_INT(ds.class_ids[0], 5);
	CHECK_INT(bx_dataset_find(&ds, 3), 1);
	CHECK_INT(bx_dataset_find(&ds, 4), -1);
	a = &ds.img[0];
	b = &ds.img[1];
	CHECK_STR(a->file_name, "a/cat.png");
	CHECK_INT(a->width, 640);
	CHECK_INT(a->ans.n, 3);                      /* box, point, suggestion */
	CHECK_INT(a->ans.a[0].geom, BX_GEOM_BOX);
	CHECK_STR(a->ans.a[0].cls, "cat");
	CHECK_NEAR(a->ans.a[0].w, 30.5, 0);
	CHECK_INT(a->ans.a[0].attrs.n, 2);
	CHECK(bx_attrs_get(&a->ans.a[0].attrs, "occluded")->type == BX_VAL_BOOL);
	CHECK_INT(a->ans.a[1].geom, BX_GEOM_POINT);
	CHECK_NEAR(a->ans.a[1].pts[0].y, 6, 0);
	CHECK_INT(a->ans.a[2].flags, BX_ANNOT_SUGGESTION);
	CHECK_NEAR(a->ans.a[2].score, 0.25, 0);
	CHECK_STR(a->ans.a[2].cls, "cup");
	/* image b: tag first, then one multipolygon of the annotation's two
	 * polygons; the RLE crowd is not an object (a loss) */
	CHECK_INT(b->ans.n, 2);
	CHECK_INT(ds.nlosses, 1);
	CHECK(ds.nlosses == 1 && strstr(ds.loss[0], "crowd regions") != NULL && ds.nlost[0] == 1);
	CHECK_INT(b->ans.a[0].geom, BX_GEOM_TAG);
	CHECK_STR(b->ans.a[0].cls, "dark");
	CHECK_INT(b->ans.a[1].geom, BX_GEOM_MULTIPOLYGON);
	CHECK_INT(b->ans.a[1].nrings, 2);
	CHECK_INT(b->ans.a[1].npts, 7);
	CHECK(b->ans.a[1].nrings == 2 && b->ans.a[1].ring_end[0] == 3 &&
	      b->ans.a[1].ring_end[1] == 7);
	CHECK(b->ans.a[1].npts == 7 && b->ans.a[1].pts[5].x == 30);
	CHECK_STR(bx_attrs_get(&b->ans.global, "scene")->str, "indoor");
	bx_dataset_free(&ds);
}

/* One bad item each: the message names it; the other items survive. */
static const struct {
	const char *name, *ann, *want;
} coco_bad[] = {
	{ "RLE runs short of the size", "{\"image_id\":1,\"category_id\":1,\"segmentation\":"
	  "{\"counts\":[1,2],\"size\":[2,2]}}",
	  "x.json: annotations[1].segmentation.counts: the runs cover 3 pixels, size 2x2 has 4" },
	{ "RLE string not compressed RLE", "{\"image_id\":1,\"category_id\":1,\"segmentation\":"
	  "{\"counts\":\"~\",\"size\":[2,2]}}",
	  "x.json: annotations[1].segmentation.counts: not a compressed RLE string (byte 0)" },
	{ "negative width", "{\"id\":9,\"image_id\":1,\"category_id\":1,\"bbox\":[0,0,-1,2]}",
	  "x.json: annotations[1].bbox[2]: width must be >= 0" },
	{ "negative height", "{\"image_id\":1,\"category_id\":1,\"bbox\":[0,0,1,-2]}",
	  "annotations[1].bbox[3]: height must be >= 0" },
	{ "string coord", "{\"image_id\":1,\"category_id\":1,\"bbox\":[0,\"0\",1,2]}",
	  "annotations[1].bbox[1]: expected a finite number" },
	{ "short bbox", "{\"image_id\":1,\"category_id\":1,\"bbox\":[0,0,1]}", "annotations[1].bbox: expected [x, y, w, h]" },
	{ "unknown image", "{\"image_id\":99,\"category_id\":1,\"bbox\":[0,0,1,1]}",
	  "annotations[1].image_id: unknown image 99" },
	{ "unknown category", "{\"image_id\":1,\"category_id\":42,\"bbox\":[0,0,1,1]}",
	  "annotations[1].category_id: unknown category 42" },
	{ "duplicate ann id", "{\"id\":1,\"image_id\":1,\"category_id\":1,\"bbox\":[0,0,1,1]}",
	  "annotations[1].id: duplicate id 1" },
	{ "odd polygon", "{\"image_id\":1,\"category_id\":1,\"segmentation\":[[0,0,1,1,2]]}",
	  "annotations[1].segmentation[0]: a polygon needs an even number" },
	{ "2-point polygon", "{\"image_id\":1,\"category_id\":1,\"segmentation\":[[0,0,1,1]]}",
	  "annotations[1].segmentation[0]: a polygon needs" },
	{ "negative area", "{\"image_id\":1,\"category_id\":1,\"bbox\":[0,0,1,1],\"area\":-3}",
	  "annotations[1].area: expected a number >= 0" },
	{ "iscrowd 2", "{\"image_id\":1,\"category_id\":1,\"bbox\":[0,0,1,1],\"iscrowd\":2}",
	  "annotations[1].iscrowd: expected 0 or 1" },
	{ "attr null", "{\"image_id\":1,\"category_id\":1,\"bbox\":[0,0,1,1],\"attributes\":{\"a\":null}}",
	  "annotations[1].attributes.a: an attribute value must be" },
	{ "not object", "[1]", "annotations[1]: expected an object" },
	{ "no image_id", "{\"category_id\":1,\"bbox\":[0,0,1,1]}", "annotations[1].image_id: missing" },
};

static void
test_coco_bad_items(void)
{
	struct bx_dataset ds;
	struct bx_err err;
	char *text;
	size_t k;

	for (k = 0; k < BX_ARRAY_LEN(coco_bad); k++) {
		CASE(coco_bad[k].name);
		text = bx_asprintf("{\"images\":[{\"id\":1,\"file_name\":\"a.png\",\"width\":10,\"height\":10}],"
		    "\"categories\":[{\"id\":1,\"name\":\"a\"}],\"annotations\":["
		    "{\"id\":1,\"image_id\":1,\"category_id\":1,\"bbox\":[1,1,2,2]},%s]}", coco_bad[k].ann);
		CHECK_INT(bx_coco_read(text, "x.json", &ds, &err), 0);
		CHECK_INT(ds.nerrors, 1);
		CHECK_MSG(ds.nerrors == 1 && strstr(ds.errors[0], coco_bad[k].want) != NULL,
		    "got \"%s\"", ds.nerrors ? ds.errors[0] : "");
		CHECK_INT(ds.n, 1);
		CHECK_INT(ds.n ? ds.img[0].ans.n : -1, 1);   /* the good annotation stays */
		bx_dataset_free(&ds);
		free(text);
	}
}

/* What boxel cannot keep is counted by kind (the image stays); an
 * annotation without geometry is a classification of the image. */
static const struct {
	const char *name, *ann, *loss;
	int geom;     /* of the second annotation, or 0 when none is kept */
} coco_lossy[] = {
	{ "classification", "{\"image_id\":1,\"category_id\":1}", NULL, BX_GEOM_TAG },
	{ "empty RLE without bbox", "{\"image_id\":1,\"category_id\":1,\"segmentation\":"
	  "{\"counts\":[4],\"size\":[2,2]}}", "empty RLE masks dropped", 0 },
	{ "empty RLE with bbox", "{\"image_id\":1,\"category_id\":1,\"bbox\":[0,0,2,2],"
	  "\"segmentation\":{\"counts\":[100],\"size\":[10,10]}}",
	  "empty RLE masks kept as their bbox", BX_GEOM_BOX },
	{ "RLE traced", "{\"image_id\":1,\"category_id\":1,\"segmentation\":"
	  "{\"counts\":[1,3],\"size\":[2,2]}}", NULL, BX_GEOM_POLYGON },
	{ "RLE with a hole", "{\"image_id\":1,\"category_id\":1,\"segmentation\":"
	  "{\"counts\":[0,4,1,4],\"size\":[3,3]}}", "RLE masks with holes filled", BX_GEOM_POLYGON },
	{ "RLE in two parts", "{\"image_id\":1,\"category_id\":1,\"segmentation\":"
	  "{\"counts\":\"0120\",\"size\":[2,2]}}", NULL, BX_GEOM_MULTIPOLYGON },
	{ "crowd", "{\"image_id\":1,\"category_id\":1,\"bbox\":[0,0,2,2],\"iscrowd\":1,"
	  "\"segmentation\":[[0,0,1,0,1,1]]}", "crowd regions (iscrowd 1) dropped", 0 },
	{ "keypoints on a box", "{\"image_id\":1,\"category_id\":1,\"bbox\":[0,0,2,2],"
	  "\"keypoints\":[1,1,2,0,0,0]}", "keypoint sets dropped", BX_GEOM_BOX },
	{ "keypoint set without a box", "{\"image_id\":1,\"category_id\":1,"
	  "\"keypoints\":[1,1,2,2,2,1]}", "keypoint sets dropped", 0 },
	{ "one keypoint: boxel's point", "{\"image_id\":1,\"category_id\":1,\"bbox\":[1,1,0,0],"
	  "\"keypoints\":[1,1,2]}", NULL, BX_GEOM_POINT },
};

static void
test_coco_lossy(void)
{
	struct bx_dataset ds;
	struct bx_err err;
	char *text;
	size_t k;

	for (k = 0; k < BX_ARRAY_LEN(coco_lossy); k++) {
		CASE(coco_lossy[k].name);
		text = bx_asprintf("{\"images\":[{\"id\":1,\"file_name\":\"a.png\",\"width\":10,\"height\":10}],"
		    "\"categories\":[{\"id\":1,\"name\":\"a\"}],\"annotations\":["
		    "{\"id\":1,\"image_id\":1,\"category_id\":1,\"bbox\":[1,1,2,2]},%s]}", coco_lossy[k].ann);
		CHECK_INT(bx_coco_read(text, "x.json", &ds, &err), 0);
		CHECK_INT(ds.nerrors, 0);
		CHECK_INT(ds.img[0].failed, 0);
		CHECK_INT(ds.nlosses, coco_lossy[k].loss != NULL);
		if (coco_lossy[k].loss != NULL)
			CHECK_MSG(ds.nlosses == 1 && strstr(ds.loss[0], coco_lossy[k].loss) != NULL &&
			    ds.nlost[0] == 1, "got \"%s\"", ds.nlosses ? ds.loss[0] : "");
		CHECK_INT(ds.img[0].ans.n, coco_lossy[k].geom ? 2 : 1);
		if (coco_lossy[k].geom && ds.img[0].ans.n == 2)
			CHECK_INT(ds.img[0].ans.a[1].geom, coco_lossy[k].geom);
		bx_dataset_free(&ds);
		free(text);
	}
}

static const struct {
	const char *name, *text, *want;
	int fatal, nerrors;
} coco_files[] = {
	{ "syntax", "{\"images\": [}", "f.json:1:", 1, 0 },
	{ "not object", "\"x\"", "f.json:1:", 1, 0 },
	{ "no images", "{\"annotations\": []}", "f.json: images: missing", 1, 0 },
	{ "images not array", "{\"images\": {}}", "f.json: images: expected an array", 1, 0 },
	{ "no categories", "{\"images\": [], \"annotations\": [{}]}", "f.json: categories: missing", 1, 0 },
	{ "duplicate image id", "{\"images\": [{\"id\":1,\"file_name\":\"a\"},{\"id\":1,\"file_name\":\"b\"}]}",
	  "f.json: images[1].id: duplicate id 1", 0, 1 },
	{ "negative image size", "{\"images\": [{\"id\":1,\"file_name\":\"a\",\"width\":-5,\"height\":3}]}",
	  "f.json: images[0].width: -5 is not a positive whole number", 0, 1 },
	{ "fractional size", "{\"images\": [{\"id\":1,\"file_name\":\"a\",\"width\":5,\"height\":3.5}]}",
	  "images[0].height: 3.5 is not", 0, 1 },
	{ "missing file_name", "{\"images\": [{\"id\":1}]}", "images[0].file_name: expected a non-empty", 0, 1 },
	{ "duplicate category id", "{\"images\": [], \"categories\": [{\"id\":1,\"name\":\"a\"},{\"id\":1,\"name\":\"b\"}]}",
	  "f.json: categories[1].id: duplicate id 1", 0, 1 },
	{ "duplicate category name", "{\"images\": [], \"categories\": [{\"id\":1,\"name\":\"a\"},{\"id\":2,\"name\":\"a\"}]}",
	  "categories[1].name: duplicate name \"a\"", 0, 1 },
	{ "duplicate JSON key", "{\"images\": [], \"images\": []}", "f.json:1:", 1, 0 },
};

static void
test_coco_files(void)
{
	struct bx_dataset ds;
	struct bx_err err;
	size_t k;
	int rc;

	for (k = 0; k < BX_ARRAY_LEN(coco_files); k++) {
		CASE(coco_files[k].name);
		bx_err_clear(&err);
		rc = bx_coco_read(coco_files[k].text, "f.json", &ds, &err);
		if (coco_files[k].fatal) {
			CHECK_INT(rc, BX_EINVAL);
			CHECK_MSG(strstr(err.msg, coco_files[k].want) != NULL, "got \"%s\"", err.msg);
		} else {
			CHECK_INT(rc, 0);
			CHECK_INT(ds.nerrors, coco_files[k].nerrors);
			CHECK_MSG(ds.nerrors > 0 && strstr(ds.errors[0], coco_files[k].want) != NULL,
			    "got \"%s\"", ds.nerrors ? ds.errors[0] : "");
		}
		bx_dataset_free(&ds);
	}
}

static void
test_coco_results(void)
{
	struct bx_dataset gt, res, bare;
	struct bx_err err = {0};
	const char *results =
	    "[{\"image_id\": 3, \"category_id\": 5, \"bbox\": [1, 2, 3, 4], \"score\": 0.9},\n"
	    " {\"image_id\": 3, \"category_id\": 1, \"bbox\": [0, 0, 1, 1], \"score\": 0.1},\n"
	    " {\"image_id\": 8, \"category_id\": 1, \"bbox\": [0, 0, 1, 1], \"score\": 0.5},\n"
	    " {\"image_id\": 3, \"category_id\": 77, \"bbox\": [0, 0, 1, 1], \"score\": 0.5}]";

	CASE("results against gt");
	CHECK_INT(bx_coco_read(coco_gt, "gt.json", &gt, &err), 0);
	CHECK_INT(bx_coco_read_results(results, "res.json", &gt, &res, &err), 0);
	CHECK_INT(res.n, 2);                       /* gt's images, gt's order */
	CHECK_INT(res.img[0].has_answer, 0);       /* image 7: no predictions */
	CHECK_INT(res.img[1].has_answer, 1);
	CHECK_STR(res.img[1].file_name, "b.jpg");
	CHECK_INT(res.img[1].ans.n, 2);
	CHECK_STR(res.img[1].ans.a[0].cls, "cat");
	CHECK_NEAR(res.img[1].ans.a[0].score, 0.9, 0);
	CHECK_INT(res.img[1].ans.a[1].flags, BX_ANNOT_SUGGESTION);
	CHECK_INT(res.nerrors, 2);
	CHECK(res.nerrors == 2 && strstr(res.errors[0], "res.json: results[2].image_id: unknown image 8"));
	CHECK(res.nerrors == 2 && strstr(res.errors[1], "res.json: results[3].category_id: unknown category 77"));
	CASE("bare results");
	CHECK_INT(bx_coco_read(results, "res.json", &bare, &err), 0);
	CHECK_INT(bare.n, 2);                      /* images 3 and 8, made from ids */
	CHECK_INT(bare.img[0].id, 3);
	CHECK_INT(bare.img[0].ans.n, 3);
	CHECK_STR(bare.img[0].ans.a[0].cls, "5");
	CHECK(bare.img[0].file_name == NULL);
	CHECK_INT(bare.nclasses, 3);
	CHECK_INT(bare.nerrors, 0);
	bx_dataset_free(&res);
	CASE("results not array");
	CHECK_INT(bx_coco_read_results("{}", "res.json", &gt, &res, &err), BX_EINVAL);
	CHECK(strstr(err.msg, "res.json: a results file is a JSON array") != NULL);
	bx_dataset_free(&gt);
	bx_dataset_free(&res);
	bx_dataset_free(&bare);
}

/* A small dataset covering every geometry, attributes and globals. */
static void
make_ds(struct bx_dataset *ds)
{
	struct bx_pt tri[3] = { { 0, 0 }, { 4, 0 }, { 4, 3 } }, pt = { 7.5, 8 };
	struct bx_annot box = { .geom = BX_GEOM_BOX, .cls = "cat", .x = 10, .y = 20, .w = 30, .h = 40 };
	struct bx_annot poly = { .geom = BX_GEOM_POLYGON, .cls = "plume", .pts = tri, .npts = 3 };
	struct bx_annot point = { .geom = BX_GEOM_POINT, .cls = "face", .pts = &pt, .npts = 1 };
	struct bx_annot tag = { .geom = BX_GEOM_TAG, .cls = "dark" };
	struct bx_value t = { .type = BX_VAL_BOOL, .b = 1 }, s = { .type = BX_VAL_STR, .str = "space" };
	struct bx_ds_image *im;

	bx_dataset_init(ds);
	bx_dataset_add_class(ds, "cat", 1);
	bx_dataset_add_class(ds, "plume", 2);
	bx_dataset_add_class(ds, "face", 3);
	bx_dataset_add_class(ds, "dark", 4);
	im = bx_dataset_add(ds, 1, "img/one.png", 200, 100);
	im->has_answer = 1;
	bx_attrs_set(&box.attrs, "occluded", &t);
	bx_answer_add(&im->ans, &box);
	bx_attrs_free(&box.attrs);
	bx_answer_add(&im->ans, &poly);
	bx_answer_add(&im->ans, &point);
	bx_attrs_set(&im->ans.global, "scene", &s);
	im = bx_dataset_add(ds, 2, "two.jpg", 50, 40);
	im->has_answer = 1;
	bx_answer_add(&im->ans, &tag);
}

static void
test_coco_write(void)
{
	struct bx_dataset ds, back;
	struct bx_buf b, b2;
	struct bx_err err = {0};

	make_ds(&ds);
	bx_buf_init(&b);
	bx_coco_write(&ds, &b);
	CASE("coco write");
	/* box: area = 30*40 and its rectangle as segmentation (COCOeval's segm
	 * mode); polygon: bbox of points, area 4*3/2; the point is no COCO
	 * object (no zero-size box): the image's "points" */
	CHECK(strstr(b.p, "{\"id\":1,\"image_id\":1,\"category_id\":1,\"bbox\":[10,20,30,40],"
	    "\"area\":1200,\"iscrowd\":0,\"segmentation\":[[10,20,40,20,40,60,10,60]],"
	    "\"attributes\":{\"occluded\":true}}") != NULL);
	CHECK(strstr(b.p, "\"bbox\":[0,0,4,3],\"area\":6,\"iscrowd\":0,\"segmentation\":[[0,0,4,0,4,3]]") != NULL);
	CHECK(strstr(b.p, "\"points\":[{\"class\":\"face\",\"point\":[7.5,8]}]") != NULL);
	CHECK(strstr(b.p, "\"bbox\":[7.5,8,0,0]") == NULL && strstr(b.p, "keypoints") == NULL);
	CHECK(strstr(b.p, "{\"id\":2,\"file_name\":\"two.jpg\",\"width\":50,\"height\":40,\"tags\":[\"dark\"]}") != NULL);
	CHECK(strstr(b.p, "\"attributes\":{\"scene\":\"space\"}") != NULL);
	CHECK(strstr(b.p, "{\"id\":4,\"name\":\"dark\",\"supercategory\":\"\"}") != NULL);
	CASE("coco write -> read -> write");
	CHECK_INT(bx_coco_read(b.p, "out.json", &back, &err), 0);
	CHECK_INT(back.nerrors, 0);
	CHECK_INT(back.nlosses, 0);
	/* the box's rectangle reads back as the box, the point as a point */
	CHECK_INT(back.img[0].ans.n, 3);
	CHECK_INT(back.img[0].ans.n == 3 ? (int)back.img[0].ans.a[1].geom : 0, BX_GEOM_BOX);
	CHECK_INT(back.img[0].ans.n == 3 ? (int)back.img[0].ans.a[0].geom : 0, BX_GEOM_POINT);
	bx_buf_init(&b2);
	bx_coco_write(&back, &b2);
	CHECK_STR(b2.p, b.p);
	bx_buf_free(&b);
	bx_buf_free(&b2);
	bx_dataset_free(&back);
	bx_dataset_free(&ds);
}


static struct bx_dataset
names3(void)
{
	struct bx_dataset n;

	bx_dataset_init(&n);
	bx_dataset_add_class(&n, "cat", 0);
	bx_dataset_add_class(&n, "cup", 1);
	bx_dataset_add_class(&n, "plume", 2);
	return n;
}

/* 200x100 image: cx 0.5 -> 100 px; box x = (cx - w/2) * W. */
static void
test_yolo(void)
{
	struct bx_dataset names = names3(), errs, ds;
	struct bx_answer a;
	struct bx_buf b;
	struct bx_ds_image *im;

	CASE("yolo read");
	bx_dataset_init(&errs);
	CHECK_INT(bx_yolo_read_labels("0 0.5 0.5 0.2 0.4\n\n2 0.1 0.2 0.3 0.2 0.2 0.6\n", "l.txt",
	    200, 100, &names, &a, &errs), 0);
	CHECK_INT(a.n, 2);
	CHECK_STR(a.a[0].cls, "cat");
	CHECK_NEAR(a.a[0].x, 80, 1e-9);   /* (0.5 - 0.1) * 200 */
	CHECK_NEAR(a.a[0].y, 30, 1e-9);   /* (0.5 - 0.2) * 100 */
	CHECK_NEAR(a.a[0].w, 40, 1e-9);
	CHECK_NEAR(a.a[0].h, 40, 1e-9);
	CHECK_INT(a.a[1].geom, BX_GEOM_POLYGON);
	CHECK_INT(a.a[1].npts, 3);
	CHECK_NEAR(a.a[1].pts[1].x, 60, 1e-9);
	CHECK_NEAR(a.a[1].pts[2].y, 60, 1e-9);
	bx_answer_free(&a);
	CASE("yolo write");
	bx_dataset_init(&ds);
	bx_dataset_add_class(&ds, "cat", 1);
	bx_dataset_add_class(&ds, "plume", 2);
	im = bx_dataset_add(&ds, 1, "x.png", 200, 100);
	{
		struct bx_annot box = { .geom = BX_GEOM_BOX, .cls = "cat", .x = 80, .y = 30, .w = 40, .h = 40 };
		struct bx_pt tri[3] = { { 20, 20 }, { 60, 20 }, { 40, 60 } };
		struct bx_annot poly = { .geom = BX_GEOM_POLYGON, .cls = "plume", .pts = tri, .npts = 3 };
		struct bx_pt pt = { 1, 1 };
		struct bx_annot point = { .geom = BX_GEOM_POINT, .cls = "cat", .pts = &pt, .npts = 1 };
		bx_answer_add(&im->ans, &box);
		bx_answer_add(&im->ans, &poly);
		bx_answer_add(&im->ans, &point);   /* no YOLO form: left out */
	}
	bx_buf_init(&b);
	bx_yolo_write_labels(&ds, im, &b);
	/* with a polygon in the file, the box is written as a 4-point polygon:
	 * 80,30 .. 120,70 of 200x100 */
	CHECK_STR(b.p, "0 0.400000 0.300000 0.600000 0.300000 0.600000 0.700000 0.400000 0.700000\n"
	    "1 0.100000 0.200000 0.300000 0.200000 0.200000 0.600000\n");
	CASE("yolo mixed file reads back as box and polygon");
	bx_dataset_init(&errs);
	CHECK_INT(bx_yolo_read_labels(b.p, "x.txt", 200, 100, &ds, &a, &errs), 0);
	CHECK_INT(a.n, 2);
	if (a.n == 2) {
		CHECK_INT(a.a[0].geom, BX_GEOM_BOX);
		CHECK_NEAR(a.a[0].x, 80, 1e-9);
		CHECK_NEAR(a.a[0].w, 40, 1e-9);
		CHECK_NEAR(a.a[0].h, 40, 1e-9);
		CHECK_INT(a.a[1].geom, BX_GEOM_POLYGON);
	}
	bx_answer_free(&a);
	bx_dataset_free(&errs);
	CASE("yolo write, boxes only");
	bx_answer_remove(&im->ans, 1);
	bx_buf_reset(&b);
	bx_yolo_write_labels(&ds, im, &b);
	CHECK_STR(b.p, "0 0.500000 0.500000 0.200000 0.400000\n");
	bx_buf_reset(&b);
	bx_yolo_write_yaml(&ds, "/data/x y", &b);
	CHECK(strstr(b.p, "path: \"/data/x y\"\ntrain: images/train\nval: images/train\n"
	    "names:\n  - \"cat\"\n  - \"plume\"\n") != NULL);
	CASE("yolo data.yaml reads back");
	{
		struct bx_dataset back;
		struct bx_yolo_data d;
		struct bx_err err = { 0 };

		bx_dataset_init(&back);
		CHECK_INT(bx_yolo_read_yaml(b.p, "data.yaml", &back, &d, &err), 0);
		CHECK_INT(back.nclasses, 2);
		CHECK_STR(d.path ? d.path : "", "/data/x y");
		CHECK_STR(d.nsplit[BX_YOLO_VAL] ? d.split[BX_YOLO_VAL][0] : "", "images/train");
		bx_yolo_data_free(&d);
		bx_dataset_free(&back);
	}
	bx_buf_free(&b);
	bx_dataset_free(&ds);
	bx_dataset_free(&errs);
	bx_dataset_free(&names);
}

/* Predictions and Ultralytics' 1% edge tolerance. */
static void
test_yolo_tolerance(void)
{
	struct bx_dataset names = names3(), errs;
	struct bx_answer a;

	CASE("confidence column: suggestions with scores");
	bx_dataset_init(&errs);
	CHECK_INT(bx_yolo_read_labels("1 0.5 0.5 0.2 0.4 0.87\n2 0.1 0.1 0.3 0.1 0.2 0.3 0.5\n", "p.txt",
	    200, 100, &names, &a, &errs), 0);
	CHECK_INT(a.n, 2);
	if (a.n == 2) {
		CHECK_INT(a.a[0].geom, BX_GEOM_BOX);
		CHECK_NEAR(a.a[0].score, 0.87, 0);
		CHECK_INT(a.a[0].flags & BX_ANNOT_SUGGESTION, BX_ANNOT_SUGGESTION);
		CHECK_INT(a.a[1].geom, BX_GEOM_POLYGON);
		CHECK_INT(a.a[1].npts, 3);
		CHECK_NEAR(a.a[1].score, 0.5, 0);
	}
	bx_answer_free(&a);
	CHECK_INT(errs.nclamped, 0);
	bx_dataset_free(&errs);
	CASE("within 1% of the edge: clamped and counted");
	bx_dataset_init(&errs);
	/* box 0.005 past the right edge: cx 0.9, w 0.21 -> 0.795..1.005 */
	CHECK_INT(bx_yolo_read_labels("0 0.9 0.5 0.21 0.2\n0 -0.004 0.5 0.5 0.5 0.5 1.008\n0 0.5 0.5 0.2 0.2\n",
	    "t.txt", 200, 100, &names, &a, &errs), 0);
	CHECK_INT(errs.nclamped, 2);
	if (a.n == 3) {
		CHECK_NEAR(a.a[0].x, 0.795 * 200, 1e-9);
		CHECK_NEAR(a.a[0].x + a.a[0].w, 200, 1e-9);
		CHECK_NEAR(a.a[1].pts[0].x, 0, 0);
		CHECK_NEAR(a.a[1].pts[2].y, 100, 0);
		CHECK_NEAR(a.a[2].x, 80, 1e-9);
	} else
		CHECK_INT(a.n, 3);
	bx_answer_free(&a);
	bx_dataset_free(&errs);
	bx_dataset_free(&names);
}

static const struct {
	const char *name, *text, *want;
} yolo_bad[] = {
	{ "class out of range", "0 0.5 0.5 0.1 0.1\n3 0.5 0.5 0.1 0.1\n", "l.txt:2: class 3 is out of range (3 names, 0..2)" },
	{ "negative class", "-1 0.5 0.5 0.1 0.1\n", "l.txt:1: \"-1\" is not a class index" },
	{ "not a number", "0 0.5 abc 0.1 0.1\n", "l.txt:1: \"abc\" is not a number" },
	{ "nan", "0 0.5 nan 0.1 0.1\n", "l.txt:1: \"nan\" is not a number" },
	{ "three numbers", "0 0.5 0.5 0.1\n", "l.txt:1: expected CLASS CX CY W H" },
	{ "two numbers", "0 0.1 0.1\n", "l.txt:1: expected CLASS CX CY W H" },
	{ "confidence on some lines only", "0 0.5 0.5 0.1 0.1 0.9\n0 0.5 0.5 0.1 0.1\n",
	  "l.txt:2: this line has no confidence column but line 1 has" },
	{ "confidence above 1", "0 0.5 0.5 0.1 0.1 1.5\n", "l.txt:1: confidence 1.5 is outside 0..1" },
	{ "2% past the edge", "0 0.52 0.5 1.0 0.1\n", "l.txt:1: the box reaches outside the image" },
	{ "not normalized", "0 50 50 10 10\n", "l.txt:1: value 1 (50) is outside 0..1" },
	{ "box past edge", "0 0.95 0.5 0.2 0.1\n", "l.txt:1: the box reaches outside the image" },
};

static void
test_yolo_bad(void)
{
	struct bx_dataset names = names3(), errs;
	struct bx_answer a;
	size_t k;

	for (k = 0; k < BX_ARRAY_LEN(yolo_bad); k++) {
		CASE(yolo_bad[k].name);
		bx_dataset_init(&errs);
		CHECK_INT(bx_yolo_read_labels(yolo_bad[k].text, "l.txt", 200, 100, &names, &a, &errs), -1);
		CHECK_INT(a.n, 0);
		CHECK_MSG(errs.nerrors == 1 && strstr(errs.errors[0], yolo_bad[k].want) != NULL,
		    "got \"%s\"", errs.nerrors ? errs.errors[0] : "");
		bx_dataset_free(&errs);
	}
	bx_dataset_free(&names);
}

static const struct {
	const char *name, *text;
	int n;
	const char *second, *want_err;
} yaml[] = {
	{ "flow", "path: x\nnames: [cat, 'cup', \"a b\"]\nnc: 3\n", 3, "cup", NULL },
	{ "flow multiline", "names: [\n  cat,\n  cup\n]\n", 2, "cup", NULL },
	{ "block list", "nc: 2\nnames:\n  - cat\n  - \"cup\"  # comment\ntrain: x\n", 2, "cup", NULL },
	/* PyYAML's default dump: the items at the key's indentation */
	{ "block list unindented", "names:\n- cat\n- cup\nnc: 2\n", 2, "cup", NULL },
	{ "block map", "names:\n  0: cat\n  1: cup\n", 2, "cup", NULL },
	{ "flow map", "names: {0: cat, 1: cup}\n", 2, "cup", NULL },
	{ "map in any order", "names:\n  1: cup\n  0: cat\n", 2, "cup", NULL },
	{ "document marker, comments, anchors", "%YAML 1.1\n---\n# classes\nnames: &n [cat, cup] # two\n"
	  "val: images/val\n", 2, "cup", NULL },
	{ "numeric names are text", "names: [1, 2.5]\n", 2, "2.5", NULL },
	{ "plain names file", "cat\ncup\n\nplume\n", 3, "cup", NULL },
	{ "nc without names: class_0..", "nc: 3\ntrain: images/train\n", 3, "class_1", NULL },
	{ "neither nc nor names", "train: images/train\n", 0, NULL, "f.yaml: no \"names\" key" },
	{ "map with a gap", "names:\n  1: cup\n", 0, NULL, "f.yaml:2: names: expected index keys 0..0, got \"1\"" },
	{ "map index twice", "names: {0: a, 0: b}\n", 0, NULL, "names: index 0 appears twice" },
	{ "duplicate", "names: [cat, cat]\n", 0, NULL, "f.yaml:1: class name \"cat\" appears twice" },
	{ "empty", "names: []\n", 0, NULL, "f.yaml: no class names" },
	{ "nc disagrees", "nc: 3\nnames: [a, b]\n", 0, NULL, "f.yaml:1: nc is 3 but names has 2 entries" },
	{ "not yaml", "names: [a, b\n", 0, NULL, "f.yaml:2:1: not valid YAML" },
	{ "names a string", "names: cat\n", 0, NULL, "f.yaml:1: names: expected a list" },
	{ "a list item not a string", "names:\n  - [a]\n", 0, NULL, "f.yaml:2: names: a class name must be" },
};

static void
test_yolo_names(void)
{
	struct bx_dataset ds;
	struct bx_err err;
	size_t k;
	int rc;

	for (k = 0; k < BX_ARRAY_LEN(yaml); k++) {
		CASE(yaml[k].name);
		bx_dataset_init(&ds);
		bx_err_clear(&err);
		rc = bx_yolo_read_names(yaml[k].text, "f.yaml", &ds, &err);
		if (yaml[k].want_err) {
			CHECK_INT(rc, BX_EINVAL);
			CHECK_MSG(strstr(err.msg, yaml[k].want_err) != NULL, "got \"%s\"", err.msg);
		} else {
			CHECK_INT(rc, 0);
			CHECK_INT(ds.nclasses, yaml[k].n);
			CHECK_STR(ds.nclasses > 1 ? ds.classes[1] : "", yaml[k].second);
		}
		bx_dataset_free(&ds);
	}
}

/* Ultralytics' img2label rule. */
static void
test_yolo_label_path(void)
{
	static const struct { const char *img, *want; } c[] = {
		{ "/d/images/train/a.jpg", "/d/labels/train/a.txt" },
		{ "images/train/a.b.png", "labels/train/a.b.txt" },
		{ "images/train/x/images/train/1.jpg", "images/train/x/labels/train/1.txt" }, /* the last one */
		{ "d/images/noext", "d/labels/noext.txt" },
		{ "d/train/a.jpg", NULL },
		{ "d/myimages/a.jpg", NULL },
	};
	size_t k;
	char *got;

	for (k = 0; k < BX_ARRAY_LEN(c); k++) {
		CASE(c[k].img);
		got = bx_yolo_label_path(c[k].img);
		if (c[k].want == NULL)
			CHECK(got == NULL);
		else
			CHECK_STR(got ? got : "(null)", c[k].want);
		free(got);
	}
}

/* data.yaml's path and splits, as Ultralytics writes and reads them. */
static void
test_yolo_data(void)
{
	struct bx_dataset ds;
	struct bx_yolo_data d;
	struct bx_err err = {0};

	CASE("data.yaml splits");
	bx_dataset_init(&ds);
	CHECK_INT(bx_yolo_read_yaml("path: ../datasets/x  # root\ntrain: images/train\n"
	    "val: [images/val, extra/val.txt]\ntest:\nnames: {0: a}\n", "d.yaml", &ds, &d, &err), 0);
	CHECK_STR(d.path ? d.path : "", "../datasets/x");
	CHECK_INT(d.nsplit[BX_YOLO_TRAIN], 1);
	CHECK_STR(d.nsplit[BX_YOLO_TRAIN] ? d.split[BX_YOLO_TRAIN][0] : "", "images/train");
	CHECK_INT(d.nsplit[BX_YOLO_VAL], 2);
	CHECK_STR(d.nsplit[BX_YOLO_VAL] > 1 ? d.split[BX_YOLO_VAL][1] : "", "extra/val.txt");
	CHECK_INT(d.nsplit[BX_YOLO_TEST], 0);   /* "test:" with no value: absent */
	CHECK_INT(ds.nclasses, 1);
	bx_yolo_data_free(&d);
	bx_dataset_free(&ds);
	CASE("a split of the wrong type");
	bx_dataset_init(&ds);
	CHECK_INT(bx_yolo_read_yaml("train: {a: b}\nnames: [a]\n", "d.yaml", &ds, &d, &err), BX_EINVAL);
	CHECK_MSG(strstr(err.msg, "d.yaml:1: train: expected a path or a list of paths") != NULL,
	    "got \"%s\"", err.msg);
	bx_dataset_free(&ds);
}

/* VOC: 1-based inclusive pixel indices. */
static void
test_voc(void)
{
	struct bx_dataset ds, back;
	struct bx_err err = {0};
	struct bx_buf b, b2;

	make_ds(&ds);
	bx_buf_init(&b);
	bx_voc_write(&ds.img[0], &b);
	CASE("voc write");
	/* box 10,20,30,40 -> xmin 11, ymin 21, xmax 40, ymax 60 */
	CHECK(strstr(b.p, "<bndbox><xmin>11</xmin><ymin>21</ymin><xmax>40</xmax><ymax>60</ymax></bndbox>") != NULL);
	/* polygon (0,0) (4,0) (4,3) as its bounds: 1,1,4,3 */
	CHECK(strstr(b.p, "<bndbox><xmin>1</xmin><ymin>1</ymin><xmax>4</xmax><ymax>3</ymax></bndbox>") != NULL);
	CHECK(strstr(b.p, "<filename>one.png</filename>") != NULL);
	CHECK(strstr(b.p, "<path>img/one.png</path>") != NULL);
	/* occluded is VOC's own element, not an <attribute> */
	CHECK(strstr(b.p, "<pose>Unspecified</pose>\n\t\t<truncated>0</truncated>\n\t\t<difficult>0</difficult>\n"
	    "\t\t<occluded>1</occluded>") != NULL);
	CHECK(strstr(b.p, "<name>occluded</name>") == NULL);
	CHECK(strstr(b.p, "<attribute><name>scene</name><value>space</value></attribute>") != NULL);
	CHECK(strstr(b.p, "face") == NULL);    /* points have no VOC form */
	CASE("voc read");
	bx_dataset_init(&back);
	CHECK_INT(bx_voc_read(b.p, "one.xml", &back, &err), 0);
	CHECK_INT(back.n, 1);
	CHECK_STR(back.img[0].file_name, "img/one.png");
	CHECK_INT(back.img[0].width, 200);
	CHECK_INT(back.img[0].ans.n, 2);
	CHECK_NEAR(back.img[0].ans.a[0].x, 10, 0);
	CHECK_NEAR(back.img[0].ans.a[0].w, 30, 0);
	CHECK_NEAR(back.img[0].ans.a[0].h, 40, 0);
	{
		/* the flag comes back as text "voc:occluded"; the importer renames
		 * it when the class has the attribute and the taxonomy types it */
		const struct bx_value *v = bx_attrs_get(&back.img[0].ans.a[0].attrs, "voc:occluded");
		struct bx_value t = { 0 };
		CHECK_STR(v != NULL && v->type == BX_VAL_STR ? v->str : "", "1");
		CHECK(bx_attrs_get(&back.img[0].ans.a[0].attrs, "voc:truncated") == NULL); /* 0: not said */
		bx_attrs_set(&back.img[0].ans.a[0].attrs, "voc:occluded", &t);
		t.type = BX_VAL_BOOL;
		t.b = 1;
		bx_attrs_set(&back.img[0].ans.a[0].attrs, "occluded", &t);
	}
	bx_buf_init(&b2);
	bx_voc_write(&back.img[0], &b2);
	CHECK_STR(b2.p, b.p);
	bx_buf_free(&b);
	bx_buf_free(&b2);
	bx_dataset_free(&back);
	bx_dataset_free(&ds);
}

static const struct {
	const char *name, *text, *want;
} voc_bad[] = {
	{ "not xml", "hello", "v.xml:1:1: not well-formed XML: syntax error" },
	{ "unclosed", "<annotation><filename>a.png</filename>\n<object>", "v.xml:2:9: not well-formed XML: no element found" },
	{ "mismatched", "<annotation><filename>a</path></annotation>", "v.xml:1:26: not well-formed XML: mismatched tag" },
	{ "external entity not fetched", "<!DOCTYPE a [<!ENTITY e SYSTEM \"/etc/passwd\">]>\n"
	  "<annotation><filename>&e;</filename></annotation>", "v.xml:2: no <filename> or <path>" },
	{ "unknown encoding", "<?xml version=\"1.0\" encoding=\"x-nonesuch\"?><annotation/>",
	  "v.xml:1:31: not well-formed XML: unknown encoding" },
	{ "wrong root", "<?xml version=\"1.0\"?>\n<foo/>", "v.xml:2: expected <annotation>" },
	{ "no filename", "<annotation></annotation>", "v.xml:1: no <filename> or <path>" },
	{ "bad size", "<annotation><filename>a</filename><size><width>-3</width><height>2</height></size></annotation>",
	  "<size>: width and height must be whole" },
	{ "bndbox missing ymax", "<annotation><filename>a</filename><object><name>cat</name>"
	  "<bndbox><xmin>1</xmin><ymin>1</ymin><xmax>3</xmax></bndbox></object></annotation>",
	  "object 1: <bndbox> needs numeric <ymax>" },
	{ "inverted box", "<annotation><filename>a</filename><object><name>cat</name>"
	  "<bndbox><xmin>5</xmin><ymin>1</ymin><xmax>3</xmax><ymax>4</ymax></bndbox></object></annotation>",
	  "object 1: xmax/ymax is before xmin/ymin" },
	{ "no name", "<annotation><filename>a</filename><object><bndbox/></object></annotation>", "object 1: no <name>" },
};

static void
test_voc_bad(void)
{
	struct bx_dataset ds;
	struct bx_err err;
	size_t k;

	for (k = 0; k < BX_ARRAY_LEN(voc_bad); k++) {
		CASE(voc_bad[k].name);
		bx_dataset_init(&ds);
		bx_err_clear(&err);
		CHECK_INT(bx_voc_read(voc_bad[k].text, "v.xml", &ds, &err), BX_EINVAL);
		CHECK_MSG(strstr(err.msg, voc_bad[k].want) != NULL, "got \"%s\"", err.msg);
		CHECK_INT(ds.n, 0);
		bx_dataset_free(&ds);
	}
	CASE("entities");
	bx_dataset_init(&ds);
	CHECK_INT(bx_voc_read("<annotation><!-- c --><filename>a&amp;b&#233;.png</filename></annotation>",
	    "v.xml", &ds, &err), 0);
	CHECK_STR(ds.n ? ds.img[0].file_name : "", "a&b\xc3\xa9.png");
	bx_dataset_free(&ds);
	CASE("Windows path falls back to filename");
	bx_dataset_init(&ds);
	CHECK_INT(bx_voc_read("<annotation><folder>imgs</folder><filename>a.jpg</filename>"
	    "<path>C:\\Users\\me\\imgs\\a.jpg</path></annotation>", "v.xml", &ds, &err), 0);
	CHECK_STR(ds.n ? ds.img[0].file_name : "", "a.jpg");
	bx_dataset_free(&ds);
	CASE("Windows path without filename: its separators made '/'");
	bx_dataset_init(&ds);
	CHECK_INT(bx_voc_read("<annotation><path>D:\\data\\b.jpg</path></annotation>", "v.xml",
	    &ds, &err), 0);
	CHECK_STR(ds.n ? ds.img[0].file_name : "", "/data/b.jpg");
	bx_dataset_free(&ds);
	CASE("edges counted from 0 are clamped and counted");
	bx_dataset_init(&ds);
	CHECK_INT(bx_voc_read("<annotation><filename>a</filename><size><width>100</width><height>50</height></size>"
	    "<object><name>c</name><bndbox><xmin>0</xmin><ymin>0</ymin><xmax>101</xmax><ymax>50</ymax></bndbox></object>"
	    "<object><name>c</name><bndbox><xmin>1</xmin><ymin>1</ymin><xmax>100</xmax><ymax>50</ymax></bndbox></object>"
	    "<object><name>c</name><bndbox><xmin>-5</xmin><ymin>1</ymin><xmax>10</xmax><ymax>10</ymax></bndbox></object>"
	    "</annotation>", "v.xml", &ds, &err), 0);
	CHECK_INT(ds.nclamped, 1);
	CHECK_INT(ds.n ? ds.img[0].ans.n : 0, 3);
	if (ds.n && ds.img[0].ans.n == 3) {
		CHECK_NEAR(ds.img[0].ans.a[0].x, 0, 0);
		CHECK_NEAR(ds.img[0].ans.a[0].y, 0, 0);
		CHECK_NEAR(ds.img[0].ans.a[0].w, 100, 0);   /* 0..101 (1-based) is the whole width */
		CHECK_NEAR(ds.img[0].ans.a[0].h, 50, 0);
		CHECK_NEAR(ds.img[0].ans.a[1].w, 100, 0);   /* already inside: untouched */
		CHECK_NEAR(ds.img[0].ans.a[2].x, -6, 0);    /* 6 pixels out: left for the check to refuse */
	}
	bx_dataset_free(&ds);
	CASE("pose, truncated, difficult as voc: attributes");
	bx_dataset_init(&ds);
	CHECK_INT(bx_voc_read("<annotation><filename>a</filename><object><name>c</name><pose>Frontal</pose>"
	    "<truncated>1</truncated><difficult>0</difficult>"
	    "<bndbox><xmin>1</xmin><ymin>1</ymin><xmax>2</xmax><ymax>2</ymax></bndbox></object></annotation>",
	    "v.xml", &ds, &err), 0);
	if (ds.n && ds.img[0].ans.n == 1) {
		const struct bx_attrs *as = &ds.img[0].ans.a[0].attrs;
		CHECK_STR(bx_attrs_get(as, "voc:pose") ? bx_attrs_get(as, "voc:pose")->str : "", "Frontal");
		CHECK_STR(bx_attrs_get(as, "voc:truncated") ? bx_attrs_get(as, "voc:truncated")->str : "", "1");
		CHECK(bx_attrs_get(as, "voc:difficult") == NULL);
		CHECK_INT(as->n, 2);
	} else
		CHECK(0);
	bx_dataset_free(&ds);
	CASE("declared ISO-8859-1 encoding");
	bx_dataset_init(&ds);
	CHECK_INT(bx_voc_read("<?xml version=\"1.0\" encoding=\"ISO-8859-1\"?>\n"
	    "<annotation><filename>caf\xe9.jpg</filename></annotation>", "v.xml", &ds, &err), 0);
	CHECK_STR(ds.n ? ds.img[0].file_name : "", "caf\xc3\xa9.jpg");
	bx_dataset_free(&ds);
	CASE("DOCTYPE with an internal entity");
	bx_dataset_init(&ds);
	CHECK_INT(bx_voc_read("<?xml version=\"1.0\"?>\n<!DOCTYPE annotation [\n"
	    "<!ENTITY img \"b.png\">\n]>\n<annotation><filename>&img;</filename></annotation>",
	    "v.xml", &ds, &err), 0);
	CHECK_STR(ds.n ? ds.img[0].file_name : "", "b.png");
	bx_dataset_free(&ds);
}

/* Label Studio: percent of original_width/height. */
/* Found by tests/fuzz/run-formats: an original_width past INT_MAX was
 * cast to int (undefined); now it is out of range like any other. */
static void
test_labelstudio_huge_size(void)
{
	struct bx_dataset ds;
	struct bx_err err = { 0 };

	CASE("original_width 4.6e9");
	bx_dataset_init(&ds);
	bx_ls_read("[{\"data\": {\"image\": \"a.jpg\"}, \"annotations\": [{\"result\": [{\"id\": \"r\", "
	    "\"type\": \"rectanglelabels\", \"original_width\": 4577780000, \"original_height\": 10, "
	    "\"value\": {\"x\": 1, \"y\": 1, \"width\": 1, \"height\": 1, \"rectanglelabels\": [\"cat\"]}}]}]}]",
	    "h.json", &ds, &err);
	CHECK_INT(ds.nerrors, 1);
	CHECK_MSG(ds.nerrors == 1 && strstr(ds.errors[0], "needs original_width and original_height") != NULL,
	    "got \"%s\"", ds.nerrors ? ds.errors[0] : err.msg);
	bx_dataset_free(&ds);
}

static void
test_labelstudio(void)
{
	const char *in =
	    "[{\"id\": 4, \"data\": {\"image\": \"/data/local-files/?d=photos%2Fa.jpg\"},\n"
	    "  \"annotations\": [{\"was_cancelled\": true, \"result\": []},\n"
	    "   {\"result\": [\n"
	    "    {\"id\": \"r1\", \"type\": \"rectanglelabels\", \"from_name\": \"label\", \"to_name\": \"image\",\n"
	    "     \"original_width\": 400, \"original_height\": 200,\n"
	    "     \"value\": {\"x\": 25, \"y\": 10, \"width\": 50, \"height\": 20, \"rotation\": 0, \"rectanglelabels\": [\"cat\"]}},\n"
	    "    {\"id\": \"r1\", \"type\": \"choices\", \"from_name\": \"pose\", \"to_name\": \"image\", \"value\": {\"choices\": [\"lying\"]}},\n"
	    "    {\"id\": \"r2\", \"type\": \"polygonlabels\", \"original_width\": 400, \"original_height\": 200,\n"
	    "     \"value\": {\"points\": [[0, 0], [50, 0], [50, 100]], \"polygonlabels\": [\"plume\"]}},\n"
	    "    {\"id\": \"r3\", \"type\": \"keypointlabels\", \"original_width\": 400, \"original_height\": 200,\n"
	    "     \"value\": {\"x\": 1, \"y\": 2, \"width\": 0.5, \"keypointlabels\": [\"face\"]}},\n"
	    "    {\"id\": \"c\", \"type\": \"choices\", \"from_name\": \"image_class\", \"value\": {\"choices\": [\"dark\"]}},\n"
	    "    {\"id\": \"n\", \"type\": \"number\", \"from_name\": \"count\", \"value\": {\"number\": 3}}]}]},\n"
	    " {\"id\": 5, \"data\": {\"image\": \"http://host:8080/img/b.png\"}, \"annotations\": []}]";
	struct bx_dataset ds, back, src;
	struct bx_err err = {0};
	struct bx_buf b, b2;
	const struct bx_ds_image *im;

	CASE("ls read");
	bx_dataset_init(&ds);
	CHECK_INT(bx_ls_read(in, "ls.json", &ds, &err), 0);
	CHECK_INT(ds.nerrors, 0);
	CHECK_INT(ds.n, 2);
	im = &ds.img[0];
	CHECK_STR(im->file_name, "photos/a.jpg");
	CHECK_STR(ds.img[1].file_name, "/img/b.png");
	CHECK_INT(im->width, 400);
	CHECK_INT(im->ans.n, 4);
	CHECK_NEAR(im->ans.a[0].x, 100, 1e-9);    /* 25% of 400 */
	CHECK_NEAR(im->ans.a[0].y, 20, 1e-9);     /* 10% of 200 */
	CHECK_NEAR(im->ans.a[0].w, 200, 1e-9);
	CHECK_NEAR(im->ans.a[0].h, 40, 1e-9);
	CHECK_STR(bx_attrs_get(&im->ans.a[0].attrs, "pose")->str, "lying");
	CHECK_NEAR(im->ans.a[1].pts[2].y, 200, 1e-9);
	CHECK_NEAR(im->ans.a[2].pts[0].x, 4, 1e-9);
	CHECK_INT(im->ans.a[3].geom, BX_GEOM_TAG);
	CHECK(bx_attrs_get(&im->ans.global, "count")->num == 3);
	bx_dataset_free(&ds);

	CASE("ls write");
	make_ds(&src);
	bx_buf_init(&b);
	bx_ls_write(&src, &b);
	/* 10/200 = 5%, 20/100 = 20%, 30/200 = 15%, 40/100 = 40% */
	CHECK(strstr(b.p, "\"original_width\":200,\"original_height\":100,\"image_rotation\":0,"
	    "\"value\":{\"x\":5,\"y\":20,\"width\":15,\"height\":40,\"rotation\":0,\"rectanglelabels\":[\"cat\"]}") != NULL);
	CHECK(strstr(b.p, "\"points\":[[0,0],[2,0],[2,3]]") != NULL);
	CHECK(strstr(b.p, "\"value\":{\"x\":3.75,\"y\":8,\"width\":1,\"keypointlabels\":[\"face\"]}") != NULL);
	CHECK(strstr(b.p, "\"from_name\":\"image_class\",\"to_name\":\"image\",\"value\":{\"choices\":[\"dark\"]}") != NULL);
	CASE("ls write -> read -> write");
	bx_dataset_init(&back);
	CHECK_INT(bx_ls_read(b.p, "ls.json", &back, &err), 0);
	CHECK_INT(back.nerrors, 0);
	bx_buf_init(&b2);
	bx_ls_write(&back, &b2);
	CHECK_STR(b2.p, b.p);
	bx_buf_free(&b);
	bx_buf_free(&b2);
	bx_dataset_free(&back);
	bx_dataset_free(&src);

	CASE("ls bad");
	bx_dataset_init(&ds);
	CHECK_INT(bx_ls_read("[{\"data\": {}}, {\"data\": {\"image\": \"a.png\"}, \"annotations\": [{\"result\": ["
	    "{\"type\": \"rectanglelabels\", \"value\": {\"x\": 1, \"y\": 1, \"width\": 1, \"height\": 1, "
	    "\"rectanglelabels\": [\"cat\"]}}]}]}]", "ls.json", &ds, &err), 0);
	CHECK_INT(ds.nerrors, 2);
	CHECK(ds.nerrors == 2 && strstr(ds.errors[0], "ls.json: tasks[0].data.image: expected the image path"));
	CHECK(ds.nerrors == 2 && strstr(ds.errors[1], "ls.json: tasks[1].result[0]: needs original_width"));
	CHECK(ds.n == 1 && ds.img[0].failed);
	bx_dataset_free(&ds);
	CHECK_INT(bx_ls_read("{}", "ls.json", &ds, &err), BX_EINVAL);
	bx_dataset_free(&ds);
}

static void
test_scale(void)
{
	struct bx_dataset src, back;
	struct bx_err err = {0};
	struct bx_buf b, b2;

	make_ds(&src);
	bx_buf_init(&b);
	bx_scale_write(&src, &b);
	CASE("scale write");
	CHECK(strstr(b.p, "\"params\":{\"attachment\":\"img/one.png\",\"attachment_type\":\"image\","
	    "\"metadata\":{\"width\":200,\"height\":100}}") != NULL);
	CHECK(strstr(b.p, "{\"type\":\"box\",\"label\":\"cat\",\"left\":10,\"top\":20,\"width\":30,"
	    "\"height\":40,\"attributes\":{\"occluded\":true},\"uuid\":\"") != NULL);
	CHECK(strstr(b.p, "\"vertices\":[{\"x\":0,\"y\":0},{\"x\":4,\"y\":0},{\"x\":4,\"y\":3}]") != NULL);
	CHECK(strstr(b.p, "\"global_attributes\":{\"scene\":\"space\"}") != NULL);
	CHECK(strstr(b.p, "\"tags\":[\"dark\"]") != NULL);
	CASE("scale write -> read -> write");
	bx_dataset_init(&back);
	CHECK_INT(bx_scale_read(b.p, "s.json", &back, &err), 0);
	CHECK_INT(back.nerrors, 0);
	CHECK_INT(back.n, 2);
	CHECK_INT(back.img[0].id, 1);
	bx_buf_init(&b2);
	bx_scale_write(&back, &b2);
	CHECK_STR(b2.p, b.p);
	bx_buf_free(&b);
	bx_buf_free(&b2);
	bx_dataset_free(&back);
	bx_dataset_free(&src);
	CASE("scale bad");
	bx_dataset_init(&back);
	CHECK_INT(bx_scale_read("[{\"params\": {\"attachment\": \"a.png\"}, \"response\": {\"annotations\": "
	    "[{\"type\": \"box\", \"label\": \"cat\", \"left\": 0, \"top\": 0, \"width\": -2, \"height\": 1}]}}]",
	    "s.json", &back, &err), 0);
	CHECK(back.nerrors == 1 && strstr(back.errors[0], "s.json: tasks[0].response.annotations[0]: left, top"));
	bx_dataset_free(&back);
}

static void
test_manifest(void)
{
	static const struct {
		const char *line, *image, *msg;
		int w, h, has_answer;
		const char *meta;
	} cases[] = {
		{ "{\"image\": \"a.jpg\"}", "a.jpg", NULL, 0, 0, 0, NULL },
		{ "{\"image\": \"b.png\", \"width\": 600, \"height\": 400}", "b.png", NULL, 600, 400, 0, NULL },
		{ "{\"image\": \"c.png\", \"meta\": {\"z\": 1, \"a\": \"x\"}}", "c.png", NULL, 0, 0, 0,
		  "{\"a\":\"x\",\"z\":1}" },
		{ "{\"image\": \"d.png\", \"meta\": {}}", "d.png", NULL, 0, 0, 0, NULL },
		{ "{\"image\": \"e.png\", \"answer\": {\"annotations\": [{\"class\": \"cat\", "
		  "\"box\": [1, 2, 3, 4]}]}}", "e.png", NULL, 0, 0, 1, NULL },
		{ "{\"image\": \"f.png\", \"accepted\": null, \"task\": 3}", "f.png", NULL, 0, 0, 0, NULL },
		{ "{\"image\": \"a.jpg\"", NULL, "column", 0, 0, 0, NULL },
		{ "[1, 2]", NULL, "expected an object", 0, 0, 0, NULL },
		{ "{\"img\": \"a.jpg\"}", NULL, "img: unknown key", 0, 0, 0, NULL },
		{ "{\"image\": \"\"}", NULL, "image: expected a path", 0, 0, 0, NULL },
		{ "{\"image\": \"a\", \"width\": 10}", NULL, "give both width and height", 0, 0, 0, NULL },
		{ "{\"image\": \"a\", \"width\": 1.5, \"height\": 2}", NULL, "width: expected a whole number", 0, 0, 0, NULL },
		{ "{\"image\": \"a\", \"width\": 10, \"height\": 0}", NULL, "height: expected a whole number", 0, 0, 0, NULL },
		{ "{\"image\": \"a\", \"meta\": 3}", NULL, "meta: expected an object", 0, 0, 0, NULL },
		{ "{\"image\": \"a\", \"answer\": {\"annotations\": [{\"class\": \"cat\", \"box\": [0, 0, -1, 1]}]}}",
		  NULL, "answer: annotations[0].box", 0, 0, 0, NULL },
		{ "{\"image\": \"a\", \"image\": \"b\"}", NULL, "duplicate", 0, 0, 0, NULL },
		/* judgments and batches of boxel's jsonl export */
		{ "{\"image\": \"a\", \"judgments\": {}}", NULL, "judgments: expected an array", 0, 0, 0, NULL },
		{ "{\"image\": \"a\", \"judgments\": [3]}", NULL, "judgments[0]: expected an object", 0, 0, 0, NULL },
		{ "{\"image\": \"a\", \"judgments\": [{\"labeler\": \"x\", \"state\": \"done\"}]}", NULL,
		  "judgments[0].state: expected open, leased, submitted, skipped, set_aside, accepted or rejected",
		  0, 0, 0, NULL },
		{ "{\"image\": \"a\", \"judgments\": [{\"labeler\": \"x\", \"state\": \"open\"}, "
		  "{\"labeler\": 3, \"state\": \"open\"}]}", NULL,
		  "judgments[1].labeler: expected a user name (string)", 0, 0, 0, NULL },
		{ "{\"image\": \"a\", \"judgments\": [{\"labeler\": \"x\", \"state\": \"submitted\", "
		  "\"annotations\": [{\"class\": \"cat\", \"box\": [0, 0, -1, 1]}]}]}", NULL,
		  "judgments[0]: annotations[0].box", 0, 0, 0, NULL },
		{ "{\"image\": \"a\", \"judgments\": [{\"labeler\": \"x\", \"state\": \"open\", \"lease\": 1}]}",
		  NULL, "judgments[0].lease: unknown key", 0, 0, 0, NULL },
		{ "{\"image\": \"a\", \"judgments\": [{\"labeler\": \"x\", \"state\": \"open\", \"replica\": -1}]}",
		  NULL, "judgments[0].replica: expected a whole number", 0, 0, 0, NULL },
		{ "{\"image\": \"a\", \"judgments\": [{\"labeler\": \"x\", \"state\": \"open\", \"seconds\": \"5\"}]}",
		  NULL, "judgments[0].seconds: expected a number >= 0", 0, 0, 0, NULL },
		{ "{\"image\": \"a\", \"batch\": 7}", NULL, "batch: expected a batch name (string) or null", 0, 0, 0, NULL },
		{ "{\"image\": \"a\", \"batches\": [{\"name\": \"p\", \"kind\": \"final\"}]}", NULL,
		  "batches[0].kind: expected self, calibration, production or training", 0, 0, 0, NULL },
		{ "{\"image\": \"a\", \"batches\": [{\"name\": \"p\", \"kind\": \"self\", \"overlap\": 0}]}",
		  NULL, "batches[0].overlap: expected a whole number, 1 to 1000", 0, 0, 0, NULL },
		{ "{\"image\": \"a\", \"batches\": [{\"name\": \"p\", \"kind\": \"self\", \"gold_rate\": 2}]}",
		  NULL, "batches[0].gold_rate: expected a number from 0 to 1", 0, 0, 0, NULL },
		{ "{\"image\": \"a\", \"batches\": [{\"kind\": \"self\"}]}", NULL,
		  "batches[0].name: expected a batch name", 0, 0, 0, NULL },
	};
	struct bx_manifest_line ml;
	char msg[600];
	size_t i;
	int rc;

	for (i = 0; i < BX_ARRAY_LEN(cases); i++) {
		CASE(cases[i].line);
		msg[0] = '\0';
		rc = bx_manifest_parse_line(cases[i].line, &ml, msg, sizeof msg);
		if (cases[i].msg != NULL) {
			CHECK_INT(rc, -1);
			CHECK_MSG(strstr(msg, cases[i].msg) != NULL, "message \"%s\" lacks \"%s\"",
			    msg, cases[i].msg);
			CHECK(ml.image == NULL && ml.ans.n == 0);
			continue;
		}
		CHECK_INT(rc, 0);
		CHECK_STR(ml.image, cases[i].image);
		CHECK_INT(ml.width, cases[i].w);
		CHECK_INT(ml.height, cases[i].h);
		CHECK_INT(ml.has_answer, cases[i].has_answer);
		if (cases[i].meta != NULL)
			CHECK_STR(ml.meta_json, cases[i].meta);
		else
			CHECK(ml.meta_json == NULL);
		if (cases[i].has_answer) {
			CHECK_INT(ml.ans.n, 1);
			CHECK_NEAR(ml.ans.a[0].w, 3, 0);
		}
		bx_manifest_line_free(&ml);
	}

	/* A jsonl export line: every judgment field and the batch settings. */
	CASE("jsonl export line with judgments");
	rc = bx_manifest_parse_line("{\"task\": 1, \"image\": \"a.png\", \"width\": 10, "
	    "\"height\": 20, \"batch\": \"p\", \"judgments\": [{\"judgment\": 7, \"labeler\": \"ann\", "
	    "\"state\": \"submitted\", \"annotations\": [{\"class\": \"cat\", \"box\": [1, 2, 3, 4]}], "
	    "\"global\": {\"scene\": \"indoor\"}, \"seconds\": 12.5, \"batch\": \"q\", \"replica\": 2, "
	    "\"submitted_ms\": 1700000000123}, {\"labeler\": \"bo\", \"state\": \"leased\"}], "
	    "\"accepted\": null, \"accepted_from\": \"single\", \"batches\": [{\"name\": \"q\", "
	    "\"kind\": \"training\", \"overlap\": 3, \"gold_rate\": 0.25, \"priority\": -2}]}",
	    &ml, msg, sizeof msg);
	CHECK_INT(rc, 0);
	if (rc == 0) {
		CHECK_STR(ml.accepted_from, "single");
		CHECK_INT(ml.nbatches, 1);
		CHECK_STR(ml.batches[0].name, "q");
		CHECK_STR(ml.batches[0].kind, "training");
		CHECK_INT(ml.batches[0].overlap, 3);
		CHECK_NEAR(ml.batches[0].gold_rate, 0.25, 0);
		CHECK_INT(ml.batches[0].priority, -2);
		CHECK_INT(ml.njudgments, 2);
		CHECK_INT((int)ml.judgments[0].id, 7);
		CHECK_STR(ml.judgments[0].labeler, "ann");
		CHECK_STR(ml.judgments[0].state, "submitted");
		CHECK_STR(ml.judgments[0].batch, "q");
		CHECK_INT(ml.judgments[0].replica, 2);
		CHECK_INT(ml.judgments[0].has_answer, 1);
		CHECK_INT(ml.judgments[0].ans.n, 1);
		CHECK_NEAR(ml.judgments[0].ans.a[0].h, 4, 0);
		CHECK_INT(ml.judgments[0].ans.global.n, 1);
		CHECK_NEAR(ml.judgments[0].seconds, 12.5, 0);
		CHECK(ml.judgments[0].submitted_ms == 1700000000123LL);
		/* defaults: the line's batch, no replica, no answer, no time */
		CHECK_STR(ml.judgments[1].batch, "p");
		CHECK_INT(ml.judgments[1].replica, -1);
		CHECK_INT(ml.judgments[1].has_answer, 0);
		CHECK(ml.judgments[1].submitted_ms == 0 && ml.judgments[1].id == 0);
		bx_manifest_line_free(&ml);
	}
}

/* The kinds' YOLO and VOC maps: a kind's BX_FMT_VOC bit (export's "left
 * out ... (voc can)" lines) is set exactly when it has a VOC map, its
 * BX_FMT_YOLO bit exactly when its YOLO map holds the default export; a
 * task's lines come from the maps (an obb outline is 4 corners). */
static void
test_yolo_voc_maps(void)
{
	const struct bx_geom_kind *k;
	struct bx_pt buf[BX_GEOM_RING_MAX + 1];
	const struct bx_pt *pts;
	int g, t;

	for (g = 0; (k = bx_geom_at(g)) != NULL; g++) {
		CASE(k->name);
		CHECK_INT(!!(k->formats & BX_FMT_VOC), k->voc != NULL);
		CHECK_INT(!!(k->formats & BX_FMT_YOLO),
		    k->yolo != NULL && (k->yolo->tasks & BX_YOLO_IN(BX_YOLO_TASK_ANY)));
		CHECK(k->voc == NULL || k->voc->bndbox != NULL);
		/* every task but detect writes the outline */
		for (t = 0; k->yolo != NULL && t < BX_YOLO_NTASKS; t++)
			if ((k->yolo->tasks & BX_YOLO_IN(t)) && t != BX_YOLO_TASK_DETECT)
				CHECK(k->yolo->outline != NULL);
	}
	CASE("obb: a rotated box's corners");
	{
		struct bx_annot rb = { .geom = BX_GEOM_RBOX, .x = 50, .y = 40, .w = 20, .h = 10,
			.angle = 90 };
		k = bx_geom_kind(BX_GEOM_RBOX);
		CHECK_INT(k->yolo->outline(&rb, buf, &pts), 4);
		/* the unturned top-left (40, 35) turned 90 degrees clockwise
		 * about the centre */
		CHECK_NEAR(pts[0].x, 55, 1e-9);
		CHECK_NEAR(pts[0].y, 30, 1e-9);
	}
}

/* One image with a box, a polygon, a rotated box, an ellipse and a point
 * written for each Ultralytics task: detect all areas as upright boxes,
 * segment as outlines, obb only the 4-corner kinds. */
static void
test_yolo_tasks(void)
{
	struct bx_dataset ds;
	struct bx_ds_image *im;
	struct bx_answer a;
	struct bx_dataset errs;
	struct bx_buf b;
	struct bx_pt tri[3] = { { 20, 20 }, { 60, 20 }, { 40, 60 } }, pt = { 1, 1 };
	struct bx_annot box = { .geom = BX_GEOM_BOX, .cls = "c", .x = 80, .y = 30, .w = 40, .h = 40 };
	struct bx_annot poly = { .geom = BX_GEOM_POLYGON, .cls = "c", .pts = tri, .npts = 3 };
	struct bx_annot rb = { .geom = BX_GEOM_RBOX, .cls = "c", .x = 100, .y = 50, .w = 20,
		.h = 10, .angle = 90 };
	struct bx_annot el = { .geom = BX_GEOM_ELLIPSE, .cls = "c", .x = 150, .y = 50, .w = 20,
		.h = 10 };
	struct bx_annot point = { .geom = BX_GEOM_POINT, .cls = "c", .pts = &pt, .npts = 1 };
	const char *p;
	int n;

	bx_dataset_init(&ds);
	bx_dataset_add_class(&ds, "c", 1);
	im = bx_dataset_add(&ds, 1, "a.png", 200, 100);
	bx_answer_add(&im->ans, &box);
	bx_answer_add(&im->ans, &poly);
	bx_answer_add(&im->ans, &rb);
	bx_answer_add(&im->ans, &el);
	bx_answer_add(&im->ans, &point);
	bx_buf_init(&b);

	CASE("detect: every area object as its upright box, the point not");
	bx_yolo_write_task(&ds, im, BX_YOLO_TASK_DETECT, &b);
	CHECK_STR(b.p, "0 0.500000 0.500000 0.200000 0.400000\n"
	    "0 0.200000 0.400000 0.200000 0.400000\n"
	    "0 0.500000 0.500000 0.050000 0.200000\n"
	    "0 0.750000 0.500000 0.200000 0.200000\n");

	CASE("segment: outlines (the box's 4 corners, the ellipse's ring)");
	bx_buf_reset(&b);
	bx_yolo_write_task(&ds, im, BX_YOLO_TASK_SEGMENT, &b);
	p = b.p;
	{
		static const char head[] = "0 0.400000 0.300000 0.600000 0.300000 0.600000 0.700000 "
		    "0.400000 0.700000\n0 0.100000 0.200000 0.300000 0.200000 0.200000 0.600000\n"
		    "0 0.525000 0.400000 0.525000 0.600000 0.475000 0.600000 0.475000 0.400000\n";
		CHECK(strncmp(p, head, strlen(head)) == 0);
	}
	for (n = 0; *p; p++)
		n += *p == '\n';
	CHECK_INT(n, 4);
	/* the ellipse's line: class and 64 x y pairs */
	p = strrchr(b.p, '\n');
	while (p > b.p && p[-1] != '\n')
		p--;
	for (n = 0; *p && *p != '\n'; p++)
		n += *p == ' ';
	CHECK_INT(n, 128);
	CASE("segment reads back: box, polygon, and the rotated box and ellipse as polygons");
	bx_dataset_init(&errs);
	CHECK_INT(bx_yolo_read_labels(b.p, "s.txt", 200, 100, &ds, &a, &errs), 0);
	CHECK_INT(a.n, 4);
	for (n = 0; n < a.n && n < 4; n++)
		CHECK_INT(a.a[n].geom, n == 0 ? BX_GEOM_BOX : BX_GEOM_POLYGON);
	CHECK_INT(a.n == 4 ? a.a[3].npts : -1, 64);
	bx_answer_free(&a);
	bx_dataset_free(&errs);

	CASE("obb: the box and the rotated box as 4 corners only");
	bx_buf_reset(&b);
	bx_yolo_write_task(&ds, im, BX_YOLO_TASK_OBB, &b);
	CHECK_STR(b.p, "0 0.400000 0.300000 0.600000 0.300000 0.600000 0.700000 0.400000 0.700000\n"
	    "0 0.525000 0.400000 0.525000 0.600000 0.475000 0.600000 0.475000 0.400000\n");
	bx_buf_free(&b);
	bx_dataset_free(&ds);
}

BX_TESTS(T(test_coco_read), T(test_coco_bad_items), T(test_coco_lossy), T(test_coco_files), T(test_coco_results),
         T(test_coco_write), T(test_yolo), T(test_yolo_bad), T(test_yolo_tolerance), T(test_yolo_names), T(test_yolo_data), T(test_yolo_label_path), T(test_yolo_voc_maps),
         T(test_yolo_tasks), T(test_voc),
         T(test_voc_bad), T(test_labelstudio), T(test_labelstudio_huge_size), T(test_scale), T(test_manifest))
