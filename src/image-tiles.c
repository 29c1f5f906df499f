/* image-tiles.c: the tile pyramid cache (see boxel/tiles.h for what it
 * promises). Level pixels, origin top-left; level k is the image halved k
 * times. The file, in host byte order (a cache belongs to one machine):
 *
 *   [header, one page][where each tile is and its checksum, to a page]
 *   [tiles, each BX_TILE^2 RGB, deflated or raw, in the order made]
 *
 * Tiles past an edge are padded with black. A tile is stored as each
 * pixel minus its left neighbour (per channel, mod 256), deflated (raw
 * deflate, no zlib wrapper) with run-length matching only (Z_RLE) when
 * that would halve it (worth_deflating), as is otherwise. Raw tiles made
 * 6.4 GB for a 40000x40000 image and the build waited on the disk (42 of
 * 48 s at 20000x20000). On 128x128 tiles of a 4000x3000 JPEG, deflate
 * level 1 kept 78% of the bytes at 52 MB/s; the difference plus Z_RLE
 * keeps 67% at 105 MB/s (a smooth gradient becomes runs of one value).
 * Inflating a 48 KB tile takes a tenth of a millisecond; a view needs
 * about a dozen. Lossless, so level 0 stays the image's own pixels. The
 * checksum covers the stored bytes: damage is found before inflate sees
 * it. */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <math.h>
#include <signal.h>
#include <stdatomic.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>
#include <zlib.h>

#include "boxel/tiles.h"
#include "boxel/util.h"
#include "image-int.h"

#define TILE BX_TILE
#define TILE_BYTES ((uint64_t)TILE * TILE * 3)
#define PAGE 4096
#define MAX_LEVELS 24
#define MAGIC "BXTILES\x01"
#define VERSION 3               /* 1: raw tiles; 2: zlib-wrapped (a mismatch: rebuilt) */
#define ZLEVEL 1                /* with Z_RLE: the level only sizes buffers */
#define SAMPLES 16
#define SAMPLE_BYTES 4096

struct level_head {
	uint32_t w, h, tx, ty;
	uint64_t first;         /* index of its first tile */
};

struct head {
	char magic[8];
	uint32_t version, tile;
	uint32_t w, h, nlevels, pad;
	uint64_t key;           /* the source's fingerprint */
	uint64_t ntiles, file_size;
	uint64_t table_sum;     /* checksum of the checksum table */
	struct level_head lv[MAX_LEVELS];
	uint64_t head_sum;      /* checksum of everything above */
};

/* A tile in the file: len == TILE_BYTES means stored raw. */
struct tile_ref {
	uint64_t off, sum;
	uint32_t len, pad;
};

struct bx_tiles {
	int fd;
	uint8_t *map;
	uint64_t size, data_off;
	struct head h;
	const struct tile_ref *refs;
	uint8_t *buf;           /* the tile last inflated */
	z_stream zs;            /* raw inflate, reset per tile */
	int zs_ready;
	uint8_t *checked;       /* one byte per tile: its checksum was verified */
	char *path;
};

/* A word-at-a-time multiply-xorshift hash: catches torn writes and flipped
 * bits at memory speed (not an adversary, who could rewrite the sums). */
static uint64_t
sum64(uint64_t h, const void *p, size_t n)
{
	const uint8_t *b = p;
	uint64_t w;

	h ^= n * 0x9e3779b97f4a7c15ull;
	for (; n >= 8; n -= 8, b += 8) {
		memcpy(&w, b, 8);
		h = (h ^ w) * 0xff51afd7ed558ccdull;
		h ^= h >> 32;
	}
	while (n-- > 0)
		h = (h ^ *b++) * 0x100000001b3ull;
	return h ^ (h >> 29);
}

/* Level sizes of a w x h image; returns the number of levels. */
static int
plan_levels(int w, int h, struct level_head *lv, uint64_t *ntiles_out)
{
	uint64_t n = 0;
	int k = 0;

	for (;;) {
		lv[k].w = (uint32_t)w;
		lv[k].h = (uint32_t)h;
		lv[k].tx = (uint32_t)((w + TILE - 1) / TILE);
		lv[k].ty = (uint32_t)((h + TILE - 1) / TILE);
		lv[k].first = n;
		n += (uint64_t)lv[k].tx * lv[k].ty;
		k++;
		if ((w <= TILE && h <= TILE) || k == MAX_LEVELS)
			break;
		w = (w + 1) / 2;
		h = (h + 1) / 2;
	}
	*ntiles_out = n;
	return k;
}

static uint64_t
table_bytes(uint64_t ntiles)
{
	return (ntiles * sizeof(struct tile_ref) + PAGE - 1) / PAGE * PAGE;
}

uint64_t
bx_tiles_bytes_for(int w, int h)
{
	struct level_head lv[MAX_LEVELS];
	uint64_t n;

	plan_levels(w, h, lv, &n);
	return PAGE + table_bytes(n) + n * TILE_BYTES;
}

/* ---- fingerprint ---- */

