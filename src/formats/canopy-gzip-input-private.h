/* canopy-gzip-input-private.h
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#pragma once

#include <stdio.h>

#include <glib.h>

G_BEGIN_DECLS

/* Seeking in a FILE beyond 2 GiB, on every host. */
#ifdef G_OS_WIN32
# define canopy_fseek(file, offset) _fseeki64 ((file), (gint64) (offset), SEEK_SET)
#else
# define canopy_fseek(file, offset) fseeko ((file), (off_t) (offset), SEEK_SET)
#endif

/* Gzip input for the text readers, with random access: while it inflates
 * it keeps an access point every few MiB of text (where a deflate block
 * starts, with the 32 KiB window before it, as zlib's zran example does),
 * so going back inflates from the nearest point instead of from the start
 * of the file. Concatenated members are read one after the other; what
 * follows the last member is ignored, as gzip does. */
typedef struct _CanopyGzipInput CanopyGzipInput;

/* Reads @file (not owned, positioned anywhere) from its start. */
CanopyGzipInput *_canopy_gzip_input_new             (FILE             *file,
                                                     const char       *path);
void             _canopy_gzip_input_free            (CanopyGzipInput  *self);
/* Up to @size bytes of text; 0 at the end; -1 with @error on damage. */
gssize           _canopy_gzip_input_read            (CanopyGzipInput  *self,
                                                     char             *out,
                                                     gsize             size,
                                                     GError          **error);
/* Goes back to the last access point at or before @text_offset; the next
 * read returns the text from *@restart_offset on. */
gboolean         _canopy_gzip_input_rewind          (CanopyGzipInput  *self,
                                                     guint64           text_offset,
                                                     guint64          *restart_offset,
                                                     GError          **error);
/* Bytes of the file consumed so far. */
guint64          _canopy_gzip_input_get_disk_offset (CanopyGzipInput  *self);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (CanopyGzipInput, _canopy_gzip_input_free)

G_END_DECLS
