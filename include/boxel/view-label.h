/* view-label.h: the labeling screen (view-label.c) and the review screen
 * (view-review.c) as bx_views. */
#ifndef BOXEL_VIEW_LABEL_H
#define BOXEL_VIEW_LABEL_H

#include <stdint.h>

#include "boxel/cells.h"
#include "boxel/label.h"
#include "boxel/view.h"

/* Set up v for session s (opened by the caller, outliving v) on a
 * cols x rows terminal, and open the first task (claim). */
void bx_view_label_init(struct bx_view *v, struct bx_session *s, enum bx_colors colors,
                        int no_color, int cols, int rows, int64_t now_ms);
/* The same for the review screen: s is a review session (bx_session_review). */
void bx_view_review_init(struct bx_view *v, struct bx_session *s, enum bx_colors colors,
                         int no_color, int cols, int rows, int64_t now_ms);

#endif
