/* canopy-csv-writer.c
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#include "config.h"

#include <string.h>

#include "canopy-csv-writer.h"
#include "canopy-error.h"
#include "canopy-log-writer-private.h"
#include "canopy-message-private.h"
#include "canopy-text-io-private.h"

/**
 * CanopyCsvWriter:
 *
 * Writes python-can's CSV layout: a header line, then
 * `timestamp,arbitration_id,extended,remote,error,dlc,data` per frame, the
 * identifier as `0x…` hex and the payload in base64. Timestamps keep
 * nanoseconds (trailing zeros trimmed). The layout has no channel,
 * direction or CAN FD flags. A name ending in `.gz` is compressed.
 */

struct _CanopyCsvWriter
{
  CanopyLogWriter   parent_instance;
  CanopyTextOutput *out;
};

G_DEFINE_FINAL_TYPE (CanopyCsvWriter, canopy_csv_writer, CANOPY_TYPE_LOG_WRITER)

static const char base64_alphabet[] =
  "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";

static gsize
base64_encode (const guint8 *data,
               gsize         len,
               char         *out)
{
  char *p = out;
  gsize i;

  for (i = 0; i + 2 < len; i += 3)
    {
      guint32 v = (data[i] << 16) | (data[i + 1] << 8) | data[i + 2];

      *p++ = base64_alphabet[(v >> 18) & 63];
      *p++ = base64_alphabet[(v >> 12) & 63];
      *p++ = base64_alphabet[(v >> 6) & 63];
      *p++ = base64_alphabet[v & 63];
    }

  if (i < len)
    {
      guint32 v = data[i] << 16;

      if (i + 1 < len)
        v |= data[i + 1] << 8;
      *p++ = base64_alphabet[(v >> 18) & 63];
      *p++ = base64_alphabet[(v >> 12) & 63];
      *p++ = i + 1 < len ? base64_alphabet[(v >> 6) & 63] : '=';
      *p++ = '=';
    }

  return p - out;
}

static gboolean
canopy_csv_writer_write (CanopyLogWriter      *writer,
                         const CanopyMessage  *msg,
                         GError              **error)
{
  CanopyCsvWriter *self = CANOPY_CSV_WRITER (writer);
  gsize len = _canopy_message_payload_length (msg);
  guint32 id = msg->arbitration_id;
  char *line;
  char *p;
  gsize n;
  char tmp[8];

  if (!(line = _canopy_text_output_reserve (self->out, 256, error)))
    return FALSE;

  p = line;
  n = _canopy_format_seconds (p, msg->timestamp_ns, 9);
  /* Like repr(float): no trailing zeros, at least one decimal. */
  while (n > 2 && p[n - 1] == '0' && p[n - 2] != '.')
    n--;
  p += n;

  memcpy (p, ",0x", 3);
  p += 3;
  n = 0;
  do
    {
      tmp[n++] = _canopy_hex_lower[id & 0xf];
      id >>= 4;
    }
  while (id != 0);
  while (n > 0)
    *p++ = tmp[--n];

  *p++ = ',';
  *p++ = (msg->flags & CANOPY_MESSAGE_EXTENDED) ? '1' : '0';
  *p++ = ',';
  *p++ = (msg->flags & CANOPY_MESSAGE_REMOTE) ? '1' : '0';
  *p++ = ',';
  *p++ = (msg->flags & CANOPY_MESSAGE_ERROR) ? '1' : '0';
  *p++ = ',';
  p += _canopy_format_uint64 (p, msg->dlc);
  *p++ = ',';
  p += base64_encode (msg->data, len, p);
  *p++ = '\n';

  _canopy_text_output_commit (self->out, p - line);

  return TRUE;
}

/* At least once a second (the base class decides): the lines so far
 * reach the file. */
static gboolean
canopy_csv_writer_flush (CanopyLogWriter  *writer,
                        GError          **error)
{
  return _canopy_text_output_sync (CANOPY_CSV_WRITER (writer)->out, error);
}

static gboolean
canopy_csv_writer_close (CanopyLogWriter  *writer,
                         GError          **error)
{
  CanopyCsvWriter *self = CANOPY_CSV_WRITER (writer);

  if (self->out == NULL)
    return TRUE;

  return _canopy_text_output_close (g_steal_pointer (&self->out), error);
}

static void
canopy_csv_writer_finalize (GObject *object)
{
  CanopyCsvWriter *self = CANOPY_CSV_WRITER (object);

  if (self->out != NULL)
    _canopy_text_output_close (g_steal_pointer (&self->out), NULL);

  G_OBJECT_CLASS (canopy_csv_writer_parent_class)->finalize (object);
}

static guint64
canopy_csv_writer_get_size (CanopyLogWriter *writer)
{
  CanopyCsvWriter *self = CANOPY_CSV_WRITER (writer);

  return self->out != NULL ? _canopy_text_output_get_size (self->out) : 0;
}

static void
canopy_csv_writer_class_init (CanopyCsvWriterClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  CanopyLogWriterClass *writer_class = CANOPY_LOG_WRITER_CLASS (klass);

  object_class->finalize = canopy_csv_writer_finalize;
  writer_class->write = canopy_csv_writer_write;
  writer_class->close = canopy_csv_writer_close;
  writer_class->get_size = canopy_csv_writer_get_size;
  writer_class->flush = canopy_csv_writer_flush;
}

static void
canopy_csv_writer_init (CanopyCsvWriter *self)
{
}

/**
 * canopy_csv_writer_new:
 * @path: (type filename): the file to create (or truncate); gzip-compressed
 *   when the name ends in `.gz`
 * @error: return location for a #GError
 *
 * Returns: (transfer full): a new writer, or %NULL if @path cannot be created
 */
CanopyCsvWriter *
canopy_csv_writer_new (const char  *path,
                       GError     **error)
{
  g_autoptr(CanopyCsvWriter) self = NULL;

  g_return_val_if_fail (path != NULL, NULL);
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  self = g_object_new (CANOPY_TYPE_CSV_WRITER, "path", path, NULL);
  if (!(self->out = _canopy_text_output_open (path, error)) ||
      !_canopy_text_output_write (self->out,
                                  "timestamp,arbitration_id,extended,remote,error,dlc,data\n",
                                  -1, error))
    return NULL;

  return g_steal_pointer (&self);
}
