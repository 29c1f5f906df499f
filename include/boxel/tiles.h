/* tiles.h: the tile pyramid cache for images too large to decode per view
 * (bx_image_plan says which). One file per image in a cache directory
 * beside the store: levels of BX_TILE x BX_TILE RGB tiles (deflated when
 * that halves them, else raw; lossless), level 0 at full
 * size, each next level half the previous (2x2 averages, rounded up at odd
 * edges) down to one that fits a tile. Built once by streaming the image's
 * rows (memory: two bands of BX_TILE rows, about 30 MB for a 40000-pixel
 * width), written to a temporary name and renamed into place, then read
 * through a shared read-only mmap, so every session on the host shares the
 * page cache's one copy.
 *
 * Trust: a cache file is found by the image's fingerprint (file size,
 * mtime, and a hash of 16 samples of 4 KB spread over the file): a full
 * content hash would read the whole file on every open (a 40000x40000 PNG
 * is hundreds of MB), the samples catch a different file put in place with
 * the same size and mtime, and the mtime catches an edit between samples.
 * A file whose header, size, fingerprint or checksum table does not check
 * out is rebuilt; each tile's checksum is checked the first time a session
 * reads it, and a mismatch is an error the caller answers by discarding
 * the file and building it again. Nothing in the cache is trusted. */
#ifndef BOXEL_TILES_H
#define BOXEL_TILES_H

#include <stdatomic.h>
#include <stdint.h>

#include "boxel/err.h"
#include "boxel/image.h"

#define BX_TILE 128

struct bx_tiles;

/* The cache directory of the store db into buf: "DB-tiles" beside a
 * SQLite file (as its -wal and -shm); for a PostgreSQL store, which has no
 * file, $XDG_CACHE_HOME/boxel-tiles (else ~/.cache/boxel-tiles).
 * BX_ELIMIT when it does not fit n. */
int bx_tiles_dir_for(const char *db, char *buf, size_t n);

/* The most bytes a pyramid of a w x h image takes on disk (its tiles
 * stored raw); deflated, it is usually far less. */
uint64_t bx_tiles_bytes_for(int w, int h);

/* Open the pyramid of the image at path in dir (created with its parents
 * if missing). When there is none, or the one there fails a check, and
 * build is set: build it, removing the least recently used files of dir
 * as it grows so that dir stays within limit bytes (room is made before
 * each band of 128 image rows for what the band could write raw; BX_ELIMIT,
 * naming both sizes, when the pyramid alone does not fit), and set
 * *built_out. Without build that is BX_ENOENT. Returns the open
 * pyramid in *out (bx_tiles_close). */
int bx_tiles_open(const char *dir, const char *path, uint64_t limit, int build,
                  struct bx_tiles **out, int *built_out, struct bx_err *err);
/* What a build on a worker thread shares with the thread waiting for it.
 * Zero it, set h and want_w x want_h (0 x 0: no preview), pass it to
 * bx_tiles_open_watch. The builder sets pv, pv_w, pv_h before it first
 * raises pv_rows, and writes a row of pv before raising pv_rows past it
 * (release; read pv_rows with acquire): pv is the pyramid's level that
 * bx_tiles_overview would read for want_w x want_h, as far as it is made.
 * pv is the watch's owner's to free (after the build returned). */
struct bx_tiles_watch {
	atomic_int stop;        /* set by the waiter: a build gives up soon */
	atomic_int rows;        /* rows of the image read so far */
	int h;                  /* of how many: the waiter's, set before the build */
	int want_w, want_h;
	uint8_t *pv;
	int pv_w, pv_h;
	atomic_int pv_rows;
};

/* The same, for a worker thread watched by w (NULL: none): a build stops
 * (BX_EEMPTY "stopped", nothing left behind) soon after w->stop becomes
 * nonzero. */
int bx_tiles_open_watch(const char *dir, const char *path, uint64_t limit, int build,
                        struct bx_tiles_watch *w, struct bx_tiles **out, int *built_out,
                        struct bx_err *err);
void bx_tiles_close(struct bx_tiles *t);   /* NULL is a no-op */

/* A pyramid opened, or built when missing, on a worker thread while the
 * caller's screen stays live (tiles-job.c): its progress and a first
 * picture while it builds, the open pyramid when it ends. */
struct bx_tiles_job;
/* Start; want_w x want_h is the overview the caller shows (the preview's
 * size). The job copies its arguments. */
int bx_tiles_job_start(const char *dir, const char *path, uint64_t limit, int want_w,
                       int want_h, struct bx_tiles_job **out, struct bx_err *err);
/* Percent of the image read so far; *done_out set once the worker ended
 * (bx_tiles_job_finish then returns at once). */
int bx_tiles_job_progress(struct bx_tiles_job *j, int *done_out);
/* The picture so far at the size bx_tiles_overview gives for want_w x
 * want_h: the rows read so far, black below them. NULL before the first
 * row, or when the image is too large for one. *rows_out: the preview
 * rows it holds (to tell whether a new one would differ). The caller's
 * (bx_raster_free). */
struct bx_raster *bx_tiles_job_preview(struct bx_tiles_job *j, int *rows_out);
/* The preview rows written so far: a preview holding as many is current. */
int bx_tiles_job_preview_rows(struct bx_tiles_job *j);
/* Wait for the worker: the open pyramid (the caller's) or its error. */
int bx_tiles_job_finish(struct bx_tiles_job *j, struct bx_tiles **out, struct bx_err *err);
/* Stop the worker (a build gives up and leaves nothing behind), wait for
 * it, free. NULL is a no-op. */
void bx_tiles_job_free(struct bx_tiles_job *j);
/* Remove t's file (after a tile failed its checksum); t stays usable for
 * closing only. */
void bx_tiles_discard(struct bx_tiles *t);

int bx_tiles_levels(const struct bx_tiles *t);
/* Size of level k (0 = full size); the image's size is level 0's. */
void bx_tiles_level_size(const struct bx_tiles *t, int k, int *w_out, int *h_out);
uint64_t bx_tiles_file_bytes(const struct bx_tiles *t);
/* The file's path; lives as long as t. */
const char *bx_tiles_path(const struct bx_tiles *t);

/* [x, x+w) x [y, y+h) of level k, in that level's pixels, into out (pix
 * w x h; full_w x full_h the image's size). At level 0 these are the
 * image's own pixels, exactly as bx_image_load_region at scale 1 gives
 * them. BX_EINVAL for a rectangle outside the level or over 64 MP; BX_EIO
 * "tile cache damaged" when a tile fails its checksum. */
int bx_tiles_region(struct bx_tiles *t, int k, int x, int y, int w, int h,
                    struct bx_image *out, struct bx_err *err);
/* The whole image area-averaged to the smallest size of its aspect
 * covering want_w x want_h (as bx_image_load), from the smallest level at
 * least that large, read a row at a time. */
int bx_tiles_overview(struct bx_tiles *t, int want_w, int want_h, struct bx_image *out,
                      struct bx_err *err);

#endif
