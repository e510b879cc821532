/* canopy-log-writer.h
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#pragma once

#if !defined (CANOPY_INSIDE) && !defined (CANOPY_COMPILATION)
# error "Only <canopy.h> can be included directly."
#endif

#include <gio/gio.h>

#include "canopy-listener.h"
#include "canopy-log-event.h"

G_BEGIN_DECLS

#define CANOPY_TYPE_LOG_WRITER (canopy_log_writer_get_type ())

CANOPY_AVAILABLE_IN_ALL
G_DECLARE_DERIVABLE_TYPE (CanopyLogWriter, canopy_log_writer, CANOPY, LOG_WRITER, GObject)

/**
 * CanopyLogWriterClass:
 * @write: encode one frame; called with the base mutex held, never after close
 * @log_event: optional text marker; @timestamp_ns < 0 means "at the last frame"
 * @close: flush, finish headers and statistics, close the file; called once
 * @flush: optional: make everything written so far readable in the file
 *   (containers, headers, buffers, transactions), as if the writer were
 *   closed, without closing it
 * @get_size: optional: how many bytes the file holds so far, counting those
 *   still buffered for it (python-can's `file_size()`); called with the base
 *   mutex held, so it must be cheap: a sum of counters, no system call
 *
 * The base class serialises calls (one mutex), counts frames, keeps the
 * first error, implements #CanopyListener and makes closing idempotent;
 * subclasses only encode.
 */
struct _CanopyLogWriterClass
{
  GObjectClass parent_class;

  /* Called with the base mutex held, never after close. */
  gboolean (*write)     (CanopyLogWriter     *self,
                         const CanopyMessage *msg,
                         GError             **error);
  /* Optional: a text marker (ASC comment, BLF global marker / app text).
   * timestamp_ns < 0 means "at the last frame". */
  gboolean (*log_event) (CanopyLogWriter     *self,
                         const char          *text,
                         gint64               timestamp_ns,
                         GError             **error);
  /* Flush everything, finish headers/statistics, close the file. Once. */
  gboolean (*close)     (CanopyLogWriter     *self,
                         GError             **error);
  /* Optional: put everything written so far into the file, in a shape
   * readers accept, so that a killed process loses nothing older. */
  gboolean (*flush)     (CanopyLogWriter     *self,
                         GError             **error);
  /* Optional: bytes in the file so far, buffered ones included. Cheap. */
  guint64  (*get_size)  (CanopyLogWriter     *self);

  /*< private >*/
  /* Optional: an event as the reader gave it (BLF: every field back as it
   * was). Called with the base mutex held, never after close. */
  gboolean (*write_event) (CanopyLogWriter      *self,
                           const CanopyLogEvent *event,
                           GError              **error);

  gpointer padding[5];
};


CANOPY_AVAILABLE_IN_ALL
CanopyLogWriter *canopy_log_writer_new_for_file (const char          *path,
                                                 GError             **error);
CANOPY_AVAILABLE_IN_ALL
CanopyLogWriter *canopy_log_writer_new_for_gfile (GFile               *file,
                                                  GCancellable        *cancellable,
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
gboolean         canopy_log_writer_write_event  (CanopyLogWriter      *self,
                                                 const CanopyLogEvent *event,
                                                 GError              **error);
CANOPY_AVAILABLE_IN_ALL
gboolean         canopy_log_writer_flush        (CanopyLogWriter     *self,
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
guint64          canopy_log_writer_get_size     (CanopyLogWriter     *self);
CANOPY_AVAILABLE_IN_ALL
GError          *canopy_log_writer_dup_error    (CanopyLogWriter     *self);

G_END_DECLS
