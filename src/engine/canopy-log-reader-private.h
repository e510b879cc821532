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

/* Random access (the log document). A checkpoint is taken between two
 * calls of next() and names the frame the next call returns: restoring it,
 * in this reader or in another reader of the same file, makes the next call
 * return that frame again. Fixed size, no allocation: the document keeps
 * one every few thousand frames. What the fields mean is the reader's
 * business; for text formats @offset is the byte offset of a line in the
 * (decompressed) text and @line its number, for BLF @offset is a log
 * container's file offset and @line the frames to skip after it, for
 * SQLite @offset is a rowid. @state holds what the format carries from
 * line to line (ASC: the base time and the mode). */
struct _CanopyLogReaderCheckpoint
{
  guint64 offset;
  guint64 line;
  gint64  state[3];
};
typedef struct _CanopyLogReaderCheckpoint CanopyLogReaderCheckpoint;

/* FALSE when the reader cannot do random access. */
gboolean _canopy_log_reader_save_checkpoint    (CanopyLogReader                 *self,
                                                CanopyLogReaderCheckpoint       *checkpoint);
gboolean _canopy_log_reader_restore_checkpoint (CanopyLogReader                 *self,
                                                const CanopyLogReaderCheckpoint *checkpoint,
                                                GError                         **error);

void _canopy_log_reader_report_damage (CanopyLogReader *self,
                                       GError          *damage);

G_END_DECLS
