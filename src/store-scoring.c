/* store-scoring.c: what scoring takes from the project besides its
 * settings: the taxonomy's per-class keypoint sigmas (OKS of skeletons).
 * Parsed once per taxonomy text and kept for the connection's life, so a
 * struct bx_score_opts filled here stays valid until bx_store_close, even
 * if the taxonomy changes meanwhile (a changed taxonomy gets a new entry;
 * the precompute's settings fence holds the taxonomy's text, so a merge
 * made under the old sigmas is not used under the new). */
#include <stdlib.h>
#include <string.h>

#include "boxel/taxonomy.h"
#include "boxel/util.h"
#include "store-int.h"

struct bx_st_sigmas {
	char *text;                  /* the taxonomy setting it was made from */
	struct bx_taxonomy *tax;     /* owns the names and sigmas of table */
	struct bx_kpt_sigmas *table;
	int n;
	struct bx_st_sigmas *next;   /* older ones, still lent out */
};

int
bx_st_score_sigmas(struct bx_store *st, struct bx_score_opts *o, struct bx_err *err)
{
	struct bx_err terr = { 0 };
	struct bx_st_sigmas *s;
	char *text;
	int rc;

	if ((rc = bx_store_setting_get(st, "taxonomy", &text, err)) < 0)
		return rc;
	for (s = st->sigmas; s != NULL && strcmp(s->text, text) != 0; s = s->next)
		;
	if (s == NULL) {
		s = bx_calloc(1, sizeof *s);
		s->text = text;
		text = NULL;
		/* An unusable taxonomy scores with COCO's defaults, as
		 * bx_st_canonical leaves answers as they are. */
		if (*s->text && bx_taxonomy_load_text(s->text, "taxonomy (project)", &s->tax,
		                                      &terr) == 0)
			s->table = bx_kpt_sigmas_of(s->tax, &s->n);
		s->next = st->sigmas;
		st->sigmas = s;
	}
	free(text);
	o->sigmas = s->table;
	o->nsigmas = s->n;
	return 0;
}

void
bx_st_sigmas_free(struct bx_store *st)
{
	struct bx_st_sigmas *s, *next;

	for (s = st->sigmas; s != NULL; s = next) {
		next = s->next;
		free(s->text);
		bx_taxonomy_free(s->tax);
		free(s->table);
		free(s);
	}
	st->sigmas = NULL;
}

int
bx_store_score_opts(struct bx_store *st, struct bx_score_opts *o, struct bx_err *err)
{
	return bx_st_score_opts(st, o, err);
}
