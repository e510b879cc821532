/* canopy-log-reader.h
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#pragma once

#if !defined (CANOPY_INSIDE) && !defined (CANOPY_COMPILATION)
# error "Only <canopy.h> can be included directly."
#endif

#include <gio/gio.h>

#include "canopy-log-event.h"
#include "canopy-message.h"
#include "canopy-version-macros.h"

G_BEGIN_DECLS

#define CANOPY_TYPE_LOG_READER (canopy_log_reader_get_type ())

/**
 * CANOPY_LOG_READER_MAX_SKIP_REASONS:
 *
 * How many reasons for skipped lines or objects a reader keeps.
 */
#define CANOPY_LOG_READER_MAX_SKIP_REASONS 8

CANOPY_AVAILABLE_IN_ALL
G_DECLARE_DERIVABLE_TYPE (CanopyLogReader, canopy_log_reader, CANOPY, LOG_READER, GObject)

/* Private: defined in canopy-log-reader-private.h. */
struct _CanopyLogReaderCheckpoint;

/**
 * CanopyLogReaderClass:
 * @next: fill @msg with the next frame; %FALSE without error at the end,
 *   %FALSE with a %CANOPY_ERROR naming the offset on damage
 *
 * Readers stream: constant memory whatever the file size.
 */
struct _CanopyLogReaderClass
{
  GObjectClass parent_class;

  /* Fill @msg with the next frame. Return FALSE with no error at the end of
   * the file; FALSE with a CANOPY_ERROR (naming the byte or line offset) on
   * damage, after every intact frame before it was delivered. */
  gboolean (*next) (CanopyLogReader  *self,
                    CanopyMessage    *msg,
                    GError          **error);

  /*< private >*/
  /* Random access for the log document: see canopy-log-reader-private.h. */
  gboolean (*save_checkpoint)    (CanopyLogReader                         *self,
                                  struct _CanopyLogReaderCheckpoint       *checkpoint);
  gboolean (*restore_checkpoint) (CanopyLogReader                         *self,
                                  const struct _CanopyLogReaderCheckpoint *checkpoint,
                                  GError                                 **error);
  /* Optional: frames and events (texts, markers) in file order; either
   * @msg is filled and *@event stays NULL, or *@event is set. Readers of
   * formats without events leave it NULL: next() is used. */
  gboolean (*next_with_events)   (CanopyLogReader                         *self,
                                  CanopyMessage                           *msg,
                                  CanopyLogEvent                         **event,
                                  GError                                 **error);

  gpointer padding[5];
};


CANOPY_AVAILABLE_IN_ALL
CanopyLogReader *canopy_log_reader_new_for_file   (const char       *path,
                                                   GError          **error);
CANOPY_AVAILABLE_IN_ALL
CanopyLogReader *canopy_log_reader_new_for_gfile  (GFile            *file,
                                                   GCancellable     *cancellable,
                                                   GError          **error);
CANOPY_AVAILABLE_IN_ALL
gboolean         canopy_log_reader_next           (CanopyLogReader  *self,
                                                   CanopyMessage    *msg,
                                                   GError          **error);
CANOPY_AVAILABLE_IN_ALL
gboolean         canopy_log_reader_next_with_events (CanopyLogReader  *self,
                                                   CanopyMessage    *msg,
                                                   CanopyLogEvent  **event,
                                                   GError          **error);
CANOPY_AVAILABLE_IN_ALL
CanopyMessage   *canopy_log_reader_read           (CanopyLogReader  *self,
                                                   GError          **error);
CANOPY_AVAILABLE_IN_ALL
const char      *canopy_log_reader_get_path       (CanopyLogReader  *self);
CANOPY_AVAILABLE_IN_ALL
const char      *canopy_log_reader_get_format     (CanopyLogReader  *self);
CANOPY_AVAILABLE_IN_ALL
guint64          canopy_log_reader_get_bytes_read (CanopyLogReader  *self);
CANOPY_AVAILABLE_IN_ALL
guint64          canopy_log_reader_get_bytes_total (CanopyLogReader *self);
CANOPY_AVAILABLE_IN_ALL
double           canopy_log_reader_get_fraction   (CanopyLogReader  *self);
CANOPY_AVAILABLE_IN_ALL
GError          *canopy_log_reader_dup_damage     (CanopyLogReader  *self);
CANOPY_AVAILABLE_IN_ALL
guint64          canopy_log_reader_get_n_skipped  (CanopyLogReader  *self);
CANOPY_AVAILABLE_IN_ALL
const char * const *canopy_log_reader_get_skip_reasons (CanopyLogReader *self);
CANOPY_AVAILABLE_IN_ALL
void             canopy_log_reader_set_cancellable (CanopyLogReader *self,
                                                    GCancellable    *cancellable);
CANOPY_AVAILABLE_IN_ALL
GCancellable    *canopy_log_reader_get_cancellable (CanopyLogReader *self);

G_END_DECLS
