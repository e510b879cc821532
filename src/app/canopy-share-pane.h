/* canopy-share-pane.h
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#pragma once

#include <gtk/gtk.h>

#include "canopy-connection.h"

G_BEGIN_DECLS

#define CANOPY_TYPE_SHARE_PANE (canopy_share_pane_get_type ())

G_DECLARE_FINAL_TYPE (CanopySharePane, canopy_share_pane, CANOPY, SHARE_PANE, GtkWidget)

CanopyConnection *canopy_share_pane_get_connection (CanopySharePane  *self);
void              canopy_share_pane_set_connection (CanopySharePane  *self,
                                                    CanopyConnection *connection);
gboolean          canopy_share_pane_get_sharing    (CanopySharePane  *self);
gboolean          canopy_share_pane_start          (CanopySharePane  *self);
void              canopy_share_pane_stop           (CanopySharePane  *self);

G_END_DECLS
