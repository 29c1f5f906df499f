/* fault.c: an LD_PRELOAD shim that makes one call (or every call from one
 * on) of the functions through which boxel and SQLite change files fail,
 * the way a full or failing disk would. SQLite tests its own I/O error
 * paths by swapping in a failing VFS; this does the same one level lower so
 * that boxel's writes (stdio, rename, fsync) and SQLite's (pwrite64,
 * fdatasync, ftruncate64, open64) are counted on one scale.
 *
 *   BOXEL_FAULT=OPS:ERRNO:N[:persist]
 *     OPS    "any" or a '+'-separated list of write, pwrite, fsync,
 *            fdatasync, rename, open (only opens with O_CREAT), ftruncate
 *     ERRNO  ENOSPC, EIO (or EDQUOT, EROFS)
 *     N      the N-th counted call (1-based) fails; with "persist" it and
 *            every later counted call fail (a disk that stays full)
 *   BOXEL_FAULT_LOG=FILE  appends "OP N" when a fault fires, so a test
 *            knows whether its operation ran past every counted call.
 *
 * glibc's stdio writes through internal calls a preload cannot see, so
 * fwrite and fflush on a file stream count as "write". Writes to standard
 * output and error are never failed (the test reads the error line there).
 * Test-only code: never linked into boxel. */
/* Both the plain and the 64-bit names are defined here, so the headers must
 * not rename one to the other. */
#undef _FILE_OFFSET_BITS
#ifndef _GNU_SOURCE
#define _GNU_SOURCE
#endif
#include <dlfcn.h>
#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/types.h>
#include <unistd.h>

enum { OP_WRITE = 1, OP_PWRITE = 2, OP_FSYNC = 4, OP_FDATASYNC = 8, OP_RENAME = 16,
       OP_OPEN = 32, OP_FTRUNCATE = 64, OP_ANY = 127 };

static const struct { const char *name; int op; } op_names[] = {
	{ "write", OP_WRITE }, { "pwrite", OP_PWRITE }, { "fsync", OP_FSYNC },
	{ "fdatasync", OP_FDATASYNC }, { "rename", OP_RENAME }, { "open", OP_OPEN },
	{ "ftruncate", OP_FTRUNCATE }, { "any", OP_ANY },
};

static int f_ops;       /* counted operations; 0: shim inactive */
static int f_errno;
static long f_at;       /* the counted call that fails */
static int f_persist;
static long f_count;
static const char *f_log;

static void
bad_spec(const char *spec, const char *why)
{
	fprintf(stderr, "fault: BOXEL_FAULT=%s: %s\n", spec, why);
	_exit(99);
}

__attribute__((constructor)) static void
fault_init(void)
{
	const char *spec = getenv("BOXEL_FAULT");
	char buf[256], *save = NULL, *ops, *e, *n, *mode, *tok;
	size_t i;

	if (spec == NULL || *spec == '\0')
		return;
	if (strlen(spec) >= sizeof buf)
		bad_spec(spec, "too long");
	strcpy(buf, spec);
	ops = strtok_r(buf, ":", &save);
	e = strtok_r(NULL, ":", &save);
	n = strtok_r(NULL, ":", &save);
	mode = strtok_r(NULL, ":", &save);
	if (ops == NULL || e == NULL || n == NULL)
		bad_spec(spec, "expected OPS:ERRNO:N[:persist]");
	for (tok = strtok_r(ops, "+", &save); tok; tok = strtok_r(NULL, "+", &save)) {
		for (i = 0; i < sizeof op_names / sizeof op_names[0]; i++)
			if (strcmp(tok, op_names[i].name) == 0)
				break;
		if (i == sizeof op_names / sizeof op_names[0])
			bad_spec(spec, "unknown operation");
		f_ops |= op_names[i].op;
	}
	if (strcmp(e, "ENOSPC") == 0)
		f_errno = ENOSPC;
	else if (strcmp(e, "EIO") == 0)
		f_errno = EIO;
	else if (strcmp(e, "EDQUOT") == 0)
		f_errno = EDQUOT;
	else if (strcmp(e, "EROFS") == 0)
		f_errno = EROFS;
	else
		bad_spec(spec, "unknown errno name");
	f_at = strtol(n, &tok, 10);
	if (*tok != '\0' || f_at < 1)
		bad_spec(spec, "N must be a positive number");
	if (mode != NULL && strcmp(mode, "persist") != 0)
		bad_spec(spec, "the fourth field can only be 'persist'");
	f_persist = mode != NULL;
	f_log = getenv("BOXEL_FAULT_LOG");
}

