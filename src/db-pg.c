/* db-pg.c: the database interface on PostgreSQL through libpq. The store's
 * SQL is written with SQLite's numbered placeholders; they become $1, $2,
 * ... once per statement here. Parameters go as text with the type their
 * binding implies (int8, float8, text; left for the server to infer when
 * unbound or bound NULL), results
 * come back as text and are parsed by the column getters. A statement is run
 * by its first step (PQexecParams): the whole result is fetched then, and
 * later steps walk its rows. */
#include <libpq-fe.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "boxel/util.h"
#include "db-int.h"
#include "pq-load.h"

/* Type OIDs from PostgreSQL's pg_type.dat (fixed since 7.x). */
#define OID_INT8 20
#define OID_FLOAT8 701
#define OID_TEXT 25

struct pg_db {
	struct bx_db base;
	PGconn *conn;
	char *conninfo;
	char msg[512];
	int64_t changes;
};

struct pg_param {
	char *val;     /* NULL binds NULL */
	int own;       /* val was allocated here */
	char num[32];  /* int8/float8 text */
	unsigned type; /* 0: let the server infer */
};

struct pg_st {
	struct bx_dbst base;
	char *sql;       /* with $n placeholders */
	int nparams;
	unsigned char used[256]; /* used[n]: $n appears in sql */
	struct pg_param *p;
	PGresult *res;   /* NULL: not run since the last reset */
	int row, nrows;  /* row: the current row, -1 before the first */
};

#define PGD(db) ((struct pg_db *)(db))
#define PGS(s) ((struct pg_st *)(s))

static void
set_msg(struct pg_db *db, const char *m)
{
	size_t n;

	snprintf(db->msg, sizeof db->msg, "%s", m != NULL && *m ? m : "unknown error");
	/* libpq's messages end in a newline (and may add a second line):
	 * keep the first line, the store adds its own context. */
	n = strcspn(db->msg, "\n");
	db->msg[n] = '\0';
}

/* SQLSTATE classes (PostgreSQL's errcodes.txt) the store must tell apart. */
static int
pg_class(struct pg_db *db, PGresult *res)
{
	const char *state = res != NULL ? PQresultErrorField(res, PG_DIAG_SQLSTATE) : NULL;
	const char *m = res != NULL ? PQresultErrorMessage(res) : NULL;

	set_msg(db, m != NULL && *m ? m : PQerrorMessage(db->conn));
	if (PQstatus(db->conn) == CONNECTION_BAD)
		return -BX_DBE_LOST;
	if (state == NULL)
		return -BX_DBE_OTHER;
	if (strcmp(state, "40001") == 0 || strcmp(state, "40P01") == 0)
		return -BX_DBE_SERIAL;
	if (strncmp(state, "08", 2) == 0 || strncmp(state, "57P", 3) == 0)
		return -BX_DBE_LOST;
	/* 23: integrity constraints; P0001: RAISE in a trigger (the event
	 * log's append-only rule), as SQLite's RAISE(ABORT) is a constraint. */
	if (strncmp(state, "23", 2) == 0 || strcmp(state, "P0001") == 0)
		return -BX_DBE_CONSTRAINT;
	if (strcmp(state, "25006") == 0 || strcmp(state, "42501") == 0)
		return -BX_DBE_READONLY;
	if (strcmp(state, "55P03") == 0)
		return -BX_DBE_BUSY;
	return -BX_DBE_OTHER;
}

/* ?N -> $N, bare ? -> the next number; quoted text and identifiers are
 * copied as they are. Returns the highest parameter number; used[n] (n <
 * 256) is set for each number the text names. */