static int
fingerprint(const char *path, uint64_t *key_out, struct bx_err *err)
{
	uint8_t buf[SAMPLE_BYTES];
	struct stat st;
	uint64_t h, off;
	ssize_t got;
	int fd, i;

	fd = open(path, O_RDONLY | O_CLOEXEC | O_NONBLOCK);
	if (fd < 0)
		return bx_err_set(err, errno == ENOENT ? BX_ENOENT : BX_EIO, "%s", strerror(errno));
	if (fstat(fd, &st) != 0 || !S_ISREG(st.st_mode)) {
		close(fd);
		return bx_err_set(err, BX_EINVAL, "not a regular file");
	}
	h = sum64(0, &st.st_size, sizeof st.st_size);
	h = sum64(h, &st.st_mtim, sizeof st.st_mtim);
	for (i = 0; i < SAMPLES; i++) {
		off = st.st_size <= SAMPLE_BYTES ? 0 :
		      (uint64_t)(st.st_size - SAMPLE_BYTES) * (uint64_t)i / (SAMPLES - 1);
		got = pread(fd, buf, sizeof buf, (off_t)off);
		if (got < 0) {
			close(fd);
			return bx_err_set(err, BX_EIO, "read failed: %s", strerror(errno));
		}
		h = sum64(h, buf, (size_t)got);
	}
	close(fd);
	*key_out = h;
	return 0;
}

/* ---- reading ---- */

void
bx_tiles_close(struct bx_tiles *t)
{
	if (t == NULL)
		return;
	if (t->map != NULL)
		munmap(t->map, t->size);
	if (t->fd >= 0)
		close(t->fd);
	free(t->checked);
	free(t->buf);
	if (t->zs_ready)
		inflateEnd(&t->zs);
	free(t->path);
	free(t);
}

void
bx_tiles_discard(struct bx_tiles *t)
{
	if (t != NULL)
		unlink(t->path);
}

/* Check the header and the checksum table of an open file against the
 * image (w x h, key). The tiles themselves are checked as they are read. */
static int
check_file(struct bx_tiles *t, uint64_t key, struct bx_err *err)
{
	struct level_head lv[MAX_LEVELS];
	const struct head *h = (const void *)t->map;
	uint64_t ntiles;
	int n;

	if (t->size < PAGE || memcmp(h->magic, MAGIC, 8) != 0 || h->version != VERSION ||
	    h->tile != TILE)
		return bx_err_set(err, BX_EINVAL, "not a tile cache of this version");
	if (sum64(0, h, offsetof(struct head, head_sum)) != h->head_sum)
		return bx_err_set(err, BX_EINVAL, "header checksum mismatch");
	if (h->key != key)
		return bx_err_set(err, BX_EINVAL, "made from another version of the image");
	if (h->w < 1 || h->h < 1 || h->w > BX_RASTER_MAX_SIDE || h->h > BX_RASTER_MAX_SIDE)
		return bx_err_set(err, BX_EINVAL, "bad size in header");
	n = plan_levels((int)h->w, (int)h->h, lv, &ntiles);
	if ((int)h->nlevels != n || h->ntiles != ntiles ||
	    memcmp(lv, h->lv, sizeof lv[0] * (size_t)n) != 0)
		return bx_err_set(err, BX_EINVAL, "bad levels in header");
	if (h->file_size != t->size || t->size > bx_tiles_bytes_for((int)h->w, (int)h->h) ||
	    t->size < PAGE + table_bytes(ntiles))
		return bx_err_set(err, BX_EINVAL, "file is %ju bytes, not the %ju its header says",
		    (uintmax_t)t->size, (uintmax_t)h->file_size);
	if (sum64(0, t->map + PAGE, ntiles * sizeof(struct tile_ref)) != h->table_sum)
		return bx_err_set(err, BX_EINVAL, "checksum table damaged");
	t->h = *h;
	t->refs = (const struct tile_ref *)(const void *)(t->map + PAGE);
	t->buf = bx_malloc(TILE_BYTES);
	if (inflateInit2(&t->zs, -15) != Z_OK)
		abort(); /* only out of memory */
	t->zs_ready = 1;
	t->data_off = PAGE + table_bytes(ntiles);
	t->checked = calloc(ntiles, 1);
	if (t->checked == NULL)
		abort();
	return 0;
}

static int
open_file(const char *file, uint64_t key, struct bx_tiles **out, struct bx_err *err)
{
	struct bx_tiles *t = bx_calloc(1, sizeof *t);
	struct stat st;
	int rc;

	*out = NULL;
	t->path = bx_strdup(file);
	t->fd = open(file, O_RDONLY | O_CLOEXEC);
	if (t->fd < 0) {
		rc = bx_err_set(err, errno == ENOENT ? BX_ENOENT : BX_EIO, "%s", strerror(errno));
		bx_tiles_close(t);
		return rc;
	}
	if (fstat(t->fd, &st) != 0 || !S_ISREG(st.st_mode) || st.st_size < PAGE) {
		bx_tiles_close(t);
		return bx_err_set(err, BX_EINVAL, "not a tile cache file");
	}
	t->size = (uint64_t)st.st_size;
	t->map = mmap(NULL, t->size, PROT_READ, MAP_SHARED, t->fd, 0);
	if (t->map == MAP_FAILED) {
		t->map = NULL;
		rc = bx_err_set(err, BX_EIO, "mmap: %s", strerror(errno));
		bx_tiles_close(t);
		return rc;
	}
	if ((rc = check_file(t, key, err)) < 0) {
		bx_tiles_close(t);
		return rc;
	}
	/* Its mtime is its last use: eviction removes the oldest first. */
	futimens(t->fd, NULL);
	*out = t;
	return 0;
}

