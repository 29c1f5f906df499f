/* taxonomy-int.h: what the taxonomy's files share inside the library
 * (taxonomy.c loads, taxonomy-where.c places, taxonomy-lookup.c finds,
 * taxonomy-check.c checks answers). Private to src/. */
#ifndef BOXEL_TAXONOMY_INT_H
#define BOXEL_TAXONOMY_INT_H

#include "boxel/taxonomy.h"

/* A JSON path ("classes[2].hotkey") and where its value starts. */
struct bx_tx_loc {
	char *path;
	int line, col;
};
/* Every value of text (JSON jansson accepted) with its position, *n_out
 * of them; free with bx_tx_locs_free. */
struct bx_tx_loc *bx_tx_locs(const char *text, int *n_out);
void bx_tx_locs_free(struct bx_tx_loc *locs, int n);
/* Where path's value is; for a missing key, the enclosing value's; 1:1
 * when nothing encloses it. */
void bx_tx_find_loc(const struct bx_tx_loc *locs, int nlocs, const char *path, int *line,
                    int *col);

/* The spec named name among specs[0 .. n), or NULL. */
const struct bx_attr_spec *bx_tx_find_spec(const struct bx_attr_spec *specs, int n,
                                           const char *name);

#endif
