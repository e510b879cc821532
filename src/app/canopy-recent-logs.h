/* canopy-recent-logs.h
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#pragma once

#include <gtk/gtk.h>

G_BEGIN_DECLS

#define CANOPY_TYPE_RECENT_LOGS (canopy_recent_logs_get_type ())

G_DECLARE_FINAL_TYPE (CanopyRecentLogs, canopy_recent_logs, CANOPY, RECENT_LOGS, GObject)

CanopyRecentLogs *canopy_recent_logs_new (GMenu            *menu);
void              canopy_recent_logs_add (CanopyRecentLogs *self,
                                          GFile            *file);

G_END_DECLS
