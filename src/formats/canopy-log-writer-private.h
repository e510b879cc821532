/* canopy-log-writer-private.h
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#pragma once

#include "canopy-log-writer.h"

G_BEGIN_DECLS

/* The base class serialises calls (one mutex), counts frames, keeps the first
 * error, implements CanopyListener (on_message_received -> write, stop ->
 * close) and makes close idempotent. Subclasses only encode. */
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
};

G_END_DECLS
