/* canopy-candump-writer.c
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#include "config.h"

#include <string.h>

#include "canopy-candump-writer.h"
#include "canopy-error.h"
#include "canopy-log-writer-private.h"
#include "canopy-text-io-private.h"

/**
 * CanopyCandumpWriter:
 *
 * Writes the compact log of can-utils' `candump -L`: `(seconds.micro)
 * can<channel> <frame> R|T`, readable by `canplayer`, `log2asc` and
 * python-can. CAN FD frames use `##<flags>`, remote frames `R<dlc>`, error
 * frames the SocketCAN error identifier (`20000080#…` when the frame
 * carries no error class of its own). A name ending in `.gz` is compressed.
 */

struct _CanopyCandumpWriter
{
  CanopyLogWriter   parent_instance;
  CanopyTextOutput *out;
};

G_DEFINE_FINAL_TYPE (CanopyCandumpWriter, canopy_candump_writer, CANOPY_TYPE_LOG_WRITER)

static gboolean
canopy_candump_writer_write (CanopyLogWriter      *writer,
                             const CanopyMessage  *msg,
                             GError              **error)
{
  CanopyCandumpWriter *self = CANOPY_CANDUMP_WRITER (writer);
  gint64 ns = MAX (msg->timestamp_ns, 0);
  guint64 sec = ns / 1000000000;
  /* Rounded to the microsecond, except in the last microsecond of 2262,
   * which rounding would take past what readers can represent. */
  guint64 usec = ((ns % 1000000000) + (ns > G_MAXINT64 - 500 ? 0 : 500)) / 1000;
  gsize len = MIN (msg->dlc, CANOPY_MESSAGE_MAX_DATA);
  char *line;
  char *p;
  char num[24];
  gsize n;

  if (!(line = _canopy_text_output_reserve (self->out, 256, error)))
    return FALSE;

  if (usec == 1000000)
    {
      sec++;
      usec = 0;
    }

  /* "(%010llu.%06llu) " as candump */
  p = line;
  *p++ = '(';
  n = _canopy_format_uint64 (num, sec);
  for (gsize i = n; i < 10; i++)
    *p++ = '0';
  memcpy (p, num, n);
  p += n;
  *p++ = '.';
  for (int i = 5; i >= 0; i--)
    {
      p[i] = '0' + usec % 10;
      usec /= 10;
    }
  p += 6;
  memcpy (p, ") can", 5);
  p += 5;
  p += _canopy_format_uint64 (p, msg->channel >= 0 ? msg->channel : 0);
  *p++ = ' ';

  if (msg->flags & (CANOPY_MESSAGE_EXTENDED | CANOPY_MESSAGE_ERROR))
    {
      guint32 id = msg->arbitration_id & 0x1FFFFFFF;

      if (msg->flags & CANOPY_MESSAGE_ERROR)
        id = 0x20000000 | (id != 0 ? id : 0x80);
      for (int i = 7; i >= 0; i--)
        {
          p[i] = _canopy_hex_upper[id & 0xf];
          id >>= 4;
        }
      p += 8;
    }
  else
    {
      guint32 id = msg->arbitration_id & 0x7FF;

      p[0] = _canopy_hex_upper[(id >> 8) & 0xf];
      p[1] = _canopy_hex_upper[(id >> 4) & 0xf];
      p[2] = _canopy_hex_upper[id & 0xf];
      p += 3;
    }
  *p++ = '#';

  if ((msg->flags & CANOPY_MESSAGE_REMOTE) && !(msg->flags & CANOPY_MESSAGE_ERROR))
    {
      *p++ = 'R';
      if (msg->dlc > 0)
        *p++ = '0' + MIN (msg->dlc, 8);
    }
  else
    {
      if ((msg->flags & CANOPY_MESSAGE_FD) && !(msg->flags & CANOPY_MESSAGE_ERROR))
        {
          int fd_flags = 0;

          if (msg->flags & CANOPY_MESSAGE_BRS)
            fd_flags |= 0x1;
          if (msg->flags & CANOPY_MESSAGE_ESI)
            fd_flags |= 0x2;
          *p++ = '#';
          *p++ = _canopy_hex_upper[fd_flags];
        }
      else
        len = MIN (len, 8);

      for (gsize i = 0; i < len; i++)
        {
          *p++ = _canopy_hex_upper[msg->data[i] >> 4];
          *p++ = _canopy_hex_upper[msg->data[i] & 0xf];
        }
    }

  if (!(msg->flags & CANOPY_MESSAGE_ERROR))
    {
      *p++ = ' ';
      *p++ = (msg->flags & CANOPY_MESSAGE_TX) ? 'T' : 'R';
    }
  *p++ = '\n';

  _canopy_text_output_commit (self->out, p - line);

  return TRUE;
}

/* At least once a second (the base class decides): the lines so far
 * reach the file. */
static gboolean
canopy_candump_writer_flush (CanopyLogWriter  *writer,
                            GError          **error)
{
  return _canopy_text_output_sync (CANOPY_CANDUMP_WRITER (writer)->out, error);
}

static gboolean
canopy_candump_writer_close (CanopyLogWriter  *writer,
                             GError          **error)
{
  CanopyCandumpWriter *self = CANOPY_CANDUMP_WRITER (writer);

  if (self->out == NULL)
    return TRUE;

  return _canopy_text_output_close (g_steal_pointer (&self->out), error);
}

static void
canopy_candump_writer_finalize (GObject *object)
{
  CanopyCandumpWriter *self = CANOPY_CANDUMP_WRITER (object);

  if (self->out != NULL)
    _canopy_text_output_close (g_steal_pointer (&self->out), NULL);

  G_OBJECT_CLASS (canopy_candump_writer_parent_class)->finalize (object);
}

static guint64
canopy_candump_writer_get_size (CanopyLogWriter *writer)
{
  CanopyCandumpWriter *self = CANOPY_CANDUMP_WRITER (writer);

  return self->out != NULL ? _canopy_text_output_get_size (self->out) : 0;
}

static void
canopy_candump_writer_class_init (CanopyCandumpWriterClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  CanopyLogWriterClass *writer_class = CANOPY_LOG_WRITER_CLASS (klass);

  object_class->finalize = canopy_candump_writer_finalize;
  writer_class->write = canopy_candump_writer_write;
  writer_class->close = canopy_candump_writer_close;
  writer_class->get_size = canopy_candump_writer_get_size;
  writer_class->flush = canopy_candump_writer_flush;
}

static void
canopy_candump_writer_init (CanopyCandumpWriter *self)
{
}

/**
 * canopy_candump_writer_new:
 * @path: (type filename): the file to create (or truncate); gzip-compressed
 *   when the name ends in `.gz`
 * @error: return location for a #GError
 *
 * Returns: (transfer full): a new writer, or %NULL if @path cannot be created
 */
CanopyCandumpWriter *
canopy_candump_writer_new (const char  *path,
                           GError     **error)
{
  g_autoptr(CanopyCandumpWriter) self = NULL;

  g_return_val_if_fail (path != NULL, NULL);
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  self = g_object_new (CANOPY_TYPE_CANDUMP_WRITER, "path", path, NULL);
  if (!(self->out = _canopy_text_output_open (path, error)))
    return NULL;

  return g_steal_pointer (&self);
}
