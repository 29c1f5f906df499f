/* util.h: memory that aborts on exhaustion, growable buffers, terminal-safe
 * strings, paths confined to a root, and all-or-nothing file writes. */
#ifndef BOXEL_UTIL_H
#define BOXEL_UTIL_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "boxel/err.h"

#define BX_ARRAY_LEN(a) (sizeof(a) / sizeof((a)[0]))

/* Allocation failure aborts the process with a message (SQLite/redis habit:
 * there is no useful recovery for a labeling tool). */
void *bx_malloc(size_t n);
void *bx_calloc(size_t n, size_t size);
void *bx_realloc(void *p, size_t n);
char *bx_strdup(const char *s);
char *bx_strndup(const char *s, size_t n);
char *bx_asprintf(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

/* Growable byte buffer. Always NUL-terminated after any append. */
struct bx_buf {
	char *p;
	size_t len, cap;
};
void bx_buf_init(struct bx_buf *b);
void bx_buf_free(struct bx_buf *b);
void bx_buf_reset(struct bx_buf *b);
void bx_buf_append(struct bx_buf *b, const void *data, size_t n);
void bx_buf_puts(struct bx_buf *b, const char *s);
void bx_buf_putc(struct bx_buf *b, char c);
void bx_buf_printf(struct bx_buf *b, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
/* bx_buf_printf and strtod in the "C" locale, whatever LC_NUMERIC says:
 * for numbers in files other tools read ("0.5", never "0,5"). */
void bx_buf_printf_c(struct bx_buf *b, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
double bx_strtod_c(const char *s, char **end);

/* Copy src into dst (size dstsz, always NUL-terminated) so that it is safe to
 * show on a terminal: C0 controls, DEL, C1 controls (U+0080..U+009F) and
 * invalid UTF-8 become '?'; tabs and newlines become a space. Valid UTF-8 is
 * kept whole (never cut mid-character). Returns the length written. */
size_t bx_sanitize(char *dst, size_t dstsz, const char *src);
/* Same, allocating. Caller frees. */
char *bx_sanitize_dup(const char *src);
/* If the UTF-8 sequence at s is a character that hides or reorders text —
 * a C1 control (U+0080-009F), a bidi embedding, override or isolate
 * (U+202A-202E, U+2066-2069) or an invisible one (U+200B-200F, U+2060,
 * U+FEFF) — its code point, with *len_out its length in bytes; else 0. */
unsigned bx_utf8_hidden(const char *s, size_t *len_out);

/* Decode one UTF-8 character at s (at most n bytes). Returns its length
 * (1..4) and stores the code point, or 0 for invalid/truncated input. */
int bx_utf8_decode(const char *s, size_t n, uint32_t *cp_out);
/* Encode cp as UTF-8 into out (4 bytes room); returns length. */
int bx_utf8_encode(uint32_t cp, char *out);
/* 1 if the NUL-terminated s is valid UTF-8 (no overlong forms, surrogates). */
int bx_utf8_valid(const char *s);
/* Display width in terminal columns of a code point (0, 1 or 2). */
int bx_wcwidth(uint32_t cp);

/* Resolve rel beneath root: rel must be relative, contain no ".." component,
 * and its real path (symlinks followed) must stay inside root's real path.
 * Writes the resolved absolute path into out. The file must exist. */
int bx_path_resolve(const char *root, const char *rel, char *out, size_t outsz,
                    struct bx_err *err);
/* PATH's real path into OUT if it lies under RROOT (itself a real path):
 * the symlink check bx_path_resolve ends with. */
int bx_path_real_under(const char *rroot, const char *path, char *out, size_t outsz,
                       struct bx_err *err);
/* Lexical check only (for paths of files that may not exist yet). */
int bx_path_is_safe_relative(const char *rel);

/* All-or-nothing file output: data goes to "PATH.tmp.PID", then fflush,
 * fsync, rename over PATH and fsync of the directory. Abort unlinks the temp
 * file. A crash leaves either the old file or the complete new one. */
struct bx_afile {
	FILE *f;
	char *path;
	char *tmp;
};
int bx_afile_open(struct bx_afile *af, const char *path, struct bx_err *err);
int bx_afile_commit(struct bx_afile *af, struct bx_err *err);
void bx_afile_abort(struct bx_afile *af);

/* Read a whole file (up to max bytes; larger is BX_ELIMIT). Caller frees.
 * Directories and non-regular files are refused with a clear message. */
int bx_read_file(const char *path, size_t max, char **data_out, size_t *len_out,
                 struct bx_err *err);
/* The same for what is left to read on fd (a pipe, standard input): up to
 * max bytes, more is BX_ELIMIT. */
int bx_read_fd(int fd, size_t max, char **data_out, size_t *len_out, struct bx_err *err);

/* Wall clock in ms since the epoch. Only edge code (cli, views) calls this;
 * pure modules and the store take now_ms as a parameter. BOXEL_NOW_MS in
 * the environment pins it (tests). */
int64_t bx_now_ms(void);

/* An ISO 8601 time as other tools write it: YYYY-MM-DDTHH:MM:SS, an
 * optional fraction (ms are its first three digits), and Z, +HH:MM, +HHMM
 * or no zone (UTC). 0 and ms since the epoch in *ms_out, or -1 when s is
 * not such a time or lies before 1970. */
int bx_iso_time_parse(const char *s, int64_t *ms_out);
/* ms (>= 0) as "YYYY-MM-DDTHH:MM:SS.mmmZ": what bx_iso_time_parse reads
 * back to the same ms. */
void bx_iso_time_put(int64_t ms, char out[32]);

/* n bytes from the kernel's random source (getrandom); aborts when there
 * is none: lease tokens and object ids must not be guessable or repeat. */
void bx_random(void *buf, size_t n);
/* An object's id in another tool (Scale's "uuid": a UUID from Scale,
 * shorter ids from other converters): 1 to 128 bytes of UTF-8 without
 * control characters. */
int bx_object_id_valid(const char *s);
/* A fresh random (version 4) UUID, lowercase, into out. */
/* A UUID (RFC 9562 version 8) derived from two numbers: the same numbers
 * give the same UUID, so an export names an object the same every time. */
void bx_uuid_derived(char out[37], uint64_t a, uint64_t b);

#endif
