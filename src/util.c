/* util.c: allocation, buffers, terminal-safe strings, confined paths and
 * atomic file writes. Strings are UTF-8 byte strings throughout. */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <locale.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/random.h>
#include <sys/time.h>
#include <unistd.h>
#include <wchar.h>

#include "boxel/util.h"

static void
oom(size_t n)
{
	fprintf(stderr, "boxel: out of memory (%zu bytes)\n", n);
	abort();
}

void *
bx_malloc(size_t n)
{
	void *p = malloc(n ? n : 1);
	if (p == NULL)
		oom(n);
	return p;
}

void *
bx_calloc(size_t n, size_t size)
{
	void *p = calloc(n ? n : 1, size ? size : 1);
	if (p == NULL)
		oom(n * size);
	return p;
}

void *
bx_realloc(void *p, size_t n)
{
	p = realloc(p, n ? n : 1);
	if (p == NULL)
		oom(n);
	return p;
}

char *
bx_strdup(const char *s)
{
	return bx_strndup(s, strlen(s));
}

char *
bx_strndup(const char *s, size_t n)
{
	char *p = bx_malloc(n + 1);
	memcpy(p, s, n);
	p[n] = '\0';
	return p;
}

char *
bx_asprintf(const char *fmt, ...)
{
	char small[256];
	va_list ap;
	int n;
	char *p;

	/* Most strings fit the stack buffer: format once, copy. */
	va_start(ap, fmt);
	n = vsnprintf(small, sizeof small, fmt, ap);
	va_end(ap);
	if (n < 0)
		oom(0);
	if ((size_t)n < sizeof small)
		return bx_strndup(small, (size_t)n);
	p = bx_malloc((size_t)n + 1);
	va_start(ap, fmt);
	vsnprintf(p, (size_t)n + 1, fmt, ap);
	va_end(ap);
	return p;
}

void
bx_buf_init(struct bx_buf *b)
{
	b->p = NULL;
	b->len = b->cap = 0;
}

void
bx_buf_free(struct bx_buf *b)
{
	free(b->p);
	bx_buf_init(b);
}

void
bx_buf_reset(struct bx_buf *b)
{
	b->len = 0;
	if (b->p != NULL)
		b->p[0] = '\0';
}

static void
buf_reserve(struct bx_buf *b, size_t more)
{
	size_t need = b->len + more + 1;

	if (need <= b->cap)
		return;
	if (b->cap == 0)
		b->cap = 256;
	while (b->cap < need)
		b->cap *= 2;
	b->p = bx_realloc(b->p, b->cap);
}

void
bx_buf_append(struct bx_buf *b, const void *data, size_t n)
{
	buf_reserve(b, n);
	memcpy(b->p + b->len, data, n);
	b->len += n;
	b->p[b->len] = '\0';
}

void
bx_buf_puts(struct bx_buf *b, const char *s)
{
	bx_buf_append(b, s, strlen(s));
}

void
bx_buf_putc(struct bx_buf *b, char c)
{
	buf_reserve(b, 1);
	b->p[b->len++] = c;
	b->p[b->len] = '\0';
}

void
bx_buf_printf(struct bx_buf *b, const char *fmt, ...)
{
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = vsnprintf(NULL, 0, fmt, ap);
	va_end(ap);
	if (n < 0)
		return;
	buf_reserve(b, (size_t)n);
	va_start(ap, fmt);
	vsnprintf(b->p + b->len, (size_t)n + 1, fmt, ap);
	va_end(ap);
	b->len += (size_t)n;
}

int
bx_utf8_decode(const char *str, size_t n, uint32_t *cp_out)
{
	const unsigned char *s = (const unsigned char *)str;
	uint32_t cp;
	int len, i;

	if (n == 0)
		return 0;
	if (s[0] < 0x80) {
		*cp_out = s[0];
		return 1;
	} else if ((s[0] & 0xe0) == 0xc0) {
		cp = s[0] & 0x1f;
		len = 2;
	} else if ((s[0] & 0xf0) == 0xe0) {
		cp = s[0] & 0x0f;
		len = 3;
	} else if ((s[0] & 0xf8) == 0xf0) {
		cp = s[0] & 0x07;
		len = 4;
	} else
		return 0;
	if ((size_t)len > n)
		return 0;
	for (i = 1; i < len; i++) {
		if ((s[i] & 0xc0) != 0x80)
			return 0;
		cp = (cp << 6) | (s[i] & 0x3f);
	}
	/* Reject overlong forms, surrogates and values past U+10FFFF. */
	if ((len == 2 && cp < 0x80) || (len == 3 && cp < 0x800) ||
	    (len == 4 && cp < 0x10000) || cp > 0x10ffff ||
	    (cp >= 0xd800 && cp <= 0xdfff))
		return 0;
	*cp_out = cp;
	return len;
}

