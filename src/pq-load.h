/* pq-load.h: libpq, loaded when a PostgreSQL store is first opened, not
 * when boxel starts. Linked, libpq brings 21 more libraries (TLS, Kerberos,
 * LDAP) whose loading and constructors cost 14.6 ms of CPU at every start
 * of every command (a main() linked with -lpq: 17.1 ms, without: 2.5 ms)
 * although most commands never touch PostgreSQL: a third of `boxel show`'s
 * time. db-pg.c includes this after libpq-fe.h: the PQ names it calls go
 * through the loaded table. Only db-pg.c. */
#ifndef BOXEL_PQ_LOAD_H
#define BOXEL_PQ_LOAD_H

#include <libpq-fe.h>

#include "boxel/err.h"

struct bx_pq {
	void (*clear)(PGresult *);
	char *(*cmd_tuples)(PGresult *);
	PGconn *(*connectdb)(const char *);
	void (*conninfo_free)(PQconninfoOption *);
	PQconninfoOption *(*conninfo_parse)(const char *, char **);
	char *(*error_message)(const PGconn *);
	PGresult *(*exec)(PGconn *, const char *);
	PGresult *(*exec_params)(PGconn *, const char *, int, const Oid *, const char *const *,
	                         const int *, const int *, int);
	void (*finish)(PGconn *);
	int (*getisnull)(const PGresult *, int, int);
	char *(*getvalue)(const PGresult *, int, int);
	int (*nfields)(const PGresult *);
	int (*ntuples)(const PGresult *);
	void (*reset)(PGconn *);
	char *(*result_error_field)(const PGresult *, int);
	char *(*result_error_message)(const PGresult *);
	ExecStatusType (*result_status)(const PGresult *);
	ConnStatusType (*status)(const PGconn *);
	PQnoticeReceiver (*set_notice_receiver)(PGconn *, PQnoticeReceiver, void *);
};

/* The table, filled by bx_pq_load. */
extern struct bx_pq bx_pq;

/* Load libpq once: 0, or BX_EIO with why ("PostgreSQL stores need
 * libpq.so.5 (Debian package libpq5): ..."). */
int bx_pq_load(struct bx_err *err);

#define PQclear bx_pq.clear
#define PQcmdTuples bx_pq.cmd_tuples
#define PQconnectdb bx_pq.connectdb
#define PQconninfoFree bx_pq.conninfo_free
#define PQconninfoParse bx_pq.conninfo_parse
#define PQerrorMessage bx_pq.error_message
#define PQexec bx_pq.exec
#define PQexecParams bx_pq.exec_params
#define PQfinish bx_pq.finish
#define PQgetisnull bx_pq.getisnull
#define PQgetvalue bx_pq.getvalue
#define PQnfields bx_pq.nfields
#define PQntuples bx_pq.ntuples
#define PQreset bx_pq.reset
#define PQresultErrorField bx_pq.result_error_field
#define PQresultErrorMessage bx_pq.result_error_message
#define PQresultStatus bx_pq.result_status
#define PQstatus bx_pq.status
#define PQsetNoticeReceiver bx_pq.set_notice_receiver

#endif
