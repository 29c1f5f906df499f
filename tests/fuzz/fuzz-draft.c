/* fuzz-draft.c: libFuzzer target for the draft/journal parser
 * (bx_draft_restore, src/fmt-draft.c): what the labeling view reads back
 * from the store after a crash or on another machine. The input is the
 * saved state and its journal entries separated by 0xff bytes; the image
 * size comes from the first two bytes. A restored draft must serialize
 * again, and that serialization must restore to the same state (the
 * view's save after the next edit must not lose or change the work). */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "boxel/draft.h"
#include "boxel/edit.h"
#include "boxel/util.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define CHECK(c) do { if (!(c)) { fprintf(stderr, "fuzz-draft: %s\n", #c); abort(); } } while (0)

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct bx_edit ed, ed2;
	struct bx_draft_view v = { 1, 0, 0, 0 }, v2 = { 1, 0, 0, 0 };
	struct bx_err err = { 0 };
	char *state = NULL, **entries = NULL, *again, *again2, **ent2;
	int n = 0, w, h, i;
	size_t start, k;

	if (size < 2)
		return 0;
	w = 1 + data[0] * 8;
	h = 1 + data[1] * 8;
	for (start = k = 2; k <= size; k++) {
		if (k < size && data[k] != 0xff)
			continue;
		char *piece = bx_strndup((const char *)data + start, k - start);
		if (state == NULL)
			state = piece;
		else {
			entries = bx_realloc(entries, (size_t)(n + 1) * sizeof *entries);
			entries[n++] = piece;
		}
		start = k + 1;
	}
	bx_edit_init(&ed, w, h);
	if (bx_draft_restore(&ed, &v, state, entries, n, &err) == 0) {
		/* Round trip: the state and the journal as the view would save them. */
		again = bx_draft_state_to_json(&ed, &v);
		ent2 = bx_calloc((size_t)ed.nsteps + 1, sizeof *ent2);
		for (i = 0; i < ed.nsteps; i++)
			ent2[i] = bx_draft_entry_to_json(&ed.steps[i]);
		bx_edit_init(&ed2, w, h);
		if (bx_draft_restore(&ed2, &v2, again, ent2, ed.nsteps, &err) != 0) {
			fprintf(stderr, "fuzz-draft: a saved draft does not restore: %s\n%s\n", err.msg,
			    again);
			abort();
		}
		again2 = bx_draft_state_to_json(&ed2, &v2);
		if (strcmp(again, again2) != 0) {
			fprintf(stderr, "fuzz-draft: restore changed the draft:\n%s\n%s\n", again, again2);
			abort();
		}
		CHECK(ed2.nsteps == ed.nsteps && ed2.pos == ed.pos);
		free(again2);
		bx_edit_free(&ed2);
		for (i = 0; i < ed.nsteps; i++)
			free(ent2[i]);
		free(ent2);
		free(again);
	}
	bx_edit_free(&ed);
	free(state);
	for (i = 0; i < n; i++)
		free(entries[i]);
	free(entries);
	return 0;
}