int
bx_utf8_encode(uint32_t cp, char *out)
{
	if (cp < 0x80) {
		out[0] = (char)cp;
		return 1;
	} else if (cp < 0x800) {
		out[0] = (char)(0xc0 | (cp >> 6));
		out[1] = (char)(0x80 | (cp & 0x3f));
		return 2;
	} else if (cp < 0x10000) {
		out[0] = (char)(0xe0 | (cp >> 12));
		out[1] = (char)(0x80 | ((cp >> 6) & 0x3f));
		out[2] = (char)(0x80 | (cp & 0x3f));
		return 3;
	}
	out[0] = (char)(0xf0 | (cp >> 18));
	out[1] = (char)(0x80 | ((cp >> 12) & 0x3f));
	out[2] = (char)(0x80 | ((cp >> 6) & 0x3f));
	out[3] = (char)(0x80 | (cp & 0x3f));
	return 4;
}

int
bx_wcwidth(uint32_t cp)
{
	int w = wcwidth((wchar_t)cp);

	/* Unknown to the C library (or a control): count one column so layout
	 * never collapses; sanitizing has already removed controls. */
	if (w < 0)
		return 1;
	return w;
}

size_t
bx_sanitize(char *dst, size_t dstsz, const char *src)
{
	size_t i = 0, o = 0, n = strlen(src);
	uint32_t cp;
	int len;

	if (dstsz == 0)
		return 0;
	while (i < n) {
		len = bx_utf8_decode(src + i, n - i, &cp);
		if (len == 0) {
			cp = '?';
			len = 1;
		} else if (cp == '\t' || cp == '\n' || cp == '\r')
			cp = ' ';
		else if (cp < 0x20 || cp == 0x7f || (cp >= 0x80 && cp < 0xa0))
			cp = '?';
		/* Also refuse the bidi overrides, which reorder what follows. */
		else if ((cp >= 0x202a && cp <= 0x202e) || (cp >= 0x2066 && cp <= 0x2069))
			cp = '?';
		if (cp == '?' || cp == ' ') {
			if (o + 1 >= dstsz)
				break;
			dst[o++] = (char)cp;
		} else {
			if (o + (size_t)len >= dstsz)
				break;
			memcpy(dst + o, src + i, (size_t)len);
			o += (size_t)len;
		}
		i += (size_t)len;
	}
	dst[o] = '\0';
	return o;
}

char *
bx_sanitize_dup(const char *src)
{
	size_t n = strlen(src) + 1;
	char *p = bx_malloc(n);

	bx_sanitize(p, n, src);
	return p;
}

/* Files other tools read (YOLO, VOC, JSON) write "0.5" whatever
 * LC_NUMERIC says: main() sets the user's locale for curses, and a
 * decimal-comma locale would write "0,5". One "C" locale for numbers,
 * made on first use, switched to per call (uselocale is per thread). */
static locale_t
c_numeric(void)
{
	static locale_t loc;

	if (loc == (locale_t)0) {
		loc = newlocale(LC_NUMERIC_MASK, "C", (locale_t)0);
		if (loc == (locale_t)0)
			oom(0);
	}
	return loc;
}

double
bx_strtod_c(const char *s, char **end)
{
	return strtod_l(s, end, c_numeric());
}

void
bx_buf_printf_c(struct bx_buf *b, const char *fmt, ...)
{
	locale_t old = uselocale(c_numeric());
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = vsnprintf(NULL, 0, fmt, ap);
	va_end(ap);
	if (n >= 0) {
		buf_reserve(b, (size_t)n);
		va_start(ap, fmt);
		vsnprintf(b->p + b->len, (size_t)n + 1, fmt, ap);
		va_end(ap);
		b->len += (size_t)n;
	}
	uselocale(old);
}

int
bx_utf8_valid(const char *s)
{
	size_t n = strlen(s), i = 0;
	uint32_t cp;
	int len;

	while (i < n) {
		len = bx_utf8_decode(s + i, n - i, &cp);
		if (len == 0)
			return 0;
		i += (size_t)len;
	}
	return 1;
}

int
bx_path_is_safe_relative(const char *rel)
{
	const char *p = rel, *e;

	if (rel[0] == '\0' || rel[0] == '/')
		return 0;
	while (*p != '\0') {
		e = strchr(p, '/');
		if (e == NULL)
			e = p + strlen(p);
		if (e - p == 2 && p[0] == '.' && p[1] == '.')
			return 0;
		p = *e ? e + 1 : e;
	}
	for (p = rel; *p; p++)
		if ((unsigned char)*p < 0x20)
			return 0;
	return 1;
}

