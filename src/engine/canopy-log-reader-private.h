/* canopy-log-reader-private.h
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#pragma once

#include "canopy-log-reader.h"

G_BEGIN_DECLS

/* struct _CanopyLogReaderClass is in canopy-log-reader.h so that subclasses
 * can be declared final types in public headers. */

/* Subclasses report progress in bytes of the file on disk. */
void _canopy_log_reader_set_progress (CanopyLogReader *self,
                                      guint64          bytes_read,
                                      guint64          bytes_total);

void _canopy_log_reader_report_damage (CanopyLogReader *self,
                                       GError          *damage);

G_END_DECLS