int
bx_tiles_levels(const struct bx_tiles *t)
{
	return (int)t->h.nlevels;
}

void
bx_tiles_level_size(const struct bx_tiles *t, int k, int *w_out, int *h_out)
{
	*w_out = (int)t->h.lv[k].w;
	*h_out = (int)t->h.lv[k].h;
}

uint64_t
bx_tiles_file_bytes(const struct bx_tiles *t)
{
	return t->size;
}

const char *
bx_tiles_path(const struct bx_tiles *t)
{
	return t->path;
}

/* A tile as pixel minus left pixel, per channel (the first column as is):
 * deflate finds runs in what was a gradient. */
static void
diff(uint8_t *dst, const uint8_t *src)
{
	size_t y, i;

	for (y = 0; y < TILE; y++, dst += TILE * 3, src += TILE * 3) {
		memcpy(dst, src, 3);
		for (i = 3; i < TILE * 3; i++)
			dst[i] = (uint8_t)(src[i] - src[i - 3]);
	}
}

static void
undiff(uint8_t *p)
{
	size_t y, i;

	for (y = 0; y < TILE; y++, p += TILE * 3)
		for (i = 3; i < TILE * 3; i++)
			p[i] = (uint8_t)(p[i] + p[i - 3]);
}

/* Tile (tx, ty) of level k, its checksum checked on first use: its
 * pixels, valid until the next call (or in the map, when stored raw).
 * *ref_out is where it lies in the file (for tile_done). */
static const uint8_t *
tile_at(struct bx_tiles *t, int k, int tx, int ty, const struct tile_ref **ref_out,
        struct bx_err *err)
{
	uint64_t i = t->h.lv[k].first + (uint64_t)ty * t->h.lv[k].tx + (uint64_t)tx;
	const struct tile_ref *r = &t->refs[i];
	const uint8_t *p;
	*ref_out = r;
	if (r->len == 0 || r->len > TILE_BYTES || r->off < t->data_off || r->off > t->size ||
	    r->len > t->size - r->off)
		goto damaged;
	p = t->map + r->off;
	if (!t->checked[i]) {
		if (sum64(0, p, r->len) != r->sum)
			goto damaged;
		t->checked[i] = 1;
	}
	if (r->len == TILE_BYTES)
		return p;
	if (inflateReset(&t->zs) != Z_OK)
		goto damaged;
	t->zs.next_in = (Bytef *)(uintptr_t)p;
	t->zs.avail_in = r->len;
	t->zs.next_out = t->buf;
	t->zs.avail_out = TILE_BYTES;
	if (inflate(&t->zs, Z_FINISH) != Z_STREAM_END || t->zs.total_out != TILE_BYTES)
		goto damaged;
	undiff(t->buf);
	return t->buf;
damaged:
	bx_err_set(err, BX_EIO, "tile cache damaged (level %d tile %d,%d fails its checksum)", k,
	    tx, ty);
	return NULL;
}

/* This process is done with a tile: its pages leave our resident set (the
 * page cache keeps them for the next read and for other sessions; a page
 * it shares with a neighbour is read again from there if needed). */
static void
tile_done(struct bx_tiles *t, const struct tile_ref *r)
{
	uint64_t a = r->off / PAGE * PAGE, e = r->off + r->len;

	madvise(t->map + a, e - a, MADV_DONTNEED);
}

int
bx_tiles_region(struct bx_tiles *t, int k, int x, int y, int w, int h, struct bx_image *out,
                struct bx_err *err)
{
	const struct level_head *lv;
	struct bx_raster *r;
	int tx, ty, row;

	memset(out, 0, sizeof *out);
	if (k < 0 || k >= (int)t->h.nlevels)
		return bx_err_set(err, BX_EINVAL, "no level %d in the tile cache", k);
	lv = &t->h.lv[k];
	if (w <= 0 || h <= 0 || x < 0 || y < 0 || (int64_t)x + w > lv->w || (int64_t)y + h > lv->h ||
	    (int64_t)w * h > 64000000)
		return bx_err_set(err, BX_EINVAL, "region %dx%d at %d,%d is not inside level %d (%ux%u)",
		    w, h, x, y, k, lv->w, lv->h);
	r = bx_raster_new(w, h);
	for (ty = y / TILE; ty <= (y + h - 1) / TILE; ty++) {
		int r0 = ty * TILE > y ? ty * TILE : y;
		int r1 = (ty + 1) * TILE < y + h ? (ty + 1) * TILE : y + h;

		for (tx = x / TILE; tx <= (x + w - 1) / TILE; tx++) {
			int c0 = tx * TILE > x ? tx * TILE : x;
			int c1 = (tx + 1) * TILE < x + w ? (tx + 1) * TILE : x + w;
			const struct tile_ref *ref;
			const uint8_t *p = tile_at(t, k, tx, ty, &ref, err);

			if (p == NULL) {
				bx_raster_free(r);
				return BX_EIO;
			}
			for (row = r0; row < r1; row++)
				memcpy(r->px + ((size_t)(row - y) * w + (c0 - x)) * 3,
				       p + ((size_t)(row - ty * TILE) * TILE + (c0 - tx * TILE)) * 3,
				       (size_t)(c1 - c0) * 3);
			tile_done(t, ref);
		}
	}
	out->pix = r;
	out->full_w = (int)t->h.w;
	out->full_h = (int)t->h.h;
	return 0;
}

