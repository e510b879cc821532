/* canopy-transmit-pane-private.h
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#pragma once

#include "canopy-transmit-message.h"
#include "canopy-transmit-pane.h"

G_BEGIN_DECLS

/* Shared by canopy-transmit-pane.c (the pane, its actions, the settings)
 * and canopy-transmit-pane-cells.c (the column view's cells). */

typedef enum
{
  CANOPY_TRANSMIT_COLUMN_SEND,
  CANOPY_TRANSMIT_COLUMN_ID,
  CANOPY_TRANSMIT_COLUMN_FLAGS,
  CANOPY_TRANSMIT_COLUMN_DLC,
  CANOPY_TRANSMIT_COLUMN_DATA,
  CANOPY_TRANSMIT_COLUMN_PERIOD,
  CANOPY_TRANSMIT_COLUMN_LIMIT,
  CANOPY_TRANSMIT_COLUMN_COUNTER,
  CANOPY_TRANSMIT_COLUMN_SENT,
  CANOPY_TRANSMIT_COLUMN_ACHIEVED,
  CANOPY_TRANSMIT_N_COLUMNS
} CanopyTransmitColumn;

GtkListItemFactory *_canopy_transmit_cell_factory_new    (CanopyTransmitPane    *self,
                                                          CanopyTransmitColumn   column);
gboolean            _canopy_transmit_pane_start_message (CanopyTransmitPane    *self,
                                                          CanopyTransmitMessage *message);

G_END_DECLS