static int
translate(const char *sql, char **out, unsigned char *used)
{
	struct bx_buf b;
	const char *p = sql;
	int next = 0, max = 0;
	char q = 0;

	bx_buf_init(&b);
	for (; *p; p++) {
		if (q) {
			if (*p == q)
				q = 0;
			bx_buf_putc(&b, *p);
		} else if (*p == '\'' || *p == '"') {
			q = *p;
			bx_buf_putc(&b, *p);
		} else if (*p == '?') {
			int n = 0;
			while (p[1] >= '0' && p[1] <= '9')
				n = n * 10 + (*++p - '0');
			if (n == 0)
				n = ++next;
			else
				next = n;
			if (n > max)
				max = n;
			if (n < 256)
				used[n] = 1;
			bx_buf_printf(&b, "$%d", n);
		} else
			bx_buf_putc(&b, *p);
	}
	*out = b.p != NULL ? b.p : bx_strdup("");
	return max;
}

static void
param_clear(struct pg_param *p)
{
	if (p->own)
		free(p->val);
	p->val = NULL;
	p->own = 0;
	p->type = 0;
}

static void
pg_close(struct bx_db *db)
{
	if (PGD(db)->conn != NULL)
		PQfinish(PGD(db)->conn);
	free(PGD(db)->conninfo);
	free(db);
}

static const char *
pg_errmsg(struct bx_db *db)
{
	return PGD(db)->msg;
}

static int
pg_prepare(struct bx_db *db, const char *sql, struct bx_dbst **out)
{
	struct pg_st *s = bx_calloc(1, sizeof *s);

	s->base.db = db;
	s->nparams = translate(sql, &s->sql, s->used);
	s->p = bx_calloc(s->nparams > 0 ? (size_t)s->nparams : 1, sizeof *s->p);
	s->row = -1;
	*out = &s->base;
	return 0;
}

static void
pg_reset(struct bx_dbst *st, int clear)
{
	struct pg_st *s = PGS(st);
	int i;

	PQclear(s->res);
	s->res = NULL;
	s->row = -1;
	s->nrows = 0;
	if (clear)
		for (i = 0; i < s->nparams; i++)
			param_clear(&s->p[i]);
}

static void
pg_finalize(struct bx_dbst *st)
{
	pg_reset(st, 1);
	free(PGS(st)->sql);
	free(PGS(st)->p);
	free(st);
}

static struct pg_param *
param(struct bx_dbst *st, int i)
{
	struct pg_st *s = PGS(st);

	if (i < 1 || i > s->nparams)
		return NULL; /* as SQLite: SQLITE_RANGE, ignored by the store */
	param_clear(&s->p[i - 1]);
	return &s->p[i - 1];
}

static void
pg_bind_int64(struct bx_dbst *st, int i, int64_t v)
{
	struct pg_param *p = param(st, i);

	if (p == NULL)
		return;
	snprintf(p->num, sizeof p->num, "%lld", (long long)v);
	p->val = p->num;
	p->type = OID_INT8;
}

static void
pg_bind_double(struct bx_dbst *st, int i, double v)
{
	struct pg_param *p = param(st, i);

	if (p == NULL)
		return;
	snprintf(p->num, sizeof p->num, "%.17g", v);
	p->val = p->num;
	p->type = OID_FLOAT8;
}

static void
pg_bind_null(struct bx_dbst *st, int i)
{
	param(st, i);
}

static void
pg_bind_text(struct bx_dbst *st, int i, const char *t, int copy)
{
	struct pg_param *p = param(st, i);

	if (p == NULL)
		return;
	p->type = OID_TEXT;
	if (t == NULL)
		return;
	p->val = copy ? bx_strdup(t) : (char *)t;
	p->own = copy;
}

static int
pg_run(struct pg_st *s)
{
	struct pg_db *db = PGD(s->base.db);
	const char *vals[s->nparams > 0 ? s->nparams : 1];
	unsigned types[s->nparams > 0 ? s->nparams : 1];
	ExecStatusType es;
	int i;

	for (i = 0; i < s->nparams; i++) {
		vals[i] = s->p[i].val;
		/* A NULL (bound or not) says nothing of its type; most are an
		 * optional name ("?3 IS NULL OR u.name = ?3"), where the server
		 * cannot infer one either. A NULL number the SQL must cast:
		 * CAST(?n AS BIGINT), which SQLite reads the same. */
		types[i] = s->p[i].type != 0 ? s->p[i].type : OID_TEXT;
	}
	s->res = PQexecParams(db->conn, s->sql, s->nparams, types, vals, NULL, NULL, 0);
	es = PQresultStatus(s->res);
	if (es != PGRES_COMMAND_OK && es != PGRES_TUPLES_OK) {
		int rc = pg_class(db, s->res);
		PQclear(s->res);
		s->res = NULL;
		return rc;
	}
	s->nrows = PQntuples(s->res);
	db->changes = atoll(PQcmdTuples(s->res));
	return 0;
}