int
bx_tiles_overview(struct bx_tiles *t, int want_w, int want_h, struct bx_image *out,
                  struct bx_err *err)
{
	const struct level_head *lv;
	struct bx_rowavg *avg;
	uint8_t *row;
	int ow, oh, k, y, tx, ty;

	memset(out, 0, sizeof *out);
	bx_image_overview_size((int)t->h.w, (int)t->h.h, want_w, want_h, &ow, &oh);
	for (k = (int)t->h.nlevels - 1; k > 0; k--)
		if ((int)t->h.lv[k].w >= ow && (int)t->h.lv[k].h >= oh)
			break;
	lv = &t->h.lv[k];
	if ((int)lv->w == ow && (int)lv->h == oh)
		return bx_tiles_region(t, k, 0, 0, ow, oh, out, err);
	/* Read the level a band of tiles at a time and average it down, so
	 * what is held is the result and one band, whatever the level's size. */
	avg = bx_rowavg_new((int)lv->w, (int)lv->h, ow, oh);
	row = bx_malloc((size_t)lv->w * 3 * TILE);
	for (ty = 0; ty < (int)lv->ty; ty++) {
		int rows = (ty + 1) * TILE <= (int)lv->h ? TILE : (int)lv->h - ty * TILE;

		for (tx = 0; tx < (int)lv->tx; tx++) {
			const struct tile_ref *ref;
			const uint8_t *p = tile_at(t, k, tx, ty, &ref, err);
			int n = (tx + 1) * TILE <= (int)lv->w ? TILE : (int)lv->w - tx * TILE;

			if (p == NULL) {
				free(row);
				bx_rowavg_free(avg);
				return BX_EIO;
			}
			for (y = 0; y < rows; y++)
				memcpy(row + ((size_t)y * lv->w + (size_t)tx * TILE) * 3,
				       p + (size_t)y * TILE * 3, (size_t)n * 3);
			tile_done(t, ref);
		}
		for (y = 0; y < rows; y++)
			bx_rowavg_push(avg, row + (size_t)y * lv->w * 3);
	}
	free(row);
	out->pix = bx_rowavg_finish(avg);
	bx_rowavg_free(avg);
	out->full_w = (int)t->h.w;
	out->full_h = (int)t->h.h;
	return 0;
}

/* ---- building ---- */

/* One level being built: a band of TILE rows, written out as a row of
 * tiles when full, and the even row waiting for its odd partner to make
 * a row of the next level. */
struct lvbuild {
	int w, h, y;
	uint8_t *band;          /* TILE rows of tx * TILE pixels */
	uint8_t *pend;          /* the even row (w pixels) */
	uint8_t *down;          /* the next level's row being made */
};

struct build {
	int fd, n;
	struct level_head lv[MAX_LEVELS];
	struct lvbuild b[MAX_LEVELS];
	uint64_t ntiles, data_off;
	uint64_t pos;           /* where the next tile goes */
	struct tile_ref *refs;
	uint8_t *tile, *d, *z;
	z_stream zs;            /* reset per tile, not set up again */
	struct bx_tiles_watch *watch;
	int pk;                 /* the watch's preview level, -1 none */
	const char *dir;        /* the cache directory and its limit */
	const char *name;       /* the file being written, in dir */
	uint64_t limit;
	uint64_t band_bytes;    /* the most a band of image rows writes */
};

static int reserve(struct build *B, struct bx_err *err);

static int
write_all(int fd, const void *p, size_t n, uint64_t off, struct bx_err *err)
{
	const uint8_t *b = p;
	ssize_t got;

	while (n > 0) {
		got = pwrite(fd, b, n, (off_t)off);
		if (got < 0 && errno == EINTR)
			continue;
		if (got <= 0)
			return bx_err_set(err, BX_EIO, "writing the tile cache: %s",
			    got < 0 ? strerror(errno) : "short write");
		b += got;
		n -= (size_t)got;
		off += (uint64_t)got;
	}
	return 0;
}

/* Whether a differenced tile is deflated: only when its bytes' order-0
 * entropy (what a Huffman code gets them down to; runs only do better,
 * and are rare where the entropy is high) says it would at least halve.
 * Deflate runs at about 100 MB/s and the tiles go to the page cache
 * faster than that, so a tile that would keep most of its bytes costs
 * more time deflated than written: a 12000x9000 JPEG's tiles keep 2/3,
 * and deflating them all made its build 6.8 s of CPU instead of 1.3 for
 * 2/3 of the disk. A smooth image's keep a tenth and are still deflated.
 * Other rules on the 12000x9000 JPEG (bench's mkimage; CPU of `import
 * --tiles`, load 8-12): this one 433 MB, 1.4 s; every tile of levels >= 1
 * deflated 404 MB, 2.3 s; halving threshold 2/3 350 MB, 4.1 s; every tile
 * 295 MB, 5.3 s (Huffman-only 296 MB, 4.8 s; level 1 with matching 307 MB,
 * 8.6 s; libdeflate level 1 deflates these bytes only 1.3x faster than
 * Z_RLE). Every choice buys disk at about 35 MB per second of CPU, time
 * the annotator waits for the exact picture, while tile_cache_mb bounds
 * the disk: the cheapest stays. */
