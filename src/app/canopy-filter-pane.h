/* canopy-filter-pane.h
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#pragma once

#include <gtk/gtk.h>

#include "canopy-connection.h"
#include "canopy-display-filter.h"

G_BEGIN_DECLS

#define CANOPY_TYPE_FILTER_PANE (canopy_filter_pane_get_type ())

G_DECLARE_FINAL_TYPE (CanopyFilterPane, canopy_filter_pane, CANOPY, FILTER_PANE, GtkWidget)

CanopyConnection    *canopy_filter_pane_get_connection     (CanopyFilterPane *self);
void                 canopy_filter_pane_set_connection     (CanopyFilterPane *self,
                                                            CanopyConnection *connection);
CanopyDisplayFilter *canopy_filter_pane_get_display_filter (CanopyFilterPane *self);

G_END_DECLS