int
bx_path_resolve(const char *root, const char *rel, char *out, size_t outsz,
                struct bx_err *err)
{
	char rroot[PATH_MAX], joined[PATH_MAX * 2];

	if (!bx_path_is_safe_relative(rel))
		return bx_err_set(err, BX_EINVAL,
		    "path must be relative to the image root, without '..'");
	if (realpath(root, rroot) == NULL)
		return bx_err_set(err, BX_ENOENT, "image root %s: %s", root, strerror(errno));
	snprintf(joined, sizeof joined, "%s/%s", rroot, rel);
	return bx_path_real_under(rroot, joined, out, outsz, err);
}

int
bx_path_real_under(const char *rroot, const char *path, char *out, size_t outsz,
                   struct bx_err *err)
{
	char real[PATH_MAX];
	size_t rl = strlen(rroot);

	if (realpath(path, real) == NULL)
		return bx_err_set(err, errno == ENOENT || errno == ENOTDIR ? BX_ENOENT : BX_EIO,
		    "%s", strerror(errno));
	if (strncmp(real, rroot, rl) != 0 || (real[rl] != '/' && rl > 1))
		return bx_err_set(err, BX_EINVAL, "path leaves the image root (symlink)");
	if (strlen(real) + 1 > outsz)
		return bx_err_set(err, BX_ELIMIT, "path too long");
	memcpy(out, real, strlen(real) + 1);
	return 0;
}

int
bx_afile_open(struct bx_afile *af, const char *path, struct bx_err *err)
{
	int fd;

	af->path = bx_strdup(path);
	af->tmp = bx_asprintf("%s.tmp.%ld", path, (long)getpid());
	fd = open(af->tmp, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0644);
	if (fd < 0) {
		int e = errno;
		free(af->path);
		free(af->tmp);
		af->path = af->tmp = NULL;
		af->f = NULL;
		return bx_err_set(err, BX_EIO, "%s: %s", path, strerror(e));
	}
	af->f = fdopen(fd, "w");
	if (af->f == NULL)
		oom(0);
	return 0;
}

static void
fsync_dir_of(const char *path)
{
	char *dir = bx_strdup(path), *slash = strrchr(dir, '/');
	int fd;

	if (slash == NULL) {
		free(dir);
		dir = bx_strdup(".");
	} else if (slash == dir)
		slash[1] = '\0';
	else
		*slash = '\0';
	fd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (fd >= 0) {
		fsync(fd);
		close(fd);
	}
	free(dir);
}

int
bx_afile_commit(struct bx_afile *af, struct bx_err *err)
{
	int rc = 0;

	if (fflush(af->f) != 0 || ferror(af->f) || fsync(fileno(af->f)) != 0)
		rc = bx_err_set(err, BX_EIO, "%s: write failed: %s", af->path, strerror(errno));
	if (fclose(af->f) != 0 && rc == 0)
		rc = bx_err_set(err, BX_EIO, "%s: write failed: %s", af->path, strerror(errno));
	af->f = NULL;
	if (rc == 0 && rename(af->tmp, af->path) != 0)
		rc = bx_err_set(err, BX_EIO, "%s: %s", af->path, strerror(errno));
	if (rc != 0)
		unlink(af->tmp);
	else
		fsync_dir_of(af->path);
	free(af->path);
	free(af->tmp);
	af->path = af->tmp = NULL;
	return rc;
}

void
bx_afile_abort(struct bx_afile *af)
{
	if (af->f != NULL)
		fclose(af->f);
	if (af->tmp != NULL)
		unlink(af->tmp);
	free(af->path);
	free(af->tmp);
	af->f = NULL;
	af->path = af->tmp = NULL;
}

int
bx_read_file(const char *path, size_t max, char **data_out, size_t *len_out,
             struct bx_err *err)
{
	struct stat st;
	FILE *f;
	char *p;
	size_t n;
	int fd;

	/* O_NONBLOCK so a FIFO or device cannot hang the open; only regular
	 * files are read, and then blocking reads are fine. */
	fd = open(path, O_RDONLY | O_NONBLOCK | O_CLOEXEC);
	if (fd < 0)
		return bx_err_set(err, errno == ENOENT ? BX_ENOENT : BX_EIO, "%s", strerror(errno));
	if (fstat(fd, &st) != 0) {
		int e = errno;
		close(fd);
		return bx_err_set(err, BX_EIO, "%s", strerror(e));
	}
	if (!S_ISREG(st.st_mode)) {
		close(fd);
		return bx_err_set(err, BX_EINVAL, S_ISDIR(st.st_mode) ?
		    "is a directory, not a file" : "not a regular file");
	}
	if ((uint64_t)st.st_size > max) {
		close(fd);
		return bx_err_set(err, BX_ELIMIT, "file too large (%lld bytes, limit %zu)",
		    (long long)st.st_size, max);
	}
	fcntl(fd, F_SETFL, fcntl(fd, F_GETFL) & ~O_NONBLOCK);
	f = fdopen(fd, "rb");
	if (f == NULL)
		oom(0);
	p = bx_malloc((size_t)st.st_size + 1);
	n = fread(p, 1, (size_t)st.st_size, f);
	if (ferror(f)) {
		fclose(f);
		free(p);
		return bx_err_set(err, BX_EIO, "read failed");
	}
	fclose(f);
	p[n] = '\0';
	*data_out = p;
	*len_out = n;
	return 0;
}

