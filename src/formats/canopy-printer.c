/* canopy-printer.c
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#include "config.h"

#include <errno.h>
#include <stdio.h>

#include <glib/gstdio.h>

#include "canopy-error.h"
#include "canopy-log-writer-private.h"
#include "canopy-printer.h"

/**
 * CanopyPrinter:
 *
 * A listener that prints every frame as python-can 2.0's `Printer` does:
 * canopy_message_to_string() and a newline, to standard output or to a file.
 *
 * It is also the writer canopy_log_writer_new_for_file() falls back to for
 * file names it does not know, as python-can's `Logger`.
 */

struct _CanopyPrinter
{
  CanopyLogWriter  parent_instance;
  FILE            *file;
  guint64          size;
};

G_DEFINE_FINAL_TYPE (CanopyPrinter, canopy_printer, CANOPY_TYPE_LOG_WRITER)

static void
set_errno_error (CanopyPrinter  *self,
                 int             saved_errno,
                 GError        **error)
{
  const char *path = canopy_log_writer_get_path (CANOPY_LOG_WRITER (self));

  g_set_error (error, CANOPY_ERROR, CANOPY_ERROR_IO,
               "Cannot write to %s: %s",
               path ? path : "standard output",
               g_strerror (saved_errno));
}

static gboolean
canopy_printer_write (CanopyLogWriter      *writer,
                      const CanopyMessage  *msg,
                      GError              **error)
{
  CanopyPrinter *self = CANOPY_PRINTER (writer);
  char line[CANOPY_MESSAGE_STRING_SIZE + 1];
  gsize len;

  len = canopy_message_format (msg, line, sizeof line - 1);
  line[len++] = '\n';

  if (fwrite (line, 1, len, self->file) != len)
    {
      set_errno_error (self, errno, error);
      return FALSE;
    }
  self->size += len;

  return TRUE;
}

static guint64
canopy_printer_get_size (CanopyLogWriter *writer)
{
  return CANOPY_PRINTER (writer)->size;
}

static gboolean
canopy_printer_close (CanopyLogWriter  *writer,
                      GError          **error)
{
  CanopyPrinter *self = CANOPY_PRINTER (writer);
  FILE *file = g_steal_pointer (&self->file);
  gboolean ret = TRUE;

  if (file == NULL)
    return TRUE;

  if (fflush (file) != 0)
    {
      set_errno_error (self, errno, error);
      ret = FALSE;
    }

  if (file != stdout && fclose (file) != 0 && ret)
    {
      set_errno_error (self, errno, error);
      ret = FALSE;
    }

  return ret;
}

static void
canopy_printer_class_init (CanopyPrinterClass *klass)
{
  CanopyLogWriterClass *writer_class = CANOPY_LOG_WRITER_CLASS (klass);

  writer_class->write = canopy_printer_write;
  writer_class->close = canopy_printer_close;
  writer_class->get_size = canopy_printer_get_size;
}

static void
canopy_printer_init (CanopyPrinter *self)
{
}

/**
 * canopy_printer_new:
 * @path: (nullable) (type filename): the file to print to (created or
 *   truncated), or %NULL for standard output
 * @error: return location for a #GError
 *
 * Returns: (transfer full): a new printer, or %NULL if @path cannot be opened
 */
CanopyPrinter *
canopy_printer_new (const char  *path,
                    GError     **error)
{
  g_autoptr(CanopyPrinter) self = NULL;
  FILE *file;

  if (path == NULL)
    file = stdout;
  /* "b": the same bytes on every system, LF line ends like the other text
   * writers (Windows' text mode would write CRLF). */
  else if (!(file = g_fopen (path, "wb")))
    {
      int saved_errno = errno;

      g_set_error (error, CANOPY_ERROR, CANOPY_ERROR_IO,
                   "Cannot open %s for writing: %s", path, g_strerror (saved_errno));
      return NULL;
    }

  self = g_object_new (CANOPY_TYPE_PRINTER, "path", path, NULL);
  self->file = file;

  return g_steal_pointer (&self);
}

/**
 * canopy_printer_get_path:
 * @self: a printer
 *
 * Returns: (nullable) (type filename): the file printed to, or %NULL for
 *   standard output
 */
const char *
canopy_printer_get_path (CanopyPrinter *self)
{
  g_return_val_if_fail (CANOPY_IS_PRINTER (self), NULL);
  return canopy_log_writer_get_path (CANOPY_LOG_WRITER (self));
}

/**
 * canopy_printer_get_written:
 * @self: a printer
 *
 * Returns: how many frames were printed
 */
guint64
canopy_printer_get_written (CanopyPrinter *self)
{
  g_return_val_if_fail (CANOPY_IS_PRINTER (self), 0);
  return canopy_log_writer_get_written (CANOPY_LOG_WRITER (self));
}

/**
 * canopy_printer_dup_error:
 * @self: a printer
 *
 * Returns: (transfer full) (nullable): the first write error, if any
 */
GError *
canopy_printer_dup_error (CanopyPrinter *self)
{
  g_return_val_if_fail (CANOPY_IS_PRINTER (self), NULL);
  return canopy_log_writer_dup_error (CANOPY_LOG_WRITER (self));
}
