/* bench-region.c: what a region and an overview cost against a whole decode
 * on large images: a 12000x9000 JPEG (baseline and progressive) and a
 * 20000x20000 PNG, written by tests/mkimage. Each measurement runs in a
 * child process, so its peak RSS (getrusage ru_maxrss of the child) is its
 * own. Figures only: exits 0 unless a decode or the generator fails.
 *
 *   bench-region MKIMAGE [DIR]   (DIR: where the images go, default $TMPDIR)
 *
 * The whole decodes run with the pixel budget raised (the default 100 MP
 * refuses all three), as does everything on the progressive JPEG, whose
 * coefficient buffer is full size whatever is decoded; the rest runs with
 * the default limits. */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "boxel/image.h"
#include "boxel/raster.h"

enum op { OP_REGION, OP_REGION4, OP_OVERVIEW, OP_WHOLE };

static double
now_s(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec + ts.tv_nsec / 1e9;
}

/* The child's work: exit 0 on success, 1 with the error on stderr. */
static int
run_op(const char *path, enum op op, int x, int y, int raise)
{
	struct bx_image_limits lim;
	struct bx_image img;
	struct bx_err err = {0};
	struct bx_raster *r;
	int rc;

	bx_image_limits_default(&lim);
	if (raise || op == OP_WHOLE) {
		lim.max_pixels = 1000000000;
		lim.max_file = (size_t)4 << 30;
	}
	switch (op) {
	case OP_REGION:
		rc = bx_image_load_region(path, x, y, 512, 512, 1, &lim, &img, &err);
		break;
	case OP_REGION4:
		rc = bx_image_load_region(path, x, y, 512, 512, 4, &lim, &img, &err);
		break;
	case OP_OVERVIEW:
		rc = bx_image_load(path, 200, 150, &lim, &img, &err);
		if (rc == 0) {
			r = bx_raster_downscale(img.pix, 200, 150);
			bx_raster_free(r);
		}
		break;
	default:
		rc = bx_image_load(path, 0, 0, &lim, &img, &err);
	}
	if (rc != 0) {
		fprintf(stderr, "bench-region: %s: %s\n", path, err.msg);
		return 1;
	}
	bx_image_release(&img);
	return 0;
}

static int
measure(const char *label, const char *path, enum op op, int x, int y, int raise)
{
	struct rusage ru;
	double t0 = now_s(), t;
	int status;
	pid_t pid;

	fflush(stdout);
	pid = fork();
	if (pid < 0)
		return 1;
	if (pid == 0)
		_exit(run_op(path, op, x, y, raise));
	if (wait4(pid, &status, 0, &ru) != pid || !WIFEXITED(status) || WEXITSTATUS(status) != 0) {
		printf("%-44s failed\n", label);
		return 1;
	}
	t = now_s() - t0;
	printf("%-44s %9.3f s %9ld MB peak RSS\n", label, t, ru.ru_maxrss / 1024);
	return 0;
}

static int
generate(const char *mkimage, const char *out, const char *args)
{
	char cmd[4096];
	struct stat st;
	double t0 = now_s();

	snprintf(cmd, sizeof cmd, "'%s' '%s' %s", mkimage, out, args);
	if (system(cmd) != 0 || stat(out, &st) != 0) {
		fprintf(stderr, "bench-region: could not write %s\n", out);
		return 1;
	}
	printf("# %s: %s, %.1f MB, written in %.1f s\n", out, args, st.st_size / 1e6, now_s() - t0);
	return 0;
}

int
main(int argc, char **argv)
{
	/* raise: a progressive JPEG buffers all its coefficients whatever is
	 * cropped, so 108 MP are over the default budget for every decode */
	static const struct { const char *name, *args; int w, h, raise; } imgs[] = {
		{ "bench-12000x9000.jpg", "12000 9000 -q 85", 12000, 9000, 0 },
		{ "bench-12000x9000-progressive.jpg", "12000 9000 -q 85 -p", 12000, 9000, 1 },
		{ "bench-20000x20000.png", "20000 20000 -n 0 -z 1", 20000, 20000, 0 },
	};
	const char *dir = argc > 2 ? argv[2] : getenv("TMPDIR");
	char path[3][1024], label[128];
	size_t i;
	int fails = 0;

	if (argc < 2) {
		fprintf(stderr, "usage: bench-region MKIMAGE [DIR]\n");
		return 2;
	}
	if (dir == NULL)
		dir = "/tmp";
	for (i = 0; i < 3; i++) {
		snprintf(path[i], sizeof path[i], "%s/%s", dir, imgs[i].name);
		if (generate(argv[1], path[i], imgs[i].args) != 0)
			return 1;
	}
	printf("# each line: one child process; 512x512 regions at full resolution,\n"
	       "# or at 1/4 (2048x2048 image pixels);\n"
	       "# overview = bx_image_load(200, 150) then area-average to 200x150\n");
	for (i = 0; i < 3; i++) {
		const char *n = imgs[i].name + 6;
		int W = imgs[i].w, H = imgs[i].h, r = imgs[i].raise;

		snprintf(label, sizeof label, "%s region middle", n);
		fails += measure(label, path[i], OP_REGION, W / 2 - 256, H / 2 - 256, r);
		snprintf(label, sizeof label, "%s region bottom-right", n);
		fails += measure(label, path[i], OP_REGION, W - 512, H - 512, r);
		snprintf(label, sizeof label, "%s region middle at 1/4", n);
		fails += measure(label, path[i], OP_REGION4, W / 8 - 256, H / 8 - 256, r);
		snprintf(label, sizeof label, "%s overview 200x150", n);
		fails += measure(label, path[i], OP_OVERVIEW, 0, 0, r);
		snprintf(label, sizeof label, "%s whole decode", n);
		fails += measure(label, path[i], OP_WHOLE, 0, 0, 1);
	}
	for (i = 0; i < 3; i++)
		unlink(path[i]);
	return fails ? 1 : 0;
}