static int
pg_step(struct bx_dbst *st)
{
	struct pg_st *s = PGS(st);
	int rc;

	if (s->res == NULL && (rc = pg_run(s)) < 0)
		return rc;
	if (s->row + 1 >= s->nrows) {
		s->row = s->nrows;
		return 0;
	}
	s->row++;
	return 1;
}

static const char *
cell(struct bx_dbst *st, int i)
{
	struct pg_st *s = PGS(st);

	if (s->res == NULL || s->row < 0 || s->row >= s->nrows || i < 0 ||
	    i >= PQnfields(s->res) || PQgetisnull(s->res, s->row, i))
		return NULL;
	return PQgetvalue(s->res, s->row, i);
}

static int64_t
pg_col_int64(struct bx_dbst *st, int i)
{
	const char *v = cell(st, i);

	if (v == NULL)
		return 0;
	if (v[0] == 't' && v[1] == '\0') /* a boolean, as SQLite's 1 */
		return 1;
	if (strchr(v, '.') != NULL || strchr(v, 'e') != NULL)
		return (int64_t)strtod(v, NULL); /* a real, truncated like SQLite */
	return strtoll(v, NULL, 10);
}

static double
pg_col_double(struct bx_dbst *st, int i)
{
	const char *v = cell(st, i);

	if (v == NULL)
		return 0;
	if (v[0] == 't' && v[1] == '\0')
		return 1;
	return strtod(v, NULL);
}

static const char *
pg_col_text(struct bx_dbst *st, int i)
{
	return cell(st, i);
}

static int
pg_col_null(struct bx_dbst *st, int i)
{
	return cell(st, i) == NULL;
}

static int64_t
pg_changes(struct bx_db *db)
{
	return PGD(db)->changes;
}

static int
pg_exec(struct bx_db *d, const char *sql)
{
	struct pg_db *db = PGD(d);
	PGresult *res = PQexec(db->conn, sql);
	ExecStatusType es = PQresultStatus(res);
	int rc = 0;

	if (es != PGRES_COMMAND_OK && es != PGRES_TUPLES_OK)
		rc = pg_class(db, res);
	PQclear(res);
	return rc;
}

/* A dropped connection is reconnected once, where nothing of a transaction
 * can be lost: at its start. */
static int
pg_begin(struct bx_db *d, enum bx_db_tx kind)
{
	struct pg_db *db = PGD(d);
	/* Writers queue on one transaction-scoped advisory lock, taken first:
	 * they run one at a time as on SQLite (BEGIN IMMEDIATE), so the
	 * store's rules (overlap, one judgment per labeler and task, lease
	 * fencing) hold as they do there and no write meets a serialization
	 * failure in the middle. Claims take its shared side: they run side
	 * by side with each other, never with another writer (store-queue.c
	 * adds the finer locks a claim needs). Readers take a snapshot and
	 * never wait. */
	const char *sql = kind == BX_DB_TX_WRITE ?
	    "BEGIN ISOLATION LEVEL READ COMMITTED; SELECT pg_advisory_xact_lock(7142365)" :
	    kind == BX_DB_TX_CLAIM ?
	    "BEGIN ISOLATION LEVEL READ COMMITTED; SELECT pg_advisory_xact_lock_shared(7142365)" :
	    "BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY";
	int rc;

	if (PQstatus(db->conn) == CONNECTION_BAD) {
		PQreset(db->conn);
		if (PQstatus(db->conn) != CONNECTION_OK) {
			set_msg(db, PQerrorMessage(db->conn));
			return -BX_DBE_LOST;
		}
	}
	rc = pg_exec(d, sql);
	if (rc == -BX_DBE_LOST) {
		PQreset(db->conn);
		if (PQstatus(db->conn) != CONNECTION_OK) {
			set_msg(db, PQerrorMessage(db->conn));
			return -BX_DBE_LOST;
		}
		rc = pg_exec(d, sql);
		/* A fresh connection that is cut again as soon as a transaction
		 * opens: PgBouncer in statement pooling does this (it allows no
		 * transaction of more than one statement), and retrying cannot
		 * help. */
		if (rc == -BX_DBE_LOST && PQstatus(db->conn) == CONNECTION_BAD) {
			set_msg(db, "the connection is closed whenever a transaction begins: is "
			    "there a pooler in statement mode? boxel needs PgBouncer's transaction "
			    "or session pooling (pool_mode = transaction)");
			return -BX_DBE_OTHER;
		}
	}
	if (rc < 0 && rc != -BX_DBE_LOST)
		pg_exec(d, "ROLLBACK");
	return rc;
}