static int
worth_deflating(const uint8_t *d)
{
	uint32_t cnt[4][256], c;
	double bits = 0;
	size_t i;

	/* Four tables: a run of one value would make every count wait for
	 * the one before it. */
	memset(cnt, 0, sizeof cnt);
	for (i = 0; i < TILE_BYTES; i += 4) {
		cnt[0][d[i]]++;
		cnt[1][d[i + 1]]++;
		cnt[2][d[i + 2]]++;
		cnt[3][d[i + 3]]++;
	}
	for (i = 0; i < 256; i++)
		if ((c = cnt[0][i] + cnt[1][i] + cnt[2][i] + cnt[3][i]) > 0)
			bits -= c * log2((double)c / TILE_BYTES);
	return bits / 8 < TILE_BYTES / 2;
}

/* B->d, deflated raw (the checksum covers it: no zlib wrapper, no
 * adler32) into B->z: 0 and its size in *n. */
static int
deflate_tile(struct build *B, uLongf *n)
{
	if (deflateReset(&B->zs) != Z_OK)
		return -1;
	B->zs.next_in = B->d;
	B->zs.avail_in = TILE_BYTES;
	B->zs.next_out = B->z;
	B->zs.avail_out = (uInt)*n;
	if (deflate(&B->zs, Z_FINISH) != Z_STREAM_END)
		return -1;
	*n = B->zs.total_out;
	return 0;
}

/* The band of level k is full (or the level ended): write its tiles. */
static int
flush_band(struct build *B, int k, struct bx_err *err)
{
	struct lvbuild *b = &B->b[k];
	const struct level_head *lv = &B->lv[k];
	int ty = (b->y - 1) / TILE, tx, r;
	size_t stride = (size_t)lv->tx * TILE * 3;

	for (tx = 0; tx < (int)lv->tx; tx++) {
		uint64_t i = lv->first + (uint64_t)ty * lv->tx + (uint64_t)tx;

		for (r = 0; r < TILE; r++)
			memcpy(B->tile + (size_t)r * TILE * 3, b->band + r * stride + (size_t)tx * TILE * 3,
			       (size_t)TILE * 3);
		uLongf n = compressBound(TILE_BYTES);
		const uint8_t *p = B->z;

		diff(B->d, B->tile);
		if (!worth_deflating(B->d) || deflate_tile(B, &n) != 0 || n >= TILE_BYTES) {
			p = B->tile;
			n = TILE_BYTES;
		}
		B->refs[i].off = B->pos;
		B->refs[i].len = (uint32_t)n;
		B->refs[i].sum = sum64(0, p, n);
		if (write_all(B->fd, p, n, B->pos, err) < 0)
			return BX_EIO;
		B->pos += n;
	}
	memset(b->band, 0, (size_t)TILE * stride);
	return 0;
}

static int push_row(struct build *B, int k, const uint8_t *rgb, struct bx_err *err);

/* Rows a and b (b NULL past the bottom edge) of level k make one row of
 * level k + 1: 2x2 averages, fewer pixels at the right and bottom edges. */
static int
push_down(struct build *B, int k, const uint8_t *a, const uint8_t *b, struct bx_err *err)
{
	int w = B->b[k].w, ow = B->b[k + 1].w, x, c;
	uint8_t *o = B->b[k].down;

	for (x = 0; x < ow; x++) {
		int x1 = 2 * x + 1 < w ? 2 * x + 1 : 2 * x;
		unsigned cnt = (x1 != 2 * x ? 2u : 1u) * (b != NULL ? 2u : 1u);

		for (c = 0; c < 3; c++) {
			unsigned s = a[6 * x + c] + (x1 != 2 * x ? a[3 * x1 + c] : 0);

			if (b != NULL)
				s += b[6 * x + c] + (x1 != 2 * x ? b[3 * x1 + c] : 0);
			o[3 * x + c] = (uint8_t)((s + cnt / 2) / cnt);
		}
	}
	return push_row(B, k + 1, o, err);
}

static int
push_row(struct build *B, int k, const uint8_t *rgb, struct bx_err *err)
{
	struct lvbuild *b = &B->b[k];
	size_t stride = (size_t)B->lv[k].tx * TILE * 3;
	int y = b->y++;

	memcpy(b->band + (size_t)(y % TILE) * stride, rgb, (size_t)b->w * 3);
	if (k == B->pk) {
		memcpy(B->watch->pv + (size_t)y * b->w * 3, rgb, (size_t)b->w * 3);
		atomic_store_explicit(&B->watch->pv_rows, y + 1, memory_order_release);
	}
	if ((b->y % TILE == 0 || b->y == b->h) && flush_band(B, k, err) < 0)
		return BX_EIO;
	if (k + 1 >= B->n)
		return 0;
	if (y % 2 == 1)
		return push_down(B, k, b->pend, rgb, err);
	if (b->y == b->h)
		return push_down(B, k, rgb, NULL, err);
	memcpy(b->pend, rgb, (size_t)b->w * 3);
	return 0;
}

