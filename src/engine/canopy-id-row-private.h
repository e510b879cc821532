/* canopy-id-row-private.h
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#pragma once

#include "canopy-id-row.h"

G_BEGIN_DECLS

/* What the id table knows of one (channel, id, extended): updated per frame
 * on the feeding thread, copied into its CanopyIdRow on the main context. */
typedef struct
{
  CanopyMessage message;         /* the latest frame */
  guint64       count;
  gint64        first_timestamp_ns;
  gint64        last_timestamp_ns;
  gint64        period_last_ns;  /* -1 until the second frame */
  gint64        period_min_ns;
  gint64        period_max_ns;
  guint64       changed_mask;    /* bytes that differ from the previous frame */
} CanopyIdState;

void         _canopy_id_state_init   (CanopyIdState       *state,
                                      const CanopyMessage *msg);
void         _canopy_id_state_update (CanopyIdState       *state,
                                      const CanopyMessage *msg);
CanopyIdRow *_canopy_id_row_new      (const CanopyIdState *state);
void         _canopy_id_row_update   (CanopyIdRow         *self,
                                      const CanopyIdState *state);

G_END_DECLS
