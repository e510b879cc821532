/* canopy-log-converter.h
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#pragma once

#if !defined (CANOPY_INSIDE) && !defined (CANOPY_COMPILATION)
# error "Only <canopy.h> can be included directly."
#endif

#include <gio/gio.h>

#include "canopy-filter.h"
#include "canopy-version-macros.h"

G_BEGIN_DECLS

#define CANOPY_TYPE_LOG_CONVERTER (canopy_log_converter_get_type ())

CANOPY_AVAILABLE_IN_ALL
G_DECLARE_FINAL_TYPE (CanopyLogConverter, canopy_log_converter, CANOPY, LOG_CONVERTER, GObject)

CANOPY_AVAILABLE_IN_ALL
CanopyLogConverter *canopy_log_converter_new                    (GFile               *destination);
CANOPY_AVAILABLE_IN_ALL
void                canopy_log_converter_add_source             (CanopyLogConverter  *self,
                                                                 GFile               *source);
CANOPY_AVAILABLE_IN_ALL
void                canopy_log_converter_set_filters            (CanopyLogConverter  *self,
                                                                 const CanopyFilter  *filters,
                                                                 guint                n_filters);
CANOPY_AVAILABLE_IN_ALL
void                canopy_log_converter_set_start_time         (CanopyLogConverter  *self,
                                                                 gint64               start_ns,
                                                                 gboolean             relative);
CANOPY_AVAILABLE_IN_ALL
void                canopy_log_converter_set_end_time           (CanopyLogConverter  *self,
                                                                 gint64               end_ns,
                                                                 gboolean             relative);
CANOPY_AVAILABLE_IN_ALL
gboolean            canopy_log_converter_convert                (CanopyLogConverter  *self,
                                                                 GCancellable        *cancellable,
                                                                 GError             **error);
CANOPY_AVAILABLE_IN_ALL
void                canopy_log_converter_convert_async          (CanopyLogConverter  *self,
                                                                 GCancellable        *cancellable,
                                                                 GAsyncReadyCallback  callback,
                                                                 gpointer             user_data);
CANOPY_AVAILABLE_IN_ALL
gboolean            canopy_log_converter_convert_finish         (CanopyLogConverter  *self,
                                                                 GAsyncResult        *result,
                                                                 GError             **error);
CANOPY_AVAILABLE_IN_ALL
GFile              *canopy_log_converter_get_destination        (CanopyLogConverter  *self);
CANOPY_AVAILABLE_IN_ALL
double              canopy_log_converter_get_progress           (CanopyLogConverter  *self);
CANOPY_AVAILABLE_IN_ALL
guint64             canopy_log_converter_get_frames_read        (CanopyLogConverter  *self);
CANOPY_AVAILABLE_IN_ALL
guint64             canopy_log_converter_get_frames_written     (CanopyLogConverter  *self);
CANOPY_AVAILABLE_IN_ALL
guint64             canopy_log_converter_get_events_written     (CanopyLogConverter  *self);
CANOPY_AVAILABLE_IN_ALL
guint64             canopy_log_converter_get_n_skipped          (CanopyLogConverter  *self);
CANOPY_AVAILABLE_IN_ALL
char              **canopy_log_converter_dup_skip_reasons       (CanopyLogConverter  *self);
CANOPY_AVAILABLE_IN_ALL
const char         *canopy_log_converter_get_source_format      (CanopyLogConverter  *self);
CANOPY_AVAILABLE_IN_ALL
const char         *canopy_log_converter_get_destination_format (CanopyLogConverter  *self);

G_END_DECLS
