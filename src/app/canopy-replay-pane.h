/* canopy-replay-pane.h
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#pragma once

#include <canopy.h>
#include <gtk/gtk.h>

#include "canopy-connection.h"

G_BEGIN_DECLS

#define CANOPY_TYPE_REPLAY_PANE (canopy_replay_pane_get_type ())

G_DECLARE_FINAL_TYPE (CanopyReplayPane, canopy_replay_pane, CANOPY, REPLAY_PANE, GtkWidget)

CanopyConnection  *canopy_replay_pane_get_connection (CanopyReplayPane  *self);
void               canopy_replay_pane_set_connection (CanopyReplayPane  *self,
                                                      CanopyConnection  *connection);
CanopyLogDocument *canopy_replay_pane_get_document   (CanopyReplayPane  *self);
void               canopy_replay_pane_set_document   (CanopyReplayPane  *self,
                                                      CanopyLogDocument *document);
CanopyPlayer      *canopy_replay_pane_get_player     (CanopyReplayPane  *self);

G_END_DECLS
