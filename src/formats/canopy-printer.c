/* canopy-printer.c
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#include "config.h"

#include <errno.h>
#include <stdio.h>

#include <glib/gstdio.h>

#include "canopy-error.h"
#include "canopy-printer.h"

/**
 * CanopyPrinter:
 *
 * A listener that prints every frame as python-can 2.0's `Printer` does:
 * canopy_message_to_string() and a newline, to standard output or to a file.
 */

struct _CanopyPrinter
{
  GObject  parent_instance;
  GMutex   mutex;
  char    *path;
  FILE    *file;
  GError  *error;
  guint64  written;
};

enum {
  PROP_0,
  PROP_PATH,
  PROP_WRITTEN,
  N_PROPS
};

static void listener_iface_init (CanopyListenerInterface *iface);

G_DEFINE_FINAL_TYPE_WITH_CODE (CanopyPrinter, canopy_printer, G_TYPE_OBJECT,
                               G_IMPLEMENT_INTERFACE (CANOPY_TYPE_LISTENER, listener_iface_init))

static GParamSpec *properties[N_PROPS];

static void
record_errno_locked (CanopyPrinter *self,
                     int            saved_errno)
{
  if (self->error == NULL)
    g_set_error (&self->error, CANOPY_ERROR, CANOPY_ERROR_IO,
                 "Cannot write to %s: %s",
                 self->path ? self->path : "standard output",
                 g_strerror (saved_errno));
}

static void
canopy_printer_on_message_received (CanopyListener      *listener,
                                    const CanopyMessage *msg)
{
  CanopyPrinter *self = CANOPY_PRINTER (listener);
  char line[CANOPY_MESSAGE_STRING_SIZE + 1];
  gsize len;

  len = canopy_message_format (msg, line, sizeof line - 1);
  line[len++] = '\n';

  g_mutex_lock (&self->mutex);
  if (self->file != NULL)
    {
      if (fwrite (line, 1, len, self->file) == len)
        self->written++;
      else
        record_errno_locked (self, errno);
    }
  g_mutex_unlock (&self->mutex);
}

static void
close_file_locked (CanopyPrinter *self)
{
  if (self->file == NULL)
    return;

  if (fflush (self->file) != 0)
    record_errno_locked (self, errno);
  if (self->file != stdout && fclose (self->file) != 0)
    record_errno_locked (self, errno);
  self->file = NULL;
}

static void
canopy_printer_stop (CanopyListener *listener)
{
  CanopyPrinter *self = CANOPY_PRINTER (listener);

  g_mutex_lock (&self->mutex);
  close_file_locked (self);
  g_mutex_unlock (&self->mutex);
}

static void
listener_iface_init (CanopyListenerInterface *iface)
{
  iface->on_message_received = canopy_printer_on_message_received;
  iface->stop = canopy_printer_stop;
}

static void
canopy_printer_finalize (GObject *object)
{
  CanopyPrinter *self = CANOPY_PRINTER (object);

  close_file_locked (self);
  g_clear_pointer (&self->path, g_free);
  g_clear_error (&self->error);
  g_mutex_clear (&self->mutex);

  G_OBJECT_CLASS (canopy_printer_parent_class)->finalize (object);
}

static void
canopy_printer_get_property (GObject    *object,
                             guint       prop_id,
                             GValue     *value,
                             GParamSpec *pspec)
{
  CanopyPrinter *self = CANOPY_PRINTER (object);

  switch (prop_id)
    {
    case PROP_PATH:
      g_value_set_string (value, canopy_printer_get_path (self));
      break;

    case PROP_WRITTEN:
      g_value_set_uint64 (value, canopy_printer_get_written (self));
      break;

    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
canopy_printer_class_init (CanopyPrinterClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->finalize = canopy_printer_finalize;
  object_class->get_property = canopy_printer_get_property;

  /**
   * CanopyPrinter:path:
   *
   * The file printed to, or %NULL for standard output.
   */
  properties[PROP_PATH] =
    g_param_spec_string ("path", NULL, NULL,
                         NULL,
                         (G_PARAM_READABLE | G_PARAM_STATIC_STRINGS));

  /**
   * CanopyPrinter:written:
   *
   * How many frames were printed.
   */
  properties[PROP_WRITTEN] =
    g_param_spec_uint64 ("written", NULL, NULL,
                         0, G_MAXUINT64, 0,
                         (G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS));

  g_object_class_install_properties (object_class, N_PROPS, properties);
}

static void
canopy_printer_init (CanopyPrinter *self)
{
  g_mutex_init (&self->mutex);
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
  g_autoptr(CanopyPrinter) self = g_object_new (CANOPY_TYPE_PRINTER, NULL);

  if (path == NULL)
    {
      self->file = stdout;
      return g_steal_pointer (&self);
    }

  self->path = g_strdup (path);
  self->file = g_fopen (path, "w");
  if (self->file == NULL)
    {
      int saved_errno = errno;

      g_set_error (error, CANOPY_ERROR, CANOPY_ERROR_IO,
                   "Cannot open %s for writing: %s", path, g_strerror (saved_errno));
      return NULL;
    }

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
  return self->path;
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
  guint64 written;

  g_return_val_if_fail (CANOPY_IS_PRINTER (self), 0);

  g_mutex_lock (&self->mutex);
  written = self->written;
  g_mutex_unlock (&self->mutex);

  return written;
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
  GError *error;

  g_return_val_if_fail (CANOPY_IS_PRINTER (self), NULL);

  g_mutex_lock (&self->mutex);
  error = self->error ? g_error_copy (self->error) : NULL;
  g_mutex_unlock (&self->mutex);

  return error;
}