static int
build_begin(void *ctx, int w, int h, struct bx_err *err)
{
	struct build *B = ctx;
	int k;

	if (w != (int)B->lv[0].w || h != (int)B->lv[0].h)
		return bx_err_set(err, BX_EINVAL, "the image changed while its tiles were made");
	for (k = 0; k < B->n; k++) {
		B->b[k].w = (int)B->lv[k].w;
		B->b[k].h = (int)B->lv[k].h;
		B->b[k].band = calloc((size_t)TILE * B->lv[k].tx * TILE, 3);
		B->b[k].pend = bx_malloc((size_t)B->b[k].w * 3);
		B->b[k].down = k + 1 < B->n ? bx_malloc((size_t)B->lv[k + 1].w * 3) : NULL;
		if (B->b[k].band == NULL)
			abort();
	}
	return 0;
}

static int
build_row(void *ctx, const uint8_t *rgb, int y, struct bx_err *err)
{
	struct build *B = ctx;

	if (B->watch != NULL) {
		if (y % TILE == 0 && atomic_load(&B->watch->stop))
			return bx_err_set(err, BX_EEMPTY, "stopped");
		atomic_store_explicit(&B->watch->rows, y + 1, memory_order_relaxed);
	}
	/* Room is made a band at a time for what the band could write raw
	 * (the table and header count from the start): reserving the whole
	 * raw size up front evicted pyramids for bytes that deflate never
	 * writes (a smooth 20000x20000 PNG: 1.6 GB reserved, 172 MB
	 * written). */
	if (y % TILE == 0 && reserve(B, err) < 0)
		return BX_ELIMIT;
	return push_row(B, 0, rgb, err);
}

/* The level a watcher's preview copies: the one bx_tiles_overview would
 * read for its size (small: about the pane's), set up before any row
 * comes. -1 when none is asked for or it would be large. */
static int
preview_level(struct build *B, struct bx_tiles_watch *w, int iw, int ih)
{
	int ow, oh, k;

	if (w->want_w < 1 || w->want_h < 1)
		return -1;
	bx_image_overview_size(iw, ih, w->want_w, w->want_h, &ow, &oh);
	for (k = B->n - 1; k > 0; k--)
		if ((int)B->lv[k].w >= ow && (int)B->lv[k].h >= oh)
			break;
	if ((uint64_t)B->lv[k].w * B->lv[k].h > 16000000)
		return -1;
	w->pv_w = (int)B->lv[k].w;
	w->pv_h = (int)B->lv[k].h;
	w->pv = bx_calloc((size_t)w->pv_w * w->pv_h, 3);
	return k;
}

/* Stream path's rows into a new pyramid at tmp; the header last. */
static int
build_file(const char *path, const char *tmp, const char *dir, uint64_t limit, int w, int h,
           uint64_t key, struct bx_tiles_watch *watch, struct bx_err *err)
{
	struct build B;
	struct bx_rowsink sink = { &B, build_begin, build_row };
	struct bx_image_limits lim;
	struct head hd;
	int rc, k;

	memset(&B, 0, sizeof B);
	B.watch = watch;
	B.n = plan_levels(w, h, B.lv, &B.ntiles);
	B.pk = watch != NULL ? preview_level(&B, watch, w, h) : -1;
	B.data_off = PAGE + table_bytes(B.ntiles);
	B.pos = B.data_off;
	B.dir = dir;
	B.name = strrchr(tmp, '/') != NULL ? strrchr(tmp, '/') + 1 : tmp;
	B.limit = limit;
	/* A band of level 0 rows ends at most one band of each level. */
	for (k = 0; k < B.n; k++)
		B.band_bytes += (uint64_t)B.lv[k].tx * TILE_BYTES;
	B.fd = open(tmp, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0666);
	if (B.fd < 0)
		return bx_err_set(err, BX_EIO, "creating the tile cache: %s", strerror(errno));
	B.refs = calloc(B.ntiles, sizeof *B.refs);
	B.tile = bx_malloc(TILE_BYTES);
	B.z = bx_malloc(compressBound(TILE_BYTES));
	B.d = bx_malloc(TILE_BYTES);
	if (deflateInit2(&B.zs, ZLEVEL, Z_DEFLATED, -15, 8, Z_RLE) != Z_OK)
		abort(); /* only out of memory */
	if (B.refs == NULL)
		abort();
	bx_image_limits_default(&lim);
	lim.max_w = lim.max_h = BX_TILES_MAX_SIDE;
	rc = bx_image_stream(path, &lim, &sink, err);
	for (k = 0; rc == 0 && k < B.n; k++)
		if (B.b[k].y != B.b[k].h)
			rc = bx_err_set(err, BX_EIO, "level %d has %d of %d rows", k, B.b[k].y, B.b[k].h);
	if (rc == 0) {
		memset(&hd, 0, sizeof hd);
		memcpy(hd.magic, MAGIC, 8);
		hd.version = VERSION;
		hd.tile = TILE;
		hd.w = (uint32_t)w;
		hd.h = (uint32_t)h;
		hd.nlevels = (uint32_t)B.n;
		hd.key = key;
		hd.ntiles = B.ntiles;
		hd.file_size = B.pos;
		hd.table_sum = sum64(0, B.refs, B.ntiles * sizeof *B.refs);
		memcpy(hd.lv, B.lv, sizeof hd.lv);
		hd.head_sum = sum64(0, &hd, offsetof(struct head, head_sum));
		/* The size first (what the header says), then the table and
		 * the header that vouch for the tiles. */
		if (ftruncate(B.fd, (off_t)hd.file_size) != 0)
			rc = bx_err_set(err, BX_EIO, "writing the tile cache: %s", strerror(errno));
		if (rc == 0)
			rc = write_all(B.fd, B.refs, B.ntiles * sizeof *B.refs, PAGE, err);
		if (rc == 0)
			rc = write_all(B.fd, &hd, sizeof hd, 0, err);
	}
	/* No fsync: a file cut short by a crash fails its checks and is
	 * built again, so durability would buy nothing but the wait. */
	if (close(B.fd) != 0 && rc == 0)
		rc = bx_err_set(err, BX_EIO, "writing the tile cache: %s", strerror(errno));
	for (k = 0; k < B.n; k++) {
		free(B.b[k].band);
		free(B.b[k].pend);
		free(B.b[k].down);
	}
	free(B.refs);
	free(B.tile);
	free(B.z);
	free(B.d);
	deflateEnd(&B.zs);
	if (rc < 0)
		unlink(tmp);
	return rc;
}

