/* canopy-trace-view.h
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#pragma once

#include <gtk/gtk.h>

#include "canopy-display-filter.h"

G_BEGIN_DECLS

#define CANOPY_TYPE_TRACE_VIEW (canopy_trace_view_get_type ())

G_DECLARE_FINAL_TYPE (CanopyTraceView, canopy_trace_view, CANOPY, TRACE_VIEW, GtkWidget)

void        canopy_trace_view_set_models        (CanopyTraceView *self,
                                                 GListModel      *frames,
                                                 GListModel      *id_rows);
GListModel *canopy_trace_view_get_frames        (CanopyTraceView *self);
CanopyDisplayFilter *canopy_trace_view_get_display_filter (CanopyTraceView     *self);
void                 canopy_trace_view_set_display_filter (CanopyTraceView     *self,
                                                           CanopyDisplayFilter *filter);
GListModel          *canopy_trace_view_get_shown_frames   (CanopyTraceView     *self);
guint                canopy_trace_view_row_for_frame      (CanopyTraceView     *self,
                                                           guint                position);
gboolean    canopy_trace_view_get_per_id        (CanopyTraceView *self);
void        canopy_trace_view_set_per_id        (CanopyTraceView *self,
                                                 gboolean         per_id);
gboolean    canopy_trace_view_get_following     (CanopyTraceView *self);
void        canopy_trace_view_set_following     (CanopyTraceView *self,
                                                 gboolean         following);
gboolean    canopy_trace_view_is_at_end         (CanopyTraceView *self);
void        canopy_trace_view_bind_settings     (CanopyTraceView *self,
                                                 GSettings       *settings);
char       *canopy_trace_view_dup_selected_text (CanopyTraceView *self);

void        canopy_trace_view_select_position        (CanopyTraceView *self,
                                                      guint            position);
guint       canopy_trace_view_get_first_selected     (CanopyTraceView *self);
GtkBitset  *canopy_trace_view_dup_selected_positions (CanopyTraceView *self);
gboolean    canopy_trace_view_focus_rows             (CanopyTraceView *self);
void        canopy_trace_view_catch_up               (CanopyTraceView *self);

G_END_DECLS
