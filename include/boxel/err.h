/* err.h: boxel's error convention, after SQLite's.
 *
 * Functions return 0 on success or a negative BX_E* code, and fill a
 * caller-owned struct bx_err: the first failure writes the message, callers on
 * the way up only prefix context ("import: photos/a.jpg: "). Nothing to free.
 * Running out of memory is not an error code: bx_malloc() aborts. */
#ifndef BOXEL_ERR_H
#define BOXEL_ERR_H

enum {
	BX_OK = 0,
	BX_EINVAL = -1,   /* bad input: malformed file, value out of range */
	BX_EIO = -2,      /* read/write/open failed */
	BX_ELIMIT = -3,   /* input exceeds a configured limit */
	BX_ENOENT = -4,   /* no such thing (file, user, batch, task) */
	BX_EBUSY = -5,    /* database stayed locked past all retries */
	BX_ELEASE = -6,   /* lease lost or token does not match */
	BX_EEMPTY = -7,   /* nothing to do: queue empty */
	BX_EEXIST = -8,   /* already exists */
	BX_EPERM = -9,    /* not allowed for this user/role/state */
	BX_EDB = -10,     /* database error other than busy */
};

struct bx_err {
	int code;
	char msg[512];
};

/* Write the message (printf-style) and return code, so callers can say
 * `return bx_err_set(err, BX_EINVAL, "bad width %d", w);`. err may be NULL. */
int bx_err_set(struct bx_err *err, int code, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

/* Prepend context to an existing message: "ctx: old message". */
void bx_err_prefix(struct bx_err *err, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

void bx_err_clear(struct bx_err *err);

#endif