int
bx_read_fd(int fd, size_t max, char **data_out, size_t *len_out, struct bx_err *err)
{
	size_t cap = 4096, n = 0;
	char *p = bx_malloc(cap + 1);
	ssize_t r;

	for (;;) {
		if (n == cap) {
			if (cap > max)
				break;
			cap *= 2;
			p = bx_realloc(p, cap + 1);
		}
		r = read(fd, p + n, cap - n);
		if (r < 0 && errno == EINTR)
			continue;
		if (r < 0) {
			int e = errno;
			free(p);
			return bx_err_set(err, BX_EIO, "read failed: %s", strerror(e));
		}
		if (r == 0)
			break;
		n += (size_t)r;
	}
	if (n > max) {
		free(p);
		return bx_err_set(err, BX_ELIMIT, "more than %zu bytes", max);
	}
	p[n] = '\0';
	*data_out = p;
	*len_out = n;
	return 0;
}

int64_t
bx_now_ms(void)
{
	const char *pin = getenv("BOXEL_NOW_MS");
	struct timeval tv;

	if (pin != NULL && *pin != '\0')
		return strtoll(pin, NULL, 10);
	gettimeofday(&tv, NULL);
	return (int64_t)tv.tv_sec * 1000 + tv.tv_usec / 1000;
}

unsigned
bx_utf8_hidden(const char *s, size_t *len_out)
{
	const unsigned char *p = (const unsigned char *)s;
	unsigned cp;

	if (p[0] == 0xc2 && p[1] >= 0x80 && p[1] <= 0x9f) {
		*len_out = 2;
		return p[1];
	}
	if ((p[0] != 0xe2 && p[0] != 0xef) || (p[1] & 0xc0) != 0x80 || (p[2] & 0xc0) != 0x80)
		return 0;
	cp = ((unsigned)(p[0] & 0x0f) << 12) | ((unsigned)(p[1] & 0x3f) << 6) | (p[2] & 0x3f);
	if ((cp >= 0x200b && cp <= 0x200f) || (cp >= 0x202a && cp <= 0x202e) || cp == 0x2060 ||
	    (cp >= 0x2066 && cp <= 0x2069) || cp == 0xfeff) {
		*len_out = 3;
		return cp;
	}
	return 0;
}

void
bx_random(void *buf, size_t n)
{
	unsigned char *p = buf;
	ssize_t r;

	while (n > 0) {
		r = getrandom(p, n, 0);
		if (r < 0) {
			if (errno == EINTR)
				continue;
			abort();
		}
		p += r;
		n -= (size_t)r;
	}
}

int
bx_object_id_valid(const char *s)
{
	size_t n;

	for (n = 0; s[n]; n++)
		if ((unsigned char)s[n] < 0x20 || s[n] == 0x7f)
			return 0;
	return n >= 1 && n <= 128 && bx_utf8_valid(s);
}

/* splitmix64's finalizer: every input bit reaches every output bit. */
static uint64_t
mix64(uint64_t z)
{
	z += 0x9e3779b97f4a7c15ULL;
	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
	z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
	return z ^ (z >> 31);
}

void
bx_uuid_derived(char out[37], uint64_t a, uint64_t c)
{
	static const char hex[] = "0123456789abcdef";
	unsigned char b[16];
	uint64_t h1 = mix64(a ^ mix64(c)), h2 = mix64(h1 ^ 0x5ca1eULL ^ c);
	int i, k = 0;

	for (i = 0; i < 8; i++) {
		b[i] = (unsigned char)(h1 >> (8 * i));
		b[8 + i] = (unsigned char)(h2 >> (8 * i));
	}
	b[6] = (unsigned char)((b[6] & 0x0f) | 0x80);   /* version 8: application-defined */
	b[8] = (unsigned char)((b[8] & 0x3f) | 0x80);   /* RFC 4122 variant */
	for (i = 0; i < 16; i++) {
		if (i == 4 || i == 6 || i == 8 || i == 10)
			out[k++] = '-';
		out[k++] = hex[b[i] >> 4];
		out[k++] = hex[b[i] & 15];
	}
	out[k] = '\0';
}
