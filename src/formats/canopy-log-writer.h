/* canopy-log-writer.h
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#pragma once

#if !defined (CANOPY_INSIDE) && !defined (CANOPY_COMPILATION)
# error "Only <canopy.h> can be included directly."
#endif

#include "canopy-listener.h"

G_BEGIN_DECLS

#define CANOPY_TYPE_LOG_WRITER (canopy_log_writer_get_type ())

CANOPY_AVAILABLE_IN_ALL
G_DECLARE_DERIVABLE_TYPE (CanopyLogWriter, canopy_log_writer, CANOPY, LOG_WRITER, GObject)

CANOPY_AVAILABLE_IN_ALL
CanopyLogWriter *canopy_log_writer_new_for_file (const char          *path,
                                                 GError             **error);
CANOPY_AVAILABLE_IN_ALL
gboolean         canopy_log_writer_write        (CanopyLogWriter     *self,
                                                 const CanopyMessage *msg,
                                                 GError             **error);
CANOPY_AVAILABLE_IN_ALL
gboolean         canopy_log_writer_log_event    (CanopyLogWriter     *self,
                                                 const char          *text,
                                                 gint64               timestamp_ns,
                                                 GError             **error);
CANOPY_AVAILABLE_IN_ALL
gboolean         canopy_log_writer_close        (CanopyLogWriter     *self,
                                                 GError             **error);
CANOPY_AVAILABLE_IN_ALL
const char      *canopy_log_writer_get_path     (CanopyLogWriter     *self);
CANOPY_AVAILABLE_IN_ALL
const char      *canopy_log_writer_get_format   (CanopyLogWriter     *self);
CANOPY_AVAILABLE_IN_ALL
guint64          canopy_log_writer_get_written  (CanopyLogWriter     *self);
CANOPY_AVAILABLE_IN_ALL
GError          *canopy_log_writer_dup_error    (CanopyLogWriter     *self);

G_END_DECLS
