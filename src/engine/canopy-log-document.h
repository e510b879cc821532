/* canopy-log-document.h
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#pragma once

#if !defined (CANOPY_INSIDE) && !defined (CANOPY_COMPILATION)
# error "Only <canopy.h> can be included directly."
#endif

#include <gio/gio.h>

#include "canopy-log-summary.h"
#include "canopy-message.h"
#include "canopy-version-macros.h"

G_BEGIN_DECLS

#define CANOPY_TYPE_LOG_DOCUMENT (canopy_log_document_get_type ())

CANOPY_AVAILABLE_IN_ALL
G_DECLARE_FINAL_TYPE (CanopyLogDocument, canopy_log_document, CANOPY, LOG_DOCUMENT, GObject)

CANOPY_AVAILABLE_IN_ALL
CanopyLogDocument *canopy_log_document_new          (GFile                *file);
CANOPY_AVAILABLE_IN_ALL
void               canopy_log_document_load_async   (CanopyLogDocument    *self,
                                                     GCancellable         *cancellable,
                                                     GAsyncReadyCallback   callback,
                                                     gpointer              user_data);
CANOPY_AVAILABLE_IN_ALL
gboolean           canopy_log_document_load_finish  (CanopyLogDocument    *self,
                                                     GAsyncResult         *result,
                                                     GError              **error);
CANOPY_AVAILABLE_IN_ALL
gboolean           canopy_log_document_get_message  (CanopyLogDocument    *self,
                                                     guint                 position,
                                                     CanopyMessage        *msg,
                                                     GError              **error);
CANOPY_AVAILABLE_IN_ALL
guint              canopy_log_document_find_time    (CanopyLogDocument    *self,
                                                     gint64                timestamp_ns);
CANOPY_AVAILABLE_IN_ALL
CanopyLogSummary  *canopy_log_document_get_summary  (CanopyLogDocument    *self);
CANOPY_AVAILABLE_IN_ALL
GFile             *canopy_log_document_get_file     (CanopyLogDocument    *self);
CANOPY_AVAILABLE_IN_ALL
gboolean           canopy_log_document_get_loaded   (CanopyLogDocument    *self);
CANOPY_AVAILABLE_IN_ALL
double             canopy_log_document_get_progress (CanopyLogDocument    *self);
CANOPY_AVAILABLE_IN_ALL
guint              canopy_log_document_get_n_items  (CanopyLogDocument    *self);
CANOPY_AVAILABLE_IN_ALL
const GError      *canopy_log_document_get_error    (CanopyLogDocument    *self);
CANOPY_AVAILABLE_IN_ALL
guint64            canopy_log_document_get_n_skipped    (CanopyLogDocument *self);
CANOPY_AVAILABLE_IN_ALL
const char * const *canopy_log_document_get_skip_reasons (CanopyLogDocument *self);

G_END_DECLS
