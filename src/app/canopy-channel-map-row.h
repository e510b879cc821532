/* canopy-channel-map-row.h
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#pragma once

#include <gtk/gtk.h>

G_BEGIN_DECLS

#define CANOPY_TYPE_CHANNEL_MAP_ROW (canopy_channel_map_row_get_type ())

G_DECLARE_FINAL_TYPE (CanopyChannelMapRow, canopy_channel_map_row, CANOPY, CHANNEL_MAP_ROW, GtkListBoxRow)

CanopyChannelMapRow *canopy_channel_map_row_new             (int                  log_channel,
                                                             int                  bus_channel);
int                  canopy_channel_map_row_get_log_channel (CanopyChannelMapRow *self);
int                  canopy_channel_map_row_get_bus_channel (CanopyChannelMapRow *self);

G_END_DECLS
