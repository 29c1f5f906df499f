/* pq-load.c: libpq loaded on first use (see pq-load.h for why). The
 * table is filled once, by the thread that opens the first PostgreSQL
 * store, before any connection exists. */
#include <dlfcn.h>
#include <stddef.h>
#include <string.h>

#include "pq-load.h"

struct bx_pq bx_pq;

static int loaded;

/* dlsym returns void *; POSIX guarantees it converts to a function
 * pointer, C does not say so: go through memcpy. */
static int
sym(void *lib, const char *name, void *fp, struct bx_err *err)
{
	void *p = dlsym(lib, name);

	if (p == NULL)
		return bx_err_set(err, BX_EIO, "PostgreSQL stores need libpq: %s has no %s",
		    "libpq.so.5", name);
	memcpy(fp, &p, sizeof p);
	return 0;
}

int
bx_pq_load(struct bx_err *err)
{
	static const struct { const char *name; size_t off; } names[] = {
#define E(n, f) { n, offsetof(struct bx_pq, f) }
		E("PQclear", clear), E("PQcmdTuples", cmd_tuples), E("PQconnectdb", connectdb),
		E("PQconninfoFree", conninfo_free), E("PQconninfoParse", conninfo_parse),
		E("PQerrorMessage", error_message), E("PQexec", exec),
		E("PQexecParams", exec_params), E("PQfinish", finish),
		E("PQgetisnull", getisnull), E("PQgetvalue", getvalue), E("PQnfields", nfields),
		E("PQntuples", ntuples), E("PQreset", reset),
		E("PQresultErrorField", result_error_field),
		E("PQresultErrorMessage", result_error_message),
		E("PQresultStatus", result_status), E("PQstatus", status),
		E("PQsetNoticeReceiver", set_notice_receiver),
#undef E
	};
	struct bx_pq t;
	void *lib;
	size_t i;

	if (loaded)
		return 0;
	lib = dlopen("libpq.so.5", RTLD_NOW | RTLD_LOCAL);
	if (lib == NULL)
		return bx_err_set(err, BX_EIO, "PostgreSQL stores need libpq (the Debian package "
		    "libpq5): %s", dlerror());
	memset(&t, 0, sizeof t);
	for (i = 0; i < sizeof names / sizeof names[0]; i++)
		if (sym(lib, names[i].name, (char *)&t + names[i].off, err) < 0) {
			dlclose(lib);
			return BX_EIO;
		}
	/* Kept loaded for the process's life: connections may outlive any
	 * one store. */
	bx_pq = t;
	loaded = 1;
	return 0;
}