/* Count a call of op; 1 if it must fail (errno is then set). */
static int
fault_hit(int op, const char *name)
{
	long k;

	if (!(f_ops & op))
		return 0;
	k = ++f_count;
	if (k != f_at && !(f_persist && k > f_at))
		return 0;
	if (f_log != NULL) {
		int fd = ((int (*)(const char *, int, ...))dlsym(RTLD_NEXT, "open"))(
		    f_log, O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC, 0644);
		if (fd >= 0) {
			char line[64];
			int len = snprintf(line, sizeof line, "%s %ld\n", name, k);
			ssize_t (*w)(int, const void *, size_t) = dlsym(RTLD_NEXT, "write");
			if (w(fd, line, (size_t)len) < 0) { /* nothing to do */ }
			close(fd);
		}
	}
	errno = f_errno;
	return 1;
}

#define REAL(ret, name, ...) \
	static ret (*real)(__VA_ARGS__); \
	if (real == NULL) \
		real = (ret (*)(__VA_ARGS__))dlsym(RTLD_NEXT, name)

ssize_t
write(int fd, const void *p, size_t n)
{
	REAL(ssize_t, "write", int, const void *, size_t);
	if (fd > 2 && fault_hit(OP_WRITE, "write"))
		return -1;
	return real(fd, p, n);
}

ssize_t
pwrite(int fd, const void *p, size_t n, off_t off)
{
	REAL(ssize_t, "pwrite", int, const void *, size_t, off_t);
	if (fault_hit(OP_PWRITE, "pwrite"))
		return -1;
	return real(fd, p, n, off);
}

ssize_t
pwrite64(int fd, const void *p, size_t n, off64_t off)
{
	REAL(ssize_t, "pwrite64", int, const void *, size_t, off64_t);
	if (fault_hit(OP_PWRITE, "pwrite"))
		return -1;
	return real(fd, p, n, off);
}

size_t
fwrite(const void *p, size_t size, size_t n, FILE *f)
{
	REAL(size_t, "fwrite", const void *, size_t, size_t, FILE *);
	if (f != stdout && f != stderr && fault_hit(OP_WRITE, "write"))
		return 0;
	return real(p, size, n, f);
}

int
fflush(FILE *f)
{
	REAL(int, "fflush", FILE *);
	if (f != NULL && f != stdout && f != stderr && fault_hit(OP_WRITE, "write"))
		return EOF;
	return real(f);
}

int
fsync(int fd)
{
	REAL(int, "fsync", int);
	if (fault_hit(OP_FSYNC, "fsync"))
		return -1;
	return real(fd);
}

int
fdatasync(int fd)
{
	REAL(int, "fdatasync", int);
	if (fault_hit(OP_FDATASYNC, "fdatasync"))
		return -1;
	return real(fd);
}

int
rename(const char *a, const char *b)
{
	REAL(int, "rename", const char *, const char *);
	if (fault_hit(OP_RENAME, "rename"))
		return -1;
	return real(a, b);
}

int
renameat(int da, const char *a, int db, const char *b)
{
	REAL(int, "renameat", int, const char *, int, const char *);
	if (fault_hit(OP_RENAME, "rename"))
		return -1;
	return real(da, a, db, b);
}

int
ftruncate(int fd, off_t len)
{
	REAL(int, "ftruncate", int, off_t);
	if (fault_hit(OP_FTRUNCATE, "ftruncate"))
		return -1;
	return real(fd, len);
}

int
ftruncate64(int fd, off64_t len)
{
	REAL(int, "ftruncate64", int, off64_t);
	if (fault_hit(OP_FTRUNCATE, "ftruncate"))
		return -1;
	return real(fd, len);
}

/* The opens: only file creation counts (O_CREAT); reads are never failed. */
#define OPEN_SHIM(fname, ...) \
	{ \
		mode_t mode = 0; \
		if (flags & (O_CREAT | O_TMPFILE)) { \
			va_list ap; \
			va_start(ap, flags); \
			mode = (mode_t)va_arg(ap, int); \
			va_end(ap); \
			if (fault_hit(OP_OPEN, "open")) \
				return -1; \
		} \
		REAL(int, fname, __VA_ARGS__); \
		return real

int open(const char *path, int flags, ...)
OPEN_SHIM("open", const char *, int, ...)(path, flags, mode); }
int open64(const char *path, int flags, ...)
OPEN_SHIM("open64", const char *, int, ...)(path, flags, mode); }
int openat(int dir, const char *path, int flags, ...)
OPEN_SHIM("openat", int, const char *, int, ...)(dir, path, flags, mode); }
int openat64(int dir, const char *path, int flags, ...)
OPEN_SHIM("openat64", int, const char *, int, ...)(dir, path, flags, mode); }
