/* canopy-log-reader.h
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#pragma once

#if !defined (CANOPY_INSIDE) && !defined (CANOPY_COMPILATION)
# error "Only <canopy.h> can be included directly."
#endif

#include <glib-object.h>

#include "canopy-message.h"
#include "canopy-version-macros.h"

G_BEGIN_DECLS

#define CANOPY_TYPE_LOG_READER (canopy_log_reader_get_type ())

CANOPY_AVAILABLE_IN_ALL
G_DECLARE_DERIVABLE_TYPE (CanopyLogReader, canopy_log_reader, CANOPY, LOG_READER, GObject)

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
  gpointer padding[8];
};


CANOPY_AVAILABLE_IN_ALL
CanopyLogReader *canopy_log_reader_new_for_file   (const char       *path,
                                                   GError          **error);
CANOPY_AVAILABLE_IN_ALL
gboolean         canopy_log_reader_next           (CanopyLogReader  *self,
                                                   CanopyMessage    *msg,
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

G_END_DECLS
