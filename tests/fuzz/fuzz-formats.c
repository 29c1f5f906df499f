/* fuzz-formats.c: libFuzzer target for everything that parses outside text
 * in the formats layer: the taxonomy loader (and its line:column scanner),
 * the judgment codec, and the COCO, COCO results, Label Studio, Scale, VOC,
 * YOLO, manifest and CVAT XML readers. The first byte picks the reader; the rest is the input.
 * Whatever parses is also written back out, and answers are checked against
 * a fixed taxonomy. */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "boxel/codec.h"
#include "boxel/formats.h"
#include "boxel/taxonomy.h"
#include "boxel/util.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static const char tax_text[] =
    "{\"classes\": [{\"name\": \"cat\", \"geometries\": [\"box\", \"polygon\", \"point\", \"tag\"],"
    " \"attributes\": [{\"name\": \"pose\", \"type\": \"choice\", \"options\": [\"a\", \"b\"]},"
    " {\"name\": \"n\", \"type\": \"number\", \"min\": 0, \"max\": 9},"
    " {\"name\": \"t\", \"type\": \"multi\", \"options\": [\"x\", \"y\"]}]},"
    " {\"name\": \"cup\"}], \"global\": [{\"name\": \"ok\", \"type\": \"bool\"}]}";

static void
write_all(struct bx_dataset *ds)
{
	struct bx_err err = {0};
	struct bx_buf b;
	int i;

	bx_buf_init(&b);
	bx_coco_write(ds, &b);
	bx_ls_write(ds, &b);
	bx_scale_write(ds, &b);
	bx_cvat_write(ds, &b, &err);
	bx_yolo_write_yaml(ds, "/fuzz", &b);
	for (i = 0; i < ds->n; i++) {
		bx_voc_write(&ds->img[i], &b);
		bx_yolo_write_labels(ds, &ds->img[i], &b);
	}
	bx_buf_free(&b);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static struct bx_taxonomy *tax;
	struct bx_taxonomy *t = NULL;
	struct bx_dataset ds, gt, names;
	struct bx_answer a;
	struct bx_err err = {0};
	char *text, **probs = NULL, *s;
	int i, n = 0, which;

	if (tax == NULL && bx_taxonomy_load_text(tax_text, "t", &tax, &err) != 0)
		abort();
	if (size < 1)
		return 0;
	which = data[0] % 10;
	text = bx_strndup((const char *)data + 1, size - 1);
	bx_dataset_init(&ds);
	switch (which) {
	case 0:
		if (bx_taxonomy_load_text_all(text, "f.json", &t, &probs, &n, &err) == 0)
			bx_taxonomy_free(t);
		for (i = 0; i < n; i++)
			free(probs[i]);
		free(probs);
		break;
	case 1:
		if (bx_answer_from_json(text, &a, &err) == 0) {
			s = bx_answer_to_json(&a);
			bx_taxonomy_check_answer(tax, &a, 100, 50, &err);
			free(s);
			bx_answer_free(&a);
		}
		break;
	case 2:
		if (bx_coco_read(text, "f", &ds, &err) == 0)
			write_all(&ds);
		break;
	case 3:
		bx_dataset_init(&gt);
		bx_dataset_add_class(&gt, "cat", 1);
		bx_dataset_add(&gt, 1, "a.png", 10, 10);
		bx_dataset_index(&gt);
		if (bx_coco_read_results(text, "f", &gt, &ds, &err) == 0)
			write_all(&ds);
		bx_dataset_free(&gt);
		break;
	case 4:
		if (bx_ls_read(text, "f", &ds, &err) == 0)
			write_all(&ds);
		break;
	case 5:
		if (bx_scale_read(text, "f", &ds, &err) == 0)
			write_all(&ds);
		break;
	case 6:
		if (bx_voc_read(text, "f", &ds, &err) == 0)
			write_all(&ds);
		break;
	case 7:
		bx_dataset_init(&names);
		if (bx_yolo_read_names(text, "f", &names, &err) != 0)
			bx_dataset_add_class(&names, "cat", 0);
		if (bx_yolo_read_labels(text, "f", 640, 480, &names, &a, &ds) == 0)
			bx_answer_free(&a);
		bx_dataset_free(&names);
		break;
	case 8: {
		struct bx_manifest_line ml;
		char msg[600];

		if (bx_manifest_parse_line(text, &ml, msg, sizeof msg) == 0)
			bx_manifest_line_free(&ml);
		break;
	}
	case 9:
		if (bx_cvat_read(text, "f", &ds, &err) == 0)
			write_all(&ds);
		break;
	}
	bx_dataset_free(&ds);
	free(text);
	return 0;
}
