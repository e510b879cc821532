/* canopy-log-format-private.h
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#pragma once

#include "canopy-log-format.h"
#include "canopy-log-reader.h"
#include "canopy-log-writer.h"

G_BEGIN_DECLS

/* What a format registers (from src/formats/, called by the library's top,
 * src/canopy-builtins.c). Strings and arrays must be static. */
typedef struct
{
  /* Short name, as canopy_log_writer_get_format() reports it: "asc". */
  const char        *name;
  const char        *description;
  /* Lower case with the dot, NULL-terminated; NULL for none. */
  const char *const *extensions;
  const char        *mime_type;
  /* Text formats also open (and write) as gzip when the name ends ".gz". */
  gboolean           compressible;
  /* Writes any file name no other format claims (python-can's Printer). */
  gboolean           fallback_writer;
  GType              reader_type;
  GType              writer_type;
  /* NULL when the format cannot be read / written. */
  CanopyLogReader *(*open_reader) (const char    *path,
                                   GError       **error);
  CanopyLogWriter *(*open_writer) (const char    *path,
                                   GError       **error);
  /* Optional: recognise the first bytes of a file (at most 64 given). */
  gboolean         (*sniff)       (const guint8  *head,
                                   gsize          len);
} CanopyLogFormatEntry;

void                        _canopy_log_format_register    (const CanopyLogFormatEntry *entry);
const CanopyLogFormatEntry *_canopy_log_format_get_entry   (CanopyLogFormat            *self);
CanopyLogReader            *_canopy_log_format_open_reader (const char                 *path,
                                                            GError                    **error);
CanopyLogWriter            *_canopy_log_format_open_writer (const char                 *path,
                                                            GError                    **error);
const char                 *_canopy_log_format_name_for_type (GType                     type);

G_END_DECLS
