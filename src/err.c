/* err.c: filling and prefixing struct bx_err (see err.h). */
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "boxel/err.h"

int
bx_err_set(struct bx_err *err, int code, const char *fmt, ...)
{
	va_list ap;

	if (err == NULL)
		return code;
	err->code = code;
	va_start(ap, fmt);
	vsnprintf(err->msg, sizeof err->msg, fmt, ap);
	va_end(ap);
	return code;
}

void
bx_err_prefix(struct bx_err *err, const char *fmt, ...)
{
	char pre[256];
	size_t pl, ol, cap = sizeof err->msg;
	va_list ap;

	if (err == NULL)
		return;
	va_start(ap, fmt);
	vsnprintf(pre, sizeof pre - 2, fmt, ap);
	va_end(ap);
	strcat(pre, ": ");
	pl = strlen(pre);
	ol = strnlen(err->msg, cap - 1);
	if (pl + ol > cap - 1)
		ol = cap - 1 - pl;
	memmove(err->msg + pl, err->msg, ol);
	memcpy(err->msg, pre, pl);
	err->msg[pl + ol] = '\0';
}

void
bx_err_clear(struct bx_err *err)
{
	if (err != NULL) {
		err->code = 0;
		err->msg[0] = '\0';
	}
}
