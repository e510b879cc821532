/* canopy-statistics-panel.h
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#pragma once

#include <gtk/gtk.h>

G_BEGIN_DECLS

#define CANOPY_TYPE_STATISTICS_PANEL (canopy_statistics_panel_get_type ())

G_DECLARE_FINAL_TYPE (CanopyStatisticsPanel, canopy_statistics_panel, CANOPY, STATISTICS_PANEL, GtkWidget)

#define CANOPY_STATISTICS_TOP_IDS 8

void canopy_statistics_panel_set_id_rows (CanopyStatisticsPanel *self,
                                          GListModel            *id_rows);
void canopy_statistics_panel_add_sample  (CanopyStatisticsPanel *self,
                                          double                 frame_rate,
                                          double                 bus_load);
void canopy_statistics_panel_clear       (CanopyStatisticsPanel *self);

G_END_DECLS
