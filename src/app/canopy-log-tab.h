/* canopy-log-tab.h
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#pragma once

#include <gtk/gtk.h>

#include <canopy.h>

#include "canopy-trace-view.h"

G_BEGIN_DECLS

#define CANOPY_TYPE_LOG_TAB (canopy_log_tab_get_type ())

G_DECLARE_FINAL_TYPE (CanopyLogTab, canopy_log_tab, CANOPY, LOG_TAB, GtkWidget)

CanopyLogTab      *canopy_log_tab_new            (GFile        *file);
CanopyLogDocument *canopy_log_tab_get_document   (CanopyLogTab *self);
CanopyTraceView   *canopy_log_tab_get_trace_view (CanopyLogTab *self);
GtkWidget         *canopy_log_tab_get_tab_label  (CanopyLogTab *self);
void               canopy_log_tab_close          (CanopyLogTab *self);

G_END_DECLS
