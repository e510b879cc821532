/* canopy-log-writer-private.h
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#pragma once

#include "canopy-log-writer.h"

G_BEGIN_DECLS

/* struct _CanopyLogWriterClass is in canopy-log-writer.h so that subclasses
 * can be declared final types in public headers. */

/* For a writer that owns others (the rotating writer), which holds its own
 * base mutex around these calls and keeps count, errors and the flush
 * cadence itself: @self's vfuncs run directly, without @self's lock, count,
 * notifications or timed flushes. */
gboolean _canopy_log_writer_encode       (CanopyLogWriter      *self,
                                          const CanopyMessage  *msg,
                                          GError              **error);
gboolean _canopy_log_writer_encode_event (CanopyLogWriter      *self,
                                          const char           *text,
                                          gint64                timestamp_ns,
                                          GError              **error);
gboolean _canopy_log_writer_encode_flush (CanopyLogWriter      *self,
                                          GError              **error);
guint64  _canopy_log_writer_encode_size  (CanopyLogWriter      *self);

/* From a subclass's vfunc (the base mutex held): @pspec, one of the
 * subclass's properties, is notified through the writer's coalescing
 * notify queue, on the context the writer was made on. */
void     _canopy_log_writer_notify_locked (CanopyLogWriter     *self,
                                           GParamSpec          *pspec);
/* The short name canopy_log_writer_get_format() reports for a writer whose
 * type no format registered (@name is static: a registry entry's). */
void     _canopy_log_writer_set_format_name (CanopyLogWriter   *self,
                                             const char        *name);

G_END_DECLS
