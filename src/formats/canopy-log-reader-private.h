/* canopy-log-reader-private.h
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#pragma once

#include "canopy-log-reader.h"

G_BEGIN_DECLS

/* Readers stream: constant memory whatever the file size. */
struct _CanopyLogReaderClass
{
  GObjectClass parent_class;

  /* Fill @msg with the next frame. Return FALSE with no error at the end of
   * the file; FALSE with a CANOPY_ERROR (naming the byte or line offset) on
   * damage, after every intact frame before it was delivered. */
  gboolean (*next) (CanopyLogReader  *self,
                    CanopyMessage    *msg,
                    GError          **error);
};

/* Subclasses report progress in bytes of the file on disk. */
void _canopy_log_reader_set_progress (CanopyLogReader *self,
                                      guint64          bytes_read,
                                      guint64          bytes_total);

G_END_DECLS