static int
pg_commit(struct bx_db *d)
{
	return pg_exec(d, "COMMIT");
}

static void
pg_rollback(struct bx_db *d)
{
	if (PQstatus(PGD(d)->conn) == CONNECTION_OK)
		pg_exec(d, "ROLLBACK");
}

static const struct bx_db_ops pg_ops = {
	.kind = BX_DB_PG,
	.close = pg_close,
	.errmsg = pg_errmsg,
	.prepare = pg_prepare,
	.finalize = pg_finalize,
	.reset = pg_reset,
	.bind_int64 = pg_bind_int64,
	.bind_double = pg_bind_double,
	.bind_null = pg_bind_null,
	.bind_text = pg_bind_text,
	.step = pg_step,
	.col_int64 = pg_col_int64,
	.col_double = pg_col_double,
	.col_text = pg_col_text,
	.col_null = pg_col_null,
	.changes = pg_changes,
	.exec = pg_exec,
	.begin = pg_begin,
	.commit = pg_commit,
	.rollback = pg_rollback,
};

/* Notices (e.g. "relation already exists, skipping") are not for the
 * annotator's terminal; warnings still go to standard error. Filtered here,
 * not by SET client_min_messages: behind a pooler in transaction mode
 * (PgBouncer's usual) a session setting stays on whichever server
 * connection ran it, not with this client. */
static void
notice(void *arg, const PGresult *res)
{
	const char *sev = PQresultErrorField(res, PG_DIAG_SEVERITY_NONLOCALIZED);

	(void)arg;
	if (sev != NULL && strcmp(sev, "WARNING") == 0)
		fprintf(stderr, "boxel: %s", PQresultErrorMessage(res));
}

int
bx_db_pg_open(const char *conninfo, struct bx_db **out)
{
	struct pg_db *db = bx_calloc(1, sizeof *db);
	struct bx_err err;

	db->base.ops = &pg_ops;
	db->conninfo = bx_strdup(conninfo);
	*out = &db->base;
	if (bx_pq_load(&err) < 0) {
		set_msg(db, err.msg);
		return -BX_DBE_CANTOPEN;
	}
	db->conn = PQconnectdb(conninfo);
	if (PQstatus(db->conn) != CONNECTION_OK) {
		set_msg(db, PQerrorMessage(db->conn));
		return -BX_DBE_CANTOPEN;
	}
	PQsetNoticeReceiver(db->conn, notice, NULL);
	return 0;
}

int
bx_db_pg_has_password(const char *conninfo)
{
	PQconninfoOption *opts, *o;
	struct bx_err err;
	int has = 0;

	if (bx_pq_load(&err) < 0)
		return 0; /* opening the store will say why */
	opts = PQconninfoParse(conninfo, NULL);
	if (opts == NULL)
		return 0; /* unparseable: the connection attempt will say why */
	for (o = opts; o->keyword != NULL; o++)
		if (strcmp(o->keyword, "password") == 0 && o->val != NULL && *o->val != '\0')
			has = 1;
	PQconninfoFree(opts);
	return has;
}