/* ---- the directory: size limit, leftovers ---- */

struct entry {
	char name[64];
	uint64_t bytes;
	struct timespec used;
};

static int
older(const void *a, const void *b)
{
	const struct entry *x = a, *y = b;

	if (x->used.tv_sec != y->used.tv_sec)
		return x->used.tv_sec < y->used.tv_sec ? -1 : 1;
	return (x->used.tv_nsec > y->used.tv_nsec) - (x->used.tv_nsec < y->used.tv_nsec);
}

/* Make room for a file named self (a build's, in dir) of size want under
 * limit: remove what a dead builder left (NAME.tmp.PID with no such
 * process) and the least recently used pyramids. A session that has one
 * of them open keeps its mapping. Other builders count at their files'
 * apparent sizes, which hold their reservations (see reserve). own: what
 * the caller's build has written so far, to say so when it is what
 * outgrew the limit. */
static int
make_room(const char *dir, const char *self, uint64_t want, uint64_t own, uint64_t limit,
          struct bx_err *err)
{
	struct entry *e = NULL;
	struct dirent *d;
	struct stat st;
	uint64_t total = 0, need = want;
	size_t n = 0, cap = 0, i;
	char p[4096];
	const char *dot;
	DIR *dd;

	if (want > limit && own > 0)
		return bx_err_set(err, BX_ELIMIT, "its tiles outgrew the tile cache limit of %.0f MB "
		    "at %.0f MB (boxel config set tile_cache_mb)", limit / 1e6, own / 1e6);
	if (need > limit)
		return bx_err_set(err, BX_ELIMIT, "building its tiles needs %.0f MB at a time, over "
		    "the tile cache limit of %.0f MB (boxel config set tile_cache_mb)", need / 1e6,
		    limit / 1e6);
	if ((dd = opendir(dir)) == NULL)
		return bx_err_set(err, BX_EIO, "tile cache %s: %s", dir, strerror(errno));
	while ((d = readdir(dd)) != NULL) {
		if (strcmp(d->d_name, self) == 0 || strlen(d->d_name) >= sizeof e->name ||
		    snprintf(p, sizeof p, "%s/%s", dir, d->d_name) >= (int)sizeof p ||
		    lstat(p, &st) != 0 || !S_ISREG(st.st_mode))
			continue;
		if ((dot = strstr(d->d_name, ".tmp.")) != NULL) {
			long pid = strtol(dot + 5, NULL, 10);
			if (pid > 0 && kill((pid_t)pid, 0) != 0 && errno == ESRCH)
				unlink(p);
			else
				total += (uint64_t)st.st_size;
			continue;
		}
		if ((dot = strrchr(d->d_name, '.')) == NULL || strcmp(dot, ".bxt") != 0)
			continue;
		if (n == cap) {
			cap = cap ? 2 * cap : 16;
			e = bx_realloc(e, cap * sizeof *e);
		}
		snprintf(e[n].name, sizeof e[n].name, "%s", d->d_name);
		e[n].bytes = (uint64_t)st.st_size;
		e[n].used = st.st_mtim;
		total += e[n].bytes;
		n++;
	}
	closedir(dd);
	if (n > 0)
		qsort(e, n, sizeof *e, older);
	for (i = 0; i < n && total + need > limit; i++) {
		snprintf(p, sizeof p, "%s/%s", dir, e[i].name);
		if (unlink(p) == 0)
			total -= e[i].bytes;
	}
	free(e);
	if (total + need > limit)
		return bx_err_set(err, BX_ELIMIT, "the tile cache is full (%.0f MB of %.0f MB held by "
		    "tiles being built)", total / 1e6, limit / 1e6);
	return 0;
}

/* Reserve what the build may write before its next band: room for its
 * file at pos + band_bytes, made and then held as the file's apparent
 * size (ftruncate past the end is a hole, no disk), both under an
 * exclusive flock on dir/.room. So a build that counts the others sees
 * what they may still write, not only what they wrote: two builds at once
 * cannot each overshoot the limit by a band. The written size at the end
 * (build_file's ftruncate) gives back what was not used. */
