/* canopy-formats-private.h
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#pragma once

#include <gio/gio.h>

#include "canopy-log-reader.h"
#include "canopy-log-writer.h"

G_BEGIN_DECLS

/* One line of the format table (canopy-formats.c). Adding a format is one
 * new file pair and one line there. */
typedef struct
{
  /* Short name, as canopy_log_writer_get_format() reports it. */
  const char       *name;
  /* File name extensions, lower case with the dot, NULL-terminated. */
  const char *const *extensions;
  /* Text formats also open (and write) as gzip when the name ends ".gz". */
  gboolean          text;
  /* NULL when the format cannot be read / written (yet). */
  CanopyLogReader *(*open_reader) (const char  *path,
                                   GError     **error);
  CanopyLogWriter *(*open_writer) (const char  *path,
                                   GError     **error);
  /* Optional: recognise the first bytes of a file (at most 64 given). */
  gboolean         (*sniff)       (const guint8 *head,
                                   gsize         len);
} CanopyFormatInfo;

const CanopyFormatInfo *_canopy_formats_get           (guint        *n_formats);
const CanopyFormatInfo *_canopy_formats_lookup        (const char   *path);
CanopyLogReader        *_canopy_formats_open_reader   (const char   *path,
                                                       GError      **error);
CanopyLogWriter        *_canopy_formats_open_writer   (const char   *path,
                                                       GError      **error);
const char             *_canopy_formats_name_for_type (GType         type);
/* The path of a local @file for the GFile entry points of the readers and
 * writers ("read" or "written" in the error); NULL with @error when it has
 * none or @cancellable is cancelled. */
char                   *_canopy_formats_local_path    (GFile        *file,
                                                       GCancellable *cancellable,
                                                       const char   *done_to,
                                                       GError      **error);

G_END_DECLS
