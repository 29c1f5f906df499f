/* draft.h: the labeling view's state as the JSON text the store keeps for a
 * judgment (bx_draft_save): the answer (codec.h format), the view (zoom,
 * pan centre, crosshair, selection, tool, class, shape being drawn, undo
 * position, seconds spent) and one journal entry per undo step. Implemented
 * in src/fmt-draft.c (jansson). Coordinates are image pixels. */
#ifndef BOXEL_DRAFT_H
#define BOXEL_DRAFT_H

#include "boxel/edit.h"
#include "boxel/err.h"

struct bx_draft_view {
	double zoom;      /* display pixels per image pixel relative to fit; 1 = fit */
	double vx, vy;    /* pan centre, image pixels */
	double seconds;   /* time spent on the task so far */
};

/* Caller frees the returned strings. */
char *bx_draft_state_to_json(const struct bx_edit *ed, const struct bx_draft_view *v);
char *bx_draft_entry_to_json(const struct bx_edit_step *s);

/* Rebuild ed (already bx_edit_init'ed with the image size) and v from a
 * saved state and its journal entries (entry i is step i+1). A malformed
 * state or entry is BX_EINVAL naming it; ed is then left as initialised. */
int bx_draft_restore(struct bx_edit *ed, struct bx_draft_view *v, const char *state,
                     char *const *entries, int n, struct bx_err *err);

#endif