static int
reserve(struct build *B, struct bx_err *err)
{
	uint64_t want = B->pos + B->band_bytes;
	char p[4096];
	struct stat st;
	int lk, rc;

	if (snprintf(p, sizeof p, "%s/.room", B->dir) >= (int)sizeof p)
		return bx_err_set(err, BX_ELIMIT, "tile cache path too long");
	/* O_NONBLOCK: a FIFO planted under the name must not hang the build;
	 * anything but a regular file is refused. */
	lk = open(p, O_RDWR | O_CREAT | O_CLOEXEC | O_NOFOLLOW | O_NONBLOCK, 0666);
	if (lk < 0)
		return bx_err_set(err, BX_EIO, "tile cache %s: %s", p, strerror(errno));
	if (fstat(lk, &st) != 0 || !S_ISREG(st.st_mode)) {
		close(lk);
		return bx_err_set(err, BX_EIO, "tile cache %s: not a regular file", p);
	}
	while ((rc = flock(lk, LOCK_EX)) != 0 && errno == EINTR)
		;
	if (rc != 0) {
		rc = bx_err_set(err, BX_EIO, "tile cache %s: %s", p, strerror(errno));
		close(lk);
		return rc;
	}
	rc = make_room(B->dir, B->name, want, B->pos == B->data_off ? 0 : B->pos, B->limit, err);
	if (rc == 0 && fstat(B->fd, &st) == 0 && (uint64_t)st.st_size < want &&
	    ftruncate(B->fd, (off_t)want) != 0)
		rc = bx_err_set(err, BX_EIO, "writing the tile cache: %s", strerror(errno));
	close(lk);                  /* and with it the lock */
	return rc;
}

static atomic_uint build_seq;

int
bx_tiles_dir_for(const char *db, char *buf, size_t n)
{
	const char *base = getenv("XDG_CACHE_HOME"), *home = getenv("HOME");
	int r;

	if (strstr(db, "://") == NULL && strncmp(db, "postgres", 8) != 0)
		r = snprintf(buf, n, "%s-tiles", db);
	else if (base != NULL && base[0] == '/')
		r = snprintf(buf, n, "%s/boxel-tiles", base);
	else
		r = snprintf(buf, n, "%s/.cache/boxel-tiles", home != NULL ? home : "/tmp");
	return r < 0 || (size_t)r >= n ? BX_ELIMIT : 0;
}

/* mkdir -p, for a cache under ~/.cache that may not exist yet. */
static int
make_dirs(const char *dir, struct bx_err *err)
{
	char p[4096], c;
	size_t i;

	if (snprintf(p, sizeof p, "%s", dir) >= (int)sizeof p)
		return bx_err_set(err, BX_ELIMIT, "tile cache path too long");
	for (i = 1; ; i++) {
		if (p[i] != '/' && p[i] != '\0')
			continue;
		c = p[i];
		p[i] = '\0';
		if (mkdir(p, 0777) != 0 && errno != EEXIST)
			return bx_err_set(err, BX_EIO, "tile cache %s: %s", p, strerror(errno));
		p[i] = c;
		if (c == '\0')
			return 0;
	}
}

int
bx_tiles_open(const char *dir, const char *path, uint64_t limit, int build,
              struct bx_tiles **out, int *built_out, struct bx_err *err)
{
	return bx_tiles_open_watch(dir, path, limit, build, NULL, out, built_out, err);
}

int
bx_tiles_open_watch(const char *dir, const char *path, uint64_t limit, int build,
                    struct bx_tiles_watch *watch, struct bx_tiles **out, int *built_out,
                    struct bx_err *err)
{
	char file[4096], tmp[4200];
	struct bx_image_plan plan;
	struct bx_err why;
	uint64_t key = 0;
	int rc;

	*out = NULL;
	if (built_out != NULL)
		*built_out = 0;
	if ((rc = fingerprint(path, &key, err)) < 0)
		return rc;
	if (snprintf(file, sizeof file, "%s/%016jx.bxt", dir, (uintmax_t)key) >= (int)sizeof file)
		return bx_err_set(err, BX_ELIMIT, "tile cache path too long");
	rc = open_file(file, key, out, &why);
	if (rc == 0)
		return 0;
	if (!build)
		return bx_err_set(err, BX_ENOENT, "no usable tile cache (%s)", why.msg);
	if ((rc = bx_image_plan(path, &plan, err)) < 0)
		return rc;
	if ((rc = make_dirs(dir, err)) < 0)
		return rc;
	/* The pid lets make_room tell a dead builder's leftover; the count
	 * keeps two threads of one process (prefetch) apart. */
	snprintf(tmp, sizeof tmp, "%s.tmp.%ld.%u", file, (long)getpid(),
	         atomic_fetch_add(&build_seq, 1));
	if ((rc = build_file(path, tmp, dir, limit, plan.w, plan.h, key, watch, err)) < 0)
		return rc;
	/* Readers see the old name or the whole new file, never a part. */
	if (rename(tmp, file) != 0) {
		rc = bx_err_set(err, BX_EIO, "tile cache: %s", strerror(errno));
		unlink(tmp);
		return rc;
	}
	if ((rc = open_file(file, key, out, err)) < 0)
		return rc;
	if (built_out != NULL)
		*built_out = 1;
	return 0;
}
