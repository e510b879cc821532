/* canopy-transmit-pane.h
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#pragma once

#include <gtk/gtk.h>

#include "canopy-connection.h"

G_BEGIN_DECLS

#define CANOPY_TYPE_TRANSMIT_PANE (canopy_transmit_pane_get_type ())

G_DECLARE_FINAL_TYPE (CanopyTransmitPane, canopy_transmit_pane, CANOPY, TRANSMIT_PANE, GtkWidget)

CanopyConnection *canopy_transmit_pane_get_connection (CanopyTransmitPane *self);
void              canopy_transmit_pane_set_connection (CanopyTransmitPane *self,
                                                       CanopyConnection   *connection);
void              canopy_transmit_pane_bind_settings  (CanopyTransmitPane *self,
                                                       GSettings          *settings);
GListModel       *canopy_transmit_pane_get_messages   (CanopyTransmitPane *self);

G_END_DECLS
